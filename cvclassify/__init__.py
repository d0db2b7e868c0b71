"""cvclassify: suggest Contrat de Ville objective codes for French grant applications.

    from cvclassify import Classifier
    clf = Classifier.load()
    clf.suggest("Ateliers sociolinguistiques pour mères primo-arrivantes à Borny", k=5)
"""

__version__ = "0.1.0"

from cvclassify.corpus import Corpus, Proposal, load_corpus
from cvclassify.errors import (
    CorpusError,
    CvclassifyError,
    InvalidTextError,
    ModelError,
    TaxonomyError,
    UnknownCodeError,
)
from cvclassify.model import Classifier, ModelCard, ModelParams, Suggestion, Suggestions
from cvclassify.taxonomy import Objective, Taxonomy, load_taxonomy, parse_contract

__all__ = [
    "Classifier",
    "Corpus",
    "CorpusError",
    "CvclassifyError",
    "InvalidTextError",
    "ModelCard",
    "ModelError",
    "ModelParams",
    "Objective",
    "Proposal",
    "Suggestion",
    "Suggestions",
    "Taxonomy",
    "TaxonomyError",
    "UnknownCodeError",
    "__version__",
    "load_corpus",
    "load_taxonomy",
    "parse_contract",
]

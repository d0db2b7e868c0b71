"""cvclassify: suggest Contrat de Ville objective codes for French grant applications.

    from cvclassify import Classifier
    clf = Classifier.load()
    clf.suggest("Ateliers sociolinguistiques pour mères primo-arrivantes à Borny", k=5)
"""

__version__ = "0.1.0"

from cvclassify.corpus import Corpus, Proposal, load_corpus  # noqa: E402
from cvclassify.errors import (  # noqa: E402
    CorpusError,
    CvclassifyError,
    InvalidTextError,
    ModelError,
    TaxonomyError,
    UnknownCodeError,
)
from cvclassify.model import Classifier, ModelCard, ModelParams, Suggestion, Suggestions  # noqa: E402
from cvclassify.taxonomy import Objective, Taxonomy, load_taxonomy, parse_contract  # noqa: E402

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

"""cvclassify: suggest Contrat de Ville objective codes for French grant applications.

    from cvclassify import Classifier
    clf = Classifier.load()                       # the default project's current model
    clf.suggest("Ateliers sociolinguistiques pour mères primo-arrivantes à Borny", k=5)

Names are imported on first use, so ``import cvclassify`` loads neither spaCy nor scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cvclassify._version import __version__
from cvclassify.errors import (
    CorpusError,
    CvclassifyError,
    InvalidTextError,
    MissingExtraError,
    ModelError,
    ProjectError,
    TaxonomyError,
    UnknownCodeError,
)

_LAZY = {
    "Classifier": "cvclassify.model",
    "ModelCard": "cvclassify.model",
    "ModelParams": "cvclassify.model",
    "Document": "cvclassify.document",
    "Classification": "cvclassify.result",
    "Decision": "cvclassify.result",
    "Suggestion": "cvclassify.result",
    "Suggestions": "cvclassify.result",
    "Evidence": "cvclassify.result",
    "Corpus": "cvclassify.corpus",
    "Proposal": "cvclassify.corpus",
    "load_corpus": "cvclassify.corpus",
    "Objective": "cvclassify.taxonomy",
    "Taxonomy": "cvclassify.taxonomy",
    "load_taxonomy": "cvclassify.taxonomy",
    "parse_contract": "cvclassify.taxonomy",
    "Project": "cvclassify.projects",
    "open_project": "cvclassify.projects",
    "data_home": "cvclassify.projects",
}

if TYPE_CHECKING:
    from cvclassify.corpus import Corpus, Proposal, load_corpus
    from cvclassify.document import Document
    from cvclassify.model import Classifier, ModelCard, ModelParams
    from cvclassify.projects import Project, data_home, open_project
    from cvclassify.result import Classification, Decision, Evidence, Suggestion, Suggestions
    from cvclassify.taxonomy import Objective, Taxonomy, load_taxonomy, parse_contract


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cvclassify' has no attribute {name!r}")


__all__ = [
    "Classification",
    "Classifier",
    "Corpus",
    "CorpusError",
    "CvclassifyError",
    "Decision",
    "Document",
    "Evidence",
    "InvalidTextError",
    "MissingExtraError",
    "ModelCard",
    "ModelError",
    "ModelParams",
    "Objective",
    "Project",
    "ProjectError",
    "Proposal",
    "Suggestion",
    "Suggestions",
    "Taxonomy",
    "TaxonomyError",
    "UnknownCodeError",
    "__version__",
    "data_home",
    "load_corpus",
    "load_taxonomy",
    "open_project",
    "parse_contract",
]

"""The model: parameters, the decision layer over a backend's margins, the card, and the ``Classifier``
that ties them to an objective tree and persists them. Names are imported on first use, so that
``cvclassify.model.params`` can be read without loading the classifier."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {"Classifier": "cvclassify.model.classifier", "ModelCard": "cvclassify.model.card",
         "ModelParams": "cvclassify.model.params"}

if TYPE_CHECKING:
    from cvclassify.model.card import ModelCard
    from cvclassify.model.classifier import Classifier
    from cvclassify.model.params import ModelParams


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cvclassify.model' has no attribute {name!r}")


__all__ = ["Classifier", "ModelCard", "ModelParams"]

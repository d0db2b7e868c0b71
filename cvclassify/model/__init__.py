"""The model: parameters, pipeline (``estimator``), calibration and thresholds, explanations, card,
and the ``Classifier`` that ties them together and persists them."""

from cvclassify.model.card import ModelCard
from cvclassify.model.classifier import Classifier
from cvclassify.model.params import ModelParams

__all__ = ["Classifier", "ModelCard", "ModelParams"]

"""Transversal concerns: the second family of labels of a project (égalité femmes-hommes, lutte contre les
discriminations, valeurs de la République…), printed without codes beside the tree and scored beside the
leaves. A small backend of their own learns from the labelled proposals that name them (codes of the
``transversal`` objectives in a proposal's ``codes``) and from their descriptions; with no such proposal, from
the descriptions alone."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cvclassify.backends.base import Backend
from cvclassify.model.calibration import platt

DEFAULT_THRESHOLD = 0.5


@dataclass
class TransversalLayer:
    """A fitted backend over the transversal concerns, its Platt sigmoid and the score from which a concern is
    ticked."""

    backend: Backend
    calibration: tuple[float, float]
    threshold: float
    fitted_on: dict

    @property
    def ids(self) -> list[str]:
        """The concerns' ids, in the columns' order."""
        return list(self.backend.leaf_ids)

    def scores(self, texts) -> np.ndarray:
        """Scores in [0, 1] (documents × concerns)."""
        return platt(self.backend.scores(texts), self.calibration)

    def card(self) -> dict:
        """What the model card records of it."""
        return {"concerns": self.ids, "calibration": list(self.calibration), "threshold": self.threshold,
                **self.fitted_on}

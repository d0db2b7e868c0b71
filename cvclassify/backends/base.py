"""The backend contract: what every scorer of a project's leaf codes provides (after Annif's ``AnnifBackend``).

A backend learns from labelled examples and the objective tree, and gives *margins*: one real number per
document and leaf code (documents × leaves, in ``leaf_ids`` order), higher meaning more likely. It knows
nothing of calibration, ticked codes or routes: the decision layer (``cvclassify.model.decision``) turns
any backend's margins into calibrated scores and decisions, and ``cvclassify.result`` into labelled results.

A backend is persisted by pickling it inside the model bundle (``cvclassify.model.classifier``), so it
must hold plain, picklable state; caches built for speed are dropped in ``__getstate__``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from cvclassify.taxonomy import Taxonomy


@dataclass(frozen=True)
class Example:
    """One labelled training document: its text (or its ``Analysis``), its leaf ids, its weight, and its writer
    (corpus batch or import file: out-of-fold folds keep a writer whole)."""

    text: Any
    codes: tuple[str, ...]
    weight: float = 1.0
    group: str = ""


class Backend(ABC):
    """Scores the leaf codes of one objective tree for French application texts."""

    name: ClassVar[str]
    """The registry name (``cvclassify.backends.BACKENDS``), written in model cards."""
    leaf_ids: list[str]
    """Column order of the margins: the tree's leaf ids."""

    @abstractmethod
    def fit(self, examples: Sequence[Example], tree: Taxonomy) -> Backend:
        """Learn from labelled examples and the tree (its labels, descriptions and lexicon); returns self."""

    def represent(self, documents: Sequence) -> Any:
        """What the backend computes once per batch of texts (features, analyses); default: the texts."""
        return documents

    @abstractmethod
    def margins(self, represented: Any) -> np.ndarray:
        """Margins (documents × leaves) of what ``represent`` returned."""

    def scores(self, documents: Sequence) -> np.ndarray:
        """Margins (documents × leaves) of texts or analyses."""
        return self.margins(self.represent(documents))

    def explain(self, fields: Mapping[str, str], suggestions: Sequence, represented: Any, row: int) -> None:
        """Attach evidence words to suggestions of document ``row``; backends that cannot explain do nothing."""
        return None

    def top_terms(self, represented: Any, row: int, leaf_id: str, n: int) -> list[str]:
        """The terms of document ``row`` that most raised a code (for batch outputs); default: none."""
        return []

    def known_words(self, represented: Any, margins: np.ndarray | None = None) -> np.ndarray:
        """Per document of what ``represent`` returned: whether one of its words carries weight in the model and,
        given scores of those documents (margins, or any in the same order), raises one of their best codes (a
        text without any gets no ticked code); default: every document, for backends that cannot tell."""
        return np.ones(_count(represented), dtype=bool)

    def warm_up(self) -> None:
        """Build now what the backend builds lazily for many documents (before worker processes are forked, so
        that they share it); default: nothing."""
        return None

    def describe(self) -> dict[str, Any]:
        """What the model card records of this backend."""
        return {"name": self.name}


def _count(represented: Any) -> int:
    """How many documents ``represent`` gave (rows of a matrix, or items of a sequence)."""
    shape = getattr(represented, "shape", None)
    return int(shape[0]) if shape is not None else len(represented)

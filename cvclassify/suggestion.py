"""Suggestions: ranked objective codes with scores, place in the tree and evidence, and their one serialiser.

Models return score arrays; they become labelled ``Suggestion`` objects here, and every caller
(library, CLI, batch, API) turns them into dicts through ``to_dict`` / ``to_row`` below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

COMPACT_KEYS = ("code", "id", "label", "score", "selected", "objective", "axis")
"""The keys of a suggestion in batch output (no description, no evidence)."""


@dataclass
class Evidence:
    """A word of the input that pushed a suggestion up (offsets index the named field)."""

    word: str
    lemma: str
    weight: float
    field: str
    start: int
    end: int


@dataclass
class Suggestion:
    """One ranked objective code with its score, its place in the tree and its evidence."""

    code: str
    id: str
    label: str
    score: float
    selected: bool
    level: str = "leaf"
    objective: dict[str, str] = field(default_factory=dict)
    axis: dict[str, str] = field(default_factory=dict)
    description: str = ""
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self, compact: bool = False) -> dict[str, Any]:
        """Every field (evidence included), or with ``compact`` only ``COMPACT_KEYS``."""
        if compact:
            return {k: getattr(self, k) for k in COMPACT_KEYS}
        # by hand rather than dataclasses.asdict, which deep-copies and costs ~2 ms per answer
        return {"code": self.code, "id": self.id, "label": self.label, "score": self.score,
                "selected": self.selected, "level": self.level, "objective": dict(self.objective),
                "axis": dict(self.axis), "description": self.description,
                "evidence": [dict(vars(e)) for e in self.evidence]}


class Suggestions(list):
    """Ranked suggestions for one text, best first, with what the model wants the reader to know.

    ``objective_hint`` is set when the model is unsure of the leaf but sure of its objective.
    """

    def __init__(self, items: Sequence[Suggestion] = (), *, objective_hint: Suggestion | None = None,
                 warnings: Sequence[str] = (), model_version: str = "", decision: dict | None = None) -> None:
        super().__init__(items)
        self.decision = decision
        """``{"confidence": P(first code right), "route": "auto" | "review" | "objective"}`` (and the
        objective when the route is ``objective``), or None for a model without a fitted decision."""
        self.objective_hint = objective_hint
        self.warnings = list(warnings)
        self.model_version = model_version

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self]

    def to_dict(self) -> dict[str, Any]:
        """The full JSON form (``cvclassify suggest --json``)."""
        return {
            "suggestions": [s.to_dict() for s in self],
            "objective_hint": self.objective_hint.to_dict() if self.objective_hint else None,
            "decision": self.decision,
            "warnings": self.warnings,
            "model_version": self.model_version,
        }

    def to_row(self) -> dict[str, Any]:
        """The compact form of one batch output row (without the id)."""
        row: dict[str, Any] = {"suggestions": [s.to_dict(compact=True) for s in self]}
        if self.objective_hint is not None:
            hint = self.objective_hint
            row["objective_hint"] = {"code": hint.code, "label": hint.label, "score": hint.score}
        if self.decision is not None:
            row["decision"] = self.decision
        if self.warnings:
            row["warnings"] = self.warnings
        return row

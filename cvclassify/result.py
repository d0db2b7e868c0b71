"""The one result type: a ``Classification`` per document, built in one place from the scorer's arrays.

The backend gives margins, the decision layer calibrated scores, ticked codes and a route (an
``Assessment``); ``classifications`` turns them into labelled results with the tree — codes, labels,
parents, the decision and the objective hint. Numbers stay numbers here; ``cvclassify.render`` gives
every caller its shape (library dict, CLI table, batch row, API and Annif answers).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from cvclassify.hierarchy import RollUp
from cvclassify.labels import Route
from cvclassify.taxonomy import Taxonomy

if TYPE_CHECKING:
    from cvclassify.model.decision import Assessment

HINT_MIN_SCORE = 0.5
"""An objective is hinted when no leaf is ticked and its noisy-OR score reaches this (models without a
fitted decision)."""
NO_EVIDENCE = "Aucun mot du texte ne justifie un code : à classer à la main."
"""The warning of a text without any word the model knows (``cvclassify.model.decision.without_evidence``)."""


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
    national: dict[str, dict[str, str]] = field(default_factory=dict)
    """The code's national ANCT sous-thème in each nomenclature (``2015-2023``, ``2024-2030``), when known."""


@dataclass(frozen=True)
class Decision(Mapping):
    """The advice for one application: the route and the confidence that its ticked codes are exactly right
    (models fitted before 2026-12: that its first code is right; the card's ``decision.auto_promise`` says).

    Also readable as a mapping (``decision["route"]``), as earlier versions returned a dict.
    """

    route: Route
    confidence: float
    objective: dict[str, Any] | None = None
    """The sure objective (code, label, confidence) when the route is ``objective``."""

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def _keys(self) -> tuple[str, ...]:
        return ("confidence", "route") if self.objective is None else ("confidence", "route", "objective")


@dataclass
class Classification:
    """Ranked suggestions for one application, best first, with the decision and what the reader should know.

    Iterating, indexing and ``len`` go through the suggestions. ``objective_hint`` is set when the model is
    unsure of the leaf but sure of its objective; ``terms`` holds the lemmas that most raised the first code
    when they were asked for (batch outputs).
    """

    suggestions: list[Suggestion]
    decision: Decision | None = None
    objective_hint: Suggestion | None = None
    warnings: list[str] = field(default_factory=list)
    model_version: str = ""
    terms: list[str] = field(default_factory=list)
    transversal: list[Suggestion] = field(default_factory=list)
    """The project's transversal concerns, best first, ticked above their threshold (empty when it has none)."""

    def __iter__(self) -> Iterator[Suggestion]:
        return iter(self.suggestions)

    def __len__(self) -> int:
        return len(self.suggestions)

    def __getitem__(self, index: int) -> Suggestion:
        return self.suggestions[index]

    @property
    def codes(self) -> list[str]:
        """The suggested codes, best first."""
        return [s.code for s in self.suggestions]

    @property
    def selected(self) -> list[Suggestion]:
        """The ticked suggestions."""
        return [s for s in self.suggestions if s.selected]

    def to_dict(self) -> dict[str, Any]:
        """The full JSON form (``cvclassify suggest --json``); see ``cvclassify.render``."""
        from cvclassify.render import as_dict

        return as_dict(self)


Suggestions = Classification
"""The name of the result type in earlier versions."""


class TreeView:
    """What results need of a tree, computed once per model: nodes, parents and the objective roll-up."""

    def __init__(self, taxonomy: Taxonomy, leaf_ids: Sequence[str]) -> None:
        self.taxonomy = taxonomy
        self.leaf_ids = list(leaf_ids)
        self.objectives = RollUp(taxonomy, self.leaf_ids, "objective")

    def suggestion(self, leaf_id: str, score: float, selected: bool) -> Suggestion:
        """A leaf as a suggestion, with its objective and axis."""
        tx = self.taxonomy
        node, group, axis = tx[leaf_id], tx.group_of(leaf_id), tx.axis_of(leaf_id)
        return Suggestion(code=node.display_code, id=node.id, label=node.label, score=score, selected=selected,
                          objective={"code": group.display_code, "label": group.label},
                          axis={"code": axis.display_code, "label": axis.label},
                          description="; ".join(node.lexicon), national=self.national(node))

    def national(self, node) -> dict[str, dict[str, str]]:
        """The first national sous-thème of a node in each nomenclature."""
        from cvclassify.taxonomy.national import describe

        found = {}
        for period, codes in (("2015", node.anct_2015), ("2024", node.anct_2024)):
            described = describe(period, codes[0]) if codes else None
            if described:
                found[described.pop("period")] = described
        return found

    def concerns(self, ids: Sequence[str], scores: np.ndarray, threshold: float) -> list[Suggestion]:
        """The transversal concerns of one document as suggestions, best first."""
        order = np.argsort(-scores, kind="stable")
        return [Suggestion(code=self.taxonomy[ids[j]].display_code, id=ids[j], label=self.taxonomy[ids[j]].label,
                           score=float(scores[j]), selected=bool(scores[j] >= threshold), level="transversal")
                for j in order]

    def objective(self, group: int, score: float) -> Suggestion:
        """An objective (a group of the roll-up) as a suggestion."""
        node = self.taxonomy[self.objectives.groups[group]]
        axis = self.taxonomy.axis_of(node.id)
        return Suggestion(code=node.display_code, id=node.id, label=node.label, score=score, selected=True,
                          level=node.level, objective={}, axis={"code": axis.display_code, "label": axis.label})


def classifications(judged: Assessment, tree: TreeView, allowed: np.ndarray, k: int,
                    warnings: Sequence[Sequence[str]], model_version: str) -> list[Classification]:
    """The labelled result of every document of an assessment: its ``k`` best allowed codes, the
    decision and the objective hint.

    The hint always names the first code's objective (the decision layer routes ``objective`` only then), and
    its score is never below the first code's: a code can only be right if its objective is. A text without a
    known word gets no hint and the warning ``NO_EVIDENCE``.
    """
    results = []
    for i, notes in enumerate(warnings):
        row, ticked = judged.scores[i], judged.selected[i]
        candidates = [j for j in np.argsort(-row, kind="stable") if allowed[j]][:k]
        items = [tree.suggestion(tree.leaf_ids[j], float(row[j]), bool(ticked[j])) for j in candidates]
        grounded = judged.grounded is None or bool(judged.grounded[i])
        first = float(row[candidates[0]]) if candidates else 0.0
        decision, hint = None, None
        if judged.route:
            objective = None
            if judged.route[i] == Route.OBJECTIVE:
                hint = tree.objective(int(judged.objective[i]), max(float(judged.objective_confidence[i]), first))
                objective = {"code": hint.code, "label": hint.label, "confidence": hint.score}
            decision = Decision(Route(judged.route[i]), float(judged.confidence[i]), objective)
        elif grounded and candidates and not ticked.any():
            group = int(tree.objectives.member[candidates[0]])
            lifted = tree.objectives.scores(np.where(allowed, row, 0.0)[None, :])[0]
            hint = tree.objective(group, float(lifted[group])) if lifted[group] >= HINT_MIN_SCORE else None
        notes = list(notes) if grounded else [*notes, NO_EVIDENCE]
        results.append(Classification(items, decision, hint, notes, model_version))
    return results


@dataclass
class RowResult:
    """The outcome of one input row of a batch: its classification, or why there is none."""

    index: int
    id: str
    status: str
    """A ``RowStatus`` value."""
    error: str | None = None
    classification: Classification | None = None

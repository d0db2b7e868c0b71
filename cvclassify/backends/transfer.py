"""The transfer backend: a territory's tree scored from day one, with the labelled proposals of another project.

A new contract has a tree and no labelled proposal. The source project (Metz 2015-2020: 1,512 proposals and a
trained model) knows how applications are written; the transfer carries that knowledge to the new codes:

1. **Codes related through their descriptions.** The source model reads each new code's description (label,
   description, examples, parents' labels) and gives how much it looks like each source code:
   ``relation[t, s]`` = P(source code s | description of new code t), each row normalised.
2. **Source proposals relabelled.** Each source proposal gets the new code its codes (primary first, mixed
   with the source model's own reading of the text) point to most: ``argmax_t relation · codes(p)``.
3. **A linear backend fitted** on those weak examples, the new tree's descriptions and the territory's own
   labelled examples when it has some.
4. **Margins blended** with the source model's scores carried to the new codes (``scores · relation``).

Measured on two territories the method never saw (``bench/cold_start.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cvclassify.backends.base import Backend, Example
from cvclassify.backends.linear import LinearBackend
from cvclassify.model.params import ModelParams
from cvclassify.taxonomy import Taxonomy

MIX = 0.3
"""Share of the source model's reading of a proposal beside its gold codes when it is relabelled."""
BLEND = 0.5
"""Weight of the carried source scores beside the fitted backend's scores (each scaled to its row maximum)."""
SECONDARY = 0.4
"""Weight of a proposal's secondary codes beside its primary code when it is relabelled."""
MIN_COVERAGE = 0.5
MIN_LIFT = 1.5
FULL_LIFT = 4.0
"""A relabelled proposal counts fully when its new code stands out ``FULL_LIFT`` times the average new code, less
below, and not at all under ``MIN_LIFT`` (a source coarser than the new tree points nowhere in particular)."""



def code_profile(tree: Taxonomy, ident: str) -> str:
    """What a code says of itself: its label, description, lexicon and its parents' labels."""
    node = tree[ident]
    parts = [node.label, node.description, " ; ".join(node.lexicon), *(a.label for a in tree.ancestors(ident))]
    return "\n".join(p for p in parts if p)


class TransferBackend(Backend):
    """A linear backend fitted on a source project's proposals relabelled into this tree, blended with the
    source model's scores carried to the new codes. Built with the source's model (``backend`` and Platt
    ``calibration``) and proposals; only what scoring needs is kept once fitted."""

    name = "transfer"

    def __init__(self, params: ModelParams | None = None, *, source_backend: Backend | None = None,
                 source_platt: tuple[float, float] = (1.0, 0.0), source_proposals: Sequence[Any] = (),
                 source_leaf_ids: Sequence[str] = (), analyzer=None) -> None:
        self.params = params or ModelParams()
        self.source_backend = source_backend
        self.source_platt = tuple(source_platt)
        self.source_leaf_ids = list(source_leaf_ids or getattr(source_backend, "leaf_ids", []))
        self._source_proposals = list(source_proposals)
        self._analyzer = analyzer
        self.target: LinearBackend | None = None
        self.relation: np.ndarray | None = None
        self.description_relation: np.ndarray | None = None
        self.leaf_ids: list[str] = []
        self.weak_counts: dict[str, int] = {}
        self.blend = BLEND

    def _source_scores(self, documents: Sequence) -> np.ndarray:
        a, b = self.source_platt
        return 1.0 / (1.0 + np.exp(-(a * self.source_backend.scores(documents) + b)))

    def fit(self, examples: Sequence[Example], tree: Taxonomy) -> TransferBackend:
        """Relate the codes, relabel the source proposals, fit the linear backend on them and on ``examples``."""
        if self.source_backend is None:
            raise ValueError("A transfer backend needs a source model.")
        leaf_ids = tree.leaf_ids
        descriptions = self._source_scores([code_profile(tree, leaf) for leaf in leaf_ids])
        relation = descriptions / descriptions.sum(axis=1, keepdims=True)  # P(source code | new code)
        position = {code: j for j, code in enumerate(self.source_leaf_ids)}
        texts = [p.full_text for p in self._source_proposals]
        read = self._source_scores(texts) if texts else np.zeros((0, len(position)))
        coverage = min(1.0, len(position) / len(leaf_ids))
        """A source with fewer codes than the new tree can only point at part of it: its carried scores count less,
        and under ``MIN_COVERAGE`` its proposals are not relabelled at all (they would crowd a few of the new
        codes: Metz rebuilt from a 34-code territory, bench/results/cold_start.md)."""
        weak: list[Example] = []
        for p, soft in zip(self._source_proposals, read, strict=True):
            gold = np.zeros(len(position))
            for rank, code in enumerate(p.codes):
                if code in position:
                    gold[position[code]] += 1.0 if rank == 0 else SECONDARY
            if not gold.any():
                continue
            mixed = (1 - MIX) * gold / gold.sum() + MIX * soft / max(soft.sum(), 1e-12)
            row = relation @ mixed
            lift = float(row.max() / row.mean())  # how clearly one new code stands out (1: not at all)
            if lift >= MIN_LIFT and coverage >= MIN_COVERAGE:
                weight = min(1.0, lift / FULL_LIFT)
                weak.append(Example(p.full_text, (leaf_ids[int(np.argmax(row))],), weight))
        self.weak_counts = {leaf: sum(e.codes[0] == leaf for e in weak) for leaf in leaf_ids}
        target = LinearBackend(self.params, analyzer=self._analyzer)
        self.target = target.fit([*weak, *examples], tree)
        self.description_relation = relation  # P(source code | new code), for proposing national sous-thèmes
        self.relation = relation / relation.sum(axis=0, keepdims=True)  # each source code spread over new codes
        self.blend = BLEND * coverage
        self.leaf_ids = list(leaf_ids)
        self._source_proposals = []
        return self

    def represent(self, documents: Sequence) -> Any:
        """The target backend's feature rows and the documents (the source backend reads them itself)."""
        return self.target.represent(documents), list(documents)

    def margins(self, represented: Any) -> np.ndarray:
        """Log-odds of the blend of the target's scores and the carried source scores (each row-scaled)."""
        rows, documents = represented
        own = 1.0 / (1.0 + np.exp(-self.target.margins(rows)))
        carried = self._source_scores(documents) @ self.relation.T
        blend = own / own.max(axis=1, keepdims=True) + self.blend * carried / np.maximum(
            carried.max(axis=1, keepdims=True), 1e-12)
        blend = np.clip(blend / (1 + self.blend), 1e-6, 1 - 1e-6)
        return np.log(blend / (1 - blend))

    def explain(self, fields: Mapping[str, str], suggestions: Sequence, represented: Any, row: int) -> None:
        """Evidence words from the target backend's weights."""
        self.target.explain(fields, suggestions, represented[0], row)

    def top_terms(self, represented: Any, row: int, leaf_id: str, n: int) -> list[str]:
        """The lemmas that most raised a code, from the target backend."""
        return self.target.top_terms(represented[0], row, leaf_id, n)

    def known_words(self, represented: Any, margins: np.ndarray | None = None) -> np.ndarray:
        """Whether each text has a word the target backend knows (and that raises one of its best codes)."""
        return self.target.known_words(represented[0], margins)

    def compact(self) -> None:
        """Shrink both linear parts before saving."""
        self.target.compact()
        if hasattr(self.source_backend, "compact"):
            self.source_backend.compact()

    def describe(self) -> dict[str, Any]:
        """The method, its constants and how many source proposals each new code received."""
        return {"name": self.name, "mix": MIX, "blend": self.blend, "secondary": SECONDARY,
                "source_codes": len(self.source_leaf_ids), "weak_examples": self.weak_counts}

    def __getstate__(self) -> dict:
        return {"params": self.params, "source_backend": self.source_backend, "source_platt": self.source_platt,
                "source_leaf_ids": self.source_leaf_ids, "target": self.target, "relation": self.relation,
                "leaf_ids": self.leaf_ids, "weak_counts": self.weak_counts, "blend": self.blend}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["params"], source_backend=state["source_backend"], source_platt=state["source_platt"],
                      source_leaf_ids=state["source_leaf_ids"])
        self.target, self.relation = state["target"], state["relation"]
        self.leaf_ids, self.weak_counts, self.blend = state["leaf_ids"], state["weak_counts"], state["blend"]

"""The ensemble backend: the linear model and omikuji blended with a weight fitted out of fold.

    examples ─┬─ k folds, whole writers left out: linear and omikuji fitted on the others → scores of the fold
              │      → Platt sigmoid of the linear margins, then the weight w that ranks the fold's codes best
              └─ linear and omikuji fitted on all ─ margins = logit((1 − w) · Platt(linear) + w · omikuji)

Both members learn from the same examples and the leaves' descriptions and share one analysis of each text.
The weight and the linear member's sigmoid are fitted inside ``fit`` on out-of-fold scores only (folds keep each
writer, ``Example.group``, whole; k-fold when the writers are too few), never on the rows they score. The
margins are log-odds of the blend, so the decision layer calibrates them like any backend's. Evidence words
come from the linear member. Measured against the linear backend in bench/backends_lobo.py.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from cvclassify.analysis import Analyzer
from cvclassify.backends.base import Backend, Example
from cvclassify.backends.linear import LinearBackend
from cvclassify.backends.omikuji import OmikujiBackend, load_omikuji
from cvclassify.model.calibration import fit_platt, platt
from cvclassify.model.params import ModelParams
from cvclassify.taxonomy import Taxonomy

FOLDS = 3
"""Out-of-fold folds the weight is fitted on (each fold fits both members once more)."""
GRID = tuple(float(w) for w in np.round(np.arange(0.0, 1.01, 0.1), 2))
"""Weights of omikuji tried; the smallest of the best is kept (the linear member explains the codes)."""
DEFAULT_WEIGHT = 0.5
"""Weight when there are too few examples to fit it (and the linear sigmoid stays (1, 0))."""
CLIP = 1e-6


class Represented(NamedTuple):
    """What the ensemble computes once per batch: each member's feature rows (one analysis per text)."""

    linear: Any
    omikuji: Any


def blend_folds(groups: Sequence[str], n_splits: int, random_state: int = 0
                ) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """Train/test index pairs keeping each writer whole (documents of no writer are their own group), or shuffled
    k-fold when fewer than ``n_splits`` writers are named or one writer has more than half the documents; and
    how they were made."""
    from sklearn.model_selection import GroupKFold, KFold

    labels = [g or f"#{i}" for i, g in enumerate(groups)]
    sizes = Counter(labels)
    named = [g for g in sizes if not g.startswith("#")]
    X = np.zeros((len(labels), 1))
    if len(named) >= n_splits and max(sizes.values()) <= len(labels) / 2:
        folds = list(GroupKFold(n_splits=n_splits).split(X, groups=labels))
        return folds, f"{n_splits} folds, whole writers left out ({len(named)} writers)"
    folds = list(KFold(n_splits=n_splits, shuffle=True, random_state=random_state).split(X))
    return folds, f"{n_splits} folds, shuffled (too few writers: {len(named)})"


def ranking_quality(scores: np.ndarray, y: np.ndarray) -> float:
    """Leaf P@1 + R@3 of scores (documents × leaves) against a label matrix, over documents with a code."""
    keep = y.sum(axis=1) > 0
    scores, y = scores[keep], y[keep]
    if not len(y):
        return 0.0
    top = np.argsort(-scores, axis=1, kind="stable")[:, :3]
    hits = np.take_along_axis(y, top, axis=1)
    p1 = float(hits[:, 0].mean())
    r3 = float((hits.sum(axis=1) / y.sum(axis=1)).mean())
    return p1 + r3


def logit(p: np.ndarray) -> np.ndarray:
    """Log-odds of probabilities clipped to [CLIP, 1 − CLIP]."""
    p = np.clip(p, CLIP, 1 - CLIP)
    return np.log(p / (1 - p))


class EnsembleBackend(Backend):
    """``(1 − w) · Platt(linear margins) + w · omikuji's scores``, w and the sigmoid fitted out of fold in ``fit``.

    ``analyzer`` is shared by both members and every fold (each text analysed once). Evidence words
    (``explain``, ``top_terms``, ``known_words``) are the linear member's.
    """

    name = "ensemble"

    def __init__(self, params: ModelParams | None = None, *, analyzer: Analyzer | None = None,
                 folds: int = FOLDS, grid: Sequence[float] = GRID) -> None:
        self.params = params or ModelParams()
        self.folds = folds
        self.grid = tuple(grid)
        self.linear: LinearBackend | None = None
        self.omikuji: OmikujiBackend | None = None
        self.weight = DEFAULT_WEIGHT
        self.linear_platt: tuple[float, float] = (1.0, 0.0)
        self.fitted_on: dict[str, Any] = {}
        self.leaf_ids: list[str] = []
        self._analyzer = analyzer

    def member(self, name: str) -> Backend:
        """A new, unfitted member ("linear" or "omikuji") sharing the analyzer."""
        cls = LinearBackend if name == "linear" else OmikujiBackend
        return cls(self.params, analyzer=self._analyzer)

    def fit(self, examples: Sequence[Example], tree: Taxonomy) -> EnsembleBackend:
        """Fit the weight and the linear sigmoid out of fold, then both members on all examples."""
        from sklearn.preprocessing import MultiLabelBinarizer

        load_omikuji()  # fail before any fit when omikuji is missing
        started = time.perf_counter()
        examples = list(examples)
        y = MultiLabelBinarizer(classes=tree.leaf_ids).fit_transform([e.codes for e in examples]) \
            if examples else np.zeros((0, len(tree.leaf_ids)), dtype=int)
        fitted_on: dict[str, Any] = {"examples": len(examples), "criterion": "pooled out-of-fold leaf P@1 + R@3",
                                     "blend": "(1 - w) * Platt(linear margins) + w * omikuji score",
                                     "margins": "logit of the blend"}
        if self.folds >= 2 and len(examples) >= 2 * self.folds:
            folds, how = blend_folds([e.group for e in examples], self.folds, self.params.random_state)
            linear_oof, omikuji_oof = np.zeros(y.shape), np.zeros(y.shape)
            for train, test in folds:
                part = [examples[i] for i in train]
                documents = [examples[i].text for i in test]
                linear_oof[test] = self.member("linear").fit(part, tree).scores(documents)
                omikuji_oof[test] = self.member("omikuji").fit(part, tree).scores(documents)
            self.linear_platt = fit_platt(linear_oof, y)
            lin, omi = platt(linear_oof, self.linear_platt), 1.0 / (1.0 + np.exp(-omikuji_oof))
            quality = {w: ranking_quality((1 - w) * lin + w * omi, y) for w in self.grid}
            best = max(quality.values())
            self.weight = min(w for w, q in quality.items() if q == best)
            fitted_on.update(folds=how, quality={f"{w:.2f}": round(q, 4) for w, q in quality.items()})
        else:
            self.weight, self.linear_platt = DEFAULT_WEIGHT, (1.0, 0.0)
            fitted_on.update(folds=f"none: fewer than {2 * self.folds} examples, default weight {DEFAULT_WEIGHT}")
        seconds = {"out_of_fold": round(time.perf_counter() - started, 1)}
        for name in ("linear", "omikuji"):
            start = time.perf_counter()
            setattr(self, name, self.member(name).fit(examples, tree))
            seconds[name] = round(time.perf_counter() - start, 1)
        fitted_on["seconds"] = seconds
        self.fitted_on = fitted_on
        self.leaf_ids = list(tree.leaf_ids)
        return self

    def represent(self, documents: Sequence) -> Represented:
        """Both members' feature rows, from one analysis of each text."""
        analysed = self.omikuji.analyse.transform(list(documents))
        return Represented(self.linear.represent(analysed), self.omikuji.represent(analysed))

    def blend(self, represented: Represented) -> np.ndarray:
        """The blended scores in [0, 1] (documents × leaves)."""
        lin = platt(self.linear.margins(represented.linear), self.linear_platt)
        omi = 1.0 / (1.0 + np.exp(-self.omikuji.margins(represented.omikuji)))
        return (1 - self.weight) * lin + self.weight * omi

    def margins(self, represented: Represented) -> np.ndarray:
        """Log-odds of the blend (documents × leaves)."""
        return logit(self.blend(represented))

    def explain(self, fields: Mapping[str, str], suggestions: Sequence, represented: Represented, row: int) -> None:
        """Evidence words from the linear member's weights."""
        self.linear.explain(fields, suggestions, represented.linear, row)

    def top_terms(self, represented: Represented, row: int, leaf_id: str, n: int) -> list[str]:
        """The lemmas that most raised a code, from the linear member."""
        return self.linear.top_terms(represented.linear, row, leaf_id, n)

    def known_words(self, represented: Represented, margins: np.ndarray | None = None) -> np.ndarray:
        """Whether each text has a word the linear member knows that raises one of its best codes."""
        return self.linear.known_words(represented.linear, margins)

    def compact(self) -> None:
        """Shrink the linear member before saving."""
        if hasattr(self.linear, "compact"):
            self.linear.compact()

    def describe(self) -> dict[str, Any]:
        """The weight, the linear sigmoid, how they were fitted, and both members."""
        return {"name": self.name, "weight": self.weight, "linear_platt": list(self.linear_platt),
                "fitted_on": self.fitted_on, "members": [self.linear.describe(), self.omikuji.describe()]}

    def __getstate__(self) -> dict:
        return {"params": self.params, "folds": self.folds, "grid": self.grid, "linear": self.linear,
                "omikuji": self.omikuji, "weight": self.weight, "linear_platt": self.linear_platt,
                "fitted_on": self.fitted_on, "leaf_ids": self.leaf_ids}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["params"], folds=state["folds"], grid=state["grid"])
        self.linear, self.omikuji = state["linear"], state["omikuji"]
        self.weight, self.linear_platt = state["weight"], tuple(state["linear_platt"])
        self.fitted_on, self.leaf_ids = state["fitted_on"], state["leaf_ids"]

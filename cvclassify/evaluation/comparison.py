"""Two model versions compared on the same texts: the gate a candidate passes before it becomes current.

Both models read the project's held-out split and the held-out share of the officers' feedback (texts chosen by
their hash, never trained on). For each set, the promotion is refused when any of these drops by more than the
tolerance: P@1 and R@3 at every level of the tree, precision of the ticked codes, precision of the first code of
the applications routed ``auto``. The tolerance is ``TOLERANCE`` (one point) or one document's worth on that set
(1/n), whichever is larger: on 30 feedback texts, one text more or less is not evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cvclassify.evaluation.metrics import evaluate_scores
from cvclassify.hierarchy import LEVELS, RollUp
from cvclassify.model.classifier import Classifier
from cvclassify.model.decision import Assessment

TOLERANCE = 0.01
"""Largest drop of a metric accepted without ``--force`` (plus one document's worth on small sets)."""
MIN_DOCUMENTS = 5
"""Below this many texts, a set is shown but does not gate the promotion."""


@dataclass(frozen=True)
class LabelledText:
    """A text and its gold leaf codes."""

    text: str
    codes: frozenset[str]


def measure(classifier: Classifier, texts: Sequence[LabelledText]) -> dict[str, float | int]:
    """The gated metrics of a model on labelled texts (flat keys: ``leaf.P@1``, ``ticked.precision``…)."""
    leaves = set(classifier.leaf_ids)
    items = [t for t in texts if t.codes & leaves]
    if not items:
        return {"documents": 0}
    judged: Assessment = classifier.assess([t.text for t in items])
    gold = [set(t.codes & leaves) for t in items]
    report = evaluate_scores(judged.scores, gold, classifier.leaf_ids, classifier.taxonomy)
    out: dict[str, float | int] = {"documents": len(items)}
    for level in distinct_levels(classifier):
        out[f"{level}.P@1"] = report[level]["P@1"]
        out[f"{level}.R@3"] = report[level]["R@3"]
    y = np.array([[c in g for c in classifier.leaf_ids] for g in gold], dtype=bool)
    ticked = judged.selected
    out["ticked.precision"] = round(float((ticked & y).sum() / max(1, ticked.sum())), 4)
    out["ticked.recall"] = round(float((ticked & y).sum() / max(1, y.sum())), 4)
    if judged.route:
        auto = np.array([r == "auto" for r in judged.route])
        first = np.argmax(judged.scores, axis=1)
        right = y[np.arange(len(items)), first]
        out["auto.share"] = round(float(auto.mean()), 4)
        out["auto.documents"] = int(auto.sum())
        if auto.any():
            out["auto.precision"] = round(float(right[auto].mean()), 4)
    return out


def distinct_levels(classifier: Classifier) -> list[str]:
    """The levels of a model's tree that group its leaves differently (a one-level tree has only ``leaf``)."""
    kept, seen = [], []
    for level in LEVELS:
        groups = RollUp(classifier.taxonomy, classifier.leaf_ids, level).member.tolist()
        if groups not in seen:
            kept.append(level)
            seen.append(groups)
    return kept


GATED = (*(f"{level}.{m}" for level in LEVELS for m in ("P@1", "R@3")), "ticked.precision", "auto.precision")
"""The metrics whose drop refuses a promotion."""


def compare_on(name: str, candidate: dict, current: dict) -> dict:
    """One set's comparison: each gated metric before and after, its tolerance, and whether it held."""
    n = int(candidate.get("documents", 0))
    rows, gates = [], n >= MIN_DOCUMENTS
    for metric in GATED:
        if metric not in candidate or metric not in current:
            continue
        base = "auto.documents" if metric == "auto.precision" else "documents"
        count = min(int(candidate.get(base, 0)), int(current.get(base, 0))) or 1
        tolerance = round(max(TOLERANCE, 1.0 / count), 4)
        delta = round(float(candidate[metric]) - float(current[metric]), 4)
        rows.append({"metric": metric, "current": current[metric], "candidate": candidate[metric],
                     "delta": delta, "tolerance": tolerance, "held": delta >= -tolerance or not gates})
    return {"set": name, "documents": n, "gates": gates, "metrics": rows, "current": current,
            "candidate": candidate}


def compare(candidate: Classifier, current: Classifier | None, sets: dict[str, Sequence[LabelledText]]) -> dict:
    """Compare a candidate with the current model on named sets of labelled texts; ``passed`` says whether the
    candidate may become current without ``--force`` (always, when there is no current model)."""
    out = {"candidate": candidate.card.version, "current": current.card.version if current else None,
           "tolerance": TOLERANCE, "min_documents": MIN_DOCUMENTS, "sets": []}
    if current is not None and current.taxonomy.fingerprint() != candidate.taxonomy.fingerprint():
        out["note"] = "the two models use different trees: each is measured on the gold codes of its own tree"
    for name, texts in sets.items():
        measured = measure(candidate, texts)
        if current is None:
            out["sets"].append({"set": name, "documents": measured.get("documents", 0), "gates": False,
                                "metrics": [], "candidate": measured, "current": {}})
            continue
        out["sets"].append(compare_on(name, measured, measure(current, texts)))
    failed = [f"{s['set']}: {m['metric']} {m['current']:.3f} → {m['candidate']:.3f}"
              for s in out["sets"] for m in s["metrics"] if not m["held"]]
    out["failed"] = failed
    out["passed"] = not failed
    return out

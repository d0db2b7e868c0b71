"""Metrics of ranked suggestions at three levels: leaf code, objective (1.1) and axis (pure numbers).

Everything here works on numbers: a score matrix (documents × leaf codes, in the order of
``leaf_ids``) and, for each document, the set of its gold leaf codes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from cvclassify.hierarchy import LEVELS, RollUp, lift_selection
from cvclassify.taxonomy import Taxonomy

if TYPE_CHECKING:
    from cvclassify.corpus import Proposal
    from cvclassify.model.classifier import Classifier


def to_level(
    scores: np.ndarray, gold: Sequence[set[str]], leaf_ids: Sequence[str], taxonomy: Taxonomy, level: str,
    aggregation: str = "noisy_or",
) -> tuple[np.ndarray, list[set[str]], list[str]]:
    """Scores, gold sets and group ids lifted to a level of the tree."""
    roll = RollUp(taxonomy, leaf_ids, level)
    if level == "leaf":
        return scores, [set(g) for g in gold], roll.groups
    return roll.scores(scores, aggregation), roll.gold(gold, leaf_ids), roll.groups


def ranking_metrics(scores: np.ndarray, gold: Sequence[set[str]], ids: Sequence[str]) -> dict[str, float]:
    """P@1, R@3, R@5, F1@3 and nDCG@5, averaged over documents."""
    order = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    p1, r3, r5, f3, ndcg = [], [], [], [], []
    discounts = 1.0 / np.log2(np.arange(2, 7))
    for row, g in zip(order, gold, strict=True):
        if not g:
            continue
        ranked = [ids[j] for j in row]
        hits = np.array([c in g for c in ranked], dtype=float)
        p1.append(hits[0])
        r3.append(hits[:3].sum() / len(g))
        r5.append(hits[:5].sum() / len(g))
        prec3 = hits[:3].sum() / 3
        f3.append(0.0 if prec3 + r3[-1] == 0 else 2 * prec3 * r3[-1] / (prec3 + r3[-1]))
        ideal = discounts[: min(len(g), 5)].sum()
        ndcg.append(float((hits * discounts[: len(hits)]).sum() / ideal))
    return {
        "P@1": float(np.mean(p1)),
        "R@3": float(np.mean(r3)),
        "R@5": float(np.mean(r5)),
        "F1@3": float(np.mean(f3)),
        "nDCG@5": float(np.mean(ndcg)),
        "documents": len(p1),
    }


def selection_metrics(selected: np.ndarray, gold: Sequence[set[str]], ids: Sequence[str]) -> dict:
    """Macro- and micro-F1 of a 0/1 selection matrix, plus a per-code table (support, P, R, F1)."""
    truth = np.array([[c in g for c in ids] for g in gold], dtype=bool)
    selected = selected.astype(bool)
    tp = (selected & truth).sum(0)
    fp = (selected & ~truth).sum(0)
    fn = (~selected & truth).sum(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    support = truth.sum(0)
    present = support > 0
    micro_p = tp.sum() / max(1, tp.sum() + fp.sum())
    micro_r = tp.sum() / max(1, tp.sum() + fn.sum())
    return {
        "macro_F1": float(f1[present].mean()) if present.any() else 0.0,
        "micro_F1": float(0.0 if micro_p + micro_r == 0 else 2 * micro_p * micro_r / (micro_p + micro_r)),
        "selected_per_document": float(selected.sum(1).mean()),
        "per_code": {
            c: {"support": int(support[j]), "P": round(float(precision[j]), 3),
                "R": round(float(recall[j]), 3), "F1": round(float(f1[j]), 3)}
            for j, c in enumerate(ids)
        },
    }


def confusions(scores: np.ndarray, gold: Sequence[set[str]], ids: Sequence[str], top: int = 15) -> list[dict]:
    """Most frequent (gold primary-or-any → wrongly ranked first) pairs."""
    counts: Counter[tuple[str, str]] = Counter()
    for row, g in zip(np.argmax(scores, axis=1), gold, strict=True):
        predicted = ids[row]
        if g and predicted not in g:
            for c in g:
                counts[(c, predicted)] += 1
    return [{"gold": a, "predicted": b, "count": n} for (a, b), n in counts.most_common(top)]


def calibration(scores: np.ndarray, gold: Sequence[set[str]], ids: Sequence[str], bins: int = 10) -> dict:
    """Reliability table, expected calibration error and Brier score of every (document, code) score."""
    truth = np.array([[c in g for c in ids] for g in gold], dtype=float).ravel()
    flat = np.clip(scores.ravel(), 0.0, 1.0)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(flat, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        mask = which == b
        if not mask.any():
            continue
        mean_score, freq = float(flat[mask].mean()), float(truth[mask].mean())
        ece += mask.sum() / len(flat) * abs(mean_score - freq)
        table.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "count": int(mask.sum()),
                      "mean_score": round(mean_score, 4), "observed": round(freq, 4)})
    top = np.argmax(scores, axis=1)
    top_scores = scores[np.arange(len(top)), top]
    top_hits = np.array([ids[j] in g for j, g in zip(top, gold, strict=True)], dtype=float)
    return {
        "ECE": round(float(ece), 4),
        "Brier": round(float(np.mean((flat - truth) ** 2)), 5),
        "top1_mean_score": round(float(top_scores.mean()), 4),
        "top1_accuracy": round(float(top_hits.mean()), 4),
        "reliability": table,
    }


def evaluate_scores(
    scores: np.ndarray,
    gold: Sequence[set[str]],
    leaf_ids: Sequence[str],
    taxonomy: Taxonomy,
    selected: np.ndarray | None = None,
    details: bool = False,
    aggregation: str = "noisy_or",
) -> dict:
    """Ranking metrics at every level; with ``selected``, macro-F1 of the selected codes too.

    With ``details``, adds the leaf-level per-code table, confusions and calibration.
    """
    report: dict = {}
    for level in LEVELS:
        s, g, ids = to_level(scores, gold, leaf_ids, taxonomy, level, aggregation)
        metrics = ranking_metrics(s, g, ids)
        if selected is not None:
            sel = selected
            if level != "leaf":
                sel = lift_selection(selected, RollUp(taxonomy, leaf_ids, level).member, len(ids))
            metrics["macro_F1"] = selection_metrics(sel, g, ids)["macro_F1"]
        report[level] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()}
    if details:
        if selected is not None:
            report["per_code"] = selection_metrics(selected, gold, leaf_ids)["per_code"]
        report["confusions"] = confusions(scores, gold, leaf_ids)
        report["calibration"] = calibration(scores, gold, leaf_ids)
    return report


def heldout_metrics(classifier: Classifier, heldout: Sequence[Proposal], details: bool = False) -> dict:
    """Metrics of a classifier on proposals it did not train on, at leaf, objective and axis level (and, for a
    project with transversal concerns, precision and recall of the ticked concerns)."""
    texts = [p.full_text for p in heldout]
    scores = classifier.scores(texts)
    leaves = set(classifier.leaf_ids)
    gold = [{c for c in p.codes if c in leaves} for p in heldout]
    selected = classifier.select(scores)
    report = evaluate_scores(scores, gold, classifier.leaf_ids, classifier.taxonomy, selected, details=details)
    layer = getattr(classifier, "transversal", None)
    if layer is not None:
        concerns = layer.scores(texts)
        truth = np.array([[c in p.codes for c in layer.ids] for p in heldout], dtype=bool)
        ticked = concerns >= layer.threshold
        tp = float((ticked & truth).sum())
        report["transversal"] = {"precision": round(tp / max(1.0, float(ticked.sum())), 4),
                                 "recall": round(tp / max(1.0, float(truth.sum())), 4),
                                 "documents_naming_a_concern": int(truth.any(axis=1).sum())}
    return report

"""What an officer sees, measured: calibration of the five suggestions shown, reliability of the first
score, precision and recall of ticked codes, and the decision per application (auto / review /
objective) — overall, by writing style, and re-weighted to the real programme mix.

Pure functions of an ``Assessment`` and the gold codes; ``cvclassify.evaluation.evaluate`` feeds them held-out and
cross-validated assessments (never data the model trained on).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cvclassify.io import load_yaml
from cvclassify.model.decision import ROUTES, Assessment

TOP = 5
BINS = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0000001])


def reliability(scores: np.ndarray, hits: np.ndarray, weights: np.ndarray | None = None) -> dict:
    """Expected calibration error and reliability table of scores against 0/1 outcomes."""
    weights = np.ones_like(scores) if weights is None else weights
    which = np.clip(np.digitize(scores, BINS) - 1, 0, len(BINS) - 2)
    table, ece, total = [], 0.0, float(weights.sum())
    for b in range(len(BINS) - 1):
        mask = which == b
        if not mask.any():
            continue
        w = weights[mask]
        mean, observed = float(np.average(scores[mask], weights=w)), float(np.average(hits[mask], weights=w))
        ece += float(w.sum()) / total * abs(mean - observed)
        table.append({"bin": f"{BINS[b]:.2f}-{min(BINS[b + 1], 1.0):.2f}", "count": int(mask.sum()),
                      "mean_score": round(mean, 4), "observed": round(observed, 4)})
    return {"ECE": round(ece, 4), "table": table}


def officer_metrics(judged: Assessment, gold: Sequence[set[str]], leaf_ids: Sequence[str],
                    objective_of: dict[str, str], objective_groups: Sequence[str],
                    weights: np.ndarray | None = None) -> dict:
    """Calibration (top five), reliability of the first score, ticked codes and routes of documents."""
    n = len(gold)
    weights = np.ones(n) if weights is None else weights
    y = np.array([[c in g for c in leaf_ids] for g in gold], dtype=bool)
    order = np.argsort(-judged.scores, axis=1, kind="stable")[:, :TOP]
    rows = np.arange(n)[:, None]
    top_scores, top_hits = judged.scores[rows, order], y[rows, order]
    top5 = reliability(top_scores.ravel(), top_hits.ravel().astype(float), np.repeat(weights, top_scores.shape[1]))
    first = reliability(top_scores[:, 0], top_hits[:, 0].astype(float), weights)
    sel = judged.selected
    tp = (sel & y).sum(axis=1)
    precision = float(np.sum(weights * tp) / max(1e-9, np.sum(weights * sel.sum(axis=1))))
    recall = float(np.sum(weights * tp) / max(1e-9, np.sum(weights * y.sum(axis=1))))
    out = {
        "documents": n,
        "P@1": round(float(np.average(top_hits[:, 0], weights=weights)), 4),
        "R@3": round(float(np.sum(weights * top_hits[:, :3].sum(axis=1)) / np.sum(weights * y.sum(axis=1))), 4),
        "ECE_top5": top5["ECE"], "ECE_top1": first["ECE"], "top1_reliability": first["table"],
        "top5_reliability": top5["table"],
        "selected": {"precision": round(precision, 4), "recall": round(recall, 4),
                     "per_document": round(float(np.average(sel.sum(axis=1), weights=weights)), 3)},
    }
    if judged.route:
        routes = np.array(judged.route)
        first_right = top_hits[:, 0]
        exact = (sel == y).all(axis=1)
        gold_objectives = [{objective_of[c] for c in g if c in objective_of} for g in gold]
        objective_right = np.array([objective_groups[o] in g
                                    for o, g in zip(judged.objective, gold_objectives, strict=True)])
        by_route = {}
        for route in ROUTES:
            mask = routes == route
            share = float(weights[mask].sum() / weights.sum())
            entry = {"share": round(share, 4), "documents": int(mask.sum())}
            if mask.any():
                entry["P@1"] = round(float(np.average(first_right[mask], weights=weights[mask])), 4)
                entry["exact_set"] = round(float(np.average(exact[mask], weights=weights[mask])), 4)
                if route == "objective":
                    entry["objective_P@1"] = round(float(np.average(objective_right[mask], weights=weights[mask])), 4)
            by_route[route] = entry
        out["routes"] = by_route
        out["confidence_reliability"] = reliability(judged.confidence, first_right.astype(float), weights)
    return out


def load_themes(path: Path) -> tuple[list[tuple[str, list[str]]], dict[str, float]]:
    """Theme patterns and the programme mix of a project's ``.themes.yaml``."""
    data = load_yaml(path.read_text(encoding="utf-8"))
    return [(t["theme"], list(t["codes"])) for t in data["themes"]], dict(data.get("programme_mix") or {})


def theme_of(leaf_id: str, themes: list[tuple[str, list[str]]]) -> str:
    """The national theme of a leaf id (first matching pattern), or ''."""
    for theme, patterns in themes:
        if any(fnmatch.fnmatchcase(leaf_id, p) for p in patterns):
            return theme
    return ""


def mix_weights(primaries: Sequence[str], themes: list[tuple[str, list[str]]], mix: dict[str, float]) -> np.ndarray:
    """Weights that give each theme its share of the programme mix (by the primary code's theme)."""
    labels = [theme_of(c, themes) for c in primaries]
    counts = {t: labels.count(t) for t in set(labels)}
    total = len(labels)
    return np.array([mix.get(t, 0.0) / (counts[t] / total) if counts[t] else 0.0 for t in labels])


def quality_report(judged: Assessment, proposals: Sequence, leaf_ids: Sequence[str], taxonomy,
                   themes_path: Path | None = None) -> dict:
    """Officer metrics overall, by style, and (with a themes file) re-weighted to the programme mix."""
    from cvclassify.hierarchy import RollUp

    roll = RollUp(taxonomy, leaf_ids, "objective")
    objective_of = {c: roll.groups[roll.member[i]] for i, c in enumerate(leaf_ids)}
    gold = [set(p.codes) for p in proposals]

    def block(idx: np.ndarray, weights: np.ndarray | None = None) -> dict:
        part = Assessment(judged.scores[idx], judged.selected[idx], judged.confidence[idx],
                          [judged.route[i] for i in idx] if judged.route else [], judged.objective[idx],
                          judged.objective_confidence[idx])
        return officer_metrics(part, [gold[i] for i in idx], leaf_ids, objective_of, roll.groups,
                               None if weights is None else weights[idx])

    everything = np.arange(len(proposals))
    report = {"flat": block(everything), "by_style": {}}
    for style in sorted({p.style for p in proposals}):
        idx = np.array([i for i, p in enumerate(proposals) if p.style == style])
        report["by_style"][style or "?"] = block(idx)
    if themes_path is not None and themes_path.is_file():
        themes, mix = load_themes(themes_path)
        weights = mix_weights([p.primary for p in proposals], themes, mix)
        report["programme_mix"] = {"mix": mix, **block(everything, weights)}
    return report

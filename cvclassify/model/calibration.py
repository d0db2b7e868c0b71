"""Calibration of margins into scores, and per-code selection thresholds.

Both are fitted on out-of-fold margins (see ``cvclassify.training``), never on the data a model
was fitted on.
"""

from __future__ import annotations

import numpy as np


def fit_platt(margins: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """One sigmoid ``p = 1 / (1 + exp(-(a·d + b)))`` shared by all codes."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
    lr.fit(margins.reshape(-1, 1), y.ravel())
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def platt(margins: np.ndarray, calibration: tuple[float, float]) -> np.ndarray:
    """Platt scores of margins."""
    a, b = calibration
    return 1.0 / (1.0 + np.exp(-(a * margins + b)))


THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)


def _f1_at(p: np.ndarray, t: np.ndarray, threshold: float) -> float:
    sel = p >= threshold
    tp = float((sel & (t == 1)).sum())
    denom = sel.sum() + (t == 1).sum()
    return 0.0 if denom == 0 else 2 * tp / denom


def tune_thresholds(probs: np.ndarray, y: np.ndarray, floor: float, shrink: int = 5) -> np.ndarray:
    """Per-code thresholds maximising F1 out of fold, shrunk towards the global best for rare codes."""
    global_best = max(THRESHOLD_GRID, key=lambda th: _f1_at(probs.ravel(), y.ravel(), th))
    thresholds = np.full(probs.shape[1], float(global_best))
    for j in range(probs.shape[1]):
        support = int(y[:, j].sum())
        if support == 0:
            continue
        best = max(THRESHOLD_GRID, key=lambda th: _f1_at(probs[:, j], y[:, j], th))
        weight = support / (support + shrink)
        thresholds[j] = max(floor, weight * best + (1 - weight) * global_best)
    return thresholds

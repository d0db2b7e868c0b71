"""Calibration curves by text length: does the ECE per style on a new writer fall? (issue 17, item 2)

    python bench/calibration_bands.py     # writes bench/results/calibration_bands.{md,json} (seconds; margins cached
                                          # by route_promise.py)

The decision layer maps Platt scores through isotonic curves per rank, with curves of their own for texts under
25 words (``decision.SHORT_WORDS``). Here each corpus batch is scored by curves fitted on the other batches'
leave-one-batch-out margins (a writer the curves never read), for other splits by length: none, fixed word-count
edges, and edges at quantiles of the training lengths (which would follow any territory's texts). A band with fewer
than ``MIN_BAND_DOCUMENTS`` training texts falls back to the curves of all texts. Only the calibration changes:
ranking, selection and routes are not measured here (``route_promise.py`` does).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.isotonic import IsotonicRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from route_promise import ece_top5, margins_setup  # noqa: E402

from cvclassify.io import atomic_write_text  # noqa: E402
from cvclassify.model.calibration import fit_platt, platt  # noqa: E402
from cvclassify.model.decision import MIN_BAND_DOCUMENTS, ORDER_TRACE, RANK_GROUPS, TOP  # noqa: E402

RESULTS = ROOT / "bench" / "results"
READING = (
    "Reading (2026-12-07, model with each lexicon term a training example): no split reaches 0.03 in every style, "
    "and none is adopted. The default (a curve set for texts under 25 words) has the lowest pooled ECE (0.009) and "
    "leaves long files (0.048) and export rows (0.044) above 0.03; finer splits move the error from one style to "
    "another (quartiles: worst style 0.044, titles 0.025 -> 0.042; 25/60/150/300 words: export rows 0.009, long files "
    "0.050). With 130 to 420 applications per style, differences of 0.01 to 0.02 are within the noise of the "
    "estimate. Styles differ in how often their first code is right at the same score (export rows 0.97, long files "
    "0.67 on new writers) more than length explains; calibrating by style would need the style, which the corpus "
    "labels but a new territory's texts do not carry. (Before term examples, 2026-12-06 margins: default 0.013 "
    "pooled, worst style 0.058; quintiles 0.011 and 0.040.)")
SPLITS: dict[str, tuple] = {
    "one curve set": ("edges", ()),
    "under 25 words (default)": ("edges", (25,)),
    "25 / 300 words": ("edges", (25, 300)),
    "25 / 150 / 300 words": ("edges", (25, 150, 300)),
    "25 / 60 / 150 / 300 words": ("edges", (25, 60, 150, 300)),
    "terciles of training lengths": ("quantiles", (1 / 3, 2 / 3)),
    "quartiles": ("quantiles", (0.25, 0.5, 0.75)),
    "quintiles": ("quantiles", (0.2, 0.4, 0.6, 0.8)),
}


def curves_of(ranked: np.ndarray, hits: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for group in sorted(set(RANK_GROUPS)):
        ranks = [r for r in range(TOP) if RANK_GROUPS[r] == group]
        iso = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(ranked[:, ranks].ravel(),
                                                                               hits[:, ranks].ravel())
        out.append((iso.X_thresholds_, iso.y_thresholds_))
    return out


def calibrated(base: np.ndarray, words: np.ndarray, edges, every, bands) -> np.ndarray:
    """The decision layer's mapping (``decision.calibrate``), with a curve set per length band."""
    order = np.argsort(-base, axis=1, kind="stable")
    rows = np.arange(len(base))[:, None]
    ranked = base[rows, order]
    band = np.searchsorted(edges, words, side="right")
    out = np.empty((len(base), TOP))
    for r in range(TOP):
        curve = np.interp(ranked[:, r], *every[RANK_GROUPS[r]])
        for b, curves in enumerate(bands):
            mask = band == b
            if curves is not None and mask.any():
                curve[mask] = np.interp(ranked[mask, r], *curves[RANK_GROUPS[r]])
        out[:, r] = (1 - ORDER_TRACE) * curve + ORDER_TRACE * ranked[:, r]
    out = np.minimum.accumulate(out, axis=1)
    scores = np.zeros_like(base)
    scores[rows, order[:, :TOP]] = out
    return scores


def main() -> None:
    started = time.time()
    _, _, batches, _, lobo, _, y, words, labels, styles = margins_setup()
    out = {}
    for name, (kind, values) in SPLITS.items():
        scores = np.zeros(y.shape)
        for batch in batches:
            test, train = labels == batch, labels != batch
            sigmoid = fit_platt(lobo[train], y[train])
            base = platt(lobo[train], sigmoid)
            order = np.argsort(-base, axis=1, kind="stable")[:, :TOP]
            rows = np.arange(int(train.sum()))[:, None]
            ranked, hits = base[rows, order], y[train][rows, order].astype(float)
            edges = values if kind == "edges" else tuple(np.quantile(words[train], values).round().astype(int))
            band = np.searchsorted(edges, words[train], side="right")
            bands = [curves_of(ranked[band == b], hits[band == b]) if (band == b).sum() >= MIN_BAND_DOCUMENTS
                     else None for b in range(len(edges) + 1)]
            scores[test] = calibrated(platt(lobo[test], sigmoid), words[test], edges, curves_of(ranked, hits), bands)
        by_style = {str(s): round(ece_top5(scores[styles == s], y[styles == s]), 3) for s in sorted(set(styles))}
        out[name] = {"pooled": round(ece_top5(scores, y), 3), "by_style": by_style,
                     "worst_style": max(by_style.values()),
                     "worst_batch": max(round(ece_top5(scores[labels == b], y[labels == b]), 3) for b in batches)}
        print(name, out[name], flush=True)
    styles_sorted = sorted(next(iter(out.values()))["by_style"])
    lines = ["## Calibration curves by text length, on new writers (`bench/calibration_bands.py`)", "",
             __doc__.split("\n\n", 2)[2].strip(), "", "ECE over the five best calibrated scores, 10 bins.", "",
             "| length bands | pooled | worst batch | worst style | " + " | ".join(styles_sorted) + " |",
             "|---|---|---|---|" + "---|" * len(styles_sorted)]
    for name, r in out.items():
        lines.append(f"| {name} | {r['pooled']:.3f} | {r['worst_batch']:.3f} | {r['worst_style']:.3f} | "
                     + " | ".join(f"{r['by_style'][s]:.3f}" for s in styles_sorted) + " |")
    lines += ["", READING, "", f"{round(time.time() - started)} s."]
    atomic_write_text(RESULTS / "calibration_bands.json", json.dumps(out, indent=1) + "\n")
    atomic_write_text(RESULTS / "calibration_bands.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""The product backends (linear, omikuji, ensemble) judged by leaving one writer out.

    pip install -e ".[bench]"       # or ".[omikuji]": omikuji is an optional dependency
    python bench/backends_lobo.py    # writes bench/results/ensemble_lobo.{md,json} (about 25 minutes on 2 cores)

Issue 17 asks for a backend of another family and an ensemble whose weight is fitted out of fold, kept as the
default only if it wins on writers it never read. For each corpus batch (one writer each), the
``EnsembleBackend`` of ``cvclassify.backends.ensemble`` is fitted on the ten other batches and the leaves'
descriptions, as ``cvclassify train --backend ensemble`` fits it: its weight ``w`` and the linear sigmoid on
3 out-of-fold folds that keep each writer whole (inside the ten batches: the left-out batch is never seen), then
both members on all ten. Its members are the systems compared:

- **linear**: the ``LinearBackend`` member (the shipped recipe: lemma and character n-grams, word vectors,
  one-vs-rest logistic regressions);
- **omikuji**: the ``OmikujiBackend`` member (the same feature blocks into omikuji's partitioned label trees,
  Annif's default hyperparameters);
- **ensemble**: ``logit((1 − w) · Platt(linear) + w · omikuji)``.

Each system's margins of a left-out batch become Platt scores with a sigmoid fitted on the other batches'
left-out margins, as the decision layer fits it out of fold (the objective roll-up needs probabilities; leaf P@1
and R@3, rankings, do not change). Reported pooled, as the mean and the worst of the eleven batches, per style
and per batch; the « known codes » part keeps applications whose codes the other batches all show at least three
times (the batches were written axis by axis). Seconds are the fits of each left-out batch (the ensemble's include its
out-of-fold fits); scoring milliseconds per document exclude the French analysis (cached). Scores are cached
per batch in /tmp, so an interrupted run resumes.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from writers import batch_of, corpus_setup, known_codes  # noqa: E402

from cvclassify.analysis import Analyzer  # noqa: E402
from cvclassify.backends import Example  # noqa: E402
from cvclassify.backends.ensemble import EnsembleBackend  # noqa: E402
from cvclassify.evaluation.metrics import evaluate_scores  # noqa: E402
from cvclassify.io import atomic_write_text  # noqa: E402
from cvclassify.model.calibration import fit_platt, platt  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CACHE = Path("/tmp/cvclassify-backends-lobo")
SYSTEMS = ("linear", "omikuji", "ensemble")
METRICS = (("leaf", "P@1"), ("leaf", "R@3"), ("objective", "R@3"))
GUARDED_STYLES = ("titre", "formulaire", "export")
"""Styles the ensemble must not lose on (leaf P@1 and R@3) to become the default."""


def left_out(batch: str, proposals, analyses, tree, params, analyzer) -> dict:
    """Scores of every system on one left-out batch, the ensemble's weight and the seconds (cached in /tmp)."""
    path = CACHE / f"{batch}.npz"
    if path.is_file():
        data = np.load(path, allow_pickle=False)
        return {"scores": {s: data[s] for s in SYSTEMS}, **json.loads(str(data["meta"]))}
    train = [Example(a, p.codes, 1.0, p.source.split(":")[0]) for a, p in zip(analyses, proposals, strict=True)
             if batch_of(p) != batch]
    texts = [p.full_text for p in proposals if batch_of(p) == batch]
    started = time.perf_counter()
    ensemble = EnsembleBackend(params, analyzer=analyzer).fit(train, tree)
    seconds = {"ensemble": round(time.perf_counter() - started, 1), **{
        s: ensemble.fitted_on["seconds"][s] for s in ("linear", "omikuji")}}
    scores, ms = {}, {}
    for name, backend in (("linear", ensemble.linear), ("omikuji", ensemble.omikuji), ("ensemble", ensemble)):
        start = time.perf_counter()
        scores[name] = backend.scores(texts)
        ms[name] = round(1000 * (time.perf_counter() - start) / len(texts), 2)
    meta = {"weight": ensemble.weight, "folds": ensemble.fitted_on.get("folds", ""), "seconds": seconds, "ms": ms}
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, meta=json.dumps(meta), **scores)
    return {"scores": scores, **meta}


def main() -> None:
    started = time.time()
    tree, proposals, batches, params = corpus_setup()
    analyzer = Analyzer(mode=params.analysis)
    analyses = analyzer.analyse([p.full_text for p in proposals])
    labels = np.array([batch_of(p) for p in proposals])
    systems = {s: np.zeros((len(proposals), len(tree.leaf_ids))) for s in SYSTEMS}
    runs = {}
    for batch in batches:
        run = left_out(batch, proposals, analyses, tree, params, analyzer)
        for s in SYSTEMS:
            systems[s][labels == batch] = run["scores"][s]
        runs[batch] = {k: v for k, v in run.items() if k != "scores"}
        print("left out", batch, runs[batch], flush=True)
    systems = calibrated(systems, proposals, tree, labels)
    gold = [set(p.codes) for p in proposals]
    styles = np.array([p.style or "?" for p in proposals])
    known = known_codes(proposals)

    def quality(scores: np.ndarray, mask: np.ndarray) -> dict:
        report = evaluate_scores(scores[mask], [gold[i] for i in np.flatnonzero(mask)], tree.leaf_ids, tree)
        return {f"{lv}.{m}": round(report[lv][m], 4) for lv, m in METRICS}

    out: dict = {"documents": len(proposals), "batches": runs, "systems": {}}
    for name, scores in systems.items():
        per_batch = {b: quality(scores, labels == b) for b in batches}
        keys = list(next(iter(per_batch.values())))
        out["systems"][name] = {
            "pooled": quality(scores, np.ones(len(proposals), dtype=bool)),
            "known": quality(scores, known),
            "mean": {k: round(float(np.mean([v[k] for v in per_batch.values()])), 4) for k in keys},
            "worst": {k: round(float(np.min([v[k] for v in per_batch.values()])), 4) for k in keys},
            "per_batch": per_batch,
            "by_style": {s: quality(scores, styles == s) for s in sorted(set(styles))},
            "fit_seconds_mean": round(float(np.mean([r["seconds"][name] for r in runs.values()])), 1),
            "score_ms_mean": round(float(np.mean([r["ms"][name] for r in runs.values()])), 2),
        }
    out["decision"] = decide(out["systems"])
    out["seconds"] = round(time.time() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS / "ensemble_lobo.json", json.dumps(out, indent=2) + "\n")
    atomic_write_text(RESULTS / "ensemble_lobo.md", render(out, batches))
    print(render(out, batches))


def calibrated(systems: dict, proposals, tree, labels: np.ndarray) -> dict:
    """Each system's margins of a left-out batch as Platt scores, the sigmoid fitted on the other batches'
    left-out margins (as the decision layer fits it out of fold): the objective roll-up needs probabilities."""
    from sklearn.preprocessing import MultiLabelBinarizer

    y = MultiLabelBinarizer(classes=tree.leaf_ids).fit_transform([p.codes for p in proposals])
    out = {}
    for name, margins in systems.items():
        out[name] = np.zeros_like(margins)
        for batch in sorted(set(labels)):
            test = labels == batch
            out[name][test] = platt(margins[test], fit_platt(margins[~test], y[~test]))
    return out


def decide(systems: dict) -> dict:
    """The default backend: "ensemble" only if, against linear, it is not lower on any measure's mean and worst
    batch, higher on at least one, and not lower on leaf P@1 and R@3 for titles, forms and exports."""
    ens, lin = systems["ensemble"], systems["linear"]
    keys = [f"{lv}.{m}" for lv, m in METRICS]
    losses = [f"{part} {k} {ens[part][k]:.4f} < {lin[part][k]:.4f}" for part in ("mean", "worst") for k in keys
              if ens[part][k] < lin[part][k]]
    losses += [f"{style} {k} {ens['by_style'][style][k]:.4f} < {lin['by_style'][style][k]:.4f}"
               for style in GUARDED_STYLES if style in ens["by_style"] for k in ("leaf.P@1", "leaf.R@3")
               if ens["by_style"][style][k] < lin["by_style"][style][k]]
    gains = [f"{part} {k} {ens[part][k]:.4f} > {lin[part][k]:.4f}" for part in ("mean", "worst") for k in keys
             if ens[part][k] > lin[part][k]]
    default = "ensemble" if gains and not losses else "linear"
    return {"default": default, "losses": losses, "gains": gains}


def render(out: dict, batches: list[str]) -> str:
    head = " | ".join(f"{lv} {m}" for lv, m in METRICS)
    keys = [f"{lv}.{m}" for lv, m in METRICS]
    decision = out["decision"]
    weights = {b: r["weight"] for b, r in out["batches"].items()}
    lines = ["# Product backends, leave one batch out (bench/backends_lobo.py)", "",
             __doc__.split("\n\n", 2)[2].strip(), "",
             f"**Decision: the default backend stays `{decision['default']}`.** Rule: the ensemble becomes the "
             "default only if it is not lower than linear on any measure's mean and worst batch, higher on one, "
             "and not lower on leaf P@1 and R@3 for titles, forms and exports. "
             + (f"It loses on: {'; '.join(decision['losses'])}." if decision["losses"] else "It loses on none.")
             + (f" It gains on: {', '.join(decision['gains'])}." if decision["gains"] else ""), "",
             f"Ensemble weight of omikuji fitted per left-out batch: {weights}.", "",
             "What a full retrain and a suggestion cost with each backend: `results/ensemble_retrain.md`.", "",
             f"| system | pooled {head} | mean {head} | worst {head} | known codes {head} | fit s | score ms/doc |",
             "|---" * (3 + 4 * len(METRICS)) + "|"]
    for name, r in out["systems"].items():
        cells = [f"{r[part][k]:.3f}" for part in ("pooled", "mean", "worst", "known") for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {r['fit_seconds_mean']} | {r['score_ms_mean']} |")
    lines += ["", "## By style (leaf P@1 / leaf R@3 / objective R@3)", "",
              "| style | " + " | ".join(out["systems"]) + " |", "|---" * (1 + len(out["systems"])) + "|"]
    styles = next(iter(out["systems"].values()))["by_style"]
    for style in styles:
        lines.append(f"| {style} | " + " | ".join(
            " / ".join(f"{r['by_style'][style][k]:.3f}" for k in keys) for r in out["systems"].values()) + " |")
    lines += ["", "## Per batch (leaf P@1 / leaf R@3 / objective R@3; ensemble weight)", "",
              "| batch | " + " | ".join(out["systems"]) + " | w |", "|---" * (2 + len(out["systems"])) + "|"]
    for batch in batches:
        lines.append(f"| {batch} | " + " | ".join(
            " / ".join(f"{r['per_batch'][batch][k]:.3f}" for k in keys) for r in out["systems"].values())
            + f" | {weights[batch]} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

"""A second model family and a fitted ensemble, judged by leaving one writer out.

    pip install -e ".[bench]"      # omikuji is a bench dependency, not one of cvclassify
    python bench/ensemble_lobo.py   # writes bench/results/ensemble_lobo_experiment.{md,json} (about 10 minutes)

The first experiment, before omikuji and the ensemble were backends of the product: bench/backends_lobo.py
measures the product backends the same way and writes bench/results/ensemble_lobo.{md,json}.

Issue 17 asks for a backend of another family and an ensemble whose weights are fitted out of fold, kept only
if it wins on writers it never read. For each corpus batch (one writer each):

- **linear**: the shipped recipe (lemma and character n-grams, word vectors, one-vs-rest logistic regressions),
  trained on the ten other batches and the leaves' descriptions;
- **omikuji**: the learner of Annif's omikuji backend (partitioned label trees of linear classifiers, omikuji's
  default hyperparameters, which Annif keeps unless configured) on *the same feature rows* as the linear model
  (so that the family, not the features, differs);
- **ensemble**: ``(1 − w) · linear + w · omikuji`` on Platt-scaled linear scores and omikuji's scores; ``w``
  and the Platt sigmoid are chosen on the other ten batches' leave-one-batch-out scores (never on the batch
  scored), ``w`` in 0, 0.1 … 0.7 maximising pooled leaf P@1 + R@3.

Reported per batch and by style, with the mean and the worst batch; the « known codes » part keeps applications
whose codes the other batches all show at least three times (the batches were written axis by axis).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from writers import batch_of, corpus_setup, known_codes  # noqa: E402

from cvclassify.backends import Example  # noqa: E402
from cvclassify.backends.linear import features, training_documents  # noqa: E402
from cvclassify.evaluation.metrics import evaluate_scores  # noqa: E402
from cvclassify.io import atomic_write_text  # noqa: E402
from cvclassify.model.calibration import fit_platt, platt  # noqa: E402
from cvclassify.training import train_classifier  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CACHE = Path("/tmp/cvclassify-ensemble-lobo.npz")
WEIGHTS = np.round(np.arange(0.0, 0.71, 0.1), 2)
METRICS = (("leaf", "P@1"), ("leaf", "R@3"), ("objective", "R@3"))



def omikuji_scores(train_rows, train_labels: list[list[int]], test_rows, n_labels: int) -> np.ndarray:
    """Scores (documents × labels) of an omikuji model trained on CSR rows and label index lists."""
    import omikuji

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "train.txt"
        with path.open("w") as out:
            out.write(f"{train_rows.shape[0]} {train_rows.shape[1]} {n_labels}\n")
            for i in range(train_rows.shape[0]):
                row = train_rows.getrow(i)
                pairs = " ".join(f"{j}:{v:.6g}" for j, v in zip(row.indices, row.data, strict=True))
                out.write(",".join(map(str, train_labels[i])) + " " + pairs + "\n")
        model = omikuji.Model.train_on_data(str(path), omikuji.Model.default_hyper_param(), n_threads=2)
    scores = np.zeros((test_rows.shape[0], n_labels))
    for i in range(test_rows.shape[0]):
        row = test_rows.getrow(i)
        for label, score in model.predict(list(zip(row.indices.tolist(), row.data.tolist(), strict=True)), top_k=20):
            scores[i, label] = score
    return scores


def lobo_scores(proposals, tree, params, batches) -> tuple[np.ndarray, np.ndarray]:
    """Leave-one-batch-out linear margins and omikuji scores of every proposal (cached in /tmp)."""
    if CACHE.is_file():
        data = np.load(CACHE)
        if data["linear"].shape[0] == len(proposals):
            return data["linear"], data["omikuji"]
    index = {leaf: j for j, leaf in enumerate(tree.leaf_ids)}
    labels = np.array([batch_of(p) for p in proposals])
    linear = np.zeros((len(proposals), len(index)))
    omi = np.zeros_like(linear)
    for batch in batches:
        test = np.flatnonzero(labels == batch)
        train = [p for p in proposals if batch_of(p) != batch]
        model = train_classifier(train, tree, params)
        texts = [proposals[i].full_text for i in test]
        linear[test] = model.margins(texts)
        pipeline = model.backend.pipeline
        documents, codes, _ = training_documents([Example(p.full_text, p.codes) for p in train], tree, params)
        omi[test] = omikuji_scores(features(pipeline, documents), [[index[c] for c in cs] for cs in codes],
                                   features(pipeline, texts), len(index))
        print("left out", batch, flush=True)
    np.savez(CACHE, linear=linear, omikuji=omi)
    return linear, omi


def main() -> None:
    started = time.time()
    tree, proposals, batches, params = corpus_setup()
    linear, omi = lobo_scores(proposals, tree, params, batches)
    y = MultiLabelBinarizer(classes=tree.leaf_ids).fit_transform([p.codes for p in proposals])
    gold = [set(p.codes) for p in proposals]
    labels = np.array([batch_of(p) for p in proposals])
    styles = np.array([p.style or "?" for p in proposals])
    known = known_codes(proposals)

    def quality(scores: np.ndarray, mask: np.ndarray) -> dict:
        report = evaluate_scores(scores[mask], [gold[i] for i in np.flatnonzero(mask)], tree.leaf_ids, tree)
        return {f"{lv}.{m}": report[lv][m] for lv, m in METRICS}

    systems = {"linear": np.zeros_like(linear), "omikuji": omi, "ensemble": np.zeros_like(linear)}
    chosen = {}
    for batch in batches:
        test, train = labels == batch, labels != batch
        calibration = fit_platt(linear[train], y[train])
        lin = platt(linear, calibration)
        systems["linear"][test] = lin[test]
        best, best_w = -1.0, 0.0
        for w in WEIGHTS:
            q = quality((1 - w) * lin + w * omi, train)
            if q["leaf.P@1"] + q["leaf.R@3"] > best:
                best, best_w = q["leaf.P@1"] + q["leaf.R@3"], float(w)
        chosen[batch] = best_w
        systems["ensemble"][test] = ((1 - best_w) * lin + best_w * omi)[test]
        print("weights", batch, best_w, flush=True)
    out: dict = {"documents": len(proposals), "weights": chosen, "systems": {}}
    for name, scores in systems.items():
        per_batch = {b: quality(scores, labels == b) for b in batches}
        keys = list(next(iter(per_batch.values())))
        out["systems"][name] = {
            "pooled": quality(scores, np.ones(len(y), dtype=bool)),
            "known": quality(scores, known),
            "mean": {k: round(float(np.mean([v[k] for v in per_batch.values()])), 4) for k in keys},
            "worst": {k: round(float(np.min([v[k] for v in per_batch.values()])), 4) for k in keys},
            "per_batch": per_batch,
            "by_style": {s: quality(scores, styles == s) for s in sorted(set(styles))},
        }
    out["seconds"] = round(time.time() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS / "ensemble_lobo_experiment.json", json.dumps(out, indent=2) + "\n")
    atomic_write_text(RESULTS / "ensemble_lobo_experiment.md", render(out, batches))
    print(render(out, batches))


def render(out: dict, batches: list[str]) -> str:
    head = " | ".join(f"{lv} {m}" for lv, m in METRICS)
    keys = [f"{lv}.{m}" for lv, m in METRICS]
    lines = ["# A second family and an ensemble, leave one batch out (bench/ensemble_lobo.py)", "",
             __doc__.split("\n\n", 2)[2].strip(), "",
             f"Ensemble weight chosen per left-out batch: {out['weights']}.", "",
             f"| system | pooled {head} | mean {head} | worst {head} | known codes {head} |",
             "|---" * (1 + 4 * len(METRICS)) + "|"]
    for name, r in out["systems"].items():
        cells = [f"{r[part][k]:.3f}" for part in ("pooled", "mean", "worst", "known") for k in keys]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## By style (leaf P@1 / leaf R@3)", "", "| style | " + " | ".join(out["systems"]) + " |",
              "|---" * (1 + len(out["systems"])) + "|"]
    styles = next(iter(out["systems"].values()))["by_style"]
    for style in styles:
        lines.append(f"| {style} | " + " | ".join(
            f"{r['by_style'][style]['leaf.P@1']:.3f} / {r['by_style'][style]['leaf.R@3']:.3f}"
            for r in out["systems"].values()) + " |")
    lines += ["", "## Per batch (leaf P@1 / leaf R@3)", "", "| batch | " + " | ".join(out["systems"]) + " |",
              "|---" * (1 + len(out["systems"])) + "|"]
    for batch in batches:
        lines.append(f"| {batch} | " + " | ".join(
            f"{r['per_batch'][batch]['leaf.P@1']:.3f} / {r['per_batch'][batch]['leaf.R@3']:.3f}"
            for r in out["systems"].values()) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

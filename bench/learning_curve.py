"""Where the model fails and what would fix it: held-out quality against training-set size, and by style.

    python bench/learning_curve.py        # writes bench/results/learning_curve.{json,md}

Each point trains the default recipe (without inner calibration: ranking metrics do not need it) on a
fraction of every code's training proposals and scores the fixed held-out split.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvclassify import Classifier, ModelParams, load_corpus, load_taxonomy  # noqa: E402
from cvclassify.corpus import _rank_key, load_heldout, split_corpus  # noqa: E402
from cvclassify.evaluation.metrics import evaluate_scores  # noqa: E402

FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)


def subsample(train, fraction: float):
    """The first ``fraction`` of each primary code's proposals, in seeded hash order (stratified)."""
    by_code = defaultdict(list)
    for p in train:
        by_code[p.primary].append(p)
    kept = []
    for props in by_code.values():
        props = sorted(props, key=lambda p: _rank_key(p.id))
        kept += props[: round(fraction * len(props))]
    return kept


def main() -> None:
    taxonomy, corpus = load_taxonomy(), load_corpus()
    train, test = split_corpus(corpus, load_heldout())
    gold = [set(p.codes) for p in test]
    rows = []
    for fraction in FRACTIONS:
        subset = subsample(train, fraction)
        params = ModelParams(cv_folds=0, use_proposals=bool(subset))
        model = Classifier.train(subset, taxonomy, params)
        scores = model.scores([p.full_text for p in test])
        report = evaluate_scores(scores, gold, model.leaf_ids, taxonomy)
        top = np.argmax(scores, axis=1)
        by_style = defaultdict(list)
        for p, j in zip(test, top, strict=True):
            by_style[p.style].append(model.leaf_ids[j] in p.codes)
        rows.append({
            "fraction": fraction, "training_proposals": len(subset),
            "per_code": round(len(subset) / len(taxonomy.leaf_ids), 1),
            **{f"{lvl} {m}": report[lvl][m] for lvl in ("leaf", "objective", "axis") for m in ("P@1", "R@3")},
            "P@1 by style": {k: round(float(np.mean(v)), 3) for k, v in sorted(by_style.items())},
        })
        print(rows[-1], file=sys.stderr, flush=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "learning_curve.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    keys = [k for k in rows[0] if k not in ("P@1 by style", "fraction")]
    lines = [f"## Learning curve — held-out split ({len(test)} proposals)", "",
             "| " + " | ".join(keys) + " |", "|---" * len(keys) + "|"]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    styles = sorted(rows[-1]["P@1 by style"])
    lines += ["", "Leaf P@1 by style of application:", "", "| training proposals | " + " | ".join(styles) + " |",
              "|---" * (len(styles) + 1) + "|"]
    lines += [f"| {r['training_proposals']} | " + " | ".join(str(r["P@1 by style"].get(s, "")) for s in styles) + " |"
              for r in rows]
    (out / "learning_curve.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Choose hyperparameters by 4-fold cross-validation on the training split (the held-out split is not read).

    python bench/tune.py                     # the grid below
    python bench/tune.py C=300 class_weight=None

Scores are raw decision values squashed by a sigmoid (no inner calibration, which does not change
rankings), so each configuration costs four fits.
"""

from __future__ import annotations

import ast
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvclassify import Classifier, ModelParams, load_corpus, load_taxonomy  # noqa: E402
from cvclassify.corpus import load_heldout, split_corpus  # noqa: E402
from cvclassify.evaluation.metrics import evaluate_scores  # noqa: E402
from cvclassify.training import multilabel_folds  # noqa: E402

GRID = [
    {"C": 20.0, "class_weight": None},
    {"C": 100.0, "class_weight": None},
    {"C": 300.0, "class_weight": None},
    {"C": 20.0},
    {},  # the default: C=100, balanced
    {"vectors": 1.0},
    {"word_min_df": 2},
    {"char_max_features": 20_000},
    {"description_copies": 1},
    {"description_copies": 4},
    {"char_ngrams": (3, 5)},
    {"char_ngrams": (1, 4)},
]


def parse(args: list[str]) -> dict:
    changes = {}
    for arg in args:
        key, value = arg.split("=", 1)
        changes[key] = ast.literal_eval(value) if value not in ("None",) else None
    return changes


def main() -> None:
    taxonomy, corpus = load_taxonomy(), load_corpus()
    train, _ = split_corpus(corpus, load_heldout())
    y = MultiLabelBinarizer(classes=taxonomy.leaf_ids).fit_transform([p.codes for p in train])
    folds = multilabel_folds(y, 4, 0)
    gold = [set(p.codes) for p in train]
    grid = [parse(sys.argv[1:])] if len(sys.argv) > 1 else GRID
    print("| changes | leaf P@1 | leaf R@3 | leaf nDCG@5 | objective R@3 | axis P@1 | seconds |")
    print("|---|---|---|---|---|---|---|")
    for changes in grid:
        params = replace(ModelParams(cv_folds=0), **changes)
        start, oof = time.perf_counter(), np.zeros(y.shape)
        for tr, te in folds:
            model = Classifier.train([train[i] for i in tr], taxonomy, params)
            oof[te] = model.scores([train[i].full_text for i in te])
        r = evaluate_scores(oof, gold, taxonomy.leaf_ids, taxonomy)
        cells = [r["leaf"]["P@1"], r["leaf"]["R@3"], r["leaf"]["nDCG@5"], r["objective"]["R@3"], r["axis"]["P@1"]]
        print(f"| {changes or 'default'} | " + " | ".join(f"{v:.3f}" for v in cells)
              + f" | {time.perf_counter() - start:.0f} |", flush=True)


if __name__ == "__main__":
    main()

"""Out-of-fold margins for the decision layer: folds that keep each writer whole, and which texts calibrate."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from cvclassify.backends import Example
from cvclassify.model.params import ModelParams
from cvclassify.taxonomy import Objective, Taxonomy
from cvclassify.training import out_of_fold_margins, writer_folds

TREE = Taxonomy("t", [Objective(id=c, code=c, level="operational", label=f"Objectif {c}") for c in "abc"])


class Recorder:
    """A backend stand-in that remembers what each fold trained on and scores nothing."""

    trained: ClassVar[list[list[str]]] = []

    def fit(self, examples, tree):
        Recorder.trained.append([e.group for e in examples])
        return self

    def scores(self, texts):
        return np.zeros((len(texts), 3))


def test_writer_folds_keep_each_writer_whole():
    groups = [f"batch-{i % 7}.jsonl" for i in range(140)]
    folds = writer_folds(groups, 5)
    assert folds is not None and len(folds) == 5
    for train, test in folds:
        assert not {groups[i] for i in train} & {groups[i] for i in test}
    assert sorted(np.concatenate([test for _, test in folds]).tolist()) == list(range(140))


def test_too_few_or_too_unequal_writers_fall_back_to_random_folds():
    assert writer_folds(["a.jsonl"] * 50 + ["b.jsonl"] * 50, 5) is None
    assert writer_folds(["big.jsonl"] * 90 + [f"w{i}" for i in range(10) for _ in range(1)], 5) is None
    assert writer_folds([""] * 100, 5) is None  # no writer known


def test_writer_folds_calibrate_only_on_codes_their_training_showed():
    # writers 0-4 write about codes a and b; writer 5 alone writes about c
    examples, rows = [], []
    for w in range(6):
        for i in range(20):
            code = "c" if w == 5 else "ab"[i % 2]
            examples.append(Example(f"texte {w} {i}", (code,), 1.0, f"batch-{w}.jsonl"))
            rows.append([code == "a", code == "b", code == "c"])
    y = np.array(rows, dtype=int)
    params = ModelParams(cv_folds=3)
    Recorder.trained = []
    _, usable, how = out_of_fold_margins(examples, TREE, y, params, Recorder)
    assert "whole writers" in how and "100 of 120" in how
    assert not usable[100:].any() and usable[:100].all()  # c was never in the training of batch-5's fold
    for trained in Recorder.trained:
        assert len(set(trained)) == 4  # two writers out, four in
    _, usable, how = out_of_fold_margins(examples, TREE, y, ModelParams(cv_folds=3, folds="random"), Recorder)
    assert usable.all() and "stratification" in how

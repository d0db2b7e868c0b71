"""Calibration fitting, threshold tuning and weight pruning, on data whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from cvclassify.model.calibration import fit_platt, platt, tune_thresholds


def test_platt_recovers_a_known_sigmoid():
    rng = np.random.default_rng(0)
    decisions = rng.normal(0.0, 3.0, size=(4000, 5))
    truth = 1 / (1 + np.exp(-(0.7 * decisions - 1.5)))
    y = (rng.random(decisions.shape) < truth).astype(int)
    a, b = fit_platt(decisions, y)
    assert a == pytest.approx(0.7, abs=0.05)
    assert b == pytest.approx(-1.5, abs=0.1)
    assert platt(np.array([1.5 / 0.7]), (a, b))[0] == pytest.approx(0.5, abs=0.03)


def test_thresholds_find_the_separating_score_of_a_well_supported_code():
    # Code 0: positives score 0.6-0.7, negatives 0.2-0.5: any threshold in (0.5, 0.6] separates them.
    pos, neg = np.linspace(0.6, 0.7, 40), np.linspace(0.2, 0.5, 160)
    probs = np.zeros((200, 2))
    probs[:, 0] = np.concatenate([pos, neg])
    probs[:, 1] = 0.01
    y = np.zeros((200, 2), dtype=int)
    y[:40, 0] = 1
    thresholds = tune_thresholds(probs, y, floor=0.2, shrink=5)
    assert 0.5 < thresholds[0] <= 0.6 + 1e-9
    selected = probs[:, 0] >= thresholds[0]
    assert (selected == (y[:, 0] == 1)).all()


def test_rare_codes_are_shrunk_towards_the_global_threshold_and_kept_above_the_floor():
    rng = np.random.default_rng(1)
    n = 300
    probs = rng.random((n, 3)) * 0.3
    y = np.zeros((n, 3), dtype=int)
    y[:60, 0] = 1
    probs[:60, 0] = 0.8 + 0.1 * rng.random(60)  # well supported, clearly separated at ~0.8
    y[0, 1] = 1
    probs[:, 1] = 0.0
    probs[0, 1] = 0.1  # one positive, scored low, alone above 0: its own best threshold is 0.05
    thresholds = tune_thresholds(probs, y, floor=0.2, shrink=5)
    global_best = thresholds[2]  # a code without positives keeps the global threshold
    assert thresholds[1] == pytest.approx(max(0.2, (1 / 6) * 0.05 + (5 / 6) * global_best))
    assert thresholds[1] >= 0.2


@pytest.mark.slow
def test_pruning_keeps_the_ranking_and_a_tenth_of_the_weights(taxonomy, fixture_corpus):
    from sklearn.preprocessing import MultiLabelBinarizer

    from cvclassify.analysis import Analyzer
    from cvclassify.backends import Example
    from cvclassify.backends.linear import (
        build_pipeline,
        coefficients,
        features,
        fit_pipeline,
        margin_values,
        training_documents,
    )
    from cvclassify.model import ModelParams

    def decisions(pipeline, texts):
        return margin_values(pipeline, features(pipeline, texts))

    params = ModelParams(cv_folds=0)
    examples = [Example(p.full_text, p.codes) for p in fixture_corpus.proposals]
    texts, labels, _ = training_documents(examples, taxonomy, params)
    analyses = Analyzer().analyse(texts)
    y = MultiLabelBinarizer(classes=taxonomy.leaf_ids).fit_transform(labels)
    full = fit_pipeline(build_pipeline(params), analyses, y, prune_share=0.0)
    pruned = fit_pipeline(build_pipeline(params), analyses, y, prune_share=0.9)
    kept = sum(int(np.count_nonzero(r)) for r in coefficients(pruned))
    total = sum(r.size for r in coefficients(full))
    assert 0.08 <= kept / total <= 0.12
    probe = [p.full_text for p in fixture_corpus.proposals[:10]]
    assert (decisions(full, probe).argmax(1) == decisions(pruned, probe).argmax(1)).all()

"""Metrics on tiny hand-computed cases, and the evaluation report on a real small model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cvclassify import Classifier
from cvclassify.evaluation.metrics import calibration, evaluate_scores, ranking_metrics, selection_metrics
from cvclassify.hierarchy import aggregate


def test_ranking_metrics_by_hand():
    ids = ["a", "b", "c", "d", "e", "f"]
    scores = np.array([
        [0.9, 0.8, 0.1, 0.0, 0.0, 0.0],  # gold {a}: hit at 1
        [0.1, 0.9, 0.8, 0.7, 0.0, 0.0],  # gold {d, e}: d at rank 3, e absent from top 5? rank 5
    ])
    gold = [{"a"}, {"d", "e"}]
    m = ranking_metrics(scores, gold, ids)
    assert m["P@1"] == pytest.approx(0.5)
    assert m["R@3"] == pytest.approx((1 + 0.5) / 2)
    # second row ranks b, c, d, a, e (ties broken by order): d at 3 and e at 5
    assert m["R@5"] == pytest.approx(1.0)
    dcg2 = 1 / np.log2(4) + 1 / np.log2(6)
    idcg2 = 1 + 1 / np.log2(3)
    assert m["nDCG@5"] == pytest.approx((1.0 + dcg2 / idcg2) / 2)
    f1_row1 = 2 * (1 / 3) * 1 / (1 / 3 + 1)
    f1_row2 = 2 * (1 / 3) * 0.5 / (1 / 3 + 0.5)
    assert m["F1@3"] == pytest.approx((f1_row1 + f1_row2) / 2)


def test_selection_metrics_macro_f1():
    ids = ["a", "b"]
    selected = np.array([[1, 0], [1, 1], [0, 0]])
    gold = [{"a"}, {"b"}, {"b"}]
    m = selection_metrics(selected, gold, ids)
    # a: tp1 fp1 fn0 → P .5 R 1 F1 .667 ; b: tp1 fp0 fn1 → P 1 R .5 F1 .667
    assert m["macro_F1"] == pytest.approx(2 / 3)
    assert m["per_code"]["a"] == {"support": 1, "P": 0.5, "R": 1.0, "F1": 0.667}


def test_noisy_or_and_max_aggregation_never_go_below_the_best_leaf():
    scores = np.array([[0.5, 0.5, 0.2]])
    member = np.array([0, 0, 1])
    assert aggregate(scores, member, 2) == pytest.approx(np.array([[0.75, 0.2]]))
    assert aggregate(scores, member, 2, "max") == pytest.approx(np.array([[0.5, 0.2]]))


def test_calibration_of_perfect_scores_is_perfect():
    ids = ["a", "b"]
    scores = np.array([[1.0, 0.0], [0.0, 1.0]])
    cal = calibration(scores, [{"a"}, {"b"}], ids)
    assert cal["ECE"] == 0.0 and cal["Brier"] == 0.0


def test_levels_lift_gold_and_scores(taxonomy):
    leaf_ids = taxonomy.leaf_ids
    scores = np.zeros((1, len(leaf_ids)))
    scores[0, leaf_ids.index("2.11.1")] = 0.9
    scores[0, leaf_ids.index("1.3.3")] = 0.8
    report = evaluate_scores(scores, [{"1.3.3"}], leaf_ids, taxonomy)
    assert report["leaf"]["P@1"] == 0.0
    assert report["leaf"]["R@3"] == 1.0
    assert report["objective"]["P@1"] == 0.0  # 2.11 first, 1.3 second
    assert report["axis"]["R@3"] == 1.0


@pytest.mark.slow
def test_evaluate_command_writes_metrics_and_report(small_model, tmp_path, monkeypatch):
    """Held-out evaluation of a model through the CLI, with plots (no cross-validation: too slow here)."""
    from typer.testing import CliRunner

    from cvclassify.cli import app

    small_model.save(tmp_path / "model")
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["evaluate", "--model", str(tmp_path / "model"), "--cv", "0", "-o", str(out)])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    heldout = metrics["evaluations"]["heldout"]
    assert heldout["leaf"]["documents"] == metrics["heldout_proposals"] > 100
    assert {"P@1", "R@3", "R@5", "F1@3", "nDCG@5", "macro_F1"} <= set(heldout["objective"])
    names = [t["name"] for t in metrics["targets"]]
    assert names[:4] == ["leaf P@1", "leaf R@3", "objective R@3", "axis P@1"]
    assert "held-out ECE over the top five (at most)" in names and "held-out share of auto applications" in names
    officer = heldout["officer"]
    assert set(officer["by_style"]) == {"fiche_action", "formulaire", "titre", "dossier_long", "bruite", "export"}
    assert sum(m["documents"] for m in officer["by_style"].values()) == officer["flat"]["documents"]
    assert officer["flat"]["documents"] == metrics["heldout_proposals"]
    assert abs(sum(r["share"] for r in officer["flat"]["routes"].values()) - 1) < 1e-3
    assert "programme_mix" in officer
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "What an officer sees" in report
    assert "Most frequent confusions" in report and "calibration.png" in report
    for png in ("levels.png", "calibration.png", "per_code_f1.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"


def test_evaluate_without_matplotlib_says_so_and_still_writes_the_report(model_dir, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import cvclassify.evaluation.report
    from cvclassify.cli import app

    monkeypatch.setattr(cvclassify.evaluation.report, "plots_available", lambda: False)
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["evaluate", "--model", str(model_dir), "--cv", "0", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "cvclassify[plots]" in result.output
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["evaluations"]["heldout"]
    assert "cvclassify[plots]" in (out / "report.md").read_text(encoding="utf-8")
    assert not list(out.glob("*.png"))


def test_evaluate_warns_when_the_heldout_split_differs_from_the_card(model_dir, tmp_path):
    from cvclassify.corpus import ids_fingerprint, load_heldout
    from cvclassify.evaluation.evaluate import card_mismatches

    heldout = ids_fingerprint(load_heldout())
    own = Classifier.load(model_dir)  # its own copy: the card is changed below
    own.card.heldout_fingerprint, own.card.corpus_fingerprint = heldout, "abc"
    assert card_mismatches(own, "abc", heldout) == []
    warnings = card_mismatches(own, "def", "0123")
    assert len(warnings) == 2 and "corpus" in warnings[0] and "mis de côté" in warnings[1]

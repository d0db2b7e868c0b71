"""Numbers that agree (issue 18, point 2): a text without any known word ticks nothing, everywhere; the
objective hint names the first code's objective and is never less sure than that code."""

from __future__ import annotations

import numpy as np
import pytest

from cvclassify import render
from cvclassify.io.columns import RowInput
from cvclassify.labels import Route, RowStatus, french, label_table
from cvclassify.model.decision import Assessment, Decider, without_evidence
from cvclassify.result import NO_EVIDENCE
from cvclassify.service.classify import Options, classify_rows

NONSENSE = ["xxxxx 12345 ?!", "zzz qqq", "Metz Borny", "asdf qwertz zxcv", "Néant."]
"""Texts without a word the model knows (place names never count), or whose known words raise none of the five
best codes (« néant »)."""
REAL = ["Ateliers sociolinguistiques pour des mères primo-arrivantes : deux matinées par semaine à l'école.",
        "Chantier éducatif d'été pour des jeunes éloignés de l'emploi, avec la Mission locale.",
        "Atelier"]


# ------------------------------------------------------------------------------ the rule, in the decision layer
def _assessment(route: list[str]) -> Assessment:
    scores = np.array([[0.9, 0.6, 0.1], [0.8, 0.7, 0.2]])
    return Assessment(scores, scores >= 0.5, np.array([0.85, 0.6]), route, np.zeros(2, dtype=int),
                      np.array([0.9, 0.9]))


def test_without_evidence_unticks_and_routes_insufficient():
    judged = without_evidence(_assessment(["auto", "objective"]), np.array([True, False]))
    assert judged.selected.tolist() == [[True, True, False], [False, False, False]]
    assert judged.confidence.tolist() == [0.85, 0.0]
    assert judged.route == ["auto", Route.INSUFFICIENT]
    assert judged.scores[1].tolist() == [0.8, 0.7, 0.2]  # the scores themselves are left as they are


def test_without_evidence_keeps_grounded_texts_and_models_without_routes():
    same = _assessment(["auto", "review"])
    assert without_evidence(same, None) is same and same.selected.sum() == 4
    assert without_evidence(_assessment(["auto", "review"]), np.array([True, True])).route == ["auto", "review"]
    unrouted = without_evidence(_assessment([]), np.array([False, True]))
    assert unrouted.route == [] and not unrouted.selected[0].any() and unrouted.selected[1].any()


def test_insufficient_route_has_french_words():
    assert Route.INSUFFICIENT == "insufficient" and Route.INSUFFICIENT.isascii()
    assert french(Route.INSUFFICIENT) == "texte insuffisant, à classer à la main"
    assert label_table()["route"]["insufficient"] == french(Route.INSUFFICIENT)


# ------------------------------------------------------------------------------ the hint agrees with the codes
def _decider() -> Decider:
    """Identity calibration; sure of the objective, never of the set (no ``auto``)."""
    line = (np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    return Decider(curves=[line, line, line], first=0.5, other=0.6, max_selected=3, confidence=(0.0, 0.0, 0.0, -10.0),
                   auto_threshold=1.01, objective_confidence=(0.0, 0.0, 0.0, 10.0), objective_threshold=0.5)


def test_objective_route_only_for_the_first_codes_own_objective():
    """Leaf 0 alone in objective 0, leaves 1 and 2 in objective 1: when two middling siblings outweigh the first
    code in the roll-up, the sure objective is another than the first code's, so the route is ``review``."""
    parents = np.array([0, 1, 1])
    base = np.array([[0.9, 0.6, 0.6],    # objective 0: 0.9 > 1 - 0.4² = 0.84 — agrees with the first code
                     [0.7, 0.6, 0.6]])   # objective 1: 0.84 > 0.7 — disagrees
    objectives = np.column_stack([base[:, 0], 1 - (1 - base[:, 1]) * (1 - base[:, 2])])
    judged = _decider().assess(base, objectives, np.array([50, 50]), parents)
    assert judged.route == [Route.OBJECTIVE, Route.REVIEW]
    unchecked = _decider().assess(base, objectives, np.array([50, 50]))
    assert unchecked.route == [Route.OBJECTIVE, Route.OBJECTIVE]  # without parents: the former rule


def _texts(model, n: int = 120) -> list[str]:
    from cvclassify.corpus import load_corpus, load_heldout, split_corpus
    from cvclassify.projects import open_project

    project = open_project()
    _, heldout = split_corpus(load_corpus(project.corpus_dir), load_heldout(project.heldout_path))
    return [p.full_text for p in heldout[:n]]


def test_hint_names_the_first_codes_objective_and_is_at_least_as_sure(model):
    results = model.suggest_many(_texts(model), k=5)
    hinted = [c for c in results if c.objective_hint is not None]
    assert len(hinted) > 20  # the shipped model routes most held-out texts ``objective``
    for c in hinted:
        first = c.suggestions[0]
        assert c.objective_hint.code == first.objective["code"]
        assert c.objective_hint.score >= first.score
        assert c.decision.route == Route.OBJECTIVE
        assert c.decision.objective["code"] == c.objective_hint.code
        assert c.decision.objective["confidence"] == c.objective_hint.score
    for c in results:  # and the set is never more sure than its first code
        assert c.decision.confidence <= c.suggestions[0].score + 1e-9


# ------------------------------------------------------------------------------ one rule, every caller
@pytest.mark.parametrize("text", NONSENSE)
def test_text_without_known_word_gets_no_code(model, text):
    c = model.suggest(text, k=5)
    assert c.selected == [] and c.decision.route == Route.INSUFFICIENT and c.decision.confidence == 0.0
    assert c.objective_hint is None
    assert NO_EVIDENCE in c.warnings
    assert all(not s.evidence for s in c.suggestions)  # character n-grams of « xxxxx » are no evidence
    assert c.suggestions  # the ranking is still there for the officer who classifies by hand
    assert NO_EVIDENCE == "Aucun mot du texte ne justifie un code : à classer à la main."


def test_real_texts_are_untouched(model):
    for c in model.suggest_many(REAL, k=5, explain=True):
        assert c.decision.route != Route.INSUFFICIENT and NO_EVIDENCE not in c.warnings
        # the no-evidence rule leaves them alone: the first code keeps its words (ticked or not: a score just
        # under the tick threshold is the model's call, not this rule's), and every ticked code has some
        assert c.suggestions[0].evidence and all(s.evidence for s in c.selected)


def test_assess_agrees_with_suggest(model):
    """``Classifier.assess`` (evaluation) and ``suggest_many`` (library, CLI, batch, API, desk) give the same
    routes and ticks."""
    texts = [*NONSENSE, *REAL]
    judged = model.assess(texts)
    results = model.suggest_many(texts, k=len(model.leaf_ids))
    assert judged.grounded.tolist() == [False] * len(NONSENSE) + [True] * len(REAL)
    for i, c in enumerate(results):
        assert str(c.decision.route) == str(judged.route[i])
        ids = {model.leaf_ids[j] for j in np.flatnonzero(judged.selected[i])}
        assert {s.id for s in c.selected} == ids


def test_batch_rows_and_cli_agree(model):
    rows = [RowInput(0, "a", {"text": NONSENSE[0]}, None, {}), RowInput(1, "b", {"text": REAL[0]}, None, {})]
    results = classify_rows(model, rows, Options(k=3, evidence=3))
    nonsense, real = (render.record(r) for r in results)
    assert results[0].status == RowStatus.TO_CHECK
    assert nonsense["selected"] == [] and nonsense["evidence"] == [] and NO_EVIDENCE in nonsense["warnings"]
    assert nonsense["decision"] == {"confidence": 0.0, "route": "insufficient"}
    assert real["selected"] and real["decision"]["route"] != "insufficient"
    flat = render.flat_row(nonsense, {}, 3)
    assert flat["cv_decision"] == french(Route.INSUFFICIENT) and NO_EVIDENCE in flat["cv_remarques"]
    assert french(Route.INSUFFICIENT) in render.cli_decision(results[0].classification)


def test_api_answers_insufficient(model, tmp_path):
    from fastapi.testclient import TestClient

    from tests.api_support import PROJECT, make_app

    with TestClient(make_app(model, tmp_path / "fb.sqlite3")) as client:
        body = client.post(f"/v1/projects/{PROJECT}/suggest", json={"text": NONSENSE[0]}).json()
    assert body["decision"]["confidence"] == 0.0 and body["decision"]["route"] == "insufficient"
    assert not any(s["selected"] for s in body["suggestions"]) and body["objective_hint"] is None
    assert NO_EVIDENCE in body["warnings"]
    assert all(0.0 <= s["score"] <= 1.0 for s in body["suggestions"])  # the API keeps numbers in [0, 1]

"""Batch classification of rows: one result per input row, in order, bad rows flagged, never raised."""

from __future__ import annotations

from cvclassify.batch import BatchSummary, classify_records
from cvclassify.io.columns import RowInput
from cvclassify.service.classify import Options

ITEMS = [
    (1, "asl", {"title": "ASL", "text": "Ateliers sociolinguistiques pour mères"}, None),
    (2, "ligne-2", {}, "ligne 2 : JSON invalide à la colonne 1"),
    (3, "vide", {}, None),
    (4, "ligne-4", {"text": "Correspondants de nuit dans les halls"}, None),
    (5, "bin", {"text": "\x00\x01\x02\x03 binaire"}, None),
    (6, "cc", {"title": "Conseil citoyen", "objectives": "formation des membres"}, None),
]


def test_every_row_gets_one_result_in_order(model):
    items = [RowInput(i + 6 * n, rid, fields, err, {}) for n in range(30) for i, rid, fields, err in ITEMS]
    results = classify_records(model, items, Options(k=2))
    assert [r["index"] for r in results] == list(range(1, 181))
    assert [r["id"] for r in results[:6]] == ["asl", "ligne-2", "vide", "ligne-4", "bin", "cc"]
    assert results[0]["suggestions"][0]["code"] == "2.11.1" and len(results[0]["suggestions"]) == 2
    assert set(results[0]["suggestions"][0]) == {"code", "id", "label", "score", "selected", "objective", "axis"}
    assert results[0]["evidence"] and all(isinstance(w, str) for w in results[0]["evidence"])
    assert "JSON invalide" in results[1]["error"] and results[1]["status"] == "error"
    assert "Aucun texte" in results[2]["error"]
    assert results[3]["suggestions"][0]["code"] == "3.9.8"
    assert "binaires" in results[4]["error"]
    assert results[5]["suggestions"][0]["code"] == "4.7"
    strip = [{k: v for k, v in r.items() if k != "index"} for r in results]
    assert strip[6:12] == strip[:6]  # the same rows give the same results in every chunk
    summary = BatchSummary()
    for r in results:
        summary.add(r)
    assert (summary.rows, summary.classified, summary.errors) == (180, 90, 90)


def test_batch_results_carry_the_scores_of_a_single_suggestion(model):
    fields = {"title": "Conseil citoyen", "text": "réunions et formation des membres"}
    result = classify_records(model, [RowInput(1, "x", fields, None, {})], Options(k=3))[0]
    single = model.suggest(fields, k=3)
    assert [(s["code"], s["score"], s["selected"]) for s in result["suggestions"]] == [
        (s.code, round(s.score, 4), s.selected) for s in single
    ]
    assert result["selected"] == [s.code for s in single if s.selected]

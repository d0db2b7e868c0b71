"""Batch classification: one output row per input record, in order, bad records flagged, never raised."""

from __future__ import annotations

from cvclassify.batch import BatchSummary, classify_records
from cvclassify.io import Record


def test_every_record_gets_one_row_in_order(small_model):
    records = [
        Record(1, {"id": "asl", "title": "ASL", "text": "Ateliers sociolinguistiques pour mères"}),
        Record(2, None, "Ligne 2 : JSON invalide (Expecting value, colonne 1)."),
        Record(3, {"id": "vide", "text": "   "}),
        Record(4, {"description": "Correspondants de nuit dans les halls"}),
        Record(5, {"id": "bin", "text": "\x00\x01\x02\x03 binaire"}),
        Record(6, {"id": "cc", "intitule": "Conseil citoyen", "objet": "formation des membres"}),
    ] * 30  # 180 records: several chunks of BATCH_SIZE
    summary = BatchSummary()
    rows = list(classify_records(small_model, records, k=2, summary=summary))
    assert len(rows) == len(records)
    assert [r["id"] for r in rows[:6]] == ["asl", "ligne-2", "vide", "ligne-4", "bin", "cc"]
    assert rows[0]["suggestions"][0]["code"] == "2.11.1" and len(rows[0]["suggestions"]) == 2
    assert set(rows[0]["suggestions"][0]) == {"code", "id", "label", "score", "selected", "objective", "axis"}
    assert "JSON invalide" in rows[1]["error"]
    assert "aucun texte" in rows[2]["error"]
    assert rows[3]["suggestions"][0]["code"] == "3.9.8"
    assert "binaires" in rows[4]["error"]
    assert rows[5]["suggestions"][0]["code"] == "4.7"
    assert rows[6:12] == rows[:6]  # the same records give the same rows in every chunk
    assert (summary.rows, summary.classified, summary.errors) == (180, 90, 90)


def test_batch_rows_carry_the_scores_of_a_single_suggestion(small_model):
    record = Record(1, {"id": "x", "title": "Conseil citoyen", "description": "réunions et formation des membres"})
    row = next(classify_records(small_model, [record], k=3))
    single = small_model.suggest({"title": "Conseil citoyen", "description": "réunions et formation des membres"}, k=3)
    assert [(s["code"], s["score"], s["selected"]) for s in row["suggestions"]] == [
        (s.code, s.score, s.selected) for s in single
    ]

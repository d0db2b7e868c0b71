"""Issue 18, points 8 and 11, at the API: a queue row keeps its context (porteur, quartier, montant, année),
sure rows are accepted in bulk and reopened one by one, and the review statistics of a queue and of a project
match numbers computed by hand on a small queue (TestClient, temporary feedback database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from cvclassify.feedback.schema import Feedback
from cvclassify.io.columns import context_columns, context_values, parse_amount
from cvclassify.service.stats import BULK_SOURCE
from tests.api_support import PROJECT, make_app


@pytest.fixture
def client(model, tmp_path):
    app = make_app(model, tmp_path / "fb.sqlite3")
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


# ------------------------------------------------------------------------------------------- context
def test_context_columns_are_recognised_from_real_export_names():
    """The ANCT file (as exported and as R reads it), the ANCT map JSON, Paris open data and SCDL."""
    anct = ["Numéro De l'Action Prj", "Libellé de l'action", "Raison sociale longue", "Mt engagé", "Quartier",
            "annee"]
    assert context_columns(anct) == {"carrier": "Raison sociale longue", "district": "Quartier",
                                     "amount": "Mt engagé", "year": "annee"}
    as_read_in_r = ["libellé.de.l.action", "raison.sociale.longue", "mt.engagé"]
    assert context_columns(as_read_in_r) == {"carrier": "raison.sociale.longue", "amount": "mt.engagé"}
    assert context_columns(["raison_sociale", "montant", "annee", "lib_action"]) == {
        "carrier": "raison_sociale", "amount": "montant", "year": "annee"}
    paris = ["Numéro de dossier", "Année budgétaire", "Nom Bénéficiaire", "Objet du dossier", "Montant voté"]
    assert context_columns(paris) == {"carrier": "Nom Bénéficiaire", "amount": "Montant voté",
                                      "year": "Année budgétaire"}
    scdl = ["nomBeneficiaire", "objet", "montant", "exerciceBudgetaire"]
    assert context_columns(scdl) == {"carrier": "nomBeneficiaire", "amount": "montant", "year": "exerciceBudgetaire"}
    # « Montant demandé » is the request's amount: it wins over the amount engaged
    assert context_columns(["Mt engagé", "Montant demandé"])["amount"] == "Montant demandé"
    assert context_columns(["Libellé de l'action", "Objectif"]) == {}


@pytest.mark.parametrize(("text", "value"), [
    ("12 500,50 €", 12500.5), ("12\u202f500 €", 12500.0), ("12500.5", 12500.5), ("1,234.50", 1234.5),
    ("12.500,00", 12500.0), ("3 000 euros", 3000.0), ("4500", 4500.0), ("12,5", 12.5), ("12.500", 12500.0),
    ("à définir", None), ("", None),
])
def test_amounts_read_as_teams_write_them(text, value):
    assert parse_amount(text) == value


def test_context_values_keep_text_that_is_not_a_number():
    columns = {"carrier": "Porteur", "amount": "Montant", "year": "Année", "district": "Quartier"}
    values = {"Porteur": " Centre social ", "Montant": "à définir", "Année": "Exercice 2024", "Quartier": ""}
    assert context_values(values, columns) == {"carrier": "Centre social", "amount": "à définir", "year": "2024"}


def test_uploaded_queue_keeps_each_rows_context(client):
    rows = ("N° dossier;Raison sociale longue;Quartier;Montant demandé;Année;Libellé de l'action;Objectif\n"
            "A1;Association Femmes Relais 57;Borny;12 500,50 €;2024;Ateliers sociolinguistiques;"
            "Cours de français pour les mères, deux matinées par semaine\n"
            "A2;Régie de quartier;Metz-Nord;3000;2023;Chantier éducatif;Remobiliser des jeunes vers l'emploi\n"
            "A3;Club de prévention;;;;;\n")
    created = client.post(f"/v1/projects/{PROJECT}/queues", files={"file": ("aap.csv", rows.encode("utf-8"))})
    assert created.status_code == 201, created.text
    queue = client.get(f"/v1/projects/{PROJECT}/queues/{created.json()['queue_id']}").json()
    by_row = {item["row_id"]: item for item in queue["items"]}
    assert by_row["A1"]["context"] == {"carrier": "Association Femmes Relais 57", "district": "Borny",
                                       "amount": 12500.5, "year": "2024"}
    assert by_row["A2"]["context"] == {"carrier": "Régie de quartier", "district": "Metz-Nord", "amount": 3000.0,
                                       "year": "2023"}
    # an unreadable row keeps its context too; empty cells are left out
    assert by_row["A3"]["status"] == "error"
    assert by_row["A3"]["context"] == {"carrier": "Club de prévention", "district": None, "amount": None,
                                       "year": None}
    # the carrier and the amount are context, never text the classifier reads
    assert "Association Femmes Relais 57" not in " ".join(by_row["A1"]["fields"].values())


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".jsonl"])
def test_context_is_kept_from_workbooks_and_json_lines(client, tmp_path, suffix):
    """The same context from an XLSX or ODS workbook (numbers as cells) and from JSON Lines records with the ANCT
    map's field names (``raison_sociale``, ``montant``, ``annee``)."""
    import json

    from cvclassify.io.writers import write_rows

    path = tmp_path / f"aap{suffix}"
    if suffix == ".jsonl":
        records = [{"id_action": "J1", "lib_action": "Ateliers sociolinguistiques", "raison_sociale": "ASBL Borny",
                    "quartier": "Borny", "montant": 12500.5, "annee": 2024,
                    "objectif": "Cours de français pour les mères"}]
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    else:
        columns = ["id_action", "lib_action", "raison_sociale", "quartier", "montant", "annee", "objectif"]
        write_rows(path, columns, [{"id_action": "J1", "lib_action": "Ateliers sociolinguistiques",
                                    "raison_sociale": "ASBL Borny", "quartier": "Borny", "montant": 12500.5,
                                    "annee": 2024, "objectif": "Cours de français pour les mères"}])
    created = client.post(f"/v1/projects/{PROJECT}/queues", files={"file": (path.name, path.read_bytes())})
    assert created.status_code == 201, created.text
    item = client.get(f"/v1/projects/{PROJECT}/queues/{created.json()['queue_id']}").json()["items"][0]
    assert item["context"] == {"carrier": "ASBL Borny", "district": "Borny", "amount": 12500.5, "year": "2024"}


# ------------------------------------------------------------------------------------------- a hand-made queue
def _suggestion(code: str, score: float, selected: bool) -> dict:
    return {"id": code, "code": code, "label": "", "score": score, "selected": selected, "level": "leaf",
            "objective": {"code": "", "label": ""}, "axis": {"code": "", "label": ""}, "evidence": []}


def _item(position: int, ticked: list[str], others: list[str], route: str, error: str | None = None) -> dict:
    suggestions = [_suggestion(c, 0.9, True) for c in ticked] + [_suggestion(c, 0.2, False) for c in others]
    result = {} if error else {"suggestions": suggestions, "decision": {"confidence": 0.9, "route": route}}
    return {"position": position, "row_id": f"R{position}", "values": {"Porteur": f"Porteur {position}"},
            "fields": {"title": f"Demande {position}"}, "result": result, "error": error,
            "uncertainty": 0.1 * position}


# Rows A..G of the hand-computed example (model's ticked codes, other suggestions, route).
HAND_ROWS = {
    "A": (["2.11.1"], ["2.12.2"], "auto"),
    "B": (["2.12.2"], ["3.7.5"], "auto"),
    "C": (["3.7.5", "2.8.1"], [], "review"),
    "D": (["2.11.1"], ["2.12.2"], "review"),
    "E": ([], ["2.8.1"], "review"),
    "G": (["2.12.2"], [], "review"),
}


def _hand_queue(client) -> tuple[str, dict[str, int]]:
    store = client.app.state.store
    items = [_item(i + 1, *spec) for i, spec in enumerate(HAND_ROWS.values())]
    items.append(_item(len(items) + 1, [], [], "review", error="illisible"))  # F: an unreadable row
    queue_id = store.create_queue(PROJECT, "main.csv", ["Porteur"], [], "v-test", items)
    record = store.queue(PROJECT, queue_id)
    ids = {item.row_id: item.item_id for item in record.items}
    names = dict(zip(HAND_ROWS, [f"R{i + 1}" for i in range(len(HAND_ROWS))], strict=True))
    return queue_id, {name: ids[row] for name, row in names.items()}


def _decide(client, queue_id: str, item_id: int, *, kept=(), added=(), removed=(), reviewer=None) -> int:
    body = {"kept": list(kept), "added": list(added), "removed": list(removed), "reviewer": reviewer,
            "queue_id": queue_id, "item_id": item_id}
    r = client.post(f"/v1/projects/{PROJECT}/feedback", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _at(client, feedback_id: int, when: datetime) -> None:
    with client.app.state.store.engine.begin() as connection:
        connection.execute(update(Feedback).where(Feedback.id == feedback_id).values(created_at=when))


def test_old_queue_items_show_context_from_their_cells(client):
    queue_id, ids = _hand_queue(client)
    item = next(i for i in client.get(f"/v1/projects/{PROJECT}/queues/{queue_id}").json()["items"]
                if i["item_id"] == ids["A"])
    assert item["context"]["carrier"] == "Porteur 1"


def test_bulk_accept_takes_only_open_sure_rows_and_reopen_undoes_them(client):
    queue_id, ids = _hand_queue(client)
    r = client.post(f"/v1/projects/{PROJECT}/queues/{queue_id}/accept",
                    json={"item_ids": [ids["A"], ids["B"], ids["C"], 999999], "reviewer": "Alice"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted(i["item_id"] for i in body["accepted"]) == sorted([ids["A"], ids["B"]])
    assert sorted(body["skipped"]) == sorted([ids["C"], 999999])
    accepted = {i["item_id"]: i for i in body["accepted"]}
    assert accepted[ids["A"]]["status"] == "done" and accepted[ids["A"]]["final_codes"] == ["2.11.1"]
    store = client.app.state.store
    decisions = [f for f in store.feedback(PROJECT) if f.queue_id == queue_id]
    assert {f.source for f in decisions} == {BULK_SOURCE} and {f.reviewer for f in decisions} == {"Alice"}
    # a second bulk accept skips them: they are no longer open
    again = client.post(f"/v1/projects/{PROJECT}/queues/{queue_id}/accept", json={"item_ids": [ids["A"]]}).json()
    assert again["accepted"] == [] and again["skipped"] == [ids["A"]]
    # undo: exactly those rows reopen
    for name in ("A", "B"):
        back = client.post(f"/v1/projects/{PROJECT}/queues/{queue_id}/items/{ids[name]}/reopen")
        assert back.json()["status"] == "open"
    queue = client.get(f"/v1/projects/{PROJECT}/queues/{queue_id}").json()
    assert queue["reviewed"] == 0
    assert all(f.withdrawn_at for f in store.feedback(PROJECT) if f.queue_id == queue_id)
    assert client.post(f"/v1/projects/{PROJECT}/queues/nope/accept", json={"item_ids": []}).status_code == 404


def test_stats_match_a_hand_computed_queue(client):
    queue_id, ids = _hand_queue(client)
    t0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    client.post(f"/v1/projects/{PROJECT}/queues/{queue_id}/accept",
                json={"item_ids": [ids["A"], ids["B"], ids["C"]], "reviewer": "Alice"})  # A, B: sure
    _at(client, _decide(client, queue_id, ids["C"], kept=["3.7.5"], removed=["2.8.1"], reviewer="Alice"), t0)
    d1 = _decide(client, queue_id, ids["D"], kept=["2.11.1"], reviewer="Alice")
    _at(client, d1, t0 + timedelta(seconds=60))
    # Alice changes her mind on D: a new decision replaces the first (which took time all the same)
    _at(client, _decide(client, queue_id, ids["D"], kept=["2.11.1"], added=["2.12.2"], reviewer="Alice"),
        t0 + timedelta(seconds=180))
    _at(client, _decide(client, queue_id, ids["E"], kept=["2.8.1"]), t0 + timedelta(seconds=200))  # anonymous
    _at(client, _decide(client, queue_id, ids["G"], kept=["2.12.2"], reviewer="Alice"),
        t0 + timedelta(seconds=180 + 2000))  # a pause of 33 min: not a row's time

    r = client.get(f"/v1/projects/{PROJECT}/queues/{queue_id}/stats")
    assert r.status_code == 200, r.text
    stats = r.json()
    assert (stats["queue_id"], stats["name"], stats["queues"]) == (queue_id, "main.csv", 1)
    assert stats["total"] == 7 and stats["reviewed"] == 6
    assert stats["officers"] == [
        {"officer": "Alice", "reviewed": 5, "bulk": 2, "median_seconds": 90.0, "timed_rows": 2},
        {"officer": "anonyme", "reviewed": 1, "bulk": 0, "median_seconds": None, "timed_rows": 0},
    ]
    # accepted unchanged: A, B, G of 6; rows reviewed one by one: C, D, E, G, of which G only is exact
    assert stats["agreement"] == {"reviewed": 6, "accepted_unchanged": 3, "accepted_unchanged_share": 0.5,
                                  "one_by_one": 4, "exact_set": 1, "exact_set_share": 0.25}
    codes = {c["id"]: c for c in stats["codes"]}
    assert set(codes) == {"2.8.1", "2.11.1", "2.12.2", "3.7.5"}
    expected = {"2.11.1": (1, 1, 1, 1.0, 1.0), "2.12.2": (1, 2, 1, 1.0, 0.5), "3.7.5": (1, 1, 1, 1.0, 1.0),
                "2.8.1": (1, 1, 0, 0.0, 0.0)}
    for code, (model, officers, both, precision, recall) in expected.items():
        got = codes[code]
        assert (got["model"], got["officers"], got["both"], got["precision"], got["recall"]) == \
            (model, officers, both, precision, recall), code
    assert codes["2.11.1"]["label"] and codes["2.11.1"]["code"] == "2.11.1"  # labels from the tree
    assert [(c["id"], c["count"]) for c in stats["most_added"]] == [("2.12.2", 1), ("2.8.1", 1)]
    assert [(c["id"], c["count"]) for c in stats["most_removed"]] == [("2.8.1", 1)]
    assert stats["time"] == {"median_seconds": 90.0, "timed_rows": 2, "max_gap_seconds": 1800}

    # the project: this queue and another one where Bruno took one decision
    store = client.app.state.store
    other = store.create_queue(PROJECT, "autre.csv", [], [], "v-test", [_item(1, ["2.11.1"], [], "review")])
    other_item = store.queue(PROJECT, other).items[0].item_id
    _decide(client, other, other_item, kept=["2.11.1"], reviewer="Bruno")
    store.create_queue(PROJECT, "vide.csv", [], [], "v-test", [_item(1, ["2.11.1"], [], "review")])  # no decision
    project = client.get(f"/v1/projects/{PROJECT}/stats").json()
    assert (project["queue_id"], project["queues"], project["total"], project["reviewed"]) == (None, 2, 8, 7)
    assert [(o["officer"], o["reviewed"]) for o in project["officers"]] == [("Alice", 5), ("anonyme", 1),
                                                                            ("Bruno", 1)]
    assert project["agreement"]["accepted_unchanged"] == 4 and project["agreement"]["exact_set_share"] == 0.4
    assert client.get(f"/v1/projects/{PROJECT}/queues/nope/stats").status_code == 404


def test_stats_of_an_untouched_queue_are_empty_not_errors(client):
    queue_id, _ = _hand_queue(client)
    stats = client.get(f"/v1/projects/{PROJECT}/queues/{queue_id}/stats").json()
    assert stats["reviewed"] == 0 and stats["officers"] == [] and stats["codes"] == []
    assert stats["agreement"]["accepted_unchanged_share"] is None and stats["time"]["median_seconds"] is None


def test_statistics_page_and_routes_are_behind_the_key(model, tmp_path):
    """With a key, the statistics page asks for it like the desk, and the stats and bulk routes refuse without it."""
    app = make_app(model, tmp_path / "fb.sqlite3", api_key="s3cret")
    with TestClient(app, raise_server_exceptions=False) as keyed:
        page = keyed.get("/statistiques?projet=x")
        assert page.status_code == 401 and "Clé d'accès" in page.text
        assert keyed.get(f"/v1/projects/{PROJECT}/stats").status_code == 401
        assert keyed.post(f"/v1/projects/{PROJECT}/queues/q/accept", json={"item_ids": []}).status_code == 401
        ok = keyed.get("/statistiques?projet=x", headers={"X-API-Key": "s3cret"})
        assert ok.status_code == 200 and "Statistiques de revue" in ok.text
        stats = keyed.get(f"/v1/projects/{PROJECT}/stats", headers={"X-API-Key": "s3cret"})
        assert stats.status_code == 200 and stats.json()["reviewed"] == 0

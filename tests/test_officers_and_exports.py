"""Several officers on one desk (issue 18, point 5): named accounts and roles, 401/403, the conflict of two
saves on one row (409 in French), each row's history; and exports for people (point 9): French headers, codes
with their labels, « Relu par » and the date, numbers a French spreadsheet reads, a tidy XLSX sheet."""

from __future__ import annotations

import csv
import io
import json
import logging
import re

import openpyxl
import pytest
from fastapi.testclient import TestClient

from cvclassify.api.settings import Account, Settings, load_accounts
from cvclassify.errors import CvclassifyError
from tests.api_support import PROJECT, make_app

CLAIRE = "claire-key-0001"
PAUL = "paul-key-00002"
ADMIN = "admin-key-0003"
ACCOUNTS = (Account("Claire Martin", "officer", CLAIRE), Account("Paul Durand", "officer", PAUL),
            Account("Inès Admin", "admin", ADMIN))
ROWS = ("Libellé de l'action;Objectif;Numéro De l'Action Prj\n"
        "ASL MAMANS ECOLE DEBUSSY 2019;Cours de français pour les mères, deux matinées par semaine;A1\n"
        "Permanence emploi au centre social;Accueil des demandeurs d'emploi le jeudi;A2\n"
        "=HYPERLINK(\"http://x\");Chantier éducatif d'été pour les jeunes du quartier;A3\n")


def key(k: str) -> dict[str, str]:
    return {"X-API-Key": k}


@pytest.fixture
def officers(model, tmp_path):
    app = make_app(model, tmp_path / "fb.sqlite3", accounts=ACCOUNTS)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def open_client(model, tmp_path):
    with TestClient(make_app(model, tmp_path / "fb.sqlite3"), raise_server_exceptions=False) as c:
        yield c


def upload(client, headers=None, name="appel à projets.csv", rows=ROWS) -> dict:
    r = client.post(f"/v1/projects/{PROJECT}/queues", files={"file": (name, rows.encode("utf-8"))},
                    headers=headers or {})
    assert r.status_code == 201, r.text
    return client.get(f"/v1/projects/{PROJECT}/queues/{r.json()['queue_id']}", headers=headers or {}).json()


def decide(client, queue, item, codes, headers, **extra):
    body = {"suggested": [], "kept": [], "added": codes, "queue_id": queue["queue_id"], "item_id": item["item_id"],
            **extra}
    return client.post(f"/v1/projects/{PROJECT}/feedback", json=body, headers=headers)


# -- accounts and roles ----------------------------------------------------------------------------------
def test_accounts_name_the_officer_and_roles_guard_the_model_routes(officers, caplog):
    c = officers
    caplog.set_level(logging.INFO)
    assert c.get("/v1/session").status_code == 401
    assert c.get("/v1/session", headers=key("nope-nope")).status_code == 401
    me = c.get("/v1/session", headers=key(CLAIRE)).json()
    assert me == {"name": "Claire Martin", "role": "officer", "role_label": "instruction", "accounts": True,
                  "protected": True}
    assert c.get("/v1/session", headers=key(ADMIN)).json()["role"] == "admin"
    # an officer may not promote, roll back or reload: 403 in French; no key: 401; an admin account: allowed
    reload = c.post("/v1/admin/reload", headers=key(PAUL))
    assert reload.status_code == 403 and reload.headers["content-type"] == "application/problem+json"
    assert "Paul Durand" in reload.json()["detail"] and "compte d'administration" in reload.json()["detail"]
    assert c.post("/v1/admin/reload").status_code == 401
    assert c.post("/v1/admin/reload", headers=key(ADMIN)).status_code == 200
    assert c.post("/v1/admin/reload", headers={"X-Admin-Key": ADMIN}).status_code == 200
    # the desk: the login form takes an account's key, the cookie then names the officer
    assert c.get("/").status_code == 401
    assert c.post("/login", data={"key": PAUL}, follow_redirects=False).status_code == 303
    assert c.get("/").status_code == 200 and 'data-keyed="true"' in c.get("/").text
    assert c.get("/v1/session").json()["name"] == "Paul Durand"
    # the decision is recorded under the account's name, whatever the body says
    queue = upload(c)
    saved = decide(c, queue, queue["items"][0], ["4.6"], {}, reviewer="Quelqu'un d'autre")
    assert saved.status_code == 201, saved.text
    [record] = [json.loads(line) for line in c.get(f"/v1/projects/{PROJECT}/feedback/export").text.splitlines()]
    assert record["reviewer"] == "Paul Durand"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert all(k not in logged for k in (CLAIRE, PAUL, ADMIN))  # keys are never logged


def test_without_keys_everything_stays_open_and_old_keys_keep_working(open_client, model, tmp_path):
    assert open_client.get("/v1/session").json() == {"name": None, "role": "admin", "role_label": "administration",
                                                     "accounts": False, "protected": False}
    assert open_client.post("/v1/admin/reload").status_code == 200
    # the shared key of before: an anonymous officer, still the administrator when there is no admin key
    with TestClient(make_app(model, tmp_path / "old.sqlite3", api_key="s3cret-old")) as c:
        assert c.get("/v1/session", headers=key("s3cret-old")).json()["name"] is None
        assert c.post("/v1/admin/reload", headers=key("s3cret-old")).status_code == 200
    with TestClient(make_app(model, tmp_path / "old2.sqlite3", api_key="s3cret-old", admin_key="adm1n-old",
                             accounts=ACCOUNTS)) as c:
        assert c.get("/v1/session", headers=key("s3cret-old")).json()["role"] == "officer"
        assert c.post("/v1/admin/reload", headers=key("s3cret-old")).status_code == 401
        assert c.post("/v1/admin/reload", headers={"X-Admin-Key": "adm1n-old"}).status_code == 200
        assert c.get("/v1/session", headers=key(CLAIRE)).json()["name"] == "Claire Martin"


def test_accounts_file_toml_and_json_and_its_errors_never_show_a_key(tmp_path, monkeypatch):
    toml = tmp_path / "comptes.toml"
    toml.write_text('[[account]]\nname = "Claire Martin"\nrole = "officer"\nkey = "claire-key-0001"\n\n'
                    '[[account]]\nname = "Inès Admin"\nrole = "admin"\nkey = "admin-key-0003"\n', encoding="utf-8")
    assert [(a.name, a.role) for a in load_accounts(toml)] == [("Claire Martin", "officer"), ("Inès Admin", "admin")]
    assert "claire-key" not in repr(load_accounts(toml))
    as_json = tmp_path / "comptes.json"
    as_json.write_text(json.dumps([{"name": "Paul Durand", "key": "paul-key-00002"}]), encoding="utf-8")
    assert load_accounts(as_json) == (Account("Paul Durand", "officer", "paul-key-00002"),)
    monkeypatch.setenv("CVCLASSIFY_ACCOUNTS", str(toml))
    assert len(Settings.from_env().accounts) == 2
    bad = tmp_path / "bad.json"
    for entries, words in [([{"name": "A", "role": "chef", "key": "aaaaaaaaaa"}], "officer"),
                           ([{"name": "A", "key": "aaaaaaaaaa"}, {"name": "B", "key": "aaaaaaaaaa"}], "même clé"),
                           ([{"name": "A", "key": "é-aaaaaaaaa"}], "ASCII"),
                           ([{"name": "", "key": "aaaaaaaaaa"}], "nom")]:
        bad.write_text(json.dumps(entries), encoding="utf-8")
        with pytest.raises(CvclassifyError, match=words) as error:
            load_accounts(bad)
        assert "aaaaaaaaa" not in str(error.value)
    with pytest.raises(CvclassifyError, match="propre"):
        Settings(api_key=CLAIRE, accounts=ACCOUNTS)


# -- conflicts and history -------------------------------------------------------------------------------
def test_a_stale_save_gets_409_in_french_then_reload_or_overwrite(officers):
    c = officers
    queue = upload(c, key(CLAIRE))
    item = queue["items"][0]
    assert item["version"] == 1 and item["updated_by"] is None
    # both opened version 1; Claire saves first
    first = decide(c, queue, item, ["4.6"], key(CLAIRE), version=1, comment="vu avec le porteur")
    assert first.status_code == 201, first.text
    late = decide(c, queue, item, ["2.11.1"], key(PAUL), version=1)
    assert late.status_code == 409 and late.headers["content-type"] == "application/problem+json"
    problem = late.json()
    assert re.match(r"Cette demande a été modifiée par Claire Martin à \d{2}:\d{2} depuis", problem["detail"])
    assert "depuis que vous l'avez ouverte" in problem["detail"] and "4.6" in problem["detail"]
    assert problem["current"]["version"] == 2 and problem["current"]["updated_by"] == "Claire Martin"
    assert problem["current"]["final_codes"] == ["4.6"] and problem["current"]["status"] == "done"
    # the refused save changed nothing
    now = c.get(f"/v1/projects/{PROJECT}/queues/{queue['queue_id']}", headers=key(PAUL)).json()["items"][0]
    assert now["final_codes"] == ["4.6"] and now["version"] == 2
    # Paul chooses to overwrite
    over = decide(c, queue, item, ["2.11.1"], key(PAUL), version=1, overwrite=True)
    assert over.status_code == 201, over.text
    # an undo from a stale version is refused too; from the current one it is done
    url = f"/v1/projects/{PROJECT}/queues/{queue['queue_id']}/items/{item['item_id']}"
    assert c.post(f"{url}/reopen?version=2", headers=key(CLAIRE)).status_code == 409
    reopened = c.post(f"{url}/reopen?version=3", headers=key(CLAIRE))
    assert reopened.status_code == 200 and reopened.json()["version"] == 4
    # without a version (API clients of before), no check
    assert decide(c, queue, item, ["4.6"], key(CLAIRE)).status_code == 201
    history = c.get(f"{url}/history", headers=key(PAUL)).json()
    assert history["version"] == 5
    assert [(e["officer"], e["action"], e["status"], e["final_codes"], e["comment"], e["overwrote"])
            for e in history["events"]] == [
        ("Claire Martin", "decision", "done", ["4.6"], "vu avec le porteur", None),
        ("Paul Durand", "decision", "done", ["2.11.1"], None, 1),
        ("Claire Martin", "reopen", "open", None, None, None),
        ("Claire Martin", "decision", "done", ["4.6"], None, None)]
    assert all(e["at"].endswith("+00:00") for e in history["events"])
    assert c.get(f"{url}/history").status_code == 401
    assert c.get(f"/v1/projects/{PROJECT}/queues/{queue['queue_id']}/items/999999/history",
                 headers=key(PAUL)).status_code == 404


# -- exports for people ----------------------------------------------------------------------------------
def test_queue_exports_for_people_and_for_programs(officers, model):
    c = officers
    queue = upload(c, key(CLAIRE), name="appel [2024]: quartiers prioritaires de la ville de Metz.csv")
    reviewed = next(i for i in queue["items"] if i["row_id"] == "A1")
    assert decide(c, queue, reviewed, ["4.6", "2.11.1"], key(CLAIRE), version=1, comment="=ok").status_code == 201
    url = f"/v1/projects/{PROJECT}/queues/{queue['queue_id']}/export"
    labels = {leaf.display_code: leaf.label for leaf in model.taxonomy.leaves}

    # CSV: the file's columns first, then French headers; « ; », decimal comma, French date; no formula
    out = c.get(f"{url}?format=csv", headers=key(PAUL))
    assert out.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(out.content.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0])[:3] == ["Libellé de l'action", "Objectif", "Numéro De l'Action Prj"]
    assert list(rows[0])[3:] == ["Codes retenus", "Libellés", "Statut de la revue", "Relu par", "Date", "Confiance",
                                 "Commentaire", "Codes proposés"]
    by_ref = {row["Numéro De l'Action Prj"]: row for row in rows}
    a1 = by_ref["A1"]
    assert a1["Codes retenus"] == "4.6, 2.11.1" and a1["Statut de la revue"] == "revu"
    assert a1["Libellés"] == f"4.6 : {labels['4.6']} | 2.11.1 : {labels['2.11.1']}"
    assert a1["Relu par"] == "Claire Martin" and a1["Commentaire"] == "'=ok"
    assert len(a1["Date"]) == 16 and a1["Date"][2] == "/" and a1["Date"][5] == "/"  # 06/12/2026 14:32
    assert "," in a1["Confiance"] and 0 < float(a1["Confiance"].replace(",", ".")) <= 1
    assert by_ref["A2"]["Relu par"] == "" and by_ref["A2"]["Statut de la revue"] == "à revoir"
    assert by_ref["A3"]["Libellé de l'action"].startswith("'=HYPERLINK")

    # XLSX: a sheet named for the file, frozen and filtered header, widths, a numeric confidence and a real date
    out = c.get(f"{url}?format=xlsx", headers=key(PAUL))
    book = openpyxl.load_workbook(io.BytesIO(out.content))
    sheet = book.active
    assert sheet.title == "Revue appel 2024 quartiers"  # ≤ 31 characters, cut at a word, no [ ] :
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{len(queue['items']) + 1}"
    header = [cell.value for cell in sheet[1]]
    assert header[3:9] == ["Codes retenus", "Libellés", "Statut de la revue", "Relu par", "Date", "Confiance"]
    assert sheet.column_dimensions["E"].width == 60 and sheet.column_dimensions["I"].width == 11
    assert 8 <= sheet.column_dimensions["A"].width <= 50
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "A1")
    confidence, when = row[header.index("Confiance")], row[header.index("Date")]
    assert isinstance(confidence.value, float) and confidence.number_format == "0.00"
    assert when.is_date and when.number_format == "dd/mm/yyyy hh:mm"
    assert row[header.index("Relu par")].value == "Claire Martin"

    # JSON Lines: ASCII keys, lists as lists, ASCII states, ISO dates
    lines = [json.loads(line) for line in c.get(f"{url}?format=jsonl", headers=key(PAUL)).text.splitlines()]
    first = next(line for line in lines if line["Numéro De l'Action Prj"] == "A1")
    assert all(k.isascii() for k in first if k.startswith("cv_"))
    assert first["cv_codes_finaux"] == ["4.6", "2.11.1"] and first["cv_statut_revue"] == "done"
    assert first["cv_relu_par"] == "Claire Martin" and first["cv_date_revue"].endswith("+00:00")
    assert first["cv_libelles"] == [labels["4.6"], labels["2.11.1"]] and isinstance(first["cv_confiance"], float)

    # the feedback export (for the learning loop) keeps its ASCII fields: who and when are there
    feedback = list(csv.DictReader(io.StringIO(c.get(f"/v1/projects/{PROJECT}/feedback/export?format=csv",
                                                     headers=key(PAUL)).content.decode("utf-8-sig")), delimiter=";"))
    assert feedback[0]["reviewer"] == "Claire Martin" and feedback[0]["created_at"]


def test_bulk_acceptance_names_the_account_and_skips_rows_decided_meanwhile(officers, monkeypatch):
    c = officers
    store = c.app.state.store
    queue = upload(c, key(CLAIRE))
    ids = [i["item_id"] for i in queue["items"] if i["status"] == "open"]
    # Claire's bulk acceptance reads the queue (every row made sure: the fixture model rarely is) ...
    read = store.queue(PROJECT, queue["queue_id"])
    for item in read.items:
        item.result = {**(item.result or {}), "decision": {"route": "auto", "confidence": 0.99}}
    # ... then Paul decides the first row, before Claire's acceptance writes
    assert decide(c, queue, queue["items"][0], ["4.6"], key(PAUL), version=1).status_code == 201
    real = type(store).queue
    calls = []
    monkeypatch.setattr(store, "queue", lambda *a, **k: read if not calls.append(1) and len(calls) == 1
                        else real(store, *a, **k))
    done = c.post(f"/v1/projects/{PROJECT}/queues/{queue['queue_id']}/accept",
                  json={"item_ids": ids, "reviewer": "ignoré"}, headers=key(CLAIRE)).json()
    assert queue["items"][0]["item_id"] in done["skipped"]  # Paul's decision is kept, not overwritten
    assert len(done["accepted"]) == len(ids) - 1
    assert all(i["updated_by"] == "Claire Martin" for i in done["accepted"])
    now = real(store, PROJECT, queue["queue_id"]).items
    assert next(i for i in now if i.item_id == queue["items"][0]["item_id"]).final_codes == ["4.6"]


def test_rows_decided_before_items_recorded_their_officer_take_it_from_the_decision(tmp_path):
    from sqlalchemy import text

    from cvclassify.feedback import FeedbackStore
    from cvclassify.service.review import export_queue

    store = FeedbackStore(f"sqlite:///{tmp_path / 'fb.sqlite3'}")
    store.upgrade()
    items = [dict(position=1, row_id="R1", values={"Libellé": "action"}, fields={"title": "action"},
                  result={"suggestions": [], "decision": {"confidence": 0.8125}}, uncertainty=0.2, error=None)]
    queue_id = store.create_queue("metz", "appel.xlsx", ["Libellé"], [], "v1", items)
    item = store.queue("metz", queue_id).items[0]
    store.add_feedback("metz", suggested=[], kept=[], added=["4.6"], queue_id=queue_id, item_id=item.item_id,
                       reviewer="Claire Martin")
    with store.engine.begin() as connection:  # as a decision stored before migration 0003 left it
        connection.execute(text("UPDATE review_item SET updated_by = NULL"))
    export_queue(store, "metz", queue_id, tmp_path / "revu.csv")
    [row] = csv.DictReader(io.StringIO((tmp_path / "revu.csv").read_text(encoding="utf-8-sig")), delimiter=";")
    assert (row["Relu par"], row["Confiance"], row["Codes retenus"]) == ("Claire Martin", "0,812", "4.6")
    store.close()

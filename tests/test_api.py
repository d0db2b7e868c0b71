"""The HTTP API: suggestions, projects, trees, model cards, feedback, queues and safety (TestClient)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from tests.api_support import PROJECT, make_app

TEXT = ("Ateliers sociolinguistiques pour des mères primo-arrivantes de Borny : deux matinées par semaine "
        "à l'école, avec une garde d'enfants sur place et des sorties à la médiathèque.")


@pytest.fixture(scope="module")
def client(model, tmp_path_factory):
    app = make_app(model, tmp_path_factory.mktemp("api") / "fb.sqlite3")
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def keyed_client(model, tmp_path):
    app = make_app(model, tmp_path / "fb.sqlite3", api_key="s3cret",
                   cors_origins=("https://demarches.example.fr",), max_body_bytes=200_000)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_suggest_returns_ranked_codes_with_parents_evidence_and_version(client, model):
    r = client.post(f"/v1/projects/{PROJECT}/suggest", json={"text": TEXT, "k": 4})
    assert r.status_code == 200
    body = r.json()
    assert body["project"] == PROJECT and body["model_version"] == model.card.version
    expected = model.suggest(TEXT, k=4)
    assert [s["id"] for s in body["suggestions"]] == [s.id for s in expected]
    assert [s["score"] for s in body["suggestions"]] == [round(s.score, 4) for s in expected]
    first = body["suggestions"][0]
    assert first["objective"]["code"] == first["code"].rsplit(".", 1)[0]
    assert first["axis"]["code"] == first["code"][0]
    assert body["fields"] == {"text": TEXT}
    for ev in first["evidence"]:
        assert TEXT[ev["start"]:ev["end"]] == ev["word"]
    # the default-project route answers the same
    assert client.post("/v1/suggest", json={"text": TEXT, "k": 4}).json()["suggestions"] == body["suggestions"]


def test_form_fields_threshold_only_and_exclude(client):
    fields = {"title": "Boxe éducative pour les filles", "description": "Deux séances par semaine au gymnase, "
              "encadrées par un éducateur diplômé, pour des collégiennes du quartier."}
    body = client.post(f"/v1/projects/{PROJECT}/suggest",
                       json={"fields": fields, "k": 10, "threshold": 0.05, "only": ["1.*", "2.*"],
                             "exclude": ["1.3.3"]}).json()
    assert set(body["fields"]) == {"title", "text"}
    assert all(s["score"] >= 0.05 for s in body["suggestions"])
    assert all(s["code"][0] in "12" and s["id"] != "1.3.3" for s in body["suggestions"])
    for s in body["suggestions"]:
        for ev in s["evidence"]:
            assert body["fields"][ev["field"]][ev["start"]:ev["end"]] == ev["word"]


@pytest.mark.parametrize("payload, fragment", [
    ({"text": "   "}, "vide"),
    ({}, "text"),
    ({"text": "a", "fields": {"title": "b"}}, "pas les deux"),
    ({"text": "x" * 100_001}, "100000"),
    ({"text": TEXT, "k": 0}, "k"),
    ({"text": TEXT, "only": ["9.*"]}, "Aucun code"),
])
def test_bad_requests_get_422_with_a_message(client, payload, fragment):
    r = client.post(f"/v1/projects/{PROJECT}/suggest", json=payload)
    assert r.status_code == 422
    assert fragment in json.dumps(r.json(), ensure_ascii=False)


def test_batch_keeps_ids_and_flags_bad_documents(client):
    docs = [{"id": "A-1", "text": TEXT}, {"id": "A-2", "text": "!!! ???"},
            {"id": "A-3", "fields": {"title": "Permanence emploi du jeudi"}}]
    body = client.post(f"/v1/projects/{PROJECT}/suggest/batch", json={"documents": docs, "k": 2}).json()
    assert [r["id"] for r in body["results"]] == ["A-1", "A-2", "A-3"]
    assert [r["ok"] for r in body["results"]] == [True, False, True]
    assert "lettre" in body["results"][1]["error"] or "mot" in body["results"][1]["error"]
    assert len(body["results"][0]["result"]["suggestions"]) == 2
    too_many = client.post("/v1/suggest/batch", json={"documents": [{"text": TEXT}] * 101})
    assert too_many.status_code == 422 and "100" in too_many.json()["detail"]


def test_projects_tree_objective_and_model_card(client, model):
    [project] = client.get("/v1/projects").json()
    assert project == {"name": PROJECT, "title": "Metz Métropole — Contrat de Ville 2015-2020", "default": True,
                       "model_version": model.card.version, "leaf_codes": 118}
    tree = client.get(f"/v1/projects/{PROJECT}/objectives").json()
    assert [a["code"] for a in tree["tree"]] == ["1", "2", "3", "4"]
    assert len(tree["leaves"]) == 118
    [bis] = [leaf for leaf in tree["leaves"] if leaf["id"] == "1.5.3-bis"]
    assert bis["code"] == "1.5.3" and bis["objective"]["code"] == "1.5"
    node = client.get(f"/v1/projects/{PROJECT}/objectives/2.11.1").json()
    assert node["level"] == "leaf" and next(a["code"] for a in node["ancestors"]) == "2.11"
    assert client.get(f"/v1/projects/{PROJECT}/objectives/9.9.9").status_code == 404
    card = client.get(f"/v1/projects/{PROJECT}/model").json()
    assert card["version"] == model.card.version and card["card"]["taxonomy"]
    assert client.get("/v1/projects/nowhere/model").status_code == 404


def test_feedback_is_stored_checked_and_exported(client):
    good = {"text": TEXT, "suggested": ["2.11.1", "2.6.4"], "kept": ["2.11.1"], "removed": ["2.6.4"],
            "added": ["1.3.2"], "comment": "Sorties à la médiathèque : lien avec les équipements.",
            "reviewer": "instructrice-3", "model_version": "v-test"}
    r = client.post(f"/v1/projects/{PROJECT}/feedback", json=good)
    assert r.status_code == 201
    assert r.json()["final_codes"] == ["2.11.1", "1.3.2"] and "enregistrée" in r.json()["message"]
    bad = client.post(f"/v1/projects/{PROJECT}/feedback", json={**good, "added": ["7.7.7"]})
    assert bad.status_code == 422 and "7.7.7" in bad.json()["detail"]
    not_leaf = client.post(f"/v1/projects/{PROJECT}/feedback", json={**good, "added": ["2.11"]})
    assert not_leaf.status_code == 422
    lines = client.get(f"/v1/projects/{PROJECT}/feedback/export").text.splitlines()
    stored = [json.loads(line) for line in lines if json.loads(line)["reviewer"] == "instructrice-3"]
    assert len(stored) == 1
    assert stored[0]["kept"] == ["2.11.1"] and stored[0]["removed"] == ["2.6.4"] and stored[0]["text"] == TEXT
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/v1/projects/{PROJECT}/feedback/export?format=csv").text.lstrip("\ufeff")), delimiter=";"))
    assert any(row["final_codes"] == "2.11.1 | 1.3.2" for row in rows)


def test_review_queue_orders_by_uncertainty_records_decisions_and_exports(client):
    rows = "Libellé de l'action;Objectif;Numéro De l'Action Prj\n" \
           "ASL MAMANS ECOLE DEBUSSY 2019;Cours de français pour les mères, deux matinées par semaine;A1\n" \
           "Projet TREMPLIN;;A2\n" \
           ";;A3\n" \
           "Permanence emploi au centre social;Accueil des demandeurs d'emploi le jeudi;A4\n"
    r = client.post(f"/v1/projects/{PROJECT}/queues", files={"file": ("appel à projets.csv", rows.encode("utf-8"))})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["total"] == 4 and created["errors"] == 1
    queue = client.get(f"/v1/projects/{PROJECT}/queues/{created['queue_id']}").json()
    items = queue["items"]
    assert items[-1]["status"] == "error" and items[-1]["row_id"] == "A3"
    assert items[-1]["fields"] == {"Numéro De l'Action Prj": "A3"} and items[-1]["error"]
    readable = items[:-1]
    confidences = [1 - (i["decision"] or {"confidence": i["suggestions"][0]["score"]})["confidence"]
                   for i in readable]
    assert confidences == sorted(confidences, reverse=True)
    first = readable[0]
    decision = {"suggested": [s["id"] for s in first["suggestions"][:2]], "kept": [first["suggestions"][0]["id"]],
                "added": ["4.6"], "queue_id": created["queue_id"], "item_id": first["item_id"]}
    fb = client.post(f"/v1/projects/{PROJECT}/feedback", json=decision)
    assert fb.status_code == 201, fb.text
    after = client.get(f"/v1/projects/{PROJECT}/queues/{created['queue_id']}").json()
    assert after["reviewed"] == 1 and after["items"][0]["status"] == "done"
    export = client.get(f"/v1/projects/{PROJECT}/queues/{created['queue_id']}/export?format=csv")
    assert "appel" in export.headers["content-disposition"]
    out = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [row["Numéro De l'Action Prj"] for row in out] == ["A1", "A2", "A3", "A4"]
    reviewed = next(row for row in out if row["Numéro De l'Action Prj"] == first["row_id"])
    assert reviewed["Codes retenus"].split(", ") == [first["suggestions"][0]["code"], "4.6"]
    assert reviewed["Statut de la revue"] == "revu"
    # undo: the item is to review again, the decision is kept but withdrawn
    back = client.post(f"/v1/projects/{PROJECT}/queues/{created['queue_id']}/items/{first['item_id']}/reopen")
    assert back.json()["status"] == "open" and back.json()["final_codes"] is None
    exported = [json.loads(line) for line in client.get(f"/v1/projects/{PROJECT}/feedback/export").text.splitlines()]
    assert next(e for e in exported if e["id"] == fb.json()["id"])["withdrawn_at"]
    xlsx = client.get(f"/v1/projects/{PROJECT}/queues/{created['queue_id']}/export?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"/v1/projects/{PROJECT}/queues/nope").status_code == 404


def test_extract_reads_a_document_and_refuses_others(client, tmp_path):
    import docx

    path = tmp_path / "fiche.docx"
    document = docx.Document()
    document.add_paragraph("Intitulé : Café des parents au collège")
    document.save(path)
    r = client.post("/v1/extract", files={"file": ("fiche.docx", path.read_bytes())})
    assert r.status_code == 200 and "Café des parents" in r.json()["text"]
    bad = client.post("/v1/extract", files={"file": ("x.pdf", b"%PDF-1.4 garbage")})
    assert bad.status_code == 422 and "illisible" in bad.json()["detail"]
    unknown = client.post("/v1/extract", files={"file": ("x.exe", b"MZ")})
    assert unknown.status_code == 422 and "non pris en charge" in unknown.json()["detail"]
    assert r.json()["notes"] == []


def test_extract_says_when_it_cut_a_long_document(client, monkeypatch):
    from cvclassify.io import limits

    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 1_000)
    text = "Atelier de couture au centre social. " * 100
    r = client.post("/v1/extract", files={"file": ("long.txt", text.encode())})
    assert r.status_code == 200 and len(r.json()["text"]) <= 1_000
    [note] = r.json()["notes"]
    assert "long.txt : texte tronqué à" in note and "le document est plus long" in note


def test_health_waits_for_the_models(model, tmp_path):
    from cvclassify.api import Settings, create_app
    from cvclassify.feedback import FeedbackStore
    from cvclassify.projects import Home
    from cvclassify.service.pool import ModelPool

    pool = ModelPool(Home.open(), (PROJECT,))
    pool.start = lambda: None  # keep it loading
    store = FeedbackStore(f"sqlite:///{tmp_path / 'fb.sqlite3'}")
    with TestClient(create_app(Settings(), pool=pool, store=store)) as c:
        assert c.get("/health").json()["status"] == "loading"
        assert c.get("/health").status_code == 503
        r = c.post("/v1/suggest", json={"text": TEXT})
        assert r.status_code == 503 and "charge" in r.json()["detail"]
        pool.models[PROJECT] = model
        pool.ready.set()
        assert c.get("/health").status_code == 200
        assert c.get("/health").json()["projects"] == {PROJECT: model.card.version}


def test_api_key_protects_feedback_exports_queues_and_desk(keyed_client):
    c = keyed_client
    fb = {"text": TEXT, "suggested": [], "kept": [], "added": ["2.11.1"]}
    assert c.post(f"/v1/projects/{PROJECT}/suggest", json={"text": TEXT}).status_code == 200  # open to forms
    assert c.post(f"/v1/projects/{PROJECT}/feedback", json=fb).status_code == 401
    assert c.get(f"/v1/projects/{PROJECT}/feedback/export").status_code == 401
    assert c.post(f"/v1/projects/{PROJECT}/feedback", json=fb, headers={"X-API-Key": "wrong"}).status_code == 401
    assert c.post(f"/v1/projects/{PROJECT}/feedback", json=fb, headers={"X-API-Key": "s3cret"}).status_code == 201
    page = c.get("/")
    assert page.status_code == 401 and "Clé d'accès" in page.text
    assert c.post("/login", data={"key": "nope"}).status_code == 401
    login = c.post("/login", data={"key": "s3cret"}, follow_redirects=False)
    assert login.status_code == 303 and "httponly" in login.headers["set-cookie"].lower()
    assert c.get("/").status_code == 200  # the cookie now opens the desk and its calls
    assert c.get(f"/v1/projects/{PROJECT}/feedback/export").status_code == 200


def test_cors_and_body_cap(keyed_client):
    c = keyed_client
    pre = c.options("/v1/suggest", headers={"Origin": "https://demarches.example.fr",
                                            "Access-Control-Request-Method": "POST"})
    assert pre.headers["access-control-allow-origin"] == "https://demarches.example.fr"
    other = c.options("/v1/suggest", headers={"Origin": "https://evil.example",
                                              "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in other.headers
    big = c.post("/v1/suggest", content=json.dumps({"text": "mot " * 60_000}),
                 headers={"Content-Type": "application/json"})
    assert big.status_code == 413 and "volumineuse" in big.json()["detail"]


def test_unexpected_errors_never_show_a_stack_trace(client, model, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(type(model), "suggest_many", boom)
    r = client.post("/v1/suggest", json={"text": TEXT})
    assert r.status_code == 500
    assert r.json()["detail"] == "Erreur interne du service ; elle a été journalisée."
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in r.text and "secret" not in r.text


def test_openapi_docs_are_served(client):
    spec = client.get("/openapi.json").json()
    assert "/v1/projects/{project}/suggest" in spec["paths"]
    assert "/annif/v1/projects/{project_id}/suggest" in spec["paths"]
    assert client.get("/docs").status_code == 200

"""Errors of the API (issue 19, item 11): French RFC 7807 problems naming the field, the machine-readable list
kept in ``errors``, 413 for any body over the limit, and API keys an HTTP header can carry."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cvclassify.api import Settings
from cvclassify.errors import CvclassifyError
from tests.api_support import PROJECT, make_app

ENGLISH = ("Field required", "Input should", "JSON decode error", "Extra inputs", "String should", "Not Found",
           "There was an error")


@pytest.fixture(scope="module")
def client(model, tmp_path_factory):
    app = make_app(model, tmp_path_factory.mktemp("problems") / "fb.sqlite3", max_body_bytes=300_000)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert not any(word in body["detail"] for word in ENGLISH), body["detail"]
    return body


def test_a_body_that_is_not_json_gets_400_with_its_line_and_column(client):
    r = client.post(f"/v1/projects/{PROJECT}/suggest", content=b'{"text": "Atelier",\n "k": x}',
                    headers={"Content-Type": "application/json"})
    body = _problem(r, 400)
    assert body["detail"] == "Le corps de la requête n'est pas du JSON valide (ligne 2, colonne 7 : valeur attendue)."
    assert body["errors"][0]["type"] == "json_invalid" and body["errors"][0]["loc"] == ["body", 26]
    cut = client.post("/v1/suggest", content=b'{"te', headers={"Content-Type": "application/json"})
    assert "ligne 1, colonne 2" in _problem(cut, 400)["detail"]


@pytest.mark.parametrize(("payload", "detail", "loc"), [
    ({"text": "Atelier", "k": 0}, "Le champ « k » doit être supérieur ou égal à 1.", ["body", "k"]),
    ({"text": "Atelier", "k": "cinq"}, "Le champ « k » doit être un nombre entier.", ["body", "k"]),
    ({"text": "Atelier", "limite": 3}, "Le champ « limite » n'est pas attendu", ["body", "limite"]),
    ({"text": "x" * 100_001}, "Le champ « text » dépasse 100 000 caractères.", ["body", "text"]),
    ({"text": 12}, "Le champ « text » doit être une chaîne de caractères.", ["body", "text"]),
    ([1, 2], "Le corps de la requête doit être un objet JSON.", ["body"]),
])
def test_validation_errors_are_french_and_name_the_field(client, payload, detail, loc):
    body = _problem(client.post(f"/v1/projects/{PROJECT}/suggest", json=payload), 422)
    assert body["detail"].startswith(detail), body["detail"]
    assert [e["loc"] for e in body["errors"]] == [loc]
    assert body["errors"][0]["msg"]  # pydantic's words, for tools


def test_nested_fields_and_several_errors(client):
    r = client.post(f"/v1/projects/{PROJECT}/suggest/batch",
                    json={"documents": [{"text": "Atelier"}, {"txt": "Permanence"}], "k": 99})
    body = _problem(r, 422)
    assert "Le champ « documents[1].txt » n'est pas attendu" in body["detail"]
    assert "Le champ « k » doit être inférieur ou égal à 50." in body["detail"]
    assert ["body", "documents", 1, "txt"] in [e["loc"] for e in body["errors"]]


def test_our_own_validators_keep_their_french_sentence(client):
    body = _problem(client.post(f"/v1/projects/{PROJECT}/suggest", json={}), 422)
    assert body["detail"] == "Donnez le texte de la demande (« text ») ou ses champs (« fields »)."


def test_an_empty_body_and_a_missing_parameter(client):
    empty = _problem(client.post("/v1/suggest", headers={"Content-Type": "application/json"}), 422)
    assert empty["detail"] == "Le corps de la requête est vide : un objet JSON est attendu."
    form = _problem(client.post(f"/annif/v1/projects/{PROJECT}/suggest", data={"limit": "3"}), 400)
    assert form["detail"] == "Le champ « text » est obligatoire." and form["title"] == "Bad Request"
    query = _problem(client.post(f"/annif/v1/projects/{PROJECT}/suggest-batch?limit=-1",
                                 json={"documents": [{"text": "Atelier"}]}), 400)
    assert query["detail"].startswith("Le paramètre d'adresse « limit » doit être")


def test_other_errors_share_the_problem_format(client):
    unknown = _problem(client.get("/v1/nowhere"), 404)
    assert "Adresse inconnue" in unknown["detail"]
    project = _problem(client.get("/v1/projects/nowhere/model"), 404)
    assert "errors" not in project


def test_a_chunked_body_over_the_limit_gets_413(client):
    def chunks():
        yield b'{"text": "'
        for _ in range(100):
            yield b"mot " * 1000
        yield b'"}'

    r = client.post("/v1/suggest", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert "volumineuse" in _problem(r, 413)["detail"]
    announced = client.post("/v1/suggest", json={"text": "mot " * 100_000})
    assert "volumineuse" in _problem(announced, 413)["detail"]

    def form():  # a file upload, streamed as a browser behind a proxy may send it
        yield b'--B\r\nContent-Disposition: form-data; name="file"; filename="appel.csv"\r\n\r\n'
        for _ in range(100):
            yield b"Intitul\xc3\xa9;Objectif\n" * 200
        yield b"\r\n--B--\r\n"

    upload = client.post(f"/v1/projects/{PROJECT}/queues", content=form(),
                         headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert "volumineuse" in _problem(upload, 413)["detail"]


@pytest.mark.parametrize("key", ["clé-secrète", "deux mots", "tab\tkey"])
def test_api_keys_a_header_cannot_carry_are_refused_at_configuration(key):
    with pytest.raises(CvclassifyError, match="ASCII"):
        Settings(api_key=key)
    with pytest.raises(CvclassifyError, match="d'administration"):
        Settings(admin_key=key)
    Settings(api_key="Abc-123_!~.x", admin_key="zZ9:/+=")  # printable ASCII is fine


def test_serve_refuses_a_non_ascii_key_before_starting(monkeypatch):
    import uvicorn

    from cvclassify.cli import app

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("the server must not start"))
    result = CliRunner().invoke(app, ["serve", "--api-key", "clé"])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "« é »" in output and "ASCII" in output and "Traceback" not in output


def test_problem_bodies_are_plain_json(client):
    r = client.post("/v1/suggest", content=b"{", headers={"Content-Type": "application/json"})
    assert json.loads(r.content)["detail"].startswith("Le corps de la requête")

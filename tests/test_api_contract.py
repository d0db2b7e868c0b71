"""The API against OpenAPI descriptions: its own (fuzzed with schemathesis: never a 5xx) and Annif's
(the /annif/v1 dialect answers what Annif's own annif.yaml describes)."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
import yaml

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from tests.api_support import PROJECT, make_app  # noqa: E402

ANNIF_SPEC = Path(__file__).parent / "data" / "annif-openapi.yaml"
FUZZ = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def app(model, tmp_path_factory):
    from fastapi.testclient import TestClient

    # an administrator key: fuzzed requests must never promote or roll back the repository's own models
    app = make_app(model, tmp_path_factory.mktemp("contract") / "fb.sqlite3", admin_key="contract-admin-key")
    with TestClient(app):  # runs the lifespan (database migration)
        yield app


def _own_schema():
    return schemathesis.openapi.from_asgi("/openapi.json", _LazyApp())


class _LazyApp:
    """Collected before fixtures exist: forwards to the module's app once it is set."""

    target = None

    async def __call__(self, scope, receive, send):
        return await type(self).target(scope, receive, send)


def _annif_schema():
    # YAML reads the spec's example timestamps as datetimes; JSON Schema wants them as strings
    raw = json.loads(json.dumps(yaml.safe_load(ANNIF_SPEC.read_text(encoding="utf-8")), default=str))
    raw["servers"] = [{"url": "/annif/v1"}]
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = _LazyApp()
    return schema


@pytest.fixture(autouse=True)
def _route(app):
    _LazyApp.target = app


def _with_project(case):
    half = zlib.crc32(repr(case.body).encode()) % 2  # stable across runs, unlike hash() (PYTHONHASHSEED)
    if case.path_parameters and "project_id" in case.path_parameters and half:
        case.path_parameters["project_id"] = PROJECT  # half of the cases reach the real project
    if case.path_parameters and "project" in case.path_parameters and half:
        case.path_parameters["project"] = PROJECT
    return case


@pytest.fixture(scope="module", autouse=True)
def _openapi_ready(app):
    from fastapi.testclient import TestClient

    _LazyApp.target = app
    with TestClient(app) as c:
        assert c.get("/openapi.json").status_code == 200


def _lazy_own():
    # the app is built inside fixtures; schemathesis loads the schema at collection time, so it is built
    # here once from a model-less app (the schema does not depend on the model)
    from fastapi.testclient import TestClient

    from cvclassify.api import Settings, create_app
    from cvclassify.feedback import FeedbackStore
    from cvclassify.projects import Home
    from cvclassify.service.pool import ModelPool

    pool = ModelPool(Home.open(), (PROJECT,))
    bare = create_app(Settings(), pool=pool, store=FeedbackStore("sqlite://"))
    spec = TestClient(bare).get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    schema.app = _LazyApp()
    return schema


own = _lazy_own()
annif = _annif_schema()


@pytest.mark.slow
@own.parametrize()
@FUZZ
def test_no_request_makes_the_api_fail(case):
    _with_project(case).call_and_validate(checks=[not_a_server_error])


@pytest.mark.slow
@annif.parametrize()
@FUZZ
def test_annif_dialect_answers_as_annif_describes(case):
    _with_project(case).call_and_validate(checks=[not_a_server_error, response_schema_conformance])


def test_annif_suggest_form_answer_is_annif_shaped(app, model):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        r = c.post(f"/annif/v1/projects/{PROJECT}/suggest",
                   data={"text": "Cours de français pour adultes primo-arrivants", "limit": 3, "threshold": 0.0})
        results = r.json()["results"]
        assert len(results) == 3 and set(results[0]) == {"uri", "label", "notation", "score"}
        expected = model.suggest("Cours de français pour adultes primo-arrivants", k=3)
        assert [r["uri"] for r in results] == [f"urn:cvclassify:{PROJECT}:{s.id}" for s in expected]
        assert [r["notation"] for r in results] == [s.code for s in expected]
        batch = c.post(f"/annif/v1/projects/{PROJECT}/suggest-batch?limit=2",
                       json={"documents": [{"text": "Permanence emploi", "document_id": "d1"}]}).json()
        assert batch[0]["document_id"] == "d1" and len(batch[0]["results"]) == 2
        assert c.get("/annif/v1/projects/nope").status_code == 404
        assert c.get("/annif/v1/projects/nope").headers["content-type"].startswith("application/problem+json")
        learn = c.post(f"/annif/v1/projects/{PROJECT}/learn",
                       json=[{"text": "Atelier vélo", "subjects": [{"uri": f"urn:cvclassify:{PROJECT}:3.8.1"}]}])
        assert learn.status_code == 204
        exported = c.get(f"/v1/projects/{PROJECT}/feedback/export").text
        assert '"source": "annif-learn"' in exported and "3.8.1" in exported

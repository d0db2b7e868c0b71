"""Annif's REST dialect (``/annif/v1``), so that tools wired to Annif can use cvclassify by changing a
base URL. Paths, form fields and answers follow Annif's own OpenAPI description (``annif.yaml``,
Annif 1.4); errors are ``application/problem+json`` as there.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from cvclassify.api import problems
from cvclassify.api.security import KEY_HEADER, key_is_valid
from cvclassify.errors import CvclassifyError, ProjectError
from cvclassify.render import annif_results, suggestion_dict
from cvclassify.service import review
from cvclassify.service.classify import Outcome, classify_documents
from cvclassify.service.pool import ModelPool

router = APIRouter(prefix="/annif/v1", tags=["annif"])
URI_BASE = "urn:cvclassify:"


class AnnifDocument(BaseModel):
    """A document to index (Annif's ``IndexDocument``)."""
    text: str = Field(..., max_length=100_000)
    document_id: str | None = None
    metadata: dict[str, str] | None = None


class AnnifBatch(BaseModel):
    """Up to 32 documents to index at once."""
    documents: list[AnnifDocument] = Field(..., max_length=32)


class AnnifSubject(BaseModel):
    """A subject of an indexed document, by URI."""
    uri: str
    label: str | None = None


class AnnifIndexedDocument(BaseModel):
    """A document with the subjects an officer gave it (for ``learn``)."""
    text: str | None = Field(None, max_length=100_000)
    metadata: dict[str, str] | None = None
    subjects: list[AnnifSubject] = []


class LanguageQuery(BaseModel):
    """A text and the candidate languages of ``detect-language``."""
    text: str = Field(..., max_length=100_000)
    languages: list[str] = Field(..., min_length=1, max_length=50)


def problem(status: int, title: str, detail: str) -> JSONResponse:
    """An RFC 7807 problem answer, as Annif gives its errors."""
    return problems.problem(status, detail, title)


def subject_uri(project: str, leaf_id: str) -> str:
    """The URI of a leaf code in the Annif dialect (``urn:cvclassify:PROJECT:ID``)."""
    return f"{URI_BASE}{project}:{leaf_id}"


def _pool(request: Request) -> ModelPool:
    return request.app.state.pool


def _project_info(pool: ModelPool, name: str) -> dict[str, Any]:
    model = pool.models.get(name)
    project = pool.home.project(name)
    vocab = {"vocab_id": name, "languages": ["fr"], "size": len(model.leaf_ids) if model else None,
             "loaded": model is not None}
    return {"project_id": name, "name": project.title or name, "language": "fr",
            "backend": {"backend_id": "cvclassify"}, "vocab": vocab, "vocab_language": "fr",
            "is_trained": model is not None, "modification_time": model.card.created if model else None}


def _results(project: str, outcome: Outcome, threshold: float) -> list[dict[str, Any]]:
    if outcome.classification is None:
        return []
    shown = [suggestion_dict(s, compact=True) for s in outcome.classification.suggestions]
    return annif_results(subject_uri(project, ""), [s for s in shown if s["score"] >= threshold])


def _guard(pool: ModelPool, project_id: str):
    """The project's model, or the problem to answer (404 unknown, 503 loading)."""
    if project_id not in pool.names:
        return None, problem(404, "Project not found", f"Projet inconnu : {project_id!r}.")
    if not pool.ready.is_set():
        return None, problem(503, "Service Unavailable", "Le modèle se charge ; réessayez plus tard.")
    try:
        return pool.model(project_id), None
    except ProjectError as exc:
        return None, problem(503, "Service Unavailable", str(exc))


@router.get("/", summary="API information")
def show_info() -> dict[str, str]:
    """Name and version of the service (Annif's ``GET /``)."""
    from cvclassify import __version__

    return {"title": "cvclassify (Annif REST API dialect)", "version": __version__}


@router.get("/vocabs", summary="List vocabularies")
def list_vocabs(request: Request) -> dict[str, Any]:
    """The vocabularies: one per served project (its leaf codes)."""
    pool = _pool(request)
    return {"vocabs": [_project_info(pool, name)["vocab"] for name in pool.names]}


@router.get("/projects", summary="List projects")
def list_projects(request: Request) -> dict[str, Any]:
    """The served projects, described as Annif describes its projects."""
    pool = _pool(request)
    return {"projects": [_project_info(pool, name) for name in pool.names]}


@router.get("/projects/{project_id}", summary="Show project")
def show_project(project_id: str, request: Request):
    """One project, or 404."""
    pool = _pool(request)
    if project_id not in pool.names:
        return problem(404, "Project not found", f"Projet inconnu : {project_id!r}.")
    return _project_info(pool, project_id)


def _suggest(request: Request, project_id: str, docs: list[tuple[str | None, str]], limit: int
             ) -> tuple[list[Outcome] | None, JSONResponse | None]:
    found, error = _guard(_pool(request), project_id)
    if error:
        return None, error
    _, model = found
    if limit == 0:
        return [Outcome(doc_id, None, {}) for doc_id, _ in docs], None
    return classify_documents(model, docs, k=min(limit, len(model.leaf_ids)), explain=False), None


@router.post("/projects/{project_id}/suggest", summary="Suggest subjects for a text")
def suggest(project_id: str, request: Request, text: Annotated[str, Form(max_length=100_000)],
            limit: Annotated[int, Form(ge=0)] = 10,
            threshold: Annotated[float, Form(ge=0.0, le=1.0)] = 0.0,
            language: Annotated[str | None, Form()] = None):
    """Suggestions for one application."""
    outcomes, error = _suggest(request, project_id, [(None, text)], limit)
    if error:
        return error
    # Annif answers an empty list for a text without words
    return {"results": _results(project_id, outcomes[0], threshold)}


@router.post("/projects/{project_id}/suggest-batch", summary="Suggest subjects for up to 32 documents")
def suggest_batch(project_id: str, request: Request, body: AnnifBatch,
                  limit: Annotated[int, Query(ge=0)] = 10,
                  threshold: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
                  language: Annotated[str | None, Query()] = None):
    """Suggestions for up to 100 applications; a bad one gets its error, the others their answers."""
    docs = [(d.document_id, d.text) for d in body.documents]
    outcomes, error = _suggest(request, project_id, docs, limit)
    if error:
        return error
    return [{"document_id": o.id, "results": _results(project_id, o, threshold)} for o in outcomes]


@router.post("/projects/{project_id}/learn", status_code=204, summary="Learn from indexed documents")
def learn(project_id: str, request: Request, documents: Annotated[list[AnnifIndexedDocument], Body()]):
    """Stored as officers' feedback (the learning loop retrains from it), not learnt on the fly."""
    pool = _pool(request)
    if not key_is_valid(request, request.headers.get(KEY_HEADER)):
        return problem(403, "Forbidden", "Clé d'API absente ou invalide (en-tête X-API-Key).")
    if project_id not in pool.names:
        return problem(404, "Project not found", f"Projet inconnu : {project_id!r}.")
    tx = pool.taxonomy(project_id)
    prefix = subject_uri(project_id, "")
    decisions = []
    for doc in documents:
        try:
            codes = review.leaf_ids(tx, [subject.uri.removeprefix(prefix) for subject in doc.subjects])
        except CvclassifyError as exc:
            return problem(400, "Bad Request", str(exc))
        decisions.append((doc.text, codes))
    store = request.app.state.store
    for text, codes in decisions:
        review.record_decision(store, project_id, tx, added=codes, text=text, source="annif-learn")
    return None


@router.post("/detect-language", summary="Detect the language of a text")
def detect_language(query: LanguageQuery) -> dict[str, Any]:
    """cvclassify reads French only: French is reported when it is a candidate."""
    if "fr" in query.languages:
        return {"results": [{"language": "fr", "score": 1.0}]}
    return {"results": [{"language": None, "score": 1.0}]}

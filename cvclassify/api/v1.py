"""The JSON API (``/v1``): suggestions, projects and their trees, model cards, feedback, review queues."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response

from cvclassify.api import schemas
from cvclassify.api.security import ROLE_WORDS, api_key_header, officer_of, require_key
from cvclassify.errors import BatchInputError, CvclassifyError, InvalidTextError, UnknownCodeError
from cvclassify.feedback import FeedbackStore
from cvclassify.labels import label_table
from cvclassify.render import api_payload
from cvclassify.service import review, stats
from cvclassify.service.classify import Outcome, classify_documents
from cvclassify.service.pool import ModelPool

router = APIRouter(prefix="/v1")
Project = Annotated[str, "project name"]
ItemId = Annotated[int, PathParam(ge=0, le=2**31 - 1, description="Numéro de la ligne dans la file")]
"""A queue item's number: bounded like the store's integer ids (a larger one is a 422, never a database error)."""


async def pool(request: Request) -> ModelPool:
    """The app's model pool (dependency; a coroutine, so that FastAPI does not hand it to a thread)."""
    return request.app.state.pool


async def store(request: Request) -> FeedbackStore:
    """The app's feedback store (dependency; a coroutine, so that FastAPI does not hand it to a thread)."""
    return request.app.state.store


def keyed(request: Request, key: Annotated[str | None, Depends(api_key_header)] = None) -> None:
    """Dependency: the API key, when one is configured."""
    require_key(request, key)


Pool = Annotated[ModelPool, Depends(pool)]
Store = Annotated[FeedbackStore, Depends(store)]
PROTECTED = [Depends(keyed)]


# -- suggestions ---------------------------------------------------------------------------------
def _payload(project: str, outcome: Outcome, threshold: float) -> dict[str, Any] | None:
    if outcome.classification is None:
        return None
    return api_payload(outcome.classification, project, outcome.fields, threshold, outcome.id)


async def _suggest(pool: ModelPool, project: str | None, body: schemas.SuggestRequest) -> dict[str, Any]:
    name, model = pool.model(project)
    outcome = await pool.batcher(name, model).classify(body.id, body.as_document(), k=body.k, only=body.only,
                                                       exclude=body.exclude)
    if outcome.error:
        raise InvalidTextError(outcome.error)
    return _payload(name, outcome, body.threshold)


def _batch(pool: ModelPool, project: str | None, body: schemas.BatchRequest, limit: int) -> dict[str, Any]:
    if len(body.documents) > limit:
        raise InvalidTextError(f"Au plus {limit} demandes par lot ({len(body.documents)} reçues) : "
                               "découpez le lot.")
    name, model = pool.model(project)
    outcomes = classify_documents(model, [(d.id, d.as_document()) for d in body.documents], k=body.k,
                                  only=body.only, exclude=body.exclude)
    return {"project": name, "model_version": model.card.version,
            "results": [{"id": o.id, "ok": o.error is None, "error": o.error,
                         "result": _payload(name, o, body.threshold)} for o in outcomes]}


@router.post("/suggest", response_model=schemas.SuggestResponse, tags=["suggestions"],
             summary="Codes suggérés pour une demande (projet par défaut)")
async def suggest_default(body: schemas.SuggestRequest, pool: Pool) -> Response:
    """Suggestions for one application, with the default project (the event loop awaits the micro-batcher:
    no thread is held while the document waits for its batch)."""
    return fast_json(await _suggest(pool, None, body))


@router.post("/projects/{project}/suggest", response_model=schemas.SuggestResponse, tags=["suggestions"],
             summary="Codes suggérés pour une demande")
async def suggest(project: Project, body: schemas.SuggestRequest, pool: Pool) -> Response:
    """Suggestions for one application."""
    return fast_json(await _suggest(pool, project, body))


def fast_json(payload: dict[str, Any]) -> Response:
    """The answer serialised directly: it is built by ``render.api_payload`` in the documented shape
    (tests/test_api_contract.py checks it against the schema), so FastAPI's second validation pass,
    a third of a request's time under load, is skipped."""
    return Response(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                    media_type="application/json")


@router.post("/suggest/batch", response_model=schemas.BatchResponse, tags=["suggestions"],
             summary="Codes suggérés pour un lot de demandes (projet par défaut)")
def suggest_batch_default(body: schemas.BatchRequest, pool: Pool, request: Request) -> dict[str, Any]:
    """Suggestions for up to 100 applications, with the default project."""
    return _batch(pool, None, body, request.app.state.settings.max_batch)


@router.post("/projects/{project}/suggest/batch", response_model=schemas.BatchResponse, tags=["suggestions"],
             summary="Codes suggérés pour un lot de demandes (au plus 100)")
def suggest_batch(project: Project, body: schemas.BatchRequest, pool: Pool, request: Request) -> dict[str, Any]:
    """Suggestions for up to 100 applications; a bad one gets its error, the others their answers."""
    return _batch(pool, project, body, request.app.state.settings.max_batch)


# -- projects, trees, models ---------------------------------------------------------------------
@router.get("/projects", response_model=list[schemas.ProjectOut], tags=["projets"])
def projects(pool: Pool) -> list[dict[str, Any]]:
    """The served projects with their model versions."""
    out = []
    for name in pool.names:
        project = pool.home.project(name)
        model = pool.models.get(name)
        out.append({"name": name, "title": project.title or name, "default": name == pool.home.default_project,
                    "model_version": model.card.version if model else None,
                    "leaf_codes": len(model.leaf_ids) if model else len(pool.taxonomy(name).leaf_ids)})
    return out


def _node(tx, node, depth: bool = True) -> dict[str, Any]:
    return {"id": node.id, "code": node.display_code, "label": node.label, "level": node.level,
            "parent": node.parent, "description": node.description, "lexicon": list(node.lexicon),
            "children": [_node(tx, c) for c in tx.children(node.id)] if depth else []}


@router.get("/projects/{project}/objectives", response_model=schemas.TreeResponse, tags=["projets"],
            summary="L'arbre des objectifs du projet")
def objectives(project: Project, pool: Pool) -> dict[str, Any]:
    """A project's objective tree, nested, and its leaves, flat, each with its description and lexicon (the
    words the desk's code search looks in)."""
    name = pool.project(project).name
    tx = pool.taxonomy(name)
    leaves = [{"id": leaf.id, "code": leaf.display_code, "label": leaf.label,
               "description": leaf.description, "lexicon": list(leaf.lexicon),
               "objective": {"code": tx.group_of(leaf.id).display_code, "label": tx.group_of(leaf.id).label},
               "axis": {"code": tx.axis_of(leaf.id).display_code, "label": tx.axis_of(leaf.id).label}}
              for leaf in tx.leaves]
    return {"project": name, "tree": [_node(tx, axis) for axis in tx.children(None)], "leaves": leaves}


@router.get("/projects/{project}/objectives/{code}", response_model=schemas.ObjectiveDetail, tags=["projets"],
            summary="Un objectif, ses parents et ses enfants")
def objective(project: Project, code: str, pool: Pool) -> dict[str, Any]:
    """One objective with its ancestors and children, or 404."""
    tx = pool.taxonomy(pool.project(project).name)
    try:
        node = tx.resolve(code)
    except UnknownCodeError as exc:
        raise HTTPException(404, str(exc)) from exc
    data = _node(tx, node)
    data["ancestors"] = [{"code": a.display_code, "label": a.label} for a in tx.ancestors(node.id)]
    return data


@router.get("/projects/{project}/model", response_model=schemas.ModelResponse, tags=["projets"],
            summary="La fiche du modèle en service et ses mesures")
def model_card(project: Project, pool: Pool) -> dict[str, Any]:
    """The card and held-out metrics of a project's model in service."""
    from dataclasses import asdict

    name, model = pool.model(project)
    return {"project": name, "version": model.card.version, "card": asdict(model.card)}


# -- feedback ------------------------------------------------------------------------------------
@router.post("/projects/{project}/feedback", response_model=schemas.FeedbackOut, status_code=201,
             tags=["retours"], dependencies=PROTECTED, summary="Enregistrer la décision d'un instructeur")
def feedback(project: Project, body: schemas.FeedbackIn, pool: Pool, store: Store,
             request: Request) -> dict[str, Any]:
    """Store an officer's decision (codes checked against the project's tree). A signed-in account is recorded
    as the reviewer; with ``version``, a queue item changed since by someone else gets 409 (unless
    ``overwrite``)."""
    name = pool.project(project).name
    details = body.model_dump(exclude_none=False)
    officer = officer_of(request)
    if officer.name:
        details["reviewer"] = officer.name
    record = review.record_decision(store, name, pool.taxonomy(name), source="desk" if body.queue_id else "api",
                                    **details)
    codes = ", ".join(record.final_codes) or "aucun code"
    return {"id": record.id, "created_at": record.created_at, "final_codes": record.final_codes,
            "message": f"Décision n° {record.id} enregistrée : {codes}."}


@router.get("/projects/{project}/feedback/export", tags=["retours"], dependencies=PROTECTED,
            summary="Toutes les décisions du projet (JSON Lines ou CSV)",
            responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}})
def feedback_export(project: Project, pool: Pool, store: Store,
                    format: Literal["jsonl", "csv"] = "jsonl") -> Response:
    """Every decision of a project, as JSON Lines or CSV."""
    name = pool.project(project).name
    media = "application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8"
    filename = f"retours-{name}.{format}"
    return Response(_written(filename, lambda out: review.export_feedback(store, name, out)), media_type=media,
                    headers=attachment(filename))


def _written(filename: str, write) -> bytes:
    """The bytes a writer function puts in a file of that name (written in a temporary folder)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / filename
        write(out)
        return out.read_bytes()


@router.get("/labels", tags=["projets"], summary="Les mots français des états (statuts, routes, champs)")
def labels() -> dict[str, dict[str, str]]:
    """The French words of every state (statuses, routes, fields), for the desk and other tools."""
    return label_table()


# -- documents and review queues -------------------------------------------------------------------
def _saved_upload(upload: UploadFile, folder: str, kind: str) -> Path:
    """The uploaded file, saved under its name, when its extension is of a format of ``kind``."""
    from cvclassify.io.readers import extensions

    name = Path(upload.filename or "document").name
    known = extensions(kind)
    if Path(name).suffix.lower() not in known:
        listed = ", ".join(e.lstrip(".").upper() for e in known)
        raise BatchInputError(f"Format de fichier non pris en charge ici : « {name} » (formats lus : {listed}).")
    path = Path(folder) / name
    with path.open("wb") as handle:
        while chunk := upload.file.read(1 << 20):
            handle.write(chunk)
    return path


@router.post("/extract", response_model=schemas.ExtractOut, tags=["documents"], dependencies=PROTECTED,
             summary="Le texte d'un document (PDF, DOCX, ODT, TXT, MD)")
def extract(file: Annotated[UploadFile, File(description="Le document")]) -> dict[str, Any]:
    """The text of an uploaded document (PDF, DOCX, ODT, TXT, MD)."""
    from cvclassify.io.readers import open_table

    with tempfile.TemporaryDirectory() as folder:
        path = _saved_upload(file, folder, "documents")
        rows = list(open_table(path).rows)
    row = rows[0] if rows else None
    if row is None or row.error or not row.values.get("texte", "").strip():
        raise InvalidTextError(row.error if row and row.error else f"Aucun texte lisible dans « {path.name} ».")
    return {"name": path.name, "text": row.values["texte"], "notes": list(row.notes)}


@router.post("/projects/{project}/queues", response_model=schemas.QueueCreated, status_code=201,
             tags=["revue"], dependencies=PROTECTED, summary="Déposer un appel à projets à revoir")
def create_queue(project: Project, pool: Pool, store: Store,
                 file: Annotated[UploadFile, File(description="CSV, XLSX, ODS ou JSON Lines")],
                 text_col: Annotated[list[str] | None, Form()] = None,
                 id_col: Annotated[str | None, Form()] = None) -> dict[str, Any]:
    """Read and classify a call for projects, and store it as a review queue."""
    name, model = pool.model(project)
    with tempfile.TemporaryDirectory() as folder:
        _refuse_document(file)
        return review.create_queue(store, name, model, _saved_upload(file, folder, "table"), text_col or None, id_col)


DOCUMENT_KINDS = {".pdf": "un document PDF", ".docx": "un document Word (DOCX)", ".odt": "un document ODT",
                  ".md": "un document texte"}


def _refuse_document(upload: UploadFile) -> None:
    """A document (a PDF, even renamed) dropped where a table of applications is expected: say what it is and
    what to do, rather than reading it as a table."""
    suffix = Path(upload.filename or "document").suffix.lower()
    head = upload.file.read(5)
    upload.file.seek(0)
    kind = "un document PDF" if head.startswith(b"%PDF-") else DOCUMENT_KINDS.get(suffix)
    if kind:
        raise BatchInputError(f"Ce fichier est {kind}, pas un tableau : déposez un export CSV, XLSX, ODS ou "
                              "JSON Lines, ou analysez-le comme demande seule.")


@router.get("/projects/{project}/queues", response_model=list[schemas.QueueSummaryOut], tags=["revue"],
            dependencies=PROTECTED, summary="Les appels à projets du projet, le plus récent d'abord")
def queues(project: Project, pool: Pool, store: Store) -> list[dict[str, Any]]:
    """The project's review queues, newest first, with their progress, officers and where to resume."""
    return review.list_queues(store, pool.project(project).name)


@router.get("/projects/{project}/queues/{queue_id}", response_model=schemas.QueueOut, tags=["revue"],
            dependencies=PROTECTED, summary="Une file de revue, la plus incertaine d'abord")
def queue(project: Project, queue_id: str, pool: Pool, store: Store) -> dict[str, Any]:
    """A review queue, most uncertain application first."""
    return review.queue_view(store, pool.project(project).name, queue_id)


@router.post("/projects/{project}/queues/{queue_id}/items/{item_id}/reopen", response_model=schemas.QueueItemOut,
             tags=["revue"], dependencies=PROTECTED, summary="Annuler la décision prise sur une demande")
def reopen(project: Project, queue_id: str, item_id: ItemId, pool: Pool, store: Store, request: Request,
           version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> dict[str, Any]:
    """Undo the decision on one application of a queue (409 when it changed since ``version``)."""
    return review.reopen_item(store, pool.project(project).name, queue_id, item_id,
                              officer=officer_of(request).name, version=version)


@router.get("/projects/{project}/queues/{queue_id}/items/{item_id}/history", response_model=schemas.HistoryOut,
            tags=["revue"], dependencies=PROTECTED, summary="L'historique d'une demande : qui, quand, quoi")
def history(project: Project, queue_id: str, item_id: ItemId, pool: Pool, store: Store) -> dict[str, Any]:
    """Every decision and undo on one application of a queue, oldest first."""
    return review.item_history(store, pool.project(project).name, queue_id, item_id)


@router.get("/session", response_model=schemas.SessionOut, tags=["revue"], dependencies=PROTECTED,
            summary="Qui est connecté (compte nommé et rôle)")
def session(request: Request) -> dict[str, Any]:
    """The officer the key or the desk's cookie names, with the role's French word."""
    officer = officer_of(request)
    settings = request.app.state.settings
    return {"name": officer.name, "role": officer.role, "role_label": ROLE_WORDS[officer.role],
            "accounts": bool(settings.accounts), "protected": settings.protected}


@router.post("/projects/{project}/queues/{queue_id}/accept", response_model=schemas.BulkAcceptOut, tags=["revue"],
             dependencies=PROTECTED, summary="Accepter telles quelles les demandes dont les codes cochés sont sûrs")
def accept_sure(project: Project, queue_id: str, body: schemas.BulkAcceptIn, pool: Pool,
                store: Store, request: Request) -> dict[str, Any]:
    """Accept the listed applications still to review whose whole ticked set is sure (route ``auto``); the
    others are skipped. Each one is undone by its ``reopen``. A signed-in account is recorded as the reviewer."""
    name = pool.project(project).name
    reviewer = officer_of(request).name or body.reviewer
    return review.accept_sure(store, name, pool.taxonomy(name), queue_id, body.item_ids, reviewer)


@router.get("/projects/{project}/queues/{queue_id}/stats", response_model=schemas.StatsOut, tags=["revue"],
            dependencies=PROTECTED, summary="Les statistiques d'une file de revue")
def queue_stats(project: Project, queue_id: str, pool: Pool, store: Store) -> dict[str, Any]:
    """Rows reviewed by officer, agreement between the model and the officers, codes most often corrected and
    time per row, for one queue."""
    name = pool.project(project).name
    return stats.queue_stats(store, name, queue_id, pool.taxonomy(name))


@router.get("/projects/{project}/stats", response_model=schemas.StatsOut, tags=["revue"],
            dependencies=PROTECTED, summary="Les statistiques de revue du projet (toutes ses files)")
def project_stats(project: Project, pool: Pool, store: Store) -> dict[str, Any]:
    """The same statistics over every queue of the project in which decisions were made."""
    name = pool.project(project).name
    return stats.project_stats(store, name, pool.taxonomy(name))


@router.get("/projects/{project}/queues/{queue_id}/export", tags=["revue"], dependencies=PROTECTED,
            summary="Le fichier revu, avec les codes retenus",
            responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument"
                                                         ".spreadsheetml.sheet": {}, "application/x-ndjson": {}}}})
def queue_export(project: Project, queue_id: str, pool: Pool, store: Store,
                 format: Annotated[Literal["csv", "xlsx", "jsonl"], Query()] = "csv") -> Response:
    """The reviewed file: its columns, then the codes kept with their labels, the review's status, who reviewed
    it and when, the confidence (CSV and XLSX under French headers; JSON Lines under ASCII keys)."""
    name = pool.project(project).name
    stem = Path(store.queue(name, queue_id).name).stem
    filename = f"{stem}-revu.{format}"
    data = _written(filename, lambda out: review.export_queue(store, name, queue_id, out, pool.taxonomy(name)))
    media = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
    return Response(data, media_type=media, headers=attachment(filename))


def attachment(filename: str) -> dict[str, str]:
    """A download header that survives accents in the file name (RFC 6266 / 5987)."""
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


__all__ = ["CvclassifyError", "router"]

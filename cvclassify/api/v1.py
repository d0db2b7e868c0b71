"""The JSON API (``/v1``): suggestions, projects and their trees, model cards, feedback, review queues."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from cvclassify.api import schemas
from cvclassify.api.security import api_key_header, require_key
from cvclassify.api.service import ModelPool, suggest_documents
from cvclassify.errors import BatchInputError, CvclassifyError, InvalidTextError, UnknownCodeError
from cvclassify.feedback import FeedbackStore

router = APIRouter(prefix="/v1")
Project = Annotated[str, "project name"]


def pool(request: Request) -> ModelPool:
    return request.app.state.pool


def store(request: Request) -> FeedbackStore:
    return request.app.state.store


def keyed(request: Request, key: Annotated[str | None, Depends(api_key_header)] = None) -> None:
    require_key(request, key)


Pool = Annotated[ModelPool, Depends(pool)]
Store = Annotated[FeedbackStore, Depends(store)]
PROTECTED = [Depends(keyed)]


# -- suggestions ---------------------------------------------------------------------------------
def _suggest(pool: ModelPool, project: str | None, body: schemas.SuggestRequest) -> dict[str, Any]:
    name, model = pool.model(project)
    _, payload, error = pool.batcher(name, model).submit(body.id, body.as_document(), k=body.k,
                                                         threshold=body.threshold, only=body.only,
                                                         exclude=body.exclude)
    if error:
        raise InvalidTextError(error)
    return payload


def _batch(pool: ModelPool, project: str | None, body: schemas.BatchRequest, limit: int) -> dict[str, Any]:
    if len(body.documents) > limit:
        raise InvalidTextError(f"Au plus {limit} demandes par lot ({len(body.documents)} reçues) : "
                               "découpez le lot.")
    name, model = pool.model(project)
    results = suggest_documents(name, model, [(d.id, d.as_document()) for d in body.documents], k=body.k,
                                threshold=body.threshold, only=body.only, exclude=body.exclude)
    return {"project": name, "model_version": model.card.version,
            "results": [{"id": i, "ok": error is None, "error": error, "result": payload}
                        for i, payload, error in results]}


@router.post("/suggest", response_model=schemas.SuggestResponse, tags=["suggestions"],
             summary="Codes suggérés pour une demande (projet par défaut)")
def suggest_default(body: schemas.SuggestRequest, pool: Pool) -> Response:
    return fast_json(_suggest(pool, None, body))


@router.post("/projects/{project}/suggest", response_model=schemas.SuggestResponse, tags=["suggestions"],
             summary="Codes suggérés pour une demande")
def suggest(project: Project, body: schemas.SuggestRequest, pool: Pool) -> Response:
    return fast_json(_suggest(pool, project, body))


def fast_json(payload: dict[str, Any]) -> Response:
    """The answer serialised directly: it is built by ``suggestion_payload`` in the documented shape
    (tests/test_api_contract.py checks it against the schema), so FastAPI's second validation pass,
    a third of a request's time under load, is skipped."""
    return Response(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                    media_type="application/json")


@router.post("/suggest/batch", response_model=schemas.BatchResponse, tags=["suggestions"],
             summary="Codes suggérés pour un lot de demandes (projet par défaut)")
def suggest_batch_default(body: schemas.BatchRequest, pool: Pool, request: Request) -> dict[str, Any]:
    return _batch(pool, None, body, request.app.state.settings.max_batch)


@router.post("/projects/{project}/suggest/batch", response_model=schemas.BatchResponse, tags=["suggestions"],
             summary="Codes suggérés pour un lot de demandes (au plus 100)")
def suggest_batch(project: Project, body: schemas.BatchRequest, pool: Pool, request: Request) -> dict[str, Any]:
    return _batch(pool, project, body, request.app.state.settings.max_batch)


# -- projects, trees, models ---------------------------------------------------------------------
@router.get("/projects", response_model=list[schemas.ProjectOut], tags=["projets"])
def projects(pool: Pool) -> list[dict[str, Any]]:
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
            "parent": node.parent, "lexicon": list(node.lexicon),
            "children": [_node(tx, c) for c in tx.children(node.id)] if depth else []}


@router.get("/projects/{project}/objectives", response_model=schemas.TreeResponse, tags=["projets"],
            summary="L'arbre des objectifs du projet")
def objectives(project: Project, pool: Pool) -> dict[str, Any]:
    name = pool.project(project).name
    tx = pool.taxonomy(name)
    leaves = [{"id": leaf.id, "code": leaf.display_code, "label": leaf.label,
               "objective": {"code": tx.group_of(leaf.id).display_code, "label": tx.group_of(leaf.id).label},
               "axis": {"code": tx.axis_of(leaf.id).display_code, "label": tx.axis_of(leaf.id).label}}
              for leaf in tx.leaves]
    return {"project": name, "tree": [_node(tx, axis) for axis in tx.children(None)], "leaves": leaves}


@router.get("/projects/{project}/objectives/{code}", response_model=schemas.ObjectiveDetail, tags=["projets"],
            summary="Un objectif, ses parents et ses enfants")
def objective(project: Project, code: str, pool: Pool) -> dict[str, Any]:
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
    from dataclasses import asdict

    name, model = pool.model(project)
    return {"project": name, "version": model.card.version, "card": asdict(model.card)}


# -- feedback ------------------------------------------------------------------------------------
def _check_codes(pool: ModelPool, project: str, body: schemas.FeedbackIn) -> schemas.FeedbackIn:
    """Codes are checked against the project's tree and normalised to ids; unknown ones are refused."""
    tx = pool.taxonomy(project)
    changes: dict[str, list[str]] = {}
    for name in ("suggested", "kept", "added", "removed"):
        ids = []
        for code in getattr(body, name):
            node = tx.resolve(code)
            if node.level != "leaf":
                raise UnknownCodeError(f"{code} est un {node.level}, pas un code opérationnel : "
                                       "indiquez un code feuille de l'arbre.")
            ids.append(node.id)
        changes[name] = list(dict.fromkeys(ids))
    return body.model_copy(update=changes)


@router.post("/projects/{project}/feedback", response_model=schemas.FeedbackOut, status_code=201,
             tags=["retours"], dependencies=PROTECTED, summary="Enregistrer la décision d'un instructeur")
def feedback(project: Project, body: schemas.FeedbackIn, pool: Pool, store: Store) -> dict[str, Any]:
    name = pool.project(project).name
    body = _check_codes(pool, name, body)
    if body.queue_id is not None:
        store.queue(name, body.queue_id, order="input")  # the queue must belong to this project
    record = store.add_feedback(name, source="desk" if body.queue_id else "api",
                                **body.model_dump(exclude_none=False))
    codes = ", ".join(record.final_codes) or "aucun code"
    return {"id": record.id, "created_at": record.created_at, "final_codes": record.final_codes,
            "message": f"Décision n° {record.id} enregistrée : {codes}."}


@router.get("/projects/{project}/feedback/export", tags=["retours"], dependencies=PROTECTED,
            summary="Toutes les décisions du projet (JSON Lines ou CSV)",
            responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}})
def feedback_export(project: Project, pool: Pool, store: Store,
                    format: Literal["jsonl", "csv"] = "jsonl") -> StreamingResponse:
    name = pool.project(project).name
    media = "application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8"
    return StreamingResponse(store.export(name, format), media_type=media,
                             headers=attachment(f"retours-{name}.{format}"))


# -- documents and review queues -------------------------------------------------------------------
def _saved_upload(upload: UploadFile, folder: str) -> Path:
    from cvclassify.io.readers import READERS

    name = Path(upload.filename or "document").name
    suffix = Path(name).suffix.lower()
    if suffix not in READERS:
        known = ", ".join(sorted(s.lstrip(".").upper() for s in READERS))
        raise BatchInputError(f"Format de fichier non pris en charge : « {name} » (formats lus : {known}).")
    path = Path(folder) / name
    with path.open("wb") as handle:
        while chunk := upload.file.read(1 << 20):
            handle.write(chunk)
    return path


@router.post("/extract", response_model=schemas.ExtractOut, tags=["documents"], dependencies=PROTECTED,
             summary="Le texte d'un document (PDF, DOCX, ODT, TXT, MD)")
def extract(file: Annotated[UploadFile, File(description="Le document")]) -> dict[str, Any]:
    from cvclassify.io.readers import open_table

    with tempfile.TemporaryDirectory() as folder:
        path = _saved_upload(file, folder)
        if path.suffix.lower() not in {".pdf", ".docx", ".odt", ".txt", ".md"}:
            raise BatchInputError(f"« {path.name} » n'est pas un document (PDF, DOCX, ODT, TXT ou MD) ; "
                                  "un tableau se dépose comme file de revue.")
        rows = list(open_table(path).rows)
    row = rows[0] if rows else None
    if row is None or row.error or not row.values.get("texte", "").strip():
        raise InvalidTextError(row.error if row and row.error else f"Aucun texte lisible dans « {path.name} ».")
    return {"name": path.name, "text": row.values["texte"]}


@router.post("/projects/{project}/queues", response_model=schemas.QueueCreated, status_code=201,
             tags=["revue"], dependencies=PROTECTED, summary="Déposer un appel à projets à revoir")
def create_queue(project: Project, pool: Pool, store: Store,
                 file: Annotated[UploadFile, File(description="CSV, XLSX, ODS ou JSON Lines")],
                 text_col: Annotated[list[str] | None, Form()] = None,
                 id_col: Annotated[str | None, Form()] = None) -> dict[str, Any]:
    from cvclassify.batch import iter_items
    from cvclassify.io.columns import map_columns
    from cvclassify.io.readers import open_table

    name, model = pool.model(project)
    with tempfile.TemporaryDirectory() as folder:
        path = _saved_upload(file, folder)
        table = open_table(path)
        mapping = map_columns(table.columns, text_col or None, id_col)
        rows = list(iter_items(table.rows, mapping, None if text_col else table.columns))
    notes = [*table.notes, mapping.describe()]
    inputs = [(item[1], item[2]) for item, _ in rows]
    readable = [i for i, (item, _) in enumerate(rows) if item[3] is None and item[2]]
    results = suggest_documents(name, model, [inputs[i] for i in readable], k=8, threshold=0.0,
                                only=None, exclude=None)
    by_row = dict(zip(readable, results, strict=True))
    items = []
    for i, ((index, row_id, fields, error), values) in enumerate(rows):
        _, payload, bad = by_row.get(i, (row_id, None, error or "Aucun texte à classer dans cette ligne."))
        items.append({"position": index, "row_id": row_id, "values": values, "fields": fields,
                      "result": payload or {}, "error": bad, "uncertainty": _uncertainty(payload)})
    queue_id = store.create_queue(name, path.name, table.columns, notes, model.card.version, items)
    return {"queue_id": queue_id, "name": path.name, "total": len(items),
            "errors": sum(item["error"] is not None for item in items), "notes": notes}


def _uncertainty(payload: dict[str, Any] | None) -> float:
    """How unsure the model is of a row: 1 − confidence of its first code (the margin-based
    decision when the model has one, else the first score)."""
    if not payload or not payload.get("suggestions"):
        return 1.0
    decision = payload.get("decision")
    confidence = decision["confidence"] if decision else payload["suggestions"][0]["score"]
    return round(1.0 - float(confidence), 6)


def _item_out(item) -> dict[str, Any]:
    result = item.result or {}
    return {"item_id": item.item_id, "position": item.position, "row_id": item.row_id,
            # an unreadable row shows its cells, so that the officer sees which application it is
            "fields": result.get("fields") or item.fields or {k: str(v) for k, v in item.values.items()
                                                               if str(v).strip()},
            "status": item.status, "error": item.error,
            "suggestions": result.get("suggestions", []), "objective_hint": result.get("objective_hint"),
            "decision": result.get("decision"), "final_codes": item.final_codes, "comment": item.comment,
            "feedback_id": item.feedback_id}


@router.get("/projects/{project}/queues/{queue_id}", response_model=schemas.QueueOut, tags=["revue"],
            dependencies=PROTECTED, summary="Une file de revue, la plus incertaine d'abord")
def queue(project: Project, queue_id: str, pool: Pool, store: Store) -> dict[str, Any]:
    record = store.queue(pool.project(project).name, queue_id)
    return {"queue_id": record.queue_id, "name": record.name, "model_version": record.model_version,
            "total": len(record.items), "reviewed": record.reviewed, "notes": record.notes,
            "items": [_item_out(i) for i in record.items]}


@router.post("/projects/{project}/queues/{queue_id}/items/{item_id}/reopen", response_model=schemas.QueueItemOut,
             tags=["revue"], dependencies=PROTECTED, summary="Annuler la décision prise sur une demande")
def reopen(project: Project, queue_id: str, item_id: int, pool: Pool, store: Store) -> dict[str, Any]:
    return _item_out(store.reopen(pool.project(project).name, queue_id, item_id))


@router.get("/projects/{project}/queues/{queue_id}/export", tags=["revue"], dependencies=PROTECTED,
            summary="Le fichier revu, avec les codes retenus",
            responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument"
                                                         ".spreadsheetml.sheet": {}}}})
def queue_export(project: Project, queue_id: str, pool: Pool, store: Store,
                 format: Annotated[Literal["csv", "xlsx"], Query()] = "csv") -> Response:
    from cvclassify.io.writers import write_rows

    record = store.queue(pool.project(project).name, queue_id, order="input")
    extra = ["cv_codes_finaux", "cv_statut_revue", "cv_commentaire", "cv_codes_suggeres", "cv_confiance"]
    columns = [*record.columns, *[c for c in extra if c not in record.columns]]
    rows = []
    for item in record.items:
        result = item.result or {}
        suggested = [s["id"] for s in result.get("suggestions", []) if s.get("selected")]
        decision = result.get("decision") or {}
        rows.append({**item.values, "cv_codes_finaux": " ".join(item.final_codes or []),
                     "cv_statut_revue": (item.error and f"erreur : {item.error}") or item.status,
                     "cv_commentaire": item.comment or "", "cv_codes_suggeres": " ".join(suggested),
                     "cv_confiance": decision.get("confidence", "")})
    stem = Path(record.name).stem
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{stem}-revu.{format}"
        write_rows(out, columns, rows)
        data = out.read_bytes()
    media = "text/csv; charset=utf-8" if format == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, media_type=media, headers=attachment(f"{stem}-revu.{format}"))


def attachment(filename: str) -> dict[str, str]:
    """A download header that survives accents in the file name (RFC 6266 / 5987)."""
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


__all__ = ["CvclassifyError", "router"]

"""Model versions over HTTP (``/v1``): list them with their comparison, promote, roll back, reload.

Promotion, rollback and reload need the administrator key (``X-Admin-Key``) when one is configured; the
promoted version is served by every worker within ``REFRESH_SECONDS`` (each watches the data home), and at once
by the worker that answered.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request

from cvclassify.api import problems, schemas
from cvclassify.api.security import admin_key_header, require_admin
from cvclassify.api.v1 import Pool, Store
from cvclassify.service import models as versions

router = APIRouter(prefix="/v1", tags=["modèles"])


def admin(request: Request, key: Annotated[str | None, Depends(admin_key_header)] = None) -> None:
    """Dependency: the administrator key, when one is configured."""
    require_admin(request, key)


ADMIN = [Depends(admin)]


def _versions(pool, name: str) -> list[dict[str, Any]]:
    project = pool.home.project(name)
    return [{"version": v.version, "current": v.current, "created": v.card.get("created"),
             "training_seconds": v.card.get("training_seconds"), "training_texts": v.card.get("training_proposals"),
             "heldout": v.heldout, "comparison": versions.comparison_of(project, v.version)}
            for v in project.versions()]


@router.get("/projects/{project}/models", response_model=list[schemas.VersionOut],
            summary="Les versions du modèle d'un projet, avec leurs mesures et leur comparaison")
def list_versions(project: str, pool: Pool) -> list[dict[str, Any]]:
    """Every version of a project's model, oldest first: held-out metrics and the promotion comparison."""
    name = pool.project(project).name
    return _versions(pool, name)


@router.post("/projects/{project}/models/{version}/promote", response_model=schemas.PromotionOut,
             dependencies=ADMIN, summary="Promouvoir une version si elle ne fait pas moins bien",
             responses={409: {"description": "Promotion refusée : la comparaison, et pourquoi"}})
def promote(project: str, version: str, pool: Pool, store: Store, force: bool = False) -> dict[str, Any]:
    """Compare a version with the one in service and make it current (409 with the comparison when refused)."""
    target = pool.project(project)
    try:
        done = versions.promote(target, version, force=force, feedback=store.feedback(target.name))
    except versions.PromotionError as exc:
        kept = versions.comparison_of(target, version) if (target.models_dir / version).is_dir() else None
        return problems.problem(409, str(exc), title="Promotion refusée", comparison=kept)
    pool.refresh()
    return {"project": target.name, "version": done.version, "previous": done.previous, "forced": done.forced,
            "comparison": done.comparison}


@router.post("/projects/{project}/models/rollback", response_model=schemas.PromotionOut, dependencies=ADMIN,
             summary="Revenir à la version précédente")
def rollback(project: str, pool: Pool) -> dict[str, Any]:
    """Make the previous version current again."""
    target = pool.project(project)
    try:
        left, now = versions.rollback(target)
    except versions.PromotionError as exc:
        raise HTTPException(409, str(exc)) from exc
    pool.refresh()
    return {"project": target.name, "version": now, "previous": left, "forced": False, "comparison": None}


@router.post("/admin/reload", response_model=schemas.ReloadOut, dependencies=ADMIN,
             summary="Relire le dossier de données maintenant (nouveaux projets, versions promues)")
def reload(pool: Pool) -> dict[str, Any]:
    """Serve the data home as it is now, without waiting for the next watch."""
    changed = pool.refresh()
    return {"changed": changed, "projects": pool.status()}

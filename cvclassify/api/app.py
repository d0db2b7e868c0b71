"""The FastAPI application: ``create_app()`` builds it, ``cvclassify serve`` runs it under uvicorn.

Models load once per process, in the background, when the app starts (lifespan); the feedback
database is migrated to its latest schema at the same time. No error ever reaches a client as a
stack trace: known errors get their French message, anything else a plain 500.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from cvclassify._version import __version__
from cvclassify.api import annif, desk, models, problems, schemas, v1
from cvclassify.api.settings import Settings
from cvclassify.errors import (
    BatchInputError,
    CvclassifyError,
    InputTooLargeError,
    InvalidTextError,
    MissingExtraError,
    ProjectError,
    UnknownCodeError,
)
from cvclassify.feedback import FeedbackStore
from cvclassify.feedback.store import FeedbackError, StaleItemError
from cvclassify.service.pool import ModelPool, NotReady

log = logging.getLogger("cvclassify.api")

DESCRIPTION = """Suggère les codes d'objectifs opérationnels du Contrat de Ville pour une demande de
subvention, garde les décisions des instructeurs et sert le bureau de revue (`/`).
Les routes `/annif/v1` parlent le dialecte REST d'Annif."""


def create_app(settings: Settings | None = None, pool: ModelPool | None = None,
               store: FeedbackStore | None = None) -> FastAPI:
    """The app, configured by ``settings`` (default: the ``CVCLASSIFY_*`` environment variables)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.store.upgrade()
        if not app.state.pool.ready.is_set():
            app.state.pool.start()
        yield
        app.state.pool.stop()
        app.state.store.close()

    app = FastAPI(title="cvclassify", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  responses={422: {"model": schemas.ErrorOut}, 503: {"model": schemas.ErrorOut}})
    app.state.settings = settings
    app.state.pool = pool or ModelPool.open(settings.projects)
    app.state.store = store or FeedbackStore(settings.database_url)

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type", "X-API-Key"])
    app.include_router(v1.router)
    app.include_router(models.router)
    app.include_router(annif.router)
    app.include_router(desk.router)
    app.mount("/static", StaticFiles(directory=desk.STATIC), name="static")

    @app.get("/health", response_model=schemas.Health, tags=["service"],
             responses={503: {"model": schemas.Health}}, summary="Prêt une fois les modèles chargés")
    def health(request: Request):
        pool: ModelPool = request.app.state.pool
        status = pool.status()
        body = {"projects": status, "database": request.app.state.store.safe_url.split("://")[0]}
        if not pool.ready.is_set():
            return JSONResponse({**body, "status": "loading", "detail": "Chargement des modèles."}, 503)
        if not pool.models:
            return JSONResponse({**body, "status": "error", "detail": "; ".join(pool.failures.values())}, 503)
        return {**body, "status": "ok"}

    _install_error_handlers(app)
    return app


STATUS_OF = [
    (NotReady, 503), (ProjectError, 404), (FeedbackError, 404), (UnknownCodeError, 422),
    (InvalidTextError, 422), (InputTooLargeError, 413), (BatchInputError, 422), (MissingExtraError, 501),
    (CvclassifyError, 422),
]


def _install_error_handlers(app: FastAPI) -> None:
    """Every error as an RFC 7807 problem with a French ``detail`` (``cvclassify.api.problems``)."""

    @app.exception_handler(CvclassifyError)
    async def known_error(request: Request, exc: CvclassifyError):
        status = next(code for kind, code in STATUS_OF if isinstance(exc, kind))
        title = type(exc).__name__ if request.url.path.startswith("/annif/") else None
        return problems.problem(status, str(exc), title)

    @app.exception_handler(StaleItemError)
    async def stale_item(request: Request, exc: StaleItemError):
        from cvclassify.service.review import queue_item

        # the item as it is now, so that the desk can show it (reload) or save over it (overwrite)
        return problems.problem(409, str(exc), current=queue_item(exc.item))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        bad_json = next((message for e in errors if (message := problems.json_error(e, exc.body))), None)
        # Annif answers 400 to any bad request; a body that is not JSON is a 400 everywhere
        status = 400 if bad_json or request.url.path.startswith("/annif/") else 422
        return problems.problem(status, bad_json or problems.validation_detail(errors),
                                errors=problems.machine_errors(errors))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        title = "Error" if request.url.path.startswith("/annif/") else None
        response = problems.problem(exc.status_code, problems.http_detail(exc.detail), title)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problems.problem(500, "Erreur interne du service ; elle a été journalisée.")


class BodyLimit:
    """ASGI middleware: refuse bodies over ``limit`` bytes with 413, whether announced or streamed.

    A streamed (chunked) body is counted as it is read; once over the limit, whatever the app answers
    (FastAPI turns a failed read into a 400) is replaced by the 413.
    """

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await self._refuse(send)
        received = 0
        started = too_large = False

        async def limited_receive():
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    too_large = True
                    raise _TooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            if too_large and not started:
                return  # the app's answer to the failed read: the 413 is sent instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._refuse(send)

    async def _refuse(self, send) -> None:
        size = f"{self.limit / 1024 / 1024:.0f} Mo" if self.limit >= 1024 * 1024 else f"{self.limit // 1024} ko"
        response = problems.problem(413, f"Requête trop volumineuse : au plus {size}. Découpez le fichier ou le lot.")
        await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body})


class _TooLarge(Exception):
    pass

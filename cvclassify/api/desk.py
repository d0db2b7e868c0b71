"""The review desk (``GET /``): a static page served by the app, behind the API key when one is set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from cvclassify.api.security import KEY_COOKIE, key_is_valid

STATIC = Path(__file__).with_name("static")
router = APIRouter(include_in_schema=False)

LOGIN_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cvclassify — revue des demandes</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/desk.css"></head>
<body class="login"><main><h1>Revue des demandes</h1>
<form method="post" action="/login"><p>Cet espace est protégé. Saisissez la clé d'accès donnée par
l'administrateur du service.</p>{error}
<label for="key">Clé d'accès</label> <input id="key" name="key" type="password" autocomplete="current-password"
required autofocus> <button type="submit">Entrer</button></form></main></body></html>"""


@router.get("/", response_class=HTMLResponse)
def desk(request: Request):
    """The review desk page, or the login form when a key is set and missing."""
    if not key_is_valid(request, request.headers.get("X-API-Key")):
        return HTMLResponse(LOGIN_PAGE.format(error=""), status_code=401)
    if not request.app.state.settings.protected:  # no key, no accounts
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})
    # A key is in use: the page offers « Se déconnecter » (static/desk/main.js reads this mark).
    page = (STATIC / "index.html").read_text(encoding="utf-8").replace("<body>", '<body data-keyed="true">', 1)
    return HTMLResponse(page, headers={"Cache-Control": "no-cache"})


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    """Forget the key kept in the cookie and go back to the login form."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(KEY_COOKIE, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


@router.get("/statistiques", response_class=HTMLResponse)
def statistics_page(request: Request):
    """The review statistics page of a queue or a project (``?projet=…&file=…``), behind the key like the desk."""
    if not key_is_valid(request, request.headers.get("X-API-Key")):
        return HTMLResponse(LOGIN_PAGE.format(error=""), status_code=401)
    return FileResponse(STATIC / "stats.html", media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, key: Annotated[str, Form(max_length=500)]):
    """Check the key typed in the login form and keep it in an HttpOnly cookie (repeated wrong keys make the
    address wait: the form says for how long)."""
    try:
        valid = key_is_valid(request, key)
    except HTTPException as exc:
        if exc.status_code != 429:
            raise
        return HTMLResponse(LOGIN_PAGE.format(error=f'<p class="error" role="alert">{exc.detail}</p>'),
                            status_code=429, headers=exc.headers)
    if not valid:
        return HTMLResponse(LOGIN_PAGE.format(error='<p class="error" role="alert">Clé incorrecte.</p>'),
                            status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(KEY_COOKIE, key, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response

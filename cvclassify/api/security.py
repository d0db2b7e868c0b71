"""The optional API key: header ``X-API-Key``, or the desk's cookie set by its login form."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request
from fastapi.security import APIKeyHeader

KEY_HEADER = "X-API-Key"
ADMIN_HEADER = "X-Admin-Key"
KEY_COOKIE = "cvclassify_key"
api_key_header = APIKeyHeader(name=KEY_HEADER, auto_error=False,
                              description="Clé d'API, quand le service en demande une")
admin_key_header = APIKeyHeader(name=ADMIN_HEADER, auto_error=False,
                                description="Clé d'administration (promotion de modèles, rechargement)")


def key_is_valid(request: Request, given: str | None) -> bool:
    """Whether the request carries the configured key (always true when none is configured)."""
    expected = request.app.state.settings.api_key
    if not expected:
        return True
    given = given or request.cookies.get(KEY_COOKIE) or ""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def require_key(request: Request, key: str | None = None) -> None:
    """Dependency: 401 unless the key (when one is configured) is given."""
    if not key_is_valid(request, key or request.headers.get(KEY_HEADER)):
        raise HTTPException(401, "Clé d'API absente ou invalide (en-tête X-API-Key).",
                            headers={"WWW-Authenticate": KEY_HEADER})


def require_admin(request: Request, key: str | None = None) -> None:
    """Dependency: 401 unless the administrator key is given. Without an administrator key configured, the
    officers' key is required if there is one; with no key at all, the API stays open."""
    settings = request.app.state.settings
    expected = settings.admin_key or settings.api_key
    if not expected:
        return
    given = key or request.headers.get(ADMIN_HEADER) or ("" if settings.admin_key else
                                                         request.headers.get(KEY_HEADER) or "")
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        header = ADMIN_HEADER if settings.admin_key else KEY_HEADER
        raise HTTPException(401, f"Clé d'administration absente ou invalide (en-tête {header}).",
                            headers={"WWW-Authenticate": header})

"""The optional API key: header ``X-API-Key``, or the desk's cookie set by its login form; and the brake on
guessing it (``LoginThrottle``: after a few wrong keys from one address, each new attempt must wait longer).

With named accounts (``Settings.accounts``), the key says who the officer is (``Officer``: a name and a role);
the shared ``api_key`` is an anonymous officer. Keys are never logged."""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi import HTTPException, Request
from fastapi.security import APIKeyHeader

log = logging.getLogger("cvclassify.api.security")

KEY_HEADER = "X-API-Key"
ADMIN_HEADER = "X-Admin-Key"
KEY_COOKIE = "cvclassify_key"
ROLE_WORDS = {"officer": "instruction", "admin": "administration"}
"""The French words of the roles, as the desk shows them."""
api_key_header = APIKeyHeader(name=KEY_HEADER, auto_error=False,
                              description="Clé d'API, quand le service en demande une")
admin_key_header = APIKeyHeader(name=ADMIN_HEADER, auto_error=False,
                                description="Clé d'administration (promotion de modèles, rechargement)")


class LoginThrottle:
    """Wrong keys per client address: the first ``FREE`` cost nothing, then each one makes the client wait
    twice as long before its next attempt is even checked (1 s, 2 s, 4 s … up to ``MAX_WAIT``: 300 wrong
    keys take hours instead of 0.3 s). A right key, or ``FORGET`` seconds without a wrong one, clears the
    count. At most ``CLIENTS`` addresses are remembered (the oldest are forgotten first). Thread-safe."""

    FREE = 5
    MAX_WAIT = 900.0
    FORGET = 900.0
    CLIENTS = 10_000

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        """Seconds before ``client`` may try a key again (0: now)."""
        with self._lock:
            count, last = self._failures.get(client, (0, 0.0))
            now = self._clock()
            if count and now - last > self.FORGET:
                del self._failures[client]
                return 0.0
            if count < self.FREE:
                return 0.0
            return max(0.0, last + min(self.MAX_WAIT, 2.0 ** (count - self.FREE)) - now)

    def failed(self, client: str) -> int:
        """Count a wrong key from ``client``; returns its wrong keys in a row."""
        with self._lock:
            count = self._failures.pop(client, (0, 0.0))[0] + 1
            self._failures[client] = (count, self._clock())
            while len(self._failures) > self.CLIENTS:
                self._failures.popitem(last=False)
            return count

    def succeeded(self, client: str) -> None:
        """A right key from ``client``: its count starts again."""
        with self._lock:
            self._failures.pop(client, None)


def throttle_of(request: Request) -> LoginThrottle:
    """The app's ``LoginThrottle`` (made on first use)."""
    state = request.app.state
    throttle = getattr(state, "login_throttle", None)
    if throttle is None:
        throttle = state.login_throttle = LoginThrottle()
    return throttle


@dataclass(frozen=True)
class Officer:
    """Who makes a request: a named account, or anonymous (``name`` None: the shared key, or an open API)."""

    name: str | None
    role: str = "officer"

    @property
    def is_admin(self) -> bool:
        """Whether the model routes are open to this officer."""
        return self.role == "admin"


OPEN = Officer(None, "admin")
"""The officer of a service without any key: everything is open, as before accounts existed."""


def _matching(request: Request, given: str, candidates: Sequence[tuple[str, Officer]], what: str) -> Officer | None:
    """The officer whose key is ``given`` (each compared in constant time, all of them compared), through the
    throttle; a wrong key is counted and logged with its address, never with the key."""
    throttle = throttle_of(request)
    client = request.client.host if request.client else "inconnu"
    wait = throttle.wait(client)
    if wait > 0:
        seconds = math.ceil(wait)
        raise HTTPException(429, f"Trop de clés invalides depuis cette adresse : réessayez dans {seconds} s.",
                            headers={"Retry-After": str(seconds)})
    found = None
    for expected, officer in candidates:
        if hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")) and found is None:
            found = officer
    if found is not None:
        throttle.succeeded(client)
        return found
    count = throttle.failed(client)
    log.warning("wrong %s from %s on %s %s (%d in a row)", what, client, request.method, request.url.path, count)
    return None


def _officer_keys(settings) -> list[tuple[str, Officer]]:
    keys = [(a.key, Officer(a.name, a.role)) for a in settings.accounts]
    if settings.api_key:
        # without accounts, the shared key stands in for the administrator key when there is none (as before)
        role = "admin" if not settings.accounts and not settings.admin_key else "officer"
        keys.append((settings.api_key, Officer(None, role)))
    return keys


def identify(request: Request, given: str | None) -> Officer | None:
    """The officer a key (or the desk's cookie) belongs to; ``OPEN`` when no key is configured, None when the
    key is missing or wrong. A request that carries no key is not an attempt and costs nothing."""
    settings = request.app.state.settings
    if not settings.protected:
        return OPEN
    given = given or request.cookies.get(KEY_COOKIE) or ""
    return _matching(request, given, _officer_keys(settings), "API key") if given else None


def officer_of(request: Request) -> Officer:
    """The officer identified for this request by ``require_key`` (``OPEN`` when none was needed)."""
    return getattr(request.state, "officer", None) or OPEN


def checked(request: Request, given: str, expected: str, what: str = "API key") -> bool:
    """Compare a key given by the client in constant time, through the throttle: 429 while the client must
    wait, every wrong key logged with the address it came from."""
    return _matching(request, given, [(expected, OPEN)], what) is not None


def key_is_valid(request: Request, given: str | None) -> bool:
    """Whether the request carries a configured key (always true when none is configured). A request that
    carries no key at all is not an attempt and costs nothing; wrong keys are throttled (``LoginThrottle``)."""
    return identify(request, given) is not None


def require_key(request: Request, key: str | None = None) -> Officer:
    """Dependency: 401 unless a key (when one is configured) is given; the officer it names is kept on the
    request (``officer_of``)."""
    officer = identify(request, key or request.headers.get(KEY_HEADER))
    if officer is None:
        raise HTTPException(401, "Clé d'API absente ou invalide (en-tête X-API-Key).",
                            headers={"WWW-Authenticate": KEY_HEADER})
    request.state.officer = officer
    return officer


def require_admin(request: Request, key: str | None = None) -> Officer:
    """Dependency: 401 unless an administrator's key is given, 403 when the key is an officer's. The
    administrator key (header ``X-Admin-Key``) and ``admin`` accounts (either header, or the desk's cookie)
    qualify; without an administrator key nor accounts, the officers' key does, as before; with no key at all,
    the API stays open."""
    settings = request.app.state.settings
    if not settings.admin_key and not settings.protected:
        return OPEN
    admin_keys = [(k, officer) for k, officer in _officer_keys(settings) if officer.is_admin]
    if settings.admin_key:
        admin_keys.append((settings.admin_key, Officer(None, "admin")))
    given = key or request.headers.get(ADMIN_HEADER)
    header = ADMIN_HEADER if settings.admin_key else KEY_HEADER
    if given:
        officer = _matching(request, given, admin_keys, "admin key")
    else:
        officer = identify(request, request.headers.get(KEY_HEADER)) if settings.protected else None
    if officer is None or (not officer.is_admin and officer.name is None):  # the shared key: 401, as before
        raise HTTPException(401, f"Clé d'administration absente ou invalide (en-tête {header}).",
                            headers={"WWW-Authenticate": header})
    if not officer.is_admin:
        raise HTTPException(403, f"Le compte « {officer.name} » est un compte d'instruction : promouvoir un modèle, "
                                 "revenir à la version précédente ou recharger les modèles demande un compte "
                                 f"d'administration (ou la clé d'administration, en-tête {ADMIN_HEADER}).")
    request.state.officer = officer
    return officer

"""The optional API key: header ``X-API-Key``, or the desk's cookie set by its login form; and the brake on
guessing it (``LoginThrottle``: after a few wrong keys from one address, each new attempt must wait longer)."""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from fastapi import HTTPException, Request
from fastapi.security import APIKeyHeader

log = logging.getLogger("cvclassify.api.security")

KEY_HEADER = "X-API-Key"
ADMIN_HEADER = "X-Admin-Key"
KEY_COOKIE = "cvclassify_key"
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


def checked(request: Request, given: str, expected: str, what: str = "API key") -> bool:
    """Compare a key given by the client in constant time, through the throttle: 429 while the client must
    wait, every wrong key logged with the address it came from."""
    throttle = throttle_of(request)
    client = request.client.host if request.client else "inconnu"
    wait = throttle.wait(client)
    if wait > 0:
        seconds = math.ceil(wait)
        raise HTTPException(429, f"Trop de clés invalides depuis cette adresse : réessayez dans {seconds} s.",
                            headers={"Retry-After": str(seconds)})
    if hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        throttle.succeeded(client)
        return True
    count = throttle.failed(client)
    log.warning("wrong %s from %s on %s %s (%d in a row)", what, client, request.method, request.url.path, count)
    return False


def key_is_valid(request: Request, given: str | None) -> bool:
    """Whether the request carries the configured key (always true when none is configured). A request that
    carries no key at all is not an attempt and costs nothing; wrong keys are throttled (``LoginThrottle``)."""
    expected = request.app.state.settings.api_key
    if not expected:
        return True
    given = given or request.cookies.get(KEY_COOKIE) or ""
    return bool(given) and checked(request, given, expected)


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
    if not given or not checked(request, given, expected, "admin key"):
        header = ADMIN_HEADER if settings.admin_key else KEY_HEADER
        raise HTTPException(401, f"Clé d'administration absente ou invalide (en-tête {header}).",
                            headers={"WWW-Authenticate": header})

"""Configuration of the HTTP service, read from the environment (so that every worker sees the same)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from cvclassify.errors import CvclassifyError

MAX_BODY_BYTES = 20 * 1024 * 1024
"""Largest request body (an uploaded call for projects); larger requests get 413."""
MAX_BATCH = 100


@dataclass(frozen=True)
class Settings:
    """What the app needs to know; ``Settings.from_env()`` reads ``CVCLASSIFY_*`` variables."""

    api_key: str | None = None
    """When set, feedback, exports, queues and the review desk require it (header ``X-API-Key``)."""
    admin_key: str | None = None
    """When set, promoting a model version, rolling back and reloading require it (header ``X-Admin-Key``);
    it is distinct from the officers' key. With no key at all, the API stays open."""
    cors_origins: tuple[str, ...] = ()
    database_url: str | None = None
    projects: tuple[str, ...] = ()
    """Projects to serve (empty: every project of the data home that has a model)."""
    max_body_bytes: int = MAX_BODY_BYTES
    max_batch: int = MAX_BATCH

    def __post_init__(self) -> None:
        check_key(self.api_key, "La clé d'API (--api-key, CVCLASSIFY_API_KEY)")
        check_key(self.admin_key, "La clé d'administration (--admin-key, CVCLASSIFY_ADMIN_KEY)")

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from the ``CVCLASSIFY_*`` environment variables."""
        def items(name: str) -> tuple[str, ...]:
            return tuple(v.strip() for v in os.environ.get(name, "").split(",") if v.strip())

        return cls(
            api_key=os.environ.get("CVCLASSIFY_API_KEY") or None,
            admin_key=os.environ.get("CVCLASSIFY_ADMIN_KEY") or None,
            cors_origins=items("CVCLASSIFY_CORS_ORIGINS"),
            database_url=os.environ.get("CVCLASSIFY_DATABASE_URL") or None,
            projects=items("CVCLASSIFY_PROJECTS"),
            max_body_bytes=int(os.environ.get("CVCLASSIFY_MAX_BODY_BYTES") or MAX_BODY_BYTES),
        )


def check_key(key: str | None, which: str) -> None:
    """Refuse, in French, a key an HTTP header cannot carry as typed: keys are printable ASCII, no spaces.

    Header bytes are read as Latin-1 while clients send UTF-8 (curl), Latin-1 (browsers) or refuse to send
    (Python clients): a key with « é » would match for some clients and not others.
    """
    if not key:
        return
    bad = next((c for c in key if not "!" <= c <= "~"), None)
    if bad is None:
        return
    shown = "une espace" if bad == " " else f"« {bad} »" if bad.isprintable() else f"le caractère U+{ord(bad):04X}"
    raise CvclassifyError(
        f"{which} contient {shown}, qu'un en-tête HTTP ne transporte pas tel quel. Choisissez une clé en "
        "caractères ASCII imprimables, sans espace ni accent (lettres, chiffres, ponctuation), par exemple "
        "celle que donne : python -c \"import secrets; print(secrets.token_urlsafe(32))\""
    )

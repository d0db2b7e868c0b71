"""Configuration of the HTTP service, read from the environment (so that every worker sees the same)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cvclassify.errors import CvclassifyError

MAX_BODY_BYTES = 20 * 1024 * 1024
"""Largest request body (an uploaded call for projects); larger requests get 413."""
MAX_BATCH = 100
ROLES = ("officer", "admin")
"""Roles of named accounts: ``officer`` reviews (desk, feedback, queues, exports); ``admin`` also promotes and
rolls back models and reloads the data home."""


@dataclass(frozen=True)
class Account:
    """A named officer account: the name recorded with each decision (« Relu par »), a role, a key."""

    name: str
    role: str
    key: str = field(repr=False)  # never shown in logs or errors


def load_accounts(path: str | Path) -> tuple[Account, ...]:
    """The accounts of a TOML or JSON file, checked; errors in French, never quoting a key.

    TOML: ``[[account]]`` tables with ``name``, ``role`` (``officer`` or ``admin``) and ``key``; JSON: a list of
    such objects (or ``{"account": [...]}``).
    """
    path = Path(path)
    where = f"Le fichier de comptes « {path} »"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CvclassifyError(f"{where} est illisible ({exc.strerror or exc}).") from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(raw.decode("utf-8"))
        else:
            import tomllib

            data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CvclassifyError(f"{where} n'est pas du {'JSON' if path.suffix.lower() == '.json' else 'TOML'} "
                              f"valide : {exc}.") from None
    entries = data.get("account", data.get("accounts")) if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise CvclassifyError(f"{where} ne décrit aucun compte : attendu une liste de comptes "
                              "([[account]] avec name, role et key).")
    accounts: list[Account] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise CvclassifyError(f"{where} : le compte n° {number} n'est pas une table name / role / key.")
        name = str(entry.get("name") or "").strip()
        role = str(entry.get("role") or "officer").strip()
        key = str(entry.get("key") or "")
        if not name or len(name) > 200:
            raise CvclassifyError(f"{where} : le compte n° {number} n'a pas de nom (« name », 200 caractères au "
                                  "plus).")
        if role not in ROLES:
            raise CvclassifyError(f"{where} : le rôle du compte « {name} » doit valoir « officer » ou « admin ».")
        if len(key) < 8:
            raise CvclassifyError(f"{where} : la clé du compte « {name} » est absente ou trop courte (8 caractères "
                                  "au moins).")
        check_key(key, f"La clé du compte « {name} » ({path.name})")
        if any(a.key == key for a in accounts):
            raise CvclassifyError(f"{where} : deux comptes ont la même clé (le n° {number}, « {name} », et un "
                                  "précédent) : chaque compte a la sienne.")
        if any(a.name == name for a in accounts):
            raise CvclassifyError(f"{where} : deux comptes s'appellent « {name} ».")
        accounts.append(Account(name, role, key))
    return tuple(accounts)


@dataclass(frozen=True)
class Settings:
    """What the app needs to know; ``Settings.from_env()`` reads ``CVCLASSIFY_*`` variables."""

    api_key: str | None = None
    """When set, feedback, exports, queues and the review desk require it (header ``X-API-Key``)."""
    admin_key: str | None = None
    """When set, promoting a model version, rolling back and reloading require it (header ``X-Admin-Key``);
    it is distinct from the officers' key. With no key at all, the API stays open."""
    accounts: tuple[Account, ...] = ()
    """Named accounts (``--accounts FILE``, ``CVCLASSIFY_ACCOUNTS``): each key opens the desk and the API under
    its name, an ``admin`` one the model routes too. They can be used alongside ``api_key`` (then an anonymous
    officer key) and ``admin_key``."""
    cors_origins: tuple[str, ...] = ()
    database_url: str | None = None
    projects: tuple[str, ...] = ()
    """Projects to serve (empty: every project of the data home that has a model)."""
    max_body_bytes: int = MAX_BODY_BYTES
    max_batch: int = MAX_BATCH

    def __post_init__(self) -> None:
        check_key(self.api_key, "La clé d'API (--api-key, CVCLASSIFY_API_KEY)")
        check_key(self.admin_key, "La clé d'administration (--admin-key, CVCLASSIFY_ADMIN_KEY)")
        shared = {k for k in (self.api_key, self.admin_key) if k}
        clash = next((a.name for a in self.accounts if a.key in shared), None)
        if clash:
            raise CvclassifyError(f"La clé du compte « {clash} » est aussi la clé d'API ou d'administration : "
                                  "donnez à chaque compte une clé qui lui est propre.")

    @property
    def protected(self) -> bool:
        """Whether the desk and the officers' routes need a key (one is configured, or named accounts)."""
        return bool(self.api_key or self.accounts)

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from the ``CVCLASSIFY_*`` environment variables."""
        def items(name: str) -> tuple[str, ...]:
            return tuple(v.strip() for v in os.environ.get(name, "").split(",") if v.strip())

        return cls(
            api_key=os.environ.get("CVCLASSIFY_API_KEY") or None,
            admin_key=os.environ.get("CVCLASSIFY_ADMIN_KEY") or None,
            accounts=load_accounts(os.environ["CVCLASSIFY_ACCOUNTS"]) if os.environ.get("CVCLASSIFY_ACCOUNTS")
            else (),
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

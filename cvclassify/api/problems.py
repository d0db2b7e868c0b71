"""Error answers of the API as RFC 7807 problems (``application/problem+json``), with French ``detail``.

Every error the API gives has the same members: ``type``, ``title`` (the HTTP reason, in English as the
RFC and Annif have it), ``status`` and ``detail`` (a French sentence a person can act on). Validation
errors keep the machine-readable list of what was wrong (``loc``, ``msg``, ``type``) in ``errors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

from cvclassify.io.readers.jsonl import json_error_reason

MEDIA_TYPE = "application/problem+json"
SHOWN_ERRORS = 5
"""Validation errors spelt out in ``detail``; the others are counted (all stay in ``errors``)."""

HTTP_DETAILS = {
    "Not Found": "Adresse inconnue : aucune route de l'API ne correspond (voir /docs).",
    "Method Not Allowed": "Méthode HTTP non prise en charge à cette adresse (voir /docs).",
    "There was an error parsing the body": "Le corps de la requête est illisible : envoyez du JSON en UTF-8 ou "
                                           "un formulaire bien formé.",
}
"""French words for the English details Starlette and FastAPI give by default."""


def problem(status: int, detail: str, title: str | None = None, **extra: Any) -> JSONResponse:
    """An RFC 7807 problem answer; ``extra`` members are added as they are."""
    body = {"type": "about:blank", "title": title or HTTPStatus(status).phrase, "status": status, "detail": detail,
            **extra}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE)


def http_detail(detail: Any) -> Any:
    """The French words for a default English detail, else the detail as it is."""
    return HTTP_DETAILS.get(detail, detail) if isinstance(detail, str) else detail


def machine_errors(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """What tools read of validation errors: where (``loc``), what (``type``) and pydantic's message."""
    return [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in errors]


def json_error(error: dict[str, Any], body: Any) -> str | None:
    """The French message of a body that is not JSON, with its line and column; None for other errors."""
    if error.get("type") != "json_invalid":
        return None
    loc = error.get("loc") or ()
    position = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    reason = json_error_reason(str((error.get("ctx") or {}).get("error", "")))
    where = ""
    if position is not None and isinstance(body, str):
        line = body.count("\n", 0, position) + 1
        column = position - body.rfind("\n", 0, position)
        where = f"ligne {line}, colonne {column}"
    inside = " : ".join(part for part in (where, reason) if part)
    return "Le corps de la requête n'est pas du JSON valide" + (f" ({inside})." if inside else ".")


def validation_detail(errors: Sequence[dict[str, Any]]) -> str:
    """French sentences for pydantic's validation errors, each naming its field."""
    sentences = list(dict.fromkeys(_sentence(e) for e in errors))
    shown = " ".join(sentences[:SHOWN_ERRORS])
    rest = len(sentences) - SHOWN_ERRORS
    if rest > 0:
        shown += f" (et {rest} autre{'s' if rest > 1 else ''} erreur{'s' if rest > 1 else ''})"
    return shown or "La requête est invalide."


_SOURCES = {"query": "Le paramètre d'adresse", "path": "Le paramètre de chemin", "header": "L'en-tête",
            "cookie": "Le cookie"}


def _subject(loc: Sequence[Any]) -> str:
    """« Le champ « documents[1].text » », « Le paramètre d'adresse « limit » » or « Le corps de la requête »."""
    source, path = (loc[0], loc[1:]) if loc and loc[0] in ("body", *_SOURCES) else ("body", loc)
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    if not name:
        return "Le corps de la requête" if source == "body" else _SOURCES[source]
    return f"{_SOURCES.get(source, 'Le champ')} « {name} »"


def _number(value: Any) -> str:
    return f"{value:,}".replace(",", " ") if isinstance(value, int) else str(value)


def _plural(n: Any, word: str) -> str:
    return f"{_number(n)} {word}{'s' if isinstance(n, int) and n > 1 else ''}"


def _sentence(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    subject = _subject(error.get("loc") or ())
    if kind in ("value_error", "assertion_error"):  # our validators' own French sentences
        message = str(ctx.get("error", "")) or str(error.get("msg", ""))
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "missing":
        if subject == "Le corps de la requête":
            return "Le corps de la requête est vide : un objet JSON est attendu."
        return f"{subject} est obligatoire."
    if kind == "json_invalid":
        return "Le corps de la requête n'est pas du JSON valide."
    templates = {
        "extra_forbidden": "n'est pas attendu (vérifiez son orthographe dans /docs).",
        "string_too_long": f"dépasse {_plural(ctx.get('max_length'), 'caractère')}.",
        "string_too_short": f"doit contenir au moins {_plural(ctx.get('min_length'), 'caractère')}.",
        "too_long": f"ne peut pas contenir plus de {_plural(ctx.get('max_length'), 'élément')}.",
        "too_short": f"doit contenir au moins {_plural(ctx.get('min_length'), 'élément')}.",
        "greater_than_equal": f"doit être supérieur ou égal à {_number(ctx.get('ge'))}.",
        "greater_than": f"doit être strictement supérieur à {_number(ctx.get('gt'))}.",
        "less_than_equal": f"doit être inférieur ou égal à {_number(ctx.get('le'))}.",
        "less_than": f"doit être strictement inférieur à {_number(ctx.get('lt'))}.",
        "int_parsing": "doit être un nombre entier.",
        "int_type": "doit être un nombre entier.",
        "int_from_float": "doit être un nombre entier, sans décimales.",
        "float_parsing": "doit être un nombre.",
        "float_type": "doit être un nombre.",
        "finite_number": "doit être un nombre fini.",
        "bool_parsing": "doit valoir true ou false.",
        "bool_type": "doit valoir true ou false.",
        "string_type": "doit être une chaîne de caractères.",
        "string_unicode": "doit être une chaîne de caractères valide (UTF-8).",
        "string_pattern_mismatch": "n'a pas la forme attendue.",
        "list_type": "doit être une liste.",
        "dict_type": "doit être un objet JSON.",
        "model_type": "doit être un objet JSON.",
        "model_attributes_type": "doit être un objet JSON.",
        "literal_error": f"doit valoir {str(ctx.get('expected', '')).replace(' or ', ' ou ')}.",
        "enum": f"doit valoir {str(ctx.get('expected', '')).replace(' or ', ' ou ')}.",
        "uuid_parsing": "doit être un identifiant UUID.",
        "uuid_type": "doit être un identifiant UUID.",
    }
    return f"{subject} {templates.get(kind, 'a une valeur invalide.')}"

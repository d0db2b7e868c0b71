"""JSON Lines files: one object per line, nested objects flattened into dotted keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

from cvclassify.errors import BatchInputError
from cvclassify.io.encoding import detect_encoding, file_chunks
from cvclassify.io.readers.base import Reader, Row, Table, cell_text, number_rows

_JSON_ERRORS = {
    "Expecting value": "valeur attendue",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Expecting property name": "nom de champ entre guillemets doubles attendu",
    "Unterminated string": "chaîne de caractères non terminée",
    "Invalid control character": "caractère de contrôle dans une chaîne",
    "Invalid \\escape": "séquence d'échappement invalide",
    "Invalid \\uXXXX escape": "séquence \\u invalide",
    "Extra data": "données en trop après l'objet",
}


def json_error_reason(message: str) -> str:
    """The French words for the reason ``json`` gives (``JSONDecodeError.msg``), or "" when not known."""
    return next((french for english, french in _JSON_ERRORS.items() if message.startswith(english)), "")


def looks_like_csv(first_line: str) -> bool:
    """Whether the first non-blank line of a supposed JSON Lines input is rather a CSV header."""
    return "{" not in first_line and ("," in first_line or ";" in first_line)


_JSON_KINDS = {list: "un tableau", str: "une chaîne de caractères", int: "un nombre", float: "un nombre",
               bool: "un booléen", type(None): "null"}


def _open_jsonl(path: Path, sheet: str | None) -> Table:
    """A JSON Lines file: one object per line, rows streamed; columns are the keys of the first object."""
    encoding, label = detect_encoding(file_chunks(path))
    columns: list[str] = []
    with open(path, encoding=encoding, errors="replace") as handle:
        lines = (line.lstrip("\ufeff") for line in handle)
        first = next((line for line in lines if line.strip()), "")
        if looks_like_csv(first):
            raise BatchInputError(
                f"« {path.name} » ne ressemble pas à du JSON Lines : s'agit-il d'un CSV ? Renommez-le en .csv."
            )
        readable = False
        for line in chain([first], lines):
            values, error = _json_object(line, "")
            readable = readable or error is None
            if error is None and values:
                columns = list(values)
                break
        if first.strip() and not readable:
            raise BatchInputError(f"Aucune ligne de « {path.name} » n'est un objet JSON lisible : ce n'est pas un "
                                  "fichier JSON Lines (un objet {…} par ligne).")
    note = f"JSON Lines lu en {label}" + ("" if encoding.startswith("utf-8") else " : le fichier n'est pas en UTF-8")
    return Table(columns, number_rows([_jsonl_rows(path, encoding)]), [note])


def _jsonl_rows(path: Path, encoding: str) -> Iterator[Row | str]:
    with open(path, encoding=encoding, errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            where = f"ligne {number}"
            line = line.lstrip("\ufeff")
            if not line.strip():
                yield where
                continue
            values, error = _json_object(line, where)
            yield Row(0, values, where, error)


def _json_object(line: str, where: str) -> tuple[dict[str, str], str | None]:
    """The flattened values of one JSON Lines line, or the French reason it cannot be read."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        reason = json_error_reason(exc.msg)
        detail = f"{reason}, colonne {exc.colno}" if reason else f"à la colonne {exc.colno}"
        return {}, f"{where} : JSON invalide ({detail})"
    except RecursionError:
        return {}, f"{where} : JSON invalide (trop d'objets imbriqués)"
    if not isinstance(data, dict):
        return {}, f"{where} : un objet JSON {{…}} est attendu, pas {_JSON_KINDS.get(type(data), 'une valeur')}"
    values = _flatten(data)
    if "\ufffd" in line:
        return values, f"{where} : caractères illisibles (encodage)"
    return values, None


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Values of a JSON object as text; nested objects give dotted keys ("description.value")."""
    values: dict[str, str] = {}
    for key, value in data.items():
        name = prefix + cell_text(key)
        if isinstance(value, dict):
            values.update(_flatten(value, name + "."))
        else:
            values[name] = cell_text(value)
    return values



def count_lines(path: Path) -> int:
    """Lines of the file (one record each)."""
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


READER = Reader("JSON Lines", (".jsonl", ".ndjson"), "table", _open_jsonl, count_lines, text=True)

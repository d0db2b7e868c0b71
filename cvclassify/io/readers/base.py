"""What every reader shares: input rows and tables, the ``Reader`` description, and cell helpers."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from cvclassify.document import truncate
from cvclassify.errors import MissingExtraError
from cvclassify.io import limits


@dataclass
class Row:
    """One input row of a batch: its cells, or why it could not be read."""

    index: int
    """1-based position among the data rows of the input (header not counted), or file number in a folder."""
    values: dict[str, str]
    """Column name -> cell as text ("" for empty), in input column order; {} when unreadable."""
    where: str
    """Location for messages, in French: "ligne 12", "feuille « Demandes », ligne 7", "dossiers/a.pdf"."""
    error: str | None = None
    """Why the row could not be read (or was read only in part), in French."""
    missing: tuple[str, ...] = ()
    """Columns a short row did not reach (a CSV line with fewer fields than its header), read as empty."""
    notes: tuple[str, ...] = ()
    """Remarks on how the row was read that do not stop its classification (a document's text or a sheet's
    row cut at a cap of ``cvclassify.io.limits``), in French; kept in outputs."""


@dataclass
class Table:
    """An opened input: its column names, a note on how it was read, and a lazy iterator of rows."""

    columns: list[str]
    rows: Iterator[Row]
    notes: list[str]



@dataclass(frozen=True)
class Reader:
    """One input format: its extensions, its kind, the optional libraries it needs, how to open it and how
    to count its rows quickly (for a progress bar)."""

    name: str
    """The format's name for people (« CSV », « Excel »)."""
    extensions: tuple[str, ...]
    """Lower-case extensions with their dot; ``("folder",)`` for a folder of documents."""
    kind: Literal["table", "documents"]
    """``table``: one row per record; ``documents``: one row per document (text files, PDF, DOCX…)."""
    opener: Callable[[Path, str | None], Table]
    counter: Callable[[Path], int | None] | None = None
    libraries: tuple[str, ...] = ()
    """Optional libraries it imports (python module names), from the ``formats`` extra."""
    sheets: bool = False
    """Whether ``--sheet`` applies (workbooks)."""
    text: bool = False
    """Whether the file is text whose encoding is detected (``cvclassify.io.encoding``)."""

    def open(self, path: Path, sheet: str | None = None) -> Table:
        """Open a file (or folder) of this format for reading."""
        return self.opener(path, sheet)

    def count_rows(self, path: Path) -> int | None:
        """A quick estimate of the rows of a file, or None when it cannot be told cheaply."""
        return self.counter(path) if self.counter else None

    def check_libraries(self) -> None:
        """Raise ``MissingExtraError`` now when a library this format needs is missing."""
        for module in self.libraries:
            require(module, self.name)


PACKAGES = {"python_calamine": "python-calamine", "docx": "python-docx", "odf": "odfpy"}
"""Python module → the package that installs it."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def require(module: str, fmt: str, action: str = "lire") -> ModuleType:
    """Import an optional library, or raise MissingExtraError naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = PACKAGES.get(module, module)
        raise MissingExtraError(
            f"Pour {action} les fichiers {fmt}, il faut la bibliothèque optionnelle « {package} », "
            "qui n'est pas installée. Installez-la avec : pip install 'cvclassify[formats]'"
        ) from exc


def quoted(names: Iterable[str]) -> str:
    """Names in French quotes, separated by commas."""
    return ", ".join(f"« {name} »" for name in names) or "aucune"


def plural(count: int, singular: str, plural: str) -> str:
    """A count with the singular or plural noun (French: 0 and 1 take the singular)."""
    return f"{count} {singular if count < 2 else plural}"  # French: 0 and 1 take the singular



def cell_text(value: Any) -> str:
    """A cell or JSON value as text: dates in ISO format, 12.0 as "12", lists joined with ", "."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def unique_names(names: Sequence[str], start: int = 1) -> list[str]:
    """Header names made unique: an empty one becomes "colonne 3", a repeated one "Objectif (2)"."""
    seen: set[str] = set()
    unique: list[str] = []
    for number, name in enumerate(names, start=start):
        base = " ".join(name.split()) or f"colonne {number}"
        candidate, copy = base, 2
        while candidate in seen:
            candidate, copy = f"{base} ({copy})", copy + 1
        seen.add(candidate)
        unique.append(candidate)
    return unique


def number_rows(groups: Iterable[Iterable[Row | str]]) -> Iterator[Row]:
    """Number the rows of each group (a file, a sheet) in turn, and turn blank rows into error rows.

    A blank row comes as its location (a string); it is an error row « ligne vide » when a row follows it
    in its group, and is dropped at the end of the group.
    """
    index = 0
    for group in groups:
        blanks: list[str] = []  # locations only: a sheet may end with thousands of empty rows
        for item in group:
            if isinstance(item, str):
                blanks.append(item)
                continue
            for row in (*(Row(0, {}, where, f"{where} : ligne vide") for where in blanks), item):
                index += 1
                row.index = index
                yield row
            blanks.clear()


def capped(row: Row) -> Row:
    """A row whose cells hold more than ``MAX_ROW_CHARS`` characters together cut to that many, in column
    order: the cell that goes past is cut at a word boundary, the next ones are emptied; a note names them.

    For the rows of workbooks, where a small file holds much (compressed XML, one shared string in many
    cells); a cell of a CSV or JSON Lines file weighs on disk what it weighs in memory."""
    limit = limits.MAX_ROW_CHARS
    total = sum(len(value) for value in row.values.values())
    if total <= limit:
        return row
    left, cut = limit, []
    for column, value in row.values.items():
        if len(value) <= left:
            left -= len(value)
            continue
        row.values[column] = truncate(value, left)[0] if left > 0 else ""
        cut.append(column)
        left = 0  # the cells after the first one cut are emptied, not cut mid-word
    named = ", ".join(f"« {column} »" for column in cut[:5]) + (", …" if len(cut) > 5 else "")
    kept = sum(len(value) for value in row.values.values())
    cells = plural(len(cut), "cellule coupée", "cellules coupées")
    row.notes = (*row.notes, f"{row.where} : texte de la ligne tronqué à la lecture à {limits.count_text(kept)} "
                             f"caractères sur {limits.count_text(total)} ({cells} : {named})")
    return row

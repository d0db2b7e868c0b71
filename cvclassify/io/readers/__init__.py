"""Readers of batch inputs: CSV, JSON Lines, spreadsheets, and folders or zips of documents.

``open_table`` picks a ``Reader`` by extension (``READERS``). Each format is one module of this package
defining its ``Reader`` (kind, extensions, optional libraries, opener, row counter) and one line of
``FORMATS`` below; a reader imports its optional library on first use, so a missing library raises
``MissingExtraError`` naming the extra to install rather than an ``ImportError``.

Every reader streams its rows and yields one ``Row`` per input row, so that the output of a batch keeps
one row per input row, in order. A row that cannot be read is a ``Row`` with an ``error`` (in French),
never an exception that stops the batch. Blank rows in the middle of an input (a blank line of a CSV or
JSON Lines file, an empty row of a sheet) are error rows « ligne vide »; blank rows at the end are
dropped (editors and spreadsheets often leave some). A CSV line with fewer cells than its header is read
with the missing cells empty (``Row.missing`` names them); one with more cells is an error row. Hidden sheets
of a workbook are left out, with a note, unless ``--sheet`` names one (``spreadsheets``). ``Row.where``
gives the line number the user sees in their tool: the physical line of a JSON Lines file, the row number of
a sheet, the record number of a CSV file (counting the header as line 1).

JSON Lines: a streamed file cannot tell all its keys upfront, so the columns of the table are the keys
of its first valid object; later objects may carry other keys in ``Row.values`` (a batch writes the union of
all keys, in first-seen order). Nested objects are flattened into dotted keys (``{"description": {"value":
…}}`` gives ``description.value``, as in the Dauphin exports).

A single document (.pdf, .docx, .odt, .txt, .md) may be given on its own: it reads as a folder holding
that one document.
"""

from __future__ import annotations

from pathlib import Path

from cvclassify.errors import BatchInputError
from cvclassify.io.readers import delimited, documents, jsonl, spreadsheets
from cvclassify.io.readers.base import Reader, Row, Table, quoted, require

FORMATS: tuple[Reader, ...] = (
    delimited.READER,
    jsonl.READER,
    spreadsheets.XLSX,
    spreadsheets.CALAMINE,
    documents.ZIP,
    documents.DOCUMENT,
    documents.FOLDER,
)
"""Every input format, in the order the help lists them."""

READERS: dict[str, Reader] = {extension: reader for reader in FORMATS for extension in reader.extensions}
"""Input extension (or "folder") → its reader."""

_HINTS = {
    ".json": " Pour un fichier JSON, mettez un objet par ligne et nommez-le en .jsonl.",
    ".doc": " Enregistrez le document au format .docx.",
}


def extensions(kind: str | None = None) -> list[str]:
    """The file extensions read (of one kind: ``table`` or ``documents``), sorted."""
    return sorted(e for r in FORMATS for e in r.extensions if e != "folder" and (kind is None or r.kind == kind))


def formats_help() -> str:
    """The accepted inputs, in French, for help texts and messages."""
    return ", ".join(e.lstrip(".").upper() for e in extensions()) + ", ou un dossier de documents"


def reader_for(path: Path) -> Reader:
    """The reader of a path (a folder reads as a folder of documents), or a French error naming the formats."""
    path = Path(path)
    key = "folder" if path.is_dir() else path.suffix.lower()
    if key not in READERS:
        raise BatchInputError(
            f"Format d'entrée non pris en charge : « {path.name} ». Formats acceptés : {', '.join(extensions())}, "
            f"ou un dossier de documents.{_HINTS.get(key, '')}"
        )
    return READERS[key]


def open_table(path: Path, sheet: str | None = None) -> Table:
    """Open a batch input for reading: a file, chosen by its extension, or a folder of documents."""
    path = Path(path)
    if not path.is_dir() and not path.exists():
        raise BatchInputError(f"Le fichier « {path} » n'existe pas.")
    reader = reader_for(path)
    if sheet is not None and not reader.sheets:
        raise BatchInputError(f"« {path.name} » n'est pas un classeur : le choix d'une feuille ne s'y applique pas.")
    try:
        if not path.is_dir() and path.stat().st_size == 0:
            return Table([], iter(()), [f"Le fichier « {path.name} » est vide."])
        return reader.open(path, sheet)
    except PermissionError as exc:
        raise BatchInputError(f"Impossible de lire « {path} » : accès refusé.") from exc


__all__ = ["FORMATS", "READERS", "Reader", "Row", "Table", "extensions", "formats_help", "open_table", "quoted",
           "reader_for", "require"]

"""Readers of batch inputs: CSV, JSON Lines, spreadsheets, and folders or zips of documents.

``open_table`` picks a reader by extension (``READERS``); each reader is a small private function that
imports its optional library on first use, so a missing library raises ``MissingExtraError`` naming
the extra to install rather than an ``ImportError``.

Every reader streams its rows and yields one ``Row`` per input row, so that the output of a batch keeps
one row per input row, in order. A row that cannot be read is a ``Row`` with an ``error`` (in French),
never an exception that stops the batch. Blank rows in the middle of an input (a blank line of a CSV or
JSON Lines file, an empty row of a sheet) are error rows « ligne vide »; blank rows at the end are
dropped (editors and spreadsheets often leave some). ``Row.where`` gives the line number the user sees
in their tool: the physical line of a JSON Lines file, the row number of a sheet, the record number of
a CSV file (counting the header as line 1).

JSON Lines: a streamed file cannot tell all its keys upfront, so the columns of the table are the keys
of its first valid object; later objects may carry other keys in ``Row.values``. Nested objects are
flattened into dotted keys (``{"description": {"value": …}}`` gives ``description.value``, as in the
Dauphin exports).

A single document (.pdf, .docx, .odt, .txt, .md) may be given on its own: it reads as a folder holding
that one document.
"""

from __future__ import annotations

import codecs
import csv
import importlib
import io
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import chain, islice
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

from cvclassify.errors import BatchInputError, MissingExtraError


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


@dataclass
class Table:
    """An opened input: its column names, a note on how it was read, and a lazy iterator of rows."""

    columns: list[str]
    rows: Iterator[Row]
    notes: list[str]


READERS: dict[str, str] = {
    ".csv": "_open_csv",
    ".tsv": "_open_csv",
    ".jsonl": "_open_jsonl",
    ".ndjson": "_open_jsonl",
    ".xlsx": "_open_xlsx",
    ".xlsm": "_open_xlsx",
    ".ods": "_open_calamine",
    ".xls": "_open_calamine",
    ".zip": "_open_zip",
    ".pdf": "_open_document",
    ".docx": "_open_document",
    ".odt": "_open_document",
    ".txt": "_open_document",
    ".md": "_open_document",
    "folder": "_open_folder",
}
"""Input extension (or "folder") -> name of the private function of this module that opens it."""

_SPREADSHEETS = (".xlsx", ".xlsm", ".ods", ".xls")
_DOCUMENTS = (".pdf", ".docx", ".odt", ".txt", ".md")
_DOCUMENT_LIBRARIES = {".pdf": ("pypdf", "PDF"), ".docx": ("docx", "DOCX"), ".odt": ("odf", "ODT")}
_PACKAGES = {"python_calamine": "python-calamine", "docx": "python-docx", "odf": "odfpy"}
_HINTS = {
    ".json": " Pour un fichier JSON, mettez un objet par ligne et nommez-le en .jsonl.",
    ".doc": " Enregistrez le document au format .docx.",
}
_CHUNK = 1 << 20
_CSV_FIELD_LIMIT = 64 << 20
_SURROGATE = re.compile("[\ud800-\udfff]")


def open_table(path: Path, sheet: str | None = None) -> Table:
    """Open a batch input for reading: a file, chosen by its extension, or a folder of documents."""
    path = Path(path)
    if path.is_dir():
        key = "folder"
    elif not path.exists():
        raise BatchInputError(f"Le fichier « {path} » n'existe pas.")
    else:
        key = path.suffix.lower()
    if key not in READERS:
        supported = ", ".join(sorted(k for k in READERS if k != "folder"))
        raise BatchInputError(
            f"Format d'entrée non pris en charge : « {path.name} ». Formats acceptés : {supported}, "
            f"ou un dossier de documents.{_HINTS.get(key, '')}"
        )
    if sheet is not None and key not in _SPREADSHEETS:
        raise BatchInputError(f"« {path.name} » n'est pas un classeur : le choix d'une feuille ne s'y applique pas.")
    try:
        if key != "folder" and path.stat().st_size == 0:
            return Table([], iter(()), [f"Le fichier « {path.name} » est vide."])
        return globals()[READERS[key]](path, sheet)
    except PermissionError as exc:
        raise BatchInputError(f"Impossible de lire « {path} » : accès refusé.") from exc


# ---------------------------------------------------------------------------------------------- helpers


def _require(module: str, fmt: str, action: str = "lire") -> ModuleType:
    """Import an optional library, or raise MissingExtraError naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = _PACKAGES.get(module, module)
        raise MissingExtraError(
            f"Pour {action} les fichiers {fmt}, il faut la bibliothèque optionnelle « {package} », "
            "qui n'est pas installée. Installez-la avec : pip install 'cvclassify[formats]'"
        ) from exc


def _quoted(names: Iterable[str]) -> str:
    """Names in French quotes, separated by commas."""
    return ", ".join(f"« {name} »" for name in names) or "aucune"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count < 2 else plural}"  # French: 0 and 1 take the singular


def _file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _detect_encoding(chunks: Iterable[bytes]) -> tuple[str, str]:
    """The codec for a text and its French name: UTF-8 (with or without BOM), else Windows-1252.

    A mostly UTF-8 text with a few bad bytes stays UTF-8 (decoded with replacement characters);
    charset-normalizer guesses only when neither UTF-8 nor Windows-1252 fits (UTF-16, for instance).
    """
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    sample, bad, accented, cp1252 = b"", 0, 0, True
    for chunk in chunks:
        if not sample:
            sample = chunk
            if chunk.startswith(codecs.BOM_UTF8):
                return "utf-8-sig", "UTF-8 avec BOM"
        text = decoder.decode(chunk)
        replaced = text.count("\ufffd")
        bad += replaced
        accented += len(text) - len(text.encode("ascii", "ignore")) - replaced
        cp1252 = cp1252 and b"\x00" not in chunk and _decodes(chunk, "cp1252")
    bad += decoder.decode(b"", final=True).count("\ufffd")
    if b"\x00" not in sample and (bad == 0 or accented > bad):
        return "utf-8", "UTF-8" if bad == 0 else "UTF-8 (avec des octets illisibles)"
    if cp1252:
        return "cp1252", "Windows-1252"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        return "utf-8", "UTF-8 (avec des octets illisibles)"
    return best.encoding, best.encoding.upper().replace("_", "-")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _decode(data: bytes) -> str:
    """Bytes of a text file as text, in their detected encoding."""
    return data.decode(_detect_encoding([data])[0], errors="replace")


def _text(value: Any) -> str:
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
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _unique_names(names: Sequence[str], start: int = 1) -> list[str]:
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


def _number(groups: Iterable[Iterable[Row | str]]) -> Iterator[Row]:
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


# ------------------------------------------------------------------------------------------------- CSV


def _open_csv(path: Path, sheet: str | None) -> Table:
    """A CSV or TSV file: encoding and delimiter detected, rows streamed."""
    encoding, label = _detect_encoding(_file_chunks(path))
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(65536)
        handle.seek(0)
        delimiter = _sniff_delimiter(sample, complete=len(sample) < 65536, tsv=path.suffix.lower() == ".tsv")
        header = next(csv.reader(handle, delimiter=delimiter), [])
    name = "tabulation" if delimiter == "\t" else f"« {delimiter} »"
    notes = [f"CSV lu en {label}, séparateur {name}"]
    if not any(cell.strip() for cell in header):
        raise BatchInputError(f"La première ligne de « {path.name} » doit nommer les colonnes : elle est vide.")
    columns = _unique_names(header)
    return Table(columns, _number([_csv_rows(path, encoding, delimiter, columns)]), notes)


def _sniff_delimiter(sample: str, complete: bool, tsv: bool = False) -> str:
    """The delimiter among ; , tab | — csv.Sniffer on the first lines, ";" (the French default) when in doubt."""
    delimiters = "\t;,|" if tsv else ";,\t|"
    lines = sample.splitlines()[:50]
    if not complete and len(lines) > 1:
        lines.pop()  # cut in the middle
    sniffer = csv.Sniffer()
    sniffer.preferred = list(delimiters)
    try:
        found = sniffer.sniff("\n".join(lines), delimiters=delimiters).delimiter
    except csv.Error:
        found = ""
    if found and found in delimiters:
        return found
    first = lines[0] if lines else ""
    return max(delimiters, key=first.count)  # the first of the most frequent, ";" when none


def _csv_rows(path: Path, encoding: str, delimiter: str, columns: list[str]) -> Iterator[Row | str]:
    # The quote character is always '"': French text is full of apostrophes the sniffer could take for quotes.
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader, None)
        record = 1  # the header
        while True:
            record += 1
            where = f"ligne {record}"
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                yield Row(0, {}, where, f"{where} : ligne illisible (format CSV incorrect)")
                continue
            if not any(cell.strip() for cell in cells):
                yield where
                continue
            problems = []
            if len(cells) != len(columns):
                problems.append(f"{_plural(len(cells), 'champ', 'champs')} au lieu de {len(columns)}")
            if any("\ufffd" in cell for cell in cells):
                problems.append("caractères illisibles (encodage)")
            values = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(columns)}
            yield Row(0, values, where, f"{where} : {' ; '.join(problems)}" if problems else None)


# ------------------------------------------------------------------------------------------- JSON Lines

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
_JSON_KINDS = {list: "un tableau", str: "une chaîne de caractères", int: "un nombre", float: "un nombre",
               bool: "un booléen", type(None): "null"}


def _open_jsonl(path: Path, sheet: str | None) -> Table:
    """A JSON Lines file: one object per line, rows streamed; columns are the keys of the first object."""
    encoding, label = _detect_encoding(_file_chunks(path))
    columns: list[str] = []
    with open(path, encoding=encoding, errors="replace") as handle:
        lines = (line.lstrip("\ufeff") for line in handle)
        first = next((line for line in lines if line.strip()), "")
        if "{" not in first and ("," in first or ";" in first):
            raise BatchInputError(
                f"« {path.name} » ne ressemble pas à du JSON Lines : s'agit-il d'un CSV ? Renommez-le en .csv."
            )
        for line in chain([first], lines):
            values, error = _json_object(line, "")
            if error is None and values:
                columns = list(values)
                break
    note = f"JSON Lines lu en {label}" + ("" if encoding.startswith("utf-8") else " : le fichier n'est pas en UTF-8")
    return Table(columns, _number([_jsonl_rows(path, encoding)]), [note])


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
        reason = next((french for english, french in _JSON_ERRORS.items() if exc.msg.startswith(english)), "")
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
        name = prefix + _text(key)
        if isinstance(value, dict):
            values.update(_flatten(value, name + "."))
        else:
            values[name] = _text(value)
    return values


# ----------------------------------------------------------------------------------------- spreadsheets

_Book = tuple[list[str], Callable[[str], Iterator[Sequence[Any]]], Callable[[], None]]
"""An open workbook: its sheet names, the rows of a sheet (from row 1), and how to close it."""


def _xlsx_book(path: Path) -> _Book:
    openpyxl = _require("openpyxl", "XLSX")
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)

    def rows(name: str) -> Iterator[Sequence[Any]]:
        sheet = book[name]
        return sheet.iter_rows(values_only=True) if hasattr(sheet, "iter_rows") else iter(())  # a chart sheet

    return list(book.sheetnames), rows, book.close


def _calamine_book(path: Path) -> _Book:
    calamine = _require("python_calamine", path.suffix[1:].upper())
    book = calamine.CalamineWorkbook.from_path(str(path))

    def rows(name: str) -> Iterator[Sequence[Any]]:
        # The whole sheet, from cell A1 (calamine loads a sheet at once anyway); its default would skip the
        # empty rows at the top and shift the row numbers.
        return iter(book.get_sheet_by_name(name).to_python(skip_empty_area=False))

    return list(book.sheet_names), rows, book.close


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    """An Excel workbook (.xlsx, .xlsm) read with openpyxl in read-only mode."""
    return _open_book(path, sheet, _xlsx_book)


def _open_calamine(path: Path, sheet: str | None) -> Table:
    """An OpenDocument (.ods) or old Excel (.xls) workbook read with python-calamine."""
    return _open_book(path, sheet, _calamine_book)


def _load_book(path: Path, open_book: Callable[[Path], _Book]) -> _Book:
    try:
        return open_book(path)
    except MissingExtraError:
        raise
    except Exception as exc:  # each library has its own errors for a corrupt file
        raise BatchInputError(f"« {path.name} » n'est pas un classeur lisible (fichier endommagé ?).") from exc


def _open_book(path: Path, sheet: str | None, open_book: Callable[[Path], _Book]) -> Table:
    """Every sheet of a workbook in order (or only ``sheet``); the first non-empty row of a sheet is its header."""
    names, rows_of, close = _load_book(path, open_book)
    headers: dict[str, _Header] = {}
    notes: list[str] = []
    try:
        if sheet is not None and sheet not in names:
            raise BatchInputError(
                f"La feuille « {sheet} » n'existe pas dans « {path.name} ». Feuilles : {_quoted(names)}."
            )
        for name in [sheet] if sheet is not None else names:
            header = _sheet_header(rows_of(name))
            if header is None:
                notes.append(f"La feuille « {name} » est vide : ignorée.")
            else:
                headers[name] = header
    finally:
        close()
    columns = next(iter(headers.values()))[2] if headers else []
    return Table(columns, _number(_book_groups(path, open_book, headers)), notes)


_Header = tuple[int, int, list[str]]
"""Where a sheet's table starts (row number, index of its first column) and its column names."""


def _sheet_header(rows: Iterator[Sequence[Any]]) -> _Header | None:
    """The first non-empty row of a sheet, its empty cells at either end left out."""
    for number, cells in enumerate(rows, start=1):
        texts = [_text(cell).strip() for cell in cells]
        filled = [i for i, text in enumerate(texts) if text]
        if filled:
            first, last = filled[0], filled[-1]
            return number, first, _unique_names(texts[first : last + 1], start=first + 1)
    return None


def _book_groups(
    path: Path, open_book: Callable[[Path], _Book], headers: dict[str, _Header]
) -> Iterator[Iterator[Row | str]]:
    _, rows_of, close = open_book(path)
    try:
        for name, header in headers.items():
            yield _sheet_rows(name, islice(rows_of(name), header[0], None), header)
    finally:
        close()


def _sheet_rows(name: str, rows: Iterator[Sequence[Any]], header: _Header) -> Iterator[Row | str]:
    """The rows under a sheet's header; cells outside the header's columns are kept as "colonne N" when filled."""
    header_row, first, columns = header
    span = range(first, first + len(columns))
    for number, cells in enumerate(rows, start=header_row + 1):
        where = f"feuille « {name} », ligne {number}"
        texts = [_text(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            yield where
            continue
        values = {column: texts[i] if i < len(texts) else "" for i, column in zip(span, columns, strict=True)}
        values.update({f"colonne {i + 1}": text for i, text in enumerate(texts) if i not in span and text.strip()})
        yield Row(0, values, where)


# ------------------------------------------------------------------------------------ folders and zips


class _Unreadable(Exception):
    """A document that cannot be read; the message says why, in French."""


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name == "__MACOSX"


def _open_folder(path: Path, sheet: str | None) -> Table:
    """A folder of documents, read recursively, sorted by relative path; hidden files skipped."""
    names: list[str] = []
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = [name for name in subfolders if not _hidden(name)]
        names += [(Path(folder) / name).relative_to(path).as_posix() for name in files if not _hidden(name)]
    return _documents_table(sorted(names), lambda: nullcontext(lambda name: (path / name).read_bytes()))


def _open_zip(path: Path, sheet: str | None) -> Table:
    """A zip archive of documents, read like a folder."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise BatchInputError(f"« {path.name} » n'est pas une archive ZIP lisible.") from exc
    names = [info.filename for info in infos if not info.is_dir() and not any(map(_hidden, info.filename.split("/")))]

    @contextmanager
    def reader() -> Iterator[Callable[[str], bytes]]:
        with zipfile.ZipFile(path) as archive:
            yield archive.read

    return _documents_table(sorted(names), reader)


def _open_document(path: Path, sheet: str | None) -> Table:
    """A single document, read as a folder holding it."""
    return _documents_table([path.name], lambda: nullcontext(lambda name: (path.parent / name).read_bytes()))


def _documents_table(names: list[str], source: Callable[[], AbstractContextManager[Callable[[str], bytes]]]) -> Table:
    documents = [name for name in names if PurePosixPath(name).suffix.lower() in _DOCUMENTS]
    ignored = [name for name in names if PurePosixPath(name).suffix.lower() not in _DOCUMENTS]
    for suffix in sorted({PurePosixPath(name).suffix.lower() for name in documents} & _DOCUMENT_LIBRARIES.keys()):
        _require(*_DOCUMENT_LIBRARIES[suffix])  # before any work, not at the first PDF
    notes = [f"{_plural(len(documents), 'document', 'documents')} à lire"]
    if not documents:
        notes = [f"Aucun document à lire ({', '.join(_DOCUMENTS)})."]
    if ignored:
        listed = ", ".join(ignored[:10]) + (", …" if len(ignored) > 10 else "")
        what = _plural(len(ignored), "fichier ignoré (extension non prise en charge)",
                       "fichiers ignorés (extensions non prises en charge)")
        notes.append(f"{what} : {listed}")
    return Table(["id", "fichier", "texte"], _document_rows(documents, source), notes)


def _document_rows(
    names: list[str], source: Callable[[], AbstractContextManager[Callable[[str], bytes]]]
) -> Iterator[Row]:
    with source() as read:
        for index, name in enumerate(names, start=1):
            text, error = "", None
            try:
                text = _extract(PurePosixPath(name).suffix.lower(), read(name))
                if not text.strip():
                    raise _Unreadable("document vide (aucun texte)")
                if "\ufffd" in text and name.lower().endswith((".txt", ".md")):
                    error = f"{name} : caractères illisibles (encodage)"
            except _Unreadable as exc:
                error = f"{name} : {exc}"
            except PermissionError:
                error = f"{name} : fichier illisible (accès refusé)"
            except Exception:  # a corrupt document must not stop the batch
                error = f"{name} : fichier {PurePosixPath(name).suffix[1:].upper()} illisible ou endommagé"
            yield Row(index, {"id": name, "fichier": name, "texte": text}, name, error)


def _extract(suffix: str, data: bytes) -> str:
    """The text of a document, given its extension and its bytes."""
    if suffix == ".pdf":
        return _pdf_text(data)
    if suffix == ".docx":
        return _docx_text(data)
    if suffix == ".odt":
        return _odt_text(data)
    return _decode(data)


def _pdf_text(data: bytes) -> str:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # damaged files become error rows, not log noise
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as exc:  # pypdf needs the cryptography package for AES
            raise _Unreadable("document protégé par mot de passe ou chiffrement non pris en charge") from exc
        if not opened:
            raise _Unreadable("document protégé par mot de passe")
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if not text.strip():
        raise _Unreadable("PDF sans texte (document scanné ?) : il faut une reconnaissance de caractères (OCR)")
    return text


def _docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table as DocxTable

    parts: list[str] = []
    for block in docx.Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, DocxTable):
            for row in block.rows:
                seen: list[Any] = []
                for cell in row.cells:
                    if cell._tc not in seen:  # a merged cell is listed once per grid column
                        seen.append(cell._tc)
                        parts.append(cell.text)
        else:
            parts.append(block.text)
    return "\n".join(part for part in parts if part.strip())


def _odt_text(data: bytes) -> str:
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    blocks = {(TEXTNS, "p"), (TEXTNS, "h")}
    parts: list[str] = []
    stack = [load(io.BytesIO(data)).text]
    while stack:  # depth first, in document order
        node = stack.pop()
        if getattr(node, "qname", None) in blocks:
            parts.append(teletype.extractText(node))
        else:
            stack.extend(reversed(getattr(node, "childNodes", [])))
    return "\n".join(part for part in parts if part.strip())

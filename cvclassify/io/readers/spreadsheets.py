"""Workbooks: Excel (.xlsx, .xlsm) with openpyxl, OpenDocument (.ods) and old Excel (.xls) with calamine.

Every visible sheet is read in order (or only ``--sheet``); the first non-empty row of a sheet is its header.

Hidden sheets (hidden or « very hidden » in Excel, hidden in LibreOffice) usually hold drafts, lookup lists or
earlier versions rather than applications: they are left out, and the table's notes name each one with how to
classify it (``--sheet`` with its name, or show it in the spreadsheet). ``--sheet`` reads a hidden sheet it
names. A workbook whose sheets are all hidden (no spreadsheet writes one, but a script may) is read whole,
with a note.

An XLSX or ODS file is a zip: before a library reads it, its parts are decompressed against a byte budget
(``cvclassify.io.limits.MAX_WORKBOOK_BYTES``, never on the word of the sizes the zip declares), and a workbook
past it is refused whole with a French message saying to split it, rather than read in part: a sheet is
parsed as a whole (calamine) or after its shared strings (openpyxl), so the cap must hold before reading.
A row whose cells hold more than ``MAX_ROW_CHARS`` characters together (one shared string may fill every cell)
is cut to that many, with a row note.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from cvclassify.errors import BatchInputError, InputTooLargeError, MissingExtraError
from cvclassify.io import limits
from cvclassify.io.readers.base import (
    Reader,
    Row,
    Table,
    capped,
    cell_text,
    number_rows,
    quoted,
    require,
    unique_names,
)

_Book = tuple[list[str], Callable[[str], Iterator[Sequence[Any]]], Callable[[], None], set[str]]
"""An open workbook: its sheet names, the rows of a sheet (from row 1), how to close it, and its hidden sheets."""


def _xlsx_book(path: Path) -> _Book:
    openpyxl = require("openpyxl", "XLSX")
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)

    def rows(name: str) -> Iterator[Sequence[Any]]:
        sheet = book[name]
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            return iter(())
        # The size a file declares (<dimension>) may be stale, and read-only mode stops at it: rows and
        # columns beyond would be lost without a word. Read every cell the sheet holds instead.
        sheet.reset_dimensions()
        return sheet.iter_rows(values_only=True)

    hidden = {name for name in book.sheetnames if getattr(book[name], "sheet_state", "visible") != "visible"}
    return list(book.sheetnames), rows, book.close, hidden


def _calamine_book(path: Path) -> _Book:
    calamine = require("python_calamine", path.suffix[1:].upper())
    book = calamine.CalamineWorkbook.from_path(str(path))

    def rows(name: str) -> Iterator[Sequence[Any]]:
        # The whole sheet, from cell A1 (calamine loads a sheet at once anyway); its default would skip the
        # empty rows at the top and shift the row numbers.
        return iter(book.get_sheet_by_name(name).to_python(skip_empty_area=False))

    hidden = {sheet.name for sheet in book.sheets_metadata if sheet.visible != calamine.SheetVisibleEnum.Visible}
    return list(book.sheet_names), rows, book.close, hidden


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    """An Excel workbook (.xlsx, .xlsm) read with openpyxl in read-only mode."""
    return _open_book(path, sheet, _xlsx_book)


def _open_calamine(path: Path, sheet: str | None) -> Table:
    """An OpenDocument (.ods) or old Excel (.xls) workbook read with python-calamine."""
    return _open_book(path, sheet, _calamine_book)


def _load_book(path: Path, open_book: Callable[[Path], _Book]) -> _Book:
    _check_size(path)
    try:
        return open_book(path)
    except MissingExtraError:
        raise
    except Exception as exc:  # each library has its own errors for a corrupt file
        if password_protected(path):
            raise BatchInputError(
                f"« {path.name} » est protégé par un mot de passe : ouvrez-le dans votre tableur avec son mot de "
                "passe, enregistrez-en une copie sans mot de passe, puis donnez cette copie."
            ) from exc
        raise BatchInputError(f"« {path.name} » n'est pas un classeur lisible (fichier endommagé ?).") from exc


def _check_size(path: Path) -> None:
    """Refuse, in French, a workbook that is a zip (XLSX, ODS) and holds more than ``MAX_WORKBOOK_BYTES`` once
    decompressed; other files (.xls, a password-protected workbook, a damaged zip) are left to the library."""
    try:
        if not zipfile.is_zipfile(path):
            return
        limits.check_archive(path, limits.MAX_WORKBOOK_BYTES, path.name)
    except limits.Oversized as exc:
        raise InputTooLargeError(
            f"« {path.name} » est trop volumineux une fois décompressé ({exc.amount}) : il n'est pas lu. Un "
            f"classeur de demandes n'en approche pas ; découpez-le en plusieurs fichiers (au plus "
            f"{limits.size_text(limits.MAX_WORKBOOK_BYTES)} de données chacun).") from exc
    except limits.UnreadableEntry as exc:
        raise BatchInputError(f"« {path.name} » n'est pas un classeur lisible ({exc}).") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError, NotImplementedError):
        return  # damaged, encrypted or unusual: the library's own error says so


_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def password_protected(path: Path, chunk: int = 1 << 20) -> bool:
    """Whether an Office file is encrypted with a password: then it is not a zip but an OLE2 (CFB) container
    that holds an ``EncryptedPackage`` stream (MS-OFFCRYPTO), whatever its extension says."""
    try:
        with open(path, "rb") as handle:
            if handle.read(len(_OLE2_MAGIC)) != _OLE2_MAGIC:
                return False
            tail = b""
            while block := handle.read(chunk):  # the directory sector may be anywhere in the file
                if _ENCRYPTED_PACKAGE in tail + block:
                    return True
                tail = block[-len(_ENCRYPTED_PACKAGE):]
    except OSError:
        return False
    return False


def _open_book(path: Path, sheet: str | None, open_book: Callable[[Path], _Book]) -> Table:
    """Every sheet of a workbook in order (or only ``sheet``); the first non-empty row of a sheet is its header."""
    names, rows_of, close, hidden = _load_book(path, open_book)
    headers: dict[str, _Header] = {}
    notes: list[str] = []
    try:
        if sheet is not None and sheet not in names:
            raise BatchInputError(
                f"La feuille « {sheet} » n'existe pas dans « {path.name} ». Feuilles : {quoted(names)}."
            )
        chosen, note = _visible_sheets(path, names, hidden) if sheet is None else ([sheet], None)
        notes += [note] if note else []
        for name in chosen:
            header = _sheet_header(rows_of(name))
            if header is None:
                notes.append(f"La feuille « {name} » est vide : ignorée.")
            else:
                headers[name] = header
    finally:
        close()
    columns = next(iter(headers.values()))[2] if headers else []
    return Table(columns, number_rows(_book_groups(path, open_book, headers)), notes)


def sheet_names(path: Path) -> list[str]:
    """The visible sheets of a workbook (.xlsx, .xlsm, .ods, .xls), in order."""
    open_book = _xlsx_book if Path(path).suffix.lower() in (".xlsx", ".xlsm") else _calamine_book
    names, _, close, hidden = _load_book(Path(path), open_book)
    close()
    return [name for name in names if name not in hidden] or names


def _visible_sheets(path: Path, names: list[str], hidden: set[str]) -> tuple[list[str], str | None]:
    """The sheets read when none is chosen, and the note naming the hidden ones left out (French)."""
    left_out = [name for name in names if name in hidden]
    if not left_out:
        return names, None
    if len(left_out) == len(names):
        return names, f"Toutes les feuilles de « {path.name} » sont masquées : elles sont toutes lues."
    if len(left_out) == 1:
        return [n for n in names if n not in hidden], (
            f"La feuille masquée « {left_out[0]} » n'est pas lue : pour la classer, affichez-la dans le tableur ou "
            f"donnez --sheet \"{left_out[0]}\".")
    return [n for n in names if n not in hidden], (
        f"Les feuilles masquées {quoted(left_out)} ne sont pas lues : pour les classer, affichez-les dans le "
        "tableur ou donnez le nom de l'une d'elles à --sheet.")


_Header = tuple[int, int, list[str]]
"""Where a sheet's table starts (row number, index of its first column) and its column names."""


def _sheet_header(rows: Iterator[Sequence[Any]]) -> _Header | None:
    """The first non-empty row of a sheet, its empty cells at either end left out."""
    for number, cells in enumerate(rows, start=1):
        texts = [cell_text(cell).strip() for cell in cells]
        filled = [i for i, text in enumerate(texts) if text]
        if filled:
            first, last = filled[0], filled[-1]
            return number, first, unique_names(texts[first : last + 1], start=first + 1)
    return None


def _book_groups(
    path: Path, open_book: Callable[[Path], _Book], headers: dict[str, _Header]
) -> Iterator[Iterator[Row | str]]:
    _, rows_of, close, _ = open_book(path)
    try:
        for name, header in headers.items():
            yield _sheet_rows(name, islice(rows_of(name), header[0], None), header)
    finally:
        close()


def _sheet_rows(name: str, rows: Iterator[Sequence[Any]], header: _Header) -> Iterator[Row | str]:
    """The rows under a sheet's header; cells outside the header's columns are kept as "colonne N" when filled;
    a row past ``MAX_ROW_CHARS`` is cut, with a note (``capped``)."""
    header_row, first, columns = header
    span = range(first, first + len(columns))
    for number, cells in enumerate(rows, start=header_row + 1):
        where = f"feuille « {name} », ligne {number}"
        texts = [cell_text(cell) for cell in cells]
        if not any(text.strip() for text in texts):
            yield where
            continue
        values = {column: texts[i] if i < len(texts) else "" for i, column in zip(span, columns, strict=True)}
        values.update({f"colonne {i + 1}": text for i, text in enumerate(texts) if i not in span and text.strip()})
        yield capped(Row(0, values, where))




XLSX = Reader("Excel", (".xlsx", ".xlsm"), "table", _open_xlsx, libraries=("openpyxl",), sheets=True)
CALAMINE = Reader("OpenDocument / Excel 97", (".ods", ".xls"), "table", _open_calamine,
                  libraries=("python_calamine",), sheets=True)

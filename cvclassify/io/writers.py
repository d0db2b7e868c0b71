"""Writers of batch outputs, chosen by the output's extension: CSV (for Excel in French), XLSX, JSON Lines.

Rows are streamed to a temporary file next to the output, then renamed onto it: a batch that fails
midway leaves the previous output untouched and no partial file.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import numbers
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import IO, Any

from cvclassify.errors import BatchInputError
from cvclassify.io import atomic_open
from cvclassify.io.readers.base import require

XLSX_MAX_CHARS = 32_767
"""Excel refuses longer cells."""
TRUNCATED = "… [tronqué]"


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " | ".join(_csv_cell(item) for item in value)
    return str(value)


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a CSV cell as a formula (OWASP, « CSV injection »)."""
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def csv_safe_cell(value: Any) -> str:
    """A cell's CSV text that no spreadsheet runs as a formula: a text starting with ``= + - @``, a tab or a
    carriage return gets a leading ``'``, as OWASP recommends. Numbers, and texts that are plain numbers
    (« -12,5 »), are left as they are: a spreadsheet reads them as numbers, never as formulas."""
    text = _csv_cell(value)
    if isinstance(value, numbers.Number) or not text.startswith(FORMULA_TRIGGERS) or _PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text


def _write_csv(handle: IO[bytes], columns: list[str], rows: Iterable[dict[str, Any]]) -> int:
    """CSV in UTF-8 with BOM and ";" as delimiter, as Excel in French expects; no cell is a formula."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
    try:
        writer = csv.writer(text, delimiter=";")
        writer.writerow([csv_safe_cell(column) for column in columns])
        count = 0
        for row in rows:
            writer.writerow([csv_safe_cell(row.get(column)) for column in columns])
            count += 1
        text.flush()
    finally:
        text.detach()
    return count


def _write_jsonl(handle: IO[bytes], columns: list[str], rows: Iterable[dict[str, Any]]) -> int:
    """One JSON object per line, accents kept; keys in ``columns`` order first."""
    text = io.TextIOWrapper(handle, encoding="utf-8", errors="replace", newline="\n")
    try:
        count = 0
        for row in rows:
            ordered = {column: row[column] for column in columns if column in row}
            ordered.update((key, value) for key, value in row.items() if key not in ordered)
            text.write(json.dumps(ordered, ensure_ascii=False, default=str) + "\n")
            count += 1
        text.flush()
    finally:
        text.detach()
    return count


SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
"""Characters Excel refuses in a sheet name."""


def sheet_title(text: str) -> str:
    """A name Excel accepts for a sheet: no ``[ ] : * ? / \\``, no apostrophe at either end, 31 characters at
    most (cut at a word when it can), never empty."""
    title = re.sub(r"\s+", " ", SHEET_FORBIDDEN.sub(" ", text)).strip().strip("'").strip()
    if len(title) > 31:
        cut = title[:31]
        title = (cut.rsplit(" ", 1)[0] if " " in cut[20:] else cut).rstrip("'").strip()
    return title or "Feuille1"


@dataclass(frozen=True)
class SheetLayout:
    """How a sheet meant for people looks in XLSX: its name, the header row frozen and filtered, column widths
    (in characters) and number formats by column name."""

    title: str = "Suggestions"
    widths: Mapping[str, float] = field(default_factory=dict)
    number_formats: Mapping[str, str] = field(default_factory=dict)
    freeze_header: bool = True
    autofilter: bool = True


def _write_xlsx(handle: IO[bytes], columns: list[str], rows: Iterable[dict[str, Any]],
                layout: SheetLayout | None = None) -> int:
    """One sheet (« Suggestions » unless ``layout`` names it), written by openpyxl in write-only mode (rows go to
    disk as they come); with a ``layout``, the header row frozen and filtered and the columns sized."""
    openpyxl = require("openpyxl", "XLSX", "écrire")
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(layout.title) if layout else "Suggestions")
    formats: dict[int, str] = {}
    if layout is not None:
        for index, column in enumerate(columns, start=1):
            if column in layout.widths:
                sheet.column_dimensions[get_column_letter(index)].width = layout.widths[column]
            if column in layout.number_formats:
                formats[index - 1] = layout.number_formats[column]
        if layout.freeze_header:
            sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, column) for column in columns])
    count = 0

    def formatted(index: int, value: Any) -> Any:
        cell = _xlsx_cell(sheet, value)
        if index in formats and isinstance(value, numbers.Number | date):
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = formats[index]
        return cell

    try:
        for row in rows:
            sheet.append([formatted(i, row.get(column)) for i, column in enumerate(columns)])
            count += 1
        if layout is not None and layout.autofilter and columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    except BaseException:
        with contextlib.suppress(Exception):  # finish the sheet's XML and remove openpyxl's temporary file
            sheet.close()
            sheet._writer.cleanup()
        raise
    book.save(handle)
    return count


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """A value Excel can hold: numbers and dates kept, text cleaned of control characters and truncated."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, numbers.Number | date | time):
        return value
    text = " | ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > XLSX_MAX_CHARS:
        text = text[: XLSX_MAX_CHARS - len(TRUNCATED)] + TRUNCATED
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # a text, not a formula
    return cell


def _write_ods(handle: IO[bytes], columns: list[str], rows: Iterable[dict[str, Any]]) -> int:
    """One sheet of an OpenDocument spreadsheet (odfpy); numbers stay numbers."""
    require("odf", "ODS", "écrire")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Feuille1")

    def add(values: list[Any]) -> None:
        row = TableRow()
        for value in values:
            if isinstance(value, numbers.Number) and not isinstance(value, bool):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=_csv_cell(value)))
            row.addElement(cell)
        sheet.addElement(row)

    add(columns)
    count = 0
    for row in rows:
        add([row.get(column) for column in columns])
        count += 1
    document.spreadsheet.addElement(sheet)
    document.write(handle)
    return count


WRITERS: dict[str, Callable[[IO[bytes], list[str], Iterable[dict[str, Any]]], int]] = {
    ".csv": _write_csv,
    ".xlsx": _write_xlsx,
    ".ods": _write_ods,
    ".jsonl": _write_jsonl,
    ".ndjson": _write_jsonl,
}
"""Output extension -> function writing the rows to an open binary file; returns the row count."""


def check_output_path(output: Path, inputs: list[Path]) -> None:
    """Refuse, before any work, an output that cannot be written or would overwrite an input."""
    output = Path(output)
    suffix = output.suffix.lower()
    if output.is_dir():
        raise BatchInputError(f"« {output} » est un dossier : indiquez un fichier de sortie, par exemple « {output}/"
                              f"suggestions{suffix if suffix in WRITERS else '.csv'} ».")
    if suffix not in WRITERS:
        raise BatchInputError(
            f"Format de sortie non pris en charge : « {output.name} ». Extensions possibles : {', '.join(WRITERS)}."
        )
    for source in map(Path, inputs):
        if _same_file(output, source):
            raise BatchInputError(f"Le fichier de sortie « {output} » écraserait le fichier d'entrée « {source} ».")
    folder = output.parent
    if not folder.is_dir():
        raise BatchInputError(f"Le dossier de sortie « {folder} » n'existe pas.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BatchInputError(f"Impossible d'écrire dans le dossier « {folder} » : droits insuffisants.")
    if suffix == ".xlsx":
        require("openpyxl", "XLSX", "écrire")


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def write_rows(output: Path, columns: list[str], rows: Iterable[dict[str, Any]],
               layout: SheetLayout | None = None) -> int:
    """Stream rows to a temporary file next to ``output``, then rename it onto ``output``; return the count.
    ``layout`` shapes an XLSX sheet for people (name, frozen and filtered header, widths, number formats)."""
    output = Path(output)
    writer = WRITERS.get(output.suffix.lower())
    if writer is None:
        raise BatchInputError(f"Format de sortie non pris en charge : « {output.name} ».")
    if layout is not None and writer is _write_xlsx:
        writer = functools.partial(_write_xlsx, layout=layout)
    with atomic_open(output) as handle:
        return writer(handle, columns, rows)

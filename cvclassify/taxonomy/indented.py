"""Tree spreadsheets of one column whose levels are shown by the cells' look: indented (Excel's « Augmenter le
retrait », LibreOffice's indent, or spaces typed before the label, in a workbook or a CSV) or set in bold. A
cell's value does not hold its look, so the file is read again for it: XLSX with openpyxl, ODS from its XML, CSV
from its lines. The rows become an
outline (the least indented ones as headings, the most indented as list items) that the contract parsers read, so
that a title row, a code typed in the label and the levels' names are handled as in a contract's text.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from cvclassify.io import limits

Cell = tuple[str, float, bool, str]
"""A filled cell: its text, its indentation (in the workbook's units, spaces typed before it added), whether bold,
its fill colour (« » for none)."""

ODS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
       "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
       "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
       "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
       "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
TYPED_INDENT = 0.5
"""The indentation of one space typed before a label, in Excel's indent steps (two spaces make one step)."""


LEGEND = re.compile(r"^\s*(?:(?:sources?|notes?|nb|n\.b\.|l[ée]gende)\s*:|\S{1,3}\s*=\s)", re.IGNORECASE)
"""A cell under or beside the tree that explains it (« Source : … », « X = action programmée »), not a node."""


def outline_text(path: Path, wide: bool = False) -> str | None:
    """The one-column sheet of a workbook as an outline text (Markdown headings over list items), when its
    cells show at least two levels by their indentation, their fill colour or their weight; None otherwise (or for
    other files). ``wide``: the label column of the first visible sheet of several columns (pilots, dates or a
    legend beside it) when no sheet has a single column."""
    suffix = path.suffix.lower()
    readers = {".xlsx": _xlsx_cells, ".xlsm": _xlsx_cells, ".ods": _ods_cells, ".csv": _text_cells,
               ".tsv": _text_cells, ".txt": _text_cells}
    cells = readers[suffix](path, wide) if suffix in readers else []
    cells = [cell for cell in cells if not LEGEND.match(cell[0])]
    if not cells:
        return None
    depth = _depths(sorted({indent for _, indent, _, _ in cells}))
    looks = list(dict.fromkeys((fill, bold) for _, _, bold, fill in cells if fill or bold))
    if len(set(depth.values())) >= 2:
        levels = [depth[indent] for _, indent, _, _ in cells]
    elif len({fill for _, _, _, fill in cells}) >= 2 and len(looks) >= 2:
        # filled cells, a colour (and weight) per level, in the order the levels first appear; plain cells deepest
        levels = [looks.index((fill, bold)) if fill or bold else len(looks) for _, _, bold, fill in cells]
    elif len({bold for _, _, bold, _ in cells}) == 2:
        levels = [0 if bold else 1 for _, _, bold, _ in cells]
    else:
        return None
    deepest = max(levels)
    lines = []
    concerns: int | None = None  # the level of a « Transversal » heading: the cells below it are its list
    for (text, _, _, _), level in zip(cells, levels, strict=True):
        concerns = concerns if concerns is not None and level > concerns else (
            level if "transvers" in text.casefold() else None)
        listed = level == deepest or (concerns is not None and level > concerns)
        lines += [f"- {text}"] if listed else [f"{'#' * (level + 1)} {text}", ""]
    return "\n".join(lines) + "\n"


def _depths(indents: list[float]) -> dict[float, int]:
    """Each indentation's level: indentations less than a step apart (two or three spaces typed) share one."""
    depth: dict[float, int] = {}
    level, start = -1, None
    for indent in indents:
        if start is None or indent - start >= 1:
            level, start = level + 1, indent
        depth[indent] = level
    return depth


def _typed(text: str) -> tuple[str, float]:
    """A cell's label without the spaces typed before it, and their worth in indent steps."""
    label = text.lstrip(" \u00a0\t")
    spaces = len(text) - len(label)
    return " ".join(label.split()), spaces * TYPED_INDENT


def _text_cells(path: Path, wide: bool = False) -> list[Cell]:
    """The lines of a one-column CSV or text file, indented by the spaces typed before them (a quoted cell's
    quotes taken off)."""
    from cvclassify.io.encoding import decode_bytes

    cells = []
    for line in decode_bytes(path.read_bytes()).splitlines():
        label = line.rstrip()
        inner = label.lstrip(" \t\u00a0")
        if len(inner) >= 2 and inner[0] == inner[-1] == '"':
            label = label[:len(label) - len(inner)] + inner[1:-1].replace('""', '"')
        if label.strip():
            cells.append((*_typed(label.replace("\t", "    ")), False, ""))
    return cells


def _xlsx_cells(path: Path, wide: bool = False) -> list[Cell]:
    """The filled cells of the first visible sheet whose values stand in a single column, with their look (with
    ``wide``, those of the first visible sheet's label column)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible" or not hasattr(sheet, "iter_rows"):
                continue
            sheet.reset_dimensions()
            by_column: dict[int, list[Cell]] = {}
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is None or not str(cell.value).strip():
                        continue
                    label, typed = _typed(str(cell.value))
                    by_column.setdefault(cell.column, []).append((label, float(cell.alignment.indent or 0) + typed,
                                                                  bool(cell.font.b), _xlsx_fill(cell)))
            if len(by_column) == 1 or (wide and by_column):
                return _label_column(by_column)
        return []
    finally:
        book.close()


def _xlsx_fill(cell) -> str:
    """A cell's solid fill colour (« » for none): its RGB, or its theme colour and tint (Excel's palette), which
    openpyxl does not give as RGB."""
    if cell.fill is None or cell.fill.fill_type != "solid":
        return ""
    color = cell.fill.fgColor
    if color.type == "rgb":
        return str(color.rgb or "")
    return f"{color.type}:{color.theme if color.type == 'theme' else color.indexed}:{color.tint}"


def _label_column(by_column: dict[int, list[Cell]]) -> list[Cell]:
    """The cells of the column that holds the labels: the one with the most filled cells (the leftmost of equals)."""
    return by_column[max(sorted(by_column), key=lambda c: len(by_column[c]))]


def _ods_cells(path: Path, wide: bool = False) -> list[Cell]:
    """The filled cells of the first sheet of an ODS workbook whose values stand in a single column, with their
    look (the cell style's left margin, font weight and background colour; with ``wide``, those of the first
    sheet's label column)."""
    limits.check_archive(path, limits.MAX_ENTRY_BYTES, "classeur")
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml")
    if b"<!DOCTYPE" in content[:4096]:  # an ODF part never declares one: entities are not expanded
        return []
    root = ElementTree.fromstring(content)
    looks = _ods_styles(root)
    for table in root.iter(f"{{{ODS['table']}}}table"):
        by_column: dict[int, list[Cell]] = {}
        for row in table.iter(f"{{{ODS['table']}}}table-row"):
            column = 0
            for cell in row:
                if not cell.tag.endswith(("table-cell", "covered-table-cell")):
                    continue
                text = "\n".join(_ods_text(p) for p in cell.iter(f"{{{ODS['text']}}}p"))
                if text.strip():
                    label, typed = _typed(text)
                    margin, bold, fill = looks.get(cell.get(f"{{{ODS['table']}}}style-name", ""), (0.0, False, ""))
                    by_column.setdefault(column, []).append((label, margin + typed, bold, fill))
                column += int(cell.get(f"{{{ODS['table']}}}number-columns-repeated", "1"))
        if len(by_column) == 1 or (wide and by_column):
            return _label_column(by_column)
    return []


def _ods_text(paragraph: ElementTree.Element) -> str:
    """A cell paragraph's text, its runs of spaces (« text:s ») included."""
    parts = [paragraph.text or ""]
    for child in paragraph:
        if child.tag == f"{{{ODS['text']}}}s":
            parts.append(" " * int(child.get(f"{{{ODS['text']}}}c", "1")))
        else:
            parts.append(_ods_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_styles(root: ElementTree.Element) -> dict[str, tuple[float, bool, str]]:
    """Each automatic cell style's left margin (in Excel's indent steps: about 0.35 cm, 10 pt), weight and
    background colour."""
    looks = {}
    for style in root.iter(f"{{{ODS['style']}}}style"):
        margin, bold, fill = 0.0, False, ""
        for part in style:
            if part.tag.endswith("paragraph-properties"):
                margin = _steps(part.get(f"{{{ODS['fo']}}}margin-left", ""))
            if part.tag.endswith("text-properties"):
                bold = part.get(f"{{{ODS['fo']}}}font-weight", "") in ("bold", "600", "700", "800", "900")
            if part.tag.endswith("table-cell-properties"):
                background = part.get(f"{{{ODS['fo']}}}background-color", "")
                fill = "" if background in ("", "transparent", "#ffffff") else background
        looks[style.get(f"{{{ODS['style']}}}name", "")] = (margin, bold, fill)
    return looks


def _steps(length: str) -> float:
    """An ODF length (« 0.353cm », « 10pt », « 0.139in ») in indent steps of 10 points, rounded to a tenth."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(cm|mm|in|pt|pc)?\s*", length or "")
    if not match:
        return 0.0
    points = float(match.group(1)) * {"cm": 28.35, "mm": 2.835, "in": 72.0, "pt": 1.0, "pc": 12.0}[
        match.group(2) or "pt"]
    return round(points / 10, 1)

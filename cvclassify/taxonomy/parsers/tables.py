"""Parser for contracts whose objectives are tables, one column per level of the tree, left to right, under
axis headings (« ### Axe 1 – Éducation »): pipe rows as a Markdown-like export of a PDF writes them
(``| Objectif stratégique | Objectif opérationnel | Sous-objectif |``), a DOCX or ODT contract's tables (read as
pipe rows), cells between tabs, as a word processor copies a table into a text file, or grid tables drawn in text
(reStructuredText, Pandoc: « +----+----+ » borders, each cell's lines wrapped inside its column).

What such exports do to a table, and how it is read:

- merged cells are printed once, on the first row of their group, and left blank below: a blank cell keeps
  the node above it, also across a page break that repeats the header row;
- a wrapped cell gives a row of its own: a cell that starts in lower case continues the node above it, even on a
  row that also opens a new node in another column;
- tables of figures, indicators or partners use the same syntax: only the columns whose header names a level of
  objectives, or whose cells are coded labels (« 1.1 Agir dès la petite enfance »), are read; a column of bare
  codes (an indicator table) is not.

Codes are kept as printed; unnumbered nodes get generated ones.
"""

from __future__ import annotations

import csv
import functools
import itertools
import re
from collections.abc import Sequence

from cvclassify.errors import TaxonomyError
from cvclassify.io.laid_out import SYMBOL_FONT_BULLETS
from cvclassify.taxonomy.parsers.outline import (
    CONTINUED,
    DANGLING,
    KEYWORD_LINE,
    KEYWORDS,
    LEVEL_NAMES,
    NOT_OBJECTIVES,
    SYMBOL_BULLETS,
    Node,
    Outline,
    build,
    clean_label,
    fold,
    printed_code,
    to_taxonomy,
)
from cvclassify.taxonomy.parsers.pages import PAGE_NUMBER, PAGE_NUMBER_END, Line, clean

LAYOUT_HINT = (r"^\s*\|[^|\n]*\|[^|\n]*\||\S\t+\S"
               r"|^\s*(?:objectifs?|sous-objectifs?|orientations?|axes?|th[ée]matiques?|th[èe]mes?|piliers?|enjeux?"
               r"|priorit[ée]s?|ambitions?|engagements?)\b(?:[^\n]*\S)? {2,}\S"
               r"|^[ \t]*\S[^\n]*? {2,}(?:objectifs?|orientations?|axes?|piliers?)\b[^\n]*? {2,}\S")
"""A line that is a table row with at least two cells, between pipes or tabs, or a header row of columns (a level's
column first, or after another one: « Prioritaire   Objectif   Pilote(s) »)."""
SEGMENT = re.compile(r"\S+(?: \S+)*")
"""A cell of a table laid out in columns: text whose words are one space apart, two or more from the next cell."""
ROW = re.compile(r"\s*\|")
INNER_TAB = re.compile(r"\S[^\S\n]*\t\s*\S")
"""Two cells of a table copied from a word processor into a text file, between tabs."""
TOC_ENTRY = re.compile(r"\t\s*\d{1,3}\s*$")
MIN_TAB_ROWS = 3
GRID_BORDER = re.compile(r"^[ \t]*\+(?:[-=:]{2,}\+)+[ \t]*$")
"""A border line of a grid table drawn in text: « +------+------+ », « +======+ » under the header."""
GRID_ITEM = re.compile(r"^(?:[-*+•]|\d{1,2}[.)])\s+(?=\S)")
"""The start of a list item in a grid table's cell."""
SEPARATOR = re.compile(r"^:?-{3,}:?$")
CODED = re.compile(r"^(?P<code>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s*[-–—:)]?\s+(?P<label>\S.*)$")
INNER_CODE = re.compile(r"(?<=\S\s)(?P<code>\d{1,2}(?:\.\d{1,2}){1,3})\s*[-–—:)]?\s+(?=[A-ZÉÈÀÂÎÔ])")
"""A code inside a cell, before a capitalised label: the start of the cell's next item."""
HEADING = re.compile(r"^#{1,6}\s+")
CODE_HEADER = re.compile(r"^(?:code|n°|no|num[ée]ro|réf(?:érence)?)(?!\w)\.?\s*(?P<level>.*)$", re.IGNORECASE)
"""A column of codes: « Code », « N° », « Numéro », or « Code axe » naming the level whose codes it holds."""
NUMERIC_CODE = re.compile(r"\d{1,2}(?:\.\d{1,2}){0,3}\.?")
CELL_BULLET = re.compile(rf"(?:^|\s)[{SYMBOL_BULLETS}]\s+")
"""A bullet inside a table cell: the cell holds a list, one item each."""
DASH_ITEM = re.compile(r"^[-–—]\s+(?=\S)")
"""A cell's line that starts a dash list item (« - Renforcer le Programme de réussite »)."""
MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|\*\*|__|`")
TOP_KEYWORDS = {"axe", "pilier", "enjeu", "ambition", "priorite", "thematique", "theme", "fiche", "volet", "defi",
                "engagement"}
"""Levels a heading above the tables may name: the top of the tree."""


def parse(text: str, name: str = "contract", source: str = ""):
    """Parse the objectives of a contract written as tables (pipe or tab rows) under axis headings."""
    outline = Outline(roots=[], transversal=[])
    reader = _Reader(outline)
    block: list[Line] = []
    piped = _fiches_as_pipes(columns_as_pipes(_tabs_as_pipes(grids_as_pipes(_delimited_as_pipes(text)))))
    for line in [*clean(piped, keep=ROW), Line(0, 0, "")]:
        if line.text.startswith("|"):
            block.append(line)
            continue
        if block:
            reader.table(block)
            block = []
        if line.text:
            reader.heading(line)
    if not any(root.children for root in outline.roots) and not reader.read_tables:
        raise TaxonomyError("Aucun tableau d'objectifs trouvé (colonnes « Objectif … » ou cellules codées "
                            "« 1.1 Libellé »).")
    outline.roots = [root for root in outline.roots if root.children or not reader.axes]
    outline.transversal = build(clean(text), "lists").transversal  # listed or named in the text around the tables
    return to_taxonomy(outline, name, source, text, "tables")


def _delimited_as_pipes(text: str) -> str:
    """Lines of a spreadsheet export pasted into the text (an e-mail, a note: « "code_axe";"axe";"code_os";… »)
    as pipe rows: a run of at least three lines that each split into the same number (three or more) of fields
    between semicolons, or between commas when every field is quoted; a header's « objectif_strategique » read
    « objectif strategique »."""
    if text.count(";") < 2 * MIN_TAB_ROWS and text.count('","') < 2 * MIN_TAB_ROWS:
        return text
    lines = text.split("\n")
    fields = [_delimited_fields(line) for line in lines]
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and fields[j] is not None and len(fields[j]) == len(fields[i] or ()):
            j += 1
        if j - i >= MIN_TAB_ROWS:
            for k in range(i, j):
                cells = [cell.replace("_", " ") if k == i else cell for cell in fields[k]]
                lines[k] = _pipe_line("", cells)
        i = max(j, i + 1)
    return "\n".join(lines)


def _delimited_fields(line: str) -> list[str] | None:
    """A line's fields as a spreadsheet exports them, or None for a line of text."""
    line = line.strip()
    for delimiter in (";", ","):
        if line.count(delimiter) < 2:
            continue
        fields = next(csv.reader([line], delimiter=delimiter))
        quoted = line.startswith('"') and line.endswith('"')
        if len(fields) >= 3 and (delimiter == ";" or (quoted and line.count('"') >= 2 * len(fields))):
            return [" ".join(field.split()) for field in fields]
    return None


def grids_as_pipes(text: str) -> str:
    """Grid tables drawn in text (reStructuredText, Pandoc, a database console: « +-----+-----+ » borders and
    « | … | … | » lines) as pipe rows, one per row between borders: each cell's wrapped lines joined, the items
    of a list in a cell (« - 1.1 Garantir … » and its indented lines going on) kept apart as bullets, a cell
    spanning columns followed by blank cells."""
    if "+-" not in text and "+=" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        border = GRID_BORDER.match(lines[i])
        if border is None:
            out.append(lines[i])
            i += 1
            continue
        bounds = [k for k, char in enumerate(lines[i]) if char == "+"]
        left = bounds[0]
        rows: list[list[str]] = []
        current: list[str] = []
        j = i + 1
        while j < len(lines):
            if GRID_BORDER.match(lines[j]):
                if current:
                    rows.append(current)
                current = []
            elif lines[j][left:left + 1] == "|" and not lines[j][:left].strip():
                current.append(lines[j])
            else:
                break
            j += 1
        if current:
            rows.append(current)
        if not rows:
            out.append(lines[i])
            i += 1
            continue
        out += [_grid_row(row, bounds) for row in rows]
        out.append("")
        i = j
    return "\n".join(out)


def _grid_row(lines: list[str], bounds: list[int]) -> str:
    """One row of a grid table (its text lines between two borders) as a pipe row."""
    inner = [b for b in bounds[1:-1] if all(len(line) <= b or line[b] == "|" for line in lines)]
    edges = [bounds[0], *inner, bounds[-1]]
    cells: list[str] = []
    for a, b in itertools.pairwise(edges):
        cells.append(_grid_cell([line[a + 1:b] for line in lines]))
        cells += [""] * sum(1 for k in bounds if a < k < b)  # a cell spanning columns
    return "| " + " | ".join(cells) + " |"


def _grid_cell(lines: list[str]) -> str:
    """A grid table cell's lines as one line: a list's items as « • » bullets, wrapped lines joined."""
    items: list[str] = []
    fresh = True  # the next line starts a paragraph
    for raw in lines:
        text = raw.strip().replace("|", "/")
        if not text:
            fresh = True
            continue
        bullet = GRID_ITEM.match(text)
        if bullet is not None:
            items.append("• " + text[bullet.end():])
        elif fresh or not items:
            items.append(text)
        else:
            items[-1] += " " + text
        fresh = False
    return " ".join(items)


def _tabs_as_pipes(text: str) -> str:
    """Tab-separated table rows (a table copied from a word processor into a text file) as pipe rows, when the
    text holds a few of them; lines of a table of contents (« Titre<TAB>12 ») are left alone."""
    lines = text.split("\n")
    marked = [INNER_TAB.search(line) is not None and not TOC_ENTRY.search(line) and not ROW.match(line)
              for line in lines]
    if sum(marked) < MIN_TAB_ROWS:
        return text
    rows, previous, wrapped = [], False, set()
    for i, line in enumerate(lines):  # a row that only starts with tabs (blank merged cells) follows another row
        if marked[i] or (previous and line.lstrip("\f").startswith("\t") and line.strip()):
            rows.append(i)
        elif rows and previous and "\t" not in line and line[:1].islower():
            lines[rows[-1]] += " " + line.strip()  # the last cell's text wrapped on a line of its own (a line break)
            wrapped.add(i)
            continue
        previous = i in rows[-1:] or ROW.match(line.lstrip("\f")) is not None
    for i in rows:
        page = "\f" if lines[i].startswith("\f") else ""
        lines[i] = page + "| " + " | ".join(cell.strip() for cell in lines[i].lstrip("\f").split("\t")) + " |"
    return "\n".join(line for i, line in enumerate(lines) if i not in wrapped)


def columns_as_pipes(text: str) -> str:
    """Tables laid out in columns of text (a PDF read with its layout) as pipe rows: from a header row whose
    cells all name levels (« Objectif stratégique   Objectif opérationnel   Sous-objectif », its words wrapped
    on a second line or not) to the next blank line or page, each line's cells go to the column whose header starts
    nearest (a PDF's layout shifts a cell by a few characters from one line to the next). A line of one cell that
    runs across the next column is prose: it ends the table. Cells centred in the height of their merged rows are
    moved up to their group's first row (``_centred_up``), unless the table goes on from the previous page (its
    first rows then belong to the groups above the page break)."""
    lines: list[str | None] = list(text.split("\n"))
    columns: list[int] | None = None
    starts: list[list[int]] = []
    header: list[str] = []
    table: list[tuple[int, list[str]]] = []
    ended: tuple[int, list[str]] = (0, [])  # where the last table ended, and its header row as printed
    printed: list[str] = []
    continued = False

    centred: set[int] = set()  # columns found centred in a table above: the document's tables are set alike

    def flush() -> None:
        nonlocal ended
        for i in _coded_rows_joined(table, header):
            lines[i] = None
        for i, row in _centred_up(table, continued, centred):
            lines[i] = _pipe_line(lines[i] or "", row)
        if table:
            ended = (table[-1][0], printed)
        table.clear()

    for i, line in enumerate(lines):
        body = line.lstrip("\f")
        cells = [(m.start(), m.group()) for m in SEGMENT.finditer(body)]
        if _header_row([cell for _, cell in cells]) or (
                _header_over_axes([[cell for _, cell in cells]]) and _axis_row_below(lines, i)):
            flush()
            columns, header = [start for start, _ in cells], [cell for _, cell in cells]
            starts = [[start] for start in columns]  # where each column's cells were seen to start
            printed = header
            between = [other for other in lines[ended[0] + 1:i] if other and other.strip()]
            turned = "\f" in "".join(between) + line[:1] or any(  # a form feed, or a page's foot with its number
                PAGE_NUMBER_END.search(other) for other in text.split("\n")[ended[0] + 1:i])
            continued = header == ended[1] and turned and len(between) <= 4
            lines[i] = _pipe_line(line, header)
            continue
        if columns is None:
            continue
        if PAGE_NUMBER.match(body) or PAGE_NUMBER_END.search(body):
            lines[i] = None  # a page's number (« 3 » alone at its foot, « … – Annexe 2   page 1/2 »): the table goes
            continue  # on over the page
        if not cells and _row_follows(lines, i, columns):
            lines[i] = None  # a gap between two rows (the cells' padding), not the table's end
            continue
        if len(cells) == 1 and AXIS_ROW.match(body.strip()):  # « AXE 1 – … » on a row across the table (a heading)
            table.append((i, [HEADING.sub("", body.strip()), *[""] * (len(columns) - 1)]))
            continue
        if not cells or (body != line and not _goes_on(cells, columns)) or (
                len(cells) == 1 and cells[0][0] <= min(columns[0], min(starts[0])) + 4
                and cells[0][0] < columns[1] - 2 and cells[0][0] + len(cells[0][1]) > columns[1] + 2):
            # a line from the left margin across the next column is prose (one starting further right is a cell of
            # a column whose title is centred over it)
            flush()
            columns = None
            continue
        row = [""] * len(columns)
        taken: set[int] = set()
        for start, cell in cells:
            j = min(range(len(columns)), key=lambda c: min(abs(seen - start) for seen in starts[c]))
            if j in taken and j + 1 < len(columns) and not row[j + 1] and start < columns[j + 1]:
                # two cells of one line nearest the same header: the second starts the next column, whose title is
                # centred over it (« N°   Objectif » over « 1.1   Augmenter … »); lines wrapped there go to it too
                j += 1
                starts[j].append(start)
            taken.add(j)
            row[j] = f"{row[j]} {cell}".strip()
        if header and not table and lines[i - 1] is not None and header == _cells(
                Line(0, 0, lines[i - 1].lstrip("\f"))) and all(cell[:1].islower() for _, cell in cells):
            header = [f"{name} {more}".strip() for name, more in zip(header, row, strict=True)]
            lines[i - 1], lines[i] = _pipe_line(lines[i - 1], header), None  # « Objectifs / stratégiques »
            continue
        table.append((i, row))
    flush()
    return "\n".join(line for line in lines if line is not None)


TWO_LEVELS = re.compile(r"^[•\-–\s]*(?P<upper>(?:axe|pilier|enjeu|orientation|ambition)s?\s+\d{1,2}\s*[-–—:]\s*\S.*?)"
                        r"\s+[•\-–]?\s*(?P<lower>(?:os|oo|objectifs?(?:\s+(?:strat[ée]gique|op[ée]rationnel)s?)?)"
                        r"\s*\d{1,2}(?:\.\d{1,2})+\s*[-–—:]\s*\S.*)$", re.IGNORECASE)
"""A cell holding an axis and, below it, one of its objectives (« Axe 1 – Réussite éducative · OS 1.1 – Assurer
… », its two paragraphs joined)."""


def _coded_rows_joined(table: list[tuple[int, list[str]]], header: list[str]) -> list[int]:
    """In a column table whose first column holds each row's code (« N° »), a line with that cell blank is the
    wrapped end of the row above (« 1.1.1   Renforcer la présence de … dans les » / « quartiers »): its cells are
    joined to that row's, when each label it goes on starts in lower case or ends a cut word or phrase. The lines
    joined are taken out of ``table`` and returned."""
    if not header or not CODE_HEADER.match(header[0]):
        return []
    joined, kept = [], []
    for i, row in table:
        above = kept[-1][1] if kept else None
        goes_on = above is not None and above[0] and not row[0] and NUMERIC_CODE.fullmatch(above[0]) and all(
            not cell or side_column(title) or cell[:1].islower() or DANGLING.search(above[c])
            for c, (title, cell) in enumerate(zip(header, row, strict=False)))
        if goes_on:
            for c, cell in enumerate(row):
                above[c] = f"{above[c]} {cell}".strip() if not above[c].endswith("-") else above[c] + cell
            joined.append(i)
        else:
            kept.append((i, row))
    table[:] = kept
    return joined


def _goes_on(cells: list[tuple[int, str]], columns: list[int]) -> bool:
    """Whether the first line of a page is a row of the table above, its header not printed again: each cell
    starts where a column does, and the first column is left blank (a merged cell going on over the break)."""
    nearest = [min(range(len(columns)), key=lambda c, start=start: abs(columns[c] - start)) for start, _ in cells]
    return 0 not in nearest and len(set(nearest)) == len(nearest) and all(
        abs(columns[c] - start) <= 4 for c, (start, _) in zip(nearest, cells, strict=True))


def _header_row(cells: list[str]) -> bool:
    """Whether a line laid out in columns is a table's header row: two cells or more naming levels (or one beside a
    column of codes), the others columns of their codes (« N° ») or columns that hold no objective (« Orientation
    Objectifs opérationnels   Partenaires   Indicateurs »)."""
    named = sum(level_named(cell) for cell in cells)
    coded = any(CODE_HEADER.match(cell) for cell in cells)  # « N°   Objectif opérationnel   Indicateur »
    return (named >= 2 or (named == 1 and coded and len(cells) >= 2)) and all(
        level_named(cell) or side_column(cell) or CODE_HEADER.match(cell) for cell in cells)


SIDE_COLUMN = re.compile(r"^(?:actions?|moyens|pilotes?|partenaires?|indicateurs?|financeurs?|calendrier|echeances?"
                         r"|budget|cibles?|publics?|porteurs?|observations?|commentaires?|qpv|quartiers?|territoires?"
                         r"|communes?|referents?|responsables?|montants?|statut|avancement|prioritaires?|retenue?s?|dates?|etapes?)\b")
"""Columns beside the levels that hold no objective (« Actions », « Partenaires », « Indicateurs de suivi », « QPV
concernés », a column of boxes ticked for the « Prioritaire 2024-2026 » objectives)."""


def side_column(title: str) -> bool:
    """Whether a column's title names something beside the objectives (actions, partners, indicators…)."""
    return bool(SIDE_COLUMN.match(fold(title)) or NOT_OBJECTIVES.match(fold(title)))


BELOW_CENTRE = 0.25
"""Cost of a label half a line below its group's middle, over one half a line above: a PDF's layout puts a label
centred between two lines on the upper one (LibreOffice's PDFs), so of two groupings that fit as well, the one that
does so wins."""
CENTRING_TOLERANCE = 1.0
"""Lines a centred cell's middle may stand from the middle of its group of rows (a PDF's layout rounds positions)."""


def _centred_up(rows: list[tuple[int, list[str]]], continued: bool = False, centred: set[int] | None = None
                ) -> list[tuple[int, list[str]]]:
    """A column table's rows (line number, cells) with each column whose cells are centred in the height of their
    merged rows (Word's or a PDF maker's « centré verticalement ») moved up: a label printed in the middle of its
    group, blank on the group's first row, goes to that row, its wrapped lines joined, as a top-aligned table has
    it. A column is read as centred when the first row leaves it blank and every label's middle is that of a run
    of the next column's nodes, within ``CENTRING_TOLERANCE``; columns are taken right to left, so that a centred
    column's groups are those of the column to its right once that one is moved up. In a table ``continued`` from
    the previous page, whose first rows belong to the group above the page break, a column is read as centred only
    when a label stands where no node of the next column starts (top-aligned, it could not). A column found
    centred (its index added to ``centred``) is read so in the document's next tables even when their first row
    holds a label (a label of two lines centred over three rows starts on the first)."""
    centred = set() if centred is None else centred
    axes = [r for r, (_, cells) in enumerate(rows) if AXIS_ROW.match(cells[0]) and not any(cells[1:])]
    if axes:  # « AXE 2 – … » across the table: each part is centred on its own, the axis row stays
        cut = axes[0]
        return [*_centred_up(rows[:cut], continued, centred), rows[cut], *_centred_up(rows[cut + 1:], False, centred)]
    if len(rows) < 2:
        return rows
    for c in range(len(rows[0][1]) - 2, -1, -1):
        starts = [r for r, (_, cells) in enumerate(rows) if cells[c + 1] and not cells[c + 1][:1].islower()]
        blocks = _label_blocks([cells[c] for _, cells in rows])
        groups = None
        if blocks and (blocks[0][0] != 0 or c in centred) and starts and starts[0] == 0 and not (
                continued and all(first in starts for first, _ in blocks)):
            groups = _groups(rows, blocks, starts, continued)
            if groups is not None:
                centred.add(c)
        if groups is None:  # top-aligned: only « AXE 2 » over its label joined on its row
            blocks = [(first, last) for first, last in blocks if BARE_NUMBER.fullmatch(rows[first][1][c])]
            groups = [first for first, _ in blocks]
        for (first, last), group in zip(blocks, groups, strict=True):
            label = " ".join(rows[r][1][c] for r in range(first, last + 1))
            for r in range(first, last + 1):
                rows[r][1][c] = ""
            rows[group][1][c] = label
    return rows


def _label_blocks(cells: list[str]) -> list[tuple[int, int]]:
    """The runs of rows (first, last) that hold one label of a column: filled cells, a new label at each one that
    does not start in lower case, except after a bare number (« AXE 1 » over « Cohésion sociale »)."""
    blocks: list[tuple[int, int]] = []
    for r, cell in enumerate(cells):
        if not cell:
            continue
        bare = blocks and BARE_NUMBER.fullmatch(cells[blocks[-1][1]]) and not BARE_NUMBER.fullmatch(cell)
        if blocks and blocks[-1][1] == r - 1 and (cell[:1].islower() or bare):
            blocks[-1] = (blocks[-1][0], r)
        else:
            blocks.append((r, r))
    return blocks


BARE_NUMBER = re.compile(r"(?:\w+\s+)?[\dIVX]+(?:\.\d+)*\s*[:.–-]?")
"""A cell line that is only a level's number (« AXE 1 », « Orientation 2.1 : »): its label is on the next line."""


def _groups(rows: list[tuple[int, list[str]]], blocks: list[tuple[int, int]], starts: list[int],
            continued: bool = False) -> list[int] | None:
    """The first row of each label's group, when every label (``blocks``) stands in the middle of a run of the rows
    where the next column starts nodes (the runs that fit best, all labels taken together); None when one does not
    (the column is not centred). The last group may go on over a page break, once the labels above showed the
    centring; in a table ``continued`` from the previous page, the first group may start below its first rows."""
    def off(first: int, end: int, block: tuple[int, int]) -> float:  # rows first..end, the label on block's rows
        below = (rows[block[0]][0] + rows[block[1]][0]) / 2 - (rows[first][0] + rows[end][0]) / 2
        return abs(below) + (BELOW_CENTRE if below > 0 else 0.0)

    @functools.cache
    def fit(k: int, first: int) -> tuple[float, tuple[int, ...]] | None:
        block = blocks[k]
        if k + 1 == len(blocks):
            cost = off(first, len(rows) - 1, block)
            return (min(cost, CENTRING_TOLERANCE), (first,)) if cost <= CENTRING_TOLERANCE or k else None
        best = None
        for nxt in (s for s in starts if block[1] < s <= blocks[k + 1][0]):
            cost = off(first, nxt - 1, block)
            rest = fit(k + 1, nxt) if cost <= CENTRING_TOLERANCE else None
            if rest is not None and (best is None or cost + rest[0] < best[0]):
                best = (cost + rest[0], (first, *rest[1]))
        return best

    firsts = [s for s in starts if s <= blocks[0][0]] if continued else [0]  # rows above: the group before the page
    fits = [found for first in firsts if (found := fit(0, first)) is not None]
    return list(min(fits)[1]) if fits else None


def _row_follows(lines: list[str | None], i: int, columns: list[int]) -> bool:
    """Whether the next line with text, within two lines after a blank one, is a row of the column table: each of
    its cells fall in different columns (a PDF's layout puts them a few characters off), and it is not a lone line in
    the first column (a heading, a paragraph after the table)."""
    for k, line in enumerate(lines[i + 1:i + 3], start=i + 1):
        if line is None or not line.strip():
            continue
        if line.startswith("\f") or _page_foot(lines, k):
            return False
        if len(SEGMENT.findall(line)) == 1 and AXIS_ROW.match(line.strip()):
            return True
        cells = [(m.start(), m.group()) for m in SEGMENT.finditer(line)]
        nearest = [min(range(len(columns)), key=lambda c, start=start: abs(columns[c] - start)) for start, _ in cells]
        alone = len(cells) == 1 and nearest[0] == 0 and not cells[0][1][:1].islower()  # « GOUVERNANCE », a heading
        return len(set(nearest)) == len(nearest) and not alone
    return False


AXIS_ROW = re.compile(r"^(?:#{1,6}\s+)?(?:(?:axe|pilier|enjeu|ambition|priorit[eé])s?\s+(?:\d+|[IVX]+|[A-H])"
                      r"|(?:orientation|objectif)s?(?:\s+(?:strat[ée]gique|op[ée]rationnel|g[ée]n[ée]ral)e?s?)?"
                      r"\s+\d{1,2}(?:\.\d{1,2}){0,2})\s*[:.–—-]\s+\S[^|]*$", re.IGNORECASE)
"""A line across a column table that opens an axis or an objective above the rows (« ##### AXE 1 – Réussir à
l'école », « Objectif stratégique 1.1 – Favoriser l'accès à l'emploi »): a row of the table."""
FOOT_NUMBER = re.compile(r"(?:^|\s{3,})(?:page\s*|p\.\s*)?\d{1,3}(?:\s*(?:/|sur)\s*\d{1,3})?\s*$", re.IGNORECASE)


def _page_foot(lines: list[str | None], k: int) -> bool:
    """Whether line ``k`` is a page's footer: it ends with a page number and the page ends after it."""
    if not FOOT_NUMBER.search(lines[k] or ""):
        return False
    after = [line for line in lines[k + 1:k + 40] if line is not None and line.strip()]
    return not after or after[0].startswith("\f")


def _pipe_line(line: str, cells: list[str]) -> str:
    """Cells as a pipe row, after the page break that starts ``line``, if any."""
    return line[:len(line) - len(line.lstrip("\f"))] + "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


def _cells(line: Line) -> list[str]:
    """The cells of a table row, markup removed."""
    inner = line.text.strip()
    inner = inner[1:-1] if inner.endswith("|") and len(inner) > 1 else inner[1:]
    return [re.sub(r"\s+", " ", MARKUP.sub(" ", cell)).strip() for cell in inner.split("|")]


def _keyword(text: str) -> tuple[str | None, str | None, str]:
    """The level a text names (« Axe 2 – Emploi » → axe), its printed code and the rest of the text."""
    match = KEYWORD_LINE.match(fold(text))
    if not match or (not match.group("sep") and not match.group("code")):
        return None, None, text
    return KEYWORDS[re.sub(r"s?\s+", " ", match.group("kw"))], printed_code(match), text[match.start("label"):]


def level_named(title: str) -> bool:
    """Whether a column header names a level of objectives (« Objectifs opérationnels », « Axe »)."""
    return _title_level(title) is not None


COLUMN_QUALIFIER = re.compile(r"\s+(?:du\s+(?:contrat(?:\s+de\s+ville)?|cv|cdv)|de\s+rattachement|concernee?s?|visee?s?"
                              r"|principale?s?|cv|cdv|\([^()]*\))$")
"""Words after a level's name in an export's column title (« Axe du contrat de ville », « Objectif visé »)."""


GENERATION = re.compile(r"^(?:nouve(?:au|l|lle)|ancien(?:ne)?|precedente?)\s+(?:contrat\s*[—–-]\s*)?")
"""The contract a column belongs to when a sheet sets the old tree beside the new one (« Ancien contrat — pilier »,
« Nouvel objectif »), folded."""


def old_generation(title: str) -> bool:
    """Whether a column holds the former contract's tree (« Ancien objectif »)."""
    return re.match(r"(?:ancien|precedent)", fold(title.strip())) is not None


def _title_level(title: str) -> str | None:
    """The level a column header names alone (« Objectifs opérationnels » → objectif operationnel)."""
    match = KEYWORD_LINE.match(COLUMN_QUALIFIER.sub("", GENERATION.sub("", fold(title.strip()))))
    if not match or match.group("label").strip() or match.group("code"):
        return None
    return KEYWORDS[re.sub(r"s?\s+", " ", match.group("kw"))]


def _level_name(title: str) -> str:
    """The level a column header that names no known level stands for (« Domaine » → domaine), else objectif."""
    title = clean_label(MARKUP.sub("", title)).lower()
    return title if title and len(title) <= 40 and not CODE_HEADER.match(title) else "objectif"


DASHED_ITEMS = re.compile(r"\s+-\s+(?=[A-ZÉÈÀÂÎÔ])")
"""Where a dashed list joined into one cell goes on (« - Achever … - Renforcer … »)."""


def _split_items(cells: list[str]) -> list[list[str]]:
    """A row whose cells hold several coded items (« 1.3.1 - A 1.3.2 - B », the paragraphs of one cell) or a
    bulleted list (« • A • B ») as one row per item: the first items side by side, the others below with blank
    cells beside them."""
    items = []
    for cell in cells:
        bullets = [part.strip() for part in CELL_BULLET.split(cell)]
        if len(bullets) <= 2 and cell.startswith("- ") and len(dashes := DASHED_ITEMS.split(cell[2:])) >= 2:
            bullets = ["", *dashes]  # « - A - B - C »: a dashed list, its paragraphs joined
        if len(bullets) > 2 or (len(bullets) == 2 and not bullets[0]):  # a list in the cell
            items.append([part for part in bullets if part] or [""])
            continue
        first = CODED.match(cell)
        depth = first.group("code").count(".") if first else -1
        parts, start = [], 0
        for inner in INNER_CODE.finditer(cell):
            if first and inner.group("code").count(".") == depth and inner.start() > start:
                parts.append(cell[start:inner.start()].strip())
                start = inner.start()
        items.append([*parts, cell[start:].strip()])
    return [[column[i] if i < len(column) else "" for column in items] for i in range(max(map(len, items), default=1))]


VALUE_BULLET = re.compile(rf"^[{SYMBOL_BULLETS}{SYMBOL_FONT_BULLETS}\x7f*\-–—]\s+")
FICHE_LINE = re.compile(r"^(?P<key>[A-ZÉÈÀ][^:|]{0,40}?)\s*(?P<colon>:)?\s{2,}(?P<value>\S.*)$")
"""A line of a « fiche » laid out from a PDF: « Orientation :        Améliorer durablement le cadre de vie »."""


WRAPPED_KEY = re.compile(r"^(?P<key>[a-zéèàç][^:|]{0,30}?)\s*:?\s{2,}(?P<value>\S.*)$")
"""The end of a fiche's key wrapped onto the next line, beside its value going on (« opérationnels    Renforcer… »)."""


def _fiches_as_pipes(text: str) -> str:
    """« Fiche » tables laid out from a PDF (a key on the left, « Axe : », « Orientation : », « Objectifs
    opérationnels : » wrapped onto a line of its own or not, its value on the right, one line per item) as two-column
    pipe rows, when a block names two levels or more; the value's lines that start in lower case go on the line
    above, the others are items of their own."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        block, end = _fiche_block(lines, i)
        if block is None:
            out.append(lines[i])
            i += 1
            continue
        page = "\f" if lines[i].startswith("\f") else ""  # a page break before the fiche stays before it
        for key, values in block:
            items: list[str] = []
            for value in (VALUE_BULLET.sub("", value) for value in values):
                if items and items[-1].endswith("-") and items[-1][-2:-1].isalpha():
                    items[-1] = f"{items[-1]}{value}"  # « Fontaine-aux- » / « Loups »: a compound cut at its hyphen
                elif items and (value[:1].islower() or DANGLING.search(fold(items[-1]))):
                    items[-1] = f"{items[-1]} {value}"
                else:
                    items.append(value)
            cell = items[0] if len(items) == 1 else " ".join(f"• {item}" for item in items)
            out.append(_pipe_line(page, [f"{key} :", cell]))
            page = ""
        i = end
    return "\n".join(out)


def _fiche_block(lines: list[str], i: int) -> tuple[list[tuple[str, list[str]]] | None, int]:
    """The keys and value lines of a fiche starting at line ``i``, and the line after it; (None, i) when none
    starts there."""
    block: list[tuple[str, list[str]]] = []
    column = None
    j = i
    while j < len(lines):
        body = lines[j].lstrip("\f")
        match = FICHE_LINE.match(body)
        wrapped = WRAPPED_KEY.match(body) if block and column else None
        if match and (level_named(match.group("key")) or NOT_OBJECTIVES.match(fold(match.group("key")))
                      or match.group("colon")) and match.start("value") >= 12:
            column = match.start("value")
            block.append((match.group("key").strip(), [match.group("value").strip()]))
        elif wrapped and column is not None and abs(wrapped.start("value") - column) <= 4:
            key, values = block[-1]  # « Objectifs » / « opérationnels », the key wrapped beside its value's lines
            block[-1] = (f"{key} {wrapped.group('key').strip()}", [*values, wrapped.group("value").strip()])
        elif block and column and body.strip() and (
                body.startswith(":") or len(body) - len(body.lstrip()) >= column - 4):
            block[-1][1].append(body.lstrip(" :").strip())  # the value goes on (or the key's colon, wrapped)
        else:
            break
        j += 1
    named = sum(level_named(key) for key, _ in block)
    return (block, j) if named >= 2 else (None, i)


def _fiche(rows: list[tuple[Line, list[str]]]) -> bool:
    """A « fiche » table of two columns, a level named on the left of each line (« Orientation : », « Objectifs
    opérationnels : ») and its nodes on the right, with other lines (« Pilote : », « Constat : ») between."""
    if len(rows) < 2 or any(len(cells) != 2 for _, cells in rows):
        return False
    named = [cells for _, cells in rows if level_named(cells[0].rstrip(" :")) and cells[1]]
    return len(named) >= 2 and all(cells[0].endswith(":") or len(cells[0].split()) <= 3 for _, cells in rows)


def _code_and_label(cell: str) -> tuple[str | None, str]:
    """A cell's printed code and its label (« 1.1 Agir… », « Axe 2 – Emploi »)."""
    match = CODED.match(cell)
    code, label = (match.group("code"), match.group("label")) if match else (None, cell)
    level, printed, rest = _keyword(label)
    if level and clean_label(rest):
        code, label = code or printed, rest
    elif level:  # « Axe 1 » alone in its cell: its name is its label
        code = code or printed
    return code, clean_label(label)


def cell_label(cell: str) -> str:
    """The label of the node a cell opens, as the tree stores it."""
    return _code_and_label(cell)[1]


def _header_over_axes(rows: list[list[str]]) -> bool:
    """Whether a table's first row names one level beside columns that hold no objective (« Prioritaire
    2024-2026 | Objectif | Pilote(s) »), over rows across the table that name axes (« Pilier 1 – Cohésion sociale »
    alone in its row): the header of a table of objectives grouped by axis. With the first row alone, whether it
    names one level beside such columns."""
    first = [cell for cell in rows[0] if cell]
    if len(first) < 2 or sum(level_named(cell) for cell in first) != 1 or not all(
            level_named(cell) or side_column(cell) or CODE_HEADER.match(cell) for cell in first):
        return False
    if len(rows) == 1:
        return True
    across = [cells[0] for cells in rows[1:] if cells and cells[0] and not any(cells[1:])]
    return sum(_keyword(cell)[0] in TOP_KEYWORDS for cell in across) >= 2


def _axis_row_below(lines: list[str | None], i: int) -> bool:
    """Whether a line across the table naming an axis (« #### Pilier 1 – Cohésion sociale ») comes within the few
    lines below line ``i`` (a header row's words wrapped on a second line come between)."""
    below = [line.strip() for line in lines[i + 1:i + 6] if line is not None and line.strip()]
    return any(len(SEGMENT.findall(line)) == 1 and AXIS_ROW.match(line) for line in below[:3])


def _is_header(cells: list[str]) -> bool:
    """A row whose cells name levels (« Objectif stratégique | Sous-objectif »), two at least, a column of their
    codes (« N° ») or a column that holds no objective (« Partenaires », « Indicateurs »)."""
    filled = [c for c in cells if c and not CODE_HEADER.match(c)]
    return _header_row(filled)


def code_columns(titles: list[str], rows: Sequence[Sequence[str]] = ()) -> dict[int, int]:
    """Level column → the column holding its codes (indices in ``titles``): the level a code column names
    (« Code axe »), else the level whose cells start where its codes stand (« 1.2.3 » on every row beside repeated
    axes and orientations is the objectives' code, wherever the code column stands), else the level column just
    after it (« N° | Orientation »), else the one just before it."""
    levels = [i for i, title in enumerate(titles) if level_named(title)]
    found: dict[int, int] = {}
    for i, title in enumerate(titles):
        match = CODE_HEADER.match(str(title).strip())
        if i in levels or not match:
            continue
        named = _title_level(match.group("level")) if match.group("level").strip() else None  # « Code axe »
        candidates = (([c for c in levels if _title_level(titles[c]) == named] if named else [])
                      or _starting_with(i, levels, rows)
                      or [c for c in (i + 1, i - 1) if c in levels])
        target = next((c for c in candidates if c not in found), None)
        if target is not None:
            found[target] = i
    return found


def _starting_with(code: int, levels: list[int], rows: Sequence[Sequence[str]]) -> list[int]:
    """The level column whose nodes start (a filled cell that differs from the one above) on exactly the rows where
    column ``code`` starts a code, when one level alone does; else []."""
    def starts(c: int) -> set[int]:  # the rows where column c holds a new value (a merged cell is blank below)
        cells = [(row[c] if c < len(row) else "").strip() for row in rows]
        return {r for r, value in enumerate(cells)
                if value and not value[:1].islower() and (r == 0 or value != cells[r - 1])}  # not a wrapped line

    coded = starts(code)
    matching = [c for c in levels if starts(c) == coded] if coded else []
    return matching if len(matching) == 1 else []


def _coded(cells: list[str], codes: dict[int, int]) -> list[str]:
    """A row with each level's code (``code_columns``) moved into the level's cell and the code cells blank."""
    out = ["" if c in codes.values() else cell for c, cell in enumerate(cells)]
    for level, code in codes.items():
        if level < len(cells):
            out[level] = with_code(cells[code] if code < len(cells) else "", cells[level])
    return out


def with_code(code: str, label: str) -> str:
    """A level's cell with the code of its code column before it (« 1.2 – Label »); a letter or roman code
    (« A », « II ») is left out: the tree generates ids."""
    code, label = code.strip(), label.strip()
    if NUMERIC_CODE.fullmatch(code) and label and not label.startswith(code):
        return f"{code.rstrip('.')} – {label}"
    return label


class _Reader:
    """Turns headings and table blocks into an outline, keeping the open node of each column between blocks."""

    def __init__(self, outline: Outline) -> None:
        self.outline = outline
        self.axis: Node | None = None
        self.axes = False
        self.open: list[Node | None] = []
        self.printed: list[str] = []
        """The cell each open node was read from (a repeated cell is the same node)."""
        self.header: list[str] = []
        self.prose = False
        """A line of text came after the last table read."""
        self.read_tables = 0
        self.noted: set[int] = set()
        """Columns whose last line was a note under an objective (« Pilote : … »): a line in lower case goes on it."""
        self.dashed: set[int] = set()
        """Columns whose items start with a dash: in them, a line without one goes on the item above."""

    def heading(self, line: Line) -> None:
        """A line outside tables: an axis heading opens a new top node; other lines are prose, but a caption
        « (suite) » over the rest of the table."""
        self.prose = self.prose or not CONTINUED.search(line.text)
        if self._axis(line, HEADING.sub("", line.text).strip()):
            self.open, self.header = [], []

    def _axis(self, line: Line, text: str) -> bool:
        """Open a top node when ``text`` names one (« Axe 2 – Emploi »); whether it did."""
        level, code, label = _keyword(text)
        if level not in TOP_KEYWORDS or not clean_label(label) or len(label) > 200:
            return False
        self.axes = True
        self.axis = Node(label=clean_label(label), code=code.upper() if code else None, kind=("heading",),
                         line=line.number, level_name=LEVEL_NAMES.get(level, level))
        self.outline.roots.append(self.axis)
        return True

    def table(self, block: list[Line]) -> None:
        rows = [(line, _cells(line)) for line in block]
        header: list[str] = []
        if _fiche(rows):  # « Orientation : | … » over « Objectifs : | • a • b »: one node per line, turned
            header = [cells[0].rstrip(" :") for _, cells in rows]
            rows = [(rows[0][0], [cells[1] for _, cells in rows])]
        elif len(rows) >= 2 and all(SEPARATOR.match(c) or not c for c in rows[1][1]) and any(rows[1][1]):
            header = rows[0][1]
            rows = rows[2:]
        rows = [(line, cells) for line, cells in rows if not all(SEPARATOR.match(c) or not c for c in cells)]
        titles = [cells for _, cells in rows if _is_header(cells)]  # a header row without its separator
        if not header and not titles and rows and _header_over_axes([cells for _, cells in rows]):
            header, rows = rows[0][1], rows[1:]  # « Prioritaire | Objectif | Pilotes » over « Pilier 1 – … » rows
        header = header or (titles[0] if titles else [])
        rows = [(line, cells) for line, cells in rows if not _is_header(cells)]
        levels = [TWO_LEVELS.match(cells[0]) if cells else None for _, cells in rows]
        if not header and len(rows) >= 3 and not levels[0] and all(levels[1:]):
            header, rows, levels = rows[0][1], rows[1:], levels[1:]  # its title row, not named by levels
        if rows and header and all(levels):  # « Axe 1 – … » over « OS 1.1 – … » in one cell, every row
            rows = [(line, [m.group("upper"), m.group("lower"), *cells[1:]])
                    for (line, cells), m in zip(rows, levels, strict=True)]
            upper, _, lower = header[0].partition(" et ")
            header = [upper, lower, *header[1:]] if lower else ["Axe", header[0], *header[1:]]
        rows = [(line, part) for line, cells in rows for part in _split_items(cells)]
        width = max([len(header), *(len(cells) for _, cells in rows)])
        # the same table continued after a page break: nothing but page furniture between the two
        continued = len(self.open) == width and any(self.open) and not self.prose
        header = header or (self.header if continued else [])
        self.header = header
        codes = code_columns(header, [cells for _, cells in rows])
        if codes:  # « N° | Objectif opérationnel »: each code goes into its level's cell
            rows = [(line, _coded(cells, codes)) for line, cells in rows]
            header = ["" if c in codes.values() else title for c, title in enumerate(header)]
        columns = self._columns(header, [cells for _, cells in rows])
        if not columns or self._restated(rows, columns):
            return
        self.read_tables += 1
        self.prose = False
        if not continued:
            self.open, self.printed = [None] * width, [""] * width
            self.dashed = set()
        for c in range(width):  # a column of dash items, where lines without a dash are few: they wrap an item
            cells = [r[c] for _, r in rows if c < len(r) and r[c]]
            dashes = sum(DASH_ITEM.match(cell) is not None for cell in cells)
            if dashes and dashes >= 2 * sum(not DASH_ITEM.match(cell) and cell[:1].isupper() for cell in cells):
                self.dashed.add(c)
        for line, cells in rows:
            filled = [cell for cell in cells if cell]
            if len(filled) == 1 and re.match(r"(?:priorit|preoccupation|enjeux?|axes?|thematiques?)[^:]*transvers",
                                             fold(filled[0])):
                continue  # « Priorités transversales : la jeunesse, … » across the table: concerns, read around it
            if (len(filled) == 1 and cells[0] and _keyword(cells[0])[0] != _title_level(header[0] if header else "")
                    and self._axis(line, cells[0])):  # an axis as a row across the table (« AXE 2 – EMPLOI »)
                self.open, self.printed = [None] * width, [""] * width
                continue
            for c in columns:
                if c < len(cells) and cells[c]:
                    self._cell(line, c, cells[c], header[c] if c < len(header) else "")

    def _restated(self, rows: list[tuple[Line, list[str]]], columns: list[int]) -> bool:
        """Whether every objective cell of a table names, code and label, a node read from an earlier table (an
        indicators table listing « 1.1 – Accompagner … » beside its indicator): then the table adds nothing."""
        known: set[tuple[str | None, str]] = set()
        stack = list(self.outline.roots)
        while stack:
            node = stack.pop()
            known.add((node.code, fold(node.label)))
            stack.extend(node.children)
        cells = [_code_and_label(cells[c]) for _, cells in rows for c in columns if c < len(cells) and cells[c]]
        return bool(self.read_tables and cells) and all(
            code is not None and (code, fold(label)) in known for code, label in cells)

    @staticmethod
    def _columns(header: list[str], rows: list[list[str]]) -> list[int]:
        """Indices of the columns that hold objectives, left (top of the tree) to right."""
        width = max([len(header), *map(len, rows)], default=0)
        chosen: list[int] = []
        unnamed: list[int] = []
        grouping: list[int] = []
        for c in range(width):
            title = fold(header[c]) if c < len(header) else ""
            values = [r[c] for r in rows if c < len(r) and r[c]]
            coded = [v for v in values if CODED.match(v) and re.search(r"[^\W\d_]{3,}", v)]
            labelled = [v for v in values if re.search(r"[^\W\d_]{3,}.*\s.*[^\W\d_]{3,}", v)]
            named = c < len(header) and _title_level(header[c]) is not None
            if title and side_column(title):
                continue
            if coded and len(coded) * 2 >= len(values):
                chosen.append(c)
            elif named and (not values or len(labelled) * 2 >= len(values) or all(
                    re.search(r"[^\W\d_]{3,}", v) for v in values)):  # « Thématique »: « Emploi », « Santé »
                chosen.append(c)
            elif not header and values and len(labelled) * 2 >= len(values):
                unnamed.append(c)
            elif values and len(set(values)) < len(rows) and all(re.search(r"[^\W\d_]{3,}", v) for v in values):
                grouping.append(c)  # « Domaine »: words, each over several rows (merged, blank or repeated below)
        # without a header row, text columns left of the first coded column are its upper levels; with one, the
        # columns that group rows are levels too, left of the last level column
        return sorted(chosen + [c for c in unnamed if chosen and c < chosen[0]]
                      + [c for c in grouping if chosen and c < chosen[-1]])

    def _cell(self, line: Line, k: int, cell: str, title: str) -> None:
        """One filled cell of column ``k``: the continuation of the node above it, or a new node."""
        above = self.open[k]
        if k in self.dashed:
            dash = DASH_ITEM.match(cell)
            if dash is None and above is not None:  # « Travail dans les quartiers » under « - Organiser … de France »
                above.label = clean_label(f"{above.label} {cell}")
                return
            cell = cell[dash.end():] if dash else cell
        if above is not None and cell[:1].islower() and k in self.noted:
            above.description[-1] += f" {cell}"  # the note under the objective goes on
            return
        if above is not None and (cell[:1].islower() or DANGLING.search(fold(above.label.rstrip()))):
            joiner = "" if above.label.rstrip().endswith("-") else " "  # « Hauts-de- » / « Marvéjouls et … »
            printed = self.printed[k].rstrip()
            if printed and _code_and_label(printed)[1] and fold(clean_label(_code_and_label(printed)[1])) == fold(
                    above.label):  # « 1. Éducation, » / « jeunesse et » keeps its comma
                self.printed[k] = f"{printed}{joiner}{cell}"
                above.label = clean_label(_code_and_label(self.printed[k])[1])
            else:
                above.label = clean_label(f"{above.label.rstrip()}{joiner}{cell}")
            return
        if above is not None and self.printed[k] == cell:
            return  # the cell above repeated (a spreadsheet that fills every row rather than merging)
        if above is not None and re.match(r"[^:]{2,30}\s?:", cell) and side_column(cell.split(":")[0].strip()):
            above.description.append(cell)  # « Pilote : … » under an objective, in its cell: a note, not a node
            self.noted.add(k)
            return
        self.noted.discard(k)
        code, label = _code_and_label(cell)
        parent = next((node for node in reversed(self.open[:k]) if node is not None), self.axis)
        if parent is not None and parent is self.axis and fold(label) == fold(parent.label) and code in (
                None, parent.code):  # « Axe de rattachement | Axe 1 – … » under the heading « Axe 1 – … »: the same
            self.open[k], self.printed[k] = parent, cell
            self.open[k + 1:] = [None] * (len(self.open) - k - 1)
            return
        siblings = parent.children if parent is not None else self.outline.roots
        same = [n for n in siblings if n.kind == ("table", k) and n.label == label and n.code == code]
        if same:  # the axis of two « fiches » in a row, printed in each
            self.open[k], self.printed[k] = same[0], cell
            self.open[k + 1:] = [None] * (len(self.open) - k - 1)
            return
        node = Node(label=label, code=code, kind=("table", k), line=line.number,
                    level_name=LEVEL_NAMES.get(_title_level(title) or "", "") or _level_name(title), parent=parent)
        (parent.children if parent is not None else self.outline.roots).append(node)
        self.open[k], self.printed[k] = node, cell
        self.open[k + 1:] = [None] * (len(self.open) - k - 1)

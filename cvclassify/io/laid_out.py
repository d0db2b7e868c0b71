"""Text laid out from a PDF's positions (as ``pdftotext -layout`` or pypdf's layout mode give it), put back in
reading order: a page printed in two columns has its columns' lines side by side, and is read one column after
the other."""

from __future__ import annotations

import re

HEADER_CELL = re.compile(r"^\s*(?:axe|pilier|enjeu|ambition|priorit|orientation|objectif|th[eé]m|volet|sous-objectif)",
                         re.IGNORECASE)
"""A cell that names a level of objectives: a table's header row is made of them."""


COLUMN_SEGMENT = re.compile(r"\S+(?: {1,2}\S+)*")
"""A run of text on a line laid out from a PDF: words apart by one or two spaces (wider gaps part columns)."""
MIN_COLUMN_LINES = 5
"""Lines of each column, at least, for a page to be read as laid out in two columns."""
GUTTER_MIN = 20
"""Characters from the margin, at least, where a page's second column may start."""
INDENT_REACH = 12
"""Characters right of the gutter where the second column's lines start (its indented items): a line's text
further right (« Page 4 / 7 » at the foot) does not extend the column."""
FICHE_KEY = re.compile(r"^(?:.{1,40}:|(?:orientations?|objectifs?|op[ée]rationnels?|strat[ée]giques?|pilotes?"
                       r"|partenaires?|indicateurs?|moyens|calendrier|budget|publics?|actions?|financements?"
                       r"|porteurs?|axes?|enjeux?|piliers?)(?: [\w'’ -]{0,25})?)$", re.IGNORECASE)
"""The key of a fiche's line, on the left of its value: a word and a colon, or a word fiches use alone (« Pilote »,
« Objectifs opérationnels », « Indicateurs »)."""
PAGE_NUMBER = re.compile(r"^(?:page|p\.)?\s*\d{1,3}(?:\s*(?:/|sur|de)\s*\d{1,3})?$", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]{3,}")


def page_columns(lines: list[str]) -> list[str]:
    """Each page laid out in two columns of text (a PDF read with its layout prints their lines side by side: the
    tree on the left, a commentary on the right, or a text flowing from one column to the other) as its left
    column's lines, then its right column's. A page is read so only when, between the first and the last line of
    its second column, every line leaves the gutter blank and each column holds one run of text per line (a table
    of figures, of three columns or more, does not; nor does a table whose header row names levels, which the
    table parser reads)."""
    out: list[str] = []
    page: list[str] = []
    for line in [*lines, "\f"]:
        if "\f" in line and page:
            out += _columns_read(page)
            page = []
        page.append(line)
    return out


def _columns_read(page: list[str]) -> list[str]:
    """One page's lines, its two columns one after the other when it is laid out so (``page_columns``)."""
    runs = [[(m.start(), m.end()) for m in COLUMN_SEGMENT.finditer(line.replace("\f", " "))] for line in page]
    best: tuple[int, int, int, int] | None = None  # (lines with text on both sides, gutter, first, last line)
    for gutter in sorted({start for line in runs for start, _ in line if start >= GUTTER_MIN}):
        split = _split_at(page, runs, gutter)
        if split is not None and (best is None or split[0] > best[0]):
            best = (split[0], gutter, split[1], split[2])
    if best is None:
        return page
    _, gutter, first, last = best
    below = last
    while below + 1 < len(page) and all(b <= gutter - 2 for _, b in runs[below + 1]):
        below += 1  # the left column's lines below the right one's last (columns balanced, the left one longer)
        if runs[below]:
            last = below
    lefts = [page[i][:gutter].rstrip() for i in range(first, last + 1)]
    rights = [page[i][gutter:].rstrip() for i in range(first, last + 1)]
    margin = min(len(line) - len(line.lstrip()) for line in rights if line)
    rights = [" " + line[margin:] if line else "" for line in rights]  # its own indentation kept
    return [*page[:first], *lefts, "", *rights, *page[last + 1:]]


def _split_at(page: list[str], runs: list[list[tuple[int, int]]], gutter: int) -> tuple[int, int, int] | None:
    """Whether the page splits into two columns at character ``gutter``: between the first and the last line with
    text right of it, no run of text crosses it and each side holds one run per line (a bullet apart from its text
    aside: a third column, a table of figures, does not split), and each column has words on
    ``MIN_COLUMN_LINES`` lines at least, a table's header row naming levels aside; then (lines with text on both
    sides, first line, last line), else None."""
    right = [i for i, line in enumerate(runs) if any(gutter <= start <= gutter + INDENT_REACH and not PAGE_NUMBER.match(
        page[i][start:end]) for start, end in line)]  # « p. 4 » at the foot is not the column's
    if len(right) < MIN_COLUMN_LINES:
        return None
    both = worded_left = worded_right = keys = 0
    for i in range(right[0], right[-1] + 1):
        left = [(a, b) for a, b in runs[i] if a < gutter]
        other = [(a, b) for a, b in runs[i] if a >= gutter]
        if any(b > gutter - 2 for _, b in left) or not (_one_item(page[i], left) and _one_item(page[i], other)):
            return None
        if len(runs[i]) >= 2 and all(HEADER_CELL.match(page[i][a:b]) and len(page[i][a:b].split()) <= 5
                                     for a, b in runs[i]):
            return None  # « Axe   Orientation   Objectifs » : a table's header row
        both += bool(left and other)
        worded_left += any(WORD.search(page[i][a:b]) for a, b in left)
        keys += bool(left) and bool(FICHE_KEY.match(page[i][left[-1][0]:left[-1][1]]))
        worded_right += any(WORD.search(page[i][a:b]) for a, b in other)
    if min(worded_left, worded_right) < MIN_COLUMN_LINES:
        return None  # a column of page numbers (a table of contents) or of figures
    if 2 * keys >= worded_left:
        return None  # « Orientation :   Améliorer … »: a fiche's keys and values, read as a table
    return both, right[0], right[-1]


def _one_item(line: str, runs: list[tuple[int, int]]) -> bool:
    """Whether the runs of one side of a line are one text, or a bullet and its text."""
    return len(runs) <= 1 or (len(runs) == 2 and line[runs[0][0]:runs[0][1]] in BULLET_MARKS)


SYMBOL_FONT_BULLETS = "\uf0a7\uf0b7\uf0d8\uf076\uf0fc\uf0e0\uf06e\uf0a8"
"""Bullets of symbol fonts (Symbol, Wingdings) as a PDF's or a Word file's text gives them: private-use characters."""
BULLET_MARKS = {"•", "-", "–", "—", "*", "▪", "■", "◦", "o", "➢", "►", "✓", "\x7f", *SYMBOL_FONT_BULLETS}
"""Marks that may stand apart from their item's text on a laid-out line (« •   Renforcer … »), symbol fonts' bullets
as a PDF gives them (private-use characters) included."""

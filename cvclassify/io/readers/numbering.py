"""Automatic list numbers: the « Axe 2 », « 1.3 » or « b) » a numbered paragraph shows but does not hold.

A DOCX paragraph in a numbered list holds only its text; its number is computed by Word from the paragraph's
numbering reference (``w:numPr``: a list and a level, set on the paragraph or on its style) and the list's level
definitions in ``numbering.xml`` (format, text pattern such as ``%1.%2.``, start value). A contract written with
Word's multilevel headings keeps its codes only there, so they are computed here in document order, as Word does:
a level's counter goes up at each of its paragraphs and the deeper levels start again. An ODT (LibreOffice) keeps
its numbers the same way, in list styles and in the outline style of its headings (``OdfNumbering``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

BULLET = "•"
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
"""Symbol and Wingdings bullets are private-use characters (U+F0B7, U+F0A7…): shown as « • »."""
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


@dataclass(frozen=True)
class Level:
    """One level of a list definition."""

    fmt: str
    text: str
    start: int
    legal: bool = False
    """``w:isLgl``: the numbers of the levels above are shown as decimals (« 1.2.3 » under « Axe I »)."""
    style: str | None = None
    """``w:pStyle``: the paragraph style this level belongs to (multilevel headings: Titre 1, Titre 2…)."""
    restart: int | None = None
    """``w:lvlRestart``: 0, the level never starts again; n, it starts again after an item of level n (one-based)
    or above; None (the default), after any item of a level above."""


@dataclass(frozen=True)
class Label:
    """What Word shows before a numbered paragraph: its number (or bullet) and its level (0 = outermost)."""

    text: str
    level: int
    bullet: bool


def _val(element: Any, tag: str) -> str | None:
    found = element.find(qn(tag)) if element is not None else None
    return found.get(qn("w:val")) if found is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _format(number: int, fmt: str) -> str:
    """A counter in a level's number format (decimal for the formats not listed)."""
    if fmt in ("upperLetter", "lowerLetter"):
        letters = ""
        n = max(number, 1)
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("upperRoman", "lowerRoman"):
        roman, n = "", max(number, 1)
        for value, digits in _ROMAN:
            while n >= value:
                roman, n = roman + digits, n - value
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt == "none":
        return ""
    return str(number)


class Numbering:
    """The list numbers of one document's paragraphs, computed in document order (``label`` once per paragraph)."""

    def __init__(self, document: Any) -> None:
        self.lists: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self.levels: dict[str, dict[int, Level]] = {}  # abstractNumId → level → definition
        self.counters: dict[str, dict[int, int]] = {}  # abstractNumId → level → last number shown
        self.restarted: set[str] = set()  # numIds with start overrides already applied
        self.style_refs: dict[str, tuple[str | None, int | None]] = {}
        self._styles = document.styles.element if document.styles is not None else None
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part: no list numbers
            return
        links: dict[str, str] = {}  # abstractNumId → the numbering style whose definition it uses
        for definition in root.findall(qn("w:abstractNum")):
            linked = _val(definition, "w:numStyleLink")
            if linked:
                links[definition.get(qn("w:abstractNumId"))] = linked
            levels = {}
            for lvl in definition.findall(qn("w:lvl")):
                levels[_int(lvl.get(qn("w:ilvl")), 0)] = Level(
                    fmt=_val(lvl, "w:numFmt") or "decimal", text=_val(lvl, "w:lvlText") or "",
                    start=_int(_val(lvl, "w:start"), 1), legal=lvl.find(qn("w:isLgl")) is not None,
                    style=_val(lvl, "w:pStyle"), restart=_int(_val(lvl, "w:lvlRestart"), -1) if lvl.find(
                        qn("w:lvlRestart")) is not None else None)
            self.levels[definition.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            overrides = {_int(o.get(qn("w:ilvl")), 0): _int(_val(o, "w:startOverride"), 1)
                         for o in num.findall(qn("w:lvlOverride")) if o.find(qn("w:startOverride")) is not None}
            self.lists[num.get(qn("w:numId"))] = (_val(num, "w:abstractNumId") or "", overrides)
        for abstract, style in links.items():  # a list defined through a numbering style (« w:numStyleLink »)
            num_id, _ = self._style_reference(style)
            target = self.lists.get(num_id or "", ("", {}))[0]
            if target and self.levels.get(target):
                self.levels[abstract] = self.levels[target]

    def label(self, paragraph: Any) -> Label | None:
        """The number Word shows before this paragraph (advancing the list's counters), or None."""
        num_id, level = self._reference(paragraph)
        if num_id is None or num_id == "0" or num_id not in self.lists:
            return None
        abstract, overrides = self.lists[num_id]
        levels = self.levels.get(abstract, {})
        if level is None:  # a style's list without a level: the level that names the paragraph's style
            level = next((at for at, lvl in levels.items() if lvl.style and lvl.style == paragraph._p.style), 0)
        if level not in levels:
            return None
        counters = self.counters.setdefault(abstract, {})
        if overrides and num_id not in self.restarted:  # « restart numbering »: a new list instance
            self.restarted.add(num_id)
            counters.clear()
            for at, start in overrides.items():
                counters[at] = start - 1
        definition = levels[level]
        counters[level] = counters[level] + 1 if level in counters else definition.start
        for deeper in [d for d in counters if d > level]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or restart < 0 or (restart > 0 and level <= restart - 1):
                del counters[deeper]
        if definition.fmt == "bullet":
            return Label(BULLET, level, True)

        def number(match: re.Match) -> str:
            at = int(match.group(1)) - 1
            shown = levels.get(at, definition)
            value = counters.get(at, shown.start)
            return _format(value, "decimal" if definition.legal and at < level else shown.fmt)

        text = _PRIVATE_USE.sub(BULLET, re.sub(r"%([1-9])", number, definition.text)).strip()
        return Label(text, level, False) if text else None

    def _reference(self, paragraph: Any) -> tuple[str | None, int | None]:
        """The paragraph's list and level: its own ``w:numPr``, else its style's (through ``basedOn``)."""
        ppr = paragraph._p.pPr
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num_id, level = (_val(numpr, "w:numId"), _val(numpr, "w:ilvl")) if numpr is not None else (None, None)
        if num_id is None:
            style_num, style_level = self._style_reference(paragraph._p.style)
            num_id = style_num
            level = level if level is not None else (str(style_level) if style_level is not None else None)
        return num_id, _int(level, 0) if level is not None else None

    def _style_reference(self, style_id: str | None) -> tuple[str | None, int | None]:
        if style_id is None or self._styles is None:
            return None, None
        if style_id not in self.style_refs:
            found: tuple[str | None, int | None] = (None, None)
            seen: set[str] = set()
            current: str | None = style_id
            while current and current not in seen:
                seen.add(current)
                style = next((s for s in self._styles.findall(qn("w:style")) if s.get(qn("w:styleId")) == current),
                             None)
                if style is None:
                    break
                numpr = style.find(qn("w:pPr") + "/" + qn("w:numPr"))
                if numpr is not None and _val(numpr, "w:numId") is not None:
                    level = _val(numpr, "w:ilvl")
                    found = (_val(numpr, "w:numId"), _int(level, 0) if level is not None else None)
                    break
                current = _val(style, "w:basedOn")
            self.style_refs[style_id] = found
        return self.style_refs[style_id]


# -- OpenDocument (LibreOffice) ------------------------------------------------------------------------------
_ODF_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman",
                "": "none"}


@dataclass(frozen=True)
class OdfLevel:
    """One level of an ODT list style or of the outline (headings) style."""

    bullet: bool
    fmt: str = "decimal"
    prefix: str = ""
    suffix: str = ""
    display: int = 1
    """How many levels' numbers are shown (« 1.2.3 » at the third level: 3)."""
    start: int = 1


class OdfNumbering:
    """The numbers LibreOffice shows before list items and numbered headings, from the document's list styles and
    outline style; ``item`` and ``heading`` are called in document order."""

    def __init__(self, document: Any) -> None:
        from odf.namespaces import STYLENS, TEXTNS

        self.lists: dict[str, dict[int, OdfLevel]] = {}
        self.outline: dict[int, OdfLevel] = {}
        self.heading_counters: dict[int, int] = {}
        for styles in (document.styles, document.automaticstyles):
            for node in _walk(styles):
                qname = getattr(node, "qname", None)
                if qname == (TEXTNS, "list-style"):
                    self.lists[node.getAttrNS(STYLENS, "name")] = self._levels(node)
                elif qname == (TEXTNS, "outline-style"):
                    self.outline = self._levels(node)

    @staticmethod
    def _levels(style: Any) -> dict[int, OdfLevel]:
        from odf.namespaces import STYLENS, TEXTNS

        levels = {}
        for node in style.childNodes:
            qname = getattr(node, "qname", (None, ""))
            if qname[1] not in ("list-level-style-number", "list-level-style-bullet", "outline-level-style"):
                continue
            level = _int(node.getAttrNS(TEXTNS, "level"), 1)
            if qname[1] == "list-level-style-bullet":
                levels[level] = OdfLevel(bullet=True)
                continue
            levels[level] = OdfLevel(
                bullet=False, fmt=_ODF_FORMATS.get(node.getAttrNS(STYLENS, "num-format") or "", "decimal"),
                prefix=node.getAttrNS(STYLENS, "num-prefix") or "", suffix=node.getAttrNS(STYLENS, "num-suffix") or "",
                display=_int(node.getAttrNS(TEXTNS, "display-levels"), 1),
                start=_int(node.getAttrNS(TEXTNS, "start-value"), 1))
        return levels

    def item(self, style: str | None, counters: dict[int, int], level: int) -> Label | None:
        """The label of a list item at ``level`` (1 = outermost) of a list with this style, advancing the list's
        ``counters`` (one dict per list, shared by its nested lists)."""
        return _advance(self.lists.get(style or "", {}), counters, level)

    def heading(self, level: int) -> Label | None:
        """The label of a heading of this outline level (chapter numbering), advancing the outline's counters."""
        return _advance(self.outline, self.heading_counters, level)


def _advance(levels: dict[int, OdfLevel], counters: dict[int, int], level: int) -> Label | None:
    definition = levels.get(level)
    if definition is None:
        return None
    counters[level] = counters[level] + 1 if level in counters else definition.start
    for deeper in [d for d in counters if d > level]:
        del counters[deeper]
    if definition.bullet:
        return Label(BULLET, level - 1, True)
    if definition.fmt == "none":
        return None
    shown = range(max(1, level - definition.display + 1), level + 1)
    number = ".".join(_format(counters.get(at, levels.get(at, definition).start), levels.get(at, definition).fmt)
                      for at in shown)
    return Label(f"{definition.prefix}{number}{definition.suffix}".strip(), level - 1, False)


def _walk(node: Any):
    yield node
    for child in getattr(node, "childNodes", []):
        yield from _walk(child)

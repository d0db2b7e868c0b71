"""Parser for contracts laid out like Metz Métropole's: numbered, tab-separated objective tables.

Reads axis headings ("Axe stratégique 1 – …"), the strategic-objective bullets that introduce each
axis and the tables whose first column holds the strategic objectives and whose other cells hold coded
objectives ("1.1 - …" in italics for operational objectives, "1.1.1 - …" for leaves).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from cvclassify.errors import TaxonomyError
from cvclassify.taxonomy.tree import Level, Objective, Taxonomy

LAYOUT_HINT = r"^\s*Objectifs\s+strat[ée]giques\s*\t"
"""A line that opens an objectives table: the mark of this layout."""
_AXIS = re.compile(r"^\s*Axe\s+strat[ée]gique\s+(\d+)\s*[-–—]\s*(.+?)\s*$", re.IGNORECASE)
# A code followed by a hyphen or dash: "1.1.1 - ", "2.1.1- ", "1.2.2 – ", "1.4- ".
_CODE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)+)\s*[-–—]\s*")
_TABLE_HEADER = re.compile(r"^\s*Objectifs\s+strat[ée]giques\s*\t", re.IGNORECASE)
_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ANNOUNCED_TOTAL = re.compile(r"(\d+)\s+objectifs\s+strat[ée]giques", re.IGNORECASE)
_ANNOUNCED_AXIS = re.compile(r"\b(\d+)\s+objectifs\b", re.IGNORECASE)


def _clean(text: str) -> str:
    text = _TAGS.sub("", text).replace("**", "")
    return re.sub(r"\s+", " ", text).strip(" \t-–—")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w{3,}", _fold(text)))


class _TreeBuilder:
    """Accumulates objectives while the parser walks the lines of the contract."""

    def __init__(self) -> None:
        self.objectives: dict[str, dict] = {}
        self.warnings: list[str] = []
        self.axis: str | None = None
        self.strategic: str | None = None
        self.last_leaf: str | None = None
        self.strategic_count: dict[str, int] = {}

    def add(self, ident: str, code: str, level: Level, label: str, parent: str | None) -> str:
        self.objectives[ident] = dict(
            id=ident, code=code, level=level, label=label, parent=parent, description=""
        )
        return ident

    def add_axis(self, number: str, title: str) -> None:
        self.axis = self.add(number, number, "axis", title, None)
        self.strategic = None
        self.last_leaf = None

    def add_strategic(self, label: str) -> None:
        if self.axis is None:
            raise TaxonomyError(f"L'objectif stratégique « {label} » apparaît avant tout titre d'axe.")
        n = self.strategic_count.get(self.axis, 0) + 1
        self.strategic_count[self.axis] = n
        self.strategic = self.add(f"S{self.axis}.{n}", "", "strategic", label, self.axis)

    def add_coded(self, code: str, label: str, italic: bool, line_no: int) -> None:
        if self.axis is None or self.strategic is None:
            raise TaxonomyError(f"Ligne {line_no} : le code {code} apparaît hors d'un tableau d'objectifs.")
        if code.split(".")[0] != self.axis:
            self.warnings.append(f"Ligne {line_no} : le code {code} est imprimé sous l'axe {self.axis}.")
        if italic:
            if code in self.objectives:
                raise TaxonomyError(f"Ligne {line_no} : l'objectif opérationnel {code} est imprimé deux fois.")
            self.add(code, code, "operational", label, self.strategic)
            return
        ident = code
        if ident in self.objectives:
            ident = f"{code}-bis"
            while ident in self.objectives:
                ident += "-bis"
            self.warnings.append(
                f"Ligne {line_no} : le code {code} est imprimé deux fois, pour "
                f"« {self.objectives[code]['label']} » et « {label} » ; "
                f"le second est gardé sous {ident}."
            )
        parent_code = code.rsplit(".", 1)[0]
        parent = parent_code if parent_code in self.objectives else self.strategic
        if parent == parent_code and self.objectives[parent]["level"] != "operational":
            parent = self.strategic
        self.last_leaf = self.add(ident, code, "leaf", label, parent)

    def continue_label(self, text: str, line_no: int) -> None:
        if self.last_leaf is None:
            raise TaxonomyError(f"Ligne {line_no} : le texte « {text} » ne prolonge aucun objectif.")
        leaf = self.objectives[self.last_leaf]
        leaf["label"] = f"{leaf['label']} {text}".strip()


def parse(text: str, name: str = "contract", source: str = "") -> Taxonomy:
    """Parse the objectives section of a Contrat de Ville into a Taxonomy.

    Reads axis headings, the strategic-objective bullets that introduce each axis and the tab-separated
    tables of objectives. Copes with several codes in one cell, hyphen or dash after a code, labels
    split over lines, rows that slipped out of their column, codes printed twice and HTML tags.
    Problems that do not stop the parse are listed in ``Taxonomy.warnings``.
    """
    tree = _TreeBuilder()
    intro: dict[str, list[str]] = {}
    bullets: dict[str, list[tuple[str, str]]] = {}
    announced: dict[str, int] = {}
    announced_total: int | None = None
    in_table = False

    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\n\r")
        if not line.strip():
            continue
        heading = _AXIS.match(line)
        if heading:
            tree.add_axis(heading.group(1), _clean(heading.group(2)))
            intro[tree.axis] = []
            bullets[tree.axis] = []
            in_table = False
            continue
        if _TABLE_HEADER.match(line):
            if tree.axis is None:
                raise TaxonomyError(f"Ligne {line_no} : tableau d'objectifs avant tout titre d'axe.")
            in_table = True
            continue
        if not in_table:
            if tree.axis is None:
                total = _ANNOUNCED_TOTAL.search(line)
                if total:
                    announced_total = int(total.group(1))
                continue
            stripped = line.strip()
            if stripped.startswith(("- ", "• ")) and "**" in stripped:
                title = " ".join(_BOLD.findall(stripped))
                bullets[tree.axis].append((_clean(title), _clean(stripped)))
            else:
                count = _ANNOUNCED_AXIS.search(stripped)
                if count and tree.axis not in announced and "décline" in stripped:
                    announced[tree.axis] = int(count.group(1))
                intro[tree.axis].append(_clean(stripped))
            continue
        _parse_table_line(tree, line, line_no)

    _check_tree(tree, announced, announced_total)
    objectives = tree.objectives
    for axis, paragraphs in intro.items():
        objectives[axis]["description"] = "\n".join(p for p in paragraphs if p)
        _attach_bullets(objectives, axis, bullets.get(axis, []), tree.warnings)
    return Taxonomy(
        name=name,
        objectives=[Objective(**o) for o in objectives.values()],
        source=source,
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        warnings=tree.warnings,
    )


def _parse_table_line(tree: _TreeBuilder, line: str, line_no: int) -> None:
    cells = line.split("\t")
    first = cells[0].strip()
    if first and not _CODE.match(_TAGS.sub("", first)):
        tree.add_strategic(_clean(first))
        cells = cells[1:]
    for cell in cells:
        cell = cell.strip()
        if not cell:
            continue
        italic = bool(re.search(r"<i>|<em>", cell, re.IGNORECASE))
        plain = _TAGS.sub("", cell)
        matches = list(_CODE.finditer(plain))
        if not matches or plain[: matches[0].start()].strip():
            head = plain[: matches[0].start()] if matches else plain
            tree.continue_label(_clean(head), line_no)
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(plain)
            tree.add_coded(m.group(1), _clean(plain[m.end() : end]), italic, line_no)


def _check_tree(tree: _TreeBuilder, announced: dict[str, int], announced_total: int | None) -> None:
    objectives = tree.objectives.values()
    if not any(o["level"] == "leaf" for o in objectives):
        raise TaxonomyError(
            "Aucun code d'objectif trouvé. Attendu : des tableaux séparés par des tabulations sous des titres comme "
            "« Axe stratégique 1 – … », avec des lignes comme « 1.1.1 - Améliorer … »."
        )
    for o in objectives:
        if o["level"] == "operational" and not any(c["parent"] == o["id"] for c in objectives):
            tree.warnings.append(f"L'objectif opérationnel {o['id']} n'a aucun code feuille.")
    strategic = [o for o in objectives if o["level"] == "strategic"]
    for axis, expected in announced.items():
        found = sum(1 for o in strategic if o["parent"] == axis)
        if found != expected:
            tree.warnings.append(
                f"L'axe {axis} annonce {expected} objectifs ; son tableau en compte {found}."
            )
    if announced_total is not None and announced_total != len(strategic):
        tree.warnings.append(
            f"Le contrat annonce {announced_total} objectifs stratégiques ; "
            f"ses tableaux en listent {len(strategic)}."
        )


def _attach_bullets(
    objectives: dict[str, dict], axis: str, bullets: list[tuple[str, str]], warnings: list[str]
) -> None:
    """Give each strategic objective the intro bullet whose bold title best matches its label."""
    strategic = [o for o in objectives.values() if o["level"] == "strategic" and o["parent"] == axis]
    for title, text in bullets:
        scored = [
            (len(_words(title) & _words(o["label"])) / max(1, len(_words(title) | _words(o["label"]))), o)
            for o in strategic
        ]
        if not scored:
            continue
        score, best = max(scored, key=lambda pair: pair[0])
        if score < 0.5:
            warnings.append(f"Axe {axis} : la puce « {title} » ne correspond à aucun objectif stratégique.")
            continue
        best["description"] = text

"""The objective tree of a Contrat de Ville: parse it from the contract text, load, validate, walk.

Levels, from the root down:

- ``axis``: "Axe stratégique 1 – DEVELOPPER LES POTENTIELS DES QUARTIERS" (id ``"1"``);
- ``strategic``: the strategic objectives of the first table column (id ``"S1.2"``: axis 1, 2nd one);
  they carry no printed code;
- ``operational``: the italic operational objectives (``"1.1"``);
- ``leaf``: the codes applications are tagged with (``"1.1.1"``; in axis 4, ``"4.1"`` … ``"4.14"``,
  directly under their strategic objective).

A code printed twice for two objectives keeps its printed ``code`` on both; the later one gets the
distinct ``id`` ``"<code>-bis"``.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from difflib import get_close_matches
from pathlib import Path
from typing import Literal

import yaml

from cvclassify.errors import TaxonomyError, UnknownCodeError

Level = Literal["axis", "strategic", "operational", "leaf"]
LEVELS: tuple[Level, ...] = ("axis", "strategic", "operational", "leaf")
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Objective:
    """One node of the objective tree."""

    id: str
    code: str
    level: Level
    label: str
    parent: str | None = None
    description: str = ""
    lexicon: tuple[str, ...] = ()

    @property
    def display_code(self) -> str:
        """The code as printed in the contract (strategic objectives show their id)."""
        return self.code or self.id


@dataclass
class Taxonomy:
    """An ordered objective tree with lookups by id and printed code."""

    name: str
    objectives: list[Objective]
    source: str = ""
    source_sha256: str = ""
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id = {o.id: o for o in self.objectives}
        if len(self._by_id) != len(self.objectives):
            raise TaxonomyError(f"Taxonomy {self.name!r} has duplicate objective ids.")
        for o in self.objectives:
            if o.parent is not None and o.parent not in self._by_id:
                raise TaxonomyError(f"Objective {o.id!r} names an unknown parent {o.parent!r}.")
        self._children: dict[str | None, list[Objective]] = {}
        for o in self.objectives:
            self._children.setdefault(o.parent, []).append(o)

    # -- walking -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.objectives)

    def __iter__(self) -> Iterator[Objective]:
        return iter(self.objectives)

    def __contains__(self, ident: object) -> bool:
        return ident in self._by_id

    def __getitem__(self, ident: str) -> Objective:
        return self.resolve(ident)

    @property
    def leaves(self) -> list[Objective]:
        """Leaf objectives in document order: the codes proposals are tagged with."""
        return [o for o in self.objectives if o.level == "leaf"]

    @property
    def leaf_ids(self) -> list[str]:
        return [o.id for o in self.leaves]

    def by_level(self, level: Level) -> list[Objective]:
        return [o for o in self.objectives if o.level == level]

    def children(self, ident: str | None) -> list[Objective]:
        return list(self._children.get(ident, []))

    def ancestors(self, ident: str) -> list[Objective]:
        """Parents of an objective, nearest first, up to its axis."""
        chain = []
        node = self.resolve(ident)
        while node.parent is not None:
            node = self._by_id[node.parent]
            chain.append(node)
        return chain

    def axis_of(self, ident: str) -> Objective:
        node = self.resolve(ident)
        return node if node.level == "axis" else self.ancestors(ident)[-1]

    def group_of(self, ident: str) -> Objective:
        """The objective a leaf belongs to: its operational objective, or in axis 4 its strategic one."""
        node = self.resolve(ident)
        if node.level != "leaf":
            return node
        return self.ancestors(ident)[0]

    # -- lookups -----------------------------------------------------------------------------
    def resolve(self, ident: str) -> Objective:
        """Find an objective by id or printed code; raise UnknownCodeError with close matches."""
        ident = str(ident).strip()
        if ident in self._by_id:
            return self._by_id[ident]
        printed = [o for o in self.objectives if o.code == ident]
        if printed:
            return printed[0]
        close = get_close_matches(ident, list(self._by_id), n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownCodeError(
            f"Unknown objective code {ident!r} in taxonomy {self.name!r}.{hint} "
            "Run `cvclassify objectives` to list the codes."
        )

    def leaves_matching(self, patterns: Iterable[str]) -> list[str]:
        """Leaf ids matched by codes or shell patterns (``"2.*"``, ``"1.5.3"``, ``"S4.2"``).

        A pattern naming a non-leaf objective matches every leaf below it.
        """
        selected: set[str] = set()
        for pattern in patterns:
            pattern = pattern.strip()
            if any(ch in pattern for ch in "*?["):
                hits = {o.id for o in self.leaves if fnmatch.fnmatchcase(o.id, pattern)}
                hits |= {o.id for o in self.leaves if fnmatch.fnmatchcase(o.code, pattern)}
                if not hits:
                    raise UnknownCodeError(f"No objective code matches the pattern {pattern!r}.")
                selected |= hits
            else:
                node = self.resolve(pattern)
                if node.level == "leaf":
                    selected |= {o.id for o in self.leaves if o.code == node.code}
                else:
                    selected |= {o.id for o in self.leaves if node in self.ancestors(o.id)}
        return [i for i in self.leaf_ids if i in selected]

    def describe(self, ident: str, lexicon: bool = True) -> str:
        """Training text for a leaf: its label, lexicon and its parents' labels and descriptions."""
        node = self.resolve(ident)
        parts = [node.label, node.description, " ; ".join(node.lexicon) if lexicon else ""]
        for parent in self.ancestors(node.id):
            parts += [parent.label, parent.description]
        return "\n".join(p for p in parts if p)

    # -- persistence -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "name": self.name,
            "source": self.source,
            "source_sha256": self.source_sha256,
            "warnings": self.warnings,
            "objectives": [_objective_to_dict(o) for o in self.objectives],
        }

    def with_lexicon(self, lexicon: dict[str, list[str]]) -> Taxonomy:
        """A copy with a lexicon (jargon terms) attached to the given codes."""
        for code in lexicon:
            self.resolve(code)
        objectives = [
            replace(o, lexicon=tuple(lexicon.get(o.id, o.lexicon))) for o in self.objectives
        ]
        return Taxonomy(self.name, objectives, self.source, self.source_sha256, list(self.warnings))

    def fingerprint(self) -> str:
        """Hash of the tree's content, stored in model cards."""
        blob = json.dumps(self.to_dict()["objectives"], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _objective_to_dict(o: Objective) -> dict:
    d = asdict(o)
    d["lexicon"] = list(o.lexicon)
    return d


# ---------------------------------------------------------------------------------------------
# Loading and saving
# ---------------------------------------------------------------------------------------------

DEFAULT_TAXONOMY = "metz-2015-2020"


def taxonomy_path(name_or_path: str | Path | None = None) -> Path:
    """Path of a taxonomy file: a path as given, or a name under corpus/objectives/."""
    from cvclassify.paths import objectives_dir

    if name_or_path is None:
        name_or_path = DEFAULT_TAXONOMY
    path = Path(name_or_path)
    if path.suffix in {".json", ".yaml", ".yml"}:
        return path
    return objectives_dir() / f"{name_or_path}.json"


def load_taxonomy(name_or_path: str | Path | None = None) -> Taxonomy:
    """Load a stored taxonomy (JSON or YAML) and merge its ``<stem>.lexicon.yaml`` if present."""
    path = taxonomy_path(name_or_path)
    if not path.exists():
        raise TaxonomyError(
            f"No taxonomy file at {path}. Create one with "
            "`cvclassify taxonomy import CONTRACT.txt -o corpus/objectives/NAME.json`."
        )
    try:
        raw = path.read_text(encoding="utf-8")
        data = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
        taxonomy = taxonomy_from_dict(data)
    except (ValueError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise TaxonomyError(f"Taxonomy file {path} is not valid: {exc}") from exc
    lexicon_file = path.with_name(path.name.split(".")[0] + ".lexicon.yaml")
    if lexicon_file.exists():
        lexicon = yaml.safe_load(lexicon_file.read_text(encoding="utf-8")) or {}
        try:
            taxonomy = taxonomy.with_lexicon({str(k): list(v) for k, v in lexicon.items()})
        except UnknownCodeError as exc:
            raise TaxonomyError(f"Lexicon file {lexicon_file}: {exc}") from exc
    return taxonomy


def taxonomy_from_dict(data: dict) -> Taxonomy:
    if data.get("schema_version") != SCHEMA_VERSION:
        raise TaxonomyError(f"Unsupported taxonomy schema_version {data.get('schema_version')!r}.")
    objectives = []
    for item in data["objectives"]:
        if item["level"] not in LEVELS:
            raise TaxonomyError(f"Objective {item.get('id')!r} has unknown level {item['level']!r}.")
        objectives.append(
            Objective(
                id=item["id"],
                code=item.get("code", ""),
                level=item["level"],
                label=item["label"],
                parent=item.get("parent"),
                description=item.get("description", ""),
                lexicon=tuple(item.get("lexicon", ())),
            )
        )
    return Taxonomy(
        name=data["name"],
        objectives=objectives,
        source=data.get("source", ""),
        source_sha256=data.get("source_sha256", ""),
        warnings=list(data.get("warnings", [])),
    )


def save_taxonomy(taxonomy: Taxonomy, path: str | Path) -> Path:
    """Write a taxonomy as JSON or YAML (by extension), atomically."""
    from cvclassify.io import atomic_write_text

    path = Path(path)
    data = taxonomy.to_dict()
    if path.suffix in {".yaml", ".yml"}:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(path, text)
    return path


# ---------------------------------------------------------------------------------------------
# Parsing the contract text
# ---------------------------------------------------------------------------------------------

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
            raise TaxonomyError(f"Strategic objective {label!r} appears before any axis heading.")
        n = self.strategic_count.get(self.axis, 0) + 1
        self.strategic_count[self.axis] = n
        self.strategic = self.add(f"S{self.axis}.{n}", "", "strategic", label, self.axis)

    def add_coded(self, code: str, label: str, italic: bool, line_no: int) -> None:
        if self.axis is None or self.strategic is None:
            raise TaxonomyError(f"Line {line_no}: code {code} appears outside an objectives table.")
        if code.split(".")[0] != self.axis:
            self.warnings.append(f"Line {line_no}: code {code} is printed under axis {self.axis}.")
        if italic:
            if code in self.objectives:
                raise TaxonomyError(f"Line {line_no}: operational objective {code} printed twice.")
            self.add(code, code, "operational", label, self.strategic)
            return
        ident = code
        if ident in self.objectives:
            ident = f"{code}-bis"
            while ident in self.objectives:
                ident += "-bis"
            self.warnings.append(
                f"Line {line_no}: code {code} is printed twice, for "
                f"{self.objectives[code]['label']!r} and {label!r}; "
                f"the second is kept as {ident}."
            )
        parent_code = code.rsplit(".", 1)[0]
        parent = parent_code if parent_code in self.objectives else self.strategic
        if parent == parent_code and self.objectives[parent]["level"] != "operational":
            parent = self.strategic
        self.last_leaf = self.add(ident, code, "leaf", label, parent)

    def continue_label(self, text: str, line_no: int) -> None:
        if self.last_leaf is None:
            raise TaxonomyError(f"Line {line_no}: text {text!r} continues no objective.")
        leaf = self.objectives[self.last_leaf]
        leaf["label"] = f"{leaf['label']} {text}".strip()


def parse_contract(text: str, name: str = "contract", source: str = "") -> Taxonomy:
    """Parse the objectives section of a Contrat de Ville into a Taxonomy.

    Reads axis headings, the strategic-objective bullets that introduce each axis and the tab-separated
    tables of objectives. Copes with several codes in one cell, hyphen or dash after a code, labels
    split over lines, rows that slipped out of their column, codes printed twice and HTML tags.
    Problems that do not stop the parse are listed in ``Taxonomy.warnings``.
    """
    if "\x00" in text:
        raise TaxonomyError("The contract file looks binary; give the text export of the document.")
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
                raise TaxonomyError(f"Line {line_no}: objectives table before any axis heading.")
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
            "No objective code found. Expected tab-separated tables under headings such as "
            "'Axe stratégique 1 – …' with lines like '1.1.1 - Améliorer …'."
        )
    for o in objectives:
        if o["level"] == "operational" and not any(c["parent"] == o["id"] for c in objectives):
            tree.warnings.append(f"Operational objective {o['id']} has no leaf code.")
    strategic = [o for o in objectives if o["level"] == "strategic"]
    for axis, expected in announced.items():
        found = sum(1 for o in strategic if o["parent"] == axis)
        if found != expected:
            tree.warnings.append(
                f"Axis {axis} announces {expected} objectives; its table has {found}."
            )
    if announced_total is not None and announced_total != len(strategic):
        tree.warnings.append(
            f"The contract announces {announced_total} strategic objectives; "
            f"its tables list {len(strategic)}."
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
            warnings.append(f"Axis {axis}: bullet {title!r} matches no strategic objective.")
            continue
        best["description"] = text

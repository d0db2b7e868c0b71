"""The objective tree of a Contrat de Ville: the model, lookups, walking, loading and saving.

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
        """Ids of the leaves, in document order."""
        return [o.id for o in self.leaves]

    def by_level(self, level: Level) -> list[Objective]:
        """The objectives of one level, in document order."""
        return [o for o in self.objectives if o.level == level]

    def children(self, ident: str | None) -> list[Objective]:
        """The children of an objective (None: the roots)."""
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
        """The axis (root) an objective belongs to."""
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
        hint = f" Vouliez-vous dire {', '.join(close)} ?" if close else ""
        raise UnknownCodeError(
            f"Code d'objectif inconnu « {ident} » dans l'arbre {self.name!r}.{hint} "
            "La liste des codes : `cvclassify objectives`."
        )

    def leaves_matching(self, patterns: Iterable[str]) -> list[str]:
        """Leaf ids matched by codes or shell patterns (``"2.*"``, ``"1.5.3"``, ``"S4.2"``).

        A pattern naming a non-leaf objective matches every leaf below it.
        """
        selected: set[str] = set()
        for pattern in patterns:
            pattern = str(pattern).strip()
            if not pattern:
                raise UnknownCodeError("Motif de code vide : indiquez un code (2.11.1), un objectif (2.11) ou un "
                                       "motif (2.*).")
            if any(ch in pattern for ch in "*?["):
                hits = {o.id for o in self.leaves if fnmatch.fnmatchcase(o.id, pattern)}
                hits |= {o.id for o in self.leaves if fnmatch.fnmatchcase(o.code, pattern)}
                if not hits:
                    raise UnknownCodeError(f"Aucun code d'objectif ne correspond au motif « {pattern} ».")
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
        """The tree as JSON-ready data."""
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

def taxonomy_path(name_or_path: str | Path | None = None) -> Path:
    """Path of a taxonomy file: a path as given, a name beside the default project's tree, or the
    default project's tree."""
    from cvclassify.projects import open_project

    if name_or_path is None:
        return open_project().taxonomy_path
    path = Path(name_or_path)
    if path.suffix in {".json", ".yaml", ".yml"}:
        return path
    return open_project().taxonomy_path.parent / f"{name_or_path}.json"


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
    """A taxonomy from its JSON form, checked."""
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

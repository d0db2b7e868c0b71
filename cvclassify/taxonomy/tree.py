"""The objective tree of a Contrat de Ville: the model, lookups, walking, loading and saving.

A tree has 1 to 4 levels, named as the contract names them (``level``: Metz 2015-2020 has ``axis``,
``strategic``, ``operational`` and ``leaf``; other contracts « enjeu », « orientation », « thématique »…).
Its **leaves** — the nodes without children — are the codes applications are tagged with. Roll-ups read
the structure, not the names: a leaf's *objective* is its parent (itself in a one-level tree), its *axis*
its root. **Transversal** concerns printed without codes (égalité femmes-hommes, discriminations…) are a
second family of labels: nodes marked ``transversal``, outside the leaves, scored beside them.

In Metz 2015-2020: axes ``"1"``…; strategic objectives, which carry no printed code, ``"S1.2"`` (axis 1,
2nd one); operational objectives ``"1.1"``; leaves ``"1.1.1"`` (in axis 4, ``"4.1"`` … ``"4.14"``, directly
under their strategic objective). A code printed twice for two objectives keeps its printed ``code`` on
both; the later one gets the distinct ``id`` ``"<code>-bis"``.

``anct_2015`` and ``anct_2024`` hold the national ANCT sous-thèmes of a node (2015-2023 and 2024-2030
nomenclatures, ``shared/reference/anct_nomenclature_themes_politique_ville.csv``), most likely first.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from difflib import get_close_matches
from pathlib import Path

import yaml

from cvclassify.errors import TaxonomyError, UnknownCodeError
from cvclassify.io import load_yaml

Level = str
"""The name of a level of the tree, as the contract names it."""
LEVELS: tuple[str, ...] = ("axis", "strategic", "operational", "leaf")
"""The level names of trees parsed from numbered tables like Metz's."""
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
    transversal: bool = False
    """A transversal concern: a label of the second family, scored beside the leaves."""
    anct_2015: tuple[str, ...] = ()
    """National sous-thèmes (2015-2023 nomenclature), most likely first."""
    anct_2024: tuple[str, ...] = ()
    """National sous-thèmes (2024-2030 nomenclature), most likely first."""

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
        self._leaves = [o for o in self.objectives if o.id not in self._children and not o.transversal]

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
        """Leaf objectives (nodes without children, transversal concerns aside) in document order: the codes
        proposals are tagged with."""
        return list(self._leaves)

    def is_leaf(self, ident: str) -> bool:
        """Whether an objective is a leaf code."""
        node = self.resolve(ident)
        return node.id not in self._children and not node.transversal

    @property
    def transversal(self) -> list[Objective]:
        """The transversal concerns (the second family of labels), in document order."""
        return [o for o in self.objectives if o.transversal]

    @property
    def depth(self) -> int:
        """Levels of the tree (1 to 4), transversal concerns aside."""
        return max((len(self.ancestors(o.id)) + 1 for o in self._leaves), default=0)

    def roots(self) -> list[Objective]:
        """The top nodes of the tree, transversal concerns aside."""
        return [o for o in self._children.get(None, []) if not o.transversal]

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
        chain = self.ancestors(ident)
        return chain[-1] if chain else self.resolve(ident)

    def group_of(self, ident: str) -> Objective:
        """The objective a leaf belongs to: its parent (in Metz, its operational objective, or in axis 4 its
        strategic one); the leaf itself in a one-level tree. A node that is not a leaf is its own group."""
        node = self.resolve(ident)
        if not self.is_leaf(node.id) or node.parent is None:
            return node
        return self._by_id[node.parent]

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
                if self.is_leaf(node.id):
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

    def with_national(self, codes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> Taxonomy:
        """A copy with national ANCT sous-thèmes (2015-2023, 2024-2030) attached to the given objectives."""
        for code in codes:
            self.resolve(code)
        objectives = [replace(o, anct_2015=codes[o.id][0], anct_2024=codes[o.id][1]) if o.id in codes else o
                      for o in self.objectives]
        return Taxonomy(self.name, objectives, self.source, self.source_sha256, list(self.warnings))

    def fingerprint(self) -> str:
        """Hash of the tree's content, stored in model cards."""
        blob = json.dumps(self.to_dict()["objectives"], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _objective_to_dict(o: Objective) -> dict:
    d = asdict(o)
    d["lexicon"] = list(o.lexicon)
    for key in ("transversal", "anct_2015", "anct_2024"):  # written only when set: older files stay the same
        if not d[key]:
            del d[key]
        elif key != "transversal":
            d[key] = list(d[key])
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
        data = json.loads(raw) if path.suffix == ".json" else load_yaml(raw)
        taxonomy = taxonomy_from_dict(data)
    except (ValueError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise TaxonomyError(f"Taxonomy file {path} is not valid: {exc}") from exc
    national_file = path.with_name(path.name.split(".")[0] + ".anct.csv")
    if national_file.exists():
        taxonomy = taxonomy.with_national(read_national(national_file))
    lexicon_file = path.with_name(path.name.split(".")[0] + ".lexicon.yaml")
    if lexicon_file.exists():
        lexicon = load_yaml(lexicon_file.read_text(encoding="utf-8")) or {}
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
        if not isinstance(item.get("level"), str) or not item["level"].strip():
            raise TaxonomyError(f"Objective {item.get('id')!r} has no level name.")
        objectives.append(
            Objective(
                id=item["id"],
                code=item.get("code", ""),
                level=item["level"],
                label=item["label"],
                parent=item.get("parent"),
                description=item.get("description", ""),
                lexicon=tuple(item.get("lexicon", ())),
                transversal=bool(item.get("transversal", False)),
                anct_2015=tuple(item.get("anct_2015", ())),
                anct_2024=tuple(item.get("anct_2024", ())),
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


def read_national(path: Path) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """A ``<tree>.anct.csv`` file: ``code;libellé;anct 2015-2023;anct 2024-2030;justification`` (sous-thèmes
    separated by « | », most likely first), checked against the nomenclature."""
    import csv

    from cvclassify.taxonomy.national import check

    found, problems = {}, []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle, delimiter=";"), start=2):
            codes = tuple(tuple(c.strip() for c in (row.get(column) or "").split("|") if c.strip())
                          for column in ("anct 2015-2023", "anct 2024-2030"))
            problems += check("2015", codes[0], f"{path.name}, ligne {line}") + check(
                "2024", codes[1], f"{path.name}, ligne {line}")
            found[row["code"].strip()] = codes
    if problems:
        raise TaxonomyError("\n".join(problems))
    return found

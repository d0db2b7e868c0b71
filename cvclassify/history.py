"""A team's tagged history: past applications and the codes they were given, imported into a project.

    export file ─ batch readers ─ rows ─ text columns + codes column ─ codes read as teams write them
                                                                     └ kept rows → corpus/imports/<project>/

A codes cell is read as teams write it: « 2.11.1 », « 2.11.1 ; 1.4.1 », « Obj. 2.11.1 », « 2.11.1 - Développer… »,
a label instead of a code (« L'emploi »), or, with ``source``, codes of another project mapped through the
crosswalk ``SOURCE__PROJECT.csv``. Rows whose text is empty, whose codes are all unknown, or that repeat a text
already imported or already in the corpus are reported and not written. The kept rows go to one JSON Lines file
named after the input's content hash, written atomically: importing the same file twice adds nothing, and
nothing is written when the file cannot be read.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cvclassify.document import text_hash, text_of
from cvclassify.errors import BatchInputError, CorpusError
from cvclassify.io import atomic_write_text, file_sha256
from cvclassify.io.columns import find_column, map_columns
from cvclassify.io.readers import open_table
from cvclassify.labels import level_name
from cvclassify.projects import Project
from cvclassify.taxonomy import Objective, Taxonomy
from cvclassify.taxonomy.crosswalk import Crosswalk

IMPORT_STYLE = "import"
"""The ``style`` of imported proposals (written by a team, not by the corpus' writers)."""
_PREFIX = re.compile(r"^(?:obj(?:ectif)?s?|axe|oo|os|op[ée]rationnel|code|n°|no|num[ée]ro|fiche)\b\.?\s*[:°n.]*\s*",
                     re.IGNORECASE)
_CODE = re.compile(r"^([A-Za-z]{0,2}\d+(?:[.\-]\d+)*(?:[.\- ]?(?:bis|ter|[a-z]))?)(?=$|[\s:;,/)–—-])", re.IGNORECASE)
_DASHES = re.compile(r"\s+[-–—:]\s+|\s*[–—]\s*")
_SEPARATORS = re.compile(r"[;\n|]+")


def fold(text: str) -> str:
    """Lower-case letters and digits, accents and punctuation removed, single spaces (to compare labels)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split())


@dataclass
class CodeReader:
    """Reads the codes cell of a row against one tree (the project's, or ``source``'s mapped by a crosswalk)."""

    tree: Taxonomy
    crosswalk: Crosswalk | None = None
    _codes: dict[str, Objective] = field(init=False, repr=False)
    _labels: dict[str, Objective] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._codes = {}
        for o in self.tree:
            for key in (o.id, o.code):
                if key:
                    self._codes.setdefault(key.casefold(), o)
        self._labels = {fold(o.label): o for o in self.tree if o.label}

    def read(self, cell: str) -> tuple[list[str], list[tuple[str, str]]]:
        """The leaf codes (and transversal concerns) of a cell, in order, and the pieces not understood with
        why (« code inconnu », « objectif, pas un code opérationnel »…)."""
        found: list[str] = []
        problems: list[tuple[str, str]] = []
        for piece in self._pieces(cell):
            node, why = self._node(piece)
            if node is None:
                problems.append((piece, why))
            elif not self.tree.is_leaf(node.id) and not node.transversal:
                problems.append((piece, f"« {node.display_code} » est un niveau « {level_name(node.level)} » de "
                                        "l'arbre, pas un code qui s'attribue"))
            else:
                found.append(node.id)
        found = list(dict.fromkeys(found))
        if self.crosswalk is not None and found:
            mapped = []
            for code in found:
                if code in self.crosswalk.codes:
                    codes, concerns = self.crosswalk.map([code])
                    mapped += [*codes, *concerns]
                else:
                    problems.append((code, f"absent de la table de correspondance {self.crosswalk.source} → "
                                           f"{self.crosswalk.target}"))
            found = list(dict.fromkeys(mapped))
        return found, problems

    def _pieces(self, cell: str) -> list[str]:
        """A cell cut into one piece per code or label: « ; », « | » and lines always separate; commas, « / »,
        « + » and « et » separate only pieces that each start with a code (labels hold commas)."""
        pieces = []
        for part in _SEPARATORS.split(cell):
            part = part.strip(" \t.,")
            if not part:
                continue
            small = [s.strip(" .") for s in re.split(r"\s*(?:,|/|\+|\bet\b)\s*", part) if s.strip(" .")]
            if len(small) > 1 and all(self._code_token(s) for s in small):
                pieces += small
            else:
                pieces.append(part)
        return pieces

    def _code_token(self, piece: str) -> str | None:
        """The code a piece starts with (after « Obj. », « n° »…), or None."""
        match = _CODE.match(_PREFIX.sub("", piece.strip()))
        return match.group(1) if match else None

    def _node(self, piece: str) -> tuple[Objective | None, str]:
        """The tree node a piece names: its code, else its label (exact, a unique prefix, or a near match)."""
        token = self._code_token(piece)
        if token:
            node = self._codes.get(token.casefold()) or self._codes.get(re.sub(r"[\s.\-]+(bis|ter)$", r"-\1",
                                                                              token.casefold()))
            if node is not None:
                return node, ""
        stripped = _PREFIX.sub("", piece.strip())
        for candidate in (stripped, _DASHES.split(stripped, maxsplit=1)[-1]):
            node = self._codes.get(candidate.strip().casefold()) or self._label(candidate)
            if node is not None:
                return node, ""
        return None, "code inconnu" if token else "ni un code ni un intitulé de l'arbre"

    def _label(self, text: str) -> Objective | None:
        key = fold(text)
        if not key:
            return None
        if key in self._labels:
            return self._labels[key]
        starts = [o for label, o in self._labels.items() if len(key) >= 12 and label.startswith(key)]
        if len(starts) == 1:  # a label cut short by the export
            return starts[0]
        close = difflib.get_close_matches(key, list(self._labels), n=2, cutoff=0.9)
        return self._labels[close[0]] if len(close) == 1 else None


@dataclass
class ImportReport:
    """What an import kept and left out, row by row (rows as the user's tool numbers them)."""

    file: str
    project: str
    rows: int = 0
    kept: int = 0
    target: str = ""
    """The corpus file written ("" when nothing was written)."""
    already_imported: bool = False
    """The same file (same content) was imported before: nothing added."""
    unknown: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Piece of a codes cell not understood (with why) → rows."""
    no_code_kept: list[str] = field(default_factory=list)
    """Rows left out because none of their codes is a code of the tree."""
    empty_codes: list[str] = field(default_factory=list)
    empty_text: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    """(row, the earlier row or corpus proposal with the same text)."""
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    """(row, why) of rows not read, or read only in part: left out."""
    codes: dict[str, int] = field(default_factory=dict)
    """Codes of the kept rows, with their counts."""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The report as JSON-ready data."""
        return {"file": self.file, "project": self.project, "rows": self.rows, "kept": self.kept,
                "target": self.target, "already_imported": self.already_imported,
                "unknown": dict(self.unknown), "no_code_kept": self.no_code_kept, "empty_codes": self.empty_codes,
                "empty_text": self.empty_text, "duplicates": [list(d) for d in self.duplicates],
                "unreadable": [list(u) for u in self.unreadable], "codes": self.codes, "notes": self.notes}


def imported_file(project: Project, path: Path) -> Path:
    """Where the rows of an input file are kept: ``corpus/imports/<project>/<name>-<hash>.jsonl``."""
    stem = re.sub(r"[^0-9A-Za-z_-]+", "-", Path(path).stem).strip("-")[:40] or "import"
    return project.imports_dir / f"{stem}-{file_sha256(path)[:12]}.jsonl"


def known_texts(project: Project) -> dict[str, str]:
    """Text hash → id of every proposal of the project's corpus and imports (to find duplicates)."""
    from cvclassify.corpus import load_corpus

    known: dict[str, str] = {}
    for folder in (project.corpus_dir, project.imports_dir):
        if folder.is_dir() and any(folder.glob("*.jsonl")):
            for p in load_corpus(folder).proposals:
                known.setdefault(text_hash(p.full_text), p.id)
    return known


def crosswalk_source(project: Project, source: str, tree: Taxonomy) -> tuple[Taxonomy, Crosswalk]:
    """The tree of another project of the home and its crosswalk to ``project`` (to read codes of an older
    contract), or a French error naming the file to write."""
    from cvclassify.projects import Home
    from cvclassify.taxonomy import load_taxonomy
    from cvclassify.taxonomy.crosswalk import crosswalk_path, load_crosswalk

    other = Home.open(project.home).project(source)
    source_tree = load_taxonomy(other.taxonomy_path)
    folder = project.home / (project.crosswalks or "corpus/objectives/crosswalks")
    return source_tree, load_crosswalk(crosswalk_path(folder, other.name, project.name), source_tree, tree)


def import_history(project: Project, path: Path, tree: Taxonomy, codes_col: str, *,
                   text_cols: Sequence[str] | None = None, id_col: str | None = None, sheet: str | None = None,
                   source: tuple[Taxonomy, Crosswalk] | None = None, dry_run: bool = False) -> ImportReport:
    """Import a tagged file into a project's corpus; the report says what was kept and what was left out.

    Raises a French ``CorpusError`` (nothing written) when the file cannot be read, has no such codes column, or
    when no row has a code of the tree.
    """
    path = Path(path)
    project.check_writable()
    report = ImportReport(file=str(path), project=project.name)
    target = imported_file(project, path) if path.is_file() else project.imports_dir / f"{path.name}.jsonl"
    if target.is_file():
        report.already_imported = True
        report.target = str(target)
        report.notes.append(f"« {path.name} » a déjà été importé ({target.name}) : rien n'est ajouté.")
        return report
    try:
        table = open_table(path, sheet)
    except BatchInputError as exc:
        raise CorpusError(f"Import impossible, rien n'est écrit : {exc}") from exc
    if not table.columns:
        raise CorpusError(f"Import impossible, rien n'est écrit : « {path.name} » ne contient aucune ligne lisible.")
    if any("\ufffd" in c or any(not ch.isprintable() for ch in c) for c in table.columns):
        raise CorpusError(f"Import impossible, rien n'est écrit : l'en-tête de « {path.name} » est illisible "
                          "(fichier binaire, ou encodage inconnu). Enregistrez l'export en CSV UTF-8, XLSX ou ODS.")
    try:
        codes_column = find_column(table.columns, codes_col)
    except BatchInputError as exc:
        raise CorpusError(f"Pas de colonne de codes : {exc}") from exc
    if table.columns == [codes_column]:
        raise CorpusError(f"Import impossible, rien n'est écrit : « {path.name} » n'a que la colonne de codes "
                          f"« {codes_column} » ; il faut aussi le texte des demandes.")
    mapping = map_columns([c for c in table.columns if c != codes_column], list(text_cols or []) or None, id_col)
    reader = CodeReader(*source) if source else CodeReader(tree)
    known = known_texts(project)
    seen: dict[str, str] = {}
    records: list[dict] = []
    codes_count: dict[str, int] = defaultdict(int)
    for row in table.rows:
        report.rows += 1
        if row.error:  # unreadable, or read in part (a row with too many cells may have lost its codes)
            report.unreadable.append((row.where, row.error))
            continue
        fields = mapping.fields(row.values)
        text = text_of(fields) if fields else ""
        if not text.strip():
            report.empty_text.append(row.where)
            continue
        cell = (row.values.get(codes_column) or "").strip()
        if not cell:
            report.empty_codes.append(row.where)
            continue
        codes, problems = reader.read(cell)
        for piece, why in problems:
            report.unknown[f"{piece} ({why})"].append(row.where)
        if not codes:
            report.no_code_kept.append(row.where)
            continue
        key = text_hash(text)
        earlier = seen.get(key) or known.get(key)
        if earlier:
            report.duplicates.append((row.where, earlier))
            continue
        seen[key] = row.where
        for code in codes:
            codes_count[code] += 1
        title = fields.get("title", "")
        body = "\n\n".join(v for k, v in fields.items() if k != "title")
        records.append({"id": f"imp-{key[:12]}", "title": title, "text": body or title, "codes": codes,
                        "style": IMPORT_STYLE, "porteur": "", "quartier": "", "year": None,
                        "imported_from": path.name, "row": row.where, "row_id": mapping.row_id(row)})
    if report.rows == len(report.unreadable):
        raise CorpusError(f"Import impossible, rien n'est écrit : aucune ligne de « {path.name} » n'est lisible "
                          f"({report.unreadable[0][1] if report.unreadable else 'fichier vide'}).")
    if not records and not report.duplicates:
        cells = [piece.rsplit(" (", 1)[0] for piece in report.unknown]
        other = None if source else _project_knowing(project, cells)
        hint = (f"Ces codes sont ceux du projet {other!r} : ajoutez --from {other}." if other else
                "Vérifiez la colonne (--codes-col) ou, pour des codes d'un autre contrat, indiquez son projet avec "
                "--from.")
        raise CorpusError(
            f"Aucune ligne de « {path.name} » n'a de code de l'arbre {reader.tree.name!r} : rien n'est écrit. "
            f"Valeurs lues dans « {codes_column} » : {', '.join(list(report.unknown)[:5]) or 'aucune'}. {hint}"
        )
    report.kept = len(records)
    report.codes = dict(sorted(codes_count.items(), key=lambda kv: -kv[1]))
    report.notes += [*table.notes, mapping.describe()]  # how the file was read: hidden sheets left out, …
    if records and not dry_run:
        header = {"_import": {"file": path.name, "sha256": file_sha256(path) if path.is_file() else "",
                              "at": datetime.now(UTC).isoformat(timespec="seconds"), "codes_column": codes_column}}
        lines = [json.dumps(r, ensure_ascii=False) for r in records]
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, "\n".join(lines) + "\n")
        atomic_write_text(target.with_suffix(".report.json"),
                          json.dumps({**header, **report.as_dict(), "target": str(target)}, ensure_ascii=False,
                                     indent=2) + "\n")
        report.target = str(target)
    return report


def _project_knowing(project: Project, cells: Sequence[str]) -> str | None:
    """Another project of the home whose tree reads most of these cells (to suggest ``--from``)."""
    from cvclassify.errors import CvclassifyError
    from cvclassify.projects import Home
    from cvclassify.taxonomy import load_taxonomy

    best, best_count = None, 0
    try:
        home = Home.open(project.home)
        for name, other in home.projects.items():
            if name == project.name:
                continue
            reader = CodeReader(load_taxonomy(other.taxonomy_path))
            count = sum(bool(reader.read(cell)[0]) for cell in cells)
            if count > best_count:
                best, best_count = name, count
    except CvclassifyError:
        return None
    return best if best_count * 2 >= len(cells) else None


def unknown_summary(report: ImportReport, limit: int = 8) -> Iterable[str]:
    """Lines naming each piece not understood and the first rows carrying it, for a terminal."""
    for piece, rows in list(report.unknown.items())[:limit]:
        more = f" et {len(rows) - 3} autre(s)" if len(rows) > 3 else ""
        yield f"{piece} : {', '.join(rows[:3])}{more}"
    if len(report.unknown) > limit:
        yield f"… et {len(report.unknown) - limit} autre(s) valeur(s) inconnue(s)"

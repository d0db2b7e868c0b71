"""Objective trees as spreadsheets: the route every team can take to load its contract's tree.

One row per node: ``code`` (optional: generated from the label when empty), ``libellé``, ``code parent``,
``niveau`` (optional: derived from the depth when empty), ``description``, ``mots-clés`` (separated by « | »
or « ; »), ``transversal`` (oui/non: a transversal concern, a label of the second family) and the national
sous-thèmes ``ANCT 2015-2023`` / ``ANCT 2024-2030``. Files are read through the batch readers (XLSX, ODS,
CSV, JSON Lines) or as YAML/JSON lists of such rows; a stored tree (JSON/YAML with ``schema_version``) loads
as it is. Every problem is reported with its line, in French, and nothing is built when there is one.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cvclassify.errors import TaxonomyError
from cvclassify.io import load_yaml
from cvclassify.taxonomy.tree import Objective, Taxonomy, taxonomy_from_dict

COLUMNS = ("code", "libellé", "code parent", "niveau", "description", "mots-clés", "transversal",
           "ANCT 2015-2023", "ANCT 2024-2030")
"""The template's columns, in order."""
ALIASES = {
    "code": ("code", "identifiant", "id", "n°", "numéro", "numero", "num"),
    "libellé": ("libellé", "libelle", "label", "intitulé", "intitule", "objectif"),
    "code parent": ("code parent", "parent", "code du parent"),
    "niveau": ("niveau", "level", "type"),
    "description": ("description", "commentaire", "précisions"),
    "mots-clés": ("mots-clés", "mots clés", "mots-cles", "mots cles", "lexique", "mots"),
    "transversal": ("transversal", "transversale", "préoccupation transversale"),
    "ANCT 2015-2023": ("anct 2015-2023", "sous-thème anct 2015-2023", "sous-theme anct 2015-2023", "anct 2015"),
    "ANCT 2024-2030": ("anct 2024-2030", "sous-thème anct 2024-2030", "sous-theme anct 2024-2030", "anct 2024"),
}
DEPTH_NAMES = ("axe", "orientation", "objectif", "action")
"""Level names by depth when a tree does not name its levels (the ``niveau`` column left empty)."""
YES = {"oui", "o", "yes", "y", "x", "1", "vrai", "true"}
EXAMPLE = [
    {"code": "1", "libellé": "Éducation et réussite éducative", "niveau": "enjeu",
     "description": "De la petite enfance à l'orientation : réussite scolaire, parentalité, continuité éducative.",
     "ANCT 2015-2023": "1.1", "ANCT 2024-2030": "1.2"},
    {"code": "1.1", "libellé": "Conforter le Programme de réussite éducative", "code parent": "1",
     "niveau": "objectif opérationnel", "mots-clés": "PRE | parcours individualisé | équipe pluridisciplinaire",
     "ANCT 2015-2023": "1.1", "ANCT 2024-2030": "1.1"},
    {"code": "1.2", "libellé": "Développer l'accompagnement à la scolarité", "code parent": "1",
     "niveau": "objectif opérationnel", "mots-clés": "CLAS | aide aux devoirs | accompagnement scolaire",
     "ANCT 2015-2023": "1.1", "ANCT 2024-2030": "1.2"},
    {"code": "", "libellé": "Emploi et insertion", "niveau": "enjeu", "ANCT 2015-2023": "2.1", "ANCT 2024-2030": "5.1"},
    {"code": "", "libellé": "Repérer et accompagner les jeunes sans solution", "code parent": "Emploi et insertion",
     "mots-clés": "invisibles | NEET | aller vers | CEJ", "ANCT 2015-2023": "2.1", "ANCT 2024-2030": "5.1"},
    {"code": "", "libellé": "L'égalité entre les femmes et les hommes", "transversal": "oui",
     "description": "Préoccupation qui s'applique à toutes les actions."},
]
"""The filled example of the template: a coded part, an uncoded part (codes generated, parent named by its
label) and a transversal concern."""


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name).casefold())
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


_COLUMN_OF = {_key(alias): column for column, aliases in ALIASES.items() for alias in aliases}


def write_template(path: Path) -> Path:
    """Write the template with its filled example, in the format the extension names (.xlsx, .ods, .csv)."""
    from cvclassify.io.writers import write_rows

    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".ods", ".csv"):
        raise TaxonomyError(f"Le modèle s'écrit en .xlsx, .ods ou .csv, pas « {path.name} ».")
    write_rows(path, list(COLUMNS), [{c: row.get(c, "") for c in COLUMNS} for row in EXAMPLE])
    return path


HEADER_SEARCH = 10
"""Rows searched for a tree spreadsheet's header when its first row does not name its columns (a title above)."""


def _names_columns(cells: Iterable[str]) -> bool:
    """Whether a row is a tree spreadsheet's header: a « libellé » column, or two columns naming levels."""
    from cvclassify.taxonomy.parsers import tables

    cells = [c for c in cells if c]
    numbered = [m.group("level") for c in cells if (m := NUMBERED_COLUMN.match(c.strip()))]  # « Objectif 1 »
    return any(_COLUMN_OF.get(_key(c)) == "libellé" for c in cells) or sum(map(tables.level_named, cells)) >= 2 or (
        bool(cells) and tables.level_named(cells[0]) and sum(map(tables.level_named, numbered)) >= 2)


def open_tree_table(path: Path):
    """The table of a tree spreadsheet, its header found below title rows (« Contrat de ville 2024-2030 – Plan
    d'actions ») when its first row does not name its columns; in a workbook, the first sheet that names them
    (a « Notice » sheet before the tree is passed over)."""
    from cvclassify.io.readers import open_table, reader_for
    from cvclassify.io.readers.base import Table
    from cvclassify.io.readers.spreadsheets import sheet_names

    names = sheet_names(path) if reader_for(path).sheets else []
    table = open_table(path, names[0]) if len(names) > 1 else open_table(path)  # (all sheets' rows follow otherwise)
    found, rows = _headed(table)
    if len(names) > 1:
        sheets = [(name, found if k == 0 else _headed(open_table(path, name))[0]) for k, name in enumerate(names)]
        by_sheet = _sheet_per_axis([(name, other) for name, other in sheets if other is not None])
        if by_sheet is not None:
            return by_sheet
        if found is None:
            name, other = next(((name, other) for name, other in sheets[1:] if other is not None), ("", None))
            if other is not None:
                return Table(other.columns, other.rows, [*other.notes, f"Arbre lu dans la feuille « {name} »."])
    if found is not None:
        return found
    return Table(table.columns, iter(rows), table.notes)


def _sheet_per_axis(sheets: list[tuple[str, Any]]):
    """One table of the sheets that share the same level columns (one sheet per axis, « Axe 1 - Éducation »), the
    sheet's name as the top level's column (named by the sheets' first word when it names a level, else « Axe »);
    None unless two sheets or more do. A « Sommaire » or « Indicateurs » sheet with other columns is left out."""
    from dataclasses import replace

    from cvclassify.io.readers.base import Table
    from cvclassify.taxonomy.parsers import tables

    groups: dict[tuple[str, ...], list[tuple[str, Any]]] = {}
    for name, table in sheets:
        if sum(map(tables.level_named, table.columns)) >= 1:
            groups.setdefault(tuple(table.columns), []).append((name, table))
    group = max(groups.values(), key=len, default=[])
    if len(group) < 2:
        return None
    first_words = {name.split()[0] for name, _ in group if name.split()}
    word = next(iter(first_words)) if len(first_words) == 1 else ""
    level = word if tables.level_named(word) else "Axe"  # « Axe 1 - Éducation », « Pilier 2 - … »
    columns = list(group[0][1].columns)
    if level in columns:
        return None

    def rows():
        for name, table in group:
            for row in table.rows:
                where = row.where if "feuille" in row.where else f"feuille « {name} », {row.where}"
                yield replace(row, values={level: name if row.values else "", **row.values}, where=where)

    named = ", ".join(f"« {name} »" for name, _ in group)
    return Table([level, *columns], rows(), [f"Un {level.casefold()} par feuille : {named}."])


def _headed(table):
    """The table with its header found (or as it is, when its first row names the columns), or None; and the
    rows read to look for it."""
    from dataclasses import replace

    from cvclassify.io.readers.base import Table

    if _names_columns(table.columns):
        return _two_row_header(table), []
    rows = list(table.rows)
    extra = {c for r in rows for c in r.values if c not in table.columns}
    if not all(re.fullmatch(r"colonne \d+", c) for c in extra):  # cells not placed by their column (JSON Lines)
        return None, rows
    extra = {c: int(c.split()[-1]) - 1 for c in extra}
    first = next(i for i in range(len(extra) + 1) if not set(range(i, i + len(table.columns))) & set(extra.values()))
    index = {**{c: first + k for k, c in enumerate(table.columns)}, **extra}

    def cells(row) -> list[str]:
        out = [""] * (max(index.values(), default=0) + 1)
        for column, value in row.values.items():
            out[index[column]] = (value or "").strip()
        return out

    for at, row in enumerate(rows[:HEADER_SEARCH]):
        titles = cells(row)
        if row.values and _names_columns(titles):
            named = {i: title for i, title in enumerate(titles) if title}
            kept = [replace(r, values={title: cells(r)[i] for i, title in named.items()}) if r.values else r
                    for r in rows[at + 1:]]
            return Table(list(named.values()), iter(kept), [*table.notes, f"En-tête lu en {row.where}."]), rows
    return None, rows


def _two_row_header(table):
    """A header on two rows (« Objectifs » merged over « stratégiques | opérationnels »): each column named by the
    title above it, carried over the merged cells, and its own word below (« Objectifs opérationnels »); the table
    as it is when its first row holds data."""
    from dataclasses import replace

    from cvclassify.io.readers.base import Table
    from cvclassify.taxonomy.parsers import tables

    rows = iter(table.rows)
    first = next(rows, None)
    if first is None:
        return Table(table.columns, iter([]), table.notes)
    below = {c: (v or "").strip() for c, v in first.values.items()}
    merged = [c for c in below if re.fullmatch(r"colonne \d+", c)]
    short = all(len(v.split()) <= 3 and not re.search(r"\d", v) for v in below.values())
    names, top = {}, ""
    for column, word in below.items():
        top = top if column in merged else column
        names[column] = f"{top} {word}".strip() if word and not tables.level_named(word) else (word or top)
    if not (short and any(below[c] for c in merged)) or sum(map(tables.level_named, names.values())) < 2:
        return Table(table.columns, itertools.chain([first], rows), table.notes)
    renamed = (replace(r, values={names.get(c, c): v for c, v in r.values.items()}) for r in rows)
    return Table(list(names.values()), renamed, [*table.notes, "En-tête lu sur deux lignes."])


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a tree file (line number as the user sees it, cells by template column)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        return [(n, row) for n, row in enumerate(_structured_rows(path), start=2)]
    table = open_tree_table(path)
    columns = {c: _COLUMN_OF.get(_key(c)) for c in table.columns}
    if "libellé" not in columns.values() and len(table.columns) == 1:
        raise OneColumnSheet(f"« {path.name} » n'a qu'une colonne (« {table.columns[0]} ») et ses cellules ne "
                             "montrent pas les niveaux (ni retrait, ni gras) : le niveau "
                             "de chaque objectif n'y est pas écrit. Donnez une colonne par niveau (« Axe | "
                             "Orientation | Objectif »), les colonnes « libellé » et « niveau », ou mettez en retrait "
                             "les niveaux inférieurs (le modèle : `cvclassify taxonomy template -o arbre.xlsx`).")
    if "libellé" not in columns.values():
        raise TaxonomyError(f"« {path.name} » n'a pas de colonne « libellé » (colonnes attendues : "
                            f"{', '.join(COLUMNS)} ; le modèle : `cvclassify taxonomy template -o arbre.xlsx`).")
    rows = []
    for row in table.rows:
        line = int("".join(ch for ch in row.where.rsplit("ligne", 1)[-1] if ch.isdigit()) or row.index + 1)
        if row.error and not row.values:
            if "ligne vide" in row.error:
                continue
            raise TaxonomyError(f"{row.error}.")
        rows.append((line, {columns[c]: (v or "").strip() for c, v in row.values.items() if columns.get(c)}))
    return _concerns_below(rows)


def _concerns_below(rows: list[tuple[int, dict[str, str]]]) -> list[tuple[int, dict[str, str]]]:
    """Rows with the labels listed under a lone « Priorités transversales » cell marked transversal, and that cell
    and a legend (« Légende : OS = objectif stratégique ») left out."""
    from cvclassify.taxonomy.indented import LEGEND

    out, concerns = [], False
    for line, cells in rows:
        filled = [value for value in cells.values() if value]
        if len(filled) == 1 and not cells.get("libellé") and ("transvers" in filled[0].casefold()
                                                              or LEGEND.match(filled[0])):
            concerns = "transvers" in filled[0].casefold()
            continue
        concerns = concerns and not cells.get("code")
        out.append((line, {**cells, "transversal": "oui"} if concerns and cells.get("libellé") else cells))
    return out


def _structured_rows(path: Path) -> list[dict[str, str]]:
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else load_yaml(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise TaxonomyError(f"« {path.name} » n'est pas un fichier {path.suffix[1:].upper()} lisible : {exc}") from exc
    if isinstance(data, Mapping) and "rows" in data:
        data = data["rows"]
    if not isinstance(data, list) or not all(isinstance(r, Mapping) for r in data):
        raise TaxonomyError(f"« {path.name} » doit contenir une liste de lignes (code, libellé, code parent…).")
    return [{_COLUMN_OF[_key(k)]: "" if v is None else str(v).strip() for k, v in r.items() if _key(k) in _COLUMN_OF}
            for r in data]


def is_stored_tree(path: Path) -> bool:
    """Whether a JSON/YAML file is a stored tree (with ``schema_version``) rather than rows."""
    if Path(path).suffix.lower() not in (".json", ".yaml", ".yml"):
        return False
    try:

        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if Path(path).suffix.lower() == ".json" else load_yaml(text)
    except (OSError, ValueError):
        return False
    return isinstance(data, Mapping) and "schema_version" in data


def tree_from_rows(rows: Iterable[tuple[int, Mapping[str, str]]], name: str, source: str = "") -> Taxonomy:
    """A tree from spreadsheet rows; ``TaxonomyError`` listing every problem (with its line) otherwise."""
    from cvclassify.taxonomy.parsers.outline import slug

    rows = [(line, dict(row)) for line, row in rows if any((v or "").strip() for v in row.values())]
    errors: list[str] = []
    if not rows:
        raise TaxonomyError("Le fichier ne contient aucune ligne d'objectif.")
    taken = {row.get("code", "") for _, row in rows if row.get("code")}
    ids: dict[int, str] = {}
    by_code: dict[str, int] = {}
    by_label: dict[str, list[int]] = {}
    for line, row in rows:
        label = row.get("libellé", "")
        if not label:
            errors.append(f"ligne {line} : le libellé est vide.")
            continue
        code = row.get("code", "")
        if code:
            if code in by_code:
                hint = (f" (un tableur a-t-il lu « {code}0 » comme le nombre {code} ? Mettez la colonne des codes "
                        "au format texte avant d'enregistrer)" if re.fullmatch(r"\d+[.,]\d", code) else "")
                errors.append(f"ligne {line} : le code « {code} » est déjà celui de la ligne {by_code[code]}{hint}.")
                continue
            by_code[code] = line
        ids[line] = code or slug(label, taken)
        by_label.setdefault(_key(label), []).append(line)
    id_of_label = {k: ids[lines[0]] for k, lines in by_label.items() if len(lines) == 1 and lines[0] in ids}
    parents: dict[int, str | None] = {}
    known = set(ids.values())
    implied = not any(row.get("code parent") for _, row in rows)  # a list of codes: « 1.2 » is under « 1 »
    outline = _parents_by_level(rows, ids) if implied and not any(
        _code_prefix(row.get("code", ""), by_code) for _, row in rows) else {}
    for line, row in rows:
        if line not in ids:
            continue
        wanted = row.get("code parent", "") or (
            _code_prefix(row.get("code", ""), by_code) or outline.get(line, "") if implied else "")
        if not wanted:
            parents[line] = None
        elif wanted in known:
            parents[line] = wanted
        elif _key(wanted) in id_of_label:
            parents[line] = id_of_label[_key(wanted)]
        else:
            errors.append(f"ligne {line} : le code parent « {wanted} » ne correspond à aucune ligne du fichier.")
    parent_of = {ids[line]: parent for line, parent in parents.items()}
    line_of = {ident: line for line, ident in ids.items()}
    for ident in parent_of:
        seen, node = {ident}, parent_of[ident]
        while node is not None:
            if node in seen:
                errors.append(f"ligne {line_of[ident]} : la chaîne des parents boucle (« {ident} » est son propre "
                              "ancêtre).")
                break
            seen.add(node)
            node = parent_of.get(node)
    has_children = {p for p in parent_of.values() if p}
    for lines in by_label.values():
        leaves = [line for line in lines if line in ids and ids[line] not in has_children]
        where = {parents.get(line) for line in leaves}
        if len(leaves) > 1 and len(where) > 1:
            errors.append(f"ligne {leaves[1]} : l'objectif « {dict(rows)[leaves[1]]['libellé']} » figure aussi ligne "
                          f"{leaves[0]} sous un autre parent ; un objectif n'est qu'à un endroit de l'arbre (précisez "
                          "les libellés ou gardez une seule ligne).")
    for line, row in rows:
        if line in ids and row.get("transversal", "").casefold() in YES and (parents.get(line) or ids[line]
                                                                              in has_children):
            errors.append(f"ligne {line} : une préoccupation transversale ne se place pas dans l'arbre (ni parent, "
                          "ni enfants).")
    if errors:
        raise TaxonomyError("L'arbre n'est pas valide ; rien n'a été écrit.\n" + "\n".join(f"- {e}" for e in errors))

    def depth(ident: str) -> int:
        n, node = 0, parent_of.get(ident)
        while node is not None:
            n, node = n + 1, parent_of.get(node)
        return n

    flat = not any(parents.values())  # a plain list: its rows are objectives, not axes
    objectives = []
    for line, row in rows:
        ident = ids[line]
        transversal = row.get("transversal", "").casefold() in YES
        level = row.get("niveau") or ("préoccupation transversale" if transversal else "objectif" if flat
                                      else DEPTH_NAMES[min(depth(ident), len(DEPTH_NAMES) - 1)])
        objectives.append(Objective(
            id=ident, code=row.get("code", ""), level=level, label=row["libellé"], parent=parents[line],
            description=row.get("description", ""), lexicon=_terms(row.get("mots-clés", "")), transversal=transversal,
            anct_2015=_terms(row.get("ANCT 2015-2023", "")), anct_2024=_terms(row.get("ANCT 2024-2030", ""))))
    notes = []
    if implied and any(parents.values()):
        notes.append("Pas de colonne « code parent » : chaque objectif est placé sous "
                     + ("l'objectif dont le code prolonge le sien (1.2 sous 1)." if not outline else
                        "la dernière ligne du niveau au-dessus du sien (colonne « niveau », dans l'ordre des lignes)."))
    return Taxonomy(name=name, objectives=objectives, source=source, warnings=notes)


def _parents_by_level(rows: list[tuple[int, dict[str, str]]], ids: Mapping[int, str]) -> dict[int, str]:
    """Parents of rows listed as an outline, one row per node in reading order with its « niveau » (« Axe »,
    « Objectif », « Axe »…): each row goes under the last row of the level above it, levels ranked by first
    appearance. Empty when the rows name fewer than two levels."""
    ranks: dict[str, int] = {}
    for _, row in rows:
        if row.get("niveau") and row.get("transversal", "").casefold() not in YES:
            ranks.setdefault(_key(row["niveau"]), len(ranks))
    if len(ranks) < 2:
        return {}
    parents: dict[int, str] = {}
    last: dict[int, str] = {}  # rank → the last row read at that level
    for line, row in rows:
        rank = ranks.get(_key(row.get("niveau", "")))
        if rank is None or line not in ids or row.get("transversal", "").casefold() in YES:
            continue
        above = next((last[r] for r in range(rank - 1, -1, -1) if r in last), None)
        if above is not None:
            parents[line] = above
        last = {r: ident for r, ident in last.items() if r < rank}
        last[rank] = ids[line]
    return parents


def _code_prefix(code: str, codes: Mapping[str, int]) -> str:
    """The nearest code of the file that a dotted code extends (« 1.2.3 » → « 1.2 », else « 1 »), or ""."""
    parts = code.rstrip(".").split(".")
    for end in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in codes:
            return prefix
    return ""


def _terms(cell: str) -> tuple[str, ...]:
    separator = "|" if "|" in cell else ";"
    return tuple(t.strip() for t in cell.split(separator) if t.strip())


def read_tree(path: Path, name: str) -> Taxonomy:
    """A tree from a spreadsheet or row file (see the module), or a stored tree; a spreadsheet with one column
    per level (« Axe | Orientation | Objectif », merged or repeated cells) is read as a contract's table."""
    path = Path(path)
    if is_stored_tree(path):

        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else load_yaml(text)
        return taxonomy_from_dict(data)
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        wide = _wide_tree(path, name) or _path_tree(path, name)
        if wide is not None:
            return wide
    linked = _linked_sheets(path)
    if linked is not None:
        return tree_from_rows(linked, name, source=path.name)
    by_row = _row_per_parent(path, name) if path.suffix.lower() not in (".yaml", ".yml", ".json") else None
    if by_row is not None:
        return by_row
    try:
        rows = read_rows(path)
    except OneColumnSheet:
        indented = _indented_tree(path, name) or _indented_tree(path, name, wide=True)
        if indented is None:
            raise
        return indented
    except TaxonomyError:
        by_column = _axis_columns_tree(path, name) or _indented_tree(path, name, wide=True)
        if by_column is None:
            raise
        return by_column
    if not any(row.get(column) for _, row in rows for column in ("code", "code parent", "niveau")):
        indented = _indented_tree(path, name, wide=True)  # labels alone: their indentation or look gives the levels
        if indented is not None and indented.depth >= 2:
            return indented
    return tree_from_rows(rows, name, source=path.name)


def _axis_columns_tree(path: Path, name: str) -> Taxonomy | None:
    """The tree of a sheet with one column per axis (« Cohésion sociale | Emploi | Habitat » over each axis's
    objectives, of uneven lengths), read as a contract whose axes are headings over their lists; a column whose
    title names transversal concerns lists them. None unless two columns or more hold a title over objectives."""
    from dataclasses import replace

    from cvclassify.io.readers import open_table
    from cvclassify.taxonomy.parsers import best_parse
    from cvclassify.taxonomy.parsers.outline import looks_like_objective

    table = open_table(path)
    rows, names = list(table.rows), list(table.columns)
    names += [c for c in dict.fromkeys(c for r in rows for c in r.values) if c not in names]
    grid = [names] + [[(r.values.get(c) or "").strip() for c in names] for r in rows]
    grid = [["" if re.fullmatch(r"colonne \d+", cell) else cell for cell in row] for row in grid]  # unnamed
    for top, row in enumerate(grid[:6]):
        below = {c: [r[c] for r in grid[top + 1:] if r[c]] for c, title in enumerate(row) if title}
        axes = [c for c, cells in below.items() if len(cells) >= 2 and not looks_like_objective(row[c])
                and sum(map(looks_like_objective, cells)) * 2 > len(cells)]
        if len(axes) < 2:
            continue
        concerns = [c for c in range(len(names)) if c not in axes and any(
            "transvers" in r[c].casefold() for r in grid[:top + 1])]
        text = [line for c in axes for line in (f"## {row[c]}", "", *(f"- {cell}" for cell in below[c]), "")]
        for c in concerns:
            text += ["Priorités transversales :", *(f"- {r[c]}" for r in grid[top + 1:] if r[c]), ""]
        tree = best_parse("\n".join(text), name=name, source=path.name)[1]
        layout = ("Tableur à une colonne par axe : le titre de chaque colonne est l'axe, les cellules en dessous ses "
                  "objectifs.")
        return replace(tree, warnings=[layout, *tree.warnings[1:]])
    return None


def _path_tree(path: Path, name: str) -> Taxonomy | None:
    """The tree of a sheet whose column holds each objective's path (« Axe 1 - Emploi > 1.2 Lever les freins >
    1.2.1 Développer la garde d'enfants », a grant platform's nomenclature), read as the outline of the paths'
    levels; None when no column holds such paths."""
    from dataclasses import replace

    from cvclassify.io.readers import open_table
    from cvclassify.taxonomy.parsers import best_parse
    from cvclassify.taxonomy.parsers.markup import paths_as_outline

    table = open_table(path)
    columns: dict[str, list[str]] = {}
    for row in table.rows:
        for column, value in row.values.items():
            columns.setdefault(column, []).append(str(value or ""))
    for cells in columns.values():
        outline = paths_as_outline(cells)
        if outline is not None:
            tree = best_parse("\n".join(outline), name=name, source=path.name)[1]
            layout = "Tableur de chemins : chaque cellule donne les niveaux d'un objectif, séparés par « > »."
            return replace(tree, warnings=[layout, *tree.warnings[1:]])
    return None


def _linked_sheets(path: Path) -> list[tuple[int, dict[str, str]]] | None:
    """The rows of a workbook whose upper level is a sheet of its own (« Axes » : Code | Intitulé) and whose
    objectives, on another sheet, name their parent's code in a column named by that level (« Objectifs » : Code
    objectif | Intitulé | Axe); a cell naming the transversal concerns (« Priorités transversales : a ; b ») gives
    them. None for other files."""
    from cvclassify.io.readers import open_table, reader_for
    from cvclassify.io.readers.spreadsheets import sheet_names
    from cvclassify.taxonomy.parsers import tables
    from cvclassify.taxonomy.parsers.outline import _enumerated

    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods") or not reader_for(path).sheets:
        return None
    sheets = []
    for sheet in sheet_names(path):
        table = _headed(open_table(path, sheet))[0]
        if table is not None:  # « Code objectif » is the code column of its sheet
            role = {c: _COLUMN_OF.get(_key(c)) or ("code" if re.match(r"(?i)code\b(?!\s+parent)", c) else None)
                    for c in table.columns}
            sheets.append((sheet, table.columns, role, [r.values for r in table.rows]))
    for top, columns, role, rows in sheets:
        if {"code", "libellé"} - set(role.values()):
            continue
        code = next(c for c in columns if role[c] == "code")
        codes = {(r.get(code) or "").strip() for r in rows} - {""}
        for sheet, other_columns, other_role, other_rows in sheets:
            link = next((c for c in other_columns if sheet != top and tables.level_named(c) and not other_role[c]
                         and set() < {(r.get(c) or "").strip() for r in other_rows} - {""} <= codes), None)
            if link is None or {"code", "libellé"} - set(other_role.values()):
                continue
            out: list[tuple[int, dict[str, str]]] = []
            for n, values in enumerate(rows, start=2):
                cells = {role[c]: (v or "").strip() for c, v in values.items() if role.get(c)}
                concerns = _enumerated(" ".join(v for v in cells.values() if v)) if not cells.get("libellé") else []
                out += [(n, {"libellé": concern, "transversal": "oui"}) for concern in concerns]
                if cells.get("libellé"):
                    out.append((n, {**cells, "niveau": link}))
            for n, values in enumerate(other_rows, start=2):
                cells = {other_role[c]: (v or "").strip() for c, v in values.items() if other_role.get(c)}
                if cells.get("libellé"):
                    out.append((n, {**cells, "code parent": (values.get(link) or "").strip()}))
            return [(n, row) for n, (_, row) in enumerate(out, start=2)]  # one number per row, sheets in turn
    return None


NUMBERED_COLUMN = re.compile(r"^(?P<level>.+?)\s*(?:n[°o]\s*)?\d{1,2}$", re.IGNORECASE)


def _row_per_parent(path: Path, name: str) -> Taxonomy | None:
    """The tree of a sheet of one row per axis, its objectives in the columns beside (« Axe | Objectif 1 | Objectif
    2 | … », rows of uneven length), read as headings over their lists; a row naming the transversal priorities
    lists them. None unless the header names a level, then two numbered columns or more of another one."""
    from dataclasses import replace

    from cvclassify.taxonomy.indented import LEGEND
    from cvclassify.taxonomy.parsers import best_parse, tables

    table = open_tree_table(path)
    columns = list(table.columns)
    numbered = [NUMBERED_COLUMN.match(c.strip()) for c in columns[1:]]
    if not columns or not tables.level_named(columns[0]) or len(numbered) < 2 or not all(numbered) or len(
            {_key(m.group("level")) for m in numbered}) != 1 or not tables.level_named(numbered[0].group("level")):
        return None
    lines: list[str] = []
    for row in table.rows:
        cells = [" ".join((row.values.get(c) or "").split()) for c in columns]
        if not cells[0] or LEGEND.match(cells[0]):
            continue
        heading = "Priorités transversales :" if "transvers" in cells[0].casefold() else f"## {cells[0]}"
        lines += [heading, "", *(f"- {cell}" for cell in cells[1:] if cell), ""]
    tree = best_parse("\n".join(lines), name=name, source=path.name)[1]
    layout = f"Tableur d'une ligne par {columns[0].casefold()}, ses objectifs dans les colonnes à côté."
    return replace(tree, warnings=[layout, *tree.warnings[1:]])



class OneColumnSheet(TaxonomyError):
    """A tree spreadsheet of a single column, without « libellé » and « niveau »."""


def _indented_tree(path: Path, name: str, wide: bool = False) -> Taxonomy | None:
    """The tree of a one-column workbook whose levels are shown by indentation, fill colour or bold (``indented``),
    read as a contract's outline; None when its cells all look alike. ``wide``: the label column of a sheet of
    several columns (pilots, dates beside it)."""
    from dataclasses import replace

    from cvclassify.taxonomy.indented import outline_text
    from cvclassify.taxonomy.parsers import best_parse

    text = outline_text(path, wide)
    if text is None:
        return None
    try:
        tree = best_parse(text, name=name, source=path.name)[1]
    except TaxonomyError:
        if wide:
            return None  # the original message says what the sheet lacks
        raise
    layout = ("Tableur : les niveaux sont lus d'après le retrait, la couleur de fond ou le gras des cellules de la "
              "colonne des libellés.")
    return replace(tree, warnings=[layout, *tree.warnings[1:]])


TOTAL = re.compile(r"^(?:sous-)?total\b", re.IGNORECASE)


def _total(values: Mapping[str, str], levels: list[str]) -> bool:
    """A row that counts the rows above (« Total : 24 objectifs » in its last filled level) or a footnote under
    the table (« (1) Objectif issu de la concertation », « ² Sous réserve … » alone in its row), not a node."""
    filled = [values[c].strip() for c in levels if (values.get(c) or "").strip()]
    return bool(filled) and (bool(TOTAL.match(filled[-1])) or (len(filled) == 1 and bool(NOTE.match(filled[0]))))


NOTE = re.compile(r"^(?:\(\d{1,2}\)|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*{1,3})\s*\S")
"""A footnote's mark opening a cell."""
NOTE_MARKS = re.compile(r"(?:\s*(?:\(\d{1,2}\)|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\*{1,3}|\[[^\[\]]{1,60}\]))+\s*$")
"""Marks of footnotes and editorial notes ending a label (« … des femmes (1) », « … tranquillité* », « … jeunesse
[à valider en COPIL] »): not the label's."""


LEAF_COLUMNS = ("description", "mots-clés", "ANCT 2015-2023", "ANCT 2024-2030")
"""Template columns that a spreadsheet with one column per level gives to the objective ending each row."""


def _wide_tree(path: Path, name: str) -> Taxonomy | None:
    """The tree of a spreadsheet with one column per level (« Axe | Orientation | Objectif ») and no « code
    parent » column, read by the table parser; its description, keyword and ANCT columns go to the objective that
    ends each row. None for the template's one-row-per-node layout."""
    from dataclasses import replace

    from cvclassify.taxonomy.parsers import tables

    table = open_tree_table(path)
    role = {c: _COLUMN_OF.get(_key(c)) for c in table.columns}
    levels = [c for c in table.columns if tables.level_named(c)]
    if len([c for c in levels if not tables.old_generation(c)]) >= 2:
        levels = [c for c in levels if not tables.old_generation(c)]  # the new contract's, beside the old one's
    if "code parent" in role.values() or len(levels) < 2:
        return None

    def row(cells: Iterable[str]) -> str:
        return "| " + " | ".join(" ".join((cell or "").replace("|", "/").split()) for cell in cells) + " |"

    rows = [r.values for r in table.rows if r.values and not _total(r.values, levels)]
    names = list(table.columns)
    cells = [[r.get(c) or "" for c in names] for r in rows]
    codes = {names[level]: names[code] for level, code in tables.code_columns(names, cells).items()}

    spelling: dict[tuple[str, str], str] = {}

    def cell(values: Mapping[str, str], level: str) -> str:
        """A level's cell as first spelled in its column (« Emploi et Insertion », « emploi et insertion » further
        down are the same parent), starting with a capital (a row of a sheet is a record, never the wrapped end of
        the cell above), without its notes' marks."""
        label = NOTE_MARKS.sub("", " ".join((values.get(level) or "").split()))
        label = spelling.setdefault((level, _key(label)), label)
        return tables.with_code(values.get(codes.get(level, "")) or "", label[:1].upper() + label[1:])

    text = "\n".join([row(levels), row("---" for _ in levels), *(row(cell(r, c) for c in levels) for r in rows)])
    tree = tables.parse(text + "\n", name=name, source=path.name)
    extras: dict[str, list[dict[str, str]]] = {}
    for values in rows:
        filled = [values.get(c, "").strip() for c in levels if (values.get(c) or "").strip()]
        if filled:
            extras.setdefault(_key(tables.cell_label(filled[-1])), []).append(
                {role[c]: (values.get(c) or "").strip() for c in table.columns if role[c] in LEAF_COLUMNS})
    objectives = []
    for objective in tree:
        found = extras.get(_key(objective.label), [])
        if tree.is_leaf(objective.id) and len(found) == 1:
            cells = found[0]
            objective = replace(objective, description=cells.get("description", ""),
                                lexicon=_terms(cells.get("mots-clés", "")),
                                anct_2015=_terms(cells.get("ANCT 2015-2023", "")),
                                anct_2024=_terms(cells.get("ANCT 2024-2030", "")))
        objectives.append(objective)
    layout = (f"Tableur à une colonne par niveau ({', '.join(levels)}) : une cellule vide ou répétée reprend "
              "l'objectif du dessus.")
    return Taxonomy(name=name, objectives=objectives, source=path.name, source_sha256=tree.source_sha256,
                    warnings=[layout, *tree.warnings[1:]])


def tree_rows(tree: Taxonomy) -> list[dict[str, Any]]:
    """A tree as template rows (to edit it in a spreadsheet)."""
    return [{"code": o.code or (o.id if not o.code and o.id else ""), "libellé": o.label,
             "code parent": o.parent or "", "niveau": o.level, "description": o.description,
             "mots-clés": " | ".join(o.lexicon), "transversal": "oui" if o.transversal else "non",
             "ANCT 2015-2023": " | ".join(o.anct_2015), "ANCT 2024-2030": " | ".join(o.anct_2024)} for o in tree]

"""Which input columns hold the text to classify (title, objectives, description…) and which one the id.

Headers are matched case-, accent- and punctuation-insensitively, so that "libellé.de.l.action" (as R
reads it) is "Libellé de l'action". Some columns of the exports are left out on purpose: "Thème",
"Sous-thèmes", "thematique" carry labels of the funder's nomenclature, and "Raison sociale longue",
"Porteur", "Mt engagé", "montant" name the carrier or the amount — none says what the action does, and
reading them would teach the classifier the funder's coding rather than the content.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from cvclassify.document import FIELD_ALIASES, FIELDS
from cvclassify.errors import BatchInputError, CvclassifyError
from cvclassify.io.readers.base import Row, plural, quoted
from cvclassify.labels import Field, french

# Real export field names, from ../shared/reference/export_schemas.json (ANCT "Subventions politique de
# la ville" xlsx and its R reading, ANCT map JSON, Dauphin / Data.Subvention, GISPRO/Chorus, Paris open
# data, SCDL). Copied here: that file is outside the package.
TITLE_HEADERS = (
    "Libellé de l'action", "lib_action", "intituleProjet", "Intitulé", "intitule", "titre", "title",
    "libelle", "Libellé", "libelle.value", "Intitulé du projet", "Nom de l'action",
)
OBJECTIVES_HEADERS = (
    "Objectif", "objectif", "objectifs", "objet", "objet.value", "Objet du dossier", "objet_du_dossier", "Objectifs",
)
TEXT_HEADERS = ("description", "description.value", "Description", "texte", "text", "Description de l'action")
PUBLIC_HEADERS = ("public", "Public visé", "Bénéficiaires", "beneficiaires")
TERRITORY_HEADERS = ("territoire", "Territoire", "quartier", "Quartier")
ID_HEADERS = (
    "Numéro De l'Action Prj", "id_action", "reference", "referenceAdministrative", "codeActionProjet",
    "Numéro de dossier", "numero_de_dossier", "Action - Code dossier", "Action de demande - Code dossier",
    "id", "identifiant", "N° dossier",
)
# Context of a row shown beside its text on the review desk, never read by the classifier (see above): who
# carries the action, where, for how much, which year. Same sources; « Quartier »/« QPV » as teams write them.
CARRIER_HEADERS = (
    "Raison sociale longue", "raison_sociale", "Porteur", "Nom Bénéficiaire", "nomBeneficiaire",
    "Structure porteuse", "Porteur du projet",
)
DISTRICT_HEADERS = ("Quartier", "quartier", "Quartiers", "QPV", "Quartier prioritaire", "Quartier(s) concerné(s)")
AMOUNT_HEADERS = (
    "Montant demandé", "montant_demande", "Mt engagé", "Montant engagé", "Montant voté", "montant", "Montant (€)",
    "Montant", "montant_format",
)
YEAR_HEADERS = ("Année", "annee", "Année budgétaire", "exerciceBudgetaire", "Exercice", "Exercice budgétaire")
CONTEXT_HEADERS: dict[str, tuple[str, ...]] = {
    "carrier": CARRIER_HEADERS,
    "district": DISTRICT_HEADERS,
    "amount": AMOUNT_HEADERS,
    "year": YEAR_HEADERS,
}
"""Context role (``carrier``, ``district``, ``amount``, ``year``) → the headers that hold it."""
FIELD_HEADERS: dict[Field, tuple[str, ...]] = {
    Field.TITLE: TITLE_HEADERS,
    Field.OBJECTIVES: OBJECTIVES_HEADERS,
    Field.TEXT: TEXT_HEADERS,
    Field.PUBLIC: PUBLIC_HEADERS,
    Field.TERRITORY: TERRITORY_HEADERS,
}


def _key(name: str) -> str:
    """A header reduced to its lower-case letters and digits, accents removed."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


_FIELD_OF = {_key(h): str(f) for f in FIELDS for h in (*FIELD_HEADERS[f], *FIELD_ALIASES[f])}
_ID_KEYS = {_key(h) for h in ID_HEADERS}


@dataclass
class ColumnMapping:
    """The input columns read as the document's fields, and the column holding each row's id."""

    text_columns: list[tuple[str, str]]
    """(input column, field among title/objectives/text/public/territory), in reading order."""
    id_column: str | None

    def describe(self) -> str:
        """The mapping in French, for the user."""
        read = ", ".join(f"« {column} » ({french(Field(field))})" for column, field in self.text_columns)
        ident = f"identifiant : « {self.id_column} »" if self.id_column else "pas de colonne d'identifiant"
        return f"texte lu dans {read} ; {ident}"

    def fields(self, values: dict[str, str]) -> dict[str, str]:
        """The document fields of one row; empty cells left out, columns of one field joined by lines."""
        found: dict[str, str] = {}
        for column, field in self.text_columns:
            value = (values.get(column) or "").strip()
            if value:
                found[field] = f"{found[field]}\n{value}" if field in found else value
        return found

    def row_id(self, row: Row) -> str:
        """The row's id cell, else a document's relative path, else "ligne-N"."""
        for column in (self.id_column, "fichier"):
            value = (row.values.get(column) or "").strip() if column else ""
            if value:
                return value
        return f"ligne-{row.index}"


def context_columns(columns: Sequence[str]) -> dict[str, str]:
    """Context role → the first input column holding it (headers matched as for the text columns; a header
    listed earlier in ``CONTEXT_HEADERS`` wins, so that « Montant demandé » beats « Mt engagé »)."""
    found: dict[str, str] = {}
    by_key = {}
    for column in columns:
        by_key.setdefault(_key(column), column)
    for role, headers in CONTEXT_HEADERS.items():
        column = next((by_key[_key(h)] for h in headers if _key(h) in by_key), None)
        if column is not None:
            found[role] = column
    return found


def context_values(values: Mapping[str, object], columns: Mapping[str, str]) -> dict[str, str | float]:
    """A row's context from its cells (``context_columns``): empty cells left out, the amount as a number of
    euros when it reads as one (« 12 500,50 € », « 12500.5 »), the year as its four digits when it has them."""
    context: dict[str, str | float] = {}
    for role, column in columns.items():
        value = str(values.get(column) or "").strip()
        if not value:
            continue
        if role == "amount":
            context[role] = parse_amount(value) if parse_amount(value) is not None else value
        elif role == "year":
            year = re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", value)
            context[role] = year.group(0) if year else value
        else:
            context[role] = value
    return context


def parse_amount(text: str) -> float | None:
    """An amount in euros as French and English exports write it, else None: « 12 500,50 € », « 12 500 »,
    « 12500.5 », « 1,234.50 », « 12.500,00 »."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]|euros?|EUR", "", text, flags=re.IGNORECASE)
    if not re.fullmatch(r"-?[\d.,]+", cleaned or "x"):
        return None
    if "," in cleaned and "." in cleaned:  # the last one is the decimal mark
        thousands = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
        cleaned = cleaned.replace(thousands, "").replace(",", ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".") if re.fullmatch(r"-?\d+,\d{1,2}", cleaned) else cleaned.replace(",", "")
    elif cleaned.count(".") > 1 or re.fullmatch(r"-?\d{1,3}\.\d{3}", cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def map_columns(columns: list[str], text_cols: list[str] | None = None, id_col: str | None = None) -> ColumnMapping:
    """Choose the columns to read: those given (``--text-col``, ``--id-col``), else the recognised headers."""
    if not columns:
        raise BatchInputError("Le fichier est vide : il n'a ni ligne d'en-tête ni ligne de données à classer.")
    if text_cols:
        text_columns = _given_columns(columns, text_cols)
    else:
        text_columns = []
        for field in FIELDS:
            column = next((c for c in columns if _FIELD_OF.get(_key(c)) == field), None)
            if column is not None:
                text_columns.append((column, str(field)))
        if not text_columns:
            raise BatchInputError(
                f"Aucune colonne de texte reconnue parmi : {quoted(columns)}. Indiquez-la avec --text-col."
            )
    if id_col:
        id_column: str | None = find_column(columns, id_col)
    else:
        id_column = next((c for c in columns if _key(c) in _ID_KEYS), None)
    return ColumnMapping(text_columns, id_column)


def _given_columns(columns: list[str], names: list[str]) -> list[tuple[str, str]]:
    """Given columns in order: a recognised header keeps its field; else the first of several is the title."""
    chosen = list(dict.fromkeys(find_column(columns, name) for name in names))
    recognised = [_FIELD_OF.get(_key(column)) for column in chosen]
    title_free = len(chosen) > 1 and "title" not in recognised
    mapped: list[tuple[str, str]] = []
    for column, field in zip(chosen, recognised, strict=True):
        if field is None or (field != "text" and field in {f for _, f in mapped}):
            field, title_free = ("title", False) if title_free else ("text", title_free)
        mapped.append((column, field))
    return mapped


def find_column(columns: list[str], name: str) -> str:
    """The input column a user named, matched exactly, else ignoring case, accents and punctuation."""
    if name in columns:
        return name
    match = next((column for column in columns if _key(column) == _key(name)), None)
    if match is not None:
        return match
    keys = {_key(column): column for column in columns}
    close = difflib.get_close_matches(_key(name), list(keys), n=3, cutoff=0.6)
    hint = f" Vouliez-vous dire {' ou '.join(f'« {keys[k]} »' for k in close)} ?" if close else ""
    raise BatchInputError(f"Colonne « {name} » introuvable. Colonnes disponibles : {quoted(columns)}.{hint}")


class RowInput(NamedTuple):
    """What the classifier needs of an input row: its position, id, document fields and read error, and
    its cells as read (kept in outputs)."""

    index: int
    id: str
    fields: dict[str, str]
    error: str | None
    values: dict[str, str]
    notes: tuple[str, ...] = ()
    """Remarks on how the row was read that do not stop its classification (French), kept in outputs."""


def iter_rows(rows: Iterable[Row], mapping: ColumnMapping, header: Sequence[str] | None = None) -> Iterator[RowInput]:
    """Each input row as a ``RowInput``.

    With a ``header`` (automatic mapping), a row whose columns are not the header's (JSON Lines records
    with other keys, another sheet's header) is mapped by its own column names.
    """
    mappings: dict[tuple[str, ...], ColumnMapping | str] = {}
    for row in rows:
        row_mapping: ColumnMapping | str = mapping
        if header is not None and row.values and not set(row.values) <= set(header):
            keys = tuple(row.values)
            if keys not in mappings:
                try:
                    mappings[keys] = map_columns(list(keys))
                except CvclassifyError as exc:
                    mappings[keys] = str(exc)
            row_mapping = mappings[keys]
        if isinstance(row_mapping, str):
            yield RowInput(row.index, f"ligne-{row.index}", {}, row.error or f"{row.where} : {row_mapping}", row.values)
            continue
        fields = row_mapping.fields(row.values) if row.values else {}
        yield RowInput(row.index, row_mapping.row_id(row), fields, row.error, row.values,
                       (*row.notes, *missing_text_note(row, row_mapping)))


def missing_text_note(row: Row, mapping: ColumnMapping) -> tuple[str, ...]:
    """The note of a short row (``Row.missing``) whose missing cells include a text column, read as empty."""
    text_columns = {column for column, _ in mapping.text_columns}
    missing = [column for column in row.missing if column in text_columns]
    if not missing:
        return ()
    found = len(row.values) - len(row.missing)
    which = (f"colonne {quoted(missing)} absente, lue comme vide" if len(missing) == 1
             else f"colonnes {quoted(missing)} absentes, lues comme vides")
    return (f"{row.where} : {plural(found, 'champ', 'champs')} au lieu de {len(row.values)} ({which})",)

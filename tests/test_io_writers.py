"""Batch output writers: CSV, XLSX and JSON Lines round trips, atomic replacement, output path checks."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator

import pytest

from cvclassify.errors import BatchInputError, MissingExtraError
from cvclassify.io.writers import WRITERS, XLSX_MAX_CHARS, check_output_path, write_rows

COLUMNS = ["id", "texte", "codes", "score"]
ROWS = [
    {"id": "A1", "texte": "Médiation sociale ; « lien »\nsur deux lignes", "codes": ["1.2", "3.4"], "score": 0.5,
     "extra": "ignoré"},
    {"id": "A2", "texte": "=SOMME(A1)", "codes": [], "score": None},
]


def test_csv_round_trip_for_excel_in_french(tmp_path):
    output = tmp_path / "out.csv"
    assert write_rows(output, COLUMNS, iter(ROWS)) == 2
    assert output.read_bytes().startswith(b"\xef\xbb\xbfid;texte;codes;score\r\n")
    with open(output, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows == [
        COLUMNS,
        ["A1", "Médiation sociale ; « lien »\nsur deux lignes", "1.2 | 3.4", "0.5"],
        ["A2", "'=SOMME(A1)", "", ""],  # neutralised: a text, never a formula (issue 19)
    ]


def test_jsonl_round_trip_keeps_accents_and_key_order(tmp_path):
    output = tmp_path / "out.jsonl"
    assert write_rows(output, ["score", "id"], ROWS) == 2
    lines = output.read_text(encoding="utf-8").splitlines()
    assert "Médiation" in lines[0]
    assert list(json.loads(lines[0])) == ["score", "id", "texte", "codes", "extra"]
    assert [json.loads(line) for line in lines] == ROWS


def test_xlsx_round_trip_with_long_text_and_formula_like_text(tmp_path):
    import openpyxl

    output = tmp_path / "out.xlsx"
    long_row = {"id": "A3", "texte": "x" * 40_000 + "\x01", "codes": ["9"], "score": 1}
    assert write_rows(output, COLUMNS, [*ROWS, long_row]) == 3
    sheet = openpyxl.load_workbook(output)["Suggestions"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[:3] == [COLUMNS, ["A1", ROWS[0]["texte"], "1.2 | 3.4", 0.5], ["A2", "=SOMME(A1)", None, None]]
    assert sheet["B3"].data_type == "s"  # a text, not a formula
    assert len(rows[3][1]) == XLSX_MAX_CHARS and rows[3][1].endswith("x… [tronqué]")


def failing_rows() -> Iterator[dict]:
    yield ROWS[0]
    raise RuntimeError("le modèle a planté")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl"])
def test_a_failure_midway_leaves_the_old_output_and_no_temporary_file(tmp_path, suffix):
    output = tmp_path / f"out{suffix}"
    output.write_bytes(b"ancien")
    with pytest.raises(RuntimeError, match="planté"):
        write_rows(output, COLUMNS, failing_rows())
    assert output.read_bytes() == b"ancien"
    assert [p.name for p in tmp_path.iterdir()] == [output.name]
    fresh = tmp_path / f"nouveau{suffix}"
    with pytest.raises(RuntimeError):
        write_rows(fresh, COLUMNS, failing_rows())
    assert not fresh.exists()


def test_check_output_path_refuses_to_overwrite_an_input(tmp_path):
    source = tmp_path / "demandes.csv"
    source.write_text("id;texte\n")
    with pytest.raises(BatchInputError, match="écraserait le fichier d'entrée"):
        check_output_path(source, [source])
    with pytest.raises(BatchInputError, match="écraserait le fichier d'entrée"):
        check_output_path(tmp_path / "." / "demandes.csv", [source])
    link = tmp_path / "lien.csv"
    link.hardlink_to(source)
    with pytest.raises(BatchInputError, match="écraserait le fichier d'entrée"):
        check_output_path(link, [source])
    check_output_path(tmp_path / "suggestions.csv", [source])


def test_check_output_path_refuses_folders_missing_parents_and_unknown_formats(tmp_path):
    (tmp_path / "sortie.csv").mkdir()
    with pytest.raises(BatchInputError, match="est un dossier"):
        check_output_path(tmp_path / "sortie.csv", [])
    with pytest.raises(BatchInputError, match=r"Le dossier de sortie « .*absent » n'existe pas\."):
        check_output_path(tmp_path / "absent" / "out.csv", [])
    with pytest.raises(BatchInputError, match=r"Format de sortie non pris en charge : « out\.txt »\. .*\.csv"):
        check_output_path(tmp_path / "out.txt", [])
    assert {".csv", ".xlsx", ".ods", ".jsonl", ".ndjson"} == set(WRITERS)


def test_missing_openpyxl_is_reported_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingExtraError, match=r"XLSX.*pip install 'cvclassify\[formats\]'"):
        check_output_path(tmp_path / "out.xlsx", [])
    with pytest.raises(MissingExtraError):
        write_rows(tmp_path / "out.xlsx", COLUMNS, ROWS)
    assert list(tmp_path.iterdir()) == []
    check_output_path(tmp_path / "out.csv", [])


def test_check_output_path_refuses_a_read_only_folder(tmp_path, monkeypatch):
    monkeypatch.setattr("os.access", lambda path, mode: False)  # tests may run as root, who writes anywhere
    with pytest.raises(BatchInputError, match=r"Impossible d'écrire dans le dossier .* : droits insuffisants\."):
        check_output_path(tmp_path / "out.csv", [])


def test_output_path_may_be_given_as_text(tmp_path):
    assert write_rows(str(tmp_path / "out.csv"), ["id"], [{"id": 1}]) == 1  # type: ignore[arg-type]
    assert (tmp_path / "out.csv").read_bytes() == b"\xef\xbb\xbfid\r\n1\r\n"

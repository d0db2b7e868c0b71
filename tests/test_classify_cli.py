"""`cvclassify classify` on real files: one output row per input row, atomic, resumable, clear refusals."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cvclassify.cli import app

runner = CliRunner()
HEADER = ["Numéro De l'Action Prj", "Libellé de l'action", "Raison sociale longue", "Objectif"]
ROWS = [
    ["A1", "ASL 2019", "Asso Femmes Relais", "Ateliers sociolinguistiques pour des mères primo-arrivantes"],
    ["A2", "NUITS CALMES", "Bailleur", "Correspondants de nuit dans les halls et les parkings"],
    ["A3", "", "Ville", ""],
    ["A4", "CONSEIL CITOYEN", "Centre social", "Former les membres du conseil citoyen"],
]


def write_csv(path: Path, rows=ROWS, encoding: str = "utf-8", extra: list[str] | None = None) -> Path:
    lines = [";".join(HEADER)] + [";".join(r) for r in rows] + (extra or [])
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def classify(*args: str, model: Path):
    return runner.invoke(app, ["classify", *args, "--model", str(model), "--workers", "1"])


def test_csv_to_csv_keeps_every_row_in_order_with_codes_and_status(model_dir, tmp_path):
    src = write_csv(tmp_path / "demandes.csv", encoding="cp1252", extra=["A5;trop;de;champs;ici"])
    out = tmp_path / "codes.csv"
    result = classify(str(src), "-o", str(out), "-k", "3", model=model_dir)
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert [r["cv_id"] for r in rows] == ["A1", "A2", "A3", "A4", "A5"]
    assert rows[0]["Libellé de l'action"] == "ASL 2019"  # input columns kept, accents right (Windows-1252)
    assert rows[0]["cv_code_1"] == "2.11.1" and rows[0]["cv_libelle_1"] and float(rows[0]["cv_score_1"]) > 0
    assert rows[0]["cv_statut"] in ("classé", "à vérifier") and rows[0]["cv_axe"].startswith("2 ")
    assert rows[1]["cv_code_1"] == "3.9.8"
    assert rows[2]["cv_statut"] == "erreur" and "Aucun texte" in rows[2]["cv_erreur"]
    assert rows[4]["cv_statut"] == "erreur" and "champs" in rows[4]["cv_erreur"]
    assert "Libellé de l'action" in result.output  # says which columns were read


@pytest.mark.parametrize("suffix", [".xlsx", ".jsonl"])
def test_xlsx_and_jsonl_outputs(model_dir, tmp_path, suffix):
    src = write_csv(tmp_path / "demandes.csv")
    out = tmp_path / f"codes{suffix}"
    result = classify(str(src), "-o", str(out), model=model_dir)
    assert result.exit_code == 0, result.output
    if suffix == ".xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
        table = list(sheet.iter_rows(values_only=True))
        header = list(table[0])
        assert len(table) == 1 + len(ROWS)
        assert table[1][header.index("cv_code_1")] == "2.11.1"
    else:
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [r["id"] for r in rows] == ["A1", "A2", "A3", "A4"]
        assert rows[0]["suggestions"][0]["code"] == "2.11.1" and rows[0]["input"]["Objectif"].startswith("Ateliers")
        assert rows[2]["status"] == "erreur"


def test_an_output_over_its_input_is_refused_before_any_work(model_dir, tmp_path):
    src = write_csv(tmp_path / "demandes.csv")
    before = src.read_bytes()
    result = classify(str(src), "-o", str(src), model=model_dir)
    assert result.exit_code == 1 and "écraserait" in result.output
    assert src.read_bytes() == before
    folder = classify(str(src), "-o", str(tmp_path), model=model_dir)
    assert folder.exit_code == 1 and "Traceback" not in folder.output
    missing = classify(str(src), "-o", str(tmp_path / "nowhere" / "out.csv"), model=model_dir)
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_no_row_classified_exits_non_zero(model_dir, tmp_path):
    src = write_csv(tmp_path / "vides.csv", rows=[["B1", "", "X", ""], ["B2", "", "Y", ""]])
    result = classify(str(src), "-o", str(tmp_path / "out.csv"), model=model_dir)
    assert result.exit_code == 2
    assert len(read_csv(tmp_path / "out.csv")) == 2


def test_a_csv_named_jsonl_gets_a_hint(model_dir, tmp_path):
    src = write_csv(tmp_path / "demandes.jsonl")
    result = classify(str(src), "-o", str(tmp_path / "out.csv"), model=model_dir)
    assert result.exit_code == 1 and "CSV" in result.output


def test_summary_is_one_json_line_in_a_pipeline(model_dir, tmp_path):
    src = write_csv(tmp_path / "demandes.csv")
    result = classify(str(src), "-o", str(tmp_path / "out.csv"), "--chart", str(tmp_path / "chart.png"),
                      model=model_dir)
    assert result.exit_code == 0, result.output
    summary = next(json.loads(line) for line in result.output.splitlines() if line.startswith('{"summary"'))["summary"]
    assert (summary["rows"], summary["classified"], summary["errors"]) == (4, 3, 1)
    assert sum(summary["axes"].values()) == 3
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"


def test_an_interrupted_run_resumes_without_duplicates_or_gaps(model, tmp_path, monkeypatch):
    import cvclassify.batch as batch

    monkeypatch.setattr(batch, "CHUNK_ROWS", 2)
    rows = [[f"C{i}", f"ACTION {i}", "Asso", text] for i, text in enumerate(
        ["Cours de français pour adultes", "Médiation de nuit dans les halls", "Conseil citoyen : formation",
         "Aide aux devoirs au collège", "Jardins partagés en pied d'immeuble", "Permanence emploi"] * 2, start=1)]
    src = write_csv(tmp_path / "demandes.csv", rows=rows)
    out = tmp_path / "out.csv"
    calls = {"n": 0}

    def interrupt(n: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(model, src, out, on_chunk=interrupt)
    assert not out.exists() and batch.journal_path(out).exists()
    with batch.journal_path(out).open("a", encoding="utf-8") as handle:
        handle.write('{"index": 7, "torn')  # a line cut by the interruption
    summary = batch.run_batch(model, src, out, resume=True)
    assert summary.resumed == 6 and summary.rows == 12
    assert [r["cv_id"] for r in read_csv(out)] == [f"C{i}" for i in range(1, 13)]
    assert not batch.journal_path(out).exists()
    fresh = tmp_path / "fresh.csv"
    batch.run_batch(model, src, fresh)
    assert read_csv(fresh) == read_csv(out)
    with pytest.raises(Exception, match="Rien à reprendre"):
        batch.run_batch(model, src, tmp_path / "other.csv", resume=True)


def test_the_progress_total_counts_csv_records_not_lines(tmp_path):
    from cvclassify.cli import _estimate_rows

    rows = [["D1", "ASL", "Asso", '"Ateliers\nsur deux lignes"'], ["D2", "NUIT", "Asso", "Médiation"]]
    assert _estimate_rows(write_csv(tmp_path / "multi.csv", rows=rows)) == 2
    (tmp_path / "dossier.txt").write_text("Une demande de subvention.", encoding="utf-8")
    assert _estimate_rows(tmp_path) == 1  # a folder gives a row per document, not per file

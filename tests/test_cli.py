"""The command line, run in-process with Typer's runner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cvclassify.cli import app

from .conftest import CONTRACT, FIXTURES

runner = CliRunner()


def test_taxonomy_import_writes_the_tree_and_reports_warnings(tmp_path):
    out = tmp_path / "metz.yaml"
    result = runner.invoke(app, ["taxonomy", "import", str(CONTRACT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "118 codes à attribuer" in result.output and "numbered-tables" in result.output
    assert "1.5.3-bis" in result.output  # the duplicate warning
    assert out.read_text(encoding="utf-8").startswith("schema_version: 1")


def test_objectives_prints_the_tree_and_json():
    text = runner.invoke(app, ["objectives"])
    assert text.exit_code == 0
    assert "1.1.1 – Améliorer la sécurité" in text.output
    assert "1.5.3 (1.5.3-bis) – Développer et diffuser des contenus médiatiques" in text.output
    data = json.loads(runner.invoke(app, ["objectives", "--json"]).output)
    assert sum(o["level"] == "leaf" for o in data["objectives"]) == 118


def test_suggest_table_json_and_stdin(model_dir):
    args = ["suggest", "Cours de français pour les mamans", "-k", "3", "--model", str(model_dir)]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "2.11.1" in table.output
    data = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert data["suggestions"][0]["code"] == "2.11.1"
    assert len(data["suggestions"]) == 3
    piped = runner.invoke(app, ["suggest", "-", "--json", "--model", str(model_dir)],
                          input="Conseil citoyen : formation des membres")
    assert json.loads(piped.output)["suggestions"][0]["code"] == "4.7"


def test_suggest_rejects_empty_text_with_a_message(model_dir):
    result = runner.invoke(app, ["suggest", "  ", "--model", str(model_dir)])
    assert result.exit_code == 1
    assert "vide" in result.output


def test_suggest_reports_a_missing_model(tmp_path):
    result = runner.invoke(app, ["suggest", "texte", "--model", str(tmp_path)])
    assert result.exit_code == 1
    assert "cvclassify train" in result.output


def test_classify_jsonl_keeps_one_row_per_line_in_order(model_dir, tmp_path):
    lines = [
        json.dumps({"id": "a", "title": "ASL", "text": "Ateliers sociolinguistiques pour mères"}),
        "{broken json",
        json.dumps({"id": "c", "text": "   "}),
        json.dumps({"id": "d", "description": "Correspondants de nuit dans les halls"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "f", "intitule": "Conseil citoyen", "objet": "formation des membres"}),
        "",
        '{"id": "h", "texte": "Atelier de fran\\u00e7ais \\ud83c"}',
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    dst = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["classify", str(src), "-o", str(dst), "-k", "2", "--workers", "1",
                                 "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(lines)
    assert rows[0]["id"] == "a" and rows[0]["suggestions"][0]["code"] == "2.11.1"  # the BOM did not hide the id
    assert len(rows[0]["suggestions"]) == 2
    assert rows[1]["status"] == "erreur" and "JSON invalide" in rows[1]["error"]
    assert "Expecting" not in rows[1]["error"]
    assert rows[2]["status"] == "erreur"
    assert rows[3]["suggestions"][0]["code"] == "3.9.8"
    assert rows[4]["status"] == "erreur"
    assert rows[5]["id"] == "f" and rows[5]["suggestions"][0]["code"] == "4.7"
    assert rows[6]["status"] == "erreur"  # a blank line keeps its output row
    assert rows[7]["id"] == "h" and rows[7]["status"] != "erreur"  # half an emoji does not lose the batch


def test_corpus_check_and_stats_on_the_fixture():
    check = runner.invoke(app, ["corpus", "check", "--corpus", str(FIXTURES)])
    assert check.exit_code == 0, check.output
    stats = json.loads(runner.invoke(app, ["corpus", "stats", "--corpus", str(FIXTURES), "--json"]).output)
    assert stats["proposals"] == 21
    assert stats["per_code"]["2.11.1"]["primary"] == 3


def test_corpus_check_fails_on_bad_proposals(tmp_path):
    bad = tmp_path / "bad.jsonl"
    rows = [
        {"id": "x1", "title": "T", "text": "Atelier de couture", "codes": ["9.9.9"], "style": "titre",
         "porteur": "Asso", "quartier": "Borny", "year": 2018},
        {"id": "x1", "title": "", "text": "", "codes": ["1.1"], "style": "titre",
         "porteur": "Asso", "quartier": "Borny", "year": 2018},
        {"id": "x3", "title": "Atelier de couture", "text": "Atelier de couture",
         "codes": ["2.11.1"], "year": 2018},
    ]
    bad.write_text("\n".join(json.dumps(r) for r in rows) + "\n{oops\n", encoding="utf-8")
    result = runner.invoke(app, ["corpus", "check", "--corpus", str(tmp_path)])
    assert result.exit_code == 1
    for kind in ("invalid_code", "duplicate_id", "empty_text", "missing_field", "near_duplicate", "unreadable"):
        assert kind in result.output
    assert "operational objective, not a leaf" in result.output

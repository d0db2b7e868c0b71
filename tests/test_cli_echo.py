"""What the CLI says about its input (issue 19): CSV on stdin (item 11), and values from files — column names,
cells, file names — printed without the control characters that would steer the terminal (item 9)."""

from __future__ import annotations

import io

from rich.table import Table
from typer.testing import CliRunner

from cvclassify.cli import _SafeConsole, app, printable

runner = CliRunner()


# -- CSV on stdin --------------------------------------------------------------------------------


def test_csv_on_stdin_is_told_what_to_do_with_stdin(tmp_path):
    data = "Intitulé;Objectif\nAtelier vélo;Réparer des vélos avec des jeunes\n".encode()
    result = runner.invoke(app, ["classify", "-", "-o", str(tmp_path / "out.csv")], input=data)
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "L'entrée standard ne ressemble pas à du JSON Lines" in output and "à la place de « - »" in output
    assert "stdin.jsonl" not in output and "Renommez" not in output


# -- values from files echoed to the terminal -----------------------------------------------------

HOSTILE = "Thème\x1b[2J\x1b]0;pwned\x07\x9b31m\u202e"


def test_printable_drops_control_characters_and_keeps_line_breaks():
    assert printable(HOSTILE) == "Thème[2J]0;pwned31m"
    assert printable("Intitulé\tde\nl'action\r\x00\x7f") == "Intitulé\tde\nl'action"


def test_column_names_with_escape_sequences_are_not_echoed_raw(tmp_path):
    path = tmp_path / "appel.csv"
    path.write_text(f"{HOSTILE},Porteur\nA,B\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", str(path), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert "Aucune colonne de texte reconnue" in result.output and "pwned" in result.output
    assert not any(c in result.output for c in "\x1b\x07\x9b\u202e"), repr(result.output)


def test_tables_printed_by_the_cli_are_cleaned_too():
    buffer = io.StringIO()
    console = _SafeConsole(file=buffer, force_terminal=True, width=120)
    table = Table("colonne")
    table.add_row(HOSTILE)
    console.print(table)
    console.print(f"Lu dans « {HOSTILE} »", highlight=False)
    assert "\x1b]0;pwned" not in buffer.getvalue() and "\x1b[2J" not in buffer.getvalue()
    assert "\x07" not in buffer.getvalue() and "\x9b" not in buffer.getvalue()

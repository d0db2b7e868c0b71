"""Bad input at the command line gets a clear French message, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cvclassify.cli import app

runner = CliRunner()


def test_windows_1252_on_stdin_is_read_as_french(model_dir):
    text = "Médiation sociale et accès aux droits des familles, ateliers de français à l'école"
    result = runner.invoke(app, ["suggest", "-", "--json", "--model", str(model_dir)],
                           input=text.encode("cp1252"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["suggestions"]


def test_windows_1252_as_an_argument_is_read_as_french(model_dir):
    """A shell in a Windows-1252 locale passes bytes that are not UTF-8: Python sees surrogate escapes."""
    arg = os.fsdecode("Ateliers de français pour les mères, médiation".encode("cp1252"))
    assert any("\udc80" <= c <= "\udcff" for c in arg)
    result = runner.invoke(app, ["suggest", arg, "--json", "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    evidence = {e["word"] for s in json.loads(result.output)["suggestions"] for e in s["evidence"]}
    assert "mères" in evidence or "français" in evidence or "médiation" in evidence


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", ""], "Motif de code vide"),
        (["--exclude", "*"], "Aucun code ne reste"),
        (["--only", "2.*", "--exclude", "2.*"], "Aucun code ne reste"),
        (["--only", "9.*"], "Aucun code d'objectif ne correspond"),
        (["--only", "2.11.9"], "Vouliez-vous dire"),
    ],
)
def test_restrictions_that_leave_nothing_are_refused(model_dir, args, message):
    result = runner.invoke(app, ["suggest", "Cours de français", "--model", str(model_dir), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_a_real_terminal_invocation_never_prints_a_traceback(model_dir, tmp_path):
    """The installed entry point, run as a user would, on a folder given as a model and a binary text."""
    exe = os.path.join(os.path.dirname(sys.executable), "cvclassify")
    binary = subprocess.run([exe, "suggest", "\x01\x02\x03\x04 x", "--model", str(model_dir)],
                            capture_output=True, text=True)
    assert binary.returncode == 1 and "Traceback" not in binary.stderr
    assert "binaires" in binary.stderr or "aucun mot" in binary.stderr

"""Two runs on one output (issue 19, item 1): the second is refused at once, the first is left whole."""

from __future__ import annotations

import threading

import pytest

from cvclassify import batch
from cvclassify.errors import OutputBusyError
from tests.test_classify_cli import classify, read_csv, write_csv

TEXTS = ["Cours de français pour adultes", "Médiation de nuit dans les halls", "Conseil citoyen : formation",
         "Aide aux devoirs au collège", "Jardins partagés en pied d'immeuble", "Permanence emploi"]


def rows(prefix: str, n: int = 6) -> list[list[str]]:
    return [[f"{prefix}{i}", f"ACTION {i}", "Asso", TEXTS[i % len(TEXTS)]] for i in range(1, n + 1)]


def flat(text: str) -> str:
    """CLI output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_a_second_run_on_the_same_output_is_refused_while_the_first_runs(model, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK_ROWS", 2)
    first = write_csv(tmp_path / "a.csv", rows=rows("A"))
    second = write_csv(tmp_path / "b.csv", rows=rows("B", 4))
    out = tmp_path / "out.csv"
    started, go_on = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def hold(n: int) -> None:  # the first run stops after its first chunk until the test lets it go
        started.set()
        assert go_on.wait(30)

    def run_first() -> None:
        try:
            outcome["summary"] = batch.run_batch(model, first, out, on_chunk=hold)
        except BaseException as exc:  # pragma: no cover - reported by the assertions below
            outcome["error"] = exc

    thread = threading.Thread(target=run_first)
    thread.start()
    try:
        assert started.wait(30)
        journal = batch.journal_path(out).read_bytes()
        with pytest.raises(OutputBusyError, match="Un autre traitement est en train d'écrire") as refused:
            batch.run_batch(model, second, out)
        assert str(out) in str(refused.value)
        with pytest.raises(OutputBusyError):  # --resume too: the journal belongs to the running one
            batch.run_batch(model, first, out, resume=True)
        assert batch.journal_path(out).read_bytes() == journal and not out.exists()
    finally:
        go_on.set()
        thread.join(60)
    assert "error" not in outcome, outcome.get("error")
    assert [r["cv_id"] for r in read_csv(out)] == [f"A{i}" for i in range(1, 7)]
    batch.run_batch(model, second, out)  # the lock went with the first run
    assert [r["cv_id"] for r in read_csv(out)] == [f"B{i}" for i in range(1, 5)]
    assert not any(p.name.endswith(".lock") for p in tmp_path.iterdir())


def test_the_cli_refuses_a_busy_output_in_french_and_leaves_it_as_it_was(model_dir, tmp_path):
    src = write_csv(tmp_path / "demandes.csv")
    out = tmp_path / "out.csv"
    out.write_text("ancienne sortie\n", encoding="utf-8")
    with batch.output_lock(out):
        result = classify(str(src), "-o", str(out), model=model_dir)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
        message = flat(result.output)
        assert "Un autre traitement est en train d'écrire" in message and str(out) in message
        assert out.read_text(encoding="utf-8") == "ancienne sortie\n"
        assert not batch.journal_path(out).exists()
    result = classify(str(src), "-o", str(out), model=model_dir)
    assert result.exit_code == 0, result.output
    assert [r["cv_id"] for r in read_csv(out)] == ["A1", "A2", "A3", "A4"]


def test_a_lock_file_left_by_a_killed_run_does_not_block(model, tmp_path):
    src = write_csv(tmp_path / "demandes.csv")
    out = tmp_path / "out.csv"
    with batch.output_lock(out):
        assert batch.lock_path(out).exists()
    assert not batch.lock_path(out).exists()  # removed by the run that held it
    batch.lock_path(out).write_text("")  # as kill -9 leaves it: present, unlocked
    assert batch.run_batch(model, src, out).rows == 4

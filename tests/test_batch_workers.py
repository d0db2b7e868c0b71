"""Worker processes of a batch end with their parent, even after kill -9 (issue 19, item 7)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from cvclassify.batch import output_lock
from tests.test_classify_cli import write_csv

psutil = pytest.importorskip("psutil")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal: Linux only")

TEXTS = ["Cours de français pour adultes primo-arrivants, ateliers sociolinguistiques et sorties culturelles",
         "Médiation de nuit dans les halls et les parkings, tranquillité résidentielle et lien avec les bailleurs",
         "Conseil citoyen : formation des membres, animation des réunions publiques et communication",
         "Aide aux devoirs au collège, accompagnement à la scolarité et soutien à la parentalité",
         "Jardins partagés en pied d'immeuble, éducation à l'environnement et fêtes de quartier",
         "Permanence emploi, ateliers CV et simulation d'entretiens pour les jeunes des quartiers"]


def alive(pid: int) -> bool:
    """Whether a process still runs (a zombie waiting for its reaper has ended)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_workers_end_when_the_batch_is_killed(model_dir, tmp_path):
    rows = [[f"K{i}", f"ACTION {i}", "Asso", TEXTS[i % len(TEXTS)] + f" (édition {i})"] for i in range(20_000)]
    src = write_csv(tmp_path / "demandes.csv", rows=rows)
    out = tmp_path / "out.csv"
    with (tmp_path / "stderr.txt").open("wb") as log:
        run = subprocess.Popen([sys.executable, "-m", "cvclassify", "classify", str(src), "-o", str(out),
                                "--model", str(model_dir), "--workers", "2"],
                               stdout=subprocess.DEVNULL, stderr=log, cwd=tmp_path)
    try:
        parent = psutil.Process(run.pid)
        deadline = time.monotonic() + 120
        workers: list = []
        while len(workers) < 2 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            workers = parent.children()
        assert len(workers) == 2, (tmp_path / "stderr.txt").read_text(errors="replace")
        time.sleep(0.5)  # the workers are under way, with chunks in flight
        assert run.poll() is None, "the batch ended before it could be killed: give it more rows"
        os.kill(run.pid, signal.SIGKILL)
        assert run.wait(10) == -signal.SIGKILL
        deadline = time.monotonic() + 5
        while any(alive(w.pid) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans = [w.pid for w in workers if alive(w.pid)]
        assert not orphans, f"workers {orphans} outlived their parent"
        assert not out.exists()
        with output_lock(out):  # nor does the killed run's lock: the next run can go on with --resume
            pass
    finally:
        for process in [run, *(psutil.Process(w.pid) for w in workers if alive(w.pid))]:
            process.kill()
        run.wait()


def test_a_run_with_workers_gives_the_rows_of_a_run_without(model, tmp_path, monkeypatch):
    from cvclassify import batch
    from tests.test_classify_cli import read_csv

    monkeypatch.setattr(batch, "CHUNK_ROWS", 16)
    rows = [[f"W{i}", f"ACTION {i}", "Asso", TEXTS[i % len(TEXTS)]] for i in range(100)]
    src = write_csv(tmp_path / "demandes.csv", rows=rows)
    batch.run_batch(model, src, tmp_path / "one.csv", workers=1)
    batch.run_batch(model, src, tmp_path / "two.csv", workers=2)
    assert read_csv(tmp_path / "two.csv") == read_csv(tmp_path / "one.csv")
    assert psutil.Process().children() == []

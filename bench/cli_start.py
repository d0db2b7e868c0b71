"""CLI start: wall time and peak memory of `cvclassify suggest "…"` in a fresh process (issue 19 targets:
≤ 1.5 s and ≤ 400 MB), with the French tables cached (every run after the first on a machine) and without
(the first run, which builds them from spaCy once).

    python bench/cli_start.py            # 7 warm runs, 2 cold runs
    python bench/cli_start.py --runs 3

Writes bench/results/cli_start.{json,md}. The machine's load is recorded: other processes on the two cores
slow every figure down.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
EXE = str(Path(sys.executable).parent / "cvclassify")
TEXT = ("Atelier d'autodéfense et groupe de parole pour les femmes victimes de violences conjugales à Borny, "
        "en lien avec le commissariat et l'association d'aide aux victimes.")


def run_once(env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stdout) of one `cvclassify suggest` in a fresh process."""
    script = ("import resource, subprocess, sys, time; start = time.perf_counter(); "
              "out = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=True).stdout; "
              "took = time.perf_counter() - start; "
              "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024; "
              "print(took, peak); print(out, end='')")
    done = subprocess.run([sys.executable, "-c", script, EXE, "suggest", "--json", TEXT], capture_output=True,
                          text=True, check=True, env=env)
    head, _, out = done.stdout.partition("\n")
    seconds, peak = (float(x) for x in head.split())
    return seconds, peak, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold", type=int, default=2)
    args = parser.parse_args()
    env = dict(os.environ)
    run_once(env)  # the user's cache holds the tables after this
    warm = [run_once(env) for _ in range(args.runs)]
    cold = []
    for _ in range(args.cold):
        with tempfile.TemporaryDirectory() as cache:
            cold.append(run_once({**env, "XDG_CACHE_HOME": cache}))
    same = len({out for _, _, out in warm + cold}) == 1
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "load_average": os.getloadavg(),
        "warm": {"seconds": [round(s, 3) for s, _, _ in warm], "peak_mb": [round(m) for _, m, _ in warm],
                 "median_seconds": round(statistics.median(s for s, _, _ in warm), 3),
                 "max_peak_mb": round(max(m for _, m, _ in warm))},
        "cold": {"seconds": [round(s, 3) for s, _, _ in cold], "peak_mb": [round(m) for _, m, _ in cold]},
        "same_output_warm_and_cold": same,
        "targets": {"seconds": 1.5, "peak_mb": 400},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cli_start.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    w = result["warm"]
    lines = [
        "# CLI start — `cvclassify suggest --json \"…\"` in a fresh process",
        "",
        f"`python bench/cli_start.py` on {result['date']}, two cores, load average "
        f"{', '.join(f'{x:.1f}' for x in result['load_average'])} when it ended.",
        "",
        "| run | seconds | peak RSS (MB) |",
        "|---|---|---|",
        *[f"| tables cached | {s} | {m} |" for s, m in zip(w["seconds"], w["peak_mb"], strict=True)],
        *[f"| first run (tables built from spaCy) | {s} | {m} |"
          for s, m in zip(result["cold"]["seconds"], result["cold"]["peak_mb"], strict=True)],
        "",
        f"Median with the tables cached: **{w['median_seconds']} s**, peak **{w['max_peak_mb']} MB** "
        f"(targets 1.5 s and 400 MB). Same suggestions on every run, cached or not: {same}.",
    ]
    (RESULTS / "cli_start.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

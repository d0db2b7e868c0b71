"""Load test of the HTTP API: requests/s and latency percentiles of ``POST /v1/suggest``.

Starts ``cvclassify serve`` with 1 then 2 workers, and for each drives it with 1, 8 and 32 concurrent
clients sending 150-word French applications, every request a different text (made from corpus
windows, so the analysis cache never answers). The client is a small keep-alive HTTP/1.1 client on
asyncio streams (no HTTP library), so that it costs the two cores as little as possible; it runs on
the same machine as the server, which the results must be read with.

    python bench/api_load.py                  # 10 s per point, then 60 s at 32 clients on 2 workers
    python bench/api_load.py --quick          # 3 s per point, 10 s soak

Writes bench/results/api_load.{json,md}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WORDS = 150
TARGETS = {"p50_ms_at_8": 15.0, "p99_ms_at_8": 100.0}


def corpus_words() -> list[list[str]]:
    from cvclassify.corpus import load_corpus

    return [p.full_text.split() for p in load_corpus(ROOT / "corpus" / "proposals").proposals
            if len(p.full_text.split()) >= 40]


class Texts:
    """An endless supply of different 150-word texts: a window of one application, completed by another."""

    def __init__(self, seed: int = 7) -> None:
        self.docs = corpus_words()
        self.rng = random.Random(seed)

    def next(self) -> str:
        words: list[str] = []
        while len(words) < WORDS:
            doc = self.rng.choice(self.docs)
            start = self.rng.randrange(0, max(1, len(doc) - 40))
            words.extend(doc[start:start + WORDS - len(words)])
        return " ".join(words)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int, port: int, db: Path) -> subprocess.Popen:
    env = {**os.environ, "CVCLASSIFY_DATABASE_URL": f"sqlite:///{db}"}
    proc = subprocess.Popen([sys.executable, "-m", "cvclassify", "serve", "--port", str(port), "--workers",
                             str(workers), "--log-level", "warning"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            status = asyncio.run(_get_status(port, "/health"))
            if status == 200:
                # every worker must be warm: ask a few times
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode())
        time.sleep(0.5)
    raise RuntimeError("server did not become ready in 180 s")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


async def _get_status(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    writer.close()
    return status


class Client:
    """One keep-alive connection sending POST /v1/suggest one request at a time."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(b"POST /v1/suggest HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                          b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await self.reader.readexactly(length)
        return status


async def drive(port: int, clients: int, seconds: float, texts: Texts, k: int = 5) -> dict:
    bodies = [json.dumps({"text": texts.next(), "k": k}).encode() for _ in range(20000)]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    stop = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def worker() -> None:
        client = Client(port)
        while time.perf_counter() < stop:
            body = bodies[next(counter) % len(bodies)]
            t0 = time.perf_counter()
            try:
                status = await client.post(body)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                client = Client(port)
                continue
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors[str(status)] = errors.get(str(status), 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2) if latencies else 0.0

    return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies),
            "rps": round(len(latencies) / elapsed, 1), "p50_ms": pct(0.50), "p90_ms": pct(0.90),
            "p99_ms": pct(0.99), "max_ms": pct(1.0), "mean_ms": round(1000 * statistics.fmean(latencies), 2)
            if latencies else 0.0, "errors": errors}


WRK_SCRIPT = r"""
local bodies, i = {}, 0
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  i = math.random(#bodies)
end
function request()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/suggest", {["Content-Type"] = "application/json"}, bodies[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"mean_us":%f,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def drive_wrk(port: int, clients: int, seconds: float, texts: Texts, folder: Path, k: int = 5) -> dict:
    """The same measurement with wrk (C, one thread), which leaves more of the machine to the server."""
    bodies = folder / "bodies.jsonl"
    if not bodies.exists():
        bodies.write_text("".join(json.dumps({"text": texts.next(), "k": k}) + "\n" for _ in range(20000)),
                          encoding="utf-8")
    script = folder / "suggest.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    out = subprocess.run(["wrk", "-t1", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "10s", "-s", str(script),
                          f"http://127.0.0.1:{port}", "--", str(bodies)], capture_output=True, text=True, check=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("WRK "))
    w = json.loads(line[4:])
    errors = {k: w[k] for k in ("connect", "read", "write", "status", "timeout") if w[k]}
    return {"clients": clients, "seconds": round(w["duration_us"] / 1e6, 1), "requests": w["requests"],
            "rps": round(w["requests"] / (w["duration_us"] / 1e6), 1), "p50_ms": round(w["p50_us"] / 1000, 2),
            "p90_ms": round(w["p90_us"] / 1000, 2), "p99_ms": round(w["p99_us"] / 1000, 2),
            "max_ms": round(w["max_us"] / 1000, 2), "mean_ms": round(w["mean_us"] / 1000, 2), "errors": errors,
            "client": "wrk"}


def flame(client: str, seconds: float = 20.0) -> None:
    """Where a request's milliseconds go: py-spy samples every server process (native frames left out) while
    8 clients load 2 workers; the flame graph and the hottest functions by own time go to bench/results/."""
    import tempfile
    import threading

    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    texts = Texts()
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = start_server(2, port, Path(tmp) / "fb.sqlite3")
        try:
            asyncio.run(drive(port, 4, 3.0, texts))
            svg_path = RESULTS / "api_flame.svg"
            recorder = subprocess.Popen([spy, "record", "--pid", str(proc.pid), "--subprocesses", "--rate", "100",
                                         "--duration", str(int(seconds)), "--nonblocking", "--output", str(svg_path)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            result: dict = {}

            def load() -> None:
                if client == "wrk":
                    result.update(drive_wrk(port, 8, seconds - 2, texts, Path(tmp)))
                else:
                    result.update(asyncio.run(drive(port, 8, seconds - 2, texts)))

            thread = threading.Thread(target=load)
            thread.start()
            thread.join()
            recorder.wait(seconds + 60)
            table = hottest(svg_path)
        finally:
            stop_server(proc)
    lines = ["## Where a request's time goes — 2 workers, 8 clients, py-spy", "",
             f"{result.get('requests', 0)} requests in {result.get('seconds', 0)} s: p50 {result.get('p50_ms')} ms, "
             f"p99 {result.get('p99_ms')} ms while sampled (py-spy costs a little). Flame graph: `api_flame.svg`.", "",
             "Share of the server processes' samples by stage (a sample counts for every stage on its stack):", "",
             "| stage | share of samples |", "|---|---|"]
    lines += [f"| {name} | {share:.1%} |" for name, share in table]
    (RESULTS / "api_flame.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


STAGES = [  # (label, a function on the stack that marks it), most specific first
    ("analysis (replayed spaCy tokenizer, lemmas, vectors)", "_run_replayed"),
    ("character n-gram features", "CharBlock.rows (cvclassify/backends/linear_compiled.py"),
    ("features, all blocks (the analysis and character n-grams included)",
     "CompiledLinear.rows (cvclassify/backends/linear_compiled.py"),
    ("margins (sparse product)", "CompiledLinear.margins (cvclassify/backends/linear_compiled.py"),
    ("decision layer (calibration, selection, route)", "cvclassify/model/decision.py"),
    ("explanations (evidence words)", "Explainer.explain (cvclassify/backends/explain.py"),
    ("result type and rendering", "cvclassify/render.py"),
    ("JSON encoding", "fast_json"),
    ("event loop: HTTP, routing, request parsing (the main thread)", "Runner.run (asyncio/runners.py"),
    ("thread pool of synchronous endpoints (none on /v1/suggest since 2026-12-07)", "WorkerThread.run"),
    ("micro-batching thread: classification of waiting requests", "Batcher._run (cvclassify/service/pool.py"),
]


def hottest(svg: Path) -> list[tuple[str, float]]:
    """Share of samples on which each stage appears, read from the flame graph's frames (« name (file:line) (N
    samples, P%) »): a stage's frames at any depth are summed (none of them recurses)."""
    import html
    import re

    if not svg.exists():
        return []
    frames = [(html.unescape(name), int(n.replace(",", ""))) for name, n in
              re.findall(r"<title>(.*?) \(([\d,]+) samples?, [\d.]+%\)</title>", svg.read_text(encoding="utf-8"))]
    total = max((n for name, n in frames if name == "all"), default=0)
    if not total:
        return []
    return [(label, sum(n for name, n in frames if marker in name) / total) for label, marker in STAGES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short points (3 s) and a 10 s soak")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--soak", type=float, default=60.0)
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python",
                        help="load generator: wrk (Debian package, default when installed) or the asyncio client")
    parser.add_argument("--flame", action="store_true",
                        help="only profile: 2 workers under 8 clients for 20 s, sampled by py-spy into "
                             "bench/results/api_flame.svg (and a table of the hottest functions)")
    args = parser.parse_args()
    if args.flame:
        flame(args.client)
        return
    seconds, soak = (3.0, 10.0) if args.quick else (args.seconds, args.soak)
    texts = Texts()
    runs = []
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            port = free_port()
            proc = start_server(workers, port, Path(tmp) / f"fb{workers}.sqlite3")
            try:
                asyncio.run(drive(port, 2 * workers, 3.0, texts))  # warm every worker
                def measure(clients: int, duration: float, port: int = port) -> dict:
                    if args.client == "wrk":
                        return drive_wrk(port, clients, duration, texts, Path(tmp))
                    return asyncio.run(drive(port, clients, duration, texts))

                for clients in (1, 8, 32):
                    result = measure(clients, seconds)
                    result["workers"] = workers
                    runs.append(result)
                    print(json.dumps(result), flush=True)
                if workers == 2:
                    result = measure(32, soak)
                    result.update(workers=2, soak=True)
                    runs.append(result)
                    print(json.dumps(result), flush=True)
            finally:
                stop_server(proc)
    at8 = next(r for r in runs if r["workers"] == 2 and r["clients"] == 8 and not r.get("soak"))
    soak_run = runs[-1]
    verdict = {"p50_ms_at_8": at8["p50_ms"], "p99_ms_at_8": at8["p99_ms"],
               "p50_ok": at8["p50_ms"] <= TARGETS["p50_ms_at_8"], "p99_ok": at8["p99_ms"] <= TARGETS["p99_ms_at_8"],
               "soak_errors": sum(soak_run["errors"].values()), "soak_seconds": soak_run["seconds"]}
    report = {"client": args.client, "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform()},
              "words_per_text": WORDS, "seconds_per_point": seconds, "targets": TARGETS, "verdict": verdict,
              "runs": runs}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "api_load.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lines = ["## API load — POST /v1/suggest, 150-word texts, every request a different text", "",
             f"Client ({args.client}) and server share the machine ({os.cpu_count()} cores). "
             f"{seconds:.0f} s per point.", "",
             "| workers | clients | req/s | p50 ms | p90 ms | p99 ms | max ms | errors |",
             "|---|---|---|---|---|---|---|---|"]
    for r in runs:
        label = f"{r['clients']} (soak {r['seconds']:.0f} s)" if r.get("soak") else str(r["clients"])
        lines.append(f"| {r['workers']} | {label} | {r['rps']} | {r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | "
                     f"{r['max_ms']} | {sum(r['errors'].values())} |")
    lines += ["", f"Targets (2 workers, 8 clients): p50 ≤ 15 ms → {verdict['p50_ms_at_8']} ms "
              f"({'met' if verdict['p50_ok'] else 'missed'}); p99 ≤ 100 ms → {verdict['p99_ms_at_8']} ms "
              f"({'met' if verdict['p99_ok'] else 'missed'}); errors at 32 clients over "
              f"{verdict['soak_seconds']:.0f} s: {verdict['soak_errors']}."]
    (RESULTS / "api_load.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

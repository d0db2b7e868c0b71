"""A running service switches to a promoted version without a restart, under load, and frees the old model."""

from __future__ import annotations

import gc
import socket
import threading
import time
import weakref

import httpx
import pytest
from typer.testing import CliRunner

from cvclassify.cli import app
from cvclassify.projects import Home, init_home

from .conftest import ROOT
from .test_learning import copy_as_new_version

PROJECT = "metz-2024-2030"
CLIENTS = 8
TEXTS = ["Atelier d'autodéfense pour les femmes victimes de violences conjugales",
         "Accompagnement vers l'emploi des jeunes diplômés du quartier",
         "Jardin partagé au pied des immeubles, animé par les habitants"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_eight_clients_see_no_failure_while_the_cli_promotes_a_version(tmp_path, monkeypatch):
    import uvicorn

    from cvclassify.api.app import create_app
    from cvclassify.api.settings import Settings
    from cvclassify.service.pool import ModelPool

    home = init_home(tmp_path / "home", ROOT)
    monkeypatch.setenv("CVCLASSIFY_HOME", str(home))
    monkeypatch.setenv("CVCLASSIFY_DATABASE_URL", f"sqlite:///{tmp_path / 'feedback.sqlite3'}")
    project = Home.open(home).project(PROJECT)
    old = project.current_version()
    split = Home.open(home).project().heldout_path  # a short held-out split: the promotion compares quickly
    split.write_text("\n".join(split.read_text(encoding="utf-8").split()[:40]) + "\n", encoding="utf-8")
    new = copy_as_new_version(project, "2030.01.01-000000")

    pool = ModelPool.open([PROJECT])
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'f.sqlite3'}"),
                                                      pool), host="127.0.0.1", port=port, log_level="warning"))
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).json().get("status") == "ok":
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    old_model = weakref.ref(pool.models[PROJECT])

    stop = threading.Event()
    answers: list[list[tuple[int, str]]] = [[] for _ in range(CLIENTS)]

    def client(n: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            i = 0
            while not stop.is_set():
                reply = http.post(f"/v1/projects/{PROJECT}/suggest", json={"text": TEXTS[(n + i) % len(TEXTS)]})
                body = reply.json()
                answers[n].append((reply.status_code, body.get("model_version", body.get("detail", ""))))
                i += 1

    clients = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    try:
        for thread in clients:
            thread.start()
        time.sleep(1.0)
        promoted = CliRunner().invoke(app, ["models", "promote", new, "-p", PROJECT])  # on the files, no key
        assert promoted.exit_code == 0, promoted.output
        switched_by = time.monotonic() + 15
        while time.monotonic() < switched_by and not all(a and a[-1][1] == new for a in answers):
            time.sleep(0.1)
        time.sleep(1.0)  # every client sends a few more requests to the new version
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=30)
        server.should_exit = True
        serving.join(timeout=10)

    every = [a for client_answers in answers for a in client_answers]
    assert len(every) > 8 * 5
    assert all(status == 200 for status, _ in every), [a for a in every if a[0] != 200][:3]
    assert {version for _, version in every} == {old, new}
    for client_answers in answers:
        assert client_answers[-1][1] == new
        versions = [v for _, v in client_answers]
        assert versions == sorted(versions, key=lambda v: v == new)  # once new, never old again
    assert not any(t.name == f"cvclassify-batcher-{PROJECT}-{old}" for t in threading.enumerate())
    gc.collect()
    assert old_model() is None, "the replaced model is still referenced"


def test_a_request_that_gives_up_does_not_stop_the_batcher(model):
    """A request cancelled while its document waits (a client gone, a server stopping) is dropped from its batch;
    the batcher goes on serving the others (answering a cancelled request once stopped it for good)."""
    import asyncio
    from concurrent.futures import Future

    from cvclassify.service.pool import Batcher

    batcher = Batcher("metz", model)
    try:
        with batcher._lock:  # a request queued, then given up, before the batcher takes it
            given_up: Future = Future()
            batcher.queue.put(((5, None, None), (None, "Ateliers de français pour les mères."), given_up))
            given_up.cancel()
        outcome = asyncio.run(asyncio.wait_for(batcher.classify(None, "Aide aux devoirs pour les collégiens.", k=5,
                                                                 only=None, exclude=None), timeout=60))
        assert outcome.classification is not None and batcher.thread.is_alive()
        assert asyncio.run(asyncio.wait_for(batcher.classify(None, "Chantier éducatif", k=3, only=None,
                                                             exclude=None), timeout=60)).classification is not None
    finally:
        batcher.stop()

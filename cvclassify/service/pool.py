"""The models a service keeps: the current model of each project, loaded once per process, and the
micro-batcher that classifies concurrent requests together.

Models load once, in a background thread started by the app's lifespan; until they are loaded,
``/health`` says ``loading`` and model routes answer 503.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from cvclassify.errors import CvclassifyError, ProjectError
from cvclassify.model.classifier import Classifier
from cvclassify.projects import Home, Project
from cvclassify.service.classify import Outcome, classify_documents

log = logging.getLogger("cvclassify.api")

WARM_UP_TEXT = "Ateliers sociolinguistiques pour des mères de Borny, deux matinées par semaine."


class NotReady(CvclassifyError):
    """The models are still loading."""


REFRESH_SECONDS = 2.0
"""How often a running service looks for new projects and new current versions in the data home."""


@dataclass
class ModelPool:
    """The current model of each served project, loaded once per process and switched without a restart when
    the data home names another current version (or a new project)."""

    home: Home
    names: tuple[str, ...] = ()
    models: dict[str, Classifier] = field(default_factory=dict)
    batchers: dict[str, Batcher] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    ready: threading.Event = field(default_factory=threading.Event)
    configured: tuple[str, ...] = ()
    """The projects the service was asked to serve (empty: every project of the data home)."""
    stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _refused: dict[str, str] = field(default_factory=dict)
    """Project → a version that failed to load (kept out of service; the previous model serves)."""

    @classmethod
    def open(cls, projects: Sequence[str] = ()) -> ModelPool:
        """A pool for the data home's projects (all, or those named)."""
        home = Home.open()
        names = tuple(projects) or tuple(home.projects)
        for name in names:
            home.project(name)  # an unknown project stops the start-up with a clear message
        return cls(home, names, configured=tuple(projects))

    def load(self) -> None:
        """Load every project's current model, warm it up, then mark the pool ready."""
        for name in self.names:
            self._load(name)
        # The loaded models are millions of long-lived objects: keep them out of the garbage collector's
        # full passes, which otherwise stall requests for a few hundred milliseconds (p99).
        gc.collect()
        gc.freeze()
        self.ready.set()

    def _load(self, name: str) -> bool:
        """Load (or load again) a project's current model; the previous one serves until the new one is warm."""
        try:
            model = Classifier.load(self.home.project(name).version_dir())
            model.suggest(WARM_UP_TEXT, explain=True)
            model.backend.warm_up()  # a server scores many texts: dense weights now, before gc.freeze
        except CvclassifyError as exc:
            self.failures[name] = str(exc)
            log.error("project %s: %s", name, exc)
            return False
        with self._lock:
            self.models[name] = model
            self.failures.pop(name, None)
            old = self.batchers.pop(name, None)
        if old is not None:
            old.stop()
        log.info("project %s: model %s loaded", name, model.card.version)
        return True

    def refresh(self) -> list[str]:
        """Serve the data home as it is now: new projects, and the current version of each; returns what
        changed (« projet@version »)."""
        try:
            home = Home.open(self.home.root)
        except CvclassifyError as exc:
            log.error("data home unreadable, keeping the models in service: %s", exc)
            return []
        names = tuple(n for n in (self.configured or tuple(home.projects)) if n in home.projects)
        self.home, self.names = home, names
        changed = []
        for name in names:
            try:
                version = home.project(name).current_version()
            except CvclassifyError:
                continue
            loaded = self.models.get(name)
            if (loaded is None or loaded.card.version != version) and self._refused.get(name) != version:
                if self._load(name):
                    changed.append(f"{name}@{version}")
                    self._refused.pop(name, None)
                else:
                    self._refused[name] = version  # not tried again until CURRENT names another version
        for name in [n for n in self.models if n not in names]:
            with self._lock:
                self.models.pop(name, None)
                old = self.batchers.pop(name, None)
            if old is not None:
                old.stop()
        if changed:
            gc.unfreeze()  # the replaced models can go
            gc.collect()
            gc.freeze()
        return changed

    def start(self) -> threading.Thread:
        """Load the models, then watch the data home, in a background thread."""
        def run() -> None:
            self.load()
            while not self.stopping.wait(REFRESH_SECONDS):
                self.refresh()

        thread = threading.Thread(target=run, name="cvclassify-model-loader", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop watching the data home and the batchers."""
        self.stopping.set()
        for batcher in list(self.batchers.values()):
            batcher.stop()

    def project(self, name: str | None) -> Project:
        """A served project (default: the default project), or ``ProjectError``."""
        name = name or self.home.default_project
        if name not in self.names:
            raise ProjectError(f"Projet inconnu : {name!r} (projets servis : {', '.join(self.names)}).")
        return self.home.project(name)

    def model(self, name: str | None) -> tuple[str, Classifier]:
        """A served project's name and loaded model, or ``NotReady`` / ``ProjectError``."""
        project = self.project(name)
        if not self.ready.is_set():
            raise NotReady("Le modèle se charge ; réessayez dans quelques secondes.")
        if project.name not in self.models:
            raise ProjectError(f"Le projet {project.name!r} n'a pas de modèle utilisable : "
                               f"{self.failures.get(project.name, 'modèle absent')}")
        return project.name, self.models[project.name]

    def taxonomy(self, name: str):
        """A served project's tree: its loaded model's, else read from the project's file."""
        if name in self.models:
            return self.models[name].taxonomy
        from cvclassify.taxonomy import load_taxonomy

        return load_taxonomy(self.project(name).taxonomy_path)

    def batcher(self, name: str, model: Classifier) -> Batcher:
        """The project's micro-batcher for its current model (made on first use)."""
        with self._lock:
            found = self.batchers.get(name)
            if found is None or found.model is not model:
                if found is not None:
                    found.stop()
                found = self.batchers[name] = Batcher(name, model)
            return found

    def status(self) -> dict[str, str]:
        """The state of each project: its model version, « chargement » or « erreur »."""
        out = {}
        for name in self.names:
            if name in self.models:
                out[name] = self.models[name].card.version
            elif name in self.failures:
                out[name] = "erreur"
            else:
                out[name] = "chargement"
        return out


BatchKey = tuple[int, tuple[str, ...] | None, tuple[str, ...] | None]


class Batcher:
    """Classifies the documents of concurrent requests together.

    Requests queue their document; one thread takes everything queued, classifies it in one pass
    per option set, and hands each request its answer. Under load, documents that arrive while a
    batch runs make the next batch, so the fixed cost of a pass (and of spaCy's lock) is shared;
    a lone request is classified at once, with no waiting.
    """

    MAX_BATCH = 32

    def __init__(self, project: str, model: Classifier) -> None:
        self.project, self.model = project, model
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.stopped = False
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name=f"cvclassify-batcher-{project}-{model.card.version}",
                                       daemon=True)
        self.thread.start()

    async def classify(self, doc_id: str | None, source: Any, *, k: int, only, exclude) -> Outcome:
        """Classify one document with the others waiting (an event loop awaits its batch without holding a
        thread); raises what the pass raised."""
        future = self._queue(doc_id, source, k=k, only=only, exclude=exclude)
        if future is None:  # the batcher stopped: classified here, in a thread, the loop going on
            return (await asyncio.to_thread(classify_documents, self.model, [(doc_id, source)], k=k, only=only,
                                            exclude=exclude))[0]
        return await asyncio.wrap_future(future)

    def _queue(self, doc_id: str | None, source: Any, *, k: int, only, exclude) -> Future | None:
        """Queue one document; its future, or None once the batcher is stopped (classify it here and now)."""
        self.model.allowed(only, exclude)  # an option error belongs to this request alone
        future: Future = Future()
        key = (k, tuple(only) if only else None, tuple(exclude) if exclude else None)
        with self._lock:  # a document queued before the stop mark is classified; after it, here and now
            if self.stopped:
                return None
            self.queue.put((key, (doc_id, source), future))
        return future

    def stop(self) -> None:
        """End the thread once the documents already queued are classified (the model can then be freed)."""
        with self._lock:
            if not self.stopped:
                self.stopped = True
                self.queue.put(None)

    def _run(self) -> None:
        while True:
            first = self.queue.get()
            if first is None:
                return
            batch = [first]
            stopping = False
            while len(batch) < self.MAX_BATCH:
                try:
                    entry = self.queue.get_nowait()
                except queue.Empty:
                    break
                if entry is None:
                    stopping = True
                    break
                batch.append(entry)
            groups: dict[BatchKey, list] = {}
            for entry in batch:
                # a request given up while it waited (its future cancelled) is dropped; the others can no longer be
                # cancelled, so answering them cannot fail
                if entry[2].set_running_or_notify_cancel():
                    groups.setdefault(entry[0], []).append(entry)
            for (k, only, exclude), entries in groups.items():
                try:
                    outcomes = classify_documents(self.model, [e[1] for e in entries], k=k, only=only,
                                                  exclude=exclude)
                except BaseException as exc:  # handed to each waiting request
                    for entry in entries:
                        entry[2].set_exception(exc)
                    continue
                for (_, _, future), outcome in zip(entries, outcomes, strict=True):
                    future.set_result(outcome)
            if stopping:
                return

"""The models a service keeps: the current model of each project, loaded once per process, and the
micro-batcher that classifies concurrent requests together.

Models load once, in a background thread started by the app's lifespan; until they are loaded,
``/health`` says ``loading`` and model routes answer 503.
"""

from __future__ import annotations

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


@dataclass
class ModelPool:
    """The current model of each served project, loaded once per process."""

    home: Home
    names: tuple[str, ...] = ()
    models: dict[str, Classifier] = field(default_factory=dict)
    batchers: dict[str, Batcher] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    ready: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def open(cls, projects: Sequence[str] = ()) -> ModelPool:
        """A pool for the data home's projects (all, or those named)."""
        home = Home.open()
        names = tuple(projects) or tuple(home.projects)
        for name in names:
            home.project(name)  # an unknown project stops the start-up with a clear message
        return cls(home, names)

    def load(self) -> None:
        """Load every project's current model, warm it up, then mark the pool ready."""
        for name in self.names:
            try:
                model = Classifier.load(self.home.project(name).version_dir())
                model.suggest(WARM_UP_TEXT, explain=True)
                self.models[name] = model
                log.info("project %s: model %s loaded", name, model.card.version)
            except CvclassifyError as exc:
                self.failures[name] = str(exc)
                log.error("project %s: %s", name, exc)
        # The loaded models are millions of long-lived objects: keep them out of the garbage collector's
        # full passes, which otherwise stall requests for a few hundred milliseconds (p99).
        gc.collect()
        gc.freeze()
        self.ready.set()

    def start(self) -> threading.Thread:
        """Load the models in a background thread."""
        thread = threading.Thread(target=self.load, name="cvclassify-model-loader", daemon=True)
        thread.start()
        return thread

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
        """The project's micro-batcher (made on first use)."""
        found = self.batchers.get(name)
        if found is None or found.model is not model:
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
        self.thread = threading.Thread(target=self._run, name=f"cvclassify-batcher-{project}", daemon=True)
        self.thread.start()

    def submit(self, doc_id: str | None, source: Any, *, k: int, only, exclude) -> Outcome:
        """Classify one document (blocks until its batch is done); raises what the pass raised."""
        self.model.allowed(only, exclude)  # an option error belongs to this request alone
        future: Future = Future()
        key = (k, tuple(only) if only else None, tuple(exclude) if exclude else None)
        self.queue.put((key, (doc_id, source), future))
        return future.result()

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            while len(batch) < self.MAX_BATCH:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            groups: dict[BatchKey, list] = {}
            for entry in batch:
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

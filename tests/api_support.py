"""Helpers shared by the API tests: an app around an already trained model and a temporary database."""

from __future__ import annotations

from pathlib import Path

from cvclassify.api import Settings, create_app
from cvclassify.feedback import FeedbackStore
from cvclassify.projects import Home
from cvclassify.service.pool import ModelPool

PROJECT = "metz-2015-2020"


def ready_pool(model) -> ModelPool:
    pool = ModelPool(Home.open(), (PROJECT,))
    pool.models[PROJECT] = model
    pool.ready.set()
    return pool


def make_app(model, db: Path, **settings):
    store = FeedbackStore(f"sqlite:///{db}")
    return create_app(Settings(database_url=store.url, **settings), pool=ready_pool(model), store=store)

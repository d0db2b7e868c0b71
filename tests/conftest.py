"""Shared fixtures: the real contract, the stored taxonomy and a model trained on a small fixture corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvclassify import Classifier, ModelParams, load_corpus, load_taxonomy
from cvclassify.training import train_classifier

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTRACT = ROOT / "corpus" / "objectives" / "sources" / "contrat-de-ville-metz-2015-2020.txt"


@pytest.fixture(scope="session")
def contract_text() -> str:
    return CONTRACT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="session")
def fixture_corpus():
    return load_corpus(FIXTURES)


@pytest.fixture(scope="session")
def small_model(taxonomy, fixture_corpus) -> Classifier:
    """A real model trained on 21 fixture proposals plus the 118 objective descriptions."""
    return train_classifier(fixture_corpus.proposals, taxonomy, ModelParams(cv_folds=2))


@pytest.fixture(scope="session")
def small_model_dir(small_model, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("model")
    small_model.save(directory)
    return directory


def pytest_collection_modifyitems(config, items) -> None:
    """Notebooks are slow: mark them ``notebook`` and ``slow`` so ``-m 'not slow'`` skips them."""
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.notebook)
            item.add_marker(pytest.mark.slow)

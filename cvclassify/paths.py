"""Where cvclassify finds its data: the corpus, the taxonomies and the models.

The project root holds ``corpus/`` and ``models/``. It is the folder above the package in a source
checkout (``pip install -e .``); set ``CVCLASSIFY_HOME`` to use another one.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Folder holding corpus/ and models/ (``CVCLASSIFY_HOME`` or the source checkout)."""
    env = os.environ.get("CVCLASSIFY_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parent.parent


def corpus_dir() -> Path:
    return project_root() / "corpus"


def objectives_dir() -> Path:
    return corpus_dir() / "objectives"


def proposals_dir() -> Path:
    return corpus_dir() / "proposals"


def models_dir() -> Path:
    return project_root() / "models"


def default_model_dir() -> Path:
    return models_dir() / "default"

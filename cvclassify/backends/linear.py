"""The linear backend: French analysis, TF-IDF and vector features, one-vs-rest logistic regression.

    text ─ Analyse ─ features (lemma TF-IDF, char TF-IDF, mean vectors) ─ one-vs-rest logistic regression

It learns from the labelled examples and from each leaf's description (its label, lexicon and parents'
texts, ``description_copies`` times), prunes its smallest weights, and explains its margins word by word
(``cvclassify.backends.explain``).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cvclassify.analysis import Analyzer, fold
from cvclassify.backends.base import Backend, Example
from cvclassify.backends.explain import Explainer
from cvclassify.backends.linear_compiled import DENSE_WEIGHTS_BYTES, CompiledLinear, NotCompilable
from cvclassify.errors import ModelError
from cvclassify.model.params import ModelParams
from cvclassify.taxonomy import Taxonomy

if TYPE_CHECKING:  # scikit-learn is imported to train, not to load and predict (linear_compiled)
    from sklearn.pipeline import Pipeline

PipelineFactory = Callable[[ModelParams], "Pipeline"]


def build_pipeline(params: ModelParams) -> Pipeline:
    """The untrained analysis, feature and classifier pipeline."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline

    from cvclassify.features import Analyse, MeanVectors, char_block, feature_union, lemma_block

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
            C=params.C, class_weight=params.class_weight, solver="liblinear", dual=params.dual, tol=params.tol,
            max_iter=1000, random_state=params.random_state), n_jobs=params.n_jobs if params.n_jobs > 1 else None)),
    ])


def training_documents(examples: Sequence[Example], tree: Taxonomy, params: ModelParams
                       ) -> tuple[list[Any], list[list[str]], list[float]]:
    """Texts, label lists and weights the model learns from: the examples, then the leaves' descriptions."""
    texts: list[Any] = []
    labels: list[list[str]] = []
    weights: list[float] = []
    if params.use_proposals:
        for example in examples:
            texts.append(example.text)
            labels.append(list(example.codes))
            weights.append(example.weight)
    if params.use_descriptions:
        for leaf in tree.leaves:
            for _ in range(params.description_copies):
                texts.append(tree.describe(leaf.id, lexicon=params.use_lexicon))
                labels.append([leaf.id])
                weights.append(1.0)
            if params.term_examples > 0 and params.use_lexicon:
                for term in leaf.lexicon:
                    texts.append(term)
                    labels.append([leaf.id])
                    weights.append(params.term_examples)
    if not texts:
        raise ModelError("Nothing to train on: enable proposals or objective descriptions.")
    return texts, labels, weights


def fit_pipeline(pipeline: Pipeline, X: Sequence, y: np.ndarray, prune_share: float,
                 weights: Sequence[float] | None = None) -> Pipeline:
    """Fit a pipeline, then set the ``prune_share`` smallest weights to zero (sparse, 10x smaller)."""
    import joblib

    analysed = pipeline.named_steps["analyse"].fit_transform(list(X))
    rows = pipeline.named_steps["features"].fit_transform(analysed).tocsr()
    # Canonical (sorted, no duplicates): the worker processes get it memory-mapped, read-only, and scikit-learn
    # would otherwise try to sort it in place.
    rows.sum_duplicates()
    rows.sort_indices()
    classifier = pipeline.named_steps["classifier"]
    # Processes, not threads: liblinear's dual solver draws from the C library's one global random generator, so
    # learners fitted in threads at once would not give the same weights twice (the scores would not be
    # reproducible); each process has its own generator, seeded per learner.
    with warnings.catch_warnings(), joblib.parallel_config(backend="loky"):
        warnings.filterwarnings("ignore", message="Label .* is present in all training examples")
        if weights is not None and any(w != 1.0 for w in weights):
            import sklearn

            with sklearn.config_context(enable_metadata_routing=True):  # routes sample_weight to each learner
                learner = classifier.estimator
                learner.set_fit_request(sample_weight=True)
                classifier.fit(rows, y, sample_weight=np.asarray(weights, dtype=float))
                learner.set_fit_request(sample_weight=None)
        else:
            classifier.fit(rows, y)
    estimators = [e for e in pipeline.named_steps["classifier"].estimators_ if hasattr(e, "sparsify")]
    if prune_share > 0 and estimators:
        magnitudes = np.concatenate([np.abs(e.coef_).ravel() for e in estimators])
        cut = float(np.quantile(magnitudes, prune_share))
        for e in estimators:
            e.coef_[np.abs(e.coef_) < cut] = 0.0
            e.sparsify()
    return pipeline


def features(pipeline: Pipeline, X: Sequence):
    """Feature rows (CSR) of texts or analyses: the feature union's blocks side by side, computed step by step
    (the same matrix as ``FeatureUnion.transform``, without its routing and parallel machinery, a third of
    the time of a single request's features)."""
    from scipy import sparse
    from sklearn.pipeline import Pipeline

    from cvclassify.features import transform_step

    analysed = pipeline.named_steps["analyse"].transform(list(X))
    union = pipeline.named_steps["features"]
    weights = union.transformer_weights or {}
    blocks = []
    for name, block in union.transformer_list:
        if block is None or block == "drop":
            continue
        out = analysed
        for _, step in block.steps if isinstance(block, Pipeline) else [(name, block)]:
            if step is not None and step != "passthrough":
                out = transform_step(step, out)
        blocks.append(out * weights[name] if name in weights else out)
    if not blocks:
        return union.transform(analysed).tocsr()
    return sparse.hstack(blocks).tocsr() if len(blocks) > 1 else sparse.csr_matrix(blocks[0])


def margin_values(pipeline: Pipeline, rows) -> np.ndarray:
    """Margins of every code (documents × codes) for rows of computed features, asking each learner."""
    clf = pipeline.named_steps["classifier"]
    out = np.zeros((rows.shape[0], len(clf.estimators_)))
    for j, est in enumerate(clf.estimators_):
        if hasattr(est, "decision_function"):
            out[:, j] = est.decision_function(rows)
        elif hasattr(est, "predict_proba"):  # probabilistic learners (bench variants): work on log-odds
            p = np.clip(est.predict_proba(rows)[:, 1], 1e-6, 1 - 1e-6)
            out[:, j] = np.log(p / (1 - p))
        else:  # constant predictor for a code without positives
            out[:, j] = -10.0
    return out


@dataclass(frozen=True)
class StackedLinear:
    """The one-vs-rest linear weights stacked as one matrix (features × codes) and intercepts.

    Gives the margins of ``margin_values`` with one product; a pipeline whose learners are not linear
    falls back to asking each of them.
    """

    weights: object | None
    intercepts: np.ndarray
    pipeline: Pipeline

    @classmethod
    def of(cls, pipeline: Pipeline) -> StackedLinear:
        """The stacked weights of a fitted pipeline."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression

        estimators = pipeline.named_steps["classifier"].estimators_
        if not all(isinstance(e, LogisticRegression) for e in estimators):
            return cls(None, np.zeros(0), pipeline)
        columns = [sparse.csr_matrix(e.coef_, dtype=np.float64) for e in estimators]
        weights = sparse.vstack(columns).T.tocsr()
        if weights.shape[0] * weights.shape[1] * 8 <= DENSE_WEIGHTS_BYTES:
            weights = weights.toarray()  # a sparse × dense product is several times faster
        intercepts = np.array([float(np.ravel(e.intercept_)[0]) for e in estimators])
        return cls(weights, intercepts, pipeline)

    def margins(self, rows) -> np.ndarray:
        """Margins (documents × codes) of feature rows."""
        if self.weights is None:
            return margin_values(self.pipeline, rows)
        product = rows @ self.weights
        return (product.toarray() if hasattr(product, "toarray") else np.asarray(product)) + self.intercepts


def coefficients(pipeline: Pipeline) -> list[np.ndarray]:
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
        vectorizer = block.named_steps["tfidf"] if hasattr(block, "named_steps") else block
        if hasattr(vectorizer, "stop_words_"):
            vectorizer.stop_words_ = None


def _vocabulary_columns(vectorizer) -> Callable[[str], list[int]]:
    """A raw word's n-gram columns in a fitted vectorizer's vocabulary (its analyzer, then the vocabulary)."""
    analyse, vocabulary = vectorizer.build_analyzer(), vectorizer.vocabulary_
    return lambda word: [vocabulary[g] for g in analyse(word) if g in vocabulary]


class LinearBackend(Backend):
    """spaCy lemmas, character n-grams and word vectors into one-vs-rest logistic regressions.

    ``analyzer`` shares one analysis cache between the fits of a training (each text analysed once);
    ``factory`` builds the untrained pipeline (bench/ passes its experimental variants here). A fitted
    pipeline predicts through its compiled tables (``linear_compiled``), and a saved model holds only those
    (no scikit-learn object: loading one does not import scikit-learn); a pipeline the tables cannot
    reproduce (a bench variant) predicts and is saved as it is.
    """

    name = "linear"

    def __init__(self, params: ModelParams | None = None, *, analyzer: Analyzer | None = None,
                 factory: PipelineFactory = build_pipeline, pipeline: Pipeline | None = None,
                 leaf_ids: Sequence[str] = (), compiled: CompiledLinear | None = None) -> None:
        self.params = params or ModelParams()
        self.pipeline = pipeline
        """The fitted scikit-learn pipeline; None once loaded from a file (the compiled tables predict)."""
        self.leaf_ids = list(leaf_ids)
        self._analyzer = analyzer
        self._factory = factory
        self._reset(compiled)

    def _reset(self, compiled: CompiledLinear | None = None) -> None:
        self._compiled = compiled
        self._compile_tried = compiled is not None
        self._stacked: StackedLinear | None = None
        self._explainer: Explainer | None = None
        self._lock = threading.Lock()

    def fit(self, examples: Sequence[Example], tree: Taxonomy) -> LinearBackend:
        """Fit the pipeline on the examples and the leaves' descriptions."""
        texts, labels, weights = training_documents(examples, tree, self.params)
        from sklearn.preprocessing import MultiLabelBinarizer

        y = MultiLabelBinarizer(classes=tree.leaf_ids).fit_transform(labels)
        pipeline = self._factory(self.params)
        analyse = pipeline.named_steps["analyse"]
        if self._analyzer is not None and self._analyzer.mode == analyse.mode:
            analyse.analyzer = self._analyzer
        self.pipeline = fit_pipeline(pipeline, texts, y, self.params.prune_share, weights)
        self.leaf_ids = list(tree.leaf_ids)
        self._reset()
        return self

    @property
    def compiled(self) -> CompiledLinear | None:
        """The fitted pipeline's tables (compiled on first use), or None for a pipeline they cannot reproduce."""
        with self._lock:
            if not self._compile_tried and self.pipeline is not None:
                self._compile_tried = True
                try:
                    self._compiled = CompiledLinear.of(self.pipeline)
                except NotCompilable:
                    self._compiled = None
            return self._compiled

    @property
    def analyzer(self) -> Analyzer:
        """The analyzer (French analysis and its bounded cache) of this backend."""
        compiled = self.compiled
        return compiled.analyzer if compiled is not None else self.pipeline.named_steps["analyse"].analyzer

    def represent(self, documents: Sequence):
        """Feature rows (CSR) of texts or analyses."""
        compiled = self.compiled
        return compiled.rows(documents) if compiled is not None else features(self.pipeline, documents)

    def margins(self, represented) -> np.ndarray:
        """Margins (documents × leaves) of feature rows."""
        compiled = self.compiled
        return compiled.margins(represented) if compiled is not None else self.stacked.margins(represented)

    @property
    def stacked(self) -> StackedLinear:
        """All codes' weights in one matrix, for a pipeline without compiled tables."""
        with self._lock:
            if self._stacked is None:
                self._stacked = StackedLinear.of(self.pipeline)
            return self._stacked

    @property
    def explainer(self) -> Explainer:
        """Reads the linear weights once, on first use (the columns of the dense stacked weights when there are:
        one copy of them in memory, not two)."""
        compiled = self.compiled
        if compiled is None:
            return self._union_explainer()
        columns = compiled.columns() if self._explainer is None else None
        with self._lock:
            if self._explainer is None:
                words, chars = compiled.block("words"), compiled.block("chars")
                self._explainer = Explainer(
                    vocab=words.table.vocabulary if words is not None else {},
                    stop_words=words.stop_words if words is not None else frozenset(),
                    char_columns=(lambda word: chars.columns(fold(word))) if chars is not None else None,
                    char_offset=compiled.offset("chars") if chars is not None else 0,
                    coef=columns, leaf_ids=self.leaf_ids, analyzer=compiled.analyzer)
            return self._explainer

    def _union_explainer(self) -> Explainer:
        """The explainer of a pipeline without compiled tables, read from its feature union."""
        stacked, analyzer = self.stacked, self.analyzer
        with self._lock:
            if self._explainer is None:
                weights = stacked.weights
                coef = ([weights[:, j] for j in range(weights.shape[1])] if isinstance(weights, np.ndarray)
                        else coefficients(self.pipeline))
                blocks = dict(self.pipeline.named_steps["features"].transformer_list)
                words, chars = blocks.get("words"), blocks.get("chars")
                vocab = words.named_steps["tfidf"].vocabulary_ if words is not None else {}
                self._explainer = Explainer(
                    vocab=vocab,
                    stop_words=frozenset(getattr(words.named_steps.get("lemmas"), "stop_words", ()) or ())
                    if words is not None else frozenset(),
                    char_columns=_vocabulary_columns(chars.named_steps["tfidf"]) if chars is not None else None,
                    char_offset=len(vocab), coef=coef, leaf_ids=self.leaf_ids, analyzer=analyzer)
            return self._explainer

    def explain(self, fields: Mapping[str, str], suggestions: Sequence, represented, row: int) -> None:
        """Evidence words of each suggestion from the linear weights."""
        self.explainer.explain(fields, suggestions, represented[row])

    def top_terms(self, represented, row: int, leaf_id: str, n: int) -> list[str]:
        """The lemma n-grams that most raised a code in one document."""
        return self.explainer.top_terms(represented[row], leaf_id, n)

    def known_words(self, represented, margins: np.ndarray | None = None) -> np.ndarray:
        """Per feature row: whether the text has a lemma that raises one of its best codes
        (``Explainer.known_words``)."""
        return self.explainer.known_words(represented, margins)

    def warm_up(self) -> None:
        """Make the dense weights and the explainer now (a server or a batch scores many documents)."""
        compiled = self.compiled
        if compiled is not None:
            compiled.weights  # noqa: B018 - made on first access
        self.explainer  # noqa: B018

    def compact(self) -> None:
        """Shrink the fitted pipeline before saving (see ``compact``); the tables are compiled again from it."""
        if self.pipeline is not None:
            compact(self.pipeline)
            self._reset()

    def describe(self) -> dict[str, Any]:
        """The backend's name and parameters, for the model card."""
        return {"name": self.name, "params": asdict(self.params)}

    def __getstate__(self) -> dict:
        compiled = self.compiled
        if compiled is not None:
            return {"params": self.params, "compiled": compiled, "leaf_ids": self.leaf_ids}
        return {"params": self.params, "pipeline": self.pipeline, "leaf_ids": self.leaf_ids}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["params"], pipeline=state.get("pipeline"), leaf_ids=state["leaf_ids"],
                      compiled=state.get("compiled"))

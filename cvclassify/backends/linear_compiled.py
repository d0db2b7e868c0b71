"""The fitted linear backend as plain tables: what prediction needs, without scikit-learn.

A fitted pipeline (``cvclassify.backends.linear``) is compiled once, when it is saved, into

    vocabularies and idf weights of the lemma and character n-gram blocks, the vector block's weight,
    the stacked one-vs-rest weights (features × codes) and intercepts

and a model file holds these tables only. Loading one imports NumPy and ``scipy.sparse``, not scikit-learn
(a second of every fresh process: ``cvclassify suggest`` in a terminal, each batch worker). The feature rows
are scikit-learn's to the last bit: the same n-grams, counts, sublinear tf, idf product and sequential row
norm, in the same order (``tests/test_linear_compiled.py`` compares them on the corpus).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, NamedTuple

import numpy as np

from cvclassify.analysis import SPACY_MODEL, Analysis, Analyzer, fold

MEMO_WORDS = 200_000
"""Word forms whose character n-gram columns are remembered per block (a few tens of MB at most)."""
DENSE_WEIGHTS_BYTES = 128 * 2**20
"""Stacked weights up to this size are made dense when loaded (a sparse × dense product is several times faster)."""
SPARSE_DOCUMENTS = 32
"""Documents scored with the sparse weights before the dense copy is made (see ``_product_weights``)."""
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's ``_VectorizerMixin._white_spaces``


class NotCompilable(Exception):
    """A pipeline with a step the tables cannot reproduce (bench variants): it is kept as it is."""


@dataclass
class TfidfTable:
    """One TF-IDF block: vocabulary, idf and weighting, as a fitted ``TfidfVectorizer`` holds them."""

    vocabulary: dict[str, int]
    idf: np.ndarray | None
    ngram_range: tuple[int, int]
    sublinear_tf: bool
    norm: str | None
    binary: bool = False

    @classmethod
    def of(cls, vectorizer: Any) -> TfidfTable:
        """The table of a fitted vectorizer."""
        tfidf = vectorizer._tfidf
        if tfidf.norm not in ("l2", None):
            raise NotCompilable(f"norm {tfidf.norm!r}")
        idf = np.asarray(tfidf.idf_) if getattr(tfidf, "use_idf", True) and hasattr(tfidf, "idf_") else None
        return cls(dict(vectorizer.vocabulary_), idf, tuple(vectorizer.ngram_range), bool(tfidf.sublinear_tf),
                   tfidf.norm, bool(vectorizer.binary))

    def rows(self, indices: list[list[int]]) -> Rows:
        """TF-IDF rows of each document's vocabulary indices (with repeats), as ``TfidfVectorizer.transform``
        computes them: counts, sublinear tf, idf, then each row divided by its norm."""
        n = len(indices)
        lengths = np.fromiter(map(len, indices), dtype=np.int64, count=n)
        flat = np.fromiter(chain.from_iterable(indices), dtype=np.int64, count=int(lengths.sum()))
        size = max(1, len(self.vocabulary))
        keys, counts = np.unique(np.repeat(np.arange(n, dtype=np.int64), lengths) * size + flat, return_counts=True)
        docs = keys // size  # sorted by document, then column: a canonical CSR
        columns = (keys - docs * size).astype(np.int32)
        indptr = np.searchsorted(docs, np.arange(n + 1, dtype=np.int64))
        data = counts.astype(np.float64)
        if self.binary:
            data.fill(1)
        if self.sublinear_tf:
            np.log(data, data)
            data += 1.0
        if self.idf is not None:
            data *= self.idf[columns]
        if self.norm == "l2":
            _normalize_l2(data, indptr)
        return Rows(data, columns, indptr, len(self.vocabulary))


class Rows(NamedTuple):
    """Sparse rows of one feature block: CSR arrays with sorted columns, and the block's width."""

    data: np.ndarray
    columns: np.ndarray
    indptr: np.ndarray
    width: int


def _normalize_l2(data: np.ndarray, indptr: np.ndarray) -> None:
    """Divide each row by its Euclidean norm in place, summing squares in column order as scikit-learn's
    ``inplace_csr_row_normalize_l2`` does (a running sum, so the same bits)."""
    for i in range(indptr.size - 1):
        start, end = indptr[i], indptr[i + 1]
        if start == end:
            continue
        segment = data[start:end]
        total = float(np.cumsum(segment * segment)[-1])
        if total != 0.0:
            segment /= np.sqrt(total)


def word_ngrams(tokens: list[str], ngram_range: tuple[int, int]) -> list[str]:
    """Token n-grams in scikit-learn's order (``_VectorizerMixin._word_ngrams``)."""
    min_n, max_n = ngram_range
    if max_n == 1:
        return tokens
    grams = list(tokens) if min_n == 1 else []
    count = len(tokens)
    for n in range(max(min_n, 2), min(max_n + 1, count + 1)):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(count - n + 1))
    return grams


def char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside word boundaries, padded with a space (``_VectorizerMixin._char_wb_ngrams``)."""
    min_n, max_n = ngram_range
    grams: list[str] = []
    for w in _WHITE_SPACES.sub(" ", text).split():
        w = " " + w + " "
        size = len(w)
        for n in range(min_n, max_n + 1):
            offset = 0
            grams.append(w[offset:offset + n])
            while offset + n < size:
                offset += 1
                grams.append(w[offset:offset + n])
            if offset == 0:  # a short word counts once
                break
    return grams


@dataclass
class WordBlock:
    """TF-IDF on content-lemma n-grams, the territory's place names left out."""

    table: TfidfTable
    stop_words: frozenset[str] = frozenset()

    def rows(self, analyses: Sequence[Analysis]):
        """Feature rows of analyses."""
        vocabulary, stop, ngrams = self.table.vocabulary, self.stop_words, self.table.ngram_range
        indices = []
        for a in analyses:
            lemmas = [w for w in a.lemmas.split() if w not in stop] if stop else a.lemmas.split()
            indices.append([j for j in map(vocabulary.get, word_ngrams(lemmas, ngrams)) if j is not None])
        return self.table.rows(indices)


@dataclass
class CharBlock:
    """TF-IDF on folded character n-grams inside words; each word form's columns are memoised."""

    table: TfidfTable
    _memo: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _raw: dict[str, list[int]] = field(default_factory=dict, repr=False)
    """The columns of each whitespace-delimited string as the text holds it (folded once, when first met)."""

    def columns(self, word: str) -> list[int]:
        """Vocabulary indices of one folded word form's n-grams, with repeats (memoised: the explanations ask for
        the words the feature rows already met)."""
        found = self._memo.get(word)
        if found is None:
            vocabulary = self.table.vocabulary
            found = [vocabulary[g] for g in char_wb_ngrams(word, self.table.ngram_range) if g in vocabulary]
            if len(self._memo) < MEMO_WORDS:
                self._memo[word] = found
        return found

    def rows(self, analyses: Sequence[Analysis]):
        """Feature rows of analyses (their original texts)."""
        indices = []
        raw = self._raw
        for a in analyses:
            found: list[int] = []
            # ``fold`` works character by character and keeps whitespace apart: folding the text's strings one by
            # one gives the words of the folded text
            for string in a.text.split():
                columns = raw.get(string)
                if columns is None:
                    columns = [c for word in fold(string).split() for c in self.columns(word)]
                    if len(raw) < MEMO_WORDS:
                        raw[string] = columns
                found += columns
            indices.append(found)
        return self.table.rows(indices)

    def __getstate__(self) -> dict:
        return {"table": self.table}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["table"])


@dataclass
class VectorBlock:
    """The analyses' unit mean word vectors, scaled by ``weight``."""

    weight: float

    def rows(self, analyses: Sequence[Analysis]) -> Rows:
        """Feature rows of analyses: the scaled vectors' non-zero entries."""
        if not analyses:
            return Rows(np.zeros(0), np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64), 0)
        dense = np.vstack([a.vector for a in analyses]) * self.weight
        docs, columns = np.nonzero(dense)
        indptr = np.searchsorted(docs, np.arange(len(analyses) + 1))
        return Rows(dense[docs, columns].astype(np.float64), columns.astype(np.int32), indptr, dense.shape[1])


Block = WordBlock | CharBlock | VectorBlock


class CompiledLinear:
    """Analysis, feature blocks and stacked weights of a fitted linear pipeline: feature rows and margins."""

    def __init__(self, blocks: list[tuple[str, Block]], weights: Any, intercepts: np.ndarray,
                 spacy_model: str = SPACY_MODEL, mode: str = "lookup", analyzer: Analyzer | None = None) -> None:
        self.blocks = blocks
        self.stored_weights = weights
        """As saved: sparse (features × codes, pruned), dense when small enough at load (``weights``)."""
        self.intercepts = np.asarray(intercepts, dtype=np.float64)
        self.spacy_model = spacy_model
        self.mode = mode
        self.analyzer = analyzer if analyzer is not None else Analyzer(spacy_model, mode=mode)
        self._weights: Any = None
        self._scored = 0
        self._lock = threading.Lock()

    @classmethod
    def of(cls, pipeline: Any) -> CompiledLinear:
        """Compile a fitted pipeline (``NotCompilable`` if a step is not one of the product's)."""
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline

        from cvclassify.features import CharNgramTfidf, LemmaStrings, MeanVectors, RawTexts

        union = pipeline.named_steps["features"]
        if union.transformer_weights:
            raise NotCompilable("transformer weights")
        blocks: list[tuple[str, Block]] = []
        for name, block in union.transformer_list:
            steps = [s for _, s in block.steps] if isinstance(block, Pipeline) else [block]
            kinds = tuple(type(s) for s in steps)
            if len(steps) == 2 and isinstance(steps[0], LemmaStrings) and type(steps[1]).__name__ == "TfidfVectorizer":
                vectorizer = steps[1]
                if vectorizer.lowercase or vectorizer.preprocessor is not None or vectorizer.stop_words is not None:
                    raise NotCompilable(f"lemma block {name!r}")
                blocks.append((name, WordBlock(TfidfTable.of(vectorizer), frozenset(steps[0].stop_words or ()))))
            elif (kinds == (RawTexts, CharNgramTfidf) and steps[1].analyzer == "char_wb"
                  and steps[1].preprocessor is fold):
                blocks.append((name, CharBlock(TfidfTable.of(steps[1]))))
            elif kinds == (MeanVectors,):
                blocks.append((name, VectorBlock(float(steps[0].weight))))
            else:
                raise NotCompilable(f"block {name!r}: {[k.__name__ for k in kinds]}")
        estimators = pipeline.named_steps["classifier"].estimators_
        if not all(isinstance(e, LogisticRegression) for e in estimators):
            raise NotCompilable("learners that are not logistic regressions")
        weights = sparse.vstack([sparse.csr_matrix(e.coef_, dtype=np.float64) for e in estimators]).T.tocsr()
        intercepts = np.array([float(np.ravel(e.intercept_)[0]) for e in estimators])
        analyse = pipeline.named_steps["analyse"]
        return cls(blocks, weights, intercepts, analyse.spacy_model, analyse.mode, analyse.analyzer)

    def block(self, name: str) -> Block | None:
        """A feature block by name (``words``, ``chars``, ``vectors``), if the model has it."""
        return dict(self.blocks).get(name)

    def offset(self, name: str) -> int:
        """The first feature column of a block (the vector block's width is the vectors' dimension)."""
        start = 0
        for other, block in self.blocks:
            if other == name:
                return start
            start += len(block.table.vocabulary) if hasattr(block, "table") else 0
        raise KeyError(name)

    def analyse(self, documents: Sequence) -> list[Analysis]:
        """Analyses of texts (analyses given pass through)."""
        return self.analyzer.analyse_mixed(documents)

    def rows(self, documents: Sequence):
        """Feature rows (CSR) of texts or analyses: the blocks side by side."""
        from scipy import sparse

        analyses = self.analyse(documents)
        parts = [block.rows(analyses) for _, block in self.blocks]
        lengths = np.stack([np.diff(p.indptr) for p in parts])  # blocks × documents
        indptr = np.concatenate([[0], np.cumsum(lengths.sum(axis=0))])
        data = np.empty(int(indptr[-1]), dtype=np.float64)
        columns = np.empty(int(indptr[-1]), dtype=np.int32)
        start, offset = indptr[:-1].copy(), 0
        for part, length in zip(parts, lengths, strict=True):  # each row: the blocks' entries side by side
            where = np.repeat(start - part.indptr[:-1], length) + np.arange(part.data.size)
            data[where] = part.data
            columns[where] = part.columns + offset
            start += length
            offset += part.width
        X = sparse.csr_matrix((data, columns, indptr), shape=(len(analyses), offset))
        X.has_sorted_indices = True
        return X

    @property
    def weights(self) -> Any:
        """The stacked weights (features × codes), made dense now if they fit ``DENSE_WEIGHTS_BYTES``."""
        with self._lock:
            if self._weights is None:
                stored = self.stored_weights
                dense = stored.shape[0] * stored.shape[1] * 8 <= DENSE_WEIGHTS_BYTES
                self._weights = stored.toarray() if dense and hasattr(stored, "toarray") else stored
            return self._weights

    def _product_weights(self, documents: int) -> Any:
        """The weights to multiply ``documents`` feature rows by: the stored sparse ones until more than
        ``SPARSE_DOCUMENTS`` documents were scored (a command that suggests once never pays the dense copy's
        0.2 s and 90 MB), then the dense ones. Both products add the same terms in the same order: the same
        margins to the last bit."""
        if self._weights is None:
            self._scored += documents
            if self._scored <= SPARSE_DOCUMENTS:
                return self.stored_weights
        return self.weights

    def margins(self, rows) -> np.ndarray:
        """Margins (documents × codes) of feature rows."""
        product = rows @ self._product_weights(rows.shape[0])
        return (product.toarray() if hasattr(product, "toarray") else np.asarray(product)) + self.intercepts

    def columns(self) -> Sequence[np.ndarray]:
        """Each code's weights over the features: views of the dense weights once they are made, read from the
        sparse ones before (``_Columns``)."""
        return _Columns(self)

    def __getstate__(self) -> dict:
        return {"blocks": self.blocks, "weights": self.stored_weights, "intercepts": self.intercepts,
                "spacy_model": self.spacy_model, "mode": self.mode}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["blocks"], state["weights"], state["intercepts"], state["spacy_model"], state["mode"])


class _Columns(Sequence):
    """Code ``j``'s weights over all features, as the explanations read them: a view of the dense weights once
    they exist, else the column read from the sparse ones on each call (no second copy kept)."""

    def __init__(self, model: CompiledLinear) -> None:
        self.model = model
        self._csc: Any = None

    def __len__(self) -> int:
        return self.model.stored_weights.shape[1]

    def __getitem__(self, j: int) -> np.ndarray:  # type: ignore[override]
        dense = self.model._weights
        if isinstance(dense, np.ndarray):
            self._csc = None
            return dense[:, j]
        if self._csc is None:
            self._csc = self.model.stored_weights.tocsc()
        return self._csc[:, [j]].toarray().ravel()

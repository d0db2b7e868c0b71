"""Explanations: the words of an application whose features raised a code's decision value.

For a linear model, a feature's contribution to a code is its value in the text times the code's
weight. Each content word gets the contributions of its lemma, the lemma bigrams it is part of (half
each) and the character n-grams inside it (a quarter each); the strongest words are the evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import pairwise

import numpy as np

from cvclassify.analysis import Analyzer, Token
from cvclassify.document import truncate
from cvclassify.result import Evidence, Suggestion

CHAR_MEMO_SIZE = 200_000
"""Word forms whose character n-gram columns are remembered (a few tens of MB at most)."""
_NONE = np.zeros(0, dtype=np.int64)


class Explainer:
    """Evidence words for suggestions of one fitted linear model (weights read once, then reused).

    ``vocab`` maps lemma n-grams to their feature columns; ``char_columns`` gives the character n-gram block's
    columns (counted from ``char_offset``) of a raw word's n-grams, repeats allowed; ``coef`` holds each
    code's weights over all features, in ``leaf_ids`` order.
    """

    def __init__(self, *, vocab: Mapping[str, int], stop_words: frozenset[str],
                 char_columns: Callable[[str], Iterable[int]] | None, char_offset: int, coef: Sequence[np.ndarray],
                 leaf_ids: Sequence[str], analyzer: Analyzer) -> None:
        self.vocab = vocab
        self.stop_words = set(stop_words)
        """Place names: never shown as evidence (a neighbourhood never justifies a code)."""
        self.char_columns = char_columns
        self.char_offset = char_offset
        self.coef = coef
        self.position = {c: j for j, c in enumerate(leaf_ids)}
        self.analyzer = analyzer
        self._char_memo: dict[str, np.ndarray] = {}
        self.terms = np.empty(len(self.vocab), dtype=object)
        for term, idx in self.vocab.items():
            self.terms[idx] = term.replace("_", " ")

    def known_words(self, x, margins: np.ndarray | None = None, top: int = 5) -> np.ndarray:
        """Per feature row (documents × features): whether a lemma or lemma n-gram of the text has a weight for
        some code and, with the rows' ``margins`` (documents × codes), whether one raises one of the ``top``
        best codes (« néant » is known, but only pushes codes down). Character n-grams and word vectors do not
        count: they score any string, even « xxxxx ». Without a word block every row counts as known."""
        n, size = x.shape[0], len(self.vocab)
        if not size:
            return np.ones(n, dtype=bool)
        x = x.tocsr()
        found = np.zeros(n, dtype=bool)
        for i in range(n):
            idx, values = x.indices[x.indptr[i]:x.indptr[i + 1]], x.data[x.indptr[i]:x.indptr[i + 1]]
            words = idx < size
            idx, values = idx[words], values[words]
            if not idx.size:
                continue
            codes = range(len(self.coef)) if margins is None else np.argsort(-margins[i], kind="stable")[:top]
            for j in codes:
                row = self.coef[j]
                if row.size and ((values * row[idx] > 0).any() if margins is not None else (row[idx] != 0).any()):
                    found[i] = True
                    break
        return found

    def top_terms(self, x, leaf_id: str, n: int = 5) -> list[str]:
        """The lemma n-grams whose features most raised a code, for one feature row (fast: no new analysis)."""
        row = self.coef[self.position[leaf_id]]
        x = x.tocsr()
        words = x.indices < len(self.vocab)
        idx, values = x.indices[words], x.data[words]
        if row.size == 0 or idx.size == 0:
            return []
        contributions = values * row[idx]
        best = np.argsort(-contributions)[:n]
        return [str(self.terms[idx[j]]) for j in best if contributions[j] > 0]

    def explain(self, fields: Mapping[str, str], items: Sequence[Suggestion], x, top: int = 8) -> None:
        """Attach to each suggestion its evidence words; ``x`` is the text's feature row (1 × features).

        The text's word → feature table is built once, with array operations: every word's lemma column,
        then its bigram columns, then its character n-gram columns (remembered per word form); each
        suggestion is then one weighted sum.
        """
        fields = {name: truncate(value)[0] for name, value in fields.items()}
        x = x.tocsr()
        x.sort_indices()
        names = list(fields)
        words: list[tuple[str, str, Token]] = []
        heads: list[np.ndarray] = []  # per field: lemma, next bigram and previous bigram column of each word
        chars: list[np.ndarray] = []
        vocab, stop_words = self.vocab, self.stop_words
        for name, tokens in zip(names, self.analyzer.tokens([fields[n] for n in names]), strict=True):
            text = fields[name]
            lemmas = [tok.lemma for tok in tokens]
            kept = [i for i, lemma in enumerate(lemmas) if lemma not in stop_words]
            if not kept:
                continue
            pairs = np.array([-1] + [vocab.get(f"{a} {b}", -1) for a, b in pairwise(lemmas)] + [-1])
            at = np.array(kept)
            unigrams = np.array([vocab.get(lemmas[i], -1) for i in kept])
            heads.append(np.stack([unigrams, pairs[at + 1], pairs[at]]))  # pairs[i + 1]: tokens i and i + 1
            words.extend((name, text, tokens[i]) for i in kept)
            chars.extend(self._char_columns(text[tokens[i].start:tokens[i].end]) for i in kept)
        if not words:
            return
        head = np.concatenate(heads, axis=1)  # 3 × words
        word_ids = np.arange(len(words))
        sizes = np.fromiter((c.size for c in chars), dtype=np.int64, count=len(chars))
        cols_a = np.concatenate([head.ravel(), *chars])
        rows_a = np.concatenate([np.tile(word_ids, 3), np.repeat(word_ids, sizes)])
        shares_a = np.concatenate([np.repeat([1.0, 2.0, 2.0], len(words)), np.full(int(sizes.sum()), 4.0)])
        found = cols_a >= 0
        rows_a, cols_a, shares_a = rows_a[found], cols_a[found], shares_a[found]
        if not cols_a.size:
            return
        # keep the (word, feature) pairs whose feature is present in the text, with its value
        where = np.searchsorted(x.indices, cols_a)
        where[where >= x.indices.size] = 0
        present = x.indices.size > 0
        keep = (x.indices[where] == cols_a) if present else np.zeros(cols_a.size, dtype=bool)
        rows_a, cols_a = rows_a[keep], cols_a[keep]
        values_a, shares_a = x.data[where[keep]], shares_a[keep]
        explained = [(s, row) for s in items if (row := self.coef[self.position[s.id]]).size]
        if not explained:
            return
        # every suggestion's word weights in one sum: bin (suggestion, word), terms in the same order as alone
        count = len(words)
        terms = values_a * np.stack([row[cols_a] for _, row in explained]) / shares_a
        bins = (np.arange(len(explained))[:, None] * count + rows_a).ravel()
        weights = np.round(np.bincount(bins, weights=terms.ravel(), minlength=len(explained) * count), 4)
        for k, (s, _) in enumerate(explained):
            weight = weights[k * count:(k + 1) * count]
            positive = np.flatnonzero(weight > 0)
            best: dict[str, Evidence] = {}
            for j in positive[np.argsort(-weight[positive], kind="stable")]:
                name, text, tok = words[j]
                if tok.lemma not in best:
                    best[tok.lemma] = Evidence(text[tok.start:tok.end], tok.lemma, float(weight[j]), name,
                                               tok.start, tok.end)
                    if len(best) == top:
                        break
            s.evidence = list(best.values())

    def _char_columns(self, word: str) -> np.ndarray:
        """Feature columns of a word's character n-grams (memoised per word form)."""
        found = self._char_memo.get(word)
        if found is None:
            found = (np.array(sorted({self.char_offset + j for j in self.char_columns(word)}), dtype=np.int64)
                     if self.char_columns is not None else _NONE)
            if len(self._char_memo) < CHAR_MEMO_SIZE:
                self._char_memo[word] = found
        return found

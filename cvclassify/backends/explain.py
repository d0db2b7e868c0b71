"""Explanations: the words of an application whose features raised a code's decision value.

For a linear model, a feature's contribution to a code is its value in the text times the code's
weight. Each content word gets the contributions of its lemma, the lemma bigrams it is part of (half
each) and the character n-grams inside it (a quarter each); the strongest words are the evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from cvclassify.analysis import Analyzer, Token
from cvclassify.document import truncate
from cvclassify.result import Evidence, Suggestion

CHAR_MEMO_SIZE = 200_000
"""Word forms whose character n-gram columns are remembered (a few tens of MB at most)."""


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
        self._char_memo: dict[str, tuple[int, ...]] = {}
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

        The text's word → feature table is built once; each suggestion is then one weighted sum.
        """
        fields = {name: truncate(value)[0] for name, value in fields.items()}
        x = x.tocsr()
        x.sort_indices()
        names = list(fields)
        words: list[tuple[str, str, Token]] = []
        rows: list[int] = []
        cols: list[int] = []
        shares: list[float] = []
        vocab = self.vocab
        for name, tokens in zip(names, self.analyzer.tokens([fields[n] for n in names]), strict=True):
            text = fields[name]
            for i, tok in enumerate(tokens):
                if tok.lemma in self.stop_words:
                    continue
                word = len(words)
                words.append((name, text, tok))
                found = [(vocab.get(tok.lemma), 1.0)]
                if i + 1 < len(tokens):
                    found.append((vocab.get(f"{tok.lemma} {tokens[i + 1].lemma}"), 2.0))
                if i > 0:
                    found.append((vocab.get(f"{tokens[i - 1].lemma} {tok.lemma}"), 2.0))
                for column, share in found:
                    if column is not None:
                        rows.append(word)
                        cols.append(column)
                        shares.append(share)
                chars = self._char_columns(text[tok.start:tok.end])
                rows.extend([word] * len(chars))
                cols.extend(chars)
                shares.extend([4.0] * len(chars))
        if not rows:
            return
        # keep the (word, feature) pairs whose feature is present in the text, with its value
        cols_a = np.array(cols, dtype=np.int64)
        where = np.searchsorted(x.indices, cols_a)
        where[where >= x.indices.size] = 0
        present = x.indices.size > 0
        keep = (x.indices[where] == cols_a) if present else np.zeros(cols_a.size, dtype=bool)
        rows_a, cols_a = np.array(rows)[keep], cols_a[keep]
        values_a, shares_a = x.data[where[keep]], np.array(shares)[keep]
        for s in items:
            row = self.coef[self.position[s.id]]
            if row.size == 0:
                continue
            weight = np.round(np.bincount(rows_a, weights=values_a * row[cols_a] / shares_a,
                                          minlength=len(words)), 4)
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

    def _char_columns(self, word: str) -> tuple[int, ...]:
        """Feature columns of a word's character n-grams (memoised per word form)."""
        if self.char_columns is None:
            return ()
        found = self._char_memo.get(word)
        if found is None:
            found = tuple(self.char_offset + j for j in set(self.char_columns(word)))
            if len(self._char_memo) < CHAR_MEMO_SIZE:
                self._char_memo[word] = found
        return found

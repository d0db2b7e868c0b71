"""Explanations: the words of an application whose features raised a code's decision value.

For a linear model, a feature's contribution to a code is its value in the text times the code's
weight. Each content word gets the contributions of its lemma, the lemma bigrams it is part of (half
each) and the character n-grams inside it (a quarter each); the strongest words are the evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.pipeline import FeatureUnion

from cvclassify.analysis import Analyzer, Token
from cvclassify.document import truncate
from cvclassify.suggestion import Evidence, Suggestion


class Explainer:
    """Evidence words for suggestions of one fitted pipeline (weights read once, then reused)."""

    def __init__(self, union: FeatureUnion, coef: Sequence[np.ndarray], leaf_ids: Sequence[str],
                 analyzer: Analyzer) -> None:
        blocks = dict(union.transformer_list)
        self.vocab = blocks["words"].named_steps["tfidf"].vocabulary_ if "words" in blocks else {}
        chars = blocks.get("chars")
        self.char_vocab = chars.named_steps["tfidf"].vocabulary_ if chars is not None else {}
        self.char_analyzer = chars.named_steps["tfidf"].build_analyzer() if chars is not None else None
        self.char_offset = len(self.vocab)
        self.coef = coef
        self.position = {c: j for j, c in enumerate(leaf_ids)}
        self.analyzer = analyzer
        self.terms = np.empty(len(self.vocab), dtype=object)
        for term, idx in self.vocab.items():
            self.terms[idx] = term.replace("_", " ")

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
        """Attach to each suggestion its evidence words; ``x`` is the text's feature row (1 × features)."""
        fields = {name: truncate(value)[0] for name, value in fields.items()}
        x = x.tocsr()
        weights_x = dict(zip(x.indices, x.data, strict=True))
        names = list(fields)
        token_lists = self.analyzer.tokens([fields[n] for n in names])
        for s in items:
            row = self.coef[self.position[s.id]]
            if row.size == 0:
                continue
            found: list[Evidence] = []
            for name, tokens in zip(names, token_lists, strict=True):
                found += self._words(fields[name], name, tokens, row, weights_x)
            best: dict[str, Evidence] = {}
            for ev in sorted(found, key=lambda e: -e.weight):
                best.setdefault(ev.lemma, ev)
            s.evidence = sorted(best.values(), key=lambda e: -e.weight)[:top]

    def _words(self, text: str, name: str, tokens: Sequence[Token], row: np.ndarray,
               weights_x: dict[int, float]) -> list[Evidence]:
        found = []
        for i, tok in enumerate(tokens):
            feats = [tok.lemma]
            if i + 1 < len(tokens):
                feats.append(f"{tok.lemma} {tokens[i + 1].lemma}")
            if i > 0:
                feats.append(f"{tokens[i - 1].lemma} {tok.lemma}")
            w = 0.0
            for f in feats:
                idx = self.vocab.get(f)
                if idx is not None and idx in weights_x:
                    w += weights_x[idx] * row[idx] / (1 if " " not in f else 2)
            if self.char_analyzer is not None:
                for g in set(self.char_analyzer(text[tok.start:tok.end])):
                    idx = self.char_vocab.get(g)
                    if idx is not None and self.char_offset + idx in weights_x:
                        w += weights_x[self.char_offset + idx] * row[self.char_offset + idx] / 4
            if w > 0:
                found.append(Evidence(text[tok.start:tok.end], tok.lemma, round(float(w), 4), name,
                                      tok.start, tok.end))
        return found

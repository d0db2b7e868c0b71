"""Caps on what an input may grow into once read: compression bombs and oversized inputs (issue 19, item 5).

A small zip can hold gigabytes of text (a run of one sentence deflates about 1,000 to 1), and so can the
formats that are zips inside: DOCX, ODT, XLSX, ODS. Every cap is a constant of this module, read when it is
used (``limits.MAX_ENTRY_BYTES``), so that tests can lower it with ``monkeypatch.setattr``.

What happens past each cap:

- an entry of a ZIP of documents past ``MAX_ENTRY_BYTES``, or read once the archive has given
  ``MAX_ARCHIVE_BYTES``, becomes an error row that says so; the other entries are still classified;
- a DOCX or ODT document (alone, in a folder or in a zip) whose parts hold more than ``MAX_ENTRY_BYTES``, or a
  file of a folder larger than that, becomes an error row;
- a workbook (XLSX, ODS) whose parts hold more than ``MAX_WORKBOOK_BYTES`` is refused whole, with a French
  message saying to split it: a sheet cannot be cut at a row boundary before its XML is parsed, and a part of
  a sheet would be a silent loss;
- the text of a document past ``MAX_DOCUMENT_CHARS`` is cut there (a row note says so), and its extraction
  stops there; the cells of a row of a workbook past ``MAX_ROW_CHARS`` together are cut
  too, with a row note (a CSV or JSON Lines file is not compressed: its cells weigh what they weigh on disk,
  and a CSV cell over 64 MB is already an error row);
- a review queue stores at most ``MAX_STORED_CELL_CHARS`` per cell (cut, marked « … [tronqué] », and the queue's
  notes say which rows), and a file over ``MAX_QUEUE_ROWS`` rows or ``MAX_QUEUE_CHARS`` characters is refused
  (HTTP 413) before anything is classified or stored.

Sizes are never taken from the zip's directory alone: an entry whose declared size is over a cap is refused
without reading, and every entry read is decompressed in chunks against a byte budget (``entry_chunks``), past
the size it declares, so that one that lies about its size is refused as damaged within a chunk of it. Only
the methods that can be decompressed a chunk at a time are read (stored and deflate, which every
office suite and every zip tool writes by default); an entry compressed otherwise (bzip2, LZMA) is refused,
since Python's ``zipfile`` decompresses those in one unbounded step.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cvclassify.document import MAX_CHARS
from cvclassify.errors import BatchInputError, InputTooLargeError

MIB = 1 << 20

MAX_ENTRY_BYTES = 50 * MIB
"""One document, uncompressed: an entry of a ZIP of documents, a file of a folder, or the parts of a DOCX or ODT
together. A 300-page report is a few megabytes of text or XML."""
MAX_ARCHIVE_BYTES = 1024 * MIB
"""All the entries of a ZIP of documents, uncompressed, counted as they are read (one entry is in memory at a
time: this bounds time, not memory)."""
MAX_WORKBOOK_BYTES = 256 * MIB
"""The parts of an XLSX or ODS workbook together, uncompressed (sheets, shared strings, styles). A sheet of
20,000 applications is some 50 MB of XML; the readers hold shared strings (openpyxl) or a whole sheet (calamine,
about three times the XML's size: +640 MiB for an ODS of 222 MB) in memory."""
MAX_DOCUMENT_CHARS = 10 * MAX_CHARS
"""Text kept of one document: ten times what the analysis reads (``cvclassify.document.MAX_CHARS``, which cuts
again, with its own note), since contracts of several hundred pages are read through the same readers to import
a tree (``taxonomy.importing``); a bomb's text stays bounded."""
MAX_ROW_CHARS = 10 * MAX_CHARS
"""Text kept of one row of a workbook, all its cells together: ten times what the analysis reads and some thirty
Excel cells full (Excel holds at most 32,767 characters a cell), so that outputs give real rows back whole, while
a row of a bomb (one shared string of 200 MB, maybe in every cell) stays small."""
MAX_STORED_CELL_CHARS = MAX_CHARS
"""Text stored per cell of a review queue (input cells, text fields): as much as the analysis reads, so that the
evidence the desk highlights stays inside the stored text."""
MAX_QUEUE_ROWS = 5_000
"""Rows of one review queue (a call for projects has tens to hundreds of applications)."""
MAX_QUEUE_CHARS = 20_000_000
"""Characters of all the cells of one review queue, as read: about what the largest CSV upload (20 Mo) holds."""

CHUNK = MIB
"""Bytes decompressed at a time."""
READABLE_METHODS = {zipfile.ZIP_STORED: "sans compression", zipfile.ZIP_DEFLATED: "Deflate"}
"""Compression methods read a chunk at a time."""
_METHODS = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64"}


def size_text(size: int) -> str:
    """A size in French, binary units as the API's messages: « 1,1 Go », « 50 Mo », « 12 ko », « 300 octets »."""
    for unit, power in (("Go", 3), ("Mo", 2), ("ko", 1)):
        value = size / 1024**power
        if value >= 1:
            return f"{value:.1f} {unit}".replace(".0 ", " ").replace(".", ",")
    return f"{size} octet{'s' if size > 1 else ''}"


def count_text(count: int, noun: str = "") -> str:
    """A count in French, with its noun when given: « 5 000 lignes », « 20 millions de caractères »."""
    if count >= 1_000_000 and count % 1_000_000 == 0:
        number = f"{count // 1_000_000} million{'s' if count >= 2_000_000 else ''}"
        return f"{number} de {noun}" if noun else number
    number = f"{count:,}".replace(",", " ")
    return f"{number} {noun}" if noun else number


class Oversized(InputTooLargeError):
    """An archive entry, a file or an archive past its cap; ``amount`` says by how much, in French."""

    def __init__(self, name: str, limit: int, size: int | None = None, *, archive: bool = False,
                 lying: bool = False) -> None:
        self.name, self.limit, self.size, self.archive, self.lying = name, limit, size, archive, lying
        super().__init__(f"« {name} » : trop volumineux une fois décompressé ({self.amount})")

    @property
    def amount(self) -> str:
        """« 1,1 Go > 50 Mo » when the size is known, else « plus de 50 Mo »."""
        if self.size is None:
            return f"plus de {size_text(self.limit)}"
        return f"{size_text(self.size)} > {size_text(self.limit)}"


class UnreadableEntry(BatchInputError):
    """An entry that cannot be read within a budget: compressed with another method, or longer than it says."""


def entry_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """The uncompressed bytes of an entry, ``CHUNK`` at a time, never more than ``limit`` in all.

    Raises ``Oversized`` when the size the entry declares is over ``limit`` (before reading) or when its data
    goes past ``limit`` (while reading), ``UnreadableEntry`` when it is compressed with a method that cannot be
    read a chunk at a time or when its data goes past the size it declares."""
    if info.file_size > limit:
        raise Oversized(info.filename, limit, info.file_size)
    if info.compress_type not in READABLE_METHODS:
        method = _METHODS.get(info.compress_type, f"n° {info.compress_type}")
        raise UnreadableEntry(f"méthode de compression {method} non prise en charge : recompressez l'archive au "
                              "format ZIP ordinaire (Deflate)")
    unbounded = copy.copy(info)
    unbounded.file_size = limit + 1  # zipfile stops at the declared size: read on to find the true one
    total = 0
    with archive.open(unbounded) as handle:
        while chunk := handle.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise Oversized(info.filename, limit)
            if total > info.file_size:
                raise UnreadableEntry("archive endommagée : l'entrée est plus longue une fois décompressée que "
                                      "la taille qu'elle déclare")
            yield chunk


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The uncompressed bytes of an entry, at most ``limit`` (``entry_chunks``)."""
    return b"".join(entry_chunks(archive, info, limit))


def check_archive(source: Path | IO[bytes], limit: int, name: str) -> None:
    """Decompress every entry of a zip (and discard it), ``limit`` bytes in all at most, before a library that
    trusts the zip (openpyxl, calamine, python-docx, odfpy) reads it.

    Raises ``Oversized`` naming ``name`` (with the declared total when that is over, before reading anything),
    ``UnreadableEntry`` as ``entry_chunks``, ``zipfile.BadZipFile`` for a damaged zip."""
    with zipfile.ZipFile(source) as archive:
        infos = archive.infolist()
        declared = sum(info.file_size for info in infos)
        if declared > limit:
            raise Oversized(name, limit, declared, archive=True)
        used = 0
        for info in infos:
            try:
                for chunk in entry_chunks(archive, info, limit - used):
                    used += len(chunk)
            except Oversized as exc:
                raise Oversized(name, limit, archive=True) from exc


def read_file(handle: IO[bytes], limit: int, name: str, size: int | None = None) -> bytes:
    """The bytes of an open file, at most ``limit``: ``Oversized`` when its size (``size``, when known) or what
    it gives is over."""
    if size is not None and size > limit:
        raise Oversized(name, limit, size)
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise Oversized(name, limit, size if size is not None and size > limit else None)
    return data

"""Documents, one row each: PDF, DOCX, ODT, TXT and MD files, alone, in a folder or in a zip archive.

A folder is read for its regular files only: a symbolic link (to a file or a folder, inside the folder or
not) and a special file (FIFO, device, socket) are never opened nor followed; each one named like a
document (or a linked folder) becomes an error row that says it was skipped, so nothing is left out
silently.

Sizes are capped (``cvclassify.io.limits``): a file or a zip entry larger than ``MAX_ENTRY_BYTES`` once
decompressed, a DOCX or ODT whose parts are, and the entries of a zip read once it has given
``MAX_ARCHIVE_BYTES``, become error rows that say so, and the other documents are read; zip entries are
decompressed against a byte budget, never on the word of the sizes the zip declares. The text of a document
is kept up to ``MAX_DOCUMENT_CHARS`` (ten times what the analysis reads), with a row note when it is cut.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path, PurePosixPath
from typing import Any

from cvclassify.document import truncate
from cvclassify.errors import BatchInputError
from cvclassify.io import limits
from cvclassify.io.encoding import decode_bytes
from cvclassify.io.laid_out import page_columns
from cvclassify.io.limits import size_text
from cvclassify.io.readers.base import Reader, Row, Table, plural, require
from cvclassify.io.readers.wordml import body_blocks, paragraph_text, visible_runs

DOCUMENTS = (".pdf", ".docx", ".odt", ".txt", ".md")
_DOCUMENT_LIBRARIES = {".pdf": ("pypdf", "PDF"), ".docx": ("docx", "DOCX"), ".odt": ("odf", "ODT")}

class _Unreadable(Exception):
    """A document that cannot be read; the message says why, in French."""


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name == "__MACOSX"


def _folder_entries(path: Path) -> tuple[list[str], list[str]]:
    """A folder's entries, recursively, by relative path: those that get a row (named like a document, or a
    link to a folder, which is reported and never walked into) and those left out for their extension;
    hidden entries are skipped."""
    rows: list[str] = []
    ignored: list[str] = []
    for folder, subfolders, files in os.walk(path):
        linked = [name for name in subfolders if os.path.islink(os.path.join(folder, name))]
        subfolders[:] = [name for name in subfolders if not _hidden(name) and name not in linked]
        for name in [*files, *linked]:
            if not _hidden(name):
                relative = (Path(folder) / name).relative_to(path).as_posix()
                wanted = name in linked or PurePosixPath(name).suffix.lower() in DOCUMENTS
                (rows if wanted else ignored).append(relative)
    return sorted(rows), sorted(ignored)


def _open_folder(path: Path, sheet: str | None) -> Table:
    """A folder of documents, read recursively, sorted by relative path; hidden files skipped, links and
    special files reported as skipped."""
    documents, ignored = _folder_entries(path)
    return _documents_table(documents, lambda: nullcontext(lambda name: _read_regular(path, name)), ignored)


_SPECIAL = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "périphérique"), (stat.S_ISBLK, "périphérique"),
            (stat.S_ISSOCK, "socket"), (stat.S_ISDIR, "dossier"))


def _not_regular(info: os.stat_result, path: Path) -> _Unreadable:
    """Why an entry that is not a regular file is skipped, in French."""
    if stat.S_ISLNK(info.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            return _Unreadable("lien symbolique ignoré")
        target = "".join(c if c.isprintable() else "?" for c in target)
        return _Unreadable(f"lien symbolique ignoré (vers « {target} ») : seuls les fichiers du dossier sont lus")
    kind = next((name for test, name in _SPECIAL if test(info.st_mode)), "type inconnu")
    return _Unreadable(f"fichier spécial ignoré ({kind})")


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
"""Never through a link in last position; a FIFO swapped in after the check does not block the open."""


def _read_regular(root: Path, name: str) -> bytes:
    """The bytes of a regular file of the folder ``root``; a link or a special file raises ``_Unreadable``.

    The entry is checked before opening (``lstat``) and the opened file again (``fstat``, same file), so
    that an entry replaced in between is not read either. Where the system allows it, the folders on the
    way are opened one by one without following links."""
    path = root / name
    before = os.lstat(path)
    if not stat.S_ISREG(before.st_mode):
        raise _not_regular(before, path)
    descriptor = _open_below(root, PurePosixPath(name).parts)
    try:
        after = os.fstat(descriptor)
        if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
            raise _Unreadable("fichier remplacé pendant la lecture : ignoré")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return _read_capped(handle, name, after.st_size)
    finally:
        os.close(descriptor)


def _read_capped(handle: Any, name: str, size: int | None) -> bytes:
    """The bytes of a file, ``_Unreadable`` when it is larger than ``MAX_ENTRY_BYTES``."""
    try:
        return limits.read_file(handle, limits.MAX_ENTRY_BYTES, name, size)
    except limits.Oversized as exc:
        raise _Unreadable(f"fichier trop volumineux ({exc.amount}) : ignoré") from exc


def _open_below(root: Path, parts: tuple[str, ...]) -> int:
    """A file descriptor on ``root/parts…``, opened without following any link below ``root``."""
    if os.open not in os.supports_dir_fd or not hasattr(os, "O_DIRECTORY"):
        return _open_checked(os.path.join(root, *parts), None)
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts[:-1]:
            inner = _open_checked(part, folder, os.O_DIRECTORY)
            os.close(folder)
            folder = inner
        return _open_checked(parts[-1], folder)
    finally:
        os.close(folder)


def _open_checked(path: str, folder: int | None, flags: int = 0) -> int:
    """``os.open`` without following a link; a link met on the way (put there after the listing) raises
    ``_Unreadable``."""
    try:
        return os.open(path, _OPEN_FLAGS | flags, dir_fd=folder)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):  # how systems refuse a link
            raise
        try:
            linked = stat.S_ISLNK(os.stat(path, dir_fd=folder, follow_symlinks=False).st_mode)
        except OSError:
            linked = False
        if linked:
            raise _Unreadable("lien symbolique ignoré : seuls les fichiers du dossier sont lus") from exc
        raise


def _open_zip(path: Path, sheet: str | None) -> Table:
    """A zip archive of documents, read like a folder; each entry decompressed against the caps of
    ``cvclassify.io.limits`` (an entry past them is an error row, the others are read)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise BatchInputError(f"« {path.name} » n'est pas une archive ZIP lisible.") from exc
    kept = [info for info in infos if not info.is_dir() and not any(map(_hidden, info.filename.split("/")))]
    entries = {info.filename: info for info in kept}  # a name given twice reads its last entry, as zipfile does
    documents, ignored = _by_extension(sorted(info.filename for info in kept))
    declared = sum(entries[name].file_size for name in documents)
    notes = []
    if declared > limits.MAX_ARCHIVE_BYTES:
        notes.append(f"« {path.name} » fait {size_text(declared)} une fois décompressée, plus que la limite de "
                     f"{size_text(limits.MAX_ARCHIVE_BYTES)} : les documents lus au-delà sont en erreur.")

    @contextmanager
    def reader() -> Iterator[Callable[[str], bytes]]:
        with zipfile.ZipFile(path) as archive:
            yield _ArchiveBudget(archive, entries).read

    return _documents_table(documents, reader, ignored, notes)


class _ArchiveBudget:
    """Reads the entries of a zip of documents, each within ``MAX_ENTRY_BYTES`` and all within
    ``MAX_ARCHIVE_BYTES`` (the bytes decompressed, an entry refused midway included)."""

    def __init__(self, archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo]) -> None:
        self.archive, self.entries, self.used = archive, entries, 0

    def read(self, name: str) -> bytes:
        """The uncompressed bytes of entry ``name``; ``_Unreadable`` (in French) past a cap."""
        info = self.entries[name]
        entry_limit, left = limits.MAX_ENTRY_BYTES, limits.MAX_ARCHIVE_BYTES - self.used
        if info.file_size > entry_limit:
            raise _Unreadable(f"entrée trop volumineuse une fois décompressée "
                              f"({size_text(info.file_size)} > {size_text(entry_limit)}) : ignorée")
        if info.file_size > left:
            raise self._archive_spent()
        budget = min(entry_limit, left)
        try:
            data = limits.read_entry(self.archive, info, budget)
        except limits.Oversized as exc:
            self.used += budget
            if budget < entry_limit:
                raise self._archive_spent() from exc
            raise _Unreadable(f"entrée trop volumineuse une fois décompressée ({exc.amount}) : ignorée") from exc
        except limits.UnreadableEntry as exc:
            raise _Unreadable(f"{exc} : entrée ignorée") from exc
        self.used += len(data)
        return data

    @staticmethod
    def _archive_spent() -> _Unreadable:
        return _Unreadable(f"entrée non lue : l'archive dépasse {size_text(limits.MAX_ARCHIVE_BYTES)} une fois "
                           "décompressée (limite atteinte avant cette entrée)")


def _open_document(path: Path, sheet: str | None) -> Table:
    """A single document, read as a folder holding it."""
    documents, ignored = _by_extension([path.name])
    return _documents_table(documents, lambda: nullcontext(lambda name: _read_single(path.parent / name)), ignored)


def _read_single(path: Path) -> bytes:
    """The bytes of a document given on its own, at most ``MAX_ENTRY_BYTES``."""
    with path.open("rb") as handle:
        return _read_capped(handle, path.name, os.fstat(handle.fileno()).st_size)


def _by_extension(names: list[str]) -> tuple[list[str], list[str]]:
    """The documents among ``names``, and the others (extension not read)."""
    readable = [PurePosixPath(name).suffix.lower() in DOCUMENTS for name in names]
    return ([n for n, r in zip(names, readable, strict=True) if r],
            [n for n, r in zip(names, readable, strict=True) if not r])


def _documents_table(documents: list[str], source: Callable[[], AbstractContextManager[Callable[[str], bytes]]],
                     ignored: list[str], notes: list[str] | None = None) -> Table:
    """One row per name of ``documents``, read through ``source``; ``ignored`` names are listed in a note,
    after ``notes``."""
    for suffix in sorted({PurePosixPath(name).suffix.lower() for name in documents} & _DOCUMENT_LIBRARIES.keys()):
        require(*_DOCUMENT_LIBRARIES[suffix])  # before any work, not at the first PDF
    notes = [f"{plural(len(documents), 'document', 'documents')} à lire", *(notes or [])]
    if not documents:
        notes = [f"Aucun document à lire ({', '.join(DOCUMENTS)})."]
    if ignored:
        listed = ", ".join(ignored[:10]) + (", …" if len(ignored) > 10 else "")
        what = plural(len(ignored), "fichier ignoré (extension non prise en charge)",
                       "fichiers ignorés (extensions non prises en charge)")
        notes.append(f"{what} : {listed}")
    return Table(["id", "fichier", "texte"], _document_rows(documents, source), notes)


def _document_rows(
    names: list[str], source: Callable[[], AbstractContextManager[Callable[[str], bytes]]]
) -> Iterator[Row]:
    with source() as read:
        for index, name in enumerate(names, start=1):
            text, error, notes = "", None, ()
            try:
                text = _extract(PurePosixPath(name).suffix.lower(), read(name))
                if not text.strip():
                    raise _Unreadable("document vide (aucun texte)")
                if "\ufffd" in text and name.lower().endswith((".txt", ".md")):
                    error = f"{name} : caractères illisibles (encodage)"
                text, cut = truncate(text, limits.MAX_DOCUMENT_CHARS)
                if cut:
                    notes = (f"{name} : texte tronqué à {limits.count_text(len(text))} caractères à la lecture (le "
                             "document est plus long)",)
            except _Unreadable as exc:
                error = f"{name} : {exc}"
            except PermissionError:
                error = f"{name} : fichier illisible (accès refusé)"
            except Exception:  # a corrupt document must not stop the batch
                error = f"{name} : fichier {PurePosixPath(name).suffix[1:].upper()} illisible ou endommagé"
            yield Row(index, {"id": name, "fichier": name, "texte": text}, name, error, notes=notes)


def _extract(suffix: str, data: bytes) -> str:
    """The text of a document, given its extension and its bytes; extraction stops once it has more than
    ``MAX_DOCUMENT_CHARS`` (the caller cuts it there)."""
    enough = limits.MAX_DOCUMENT_CHARS
    if suffix == ".pdf":
        return _pdf_text(data, enough)
    if suffix in (".docx", ".odt"):
        _check_parts(suffix, data)
        return _docx_text(data, enough) if suffix == ".docx" else _odt_text(data, enough)
    return decode_bytes(data)


def contract_document_text(suffix: str, data: bytes) -> str:
    """The text of a PDF, DOCX or ODT contract laid out for the contract parsers: a PDF's indentation, blank lines
    and page breaks kept, DOCX and ODT tables as pipe rows (``taxonomy.parsers.tables`` reads them), within the
    same size limits as a batch's documents; a French ``ValueError`` when it cannot be read."""
    try:
        if suffix == ".pdf":
            return _pdf_text(data, limits.MAX_DOCUMENT_CHARS, layout=True)
        _check_parts(suffix, data)
        text = _docx_text(data, pipes=True) if suffix == ".docx" else _odt_text(data, pipes=True)
    except _Unreadable as exc:
        raise ValueError(str(exc)) from exc
    except Exception as exc:  # a corrupt document
        raise ValueError(f"fichier {suffix[1:].upper()} illisible ou endommagé") from exc
    return text


def _check_parts(suffix: str, data: bytes) -> None:
    """A DOCX or ODT (a zip) whose parts hold more than ``MAX_ENTRY_BYTES`` raises ``_Unreadable``: decompressed
    against that budget before python-docx or odfpy, which trust the sizes the zip declares, read it."""
    try:
        limits.check_archive(io.BytesIO(data), limits.MAX_ENTRY_BYTES, "document")
    except limits.Oversized as exc:
        raise _Unreadable(f"document trop volumineux une fois décompressé ({exc.amount}) : ignoré") from exc
    except limits.UnreadableEntry as exc:
        raise _Unreadable(f"fichier {suffix[1:].upper()} illisible ({exc})") from exc


def _visible(text: str) -> int:
    """Characters of a text other than spaces and line breaks (which the assembled text may lose)."""
    return len("".join(text.split()))


def _pdf_text(data: bytes, enough: int, layout: bool = False) -> str:
    """The text of the pages, in order, up to the first page that brings it past ``enough`` characters; with
    ``layout`` (a contract), as ``pdftotext -layout`` gives it: indentation and blank lines kept from the
    positions on the page, pages separated by form feeds."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # damaged files become error rows, not log noise
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as exc:  # pypdf needs the cryptography package for AES
            raise _Unreadable("document protégé par mot de passe ou chiffrement non pris en charge") from exc
        if not opened:
            raise _Unreadable("document protégé par mot de passe")
    pages: list[str] = []
    sizes: list[list[tuple[float, str, bool]]] = []
    seen = 0
    for page in reader.pages:
        pages.append(_page_text(page, layout).replace("\x7f", "•"))  # the standard fonts' bullet, as pypdf decodes it
        if layout:
            sizes.append(_line_sizes(page))
        seen += _visible(pages[-1])
        if seen > enough:
            break
    if layout:
        pages = _raised_note_numbers(pages, sizes)
        pages = _mark_headings(["\n".join(page_columns(page.split("\n"))) for page in pages], sizes)
    text = ("\n\f" if layout else "\n").join(pages)
    if not text.strip():
        raise _Unreadable("PDF sans texte (document scanné ?) : il faut une reconnaissance de caractères (OCR)")
    return text


DANGLING_END = re.compile(r"\b(?:de|de la|du|des|d'|l'|le|la|les|et|à|au|aux|en|pour|par|sur|dans|avec|vers)$",
                          re.IGNORECASE)
"""The end of a line whose label goes on below (« … du quartier de la »)."""
HEADING_SCALE = 1.15
"""A line printed this much larger than the body text, or more, is a heading."""
MAX_SIZE_LEVELS = 4
"""Heading levels told apart by type size; the largest sizes beyond (a title page's) share the first level."""


def _size_levels(sizes: set[float]) -> dict[float, int]:
    """Each heading type size's level, largest first; with more than ``MAX_SIZE_LEVELS`` sizes the largest ones
    (a title page's lines) share level 1, so that the smaller sizes of the tree's headings stay apart."""
    ordered = sorted(sizes, reverse=True)
    extra = max(0, len(ordered) - MAX_SIZE_LEVELS)
    return {size: max(1, rank - extra) for rank, size in enumerate(ordered, start=1)}


def _line_sizes(page: Any) -> list[tuple[float, str, bool]]:
    """Each line of a page (its text runs at one height): the font size it is printed in (its largest), its
    text, and whether all of it is bold."""
    lines: dict[float, list[tuple[float, float, str, bool]]] = {}

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            height = round(tm[5] * cm[3] + cm[5])
            bold = "bold" in str((font or {}).get("/BaseFont", "")).lower()
            lines.setdefault(height, []).append((tm[4] * cm[0] + cm[4], abs(size * tm[3] * cm[3]) or size, text, bold))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:  # a font or a matrix pypdf cannot read: no sizes, no headings
        return []
    return [(max(size for _, size, _, _ in cell), " ".join("".join(text for _, _, text, _ in cell).split()),
             all(bold for _, _, _, bold in cell)) for _, runs in sorted(lines.items(), reverse=True)
            for cell in _cells_apart(runs)]


def _cells_apart(runs: list[tuple[float, float, str, bool]]) -> list[list[tuple[float, float, str, bool]]]:
    """The text runs of one line (x, size, text, bold), in the order they were drawn, split where one starts
    far to the right of where the text before it ends: the line's columns (two columns of a page, a table's
    cells), each its own line for the heading marks."""
    cells: list[list[tuple[float, float, str, bool]]] = []
    end = None
    for run in runs:
        x, size, text, _ = run
        if end is None or x > end + 2 * size or x < end - 4 * size:
            cells.append([])
        cells[-1].append(run)
        end = x + CHAR_WIDTH * size * len(text)
    return cells


CHAR_WIDTH = 0.55
"""A character's width, in ems, on average in the fonts of French documents (wide enough not to split words)."""


def _body_size(sizes: list[list[tuple[float, str, bool]]]) -> float | None:
    """The type size most of the document's text is printed in."""
    from collections import Counter

    weight = Counter()
    for page in sizes:
        for size, text, _ in page:
            weight[round(size, 1)] += len(text)
    return weight.most_common(1)[0][0] if weight else None


NOTE_SCALE = 0.92
"""A line printed this much smaller than the body text, or less, may be a footnote."""
NOTE_ZONE = 10
"""Lines at the foot of a page where footnotes are looked for."""
NOTE_START = re.compile(r"^(\d{1,2})\s+(?=[A-ZÉÈÀÂÎÔ])")
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _raised_note_numbers(pages: list[str], sizes: list[list[tuple[float, str, bool]]]) -> list[str]:
    """A PDF's footnotes (lines at the foot of a page, printed smaller than the body and starting with their number:
    « 2 En lien avec… ») with their number as a superscript (« ² En lien avec… »), as the contract parsers know
    footnotes, whether or not the text's marks survived (a plain number would start a numbered line)."""
    body = _body_size(sizes)
    if body is None:
        return pages
    out = []
    for page, lines in zip(pages, sizes, strict=False):
        notes = {text for size, text, _ in lines[-NOTE_ZONE:] if size <= body * NOTE_SCALE and NOTE_START.match(text)}
        rows = []
        for line in page.split("\n"):
            start = NOTE_START.match(" ".join(line.split()))
            if start and " ".join(line.split()) in notes:
                line = line.replace(start.group(1), start.group(1).translate(SUPERSCRIPTS), 1)
            rows.append(line)
        out.append("\n".join(rows))
    return out


def _mark_headings(pages: list[str], sizes: list[list[tuple[float, str, bool]]]) -> list[str]:
    """The pages' lines printed larger than the body text, then the lines in bold at its size, as Markdown
    headings (« # » for the largest), so that the contract parsers see a PDF's heading levels as they see a
    DOCX's; the pages unchanged when fewer than two lines stand out. A line that starts with a bullet or a number
    keeps its mark instead."""
    body = _body_size(sizes)
    if body is None:
        return pages

    def titled(text: str) -> bool:  # a heading starts with a capital: « publique », a wrapped cell's end, does not
        start = re.sub(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+", "", text)  # « 1   Réussite éducative », a big number first
        return 0 < len(text.split()) <= 14 and start[:1].isupper() and not text.endswith((".", ";", ","))

    larger = {text: round(size, 1) for page in sizes for size, text, _ in page
              if size >= body * HEADING_SCALE and titled(text)}
    levels = _size_levels(set(larger.values()))
    bold = {text: len(set(levels.values())) + 1 for page in sizes for size, text, strong in page
            if strong and text not in larger and titled(text)}
    marked = {**bold, **{text: levels[size] for text, size in larger.items()}}
    if len(marked) < 2:
        return pages
    look = {text: (round(size, 1), strong) for page in sizes for size, text, strong in page}
    out = []
    for page in pages:
        lines: list[str] = []
        rows = page.split("\n")
        j = 0
        while j < len(rows):
            key = " ".join(rows[j].split())
            row = re.search(r"\S {3,}\S", rows[j].strip()) is not None and not re.match(
                r"\d{1,2}(?:\.\d{1,2})*\.?\s", rows[j].strip())  # a table's header row (« 1   Réussite » is not)
            if key not in marked or row or _between_cells(rows, j):
                lines.append(rows[j])
                j += 1
                continue
            above = " ".join(rows[j - 1].split()) if j else ""
            number = re.match(r"(\d{1,2}(?:\.\d{1,2})*\.?)\s+", above)
            looks = {look.get(text) for text in (above, above[number.end():], number.group(1) + above[number.end():])
                     } if number else {look.get(above)}
            if DANGLING_END.search(above) and look.get(key) in looks:
                # « 3.1. Achever … du quartier de la » / « Garenne »: a heading wrapped before a name, not a heading
                marked_above = len(lines) >= 2 and not lines[-1] and lines[-2].startswith("#")
                k = len(lines) - 2 if marked_above else len(lines) - 1
                lines[k] = f"{lines[k].rstrip()} {key}"
                j += 1
                continue
            level = marked[key]
            after = " ".join(rows[j + 1].split()) if j + 1 < len(rows) else ""
            after_look = look.get(after) or look.get(re.sub(r"(?<=[^\W\d])\d{1,2}$", "", after))  # a note's mark
            if after[:1].islower() and look.get(key) is not None and after_look == look.get(key):
                # « … épanouissement et » / « de la jeunesse », in the heading's type
                key, j = f"{key} {after}", j + 1  # the heading wrapped: its end starts in lower case
            number = re.match(r"(\d{1,2})\s+(?=[A-ZÉÈÀÂÎÔ])", key)
            if number and any(re.search(rf"^\s*#*\s*{number.group(1)}\.\d{{1,2}}\.?\s+[A-ZÉÈÀÂÎÔ]", other, re.MULTILINE)
                              for other in pages):  # « 1 Cohésion sociale » over « 1.1 … »: an outline style's number
                key = f"{number.group(1)}. {key[number.end():]}"
            lines += ["", "#" * level + " " + key, ""]
            j += 1
        out.append("\n".join(lines))
    return out


def _between_cells(lines: list[str], j: int) -> bool:
    """Whether line ``j`` is a cell of a table laid out in columns: the lines just above and below it both hold
    text to the right of where it ends (the other columns' cells), with no blank line between (« Emploi et
    insertion », an axis printed in bold in the middle of its merged rows)."""
    if j == 0 or j + 1 >= len(lines):
        return False
    end = len(lines[j].rstrip())
    return all(any(cell.start() >= end + 2 for cell in re.finditer(r"\S+(?: \S+)*", other))
               for other in (lines[j - 1], lines[j + 1]))


def _page_text(page: Any, layout: bool) -> str:
    """One page's text; in layout mode, the plain text when pypdf cannot lay the page out."""
    if layout:
        try:
            return page.extract_text(extraction_mode="layout") or ""
        except Exception:  # a font or a matrix pypdf's layout mode does not handle
            pass
    return page.extract_text() or ""


def _markdown_heading(style: str, text: str) -> str:
    """A heading paragraph as a Markdown heading of its level (« Heading 2 », « Titre 2 » → « ## … »; a title
    is level 1)."""
    level = re.search(r"(\d)\s*$", style)
    return "#" * (min(int(level.group(1)), 6) if level else 1) + " " + " ".join(text.split())


def _list_level(style: str) -> int | None:
    """The list level of a paragraph style (« List Bullet 2 » → 2, « Liste à puces » → 1), or None."""
    match = re.match(r"^(?:list\s*(?:bullet|number|paragraph|continue)|liste(?:\s+à)?\s+(?:puces|numéros))\s*(\d)?",
                     style.casefold())
    return int(match.group(1) or 1) if match else None


Cells = list[list[list[str]]]
"""A table as its rows of cells, each cell its paragraphs (a merged cell empty below or beside its first place)."""
BOX_PARAGRAPHS = 3
"""Paragraphs from which a cell is a box of its own (a title over its items), as in a grid of one axis per cell."""


def _table_lines(rows: Cells) -> list[str]:
    """A contract's table as the lines the tree parsers read: a grid of boxes (every cell beside another one holds
    a title over its items: « A – Habiter … », « A1 Poursuivre … », « Ex. : … ») as its cells' paragraphs, box after
    box, row by row; a table of one column (a banner, a framed title « Orientation 1.1 – … » or an encadré) as its
    cells' text, one paragraph each; any other table as pipe rows, one line per row."""
    filled = [[cell for cell in row if any(p.strip() for p in cell)] for row in rows]
    beside = [row for row in filled if len(row) >= 2]
    if beside and all(sum(bool(p.strip()) for p in cell) >= BOX_PARAGRAPHS for row in beside for cell in row):
        lines: list[str] = []
        for row in filled:
            for cell in row:
                lines += [" ".join(p.split()) for p in cell if p.strip()] + [""]
        return lines
    piped = [_pipe_row([_cell_paragraphs(cell) for cell in row]) for row in rows]
    if piped and all(row.count(" | ") == 0 for row in piped):
        return [row[2:-2].strip() for row in piped if row[2:-2].strip()]
    return piped


def _pipe_row(cells: list[str]) -> str:
    """A table row as one line, « | a | b | c | », each cell's text on one line."""
    return "| " + " | ".join(" ".join(cell.replace("|", "/").split()) for cell in cells) + " |"


def _cell_paragraphs(paragraphs: list[str]) -> str:
    """A table cell's paragraphs as one cell: several paragraphs that each start a sentence (« Développer … »,
    « Favoriser … », typed one per line in the cell) as a list, one item each, as when they carry bullets; a short
    number before a label (« AXE 1 » over « Cohésion sociale ») joined to it; other paragraphs (a label going on)
    joined."""
    filled = [" ".join(p.split()) for p in paragraphs if p.strip()]
    merged: list[str] = []
    for text in filled:
        if merged and re.fullmatch(r"(?:\w+\s+)?[\dIVX]+(?:\.\d+)*\s*[:.–-]?", merged[-1]):
            merged[-1] = f"{merged[-1].rstrip(' :.–-')} – {text}"  # « AXE 1 » over its label
        else:
            merged.append(text)
    if len(merged) >= 2 and all(p[:1].isupper() or p.startswith("• ") for p in merged) and sum(
            len(p.split()) >= 3 for p in merged) >= 2 and not any(p.rstrip().endswith((",", "-")) for p in merged):
        return " ".join(p if p.startswith("• ") else f"• {p}" for p in merged)
    return "\n".join(merged)


def _docx_cells(table: Any, numbering: Any = None) -> Cells:
    """A DOCX table's cells: a vertically merged cell empty below its first row, a horizontally merged one followed
    by empty ones, so that each column stays one level of a contract's tree. A cell's list paragraphs keep their
    bullet or number (« • Développer… • Renforcer… »: one objective each)."""
    from docx.table import _Cell

    def paragraphs_of(cell: Any) -> list[str]:
        lines = []
        for paragraph in cell.paragraphs:
            label = numbering.label(paragraph) if numbering is not None else None
            text = paragraph_text(paragraph._p)
            lines.append(f"{label.text} {text}" if label is not None and text.strip() else text)
        return lines

    rows = []
    for tr in table._tbl.tr_lst:
        cells: list[list[str]] = []
        for tc in tr.tc_lst:
            cells += [[] if tc.vMerge == "continue" else paragraphs_of(_Cell(tc, table))] + [[]] * (tc.grid_span - 1)
        rows.append(cells)
    return rows


def _docx_text(data: bytes, enough: int | None = None, pipes: bool = False) -> str:
    """Paragraphs one per line, list items as « • » bullets indented by level, headings set apart, table cells
    one per line (a merged cell once), or with ``pipes`` table rows as pipe rows (a contract's tables); stops after
    the block that brings it past ``enough`` characters."""
    import docx
    from docx.table import Table as DocxTable

    from cvclassify.io.readers.numbering import Numbering

    parts: list[str] = []
    styles: dict[str | None, str] = {}  # python-docx looks a style up through every style of the file each time
    kept = 0
    document = docx.Document(io.BytesIO(data))
    numbering = Numbering(document)
    looks: list[tuple[int, float, bool]] = []  # plain paragraphs of a contract: (index in parts, size, bold)
    margins: list[tuple[int, float]] = []  # and their left indentation
    style_looks: dict[str | None, tuple[float, bool]] = {}  # per style id, read once (see ``styles``)
    normal = document.styles["Normal"] if pipes and "Normal" in document.styles else None
    body_size = normal.font.size.pt if normal is not None and normal.font.size is not None else 11.0
    for block in body_blocks(document):
        if enough is not None and kept > enough:
            break
        if isinstance(block, DocxTable) and pipes:
            parts += ["", *_table_lines(_docx_cells(block, numbering)), ""]
            continue
        if isinstance(block, DocxTable):
            for row in block.rows:
                seen: list[Any] = []
                for cell in row.cells:
                    if cell._tc not in seen:  # a merged cell is listed once per grid column
                        seen.append(cell._tc)
                        parts.append("\n".join(paragraph_text(p._p) for p in cell.paragraphs))
                        kept += _visible(parts[-1])
            continue
        text = paragraph_text(block._p)
        style_id = block._p.style
        if style_id not in styles:
            styles[style_id] = block.style.name if block.style is not None else ""
        style = styles[style_id]
        if style.casefold().startswith("toc"):
            continue  # the table of contents
        label = numbering.label(block)  # counted even for an empty paragraph, as Word counts it
        if not text.strip():
            continue
        kept += _visible(text)
        heading = style.casefold().startswith(("heading", "titre", "title"))
        if heading and pipes and label is None:  # a contract: its headings' levels are its tree's levels
            parts += ["", _markdown_heading(style, text), ""]
            continue
        level = _list_level(style)
        # depth: the list level, under a style that says its own (« List Bullet 2 » is a one-level list, indented)
        depth = (label.level if label is not None else 0) + (level - 1 if level else 0)
        if label is not None and not label.bullet:  # Word's number, which the paragraph does not hold
            line = f"{label.text} {text}"
            parts += ["", line, ""] if heading else ["    " * depth + line]
        elif label is not None or level is not None:
            parts.append("    " * depth + "• " + text)
        elif heading:
            parts += ["", text, ""]
        else:
            if pipes:
                if style_id not in style_looks:
                    style_looks[style_id] = _docx_style_look(block.style, body_size)
                looks.append((len(parts), *_docx_look(block, *style_looks[style_id])))
                margins.append((len(parts), _docx_margin(block)))
                if _symbol_bullet(block):
                    text = "• " + text.strip()
            parts.append(text)
    if pipes:
        _mark_set_headings(parts, looks, body_size)
        _indent_by_margin(parts, margins)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(parts)).strip()


def _docx_margin(paragraph: Any) -> float:
    """A DOCX paragraph's left indentation in centimetres, its own or its styles'."""
    indent = paragraph.paragraph_format.left_indent
    style = paragraph.style
    while indent is None and style is not None:
        indent, style = style.paragraph_format.left_indent, style.base_style
    return indent.cm if indent is not None else 0.0


def _symbol_bullet(paragraph: Any) -> bool:
    """Whether a DOCX paragraph starts with a symbol-font character (« <w:sym w:font="Symbol" w:char="F0B7"/> »,
    a bullet typed by hand), which python-docx's text leaves out."""
    for element in paragraph._p.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "sym":
            return True
        if tag == "t" and (element.text or "").strip():
            return False
    return False


def _indent_by_margin(parts: list[str], margins: list[tuple[int, float]]) -> None:
    """Plain paragraphs indented by their left margin, four spaces per step of indentation in the document (its
    distinct margins, smallest first), so that an outline set by indentation alone reads as one; nothing changes
    when all margins are equal."""
    steps = sorted({round(margin, 1) for _, margin in margins})
    if len(steps) < 2:
        return
    for i, margin in margins:
        if not parts[i].startswith("\n#"):  # not set as a heading (``_mark_set_headings``)
            parts[i] = "    " * steps.index(round(margin, 1)) + parts[i].lstrip()


def _separated(number: str) -> str:
    """A top heading's number as the outline style shows it, with a full stop when the style puts only a space after
    it (« 1 » → « 1. »), so that the contract parsers read « 1. Cohésion sociale » as a numbered heading (« 1.2 »
    is read as a code already)."""
    return f"{number}." if re.fullmatch(r"\d{1,2}", number) else number


def _docx_style_look(style: Any, default: float) -> tuple[float, bool]:
    """A paragraph style's type size (else the document's) and whether it is bold."""
    size = style.font.size.pt if style is not None and style.font.size is not None else default
    return size, bool(style is not None and style.font.bold)


def _docx_look(paragraph: Any, style_size: float, style_bold: bool) -> tuple[float, bool]:
    """A paragraph's type size (its largest run; a run without one has its style's) and whether all of it is
    bold."""
    runs = [run for run in visible_runs(paragraph) if run.text.strip()]
    size = max((run.font.size.pt if run.font.size is not None else style_size for run in runs), default=style_size)
    bold = bool(runs) and all(run.bold if run.bold is not None else style_bold for run in runs)
    return size, bold


def _mark_set_headings(parts: list[str], looks: list[tuple[int, float, bool]], body: float) -> None:
    """Plain paragraphs set as headings by hand (larger type, or bold on their own line) as Markdown headings by
    size, largest first, then bold at the body's size, so that their levels nest as heading styles' do, below the
    deepest level of the document's heading styles (« Axe 1 » in « Titre 2 » over « Orientation 1.1 » in bold);
    nothing changes when fewer than two stand out."""
    def short(i: int) -> bool:
        text = parts[i].strip()
        return 0 < len(text.split()) <= 14 and not text.endswith((".", ";", ","))

    larger = {i: size for i, size, _ in looks if size >= body * HEADING_SCALE and short(i)}
    bold = [i for i, size, strong in looks if strong and i not in larger and short(i)]
    if len(larger) + len(bold) < 2:
        return
    styled = max((len(mark.group(1)) for part in parts if (mark := re.match(r"(#{1,6}) ", part))), default=0)
    levels = {size: min(6, styled + level) for size, level in _size_levels(set(larger.values())).items()}
    for i, size in larger.items():
        parts[i] = "\n" + "#" * levels[size] + " " + " ".join(parts[i].split()) + "\n"
    below = min(6, styled + min(len(set(larger.values())), MAX_SIZE_LEVELS) + 1)
    for i in bold:
        parts[i] = "\n" + "#" * below + " " + " ".join(parts[i].split()) + "\n"


def _odt_cells(table: Any) -> Cells:
    """An ODT table's cells: a covered (merged) cell empty, repeated cells repeated, each cell's paragraphs apart
    (« 1.1.1 … » then « 1.1.2 … », not glued), a list item's with its bullet (one objective each)."""
    from odf import teletype
    from odf.namespaces import TABLENS, TEXTNS

    def paragraphs_of(cell: Any) -> list[str]:
        paragraphs = [n for n in _descendants(cell) if getattr(n, "qname", None) in ((TEXTNS, "p"), (TEXTNS, "h"))]
        if not paragraphs:
            return [teletype.extractText(cell)]
        return [("• " if getattr(p.parentNode, "qname", None) == (TEXTNS, "list-item") else "")
                + teletype.extractText(p) for p in paragraphs]

    rows = []
    for row in (n for n in _descendants(table) if getattr(n, "qname", None) == (TABLENS, "table-row")):
        cells: list[list[str]] = []
        for cell in row.childNodes:
            qname = getattr(cell, "qname", None)
            if qname not in ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell")):
                continue
            repeat = min(int(cell.getAttrNS(TABLENS, "number-columns-repeated") or 1), 50)
            cells += [paragraphs_of(cell) if qname == (TABLENS, "table-cell") else []] * repeat
        while cells and not any(p.strip() for p in cells[-1]):
            cells.pop()
        rows.append(cells)
    return rows


def _descendants(node: Any) -> Iterator[Any]:
    """A node's descendants in document order, not entering nested tables."""
    from odf.namespaces import TABLENS

    for child in getattr(node, "childNodes", []):
        yield child
        if getattr(child, "qname", None) != (TABLENS, "table"):
            yield from _descendants(child)


def _odt_text(data: bytes, enough: int | None = None, pipes: bool = False) -> str:
    """Paragraphs and headings one per line (headings set apart), list items as « • » bullets indented by
    their nesting, or with ``pipes`` tables as pipe rows (a contract's tables); stops after the block that brings
    it past ``enough`` characters."""
    from odf import teletype
    from odf.namespaces import TABLENS, TEXTNS, XMLNS
    from odf.opendocument import load

    from cvclassify.io.readers.numbering import OdfNumbering

    blocks = {(TEXTNS, "p"), (TEXTNS, "h")}
    parts: list[str] = []
    document = load(io.BytesIO(data))
    numbering = OdfNumbering(document)
    looks: list[tuple[int, float, bool]] = []  # plain paragraphs of a contract: (index in parts, size, bold)
    styles, body_size = _odt_styles(document) if pipes else ({}, 12.0)
    indents = _odt_margins(document) if pipes else {}
    margins: list[tuple[int, float]] = []  # plain paragraphs of a contract: (index in parts, left indentation)
    continued: dict[str, dict[int, int]] = {}  # list style → counters of its last list (« continue numbering »)
    named: dict[str, dict[int, int]] = {}  # a list's xml:id → its counters (« text:continue-list »)
    # (node, list depth, the enclosing list's style and counters, the number of the item this paragraph opens)
    stack: list[tuple[Any, int, tuple[str, dict[int, int]] | None, Any]] = [(document.text, 0, None, None)]
    kept = 0
    while stack and (enough is None or kept <= enough):  # depth first, in document order
        node, depth, within, label = stack.pop()
        qname = getattr(node, "qname", None)
        if pipes and qname == (TABLENS, "table"):
            parts += ["", *_table_lines(_odt_cells(node)), ""]
        elif qname in blocks:
            if qname == (TEXTNS, "h") and not depth and node.getAttrNS(TEXTNS, "is-list-header") != "true":
                label = numbering.heading(int(node.getAttrNS(TEXTNS, "outline-level") or 1))  # (a list header: none)
            text = teletype.extractText(node)
            if not text.strip():
                continue
            kept += _visible(text)
            if depth:
                mark = label.text if label is not None and not label.bullet else "•"
                parts.append("    " * (depth - 1) + f"{mark} " + text)
            elif qname == (TEXTNS, "h") and pipes and (label is None or label.bullet):
                level = int(node.getAttrNS(TEXTNS, "outline-level") or 1)
                parts += ["", "#" * min(level, 6) + " " + " ".join(text.split()), ""]
            elif qname == (TEXTNS, "h"):
                numbered = label is not None and not label.bullet
                parts += ["", f"{_separated(label.text) if pipes else label.text} {text}" if numbered else text, ""]
            else:
                if pipes:
                    looks.append((len(parts), *_odt_look(node, styles, body_size)))
                    margins.append((len(parts), indents.get(node.getAttrNS(TEXTNS, "style-name") or "", 0.0)))
                parts.append(text)
        else:
            children = list(getattr(node, "childNodes", []))
            if qname == (TEXTNS, "list"):
                style = node.getAttrNS(TEXTNS, "style-name") or (within[0] if within else "")
                if within is None:  # a list of its own: numbering starts again unless told to continue
                    keep = node.getAttrNS(TEXTNS, "continue-numbering") == "true" and style in continued
                    following = named.get(node.getAttrNS(TEXTNS, "continue-list") or "")  # a given list goes on
                    within = (style, following if following is not None else continued[style] if keep else {})
                    continued[style] = within[1]
                    if node.getAttrNS(XMLNS, "id"):
                        named[node.getAttrNS(XMLNS, "id")] = within[1]
                stack.extend((child, depth + 1, within, None) for child in reversed(children))
                continue
            if qname == (TEXTNS, "list-item") and within is not None:
                label = numbering.item(within[0], within[1], depth)
                first = next((c for c in children if getattr(c, "qname", None) in blocks), None)
                stack.extend((child, depth, within, label if child is first else None) for child in reversed(children))
                continue
            stack.extend((child, depth, within, None) for child in reversed(children))
    if pipes:
        _mark_set_headings(parts, looks, body_size)
        _indent_by_margin(parts, margins)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(parts)).strip()


def _odt_margins(document: Any) -> dict[str, float]:
    """Each paragraph style's left indentation in centimetres (« fo:margin-left », inherited from its parent)."""
    from odf.namespaces import FONS, STYLENS

    own: dict[str, tuple[float | None, str]] = {}
    for container in (document.styles, document.automaticstyles):
        for style in container.childNodes:
            if getattr(style, "qname", None) != (STYLENS, "style"):
                continue
            properties = next(
                (c for c in style.childNodes if getattr(c, "qname", None) == (STYLENS, "paragraph-properties")), None)
            margin = _centimetres(properties.getAttrNS(FONS, "margin-left")) if properties is not None else None
            own[style.getAttrNS(STYLENS, "name")] = (margin, style.getAttrNS(STYLENS, "parent-style-name") or "")

    def resolved(name: str, seen: int = 0) -> float:
        margin, parent = own.get(name, (None, ""))
        return margin if margin is not None else resolved(parent, seen + 1) if parent and seen < 8 else 0.0

    return {name: resolved(name) for name in own}


def _centimetres(value: str | None) -> float | None:
    """« 1.27cm », « 0.5in », « 36pt », « 12.7mm » → centimetres; none or a relative value → None."""
    match = re.fullmatch(r"(-?[\d.]+)(cm|mm|in|pt)", value or "")
    if not match:
        return None
    return float(match.group(1)) * {"cm": 1.0, "mm": 0.1, "in": 2.54, "pt": 2.54 / 72}[match.group(2)]


def _odt_styles(document: Any) -> tuple[dict[str, tuple[float | None, bool | None]], float]:
    """Each named or automatic style's type size and weight (inherited from its parent when it sets none), and
    the default paragraph size (LibreOffice's 12 pt when the file sets none)."""
    from odf.namespaces import FONS, STYLENS

    own: dict[str, tuple[float | None, bool | None, str]] = {}
    default = 12.0
    for container in (document.styles, document.automaticstyles):
        for style in container.childNodes:
            properties = next(
                (c for c in style.childNodes if getattr(c, "qname", None) == (STYLENS, "text-properties")), None)
            size = weight = None
            if properties is not None:
                size = _points(properties.getAttrNS(FONS, "font-size"))
                weight = properties.getAttrNS(FONS, "font-weight")
            bold = None if weight is None else weight in ("bold", "600", "700", "800", "900")
            if getattr(style, "qname", None) == (STYLENS, "default-style") and size:
                default = size
            name = style.getAttrNS(STYLENS, "name") if getattr(style, "qname", None) == (STYLENS, "style") else None
            if name:
                own[name] = (size, bold, style.getAttrNS(STYLENS, "parent-style-name") or "")

    def resolved(name: str, seen: int = 0) -> tuple[float | None, bool | None]:
        size, bold, parent = own.get(name, (None, None, ""))
        if parent and seen < 8 and (size is None or bold is None):
            above = resolved(parent, seen + 1)
            size, bold = size if size is not None else above[0], bold if bold is not None else above[1]
        return size, bold

    return {name: resolved(name) for name in own}, default


def _points(value: str | None) -> float | None:
    """« 14pt » → 14.0; a relative size (« 120% ») or none → None."""
    match = re.fullmatch(r"([\d.]+)pt", value or "")
    return float(match.group(1)) if match else None


def _odt_look(paragraph: Any, styles: dict[str, tuple[float | None, bool | None]], default: float
              ) -> tuple[float, bool]:
    """An ODT paragraph's type size (its largest span) and whether all of its text is bold."""
    from odf import teletype
    from odf.namespaces import TEXTNS

    size, bold = styles.get(paragraph.getAttrNS(TEXTNS, "style-name") or "", (None, None))
    size = size or default
    sizes, weights = [size], []
    for child in paragraph.childNodes:
        text = child.data if hasattr(child, "data") else teletype.extractText(child)
        if not text.strip():
            continue
        if getattr(child, "qname", None) == (TEXTNS, "span"):
            span_size, span_bold = styles.get(child.getAttrNS(TEXTNS, "style-name") or "", (None, None))
            sizes.append(span_size or size)
            weights.append(span_bold if span_bold is not None else bool(bold))
        else:
            weights.append(bool(bold))
    return max(sizes), bool(weights) and all(weights)


def count_files(path: Path) -> int:
    """The rows a folder gives: its documents (and the links and special files reported), recursively."""
    return len(_folder_entries(path)[0])


DOCUMENT = Reader("document", DOCUMENTS, "documents", _open_document, lambda path: 1, text=True)
ZIP = Reader("ZIP", (".zip",), "documents", _open_zip)
FOLDER = Reader("dossier de documents", ("folder",), "documents", _open_folder, count_files)

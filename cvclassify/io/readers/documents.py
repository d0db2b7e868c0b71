"""Documents, one row each: PDF, DOCX, ODT, TXT and MD files, alone, in a folder or in a zip archive.

A folder is read for its regular files only: a symbolic link (to a file or a folder, inside the folder or
not) and a special file (FIFO, device, socket) are never opened nor followed; each one named like a
document (or a linked folder) becomes an error row that says it was skipped, so nothing is left out
silently.
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

from cvclassify.errors import BatchInputError
from cvclassify.io.encoding import decode_bytes
from cvclassify.io.readers.base import Reader, Row, Table, plural, require

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
            return handle.read()
    finally:
        os.close(descriptor)


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
    """A zip archive of documents, read like a folder."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise BatchInputError(f"« {path.name} » n'est pas une archive ZIP lisible.") from exc
    names = [info.filename for info in infos if not info.is_dir() and not any(map(_hidden, info.filename.split("/")))]

    @contextmanager
    def reader() -> Iterator[Callable[[str], bytes]]:
        with zipfile.ZipFile(path) as archive:
            yield archive.read

    documents, ignored = _by_extension(sorted(names))
    return _documents_table(documents, reader, ignored)


def _open_document(path: Path, sheet: str | None) -> Table:
    """A single document, read as a folder holding it."""
    documents, ignored = _by_extension([path.name])
    return _documents_table(documents, lambda: nullcontext(lambda name: (path.parent / name).read_bytes()), ignored)


def _by_extension(names: list[str]) -> tuple[list[str], list[str]]:
    """The documents among ``names``, and the others (extension not read)."""
    readable = [PurePosixPath(name).suffix.lower() in DOCUMENTS for name in names]
    return ([n for n, r in zip(names, readable, strict=True) if r],
            [n for n, r in zip(names, readable, strict=True) if not r])


def _documents_table(documents: list[str], source: Callable[[], AbstractContextManager[Callable[[str], bytes]]],
                     ignored: list[str]) -> Table:
    """One row per name of ``documents``, read through ``source``; ``ignored`` names are listed in a note."""
    for suffix in sorted({PurePosixPath(name).suffix.lower() for name in documents} & _DOCUMENT_LIBRARIES.keys()):
        require(*_DOCUMENT_LIBRARIES[suffix])  # before any work, not at the first PDF
    notes = [f"{plural(len(documents), 'document', 'documents')} à lire"]
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
            text, error = "", None
            try:
                text = _extract(PurePosixPath(name).suffix.lower(), read(name))
                if not text.strip():
                    raise _Unreadable("document vide (aucun texte)")
                if "\ufffd" in text and name.lower().endswith((".txt", ".md")):
                    error = f"{name} : caractères illisibles (encodage)"
            except _Unreadable as exc:
                error = f"{name} : {exc}"
            except PermissionError:
                error = f"{name} : fichier illisible (accès refusé)"
            except Exception:  # a corrupt document must not stop the batch
                error = f"{name} : fichier {PurePosixPath(name).suffix[1:].upper()} illisible ou endommagé"
            yield Row(index, {"id": name, "fichier": name, "texte": text}, name, error)


def _extract(suffix: str, data: bytes) -> str:
    """The text of a document, given its extension and its bytes."""
    if suffix == ".pdf":
        return _pdf_text(data)
    if suffix == ".docx":
        return _docx_text(data)
    if suffix == ".odt":
        return _odt_text(data)
    return decode_bytes(data)


def _pdf_text(data: bytes) -> str:
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
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    if not text.strip():
        raise _Unreadable("PDF sans texte (document scanné ?) : il faut une reconnaissance de caractères (OCR)")
    return text


def _list_level(style: str) -> int | None:
    """The list level of a paragraph style (« List Bullet 2 » → 2, « Liste à puces » → 1), or None."""
    match = re.match(r"^(?:list\s*(?:bullet|number|paragraph|continue)|liste(?:\s+à)?\s+(?:puces|numéros))\s*(\d)?",
                     style.casefold())
    return int(match.group(1) or 1) if match else None


def _docx_text(data: bytes) -> str:
    """Paragraphs one per line, list items as « • » bullets indented by level, headings set apart, table cells
    one per line (a merged cell once)."""
    import docx
    from docx.table import Table as DocxTable

    parts: list[str] = []
    for block in docx.Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, DocxTable):
            for row in block.rows:
                seen: list[Any] = []
                for cell in row.cells:
                    if cell._tc not in seen:  # a merged cell is listed once per grid column
                        seen.append(cell._tc)
                        parts.append(cell.text)
            continue
        if not block.text.strip():
            continue
        style = block.style.name if block.style is not None else ""
        if style.casefold().startswith("toc"):
            continue  # the table of contents
        level = _list_level(style)
        if level is not None:
            parts.append("    " * (level - 1) + "• " + block.text)
        elif style.casefold().startswith(("heading", "titre", "title")):
            parts += ["", block.text, ""]
        else:
            parts.append(block.text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(parts)).strip()


def _odt_text(data: bytes) -> str:
    """Paragraphs and headings one per line (headings set apart), list items as « • » bullets indented by
    their nesting."""
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    blocks = {(TEXTNS, "p"), (TEXTNS, "h")}
    parts: list[str] = []
    stack: list[tuple[Any, int]] = [(load(io.BytesIO(data)).text, 0)]
    while stack:  # depth first, in document order
        node, depth = stack.pop()
        qname = getattr(node, "qname", None)
        if qname in blocks:
            text = teletype.extractText(node)
            if not text.strip():
                continue
            if depth:
                parts.append("    " * (depth - 1) + "• " + text)
            elif qname == (TEXTNS, "h"):
                parts += ["", text, ""]
            else:
                parts.append(text)
        else:
            inner = depth + 1 if qname == (TEXTNS, "list") else depth
            stack.extend((child, inner) for child in reversed(getattr(node, "childNodes", [])))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(parts)).strip()


def count_files(path: Path) -> int:
    """The rows a folder gives: its documents (and the links and special files reported), recursively."""
    return len(_folder_entries(path)[0])


DOCUMENT = Reader("document", DOCUMENTS, "documents", _open_document, lambda path: 1, text=True)
ZIP = Reader("ZIP", (".zip",), "documents", _open_zip)
FOLDER = Reader("dossier de documents", ("folder",), "documents", _open_folder, count_files)

"""Documents, one row each: PDF, DOCX, ODT, TXT and MD files, alone, in a folder or in a zip archive."""

from __future__ import annotations

import io
import os
import re
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


def _open_folder(path: Path, sheet: str | None) -> Table:
    """A folder of documents, read recursively, sorted by relative path; hidden files skipped."""
    names: list[str] = []
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = [name for name in subfolders if not _hidden(name)]
        names += [(Path(folder) / name).relative_to(path).as_posix() for name in files if not _hidden(name)]
    return _documents_table(sorted(names), lambda: nullcontext(lambda name: (path / name).read_bytes()))


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

    return _documents_table(sorted(names), reader)


def _open_document(path: Path, sheet: str | None) -> Table:
    """A single document, read as a folder holding it."""
    return _documents_table([path.name], lambda: nullcontext(lambda name: (path.parent / name).read_bytes()))


def _documents_table(names: list[str], source: Callable[[], AbstractContextManager[Callable[[str], bytes]]]) -> Table:
    documents = [name for name in names if PurePosixPath(name).suffix.lower() in DOCUMENTS]
    ignored = [name for name in names if PurePosixPath(name).suffix.lower() not in DOCUMENTS]
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
    """Files in a folder, recursively."""
    return sum(1 for p in path.rglob("*") if p.is_file())


DOCUMENT = Reader("document", DOCUMENTS, "documents", _open_document, lambda path: 1, text=True)
ZIP = Reader("ZIP", (".zip",), "documents", _open_zip)
FOLDER = Reader("dossier de documents", ("folder",), "documents", _open_folder, count_files)

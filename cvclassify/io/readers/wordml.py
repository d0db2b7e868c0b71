"""A Word document's text as its reader sees it on screen, where python-docx's ``text`` sees less.

python-docx reads a paragraph's runs and hyperlinks, and a body's paragraphs and tables. Word also keeps text
in places a contract's writer uses: tracked insertions (``w:ins``) whose runs sit one level down, content
controls (``w:sdt``, a prefecture's template filled in) around paragraphs or runs, and text boxes
(``w:txbxContent``, a title set in a frame). Deleted text (``w:del``), a content control still showing its
placeholder (« Cliquez ou appuyez ici pour entrer du texte. ») and the fallback copy of a text box that Word
writes for older readers (``mc:Fallback``) are not on screen, and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
HIDDEN = {f"{W}del", f"{W}moveFrom", f"{W}txbxContent", MC_FALLBACK, f"{W}pPr", f"{W}rPr", f"{W}sdtPr",
          f"{W}sdtEndPr", f"{W}delText", f"{W}instrText"}
"""Elements whose text is not the paragraph's on screen (a text box is read as paragraphs of its own)."""
CHARACTERS = {f"{W}tab": "\t", f"{W}ptab": "\t", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}


def _placeholder(sdt: Any) -> bool:
    """A content control that still shows its placeholder text."""
    properties = sdt.find(f"{W}sdtPr")
    return properties is not None and properties.find(f"{W}showingPlcHdr") is not None


def _shown(element: Any, wanted: set[str]) -> Iterator[Any]:
    """The elements of the ``wanted`` tags below ``element`` in document order, not entering what is not shown."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in HIDDEN or (tag == f"{W}sdt" and _placeholder(child)):
            continue
        if tag in wanted:
            yield child
        else:
            yield from _shown(child, wanted)


def paragraph_text(p: Any) -> str:
    """A paragraph's text as shown: runs anywhere below it (tracked insertions, hyperlinks, content controls)
    but not deleted text, placeholders or text boxes; tabs and line breaks as python-docx gives them."""
    out: list[str] = []
    for element in _shown(p, {f"{W}t", f"{W}br", *CHARACTERS}):
        if element.tag == f"{W}t":
            out.append(element.text or "")
        elif element.tag == f"{W}br":
            out.append("\n" if element.get(f"{W}type") in (None, "textWrapping") else "")
        else:
            out.append(CHARACTERS[element.tag])
    return "".join(out)


def visible_runs(paragraph: Any) -> list[Any]:
    """A python-docx paragraph's runs as shown, those of tracked insertions, hyperlinks and content controls
    included (python-docx's ``runs`` holds only the paragraph's direct runs)."""
    from docx.text.run import Run

    return [Run(run, paragraph) for run in _shown(paragraph._p, {f"{W}r"})]


def body_blocks(document: Any) -> Iterator[Any]:
    """The body's paragraphs and tables in reading order, python-docx objects, also those inside content
    controls, and a paragraph's text boxes as paragraphs of their own just before it."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    parent = document._body

    def blocks(element: Any) -> Iterator[Any]:
        for child in element:
            if child.tag == f"{W}p":
                for box in child.iter(f"{W}txbxContent"):
                    if not any(ancestor.tag == MC_FALLBACK for ancestor in box.iterancestors()) and not any(
                            ancestor.tag == f"{W}txbxContent" for ancestor in box.iterancestors()):
                        yield from blocks(box)
                yield Paragraph(child, parent)
            elif child.tag == f"{W}tbl":
                yield Table(child, parent)
            elif child.tag == f"{W}sdt" and not _placeholder(child):
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    yield from blocks(content)
            elif child.tag == f"{W}customXml":
                yield from blocks(child)

    yield from blocks(document.element.body)

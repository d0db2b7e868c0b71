"""PDFs written by hand for the tests: text lines placed on pages as a word processor places them."""

from __future__ import annotations

from typing import NamedTuple

SPACE_WIDTH = 0.278
"""Width of a space in Helvetica, in ems."""


class Sized(NamedTuple):
    """A line printed in its own font size, in bold if asked (a heading)."""

    size: float
    text: str
    bold: bool = False


def pages_pdf(pages: list[list], size: float = 9, leading: float = 11) -> bytes:
    """A PDF with one page per list of lines in Helvetica (WinAnsi): each line is placed on its own, its
    indentation as a shift to the right (not as spaces) and a blank line as a gap, as in a real document. A line
    given as (x, text) pairs is a row of table cells, each placed at its column's x (in points), (x, text, True)
    for a cell in bold; a ``Sized`` line
    is printed in its own font size."""

    def escape(text: str) -> bytes:
        data = text.encode("cp1252", errors="replace")
        return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    count = len(pages)
    kids = b" ".join(b"%d 0 R" % (5 + 2 * i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"]
    for i, lines in enumerate(pages):
        shown = []
        for row, line in enumerate(lines):
            if isinstance(line, Sized):
                shown.append(b"/F%d %.1f Tf 1 0 0 1 40 %.2f Tm (%s) Tj /F1 %.1f Tf"
                             % (2 if line.bold else 1, line.size, 800 - row * leading, escape(line.text), size))
            elif not isinstance(line, str):
                for x, text, *bold in line:  # (x, text) or (x, text, True) for a cell in bold
                    font = b"/F2 %.1f Tf " % size if bold and bold[0] else b""
                    shown.append(font + b"1 0 0 1 %.2f %.2f Tm (%s) Tj" % (x, 800 - row * leading, escape(text))
                                 + (b" /F1 %.1f Tf" % size if font else b""))
            elif line.strip():
                x = 40 + (len(line) - len(line.lstrip(" "))) * SPACE_WIDTH * size
                shown.append(b"1 0 0 1 %.2f %.2f Tm (%s) Tj" % (x, 800 - row * leading, escape(line.strip(" "))))
        content = b"BT /F1 %.1f Tf " % size + b" ".join(shown) + b" ET"
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>" % (6 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)

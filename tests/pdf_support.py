"""PDFs written by hand for the tests: text lines placed on pages as a word processor places them."""

from __future__ import annotations

from typing import NamedTuple

SPACE_WIDTH = 0.278
"""Width of a space in Helvetica, in ems."""
# The widths of WinAnsi codes 32-255 in thousandths of an em (the fonts' Adobe metrics), declared in the
# fonts as real PDF makers do: pypdf lays text out from them.
HELVETICA_WIDTHS = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 "
    "556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584 761 556 761 222 556 333 1000 556 556 "
    "333 1000 667 333 1000 761 611 761 761 222 222 333 333 350 556 1000 333 1000 500 333 944 761 500 667 278 "
    "333 556 556 556 556 260 556 333 737 370 556 584 333 737 333 400 584 333 333 333 556 537 278 333 333 365 "
    "556 834 834 834 611 667 667 667 667 667 667 1000 722 667 667 667 667 278 278 278 278 722 722 778 778 778 "
    "778 778 584 778 722 722 722 722 667 667 611 556 556 556 556 556 556 889 500 556 556 556 556 278 278 278 "
    "278 556 556 556 556 556 556 556 584 611 556 556 556 556 500 556 500")
HELVETICA_BOLD_WIDTHS = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 278 889 "
    "611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584 761 556 761 278 556 500 1000 556 556 "
    "333 1000 667 333 1000 761 611 761 761 278 278 500 500 350 556 1000 333 1000 556 333 944 761 500 667 278 "
    "333 556 556 556 556 280 556 333 737 370 556 584 333 737 333 400 584 333 333 333 611 556 278 333 333 365 "
    "556 834 834 834 611 722 722 722 722 722 722 1000 722 667 667 667 667 278 278 278 278 722 722 778 778 778 "
    "778 778 584 778 722 722 722 722 667 667 611 556 556 556 556 556 556 889 556 556 556 556 556 278 278 278 "
    "278 611 611 611 611 611 611 611 584 611 611 611 611 611 556 611 556")


class Sized(NamedTuple):
    """A line printed in its own font size, in bold if asked (a heading)."""

    size: float
    text: str
    bold: bool = False


def pages_pdf(pages: list[list], size: float = 9, leading: float = 11, objects: str = "page") -> bytes:
    """A PDF with one page per list of lines in Helvetica (WinAnsi): each line is placed on its own, its
    indentation as a shift to the right (not as spaces) and a blank line as a gap, as in a real document. A line
    given as (x, text) pairs is a row of table cells, each placed at its column's x (in points), (x, text, True)
    for a cell in bold; a ``Sized`` line
    is printed in its own font size. With ``objects="run"`` each line or cell is its own text object (a word
    processor's PDF) rather than all of a page in one (TeX's): pypdf then places a cell by its own position, not
    after the text drawn before it on its line."""

    def escape(text: str) -> bytes:
        data = text.encode("cp1252", errors="replace")
        return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    count = len(pages)
    kids = b" ".join(b"%d 0 R" % (5 + 2 * i) for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
               _font(b"Helvetica", HELVETICA_WIDTHS), _font(b"Helvetica-Bold", HELVETICA_BOLD_WIDTHS)]
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
        if objects == "page":  # one text object per page, as TeX writes it
            content = b"BT /F1 %.1f Tf " % size + b" ".join(shown) + b" ET"
        else:  # each line or cell in its own text object, as word processors write them
            content = b" ".join(b"BT /F1 %.1f Tf %s ET" % (size, run) for run in shown)
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


def _font(name: bytes, widths: str) -> bytes:
    """A standard Type 1 font in WinAnsi with its widths."""
    return (b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 255 "
            b"/Widths [%s] >>" % (name, widths.encode()))

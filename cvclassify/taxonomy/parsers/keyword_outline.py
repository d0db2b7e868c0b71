"""Parser for contracts whose levels are named by keywords: « Pilier 1 : … », « ENJEU 2 – … », « AXE IV – … »,
« Orientation stratégique 1.2 : … », « Objectif opérationnel 1.2.3 : … », « Premier objectif stratégique : … »,
with lettered or numbered items (« A. », « 1. ») or bullet lists under the deepest keyword. Codes are kept as
printed, or built from context (action 2 of objective A of axis IV is ``IV-A-2``; the « Deuxième objectif
stratégique » of axis 1 is ``1.2``); nodes printed again without number in an operational part join the
node of the first pass.
"""

from __future__ import annotations

import re

from cvclassify.taxonomy.parsers.outline import build, to_taxonomy
from cvclassify.taxonomy.parsers.pages import clean
from cvclassify.taxonomy.parsers.tables import columns_as_pipes, side_column

LAYOUT_HINT = (r"^\s*(?:[•\-–]\s*|[A-Z]\s+)?(?:(?:premi[eè]re?|deuxi[eè]me|second|troisi[eè]me)\s+)?"
               r"(?:axe|pilier|enjeu|ambition|engagement|th[eè]me|priorit[ée]|orientation|objectif"
               r"|fiche\s+th[ée]matique)s?\b[^\n]{0,40}(?:\d|\b[IVX]+\b|:|–)")
"""A line that opens with a keyword naming a level (after a bullet, or a pictogram's letter: « E Engagement n°1 »)."""


CODE_ROW = re.compile(r"^\f?\|\s*(?P<code>(?:axe|pilier|enjeu|orientation|objectif|os|oo|og)\s*[\dIVX]+(?:\.\d+)*"
                      r"|\d+(?:\.\d+)+)\s*\|\s*(?P<label>[^|]*[^|\s])\s*(?:\|[^|]*)*\|?\s*$", re.IGNORECASE)
"""A row of a table « Code | Intitulé » (other columns, an indicator, may follow) whose code names its level
(« AXE 1 », « OS1.1 », « OO1.1.1 ») or is dotted (« 1.1.1 »)."""
ACROSS_ROW = re.compile(r"^\f?\|\s*(?P<label>(?:axe|pilier|enjeu|orientation|objectif|engagement|priorit[ée]"
                        r"|ambition)s?\b[^|]*?\d[^|]*[^|\s])\s*(?:\|\s*)+$", re.IGNORECASE)
"""A row across such a table naming a level with its number (« | Objectif stratégique 1.1 – Favoriser … | | | »)."""


def parse(text: str, name: str = "contract", source: str = ""):
    """Parse the objectives of a contract whose levels are named by keywords."""
    return to_taxonomy(build(clean(_fiche_keys(_code_rows(columns_as_pipes(text)))), "keywords"), name, source,
                       text, "keyword-outline")


ATTACHED = re.compile(r"^(\s*)(?:axe|pilier|enjeu|orientation|th[ée]matique|engagement)s?\s+(?:de\s+rattachement"
                      r"|concern[ée]e?|de\s+r[ée]f[ée]rence)\s*:\s*(?=\S)", re.IGNORECASE | re.MULTILINE)
"""A fiche's key naming the axis it belongs to (« Axe de rattachement : Axe 1 – … »): its value is the heading."""
KEYED = re.compile(r"^(\s*)(?P<kw>(?:objectif|orientation)(?:\s+(?:strat[ée]gique|op[ée]rationnel|g[ée]n[ée]ral"
                   r"|sp[ée]cifique))?|axe|pilier|enjeu)\s*:\s*(?P<code>\d{1,2}(?:\.\d{1,2}){0,3})\s*[–—-]\s+",
                   re.IGNORECASE | re.MULTILINE)
"""A fiche's key naming a level before a coded value (« Objectif stratégique : 1.1 – Rapprocher … »)."""


def _fiche_keys(text: str) -> str:
    """Fiches written as keys and values (« Axe de rattachement : Axe 1 – … », « Objectif stratégique : 1.1 – … »)
    as the keyword headings they stand for (« Axe 1 – … », « Objectif stratégique 1.1 – … »)."""
    return KEYED.sub(r"\1\g<kw> \g<code> – ", ATTACHED.sub(r"\1", text))


def _code_rows(text: str) -> str:
    """A Word or ODT table « Code | Intitulé » holding every level, told apart by the code's prefix (« AXE 1 »,
    « OS1.1 », « OO1.1.1 ») or by rows across naming a level, as the lines the keyword outline reads (« OS1.1 – Agir
    dès la petite enfance »); not a table whose header names something else beside the codes (« Code | Indicateur
    principal | Cible 2030 »)."""
    out, header = [], None
    for line in text.split("\n"):
        if not line.lstrip("\f").startswith("|"):
            header = None
        elif header is None and not CODE_ROW.match(line):
            header = [cell.strip() for cell in line.strip().strip("|").split("|")]
        elif not (header and len(header) > 1 and side_column(header[1])):
            line = ACROSS_ROW.sub(r"\g<label>", CODE_ROW.sub(lambda m: f"{m.group('code')} – {m.group('label')}",
                                                            line))
        out.append(line)
    return "\n".join(out)

"""Parser for contracts whose levels are named by keywords: « Pilier 1 : … », « ENJEU 2 – … », « AXE IV – … »,
« Orientation stratégique 1.2 : … », « Objectif opérationnel 1.2.3 : … », « Premier objectif stratégique : … »,
with lettered or numbered items (« A. », « 1. ») or bullet lists under the deepest keyword. Codes are kept as
printed, or built from context (action 2 of objective A of axis IV is ``IV-A-2``; the « Deuxième objectif
stratégique » of axis 1 is ``1.2``); nodes printed again without number in an operational part join the
node of the first pass.
"""

from __future__ import annotations

from cvclassify.taxonomy.parsers.outline import build, to_taxonomy
from cvclassify.taxonomy.parsers.pages import clean

LAYOUT_HINT = (r"^\s*(?:[•\-–]\s*)?(?:(?:premi[eè]re?|deuxi[eè]me|second|troisi[eè]me)\s+)?(?:axe|pilier|enjeu|ambition"
               r"|engagement|th[eè]me|priorit[ée]|orientation|objectif|fiche\s+th[ée]matique)s?\b[^\n]{0,40}(?:\d|\b[IVX]+\b|:|–)")
"""A line that opens with a keyword naming a level."""


def parse(text: str, name: str = "contract", source: str = ""):
    """Parse the objectives of a contract whose levels are named by keywords."""
    return to_taxonomy(build(clean(text), "keywords"), name, source, text, "keyword-outline")

"""Parser for contracts whose objectives are lists under plain headings, usually without any number, as most
« Engagements Quartiers 2030 » contracts write them: a heading per enjeu or thématique (« Grandir et réussir
dans les quartiers », « 1) Éducation – sous-titre »), bullet or dash lists of objectives with sub-lists, or
« Thème : objectif ; objectif » lines. Codes are generated from the labels; a sous-titre after a dash or in
parentheses is the heading's description.
"""

from __future__ import annotations

from cvclassify.taxonomy.parsers.outline import SYMBOL_BULLETS, build, to_taxonomy
from cvclassify.taxonomy.parsers.pages import clean

LAYOUT_HINT = rf"^\s*(?:[{SYMBOL_BULLETS}\-–—]|o(?=\s))\s+\S"
"""A bulleted or dashed line."""


def parse(text: str, name: str = "contract", source: str = ""):
    """Parse the objectives of a contract written as lists under plain headings."""
    return to_taxonomy(build(clean(text), "lists"), name, source, text, "heading-lists")

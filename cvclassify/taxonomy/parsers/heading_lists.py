"""Parser for contracts whose objectives are lists under plain headings, usually without any number, as most
« Engagements Quartiers 2030 » contracts write them: a heading per enjeu or thématique (« Grandir et réussir
dans les quartiers », « 1) Éducation – sous-titre »), bullet or dash lists of objectives with sub-lists, or
« Thème : objectif ; objectif » lines. Codes are generated from the labels; a sous-titre after a dash or in
parentheses is the heading's description.
"""

from __future__ import annotations

import re

from cvclassify.taxonomy.parsers.outline import (
    BULLET,
    NUMBERED,
    SYMBOL_BULLETS,
    build,
    looks_like_objective,
    to_taxonomy,
)
from cvclassify.taxonomy.parsers.pages import clean

LAYOUT_HINT = rf"^\s*(?:[{SYMBOL_BULLETS}\-–—]|o(?=\s))\s+\S"
"""A bulleted or dashed line."""


def parse(text: str, name: str = "contract", source: str = ""):
    """Parse the objectives of a contract written as lists under plain headings."""
    return to_taxonomy(build(clean(bare_lists(text)), "lists"), name, source, text, "heading-lists")


def bare_lists(text: str) -> str:
    """Lists whose bullets a copy lost (a web page copied from a browser): under a short title and an optional
    sentence about it, two or more lines each worded as an objective (« Développer l'accueil des tout-petits ») as
    dash items; a short line after them (« Lire la suite ») is left as it is."""
    blocks = re.split(r"(\n[ \t]*\n)", text)
    for k in range(0, len(blocks), 2):
        lines = blocks[k].rstrip("\n").split("\n")
        title = lines[0].strip()
        first = 1 + next((n for n, line in enumerate(lines[1:]) if not _sentence(line)), len(lines) - 1)
        last = len(lines)
        while last > first and len(lines[last - 1].split()) <= 3:
            last -= 1
        items = [line.strip() for line in lines[first:last]]
        if (len(items) >= 2 and 0 < len(title.split()) <= 10 and not title.endswith((".", ";", ",", ":"))
                and not looks_like_objective(title) and not BULLET.match(title)
                and all(item[:1].isupper() and looks_like_objective(item) and 3 <= len(item.split()) <= 30
                        and not BULLET.match(item) and not NUMBERED.match(item) and not item.endswith((":", "."))
                        for item in items)):
            end = blocks[k][len(blocks[k].rstrip("\n")):]
            blocks[k] = "\n".join([*lines[:first], *(f"- {item}" for item in items), *lines[last:]]) + end
    return "".join(blocks)


def _sentence(line: str) -> bool:
    """A sentence about the title above a list (« Pour que chaque enfant des quartiers ait les mêmes chances. »)."""
    text = line.strip()
    return text.endswith(".") and not looks_like_objective(text)

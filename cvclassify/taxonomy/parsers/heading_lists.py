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
    TRANSVERSAL,
    build,
    fold,
    looks_like_objective,
    to_taxonomy,
)
from cvclassify.taxonomy.parsers.pages import WEB_FURNITURE, clean

LAYOUT_HINT = rf"^\s*(?:[{SYMBOL_BULLETS}\-–—]|o(?=\s))\s+\S"
"""A bulleted or dashed line."""


def parse(text: str, name: str = "contract", source: str = ""):
    """Parse the objectives of a contract written as lists under plain headings."""
    return to_taxonomy(build(clean(bare_lists(text)), "lists"), name, source, text, "heading-lists")


def bare_lists(text: str) -> str:
    """Lists whose bullets a copy lost (a web page copied from a browser): under a short title and an optional
    sentence about it, two or more lines worded as objectives (« Développer l'accueil des tout-petits », two in three
    at least; « Accès aux droits et aux soins » among them) as dash items; a short line after them is left as it
    is, a web page's links (« Lire la suite ») are passed over."""
    blocks = re.split(r"(\n[ \t]*\n)", text)
    for k in range(0, len(blocks), 2):
        lines = [line for line in blocks[k].rstrip("\n").split("\n") if not WEB_FURNITURE.match(line)]
        if not lines:
            continue
        title = lines[0].strip()
        first = 1 + next((n for n, line in enumerate(lines[1:]) if not _sentence(line)), len(lines) - 1)
        transversal = any(TRANSVERSAL.search(fold(line)) for line in lines[1:first])  # « … priorités transversales : »
        last = len(lines)
        while last > first and len(lines[last - 1].split()) <= 3 and not transversal:
            last -= 1
        items = [line.strip() for line in lines[first:last]]
        flat = len({len(line) - len(line.lstrip()) for line in lines[first:last]}) == 1  # (an indented outline is
        if (len(items) >= 2 and flat and 0 < len(title.split()) <= 10  # ``pages._space_outline``'s)
                and not title.endswith((".", ";", ",", ":")) and not looks_like_objective(title)
                and not BULLET.match(title)
                and all(item[:1].isupper() and (1 if transversal else 3) <= len(item.split()) <= 30
                        and not BULLET.match(item) and not NUMBERED.match(item) and not item.endswith((":", "."))
                        for item in items)
                and (transversal or 3 * sum(map(looks_like_objective, items)) >= 2 * len(items) >= 4)):
            end = blocks[k][len(blocks[k].rstrip("\n")):]
            blocks[k] = "\n".join([*lines[:first], *(f"- {item}" for item in items), *lines[last:]]) + end
    return "".join(blocks)


def _sentence(line: str) -> bool:
    """A sentence about the title above a list (« Pour que chaque enfant des quartiers ait les mêmes chances. »)."""
    text = line.strip()
    if text.endswith(":") and len(text.split()) > 6:
        return True  # « Quelle que soit la thématique, chaque action devra prendre en compte trois priorités : »
    return text.endswith(".") and (not looks_like_objective(text) or len(text.split()) > 30 or ". " in text)

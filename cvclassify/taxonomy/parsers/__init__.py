"""Contract parsers, registered by layout and imported on first use.

A parser is a module with ``parse(text, name, source) -> Taxonomy`` and ``LAYOUT_HINT``, a regular
expression that recognises its layout. Another territory's contract with another layout is one more
module and one more line in ``PARSERS``. ``parse_contract`` tries every layout whose hint matches and keeps
the tree that looks most like a contract's objectives (the most leaves worded as objectives).
"""

from __future__ import annotations

import importlib
import re

from cvclassify.errors import TaxonomyError
from cvclassify.taxonomy.tree import Taxonomy

PARSERS: dict[str, str] = {
    "numbered-tables": "cvclassify.taxonomy.parsers.numbered_tables",
    "tables": "cvclassify.taxonomy.parsers.tables",
    "keyword-outline": "cvclassify.taxonomy.parsers.keyword_outline",
    "heading-lists": "cvclassify.taxonomy.parsers.heading_lists",
}
"""Layout name → module implementing it, most specific first (it wins a tie)."""
MIN_LEAVES = 2
BARE = re.compile(r"(?:\w+\s+)?(?:n[°o]\s*)?(?:\d+(?:\.\d+)*|[IVX]+|[A-H])")
"""A label that is only a level's name and number (« Axe 1 »): a node without a label of its own."""
MARKDOWN_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
MARKDOWN_MARKS = re.compile(r"\*\*|__|\\(?=[-.*_#\\])")
"""Bold stars and escapes a Markdown converter writes (« ## **Axe 1 \\- Grandir** »), set aside to match hints."""


def _module(layout: str):
    if layout not in PARSERS:
        raise TaxonomyError(f"Disposition inconnue : {layout!r} ; dispositions connues : {', '.join(PARSERS)}.")
    return importlib.import_module(PARSERS[layout])


def candidate_layouts(text: str) -> list[str]:
    """The registered layouts whose hint matches the text (Markdown heading marks, bold, escapes and emoji aside),
    most specific first."""
    from cvclassify.taxonomy.parsers.pages import PICTOGRAPHS

    text = "\n".join(PICTOGRAPHS.sub(r"\1", line) for line in text.split("\n"))  # « ### 🏠 Axe 1 · … »
    text = MARKDOWN_MARKS.sub("", MARKDOWN_HEADING.sub("", text))
    return [layout for layout in PARSERS
            if re.search(_module(layout).LAYOUT_HINT, text, re.IGNORECASE | re.MULTILINE)]


def detect_layout(text: str) -> str:
    """The layout ``parse_contract`` would use for a text."""
    return best_parse(text)[0]


def score(tree: Taxonomy) -> float:
    """How much a tree looks like a contract's objectives: leaves worded as objectives count, others cost, and so do
    nodes without a label (« Axe 1 » cells of an indicator table)."""
    from cvclassify.taxonomy.parsers.outline import looks_like_objective

    leaves = tree.leaves
    good = sum(looks_like_objective(leaf.label) for leaf in leaves)
    unlabelled = sum(not re.search(r"[^\W\d_]{2,}", o.label) or bool(BARE.fullmatch(o.label)) for o in tree)
    return good - 0.5 * (len(leaves) - good) + 0.1 * len(leaves) - unlabelled


def best_parse(text: str, name: str = "contract", source: str = "") -> tuple[str, Taxonomy]:
    """The layout and tree of the best parse among the layouts that match; a French error naming the layouts
    tried when none finds objectives."""
    from cvclassify.taxonomy.parsers.markup import as_markdown

    text = as_markdown(text)  # AsciiDoc, MediaWiki, LaTeX or Org headings and lists as Markdown
    tried, best = [], None
    candidates = candidate_layouts(text)
    for layout in [*candidates, *(layout for layout in PARSERS if layout not in candidates)]:
        if best is not None and layout not in candidates:
            break  # the other layouts are tried only when the likely ones find nothing
        tried.append(layout)
        try:
            tree = _module(layout).parse(text, name=name, source=source)
        except TaxonomyError:
            continue
        if len(tree.leaves) >= MIN_LEAVES and (best is None or score(tree) > score(best[1])):
            best = (layout, tree)
    if best is None:
        raise TaxonomyError(
            "Aucun arbre d'objectifs reconnu dans ce texte. Dispositions essayées : "
            f"{', '.join(tried)}. Attendu : des titres d'axes, d'enjeux ou de piliers suivis de leurs objectifs "
            "(numérotés ou en listes à puces). Vous pouvez aussi décrire l'arbre dans un tableur : "
            "`cvclassify taxonomy template -o arbre.xlsx`."
        )
    return best


def parse_contract(text: str, name: str = "contract", source: str = "", layout: str | None = None) -> Taxonomy:
    """Parse a contract's objectives into a Taxonomy, with the parser of its layout (given, or the best one)."""
    if "\x00" in text:
        raise TaxonomyError("Le fichier du contrat semble binaire : donnez son texte (TXT) ou un PDF, DOCX, ODT.")
    if not text.strip():
        raise TaxonomyError("Le texte du contrat est vide.")
    if layout is not None:
        return _module(layout).parse(text, name=name, source=source)
    return best_parse(text, name, source)[1]

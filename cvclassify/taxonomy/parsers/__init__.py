"""Contract parsers, registered by layout and imported on first use.

A parser is a module with ``parse(text, name, source) -> Taxonomy`` and ``LAYOUT_HINT``, a regular
expression that recognises its layout. Another territory's contract with another layout is one more
module and one more line in ``PARSERS``.
"""

from __future__ import annotations

import importlib
import re

from cvclassify.errors import TaxonomyError
from cvclassify.taxonomy.tree import Taxonomy

PARSERS: dict[str, str] = {
    "numbered-tables": "cvclassify.taxonomy.parsers.numbered_tables",
}
"""Layout name → module implementing it."""


def _module(layout: str):
    if layout not in PARSERS:
        raise TaxonomyError(f"Unknown contract layout {layout!r}; known layouts: {', '.join(PARSERS)}.")
    return importlib.import_module(PARSERS[layout])


DEFAULT_LAYOUT = "numbered-tables"


def detect_layout(text: str) -> str:
    """The first registered layout whose hint matches the text (else the default, whose parser
    then explains what it expected)."""
    for layout in PARSERS:
        if re.search(_module(layout).LAYOUT_HINT, text, re.IGNORECASE | re.MULTILINE):
            return layout
    return DEFAULT_LAYOUT


def parse_contract(text: str, name: str = "contract", source: str = "", layout: str | None = None) -> Taxonomy:
    """Parse a contract's objectives into a Taxonomy, with the parser of its (detected) layout."""
    if "\x00" in text:
        raise TaxonomyError("The contract file looks binary; give the text export of the document.")
    return _module(layout or detect_layout(text)).parse(text, name=name, source=source)

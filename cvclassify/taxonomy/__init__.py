"""The objective tree: the model (``tree``) and the contract parsers registered by layout (``parsers``)."""

from cvclassify.taxonomy.parsers import detect_layout, parse_contract
from cvclassify.taxonomy.tree import (
    LEVELS,
    Level,
    Objective,
    Taxonomy,
    load_taxonomy,
    save_taxonomy,
    taxonomy_from_dict,
    taxonomy_path,
)

__all__ = [
    "LEVELS",
    "Level",
    "Objective",
    "Taxonomy",
    "detect_layout",
    "load_taxonomy",
    "parse_contract",
    "save_taxonomy",
    "taxonomy_from_dict",
    "taxonomy_path",
]

"""Helpers shared by the tree tests."""

from __future__ import annotations


def label_edges(tree) -> list[tuple[str, str | None]]:
    """Each node of a tree as (its label, its parent's label or None), in the tree's order."""
    return [(o.label, tree[o.parent].label if o.parent else None) for o in tree]

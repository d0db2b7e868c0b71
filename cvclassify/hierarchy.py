"""The hierarchy roll-up: leaf scores lifted to objectives and axes, shared by suggestions and metrics.

Levels are ``leaf`` (1.1.1), ``objective`` (the group a leaf belongs to: its operational objective
1.1, or in axis 4 its strategic objective) and ``axis`` (1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cvclassify.taxonomy import Taxonomy

LEVELS = ("leaf", "objective", "axis")


def group_index(taxonomy: Taxonomy, leaf_ids: Sequence[str], level: str) -> tuple[list[str], np.ndarray]:
    """Ids of the groups of a level and, for each leaf, the index of its group."""
    if level == "leaf":
        return list(leaf_ids), np.arange(len(leaf_ids))
    if level == "objective":
        keys = [taxonomy.group_of(c).id for c in leaf_ids]
    elif level == "axis":
        keys = [taxonomy.axis_of(c).id for c in leaf_ids]
    else:
        raise ValueError(f"Unknown level {level!r}; choose among {LEVELS}.")
    groups = list(dict.fromkeys(keys))
    return groups, np.array([groups.index(k) for k in keys])


def aggregate(scores: np.ndarray, member: np.ndarray, n_groups: int, how: str = "noisy_or") -> np.ndarray:
    """Group scores consistent with their leaves, never below the group's best leaf.

    ``noisy_or`` (for probabilities): the chance that at least one leaf applies. ``max``: the best leaf,
    for scores that are not probabilities (similarities of other systems).
    """
    if how == "max":
        out = np.zeros((scores.shape[0], n_groups))
        for leaf, group in enumerate(member):
            out[:, group] = np.maximum(out[:, group], scores[:, leaf])
        return out
    if how != "noisy_or":
        raise ValueError(f"Unknown aggregation {how!r}; choose noisy_or or max.")
    out = np.ones((scores.shape[0], n_groups))
    member = np.asarray(member)
    if member.size:  # each group's factors multiplied in leaf order, as a loop over the leaves would
        order = np.argsort(member, kind="stable")
        ordered = member[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        factors = 1.0 - np.clip(scores[:, order], 0.0, 1.0)
        out[:, ordered[starts]] = np.multiply.reduceat(factors, starts, axis=1)
    return 1.0 - out


def lift_selection(selected: np.ndarray, member: np.ndarray, n_groups: int) -> np.ndarray:
    """A group is selected when any of its leaves is."""
    out = np.zeros((selected.shape[0], n_groups), dtype=bool)
    for leaf, group in enumerate(member):
        out[:, group] |= selected[:, leaf].astype(bool)
    return out


class RollUp:
    """The leaf → group map of one level of a taxonomy, computed once and reused."""

    def __init__(self, taxonomy: Taxonomy, leaf_ids: Sequence[str], level: str) -> None:
        self.level = level
        self.groups, self.member = group_index(taxonomy, leaf_ids, level)

    def scores(self, leaf_scores: np.ndarray, how: str = "noisy_or") -> np.ndarray:
        """Group scores (documents × groups)."""
        if self.level == "leaf":
            return leaf_scores
        return aggregate(leaf_scores, self.member, len(self.groups), how)

    def gold(self, gold: Sequence[set[str]], leaf_ids: Sequence[str]) -> list[set[str]]:
        """Gold leaf sets lifted to groups."""
        pos = {c: self.member[i] for i, c in enumerate(leaf_ids)}
        return [{self.groups[pos[c]] for c in g if c in pos} for g in gold]

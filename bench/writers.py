"""What the writer-left-out benches share: each corpus batch is one writer.

Used by ``leave_one_batch_out.py``, ``route_promise.py``, ``ensemble_lobo.py`` and ``backends_lobo.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

KNOWN = 3
"""A code the other batches show at least this many times is « known »."""


def batch_of(proposal) -> str:
    """The batch (writer) of a proposal: its file's letter."""
    return proposal.source.split(":")[0].removesuffix(".jsonl").removeprefix("batch-")


def codes_elsewhere(proposals: Sequence) -> dict[str, Counter]:
    """Per batch, how often each code appears in the other batches."""
    batches = {batch_of(p) for p in proposals}
    return {b: Counter(c for p in proposals if batch_of(p) != b for c in p.codes) for b in batches}


def known_codes(proposals: Sequence, minimum: int = KNOWN) -> np.ndarray:
    """Per proposal: whether the other batches show each of its codes at least ``minimum`` times."""
    counts = codes_elsewhere(proposals)
    return np.array([all(counts[batch_of(p)][c] >= minimum for c in p.codes) for p in proposals])


def corpus_setup() -> tuple:
    """What every writer-left-out bench starts from: the tree, the proposals, their batches (sorted) and the shipped
    recipe's parameters without folds (the project's place names as stop words)."""
    from cvclassify import load_corpus, load_taxonomy
    from cvclassify.model.params import ModelParams
    from cvclassify.projects import open_project

    tree = load_taxonomy()
    proposals = load_corpus().proposals
    batches = sorted({batch_of(p) for p in proposals})
    return tree, proposals, batches, ModelParams(cv_folds=0, stop_words=open_project().place_names())

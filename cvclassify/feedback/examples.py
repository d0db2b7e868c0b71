"""Officers' decisions as labelled texts for training, resolved by one rule, with a fixed held-out share.

Rules (counted in the model card under ``feedback``):

- a decision's codes are the codes it kept and added; every other leaf, the removed ones included, is a negative
  of that text (the one-vs-rest learners see it as such);
- withdrawn decisions are ignored (undone on the desk, or replaced by a later decision on the same item);
- several decisions on one text (same text once spaces are normalised) resolve to **the latest**: the officer's
  last word;
- a decision without text cannot teach anything (API feedback sent without the text): counted, left out;
- a bulk acceptance (« Accepter les demandes sûres », source ``desk-bulk``) confirms the model's own answer
  without anyone reading the text: counted as ``bulk_unread``, left out (a model must not learn from itself);
- codes no longer in the tree are reported with the decisions carrying them, and left out of that text's codes;
  a text left with no code is left out (it says what the text is not, not what it is);
- a fixed share of texts, chosen by their hash (``FEEDBACK_HELDOUT_PERCENT``), never trains a model: promotions
  compare models on it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cvclassify.document import text_hash
from cvclassify.feedback.store import FeedbackRecord

UNREAD_SOURCES = frozenset({"desk-bulk"})
"""Sources of decisions taken without reading the text: they never train."""
FEEDBACK_HELDOUT_PERCENT = 20
"""Share of officers' texts (by text hash) kept out of training to compare models."""


def in_feedback_heldout(sha256: str) -> bool:
    """Whether a text (by its normalised hash) belongs to the held-out share of the feedback."""
    return int(sha256[:8], 16) % 100 < FEEDBACK_HELDOUT_PERCENT


@dataclass(frozen=True)
class OfficerText:
    """A text and the codes an officer gave it (the latest decision on that text)."""

    text: str
    codes: tuple[str, ...]
    sha256: str
    feedback_id: int
    created_at: str


@dataclass
class FeedbackSet:
    """The project's feedback resolved into training texts and held-out texts, with what was left out."""

    train: list[OfficerText] = field(default_factory=list)
    heldout: list[OfficerText] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    unknown_codes: dict[str, list[int]] = field(default_factory=dict)
    """Code not in the tree → ids of the decisions that gave it."""

    def card(self, weight: float) -> dict:
        """What the model card records of the feedback it learnt from."""
        return {"rule": "latest decision per text wins; withdrawn ignored; kept + added are the codes",
                "officer_weight": weight, **self.counts, "unknown_codes": self.unknown_codes}


def resolve_feedback(records: Iterable[FeedbackRecord], leaf_ids: Sequence[str], concern_ids: Sequence[str] = (),
                     exclude: Iterable[str] = ()) -> FeedbackSet:
    """Resolve stored decisions (any order) into training and held-out texts.

    ``exclude`` holds text hashes that must not train (the corpus' held-out split): decisions on them are counted
    as ``on_heldout_split`` and left out.
    """
    known = set(leaf_ids) | set(concern_ids)
    excluded = set(exclude)
    counts: Counter[str] = Counter()
    latest: dict[str, FeedbackRecord] = {}
    for record in sorted(records, key=lambda r: (r.created_at or "", r.id)):
        counts["decisions"] += 1
        if record.withdrawn_at:
            counts["withdrawn"] += 1
            continue
        if not (record.text or "").strip():
            counts["without_text"] += 1
            continue
        if record.source in UNREAD_SOURCES:
            counts["bulk_unread"] += 1
            continue
        key = text_hash(record.text)
        if key in latest:
            counts["superseded"] += 1
        latest[key] = record
    result = FeedbackSet()
    unknown: dict[str, list[int]] = defaultdict(list)
    for key, record in latest.items():
        codes = list(dict.fromkeys([*record.kept, *record.added]))
        for code in codes:
            if code not in known:
                unknown[code].append(record.id)
        codes = [c for c in codes if c in known]
        if not any(c in set(leaf_ids) for c in codes):
            counts["without_known_code"] += 1
            continue
        if key in excluded:
            counts["on_heldout_split"] += 1
            continue
        text = OfficerText(record.text or "", tuple(codes), key, record.id, record.created_at or "")
        (result.heldout if in_feedback_heldout(key) else result.train).append(text)
    counts["texts"] = len(latest)
    counts["train"], counts["heldout"] = len(result.train), len(result.heldout)
    result.counts = dict(sorted(counts.items()))
    result.unknown_codes = {code: ids for code, ids in sorted(unknown.items())}
    return result

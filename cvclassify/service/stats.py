"""Statistics of the review work, per queue and per project: rows reviewed by officer, agreement between the
model and the officers, the codes most often corrected and the time spent per row.

Definitions (the desk's statistics page says them in French):

- a *reviewed* row is an application of a queue whose decision stands (status ``done``); its officer is the
  name recorded with that decision, else « anonyme »;
- the model's codes of a row are the suggestions it ticked (``selected``); the officers' codes are the row's
  final codes;
- *accepted unchanged*: reviewed rows whose final codes are exactly the model's, over all reviewed rows (rows
  accepted in bulk included);
- *exact-set agreement*, per-code precision and recall and the corrections are measured on the rows reviewed
  one by one: a bulk acceptance (``source`` ``BULK_SOURCE``) is the model's set taken without reading, neither
  agreement nor disagreement;
- *time per row*: the median gap between consecutive decisions of the same officer in the same queue (withdrawn
  decisions included: they took time; bulk acceptances left out), gaps over ``MAX_GAP_SECONDS`` ignored (a
  pause, not a row).
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cvclassify.errors import CvclassifyError
from cvclassify.feedback.store import FeedbackRecord, FeedbackStore, QueueRecord
from cvclassify.labels import ItemStatus
from cvclassify.taxonomy import Taxonomy

ANONYMOUS = "anonyme"
"""The officer of a decision recorded without a name."""
BULK_SOURCE = "desk-bulk"
"""``source`` of the decisions made by the desk's bulk acceptance of sure rows."""
MAX_GAP_SECONDS = 30 * 60
"""A longer gap between two decisions of an officer is a pause, not the time of a row."""
TOP_CORRECTIONS = 10
"""Codes listed among the most often added, and among the most often removed."""


def queue_stats(store: FeedbackStore, project: str, queue_id: str, tree: Taxonomy | None = None) -> dict[str, Any]:
    """The statistics of one queue (``FeedbackError`` if it is not the project's)."""
    record = store.queue(project, queue_id)
    decisions = [f for f in store.iter_feedback(project) if f.queue_id == queue_id]
    return {"project": project, "queue_id": record.queue_id, "name": record.name,
            **review_stats([record], decisions, tree)}


def project_stats(store: FeedbackStore, project: str, tree: Taxonomy | None = None) -> dict[str, Any]:
    """The statistics of every queue of a project in which a decision was made."""
    decisions = [f for f in store.iter_feedback(project) if f.queue_id is not None]
    records = []
    for queue_id in dict.fromkeys(f.queue_id for f in decisions):
        try:
            records.append(store.queue(project, queue_id))
        except CvclassifyError:  # a decision naming a queue of another project: not this project's work
            continue
    return {"project": project, "queue_id": None, "name": None, **review_stats(records, decisions, tree)}


def review_stats(queues: Iterable[QueueRecord], decisions: Iterable[FeedbackRecord],
                 tree: Taxonomy | None = None) -> dict[str, Any]:
    """The statistics of the given queues from their items and every decision made in them (pure)."""
    queues = list(queues)
    by_id = {f.id: f for f in decisions}
    total = rows_reviewed = unchanged = one_by_one = exact = 0
    officers: Counter[str] = Counter()
    bulk_rows: Counter[str] = Counter()
    model_ticked: Counter[str] = Counter()
    officer_final: Counter[str] = Counter()
    both: Counter[str] = Counter()
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    for queue in queues:
        for item in queue.items:
            total += 1
            if item.status != ItemStatus.DONE:
                continue
            decision = by_id.get(item.feedback_id) if item.feedback_id is not None else None
            officer = (decision.reviewer if decision else None) or ANONYMOUS
            rows_reviewed += 1
            officers[officer] += 1
            model = {s["id"] for s in (item.result or {}).get("suggestions", []) if s.get("selected")}
            final = set(item.final_codes or [])
            unchanged += model == final
            if decision is not None and decision.source == BULK_SOURCE:
                bulk_rows[officer] += 1
                continue
            one_by_one += 1
            exact += model == final
            model_ticked.update(model)
            officer_final.update(final)
            both.update(model & final)
            added.update(final - model)
            removed.update(model - final)
    gaps = officer_gaps(decisions)
    codes = [{**_code(code, tree), "model": model_ticked[code], "officers": officer_final[code],
              "both": both[code], "precision": _share(both[code], model_ticked[code]),
              "recall": _share(both[code], officer_final[code])}
             for code in sorted(set(model_ticked) | set(officer_final), key=_code_order(tree))]
    return {
        "queues": len(queues), "total": total, "reviewed": rows_reviewed,
        "officers": [{"officer": name, "reviewed": count, "bulk": bulk_rows[name],
                      "median_seconds": _median(gaps.get(name, [])), "timed_rows": len(gaps.get(name, []))}
                     for name, count in sorted(officers.items(), key=lambda kv: (-kv[1], kv[0].casefold()))],
        "agreement": {"reviewed": rows_reviewed, "accepted_unchanged": unchanged,
                      "accepted_unchanged_share": _share(unchanged, rows_reviewed),
                      "one_by_one": one_by_one, "exact_set": exact, "exact_set_share": _share(exact, one_by_one)},
        "codes": codes,
        "most_added": [{**_code(c, tree), "count": n} for c, n in _top(added)],
        "most_removed": [{**_code(c, tree), "count": n} for c, n in _top(removed)],
        "time": {"median_seconds": _median([g for values in gaps.values() for g in values]),
                 "timed_rows": sum(len(values) for values in gaps.values()), "max_gap_seconds": MAX_GAP_SECONDS},
    }


def officer_gaps(decisions: Iterable[FeedbackRecord]) -> dict[str, list[float]]:
    """Officer → the seconds between their consecutive decisions in a queue (bulk acceptances left out, gaps
    over ``MAX_GAP_SECONDS`` dropped)."""
    series: dict[tuple[str, str], list[tuple[datetime, int]]] = defaultdict(list)
    for decision in decisions:
        if decision.queue_id is None or decision.source == BULK_SOURCE:
            continue
        officer = decision.reviewer or ANONYMOUS
        series[(decision.queue_id, officer)].append((datetime.fromisoformat(decision.created_at), decision.id))
    gaps: dict[str, list[float]] = defaultdict(list)
    for (_queue, officer), times in series.items():
        times.sort()
        for (before, _), (after, _) in itertools.pairwise(times):
            seconds = (after - before).total_seconds()
            if seconds <= MAX_GAP_SECONDS:
                gaps[officer].append(seconds)
    return dict(gaps)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _top(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CORRECTIONS]


def _code(code_id: str, tree: Taxonomy | None) -> dict[str, str]:
    """A code's id, printed code and label (the id for both when the tree does not know it)."""
    if tree is not None:
        try:
            node = tree.resolve(code_id)
            return {"id": code_id, "code": node.display_code, "label": node.label}
        except CvclassifyError:
            pass
    return {"id": code_id, "code": code_id, "label": ""}


def _code_order(tree: Taxonomy | None):
    """Codes in the tree's order (unknown ones last, by id)."""
    rank = {leaf.id: i for i, leaf in enumerate(tree.leaves)} if tree is not None else {}
    return lambda code: (rank.get(code, len(rank)), code)

"""Classify many records and never lose one: one output row per input row, in order.

A record that cannot be classified (broken line, no text, binary junk) gets an ``error`` field
instead of suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from cvclassify.corpus import text_of
from cvclassify.errors import InvalidTextError
from cvclassify.io import Record
from cvclassify.model import Classifier, Suggestions
from cvclassify.text import check_text

BATCH_SIZE = 64


@dataclass
class BatchSummary:
    """Counts of a batch run, for the closing line of the CLI."""

    rows: int = 0
    classified: int = 0
    errors: int = 0


def compact(suggestions: Suggestions) -> list[dict[str, Any]]:
    """Suggestions as batch output: code, label, score, selected, objective and axis."""
    keys = ("code", "id", "label", "score", "selected", "objective", "axis")
    return [{k: getattr(s, k) for k in keys} for s in suggestions]


def classify_records(
    classifier: Classifier,
    records: Iterable[Record],
    k: int = 5,
    only: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    summary: BatchSummary | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield one output row per record: ``{"id", "suggestions"}`` or ``{"id", "error"}``."""
    summary = summary if summary is not None else BatchSummary()
    iterator = iter(records)
    while chunk := list(islice(iterator, BATCH_SIZE)):
        rows: list[dict[str, Any]] = []
        valid: list[int] = []
        texts: list[str] = []
        for record in chunk:
            row: dict[str, Any] = {"id": record.id}
            if record.error is None:
                try:
                    texts.append(check_text(text_of(record.data or {})))
                    valid.append(len(rows))
                except InvalidTextError as exc:
                    row["error"] = _no_text_message(record, exc)
            else:
                row["error"] = record.error
            rows.append(row)
        if texts:
            results = classifier.suggest_many(texts, k=k, only=only, exclude=exclude, explain=False)
            for i, result in zip(valid, results, strict=True):
                rows[i]["suggestions"] = compact(result)
                if result.objective_hint is not None:
                    hint = result.objective_hint
                    rows[i]["objective_hint"] = {"code": hint.code, "label": hint.label, "score": hint.score}
                if result.warnings:
                    rows[i]["warnings"] = result.warnings
        for row in rows:
            summary.rows += 1
            summary.errors += "error" in row
            summary.classified += "suggestions" in row
            yield row


def _no_text_message(record: Record, exc: InvalidTextError) -> str:
    if record.data is not None and not text_of(record.data):
        return (
            f"Ligne {record.line_no} : aucun texte à classer (champs attendus : "
            "title/intitulé et text/description)."
        )
    return f"Ligne {record.line_no} : {exc}"

"""Classify many records and never lose one: one output row per input row, in order.

A record that cannot be classified (broken line, no text, binary junk) gets an ``error`` field
instead of suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from cvclassify.document import Document, text_of
from cvclassify.errors import InvalidTextError
from cvclassify.io import Record
from cvclassify.model import Classifier

BATCH_SIZE = 64


@dataclass
class BatchSummary:
    """Counts of a batch run, for the closing line of the CLI."""

    rows: int = 0
    classified: int = 0
    errors: int = 0


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
        documents: list[Document] = []
        for record in chunk:
            row: dict[str, Any] = {"id": record.id}
            if record.error is None:
                try:
                    document = Document.of(record.data or {}, id=record.id)
                    document.prepare()
                    documents.append(document)
                    valid.append(len(rows))
                except InvalidTextError as exc:
                    row["error"] = _no_text_message(record, exc)
            else:
                row["error"] = record.error
            rows.append(row)
        if documents:
            results = classifier.suggest_many(documents, k=k, only=only, exclude=exclude, explain=False)
            for i, result in zip(valid, results, strict=True):
                rows[i].update(result.to_row())
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

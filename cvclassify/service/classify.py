"""Classify documents and rows for every caller (library batches, CLI files, API, review queues).

Nothing here raises for one bad document or row: it gets its error (in French) and the others their
classification, in input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cvclassify.document import Document
from cvclassify.errors import CvclassifyError
from cvclassify.io.columns import RowInput
from cvclassify.labels import Route, RowStatus
from cvclassify.model.classifier import Classifier
from cvclassify.result import Classification, RowResult

NO_TEXT = "Aucun texte à classer dans cette ligne : les colonnes de texte sont vides."


@dataclass(frozen=True)
class Options:
    """What to ask the classifier for each row."""

    k: int = 5
    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    evidence: int = 5
    """Lemmas that most raised the first code, per row (0: none)."""
    explain: bool = False
    """Evidence words with offsets for every suggestion (the review desk's highlighting)."""


@dataclass
class Outcome:
    """One document's classification (with the fields it was read from), or why there is none."""

    id: str | None
    classification: Classification | None
    fields: dict[str, str]
    error: str | None = None


def classify_documents(model: Classifier, inputs: Sequence[tuple[str | None, Any]], *, k: int = 5,
                       only: Sequence[str] | None = None, exclude: Sequence[str] | None = None,
                       explain: bool = True) -> list[Outcome]:
    """Classify ``(id, text or form fields)`` pairs; a bad document gets its error instead.

    A pattern of ``only``/``exclude`` that leaves no code is an error of the whole call (raised by
    ``suggest_many``, even when every document is bad)."""
    documents: list[tuple[int, Document]] = []
    outcomes: list[Outcome] = []
    for i, (doc_id, source) in enumerate(inputs):
        document = Document.of(source)
        try:
            text, _ = document.prepare()
            documents.append((i, document))
            outcomes.append(Outcome(doc_id, None, dict(document.fields) if document.fields else {"text": text}))
        except CvclassifyError as exc:
            outcomes.append(Outcome(doc_id, None, {}, str(exc)))
    results = model.suggest_many([d for _, d in documents], k=k, only=only, exclude=exclude, explain=explain)
    for (i, _), result in zip(documents, results, strict=True):
        outcomes[i].classification = result
    return outcomes


def row_status(classification: Classification) -> RowStatus:
    """A row is classified when its route is ``auto`` (or, for models without a route, a code is ticked)."""
    decision = classification.decision
    accepted = decision.route == Route.AUTO if decision else bool(classification.selected)
    return RowStatus.CLASSIFIED if accepted else RowStatus.TO_CHECK


def classify_rows(model: Classifier, rows: Sequence[RowInput], options: Options | None = None) -> list[RowResult]:
    """Results of input rows, in order; never raises for a bad row."""
    options = options or Options()
    results: list[RowResult] = []
    documents: list[Document] = []
    positions: list[int] = []
    for row in rows:
        result = RowResult(row.index, row.id, RowStatus.ERROR, row.error)
        if row.error is None:
            document = Document(row.fields or {}, id=row.id)
            try:
                document.prepare()
                documents.append(document)
                positions.append(len(results))
            except CvclassifyError as exc:
                result.error = NO_TEXT if not row.fields else str(exc)
        results.append(result)
    if documents:
        found = model.suggest_many(documents, k=options.k, only=options.only or None,
                                   exclude=options.exclude or None, explain=options.explain, terms=options.evidence)
        for position, classification in zip(positions, found, strict=True):
            results[position].classification = classification
            results[position].status = row_status(classification)
    return results

"""The review work of instruction teams: queues of applications to review, officers' decisions, exports.

Routes and commands call these functions and only check their input and shape their answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cvclassify.document import truncate
from cvclassify.errors import BatchInputError, InputTooLargeError, UnknownCodeError
from cvclassify.feedback.store import (
    EXPORT_FIELDS,
    FeedbackRecord,
    FeedbackStore,
    QueueItemRecord,
    StaleItemError,
)
from cvclassify.io import limits
from cvclassify.io.columns import RowInput, context_columns, context_values, iter_rows, map_columns
from cvclassify.io.readers import open_table
from cvclassify.io.writers import TRUNCATED, write_rows
from cvclassify.labels import ItemStatus, Route, french, level_name
from cvclassify.model.classifier import Classifier
from cvclassify.render import api_payload
from cvclassify.service.classify import Options, classify_rows
from cvclassify.service.stats import BULK_SOURCE
from cvclassify.taxonomy import Taxonomy

QUEUE_CODES = 8
"""Codes shown for each application of a queue."""
QUEUE_READ_NOTES = 10
"""Remarks on how rows were read (cells cut or missing) listed in a queue's notes; the others are counted."""
QUEUE_EXPORT_COLUMNS = ["Codes retenus", "Libellés", "Statut de la revue", "Relu par", "Date", "Confiance",
                        "Commentaire", "Codes proposés"]
"""The review's columns in the CSV and XLSX exports of a queue, for people, after the file's own columns."""
QUEUE_EXPORT_KEYS = ["cv_codes_finaux", "cv_libelles", "cv_statut_revue", "cv_relu_par", "cv_date_revue",
                     "cv_confiance", "cv_commentaire", "cv_codes_suggeres", "cv_erreur"]
"""The same, with ASCII keys, in the JSON Lines export of a queue (for programs)."""
QUEUE_EXPORT_WIDTHS = {"Codes retenus": 16, "Libellés": 60, "Statut de la revue": 18, "Relu par": 20, "Date": 17,
                       "Confiance": 11, "Commentaire": 40, "Codes proposés": 16}


def leaf_ids(tree: Taxonomy, codes: Sequence[str]) -> list[str]:
    """Codes checked against the tree and normalised to leaf ids (duplicates dropped); a code that is not a
    leaf raises ``UnknownCodeError`` with a French message."""
    ids = []
    for code in codes:
        node = tree.resolve(code)
        if not tree.is_leaf(node.id):
            if node.transversal:
                raise UnknownCodeError(f"« {code} » est une préoccupation transversale, pas un code de l'arbre à "
                                       "attribuer : indiquez un des codes de l'arbre (`cvclassify objectives`).")
            # level names come from the contracts, of either gender (« orientation », « enjeu »): no article
            raise UnknownCodeError(f"« {code} » est un code de niveau « {level_name(node.level)} », pas un code de "
                                   "l'arbre à attribuer : indiquez un des codes placés sous lui "
                                   "(`cvclassify objectives`).")
        ids.append(node.id)
    return list(dict.fromkeys(ids))


def record_decision(store: FeedbackStore, project: str, tree: Taxonomy, *, suggested: Sequence[str] = (),
                    kept: Sequence[str] = (), added: Sequence[str] = (), removed: Sequence[str] = (),
                    source: str = "api", **details: Any) -> FeedbackRecord:
    """Store an officer's decision; codes are checked against the project's tree, and a queue item against
    the project, inside the store's transaction."""
    return store.add_feedback(project, suggested=suggested, kept=kept, added=added, removed=removed, source=source,
                              check_codes=lambda codes: leaf_ids(tree, codes), **details)


def uncertainty(payload: dict[str, Any] | None) -> float:
    """How unsure the model is of a row: 1 − confidence of its first code (the decision's confidence when
    the model has one, else the first score)."""
    if not payload or not payload.get("suggestions"):
        return 1.0
    decision = payload.get("decision")
    confidence = decision["confidence"] if decision else payload["suggestions"][0]["score"]
    return round(1.0 - float(confidence), 6)


def create_queue(store: FeedbackStore, project: str, model: Classifier, path: Path,
                 text_cols: Sequence[str] | None = None, id_col: str | None = None) -> dict[str, Any]:
    """Read a call for projects, classify every row (with evidence) and store it as a review queue.

    A file of more than ``MAX_QUEUE_ROWS`` rows or ``MAX_QUEUE_CHARS`` characters is refused
    (``InputTooLargeError``) before anything is classified or stored; a cell longer than
    ``MAX_STORED_CELL_CHARS`` is classified as read but stored cut and marked, and the queue's notes say which
    rows (``cvclassify.io.limits``), after the first remarks on how rows were read (cells cut or missing).
    Memory the reading took is given back to the system afterwards, the file accepted or refused."""
    try:
        return _create_queue(store, project, model, path, text_cols, id_col)
    finally:
        give_back_memory()


def give_back_memory() -> None:
    """Collect garbage and return the C heap's free pages to the system (glibc's ``malloc_trim``), so that a
    long-running server does not keep the peak of a large upload (a workbook of 200 MB of text read and cut:
    +200 MB kept otherwise)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):  # not glibc
        pass


def _create_queue(store: FeedbackStore, project: str, model: Classifier, path: Path,
                  text_cols: Sequence[str] | None, id_col: str | None) -> dict[str, Any]:
    table = open_table(path)
    mapping = map_columns(table.columns, list(text_cols) if text_cols else None, id_col)
    rows = queue_rows(iter_rows(table.rows, mapping, None if text_cols else table.columns), path.name)
    read = [note for row in rows for note in row.notes]  # cells cut at reading, cells missing
    notes = [*table.notes, mapping.describe(), *read[:QUEUE_READ_NOTES]]
    if len(read) > QUEUE_READ_NOTES:
        notes.append(f"… et {len(read) - QUEUE_READ_NOTES} autres remarques de lecture.")
    results = classify_rows(model, rows, Options(k=QUEUE_CODES, evidence=0, explain=True))
    context = context_columns(table.columns)
    items = []
    cut: list[int] = []
    for row, result in zip(rows, results, strict=True):
        values, fields = stored_cells(row.values), stored_cells(row.fields)
        if values != row.values or fields != row.fields:
            cut.append(row.index)
        payload = None
        if result.classification is not None:
            payload = api_payload(result.classification, project, fields, doc_id=row.id)
        # the row's context (porteur, quartier, montant, année) is kept with its result, as read at upload
        stored = {**(payload or {}), "context": context_values(row.values, context)}
        items.append({"position": row.index, "row_id": row.id, "values": values, "fields": fields,
                      "result": stored, "error": result.error, "uncertainty": uncertainty(payload)})
    if cut:
        listed = ", ".join(map(str, cut[:10])) + (", …" if len(cut) > 10 else "")
        notes.append(f"{'Les demandes' if len(cut) > 1 else 'La demande'} n° {listed} "
                     f"{'ont' if len(cut) > 1 else 'a'} des cellules de plus de "
                     f"{limits.count_text(limits.MAX_STORED_CELL_CHARS)} caractères : elles sont classées telles que "
                     f"lues mais enregistrées tronquées (marquées « {TRUNCATED} ») ; le fichier d'origine les garde.")
    queue_id = store.create_queue(project, path.name, table.columns, notes, model.card.version, items)
    return {"queue_id": queue_id, "name": path.name, "total": len(items),
            "errors": sum(item["error"] is not None for item in items), "notes": notes}


def queue_rows(rows: Iterable[RowInput], name: str) -> list[RowInput]:
    """The rows of a file to make a queue of, read until a cap of ``cvclassify.io.limits`` is passed: then
    ``InputTooLargeError`` (in French) before more is read, and before anything is classified or stored."""
    kept: list[RowInput] = []
    chars = 0
    for row in rows:
        if len(kept) >= limits.MAX_QUEUE_ROWS:
            most = limits.count_text(limits.MAX_QUEUE_ROWS)
            raise InputTooLargeError(f"« {name} » compte plus de {most} lignes de demandes : une file de revue en "
                                     f"prend au plus {most}. Découpez le fichier en plusieurs files.")
        chars += sum(len(value) for value in row.values.values())
        if chars > limits.MAX_QUEUE_CHARS:
            most = limits.count_text(limits.MAX_QUEUE_CHARS, "caractères")
            raise InputTooLargeError(f"« {name} » contient plus de {most} de texte (limite atteinte à la demande "
                                     f"n° {row.index}) : une file de revue en prend au plus {most}. Découpez le "
                                     "fichier en plusieurs files.")
        kept.append(row)
    return kept


def stored_cells(cells: Mapping[str, Any]) -> dict[str, Any]:
    """Cells as a queue stores them: a text longer than ``MAX_STORED_CELL_CHARS`` cut there (at a word
    boundary, as the analysis cuts it, so that the evidence it highlights stays inside) and marked."""
    out = {}
    for key, value in cells.items():
        if isinstance(value, str) and len(value) > limits.MAX_STORED_CELL_CHARS:
            value = truncate(value, limits.MAX_STORED_CELL_CHARS)[0] + TRUNCATED
        out[key] = value
    return out


def queue_item(item: QueueItemRecord) -> dict[str, Any]:
    """One application of a queue as the desk shows it."""
    result = item.result or {}
    return {"item_id": item.item_id, "position": item.position, "row_id": item.row_id,
            # an unreadable row shows its cells, so that the officer sees which application it is
            "fields": result.get("fields") or item.fields or {k: str(v) for k, v in item.values.items()
                                                               if str(v).strip()},
            "status": item.status, "error": item.error,
            "suggestions": result.get("suggestions", []), "objective_hint": result.get("objective_hint"),
            "decision": result.get("decision"), "warnings": result.get("warnings") or [],
            "final_codes": item.final_codes, "comment": item.comment,
            "feedback_id": item.feedback_id, "context": item_context(item),
            "version": item.version, "updated_at": item.updated_at, "updated_by": item.updated_by}


def item_context(item: QueueItemRecord) -> dict[str, Any]:
    """The row's context (carrier, district, amount, year) stored at upload; for a queue made before it was
    stored, read again from the row's cells."""
    result = item.result or {}
    if "context" in result:
        return result["context"] or {}
    return context_values(item.values, context_columns(list(item.values)))


def queue_view(store: FeedbackStore, project: str, queue_id: str) -> dict[str, Any]:
    """A queue with its applications, most uncertain first."""
    record = store.queue(project, queue_id)
    return {"queue_id": record.queue_id, "name": record.name, "model_version": record.model_version,
            "total": len(record.items), "reviewed": record.reviewed, "notes": record.notes,
            "items": [queue_item(i) for i in record.items]}


def list_queues(store: FeedbackStore, project: str) -> list[dict[str, Any]]:
    """The project's review queues, newest first: file name, date, progress, the officers named in their
    decisions, and where to resume (the first application still to review, in review order)."""
    from dataclasses import asdict

    return [asdict(summary) for summary in store.queues(project)]


def reopen_item(store: FeedbackStore, project: str, queue_id: str, item_id: int, officer: str | None = None,
                version: int | None = None) -> dict[str, Any]:
    """Undo the decision on one application of a queue (refused when it changed since ``version``)."""
    return queue_item(store.reopen(project, queue_id, item_id, officer=officer, version=version))


def item_history(store: FeedbackStore, project: str, queue_id: str, item_id: int) -> dict[str, Any]:
    """Who changed an application of a queue, when, and what (codes, status, comment), oldest first."""
    from dataclasses import asdict

    events = [asdict(e) for e in store.history(project, queue_id, item_id)]
    version = events[-1]["version"] if events else 1
    return {"item_id": item_id, "version": version, "events": events}


def accept_sure(store: FeedbackStore, project: str, tree: Taxonomy, queue_id: str, item_ids: Iterable[int],
                reviewer: str | None = None) -> dict[str, Any]:
    """Accept as they are the listed applications still to review whose whole ticked set the model is sure of
    (route ``auto``); the others are skipped. Each acceptance is an ordinary decision (``source`` « desk-bulk »,
    which the statistics leave out of the agreement and the time per row) that ``reopen_item`` undoes."""
    record = store.queue(project, queue_id)
    wanted = set(item_ids)
    accepted: list[int] = []
    for item in record.items:
        if item.item_id not in wanted:
            continue
        result = item.result or {}
        if item.status != ItemStatus.OPEN or (result.get("decision") or {}).get("route") != Route.AUTO:
            continue
        suggestions = result.get("suggestions", [])
        try:  # at the version read: a row another officer decided meanwhile is skipped, not overwritten
            record_decision(store, project, tree, suggested=[s["id"] for s in suggestions],
                            kept=[s["id"] for s in suggestions if s.get("selected")], reviewer=reviewer,
                            source=BULK_SOURCE, model_version=record.model_version, queue_id=queue_id,
                            item_id=item.item_id, version=item.version)
        except StaleItemError:
            continue
        accepted.append(item.item_id)
    done = set(accepted)
    items = [queue_item(i) for i in store.queue(project, queue_id).items if i.item_id in done]
    return {"accepted": items, "skipped": sorted(wanted - done)}


def export_queue(store: FeedbackStore, project: str, queue_id: str, output: Path,
                 tree: Taxonomy | None = None) -> Path:
    """Write the reviewed file to ``output``: its own columns first, then the review. In CSV and XLSX (for
    people) under French headers (``QUEUE_EXPORT_COLUMNS``): codes kept and their labels (from ``tree``), status,
    « Relu par », date (French time), confidence as a number (a decimal comma in CSV, a numeric cell in XLSX,
    whose sheet has a frozen, filtered header); in JSON Lines (for programs) under ASCII keys
    (``QUEUE_EXPORT_KEYS``), lists as lists, statuses as ASCII states and dates in ISO 8601."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cvclassify.io.writers import SheetLayout

    record = store.queue(project, queue_id, order="input")
    machine = output.suffix.lower() in (".jsonl", ".ndjson")
    unnamed = {i.feedback_id for i in record.items if i.status == ItemStatus.DONE and not i.updated_by}
    # decisions made before items recorded who changed them: their feedback names the officer
    reviewers = {f.id: f.reviewer for f in store.iter_feedback(project) if f.id in unnamed} if unnamed - {None} else {}

    def shown(code: str) -> tuple[str, str]:
        try:
            node = tree.resolve(code) if tree is not None else None
        except UnknownCodeError:
            node = None
        return (node.display_code, node.label) if node else (code, "")

    rows = []
    for item in record.items:
        result = item.result or {}
        suggested = [shown(s["id"])[0] for s in result.get("suggestions", []) if s.get("selected")]
        decision = result.get("decision") or {}
        first = (result.get("suggestions") or [{}])[0].get("score")
        confidence = decision.get("confidence", first)
        done = item.status == ItemStatus.DONE
        kept = [shown(code) for code in item.final_codes or []]
        officer = (item.updated_by or reviewers.get(item.feedback_id)) if done else None
        when = datetime.fromisoformat(item.updated_at) if done and item.updated_at else None
        if machine:
            rows.append({**item.values, "cv_codes_finaux": [c for c, _ in kept],
                         "cv_libelles": [label for _, label in kept], "cv_statut_revue": item.status,
                         "cv_relu_par": officer, "cv_date_revue": when.isoformat() if when else None,
                         "cv_confiance": confidence, "cv_commentaire": item.comment,
                         "cv_codes_suggeres": suggested, "cv_erreur": item.error})
            continue
        local = when.astimezone(ZoneInfo("Europe/Paris")) if when else None
        if confidence is not None:
            confidence = round(float(confidence), 3)
        rows.append({**item.values, "Codes retenus": ", ".join(c for c, _ in kept),
                     "Libellés": " | ".join(f"{c} : {label}" if label else c for c, label in kept),
                     "Statut de la revue": f"erreur : {item.error}" if item.error else french(ItemStatus(item.status)),
                     "Relu par": officer or "",
                     # XLSX: a true date and number; CSV: as French Excel reads them (dd/mm/yyyy, decimal comma)
                     "Date": (local.replace(tzinfo=None) if output.suffix.lower() == ".xlsx"
                              else local.strftime("%d/%m/%Y %H:%M")) if local else "",
                     "Confiance": ("" if confidence is None else confidence if output.suffix.lower() == ".xlsx"
                                   else f"{confidence}".replace(".", ",")),
                     "Commentaire": item.comment or "", "Codes proposés": ", ".join(suggested)})
    added = QUEUE_EXPORT_KEYS if machine else QUEUE_EXPORT_COLUMNS
    columns = [*record.columns, *[c for c in added if c not in record.columns]]
    layout = None if machine else SheetLayout(
        title=f"Revue {Path(record.name).stem}", widths=_widths(columns, rows, QUEUE_EXPORT_WIDTHS),
        number_formats={"Confiance": "0.00", "Date": "dd/mm/yyyy hh:mm"})
    write_rows(output, columns, rows, layout=layout)
    return output


def _widths(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], fixed: Mapping[str, float],
            sample: int = 200) -> dict[str, float]:
    """Column widths (characters) for a sheet people read: the fixed ones, else the longest of the header and
    the first ``sample`` cells, between 8 and 50."""
    widths = {}
    for column in columns:
        if column in fixed:
            widths[column] = fixed[column]
            continue
        longest = max([len(str(column)), *(len(str(row.get(column) or "")) for row in rows[:sample])])
        widths[column] = float(min(50, max(8, longest + 2)))
    return widths


def export_feedback(store: FeedbackStore, project: str, output: Path) -> int:
    """Write every decision of a project (withdrawn ones included, marked) to ``output`` (.jsonl or .csv)."""
    if output.suffix.lower() not in (".jsonl", ".csv"):
        raise BatchInputError(f"Format d'export inconnu : « {output.name} » (.jsonl ou .csv).")
    return write_rows(output, list(EXPORT_FIELDS), store.export_rows(project))

"""Batch classification of files: every row of the input gets exactly one output row, in order.

    input file ─ io.readers (rows) ─ io.columns (document fields, id) ─ chunks ─ classifier (1 or n
    processes) ─ journal (JSON Lines, flushed per chunk) ─ io.writers (CSV, XLSX or JSON Lines, atomic)

A row that cannot be classified (unreadable, no text, binary junk) gets status ``erreur`` and a French
message instead of codes. Results are appended to a journal beside the output as they come, so that
``resume=True`` continues an interrupted run with no duplicated and no missing row; the output file
appears, whole, only at the end.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from cvclassify.document import Document
from cvclassify.errors import BatchInputError, CvclassifyError
from cvclassify.io.columns import ColumnMapping
from cvclassify.io.readers import Row
from cvclassify.model import Classifier

CHUNK_ROWS = 256
"""Rows classified together (and written to the journal together)."""
STATUS_OK, STATUS_REVIEW, STATUS_ERROR = "classé", "à vérifier", "erreur"
JOURNAL_VERSION = 1


@dataclass
class BatchSummary:
    """Counts of a batch run, for the closing lines of the CLI and the optional chart."""

    rows: int = 0
    classified: int = 0
    errors: int = 0
    to_review: int = 0
    resumed: int = 0
    notes: list[str] = field(default_factory=list)
    """How the input was read: encoding, delimiter, sheets, the columns used (French)."""
    codes: Counter = field(default_factory=Counter)
    axes: Counter = field(default_factory=Counter)

    def add(self, result: dict[str, Any]) -> None:
        self.rows += 1
        if result["status"] == STATUS_ERROR:
            self.errors += 1
            return
        self.classified += 1
        self.to_review += result["status"] == STATUS_REVIEW
        if result["suggestions"]:
            self.codes[result["suggestions"][0]["code"]] += 1
            self.axes[result["suggestions"][0]["axis"]["code"]] += 1

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "classified": self.classified, "errors": self.errors,
                "to_review": self.to_review, "resumed": self.resumed, "notes": self.notes,
                "codes": dict(self.codes.most_common()), "axes": dict(sorted(self.axes.items()))}


@dataclass(frozen=True)
class Options:
    """What to ask the classifier for each row."""

    k: int = 5
    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    evidence: int = 5


# ---------------------------------------------------------------------------------------------
# Classifying rows
# ---------------------------------------------------------------------------------------------


def classify_rows(classifier: Classifier, rows: Sequence[Item], options: Options) -> list[dict[str, Any]]:
    """Results of ``(index, id, document fields, read error or None)`` rows, in order; never raises for a
    bad row."""
    results: list[dict[str, Any]] = []
    documents: list[Document] = []
    positions: list[int] = []
    for index, row_id, fields, error in rows:
        result: dict[str, Any] = {"index": index, "id": row_id, "status": STATUS_ERROR, "error": error,
                                  "suggestions": [], "selected": [], "evidence": [], "objective_hint": None}
        if error is None:
            document = Document(fields or {}, id=row_id)
            try:
                document.prepare()
                documents.append(document)
                positions.append(len(results))
            except CvclassifyError as exc:
                result["error"] = NO_TEXT if not fields else str(exc)
        results.append(result)
    if documents:
        for position, (suggestions, evidence) in zip(
            positions, classifier.suggest_with_terms(documents, k=options.k, only=options.only or None,
                                                     exclude=options.exclude or None, terms=options.evidence),
            strict=True,
        ):
            row = suggestions.to_row()
            result = results[position]
            decision = suggestions.decision
            accepted = decision["route"] == "auto" if decision else any(s.selected for s in suggestions)
            result.update(status=STATUS_OK if accepted else STATUS_REVIEW,
                          suggestions=row["suggestions"], evidence=evidence,
                          selected=[s.code for s in suggestions if s.selected], decision=decision,
                          objective_hint=row.get("objective_hint"), warnings=row.get("warnings", []))
    return results


NO_TEXT = "Aucun texte à classer dans cette ligne : les colonnes de texte sont vides."


# ---------------------------------------------------------------------------------------------
# Running a whole file
# ---------------------------------------------------------------------------------------------


def journal_path(output: Path) -> Path:
    """Where results are kept while a run is under way (and after an interruption)."""
    return output.with_name(f".{output.name}.partial.jsonl")


def _fingerprint(input_path: Path, model_version: str, options: Options, mapping: ColumnMapping) -> dict:
    stat = input_path.stat() if input_path.exists() else None
    return {"journal": JOURNAL_VERSION, "input": str(input_path.resolve()),
            "size": stat.st_size if stat and input_path.is_file() else None,
            "mtime": int(stat.st_mtime) if stat and input_path.is_file() else None,
            "model_version": model_version, "k": options.k, "only": list(options.only),
            "exclude": list(options.exclude), "text_columns": [list(pair) for pair in mapping.text_columns],
            "id_column": mapping.id_column}


def _read_journal(path: Path, header: dict) -> int:
    """Rows already done in a journal of the same run; a torn last line is dropped."""
    if not path.exists():
        raise BatchInputError(f"Rien à reprendre : aucun traitement interrompu pour cette sortie ({path.name} absent).")
    done, good_bytes = 0, 0
    with path.open("rb") as handle:
        first = handle.readline()
        try:
            if json.loads(first) != header:
                raise ValueError
        except ValueError as exc:
            raise BatchInputError(
                "Impossible de reprendre : le traitement interrompu portait sur un autre fichier, un autre modèle "
                "ou d'autres options. Relancez sans --resume."
            ) from exc
        good_bytes = len(first)
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                json.loads(line)
            except ValueError:
                break
            done += 1
            good_bytes += len(line)
    with path.open("r+b") as handle:  # drop a torn last line so that appending continues cleanly
        handle.truncate(good_bytes)
    return done


Item = tuple[int, str, dict[str, str], str | None]
"""What the classifier needs of a row: ``(index, id, document fields, read error)``."""


def iter_items(rows: Iterable[Row], mapping: ColumnMapping, header: Sequence[str] | None = None
               ) -> Iterator[tuple[Item, dict[str, str]]]:
    """Each row as an ``Item`` and its input cells.

    With a ``header`` (automatic mapping), a row whose columns are not the header's (JSON Lines records
    with other keys, another sheet's header) is mapped by its own column names.
    """
    from cvclassify.io.columns import map_columns

    mappings: dict[tuple[str, ...], ColumnMapping | str] = {}
    for row in rows:
        row_mapping: ColumnMapping | str = mapping
        if header is not None and row.values and not set(row.values) <= set(header):
            keys = tuple(row.values)
            if keys not in mappings:
                try:
                    mappings[keys] = map_columns(list(keys))
                except CvclassifyError as exc:
                    mappings[keys] = str(exc)
            row_mapping = mappings[keys]
        if isinstance(row_mapping, str):
            yield (row.index, f"ligne-{row.index}", {}, row.error or f"{row.where} : {row_mapping}"), row.values
            continue
        fields = row_mapping.fields(row.values) if row.values else {}
        yield (row.index, row_mapping.row_id(row), fields, row.error), row.values


def run_batch(
    classifier: Classifier,
    input_path: Path,
    output: Path,
    *,
    options: Options = Options(),
    text_cols: Sequence[str] | None = None,
    id_col: str | None = None,
    sheet: str | None = None,
    resume: bool = False,
    workers: int = 1,
    model_dir: Path | None = None,
    on_chunk: Callable[[int], None] = lambda n: None,
    on_start: Callable[[list[str]], None] = lambda notes: None,
) -> BatchSummary:
    """Classify every row of ``input_path`` into ``output`` (CSV, XLSX or JSON Lines by extension)."""
    from cvclassify.io.columns import map_columns
    from cvclassify.io.readers import open_table
    from cvclassify.io.writers import check_output_path

    check_output_path(output, [input_path])
    classifier.allowed(options.only or None, options.exclude or None)  # bad patterns fail before any work
    table = open_table(input_path, sheet=sheet)
    mapping = map_columns(table.columns, list(text_cols) if text_cols else None, id_col)
    summary = BatchSummary(notes=[*table.notes, mapping.describe()])
    on_start(summary.notes)
    header = _fingerprint(input_path, classifier.card.version, options, mapping)
    journal = journal_path(output)
    skip = _read_journal(journal, header) if resume else 0
    if skip:
        summary.resumed = skip
        for result in _journal_results(journal):
            summary.add(result)
        on_chunk(skip)
    else:
        journal.write_text(json.dumps(header, ensure_ascii=False) + "\n", encoding="utf-8")
    items = iter_items(islice(table.rows, skip, None), mapping, None if text_cols else table.columns)
    with journal.open("a", encoding="utf-8") as handle:
        for chunk, chunk_results in _classify_chunks(classifier, items, options, workers, model_dir):
            for (_, values), result in zip(chunk, chunk_results, strict=True):
                result["input"] = values
                handle.write(json.dumps(result, ensure_ascii=False) + "\n")
                summary.add(result)
            handle.flush()
            os.fsync(handle.fileno())
            on_chunk(len(chunk_results))
    _write_output(output, table.columns, _journal_results(journal), options.k)
    journal.unlink()
    return summary


def _journal_results(journal: Path) -> Iterator[dict[str, Any]]:
    with journal.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            yield json.loads(line)


def _classify_chunks(classifier: Classifier, items: Iterator, options: Options, workers: int,
                     model_dir: Path | None) -> Iterator[tuple[list, list[dict[str, Any]]]]:
    """``(chunk, results)`` pairs in input order; with ``workers > 1``, chunks run in worker processes
    (the model loaded once per worker) with a bounded number in flight, so memory stays flat."""
    chunks = iter(lambda: list(islice(items, CHUNK_ROWS)), [])
    if workers <= 1:
        for chunk in chunks:
            yield chunk, classify_rows(classifier, [item for item, _ in chunk], options)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    inherited = classifier if context.get_start_method() == "fork" else None
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(inherited, model_dir)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append((chunk, pool.submit(_classify_in_worker, [item for item, _ in chunk], options)))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


_WORKER_CLASSIFIER: Classifier | None = None


def _init_worker(classifier: Classifier | None, model_dir: Path | None) -> None:
    """Runs once in each worker process: the model it classifies with (inherited, or loaded), and one
    BLAS thread (the processes already share the cores)."""
    global _WORKER_CLASSIFIER
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    _WORKER_CLASSIFIER = classifier if classifier is not None else Classifier.load(model_dir)


def _classify_in_worker(chunk: list, options: Options) -> list[dict[str, Any]]:
    return classify_rows(_WORKER_CLASSIFIER, chunk, options)


# ---------------------------------------------------------------------------------------------
# Beyond one machine: one partition of a distributed dataset (see docs/distributed.md)
# ---------------------------------------------------------------------------------------------


def classify_partition(records: Iterable[dict[str, Any]], model_dir: str, options: Options = Options(),
                       text_cols: Sequence[str] | None = None, id_col: str | None = None) -> list[dict[str, Any]]:
    """Classify one partition of records (dicts of input cells) on a Dask or Spark worker.

    The model is loaded once per worker process and kept for the following partitions; results are
    the same as ``classify_rows`` on one machine, with the input cells under ``input``.
    """
    from cvclassify.io.columns import map_columns

    records = list(records)
    if not records:
        return []
    classifier = _worker_model(str(model_dir))
    mapping = map_columns(list(records[0]), list(text_cols) if text_cols else None, id_col)
    items = []
    for position, record in enumerate(records, start=1):
        values = {k: "" if v is None else str(v) for k, v in record.items()}
        index = int(record.get("_index", position))
        row = Row(index, values, f"ligne {index}")
        items.append(((index, mapping.row_id(row), mapping.fields(values), None), values))
    results = classify_rows(classifier, [item for item, _ in items], options)
    for (_, values), result in zip(items, results, strict=True):
        result["input"] = values
    return results


_WORKER_MODELS: dict[str, Classifier] = {}


def _worker_model(model_dir: str) -> Classifier:
    """The model of a worker process, loaded on its first partition."""
    if model_dir not in _WORKER_MODELS:
        _WORKER_MODELS[model_dir] = Classifier.load(model_dir)
    return _WORKER_MODELS[model_dir]


# ---------------------------------------------------------------------------------------------
# Output rows
# ---------------------------------------------------------------------------------------------


def result_columns(k: int) -> list[str]:
    """Columns added to the input's in CSV and XLSX outputs (French: analysts read them)."""
    ranked = [name for i in range(1, k + 1) for name in (f"cv_code_{i}", f"cv_libelle_{i}", f"cv_score_{i}")]
    return ["cv_id", "cv_statut", "cv_erreur", "cv_codes_retenus", "cv_decision", "cv_confiance", "cv_objectif",
            "cv_axe", *ranked, "cv_mots_determinants", "cv_objectif_probable"]


ROUTE_LABELS = {"auto": "acceptable tel quel", "review": "à relire", "objective": "objectif sûr, code à choisir"}
"""The decision of each row as analysts read it in CSV/XLSX outputs."""


def flat_row(result: dict[str, Any], values: dict[str, str], k: int) -> dict[str, Any]:
    """One CSV/XLSX output row: the input's cells, then the classification."""
    out: dict[str, Any] = dict(values)
    top = result["suggestions"][0] if result["suggestions"] else None
    hint = result.get("objective_hint")
    decision = result.get("decision") or {}
    out.update({
        "cv_id": result["id"], "cv_statut": result["status"], "cv_erreur": result["error"] or "",
        "cv_codes_retenus": " | ".join(result["selected"]),
        "cv_decision": ROUTE_LABELS.get(decision.get("route"), ""),
        "cv_confiance": decision.get("confidence", ""),
        "cv_objectif": f"{top['objective']['code']} {top['objective']['label']}" if top else "",
        "cv_axe": f"{top['axis']['code']} {top['axis']['label']}" if top else "",
        "cv_mots_determinants": ", ".join(result["evidence"]),
        "cv_objectif_probable": f"{hint['code']} {hint['label']} ({hint['score']:.2f})" if hint else "",
    })
    for i in range(1, k + 1):
        s = result["suggestions"][i - 1] if i <= len(result["suggestions"]) else None
        out[f"cv_code_{i}"] = s["code"] if s else ""
        out[f"cv_libelle_{i}"] = s["label"] if s else ""
        out[f"cv_score_{i}"] = s["score"] if s else ""
    return out


def json_row(result: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """One JSON Lines output row: ``id``, the input's cells under ``input``, then the classification."""
    row = {"id": result["id"], "input": values, "status": result["status"]}
    if result["error"]:
        row["error"] = result["error"]
    row.update({k: result.get(k) for k in ("suggestions", "selected", "decision", "evidence", "objective_hint")})
    if result.get("warnings"):
        row["warnings"] = result["warnings"]
    return row


def _write_output(output: Path, input_columns: list[str], results: Iterable[dict[str, Any]], k: int) -> int:
    from cvclassify.io.writers import write_rows

    if output.suffix.lower() in (".jsonl", ".ndjson"):
        rows = (json_row(r, r.get("input") or {}) for r in results)
        return write_rows(output, ["id", "input", "status", "error", "suggestions", "selected", "decision",
                                   "evidence", "objective_hint"], rows)
    columns = [c for c in input_columns if not c.startswith("cv_")] + result_columns(k)
    return write_rows(output, columns, (flat_row(r, r.get("input") or {}, k) for r in results))

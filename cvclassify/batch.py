"""Batch classification of files: every row of the input gets exactly one output row, in order.

    input file ─ io.readers (rows) ─ io.columns (RowInput) ─ chunks ─ service.classify_rows (1 or n processes)
    ─ render.record ─ journal (JSON Lines, flushed per chunk) ─ render rows ─ io.writers (CSV, XLSX, JSON Lines)

A row that cannot be classified (unreadable, no text, binary junk) gets status ``error`` and a French
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

from cvclassify.errors import BatchInputError
from cvclassify.io.columns import ColumnMapping, RowInput, iter_rows, map_columns
from cvclassify.io.readers import Row
from cvclassify.labels import RowStatus
from cvclassify.model.classifier import Classifier
from cvclassify.render import JSON_COLUMNS, flat_row, json_row, record, result_columns
from cvclassify.service.classify import Options, classify_rows

CHUNK_ROWS = 256
"""Rows classified together (and written to the journal together)."""
JOURNAL_VERSION = 2
DEFAULT_OPTIONS = Options()


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

    def add(self, rec: dict[str, Any]) -> None:
        """Count one row's record (``render.record``)."""
        self.rows += 1
        if rec["status"] == RowStatus.ERROR:
            self.errors += 1
            return
        self.classified += 1
        self.to_review += rec["status"] == RowStatus.TO_CHECK
        if rec["suggestions"]:
            self.codes[rec["suggestions"][0]["code"]] += 1
            self.axes[rec["suggestions"][0]["axis"]["code"]] += 1

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON (the one line printed in pipelines)."""
        return {"rows": self.rows, "classified": self.classified, "errors": self.errors,
                "to_review": self.to_review, "resumed": self.resumed, "notes": self.notes,
                "codes": dict(self.codes.most_common()), "axes": dict(sorted(self.axes.items()))}


def classify_records(classifier: Classifier, rows: Sequence[RowInput], options: Options) -> list[dict[str, Any]]:
    """The journal records of rows (``render.record``), each with its input cells under ``input``."""
    return [{**record(result), "input": row.values}
            for row, result in zip(rows, classify_rows(classifier, rows, options), strict=True)]


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


def run_batch(
    classifier: Classifier,
    input_path: Path,
    output: Path,
    *,
    options: Options = DEFAULT_OPTIONS,
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
        for rec in _journal_records(journal):
            summary.add(rec)
        on_chunk(skip)
    else:
        journal.write_text(json.dumps(header, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = iter_rows(islice(table.rows, skip, None), mapping, None if text_cols else table.columns)
    with journal.open("a", encoding="utf-8") as handle:
        for records in _classify_chunks(classifier, rows, options, workers, model_dir):
            for rec in records:
                handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
                summary.add(rec)
            handle.flush()
            os.fsync(handle.fileno())
            on_chunk(len(records))
    _write_output(output, table.columns, _journal_records(journal), options.k)
    journal.unlink()
    return summary


def _journal_records(journal: Path) -> Iterator[dict[str, Any]]:
    with journal.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            yield json.loads(line)


def _classify_chunks(classifier: Classifier, rows: Iterator[RowInput], options: Options, workers: int,
                     model_dir: Path | None) -> Iterator[list[dict[str, Any]]]:
    """The records of each chunk of rows, in input order; with ``workers > 1``, chunks run in worker
    processes (the model loaded once per worker) with a bounded number in flight, so memory stays flat."""
    chunks = iter(lambda: list(islice(rows, CHUNK_ROWS)), [])
    if workers <= 1:
        for chunk in chunks:
            yield classify_records(classifier, chunk, options)
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
            pending.append(pool.submit(_classify_in_worker, chunk, options, model_dir))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_WORKER_MODELS: dict[str | None, Classifier] = {}
"""The model of each worker process, by folder (None: the one inherited from the parent process)."""


def _init_worker(classifier: Classifier | None, model_dir: Path | None) -> None:
    """Runs once in each worker process: the model it classifies with (inherited, or loaded), and one
    BLAS thread (the processes already share the cores)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    if classifier is not None:
        _WORKER_MODELS[None] = classifier
    else:
        _worker_model(model_dir)


def _worker_model(model_dir: Path | str | None) -> Classifier:
    """The model of a worker process: inherited, or loaded on first use and kept."""
    if None in _WORKER_MODELS:
        return _WORKER_MODELS[None]
    key = str(model_dir)
    if key not in _WORKER_MODELS:
        _WORKER_MODELS[key] = Classifier.load(model_dir)
    return _WORKER_MODELS[key]


def _classify_in_worker(chunk: list[RowInput], options: Options, model_dir: Path | None) -> list[dict[str, Any]]:
    return classify_records(_worker_model(model_dir), chunk, options)


# ---------------------------------------------------------------------------------------------
# Beyond one machine: one partition of a distributed dataset (see docs/distributed.md)
# ---------------------------------------------------------------------------------------------


def classify_partition(records: Iterable[dict[str, Any]], model_dir: str, options: Options = DEFAULT_OPTIONS,
                       text_cols: Sequence[str] | None = None, id_col: str | None = None) -> list[dict[str, Any]]:
    """Classify one partition of records (dicts of input cells) on a Dask or Spark worker.

    The model is loaded once per worker process and kept for the following partitions; results are
    the records of ``classify_records``, with the input cells under ``input``.
    """
    records = list(records)
    if not records:
        return []
    mapping = map_columns(list(records[0]), list(text_cols) if text_cols else None, id_col)
    rows = []
    for position, values in enumerate(records, start=1):
        values = {k: "" if v is None else str(v) for k, v in values.items()}
        index = int(values.get("_index", position))
        row = Row(index, values, f"ligne {index}")
        rows.append(RowInput(index, mapping.row_id(row), mapping.fields(values), None, values))
    return classify_records(_worker_model(model_dir), rows, options)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def _write_output(output: Path, input_columns: list[str], records: Iterable[dict[str, Any]], k: int) -> int:
    from cvclassify.io.writers import write_rows

    if output.suffix.lower() in (".jsonl", ".ndjson"):
        return write_rows(output, JSON_COLUMNS, (json_row(r, r.get("input") or {}) for r in records))
    columns = [c for c in input_columns if not c.startswith("cv_")] + result_columns(k)
    return write_rows(output, columns, (flat_row(r, r.get("input") or {}, k) for r in records))

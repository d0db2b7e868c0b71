"""Batch classification of files: every row of the input gets exactly one output row, in order.

    input file ─ io.readers (rows) ─ io.columns (RowInput) ─ chunks ─ service.classify_rows (1 or n processes)
    ─ render.record ─ journal (JSON Lines, flushed per chunk) ─ render rows ─ io.writers (CSV, XLSX, JSON Lines)

A row that cannot be classified (unreadable, no text, binary junk) gets status ``error`` and a French
message instead of codes. Results are appended to a journal beside the output as they come, so that
``resume=True`` continues an interrupted run with no duplicated and no missing row; the output file
appears, whole, only at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from cvclassify.errors import BatchInputError, OutputBusyError
from cvclassify.io import file_sha256
from cvclassify.io.columns import ColumnMapping, RowInput, iter_rows, map_columns
from cvclassify.io.readers import Row
from cvclassify.labels import RowStatus
from cvclassify.model.classifier import Classifier
from cvclassify.render import (
    EXTRA_COLUMNS,
    JSON_COLUMNS,
    also_columns,
    flat_row,
    input_names,
    json_row,
    record,
    result_columns,
)
from cvclassify.service.classify import Options, classify_rows

CHUNK_ROWS = 256
"""Rows classified together (and written to the journal together)."""
JOURNAL_VERSION = 3
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
    agreement: tuple[int, int] = (0, 0)
    """Rows whose first code's ANCT sous-thème agrees with the input's, and rows where the input gives one."""

    def add(self, rec: dict[str, Any]) -> None:
        """Count one row's record (``render.record``)."""
        self.rows += 1
        if rec["status"] == RowStatus.ERROR:
            self.errors += 1
            return
        self.classified += 1
        self.to_review += rec["status"] == RowStatus.TO_CHECK
        if rec.get("agreement") is not None:
            self.agreement = (self.agreement[0] + bool(rec["agreement"]), self.agreement[1] + 1)
        if rec["suggestions"]:
            self.codes[rec["suggestions"][0]["code"]] += 1
            self.axes[rec["suggestions"][0]["axis"]["code"]] += 1

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON (the one line printed in pipelines)."""
        return {"rows": self.rows, "classified": self.classified, "errors": self.errors,
                "to_review": self.to_review, "resumed": self.resumed, "notes": self.notes,
                "codes": dict(self.codes.most_common()), "axes": dict(sorted(self.axes.items())),
                "anct_agreement": list(self.agreement)}


def classify_records(classifier: Classifier, rows: Sequence[RowInput], options: Options,
                     also: Mapping[str, Classifier] | None = None,
                     national_column: str | None = None) -> list[dict[str, Any]]:
    """The journal records of rows (``render.record``), each with its input cells under ``input``; with ``also``,
    each other project's coding under ``also``; with an input column of ANCT sous-thèmes, whether the first
    code's sous-thème agrees with it."""
    records = [{**record(result), "input": row.values}
               for row, result in zip(rows, classify_rows(classifier, rows, options), strict=True)]
    for row, rec in zip(rows, records, strict=True):
        if row.notes:  # how the row was read (cells missing), before what the classifier says (text truncated)
            rec["warnings"] = [*row.notes, *(rec.get("warnings") or [])]
    for name, model in (also or {}).items():
        for rec, result in zip(records, classify_rows(model, rows, options), strict=True):
            rec.setdefault("also", {})[name] = {k: v for k, v in record(result).items()
                                                if k in ("suggestions", "selected", "decision")}
    if national_column:
        for rec in records:
            rec["agreement"] = national_agreement(rec["input"].get(national_column, ""), rec.get("national"))
    return records


NATIONAL_HEADERS = {"sousthemes", "soustheme", "sousthemesanct", "soustheme1"}
"""Input headers holding the ANCT sous-thème of each row (« Sous-thèmes » of the national export)."""


def national_column(columns: Sequence[str]) -> str | None:
    """The input column of ANCT sous-thèmes, if the file has one."""
    import unicodedata

    def key(name: str) -> str:
        text = unicodedata.normalize("NFKD", name.casefold())
        return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))

    return next((c for c in columns if key(c) in NATIONAL_HEADERS), None)


def national_agreement(cell: str, suggested: Mapping[str, str] | None) -> bool | None:
    """Whether a row's own sous-thème (a code « 1.5 », « 1.5 - Lien social… » or a label) is the first code's."""
    import re

    from cvclassify.analysis import fold
    from cvclassify.taxonomy.national import nomenclature

    if not cell.strip() or not suggested:
        return None
    codes = set(re.findall(r"\b\d\.\d[ab]?\b", cell))
    if not codes:
        wanted = fold(cell)
        codes = {t.code for t in nomenclature().values() if t.level == "sous_theme" and fold(t.label) in wanted}
    return bool(codes & set(suggested.values())) if codes else None


# ---------------------------------------------------------------------------------------------
# Running a whole file
# ---------------------------------------------------------------------------------------------


def journal_path(output: Path) -> Path:
    """Where results are kept while a run is under way (and after an interruption)."""
    return output.with_name(f".{output.name}.partial.jsonl")


def lock_path(output: Path) -> Path:
    """The lock file a run holds for the whole time it writes ``output`` and its journal."""
    return output.with_name(f".{output.name}.lock")


_HELD_LOCKS: set[int] = set()
"""Descriptors of the output locks this process holds (closed in forked workers, see ``_init_worker``)."""


@contextlib.contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``output`` (and so on its journal), or refuse at once when another run holds it.

    The lock is ``flock`` on a hidden file beside the output, so two spellings of one path share it. The kernel
    releases it when the process ends in any way (kill -9 included); the holder removes the file when the run
    ends, and a file left by a killed run is harmless: unlocked, the next run takes it. A run that opened the
    file just before the holder removed it checks, once locked, that it still holds the file on disk, and tries
    again otherwise. Without ``fcntl`` (Windows), no lock is taken.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path = lock_path(Path(output))
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise OutputBusyError(
                f"Un autre traitement est en train d'écrire « {output} » : attendez qu'il se termine ou choisissez "
                "une autre sortie (rien n'a été modifié).") from None
        except BaseException:
            os.close(descriptor)
            raise
        try:
            if os.path.samestat(os.fstat(descriptor), os.stat(path)):
                break
        except FileNotFoundError:
            pass
        os.close(descriptor)  # the holder removed this file as we opened it: lock the new one
    _HELD_LOCKS.add(descriptor)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # while still locked, so that no other run holds a removed file unknowingly
        _HELD_LOCKS.discard(descriptor)
        os.close(descriptor)  # releases the lock


def input_digest(path: Path) -> str | None:
    """What ``--resume`` checks the input against: the SHA-256 of a file's content (read a megabyte at a time);
    for a folder, of the list of its entries with their type, size and modification time in nanoseconds
    (links are not followed; reading every document twice would cost more than the check is worth)."""
    path = Path(path)
    if path.is_file():
        return file_sha256(path)
    digest = hashlib.sha256()
    if not path.is_dir():
        return None
    for folder, subfolders, files in os.walk(path):
        subfolders.sort()
        for name in sorted(files + [d for d in subfolders if os.path.islink(os.path.join(folder, d))]):
            entry = os.path.join(folder, name)
            try:
                info = os.lstat(entry)
                seen = [stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns]
            except OSError:  # gone since the listing
                seen = []
            digest.update(json.dumps([os.path.relpath(entry, path), *seen]).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _fingerprint(input_path: Path, model_version: str, options: Options, mapping: ColumnMapping) -> dict:
    return {"journal": JOURNAL_VERSION, "input": str(input_path.resolve()), "sha256": input_digest(input_path),
            "model_version": model_version, "k": options.k, "only": list(options.only),
            "exclude": list(options.exclude), "text_columns": [list(pair) for pair in mapping.text_columns],
            "id_column": mapping.id_column}


def _read_journal(path: Path, header: dict) -> int:
    """Rows already done in a journal of the same run; a torn last line is dropped."""
    if not path.exists():
        raise BatchInputError(f"Rien à reprendre : aucun traitement interrompu pour cette sortie ({path.name} absent).")
    done, good_bytes = 0, 0
    started: Any = None
    with path.open("rb") as handle:
        first = handle.readline()
        try:
            started = json.loads(first)
            if started != header:
                raise ValueError
        except ValueError as exc:
            if isinstance(started, dict) and _input_changed(started, header):
                raise BatchInputError(
                    f"Impossible de reprendre : « {Path(header['input']).name} » a changé depuis le traitement "
                    "interrompu (son contenu n'est plus le même), et reprendre mêlerait des lignes de deux versions "
                    "du fichier. Relancez sans --resume pour tout classer à nouveau."
                ) from exc
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


def _input_changed(started: dict[str, Any], header: dict[str, Any]) -> bool:
    """Whether an interrupted run's journal (``started``, its header) was on this very input before it changed."""
    return (started.get("journal") == header["journal"] and started.get("input") == header["input"]
            and started.get("sha256") != header["sha256"])


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
    also: Mapping[str, Classifier] | None = None,
) -> BatchSummary:
    """Classify every row of ``input_path`` into ``output`` (CSV, XLSX or JSON Lines by extension); ``also``
    writes other projects' codings beside (e.g. the 2024-2030 terms of an archive coded in 2015-2020).

    The output and its journal are locked for the whole run: a second run on the same output, at the same
    time, is refused at once (``OutputBusyError``) and changes nothing. The journal records the input's
    SHA-256 (``input_digest``): ``resume`` on an input whose content changed since is refused.

    CSV and XLSX outputs hold every input column any row has (JSON Lines keys in first-seen order), those
    named ``cv_*`` renamed ``entrée_cv_*`` (``render.input_names``), then the ``cv_*`` result columns;
    ``cv_remarques`` carries each row's notes (cells missing, text truncated)."""
    from cvclassify.io.writers import check_output_path

    check_output_path(output, [input_path])
    with output_lock(output):
        return _run_batch(classifier, input_path, output, options=options, text_cols=text_cols, id_col=id_col,
                          sheet=sheet, resume=resume, workers=workers, model_dir=model_dir, on_chunk=on_chunk,
                          on_start=on_start, also=also)


def _run_batch(classifier: Classifier, input_path: Path, output: Path, *, options: Options,
               text_cols: Sequence[str] | None, id_col: str | None, sheet: str | None, resume: bool, workers: int,
               model_dir: Path | None, on_chunk: Callable[[int], None], on_start: Callable[[list[str]], None],
               also: Mapping[str, Classifier] | None) -> BatchSummary:
    """``run_batch`` once the output is locked."""
    from cvclassify.io.readers import open_table

    classifier.allowed(options.only or None, options.exclude or None)  # bad patterns fail before any work
    table = open_table(input_path, sheet=sheet)
    mapping = map_columns(table.columns, list(text_cols) if text_cols else None, id_col)
    summary = BatchSummary(notes=[*table.notes, mapping.describe()])
    anct = national_column(table.columns)
    if anct:
        summary.notes.append(f"sous-thèmes ANCT du fichier lus dans « {anct} » : l'accord avec le premier code est "
                             "mesuré (colonne cv_accord_anct)")
    on_start(summary.notes)
    header = {**_fingerprint(input_path, classifier.card.version, options, mapping),
              "also": {name: model.card.version for name, model in (also or {}).items()}}
    journal = journal_path(output)
    skip = _read_journal(journal, header) if resume else 0
    # The output's input columns: every key of every row, in first-seen order (JSON Lines records and the
    # sheets of a workbook may hold columns the first header does not).
    columns = dict.fromkeys(table.columns)
    if skip:
        summary.resumed = skip
        for rec in _journal_records(journal):
            summary.add(rec)
            columns.update(dict.fromkeys(rec.get("input") or ()))
        on_chunk(skip)
    else:
        journal.write_text(json.dumps(header, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = iter_rows(islice(table.rows, skip, None), mapping, None if text_cols else table.columns)
    with journal.open("a", encoding="utf-8") as handle:
        for records in _classify_chunks((classifier, dict(also or {}), anct), rows, options, workers, model_dir):
            for rec in records:
                handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
                summary.add(rec)
                columns.update(dict.fromkeys(rec.get("input") or ()))
            handle.flush()
            os.fsync(handle.fileno())
            on_chunk(len(records))
    extras = [EXTRA_COLUMNS["national"]] + ([EXTRA_COLUMNS["transversal"]] if classifier.transversal else []) + (
        [EXTRA_COLUMNS["agreement"]] if anct else []) + [c for name in (also or {}) for c in also_columns(name)]
    _write_output(output, list(columns), _journal_records(journal), options.k, extras)
    journal.unlink()
    if summary.agreement[1]:
        agreed, rated = summary.agreement
        summary.notes.append(f"accord avec les sous-thèmes ANCT du fichier : {round(100 * agreed / rated)} % des "
                             f"{rated} lignes "
                             "où le fichier en donne un")
    return summary


def _journal_records(journal: Path) -> Iterator[dict[str, Any]]:
    with journal.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            yield json.loads(line)


Models = tuple[Classifier, dict[str, Classifier], str | None]
"""What a batch classifies with: the model, other projects' models (``also``), the input's ANCT column."""


def _classify_chunks(models: Models, rows: Iterator[RowInput], options: Options, workers: int,
                     model_dir: Path | None) -> Iterator[list[dict[str, Any]]]:
    """The records of each chunk of rows, in input order; with ``workers > 1``, chunks run in worker
    processes (the models loaded once per worker) with a bounded number in flight, so memory stays flat."""
    chunks = iter(lambda: list(islice(rows, CHUNK_ROWS)), [])
    if workers <= 1:
        for chunk in chunks:
            yield classify_records(models[0], chunk, options, models[1], models[2])
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    inherited = models if context.get_start_method() == "fork" else None
    if inherited is not None:
        for model in (models[0], *models[1].values()):
            model.warm_up()  # loaded once here, shared by the forked workers
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(inherited, model_dir, os.getpid())) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(_classify_in_worker, chunk, options, model_dir, models[2]))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_WORKER_MODELS: dict[str | None, Models] = {}
"""The models of each worker process, by folder (None: those inherited from the parent process)."""


def _init_worker(models: Models | None, model_dir: Path | None, parent: int | None = None) -> None:
    """Runs once in each worker process: it ends with its parent (``_die_with_parent``), closes its copy of
    the parent's output lock (so that the lock never outlives the parent), then takes the models it
    classifies with (inherited, or loaded) and one BLAS thread (the processes already share the cores)."""
    from threadpoolctl import threadpool_limits

    if parent is not None:
        _die_with_parent(parent)
    for descriptor in _HELD_LOCKS:
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _HELD_LOCKS.clear()
    threadpool_limits(1)
    if models is not None:
        _WORKER_MODELS[None] = models
    else:
        _worker_models(model_dir)


PR_SET_PDEATHSIG = 1
"""prctl option: the signal the kernel sends this process when its parent dies (linux/prctl.h)."""


def _die_with_parent(parent: int) -> None:
    """Make this worker end with its parent, however the parent ends (kill -9 included), on Linux.

    The kernel sends SIGTERM to the worker when the parent dies (``prctl(PR_SET_PDEATHSIG)``, asked through
    ctypes: no polling thread, no delay). If the parent died before the request was made, the worker was
    already handed to another process: it exits at once. The signal comes when the *thread* that started the
    worker ends, which is fine here: ``_classify_chunks`` starts and shuts its pool in the caller's thread.
    A no-op elsewhere (macOS, Windows) and if libc cannot be reached."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a handler inherited from the parent
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):  # pragma: no cover - no usable libc
        return
    if os.getppid() != parent:
        os._exit(1)


def _worker_models(model_dir: Path | str | None) -> Models:
    """The models of a worker process: inherited, or loaded on first use and kept."""
    if None in _WORKER_MODELS:
        return _WORKER_MODELS[None]
    key = str(model_dir)
    if key not in _WORKER_MODELS:
        _WORKER_MODELS[key] = (Classifier.load(model_dir), {}, None)
    return _WORKER_MODELS[key]


def _classify_in_worker(chunk: list[RowInput], options: Options, model_dir: Path | None,
                        anct: str | None) -> list[dict[str, Any]]:
    model, also, _ = _worker_models(model_dir)
    return classify_records(model, chunk, options, also, anct)


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
    return classify_records(_worker_models(model_dir)[0], rows, options)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def _write_output(output: Path, input_columns: list[str], records: Iterable[dict[str, Any]], k: int,
                  extras: Sequence[str] = ()) -> int:
    from cvclassify.io.writers import write_rows

    if output.suffix.lower() in (".jsonl", ".ndjson"):
        return write_rows(output, JSON_COLUMNS, (json_row(r, r.get("input") or {}) for r in records))
    names = input_names(input_columns)  # « cv_* » input columns renamed « entrée_cv_* », never dropped
    columns = list(names.values()) + result_columns(k, extras)
    return write_rows(output, columns, (flat_row(r, r.get("input") or {}, k, names) for r in records))

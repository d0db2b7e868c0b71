"""``FeedbackStore``: officers' decisions and review queues in a SQL database.

Every decision is kept: undoing a decision on the desk marks its feedback as withdrawn, it never
deletes it. ``export_rows`` gives the decisions as plain rows for the learning loop and the exports.
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, inspect, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cvclassify.errors import CvclassifyError
from cvclassify.feedback.schema import Feedback, ReviewEvent, ReviewItem, ReviewQueue
from cvclassify.labels import ItemStatus

DATABASE_ENV = "CVCLASSIFY_DATABASE_URL"
EXPORT_FIELDS = ("id", "created_at", "project", "document_id", "model_version", "suggested", "kept",
                 "added", "removed", "final_codes", "comment", "reviewer", "source", "queue_id", "item_id",
                 "withdrawn_at", "text_sha256", "text")
MIGRATIONS = Path(__file__).with_name("migrations")


class FeedbackError(CvclassifyError):
    """The store cannot do what was asked (unknown queue or item, unreachable database)."""


class StaleItemError(CvclassifyError):
    """A queue item changed since the officer opened it: the save (or undo) would silently replace someone
    else's decision. ``item`` is the item as it is now; the message, in French, says who changed it and when."""

    def __init__(self, item: QueueItemRecord) -> None:
        self.item = item
        who = item.updated_by or "un autre instructeur"
        when = _local_time(item.updated_at)
        if item.status == ItemStatus.DONE:
            codes = ", ".join(item.final_codes or []) or "aucun code"
            now = f"elle est maintenant revue (codes retenus : {codes})"
        else:
            now = "sa décision a été annulée : elle est de nouveau à revoir"
        super().__init__(f"Cette demande a été modifiée par {who}{f' à {when}' if when else ''} depuis que vous "
                         f"l'avez ouverte : {now}. Rechargez-la pour voir cette version, ou écrasez-la avec "
                         "votre décision.")


def _local_time(stamp: str | None) -> str:
    """« 14:32 », French time of an ISO timestamp (the officers' clock), or an empty string."""
    if not stamp:
        return ""
    from zoneinfo import ZoneInfo

    try:
        return datetime.fromisoformat(stamp).astimezone(ZoneInfo("Europe/Paris")).strftime("%H:%M")
    except (ValueError, KeyError):
        return ""


def default_database_url(home: Path | None = None) -> str:
    """``$CVCLASSIFY_DATABASE_URL``, else a SQLite file in the data home (or in the user's data folder
    when the home is read-only, as for an installed package)."""
    if os.environ.get(DATABASE_ENV):
        return os.environ[DATABASE_ENV]
    from cvclassify.projects import data_home

    root = Path(home or data_home())
    folder = root / "feedback"
    if not os.access(root, os.W_OK):
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        folder = base / "cvclassify"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'feedback.sqlite3'}"


def _engine_url(url: str) -> str:
    """PostgreSQL URLs go through psycopg 3 (the driver cvclassify installs)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass
class FeedbackRecord:
    """One stored decision, as the API and exports show it."""

    id: int
    created_at: str
    project: str
    document_id: str | None
    model_version: str | None
    suggested: list[str]
    kept: list[str]
    added: list[str]
    removed: list[str]
    final_codes: list[str]
    comment: str | None
    reviewer: str | None
    source: str
    queue_id: str | None
    item_id: int | None
    withdrawn_at: str | None
    text_sha256: str | None
    text: str | None

    @classmethod
    def of(cls, row: Feedback) -> FeedbackRecord:
        """A record from a table row."""
        return cls(**{name: _plain(getattr(row, name)) for name in EXPORT_FIELDS})


@dataclass
class QueueItemRecord:
    """One application of a review queue, as stored."""
    item_id: int
    position: int
    row_id: str
    values: dict[str, Any]
    fields: dict[str, Any]
    result: dict[str, Any]
    status: str
    error: str | None
    final_codes: list[str] | None
    comment: str | None
    feedback_id: int | None
    uncertainty: float
    version: int = 1
    updated_at: str | None = None
    updated_by: str | None = None

    @classmethod
    def of(cls, row: ReviewItem) -> QueueItemRecord:
        """A record from a table row."""
        return cls(item_id=row.id, position=row.position, row_id=row.row_id, values=row.values,
                   fields=row.fields, result=row.result, status=row.status, error=row.error,
                   final_codes=row.final_codes, comment=row.comment, feedback_id=row.feedback_id,
                   uncertainty=row.uncertainty, version=row.version or 1, updated_at=_plain(row.updated_at),
                   updated_by=row.updated_by)


@dataclass
class ReviewEventRecord:
    """One change of a queue item: who, when, what (a decision or its undo), in the order they happened."""
    id: int
    at: str
    officer: str | None
    action: str
    status: str
    final_codes: list[str] | None
    comment: str | None
    feedback_id: int | None
    version: int
    overwrote: int | None

    @classmethod
    def of(cls, row: ReviewEvent) -> ReviewEventRecord:
        """A record from a table row."""
        return cls(id=row.id, at=_plain(row.at), officer=row.officer, action=row.action, status=row.status,
                   final_codes=row.final_codes, comment=row.comment, feedback_id=row.feedback_id,
                   version=row.version, overwrote=row.overwrote)


@dataclass
class QueueRecord:
    """A review queue and its applications."""
    queue_id: str
    project: str
    name: str
    model_version: str | None
    columns: list[str]
    notes: list[str]
    created_at: str
    items: list[QueueItemRecord]

    @property
    def reviewed(self) -> int:
        """Applications reviewed so far."""
        return sum(item.status == ItemStatus.DONE for item in self.items)


@dataclass
class QueueSummary:
    """A review queue as listed: its file, date, progress and the officers who worked on it."""
    queue_id: str
    name: str
    created_at: str
    model_version: str | None
    total: int
    reviewed: int
    errors: int
    resume_item: int | None
    resume_position: int | None
    reviewers: list[str]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="seconds")
    return value


class FeedbackStore:
    """The database of decisions and queues. Thread-safe; one per process."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_database_url()
        self.engine: Engine = create_engine(_engine_url(self.url), pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._upgrade_lock = threading.Lock()

    @property
    def safe_url(self) -> str:
        """The URL without its password, for logs and health."""
        return self.engine.url.render_as_string(hide_password=True)

    # -- schema ------------------------------------------------------------------------------
    def upgrade(self) -> str:
        """Create or upgrade the schema to the latest migration; returns the revision."""
        from alembic import command
        from alembic.config import Config

        with self._upgrade_lock, self.engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return self.revision()

    def revision(self) -> str | None:
        """The schema's current migration (None: empty database)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- feedback ----------------------------------------------------------------------------
    def add_feedback(self, project: str, *, suggested: Sequence[str], kept: Sequence[str],
                     added: Sequence[str] = (), removed: Sequence[str] = (), text: str | None = None,
                     document_id: str | None = None, model_version: str | None = None,
                     comment: str | None = None, reviewer: str | None = None, source: str = "api",
                     queue_id: str | None = None, item_id: int | None = None,
                     check_codes: Callable[[Sequence[str]], list[str]] | None = None,
                     version: int | None = None, overwrite: bool = False) -> FeedbackRecord:
        """Store one decision; when it is about a queue item, the item becomes reviewed.

        ``check_codes`` normalises each list of codes (or raises); it runs inside the transaction, with the
        check that the queue belongs to the project, so that nothing is written when either fails. ``version``
        is the item's version the officer opened: when the item changed since, nothing is written and
        ``StaleItemError`` says by whom, unless ``overwrite`` (the officer chose to replace that change).
        """
        try:
            return self._add_feedback(project, suggested, kept, added, removed, text, document_id, model_version,
                                      comment, reviewer, source, queue_id, item_id, check_codes, version, overwrite)
        except _Stale:
            raise StaleItemError(self._item_record(queue_id, item_id)) from None

    def _add_feedback(self, project, suggested, kept, added, removed, text, document_id, model_version, comment,
                      reviewer, source, queue_id, item_id, check_codes, version, overwrite) -> FeedbackRecord:
        with self._sessions.begin() as session:
            if check_codes is not None:
                suggested, kept, added, removed = (check_codes(c) for c in (suggested, kept, added, removed))
            final = list(dict.fromkeys([*kept, *added]))
            item = None
            if queue_id is not None or item_id is not None:
                item = self._item(session, queue_id, item_id)
                if session.get(ReviewQueue, queue_id).project != project:
                    raise FeedbackError(f"File de revue inconnue : {queue_id}.")
                if text is None:
                    text = _item_text(item)
                document_id = document_id or item.row_id
            row = Feedback(
                project=project, document_id=document_id, text=text,
                text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None,
                model_version=model_version, suggested=list(suggested), kept=list(kept), added=list(added),
                removed=list(removed), final_codes=final, comment=comment or None, reviewer=reviewer or None,
                source=source, queue_id=queue_id, item_id=item_id,
            )
            session.add(row)
            session.flush()
            if item is not None:
                if item.feedback_id is not None:  # a new decision replaces the previous one
                    self._withdraw(session, item.feedback_id)
                self._change(session, item, version, overwrite, action="decision", officer=reviewer,
                             status=ItemStatus.DONE, final_codes=final, comment=comment or None, feedback_id=row.id)
            return FeedbackRecord.of(row)

    def feedback(self, project: str | None = None, include_withdrawn: bool = True) -> list[FeedbackRecord]:
        """Stored decisions, oldest first."""
        return list(self.iter_feedback(project, include_withdrawn))

    def iter_feedback(self, project: str | None = None, include_withdrawn: bool = True
                      ) -> Iterator[FeedbackRecord]:
        """Stored decisions, oldest first, streamed."""
        query = select(Feedback).order_by(Feedback.id)
        if project is not None:
            query = query.where(Feedback.project == project)
        if not include_withdrawn:
            query = query.where(Feedback.withdrawn_at.is_(None))
        with self._sessions() as session:
            for row in session.scalars(query.execution_options(yield_per=500)):
                yield FeedbackRecord.of(row)

    def export_rows(self, project: str) -> Iterator[dict[str, Any]]:
        """The project's decisions (withdrawn ones included) as plain rows, ``EXPORT_FIELDS`` order; the
        service writes them with ``cvclassify.io.writers``."""
        for record in self.iter_feedback(project):
            yield {name: getattr(record, name) for name in EXPORT_FIELDS}

    # -- review queues -----------------------------------------------------------------------
    def create_queue(self, project: str, name: str, columns: Sequence[str], notes: Sequence[str],
                     model_version: str | None, items: Iterable[dict[str, Any]]) -> str:
        """Store a queue. Each item: position, row_id, values, fields, result, uncertainty, error."""
        queue_id = str(uuid.uuid4())
        items = list(items)
        order = sorted(range(len(items)), key=lambda i: (items[i]["error"] is not None,
                                                         -items[i]["uncertainty"], items[i]["position"]))
        rank = {index: r for r, index in enumerate(order)}
        with self._sessions.begin() as session:
            session.add(ReviewQueue(id=queue_id, project=project, name=name, columns=list(columns),
                                    notes=list(notes), model_version=model_version))
            session.flush()
            for i, item in enumerate(items):
                session.add(ReviewItem(
                    queue_id=queue_id, position=item["position"], review_rank=rank[i], row_id=item["row_id"],
                    values=item["values"], fields=item["fields"], result=item["result"],
                    uncertainty=item["uncertainty"], error=item["error"],
                    status=ItemStatus.ERROR if item["error"] else ItemStatus.OPEN,
                ))
        return queue_id

    def queue(self, project: str, queue_id: str, order: str = "review") -> QueueRecord:
        """A queue with its items, in review order (most uncertain first) or input order."""
        with self._sessions() as session:
            queue = session.get(ReviewQueue, queue_id)
            if queue is None or queue.project != project:
                raise FeedbackError(f"File de revue inconnue : {queue_id}.")
            key = ReviewItem.review_rank if order == "review" else ReviewItem.position
            rows = session.scalars(select(ReviewItem).where(ReviewItem.queue_id == queue_id).order_by(key))
            return QueueRecord(queue_id=queue.id, project=queue.project, name=queue.name,
                               model_version=queue.model_version, columns=queue.columns, notes=queue.notes,
                               created_at=_plain(queue.created_at), items=[QueueItemRecord.of(r) for r in rows])

    def queues(self, project: str) -> list[QueueSummary]:
        """The project's queues, newest first, each with its counts by status, the first application to
        review (in review order) and the officers named in its decisions (first to last)."""
        with self._sessions() as session:
            queues = list(session.scalars(select(ReviewQueue).where(ReviewQueue.project == project)
                                          .order_by(ReviewQueue.created_at.desc(), ReviewQueue.id)))
            ids = [queue.id for queue in queues]
            if not ids:
                return []
            counts: dict[str, dict[str, int]] = {}
            for queue_id, status, count in session.execute(
                    select(ReviewItem.queue_id, ReviewItem.status, func.count(ReviewItem.id))
                    .where(ReviewItem.queue_id.in_(ids)).group_by(ReviewItem.queue_id, ReviewItem.status)):
                counts.setdefault(queue_id, {})[status] = count
            reviewers: dict[str, list[str]] = {}
            for queue_id, reviewer, _first in session.execute(
                    select(Feedback.queue_id, Feedback.reviewer, func.min(Feedback.id).label("first"))
                    .where(Feedback.queue_id.in_(ids), Feedback.reviewer.is_not(None))
                    .group_by(Feedback.queue_id, Feedback.reviewer).order_by("first")):
                reviewers.setdefault(queue_id, []).append(reviewer)
            out = []
            for queue in queues:
                resume = session.execute(
                    select(ReviewItem.id, ReviewItem.position)
                    .where(ReviewItem.queue_id == queue.id, ReviewItem.status == ItemStatus.OPEN)
                    .order_by(ReviewItem.review_rank).limit(1)).first()
                by_status = counts.get(queue.id, {})
                out.append(QueueSummary(
                    queue_id=queue.id, name=queue.name, created_at=_plain(queue.created_at),
                    model_version=queue.model_version, total=sum(by_status.values()),
                    reviewed=by_status.get(ItemStatus.DONE, 0), errors=by_status.get(ItemStatus.ERROR, 0),
                    resume_item=resume[0] if resume else None, resume_position=resume[1] if resume else None,
                    reviewers=reviewers.get(queue.id, [])))
            return out

    def reopen(self, project: str, queue_id: str, item_id: int, officer: str | None = None,
               version: int | None = None) -> QueueItemRecord:
        """Undo the decision on an item: it is to review again; its feedback is marked withdrawn. With
        ``version``, an item changed since that version is left as it is (``StaleItemError``)."""
        try:
            with self._sessions.begin() as session:
                item = self._item(session, queue_id, item_id)
                if session.get(ReviewQueue, queue_id).project != project:
                    raise FeedbackError(f"File de revue inconnue : {queue_id}.")
                if item.feedback_id is not None:
                    self._withdraw(session, item.feedback_id)
                status = ItemStatus.OPEN if item.status == ItemStatus.DONE else item.status
                self._change(session, item, version, False, action="reopen", officer=officer, status=status,
                             final_codes=None, comment=None, feedback_id=None)
        except _Stale:
            raise StaleItemError(self._item_record(queue_id, item_id)) from None
        return self._item_record(queue_id, item_id)

    def history(self, project: str, queue_id: str, item_id: int) -> list[ReviewEventRecord]:
        """Every change of a queue item (decisions and undos), oldest first."""
        with self._sessions() as session:
            self._item(session, queue_id, item_id)
            if session.get(ReviewQueue, queue_id).project != project:
                raise FeedbackError(f"File de revue inconnue : {queue_id}.")
            rows = session.scalars(select(ReviewEvent).where(ReviewEvent.item_id == item_id)
                                   .order_by(ReviewEvent.id))
            return [ReviewEventRecord.of(r) for r in rows]

    def _item_record(self, queue_id: str | None, item_id: int | None) -> QueueItemRecord:
        with self._sessions() as session:
            return QueueItemRecord.of(self._item(session, queue_id, item_id))

    @staticmethod
    def _change(session: Session, item: ReviewItem, version: int | None, overwrite: bool, *, action: str,
                officer: str | None, status: str, final_codes: list[str] | None, comment: str | None,
                feedback_id: int | None) -> None:
        """Change an item and append the change to its history, in one conditional UPDATE: when ``version``
        is given (and not ``overwrite``) and the item is no longer at that version, ``_Stale`` is raised and
        the transaction rolled back, even when two saves race."""
        query = update(ReviewItem).where(ReviewItem.id == item.id)
        if version is not None and not overwrite:
            query = query.where(ReviewItem.version == version)
        now = datetime.now(UTC)
        done = session.execute(query.values(
            status=status, final_codes=final_codes, comment=comment, feedback_id=feedback_id, updated_at=now,
            updated_by=officer or None, version=ReviewItem.version + 1,
        ).execution_options(synchronize_session=False))
        if done.rowcount != 1:
            raise _Stale()
        session.refresh(item)
        replaced = version if overwrite and version is not None and item.version - 1 != version else None
        session.add(ReviewEvent(queue_id=item.queue_id, item_id=item.id, at=now, officer=officer or None,
                                action=action, status=status, final_codes=final_codes, comment=comment,
                                feedback_id=feedback_id, version=item.version, overwrote=replaced))

    @staticmethod
    def _item(session: Session, queue_id: str | None, item_id: int | None) -> ReviewItem:
        item = session.get(ReviewItem, item_id) if item_id is not None else None
        if item is None or item.queue_id != queue_id:
            raise FeedbackError(f"Élément {item_id} inconnu dans la file de revue {queue_id}.")
        return item

    @staticmethod
    def _withdraw(session: Session, feedback_id: int) -> None:
        previous = session.get(Feedback, feedback_id)
        if previous is not None and previous.withdrawn_at is None:
            previous.withdrawn_at = datetime.now(UTC)


class _Stale(Exception):
    """Inside a transaction: the item is no longer at the version the officer opened."""


def _item_text(item: ReviewItem) -> str | None:
    return "\n".join(str(v) for v in item.fields.values() if v) or None


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()

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

from sqlalchemy import create_engine, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cvclassify.errors import CvclassifyError
from cvclassify.feedback.schema import Feedback, ReviewItem, ReviewQueue
from cvclassify.labels import ItemStatus

DATABASE_ENV = "CVCLASSIFY_DATABASE_URL"
EXPORT_FIELDS = ("id", "created_at", "project", "document_id", "model_version", "suggested", "kept",
                 "added", "removed", "final_codes", "comment", "reviewer", "source", "queue_id", "item_id",
                 "withdrawn_at", "text_sha256", "text")
MIGRATIONS = Path(__file__).with_name("migrations")


class FeedbackError(CvclassifyError):
    """The store cannot do what was asked (unknown queue or item, unreachable database)."""


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

    @classmethod
    def of(cls, row: ReviewItem) -> QueueItemRecord:
        """A record from a table row."""
        return cls(item_id=row.id, position=row.position, row_id=row.row_id, values=row.values,
                   fields=row.fields, result=row.result, status=row.status, error=row.error,
                   final_codes=row.final_codes, comment=row.comment, feedback_id=row.feedback_id,
                   uncertainty=row.uncertainty)


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
                     check_codes: Callable[[Sequence[str]], list[str]] | None = None) -> FeedbackRecord:
        """Store one decision; when it is about a queue item, the item becomes reviewed.

        ``check_codes`` normalises each list of codes (or raises); it runs inside the transaction, with the
        check that the queue belongs to the project, so that nothing is written when either fails.
        """
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
                item.status, item.final_codes, item.comment = ItemStatus.DONE, final, comment or None
                item.feedback_id, item.updated_at = row.id, datetime.now(UTC)
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

    def reopen(self, project: str, queue_id: str, item_id: int) -> QueueItemRecord:
        """Undo the decision on an item: it is to review again; its feedback is marked withdrawn."""
        with self._sessions.begin() as session:
            item = self._item(session, queue_id, item_id)
            if session.get(ReviewQueue, queue_id).project != project:
                raise FeedbackError(f"File de revue inconnue : {queue_id}.")
            if item.feedback_id is not None:
                self._withdraw(session, item.feedback_id)
            if item.status == ItemStatus.DONE:
                item.status = ItemStatus.OPEN
            item.final_codes, item.comment, item.feedback_id = None, None, None
            item.updated_at = datetime.now(UTC)
            session.flush()
            return QueueItemRecord.of(item)

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


def _item_text(item: ReviewItem) -> str | None:
    return "\n".join(str(v) for v in item.fields.values() if v) or None


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()

"""Tables of the feedback store (SQLAlchemy 2 declarative). Changes go through a new migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""
    pass


class Feedback(Base):
    """One officer's decision on the suggestions for one application."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project: Mapped[str] = mapped_column(String(200), index=True)
    document_id: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str | None] = mapped_column(Text)
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    model_version: Mapped[str | None] = mapped_column(String(100))
    suggested: Mapped[list[str]] = mapped_column(JSON, default=list)
    kept: Mapped[list[str]] = mapped_column(JSON, default=list)
    added: Mapped[list[str]] = mapped_column(JSON, default=list)
    removed: Mapped[list[str]] = mapped_column(JSON, default=list)
    final_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="api")
    queue_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("review_queue.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("review_item.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReviewQueue(Base):
    """An uploaded call for projects, reviewed application by application on the desk."""

    __tablename__ = "review_queue"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    project: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(500))
    model_version: Mapped[str | None] = mapped_column(String(100))
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewItem(Base):
    """One application of a queue: its input row, its suggestions and the officer's decision."""

    __tablename__ = "review_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    queue_id: Mapped[str] = mapped_column(String(36), ForeignKey("review_queue.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    review_rank: Mapped[int] = mapped_column(Integer)
    row_id: Mapped[str] = mapped_column(String(500))
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    uncertainty: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    final_codes: Mapped[list[str] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    feedback_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """Bumped by every decision and undo: a save made from an older version is a conflict."""
    updated_by: Mapped[str | None] = mapped_column(String(200))


class ReviewEvent(Base):
    """One change of a queue item (a decision or its undo), appended and never modified: the item's history."""

    __tablename__ = "review_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    queue_id: Mapped[str] = mapped_column(String(36), ForeignKey("review_queue.id"), index=True)
    item_id: Mapped[int] = mapped_column(Integer, ForeignKey("review_item.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    officer: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    final_codes: Mapped[list[str] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    feedback_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    overwrote: Mapped[int | None] = mapped_column(Integer)
    """The version this change replaced although it was not the one the officer had opened (an overwrite)."""

"""Feedback, review queues and their items.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "review_queue",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project", sa.String(200), nullable=False, index=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("model_version", sa.String(100)),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "review_item",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("queue_id", sa.String(36), sa.ForeignKey("review_queue.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("review_rank", sa.Integer, nullable=False),
        sa.Column("row_id", sa.String(500), nullable=False),
        sa.Column("values", sa.JSON, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("uncertainty", sa.Float, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("final_codes", sa.JSON),
        sa.Column("comment", sa.Text),
        sa.Column("feedback_id", sa.Integer),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project", sa.String(200), nullable=False, index=True),
        sa.Column("document_id", sa.String(500)),
        sa.Column("text", sa.Text),
        sa.Column("text_sha256", sa.String(64)),
        sa.Column("model_version", sa.String(100)),
        sa.Column("suggested", sa.JSON, nullable=False),
        sa.Column("kept", sa.JSON, nullable=False),
        sa.Column("added", sa.JSON, nullable=False),
        sa.Column("removed", sa.JSON, nullable=False),
        sa.Column("final_codes", sa.JSON, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("reviewer", sa.String(200)),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("queue_id", sa.String(36), sa.ForeignKey("review_queue.id"), index=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("review_item.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("review_item")
    op.drop_table("review_queue")

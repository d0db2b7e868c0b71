"""Queue items carry a version and who changed them last; every decision and undo is kept in review_event.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("review_item") as batch:
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("updated_by", sa.String(200)))
    op.create_table(
        "review_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("queue_id", sa.String(36), sa.ForeignKey("review_queue.id"), nullable=False, index=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("review_item.id"), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("officer", sa.String(200)),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("final_codes", sa.JSON),
        sa.Column("comment", sa.Text),
        sa.Column("feedback_id", sa.Integer),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("overwrote", sa.Integer),
    )


def downgrade() -> None:
    op.drop_table("review_event")
    with op.batch_alter_table("review_item") as batch:
        batch.drop_column("updated_by")
        batch.drop_column("version")

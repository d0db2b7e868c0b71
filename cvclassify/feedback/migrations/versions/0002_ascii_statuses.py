"""Queue item statuses as ASCII states (« à revoir » → open, « revu » → done, « erreur » → error).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

RENAMES = {"à revoir": "open", "revu": "done", "erreur": "error"}


def upgrade() -> None:
    item = sa.table("review_item", sa.column("status", sa.String(20)))
    for old, new in RENAMES.items():
        op.execute(item.update().where(item.c.status == old).values(status=new))


def downgrade() -> None:
    item = sa.table("review_item", sa.column("status", sa.String(20)))
    for old, new in RENAMES.items():
        op.execute(item.update().where(item.c.status == new).values(status=old))

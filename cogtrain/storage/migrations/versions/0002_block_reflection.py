"""Block reflection: strategies that helped and where at work it could help.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cogtrain.storage.types import JSONType

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("block") as batch:
        batch.add_column(sa.Column("strategies", JSONType, nullable=True))
        batch.add_column(sa.Column("transfer_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("block") as batch:
        batch.drop_column("transfer_note")
        batch.drop_column("strategies")

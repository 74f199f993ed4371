"""Session check-in: how rested and how stressed (1-3, or skipped).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("training_session") as batch:
        batch.add_column(sa.Column("checkin_rested", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("checkin_stressed", sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("training_session") as batch:
        batch.drop_column("checkin_stressed")
        batch.drop_column("checkin_rested")

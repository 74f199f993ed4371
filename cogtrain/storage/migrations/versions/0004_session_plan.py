"""Training plans in sessions: the participant's plan, the session's composed blocks,
which planned block each block trains, the instruction time before it (training time),
break time, and interruptions (for resume).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cogtrain.storage.types import JSONType

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(
            sa.Column("plan_profile", sa.String(64), nullable=False, server_default="jmo-standard")
        )
        batch.add_column(sa.Column("plan_overrides", JSONType, nullable=True))
    with op.batch_alter_table("training_session") as batch:
        batch.add_column(sa.Column("plan", JSONType, nullable=True))
        batch.add_column(sa.Column("break_ms", sa.Double(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("n_interruptions", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("block") as batch:
        batch.add_column(sa.Column("plan_index", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("instruction_ms", sa.Double(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("block") as batch:
        batch.drop_column("instruction_ms")
        batch.drop_column("plan_index")
    with op.batch_alter_table("training_session") as batch:
        batch.drop_column("n_interruptions")
        batch.drop_column("break_ms")
        batch.drop_column("plan")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("plan_overrides")
        batch.drop_column("plan_profile")

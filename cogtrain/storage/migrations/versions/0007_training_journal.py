"""The training journal: operations a PC keeps until the shared server has them.

``journal_op`` is filled only in a training PC's local journal database; ``applied_op``
only on the server, which marks each operation it applied in the same transaction as
the change, so an operation sent twice (after a lost reply) is applied once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cogtrain.storage.types import JSONType, UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_op",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("op_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("args", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("failed", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_journal_op"),
        sa.UniqueConstraint("op_id", name="uq_journal_op_op_id"),
    )
    op.create_index("ix_journal_op_sent_at", "journal_op", ["sent_at"])
    op.create_table(
        "applied_op",
        sa.Column("op_id", sa.Uuid(), nullable=False),
        sa.Column("device", sa.String(128), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("op_id", name="pk_applied_op"),
    )


def downgrade() -> None:
    op.drop_table("applied_op")
    op.drop_index("ix_journal_op_sent_at", table_name="journal_op")
    op.drop_table("journal_op")

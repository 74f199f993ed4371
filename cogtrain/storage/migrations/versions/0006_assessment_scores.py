"""Assessment scores per participant and timepoint (baseline, post, follow-up).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cogtrain.storage.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_score",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("timepoint", sa.String(16), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("battery_id", sa.String(64), nullable=False),
        sa.Column("instrument_id", sa.String(64), nullable=False),
        sa.Column("measure_id", sa.String(64), nullable=False),
        sa.Column("raw_value", sa.Double(), nullable=True),
        sa.Column("standard_value", sa.Double(), nullable=True),
        sa.Column("standard_kind", sa.String(8), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.Uuid(), nullable=True),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name="fk_assessment_score_participant_id_participant",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["staff_user.id"], name="fk_assessment_score_entered_by_staff_user"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_assessment_score"),
    )
    op.create_index("ix_assessment_score_participant_id", "assessment_score", ["participant_id"])


def downgrade() -> None:
    op.drop_index("ix_assessment_score_participant_id", table_name="assessment_score")
    op.drop_table("assessment_score")

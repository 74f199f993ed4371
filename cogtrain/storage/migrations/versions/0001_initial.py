"""Initial schema: participant, training session, block, trial, level state.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cogtrain.storage.types import JSONType, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "participant",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_participant"),
        sa.UniqueConstraint("code", name="uq_participant_code"),
    )
    op.create_table(
        "training_session",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("end_reason", sa.String(32), nullable=True),
        sa.Column("device", sa.String(128), nullable=False),
        sa.Column("app_version", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name="fk_training_session_participant_id_participant",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_training_session"),
    )
    op.create_index("ix_training_session_participant_id", "training_session", ["participant_id"])
    op.create_table(
        "block",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("is_practice", sa.Boolean(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_value", sa.Double(), nullable=False),
        sa.Column("start_level", sa.Integer(), nullable=False),
        sa.Column("end_value", sa.Double(), nullable=True),
        sa.Column("end_level", sa.Integer(), nullable=True),
        sa.Column("paused_ms", sa.Double(), nullable=False),
        sa.Column("active_ms", sa.Double(), nullable=True),
        sa.Column("n_trials", sa.Integer(), nullable=True),
        sa.Column("n_correct", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["training_session.id"], name="fk_block_session_id_training_session"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_block"),
    )
    op.create_index("ix_block_session_id", "block", ["session_id"])
    op.create_table(
        "trial",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("block_id", sa.Uuid(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("spec", JSONType, nullable=False),
        sa.Column("response", JSONType, nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("error_kind", sa.String(32), nullable=True),
        sa.Column("rt_ms", sa.Double(), nullable=True),
        sa.Column("onset_at", UTCDateTime(), nullable=False),
        sa.Column("response_at", UTCDateTime(), nullable=False),
        sa.Column("staircase_before", sa.Double(), nullable=False),
        sa.Column("staircase_after", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(["block_id"], ["block.id"], name="fk_trial_block_id_block"),
        sa.PrimaryKeyConstraint("id", name="pk_trial"),
        sa.UniqueConstraint("block_id", "idx", name="uq_trial_block_id_idx"),
    )
    op.create_table(
        "level_state",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("min_level", sa.Integer(), nullable=False),
        sa.Column("max_level", sa.Integer(), nullable=False),
        sa.Column("step_up", sa.Double(), nullable=False),
        sa.Column("step_down", sa.Double(), nullable=False),
        sa.Column("n_trials", sa.Integer(), nullable=False),
        sa.Column("n_reversals", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"], name="fk_level_state_participant_id_participant"
        ),
        sa.PrimaryKeyConstraint("participant_id", "exercise_id", name="pk_level_state"),
    )


def downgrade() -> None:
    op.drop_table("level_state")
    op.drop_table("trial")
    op.drop_index("ix_block_session_id", table_name="block")
    op.drop_table("block")
    op.drop_index("ix_training_session_participant_id", table_name="training_session")
    op.drop_table("training_session")
    op.drop_table("participant")

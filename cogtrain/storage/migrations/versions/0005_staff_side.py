"""The staff side: staff accounts, the participant's consultant / start date / PIN,
personal goals with their ratings, notes, and the audit log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cogtrain.storage.types import JSONType, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_login_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_staff_user"),
        sa.UniqueConstraint("username", name="uq_staff_user_username"),
    )
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("consultant_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("pin_hash", sa.String(255), nullable=True))
        batch.add_column(
            sa.Column("pin_failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("pin_locked_until", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("deactivated_at", UTCDateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_participant_consultant_id_staff_user", "staff_user", ["consultant_id"], ["id"]
        )
        batch.create_index("ix_participant_consultant_id", ["consultant_id"])
    op.create_table(
        "goal",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("workplace_situation", sa.Text(), nullable=True),
        sa.Column("domains", JSONType, nullable=False),
        sa.Column("exercise_ids", JSONType, nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"], name="fk_goal_participant_id_participant"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff_user.id"], name="fk_goal_created_by_staff_user"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_goal"),
    )
    op.create_index("ix_goal_participant_id", "goal", ["participant_id"])
    op.create_table(
        "goal_rating",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("goal_id", sa.Uuid(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name="fk_goal_rating_goal_id_goal"),
        sa.ForeignKeyConstraint(
            ["rated_by"], ["staff_user.id"], name="fk_goal_rating_rated_by_staff_user"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_goal_rating"),
    )
    op.create_index("ix_goal_rating_goal_id", "goal_rating", ["goal_id"])
    op.create_table(
        "note",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("goal_id", sa.Uuid(), nullable=True),
        sa.Column("exercise_id", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"], name="fk_note_participant_id_participant"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff_user.id"], name="fk_note_author_id_staff_user"
        ),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name="fk_note_goal_id_goal"),
        sa.PrimaryKeyConstraint("id", name="pk_note"),
    )
    op.create_index("ix_note_participant_id", "note", ["participant_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(80), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=True),
        sa.Column("detail", JSONType, nullable=True),
        sa.Column("device", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff_user.id"], name="fk_audit_event_actor_id_staff_user"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name="fk_audit_event_participant_id_participant",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_participant_id", "audit_event", ["participant_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_participant_id", table_name="audit_event")
    op.drop_index("ix_audit_event_at", table_name="audit_event")
    op.drop_table("audit_event")
    op.drop_index("ix_note_participant_id", table_name="note")
    op.drop_table("note")
    op.drop_index("ix_goal_rating_goal_id", table_name="goal_rating")
    op.drop_table("goal_rating")
    op.drop_index("ix_goal_participant_id", table_name="goal")
    op.drop_table("goal")
    with op.batch_alter_table("participant") as batch:
        batch.drop_index("ix_participant_consultant_id")
        batch.drop_constraint("fk_participant_consultant_id_staff_user", type_="foreignkey")
        batch.drop_column("deactivated_at")
        batch.drop_column("pin_locked_until")
        batch.drop_column("pin_failed_attempts")
        batch.drop_column("pin_hash")
        batch.drop_column("start_date")
        batch.drop_column("consultant_id")
    op.drop_table("staff_user")

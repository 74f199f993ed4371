"""trial.shown_ms: when each stimulus mark of a trial was first on screen.

The reaction exercise's parcel and the go/stop exercise's stop sign appear some time
after a trial's onset; the screen shows them at the first refresh at or after the
planned time, up to one refresh later. The runner stamps that flip and the trial keeps
it here, as JSON ``{"target": 512.4}`` (ms after onset). Its own column rather than a
key in ``response`` because every value is different: inside the response it would make
each response text unique, and the export, which converts each distinct response text
once, would convert every one of these trials (bench/export.py). NULL for exercises
without marks and for trials logged before this revision.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cogtrain.storage.types import JSONType

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both backends: no copy of the trial table (millions of rows).
    op.add_column("trial", sa.Column("shown_ms", JSONType, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trial") as batch:
        batch.drop_column("shown_ms")

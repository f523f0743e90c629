"""rounds mail reminders on chosen days before closing

Revision ID: a6c8e0b2d4f6
Revises: f1b3d5a7c9e2
Create Date: 2026-12-02 16:00:00

`flask daily` (run from cron) mails every invitee of an open round a reminder on the days
before closing the leader chose ("7,2"), and remembers which went out, so running it twice
sends nothing twice.
"""

import sqlalchemy as sa
from alembic import op

revision = "a6c8e0b2d4f6"
down_revision = "f1b3d5a7c9e2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_days", sa.String(length=40), server_default="", nullable=False))
        batch_op.add_column(sa.Column("reminders_sent", sa.String(length=40), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("reminders_sent")
        batch_op.drop_column("reminder_days")

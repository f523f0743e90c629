"""rounds say when results are discussed, and carry the leader's opening paragraph for mails

Revision ID: b8d0f2a4c6e8
Revises: a6c8e0b2d4f6
Create Date: 2026-12-02 16:30:00

The questionnaire's intro tells respondents when and how the results will be discussed; a
leader's own opening paragraph starts the round's invitations and reminders.
"""

import sqlalchemy as sa
from alembic import op

revision = "b8d0f2a4c6e8"
down_revision = "a6c8e0b2d4f6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discussion", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("mail_opening", sa.String(length=1000), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("mail_opening")
        batch_op.drop_column("discussion")

"""rounds know how many people they ask to take part

Revision ID: c5e7a9b1d3f5
Revises: b8d0f2a4c6e8
Create Date: 2026-12-03 14:30:00

The denominator of a round's response rate, which the programme view compares across
partnerships; empty means the number of personal invitations.
"""

import sqlalchemy as sa
from alembic import op

revision = "c5e7a9b1d3f5"
down_revision = "b8d0f2a4c6e8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("audience")

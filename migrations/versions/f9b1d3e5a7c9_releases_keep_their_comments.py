"""releases keep the comments they show

Revision ID: f9b1d3e5a7c9
Revises: e8a0c2d4f6b8
Create Date: 2026-12-04 02:30:00

A release fixes the first comments per dimension and their counts, like its figures, so a
dashboard no longer sorts a big round's comments at every view. Releases made before keep
NULL and are read from the comments (dashboard/results.stored_comments).
"""

import sqlalchemy as sa
from alembic import op

revision = "f9b1d3e5a7c9"
down_revision = "e8a0c2d4f6b8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comments", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.drop_column("comments")

"""releases remember being seen by leaders

Revision ID: d9a2b4c6e8f1
Revises: c3f8a1e5d7b2
Create Date: 2026-11-30 00:20:00

Releases made before this revision count as seen (the safe assumption).
"""
from alembic import op
import sqlalchemy as sa


revision = "d9a2b4c6e8f1"
down_revision = "c3f8a1e5d7b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shown", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(sa.text("UPDATE release SET shown = :yes").bindparams(yes=True))


def downgrade():
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.drop_column("shown")

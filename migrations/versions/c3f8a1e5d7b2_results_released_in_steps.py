"""results released in steps: release table, response.release_number; rounds no longer remember being reopened

Revision ID: c3f8a1e5d7b2
Revises: b7e4c1d2a9f0
Create Date: 2026-11-29 23:30:00

Existing responses wait for their first release: run `flask --app app release` once after upgrading.
"""
from alembic import op
import sqlalchemy as sa


revision = "c3f8a1e5d7b2"
down_revision = "b7e4c1d2a9f0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"], name=op.f("fk_release_round_id_round"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release")),
        sa.UniqueConstraint("round_id", "number", name=op.f("uq_release_round_id")),
    )
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_release_round_id"), ["round_id"], unique=False)
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("release_number", sa.Integer(), nullable=True))
        batch_op.create_index("ix_response_round_release", ["round_id", "release_number"], unique=False)
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_column("reopened")


def downgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reopened", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index("ix_response_round_release")
        batch_op.drop_column("release_number")
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_release_round_id"))
    op.drop_table("release")

"""the youth questionnaire: a second link per round, its answers and releases apart

Revision ID: e8a0c2d4f6b8
Revises: d7f9b1c3e5a7
Create Date: 2026-12-03 15:00:00

Every round gets a youth code (existing rounds a random one). The young people's responses,
answers and releases have their own tables, so the professionals' figures never count them.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "e8a0c2d4f6b8"
down_revision = "d7f9b1c3e5a7"
branch_labels = None
depends_on = None

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RESPONSE_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("youth_code", sa.String(length=32), nullable=True))
    round_ = sa.table("round", sa.column("id", sa.Integer), sa.column("youth_code", sa.String))
    connection = op.get_bind()
    for (round_id,) in connection.execute(sa.select(round_.c.id)).all():
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        connection.execute(sa.update(round_).where(round_.c.id == round_id).values(youth_code=code))
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.alter_column("youth_code", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_round_youth_code"), ["youth_code"])

    op.create_table(
        "youth_response",
        sa.Column("id", RESPONSE_ID, autoincrement=False, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("release_number", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_youth_response_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_youth_response")),
    )
    with op.batch_alter_table("youth_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_youth_response_round_id"), ["round_id"], unique=False)

    op.create_table(
        "youth_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", RESPONSE_ID, nullable=False),
        sa.Column("item_key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint("value BETWEEN 1 AND 5", name=op.f("ck_youth_answer_value_on_scale")),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["youth_response.id"],
            name=op.f("fk_youth_answer_response_id_youth_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_youth_answer")),
        sa.UniqueConstraint("response_id", "item_key", name=op.f("uq_youth_answer_response_id")),
    )
    with op.batch_alter_table("youth_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_youth_answer_response_id"), ["response_id"], unique=False)

    op.create_table(
        "youth_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("shown", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_youth_release_round_id_round"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_youth_release")),
        sa.UniqueConstraint("round_id", "number", name=op.f("uq_youth_release_round_id")),
    )
    with op.batch_alter_table("youth_release", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_youth_release_round_id"), ["round_id"], unique=False)


def downgrade():
    op.drop_table("youth_release")
    op.drop_table("youth_answer")
    op.drop_table("youth_response")
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_round_youth_code"), type_="unique")
        batch_op.drop_column("youth_code")

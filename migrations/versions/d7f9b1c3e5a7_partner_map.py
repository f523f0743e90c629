"""partner map: who is at which table

Revision ID: d7f9b1c3e5a7
Revises: c5e7a9b1d3f5
Create Date: 2026-12-04 10:00:00

The partner organisations a partnership's leaders record, with their domain and how often each
sits at each table (werkvloer, beleid, bestuur). Every save is a new version of the whole map,
dated with the day it was saved; an organisation keeps its number across versions. Both tables
go with their partnership (ON DELETE CASCADE).
"""

import sqlalchemy as sa
from alembic import op

revision = "d7f9b1c3e5a7"
down_revision = "c5e7a9b1d3f5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partner_map",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("saved_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partner_map_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_map")),
    )
    with op.batch_alter_table("partner_map", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_map_partnership_id"), ["partnership_id"], unique=False)

    op.create_table(
        "partner_organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("seats", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["partner_map.id"],
            name=op.f("fk_partner_organisation_map_id_partner_map"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_organisation")),
        sa.UniqueConstraint("map_id", "number", name=op.f("uq_partner_organisation_map_id")),
    )
    with op.batch_alter_table("partner_organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_organisation_map_id"), ["map_id"], unique=False)


def downgrade():
    with op.batch_alter_table("partner_organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_organisation_map_id"))
    op.drop_table("partner_organisation")
    with op.batch_alter_table("partner_map", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_map_partnership_id"))
    op.drop_table("partner_map")

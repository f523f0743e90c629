"""rounds hide their results while open by default, however they are made

Revision ID: f1b3d5a7c9e2
Revises: e4a7c2b9d1f3
Create Date: 2026-12-02 15:30:00

A round made in the management pages hid its results until it closed, one made with
`flask round create` (or by any insert that left the column out) showed them: one default
now, on the model and in the database. Existing rounds keep what they have.
"""

import sqlalchemy as sa
from alembic import op

revision = "f1b3d5a7c9e2"
down_revision = "e4a7c2b9d1f3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.alter_column("hide_results_while_open", existing_type=sa.Boolean(), server_default=sa.true())


def downgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.alter_column("hide_results_while_open", existing_type=sa.Boolean(), server_default=sa.false())

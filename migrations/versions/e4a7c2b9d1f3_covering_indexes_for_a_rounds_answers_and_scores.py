"""covering indexes for a round's answers and scores

Revision ID: e4a7c2b9d1f3
Revises: 3a8e0d07d69e
Create Date: 2026-12-02 08:00:00

The release queries (dashboard/queries.py: answer_counts, score_sums) read every answer and
score of one round. With an index on response_id alone, PostgreSQL found a scan of the whole
answer table (every partnership's) cheaper than fetching a tenth of its rows one response at a
time; an index that also holds the columns read lets it take the round's rows from the index
alone. Each replaces the index on response_id, which it starts with, so writes cost the same.
"""

from alembic import op

revision = "e4a7c2b9d1f3"
down_revision = "3a8e0d07d69e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.create_index("ix_answer_response_item_value", ["response_id", "item_key", "value"], unique=False)
        batch_op.drop_index("ix_answer_response_id")
    with op.batch_alter_table("response_score", schema=None) as batch_op:
        batch_op.create_index(
            "ix_response_score_response_dimension_score", ["response_id", "dimension", "score"], unique=False
        )
        batch_op.drop_index("ix_response_score_response_id")


def downgrade():
    with op.batch_alter_table("response_score", schema=None) as batch_op:
        batch_op.create_index("ix_response_score_response_id", ["response_id"], unique=False)
        batch_op.drop_index("ix_response_score_response_dimension_score")
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.create_index("ix_answer_response_id", ["response_id"], unique=False)
        batch_op.drop_index("ix_answer_response_item_value")

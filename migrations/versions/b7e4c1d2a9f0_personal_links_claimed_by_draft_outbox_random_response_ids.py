"""personal links claimed by a draft, mail outbox, random response ids

Revision ID: b7e4c1d2a9f0
Revises: 5d1e2a7c9b30
Create Date: 2026-11-30 12:00:00.000000

An invitation no longer records "responded" (nothing a leader sees may depend on it) and no
submission touches it: opening the link claims it for a draft instead. Response ids become
random 64-bit numbers, so they no longer tell the order in which responses came in; the
existing ones are renumbered.
"""
import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e4c1d2a9f0"
down_revision = "5d1e2a7c9b30"
branch_labels = None
depends_on = None

CHILDREN = ("answer", "comment", "response_score")  # tables whose response_id points to response.id


def upgrade():
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"

    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_draft_claim_hash"), ["claim_hash"])

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_draft_hash", sa.String(length=64), nullable=True))
        # Links made before the outbox were mailed or shown: count them as sent.
        batch_op.add_column(sa.Column("mail_status", sa.String(length=10), server_default="sent", nullable=False))
        batch_op.add_column(sa.Column("mail_status_at", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_invitation_claimed_draft_hash"), ["claimed_draft_hash"])
    # A link that was used stays used: claimed by a draft that no longer exists.
    invitation = sa.table("invitation", sa.column("id", sa.Integer), sa.column("responded", sa.Boolean),
                          sa.column("claimed_draft_hash", sa.String))
    for (invitation_id,) in bind.execute(sa.select(invitation.c.id).where(invitation.c.responded.is_(True))).fetchall():
        bind.execute(invitation.update().where(invitation.c.id == invitation_id).values(
            claimed_draft_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest()))
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.alter_column("mail_status", server_default=None, existing_type=sa.String(length=10), existing_nullable=False)
        batch_op.drop_column("responded")

    # Random response ids. On PostgreSQL the columns become BIGINT and lose their sequence;
    # SQLite's INTEGER is 64-bit already.
    if postgresql:
        for child in CHILDREN:
            op.drop_constraint(f"fk_{child}_response_id_response", child, type_="foreignkey")
        op.execute("ALTER TABLE response ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS response_id_seq")
        op.alter_column("response", "id", type_=sa.BigInteger(), existing_nullable=False)
        for child in CHILDREN:
            op.alter_column(child, "response_id", type_=sa.BigInteger(), existing_nullable=False)
    renumber_responses(bind)
    if postgresql:
        for child in CHILDREN:
            op.create_foreign_key(f"fk_{child}_response_id_response", child, "response", ["response_id"], ["id"], ondelete="CASCADE")


def renumber_responses(bind):
    """Give every existing response a random id (foreign keys are off on SQLite during
    migrations, and dropped for the moment on PostgreSQL)."""
    old_ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM response")).fetchall()]
    taken = set(old_ids)
    for old in old_ids:
        new = secrets.randbelow(2**62) + 1
        while new in taken:
            new = secrets.randbelow(2**62) + 1
        taken.add(new)
        for child in CHILDREN:
            bind.execute(sa.text(f"UPDATE {child} SET response_id = :new WHERE response_id = :old"), {"new": new, "old": old})
        bind.execute(sa.text("UPDATE response SET id = :new WHERE id = :old"), {"new": new, "old": old})


def downgrade():
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    # Random ids do not fit a 32-bit column: number them 1, 2, 3... again, through negative
    # ids first so that no new id meets an old one.
    ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM response")).fetchall()]
    if postgresql:
        for child in CHILDREN:
            op.drop_constraint(f"fk_{child}_response_id_response", child, type_="foreignkey")
    for number, old in enumerate(ids, start=1):
        for child in CHILDREN:
            bind.execute(sa.text(f"UPDATE {child} SET response_id = :new WHERE response_id = :old"), {"new": -number, "old": old})
        bind.execute(sa.text("UPDATE response SET id = :new WHERE id = :old"), {"new": -number, "old": old})
    for child in CHILDREN:
        bind.execute(sa.text(f"UPDATE {child} SET response_id = -response_id"))
    bind.execute(sa.text("UPDATE response SET id = -id"))
    if postgresql:
        for child in CHILDREN:
            op.alter_column(child, "response_id", type_=sa.Integer(), existing_nullable=False)
        op.alter_column("response", "id", type_=sa.Integer(), existing_nullable=False)
        op.execute("CREATE SEQUENCE response_id_seq OWNED BY response.id")
        op.execute("SELECT setval('response_id_seq', COALESCE((SELECT MAX(id) FROM response), 0) + 1, false)")
        op.execute("ALTER TABLE response ALTER COLUMN id SET DEFAULT nextval('response_id_seq')")
        for child in CHILDREN:
            op.create_foreign_key(f"fk_{child}_response_id_response", child, "response", ["response_id"], ["id"], ondelete="CASCADE")

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("responded", sa.Boolean(), server_default=sa.false(), nullable=False))
    # Claimed by a draft that is gone: the link was used.
    op.execute("UPDATE invitation SET responded = (claimed_draft_hash IS NOT NULL AND NOT EXISTS "
               "(SELECT 1 FROM draft WHERE draft.claim_hash = invitation.claimed_draft_hash))")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_invitation_claimed_draft_hash"), type_="unique")
        batch_op.drop_column("mail_status_at")
        batch_op.drop_column("mail_status")
        batch_op.drop_column("claimed_draft_hash")

    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_draft_claim_hash"), type_="unique")
        batch_op.drop_column("claim_hash")

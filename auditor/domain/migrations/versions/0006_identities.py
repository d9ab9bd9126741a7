"""Identities that are the same on every copy of an audit (offline team work, bundles).

Audits, findings, evidence, plan sessions and samples get a UUID beside their local
integer id; existing rows get one here. A change-log entry taken in from a bundle keeps
the hash it had in the chain it was first written in (`origin`), so a merge knows which
entries both copies already hold. `finding_block` holds the finding numbers a lead handed
this database for an audit it received as a team member (docs/teams.md).

Revision ID: 0006
Revises: 0005
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

S = sa.String()
WITH_UUID = ("audit", "finding", "evidence", "plan_session", "item_sample")


def upgrade() -> None:
    conn = op.get_bind()
    for table in WITH_UUID:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("uuid", S, nullable=True))
        ids = [r[0] for r in conn.execute(sa.text(f"SELECT id FROM {table}"))]
        for row_id in ids:
            conn.execute(sa.text(f"UPDATE {table} SET uuid = :u WHERE id = :i"),
                         {"u": str(uuid.uuid4()), "i": row_id})
        with op.batch_alter_table(table) as batch:
            batch.alter_column("uuid", existing_type=S, nullable=False)
            batch.create_index(f"ix_{table}_uuid", ["uuid"], unique=True)
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("origin", S, nullable=True))
    op.create_table(
        "finding_block",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_uuid", S, nullable=False),
        sa.Column("prefix", S, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.UniqueConstraint("audit_uuid", "prefix", "year", name="uq_finding_block"),
    )


def downgrade() -> None:
    op.drop_table("finding_block")
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("origin")
    for table in reversed(WITH_UUID):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_uuid")
            batch.drop_column("uuid")

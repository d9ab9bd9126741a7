"""Audit site; change log entries chained by hash (tamper evidence).

Existing log entries are chained in id order, so an upgraded database verifies.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from auditor.domain.trail import entry_hash

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("site", sa.String(), nullable=False, server_default=""))
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("hash", sa.String(), nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, at, actor, audit_id, entity, entity_id, field, old, new "
            "FROM change_log ORDER BY id"
        )
    ).fetchall()
    prev = ""
    for row in rows:
        digest = entry_hash(prev, *row[1:])
        conn.execute(
            sa.text("UPDATE change_log SET prev_hash = :p, hash = :h WHERE id = :i"),
            {"p": prev, "h": digest, "i": row[0]},
        )
        prev = digest


def downgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("site")

"""Change-log entries carry a MAC (keyed, the key outside the database); a closed audit
keeps its seal (the hash of the entry that closed it).

Entries written before this revision keep no MAC (NULL): `audits verify` counts them as
"from before MACs were kept". Where they end is marked in `log_anchor`, MAC'd with the
key (created here when there is none yet), so that a log stripped of its MACs does not
pass for an old one. An audit closed before it gets the hash of the last entry that set
its status to closed as its seal.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from auditor.domain.mac_key import writing_key
from auditor.domain.trail import anchor_mac

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("mac", sa.String(), nullable=True))
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("seal", sa.String(), nullable=True))
    op.create_table(
        "log_anchor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("macs_after", sa.String(), nullable=False),
        sa.Column("mac", sa.String(), nullable=False),
    )
    conn = op.get_bind()
    last = conn.execute(sa.text("SELECT hash FROM change_log ORDER BY id DESC LIMIT 1")).first()
    macs_after = last[0] if last else ""
    key = writing_key()
    conn.execute(sa.text("INSERT INTO log_anchor (macs_after, mac) VALUES (:a, :m)"),
                 {"a": macs_after, "m": anchor_mac(key.secret, key.id, macs_after)})
    conn.execute(sa.text(
        "UPDATE audit SET seal = (SELECT hash FROM change_log WHERE "
        "change_log.audit_id = audit.id AND entity = 'audit' "
        "AND entity_id = CAST(audit.id AS TEXT) AND field = 'status' AND new = 'closed' "
        "ORDER BY change_log.id DESC LIMIT 1) WHERE status = 'closed'"
    ))


def downgrade() -> None:
    op.drop_table("log_anchor")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("seal")
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("mac")

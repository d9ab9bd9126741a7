"""Which finding numbers the database an audit was made in handed to which copy of it
(`bundle export --for NAME`): a re-export for the same copy sends the same numbers, and
a gap in the numbering is explained by the copy that holds them (docs/teams.md).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

S = sa.String()


def upgrade() -> None:
    op.create_table(
        "finding_block_grant",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("audit_uuid", S, nullable=False),
        sa.Column("recipient", S, nullable=False),
        sa.Column("prefix", S, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.Column("granted_by", S, nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("prefix", "year", "first", name="uq_finding_block_grant"),
    )
    op.create_index("ix_finding_block_grant_audit_uuid", "finding_block_grant",
                    ["audit_uuid"])


def downgrade() -> None:
    op.drop_index("ix_finding_block_grant_audit_uuid", table_name="finding_block_grant")
    op.drop_table("finding_block_grant")

"""The database role of every change-log entry, and who may reopen or delete an audit,
held by the server itself (a team's PostgreSQL; domain/server_roles.py).

`change_log.db_role` is set on a server by a trigger to the role that inserted the entry,
whatever the client sent: nobody records under another's login. A trigger on `audit`
lets only a lead (a member of auditor_lead, or the tables' owner) reopen a closed audit or
delete one. On SQLite (one person's file) the column stays empty.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SERVER_RULES = """
CREATE FUNCTION auditor_log_role() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.db_role := current_user;
    RETURN NEW;
END $$;
CREATE TRIGGER change_log_db_role BEFORE INSERT ON change_log
    FOR EACH ROW EXECUTE FUNCTION auditor_log_role();

CREATE FUNCTION auditor_is_lead() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                  WHERE schemaname = current_schema()
                                  AND tablename = 'audit'), 'MEMBER') THEN
        RETURN true;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'auditor_lead') THEN
        RETURN false;
    END IF;
    RETURN pg_has_role(current_user, 'auditor_lead', 'MEMBER');
END $$;

CREATE FUNCTION auditor_lead_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF NOT auditor_is_lead() THEN
            RAISE EXCEPTION 'only a lead may delete an audit (role %)', current_user
                USING ERRCODE = '42501';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'closed' AND NEW.status IS DISTINCT FROM 'closed'
            AND NOT auditor_is_lead() THEN
        RAISE EXCEPTION 'only a lead may reopen a closed audit (role %)', current_user
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_lead_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION auditor_lead_only();
"""


def upgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("db_role", sa.String(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SERVER_RULES)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_lead_only ON audit; "
                   "DROP TRIGGER change_log_db_role ON change_log; "
                   "DROP FUNCTION auditor_lead_only(); DROP FUNCTION auditor_is_lead(); "
                   "DROP FUNCTION auditor_log_role()")
    with op.batch_alter_table("change_log") as batch:
        batch.drop_column("db_role")

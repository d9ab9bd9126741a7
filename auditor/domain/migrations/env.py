"""Alembic environment: always run on the connection that `auditor.domain.db` hands over."""

from alembic import context
from sqlmodel import SQLModel

from auditor.domain import models  # noqa: F401  - registers the tables on the metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    # SQLite does run DDL in transactions, but Alembic assumes it does not and would commit
    # after each revision: a second process opening a new database could then read the
    # version between two revisions and apply the second one again. One transaction
    # (begun IMMEDIATE by db.py) makes the version read and all revisions one step.
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()

"""Alembic environment: always run on the connection that `auditor.domain.db` hands over."""

from alembic import context
from sqlmodel import SQLModel

from auditor.domain import models  # noqa: F401  - registers the tables on the metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
)
with context.begin_transaction():
    context.run_migrations()

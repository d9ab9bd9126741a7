"""Helpers the tests import by name (test modules cannot import `conftest`: a whole run
holds several conftest.py files under that one module name)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def pg_admin(server_url: str, database: str = "postgres"):
    """A plain psycopg connection (autocommit) to the cluster as its superuser."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url).set(drivername="postgresql", database=database)
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def store_url(store) -> str:
    """The URL of a store's database, to open another store (another user) on it."""
    return store.engine.url.render_as_string(hide_password=False)


def raw_sql(store, statement: str, **params) -> list:
    """Change or read the database behind the store's back, as someone with an SQL
    client would (`:name` parameters, on either engine); committed at once."""
    from sqlalchemy import create_engine, text

    engine = create_engine(store.engine.url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()

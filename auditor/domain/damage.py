"""Rows edited outside auditor: which stored value cannot be read, named in one line.

SQLite keeps whatever a program writes into a column (text in a date, a number in a
title, NULL where the schema said NOT NULL once `writable_schema` was used). Such a value
fails only when a row is turned into a model, deep inside SQLAlchemy or a rule, with an
error that names nothing. When a read fails that way, `damaged_value` looks at every
row, column by column, the way the models read them, and names the first value that
cannot be read; the caller turns that into a `DatabaseProblem`. It runs only after a
failure, so an intact database pays nothing for it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from . import models  # noqa: F401 - the tables must be in the metadata
from .errors import DatabaseProblem, shown
from .vocab import AuditStatus, FindingStatus, Grade, Result

# The errors a stored value of the wrong kind raises when it is read or used.
READ_FAILURES = (ValueError, TypeError, AttributeError, OverflowError)

# Columns whose values must be one of a vocabulary's: the rules compare with them.
VOCABULARIES: dict[tuple[str, str], type[StrEnum]] = {
    ("audit", "status"): AuditStatus,
    ("item_result", "result"): Result,
    ("finding", "grade"): Grade,
    ("finding", "status"): FindingStatus,
}


# How a message calls the kind of value a column holds.
KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text",
         datetime: "a date and time", date: "a date"}


def _unreadable(column: Any, value: Any, dialect: Any) -> str | None:
    """What is wrong with one stored value, or None when the model can read it."""
    if value is None:
        return None if column.nullable else "empty (NULL) where a value is required"
    try:  # a decorated type (sqlmodel's UTCDateTime) says what it holds through its impl
        expected: type | None = getattr(column.type, "impl", column.type).python_type
    except NotImplementedError:
        expected = None
    wanted = KINDS.get(expected, "a value of its kind") if expected else "a value"
    # As the engine reads it: the dialect's type, a decorator's impl and then its own step.
    processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
    try:
        read = processor(value) if processor is not None else value
    except READ_FAILURES:
        return f"{shown(repr(value))} is not {wanted}"
    # bool is an int, and a datetime is a date: the stored kind must be the column's.
    if expected is not None and (not isinstance(read, expected)
                                 or (expected is int and isinstance(read, bool))
                                 or (expected is date and isinstance(read, datetime))):
        return f"{shown(repr(value))} is not {wanted}"
    vocabulary = VOCABULARIES.get((column.table.name, column.name))
    if vocabulary is not None and value not in {v.value for v in vocabulary}:
        return (f"{shown(repr(value))} is not one of "
                f"{', '.join(v.value for v in vocabulary)}")
    return None


def damaged_value(engine: Engine) -> DatabaseProblem | None:
    """The problem naming the first stored value no model can read (table, row id,
    column), or None when every value reads."""
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            columns = list(table.columns)
            # The raw values, as SQLite holds them: no type conversion on the way.
            names = ", ".join(f'"{c.name}"' for c in columns)
            query = f'SELECT {names} FROM "{table.name}"'
            try:
                rows = conn.exec_driver_sql(query).fetchall()
            except Exception:  # a table missing or unreadable: not a damaged value
                continue
            for row in rows:
                for column, value in zip(columns, row, strict=True):
                    problem = _unreadable(column, value, engine.dialect)
                    if problem is not None:
                        row_id = row[0] if columns[0].name == "id" else "?"
                        return DatabaseProblem(
                            f"the database has a damaged row: {table.name} {row_id}, "
                            f"column {column.name}: {problem} (it was changed outside "
                            "auditor); restore a backup: auditor restore FILE")
    return None

"""The values a merge takes, written in a few statements (docs/teams.md): a merge sets
thousands of fields, and an ORM object per row spent most of a merge's time building
and flushing them one by one. Rows are found by their portable name, updated by id with
one statement per set of fields, item and SoA rows not yet here inserted in one, and
records removed on the other side deleted in one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import bindparam, delete, insert, update
from sqlmodel import SQLModel, col, select

from .models import DivergingOpinion, Finding, ItemResult, ItemSample, PlanSession, SoaEntry
from .unit import UnitOfWork
from .vocab import Entity

# The records whose fields a merge sets, and the column that names each on every copy
# (a numbered record by its number here, looked up from the entry that added it).
BY_NAME: dict[str, tuple[type[SQLModel], str]] = {
    Entity.ITEM.value: (ItemResult, "ref"), Entity.SOA.value: (SoaEntry, "ref"),
    Entity.FINDING.value: (Finding, "code"), Entity.SESSION.value: (PlanSession, "number"),
    Entity.SAMPLE.value: (ItemSample, "number"),
    Entity.OPINION.value: (DivergingOpinion, "number")}
MADE_WHEN_MISSING = (Entity.ITEM.value, Entity.SOA.value)  # a row only once answered
Name = tuple[str, str]


def ids_here(uow: UnitOfWork, audit_id: int, numbers: Mapping[Name, str]
             ) -> dict[Name, int]:
    """(entity, portable record) -> row id here, for the audit's rows."""
    by_number = {(e, n): r for (e, r), n in numbers.items()}
    out: dict[Name, int] = {}
    for entity, (model, column) in BY_NAME.items():
        table: Any = model
        for row_id, name in uow.session.execute(
                select(table.id, getattr(table, column))
                .where(col(table.audit_id) == audit_id)):
            if column == "number":
                record = by_number.get((entity, str(name)))
                if record is not None:
                    out[(entity, record)] = row_id
            else:
                out[(entity, str(name))] = row_id
    return out


def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    return {name: f.default for name, f in model.model_fields.items()
            if name != "id" and f.default is not PydanticUndefined}


def write_values(uow: UnitOfWork, audit_id: int, changes: Mapping[Name, dict[str, Any]],
                 removed: list[Name], numbers: Mapping[Name, str]) -> None:
    """Set `changes` ({(entity, record): {field: value}}) on the audit's rows here and
    delete `removed`, after flushing what the session holds; objects the session loaded
    before are expired, as their rows changed under them."""
    session = uow.session
    session.flush()
    ids = ids_here(uow, audit_id, numbers)
    conn = session.connection()
    updates: dict[tuple[type[SQLModel], tuple[str, ...]], list[dict[str, Any]]] = {}
    inserts: dict[type[SQLModel], list[dict[str, Any]]] = {}
    for (entity, record), fields in changes.items():
        if entity not in BY_NAME or not fields:
            continue
        model, column = BY_NAME[entity]
        row_id = ids.get((entity, record))
        if row_id is not None:
            names = tuple(sorted(fields))
            updates.setdefault((model, names), []).append(
                {"row_id": row_id, **{f"v_{n}": fields[n] for n in names}})
        elif entity in MADE_WHEN_MISSING:
            inserts.setdefault(model, []).append(
                dict(_defaults(model), audit_id=audit_id, updated_at=uow.now(),
                     **{column: record}, **fields))
    for (model, names), rows in updates.items():
        table: Any = model.__table__  # type: ignore[attr-defined]
        conn.execute(update(table).where(table.c.id == bindparam("row_id"))
                     .values({n: bindparam(f"v_{n}") for n in names}), rows)
    for model, rows in inserts.items():
        conn.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
    by_model: dict[type[SQLModel], list[int]] = {}
    for entity, record in removed:
        if entity in BY_NAME and (entity, record) in ids:
            by_model.setdefault(BY_NAME[entity][0], []).append(ids[(entity, record)])
    for model, gone in by_model.items():
        table = model.__table__  # type: ignore[attr-defined]
        conn.execute(delete(table).where(table.c.id.in_(gone)))
    session.expire_all()

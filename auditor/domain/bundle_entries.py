"""What taking a bundle in needs whether it creates the audit or merges into it: the
outcome, the audit's log here, a bundle's row as a model, the replay check, and their
entries as this database names things (docs/teams.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlmodel import SQLModel, col, select

from .bundle_rows import BundleContent, BundleRefused, log_dict, row_of
from .errors import shown
from .merge import MergePlan
from .models import Audit, ChangeLog
from .trail_replay import record_mismatches
from .unit import UnitOfWork
from .vocab import Entity, LogEvent


@dataclass
class ImportOutcome:
    audit_id: int | None
    created: bool
    plan: MergePlan | None = None
    applied: bool = False
    entries: int = 0


def local_log(uow: UnitOfWork, audit_id: int) -> list[dict[str, Any]]:
    return [log_dict(e) for e in uow.session.execute(
        select(ChangeLog).where(col(ChangeLog.audit_id) == audit_id)
        .order_by(col(ChangeLog.id))).scalars()]


def refuse(content: BundleContent, problem: str) -> BundleRefused:
    return BundleRefused(f"bundle of audit {shown(str(content.audit.get('title', '')))[:60]!r}"
                         f": {problem}; nothing was imported")


def model_of(content: BundleContent, model: type[SQLModel], data: Mapping[str, Any],
           **override: Any) -> Any:
    try:
        return row_of(model, dict(data), **override)
    except (ValidationError, TypeError, ValueError):
        raise refuse(content, f"a {model.__tablename__} row is not in the form auditor "
                      "writes it") from None


def replay_check(uow: UnitOfWork, content: BundleContent, audit_id: int) -> None:
    uow.session.flush()
    problems = record_mismatches(uow.session, audit_id)
    if problems:
        raise refuse(content, f"its rows are not what its change log says ({problems[0]})")


def carried(e: Mapping[str, Any], audit_id: int, entity_id: str, old: str | None,
             new: str | None) -> dict[str, Any]:
    return {"at": e["at"], "actor": e["actor"], "audit_id": audit_id, "entity": e["entity"],
            "entity_id": entity_id, "field": e["field"], "old": old, "new": new,
            "origin": e["gid"]}


def local_values(uow: UnitOfWork, e: Mapping[str, Any], sender: Any,
                  local: int) -> tuple[str | None, str | None]:
    """An entry's values as this database names things: an audit's previous audit by
    its id here (none when this database does not hold it)."""
    old, new = e["old"], e["new"]
    if e["entity"] != Entity.AUDIT:
        return old, new
    if e["field"] == LogEvent.PLANNED:
        try:
            header = json.loads(new or "{}")
        except ValueError:
            return old, new
        if isinstance(header, dict) and header.get("previous_id"):
            header["previous_id"] = previous_here(uow, local)
            new = json.dumps(header, ensure_ascii=False, sort_keys=True)
    elif e["field"] == "previous_id":
        old, new = (None if old is None else previous_here(uow, local),
                    None if new is None else previous_here(uow, local))
    return old, new


def previous_here(uow: UnitOfWork, local: int) -> str:
    audit = uow.session.get(Audit, local)
    return "" if audit is None or audit.previous_id is None else str(audit.previous_id)


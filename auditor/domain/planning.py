"""Planning an audit: reading the new-audit form's fields and choosing the audit it follows.

The form shows each problem beside its field, so the checks answer per field instead of
stopping at the first; `Store.create_audit` checks the same rules again when it writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .derived import audit_date
from .models import Audit
from .text import parse_day
from .vocab import AuditType

# Audit types that follow an earlier audit of the same auditee.
FOLLOW_UP_TYPES: frozenset[AuditType] = frozenset(
    {AuditType.SURVEILLANCE, AuditType.RECERTIFICATION}
)


@dataclass
class PlanCheck:
    """The arguments for `Store.create_audit` when `problems` is empty; otherwise one
    message per field that is wrong."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_plan(raw: Mapping[str, Any]) -> PlanCheck:
    """Check the new-audit form. `raw` holds the typed strings (title, auditee, scope,
    site, lead_auditor, team, objectives, criteria, planned_start, planned_end), `type`,
    `checklist` (an id or None) and `previous_id` (an int or None)."""
    check = PlanCheck()
    values, problems = check.values, check.problems

    if not raw.get("checklist"):
        problems["checklist"] = "choose the checklist to audit against"
    for name, message in (("title", "give the audit a title"),
                          ("auditee", "name the organisation audited")):
        text = str(raw.get(name) or "").strip()
        if not text:
            problems[name] = message
        values[name] = text
    for name in ("scope", "site", "lead_auditor", "team", "objectives"):
        values[name] = str(raw.get(name) or "").strip()
    # Criteria left empty are the checklist's standard (the store's None).
    values["criteria"] = str(raw.get("criteria") or "").strip() or None

    kind = raw.get("type") or AuditType.INTERNAL.value
    try:
        values["type"] = AuditType(kind).value
    except ValueError:
        allowed = ", ".join(t.value for t in AuditType)
        problems["type"] = f"{kind!r} is not a type of audit ({allowed})"

    for name in ("planned_start", "planned_end"):
        try:
            values[name] = parse_day(str(raw.get(name) or ""))
        except ValueError as exc:
            problems[name] = str(exc)
            values[name] = None
    start, end = values.get("planned_start"), values.get("planned_end")
    if start and end and end < start:
        problems["planned_end"] = "the end date is before the start date"

    values["previous_id"] = raw.get("previous_id")
    return check


def follow_up_candidates(audits: Iterable[Audit], auditee: str,
                         exclude: int | None = None) -> list[Audit]:
    """The audits a new audit of `auditee` may follow: those of the same organisation
    (ignoring case and surrounding spaces), most recent first."""
    wanted = auditee.strip().casefold()
    if not wanted:
        return []
    found = [a for a in audits
             if a.auditee.strip().casefold() == wanted and a.id != exclude]

    def recency(a: Audit) -> tuple[date, datetime, int]:
        return (audit_date(a) or date.min, a.created_at, a.id or 0)

    return sorted(found, key=recency, reverse=True)

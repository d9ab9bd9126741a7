"""Diverging opinions (ISO 19011 6.4.10): where the auditee and the audit team do not
agree on a finding, a clause or anything else the audit concluded, each side's position
is recorded, and later how it was settled. Those still open when the report is written
are its "unresolved diverging opinions" (6.5.1).

An opinion is numbered within its audit, logged whole when recorded (entity `opinion`,
its number naming it) and its resolution field by field, held against the records by
`audits verify`, refused on a closed audit and removed with its audit.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from .base import Part
from .checks import check_text
from .errors import NotFound, RuleViolation
from .models import DivergingOpinion
from .text import escape_controls, shorten
from .trail_replay import OPINION_FIELDS, logged_fields
from .unit import UnitOfWork
from .vocab import Entity, LogEvent


def _required(name: str, value: Any, what: str) -> str:
    text = check_text(name, value).strip()
    if not text:
        raise RuleViolation(f"{name}: {what}; it cannot be empty", field=name)
    return text


def _logged(row: DivergingOpinion) -> str:
    return json.dumps(logged_fields(row, OPINION_FIELDS), ensure_ascii=False, sort_keys=True)


def _opinion(uow: UnitOfWork, audit_id: int, number: int) -> DivergingOpinion:
    found = uow.session.execute(
        select(DivergingOpinion).where(col(DivergingOpinion.audit_id) == audit_id,
                                       col(DivergingOpinion.number) == number)).scalar()
    if found is None:
        raise NotFound(f"audit {audit_id} has no diverging opinion {number}; `auditor "
                       f"opinions {audit_id}` lists them")
    return found


class DivergingOpinions(Part):
    """The store's part for the audit's diverging opinions: one unit of work per call."""

    def opinions(self, audit_id: int) -> list[DivergingOpinion]:
        """The audit's diverging opinions in the order they were recorded."""
        with self.core.reading() as uow:
            uow.audit(audit_id)
            return list(uow.session.execute(
                select(DivergingOpinion).where(col(DivergingOpinion.audit_id) == audit_id)
                .order_by(col(DivergingOpinion.number))).scalars())

    def add_opinion(self, audit_id: int, *, topic: Any, auditee: Any,
                    team: Any) -> DivergingOpinion:
        """Record an opinion on which the auditee and the audit team differ."""
        about = _required("topic", topic, "say what the opinions differ on (a finding's "
                          "id, a clause, or a few words)")
        theirs = _required("auditee", auditee, "the auditee's position")
        ours = _required("team", team, "the audit team's position")
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            row = DivergingOpinion(
                audit_id=audit_id,
                number=uow.next_number(audit, Entity.OPINION, DivergingOpinion),
                topic=about, auditee_position=theirs, team_position=ours,
                created_at=uow.now())
            uow.session.add(row)
            uow.session.flush()
            uow.record(audit_id, Entity.OPINION, row.number, LogEvent.ADDED, None,
                       _logged(row))
            audit.updated_at = uow.now()
            uow.session.add(audit)
            return row

    def resolve_opinion(self, audit_id: int, number: int, *, resolution: Any,
                        amend: bool = False) -> DivergingOpinion:
        """Settle an opinion: how it was resolved. A resolved one is refused (a second
        `resolve` silently replaced the first settlement) unless `amend`: then its new
        resolution is logged against the old one, and the change log holds both."""
        how = _required("resolution", resolution, "say how the opinions were settled")
        with self.core.writing() as uow:
            audit = uow.open_audit(audit_id)
            row = _opinion(uow, audit_id, number)
            if row.resolved and not amend:
                settled = shorten(escape_controls(row.resolution or ""), 80, at_word=True)
                raise RuleViolation(
                    f"diverging opinion {number} of audit {audit_id} is resolved already "
                    f"as '{settled}'; give --amend to change its resolution",
                    field="resolution")
            changed = uow.set(row, audit_id, Entity.OPINION, row.number, "resolved", True)
            changed = uow.set(row, audit_id, Entity.OPINION, row.number, "resolution",
                              how) or changed
            if changed:
                uow.session.add(row)
                audit.updated_at = uow.now()
                uow.session.add(audit)
            uow.session.flush()
            return row

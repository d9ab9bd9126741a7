"""What every document auditor hands over (report, plan) says the same way: user text as
a document holds it, days and spans of days, an audit's type in words, a labelled fact,
and the auditee's people met in the plan's sessions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .models import PlanSession
from .text import without_controls

AUDIT_TYPE_LABELS = {"internal": "Internal", "gap": "Gap analysis",
                     "surveillance": "Surveillance", "recertification": "Recertification",
                     "supplier": "Supplier"}


def report_text(value: object) -> str:
    """User text as a document holds it: CR and CRLF and the Unicode line and paragraph
    separators as LF, and without the characters no document should carry (the one
    rule, text.without_controls: controls, bidi overrides, surrogates, non-characters)."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return without_controls(text)


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def span(start: date | None, end: date | None, *, open_end: str = "") -> str:
    """`start to end`, one day as itself; a start without an end as `start to
    (open_end)`, never as one day (an open audit's "Held: 2026-12-06" read as a
    one-day audit)."""
    if start and end and start != end:
        return f"{start.isoformat()} to {end.isoformat()}"
    if start and not end:
        return f"{start.isoformat()} to ({open_end or 'end not given'})"
    return day(start or end)


def held(start: date | None, end: date | None, *, closed: bool,
         planned_end: date | None) -> str:
    """When the audit was held: an open audit's end as in progress, with the day it is
    planned to end when that is still to come."""
    if closed:
        return span(start, end, open_end="end not recorded")
    still = "in progress"
    if start and not end and planned_end and planned_end >= start:
        still += f", planned to end {planned_end.isoformat()}"
    return span(start, end, open_end=still)


@dataclass(frozen=True)
class Fact:
    """One line of the audit's facts: a label of ours and the user's value."""

    label: str
    value: str


def given(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    """The facts, an empty value said as "not given"."""
    return tuple(f if f.value else Fact(f.label, "not given") for f in facts)


def names_in(text: str) -> list[str]:
    """The names in a list typed with commas, semicolons or line breaks, each once."""
    seen: dict[str, None] = {}
    for name in report_text(text).replace("\n", ",").replace(";", ",").split(","):
        if name.strip():
            seen.setdefault(" ".join(name.split()), None)
    return list(seen)


def participants(sessions: Iterable[PlanSession]) -> str:
    """The auditee's people met in the plan's sessions, each name once, in plan order."""
    seen: dict[str, None] = {}
    for session in sorted(sessions, key=lambda x: (x.start, x.number)):
        for name in names_in(session.auditee_people):
            seen.setdefault(name, None)
    return ", ".join(seen)

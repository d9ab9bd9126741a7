"""Input checks shared by the store's parts: a value becomes what the model holds, or a
RuleViolation naming the field it concerns."""

from __future__ import annotations

from datetime import date
from typing import Any

from .errors import RuleViolation
from .text import parse_day
from .vocab import AuditType, E, FindingStatus, Grade, Result


def _choice(vocabulary: type[E], value: str, what: str, field: str) -> E:
    """`value` as a member of `vocabulary`, or a RuleViolation naming the allowed values."""
    try:
        return vocabulary(value)
    except ValueError:
        allowed = ", ".join(v.value for v in vocabulary)
        raise RuleViolation(f"{what} {value!r} is not one of: {allowed}", field=field) from None


def check_result(result: str) -> Result:
    return _choice(Result, result, "result", "result")


def check_type(kind: str) -> AuditType:
    return _choice(AuditType, kind, "audit type", "type")


def check_grade(grade: str) -> Grade:
    return _choice(Grade, grade, "grade", "grade")


def check_status(status: str) -> FindingStatus:
    return _choice(FindingStatus, status, "status", "status")


def check_day(name: str, value: Any) -> date | None:
    """A date given as a date or as YYYY-MM-DD text (text.parse_day), as a rule."""
    try:
        return parse_day(value)
    except ValueError as exc:
        raise RuleViolation(f"{name}: {exc}", field=name) from None


def check_text(name: str, value: Any) -> str:
    """Free text; None is no text."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RuleViolation(f"{name}: expected text, got {type(value).__name__}", field=name)
    return value

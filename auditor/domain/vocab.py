"""The fixed vocabularies of an audit and the rules that hang on them.

Results, grades and statuses are plain strings in the database and in every contract
(JSON, workbook), so they are `StrEnum`s: a value compares equal to its string.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


def words(vocabulary: type[E], *, capital: bool = False) -> dict[E, str]:
    """Each value of a vocabulary as words (`not_reassessed` as `not reassessed`), the one
    way a label table is made from its values."""
    made = {v: v.value.replace("_", " ") for v in vocabulary}
    return {v: text.capitalize() for v, text in made.items()} if capital else made


class AuditType(StrEnum):
    INTERNAL = "internal"
    GAP = "gap"
    SURVEILLANCE = "surveillance"
    RECERTIFICATION = "recertification"
    SUPPLIER = "supplier"


class AuditStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class Result(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    OBSERVATION = "observation"
    OFI = "ofi"
    CONFORM = "conform"
    NA = "na"
    NOT_ASSESSED = "not_assessed"


class Grade(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    OBSERVATION = "observation"
    OFI = "ofi"
    GOOD_PRACTICE = "good_practice"


class FindingStatus(StrEnum):
    OPEN = "open"
    RESPONDED = "responded"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"
    CLOSED = "closed"
    NOT_EFFECTIVE = "not_effective"
    CANCELLED = "cancelled"


class EvidenceKind(StrEnum):
    DOCUMENT = "document"
    RECORD = "record"
    INTERVIEW = "interview"
    OBSERVATION = "observation"
    FILE = "file"


class ImplementationStatus(StrEnum):
    """How far an applicable Annex A control is implemented (the SoA's status column)."""

    IMPLEMENTED = "implemented"
    PARTIAL = "partially_implemented"
    PLANNED = "planned"
    NOT_IMPLEMENTED = "not_implemented"


IMPLEMENTATION_LABELS: dict[ImplementationStatus, str] = {
    ImplementationStatus.IMPLEMENTED: "Implemented",
    ImplementationStatus.PARTIAL: "Partially implemented",
    ImplementationStatus.PLANNED: "Planned",
    ImplementationStatus.NOT_IMPLEMENTED: "Not implemented",
}


class Entity(StrEnum):
    """What a change-log entry is about (its `entity`; `entity_id` says which one)."""

    AUDIT = "audit"
    ITEM = "item"
    FINDING = "finding"
    EVIDENCE = "evidence"
    SESSION = "session"          # a plan session; entity_id its number within the audit
    SAMPLE = "sample"            # a sampling record; entity_id its number within the audit
    SOA = "soa"                  # a Statement of Applicability entry; entity_id its ref
    OPINION = "opinion"          # a diverging opinion; entity_id its number within the audit


class LogEvent(StrEnum):
    """Change-log `field` names that are events rather than a model field's new value."""

    CREATED = "created"
    PLANNED = "planned"          # the whole planned header of a new audit, as JSON
    DELETED = "deleted"
    REOPEN_REASON = "reopen_reason"
    NOTE = "note"                # a note given with a finding's status move
    ADDED = "added"              # evidence attached; a plan session or a sample, as JSON
    REMOVED = "removed"          # a plan session removed (its fields as JSON, in `old`)
    VERIFIED_IN_AUDIT = "verified_in_audit"


# Most severe first. `na` and `not_assessed` have no place in the order: they are never
# better or worse than anything.
SEVERITY_ORDER: tuple[Result, ...] = (
    Result.MAJOR,
    Result.MINOR,
    Result.OBSERVATION,
    Result.OFI,
    Result.CONFORM,
)
_RANK = {r: len(SEVERITY_ORDER) - i for i, r in enumerate(SEVERITY_ORDER)}

RESULT_LABELS: dict[Result, str] = {
    Result.MAJOR: "major NC",
    Result.MINOR: "minor NC",
    Result.OBSERVATION: "observation",
    Result.OFI: "OFI",
    Result.CONFORM: "conform",
    Result.NA: "n/a",
    Result.NOT_ASSESSED: "not assessed",
}

GRADE_LABELS: dict[Grade, str] = {
    Grade.MAJOR: "Major nonconformity",
    Grade.MINOR: "Minor nonconformity",
    Grade.OBSERVATION: "Observation",
    Grade.OFI: "Opportunity for improvement",
    Grade.GOOD_PRACTICE: "Good practice",
}

# A grade as short as a result (the findings table): the result label where the grade is
# also a result, else the grade's own words.
GRADE_SHORT: dict[Grade, str] = {
    g: RESULT_LABELS[Result(g.value)] if g.value in Result._value2member_map_
    else words(Grade)[g]
    for g in Grade
}

# Statuses of findings and audits, and change-log field names, as words on a screen.
STATUS_LABELS: dict[str, str] = {
    s.value: text for s, text in (*words(FindingStatus).items(), *words(AuditStatus).items())
}


def status_label(status: str) -> str:
    """`not_effective` as `not effective`; an unknown status as it is."""
    return STATUS_LABELS.get(status, status)


def grade_label(grade: str) -> str:
    """`good_practice` as `good practice`, `minor` as `minor NC`; an unknown grade as it is."""
    return GRADE_SHORT.get(grade, grade)  # type: ignore[call-overload]


def field_label(name: str) -> str:
    """A model or change-log field name as words: `planned_end` as `planned end`."""
    return name.replace("_", " ")


# Prefixes of the human finding ids: NC-2026-007, OBS-2026-002, OFI-2026-004, GP-2026-001.
GRADE_PREFIX: dict[Grade, str] = {
    Grade.MAJOR: "NC",
    Grade.MINOR: "NC",
    Grade.OBSERVATION: "OBS",
    Grade.OFI: "OFI",
    Grade.GOOD_PRACTICE: "GP",
}

# Results that are also finding grades: recording one of them raises a finding.
RESULTS_WITH_FINDING: frozenset[Result] = frozenset(
    {Result.MAJOR, Result.MINOR, Result.OBSERVATION, Result.OFI}
)
NONCONFORMITY_GRADES: frozenset[Grade] = frozenset({Grade.MAJOR, Grade.MINOR})


def severity_rank(result: str | None) -> int:
    """Higher is more severe; 0 for `na`, `not_assessed` and unknown values."""
    if result is None:
        return 0
    try:
        return _RANK.get(Result(result), 0)
    except ValueError:
        return 0


def grade_as_result(grade: str) -> Result:
    """How a finding's grade shows on its item: good practice counts as conform."""
    if grade == Grade.GOOD_PRACTICE:
        return Result.CONFORM
    return Result(grade)


# Who may move a finding from one status to the next (DESIGN section 3).
AUDITEE_STATUSES: frozenset[FindingStatus] = frozenset(
    {FindingStatus.RESPONDED, FindingStatus.IMPLEMENTED}
)

_AUDITEE_MOVES: dict[FindingStatus, frozenset[FindingStatus]] = {
    FindingStatus.OPEN: frozenset({FindingStatus.RESPONDED}),
    FindingStatus.REJECTED: frozenset({FindingStatus.RESPONDED}),
    FindingStatus.NOT_EFFECTIVE: frozenset({FindingStatus.RESPONDED}),
    FindingStatus.ACCEPTED: frozenset({FindingStatus.IMPLEMENTED}),
}

_AUDITOR_MOVES: dict[FindingStatus, frozenset[FindingStatus]] = {
    FindingStatus.RESPONDED: frozenset({FindingStatus.ACCEPTED, FindingStatus.REJECTED}),
    FindingStatus.IMPLEMENTED: frozenset({FindingStatus.CLOSED, FindingStatus.NOT_EFFECTIVE}),
}

# Statuses that still need work; `not_effective` counts as open.
OPEN_STATUSES: frozenset[FindingStatus] = frozenset(
    {
        FindingStatus.OPEN,
        FindingStatus.RESPONDED,
        FindingStatus.ACCEPTED,
        FindingStatus.REJECTED,
        FindingStatus.IMPLEMENTED,
        FindingStatus.NOT_EFFECTIVE,
    }
)


def allowed_moves(current: str, grade: str, *, by_auditee: bool) -> frozenset[FindingStatus]:
    """The statuses a finding in `current` may move to, for the auditee or the auditor.

    Besides the response-and-verification path, the auditor may cancel any finding that is
    not closed, and may close an observation, OFI or good practice straight away: those
    ask for no corrective action.
    """
    status = FindingStatus(current)
    if by_auditee:
        return _AUDITEE_MOVES.get(status, frozenset())
    moves = set(_AUDITOR_MOVES.get(status, frozenset()))
    if status not in (FindingStatus.CLOSED, FindingStatus.CANCELLED):
        moves.add(FindingStatus.CANCELLED)
        if Grade(grade) not in NONCONFORMITY_GRADES:
            moves.add(FindingStatus.CLOSED)
    if status == FindingStatus.CANCELLED:
        moves.add(FindingStatus.OPEN)
    return frozenset(moves)

"""What the NC report workbook holds, shared by the export and the follow-up import.

The `Findings` headers are a contract (DESIGN section 6): the import finds columns by
these names. The hidden `_auditor` sheet carries the audit's id and fingerprint and, per
finding, a short hash of every exported cell, so the import can tell which cells the
auditee changed and recognise a workbook of another audit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from auditor.domain.checklist import Checklist
from auditor.domain.models import Finding
from auditor.domain.text import filled
from auditor.domain.vocab import GRADE_LABELS, Grade

from .xlsx_text import workbook_text

FINDINGS_SHEET = "Findings"
STATE_SHEET = "_auditor"
FORMAT = "auditor-nc-workbook/2"


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None  # the finding's field for the auditee's columns, else None
    width: int


# Widths in characters: wide enough for every grade label, and narrow enough in all that
# the sheet prints one A4 landscape page wide with readable text.
COLUMNS: tuple[Column, ...] = (
    Column("Finding ID", None, 13),
    Column("Clause", None, 8),
    Column("Item", None, 22),
    Column("Grade", None, 27),
    Column("Requirement", None, 20),
    Column("Statement", None, 50),
    Column("Objective evidence", None, 38),
    Column("Process/area", None, 16),
    Column("Root cause", "root_cause", 28),
    Column("Correction", "correction", 24),
    Column("Corrective action", "corrective_action", 28),
    Column("Owner", "owner", 14),
    Column("Due date", "due_date", 11),
    Column("Status", "status", 13),
    Column("Auditee comment", "auditee_comment", 24),
)
HEADERS = tuple(c.header for c in COLUMNS)
WIDTHS = tuple(c.width for c in COLUMNS)
ID_HEADER = "Finding ID"
STATUS_HEADER = "Status"
DUE_HEADER = "Due date"
# Short values that never wrap; every other column wraps its text.
UNWRAPPED = (ID_HEADER, "Clause", DUE_HEADER, STATUS_HEADER)
AUDITEE_HEADERS = tuple(c.header for c in COLUMNS if c.field)
AUDITOR_HEADERS = tuple(c.header for c in COLUMNS if not c.field and c.header != ID_HEADER)
FIELD_OF = {c.header: c.field for c in COLUMNS if c.field}

# Rows of the `_auditor` sheet before the per-finding hashes. Below them, a header row
# and one row per finding: its id and the hashes of its other cells joined by HASH_SEP,
# in the order the header row names (two cells a finding keep export and import quick).
STATE_KEYS = ("format", "audit_id", "fingerprint", "exported_at", "findings")
HASH_HEADER_ROW = len(STATE_KEYS) + 2
HASH_SEP = "|"


def audit_fingerprint(store, audit_id: int) -> str:
    """Tells this audit from an audit with the same number in another database: the
    audit's creation entry in the hash-chained log carries the real time it was made."""
    audit = store.audit(audit_id)
    created = next(
        (e.hash for e in store.history(audit_id=audit_id, entity="audit",
                                       entity_id=str(audit_id)) if e.field == "created"),
        "",
    )
    seed = f"{audit.id}|{audit.created_at.isoformat()}|{created}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def statement_text(f: Finding) -> str:
    """The Statement cell: what the auditee needs to answer the finding, in one place."""
    parts = [f.statement, *filled(f, (("Repeats {}", "repeat_of"),
                                      # why a plan was rejected, or how it was verified:
                                      # the auditee answers it in this workbook
                                      ("Auditor's review: {}", "verification_note")))]
    return "\n\n".join(p for p in parts if p)


def grade_text(grade: str) -> str:
    try:
        return GRADE_LABELS[Grade(grade)]
    except ValueError:
        return grade


def finding_values(f: Finding, checklist: Checklist) -> list[str | date | None]:
    """The values of a finding's row, in `COLUMNS` order, before cell cleaning."""
    item = checklist.item(f.ref)
    return [
        f.code,
        f.ref,
        item.title if item else "",
        grade_text(f.grade),
        f.requirement,
        statement_text(f),
        f.objective_evidence,
        f.process_area,
        f.root_cause,
        f.correction,
        f.corrective_action,
        f.owner,
        f.due_date,
        f.status,
        f.auditee_comment,
    ]


def shown_text(value: str | date | None) -> str:
    """A cell's value as compared on import: dates as YYYY-MM-DD, text as the cell shows it."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return workbook_text(value)

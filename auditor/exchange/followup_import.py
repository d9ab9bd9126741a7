"""Reading the auditee's answers back from the NC report workbook.

`plan_followup` reads the workbook (untrusted input: size-bounded, checked to be an xlsx
zip, its parts streamed through a counting parser that refuses DTDs and stops at the
first limit of `xlsx_limits`, see `xlsx_reader`) and works out every change without
writing anything;
`apply_followup` applies a plan in one transaction through the store. Columns are found
by header name and findings by id, so reordered columns and sorted, filtered or hidden
rows are fine. Each problem names the sheet and cell. What one edited cell asks for
(a due date, a status, a text) is worked out in `followup_cells`.
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from auditor.domain.errors import AuditorError, NotFound
from auditor.domain.files import not_a_file
from auditor.domain.models import Finding

from . import workbook_layout as layout
from . import xlsx_limits as limits
from .followup_cells import FieldChange, compare_cell, due_window
from .xlsx_reader import Refused, WorkbookReader, open_workbook
from .xlsx_text import read_text, text_hash

MAX_FILE_BYTES = limits.MAX_FILE_BYTES
MAX_UNPACKED_BYTES = limits.MAX_UNPACKED_BYTES
MAX_PARTS = limits.MAX_PARTS
# Unknown finding ids named one by one (each needs a look in the other audits), and rows
# without an id warned of one by one; the rest are counted in one line, so a sheet of
# 10,000 made-up ids or answers without ids costs no more than this, and reads shortly.
MAX_UNKNOWN_LISTED = 20
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
HEADER_SEARCH_ROWS = 20
SHEET = layout.FINDINGS_SHEET


@dataclass
class FollowupPlan:
    audit_id: int
    path: Path
    changes: list[FieldChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def by_finding(self) -> dict[str, dict[str, Any]]:
        grouped: dict[str, dict[str, Any]] = {}
        for change in self.changes:
            grouped.setdefault(change.finding, {})[change.field] = change.new
        return grouped


def plan_followup(store, audit_id: int, path: Path) -> FollowupPlan:
    """Every change the workbook asks for, with warnings and errors; writes nothing."""
    audit = store.audit(audit_id)
    plan = FollowupPlan(audit_id=audit_id, path=Path(path))
    problem = _check_file(plan.path)
    if problem:
        plan.errors.append(problem)
        return plan
    # No library warning reaches the user: what matters becomes one of our lines.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = _read_workbook(store, audit_id, plan)
    if rows is None:
        return plan
    exported, findings_rows = rows
    _read_findings(store, audit_id, findings_rows, exported, plan, due_window(audit))
    if plan.changes:
        _check_with_store(store, audit_id, plan)
    return plan


def apply_followup(store, audit_id: int, plan: FollowupPlan) -> int:
    """Apply a plan without errors in one transaction; returns the findings changed."""
    if plan.audit_id != audit_id:
        raise AuditorError(f"this plan is for audit {plan.audit_id}, not audit {audit_id}")
    if plan.errors:
        raise AuditorError("\n".join(plan.errors))
    changes = plan.by_finding()
    if changes:
        store.apply_auditee_changes(audit_id, changes)
    return len(changes)


# -- the file ---------------------------------------------------------------------------


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _read_workbook(store, audit_id: int, plan: FollowupPlan
                   ) -> tuple[dict[str, dict[str, str]], list[tuple]] | None:
    """The hidden sheet's hashes and the Findings rows; None after an error."""
    try:
        archive, book = open_workbook(plan.path)
    except Refused as exc:
        plan.errors.append(_refusal(plan.path, exc))
        return None
    except Exception as exc:  # any parser failure means: not a workbook we can read
        plan.errors.append(f"{plan.path}: cannot be read as a workbook ({_first_line(exc)})")
        return None
    try:
        exported = _read_state(book, store, audit_id, plan)
        if plan.errors:
            return None
        if SHEET not in book.sheetnames:
            plan.errors.append(f"{SHEET}: sheet missing; the workbook must keep its "
                               f"'{SHEET}' sheet")
            return None
        return exported, book.rows(SHEET)
    except Refused as exc:
        plan.errors.append(_refusal(plan.path, exc))
        return None
    except AuditorError:
        raise
    except Exception as exc:  # a damaged sheet: cells the parser cannot make sense of
        plan.errors.append(f"{plan.path}: cannot be read as a workbook ({_first_line(exc)})")
        return None
    finally:
        archive.close()


def _refusal(path: Path, exc: Refused) -> str:
    return str(exc) if exc.cell else f"{path}: {exc}"


def _check_file(path: Path) -> str | None:
    """One line when the file is not an xlsx workbook we are willing to open."""
    problem = not_a_file(path)
    if problem is not None:
        return f"{path}: {problem}"
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return (f"{path}: {size / 1024 / 1024:.1f} MB is too large for an NC report "
                f"workbook (limit {MAX_FILE_BYTES // 1024 // 1024} MB)")
    entries = _zip_entries(path)
    if entries is not None and entries > MAX_PARTS:
        # said by the zip's last record, before its whole directory is read
        return (f"{path}: holds {entries:,} parts; an NC report workbook has at most "
                f"{MAX_PARTS:,}")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return f"{path}: not a workbook (an .xlsx file is a zip archive; this is not one)"
    if len(infos) > MAX_PARTS:
        return (f"{path}: holds {len(infos):,} parts; an NC report workbook has at most "
                f"{MAX_PARTS:,}")
    names = {i.filename for i in infos}
    missing = [p for p in REQUIRED_PARTS if p not in names]
    if missing:
        return f"{path}: not an xlsx workbook (no {missing[0]} inside)"
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        return (f"{path}: unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB; "
                "refusing to read it")
    return None


def _zip_entries(path: Path) -> int | None:
    """The number of entries the zip's end record declares (zip64 too), or None."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 65_557))  # the end record, and a comment of 64 KB
            tail = fh.read()
    except OSError:
        return None
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    entries = int.from_bytes(tail[at + 10:at + 12], "little")
    if entries == 0xFFFF:
        at64 = tail.rfind(b"PK\x06\x06", 0, at)
        if at64 >= 0 and len(tail) >= at64 + 40:
            entries = int.from_bytes(tail[at64 + 32:at64 + 40], "little")
    return entries


def _read_state(book: WorkbookReader, store, audit_id: int,
                plan: FollowupPlan) -> dict[str, dict[str, str]]:
    """Check the hidden sheet names this audit; return each finding's exported hashes."""
    name = layout.STATE_SHEET
    if name not in book.sheetnames:
        plan.errors.append(f"{name}: sheet missing; this workbook was not exported by "
                           "auditor (or the sheet was deleted); export the audit again")
        return {}
    rows = book.rows(name)
    state = {read_text(r[0]): read_text(r[1]) for r in rows[:len(layout.STATE_KEYS)]
             if len(r) >= 2}
    if state.get("format") != layout.FORMAT:
        plan.errors.append(f"{name}!B1: not an auditor NC report workbook "
                           f"(format {state.get('format')!r})")
        return {}
    if state.get("audit_id") != str(audit_id):
        plan.errors.append(f"{name}!B2: this workbook is of audit {state.get('audit_id')}, "
                           f"not audit {audit_id}")
        return {}
    if state.get("fingerprint") != layout.audit_fingerprint(store, audit_id):
        plan.errors.append(f"{name}!B3: this workbook is of an audit {audit_id} in another "
                           "database, not of this one")
        return {}
    def pair(row: tuple) -> tuple[str, list[str]]:
        key = read_text(row[0]) if row else ""
        joined = read_text(row[1]) if len(row) > 1 else ""
        return key, joined.split(layout.HASH_SEP)

    _, headers = pair(rows[layout.HASH_HEADER_ROW - 1]) if len(rows) >= \
        layout.HASH_HEADER_ROW else ("", [])
    exported: dict[str, dict[str, str]] = {}
    for row in rows[layout.HASH_HEADER_ROW:]:
        code, hashes = pair(row)
        if code:
            exported[code] = dict(zip(headers, hashes))
    return exported


# -- the Findings sheet ------------------------------------------------------------------


def _header_row(rows: list[tuple]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(read_text(v).strip().casefold() == layout.ID_HEADER.casefold() for v in row):
            return index
    return None


def _columns(row: tuple, number: int, plan: FollowupPlan) -> dict[str, int]:
    found: dict[str, int] = {}
    known = {h.casefold(): h for h in layout.HEADERS}
    for index, value in enumerate(row):
        header = known.get(read_text(value).strip().casefold())
        if header is None:
            continue
        if header in found:
            plan.errors.append(f"{SHEET}!{get_column_letter(index + 1)}{number}: a second "
                               f"'{header}' column; keep one")
        found[header] = index
    for header in layout.AUDITEE_HEADERS:
        if header not in found:
            plan.warnings.append(f"{SHEET}: no '{header}' column; that field is left as "
                                 "the audit has it")
    return found


def _read_findings(store, audit_id: int, rows: list[tuple],
                   exported: dict[str, dict[str, str]], plan: FollowupPlan,
                   window: tuple[date, date]) -> None:
    header_index = _header_row(rows)
    if header_index is None:
        plan.errors.append(f"{SHEET}!A1: no '{layout.ID_HEADER}' header; the import finds "
                           "findings by their id")
        return
    columns = _columns(rows[header_index], header_index + 1, plan)
    seen: dict[str, int] = {}
    id_col = columns[layout.ID_HEADER]
    compared = [h for h in columns if h != layout.ID_HEADER]
    # First the workbook alone: a row whose every cell is as exported needs no lookup in
    # the database; only the others (and ids the export does not know) are read.
    pending: list[tuple[str, int, dict[str, Any]]] = []
    idless: list[str] = []
    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        cells = {h: (row[i] if i < len(row) else None) for h, i in columns.items()}
        code = read_text(cells[layout.ID_HEADER]).strip()
        where = f"{SHEET}!{get_column_letter(id_col + 1)}{offset}"
        if not code:
            if any(read_text(cells.get(h)).strip() for h in layout.AUDITEE_HEADERS):
                if len(idless) < MAX_UNKNOWN_LISTED:
                    plan.warnings.append(f"{where}: a row without a finding id; it is ignored")
                idless.append(where)
            continue
        if code in seen:
            plan.errors.append(f"{where}: finding {code} appears again (first in row "
                               f"{seen[code]}); keep one row per finding")
            continue
        seen[code] = offset
        before = exported.get(code)
        if before is None or any(text_hash(read_text(cells[h])) != before.get(h)
                                 for h in compared):
            pending.append((code, offset, cells))
    if len(idless) > MAX_UNKNOWN_LISTED:
        plan.warnings.append(f"{idless[MAX_UNKNOWN_LISTED]}: and "
                             f"{len(idless) - MAX_UNKNOWN_LISTED:,} more rows without a "
                             f"finding id, down to {idless[-1].split('!')[-1]}; they are "
                             "ignored")
    if not pending:
        return
    findings = {f.code: f for f in store.findings(audit_id, codes=[p[0] for p in pending])}
    checklist = store.checklist(audit_id)
    unknown: list[str] = []
    for code, offset, cells in pending:
        finding = findings.get(code)
        if finding is None:
            where = f"{SHEET}!{get_column_letter(id_col + 1)}{offset}"
            if len(unknown) < MAX_UNKNOWN_LISTED:
                plan.errors.append(f"{where}: {_unknown(store, code, audit_id)}")
            unknown.append(where)
            continue
        before = exported.get(code) or _hashes_now(finding, checklist)
        for header in compared:
            cell = f"{SHEET}!{get_column_letter(columns[header] + 1)}{offset}"
            compare_cell(finding, header, cells[header], before.get(header), cell, plan, window)
    if len(unknown) > MAX_UNKNOWN_LISTED:
        more = len(unknown) - MAX_UNKNOWN_LISTED
        plan.errors.append(f"{unknown[MAX_UNKNOWN_LISTED]}: and {more:,} more finding ids "
                           "this audit does not have, down to "
                           f"{unknown[-1].split('!')[-1]}; finding ids must stay as exported")


def _unknown(store, code: str, audit_id: int) -> str:
    try:
        other = store.finding(code)
    except NotFound:
        return f"unknown finding id {code!r}; finding ids must stay as exported"
    return f"finding {code} belongs to audit {other.audit_id}, not audit {audit_id}"


def _hashes_now(finding: Finding, checklist) -> dict[str, str]:
    values = layout.finding_values(finding, checklist)
    return {h: text_hash(layout.shown_text(v)) for h, v in zip(layout.HEADERS[1:], values[1:])}


def _check_with_store(store, audit_id: int, plan: FollowupPlan) -> None:
    """Let the store judge the moves (responded needs a root cause and corrective action,
    implemented only after accepted, ...) and point each refusal at its cell."""
    cells = {(c.finding, c.field): c.cell for c in plan.changes}
    for code, name, reason in store.check_auditee_changes(audit_id, plan.by_finding()):
        cell = cells.get((code, name)) or next(
            (c.cell for c in plan.changes if c.finding == code), SHEET)
        plan.errors.append(f"{cell}: {reason}")

"""Shared by the workbook export and follow-up import tests: an audit with findings of
every kind and hostile texts everywhere, and a way to play the auditee with openpyxl."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

HOSTILE = [
    "=1+1",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "bell\x07 and nul\x00 and escape\x1b",
    "مراجعة الإجراء \u202eأ",
    "Root cause 👩‍💻🔥 ok",
    "x_x0041_y",
]
LONG_NOTE = "n" * 100_000


def build_audit(store, checklist, tmp_path: Path) -> tuple[int, dict[str, str]]:
    """An audit with a minor, a major, an observation and an OFI; hostile texts in
    every field a user types. Returns the audit id and the finding codes by grade."""
    audit = store.create_audit(
        checklist, title="=Internal audit 2026 / Q1", auditee="@Acme Soft",
        scope="+all products", site="-HQ", lead_auditor="\tLead", team="=A, B",
    )
    aid = audit.id
    evidence = tmp_path / "=cmd screenshot.png"
    evidence.write_bytes(b"\x89PNG fake screenshot")
    _, minor = store.record_result(
        aid, "4.1", "minor", statement=HOSTILE[0], requirement=HOSTILE[3],
        objective_evidence=HOSTILE[1], process_area=HOSTILE[5], files=[evidence],
    )
    _, major = store.record_result(aid, "8.3.4", "major", statement=HOSTILE[9],
                                   objective_evidence=HOSTILE[10])
    _, obs = store.record_result(aid, "8.6", "observation")
    _, ofi = store.record_result(aid, "4.2", "ofi")
    store.set_item_text(aid, "4.1", notes=" | ".join(HOSTILE), interviewees=HOSTILE[6],
                        documents=HOSTILE[2])
    store.set_item_text(aid, "8.6", notes=LONG_NOTE)
    store.update_finding(minor.code, {"statement": "\r=1+1 context review missing",
                                      "objective_evidence": HOSTILE[8]})
    store.update_finding(major.code, {"root_cause": HOSTILE[4], "owner": HOSTILE[7],
                                      "due_date": date(2026, 1, 15)})
    store.update_finding(obs.code, {"auditee_comment": HOSTILE[11]})
    store.add_evidence(aid, ref="8.6", kind="document", description=HOSTILE[0],
                       reference="=QM-01 rev 3")
    return aid, {"minor": minor.code, "major": major.code, "observation": obs.code,
                 "ofi": ofi.code}


def locate(ws, code: str, header: str):
    """The Findings cell of a finding and a column, found by id and header name."""
    headers = {c.value: c.column for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        if row[headers["Finding ID"] - 1].value == code:
            return ws.cell(row=row[0].row, column=headers[header])
    raise KeyError(code)


def fill(source: Path, target: Path, edits: dict[tuple[str, str], object]) -> Path:
    """Play the auditee: change Findings cells by finding id and header, save a copy.
    A text starting with `=` is typed as text (as after an apostrophe in Excel)."""
    wb = openpyxl.load_workbook(source)
    ws = wb["Findings"]
    for (code, header), value in edits.items():
        as_text(locate(ws, code, header), value)
    wb.save(target)
    return target


def as_text(cell, value):
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell

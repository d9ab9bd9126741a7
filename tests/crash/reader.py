"""A reader, exporter and importer for the concurrency test: while writers commit, it
builds the audit's document, exports the NC report workbook, writes an auditee comment
into the workbook and imports it back, over and over until the stop file appears.

    python tests/crash/reader.py --db FILE --audit ID --out DIR --stop FILE

Prints `READ`, `EXPORT`, `IMPORT {"finding": code, "comment": token}` for an applied
import, `REFUSED {"reason": line}` for an import the store or the plan refused (a clear
refusal is allowed: a writer may have changed the finding since the export).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from auditor.domain.errors import AuditorError
from auditor.domain.store import Store
from auditor.domain.views import audit_document


def say(kind: str, payload: dict | None = None) -> None:
    sys.stdout.write(f"{kind} {json.dumps(payload or {})}\n")
    sys.stdout.flush()


def comment_first_finding(path: Path, comment: str) -> str | None:
    """Write `comment` into the first finding's Auditee comment cell; its id, or None."""
    import openpyxl

    from auditor.exchange import workbook_layout as layout

    wb = openpyxl.load_workbook(path)
    ws = wb[layout.FINDINGS_SHEET]
    for row in ws.iter_rows(min_row=1, max_row=30):
        headers = [c.value for c in row]
        if layout.ID_HEADER in headers and "Auditee comment" in headers:
            id_col = headers.index(layout.ID_HEADER)
            col = headers.index("Auditee comment")
            first = ws.cell(row=row[0].row + 1, column=id_col + 1).value
            if not first:
                return None
            ws.cell(row=row[0].row + 1, column=col + 1).value = comment
            wb.save(path)
            return str(first)
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--audit", required=True, type=int)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--stop", required=True, type=Path)
    args = parser.parse_args()
    from auditor.exchange.followup_import import apply_followup, plan_followup
    from auditor.exchange.workbook_export import export_workbook

    store = Store.open(f"sqlite:///{args.db}", args.db.parent / "evidence", "reader")
    args.out.mkdir(exist_ok=True)
    say("READY")
    n = 0
    while not args.stop.exists():
        n += 1
        audit_document(store, args.audit)
        say("READ")
        path = export_workbook(store, args.audit, args.out / f"report-{os.getpid()}-{n}.xlsx")
        say("EXPORT")
        comment = f"comment {os.getpid()}-{n}"
        code = comment_first_finding(path, comment)
        if code is None:
            continue
        try:
            plan = plan_followup(store, args.audit, path)
            if plan.errors:
                say("REFUSED", {"reason": plan.errors[0]})
                continue
            apply_followup(store, args.audit, plan)
            say("IMPORT", {"finding": code, "comment": comment})
        except AuditorError as exc:
            say("REFUSED", {"reason": str(exc).splitlines()[0]})
        finally:
            path.unlink()
    store.close()
    say("DONE", {"rounds": n})
    return 0


if __name__ == "__main__":
    sys.exit(main())

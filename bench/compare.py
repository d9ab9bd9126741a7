"""Surveillance costs, each beside a baseline measured in the same run.

1. Comparison: `compare_audits` of two audits of 1,500 items and 500 findings each,
   beside loading the same rows (both audits' item results and findings) with raw
   sqlite3 on one open connection. Target: within 3x.
2. History: `audits list` (`Store.audit_summaries`) and opening one audit (what the
   audit screen loads: audit, checklist, results, findings, evidence, previous results
   and previous open findings; and `audit_document`, the `audits show --json` view) on a
   database of 1,000 audits beside one of 10. Target: within 1.5x, that is, the cost does
   not grow with history. The list shows every audit, so its cost is compared per audit
   listed; opening one audit is compared as it is.

Rows are put in place with bulk inserts (the setup is not what is measured); every
measured call goes through the store as the application makes it.

    python bench/compare.py [--repeat 50] [--dir FOLDER]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from auditor.domain.checklist import Checklist
from auditor.domain.compare import compare_audits
from auditor.domain.models import Finding, ItemResult
from auditor.domain.store import Store
from auditor.domain.views import audit_document
from auditor.exchange import library

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
RESULTS = ("conform", "conform", "conform", "ofi", "observation", "minor", "major", "na",
           "not_assessed")
GRADES = ("minor", "major", "observation", "ofi")
TEXT_FIELDS = ("requirement", "objective_evidence", "process_area", "root_cause", "correction",
               "corrective_action", "owner", "auditee_comment", "verified_by",
               "verification_note")
STATUSES = ("open", "responded", "accepted", "implemented", "closed", "not_effective")


def paired(measured, baseline, repeat: int) -> tuple[float, float]:
    """Median times of two calls, run alternately so that both see the same machine (other
    work on it slows both alike)."""
    measured(), baseline()  # warm: caches, prepared statements, the parsed snapshot
    a, b = [], []
    for _ in range(repeat):
        for fn, samples in ((measured, a), (baseline, b)):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def open_store(path: Path) -> Store:
    return Store.open(f"sqlite:///{path}", path.parent / "evidence", "bench",
                      clock=lambda: NOW)


def big_checklist(items: int) -> Checklist:
    per_group = 50
    groups = [{"ref": f"G{g}", "title": f"Clause {g}", "children": [
        {"ref": f"{g}.{i}", "title": f"Requirement {g}.{i}", "prompts": ["How?"]}
        for i in range(1, per_group + 1)]} for g in range(1, items // per_group + 1)]
    return Checklist.from_dict({"id": "bench", "title": "Bench", "standard": "ISO 9001:2015",
                                "version": "1", "items": groups})


def fill(store: Store, audit_id: int, refs: list[str], findings: int, seed: int,
         code_prefix: str, repeat_of: list[str] | None = None) -> list[str]:
    """Results on every ref and `findings` findings, in one transaction."""
    item_rows = [{"audit_id": audit_id, "ref": ref, "result": RESULTS[(i + seed) % len(RESULTS)],
                  "notes": f"note {i}", "interviewees": "", "documents": "", "updated_at": NOW}
                 for i, ref in enumerate(refs)]
    codes = [f"{code_prefix}-{audit_id}-{n:04d}" for n in range(findings)]
    finding_rows = [{
        "code": code, "audit_id": audit_id, "ref": refs[(n * 3 + seed) % len(refs)],
        "grade": GRADES[n % len(GRADES)], "statement": f"Statement {n}",
        "status": STATUSES[(n + seed) % len(STATUSES)], "created_at": NOW, "updated_at": NOW,
        "repeat_of": repeat_of[n] if repeat_of and n % 5 == 0 else None,
        **dict.fromkeys(TEXT_FIELDS, ""),
    } for n, code in enumerate(codes)]
    with store.writing() as uow:
        session = uow.session
        session.execute(insert(ItemResult), item_rows)
        session.execute(insert(Finding), finding_rows)
    return codes


# -- 1. comparison ------------------------------------------------------------------------


def raw_load(conn: sqlite3.Connection, old_id: int, new_id: int):
    audits = conn.execute("SELECT * FROM audit WHERE id IN (?, ?)", (old_id, new_id)).fetchall()
    items = conn.execute("SELECT audit_id, ref, result FROM item_result WHERE audit_id IN "
                         "(?, ?)", (old_id, new_id)).fetchall()
    findings = conn.execute("SELECT audit_id, code, ref, grade, statement, status, repeat_of "
                            "FROM finding WHERE audit_id IN (?, ?)",
                            (old_id, new_id)).fetchall()
    return audits, items, findings


def bench_comparison(folder: Path, repeat: int) -> tuple[float, float]:
    path = folder / "compare.db"
    store = open_store(path)
    checklist = big_checklist(1500)
    refs = [i.ref for i in checklist.assessable_items()]
    old = store.create_audit(checklist, title="2025", auditee="Bench Ltd")
    old_codes = fill(store, old.id, refs, 500, 0, "OLD")
    new = store.create_audit(checklist, title="2026", auditee="Bench Ltd", previous_id=old.id)
    fill(store, new.id, refs, 500, 4, "NEW", repeat_of=old_codes)
    result = compare_audits(store, old.id, new.id)
    assert len(result.items) == 1500 and len(result.findings) >= 400, result.summary
    conn = sqlite3.connect(path)
    try:
        store_t, raw_t = paired(lambda: compare_audits(store, old.id, new.id),
                                lambda: raw_load(conn, old.id, new.id), repeat)
    finally:
        conn.close()
        store.close()
    return store_t, raw_t


# -- 2. history ---------------------------------------------------------------------------


def history_db(path: Path, audits: int, per_auditee: int = 5) -> tuple[Store, int]:
    """`audits` audits on ISO 9001, in chains of `per_auditee` per auditee, each with a
    result on every item and a few findings; returns the store and the last audit made
    (one that follows another)."""
    store = open_store(path)
    checklist = library.find("iso9001-2015")
    refs = [i.ref for i in checklist.assessable_items()]
    previous = None
    last = None
    for n in range(audits):
        if n % per_auditee == 0:
            previous = None
        audit = store.create_audit(checklist, title=f"Audit {n}", auditee=f"Org {n // per_auditee}",
                                   previous_id=previous)
        fill(store, audit.id, refs, 8, n, "F")
        previous = last = audit.id
    return store, last


def open_audit(store: Store, audit_id: int) -> None:
    store.audit(audit_id)
    store.checklist(audit_id)
    store.results(audit_id)
    store.findings(audit_id)
    store.evidence(audit_id)
    store.previous_results(audit_id)
    store.previous_open_findings(audit_id)


def bench_history(folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    small, small_id = history_db(folder / "ten.db", 10)
    large, large_id = history_db(folder / "thousand.db", 1000)
    try:
        timings = {}
        for name, fn in (("audits list", lambda s, a: s.audit_summaries()),
                         ("open audit (screen)", open_audit),
                         ("audit_document", audit_document)):
            timings[name] = paired(lambda fn=fn: fn(small, small_id),
                                   lambda fn=fn: fn(large, large_id), repeat)
        return timings
    finally:
        small.close()
        large.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per measure")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the databases")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="auditor-bench-") as tmp:
        folder = Path(tmp)
        store_t, raw_t = bench_comparison(folder, args.repeat)
        history = bench_history(folder, args.repeat)
    ok = True
    ratio = store_t / raw_t
    ok &= ratio <= 3
    print(f"compare 1,500 items + 500 findings each: store {store_t * 1e3:.2f} ms, raw sqlite3 "
          f"{raw_t * 1e3:.2f} ms, ratio {ratio:.2f} (target <= 3)")
    for name, (t10, t1000) in history.items():
        if name == "audits list":
            per10, per1000 = t10 / 10, t1000 / 1000
            ratio = per1000 / per10
            print(f"{name}: 10 audits {t10 * 1e3:.2f} ms ({per10 * 1e3:.3f} ms/audit), "
                  f"1,000 audits {t1000 * 1e3:.2f} ms ({per1000 * 1e3:.3f} ms/audit), "
                  f"ratio per audit {ratio:.2f} (target <= 1.5)")
        else:
            ratio = t1000 / t10
            print(f"{name}: 10 audits {t10 * 1e3:.2f} ms, 1,000 audits {t1000 * 1e3:.2f} ms, "
                  f"ratio {ratio:.2f} (target <= 1.5)")
        ok &= ratio <= 1.5
    print("all within target" if ok else "NOT all within target")
    return 0


if __name__ == "__main__":
    sys.exit(main())

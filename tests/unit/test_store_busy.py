"""A store with a short wait refuses a write under another program's lock whole, with
StoreBusy (the TUI's store; tests/ui/test_busy_database.py drives the app)."""

from __future__ import annotations

import subprocess
import sys
import time

from auditor.domain.store import Store

HOLDER = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")
print("released", flush=True)
"""


def test_a_write_past_the_wait_is_refused_whole_and_says_so(tmp_path, mini_checklist):
    from auditor.domain.errors import StoreBusy

    db = tmp_path / "busy.db"
    store = Store.open(f"sqlite:///{db}", tmp_path / "evidence", "tester",
                       busy_timeout_ms=100)
    audit = store.create_audit(mini_checklist, title="Busy", auditee="Acme Soft")
    before = len(store.history())
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), "3"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        try:
            store.record_result(audit.id, "4.1", "minor", statement="No review")
        except StoreBusy as exc:
            assert "another program is writing" in str(exc)
        else:
            raise AssertionError("a write under another program's lock went through")
        assert time.monotonic() - started < 2
    finally:
        holder.kill()
        holder.wait()
    assert len(store.history()) == before and store.findings(audit.id) == []
    store.close()

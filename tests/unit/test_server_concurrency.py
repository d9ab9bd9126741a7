"""Eight processes record into one audit on the server at once (the crash driver, through
the real store): nobody fails, no acknowledged write is lost, human finding ids never
collide, and `auditor audits verify` passes on the one hash chain they made together."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crash"))
import crash_harness as h

WRITERS = 8
OPS_PER_WRITER = 30


def report(request, line: str) -> None:
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n{line}")


def test_eight_writers_into_one_audit_on_the_server(pg_url, tmp_path, request):
    from auditor.domain.store import Store
    from auditor.exchange import library

    evidence = tmp_path / "evidence"
    store = Store.open(pg_url, evidence, "setup")
    try:
        audit = store.create_audit(library.find("iso9001-2015"), title="Shared on the server",
                                   auditee="Acme Soft").id
    finally:
        store.close()
    env = h.child_env(AUDITOR_EVIDENCE=str(evidence))
    started = time.monotonic()
    writers = [h.spawn(h.driver_args(pg_url, evidence, seed, "--audit", str(audit), "--ops",
                                     str(OPS_PER_WRITER), "--tag", f"w{seed}", "--scratch",
                                     str(tmp_path)), env)
               for seed in range(1, WRITERS + 1)]
    runs = [h.collect(w, timeout=600) for w in writers]
    seconds = time.monotonic() - started
    ledger = h.Ledger()
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert len(run.records("ACK")) + len(run.records("REFUSED")) == OPS_PER_WRITER
        ledger.take(run)
    store = Store.open(pg_url, evidence, "checker")
    try:
        checked = ledger.check_logged(store)
        codes = [f.code for f in store.findings(audit)]
        assert len(codes) == len(set(codes))
        for run in runs:
            for ack in run.records("ACK"):
                if ack.get("finding"):
                    assert ack["finding"] in codes
        entries = len(store.history(audit_id=audit))
    finally:
        store.close()
    done = subprocess.run(
        [h.PYTHON, "-m", "auditor", "--db", pg_url, "audits", "verify", str(audit)],
        capture_output=True, text=True, cwd=h.ROOT, timeout=300,
        env=h.child_env(AUDITOR_HOME=str(tmp_path / "home"), AUDITOR_EVIDENCE=str(evidence)))
    assert done.returncode == 0, done.stderr + done.stdout
    acks = sum(len(r.records("ACK")) for r in runs)
    report(request, f"server concurrency: {WRITERS} writer processes on one audit, {acks} "
                    f"writes acknowledged, {len(codes)} findings with distinct ids, "
                    f"{entries} log entries, {checked} values checked, verify passed; "
                    f"{seconds:.1f}s")

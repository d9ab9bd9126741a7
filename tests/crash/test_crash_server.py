"""A writer connected to the team's PostgreSQL server, killed with SIGKILL at random
moments: during start-up, and between or inside its commits. After every kill the
database holds every change the writer acknowledged (the change cut short is wholly there
or wholly absent), and at the end `auditor audits verify` passes on every audit.

The server itself is not killed: what a client's death may leave is an open transaction,
which the server rolls back when the connection drops (and the advisory lock with it).

The suite's run kills 12 times; the long run (`-m crash`, as for SQLite's) at least 50:

    .venv/bin/pytest -q -m crash tests/crash/test_crash_server.py
    AUDITOR_SERVER_KILLS=200 .venv/bin/pytest -q -m crash tests/crash/test_crash_server.py
"""

from __future__ import annotations

import os
import random
import subprocess
import time

import crash_harness as h
import pytest

SHORT_KILLS = 12
LONG_KILLS = max(50, int(os.environ.get("AUDITOR_SERVER_KILLS") or 50))


def test_writers_killed_on_the_server_lose_nothing_acknowledged(pg_url, tmp_path, figures):
    campaign(pg_url, tmp_path, figures, SHORT_KILLS, "short")


@pytest.mark.crash
@pytest.mark.timeout(4 * 3600)  # 5 to 15 s a kill, by the machine's load
def test_long_run_of_writers_killed_on_the_server(pg_url, tmp_path, figures):
    campaign(pg_url, tmp_path, figures, LONG_KILLS, "long")


def campaign(pg_url, tmp_path, figures, kills_wanted: int, name: str) -> None:
    from auditor.domain.store import Store

    seed = int(os.environ.get("AUDITOR_CRASH_SEED") or time.time())
    rng = random.Random(seed)
    evidence = tmp_path / "evidence"
    env = h.child_env(AUDITOR_EVIDENCE=str(evidence), AUDITOR_HOME=str(tmp_path / "home"))
    ledger = h.Ledger()
    kills = early = checked = 0
    start = time.monotonic()
    while kills < kills_wanted:
        args = h.driver_args(pg_url, evidence, seed * 1000 + kills, "--scratch",
                             str(tmp_path))
        if rng.random() < 0.2:  # during start-up: imports, connecting, the first writes
            run = h.collect(h.spawn(args, env), kill_after=rng.uniform(0.05, 1.5))
            early += 1
        else:  # after some acknowledged changes, at a random moment of the next ones
            run = h.collect(h.spawn(args, env), kill_after=rng.uniform(0.0, 0.05),
                            wait_for="ACK", count=rng.randrange(1, 30))
        assert run.killed, f"the writer ended by itself ({run.returncode}): {run.stderr}"
        assert "Traceback" not in run.stderr, run.stderr
        ledger.take(run)
        kills += 1
        store = Store.open(pg_url, evidence, "crash-checker")
        try:
            checked += ledger.check(store)
        finally:
            store.close()
    store = Store.open(pg_url, evidence, "crash-checker")
    try:
        audits = [a.id for a in store.audits()]
        entries = len(store.history())
    finally:
        store.close()
    for audit in audits:
        done = subprocess.run(
            [h.PYTHON, "-m", "auditor", "--db", pg_url, "audits", "verify", str(audit)],
            capture_output=True, text=True, cwd=h.ROOT, env=env, timeout=300)
        assert done.returncode == 0, f"audits verify {audit}: {done.stderr.strip()}"
    figures(f"crash on the server ({name}, seed {seed}): {kills} kills survived ({early} during "
            f"start-up); {ledger.acks} acknowledged changes, {checked} values checked after "
            f"kills, {ledger.ambiguous} changes cut short; {len(audits)} audits, {entries} "
            f"log entries; `audits verify` passed on each; {time.monotonic() - start:.0f}s")
    assert ledger.acks > kills, "the writers acknowledged almost nothing before the kills"

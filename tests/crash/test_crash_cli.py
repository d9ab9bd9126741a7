"""Crash safety: writers killed with SIGKILL at random moments lose nothing acknowledged.

Two kinds of writer are killed, at random:
- `driver.py`, a long-running process that records results, notes, interviewees,
  findings, status moves and evidence files through the Store and prints ACK after each
  commit; killed during start-up (migration included) or while writing;
- the real command line, `python -m auditor --db FILE record ...` and
  `... findings set ...`, killed while it runs; it acknowledges by exiting 0.
After each kill: `PRAGMA integrity_check` is ok, the store opens, every audit's document
builds, its change log and evidence verify, and every acknowledged change is there (the
one change cut short is wholly there or wholly absent). Every so often, and at the end,
`auditor audits verify` runs on each audit through the real command line.

The short run is in the normal suite. The long run (at least 100 kills; set the number
with AUDITOR_CRASH_KILLS, default 120):

    .venv/bin/pytest -q -p no:cacheprovider -m crash tests/crash

or, with another number of kills:

    AUDITOR_CRASH_KILLS=300 .venv/bin/pytest -q -p no:cacheprovider -m crash tests/crash

The figures (kills survived, acknowledged changes, values checked) are printed in the
"reliability figures" section at the end of the run.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import crash_harness as h
import pytest

SHORT_KILLS = 12
LONG_KILLS = 120
CLI_VERIFY_EVERY = 25


@dataclass
class Campaign:
    db: Path
    home: Path
    rng: random.Random
    ledger: h.Ledger = field(default_factory=h.Ledger)
    kills: int = 0
    driver_kills: int = 0
    cli_kills: int = 0
    early_kills: int = 0
    cli_runs: int = 0
    values_checked: int = 0
    cli_verifies: int = 0
    cli_seconds: list = field(default_factory=list)

    @property
    def evidence(self) -> Path:
        return self.db.parent / "evidence"

    # -- one writer, killed ----------------------------------------------------------

    def kill_driver(self, seed: int) -> None:
        # A new database appears only once it is whole: until then, half the runs are
        # killed while it is being built, the others once they wrote something.
        early = self.rng.random() < (0.2 if self.db.exists() else 0.5)
        if early:  # during start-up: imports, opening, the first migration, first writes
            run = h.collect(h.spawn(h.driver_args(self.db, self.evidence, seed)),
                            kill_after=self.rng.uniform(0.05, 1.2))
        else:  # after some acknowledged changes, at a random moment of the next ones
            run = h.collect(h.spawn(h.driver_args(self.db, self.evidence, seed)),
                            kill_after=self.rng.uniform(0.0, 0.05), wait_for="ACK",
                            count=self.rng.randrange(1, 40))
        assert run.killed, f"the driver ended by itself ({run.returncode}): {run.stderr}"
        self.ledger.take(run)
        self.kills += 1
        self.driver_kills += 1
        self.early_kills += early

    def cli_command(self) -> tuple[list[str], list, list] | None:
        """A command for the real command line, with what it promises once it exits 0."""
        from auditor.domain.store import Store
        from auditor.domain.vocab import AuditStatus, allowed_moves

        store = Store.open(f"sqlite:///{self.db}", self.evidence, "crash-checker")
        try:
            audits = [a for a in store.audits() if a.status != AuditStatus.CLOSED]
            if not audits:
                return None
            audit = self.rng.choice(audits).id
            findings = store.findings(audit)
        finally:
            store.close()
        if findings and self.rng.random() < 0.3:
            finding = self.rng.choice(findings)
            moves = sorted(allowed_moves(finding.status, finding.grade, by_auditee=False))
            if moves:
                status = self.rng.choice(moves).value
                return (["findings", "set", finding.code, "--status", status, "--note", "cli"],
                        [[["finding", finding.code, "status"], status]], [])
        ref = self.rng.choice(h_refs())
        result = self.rng.choice(("conform", "na", "ofi", "observation", "minor"))
        token = f"cli-{self.cli_runs}-{self.rng.randrange(10**9)}"
        args = ["record", str(audit), ref, "--result", result, "--note", token]
        if result == "minor":
            args += ["--statement", f"statement {token}"]
        return args, [[["result", audit, ref], result]], [[["note", audit, ref], token]]

    def kill_cli(self) -> bool:
        chosen = self.cli_command()
        if chosen is None:
            return False
        args, expect, tokens = chosen
        self.cli_runs += 1
        cmd = [h.PYTHON, "-m", "auditor", "--db", str(self.db), *args]
        env = h.child_env(AUDITOR_HOME=str(self.home))
        typical = statistics.median(self.cli_seconds) if self.cli_seconds else None
        start = time.monotonic()
        if typical is None:  # learn how long a command takes before aiming at its commit
            run = h.collect(h.spawn(cmd, env))
        else:
            run = h.collect(h.spawn(cmd, env), kill_after=self.rng.uniform(0.4, 1.1) * typical)
        if run.killed:
            self.ledger.cut_short(expect)
            self.kills += 1
            self.cli_kills += 1
        else:
            assert run.returncode == 0, f"{' '.join(args)}: {run.stderr.strip()}"
            self.cli_seconds.append(time.monotonic() - start)
            self.ledger.acknowledge(expect, tokens)
        return run.killed

    # -- after each kill -------------------------------------------------------------

    def check(self) -> None:
        if not self.db.exists():
            return
        assert h.integrity(self.db) == "ok"
        from auditor.domain.store import Store

        store = Store.open(f"sqlite:///{self.db}", self.evidence, "crash-checker")
        try:
            self.values_checked += self.ledger.check(store)
        finally:
            store.close()
        h.check_opens(self.db, self.evidence)

    def run(self, kills: int, seed: int) -> None:
        step = 0
        while self.kills < kills:
            step += 1
            before = self.kills
            if self.db.exists() and self.rng.random() < 0.3:
                self.kill_cli()
            else:
                self.kill_driver(seed * 10_000 + step)
            if self.kills != before:
                self.check()
                if self.kills % CLI_VERIFY_EVERY == 0:
                    self.cli_verifies += h.verify_with_cli(self.db, self.home)
        self.cli_verifies += h.verify_with_cli(self.db, self.home)

    def figures(self, name: str, seconds: float) -> str:
        audits, entries = h.check_opens(self.db, self.evidence)
        return (f"{name}: {self.kills} kills survived ({self.driver_kills} store writer, "
                f"{self.early_kills} of them during start-up; {self.cli_kills} command line "
                f"of {self.cli_runs} runs); {self.ledger.acks} acknowledged changes, "
                f"{self.values_checked} values checked after kills, {self.ledger.ambiguous} "
                f"changes cut short; {audits} audits, {entries} log entries; "
                f"{self.cli_verifies} `audits verify` runs passed; {seconds:.0f}s")


def h_refs() -> tuple[str, ...]:
    import driver

    return driver.REFS


def campaign(tmp_path: Path, kills: int, seed: int) -> Campaign:
    home = tmp_path / "home"
    home.mkdir()
    c = Campaign(db=tmp_path / "crash.db", home=home, rng=random.Random(seed))
    c.run(kills, seed)
    return c


def test_short_crash_run_loses_nothing_acknowledged(tmp_path, figures):
    seed = int(os.environ.get("AUDITOR_CRASH_SEED", "20260302"))
    start = time.monotonic()
    c = campaign(tmp_path, SHORT_KILLS, seed)
    figures(c.figures(f"crash (short, seed {seed})", time.monotonic() - start))
    assert c.kills >= SHORT_KILLS
    assert c.ledger.acks > c.kills, "the writers acknowledged almost nothing before the kills"


@pytest.mark.crash
@pytest.mark.timeout(6 * 3600)  # 2.5 to 6 s a kill; the suite's 300 s is for the short run
def test_long_crash_run_loses_nothing_acknowledged(tmp_path, figures):
    kills = int(os.environ.get("AUDITOR_CRASH_KILLS") or LONG_KILLS)
    seed = int(os.environ.get("AUDITOR_CRASH_SEED") or time.time())
    start = time.monotonic()
    c = campaign(tmp_path, kills, seed)
    figures(c.figures(f"crash (long, seed {seed})", time.monotonic() - start))
    assert c.kills >= kills

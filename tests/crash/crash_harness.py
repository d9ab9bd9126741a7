"""Running writer processes, killing them, and checking what they acknowledged.

Used by tests/crash/test_crash_cli.py and tests/unit/test_concurrency.py. A `Ledger`
reads the INTENT/ACK lines of `driver.py` (or the outcome of a real `auditor` command)
and knows, for every value key, which values the database may hold: the last
acknowledged one, plus the announced one of a change whose process died before its ACK.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("driver.py")
PYTHON = sys.executable
ANY = object()  # a key whose value is not known (a change to it was cut short)


def key_of(raw) -> tuple:
    return tuple(raw)


@dataclass
class Run:
    """One process's output lines and how it ended."""

    lines: list[str]
    returncode: int
    killed: bool
    stderr: str = ""

    def records(self, kind: str) -> list[dict]:
        out = []
        for line in self.lines:
            head, _, body = line.partition(" ")
            if head != kind:
                continue
            try:
                out.append(json.loads(body))
            except json.JSONDecodeError:  # a line cut by the kill: not acknowledged
                continue
        return out


def spawn(args: list[str], env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=env if env is not None else child_env(),
    )


def child_env(**extra: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("AUDITOR_USER", "crash-tester")
    env.update(extra)
    return env


def collect(proc: subprocess.Popen, *, kill_after: float | None = None,
            wait_for: str | None = None, count: int = 1, timeout: float = 120) -> Run:
    """Read a process's stdout; SIGKILL it `kill_after` seconds after start (or after the
    `count`-th line starting with `wait_for`), else wait for it to end."""
    lines: list[str] = []
    seen = threading.Event()

    def pump():
        found = 0
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if wait_for and line.startswith(wait_for):
                found += 1
                if found >= count:
                    seen.set()
        seen.set()  # the process ended before: nothing more to wait for

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    killed = False
    if kill_after is not None:
        if wait_for:
            seen.wait(timeout)
        deadline = time.monotonic() + kill_after
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(min(0.005, max(0.0, deadline - time.monotonic())))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"process {proc.args} did not end within {timeout}s") from None
    reader.join(timeout=10)
    stderr = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    return Run(lines, proc.returncode, killed and proc.returncode == -signal.SIGKILL, stderr)


def driver_args(db: Path, evidence: Path, seed: int, *extra: str) -> list[str]:
    return [PYTHON, str(DRIVER), "--db", str(db), "--evidence", str(evidence),
            "--seed", str(seed), *extra]


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@dataclass
class Ledger:
    """What the database must hold, learnt from acknowledgements."""

    values: dict[tuple, set] = field(default_factory=dict)
    last_acked: dict[tuple, str] = field(default_factory=dict)
    tokens: dict[tuple, set] = field(default_factory=dict)
    acks: int = 0
    ambiguous: int = 0

    def acknowledge(self, expect, tokens) -> None:
        self.acks += 1
        for raw, value in expect:
            self.values[key_of(raw)] = {value}
            self.last_acked[key_of(raw)] = value
        for raw, token in tokens:
            self.tokens.setdefault(key_of(raw), set()).add(token)

    def cut_short(self, expect) -> None:
        """A change announced but not acknowledged: it may or may not be there."""
        self.ambiguous += 1
        for raw, value in expect:
            key = key_of(raw)
            known = self.values.get(key)
            if known is None or known is ANY:
                self.values[key] = ANY
            else:
                known.add(value)

    def take(self, run: Run) -> None:
        """Learn from a driver's lines: every ACK counts; a last INTENT without its ACK
        is a change that may or may not have been committed."""
        acked = {refused["n"] for refused in run.records("REFUSED")}  # changed nothing
        for ack in run.records("ACK"):
            acked.add(ack["n"])
            self.acknowledge(ack["expect"], ack["tokens"])
        for intent in run.records("INTENT"):
            if intent["n"] not in acked:
                self.cut_short(intent["expect"])

    def check(self, store) -> int:
        """Assert that the database holds every acknowledged change; then settle the
        ambiguous keys on what is there. Returns the number of values checked."""
        checked = 0
        for key, allowed in sorted(self.values.items(), key=lambda kv: repr(kv[0])):
            actual = read_value(store, key)
            if allowed is not ANY:
                assert actual in allowed, (
                    f"{key}: the database holds {actual!r}, acknowledged {sorted(allowed)}")
                checked += 1
            self.values[key] = {actual}
        for key, wanted in sorted(self.tokens.items(), key=lambda kv: repr(kv[0])):
            present = read_tokens(store, key)
            missing = wanted - present
            assert not missing, f"{key}: acknowledged {sorted(missing)} missing"
            checked += len(wanted)
        return checked

    def check_logged(self, store) -> int:
        """For writers that overwrite each other: every acknowledged value must have been
        written (a change-log entry with that new value), every token must be there."""
        logged: dict[tuple, set] = {}
        for entry in store.history():
            key = log_key(entry)
            if key is not None:
                logged.setdefault(key, set()).add(entry.new)
        checked = 0
        for key, value in self.last_acked.items():
            assert value in logged.get(key, set()), f"{key}: {value!r} never written"
            checked += 1
        for key, wanted in self.tokens.items():
            missing = wanted - read_tokens(store, key)
            assert not missing, f"{key}: acknowledged {sorted(missing)} missing"
            checked += len(wanted)
        return checked


def log_key(entry) -> tuple | None:
    if entry.entity == "item" and entry.field == "result":
        return ("result", entry.audit_id, entry.entity_id)
    if entry.entity == "item" and entry.field in ("interviewees", "documents"):
        return ("text", entry.audit_id, entry.entity_id, entry.field)
    if entry.entity == "finding":
        return ("finding", entry.entity_id, entry.field)
    if entry.entity == "audit" and entry.field == "status":
        return ("status", int(entry.entity_id))
    return None


def read_value(store, key: tuple):
    kind = key[0]
    if kind == "result":
        row = store.results(key[1]).get(key[2])
        return row.result if row else "not_assessed"
    if kind == "text":
        row = store.results(key[1]).get(key[2])
        return getattr(row, key[3]) if row else ""
    if kind == "finding":
        return str(getattr(store.finding(key[1]), key[2]))
    if kind == "status":
        return str(store.audit(key[1]).status)
    raise ValueError(f"unknown key {key}")


def read_tokens(store, key: tuple) -> set:
    from auditor.domain.evidence import file_sha256

    kind = key[0]
    if kind == "note":
        row = store.results(key[1]).get(key[2])
        return set(row.notes.split("\n")) if row else set()
    if kind == "evidence":
        found = set()
        for item in store.evidence(key[1]):
            if item.sha256 == key[2]:
                path = store.evidence_path(item)
                assert path.is_file() and file_sha256(path) == item.sha256, (
                    f"evidence {item.id}: file missing or changed")
                found.add(item.description)
        return found
    raise ValueError(f"unknown token key {key}")


def check_opens(db: Path, evidence: Path) -> tuple[int, int]:
    """The app opens the database normally: every audit's document builds and its change
    log and evidence verify. Returns (audits, log entries)."""
    from auditor.domain.store import Store
    from auditor.domain.views import audit_document

    store = Store.open(f"sqlite:///{db}", evidence, "crash-checker")
    try:
        entries = 0
        audits = store.audits()
        for audit in audits:
            doc = audit_document(store, audit.id)
            assert doc["id"] == audit.id
            report = store.verify_audit(audit.id)
            assert report["problems"] == [], report["problems"]
            entries += report["entries"]
        return len(audits), entries
    finally:
        store.close()


def verify_with_cli(db: Path, home: Path) -> int:
    """`auditor audits verify` on every audit, through the real command line."""
    from auditor.domain.store import Store

    store = Store.open(f"sqlite:///{db}", db.parent / "evidence", "crash-checker")
    try:
        ids = [a.id for a in store.audits()]
    finally:
        store.close()
    for audit in ids:
        done = subprocess.run(
            [PYTHON, "-m", "auditor", "--db", str(db), "audits", "verify", str(audit)],
            capture_output=True, text=True, cwd=ROOT, env=child_env(AUDITOR_HOME=str(home)),
            timeout=120,
        )
        assert done.returncode == 0, f"audits verify {audit}: {done.stderr.strip()}"
    return len(ids)

"""The autosave promise in a real terminal: a note typed without pausing is written at
most `SAVE_WITHIN` (0.5 s) after any key, even while typing goes on
(auditor/ui/widgets/item_notes.py).

A steady typist in tmux (`send-keys -l`, one character every 0.125 s, 8 keys/s) writes the
first item's note; the app is SIGKILLed at a random moment 1.5 to 5 s into the typing; the
stored note, read straight from the SQLite file, must be a prefix of what was typed, and
every key sent more than `ALLOWED` (the 0.5 s promise plus 0.1 s for tmux to deliver the
key and the terminal to hand it to the app) before the kill must be in it. Each kill has
a fresh copy of one new database and its own app and tmux server.

`AUDITOR_E2E_KILLS` (default 20) and `AUDITOR_E2E_SEED` (default 2026) change the run.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from terminal import AUDITOR, Terminal, items, new_audit

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

KILLS = int(os.environ.get("AUDITOR_E2E_KILLS", "20"))
SEED = int(os.environ.get("AUDITOR_E2E_SEED", "2026"))
KEY_EVERY = 0.125  # 8 keys a second
KILL_BETWEEN = (1.5, 5.0)  # seconds into the typing
ALLOWED = 0.6  # SAVE_WITHIN (0.5 s) + delivery through tmux

# Longer than 5 s of typing (40 keys), with no ';' (tmux would read it as a separator).
NOTE = ("Interviewed the QA lead about release 4.2: the supplier list was last reviewed "
        "in March 2026, SLA terms (99.9%) checked by J. Doe, no minutes kept.")
assert len(NOTE) > KILL_BETWEEN[1] / KEY_EVERY + 10


def stored_note(db: Path, audit_id: int, ref: str) -> str:
    """The note as the database holds it (read-only, committed data only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT notes FROM item_result WHERE audit_id = ? AND ref = ?",
                           (audit_id, ref)).fetchone()
    finally:
        conn.close()
    return row[0] if row else ""


def type_then_kill(terminal: Terminal, kill_after: float) -> tuple[list[float], float]:
    """Type NOTE at 8 keys/s, SIGKILL the app `kill_after` seconds after the first key;
    the monotonic send time of each key and the moment of the kill."""
    sent: list[float] = []
    start = time.monotonic()
    kill_at = start + kill_after
    for n, char in enumerate(NOTE):
        due = start + n * KEY_EVERY
        if due >= kill_at:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        sent.append(time.monotonic())
        terminal.tmux("send-keys", "-t", terminal.session, "-l", "--", char)
    else:
        raise AssertionError("NOTE is too short for the kill moment")
    time.sleep(max(0.0, kill_at - time.monotonic()))
    killed = time.monotonic()
    os.kill(terminal.app_pid, signal.SIGKILL)
    return sent, killed


def test_a_note_typed_without_pausing_is_written_within_half_a_second(tmp_path, env,
                                                                         capsys):
    began = time.monotonic()
    audit_id = new_audit(env)
    template = tmp_path / "home" / "auditor.db"
    rng = random.Random(SEED)
    figures, failures = [], []
    for run in range(KILLS):
        folder = tmp_path / f"kill{run:02d}"
        (folder / "home").mkdir(parents=True)
        db = folder / "home" / "auditor.db"
        shutil.copy2(template, db)
        run_env = {**env, "AUDITOR_HOME": str(folder / "home")}
        terminal = Terminal(folder, run_env)
        kill_after = rng.uniform(*KILL_BETWEEN)
        try:
            terminal.start(*AUDITOR, "open", str(audit_id))
            terminal.wait_for("m Minor")
            terminal.keys("Enter", pause=0)
            terminal.wait_gone("m Minor")  # the key bar of the notes: they have the focus
            sent, killed = type_then_kill(terminal, kill_after)
            terminal.wait_closed()
        finally:
            terminal.kill_server()
        note = stored_note(db, audit_id, "4.1")
        if run == 0:  # the direct read agrees with what the app itself reports
            assert items(run_env, audit_id)["4.1"]["notes"] == note
        kept = len(note)
        must = sum(1 for at in sent if at < killed - ALLOWED)
        last_kept = killed - sent[kept - 1] if kept else None
        oldest_lost = killed - sent[kept] if kept < len(sent) else 0.0
        load = os.getloadavg()[0]
        figures.append((run, kill_after, len(sent), kept, last_kept, oldest_lost, load))
        if not NOTE.startswith(note) or kept > len(sent):
            failures.append(f"kill {run}: stored {note!r} is not a prefix of what was typed")
        elif kept < must:
            failures.append(f"kill {run}: {must} keys sent more than {ALLOWED} s before the "
                            f"kill, {kept} stored; the oldest lost key was sent "
                            f"{oldest_lost:.3f} s before the kill (load average {load:.1f})")
    wall = time.monotonic() - began

    with capsys.disabled():
        print(f"\nautosave under SIGKILL in tmux, seed {SEED}, {KILLS} kills, "
              f"{1 / KEY_EVERY:.0f} keys/s:")
        print("  kill  at(s)  sent  stored  last stored key sent  oldest lost key sent  "
              "load")
        print("                                 (s before the kill)   (s before the kill)")
        for run, at, sent_n, kept, last_kept, oldest_lost, load in figures:
            last = f"{last_kept:.3f}" if last_kept is not None else "none stored"
            print(f"  {run:4d}  {at:5.2f}  {sent_n:4d}  {kept:6d}  {last:>20}  "
                  f"{oldest_lost:20.3f}  {load:4.1f}")
        gaps = [f[4] for f in figures if f[4] is not None]
        print(f"  worst gap, last stored key to the kill: {max(gaps, default=0):.3f} s; "
              f"oldest lost key at the kill: {max(f[5] for f in figures):.3f} s "
              f"(allowed {ALLOWED} s); wall time {wall:.0f} s")
    assert not failures, "\n".join(failures)

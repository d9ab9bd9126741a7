"""Start-up benchmark: how long a user waits for `auditor`, measured from outside the process,
beside a baseline measured the same way in the same run.

    .venv/bin/python bench/startup.py [--runs 10] [--poll-ms 10]

Command line: `auditor audits list` and `auditor audits show N --json`, each from starting
the process to its exit (output read through a pipe), against `python -c "import
sqlalchemy"`. Target: within 1.5x of importing SQLAlchemy alone.

TUI: `auditor open N` in a real terminal (a tmux session of 120x40 on a private tmux
server), from starting the session to the first screen that shows the audit's title
(`tmux capture-pane -p`, polled every 10 ms), against a bare Textual app drawing one
Static, measured the same way. Target: within 2x of the bare app.

The data is the demo company (`auditor demo --no-tui`) in a temporary AUDITOR_HOME. Runs
are interleaved (one of each case in turn) so that a drift in the machine hits all cases
alike; one warm-up round is not counted. Medians are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BARE_APP = '''\
from textual.app import App
from textual.widgets import Static


class Bare(App):
    def compose(self):
        yield Static("bare app ready")


Bare().run()
'''
BARE_TEXT = "bare app ready"
SIZE = ("120", "40")
TIMEOUT_S = 30.0


def auditor_command() -> list[str]:
    """The `auditor` script installed beside this Python, as a user runs it."""
    script = Path(sys.executable).with_name("auditor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "auditor"]


@dataclass
class Case:
    name: str
    measure: Callable[[], float]
    baseline: str | None = None  # the name of the case it is compared with
    target: float | None = None
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def process_time(argv: list[str], env: dict[str, str]) -> Callable[[], float]:
    def measure() -> float:
        began = time.perf_counter()
        result = subprocess.run(argv, env=env, capture_output=True, stdin=subprocess.DEVNULL,
                                timeout=TIMEOUT_S)
        took = time.perf_counter() - began
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {result.stderr.decode()[-500:]}")
        return took
    return measure


class Terminal:
    """A private tmux server; each measure starts a session and polls its screen."""

    def __init__(self, folder: Path, env: dict[str, str], poll_s: float) -> None:
        self.socket = str(folder / "tmux.sock")
        self.env = env
        self.poll_s = poll_s
        self.runs = 0

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True,
                              text=True, check=check, env=self.env)

    def first_screen(self, argv: list[str], text: str) -> Callable[[], float]:
        def measure() -> float:
            self.runs += 1
            name = f"run{self.runs}"
            command = " ".join(_quoted(a) for a in argv)
            began = time.perf_counter()
            self.tmux("new-session", "-d", "-s", name, "-x", SIZE[0], "-y", SIZE[1],
                      *[f"-e{k}={v}" for k, v in self.env.items() if k.startswith("AUDITOR")],
                      command)
            try:
                while True:
                    screen = self.tmux("capture-pane", "-p", "-t", name, check=False).stdout
                    if text in screen:
                        return time.perf_counter() - began
                    if time.perf_counter() - began > TIMEOUT_S:
                        raise SystemExit(f"{command}: {text!r} not on screen after "
                                         f"{TIMEOUT_S:.0f} s:\n{screen}")
                    time.sleep(self.poll_s)
            finally:
                self.tmux("kill-session", "-t", name, check=False)
                time.sleep(0.2)  # let the killed app go before the next one starts
        return measure

    def close(self) -> None:
        self.tmux("kill-server", check=False)


def _quoted(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def demo_data(env: dict[str, str]) -> dict:
    auditor = auditor_command()
    subprocess.run([*auditor, "demo", "--no-tui"], env=env, check=True,
                   capture_output=True, timeout=120)
    audits = json.loads(subprocess.run([*auditor, "audits", "list", "--json"], env=env,
                                       check=True, capture_output=True, timeout=60).stdout)
    return next(a for a in audits if a["status"] != "closed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--poll-ms", type=float, default=10.0)
    parser.add_argument("--no-tui", action="store_true", help="only the command line cases")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="auditor-startup-", dir=Path.home()) as tmp:
        folder = Path(tmp)
        env = {**os.environ, "AUDITOR_HOME": str(folder / "home"), "AUDITOR_USER": "bench",
               "COLUMNS": SIZE[0], "LINES": SIZE[1]}
        env.pop("AUDITOR_DB", None)
        audit = demo_data(env)
        auditor = auditor_command()
        number = str(audit["id"])
        cases = [
            Case('python -c "import sqlalchemy"',
                 process_time([sys.executable, "-c", "import sqlalchemy"], env)),
            Case("auditor audits list", process_time([*auditor, "audits", "list"], env),
                 baseline='python -c "import sqlalchemy"', target=1.5),
            Case(f"auditor audits show {number} --json",
                 process_time([*auditor, "audits", "show", number, "--json"], env),
                 baseline='python -c "import sqlalchemy"', target=1.5),
        ]
        terminal = None
        if not args.no_tui:
            if shutil.which("tmux") is None:
                print("tmux not found: the TUI cases are left out")
            else:
                terminal = Terminal(folder, env, args.poll_ms / 1000)
                bare = folder / "bare_app.py"
                bare.write_text(BARE_APP)
                cases += [
                    Case("bare Textual app, one Static",
                         terminal.first_screen([sys.executable, str(bare)], BARE_TEXT)),
                    Case(f"auditor open {number}",
                         terminal.first_screen([*auditor, "open", number], audit["title"]),
                         baseline="bare Textual app, one Static", target=2.0),
                ]
        try:
            for round_ in range(args.runs + 1):
                for case in cases:
                    took = case.measure()
                    if round_:  # the first round warms the caches and is not counted
                        case.times.append(took)
        finally:
            if terminal is not None:
                terminal.close()
        report(cases, args.runs)


def report(cases: list[Case], runs: int) -> None:
    by_name = {c.name: c for c in cases}
    width = max(len(c.name) for c in cases)
    print(f"start-up, median of {runs} runs each (interleaved), {os.cpu_count()} CPU(s)")
    print(f"{'case':<{width}}  {'median':>8}  {'min':>7}  {'max':>7}  {'ratio':>6}  target")
    for c in cases:
        line = (f"{c.name:<{width}}  {c.median:>6.3f} s  {min(c.times):>5.3f} s  "
                f"{max(c.times):>5.3f} s")
        if c.baseline:
            ratio = c.median / by_name[c.baseline].median
            verdict = "met" if ratio <= (c.target or 0) else "missed"
            line += f"  {ratio:>5.2f}x  {c.target:.1f}x ({verdict})"
        else:
            line += f"  {'':>6}  baseline"
        print(line)


if __name__ == "__main__":
    main()

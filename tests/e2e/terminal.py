"""A real terminal for the end-to-end tests: a private tmux server driven with send-keys
and read with capture-pane, and the command line to prepare and check the store.

Each test runs its own tmux server (a socket in its temporary folder) and kills only that
server. The fixtures `env` and `terminal` are in conftest.py beside this file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

_SCRIPT = Path(sys.executable).with_name("auditor")
AUDITOR = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "auditor"]

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


class Terminal:
    def __init__(self, tmp_path: Path, env: dict[str, str], session: str = "e2e") -> None:
        # A private server whose socket lives in the test's folder: nothing lingers.
        self.socket = str(tmp_path / "tmux.sock")
        self.env = env
        self.session = session
        self.pid_file = tmp_path / f"{session}.pid"

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True,
                              text=True, check=check, env=self.env)

    def start(self, *command: str, size: tuple[int, int] = (120, 40)) -> None:
        """Run `command` in a new session of `size` (columns, lines)."""
        # The shell writes the app's pid, then becomes the app.
        self.pid_file.unlink(missing_ok=True)
        inner = " ".join(f"'{part}'" for part in command)
        script = f"echo $$ > '{self.pid_file}'; exec {inner}"
        width, height = size
        self.tmux("new-session", "-d", "-s", self.session, "-x", str(width),
                  "-y", str(height), "sh", "-c", script)

    @property
    def app_pid(self) -> int:
        return int(self.pid_file.read_text().strip())

    def screen(self) -> str:
        done = self.tmux("capture-pane", "-p", "-t", self.session, check=False)
        return done.stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text not in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not go; the screen shows:\n{self.screen()}")

    def styled(self) -> str:
        """The screen with its colours and attributes (which field has the focus)."""
        done = self.tmux("capture-pane", "-p", "-e", "-t", self.session, check=False)
        return done.stdout

    def styled_line(self, label: str) -> str:
        """The first line that starts with `label`, with its colours."""
        plain = self.screen().splitlines()
        styled = self.styled().splitlines()
        for n, line in enumerate(plain):
            if line.strip().startswith(label) and n < len(styled):
                return styled[n]
        raise AssertionError(f"no line starts with {label!r}; the screen shows:\n"
                             + "\n".join(plain))

    def move_focus(self, key: str, label: str, timeout: float = 10.0) -> None:
        """Press `key` (tab, shift+tab) and wait until the field of the line `label`
        looks focused (its colours change): text typed before the focus moved would go
        to the field left, so a typist's eyes wait for it too."""
        before = self.styled_line(label)
        self.tmux("send-keys", "-t", self.session, key)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.styled_line(label) != before:
                return
            time.sleep(0.05)
        raise AssertionError(f"{key} did not move to {label!r}; the screen shows:\n"
                             f"{self.screen()}")

    def keys(self, *keys: str, literal: bool = False, pause: float = 0.15) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), key)
            time.sleep(pause)

    def type(self, text: str, pause: float = 0.15) -> None:
        """Type `text` literally (a leading '-' or a ';' would be read by tmux itself)."""
        self.tmux("send-keys", "-t", self.session, "-l", "--", text)
        time.sleep(pause)

    def running(self) -> bool:
        return self.tmux("has-session", "-t", self.session, check=False).returncode == 0

    def wait_closed(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                return
            time.sleep(0.1)
        raise AssertionError(f"the app did not quit; the screen shows:\n{self.screen()}")

    def kill_server(self) -> None:
        self.tmux("kill-server", check=False)


def auditor(env, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([*AUDITOR, *args], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def new_audit(env, checklist: str = "iso9001-2015") -> int:
    done = auditor(env, "audits", "new", "--checklist", checklist, "--title",
                   "Internal audit 2026", "--auditee", "Acme Soft", "--json")
    return json.loads(done.stdout)["id"]


def show(env, audit_id: int) -> dict:
    return json.loads(auditor(env, "audits", "show", str(audit_id), "--json").stdout)


def items(env, audit_id: int) -> dict[str, dict]:
    return {item["ref"]: item for item in show(env, audit_id)["items"]}


def findings(env, audit_id: int) -> list[dict]:
    return show(env, audit_id)["findings"]

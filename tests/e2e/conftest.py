"""Fixtures of the end-to-end tests: the environment of a private data folder, and a
private tmux server (tests/e2e/terminal.py) killed after the test."""

from __future__ import annotations

import os

import pytest
from terminal import Terminal


@pytest.fixture
def env(tmp_path):
    env = dict(os.environ)
    env.update(AUDITOR_HOME=str(tmp_path / "home"), AUDITOR_USER="e2e", TERM="xterm-256color")
    env.pop("AUDITOR_DB", None)
    return env


@pytest.fixture
def terminal(tmp_path, env):
    term = Terminal(tmp_path, env)
    yield term
    term.kill_server()

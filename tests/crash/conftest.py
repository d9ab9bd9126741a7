"""The crash tests: the long run only on demand, and their figures in the summary.

The long run is marked `crash`; it runs with `-m crash` or when AUDITOR_CRASH_KILLS is
set (its number of kills). Every crash and concurrency test adds a line of figures
(kills survived, changes checked, ...) that pytest prints at the end of the session,
with or without `-s`.
"""

from __future__ import annotations

import os

import pytest

FIGURES_KEY = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[FIGURES_KEY] = []


def pytest_collection_modifyitems(config, items):
    asked = "crash" in (config.option.markexpr or "") or os.environ.get("AUDITOR_CRASH_KILLS")
    if asked:
        return
    skip = pytest.mark.skip(reason="long crash run: give -m crash or AUDITOR_CRASH_KILLS=N")
    for item in items:
        if item.get_closest_marker("crash"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, config):
    figures = config.stash.get(FIGURES_KEY, [])
    if figures:
        terminalreporter.section("reliability figures")
        for line in figures:
            terminalreporter.write_line(line)


@pytest.fixture
def figures(request):
    """Append a line of measured figures to the session summary."""

    def add(line: str) -> None:
        print(line)
        request.config.stash[FIGURES_KEY].append(line)

    return add

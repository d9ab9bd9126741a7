"""The TUI never waits long for another process's lock: its store has a short busy
timeout, a write that finds the database busy keeps what was typed and says so, and it is
written once the lock is free."""

from __future__ import annotations

from auditor.commands.tui import UI_BUSY_TIMEOUT_MS, open_ui_store
from auditor.domain.db import BUSY_TIMEOUT_MS


def busy_timeout(store) -> int:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA busy_timeout").scalar()


def test_the_tui_store_waits_a_quarter_second_a_command_thirty(settings, store):
    ui = open_ui_store(settings)
    try:
        assert busy_timeout(ui) == UI_BUSY_TIMEOUT_MS == 250
    finally:
        ui.close()
    assert busy_timeout(store) == BUSY_TIMEOUT_MS == 30_000

"""The command that runs the TUI: the process-wide state it sets for the app's run (the
collector's freeze) is set there, not by the app's constructor, and undone however the
run ends; the app gets a store with the short busy timeout."""

from __future__ import annotations

import gc

import pytest

from auditor.commands import Context, tui
from auditor.ui.app import AuditorApp


def test_the_app_constructor_leaves_the_collector_alone(store):
    before = gc.get_freeze_count()
    AuditorApp(store)
    assert gc.get_freeze_count() == before


@pytest.mark.parametrize("fails", [False, True])
def test_the_command_freezes_the_collector_for_the_run_only(settings, monkeypatch, fails):
    seen = {}

    def run(app, *args, **kwargs):
        seen["frozen"] = gc.get_freeze_count()
        with app.store.engine.connect() as conn:
            seen["busy"] = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        if fails:
            raise RuntimeError("the app failed")

    monkeypatch.setattr(AuditorApp, "run", run)
    gc.unfreeze()
    ctx = Context(settings=settings)
    if fails:
        with pytest.raises(RuntimeError):
            tui.home(ctx, None)
    else:
        assert tui.home(ctx, None) == 0
    assert seen["frozen"] > 0 and seen["busy"] == tui.UI_BUSY_TIMEOUT_MS
    assert gc.get_freeze_count() == 0

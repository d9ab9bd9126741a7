"""Fixtures for the TUI tests: an app on the test store, the installed checklists plus the
mini checklist, and a plain-text view of the screen for assertions."""

from __future__ import annotations

import asyncio
import inspect
import shutil
from pathlib import Path

import pytest

from auditor import config
from auditor.ui.app import AuditorApp

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests in a fresh event loop (Textual's Pilot is async)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = inspect.signature(pyfuncitem.obj).parameters
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture
def settings(tmp_path):
    """Settings whose user checklist folder holds the mini checklist."""
    home = tmp_path / "home"
    (home / "checklists").mkdir(parents=True)
    shutil.copy(FIXTURES / "mini.yaml", home / "checklists" / "mini.yaml")
    return config.resolve(str(tmp_path / "audit.db"), env={"AUDITOR_HOME": str(home),
                                                          "AUDITOR_USER": "tester"})


@pytest.fixture
def make_app(store, settings):
    def make(open_audit: int | None = None) -> AuditorApp:
        return AuditorApp(store, settings=settings, open_audit=open_audit)

    return make


def screen_text(app) -> str:
    """What the terminal shows, as plain text lines. Textual has no public way to read
    the composed screen as text (only `export_screenshot`'s SVG): the one internal the
    tests keep."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


def record_notices(app) -> list[str]:
    """The messages the app shows from now on, through its public `notify`."""
    notices: list[str] = []
    shown = app.notify

    def notify(message, *args, **kwargs):
        notices.append(str(message))
        return shown(message, *args, **kwargs)

    app.notify = notify
    return notices


@pytest.fixture
def notices_of():
    return record_notices


@pytest.fixture
def text_of():
    return screen_text

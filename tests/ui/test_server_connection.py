"""The TUI on a team's server: the connection dropped and the server refusing new ones for
a while (a restart) during an interview. Every key is handled at once, what was typed is
kept and the status line says so, and it is written once the server takes connections
again, without a key pressed."""

from __future__ import annotations

import time

from sqlalchemy.engine import make_url
from textual.widgets import TextArea

from auditor import config
from auditor.commands.tui import open_ui_store
from auditor.domain.store import Store
from auditor.ui.app import AuditorApp

SIZE = (120, 40)
DOWN_SECONDS = 4


def status_of(app) -> str:
    status = app.screen.query_one("#save-status")
    return str(status.render()) if status.has_class("shown") else ""


def server_down(server: str, database: str, down: bool) -> None:
    """The database refuses new connections and its open ones are cut, as in a restart."""
    import psycopg

    admin = make_url(server).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {database} ALLOW_CONNECTIONS {'false' if down else 'true'}")
        if down:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", (database,))


async def test_typing_goes_on_while_the_server_is_gone(pg_server, pg_url, tmp_path,
                                                       mini_checklist):
    share = tmp_path / "team-evidence"
    share.mkdir()
    settings = config.resolve(pg_url, env={"AUDITOR_HOME": str(tmp_path / "home"),
                                           "AUDITOR_USER": "tester",
                                           "AUDITOR_EVIDENCE": str(share)})
    store = Store.open(pg_url, share, "setup")
    audit = store.create_audit(mini_checklist, title="On the server", auditee="Acme").id
    store.close()
    database = make_url(pg_url).database
    ui = open_ui_store(settings)
    app = AuditorApp(ui, settings=settings, open_audit=audit)
    typed = "before; "
    slowest = 0.0
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notes = app.screen.query_one("#notes", TextArea)
        notes.focus()
        await pilot.press(*typed)
        await pilot.pause(0.6)
        server_down(pg_server, database, True)
        try:
            went = time.monotonic()
            for ch in "said during the restart [b]x":
                began = time.monotonic()
                await pilot.press(ch)
                slowest = max(slowest, time.monotonic() - began)
                typed += ch
            await pilot.pause(1.5)
            assert status_of(app).startswith("saving… the server cannot be reached")
            assert notes.text == typed
            while time.monotonic() < went + DOWN_SECONDS:
                await pilot.pause(0.2)
        finally:
            server_down(pg_server, database, False)
        back = time.monotonic()
        while status_of(app) and time.monotonic() < back + 15:
            await pilot.pause(0.1)
        assert status_of(app) == ""
    ui.close()
    check = Store.open(pg_url, share, "checker")
    try:
        assert check.results(audit)["4.1"].notes == typed
        assert check.verify_audit(audit)["problems"] == []
    finally:
        check.close()
    assert slowest < 1.0, f"a key waited {slowest:.2f} s for the server"

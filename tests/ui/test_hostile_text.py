"""Text from people and files is shown as it is on every table of the TUI: markup-looking
titles, auditees and statements neither stop the app nor lose their brackets, and a
control character is shown as its escape, never sent to the terminal."""

from __future__ import annotations

from pathlib import Path

from auditor.ui.widgets.row_table import literal

SIZE = (120, 40)
TITLE = "Q3 audit [/b] [draft]"
AUDITEE = "Beta [/] Ltd"
STATEMENT = "No review [/] of [b]SLA[/b] terms \x1b]0;pwned\x07"


def test_a_text_cell_is_plain_text_with_its_controls_escaped():
    cell = literal("a [/b] b\nline two \x1b[2J")
    assert cell.plain == "a [/b] b\nline two \\x1b[2J" and not cell.spans
    assert literal(3) == 3


async def test_home_findings_and_previous_findings_show_hostile_text(
        make_app, store, mini_checklist, text_of):
    first = store.create_audit(mini_checklist, title=TITLE, auditee=AUDITEE)
    store.record_result(first.id, "4.1", "minor", statement=STATEMENT)
    store.close_audit(first.id)
    follow = store.create_audit(mini_checklist, title="Follow-up [red]", auditee=AUDITEE,
                                type="surveillance", previous_id=first.id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:  # home: once a MarkupError at start
        await pilot.pause()
        home = text_of(app)
        for text in (TITLE, AUDITEE, "Follow-up [red]"):
            assert text in home, home
        assert "\x1b" not in home
    app = make_app(open_audit=follow.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")  # the previous audit's findings to verify
        await pilot.pause()
        shown = text_of(app)
        assert "NC-2026-001   " in shown, shown  # the table, and below it the finding whole
        detail = str(app.screen.query_one(".previous-finding-detail").render())
        assert "Statement: No review [/] of [b]SLA[/b] terms \\x1b]0;pwned\\x07" in detail
        assert "\x1b" not in shown and "\x07" not in shown
    app = make_app(open_audit=first.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        shown = text_of(app)
        assert "No review [/] of [b]SLA[/b] terms \\x1b]0;pwned\\x07" in shown, shown


async def test_every_notification_is_plain_text(make_app, monkeypatch):
    # Titles and refs in notifications ("Audit 3 created: Q3 [b]x", a palette ref) are
    # shown as typed: markup is never read in a notification, controls show as escapes.
    from textual.app import App
    from textual.content import Content

    shown = []

    def toast(self, message, *, markup=True, **kwargs):  # what Textual would show
        shown.append(Content.from_markup(message).plain if markup else message)

    monkeypatch.setattr(App, "notify", toast)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.notify("Audit 3 created: Q3 [b]x[/b] \x1b[2J")
        app.screen.notify("Deleted audit 4: [red]Old")
    assert shown == ["Audit 3 created: Q3 [b]x[/b] \\x1b[2J", "Deleted audit 4: [red]Old"]


HOSTILE_CHECKLIST = (Path(__file__).parent.parent / "fixtures" / "mini.yaml").read_text() \
    .replace("title: Mini checklist for tests", 'title: "Mini [/] checklist [b]x"') \
    .replace("title: Design and development controls",
             'title: "Design [/] controls [red]"') \
    .replace("- How are design reviews planned and recorded for a release?",
             '- "How are reviews [/b] planned?"')


def _with_title(data: dict, ref: str, title: str) -> dict:
    """The checklist as a dict, with item `ref` given `title`."""
    def walk(items):
        for item in items:
            if item["ref"] == ref:
                item["title"] = title
            walk(item.get("children", []))
    walk(data["items"])
    return data


async def test_checklist_text_is_shown_as_it_is_on_the_tree_programme_and_comparison(
        make_app, store, text_of):
    from auditor.domain.checklist import Checklist
    from auditor.exchange.checklist_yaml import parse_checklist

    # The loader refuses control characters now; a snapshot stored before it did (or a
    # restored database) may still hold them, and the screens must show them as escapes.
    data = parse_checklist(HOSTILE_CHECKLIST, "hostile.yaml").to_dict()
    checklist = Checklist.from_dict(_with_title(data, "8.3.4",
                                                "Design [/] controls [red]\x1b]0;pwned\x07"))
    assert checklist.item("8.3.4").title.endswith("\x07")
    first = store.create_audit(checklist, title="A", auditee=AUDITEE)
    store.record_result(first.id, "8.3.4", "minor", statement="Late review [/]")
    store.close_audit(first.id)
    follow = store.create_audit(checklist, title="B", auditee=AUDITEE, type="surveillance",
                                previous_id=first.id)
    store.record_result(follow.id, "8.3.4", "conform")
    app = make_app(open_audit=follow.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.go_to("8.3.4")
        await pilot.pause()
        shown = text_of(app)
        assert "Design [/] controls [red]" in shown, shown
        assert "How are reviews [/b] planned?" in shown, shown
        assert "\x1b" not in shown and "\x07" not in shown
        await pilot.press("d")  # compare with the previous audit
        await pilot.pause(0.5)
        shown = text_of(app)
        assert "Design [/] controls [red]" in shown, shown
        await pilot.press("escape")
        await pilot.pause()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")  # the auditee's programme
        await pilot.pause(0.5)
        shown = text_of(app)
        assert "Design [/] controls [red]" in shown, shown
        assert "\x1b" not in shown

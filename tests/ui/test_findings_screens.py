"""Pilot tests of the finding form, the findings list, closing an audit and the history.

Each test drives the screen with keys and clicks and then asserts what the store holds.
The screens run in a small host app that pushes them, with the app's one stylesheet.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, Select, Static, TextArea

import auditor.ui
from auditor.domain.errors import AuditLocked
from auditor.domain.vocab import AuditStatus, FindingStatus
from auditor.ui.screens.close_audit import CloseAuditScreen
from auditor.ui.screens.finding_form import FindingFormScreen
from auditor.ui.screens.findings import FindingsScreen
from auditor.ui.screens.history import HistoryScreen

APP_CSS = Path(auditor.ui.__file__).parent / "app.tcss"
SIZE = (100, 30)


class Host(App):
    """Pushes one screen and keeps what it dismissed with."""

    TITLE = "auditor"
    CSS_PATH = APP_CSS

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.results: list = []
        self.notices: list[str] = []  # every message shown, through the public notify

    def notify(self, message, *args, **kwargs) -> None:
        self.notices.append(str(message))
        super().notify(message, *args, **kwargs)

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(), self.results.append)


def run(coro):
    return asyncio.run(coro)


async def fill(pilot, selector: str, text: str) -> None:
    """Focus a field as a user would (it may be below the fold) and type into it."""
    widget = pilot.app.screen.query_one(selector)
    widget.scroll_visible(animate=False)
    widget.focus()
    await pilot.pause()
    await pilot.press(*text)


def error_at(screen, name: str) -> str:
    error = screen.query_one(f"#{name}-error", Static)
    return str(error.render()) if error.has_class("shown") else ""


# -- the finding form: new findings ------------------------------------------------------


def test_new_minor_finding_records_fields_and_item_result(store, audit):
    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, "8.3.4", grade="minor"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press(*"Design reviews not recorded")
            # prefilled with the standard and the item's clause: the auditor adds the letter
            assert app.screen.query_one("#requirement", Input).value == "ISO 9001:2015 8.3.4"
            await fill(pilot, "#requirement", " b)")
            await fill(pilot, "#objective_evidence", "PR 412 and PR 415 merged unreviewed")
            await fill(pilot, "#process_area", "Development")
            await pilot.press("ctrl+s")
            await pilot.pause()
        return app

    app = run(go())
    [finding] = store.findings(audit.id)
    assert app.results == [finding] or app.results[0].code == finding.code
    assert finding.grade == "minor"
    assert finding.statement == "Design reviews not recorded"
    assert finding.requirement == "ISO 9001:2015 8.3.4 b)"
    assert finding.objective_evidence == "PR 412 and PR 415 merged unreviewed"
    assert finding.process_area == "Development"
    assert store.results(audit.id)["8.3.4"].result == "minor"


def test_missing_statement_is_shown_at_the_field_and_nothing_is_lost(store, audit):
    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, "8.6", grade="major"))
        async with app.run_test(size=SIZE) as pilot:
            await fill(pilot, "#requirement", " a)")
            await pilot.press("ctrl+s")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, FindingFormScreen)
            assert "needs a statement" in error_at(screen, "statement")
            assert screen.focused is screen.query_one("#statement")
            # Nothing recorded, nothing typed lost.
            assert store.findings(audit.id) == []
            assert store.results(audit.id) == {}
            assert screen.query_one("#requirement", Input).value == "ISO 9001:2015 8.6 a)"
            await pilot.press(*"Release shipped without approval")
            await pilot.press("ctrl+s")
            await pilot.pause()
        return app

    app = run(go())
    [finding] = store.findings(audit.id)
    assert finding.grade == "major"
    assert finding.statement == "Release shipped without approval"
    assert finding.requirement == "ISO 9001:2015 8.6 a)"
    assert app.results[0].code == finding.code


def test_cancel_records_nothing(store, audit):
    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, "8.6", grade="minor"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"Half a statement")
            await pilot.press("escape")
            await pilot.pause()
        return app

    app = run(go())
    assert app.results == [None]
    assert store.findings(audit.id) == []
    assert store.results(audit.id) == {}
    assert [e.field for e in store.history(audit_id=audit.id)] == ["created", "planned"]


def test_cancel_button_records_nothing(store, audit):
    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, "4.1", grade="ofi"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"Could automate")
            await pilot.click("#cancel")
            await pilot.pause()
        return app

    app = run(go())
    assert app.results == [None]
    assert store.findings(audit.id) == []


def test_good_practice_is_raised_without_recording_a_result(store, audit):
    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, "4.2", grade="good_practice"))
        async with app.run_test(size=SIZE) as pilot:
            assert app.screen.query_one("#grade", Select).value == "good_practice"
            await pilot.press(*"Interested parties reviewed quarterly")
            await pilot.click("#save")
            await pilot.pause()
        return app

    run(go())
    [finding] = store.findings(audit.id)
    assert finding.grade == "good_practice"
    assert finding.code.startswith("GP-2026-")
    assert finding.statement == "Interested parties reviewed quarterly"
    assert "4.2" not in store.results(audit.id)


def test_text_for_an_observation_fills_the_blank_one_the_o_key_made(store, audit):
    store.record_result(audit.id, "4.1", "observation")

    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, "4.1", grade="observation"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"Context analysis two years old")
            await pilot.press("ctrl+s")
            await pilot.pause()

    run(go())
    [finding] = store.findings(audit.id)
    assert finding.grade == "observation"
    assert finding.statement == "Context analysis two years old"


@pytest.fixture
def followed(store, mini_checklist):
    """Last year's audit with a minor on 8.6, closed; this year's surveillance audit."""
    old = store.create_audit(mini_checklist, title="2025", auditee="Acme Soft")
    _, earlier = store.record_result(old.id, "8.6", "minor", statement="No release approval")
    store.close_audit(old.id)
    new = store.create_audit(mini_checklist, title="2026", auditee="Acme Soft",
                             type="surveillance", previous_id=old.id)
    return old, new, earlier


def test_repeat_is_named_and_one_key_grades_it_major(store, followed):
    old, new, earlier = followed

    async def go():
        app = Host(lambda: FindingFormScreen(store, new.id, "8.6", grade="minor"))
        async with app.run_test(size=SIZE) as pilot:
            notice = str(app.screen.query_one("#repeat-notice", Static).render())
            assert f"Repeats {earlier.code} from audit {old.id}" in notice
            assert "consider grading it major" in notice
            await pilot.press(*"Release again without approval")
            await pilot.press("ctrl+g")
            await pilot.pause()
            assert app.screen.query_one("#grade", Select).value == "major"
            await pilot.press("ctrl+s")
            await pilot.pause()

    run(go())
    [finding] = store.findings(new.id)
    assert finding.grade == "major"
    assert finding.repeat_of == earlier.code
    assert store.results(new.id)["8.6"].result == "major"


def test_no_repeat_notice_without_an_earlier_nonconformity(store, audit):
    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, "8.6"))
        async with app.run_test(size=SIZE) as pilot:
            assert not app.screen.query("#repeat-notice")
            await pilot.press("ctrl+g")
            await pilot.pause()
            assert app.screen.query_one("#grade", Select).value == "minor"

    run(go())


# -- the finding form: editing -----------------------------------------------------------


@pytest.fixture
def minor(store, audit):
    _, finding = store.record_result(audit.id, "8.3.4", "minor",
                                     statement="Design reviews not recorded")
    return finding


def test_edit_saves_only_what_changed(store, audit, minor):
    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, minor.ref, code=minor.code))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("end", *"; two of five sampled")
            await fill(pilot, "#owner", "Dev lead")
            await fill(pilot, "#due_date", "2026-04-30")
            await pilot.press("ctrl+s")
            await pilot.pause()
        return app

    app = run(go())
    stored = store.finding(minor.code)
    assert stored.statement == "Design reviews not recorded; two of five sampled"
    assert stored.owner == "Dev lead"
    assert stored.due_date == date(2026, 4, 30)
    assert app.results[0].code == minor.code
    fields = [e.field for e in store.history(entity="finding", entity_id=minor.code)]
    assert fields.count("statement") == 2  # raised, then edited
    assert "owner" in fields and "due_date" in fields
    assert "requirement" not in fields


def test_edit_bad_date_shown_at_the_field_nothing_changed(store, audit, minor):
    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, minor.ref, code=minor.code))
        async with app.run_test(size=SIZE) as pilot:
            await fill(pilot, "#owner", "QA")
            await fill(pilot, "#due_date", "end of April")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "not a date" in error_at(app.screen, "due_date")
            assert app.screen.focused is app.screen.query_one("#due_date")
            assert app.screen.query_one("#owner", Input).value == "QA"
        return app

    app = run(go())
    assert app.results == []
    stored = store.finding(minor.code)
    assert stored.owner == "" and stored.due_date is None


def test_closed_audit_allows_only_auditee_fields_and_verification(store, audit, minor):
    store.close_audit(audit.id, "Conforming with one minor")

    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, minor.ref, code=minor.code))
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert screen.query_one("#statement", TextArea).read_only
            assert screen.query_one("#requirement", Input).disabled
            assert screen.query_one("#grade", Select).disabled
            assert screen.focused is screen.query_one("#root_cause")
            await pilot.press(*"No review rule for hotfixes")
            await fill(pilot, "#corrective_action", "Branch protection on main")
            await fill(pilot, "#verification_note", "Checked 3 PRs")
            await pilot.press("ctrl+s")
            await pilot.pause()

    run(go())
    stored = store.finding(minor.code)
    assert stored.root_cause == "No review rule for hotfixes"
    assert stored.corrective_action == "Branch protection on main"
    assert stored.verification_note == "Checked 3 PRs"
    assert stored.statement == "Design reviews not recorded"


def test_audit_closed_meanwhile_refusal_is_shown_at_the_form(store, audit, minor):
    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, minor.ref, code=minor.code))
        async with app.run_test(size=SIZE) as pilot:
            store.close_audit(audit.id)  # e.g. from the command line, meanwhile
            await pilot.press("end", *" (sampled)")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, FindingFormScreen)
            assert "closed" in error_at(app.screen, "statement")
        return app

    app = run(go())
    assert app.results == []
    assert store.finding(minor.code).statement == "Design reviews not recorded"


def test_regrading_an_observation_to_minor_needs_a_statement(store, audit):
    _, obs = store.record_result(audit.id, "4.2", "observation")

    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, "4.2", code=obs.code))
        async with app.run_test(size=SIZE) as pilot:
            app.screen.query_one("#grade", Select).value = "minor"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "statement" in error_at(app.screen, "statement") or \
                "statement" in error_at(app.screen, "grade")

    run(go())
    assert store.finding(obs.code).grade == "observation"


def test_store_refusals_name_the_field_the_form_shows_them_at(store, audit):
    # The form puts a refusal at the input `RuleViolation.field` names, never by reading
    # the message's words.
    from auditor.domain.errors import RuleViolation

    finding = store.raise_finding(audit.id, "4.1", "observation")
    for fields, name in (({"due_date": "x"}, "due_date"), ({"grade": "big"}, "grade"),
                         ({"grade": "minor"}, "statement"), ({"owner": 3}, "owner")):
        with pytest.raises(RuleViolation) as refused:
            store.update_finding(finding.code, fields)
        assert refused.value.field == name, fields
    with pytest.raises(RuleViolation) as refused:
        store.raise_finding(audit.id, "4.1", "major")
    assert refused.value.field == "statement"


# -- the findings list -------------------------------------------------------------------


@pytest.fixture
def several(store, audit):
    """Four findings in various states of follow-up."""
    _, a = store.record_result(audit.id, "8.3.4", "minor", statement="Reviews not recorded")
    store.update_finding(a.code, {"root_cause": "No rule", "corrective_action": "Add rule",
                                  "owner": "Dev lead", "due_date": "2026-02-01"},
                         by_auditee=True)
    store.set_finding_status(a.code, "responded", by_auditee=True)
    _, b = store.record_result(audit.id, "8.6", "major", statement="Release unapproved")
    store.update_finding(b.code, {"root_cause": "Rush", "corrective_action": "Gate",
                                  "owner": "Release mgr", "due_date": "2026-06-30"},
                         by_auditee=True)
    for status, by_auditee in (("responded", True), ("accepted", False),
                               ("implemented", True)):
        store.set_finding_status(b.code, status, by_auditee=by_auditee)
    _, c = store.record_result(audit.id, "4.1", "observation", statement="Context old")
    store.set_finding_status(c.code, "closed")
    d = store.raise_finding(audit.id, "4.2", "ofi", statement="Could automate register")
    return a, b, c, d


def findings_host(store, audit_id):
    return Host(lambda: FindingsScreen(store, audit_id))


def cell(table: DataTable, code: str, column: str) -> str:
    return str(table.get_cell(code, column))


def test_table_lists_findings_with_overdue_flag(store, audit, several):
    a, b, c, d = several

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            table = app.screen.query_one(DataTable)
            assert list(table.rows) == [a.code, b.code, c.code, d.code]
            assert cell(table, a.code, "overdue") == "29 d late"
            assert cell(table, a.code, "owner") == "Dev lead"
            assert cell(table, a.code, "due") == "2026-02-01"
            assert cell(table, b.code, "overdue") == ""
            assert cell(table, c.code, "status") == "closed"

    run(go())


def test_accept_moves_the_status_and_refreshes_the_row(store, audit, several):
    a, *_ = several

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("a")
            await pilot.pause()
            assert cell(app.screen.query_one(DataTable), a.code, "status") == "accepted"

    run(go())
    assert store.finding(a.code).status == FindingStatus.ACCEPTED


def test_reject_then_refused_step_is_notified_and_nothing_moves(store, audit, several):
    a, *_ = several

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("r")
            await pilot.pause()
            await pilot.press(*"No evidence the rule is enforced", "ctrl+s")
            await pilot.pause()
            assert store.finding(a.code).status == FindingStatus.REJECTED
            await pilot.press("v")  # a rejected plan cannot be verified
            await pilot.pause()
            assert any("cannot go from rejected to closed" in m for m in app.notices)

    run(go())
    assert store.finding(a.code).status == FindingStatus.REJECTED


def test_verify_effective_then_a_step_that_does_not_apply(store, audit, several):
    a, b, c, d = several

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("down")  # b: implemented
            await pilot.press("v")
            await pilot.pause()
            await pilot.press("ctrl+s")  # who and when prefilled: the tester, today
            await pilot.pause()
            await pilot.press("down", "down")  # d: open OFI
            await pilot.press("n")  # not effective does not apply to an open finding
            await pilot.pause()

    run(go())
    closed = store.finding(b.code)
    assert closed.status == FindingStatus.CLOSED
    assert closed.verified_by == "tester"
    assert closed.verified_on == date(2026, 3, 2)
    assert store.finding(d.code).status == FindingStatus.OPEN


def test_not_effective_on_an_implemented_finding(store, audit, several):
    _, b, *_ = several

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("down", "n")
            await pilot.pause()
            await pilot.press(*"Two releases still unreviewed", "ctrl+s")
            await pilot.pause()
            assert cell(app.screen.query_one(DataTable), b.code, "status") == "not effective"

    run(go())
    assert store.finding(b.code).status == FindingStatus.NOT_EFFECTIVE


def test_cancel_a_finding_with_delete(store, audit, several):
    *_, d = several

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("down", "down", "down", "delete")
            await pilot.pause()
            assert store.finding(d.code).status == FindingStatus.OPEN  # asked first
            await pilot.press("n")  # keep it
            await pilot.pause()
            assert store.finding(d.code).status == FindingStatus.OPEN
            await pilot.press("delete", "y")
            await pilot.pause()

    run(go())
    assert store.finding(d.code).status == FindingStatus.CANCELLED


def test_open_only_filter_hides_closed_and_closing_removes_the_row(store, audit, several):
    a, b, c, d = several

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            table = app.screen.query_one(DataTable)
            await pilot.press("o")
            await pilot.pause()
            assert list(table.rows) == [a.code, b.code, d.code]
            await pilot.press("down", "v", "ctrl+s")  # verify b effective: it leaves the list
            await pilot.pause()
            assert list(table.rows) == [a.code, d.code]
            await pilot.press("o")
            await pilot.pause()
            assert list(table.rows) == [a.code, b.code, c.code, d.code]

    run(go())
    assert store.finding(b.code).status == FindingStatus.CLOSED


def test_enter_edits_the_finding_and_the_row_shows_it(store, audit, several):
    a, *_ = several

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FindingFormScreen) and form.code == a.code
            owner = form.query_one("#owner", Input)
            owner.value = ""
            await fill(pilot, "#owner", "Head of QA")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, FindingsScreen)
            assert cell(app.screen.query_one(DataTable), a.code, "owner") == "Head of QA"

    run(go())
    assert store.finding(a.code).owner == "Head of QA"


def test_h_shows_the_findings_history(store, audit, several):
    a, *_ = several

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("h")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, HistoryScreen)
            fields = [str(row[2]) for row in
                      (screen.query_one(DataTable).get_row_at(i)
                       for i in range(screen.query_one(DataTable).row_count))]
            assert fields[0] == "created"
            assert "status" in fields and "owner" in fields
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, FindingsScreen)

    run(go())


def test_escape_leaves_the_findings_screen(store, audit):
    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            assert "No findings" in str(app.screen.query_one("#findings-empty").render())
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, FindingsScreen)
        return app

    app = run(go())
    assert app.results == [None]


# -- closing an audit --------------------------------------------------------------------


def test_close_with_conclusion_after_confirmation_locks_the_audit(store, audit, several):
    async def go():
        app = Host(lambda: CloseAuditScreen(store, audit.id))
        async with app.run_test(size=SIZE) as pilot:
            summary = str(app.screen.query_one("#close-summary").render())
            assert "Findings: 4 (2 nonconformities)" in summary
            await pilot.press(*"Conforming system with two nonconformities")
            await pilot.press("ctrl+s")
            await pilot.pause()
            # Asked, not yet done.
            assert store.audit(audit.id).status != AuditStatus.CLOSED
            await pilot.press("y")
            await pilot.pause()
        return app

    app = run(go())
    assert app.results == [True]
    closed = store.audit(audit.id)
    assert closed.status == AuditStatus.CLOSED
    assert closed.conclusion == "Conforming system with two nonconformities"
    with pytest.raises(AuditLocked):
        store.record_result(audit.id, "4.2", "conform")


def test_close_by_clicking_close_and_confirm(store, audit):
    async def go():
        app = Host(lambda: CloseAuditScreen(store, audit.id))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.click("#close-start")
            await pilot.pause()
            confirm = str(app.screen.query_one("#close-confirm").render())
            assert "4 items not assessed" in confirm and "no conclusion" in confirm
            await pilot.click("#close-confirm-button")
            await pilot.pause()
        return app

    app = run(go())
    assert app.results == [True]
    assert store.audit(audit.id).status == AuditStatus.CLOSED


def test_declining_and_leaving_keeps_the_audit_open_and_the_conclusion(store, audit):
    async def go():
        app = Host(lambda: CloseAuditScreen(store, audit.id))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"Draft conclusion")
            await pilot.press("ctrl+s", "n")
            await pilot.pause()
            assert isinstance(app.screen, CloseAuditScreen)
            await pilot.press("escape")
            await pilot.pause()
        return app

    app = run(go())
    assert app.results == [False]
    kept = store.audit(audit.id)
    assert kept.status != AuditStatus.CLOSED
    assert kept.conclusion == "Draft conclusion"


def test_leaving_without_typing_changes_nothing(store, audit):
    before = len(store.history(audit_id=audit.id))

    async def go():
        app = Host(lambda: CloseAuditScreen(store, audit.id))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("escape")
            await pilot.pause()
        return app

    assert run(go()).results == [False]
    assert store.audit(audit.id).status == AuditStatus.PLANNED
    assert len(store.history(audit_id=audit.id)) == before


def test_closing_an_already_closed_audit_says_so(store, audit):
    store.close_audit(audit.id, "Done")

    async def go():
        app = Host(lambda: CloseAuditScreen(store, audit.id))
        async with app.run_test(size=SIZE) as pilot:
            assert "already closed" in str(app.screen.query_one("#close-error").render())
            await pilot.press("ctrl+s", "y")
            await pilot.pause()
            assert isinstance(app.screen, CloseAuditScreen)

    run(go())
    assert store.audit(audit.id).conclusion == "Done"


# -- history -----------------------------------------------------------------------------


def test_item_history_is_restricted_to_its_audit(store, audit, mini_checklist):
    other = store.create_audit(mini_checklist, title="Other", auditee="Beta Ltd")
    store.record_result(other.id, "8.6", "conform")
    store.record_result(audit.id, "8.6", "conform")
    store.set_item_text(audit.id, "8.6", notes="Release record signed by CTO")

    async def go():
        app = Host(lambda: HistoryScreen(store, "item", "8.6", "History of 8.6",
                                         audit_id=audit.id))
        async with app.run_test(size=SIZE) as pilot:
            table = app.screen.query_one(DataTable)
            rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
            assert [str(r[2]) for r in rows] == ["result", "notes"]
            assert str(rows[0][4]) == "conform"
            detail = str(app.screen.query_one("#history-detail").render())
            assert "notes: — → Release record signed by CTO" in detail
            await pilot.press("escape")
            await pilot.pause()
        return app

    assert run(go()).results == [None]


def test_history_of_nothing_says_so(store, audit):
    async def go():
        app = Host(lambda: HistoryScreen(store, "item", "4.1", "History of 4.1",
                                         audit_id=audit.id))
        async with app.run_test(size=SIZE):
            assert app.screen.query_one(DataTable).row_count == 0
            assert "No changes" in str(app.screen.query_one("#history-detail").render())

    run(go())


# -- through the whole app -----------------------------------------------------------------


def auditor_app(store, audit_id):
    from auditor.ui.app import AuditorApp

    return AuditorApp(store, open_audit=audit_id)


def test_app_m_opens_the_form_and_saving_records_the_nonconformity(store, audit):
    async def go():
        app = auditor_app(store, audit.id)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("m")  # on 4.1, the first item not assessed
            await pilot.pause()
            assert isinstance(app.screen, FindingFormScreen)
            await pilot.press(*"Context analysis not reviewed since 2023")
            await fill(pilot, "#objective_evidence", "Context analysis v1.0 dated 2023-01")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert type(app.screen).__name__ == "AuditScreen"

    run(go())
    [finding] = store.findings(audit.id)
    assert (finding.ref, finding.grade) == ("4.1", "minor")
    assert finding.statement == "Context analysis not reviewed since 2023"
    assert finding.objective_evidence == "Context analysis v1.0 dated 2023-01"
    assert store.results(audit.id)["4.1"].result == "minor"


def test_app_shift_m_then_escape_records_nothing(store, audit):
    async def go():
        app = auditor_app(store, audit.id)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("M")
            await pilot.pause()
            assert isinstance(app.screen, FindingFormScreen)
            assert app.screen.query_one("#grade", Select).value == "major"
            await pilot.press(*"Half typed", "escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "AuditScreen"

    run(go())
    assert store.findings(audit.id) == []
    assert store.results(audit.id) == {}


def test_app_findings_screen_review_step_and_close_audit(store, audit, several):
    a, *_ = several

    async def go():
        app = auditor_app(store, audit.id)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("F")
            await pilot.pause()
            assert isinstance(app.screen, FindingsScreen)
            await pilot.press("a")
            await pilot.pause()
            assert store.finding(a.code).status == FindingStatus.ACCEPTED
            await pilot.press("escape")
            await pilot.pause()
            assert type(app.screen).__name__ == "AuditScreen"
            await pilot.press("C")
            await pilot.pause()
            assert isinstance(app.screen, CloseAuditScreen)
            await pilot.press(*"Effective system; follow up two NCs", "ctrl+s", "y")
            await pilot.pause()
            assert type(app.screen).__name__ == "AuditScreen"
            assert app.screen.read_only

    run(go())
    closed = store.audit(audit.id)
    assert closed.status == AuditStatus.CLOSED
    assert closed.conclusion == "Effective system; follow up two NCs"


def test_closed_audit_findings_offer_follow_up_steps_only(store, audit, several):
    a, *_ = several
    store.close_audit(audit.id)

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            heading = str(app.screen.query_one("#findings-heading").render())
            assert "audit closed: follow-up only" in heading
            detail = str(app.screen.query_one("#finding-detail").render())
            assert "a accept plan · r reject plan" in detail and "cancel" not in detail
            await pilot.press("delete")  # cancelling is not follow-up: refused
            await pilot.pause()
            assert any("closed" in m for m in app.notices)
            await pilot.press("a")  # reviewing the plan is
            await pilot.pause()

    run(go())
    assert store.finding(a.code).status == FindingStatus.ACCEPTED


def test_closing_lists_what_is_incomplete_before_asking(store, audit):
    # An observation raised by one key has no statement; nothing is concluded yet.
    _, blank = store.record_result(audit.id, "4.1", "observation")
    store.record_result(audit.id, "4.2", "conform")

    async def go():
        app = Host(lambda: CloseAuditScreen(store, audit.id))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+s")
            await pilot.pause()
            confirm = str(app.screen.query_one("#close-confirm").render())
            assert f"1 finding without a statement ({blank.code})" in confirm
            assert "2 items not assessed" in confirm and "no conclusion written" in confirm
            assert store.audit(audit.id).status != AuditStatus.CLOSED
            await pilot.press("n")
        return app

    run(go())
    assert store.audit(audit.id).status != AuditStatus.CLOSED


def test_verifying_keeps_the_verifier_typed_and_asks_who_when_and_how(store, audit, several):
    _, b, *_ = several  # implemented
    store.update_finding(b.code, {"verified_by": "Dana Keller", "verified_on": "2026-02-27",
                                  "verification_note": "Gate seen on two releases"})

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("down", "v")
            await pilot.pause()
            screen = app.screen
            assert screen.query_one("#verified_by").value == "Dana Keller"
            assert screen.query_one("#verified_on").value == "2026-02-27"
            assert screen.query_one("#review-note").text == "Gate seen on two releases"
            screen.query_one("#verified_on").value = "2026-03-09"  # after today
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert "in the future" in str(screen.query_one("#review-error").render())
            assert store.finding(b.code).status != FindingStatus.CLOSED
            screen.query_one("#verified_on").value = "2026-02-28"
            await pilot.press("ctrl+s")
            await pilot.pause()

    run(go())
    closed = store.finding(b.code)
    assert (closed.status, closed.verified_by, closed.verified_on) == (
        FindingStatus.CLOSED, "Dana Keller", date(2026, 2, 28))
    assert closed.verification_note == "Gate seen on two releases"


def test_rejecting_a_plan_asks_why_and_keeps_the_reason(store, audit, several):
    a, *_ = several  # responded

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("r")
            await pilot.pause()
            await pilot.press("ctrl+s")  # no reason: refused in the dialog
            await pilot.pause()
            assert "Say why" in str(app.screen.query_one("#review-error").render())
            assert store.finding(a.code).status != FindingStatus.REJECTED
            await pilot.press(*"The rule has no owner", "ctrl+s")
            await pilot.pause()

    run(go())
    rejected = store.finding(a.code)
    assert rejected.status == FindingStatus.REJECTED
    assert rejected.verification_note == "The rule has no owner"


def test_the_finding_form_attaches_evidence_to_the_finding(store, audit, tmp_path):
    from openpyxl import load_workbook

    from auditor.exchange.workbook_export import export_workbook

    _, nc = store.record_result(audit.id, "8.6", "minor", statement="Release unapproved")
    proof = tmp_path / "release-4.2-approval.png"
    proof.write_bytes(b"\x89PNG approval screenshot")

    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, "8.6", code=nc.code))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+o")
            await pilot.pause()
            app.screen.query_one("#ask-path-input").value = str(proof)
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            shown = str(app.screen.query_one("#finding-files").render())
            assert "release-4.2-approval.png" in shown
        return app

    app = run(go())
    assert any(f"attached to {nc.code}" in n for n in app.notices)
    [evidence] = store.evidence(audit.id)
    assert (evidence.ref, evidence.finding_id) == ("8.6", nc.id)
    sheet = load_workbook(export_workbook(store, audit.id, tmp_path / "nc.xlsx"))["Evidence"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Finding")
    assert [r[column] for r in rows[1:]] == [nc.code]


def test_a_new_finding_says_to_save_before_attaching(store, audit):
    async def go():
        app = Host(lambda: FindingFormScreen(store, audit.id, "8.6"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert isinstance(app.screen, FindingFormScreen)
        return app

    app = run(go())
    assert any("Save the finding first" in n for n in app.notices)
    assert store.evidence(audit.id) == []


def test_every_row_shows_the_store_after_a_step_and_after_the_form(store, audit, several):
    """A step on one finding, or saving the form, shows every finding as the store holds
    it: another program (or the follow-up import) may have moved the others meanwhile."""
    a, _b, _c, d = several

    async def go():
        app = findings_host(store, audit.id)
        async with app.run_test(size=SIZE) as pilot:
            table = app.screen.query_one(DataTable)
            assert cell(table, d.code, "status") == "open"
            store.set_finding_status(d.code, "cancelled")  # behind the screen's back
            await pilot.press("a")  # accept the first finding
            await pilot.pause()
            assert cell(table, a.code, "status") == "accepted"
            assert cell(table, d.code, "status") == "cancelled"
            store.set_finding_status(d.code, "open")  # and again, while the form is open
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, FindingFormScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, FindingsScreen)
            assert cell(table, d.code, "status") == "open"

    run(go())


def test_at_80x24_the_confirmation_and_its_button_are_in_sight(store, audit, several,
                                                               text_of):
    """With an incomplete audit (blank findings, items not assessed) the list of what is
    incomplete pushed 'Press y...' and the Confirm close button below the dialog's edge
    at 80x24; what is above the buttons scrolls now, and the question is scrolled to."""
    for ref in ("4.2", "8.6"):
        store.record_result(audit.id, ref, "observation")  # no statement: incomplete

    async def go():
        app = Host(lambda: CloseAuditScreen(store, audit.id))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"Conforming system, " * 12)
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
            screen = app.screen
            shown = text_of(app)
            assert "Still incomplete" in str(screen.query_one("#close-confirm").render())
            assert "Press y or Confirm close to close it" in shown, shown
            button = screen.query_one("#close-confirm-button")
            dialog = screen.query_one("#close-audit").region
            assert button.region.height and dialog.contains_region(button.region), shown
            await pilot.press("y")
            await pilot.pause()
        return app

    app = run(go())
    assert app.results == [True]
    assert store.audit(audit.id).status == AuditStatus.CLOSED

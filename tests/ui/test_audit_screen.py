"""The audit screen through the keyboard, each flow checked in the store afterwards."""

from __future__ import annotations

import time

import pytest

from auditor.ui.screens.audit import AuditScreen
from auditor.ui.screens.home import HomeScreen
from auditor.ui.widgets.clause_tree import RESULT_KEYS, ClauseTree

SIZE = (120, 40)


def recorded(store, audit_id):
    return {ref: row.result for ref, row in store.results(audit_id).items()}


def cursor(app) -> str | None:
    return app.screen.query_one(ClauseTree).current_ref


async def at(pilot, ref: str) -> None:
    pilot.app.screen.go_to(ref)
    await pilot.pause()


async def test_open_audit_starts_on_the_audit_with_the_first_item_not_assessed(
        make_app, audit, store):
    store.record_result(audit.id, "4.1", "conform")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert app.focused is app.screen.query_one(ClauseTree)
        assert cursor(app) == "4.2"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_result_keys_record_in_the_store(make_app, audit, store):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")            # 4.1 conform, stays on 4.1
        assert recorded(store, audit.id) == {"4.1": "conform"}
        await pilot.press("n", "o")       # 4.2 observation: a blank observation finding
        await pilot.press("n", "i")       # 8.3.4 opportunity for improvement
        await pilot.press("n", "x")       # 8.6 not applicable
        await pilot.pause()
    assert recorded(store, audit.id) == {"4.1": "conform", "4.2": "observation",
                                         "8.3.4": "ofi", "8.6": "na"}
    grades = {(f.ref, f.grade, f.status) for f in store.findings(audit.id)}
    assert grades == {("4.2", "observation", "open"), ("8.3.4", "ofi", "open")}


async def test_backspace_goes_back_to_not_assessed_and_cancels_the_blank_finding(
        make_app, audit, store):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        assert app.screen.progress.assessed == 1
        await pilot.press("backspace")
        await pilot.pause()
        assert app.screen.progress.assessed == 0
    assert recorded(store, audit.id) == {"4.1": "not_assessed"}
    assert [f.status for f in store.findings(audit.id)] == ["cancelled"]


async def test_group_rows_show_assessed_total_and_worst(make_app, audit, store, text_of):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await at(pilot, "8.3.4")
        await pilot.press("c", "n", "o")
        await pilot.pause()
        screen = text_of(app)
        assert "OBS 8 2/2 Operation" in screen
        assert "  ✓ 8.3.4 Design and development controls" in screen
        assert "    4 0/2 Context of the organization" in screen
        assert "2/4" in screen  # the progress line


async def test_a_group_heading_takes_no_result(make_app, audit, store):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await at(pilot, "8")
        await pilot.press("c", "x")
        await pilot.pause()
    assert recorded(store, audit.id) == {}


async def test_n_moves_to_the_next_item_not_assessed_and_wraps(make_app, audit, store):
    store.record_result(audit.id, "4.2", "conform")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert cursor(app) == "4.1"
        await pilot.press("n")
        assert cursor(app) == "8.3.4"
        await pilot.press("n")
        assert cursor(app) == "8.6"
        await pilot.press("n")
        assert cursor(app) == "4.1"


@pytest.mark.parametrize("key,grade", [("m", "minor"), ("M", "major")])
async def test_m_and_shift_m_open_the_finding_form_and_record_on_save(
        make_app, audit, store, key, grade):
    from auditor.ui.screens.finding_form import FindingFormScreen

    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, FindingFormScreen)
        await pilot.press(*"No review of the context")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert app.screen.progress.shown("4.1").value == grade
    assert recorded(store, audit.id) == {"4.1": grade}
    [finding] = store.findings(audit.id)
    assert (finding.ref, finding.grade, finding.statement) == (
        "4.1", grade, "No review of the context")


async def test_cancelling_the_finding_form_records_nothing(make_app, audit, store):
    from auditor.ui.screens.finding_form import FindingFormScreen

    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, FindingFormScreen)
        await pilot.press(*"half a thought")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
    assert recorded(store, audit.id) == {}
    assert store.findings(audit.id) == []


async def test_f_raises_a_finding_and_e_edits_the_blank_observation(make_app, audit, store):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"Context analysis is two years old")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("n", "o")           # 4.2: observation recorded at once
        await pilot.press("e")                # ...and its text written later
        await pilot.pause()
        await pilot.press(*"Register not shared")
        await pilot.press("ctrl+s")
        await pilot.pause()
    by_ref = {f.ref: f for f in store.findings(audit.id)}
    assert by_ref["4.1"].statement == "Context analysis is two years old"
    assert by_ref["4.2"].grade == "observation"
    assert by_ref["4.2"].statement == "Register not shared"
    assert len(store.findings(audit.id)) == 2


async def test_a_attaches_a_file_as_evidence(make_app, audit, store, tmp_path):
    screenshot = tmp_path / "approval.png"
    screenshot.write_bytes(b"\x89PNG approval")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*str(tmp_path / "missing.png"), "enter")
        await pilot.pause()
        assert "no such file" in str(app.screen.query_one("#ask-path-error").render())
        app.screen.query_one("#ask-path-input").value = str(screenshot)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "approval.png" in str(app.screen.query_one("#item-files").render())
    [item] = store.evidence(audit.id)
    assert (item.ref, item.kind, item.original_name) == ("4.1", "file", "approval.png")
    assert store.evidence_path(item).read_bytes() == b"\x89PNG approval"


async def test_a_file_name_in_markup_is_attached_and_shown_as_it_is(make_app, audit, store,
                                                                    tmp_path):
    # The notification and the item's file list show a file's name literally: the
    # notification once read it as markup, so "[b]" vanished and a "[/x]" (not possible
    # on disk, but in a restored database) raised a MarkupError.
    from textual.content import Content

    screenshot = tmp_path / "[b]approval [red].png"
    screenshot.write_bytes(b"\x89PNG approval")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        shown: list[str] = []
        notify = app.notify

        def seen(message, *args, markup=True, **kwargs):
            # What the toast will show: the message as markup unless told otherwise.
            shown.append(Content.from_markup(message).plain if markup else message)
            return notify(message, *args, markup=markup, **kwargs)

        app.notify = seen
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#ask-path-input").value = str(screenshot)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "[b]approval [red].png" in str(app.screen.query_one("#item-files").render())
        assert "Attached [b]approval [red].png to 4.1" in shown
    [item] = store.evidence(audit.id)
    assert item.original_name == "[b]approval [red].png"


async def test_notes_are_saved_while_typing_and_on_leaving_the_item(make_app, audit, store):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#notes").focus()
        await pilot.press(*"Context reviewed")
        await pilot.pause(0.6)  # the typing pause saves it
        assert store.results(audit.id)["4.1"].notes == "Context reviewed"
        await pilot.press("tab")
        await pilot.press(*"CEO")
        await pilot.press("tab")
        await pilot.press(*"QMS-CTX-001 rev 3")
        await pilot.press("escape")  # back to the tree: leaving the field saves at once
        assert app.focused is app.screen.query_one(ClauseTree)
        row = store.results(audit.id)["4.1"]
        assert (row.interviewees, row.documents) == ("CEO", "QMS-CTX-001 rev 3")
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#notes").focus()
        await pilot.press(*"Parties listed")
        await pilot.press("ctrl+q")  # quitting saves what is pending
    assert store.results(audit.id)["4.2"].notes == "Parties listed"
    assert store.results(audit.id)["4.1"].notes == "Context reviewed"


async def test_notes_typed_without_a_pause_are_written_within_half_a_second(
        make_app, audit, store):
    """Typing on without ever pausing 0.3 s still writes: at the latest SAVE_WITHIN after
    the first key not yet written, not only once typing stops."""
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#notes").focus()
        typed, began, lags = "", time.monotonic(), []
        while time.monotonic() - began < 2.0:
            await pilot.press("x")
            typed += "x"
            await pilot.pause(0.1)  # faster than the 0.3 s pause that saves
            row = store.results(audit.id).get("4.1")
            saved = row.notes if row is not None else ""
            lags.append(len(typed) - len(saved))
        in_the_middle = store.results(audit.id)["4.1"].notes
    assert 0 < len(in_the_middle) <= len(typed)
    # Never more keys unwritten than about 0.5 s of typing (plus one timer's slack).
    keys_per_second = len(typed) / 2.0
    assert max(lags) <= keys_per_second * 0.5 + 4, lags


async def test_notes_follow_their_item(make_app, audit, store):
    store.set_item_text(audit.id, "4.2", notes="earlier note")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notes = app.screen.query_one("#notes")
        assert notes.text == ""
        await pilot.press("n")
        await pilot.pause()
        assert notes.text == "earlier note"
        notes.focus()
        await pilot.press("end", *" and more")
        app.screen.query_one(ClauseTree).focus()
        await pilot.press("up")  # to 4.1
        await pilot.pause()
        assert notes.text == ""
    assert store.results(audit.id)["4.2"].notes == "earlier note and more"
    assert "4.1" not in store.results(audit.id)


async def test_filters_show_not_assessed_and_findings_only(make_app, audit, store):
    store.record_result(audit.id, "4.1", "conform")
    store.record_result(audit.id, "8.6", "observation")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(ClauseTree)
        await pilot.press("v")
        assert set(tree.nodes_by_ref) == {"4", "4.2", "8", "8.3", "8.3.4"}
        await pilot.press("v")
        assert set(tree.nodes_by_ref) == {"8", "8.6"}
        assert cursor(app) == "8"
        await pilot.press("n")  # the next item not assessed is hidden: all items again
        assert cursor(app) == "8.3.4"
        assert len(tree.nodes_by_ref) == 7


async def test_help_lists_every_key_of_the_tree(make_app, audit):
    from auditor.ui.screens.help import HelpScreen

    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys")
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        described = {row[2] for row in rows}
        for binding in RESULT_KEYS:
            assert binding.description in described
        keys = {row[1] for row in rows}
        assert {"c", "o", "i", "m", "M", "x", "n", "f", "a", "?", "esc", "^p", "^q"} <= keys
        await pilot.press("escape")
        assert isinstance(app.screen, AuditScreen)


async def test_command_palette_goes_to_a_clause_and_runs_actions(make_app, audit, store):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"8.6")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert cursor(app) == "8.6"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Conform")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
    assert recorded(store, audit.id) == {"8.6": "conform"}


async def test_a_closed_audit_opens_read_only(make_app, audit, store, text_of):
    store.record_result(audit.id, "4.1", "conform")
    store.close_audit(audit.id, conclusion="Fine.")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "CLOSED 2026-03-02: read-only" in text_of(app)
        await pilot.press("n", "c", "x", "m")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert app.screen.query_one("#notes").read_only
        assert app.screen.query_one("#interviewees").disabled
    assert recorded(store, audit.id) == {"4.1": "conform"}


async def test_findings_list_and_closing_the_audit(make_app, audit, store):
    from auditor.ui.screens.close_audit import CloseAuditScreen
    from auditor.ui.screens.findings import FindingsScreen

    store.record_result(audit.id, "4.1", "observation")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CloseAuditScreen)
        await pilot.press(*"Effective.", "ctrl+s", "y")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)
        assert app.screen.read_only
        assert app.screen.query("#read-only-banner")
    closed = store.audit(audit.id)
    assert (closed.status, closed.conclusion) == ("closed", "Effective.")


async def test_item_history_and_comparison_with_the_previous_audit(
        make_app, audit, store, mini_checklist):
    from auditor.ui.screens.comparison import ComparisonScreen
    from auditor.ui.screens.history import HistoryScreen

    follow = store.create_audit(mini_checklist, title="Surveillance", auditee="Acme Soft",
                                type="surveillance", previous_id=audit.id)
    app = make_app(open_audit=follow.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c", "h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.entries and app.screen.entries[-1].new == "conform"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ComparisonScreen)
        await app.workers.wait_for_complete()
    assert recorded(store, follow.id) == {"4.1": "conform"}


async def test_previous_results_and_findings_of_the_audit_followed(
        make_app, audit, store, mini_checklist, text_of):
    _row, old = store.record_result(audit.id, "4.1", "minor", statement="No context review")
    store.close_audit(audit.id)
    follow = store.create_audit(mini_checklist, title="Surveillance", auditee="Acme Soft",
                                type="surveillance", previous_id=audit.id)
    app = make_app(open_audit=follow.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert f"last time: minor, {old.code}" in text_of(app)
        await pilot.press("p")  # to the previous findings
        await pilot.press("n")  # verified not effective: a repeat is raised here
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.progress.shown("4.1").value == "minor"
        assert "min 4 1/2" in text_of(app)
    [repeat] = store.findings(follow.id)
    assert (repeat.ref, repeat.repeat_of) == ("4.1", old.code)
    assert store.finding(old.code).status == "not_effective"


async def test_enter_on_an_item_goes_to_its_notes(make_app, audit, store):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert app.focused is app.screen.query_one("#notes")
        await pilot.press(*"typed after enter", "escape")
        assert app.focused is app.screen.query_one(ClauseTree)
    assert store.results(audit.id)["4.1"].notes == "typed after enter"


async def test_the_key_bar_shows_the_main_keys_and_a_click_presses_one(make_app, audit, store):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = str(app.screen.query_one("#key-bar").render())
        for shown in ("c Conform", "o Obs", "i OFI", "m Minor", "M Major", "x N/A",
                      "n Next", "? Keys", "^p palette"):
            assert shown in bar
        await pilot.click("#key-bar", offset=(1, 0))  # on " c "
        await pilot.pause()
    assert recorded(store, audit.id) == {"4.1": "conform"}


async def test_enter_on_a_finding_of_the_item_opens_it_for_editing(make_app, audit, store):
    from auditor.ui.screens.finding_form import FindingFormScreen

    _row, finding = store.record_result(audit.id, "4.1", "ofi")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("up")  # 4.1 is assessed: the cursor started on 4.2
        findings = app.screen.query_one("#item-findings")
        assert findings.display
        findings.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FindingFormScreen)
        assert app.screen.code == finding.code
        await pilot.press(*"Lessons learnt are not shared", "ctrl+s")
        await pilot.pause()
    assert store.finding(finding.code).statement == "Lessons learnt are not shared"


async def test_themes_repaint_the_tree(make_app, audit, store, text_of):
    store.record_result(audit.id, "4.1", "conform")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dark = app.screen.query_one(ClauseTree).get_component_rich_style(
            "clause-tree--conform")
        app.theme = "textual-light"
        await pilot.pause()
        light = app.screen.query_one(ClauseTree).get_component_rich_style(
            "clause-tree--conform")
        assert dark.color != light.color
        assert "  ✓ 4.1 Understanding the organization" in text_of(app)


@pytest.fixture
def audit_27001(store):
    from auditor.exchange.library import find

    checklist = find("iso27001-2022")
    return store.create_audit(checklist, title="ISMS audit", auditee="Acme Soft")


async def palette_offers(pilot, typed: str) -> list[str]:
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*typed)
    await pilot.pause(0.6)
    options = pilot.app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(options.option_count)]


@pytest.mark.parametrize(("typed", "first", "then"), [
    ("8.1", "8.1", ["A.8.1", "A.8.10", "A.8.11"]),
    ("A.5.1", "A.5.1", ["A.5.10", "A.5.11", "A.5.12"]),
    ("7.2", "7.2", ["A.7.2"]),
    ("a.8.1", "A.8.1", ["A.8.10", "A.8.11"]),
])
async def test_the_palette_puts_the_exact_ref_first_then_refs_in_checklist_order(
        make_app, audit_27001, typed, first, then):
    app = make_app(open_audit=audit_27001.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        offered = await palette_offers(pilot, typed)
        refs = [line.removeprefix("Go to clause ").split(" ")[0] for line in offered]
        assert refs[0] == first
        assert refs[1:1 + len(then)] == then
        await pilot.press("enter")
        await pilot.pause()
        assert cursor(app) == first


async def test_backspace_on_a_written_nc_says_so_and_ctrl_z_brings_it_back(
        make_app, audit, store, text_of):
    from auditor.ui.screens.history import HistoryScreen

    _, nc = store.record_result(audit.id, "8.6", "minor", statement="Release unapproved")
    app = make_app(open_audit=audit.id)
    notices = []
    app.notify = lambda message, **kw: notices.append(message)
    async with app.run_test(size=SIZE) as pilot:
        await at(pilot, "8.6")
        await pilot.press("backspace")
        await pilot.pause()
        assert store.finding(nc.code).status == "cancelled"
        assert any(nc.code in n and "ctrl+z" in n for n in notices), notices
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert store.finding(nc.code).status == "open"
        assert recorded(store, audit.id)["8.6"] == "minor"
        assert app.screen.progress.status("8.6").result == "minor"
        # the item's history shows the result and the finding's every step
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        shown = text_of(app)
        assert f"{nc.code} status" in shown and "cancelled" in shown
        await pilot.press("escape")
        await pilot.pause()
        # a key that raised a blank observation is undone too, and then nothing is left
        await at(pilot, "4.1")
        await pilot.press("o", "ctrl+z")
        await pilot.pause()
        assert recorded(store, audit.id)["4.1"] == "not_assessed"
        assert [f.status for f in store.findings(audit.id) if f.ref == "4.1"] == ["cancelled"]
        await pilot.press("ctrl+z", "ctrl+z")
        await pilot.pause()
    assert any("Nothing to undo" in n for n in notices)
    assert store.finding(nc.code).status == "open"


async def test_the_detail_shows_the_soa_notes_and_related_refs(make_app, audit_27001, text_of):
    app = make_app(open_audit=audit_27001.id)
    async with app.run_test(size=SIZE) as pilot:
        await at(pilot, "A.5.1")
        shown = " ".join(text_of(app).split())
        assert "In the SoA" in shown and "Expect it to be included" in shown
        await at(pilot, "4.1")
        shown = text_of(app)
        assert "Related" in shown and "9001:4.1, 6.1.1, 9.3.2" in shown


async def test_the_palette_finds_words_in_notes_and_findings_and_goes_there(
        make_app, audit, store):
    store.set_item_text(audit.id, "8.6", notes="Restore drill last run in May")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        offered = await palette_offers(pilot, "restore drill")
        assert offered[0] == "Found in 8.6 notes: Restore drill last run in May"
        await pilot.press("enter")
        await pilot.pause()
        assert cursor(app) == "8.6"


async def test_from_home_the_palette_finds_words_in_every_audit(
        make_app, audit, store, mini_checklist):
    other = store.create_audit(mini_checklist, title="Supplier", auditee="Cloudy")
    store.record_result(other.id, "8.3.4", "minor", statement="No escrow for the source code")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        offered = await palette_offers(pilot, "escrow")
        assert offered[0].startswith(f"Found in audit {other.id} · 8.3.4 NC-")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen) and app.screen.audit_id == other.id
        assert cursor(app) == "8.3.4"

"""Snapshots of the finding form, the findings list and the close screen at 100x30.

The data is fixed: the `store` fixture's clock is 2026-03-02 09:30 UTC, so finding ids,
due dates and overdue days never move. Update with `pytest --snapshot-update` after a
deliberate change of layout, and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

import auditor.ui
from auditor.ui.screens.close_audit import CloseAuditScreen
from auditor.ui.screens.finding_form import FindingFormScreen
from auditor.ui.screens.findings import FindingsScreen

SIZE = (100, 30)


class Host(App):
    TITLE = "auditor"
    CSS_PATH = Path(auditor.ui.__file__).parent / "app.tcss"

    def __init__(self, make_screen) -> None:
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())


@pytest.fixture
def surveillance(store, mini_checklist):
    """Last year's audit with findings in several states; this year's audit under way."""
    old = store.create_audit(mini_checklist, title="Internal audit 2025", auditee="Acme Soft")
    _, nc = store.record_result(old.id, "8.6", "minor", statement="Release 4.2 shipped "
                                "without the approval the release procedure requires")
    store.close_audit(old.id, "Conforming with one minor nonconformity")
    new = store.create_audit(mini_checklist, title="Surveillance 2026", auditee="Acme Soft",
                             type="surveillance", previous_id=old.id)
    store.record_result(new.id, "4.1", "conform")
    _, late = store.record_result(
        new.id, "8.3.4", "minor", statement="Design reviews not recorded for 2 of 5 PRs",
        requirement="ISO 9001:2015 8.3.4 b)", objective_evidence="PR 412, PR 415",
        process_area="Development")
    store.update_finding(late.code, {"root_cause": "No rule for hotfix branches",
                                     "corrective_action": "Branch protection on main",
                                     "owner": "Dev lead", "due_date": "2026-02-13"},
                         by_auditee=True)
    store.set_finding_status(late.code, "responded", by_auditee=True)
    _, obs = store.record_result(new.id, "4.2", "observation",
                                 statement="Interested parties register lacks regulators")
    store.set_finding_status(obs.code, "closed")
    store.raise_finding(new.id, "4.1", "good_practice",
                        statement="Context reviewed at every management review")
    return old, new, nc


def test_new_finding_form_with_repeat_notice(snap_compare, store, surveillance):
    _, new, _ = surveillance
    app = Host(lambda: FindingFormScreen(store, new.id, "8.6", grade="minor"))
    assert snap_compare(app, terminal_size=SIZE, press=[*"Release 5.0 unapproved"])


def test_edit_finding_form_on_a_closed_audit(snap_compare, store, surveillance):
    old, _, nc = surveillance
    app = Host(lambda: FindingFormScreen(store, old.id, nc.ref, code=nc.code))
    assert snap_compare(app, terminal_size=SIZE)


def test_findings_list(snap_compare, store, surveillance):
    _, new, _ = surveillance
    app = Host(lambda: FindingsScreen(store, new.id))
    assert snap_compare(app, terminal_size=SIZE)


def test_close_audit_confirmation(snap_compare, store, surveillance):
    _, new, _ = surveillance
    app = Host(lambda: CloseAuditScreen(store, new.id))
    assert snap_compare(app, terminal_size=SIZE,
                        press=[*"Conforming; one minor to follow up", "ctrl+s"])

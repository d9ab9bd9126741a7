"""Snapshots of the core screens on fixed data: the demo company on the fixed clock
(2026-03-02), at fixed terminal sizes. Update with `pytest --snapshot-update` after a
deliberate change, and look at the pictures before committing them."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.domain.demo import fill_demo
from auditor.exchange.library import find
from auditor.ui.app import AuditorApp


@pytest.fixture
def demo(store):
    return fill_demo(store, find("iso9001-2015"), today=date(2026, 3, 2))


@pytest.fixture
def app_on(store, settings):
    def make(open_audit=None):
        return AuditorApp(store, settings=settings, open_audit=open_audit)

    return make


def test_home_80x24(snap_compare, app_on, demo):
    assert snap_compare(app_on(), terminal_size=(80, 24))


def test_audit_screen_120x40(snap_compare, app_on, demo):
    assert snap_compare(app_on(demo.current_id), terminal_size=(120, 40))


def test_audit_screen_80x24(snap_compare, app_on, demo):
    assert snap_compare(app_on(demo.current_id), terminal_size=(80, 24))


def test_audit_screen_after_result_keys(snap_compare, app_on, demo):
    assert snap_compare(app_on(demo.current_id), press=["c", "n", "o", "n", "x", "v"],
                        terminal_size=(120, 40))


def test_closed_audit_read_only(snap_compare, app_on, demo):
    assert snap_compare(app_on(demo.previous_id), terminal_size=(100, 30))


def test_finding_form(snap_compare, app_on, demo):
    assert snap_compare(app_on(demo.current_id), press=["m"], terminal_size=(100, 30))


def test_findings_list(snap_compare, app_on, demo):
    assert snap_compare(app_on(demo.current_id), press=["F"], terminal_size=(100, 30))


def test_close_audit(snap_compare, app_on, demo):
    assert snap_compare(app_on(demo.current_id), press=["C"], terminal_size=(100, 30))


def test_help(snap_compare, app_on, demo):
    assert snap_compare(app_on(demo.current_id), press=["question_mark"],
                        terminal_size=(100, 30))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_edit_audit_details(snap_compare, app_on, demo, size):
    assert snap_compare(app_on(demo.current_id), press=["ctrl+e"], terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_verifying_previous_findings(snap_compare, app_on, demo, size):
    assert snap_compare(app_on(demo.current_id), press=["p", "down"], terminal_size=size)

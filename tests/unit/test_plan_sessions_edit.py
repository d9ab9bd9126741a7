"""Editing and moving a plan session (the TUI's plan screen uses these), and the two pure
rules the audit screen's session filter rests on: which session runs now, and which refs
a session shows in the tree."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.domain.audit_plan import check_start, session_at, session_scope
from auditor.domain.errors import AuditLocked, NotFound, RuleViolation
from auditor.domain.models import PlanSession


def session(number, start, minutes, refs="4"):
    return PlanSession(audit_id=1, number=number, minutes=minutes, refs=refs,
                       start=check_start(start), created_at=datetime.now(UTC))


def at(text):
    return check_start(text)


def test_the_session_running_now_and_none_between_sessions():
    sessions = [session(1, "2026-03-02 09:00", 60), session(2, "2026-03-02 10:30", 30),
                session(3, "2026-03-02 09:45", 30)]
    assert session_at(sessions, at("2026-03-02 08:59")) is None
    assert session_at(sessions, at("2026-03-02 09:00")).number == 1
    assert session_at(sessions, at("2026-03-02 09:50")).number == 3  # the later start
    assert session_at(sessions, at("2026-03-02 10:00")).number == 3  # 1 ended at 10:00
    assert session_at(sessions, at("2026-03-02 10:15")) is None
    assert session_at(sessions, datetime(2026, 3, 2, 10, 59, 59, tzinfo=UTC)).number == 2
    assert session_at([], at("2026-03-02 09:00")) is None


def test_a_sessions_scope_holds_its_items_their_groups_and_a_groups_items(mini_checklist):
    assert session_scope(mini_checklist, "8.3.4") == {"8", "8.3", "8.3.4"}
    assert session_scope(mini_checklist, "4,8.6") == {"4", "4.1", "4.2", "8", "8.6"}
    assert session_scope(mini_checklist, "8") == {"8", "8.3", "8.3.4", "8.6"}
    assert session_scope(mini_checklist, "9.9") == set()  # a ref the checklist lost


def test_a_session_is_edited_field_by_field_and_verifies(store, audit):
    added = store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4",
                              auditee_people="CTO", place="Room 1")
    edited = store.update_session(audit.id, added.number, minutes="90", refs="8.6, 4.1",
                                  auditor="Sam", auditee_people="CTO; QA lead",
                                  place="https://meet.example/x [b]")
    assert (edited.minutes, edited.refs, edited.auditor, edited.place) == (
        90, "8.6,4.1", "Sam", "https://meet.example/x [b]")
    moved = store.move_session(audit.id, added.number, "2026-03-03 14:15")
    assert (moved.start, moved.minutes, moved.refs) == (at("2026-03-03 14:15"), 90,
                                                        "8.6,4.1")
    [shown] = store.sessions(audit.id)
    assert (shown.start, shown.auditee_people) == (at("2026-03-03 14:15"), "CTO; QA lead")
    assert store.verify_audit(audit.id)["problems"] == []
    with sqlite3.connect(Path(store.database_path)) as db:
        logged = db.execute("SELECT field, old, new FROM change_log WHERE entity = "
                            "'session' ORDER BY id").fetchall()
    assert [f for f, _o, _n in logged] == ["added", "minutes", "place", "refs",
                                           "auditor", "auditee_people", "start"]
    assert json.loads(logged[0][2])["minutes"] == "60"
    assert logged[-1][1:] == ("2026-03-02T09:00:00+00:00", "2026-03-03T14:15:00+00:00")


def test_an_edit_that_changes_nothing_writes_nothing(store, audit):
    added = store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4")
    store.update_session(audit.id, added.number, start="2026-03-02 09:00", minutes=60,
                         refs="4", place="")
    with sqlite3.connect(Path(store.database_path)) as db:
        assert db.execute("SELECT count(*) FROM change_log WHERE entity = 'session'"
                          ).fetchone() == (1,)


@pytest.mark.parametrize("change,says", [
    ({"start": "tomorrow"}, "YYYY-MM-DD HH:MM"),
    ({"minutes": "0"}, "from 1 to 600"),
    ({"refs": "4,9.9"}, "'9.9' is not in this audit's checklist"),
    ({"refs": " , "}, "at least one ref"),
    ({"minutes": "90", "refs": "9.9"}, "not in this audit's checklist"),
])
def test_a_bad_edit_is_refused_whole(store, audit, change, says):
    added = store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4")
    with pytest.raises(RuleViolation, match=says):
        store.update_session(audit.id, added.number, **change)
    [kept] = store.sessions(audit.id)
    assert (kept.start, kept.minutes, kept.refs) == (at("2026-03-02 09:00"), 60, "4")


def test_an_unknown_session_or_a_closed_audit_refuses(store, audit):
    store.add_session(audit.id, start="2026-03-02 09:00", minutes=60, refs="4")
    with pytest.raises(NotFound, match="no plan session 5"):
        store.move_session(audit.id, 5, "2026-03-02 10:00")
    store.close_audit(audit.id, "done")
    with pytest.raises(AuditLocked):
        store.move_session(audit.id, 1, "2026-03-02 10:00")
    assert store.sessions(audit.id)[0].start == at("2026-03-02 09:00")

"""The new-audit form's checks and the choice of the audit a follow-up follows."""

from __future__ import annotations

from datetime import UTC, date, datetime

from auditor.domain.models import Audit
from auditor.domain.planning import check_plan, follow_up_candidates, parse_day


def form(**changes):
    raw = {"checklist": "mini", "title": " Internal audit ", "auditee": "Acme",
           "type": "internal", "planned_start": "2026-03-02", "planned_end": "2026-03-03",
           "scope": "", "site": "", "lead_auditor": "Dana", "team": "", "previous_id": None}
    raw.update(changes)
    return raw


def test_a_good_form_gives_the_store_arguments():
    check = check_plan(form())
    assert check.ok
    assert check.values["title"] == "Internal audit"
    assert check.values["planned_start"] == date(2026, 3, 2)
    assert check.values["lead_auditor"] == "Dana"


def test_every_wrong_field_is_named_at_once():
    check = check_plan(form(checklist=None, title=" ", auditee="", planned_start="2026-13-01",
                            type="annual"))
    assert set(check.problems) == {"checklist", "title", "auditee", "planned_start", "type"}
    assert "YYYY-MM-DD" in check.problems["planned_start"]
    assert "surveillance" in check.problems["type"]


def test_end_before_start_is_said_at_the_end_date():
    check = check_plan(form(planned_start="2026-03-05", planned_end="2026-03-01"))
    assert check.problems == {"planned_end": "the end date is before the start date"}


def test_parse_day():
    assert parse_day("  ") is None
    assert parse_day("2026-02-28") == date(2026, 2, 28)


def audit(id, auditee, created, end=None):
    return Audit(id=id, title=f"a{id}", type="internal", auditee=auditee, snapshot_id=1,
                 created_at=datetime(*created, tzinfo=UTC),
                 updated_at=datetime(*created, tzinfo=UTC), actual_end=end)


def test_follow_up_candidates_are_the_same_auditee_most_recent_first():
    audits = [audit(1, "Acme Soft", (2024, 3, 1)), audit(2, "Other", (2025, 3, 1)),
              audit(3, " acme soft ", (2025, 3, 1)),
              audit(4, "Acme Soft", (2023, 1, 1), end=date(2025, 6, 1))]
    assert [a.id for a in follow_up_candidates(audits, "ACME SOFT")] == [4, 3, 1]
    assert [a.id for a in follow_up_candidates(audits, "acme soft", exclude=4)] == [3, 1]
    assert follow_up_candidates(audits, "  ") == []

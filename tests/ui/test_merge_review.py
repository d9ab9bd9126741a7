"""The merge review screen of `auditor bundle import FILE --review`: what will change,
each conflict with both values, who and when; resolved one by one; all or nothing."""

from __future__ import annotations

import pytest

from auditor.domain.merge import Conflict, MergePlan
from auditor.ui.merge_app import MergeReviewApp

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def a_plan() -> MergePlan:
    return MergePlan(
        new_gids=[f"g{i}" for i in range(7)],
        takes={("item", "8.6", "result"): "minor", ("item", "8.6", "notes"): "release 4.2",
               ("finding", "NC-2026-101", "grade"): "minor",
               ("audit", "", "status"): "in_progress"},
        conflicts=[
            Conflict("item", "4.1", "notes", "anna: SWOT of 2025 only", "anna",
                     "2026-03-03T10:12:44.1Z", "\x1b[2J[b]ben[/b] in QM", "ben",
                     "2026-03-03T11:40:02.5Z"),
            Conflict("finding", "NC-2026-001", "statement", "No context review since 2024",
                     "anna", "2026-03-03T10:20:00Z", "Context review missing", "ben",
                     "2026-03-03T11:45:00Z"),
        ],
        new_records=[("finding", "NC-2026-101"), ("evidence", "3abd384536fecc8d")],
    )


def review_app(store):
    return MergeReviewApp(store, a_plan(), 3, "from-ben.auditor")


async def test_conflicts_are_resolved_one_by_one_then_applied(store, text_of):
    screen_text = text_of
    app = review_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "2 conflicts, 2 open" in text
        assert "\\x1b[2J[b]ben[/b]" in text  # literal, no escape sent
        assert "anna, 03-03 10:12" in text and "ben, 03-03 11:40" in text
        assert "NC-2026-101" in text and "(new)" in text
        await pilot.press("a")  # refused: conflicts open
        await pilot.pause()
        assert app.is_running
        await pilot.press("t")
        await pilot.pause()
        assert "1 open" in screen_text(app) and "notes      theirs" in screen_text(app)
        await pilot.press("m", "a")
        await pilot.pause()
    assert app.return_value == {("item", "4.1", "notes"): "theirs",
                                ("finding", "NC-2026-001", "statement"): "mine"}


async def test_escape_applies_nothing(store):
    app = review_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t", "escape")
        await pilot.pause()
    assert app.return_value is None


@SIZES
def test_merge_review_snapshot(snap_compare, store, size):
    async def run(pilot) -> None:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()

    assert snap_compare(review_app(store), terminal_size=size, run_before=run)

"""The one definition of each small text rule (domain/text.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from auditor.domain.text import escape_controls, parse_day, shorten


def test_parse_day():
    assert parse_day(" 2026-03-02 ") == date(2026, 3, 2)
    assert parse_day(datetime(2026, 3, 2, 9, 30)) == date(2026, 3, 2)
    assert parse_day(date(2026, 3, 2)) == date(2026, 3, 2)
    assert parse_day("") is None and parse_day("  ") is None and parse_day(None) is None
    for bad in ("2026-02-30", "02/03/2026", "tomorrow", 20260302):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_day(bad)


def test_escape_controls_keeps_one_harmless_line():
    hostile = "a\x1b]0;owned\x07b\nc\u2028d\x9b2J"
    shown = escape_controls(hostile)
    assert shown.isprintable() and "\x1b" not in shown and "\n" not in shown
    assert shown.startswith("a\\x1b]0;owned\\x07b\\nc")
    assert escape_controls("[/b] plain — ü") == "[/b] plain — ü"


def test_shorten():
    assert shorten("short", 10) == "short"
    assert shorten("two\n  lines", 20) == "two lines"
    assert shorten("abcdefghij", 5) == "abcd…" and len(shorten("x" * 100, 5)) == 5
    assert shorten("alpha beta gamma, delta", 18, at_word=True) == "alpha beta…"
    assert shorten("alpha beta gamma, delta", 19, at_word=True) == "alpha beta gamma…"
    assert shorten("nospacesatall" * 3, 10, at_word=True) == "nospacesa…"


def test_replacing_moves_whole_or_leaves_nothing(tmp_path):
    """The one atomic write: the target changes in one step or not at all, and no
    temporary file is left either way."""
    from auditor.domain.files import replacing

    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), replacing(target) as part:
        part.path.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old" and sorted(tmp_path.iterdir()) == [target]
    with replacing(target, mode=0o640) as part:
        part.path.write_text("new")
    assert target.read_text() == "new" and oct(target.stat().st_mode & 0o777) == "0o640"
    with replacing(None, directory=tmp_path) as part:  # decided late: keep nothing
        part.path.write_text("dropped")
    assert sorted(tmp_path.iterdir()) == [target]
    # A link planted where a temporary name might be is never written through.
    (tmp_path / "victim").write_text("safe")
    (tmp_path / ".out.txt.planted.part").symlink_to(tmp_path / "victim")
    with replacing(target) as part:
        assert not part.path.is_symlink()
        part.path.write_text("newer")
    assert (tmp_path / "victim").read_text() == "safe"


def test_filled_writes_a_line_per_field_that_holds_something():
    from types import SimpleNamespace

    from auditor.domain.text import filled

    row = SimpleNamespace(root_cause="No owner {0} [b]", corrective_action="", owner=None,
                          repeat_of="NC-2025-004")
    assert filled(row, (("Root cause: {}", "root_cause"), ("Action: {}", "corrective_action"),
                        ("Owner: {}", "owner"), ("Repeats {}", "repeat_of"))) == [
        "Root cause: No owner {0} [b]", "Repeats NC-2025-004"]  # braces in a value stay

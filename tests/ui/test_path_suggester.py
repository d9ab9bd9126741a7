"""Path completion in the path dialogs: what tab completes in a shell."""

from __future__ import annotations

import os

from auditor.ui.path_suggester import complete


def test_folders_first_with_a_slash_and_hidden_only_after_a_dot(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "nc-answered.xlsx").write_text("x")
    (tmp_path / "readme.txt").write_text("x")
    (tmp_path / ".secret").write_text("x")
    assert complete("re") == "reports/"
    assert complete("reports/") == "reports/nc-answered.xlsx"
    assert complete(f"{tmp_path}/rea") == f"{tmp_path}/readme.txt"
    assert complete("readme.txt") is None  # nothing to add
    assert complete("s") is None and complete(".s") == ".secret"
    assert complete("") is None and complete("~") is None


def test_a_folder_that_cannot_be_read_suggests_nothing(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.xlsx").write_text("x")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads anything: nothing to show then
            return
        assert complete(f"{locked}/in") is None
    finally:
        locked.chmod(0o700)
    assert complete(f"{tmp_path}/nowhere/x") is None

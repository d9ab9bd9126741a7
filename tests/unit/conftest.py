"""Every unit test writes its change logs with a key of its own, in a folder of its own:
never the user's real key (`~/.config/auditor/log.key`), never a file in tmp_path that a
test counts."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def log_key(tmp_path_factory, monkeypatch):
    path = tmp_path_factory.mktemp("key") / "log.key"
    monkeypatch.setenv("AUDITOR_KEY_FILE", str(path))
    return path

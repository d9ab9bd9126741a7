"""Path completion for typed file names: what `tab` completes in a shell, offered as the
input's suggestion (accepted with the right arrow or end). Folders first come with a
trailing slash so the next part can be typed at once; hidden entries only when a dot is
typed. A folder that cannot be read suggests nothing rather than failing."""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester

MAX_ENTRIES = 2000  # a huge folder is not listed whole for one suggestion


def complete(value: str) -> str | None:
    """The typed path completed with the first entry of its folder that starts with what
    was typed of the last part; None when there is nothing to add."""
    if not value:
        return None
    if "/" not in value and value.startswith("~"):
        return None  # "~user" is not completed
    typed_dir, _, prefix = value.rpartition("/")
    folder = Path(os.path.expanduser(typed_dir or "/")) if "/" in value else Path(".")
    try:
        entries = []
        with os.scandir(folder) as listing:
            for n, entry in enumerate(listing):
                if n >= MAX_ENTRIES:
                    break
                if entry.name.startswith(prefix) and (prefix.startswith(".") or
                                                      not entry.name.startswith(".")):
                    entries.append((not entry.is_dir(), entry.name, entry.is_dir()))
    except OSError:
        return None
    for _is_file, name, is_dir in sorted(entries):
        if name == prefix and not is_dir:
            continue
        done = value[: len(value) - len(prefix)] + name + ("/" if is_dir else "")
        if done != value:
            return done
    return None


class PathSuggester(Suggester):
    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete(value)

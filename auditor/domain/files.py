"""Writing a file so that a reader never sees half of it: the one way `auditor` puts a
file in place (workbooks, converted checklists, database backups, evidence copies)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Part:
    """The temporary file being written, and where it goes when the write succeeds; a
    caller that learns the name only from the content (evidence, by its hash) sets
    `target` late, or None to keep nothing."""

    path: Path
    target: Path | None


@contextmanager
def replacing(target: Path | None, *, directory: Path | None = None, mode: int = 0o600,
              prefix: str | None = None) -> Iterator[Part]:
    """A new empty file beside the target (in `directory` when the target is not known
    yet), created exclusively by mkstemp, so never through a link someone left there.
    The body writes `part.path`; on success the file is flushed to disk, given `mode` and
    moved over `part.target` in one step; on any failure, or with no target, it is gone.
    OSError from creating it reaches the caller, which says what could not be written."""
    folder = directory if directory is not None else Path(target or ".").parent
    name = target.name if target is not None else "file"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix or f".{name}.", suffix=".part")
    os.close(fd)
    part = Part(Path(tmp), target)
    try:
        yield part
        if part.target is not None:
            with open(part.path, "rb+") as written:
                os.fsync(written.fileno())
            os.chmod(part.path, mode)
            os.replace(part.path, part.target)
    finally:
        if part.path.exists():
            part.path.unlink()

"""Writing a file so that a reader never sees half of it: the one way `auditor` puts a
file in place (workbooks, converted checklists, database backups, evidence copies)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
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


def private_folder(path: Path) -> Path:
    """`path` as a folder, made with every missing folder above it owner-only (0700)
    whatever the umask: `mkdir(parents=True, mode=...)` gives the mode to the last folder
    only, and under umask 000 the others came out 0777. Folders that were there already
    are left as they are (they may be the user's own, shared on purpose)."""
    missing: list[Path] = []
    folder = path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:  # made a moment ago by another process: not ours to chmod
            continue
        os.chmod(folder, 0o700)
    return path


STALE_TEMP_SECONDS = 3600  # no export or import runs for an hour: older leftovers are dead


@contextmanager
def private_temp(folder: Path) -> Iterator[Path | None]:
    """While the body runs, temporary files of this process go to `folder` (owner-only, in
    the data folder), not to the shared temp folder: openpyxl writes each sheet of an
    export there first, and a killed export left the audit's notes and findings in $TMPDIR
    for anyone to read. What a killed run left there more than an hour ago is swept.
    Yields None (the system's temp folder stays) when the folder cannot be made."""
    shared = tempfile.tempdir
    made: Path | None = folder
    try:
        private_folder(folder)
        os.chmod(folder, 0o700)
        now = time.time()
        for entry in os.scandir(folder):
            if entry.is_file(follow_symlinks=False) and \
                    now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS:
                Path(entry.path).unlink(missing_ok=True)
    except OSError:
        made = None
    if made is not None:
        tempfile.tempdir = str(folder)
    try:
        yield made
    finally:
        tempfile.tempdir = shared


def unused_name(folder: Path, stem: str, suffix: str = "") -> Path:
    """A name in `folder` that nothing has: `stem` + `suffix`, else `stem-2` + `suffix`,
    and so on; the empty file is created (exclusively, owner-only) as the reservation, so
    two copies made in the same second, by one process or two, never take one name."""
    for n in range(1, 10_000):
        path = folder / f"{stem}{'' if n == 1 else f'-{n}'}{suffix}"
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(f"{folder / stem}: no free name left for a copy")


def not_a_file(path: Path, what: str = "file") -> str | None:
    """Why `path` cannot be read as a file (`what` names the kind of file it should be),
    in a few words, or None when it can be.

    A pipe or a device is never opened (reading a FIFO waits for a writer for ever) and is
    not called missing: the message says what is there."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:  # a folder on the way this user may not enter, a loop of links
        return f"cannot reach it ({exc.strerror})"
    if stat.S_ISDIR(mode):
        return f"is a folder, not a {what}"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a pipe, a device or a socket)"
    return None


# What to do about a failed read or write, by what the system said: a full disk is not a
# question of permissions.
FULL_DISK = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
REFUSED = (errno.EACCES, errno.EPERM, errno.EROFS)


def way_out(exc: OSError) -> str:
    """The advice that goes with an OSError's message."""
    if exc.errno in FULL_DISK:
        return "the disk is full; free some space, then try again"
    if exc.errno in REFUSED:
        return "check its permissions"
    return "check the disk and the path"

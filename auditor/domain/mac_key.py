"""The change log's MAC key: 32 random bytes kept outside the database file.

Where: `AUDITOR_KEY_FILE`, else `log.key` in the user config folder (`AUDITOR_HOME` when
that is set, else the platform's, where `config.toml` is). The file holds the key as 64
hex digits on one line. It is created on the first write to a change log, owner-only
(0600, in a 0700 folder when the folder is new), by an exclusive link of a complete file,
so two processes starting at once end up with the same key and a link planted at the
key's path is never followed; it is read without following a link either, and refused
when others may read it.

Someone who holds the database file but not this key cannot write an entry whose MAC
`auditor audits verify` accepts (`trail.entry_mac`). Each MAC names its key by a short
fingerprint (`key_id`), so verify can say "another key" rather than "altered" when the
database moved to a machine without the key.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import AuditorError

APP_NAME = "auditor"
KEY_FILE_ENV = "AUDITOR_KEY_FILE"
KEY_NAME = "log.key"
KEY_BYTES = 32


class KeyProblem(AuditorError):
    """The key file exists but cannot be used (unreadable, a link, open to others, not
    a key); or it cannot be created. Nothing was written."""


@dataclass(frozen=True)
class LogKey:
    secret: bytes
    path: Path

    @property
    def id(self) -> str:
        return key_id(self.secret)


def key_id(secret: bytes) -> str:
    """A key's fingerprint (16 hex digits): names the key, reveals nothing of it."""
    return hashlib.sha256(b"auditor change-log key id\x00" + secret).hexdigest()[:16]


def key_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    chosen = env.get(KEY_FILE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    home = env.get("AUDITOR_HOME")
    if home:
        return Path(home).expanduser() / KEY_NAME
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / KEY_NAME


def read_key(path: Path) -> LogKey | None:
    """The key at `path`, or None when there is no file there; KeyProblem when there is
    one that cannot be used."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if os.path.islink(path):
            raise KeyProblem(f"{path}: the change-log key is a link to nowhere; remove it "
                             "or point AUDITOR_KEY_FILE at the key file") from None
        return None
    except OSError as exc:
        if os.path.islink(path):
            raise KeyProblem(f"{path}: the change-log key is a link, not a file; links "
                             "are never followed (replace it with the key file)") from None
        raise KeyProblem(f"{path}: cannot read the change-log key ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KeyProblem(f"{path}: the change-log key is not a regular file")
        if info.st_mode & 0o077:
            raise KeyProblem(f"{path}: the change-log key may be read by others (mode "
                             f"{stat.S_IMODE(info.st_mode):o}); make it owner-only: "
                             f"chmod 600 {path}")
        data = os.read(fd, 4096)
    finally:
        os.close(fd)
    text = data.decode("ascii", "replace").strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) != KEY_BYTES:
        raise KeyProblem(f"{path}: not a change-log key (64 hex digits expected)")
    return LogKey(secret, path)


def create_key(path: Path) -> LogKey:
    """A new key at `path`; the key already there when another process was first."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        part = path.with_name(f".{path.name}.{secrets.token_hex(8)}.part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                     | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            try:
                os.write(fd, (secrets.token_bytes(KEY_BYTES).hex() + "\n").encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)
            # A hard link fails if anything, a link included, is at the path already.
            os.link(part, path)
        except FileExistsError:
            pass
        finally:
            part.unlink(missing_ok=True)
    except OSError as exc:
        raise KeyProblem(f"{path}: cannot create the change-log key ({exc.strerror}); "
                         "set AUDITOR_KEY_FILE to a file in a folder you can write; "
                         "nothing was written") from None
    key = read_key(path)
    if key is None:
        raise KeyProblem(f"{path}: the change-log key vanished as it was created")
    return key


_cache: dict[Path, tuple[tuple[int, int, int], LogKey]] = {}


def writing_key(env: Mapping[str, str] | None = None) -> LogKey:
    """The key new entries are MAC'd with, created on first use. Read once per file
    version (a stat per call), as every write transaction asks for it."""
    path = key_path(env)
    try:
        info = os.stat(path, follow_symlinks=False)
        seen = (info.st_ino, info.st_mtime_ns, info.st_size)
        cached = _cache.get(path)
        if cached is not None and cached[0] == seen:
            return cached[1]
    except FileNotFoundError:
        pass
    except OSError:
        pass  # read_key names the problem
    key = read_key(path) or create_key(path)
    info = os.stat(path, follow_symlinks=False)
    _cache[path] = ((info.st_ino, info.st_mtime_ns, info.st_size), key)
    return key

"""The index of installed checklists: what `checklists list`, `audits new` and the new-audit
form need to know about each checklist file (id, version, title, standard, item counts),
kept beside the database so that a folder of hundreds of converted frameworks is not
parsed on every call.

Each entry is keyed by the file's identity (path, size, mtime_ns, ctime_ns, inode): a file
whose identity changed is read again, a file that is gone is dropped, the rest is taken
from the index. Files that do not load are kept with their problems, so that a broken file
is reported on every call without being parsed on every call.

The index is only ever a short cut. A file that is not an index of this version, an entry
of the wrong shape or a value that is not what the loader could have produced, and the
whole file is ignored and rebuilt from the checklists. Nothing is audited from it: an audit
loads its checklist from the checklist file (`library.find`).
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from auditor.domain.files import private_folder, replacing

from .checklist_yaml import ID_PATTERN, ChecklistError, Problem, load_checklist

FORMAT = "auditor-checklist-index"
VERSION = 1
MAX_BYTES = 8 * 1024 * 1024
MAX_ENTRIES = 20_000
TEXT_LIMIT = 20_000


@dataclass(frozen=True)
class Identity:
    """Enough of a file's stat to see that it changed (an atomic replace changes the
    inode; an edit in place, the size or mtime; ctime catches a touch -d back in time)."""

    path: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> Identity | None:
        try:
            st = path.stat()
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        return cls(str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass(frozen=True)
class Summary:
    """One checklist file as the lists show it; `problems` set when it does not load."""

    path: str
    shipped: bool
    id: str = ""
    version: str = ""
    title: str = ""
    standard: str = ""
    items: int = 0
    assessable: int = 0
    prompts: int = 0
    evidence: int = 0
    problems: tuple[Problem, ...] = ()

    @property
    def loads(self) -> bool:
        return not self.problems


def summarise(path: Path, shipped: bool) -> Summary:
    try:
        checklist = load_checklist(path)
    except ChecklistError as exc:
        return Summary(str(path), shipped, problems=tuple(exc.problems))
    items = checklist.all_items()
    assessable = [i for i in items if i.assessable]
    return Summary(
        path=str(path), shipped=shipped, id=checklist.id, version=checklist.version,
        title=checklist.title, standard=checklist.standard, items=len(items),
        assessable=len(assessable), prompts=sum(len(i.prompts) for i in assessable),
        evidence=sum(len(i.evidence) for i in items))


class _Untrusted(Exception):
    """The index file is not one we wrote: ignore all of it."""


def _text(value: Any, *, required: bool = False) -> str:
    if not isinstance(value, str) or len(value) > TEXT_LIMIT or (required and not value):
        raise _Untrusted
    # The loader refuses control characters in checklist text; an index holding one was
    # not written from a checklist.
    if any(ord(ch) < 32 and ch not in "\t\n" or ch in "\x7f\u2028\u2029" for ch in value):
        raise _Untrusted
    return value


def _count(value: Any, limit: int = 10**9) -> int:
    if type(value) is not int or not 0 <= value <= limit:
        raise _Untrusted
    return value


def _stamp(value: Any) -> int:
    if type(value) is not int or abs(value) > 2**64:
        raise _Untrusted
    return value


def _problem(value: Any) -> Problem:
    if not isinstance(value, dict) or set(value) != {"file", "line", "message"}:
        raise _Untrusted
    return Problem(_text(value["file"]), _count(value["line"]), _text(value["message"]))


SUMMARY_FIELDS = {f.name for f in fields(Summary)}
IDENTITY_FIELDS = {f.name for f in fields(Identity)}


def _entry(raw: Any) -> tuple[Identity, Summary]:
    if not isinstance(raw, dict) or set(raw) != {"file", "summary"}:
        raise _Untrusted
    file, summary = raw["file"], raw["summary"]
    if not isinstance(file, dict) or set(file) != IDENTITY_FIELDS:
        raise _Untrusted
    if not isinstance(summary, dict) or set(summary) != SUMMARY_FIELDS:
        raise _Untrusted
    identity = Identity(_text(file["path"], required=True), _stamp(file["size"]),
                        _stamp(file["mtime_ns"]), _stamp(file["ctime_ns"]),
                        _stamp(file["inode"]))
    problems = summary["problems"]
    if not isinstance(problems, list) or len(problems) > 1000:
        raise _Untrusted
    if not isinstance(summary["shipped"], bool):
        raise _Untrusted
    entry = Summary(
        path=_text(summary["path"], required=True), shipped=summary["shipped"],
        id=_text(summary["id"]), version=_text(summary["version"]),
        title=_text(summary["title"]), standard=_text(summary["standard"]),
        items=_count(summary["items"]), assessable=_count(summary["assessable"]),
        prompts=_count(summary["prompts"]), evidence=_count(summary["evidence"]),
        problems=tuple(_problem(p) for p in problems))
    if entry.path != identity.path:
        raise _Untrusted
    if entry.loads and (not ID_PATTERN.match(entry.id) or not entry.title
                        or not entry.version or not entry.assessable):
        raise _Untrusted
    return identity, entry


def loader_stamp() -> str:
    """Which checklist loader made the entries: an entry made by another (an upgrade that
    accepts a new key, or counts differently) is not trusted to say the same, so a file it
    refused is read again. The loader's own file identity stands for its version."""
    from . import checklist_yaml

    try:
        st = Path(checklist_yaml.__file__).stat()
    except OSError:
        return "unknown"
    return f"{st.st_size}:{st.st_mtime_ns}"


def read_index(path: Path) -> dict[str, tuple[Identity, Summary]]:
    """The entries of the index file by checklist path; empty when there is none or it
    is not an index this version wrote (then it is rebuilt)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return {}
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return {}
            raw = handle.read(MAX_BYTES + 1)
    except OSError:
        return {}
    if len(raw) > MAX_BYTES:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT \
                or data.get("version") != VERSION or data.get("loader") != loader_stamp():
            raise _Untrusted
        entries = data.get("entries")
        if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
            raise _Untrusted
        out: dict[str, tuple[Identity, Summary]] = {}
        for raw_entry in entries:
            identity, summary = _entry(raw_entry)
            out[identity.path] = (identity, summary)
        return out
    except (_Untrusted, ValueError, RecursionError, TypeError, KeyError):
        return {}


def _write_index(path: Path, entries: list[tuple[Identity, Summary]]) -> None:
    data = {"format": FORMAT, "version": VERSION, "loader": loader_stamp(), "entries": [
        {"file": asdict(identity), "summary": {**asdict(summary), "problems": [
            asdict(p) for p in summary.problems]}}
        for identity, summary in entries]}
    try:
        private_folder(path.parent)
        with replacing(path) as part:
            part.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # a read-only data folder: the lists still work, only slower


def summaries(files: list[tuple[Path, bool]], index: Path | None) -> list[Summary]:
    """A summary of each file, in the order given: from the index where the file has not
    changed since, else read now; the index is rewritten when anything changed."""
    known = read_index(index) if index is not None else {}
    out: list[Summary] = []
    kept: list[tuple[Identity, Summary]] = []
    changed = index is not None and len(known) != len(files)
    for path, shipped in files:
        identity = Identity.of(path)
        cached = known.get(str(path))
        if identity is not None and cached is not None and cached[0] == identity \
                and cached[1].shipped == shipped:
            summary = cached[1]
        else:
            summary = summarise(path, shipped)
            changed = True
        out.append(summary)
        if identity is not None:
            kept.append((identity, summary))
    if index is not None and changed:
        _write_index(index, kept)
    return out

"""The installed checklists: those shipped with the package and the user's own folder.

`catalogue` and `find` go through the index of installed checklists (`checklist_index`)
when given its path, so that hundreds of installed frameworks are not parsed on every
call; `installed` loads every file (for callers that need each whole checklist).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from auditor.domain.checklist import Checklist
from auditor.domain.errors import NotFound

from .checklist_index import Summary, summaries
from .checklist_yaml import ChecklistError, Problem, load_checklist


@dataclass(frozen=True)
class Installed:
    checklist: Checklist
    path: Path
    shipped: bool


def shipped_dir() -> Path:
    return Path(str(resources.files("auditor.checklists")))


def checklist_files(user_dir: Path | None = None) -> list[tuple[Path, bool]]:
    files = [(p, True) for p in sorted(shipped_dir().glob("*.yaml"))]
    if user_dir is not None and user_dir.is_dir():
        files += [(p, False) for p in sorted(user_dir.glob("*.yaml"))]
    return files


def installed(user_dir: Path | None = None) -> tuple[list[Installed], list[Problem]]:
    """Every loadable checklist, and the problems of those that do not load.
    A user's checklist with the id of a shipped one takes its place."""
    by_id: dict[str, Installed] = {}
    problems: list[Problem] = []
    for path, shipped in checklist_files(user_dir):
        try:
            checklist = load_checklist(path)
        except ChecklistError as exc:
            problems.extend(exc.problems)
            continue
        by_id[checklist.id] = Installed(checklist, path, shipped)
    return sorted(by_id.values(), key=lambda i: i.checklist.id), problems


def catalogue(user_dir: Path | None = None, index: Path | None = None
              ) -> tuple[list[Summary], list[Problem]]:
    """What `installed` finds, as summaries (no item tree), read through the index at
    `index` when given: the same choice of files, the same precedence."""
    by_id: dict[str, Summary] = {}
    problems: list[Problem] = []
    for summary in summaries(checklist_files(user_dir), index):
        if summary.problems:
            problems.extend(summary.problems)
        else:
            by_id[summary.id] = summary
    return sorted(by_id.values(), key=lambda s: s.id), problems


def find(checklist_id: str, user_dir: Path | None = None, index: Path | None = None
         ) -> Checklist:
    """An installed checklist by id, or a checklist file by path. The index (when given)
    only says which file to read: the checklist is always loaded from its file, and the
    index is not believed when the file holds another id."""
    candidate = Path(checklist_id)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return load_checklist(candidate)
    if index is not None:
        # An id the index does not know (or places wrongly) is looked for the slow way
        # below: an error path, where being right matters more than being quick.
        listed, _problems = catalogue(user_dir, index)
        indexed = next((s.path for s in listed if s.id == checklist_id), None)
        if indexed is not None:
            try:
                checklist = load_checklist(indexed)
            except ChecklistError:
                checklist = None
            if checklist is not None and checklist.id == checklist_id:
                return checklist
    for path, _shipped in reversed(checklist_files(user_dir)):
        if path.stem == checklist_id:
            checklist = load_checklist(path)
            if checklist.id == checklist_id:
                return checklist
    found, _problems = installed(user_dir)
    for entry in found:
        if entry.checklist.id == checklist_id:
            return entry.checklist
    ids = ", ".join(e.checklist.id for e in found) or "none"
    raise NotFound(f"checklist {checklist_id!r} is not installed (installed: {ids})")

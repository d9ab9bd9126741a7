"""The installed checklists: those shipped with the package and the user's own folder."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from auditor.domain.checklist import Checklist
from auditor.domain.errors import NotFound

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


def find(checklist_id: str, user_dir: Path | None = None) -> Checklist:
    """An installed checklist by id, or a checklist file by path."""
    candidate = Path(checklist_id)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return load_checklist(candidate)
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

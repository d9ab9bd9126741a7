"""Converting several CISO Assistant libraries in one run: files and folders given on
the command line, each converted on its own, so that one bad file stops none of the
others. In a folder, a file holding no framework (a mapping set, a risk matrix: a
quarter of CISO Assistant's libraries folder) is passed over and counted; a file named
on its own that holds none is a failure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .ciso import (
    CisoImportError,
    Conversion,
    NotAFramework,
    convert,
    read_library,
    without_gc_pauses,
    write,
)

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Source:
    path: Path
    in_folder: bool   # found in a folder given (not named on its own)


@dataclass
class Outcome:
    source: Source
    out: Path | None = None
    conversion: Conversion | None = None
    problem: str = ""      # the one-line message when it failed or was passed over
    kind: str = ""         # what a file passed over holds ("a risk matrix")
    skipped: bool = False  # a non-framework file found in a folder


@dataclass
class Batch:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def converted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.conversion is not None]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.problem and not o.skipped]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.skipped]


def sources(paths: Iterable[Path]) -> list[Source]:
    """The library files to convert: each file given, and the .yaml files directly in
    each folder given (in name order); a path given twice is converted once."""
    found: list[Source] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.suffix.lower() in SUFFIXES and not p.is_dir())
            if not files:
                raise CisoImportError(f"{path}: folder holds no .yaml library file")
            entries = [Source(p, True) for p in files]
        else:
            entries = [Source(path, False)]
        for entry in entries:
            key = entry.path.resolve() if entry.path.exists() else entry.path
            if key not in seen:
                seen.add(key)
                found.append(entry)
    return found


def convert_one(source: Source, out_dir: Path, lang: str | None,
                written: dict[Path, Path], checklist_id: str | None = None, *,
                replace: bool = False) -> Outcome:
    """One library converted into `out_dir`, named by its checklist id. `written` maps
    each file written in this run to its library, so that two libraries of the same id
    do not overwrite each other."""
    outcome = Outcome(source)
    with without_gc_pauses():
        return _convert_one(outcome, source, out_dir, lang, written, checklist_id, replace)


def _convert_one(outcome: Outcome, source: Source, out_dir: Path, lang: str | None,
                 written: dict[Path, Path], checklist_id: str | None, replace: bool
                 ) -> Outcome:
    try:
        conversion = convert(read_library(source.path), str(source.path), checklist_id, lang)
        out = out_dir / f"{conversion.checklist.id}.yaml"
        if out in written:
            raise CisoImportError(f"{source.path}: its checklist id "
                                  f"{conversion.checklist.id} is also that of "
                                  f"{written[out]}, written to {out} in this run; convert "
                                  "it on its own with --id")
        if out.exists() and source.path.exists() and out.resolve() == \
                source.path.resolve():
            raise CisoImportError(f"{out}: is the library being converted; write elsewhere")
        make_folder(out_dir)
        conversion = write(conversion, out, source.path, replace=replace)
        written[out] = source.path
        outcome.out, outcome.conversion = out, conversion
    except NotAFramework as exc:
        outcome.problem, outcome.skipped, outcome.kind = str(exc), source.in_folder, exc.kind
    except CisoImportError as exc:
        outcome.problem = str(exc)
    return outcome


def check_folder(out_dir: Path, create: bool) -> None:
    """`out_dir` a folder, or one to be made (`create`: -o ended with "/")."""
    if out_dir.is_dir():
        return
    if out_dir.exists() or out_dir.is_symlink():
        raise CisoImportError(f"{out_dir}: not a folder; -o is the folder to write the "
                              "checklists into")
    if not create:
        raise CisoImportError(f"{out_dir}: not a folder; with several libraries (or a "
                              "folder), -o is the folder to write the checklists into (end "
                              "it with / to create it)")


def make_folder(out_dir: Path) -> None:
    """The folder written into, made (parents too) when the first checklist is ready to
    be written, so that a run that converts nothing leaves nothing behind."""
    if out_dir.is_dir():
        return
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CisoImportError(f"{out_dir}: cannot create the folder "
                              f"({exc.strerror or exc})") from None

"""Converting a CISO Assistant framework library (YAML) into our checklist format.

A CISO Assistant library holds `objects.framework.requirement_nodes`, a flat list of
nodes linked into a tree by `parent_urn`; `ciso_nodes` makes them our items, in the
library's language or, asked for, one of its translations (`ciso_text`), and counts what
had no place in a checklist (`ciso_report`). A file that holds something else (a mapping
set, a risk matrix, a catalogue) is named for what it holds (`ciso_kind`).

The library is untrusted input: read with the safe loader, bounded in size and nesting,
aliases refused; every problem is one line naming the file, and nothing is written unless
the converted checklist passes our own loader.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from auditor.domain.checklist import Checklist
from auditor.domain.errors import AuditorError
from auditor.domain.files import not_a_file, replacing
from auditor.domain.text import one_line

from .checklist_yaml import ID_PATTERN, ChecklistError, dump_checklist, parse_checklist
from .ciso_kind import not_a_framework
from .ciso_nodes import Tree
from .ciso_report import Report
from .ciso_text import Language, Malformed, languages, plain
from .yaml_nesting import TooDeep, within_depth

MAX_BYTES = 20 * 1024 * 1024
MAX_NESTING = 100   # levels of YAML collections; real libraries use about ten
ID_PREFIX = "ciso-"
LANG_PATTERN = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_SLUG_JUNK = re.compile(r"[^a-z0-9._-]+")
# The safe loader, in C when libyaml is there: large libraries load several times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CisoImportError(AuditorError):
    """A library file that cannot be converted; the message names the file."""


class NotAFramework(CisoImportError):
    """A library file holding no framework (a mapping set, a risk matrix, ...)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind   # short: "a risk matrix"


class _Aliased(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


@dataclass(frozen=True)
class Conversion:
    checklist: Checklist
    report: Report
    language: str   # the language of the checklist's texts
    written: str = "new"   # what writing it did: "new", "replaced" or "unchanged"


def check_lang(lang: str | None) -> None:
    if lang is not None and not LANG_PATTERN.match(lang):
        raise CisoImportError(f"--lang {lang!r}: give a language code such as en, fr or de")


def check_id(checklist_id: str | None) -> None:
    if checklist_id is not None and not ID_PATTERN.match(checklist_id):
        raise CisoImportError(f"--id {checklist_id!r} must be lower-case letters, digits, "
                              "'.', '-' or '_', starting with a letter or digit")


def import_ciso(source: Path | str, out: Path | str, checklist_id: str | None = None,
                lang: str | None = None, *, replace: bool = False,
                step: Callable[[str], None] | None = None) -> Conversion:
    """Convert the library file `source` and write our checklist YAML to `out` (a file
    already there only when `replace`, or when it is the same). `step` is told each
    stage as it starts ("reading", ...), for a progress display."""
    source, out = Path(source), Path(out)
    check_id(checklist_id)
    check_lang(lang)
    check_destination(source, out)
    tell = step or (lambda _stage: None)
    with without_gc_pauses():
        tell("reading")
        data = read_library(source)
        tell("converting")
        conversion = convert(data, str(source), checklist_id, lang)
        del data
        return write(conversion, out, source, replace=replace, step=tell)


@contextmanager
def without_gc_pauses() -> Iterator[None]:
    """The cyclic garbage collector off while a library is converted. A large library is
    hundreds of thousands of dicts, lists and strings that live until the end; each full
    collection walks them all, and there are more of them the larger the file, which made
    the conversion superlinear (32,000 nodes three times as long as 16,000). What it
    builds holds no reference cycles, so reference counting frees it all the same."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write(conversion: Conversion, out: Path, source: Path, *, replace: bool = False,
          step: Callable[[str], None] | None = None) -> Conversion:
    """The checklist written to `out` once it passes our own loader; else nothing. A file
    already at `out` is kept unless `replace` (an auditor's edited checklist, or another
    library's of the same id, is not lost to a re-run); one holding the same text is left
    as it is, and said to be unchanged."""
    tell = step or (lambda _stage: None)
    tell("writing")
    text = dump_checklist(conversion.checklist)
    before = _existing(out)
    if before == text:
        return _with_written(conversion, "unchanged")
    if before is not None and not replace:
        raise CisoImportError(f"{out}: a file is already there; give --replace to overwrite "
                              "it, or write elsewhere with -o")
    tell("checking")
    try:
        parse_checklist(text, str(out))
    except ChecklistError as exc:
        first = exc.problems[0].message if exc.problems else "invalid"
        raise CisoImportError(f"{source}: the converted checklist does not validate "
                              f"({first}); nothing written") from None
    _write_atomically(out, text)
    return _with_written(conversion, "new" if before is None else "replaced")


def _with_written(conversion: Conversion, written: str) -> Conversion:
    return replace(conversion, written=written)


def _existing(out: Path) -> str | None:
    """The text of the file at `out`, "" when it cannot be read as text, None when there
    is none."""
    if not out.exists() and not out.is_symlink():
        return None
    try:
        return out.read_text(encoding="utf-8") if out.is_file() else ""
    except (OSError, UnicodeDecodeError):
        return ""


def read_library(path: Path) -> Any:
    name = str(path)
    problem = not_a_file(path)
    if problem is not None:  # a pipe is not opened: reading it would wait for ever
        raise CisoImportError(f"{name}: {problem}; give a library .yaml file")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise CisoImportError(f"{name}: file is larger than 20 MB; not a library to "
                                  "convert")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CisoImportError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise CisoImportError(f"{name}: is a folder; give a library .yaml file") from None
    except OSError as exc:
        raise CisoImportError(f"{name}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CisoImportError(f"{name}: not UTF-8 text (line {line})") from None
    try:
        _check_events(text)
        return yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise CisoImportError(f"{name}: not a YAML file ({where}{exc.problem})") from None
    except yaml.YAMLError as exc:
        raise CisoImportError(f"{name}: not a YAML file ({one_line(str(exc))})") from None
    except (RecursionError, TooDeep):
        raise CisoImportError(f"{name}: YAML nested more than {MAX_NESTING} levels deep; "
                              "not a CISO Assistant library") from None
    except _Aliased as exc:
        raise CisoImportError(f"{name}: line {exc.line}: YAML alias (*name); CISO Assistant "
                              "libraries write every text out, and an alias can repeat "
                              "text without bound, so it is refused") from None


def _check_events(text: str) -> None:
    """Nesting bounded and no alias: each alias repeats its anchor's whole content in
    what we write, so a few of them (a "billion laughs") would fill the disk."""
    for event in within_depth(yaml.parse(text, Loader=_SAFE_LOADER), MAX_NESTING):
        if isinstance(event, yaml.AliasEvent):
            raise _Aliased(event.start_mark.line + 1 if event.start_mark else 1)


def convert(data: Any, name: str = "<library>", checklist_id: str | None = None,
            lang: str | None = None) -> Conversion:
    """Our checklist from a loaded CISO Assistant library (the parsed YAML)."""
    other = not_a_framework(data)
    if other is not None:
        raise NotAFramework(f"{name}: {other[1]}", other[0])
    try:
        return _convert(data, name, checklist_id, lang)
    except Malformed as exc:
        raise CisoImportError(f"{name}: {exc}") from None


def _convert(data: dict, name: str, checklist_id: str | None, lang: str | None
             ) -> Conversion:
    framework = data["objects"]["framework"]
    nodes = framework.get("requirement_nodes")
    if not isinstance(nodes, list):
        raise Malformed("objects.framework.requirement_nodes must be a list of "
                        "requirement nodes")
    locale = one_line(plain(data, "locale", "library")) or "en"
    language = Language(locale, lang)
    if language.lang is not None and language.lang not in languages(data):
        held = sorted(languages(data))
        raise Malformed(f"no {lang!r} translation in this library (its text is in "
                        f"{locale!r}" + (f"; translations: {', '.join(held)})" if held
                                         else "; it has no translations)"))
    report = Report()
    items = Tree(framework, nodes, language, report).build()
    if not any(node.get("assessable") is True for node in nodes if isinstance(node, dict)):
        raise Malformed("the framework has no assessable requirement (no node with "
                        "assessable: true); nothing to audit")
    if not items:
        raise Malformed("no assessable requirement has any text to ask; nothing to audit")
    fw_name = language.text(framework, "name", "framework") \
        or one_line(plain(framework, "ref_id", "framework")) \
        or language.text(data, "name", "library") or "CISO Assistant framework"
    fw_name = one_line(fw_name)
    default_id = _checklist_id(framework) + (f"-{language.lang}" if language.lang else "")
    checklist = Checklist(
        id=checklist_id or default_id, title=fw_name, standard=fw_name,
        version=one_line(plain(data, "version", "library")
                         or plain(framework, "version", "framework")) or "1",
        description=_description(data, framework, language),
        items=tuple(items),
    )
    return Conversion(checklist, report, language.code)


def _checklist_id(framework: dict) -> str:
    urn = framework.get("urn")
    candidates = [urn.rsplit(":", 1)[-1] if isinstance(urn, str) else "",
                  plain(framework, "ref_id", "framework")]
    for candidate in candidates:
        slug = _SLUG_JUNK.sub("-", candidate.lower()).strip("-._")
        if slug:
            return ID_PREFIX + slug
    return ID_PREFIX + "framework"


def _description(library: dict, framework: dict, language: Language) -> str:
    parts = [language.text(framework, "description", "framework")]
    scale = _score_scale(framework, language)
    if scale:
        parts.append(scale)
    source = [f"{label} {value}" for label, value in (
        ("library", plain(library, "urn", "library")),
        ("version", plain(library, "version", "library")),
        ("provider", plain(library, "provider", "library")),
        ("packager", plain(library, "packager", "library")),
        ("language", language.code),
    ) if value]
    parts.append("Converted from a CISO Assistant library (" + ", ".join(source) + ").")
    copyright_ = language.text(library, "copyright", "library")
    if copyright_:
        parts.append(f"Copyright: {copyright_}")
    return "\n\n".join(p for p in parts if p)


def _score_scale(framework: dict, language: Language) -> str:
    """The library's scoring scale, for an auditor who reports maturity alongside the
    results (`1 Initial: Not implemented`, ...)."""
    definitions = framework.get("scores_definition")
    if not isinstance(definitions, list):
        return ""
    lines = []
    for d in definitions:
        if not isinstance(d, dict):
            continue
        score = one_line(plain(d, "score", "score"))
        label = one_line(language.text(d, "name", "score"))
        meaning = one_line(language.text(d, "description", "score"))
        line = " ".join(t for t in (score, label) if t)
        lines.append(f"{line}: {meaning}" if meaning and line else line or meaning)
    return ("Score scale of the library:\n" + "\n".join(lines)) if any(lines) else ""


def check_destination(source: Path, out: Path) -> None:
    if out.is_dir():
        raise CisoImportError(f"{out}: is a folder; give the file to write with -o")
    if not out.parent.is_dir():
        raise CisoImportError(f"{out}: folder {out.parent} does not exist")
    try:
        if source.exists() and out.exists() and source.samefile(out):
            raise CisoImportError(f"{out}: is the library being converted; write elsewhere")
    except OSError:
        pass


def _write_atomically(out: Path, text: str) -> None:
    try:
        mode = out.stat().st_mode & 0o777 if out.exists() else 0o644
        with replacing(out, mode=mode) as part:
            part.path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CisoImportError(f"{out}: cannot write ({exc.strerror})") from None

"""Converting a CISO Assistant framework library (YAML) into our checklist format.

A CISO Assistant library holds `objects.framework.requirement_nodes`: a flat list of
nodes linked into a tree by `parent_urn`. Each node becomes one of our items: `ref_id`
is the ref (or, when absent, the last segment of the node's urn), `name` the title,
`description` and `annotation` the guidance, `typical_evidence` the evidence lines.
Assessable nodes keep their questions as prompts; an assessable node without questions
gets one prompt made from its own description, so nothing is invented. Non-assessable
nodes become groups; a non-assessable node with nothing assessable below it is left out,
since our format has no place for an item that is neither a group nor assessable.

The library is untrusted input: read with the safe loader and bounded in size; every
problem is one line naming the file, and nothing is written unless the converted
checklist passes our own loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from auditor.domain.checklist import Checklist, ChecklistItem
from auditor.domain.errors import AuditorError
from auditor.domain.files import not_a_file, replacing
from auditor.domain.text import one_line, shorten

from .checklist_yaml import ID_PATTERN, ChecklistError, dump_checklist, parse_checklist
from .yaml_nesting import TooDeep, within_depth

MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 50      # levels of requirement nodes
MAX_NESTING = 100   # levels of YAML collections; real libraries use about ten
ID_PREFIX = "ciso-"
TITLE_CHARS = 90
PROMPT_CHARS = 400
_BULLET = re.compile(r"^(?:[-*\u2022\u25e6\u25aa\u2023\u00b7o]|\d{1,3}[.)]|[a-z][.)])\s+")
_INLINE_BULLETS = re.compile(r"[\u2022\u25e6\u25aa]")
_SLUG_JUNK = re.compile(r"[^a-z0-9._-]+")
# The safe loader, in C when libyaml is there: large libraries load several times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CisoImportError(AuditorError):
    """A library file that cannot be converted; the message names the file."""


class _Malformed(Exception):
    """A problem inside the library; `convert` prefixes the file name."""


@dataclass(frozen=True)
class Conversion:
    checklist: Checklist
    generated_prompts: int   # assessable nodes whose prompt was made from their text
    left_out: int            # non-assessable nodes with nothing assessable below them


def import_ciso(source: Path | str, out: Path | str, checklist_id: str | None = None
                ) -> Conversion:
    """Convert the library file `source` and write our checklist YAML to `out`."""
    source, out = Path(source), Path(out)
    name = str(source)
    if checklist_id is not None and not ID_PATTERN.match(checklist_id):
        raise CisoImportError(f"--id {checklist_id!r} must be lower-case letters, digits, "
                              "'.', '-' or '_', starting with a letter or digit")
    _check_destination(source, out)
    conversion = convert(read_library(source), name, checklist_id)
    text = dump_checklist(conversion.checklist)
    try:
        parse_checklist(text, str(out))
    except ChecklistError as exc:
        first = exc.problems[0].message if exc.problems else "invalid"
        raise CisoImportError(f"{name}: the converted checklist does not validate "
                              f"({first}); nothing written") from None
    _write_atomically(out, text)
    return conversion


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
        _check_nesting(text)
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


def _check_nesting(text: str) -> None:
    for _event in within_depth(yaml.parse(text, Loader=_SAFE_LOADER), MAX_NESTING):
        pass


def convert(data: Any, name: str = "<library>", checklist_id: str | None = None
            ) -> Conversion:
    """Our checklist from a loaded CISO Assistant library (the parsed YAML)."""
    try:
        return _convert(data, checklist_id)
    except _Malformed as exc:
        raise CisoImportError(f"{name}: {exc}") from None


def _convert(data: Any, checklist_id: str | None) -> Conversion:
    framework = data.get("objects") if isinstance(data, dict) else None
    framework = framework.get("framework") if isinstance(framework, dict) else None
    if not isinstance(framework, dict):
        raise _Malformed("not a CISO Assistant framework library (no objects.framework "
                         "mapping); give a library file such as "
                         "backend/library/libraries/*.yaml")
    nodes = framework.get("requirement_nodes")
    if not isinstance(nodes, list):
        raise _Malformed("objects.framework.requirement_nodes must be a list of "
                         "requirement nodes")
    tree = _Tree(framework, nodes)
    built, generated, left_out = tree.build()
    if not any(node.get("assessable") is True for node in tree.nodes.values()):
        raise _Malformed("the framework has no assessable requirement (no node with "
                         "assessable: true); nothing to audit")
    fw_name = _text(framework, "name", "framework") or _text(framework, "ref_id", "framework") \
        or _text(data, "name", "library") or "CISO Assistant framework"
    checklist = Checklist(
        id=checklist_id or _checklist_id(framework),
        title=fw_name,
        standard=fw_name,
        version=_text(data, "version", "library") or _text(framework, "version", "framework")
        or "1",
        description=_provenance(data, framework),
        items=tuple(built),
    )
    return Conversion(checklist, generated, left_out)


class _Tree:
    def __init__(self, framework: dict, nodes: list) -> None:
        self.framework_urn = framework.get("urn")
        self.groups = _group_names(framework)
        self.nodes: dict[str, dict] = {}
        self.order: list[str] = []
        for index, node in enumerate(nodes, 1):
            if not isinstance(node, dict):
                raise _Malformed(f"requirement node #{index} is not a mapping of fields")
            urn = node.get("urn")
            if not isinstance(urn, str) or not urn.strip():
                raise _Malformed(f"requirement node #{index} has no urn")
            urn = urn.strip()
            if urn in self.nodes:
                raise _Malformed(f"requirement node urn {urn!r} appears twice")
            self.nodes[urn] = node
            self.order.append(urn)

    def parent(self, urn: str) -> str | None:
        parent = self.nodes[urn].get("parent_urn")
        if parent is None or (isinstance(parent, str) and not parent.strip()):
            return None
        if not isinstance(parent, str):
            raise _Malformed(f"node {urn!r}: parent_urn must be a urn")
        parent = parent.strip()
        if parent == self.framework_urn:   # some libraries hang top nodes on the framework
            return None
        if parent not in self.nodes:
            raise _Malformed(f"node {urn!r}: parent_urn {parent!r} points to no node "
                             "in this framework")
        return parent

    def children(self) -> tuple[list[str], dict[str, list[str]]]:
        roots: list[str] = []
        below: dict[str, list[str]] = {urn: [] for urn in self.order}
        for urn in self.order:
            parent = self.parent(urn)
            (below[parent] if parent else roots).append(urn)
        return roots, below

    def preorder(self) -> tuple[list[str], dict[str, list[str]]]:
        roots, below = self.children()
        seen: list[str] = []
        stack = [(urn, 1) for urn in reversed(roots)]
        while stack:
            urn, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise _Malformed(f"node {urn!r} is nested deeper than {MAX_DEPTH} levels")
            seen.append(urn)
            stack.extend((child, depth + 1) for child in reversed(below[urn]))
        if len(seen) < len(self.order):
            reached = set(seen)
            stranded = next(u for u in self.order if u not in reached)
            raise _Malformed(f"parent_urn links form a cycle through node "
                             f"{self.on_cycle(stranded)!r}")
        return seen, below

    def on_cycle(self, urn: str) -> str:
        visited: set[str] = set()
        while urn not in visited:
            visited.add(urn)
            urn = self.parent(urn) or urn
        return urn

    def tags(self, node: dict) -> tuple[str, ...]:
        """Implementation groups (e.g. basic / important / essential) as tags, so an
        auditor can filter a tiered framework down to the tier being audited."""
        groups = node.get("implementation_groups")
        if not isinstance(groups, list):
            return ()
        names = [self.groups.get(str(g), str(g)).strip() for g in groups
                 if isinstance(g, (str, int))]
        return tuple(dict.fromkeys(n for n in names if n))

    def ref(self, urn: str) -> str:
        ref = one_line(_text(self.nodes[urn], "ref_id", f"node {urn!r}"))
        return ref or urn.rsplit(":", 1)[-1].strip() or urn

    def build(self) -> tuple[list[ChecklistItem], int, int]:
        order, below = self.preorder()
        refs: dict[str, str] = {}
        for urn in self.order:
            ref = self.ref(urn)
            if ref in refs:
                raise _Malformed(f"ref {ref!r} is used by two nodes ({refs[ref]!r} and "
                                 f"{urn!r}); refs must be unique")
            refs[ref] = urn
        built: dict[str, ChecklistItem | None] = {}
        generated = left_out = 0
        for urn in reversed(order):   # children before their parent
            node = self.nodes[urn]
            children = tuple(c for c in (built[u] for u in below[urn]) if c is not None)
            assessable = node.get("assessable", False)
            if not isinstance(assessable, bool):
                raise _Malformed(f"node {urn!r}: assessable must be true or false")
            what = f"node {urn!r}"
            title = _title(node, what) or self.ref(urn)
            description = _text(node, "description", what)
            prompts: tuple[str, ...] = ()
            if assessable:
                prompts = _questions(node, what)
                if not prompts:
                    prompts = (_prompt_from(description, _text(node, "name", what), title),)
                    generated += 1
            elif not children:
                built[urn] = None
                left_out += 1
                continue
            guidance = "\n\n".join(t for t in (description, _text(node, "annotation", what))
                                   if t).replace("\t", " ")
            built[urn] = ChecklistItem(
                ref=self.ref(urn), title=title, prompts=prompts,
                evidence=_evidence(node.get("typical_evidence"), what),
                guidance=guidance, tags=self.tags(node), children=children)
        roots = [u for u in order if self.parent(u) is None]
        return [i for i in (built[u] for u in roots) if i is not None], generated, left_out


def _group_names(framework: dict) -> dict[str, str]:
    definitions = framework.get("implementation_groups_definition")
    if not isinstance(definitions, list):
        return {}
    return {str(d["ref_id"]): one_line(str(d.get("name") or d["ref_id"]))
            for d in definitions if isinstance(d, dict) and d.get("ref_id") is not None}


def _text(mapping: dict, key: str, what: str) -> str:
    value = mapping.get(key)
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    kind = "a mapping" if isinstance(value, dict) else "a list" \
        if isinstance(value, list) else type(value).__name__
    raise _Malformed(f"{what}: {key} must be text, not {kind}")


def _title(node: dict, what: str) -> str:
    name = one_line(_text(node, "name", what))
    if name:
        return name
    description = _text(node, "description", what)
    if not description:
        return ""
    first = next(line for line in description.splitlines() if line.strip())
    first = _BULLET.sub("", first.strip())
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0].rstrip(".")
    return shorten(sentence or description, TITLE_CHARS, at_word=True)


def _prompt_from(description: str, name: str, title: str) -> str:
    if description:
        text = shorten(description, PROMPT_CHARS, at_word=True)
        return f"Show me how this requirement is met: {text}"
    return f"Show me how you meet \u201c{name or title}\u201d."


def _questions(node: dict, what: str) -> tuple[str, ...]:
    """Question texts: current libraries key questions by urn (`questions: {urn: {text}}`);
    older ones nest them (`question: {questions: [{urn, text}]}`)."""
    found: list[Any] = []
    questions = node.get("questions")
    if isinstance(questions, dict):
        found.extend(questions.values())
    elif isinstance(questions, list):
        found.extend(questions)
    elif questions is not None:
        raise _Malformed(f"{what}: questions must be a mapping or a list")
    legacy = node.get("question")
    if isinstance(legacy, dict) and isinstance(legacy.get("questions"), list):
        found.extend(legacy["questions"])
    texts = []
    for entry in found:
        text = entry.get("text") if isinstance(entry, dict) else entry
        if isinstance(text, str) and text.strip():
            texts.append(one_line(text))
        elif text is not None and not isinstance(text, str):
            raise _Malformed(f"{what}: a question's text must be text")
    return tuple(dict.fromkeys(texts))


def _evidence(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        if not all(isinstance(v, (str, int, float)) for v in value):
            raise _Malformed(f"{what}: typical_evidence entries must be text")
        lines = [str(v) for v in value]
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        lines = str(value).splitlines()
    else:
        raise _Malformed(f"{what}: typical_evidence must be text")
    out: list[str] = []
    for line in lines:
        for part in _INLINE_BULLETS.split(line):
            part = _BULLET.sub("", part.strip()).strip()
            if part:
                out.append(one_line(part))
    return tuple(dict.fromkeys(out))


def _checklist_id(framework: dict) -> str:
    urn = framework.get("urn")
    candidates = [urn.rsplit(":", 1)[-1] if isinstance(urn, str) else "",
                  _text(framework, "ref_id", "framework")]
    for candidate in candidates:
        slug = _SLUG_JUNK.sub("-", candidate.lower()).strip("-._")
        if slug:
            return ID_PREFIX + slug
    return ID_PREFIX + "framework"


def _provenance(library: dict, framework: dict) -> str:
    parts = [_text(framework, "description", "framework")]
    source = [f"{label} {value}" for label, value in (
        ("library", _text(library, "urn", "library")),
        ("version", _text(library, "version", "library")),
        ("provider", _text(library, "provider", "library")),
        ("packager", _text(library, "packager", "library")),
    ) if value]
    parts.append("Converted from a CISO Assistant library (" + ", ".join(source) + ").")
    copyright_ = _text(library, "copyright", "library")
    if copyright_:
        parts.append(f"Copyright: {copyright_}")
    return "\n\n".join(p for p in parts if p)


def _check_destination(source: Path, out: Path) -> None:
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

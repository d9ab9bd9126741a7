"""Requirement mappings between two checklists: read from a CISO Assistant mapping set,
stored as a small YAML file of our own, read back as the domain's `EditionMap`.

A CISO Assistant mapping set (`objects.requirement_mapping_sets[]`) names a source and a
target framework by urn and links their requirement nodes by urn. To link our checklists:

- the checklist of a framework is the one `import-ciso` made from it (id `ciso-` and the
  last part of the framework's urn, e.g. `ciso-iso27001-2013`), else an installed checklist
  whose id is that last part (our shipped `iso27001-2022`); `--source`/`--target` choose
  another;
- a requirement's ref is the part of its urn after the framework's (`...:req_node:
  iso27001-2022:a.5.1` gives `a.5.1`), or that part's last segment, matched to the
  checklist's refs ignoring case (`A.5.1`): converted checklists keep the library's
  `ref_id` as their ref, and CISO Assistant builds node urns from it.

Links naming a requirement the checklist does not hold are left out and counted. Stored
mappings live in `mappings/` under the user's checklist folder (not among the checklists
themselves), one file per pair: `SOURCE--TARGET.yaml`.

Every file here is untrusted: bounded in size, nesting and count, read with the safe
loader; a problem is one line naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from auditor.domain.checklist import Checklist
from auditor.domain.edition_map import RELATIONSHIPS, EditionMap, RefLink
from auditor.domain.errors import AuditorError
from auditor.domain.files import not_a_file, private_folder, replacing
from auditor.domain.text import one_line, without_controls

from .checklist_yaml import ID_PATTERN
from .yaml_nesting import TooDeep, within_depth

MAX_BYTES = 20 * 1024 * 1024
MAX_NESTING = 50
MAX_LINKS = 200_000
MAX_REF = 200
NOT_RELATED = "not_related"
FOLDER = "mappings"
CONVERTED_PREFIX = "ciso-"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class MappingError(AuditorError):
    """A mapping file that cannot be read; the message names the file."""


@dataclass(frozen=True)
class CisoMapping:
    """One requirement mapping set as the file gives it (urns, not yet our refs)."""

    name: str
    urn: str
    source_framework: str
    target_framework: str
    pairs: tuple[tuple[str, str, str], ...]       # source urn, target urn, relationship


@dataclass
class Linked:
    """The mapping set resolved to two installed checklists."""

    mapping: EditionMap
    total: int
    unmatched: list[str] = field(default_factory=list)   # urns no ref was found for


def _load_yaml(path: Path) -> Any:
    name = str(path)
    problem = not_a_file(path, "mapping file")
    if problem is not None:
        raise MappingError(f"{name}: {problem}; give a CISO Assistant mapping .yaml file")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise MappingError(f"{name}: file is larger than 20 MB; not a mapping set")
        raw = path.read_bytes()
    except OSError as exc:
        raise MappingError(f"{name}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MappingError(f"{name}: not UTF-8 text (line {line})") from None
    try:
        for event in within_depth(yaml.parse(text, Loader=_LOADER), MAX_NESTING):
            if isinstance(event, yaml.AliasEvent):
                raise MappingError(f"{name}: holds YAML aliases (*name), which no mapping "
                                   "set needs; not read")
        return yaml.load(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise MappingError(f"{name}: not a YAML file ({where}{exc.problem})") from None
    except yaml.YAMLError as exc:
        raise MappingError(f"{name}: not a YAML file ({one_line(str(exc))})") from None
    except (RecursionError, TooDeep):
        raise MappingError(f"{name}: YAML nested more than {MAX_NESTING} levels deep; not "
                           "a mapping set") from None


def _urn(value: Any, what: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 1000:
        raise MappingError(f"{name}: {what} must be a urn")
    return one_line(without_controls(value.strip()))


def read_ciso_mapping(path: Path) -> CisoMapping:
    """The first requirement mapping set of a CISO Assistant library file."""
    name = str(path)
    data = _load_yaml(path)
    objects = data.get("objects") if isinstance(data, dict) else None
    sets = objects.get("requirement_mapping_sets") if isinstance(objects, dict) else None
    if sets is None and isinstance(objects, dict):
        single = objects.get("requirement_mapping_set")
        sets = [single] if isinstance(single, dict) else None
    if not isinstance(sets, list) or not sets or not isinstance(sets[0], dict):
        kind = ", ".join(sorted(str(k) for k in objects)[:5]) \
            if isinstance(objects, dict) and objects else "no objects"
        raise MappingError(f"{name}: not a CISO Assistant requirement mapping set (it holds "
                           f"{kind}); give a mapping-*.yaml library file")
    first = sets[0]
    mappings = first.get("requirement_mappings")
    if not isinstance(mappings, list):
        raise MappingError(f"{name}: requirement_mappings must be a list of mappings")
    if len(mappings) > MAX_LINKS:
        raise MappingError(f"{name}: more than {MAX_LINKS} requirement mappings; not read")
    pairs = []
    for number, entry in enumerate(mappings, 1):
        if not isinstance(entry, dict):
            raise MappingError(f"{name}: requirement mapping #{number} is not a mapping of "
                               "fields")
        given = entry.get("relationship")
        relationship = given.strip().lower() if isinstance(given, str) else ""
        source_urn = _urn(entry.get("source_requirement_urn"),
                          f"requirement mapping #{number}'s source_requirement_urn", name)
        target_urn = _urn(entry.get("target_requirement_urn"),
                          f"requirement mapping #{number}'s target_requirement_urn", name)
        if relationship == NOT_RELATED:
            continue   # CISO Assistant's word for: no link between the two requirements
        if relationship not in RELATIONSHIPS:
            # Dropping it would store a mapping that says less than the file without a
            # word, and a misspelt `equal` is a link the auditor expects to see.
            shown = "no relationship" if given is None else \
                f"relationship {one_line(without_controls(str(given)))[:40]!r}"
            raise MappingError(
                f"{name}: requirement mapping #{number} ({source_urn} -> {target_urn}): "
                f"{shown}, which is not one of {', '.join(RELATIONSHIPS)} or "
                f"{NOT_RELATED}; nothing stored")
        pairs.append((source_urn, target_urn, relationship))
    title = first.get("name") if isinstance(first.get("name"), str) else ""
    return CisoMapping(
        name=one_line(without_controls(title or str(first.get("ref_id") or "")))[:200],
        urn=_urn(first.get("urn") or data.get("urn"), "the mapping set's urn", name),
        source_framework=_urn(first.get("source_framework_urn"), "source_framework_urn", name),
        target_framework=_urn(first.get("target_framework_urn"), "target_framework_urn", name),
        pairs=tuple(pairs))


def _slug(framework_urn: str) -> str:
    return framework_urn.rsplit(":", 1)[-1].strip().lower()


def candidate_ids(framework_urn: str) -> tuple[str, ...]:
    """The checklist ids a framework is looked for under, in order."""
    slug = _slug(framework_urn)
    return tuple(c for c in (CONVERTED_PREFIX + slug, slug) if ID_PATTERN.match(c))


def _ref_finder(checklist: Checklist, framework_urn: str):
    # The urn a converted item keeps first: a node without ref_id has a ref made by the
    # converter ("1.2.1"), which its urn ("...:node4") does not name.
    by_urn = {item.urn: item.ref for item in checklist.all_items() if item.urn}
    exact = set(checklist.refs())
    folded: dict[str, str | None] = {}
    for ref in exact:
        key = ref.casefold()
        folded[key] = None if key in folded and folded[key] != ref else ref
    slug = _slug(framework_urn)

    def find(urn: str) -> str | None:
        if urn in by_urn:
            return by_urn[urn]
        tail = urn.split(f":{slug}:", 1)[1] if f":{slug}:" in urn else urn.rsplit(":", 1)[-1]
        for candidate in (tail, tail.rsplit(":", 1)[-1]):
            if candidate in exact:
                return candidate
            found = folded.get(candidate.casefold())
            if found:
                return found
        return None

    return find


def link(ciso: CisoMapping, source: Checklist, target: Checklist) -> Linked:
    """The mapping set's links as refs of the two checklists."""
    from_source = _ref_finder(source, ciso.source_framework)
    from_target = _ref_finder(target, ciso.target_framework)
    links: dict[tuple[str, str], RefLink] = {}
    unmatched: list[str] = []
    for source_urn, target_urn, relationship in ciso.pairs:
        a, b = from_source(source_urn), from_target(target_urn)
        if a is None or b is None:
            unmatched.append(source_urn if a is None else target_urn)
            continue
        links.setdefault((a, b), RefLink(a, b, relationship))
    mapping = EditionMap(source_id=source.id, target_id=target.id, links=tuple(links.values()),
                         title=ciso.name, origin=ciso.urn)
    return Linked(mapping, len(ciso.pairs), list(dict.fromkeys(unmatched)))


# -- our own stored mappings -----------------------------------------------------------------


def mapping_folder(user_checklists: Path) -> Path:
    return user_checklists / FOLDER


def store_mapping(mapping: EditionMap, user_checklists: Path) -> Path:
    folder = private_folder(mapping_folder(user_checklists))
    target = folder / f"{mapping.source_id}--{mapping.target_id}.yaml"
    data = {"mapping": mapping.title, "origin": mapping.origin, "source": mapping.source_id,
            "target": mapping.target_id,
            "links": [{"from": li.source, "to": li.target, "relationship": li.relationship}
                      for li in mapping.links]}
    text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    try:
        with replacing(target, mode=0o644) as part:
            part.path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"{target}: cannot write ({exc.strerror})") from None
    return target


def _stored_text(value: Any, limit: int = MAX_REF) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError
    text = str(value).strip()
    if not text or len(text) > limit or any(ord(c) < 32 or c == "\x7f" for c in text):
        raise ValueError
    return text


def read_stored(path: Path) -> EditionMap:
    """One stored mapping; MappingError (one line naming the file) when it is not one."""
    data = _load_yaml(path)
    try:
        if not isinstance(data, dict) or not isinstance(data.get("links"), list):
            raise ValueError
        source, target = _stored_text(data.get("source")), _stored_text(data.get("target"))
        if not ID_PATTERN.match(source) or not ID_PATTERN.match(target):
            raise ValueError
        if len(data["links"]) > MAX_LINKS:
            raise ValueError
        links = []
        for entry in data["links"]:
            if not isinstance(entry, dict):
                raise ValueError
            relationship = _stored_text(entry.get("relationship"))
            if relationship not in RELATIONSHIPS:
                raise ValueError
            links.append(RefLink(_stored_text(entry.get("from")), _stored_text(entry.get("to")),
                                 relationship))
        title = data.get("mapping")
        origin = data.get("origin")
        return EditionMap(source, target, tuple(links),
                          title=one_line(without_controls(title))[:200]
                          if isinstance(title, str) else "",
                          origin=one_line(without_controls(origin))[:1000]
                          if isinstance(origin, str) else "")
    except ValueError:
        raise MappingError(f"{path}: not a requirement mapping stored by auditor "
                           "(source, target, links); import the mapping set again") from None


def stored_mappings(user_checklists: Path | None) -> tuple[list[EditionMap], list[str]]:
    """Every stored mapping, and one line for each file that is not one."""
    if user_checklists is None:
        return [], []
    folder = mapping_folder(user_checklists)
    if not folder.is_dir():
        return [], []
    found: list[EditionMap] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            found.append(read_stored(path))
        except MappingError as exc:
            problems.append(str(exc))
    return found, problems

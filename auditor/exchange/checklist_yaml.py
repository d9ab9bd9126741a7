"""Reading checklist YAML (DESIGN section 4) into the domain's typed tree.

The YAML is composed into nodes (safe loader only) and checked node by node, so that
every problem carries its line: `FILE:LINE: message`, all problems of a file in one run.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from auditor.domain.checklist import Checklist, ChecklistItem
from auditor.domain.errors import AuditorError
from auditor.domain.files import not_a_file
from auditor.domain.text import escape_controls

from .yaml_nesting import TooDeep, within_depth

TOP_KEYS = {"id", "title", "standard", "version", "description", "items"}
ITEM_KEYS = {"ref", "title", "urn", "prompts", "choices", "evidence", "guidance", "tags",
             "related", "soa", "children"}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_BYTES = 20 * 1024 * 1024
STR_TAG = "tag:yaml.org,2002:str"
NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{escape_controls(self.file)}:{self.line}: {escape_controls(self.message)}"


class ChecklistError(AuditorError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.seen_refs: dict[str, int] = {}

    def problem(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.name, line, message))

    def mapping(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, tuple]:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of keys to values")
            return {}
        out: dict[str, tuple] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                self.problem(key_node, f"{what} has a key that is not a plain name")
                continue
            if key not in allowed:
                self.problem(key_node, f"unknown key '{key}' in {what} "
                                       f"(allowed: {', '.join(sorted(allowed))})")
                continue
            if key in out:
                self.problem(key_node, f"duplicate key '{key}' in {what}")
                continue
            out[key] = (key_node, value_node)
        return out

    def text(self, entry: tuple | None, what: str, *, required: bool,
             raw_numbers: bool = False) -> str:
        if entry is None:
            return ""
        key_node, node = entry
        if isinstance(node, yaml.ScalarNode):
            if node.tag == STR_TAG or (raw_numbers and node.tag in NUMBER_TAGS):
                value = node.value.strip()
                if required and not value:
                    self.problem(node, f"{what} is empty")
                return self.printable(node, value, what)
            if node.tag == "tag:yaml.org,2002:null":
                if required:
                    self.problem(key_node, f"{what} is empty")
                return ""
        self.problem(node, f"{what} must be text, not {_kind(node)}")
        return ""

    def printable(self, node: yaml.Node, value: str, what: str) -> str:
        """Checklist text reaches the terminal and every document: a control character
        (an escape sequence written as "\\e" in a quoted string, a bell) is refused at
        its line. Line breaks and tabs are text."""
        if value.isprintable() or value.replace("\n", "").replace("\t", "").isprintable():
            return value   # found in C: a converted library checks a million texts
        bad = next((ch for ch in value if ch not in "\t\n" and (
            unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029")), None)
        if bad is not None:
            self.problem(node, f"{what} holds the control character U+{ord(bad):04X}; "
                               "remove it")
            return ""
        return value

    def texts(self, entry: tuple | None, what: str) -> tuple[str, ...]:
        if entry is None:
            return ()
        key_node, node = entry
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list of texts, not {_kind(node)}")
            return ()
        values = []
        for element in node.value:
            if isinstance(element, yaml.ScalarNode) and element.tag == STR_TAG:
                if element.value.strip():
                    values.append(self.printable(element, element.value.strip(), what))
                else:
                    self.problem(element, f"{what} holds an empty entry")
            else:
                self.problem(element, f"{what} entries must be text, not {_kind(element)}")
        return tuple(values)

    def choices(self, entry: tuple | None, prompts: tuple[str, ...], label: str
                ) -> tuple[tuple[str, ...], ...]:
        """One list of answers per prompt, in the prompts' order; `[]` for a prompt
        answered freely."""
        if entry is None:
            return ()
        what = f"choices of {label}"
        key_node, node = entry
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list with one list of answers per prompt, "
                               f"not {_kind(node)}")
            return ()
        if len(node.value) > len(prompts):
            self.problem(node, f"{what} gives {len(node.value)} lists of answers for "
                               f"{len(prompts)} prompt(s): give one list per prompt, in order")
            return ()
        found = []
        for number, element in enumerate(node.value, 1):
            if isinstance(element, yaml.SequenceNode):
                found.append(self.texts((key_node, element), f"{what} (prompt {number})"))
            else:
                self.problem(element, f"{what} (prompt {number}) must be a list of answers, "
                                      f"not {_kind(element)}; write [] for none")
        while found and not found[-1]:
            found.pop()
        return tuple(found)

    def items(self, entry: tuple, what: str) -> tuple[ChecklistItem, ...]:
        key_node, node = entry
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list of items, not {_kind(node)}")
            return ()
        if not node.value:
            self.problem(node, f"{what} is an empty list")
        return tuple(i for i in (self.item(n) for n in node.value) if i is not None)

    def item(self, node: yaml.Node) -> ChecklistItem | None:
        fields = self.mapping(node, "item", ITEM_KEYS)
        if not fields and not isinstance(node, yaml.MappingNode):
            return None
        ref = self.text(fields.get("ref"), "ref", required=True, raw_numbers=True)
        if "ref" not in fields:
            self.problem(node, "item has no ref")
        label = f"item {ref}" if ref else "item"
        title = self.text(fields.get("title"), f"title of {label}", required=True)
        if "title" not in fields:
            self.problem(node, f"{label} has no title")
        if ref:
            first = self.seen_refs.get(ref)
            line = fields["ref"][1].start_mark.line + 1
            if first is not None:
                self.problem(fields["ref"][1], f"duplicate ref '{ref}' (first at line {first})")
            else:
                self.seen_refs[ref] = line
        prompts = self.texts(fields.get("prompts"), f"prompts of {label}")
        choices = self.choices(fields.get("choices"), prompts, label)
        children = self.items(fields["children"], f"children of {label}") \
            if "children" in fields else ()
        if not prompts and "children" not in fields:
            self.problem(node, f"{label} has neither prompts nor children: give it prompts "
                               "to make it assessable")
        return ChecklistItem(
            ref=ref,
            title=title,
            prompts=prompts,
            evidence=self.texts(fields.get("evidence"), f"evidence of {label}"),
            guidance=self.text(fields.get("guidance"), f"guidance of {label}", required=False),
            tags=self.texts(fields.get("tags"), f"tags of {label}"),
            related=self.texts(fields.get("related"), f"related of {label}"),
            soa=self.text(fields.get("soa"), f"soa of {label}", required=False),
            children=children,
            choices=choices,
            urn=self.text(fields.get("urn"), f"urn of {label}", required=False),
        )


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    tag = node.tag.rsplit(":", 1)[-1]
    return {"int": "a number", "float": "a number", "bool": "true/false",
            "null": "empty", "str": "text"}.get(tag, tag)


class _AliasRefused(yaml.MarkedYAMLError):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing aliases (`*name`): each alias is the whole anchored node
    again, so a few lines of nested aliases unfold into billions of items (the "billion
    laughs"), and `&a [*a]` into an endless one. A checklist needs none."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _AliasRefused(None, None, "aliases (*name) are not allowed in a checklist; "
                                "write the item out in full", self.peek_event().start_mark)
        return super().compose_node(parent, index)


MAX_DEPTH = 200
_CLoader = getattr(yaml, "CSafeLoader", None)


def _compose(text: str):
    """The node tree, with libyaml when it is there (twenty times faster than the pure
    Python composer on our checklists). libyaml's composer recurses in C, so nesting
    depth and aliases are checked first on its event stream, which does not."""
    if _CLoader is None:
        return yaml.compose(text, Loader=_NoAliasLoader)
    for event in within_depth(yaml.parse(text, Loader=_CLoader), MAX_DEPTH):
        if isinstance(event, yaml.AliasEvent):
            raise _AliasRefused(None, None, "aliases (*name) are not allowed in a checklist; "
                                "write the item out in full", event.start_mark)  # type: ignore[arg-type]
    return yaml.compose(text, Loader=_CLoader)


def parse_checklist(text: str, name: str = "<checklist>") -> Checklist:
    """A checklist from YAML text; raises ChecklistError listing every problem."""
    reader = _Reader(name)
    try:
        root = _compose(text)
    except _AliasRefused as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else 1
        raise ChecklistError([Problem(name, line, exc.problem or "alias")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ChecklistError([Problem(name, line, f"YAML syntax error: {exc.problem}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = text[: exc.position].count("\n") + 1
        raise ChecklistError([Problem(
            name, line, f"character #x{exc.character:04x} is not allowed in YAML")]) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ChecklistError([Problem(name, 1, f"YAML error: {first}")]) from None
    except (RecursionError, TooDeep):
        raise ChecklistError([Problem(name, 1, "YAML nested too deeply")]) from None
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag.endswith(":null")
                        and not root.value.strip()):  # nothing, or a bare `---`
        raise ChecklistError([Problem(name, 1, "empty checklist: no id, title or items")])
    fields = reader.mapping(root, "checklist", TOP_KEYS)
    if not fields and isinstance(root, yaml.MappingNode) and not root.value:
        reader.problem(root, "empty checklist: no id, title or items")
    for required in ("id", "title", "version", "items"):
        if required not in fields and isinstance(root, yaml.MappingNode) and root.value:
            reader.problem(root, f"checklist has no {required}")
    cid = reader.text(fields.get("id"), "id", required=True, raw_numbers=True)
    if cid and not ID_PATTERN.match(cid):
        reader.problem(fields["id"][1], f"id '{cid}' must be lower-case letters, digits, "
                                        "'.', '-' or '_'")
    title = reader.text(fields.get("title"), "title", required=True)
    standard = reader.text(fields.get("standard"), "standard", required=False)
    version = reader.text(fields.get("version"), "version", required=True, raw_numbers=True)
    description = reader.text(fields.get("description"), "description", required=False)
    items = reader.items(fields["items"], "items") if "items" in fields else ()
    if items and not reader.problems:
        if not Checklist(id="", title="", standard="", version="", items=items
                         ).assessable_items():
            reader.problem(fields["items"][1], "no assessable item: give at least one item "
                                               "prompts")
    if reader.problems:
        # Found tree first (a duplicate ref only once its item is read); shown in file order.
        raise ChecklistError(sorted(reader.problems, key=lambda p: p.line))
    return Checklist(id=cid, title=title, standard=standard, version=version,
                     description=description, items=items)


def load_checklist(path: Path | str) -> Checklist:
    path = Path(path)
    name = str(path)
    problem = not_a_file(path, "checklist file")
    if problem is not None:  # a pipe is not opened: reading it would wait for ever
        raise ChecklistError([Problem(name, 1, problem)])
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ChecklistError([Problem(name, 1, "file is larger than 20 MB")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ChecklistError([Problem(name, 1, "no such file")]) from None
    except IsADirectoryError:
        raise ChecklistError([Problem(name, 1, "is a folder, not a checklist file")]) from None
    except OSError as exc:
        raise ChecklistError([Problem(name, 1, f"cannot read ({exc.strerror})")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ChecklistError([Problem(name, line, "not UTF-8 text")]) from None
    return parse_checklist(text, name)


def validate_files(paths) -> list[Problem]:
    problems: list[Problem] = []
    for path in paths:
        try:
            load_checklist(path)
        except ChecklistError as exc:
            problems.extend(exc.problems)
    return problems


# The emitter in C when libyaml is there: the pure-Python one spent three quarters of a
# large library's conversion writing the result.
_CDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_checklist(checklist: Checklist) -> str:
    """YAML text in our format (used by the CISO Assistant converter)."""
    return yaml.dump(checklist.to_dict(), Dumper=_CDumper, sort_keys=False,
                     allow_unicode=True, width=100)

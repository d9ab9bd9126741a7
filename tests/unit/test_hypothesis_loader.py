"""The checklist loader on random input: random YAML text, random structures, mutations
of a valid checklist, random bytes. Always either a valid checklist or a ChecklistError
whose every line is `FILE:LINE: message` with a line inside the file; never another
exception, never a hang. Each test prints how many examples it ran.
"""

from __future__ import annotations

import re
import time
from datetime import date

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.exchange.checklist_yaml import ChecklistError, load_checklist, parse_checklist

NAME = "random.yaml"
PROBLEM = re.compile(r"^random\.yaml:(\d+): \S.*$")
KEYS = ["id", "title", "standard", "version", "description", "items", "ref", "prompts",
        "evidence", "guidance", "tags", "related", "soa", "children"]
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def report(request, line: str) -> None:
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nhypothesis: {line}")


def check(text: str):
    """The loader's contract on one input; the checklist when valid, else None."""
    started = time.monotonic()
    try:
        checklist = parse_checklist(text, NAME)
    except ChecklistError as exc:
        assert exc.problems, "a ChecklistError without problems"
        last_line = len(text.splitlines()) + 2  # YAML also breaks lines at U+2028 etc.
        for problem in exc.problems:
            match = PROBLEM.match(str(problem))
            assert match, f"not FILE:LINE: message: {problem!s}"
            assert 1 <= int(match.group(1)) <= last_line, str(problem)
        assert str(exc).splitlines() == [str(p) for p in exc.problems]
        checklist = None
    assert time.monotonic() - started < 5, "the loader took too long"
    if checklist is not None:
        refs = [i.ref for i in checklist.all_items()]
        assert len(refs) == len(set(refs)) and all(refs)
        assert checklist.assessable_items()
        assert all(i.prompts for i in checklist.assessable_items())
    return checklist


SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                   st.text(max_size=12), st.dates(), st.sampled_from(["", " ", "~", "4.1"]))
STRUCTURE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6),
                                  st.integers()), inner, max_size=7),
    ),
    max_leaves=40,
)


def item_strategy():
    text = st.one_of(st.text(min_size=0, max_size=15), st.integers(), st.none(),
                     st.just(["a list"]))
    leaf = st.fixed_dictionaries(
        {"ref": st.one_of(st.text(max_size=6), st.integers(), st.floats(allow_nan=False)),
         "title": text},
        optional={"prompts": st.one_of(st.lists(text, max_size=3), text),
                  "evidence": st.lists(text, max_size=2), "guidance": text,
                  "tags": st.lists(text, max_size=2), "soa": text,
                  "unknown": text},
    )
    return st.recursive(
        leaf,
        lambda inner: st.builds(lambda d, kids: {**d, "children": kids}, leaf,
                                st.lists(inner, max_size=3)),
        max_leaves=12,
    )


CHECKLIST = st.fixed_dictionaries(
    {"id": st.one_of(st.sampled_from(["demo", "iso-9001.v2", "Bad ID", ""]),
                     st.text(max_size=8)),
     "title": st.one_of(st.text(max_size=20), st.none()),
     "version": st.one_of(st.text(max_size=6), st.integers(), st.floats(allow_nan=False)),
     "items": st.one_of(st.lists(item_strategy(), max_size=4), st.text(max_size=4))},
    optional={"standard": st.text(max_size=10), "description": st.text(max_size=20),
              "extra": st.integers()},
)


# Valid checklist text: anything but control characters, which the loader refuses (they
# would reach the terminal); line breaks and tabs are text.
WORDS = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
                | st.sampled_from("\t\n"), min_size=1, max_size=15).filter(lambda t: t.strip())
NODE = st.recursive(
    st.fixed_dictionaries({"title": WORDS, "prompts": st.lists(WORDS, min_size=1, max_size=3),
                           "children": st.just([])}),
    lambda inner: st.fixed_dictionaries({"title": WORDS,
                                         "prompts": st.lists(WORDS, max_size=2),
                                         "children": st.lists(inner, min_size=1,
                                                              max_size=3)}),
    max_leaves=10,
)


def numbered(nodes, prefix=""):
    """Items with refs by position (1, 1.2, ...): unique, as a valid checklist needs."""
    out = []
    for number, node in enumerate(nodes, 1):
        ref = f"{prefix}{number}"
        item = {"ref": ref, "title": node["title"]}
        if node["prompts"]:
            item["prompts"] = node["prompts"]
        if node["children"]:
            item["children"] = numbered(node["children"], f"{ref}.")
        out.append(item)
    return out


def count_items(items) -> int:
    return sum(1 + count_items(i.get("children", [])) for i in items)


VALID = st.builds(
    lambda cid, title, version, nodes: {"id": cid, "title": title, "version": version,
                                        "items": numbered(nodes)},
    st.from_regex(r"[a-z0-9][a-z0-9._-]{0,10}", fullmatch=True), WORDS, WORDS,
    st.lists(NODE, min_size=1, max_size=4),
)
BREAKS = [
    lambda c: c.pop("title"),
    lambda c: c.update(id="Not Valid"),
    lambda c: c["items"][0].pop("title"),
    lambda c: c["items"][0].update(prompts="one string, not a list"),
    lambda c: c["items"].append(dict(c["items"][0])),  # the same ref twice
    lambda c: c["items"][0].update(children={"ref": "x"}),
    lambda c: c["items"][0].update(colour="red"),
    lambda c: c.update(items=[]),
    lambda c: c["items"][0].update(ref=None),
    lambda c: c["items"][-1].update(title=["a", "list"]),
]


def test_valid_checklists_load_and_each_break_is_found(request):
    seen, broken = [], []

    @settings(max_examples=600, **SETTINGS)
    @given(VALID, st.sampled_from(range(-1, len(BREAKS))))
    def prop(checklist, which):
        text = dump(checklist)
        if text is None:
            return
        seen.append(1)
        if which < 0:
            loaded = check(text)
            assert loaded is not None and loaded.id == checklist["id"]
            assert len(loaded.all_items()) == count_items(checklist["items"])
            return
        BREAKS[which](checklist)
        broken.append(1)
        assert check(dump(checklist)) is None, f"break {which} not found"

    prop()
    report(request, f"checklist loader, valid checklists and single breaks: {len(seen)} "
                    f"examples ({len(broken)} broken)")


def dump(obj) -> str | None:
    try:
        return yaml.safe_dump(obj, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return None


def test_random_yaml_text(request):
    seen = []

    @settings(max_examples=1500, **SETTINGS)
    @given(st.text(max_size=300))
    def prop(text):
        seen.append(1)
        check(text)

    prop()
    report(request, f"checklist loader, random text: {len(seen)} examples")


YAML_PIECES = st.sampled_from([
    "id: x\n", "title: T\n", "version: 1\n", "items:\n", "  - ref: '1'\n", "    title: t\n",
    "    prompts: [p]\n", "    children:\n", "      - ref: 1.1\n", "- ", "  ", "\t", ": ",
    "&a ", "*a ", "!!python/object:os.system ", "!!binary ", "? ", "{", "}", "[", "]",
    ",", "#", "'", '"', "|\n", ">\n", "---\n", "...\n", "%YAML 1.1\n", "\n", "null",
    "2026-03-02", "0x1F", ".inf", "<<: *a\n", "\ufeff", "\x00", "\u2028",
])


def test_random_yaml_made_of_yaml_pieces(request):
    seen = []

    @settings(max_examples=1500, **SETTINGS)
    @given(st.lists(YAML_PIECES, max_size=40).map("".join))
    def prop(text):
        seen.append(1)
        check(text)

    prop()
    report(request, f"checklist loader, YAML fragments: {len(seen)} examples")


def test_random_structures(request):
    seen = []

    @settings(max_examples=1000, **SETTINGS)
    @given(STRUCTURE)
    def prop(obj):
        text = dump(obj)
        if text is not None:
            seen.append(1)
            check(text)

    prop()
    report(request, f"checklist loader, random structures: {len(seen)} examples")


def test_random_checklist_shaped_structures(request):
    seen, valid = [], []

    @settings(max_examples=1000, **SETTINGS)
    @given(CHECKLIST)
    def prop(obj):
        text = dump(obj)
        if text is not None:
            seen.append(1)
            if check(text) is not None:
                valid.append(1)

    prop()
    report(request, f"checklist loader, checklist-shaped structures: {len(seen)} examples "
                    f"({len(valid)} valid)")


def test_random_bytes_in_a_file(request, tmp_path):
    seen = []
    path = tmp_path / NAME

    @settings(max_examples=500, **SETTINGS)
    @given(st.binary(max_size=200))
    def prop(raw):
        seen.append(1)
        path.write_bytes(raw)
        try:
            load_checklist(path)
        except ChecklistError as exc:
            for problem in exc.problems:
                assert re.match(rf"^{re.escape(str(path))}:\d+: \S", str(problem))

    prop()
    report(request, f"checklist loader, random bytes: {len(seen)} examples")


def test_nested_aliases_are_refused_at_once():
    """The "billion laughs": 30 levels of doubled aliases would be 2**30 items."""
    lines = ["id: x", "title: t", "version: '1'", "items:",
             "  - &a0 {ref: '1', title: t, prompts: [p]}"]
    for level in range(1, 30):
        lines.append(f"  - &a{level} {{ref: 'r{level}', title: t, "
                     f"children: [*a{level - 1}, *a{level - 1}]}}")
    started = time.monotonic()
    problems = []
    try:
        parse_checklist("\n".join(lines), NAME)
    except ChecklistError as exc:
        problems = [str(p) for p in exc.problems]
    assert time.monotonic() - started < 1
    assert problems == [f"{NAME}:6: aliases (*name) are not allowed in a checklist; write "
                        "the item out in full"]


def test_a_self_referencing_alias_is_refused():
    problems = []
    try:
        parse_checklist("id: x\ntitle: t\nversion: '1'\nitems: &a [*a]\n", NAME)
    except ChecklistError as exc:
        problems = [str(p) for p in exc.problems]
    assert problems and problems[0].startswith(f"{NAME}:4: aliases")


def test_deep_nesting_is_a_problem_not_a_crash():
    for depth in (200, 2000, 20000):
        text = "items: " + "[" * depth + "]" * depth
        try:
            parse_checklist(text, NAME)
        except ChecklistError as exc:
            assert all(PROBLEM.match(str(p)) for p in exc.problems)


def test_dates_and_odd_scalars_as_refs_are_problems():
    text = yaml.safe_dump({"id": "x", "title": "t", "version": "1", "items": [
        {"ref": date(2026, 3, 2), "title": "t", "prompts": ["p"]},
        {"ref": True, "title": "t", "prompts": ["p"]},
    ]})
    try:
        parse_checklist(text, NAME)
        raise AssertionError("a date and a boolean were taken as refs")
    except ChecklistError as exc:
        assert len(exc.problems) == 2

"""The rule that links two editions of a checklist, and the comparison and carry-forward
of previous findings across them (domain only: the mapping is given as a value)."""

from __future__ import annotations

import pytest

from auditor.domain.checklist import Checklist
from auditor.domain.compare import Change, compare_audits
from auditor.domain.edition_map import (
    EditionMap,
    RefLink,
    combined_result,
    item_links,
    linking,
)
from auditor.domain.errors import RuleViolation


def edition(cid, groups):
    return Checklist.from_dict({
        "id": cid, "title": f"Edition {cid}", "standard": "ISO/IEC 27001", "version": "1",
        "items": [{"ref": group, "title": f"Group {group}", "children": [
            {"ref": r, "title": f"Item {r} [b]bold?[/b]", "prompts": ["Ask?"]} for r in refs]}
            for group, refs in groups.items()],
    })


OLD = edition("old", {"9": ["9.2", "9.3"], "A.9": ["A.9.2.1", "A.9.2.3", "A.14.2.3"]})
NEW = edition("new", {"9": ["9.2.1", "9.2.2", "9.3.1"], "A.5": ["A.5.16", "A.8.2", "A.5.7"]})
MAP = EditionMap("old", "new", (
    RefLink("9.2", "9.2.1", "superset"),
    RefLink("9.2", "9.2.2", "superset"),
    RefLink("9.3", "9", "superset"),              # a heading: every item under it
    RefLink("A.9.2.1", "A.5.16", "subset"),
    RefLink("A.9.2.3", "A.8.2", "equal"),
    RefLink("A.9.9.9", "A.8.2", "equal"),         # a ref the old edition does not hold
), title="Old -> New [red]")


def test_item_links_expand_headings_and_list_what_is_unmapped():
    links = item_links(MAP, OLD, NEW)
    assert links.mapped_from == {
        "9.2.1": (("9.2", "superset"), ("9.3", "superset")),
        "9.2.2": (("9.2", "superset"), ("9.3", "superset")),
        "9.3.1": (("9.3", "superset"),),
        "A.5.16": (("A.9.2.1", "subset"),),
        "A.8.2": (("A.9.2.3", "equal"),),
    }
    assert links.maps_to["9.3"] == ("9.2.1", "9.2.2", "9.3.1")
    assert links.unmapped_current == ("A.5.7",)
    assert links.unmapped_previous == ("A.14.2.3",)


def test_a_mapping_written_the_other_way_is_read_backwards():
    assert linking([MAP], "old", "new") is MAP
    back = linking([MAP], "new", "old")
    assert back is not None and (back.source_id, back.target_id) == ("new", "old")
    assert RefLink("A.5.16", "A.9.2.1", "superset") in back.links   # subset read backwards
    assert linking([MAP], "old", "other") is None
    # One written the asked way wins over one to be read backwards.
    other = EditionMap("new", "old", (RefLink("9.2.1", "9.2"),))
    assert linking([other, MAP], "old", "new") is MAP


@pytest.mark.parametrize("results, combined", [
    (["conform", "minor"], "minor"),
    (["observation", "major", "conform"], "major"),
    (["na", "conform"], "conform"),
    (["na", "not_assessed"], "na"),
    (["not_assessed"], "not_assessed"),
    ([], "not_assessed"),
])
def test_an_item_mapped_from_several_takes_the_most_severe(results, combined):
    assert combined_result(results) == combined


@pytest.fixture
def two_editions(store):
    old = store.create_audit(OLD, title="2024", auditee="Acme Soft")
    store.record_result(old.id, "9.2", "minor", statement="No audit programme")
    store.record_result(old.id, "9.3", "conform")
    store.record_result(old.id, "A.9.2.3", "conform")
    store.record_result(old.id, "A.14.2.3", "observation", statement="Reviews late")
    store.close_audit(old.id)
    new = store.create_audit(NEW, title="2025", auditee="Acme Soft", type="surveillance",
                             previous_id=old.id)
    store.record_result(new.id, "9.2.1", "conform")
    store.record_result(new.id, "A.8.2", "major", statement="Admins unchecked")
    store.record_result(new.id, "A.5.7", "conform")
    return old, new


def test_compare_across_editions_through_the_mapping(store, two_editions):
    old, new = two_editions
    result = compare_audits(store, old.id, new.id, [MAP])
    assert result.across_editions and result.mapping == "Old -> New [red]"
    items = {i.ref: i for i in result.items}
    assert (items["9.2.1"].previous, items["9.2.1"].current, items["9.2.1"].change) \
        == ("minor", "conform", Change.IMPROVED)
    assert items["9.2.1"].mapped_from == ("9.2", "9.3")
    assert (items["9.2.2"].previous, items["9.2.2"].change) == ("minor", Change.NOT_REASSESSED)
    assert (items["A.8.2"].mapped_from, items["A.8.2"].change) == (("A.9.2.3",),
                                                                   Change.REGRESSED)
    assert (items["A.5.7"].only_in, items["A.5.7"].change, items["A.5.7"].previous) \
        == ("current", Change.NEW, None)
    assert (items["A.14.2.3"].only_in, items["A.14.2.3"].previous) \
        == ("previous", "observation")
    doc = result.to_json()
    assert doc["mapping"]["previous_checklist"] == "old"
    assert next(i for i in doc["items"] if i["ref"] == "9.3.1")["mapped_from"] == ["9.3"]
    by_ref = {f.ref: f for f in result.findings}
    assert by_ref["9.2"].maps_to == ("9.2.1", "9.2.2")
    assert by_ref["A.14.2.3"].maps_to == ()
    assert result.summary["only_in_previous"] == 1 and result.summary["only_in_current"] == 1


def test_compare_across_editions_without_a_mapping_is_refused(store, two_editions):
    old, new = two_editions
    unrelated = EditionMap("old", "elsewhere", (RefLink("9.2", "9.2"),))
    for given in ([], [unrelated]):
        with pytest.raises(RuleViolation) as refused:
            compare_audits(store, old.id, new.id, given)
        message = str(refused.value)
        assert "no mapping links these two" in message
        assert "import-mapping" in message and "\n" not in message


def test_same_checklist_ignores_mappings(store, two_editions):
    old, _new = two_editions
    again = store.create_audit(OLD, title="2025 on the old edition", auditee="Acme Soft")
    result = compare_audits(store, old.id, again.id, [MAP])
    assert not result.across_editions and result.to_json()["mapping"] is None
    assert all(i.mapped_from == () for i in result.items)


def test_previous_results_are_carried_to_the_items_they_map_to(store, two_editions):
    old, new = two_editions
    shown = store.previous_results(new.id, [MAP])
    code = store.findings(old.id)[0].code
    assert shown["9.2.1"].mapped_from == ("9.2", "9.3")
    assert shown["9.2.1"].result == "minor" and shown["9.2.1"].findings == (code,)
    assert shown["9.2.1"].label == f"last time (as 9.2, 9.3): minor, {code}"
    assert shown["9.3.1"].result == "conform"
    assert "A.5.7" not in shown and "9.2" not in shown
    # Without the mapping: by ref, as for one checklist (no ref is shared here).
    assert set(store.previous_results(new.id)) == {"9.2", "9.3", "A.9.2.3", "A.14.2.3"}


def test_not_effective_raises_the_repeat_on_the_item_it_maps_to(store, two_editions):
    old, new = two_editions
    by_ref = {f.ref: f for f in store.findings(old.id)}
    repeat = store.verify_previous_finding(new.id, by_ref["9.2"].code, False, "still none",
                                           mappings=[MAP])
    assert repeat is not None and repeat.ref == "9.2.1" and repeat.repeat_of == \
        by_ref["9.2"].code
    with pytest.raises(RuleViolation, match="carries to no item of new"):
        store.verify_previous_finding(new.id, by_ref["A.14.2.3"].code, False,
                                      mappings=[MAP])
    result = compare_audits(store, old.id, new.id, [MAP])
    assert [r.repeat_of for r in result.repeats] == [by_ref["9.2"].code]

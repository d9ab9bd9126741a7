"""The audit screen's detail and tree after the start-up work was cut: what an item and a
group show, the findings list mounted only when needed, the height class set from birth,
and the tree repainted (not re-laid out) on resizes."""

from __future__ import annotations

from auditor.ui.screens.audit import AuditScreen
from auditor.ui.widgets.clause_tree import ClauseTree

SIZE = (120, 40)


def shown(app, selector: str) -> bool:
    """Whether a part of the screen takes room (it and its ancestors are displayed)."""
    found = app.screen.query(selector)
    if not found:
        return False
    return all(node.display for node in [found.first(), *found.first().ancestors_with_self]
               if hasattr(node, "display"))


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_an_item_shows_its_texts_in_order(make_app, audit, store, text_of):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.go_to("8.3.4")
        await pilot.pause()
        screen = text_of(app)
        parts = ["8.3.4  Design and development controls", "Result: not assessed", "Ask",
                 "• How are design reviews planned", "Look at",
                 "• Pull-request reviews for a sampled release", "Guidance",
                 "Sample two merged pull requests.", "Notes", "Interviewed",
                 "Documents seen", "Files", "none yet: a to attach one"]
        positions = [screen.find(part) for part in parts]
        assert -1 not in positions and positions == sorted(positions)
        assert not shown(app, "#item-findings")  # no findings: the list was never mounted
        assert not app.screen.query("#item-findings")


async def test_findings_list_appears_with_the_first_finding_and_leaves_for_groups(
        make_app, audit, store, text_of):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.go_to("8.6")
        await pilot.pause()
        await pilot.press("o")  # an observation: a finding at once
        await pilot.pause()
        assert shown(app, "#item-findings")
        assert "Findings" in text(app, "#item-files")
        [code] = [f.code for f in store.findings(audit.id)]
        assert code in text_of(app)
        app.screen.go_to("8")  # a group: none of an item's parts
        await pilot.pause()
        for part in ("#item-notes", "#item-files", "#item-findings"):
            assert not shown(app, part), part
        assert "Items" in text(app, "#item-text")
        assert code not in text_of(app)
        app.screen.go_to("4.1")  # an item without findings: the list hides again
        await pilot.pause()
        assert shown(app, "#item-files") and not shown(app, "#item-findings")
        assert "Findings" not in text(app, "#item-files")


async def test_last_time_comes_first_in_the_items_text(make_app, store, mini_checklist):
    first = store.create_audit(mini_checklist, title="Last year", auditee="Acme")
    store.record_result(first.id, "4.1", "minor", statement="No context review")
    store.close_audit(first.id, conclusion="Done.")
    second = store.create_audit(mini_checklist, title="This year", auditee="Acme",
                                type="surveillance", previous_id=first.id)
    app = make_app(open_audit=second.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.go_to("4.1")
        await pilot.pause()
        lines = text(app, "#item-text").splitlines()
        assert lines[0].startswith("last time: minor")
        assert lines[1:3] == ["", "Ask"]


async def test_the_height_class_is_set_from_birth_and_follows_resizes(make_app, audit):
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-short") and not app.screen.has_class("-tall")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.screen.has_class("-tall") and not app.screen.has_class("-short")
    assert isinstance(AuditScreen(app.store, audit.id), AuditScreen)  # no app: no class


async def test_the_tree_repaints_after_a_resize(make_app, audit, store, text_of):
    store.record_result(audit.id, "4.1", "conform")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        narrow = app.screen.query_one(ClauseTree).size.width
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        tree = app.screen.query_one(ClauseTree)
        assert tree.size.width > narrow
        assert "  ✓ 4.1 Understanding the organization and its context" in text_of(app)
        assert tree.current_ref == "4.2"  # the first item not assessed
        await pilot.press("c")  # keys still land after the resize
        await pilot.pause()
    assert store.results(audit.id)["4.2"].result == "conform"


async def test_at_80x24_the_heading_the_group_line_and_the_key_bar_are_whole(
        make_app, audit, store, text_of):
    store.update_audit(audit.id, {"title": "Internal audit 2026 of the whole software "
                                           "delivery organisation"})
    store.record_result(audit.id, "8.6", "minor", statement="Release unapproved")
    app = make_app(open_audit=audit.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.go_to("8")
        await pilot.pause()
        lines = text_of(app).replace("\xa0", " ").splitlines()
        heading, keys = lines[0], lines[-1]
        assert heading.rstrip().endswith(f"internal · mini 1.0.0 · audit {audit.id}")
        assert "F Findings" in keys and "^q Quit" in keys
        assert any("worst: minor NC" in line for line in lines), "\n".join(lines)

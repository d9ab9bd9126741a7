"""The audit screen's heading, and the screens the audit screen opens: the findings, the
close, an item's history, the comparison with the previous audit, the audit's details
and the keys' help.

Plain functions of the `AuditScreen` they act for; each screen but the help is imported
when opened, so opening the audit screen loads none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from auditor.domain.audit_plan import session_end
from auditor.domain.progress import FILTER_LABELS, ItemFilter
from auditor.domain.text import shorten
from auditor.ui.audit_sessions import plan_changed
from auditor.ui.plain import templated
from auditor.ui.screens.help import HelpScreen
from auditor.ui.widgets.clause_tree import RESULT_KEYS
from auditor.ui.widgets.previous_findings import PreviousFindingsPanel

if TYPE_CHECKING:
    from auditor.domain.checklist import Checklist
    from auditor.domain.models import Audit, PlanSession
    from auditor.ui.screens.audit import AuditScreen


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def audit_heading(audit: Audit, checklist: Checklist, width: int = 0,
                  session: PlanSession | None = None) -> Content:
    """Title, auditee, type, checklist and number on one line; when the line is too
    narrow the auditee and then the title are shortened, never the facts after them.
    While a plan session filters the tree, it is named; when the line is too narrow, in
    place of the type and checklist, which an interview does not need."""
    sep = "  ·  " if not width or width >= 100 else " · "
    facts = f"{sep}{audit.type}{sep}{checklist.id} {checklist.version}"
    if session is not None:
        # The day too: sessions at the same hours on two days are told apart. The
        # weekday in English whatever the locale, as every other word on screen.
        day = WEEKDAYS[session.start.weekday()]
        shown = (f"{sep}session {session.number} {day} {session.start:%m-%d %H:%M}-"
                 f"{session_end(session):%H:%M} only")
        full = f"{facts}{shown}{sep}audit {audit.id}"
        roomy = not width or len(audit.title) + len(audit.auditee) + len(full) + 2 <= width
        facts = facts + shown if roomy else shown
    tail = f"{facts}{sep}audit {audit.id}"
    title, auditee = audit.title, audit.auditee
    room = (width or 10_000) - 2 - len(tail) - len(sep)
    if len(title) + len(auditee) > room:
        auditee = shorten(auditee, max(12, room - len(title)))
        title = shorten(title, max(16, room - len(auditee)))
    if len(title) + len(auditee) > room:  # a session named on 80 columns: shorter still
        auditee = shorten(auditee, max(8, room - len(title)))
        title = shorten(title, max(8, room - len(auditee)))
    return templated("[b]$title[/b]$sep$auditee$tail", title=title, sep=sep,
                     auditee=auditee, tail=tail)


def set_filter(screen: AuditScreen, item_filter: ItemFilter) -> None:
    """Show the tree under a filter, the cursor kept where it is when the filter shows
    it, else on the first line."""
    tree = screen.tree
    current = tree.current_ref
    tree.build(item_filter)
    screen.show_filter()
    if current is not None and tree.go_to(current):
        return
    first = next(iter(tree.nodes_by_ref), None)
    if first is not None:
        tree.go_to(first)
        screen.show_item(first)
    elif item_filter != ItemFilter.ALL:
        screen.notify(f"No item to show under {FILTER_LABELS[item_filter]!r}.")


def open_findings(screen: AuditScreen) -> None:
    from auditor.ui.screens.findings import FindingsScreen

    screen.app.push_screen(FindingsScreen(screen.store, screen.audit_id),
                           lambda _result: screen.reload())


def close_audit(screen: AuditScreen) -> None:
    if screen.read_only:
        screen.notify(f"Audit {screen.audit_id} is already closed.")
        return
    from auditor.ui.screens.audit import AuditScreen
    from auditor.ui.screens.close_audit import CloseAuditScreen

    screen.flush()

    def done(closed) -> None:
        if closed:
            screen.app.switch_screen(AuditScreen(screen.store, screen.audit_id))

    screen.app.push_screen(CloseAuditScreen(screen.store, screen.audit_id), done)


def open_history(screen: AuditScreen) -> None:
    from auditor.ui.screens.history import HistoryScreen

    ref = screen.tree.current_ref
    if ref is None:
        return
    screen.flush()
    item = screen.checklist.item(ref)
    screen.app.push_screen(HistoryScreen(
        screen.store, "item", ref, f"History of {ref} {item.title if item else ''}",
        audit_id=screen.audit_id))


def compare_previous(screen: AuditScreen) -> None:
    if screen.audit.previous_id is None:
        screen.notify("This audit follows no previous audit.")
        return
    from auditor.ui.screens.comparison import ComparisonScreen

    screen.app.push_screen(ComparisonScreen(screen.store, screen.audit.previous_id,
                                            screen.audit_id))


def edit_audit(screen: AuditScreen) -> None:
    from auditor.ui.screens.edit_audit import EditAuditScreen

    if screen.read_only:
        screen.notify(f"Audit {screen.audit_id} is closed: its details are read-only.")
        return

    def edited(saved: bool | None) -> None:
        if saved:
            screen.audit = screen.store.audit(screen.audit_id)
            screen.show_heading()

    screen.app.push_screen(EditAuditScreen(screen.store, screen.audit_id), edited)


def open_plan(screen: AuditScreen) -> None:
    from auditor.ui.screens.plan import PlanScreen

    screen.flush()
    screen.app.push_screen(PlanScreen(screen.store, screen.audit_id),
                           lambda _result: plan_changed(screen))


def open_help(screen: AuditScreen) -> None:
    screen.app.push_screen(HelpScreen("audit", help_sections(screen)))


def help_sections(screen: AuditScreen):
    sections = [("Clause tree", RESULT_KEYS), ("Audit screen", screen.BINDINGS)]
    if screen.audit.previous_id is not None:
        sections.append(("Previous findings", PreviousFindingsPanel.BINDINGS))
    sections.append(("Everywhere", screen.app.help_bindings()))
    return sections

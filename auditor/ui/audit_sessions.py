"""The audit screen's plan-session filter: during an interview the tree keeps to the
clauses of the session running now (`t`), or of the session chosen by stepping through the
plan (`T`); the heading names the session while it filters. Plain functions of the
`AuditScreen` they act for.

Sessions are kept as wall time at the audit's place; "now" is the app's injected clock
(the store's) read as the laptop's local time, which is the audit's place during an
interview."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from auditor.domain.audit_plan import in_time_order, session_at, session_scope
from auditor.domain.errors import AuditorError
from auditor.domain.models import PlanSession

if TYPE_CHECKING:
    from auditor.ui.screens.audit import AuditScreen


def wall_now(store) -> datetime:
    """The store's clock as local wall time (the sessions' own kind of time)."""
    return store.now().astimezone()


def sessions_of(screen: AuditScreen) -> list[PlanSession] | None:
    """The plan's sessions, read once (the plan screen says when they change); None when
    the database cannot be read now (said)."""
    if screen.plan_sessions is None:
        try:
            screen.plan_sessions = in_time_order(screen.store.sessions(screen.audit_id))
        except AuditorError as exc:
            screen.notify(f"The plan cannot be read now: {exc}", severity="error")
            return None
    return screen.plan_sessions


def toggle_session_now(screen: AuditScreen) -> None:
    """Keep the tree to the session running now; again: every clause."""
    if screen.session_filter is not None:
        show_session(screen, None)
        return
    sessions = sessions_of(screen)
    if sessions is None:
        return
    if not sessions:
        screen.notify("The audit plan has no sessions yet: P opens the plan.")
        return
    now = wall_now(screen.store)
    running = session_at(sessions, now)
    if running is None:
        screen.notify(f"No session of the plan runs now ({now:%Y-%m-%d %H:%M}): T steps "
                      "through the sessions.")
        return
    show_session(screen, running)


def step_session(screen: AuditScreen) -> None:
    """The next session in time order; after the last, every clause again."""
    sessions = sessions_of(screen)
    if sessions is None:
        return
    if not sessions:
        screen.notify("The audit plan has no sessions yet: P opens the plan.")
        return
    numbers = [s.number for s in sessions]
    current = screen.session_filter
    at = numbers.index(current.number) + 1 if current and current.number in numbers else 0
    show_session(screen, sessions[at] if at < len(sessions) else None)


def show_session(screen: AuditScreen, session: PlanSession | None) -> None:
    """Filter the tree to a session's clauses (None: every clause), keeping the cursor
    where it is when the session shows it, else on the session's first item."""
    tree = screen.tree
    screen.session_filter = session
    tree.scope = None if session is None else session_scope(screen.checklist, session.refs)
    screen.show_heading()
    before = tree.current_ref
    screen.action_set_filter(tree.item_filter.value)
    if tree.scope and before not in tree.scope:
        # The session's first item still to assess, else its first item.
        first = screen.progress.next_not_assessed(among=tree.scope) or next(
            (i.ref for i in screen.checklist.assessable_items() if i.ref in tree.scope),
            None)
        if first is not None and first in tree.nodes_by_ref:
            tree.go_to(first)
            screen.show_item(first)
    if session is None:
        screen.notify("Every clause again.")
    elif not tree.scope:
        screen.notify(f"Session {session.number} names no clause of this checklist.",
                      severity="warning")


def plan_changed(screen: AuditScreen) -> None:
    """After the plan screen: the sessions are read again, and the session filtering the
    tree follows its changes (or goes with its deletion)."""
    screen.plan_sessions = None
    current = screen.session_filter
    if current is None:
        return
    sessions = sessions_of(screen) or []
    same = next((s for s in sessions if s.number == current.number), None)
    if same is None:
        show_session(screen, None)
    elif (same.start, same.minutes, same.refs) != (current.start, current.minutes,
                                                   current.refs):
        show_session(screen, same)

"""The selected item: what to ask and look at, what was found, and the auditor's texts.

Everything here is shown from data the audit screen already holds; showing another item
updates a few widgets in place instead of mounting new ones, so moving through the tree
stays cheap. Each widget costs start-up time (styles, layout, a render), so the parts
that are only read share widgets: the title, the result line (one line: a result key
repaints it without a re-layout), the item's texts (last time, prompts, evidence,
guidance) in one, the files with the findings' heading in one. The findings' list is
mounted the first time an item has findings.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from auditor.domain.checklist import ChecklistItem
from auditor.domain.models import Evidence, Finding
from auditor.domain.progress import NodeStatus
from auditor.domain.vocab import RESULT_LABELS, Result, grade_label, status_label
from auditor.ui.plain import markup_safe

from .item_notes import ItemNotes


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"• {markup_safe(line)}" for line in lines)


def _size(size: int | None) -> str:
    if size is None:
        return ""
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def finding_line(finding: Finding) -> str:
    statement = " ".join(finding.statement.split()) or "(no statement yet: enter to write it)"
    grade, status = grade_label(finding.grade), status_label(finding.status)
    return f"{finding.code}  {grade} · {status}  {statement}"


class ItemDetail(VerticalScroll):
    # Tab from the tree goes straight to the notes; the panel scrolls to what has focus.
    can_focus = False

    class EditFinding(Message):
        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    def __init__(self, store, audit_id: int, *, read_only: bool = False,
                 on_saved=None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.audit_id = audit_id
        self.read_only = read_only
        self.on_saved = on_saved
        self.ref: str | None = None
        self._shown: dict[str, str] = {}
        self._finding_lines: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="item-title")
        yield Static("", id="item-result")
        yield Static("", id="item-text")
        yield ItemNotes(self.store, self.audit_id, read_only=self.read_only,
                        on_saved=self.on_saved, id="item-notes")
        yield Static("", id="item-files")

    @property
    def notes(self) -> ItemNotes:
        return self.query_one(ItemNotes)

    def _set(self, widget_id: str, text: str, *, one_line: bool = False) -> None:
        """Update a part only when its text changed: each update costs a re-layout,
        except for one-line parts whose height never changes. An empty part takes no
        room (a class, so that the stylesheet still hides a group's item parts)."""
        if self._shown.get(widget_id) == text:
            return
        self._shown[widget_id] = text
        widget = self.query_one(f"#{widget_id}", Static)
        widget.update(text, layout=not one_line)
        widget.set_class(not text, "-empty")

    def _set_text(self, previous: str, sections: Iterable[str]) -> None:
        """What the auditor reads: last time's result, then each section after a blank
        line."""
        lines = [f"[$text-warning]{markup_safe(previous)}[/]"] if previous else []
        for section in sections:
            if section:
                lines += ["", section]
        self._set("item-text", "\n".join(lines))

    # -- showing --------------------------------------------------------------------------

    def show_item(self, item: ChecklistItem, status: NodeStatus, texts: dict[str, str],
                  findings: list[Finding], evidence: list[Evidence],
                  previous: str = "") -> None:
        self.ref = item.ref
        self.set_class(False, "-group")
        self._set("item-title", f"[b]{markup_safe(item.ref)}[/b]  {markup_safe(item.title)}")
        self.show_result(status, findings, evidence)
        self._set_text(previous, (
            f"[b]Ask[/b]\n{_bullets(item.prompts)}" if item.prompts else "",
            f"[b]Look at[/b]\n{_bullets(item.evidence)}" if item.evidence else "",
            f"[b]Guidance[/b]\n{markup_safe(item.guidance)}" if item.guidance else "",
            # The SoA notes say what to expect of the control in the Statement of
            # Applicability; the related refs, where else the auditor should look.
            f"[b]In the SoA[/b]\n{markup_safe(item.soa)}" if item.soa else "",
            "[b]Related[/b]\n" + ", ".join(markup_safe(r) for r in item.related)
            if item.related else "",
        ))
        self.notes.show(item.ref, texts)
        self.scroll_home(animate=False)

    def show_result(self, status: NodeStatus, findings: list[Finding],
                    evidence: list[Evidence]) -> None:
        """The parts that change when a result is recorded; the texts are left alone."""
        result = status.result or Result.NOT_ASSESSED
        self._set("item-result",
                  f"Result: [b]{RESULT_LABELS[result]}[/b]"
                  + (f"  ·  {len(findings)} finding(s)" if findings else ""), one_line=True)
        files = [e for e in evidence if e.sha256]
        lines = [(f.code, finding_line(f)) for f in findings]
        self._set("item-files", "Files\n" + ("\n".join(
            f"• {markup_safe(e.original_name)}  {_size(e.size)}  sha256 {e.sha256[:12]}"
            for e in files) or "none yet: a to attach one")
            + ("\n\nFindings" if lines else ""))
        if lines != self._finding_lines:
            self._finding_lines = lines
            self._show_findings(lines)

    def _show_findings(self, lines: list[tuple[str, str]]) -> None:
        options = [Option(markup_safe(line), id=code) for code, line in lines]
        found = self.query("#item-findings")
        if not found:
            if options:
                self.mount(OptionList(*options, id="item-findings", compact=True))
            return
        shown = found.first(OptionList)
        shown.clear_options()
        shown.add_options(options)
        shown.highlighted = 0 if options else None
        shown.set_class(not options, "-empty")

    def show_group(self, item: ChecklistItem, status: NodeStatus) -> None:
        self.ref = item.ref
        self.notes.flush(retry_now=False)
        self.set_class(True, "-group")
        self._set("item-title", f"[b]{markup_safe(item.ref)}[/b]  {markup_safe(item.title)}")
        worst = RESULT_LABELS[status.worst] if status.worst else "nothing found yet"
        # Two lines: a narrow pane cut "worst:" from its value on one.
        self._set("item-result",
                  f"{status.assessed} of {status.total} items assessed\nworst: {worst}"
                  + (f"  ·  {status.findings} finding(s)" if status.findings else ""))
        children = [f"{markup_safe(c.ref)}  {markup_safe(c.title)}" for c in item.children]
        self._set_text("", ("[b]Items[/b]\n" + "\n".join(children),
                            markup_safe(item.guidance) if item.guidance else ""))
        self.scroll_home(animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.EditFinding(event.option.id))

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

from collections.abc import Iterable, Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from auditor.domain.checklist import ChecklistItem
from auditor.domain.models import Evidence, Finding, ItemSample, SoaEntry
from auditor.domain.progress import NodeStatus
from auditor.domain.sampling import sample_line
from auditor.domain.vocab import RESULT_LABELS, Result, grade_label, status_label
from auditor.ui.plain import joined, templated

from .item_notes import ItemNotes
from .soa_fields import SoaFields


def _bullets(lines: Iterable[str]) -> Content:
    return joined([templated("• $line", line=line) for line in lines])


def _asked(item: ChecklistItem) -> Content:
    """The prompts, each with the answers the checklist offers for it."""
    lines = []
    for index, prompt in enumerate(item.prompts):
        lines.append(templated("• $line", line=prompt))
        lines += [templated("    ◦ $choice", choice=c) for c in item.choices_for(index)]
    return joined(lines)


def _section(heading: str, body: Content) -> Content:
    """A section of the detail: our bold heading over its text."""
    return joined([Content.from_markup(f"[b]{heading}[/b]"), body])


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
                 on_saved=None, soa: dict[str, SoaEntry] | None = None,
                 soa_refs: frozenset[str] = frozenset(), id: str | None = None) -> None:
        """`soa_refs` are the controls whose SoA line is captured here, `soa` the audit's
        entries by ref (the fields are made only for an audit that has such controls)."""
        super().__init__(id=id)
        self.soa = soa if soa is not None else {}
        self.soa_refs = soa_refs
        self.store = store
        self.audit_id = audit_id
        self.read_only = read_only
        self.on_saved = on_saved
        self.ref: str | None = None
        self._shown: dict[str, Content] = {}
        self._finding_lines: list[tuple[str, str]] = []
        self._samples: list[ItemSample] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="item-title")
        yield Static("", id="item-result")
        yield Static("", id="item-text")
        if self.soa_refs:
            yield SoaFields(self.store, self.audit_id, self.soa, read_only=self.read_only,
                            id="soa-fields")
        yield ItemNotes(self.store, self.audit_id, read_only=self.read_only,
                        on_saved=self.on_saved, id="item-notes")
        yield Static("", id="item-files")

    @property
    def notes(self) -> ItemNotes:
        return self.query_one(ItemNotes)

    def _set(self, widget_id: str, text: Content, *, one_line: bool = False) -> None:
        """Update a part only when its text changed: each update costs a re-layout,
        except for one-line parts whose height never changes. An empty part takes no
        room (a class, so that the stylesheet still hides a group's item parts)."""
        if self._shown.get(widget_id) == text:
            return
        self._shown[widget_id] = text
        widget = self.query_one(f"#{widget_id}", Static)
        widget.update(text, layout=not one_line)
        widget.set_class(not text, "-empty")

    def _set_text(self, previous: str, sections: Iterable[Content | None]) -> None:
        """What the auditor reads: last time's result, then each section after a blank
        line."""
        lines = [templated("[$text-warning]$previous[/]", previous=previous)] \
            if previous else []
        for section in sections:
            if section:
                lines += [Content(""), section]
        self._set("item-text", joined(lines))

    # -- showing --------------------------------------------------------------------------

    def show_item(self, item: ChecklistItem, status: NodeStatus, texts: dict[str, str],
                  findings: list[Finding], evidence: list[Evidence],
                  previous: str = "", samples: Sequence[ItemSample] = ()) -> None:
        self.ref = item.ref
        self._samples = list(samples)
        self.set_class(False, "-group")
        self._set("item-title", templated("[b]$ref[/b]  $title", ref=item.ref,
                                          title=item.title))
        self.show_result(status, findings, evidence)
        self._set_text(previous, (
            _section("Ask", _asked(item)) if item.prompts else None,
            _section("Look at", _bullets(item.evidence)) if item.evidence else None,
            _section("Guidance", templated("$text", text=item.guidance))
            if item.guidance else None,
            # The SoA notes say what to expect of the control in the Statement of
            # Applicability; the related refs, where else the auditor should look.
            _section("In the SoA", templated("$text", text=item.soa)) if item.soa else None,
            _section("Related", templated("$refs", refs=", ".join(item.related)))
            if item.related else None,
        ))
        if self.soa_refs:
            fields = self.query_one(SoaFields)
            fields.set_class(item.ref not in self.soa_refs, "-empty")
            if item.ref in self.soa_refs:
                fields.show(item.ref)
        self.notes.show(item.ref, texts)
        self.scroll_home(animate=False)

    def show_samples(self, samples: Sequence[ItemSample], status: NodeStatus,
                     findings: list[Finding], evidence: list[Evidence]) -> None:
        """The item's sampling records, after one was recorded."""
        self._samples = list(samples)
        self.show_result(status, findings, evidence)

    def show_result(self, status: NodeStatus, findings: list[Finding],
                    evidence: list[Evidence]) -> None:
        """The parts that change when a result is recorded; the texts are left alone."""
        result = status.result or Result.NOT_ASSESSED
        self._set("item-result", Content.from_markup(
                  f"Result: [b]{RESULT_LABELS[result]}[/b]"
                  + (f"  ·  {len(findings)} finding(s)" if findings else "")), one_line=True)
        files = [e for e in evidence if e.sha256]
        lines = [(f.code, finding_line(f)) for f in findings]
        listed = [templated("• $name  $size  sha256 $sha", name=e.original_name,
                            size=_size(e.size), sha=(e.sha256 or "")[:12]) for e in files]
        sampled = [templated("• $line", line=sample_line(s)) for s in self._samples]
        self._set("item-files", joined([
            Content("Files"), *(listed or [Content("none yet: a to attach one")]),
            *([Content(""), Content("Samples (s records another)"), *sampled]
              if sampled else []),
            *([Content(""), Content("Findings")] if lines else [])]))
        if lines != self._finding_lines:
            self._finding_lines = lines
            self._show_findings(lines)

    def _show_findings(self, lines: list[tuple[str, str]]) -> None:
        options = [Option(templated("$line", line=line), id=code) for code, line in lines]
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
        if self.soa_refs:
            self.query_one(SoaFields).flush()
        self.set_class(True, "-group")
        self._set("item-title", templated("[b]$ref[/b]  $title", ref=item.ref,
                                          title=item.title))
        worst = RESULT_LABELS[status.worst] if status.worst else "nothing found yet"
        # Two lines: a narrow pane cut "worst:" from its value on one.
        self._set("item-result", Content(
                  f"{status.assessed} of {status.total} items assessed\nworst: {worst}"
                  + (f"  ·  {status.findings} finding(s)" if status.findings else "")))
        children = [templated("$ref  $title", ref=c.ref, title=c.title)
                    for c in item.children]
        self._set_text("", (_section("Items", joined(children)),
                            templated("$text", text=item.guidance) if item.guidance
                            else None))
        self.scroll_home(animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.EditFinding(event.option.id))

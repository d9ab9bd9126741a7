"""The clause tree: the checklist with each item's result and each group's roll-up.

Labels are drawn at render time from the audit's `AuditProgress`, so recording a result
repaints the item's line and its ancestors' lines only (`refresh_refs`), never the tree.
The result keys are bound here, on the tree, because they are a contract only while the
tree has the focus; their actions run on the audit screen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from auditor.domain.progress import AuditProgress, ItemFilter
from auditor.domain.text import escape_controls
from auditor.domain.vocab import Result
from auditor.ui.compat import RepaintingTree

# Short result codes, three cells wide so titles line up.
BADGES: dict[Result, str] = {
    Result.NOT_ASSESSED: "  ·",
    Result.CONFORM: "  ✓",
    Result.NA: "n/a",
    Result.OFI: "OFI",
    Result.OBSERVATION: "OBS",
    Result.MINOR: "min",
    Result.MAJOR: "MAJ",
}

RESULT_KEYS: list[BindingType] = [
    Binding("c", "screen.record('conform')", "Conform", id="audit.conform"),
    Binding("o", "screen.record('observation')", "Obs", id="audit.observation"),
    Binding("i", "screen.record('ofi')", "OFI", id="audit.ofi"),
    Binding("m", "screen.raise_nonconformity('minor')", "Minor", id="audit.minor"),
    Binding("M", "screen.raise_nonconformity('major')", "Major", key_display="M",
            id="audit.major"),
    Binding("x", "screen.record('na')", "N/A", id="audit.na"),
    Binding("backspace", "screen.record('not_assessed')", "Not assessed", show=False,
            id="audit.clear"),
    Binding("n", "screen.next_not_assessed", "Next", id="audit.next"),
    Binding("f", "screen.new_finding", "Finding", show=False, id="audit.finding"),
    Binding("a", "screen.attach_file", "Attach", show=False, id="audit.attach"),
    Binding("s", "screen.record_sample", "Sample", show=False, id="audit.sample"),
    Binding("enter", "select_cursor", "Write notes (on a group: fold)", show=False,
            id="audit.notes"),
]


class ClauseTree(RepaintingTree[str]):
    """Nodes carry their item's ref as data. A style pass or a resize only repaints the
    lines (`RepaintingTree`): a label's width depends on the audit's data, never on a
    style."""

    BINDINGS: ClassVar[list[BindingType]] = RESULT_KEYS

    COMPONENT_CLASSES = Tree.COMPONENT_CLASSES | {
        f"clause-tree--{result.value}" for result in Result
    } | {"clause-tree--count", "clause-tree--ref"}

    def __init__(self, progress: AuditProgress, *, id: str | None = None) -> None:
        super().__init__(progress.checklist.title, id=id)
        self.progress = progress
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False
        self.nodes_by_ref: dict[str, TreeNode[str]] = {}
        self.item_filter = ItemFilter.ALL
        # The refs of the plan session the tree keeps to (with their groups); None: all.
        self.scope: set[str] | None = None
        items = progress.checklist.all_items()
        # A checklist is a file someone handed over: its titles are shown with their
        # control characters as escapes (Text.append already keeps markup literal).
        self._titles = {item.ref: escape_controls(item.title) for item in items}
        self._groups = {item.ref for item in items if item.children}
        self._widths: dict[str, int] = {}

    def on_mount(self) -> None:
        self.build(ItemFilter.ALL)

    # -- building -------------------------------------------------------------------------

    def build(self, item_filter: ItemFilter) -> None:
        """(Re)build the nodes shown under a filter (within the session's `scope`), every
        group expanded."""
        self.item_filter = item_filter
        keep = None if item_filter == ItemFilter.ALL else self.progress.visible(item_filter)
        if self.scope is not None:
            keep = self.scope if keep is None else keep & self.scope
        self.clear()
        self._widths.clear()
        self.nodes_by_ref = {}
        parents: dict[str | None, TreeNode[str]] = {None: self.root}
        for item, _depth, parent in self.progress.checklist.walk():
            if keep is not None and item.ref not in keep:
                continue
            under = parents.get(parent.ref if parent else None, self.root)
            if item.children:
                node = under.add(item.ref, data=item.ref, expand=True)
            else:
                node = under.add_leaf(item.ref, data=item.ref)
            parents[item.ref] = node
            self.nodes_by_ref[item.ref] = node

    def process_label(self, label) -> Text:
        # Labels are composed in `render_label`; the stored label is only the ref.
        return Text(str(label))

    # -- drawing --------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"clause-tree--{name}", partial=True)

    def _label_parts(self, ref: str) -> list[tuple[str, str | None]]:
        """Badge, ref, (for groups) assessed/total, title: short parts first, so they stay
        visible when a narrow tree cuts the title."""
        status = self.progress.status(ref)
        shown = status.worst if ref in self._groups else status.result
        if shown is not None:
            parts = [(BADGES[shown], shown.value), (" ", None)]
        else:
            parts = [("   ", None), (" ", None)]
        parts.append((escape_controls(ref), "ref"))
        if ref in self._groups:
            parts.append((f" {status.assessed}/{status.total}", "count"))
        parts.append((" " + self._titles.get(ref, ""), None))
        return parts

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        if node.data is None:
            return super().render_label(node, base_style, style)
        text = Text()
        for chunk, kind in self._label_parts(node.data):
            text.append(chunk, self._style(kind) if kind else None)
        text.stylize(style)
        prefix = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        if node.allow_expand:
            return Text.assemble((prefix, base_style), text)
        return text

    def get_label_width(self, node: TreeNode[str]) -> int:
        # The tree asks for every line's width each time it re-lays its lines (on focus,
        # resize, expansion): remembered per ref until that ref changes.
        if node.data is None:
            return super().get_label_width(node)
        width = self._widths.get(node.data)
        if width is None:
            width = sum(cell_len(chunk) for chunk, _ in self._label_parts(node.data))
            self._widths[node.data] = width
        return width + (len(self.ICON_NODE) if node.allow_expand else 0)

    # -- reading and moving ---------------------------------------------------------------

    @property
    def current_ref(self) -> str | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def refresh_refs(self, refs) -> None:
        """Repaint the lines of these refs (an item and its ancestors after a change)."""
        for ref in refs:
            self._widths.pop(ref, None)
            node = self.nodes_by_ref.get(ref)
            if node is not None:
                node.refresh()

    def go_to(self, ref: str) -> bool:
        """Put the cursor on `ref`, expanding its groups; False when the filter hides it."""
        node = self.nodes_by_ref.get(ref)
        if node is None:
            return False
        parent = node.parent
        while parent is not None and not parent.is_root:
            if not parent.is_expanded:  # expanding re-lays the whole tree: only if needed
                parent.expand()
            parent = parent.parent
        if self.last_line < 0:  # reading it rebuilds the lines, so the node's line is known
            return False
        top, height = self.scroll_offset.y, self.size.height
        if not height:
            # Not laid out yet: a scroll now would aim with no height (and cost the tree
            # a second render); the cursor is placed and the jump made once it has a size.
            self.cursor_line = node.line
            self.call_after_refresh(self._center, node)
            return True
        jumped = not top <= node.line < top + height
        self.move_cursor(node)
        if jumped:
            self._center(node)  # a jump lands a third of the way down, with its context
        return True

    def _center(self, node: TreeNode[str]) -> None:
        self.scroll_to(y=max(0, node.line - self.size.height // 3), animate=False)

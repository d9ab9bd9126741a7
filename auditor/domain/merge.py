"""Merging two copies of an audit field by field, from their change logs (pure).

Each side's log entries are first named the same way on every copy (`normalize`): an
item and an SoA entry by ref, a finding by its human id, evidence, a plan session and a
sample by the entry that added them (its `gid`, the hash it had where it was first
written), the audit by nothing. An entry is new on a side when the other side's log does
not hold it. Then, for each field: changed on their side only, their value is taken;
changed on both sides to the same value, nothing to do; changed on both sides to
different values, a conflict with both values, who and when. A field counts as changed
when its last new value differs from the value it had before the side's first new entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .vocab import Entity, LogEvent

Side = Literal["mine", "theirs"]
FieldKey = tuple[str, str, str]  # entity, record (portable), field
# Events: entries that carry no field's value; they travel and are kept, never merged.
EVENTS = {LogEvent.NOTE.value, LogEvent.REOPEN_REASON.value,
          LogEvent.VERIFIED_IN_AUDIT.value, LogEvent.DELETED.value}
BY_ADDITION = (Entity.EVIDENCE.value, Entity.SESSION.value, Entity.SAMPLE.value,
               Entity.OPINION.value)
# Records logged whole when added (their fields as JSON) and named by their number.
WHOLE = (Entity.SESSION.value, Entity.SAMPLE.value, Entity.OPINION.value)
CREATED_FIELD = {Entity.AUDIT.value: "title", Entity.FINDING.value: "grade"}
EXISTS = "exists"  # a session's or sample's standing: "1" added, "" removed


@dataclass(frozen=True)
class Change:
    """One field's change in portable terms (one log entry may give several)."""

    gid: str
    entity: str
    record: str
    field: str
    old: str
    new: str
    actor: str
    at: str

    @property
    def key(self) -> FieldKey:
        return (self.entity, self.record, self.field)


@dataclass(frozen=True)
class Conflict:
    entity: str
    record: str
    field: str
    mine: str
    mine_by: str
    mine_at: str
    theirs: str
    theirs_by: str
    theirs_at: str

    @property
    def key(self) -> FieldKey:
        return (self.entity, self.record, self.field)


@dataclass
class MergePlan:
    """What merging their side into mine does; nothing of it is applied yet."""

    new_gids: list[str] = field(default_factory=list)      # their entries mine lacks
    takes: dict[FieldKey, str] = field(default_factory=dict)  # their one-sided changes
    conflicts: list[Conflict] = field(default_factory=list)
    new_records: list[tuple[str, str]] = field(default_factory=list)  # (entity, record)
    removed_records: list[tuple[str, str]] = field(default_factory=list)
    # Per field their new entries touch: the value the last of them gives (it comes
    # last in the log here once they are carried) and the value it has here now.
    carried_last: dict[FieldKey, str] = field(default_factory=dict)
    mine_final: dict[FieldKey, str] = field(default_factory=dict)

    def values(self, choices: Mapping[FieldKey, Side]) -> dict[FieldKey, str]:
        """Their values to set: every one-sided change, and each conflict resolved as
        theirs; KeyError names the first conflict without a choice."""
        out = dict(self.takes)
        for c in self.conflicts:
            if choices[c.key] == "theirs":
                out[c.key] = c.theirs
        return out

    def restatements(self, values: Mapping[FieldKey, str]) -> dict[FieldKey, tuple[str, str]]:
        """Fields whose last carried entry will not give the value they end with: key ->
        (that entry's value, the value that stands). The log says it again after them,
        so that it replays into the records."""
        out = {}
        for key, last in self.carried_last.items():
            stands = values.get(key, self.mine_final[key])
            if last != stands:
                out[key] = (last, stands)
        return out

    @property
    def changes_nothing(self) -> bool:
        return not (self.new_gids or self.takes or self.conflicts)


def text(value: Any) -> str:
    return "" if value is None else str(value)


def _whole(value: str | None) -> dict[str, Any]:
    try:
        loaded = json.loads(value or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def normalize(entries: Iterable[Mapping[str, Any]]) -> list[Change]:
    """A side's log entries (dicts with the change-log's keys and `gid`), in order, as
    portable changes."""
    added: dict[tuple[str, str], str] = {}  # (entity, local id or number) -> adding gid
    out: list[Change] = []
    for e in entries:
        entity, local, name = str(e["entity"]), str(e["entity_id"]), str(e["field"])
        gid, actor, at = str(e["gid"]), str(e["actor"]), str(e["at"])
        if entity in BY_ADDITION and name == LogEvent.ADDED:
            added[(entity, local)] = gid
        record = local
        if entity == Entity.AUDIT:
            record = ""
        elif entity in BY_ADDITION:
            record = added.get((entity, local), f"?{local}")

        def put(fname: str, old: Any, new: Any, record: str = record, gid: str = gid,
                entity: str = entity, actor: str = actor, at: str = at) -> None:
            out.append(Change(gid, entity, record, fname, text(old), text(new), actor, at))

        if name in EVENTS:
            put(name, None, e["new"])
        elif name == LogEvent.PLANNED:
            for fname, value in _whole(e["new"]).items():
                put(fname, None, value)
        elif entity in WHOLE and name == LogEvent.ADDED:
            put(EXISTS, "", "1")
            for fname, value in _whole(e["new"]).items():
                put(fname, None, value)
        elif entity in WHOLE and name == LogEvent.REMOVED:
            put(EXISTS, "1", "")
        elif name in (LogEvent.CREATED, LogEvent.ADDED):
            put(CREATED_FIELD.get(entity, name), None, e["new"])
        else:
            put(name, e["old"], e["new"])
    return out


def _sequences(changes: list[Change], others: set[str]
               ) -> dict[FieldKey, list[tuple[str, str, bool]]]:
    """Per field, in log order: (old, new, whether the other side lacks the entry)."""
    out: dict[FieldKey, list[tuple[str, str, bool]]] = {}
    for c in changes:
        if c.field not in EVENTS:
            out.setdefault(c.key, []).append((c.old, c.new, c.gid not in others))
    return out


def _before_new(seq: list[tuple[str, str, bool]]) -> str:
    """The value a field had on a side before its first entry the other side lacks."""
    first = next(i for i, (_o, _n, new) in enumerate(seq) if new)
    return seq[first - 1][1] if first else seq[first][0]


def plan_merge(mine: list[Change], theirs: list[Change]) -> MergePlan:
    """Their side merged into mine (both already `normalize`d).

    A field's value on a side is the last its log gives it. It changed on a side when
    that value differs from the one it had before the side's first entry the other side
    lacks. Both sides' entries are in both logs after a merge, in different orders, so
    the values, not the last entries, are compared."""
    mine_gids = {c.gid for c in mine}
    theirs_gids = {c.gid for c in theirs}
    theirs_new = [c for c in theirs if c.gid not in mine_gids]
    plan = MergePlan(new_gids=list(dict.fromkeys(c.gid for c in theirs_new)))
    known = {(c.entity, c.record) for c in mine}
    for c in theirs_new:
        creates = c.field == CREATED_FIELD.get(c.entity) or \
            (c.entity in BY_ADDITION and c.field in (LogEvent.ADDED, EXISTS) and c.new)
        if creates and c.old == "" and c.entity != Entity.AUDIT and \
                (c.entity, c.record) not in known and \
                (c.entity, c.record) not in plan.new_records:
            plan.new_records.append((c.entity, c.record))
    t_seqs = _sequences(theirs, mine_gids)
    m_seqs = _sequences(mine, theirs_gids)
    by_key = {c.key: c for c in theirs if c.field not in EVENTS}
    mine_last = {c.key: c for c in mine if c.field not in EVENTS}
    for key, t_seq in t_seqs.items():
        if not any(new for _o, _n, new in t_seq):
            continue
        plan.carried_last[key] = [n for _o, n, new in t_seq if new][-1]
        t_final, t_before = t_seq[-1][1], _before_new(t_seq)
        m_seq = m_seqs.get(key, [])
        m_final = m_seq[-1][1] if m_seq else t_before
        plan.mine_final[key] = m_final
        if t_final in (m_final, t_before):
            continue
        m_changed = any(new for _o, _n, new in m_seq) and m_final != _before_new(m_seq)
        if not m_changed:
            plan.takes[key] = t_final
            continue
        m, t = mine_last[key], by_key[key]
        plan.conflicts.append(Conflict(key[0], key[1], key[2], m_final, m.actor, m.at,
                                       t_final, t.actor, t.at))
    plan.removed_records = [(e, r) for (e, r, f), v in plan.takes.items()
                            if f == EXISTS and v == ""]
    return plan

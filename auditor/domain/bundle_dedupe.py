"""A bundle's change log as entries this database holds or lacks (docs/teams.md).

An entry is named on every copy by its `gid`, but a bundle's `gid` is only the sender's
word: nothing links it to the entry's hash once the entry was carried. So before a merge
plans anything, each of the bundle's entries is held against this database's log:

- the same `gid` as an entry held here, with the same content: it is that entry (never
  appended twice, also when the bundle lists it twice);
- the same `gid` with other content: the bundle is refused (one of the two was forged);
- another `gid` but the content of an entry held here (the same time, actor, record,
  field and values: a chain recomputed under new hashes): it is the held entry and takes
  its `gid`, so it is not appended again.

An entry's record is compared in portable terms: an item, SoA entry or finding by its
ref or human id, the audit by nothing, and a record named by its addition (evidence, a
plan session, a sample, an opinion) by the `gid` of the entry that added it here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .bundle_entries import refuse
from .bundle_rows import BundleContent
from .errors import shown
from .merge import BY_ADDITION
from .vocab import Entity, LogEvent

# Audit fields whose values name another audit by its local id, rewritten when carried.
LOCAL_VALUED = {LogEvent.PLANNED.value, "previous_id"}
Key = tuple[str, ...]


def _content_key(e: Mapping[str, Any], record: str) -> Key:
    values = ("", "") if e["entity"] == Entity.AUDIT and e["field"] in LOCAL_VALUED \
        else (e["old"] or "", e["new"] or "")
    return (str(e["at"]), str(e["actor"]), str(e["entity"]), record, str(e["field"]),
            *values)


class _Namer:
    """Portable record names of one log's entries, in log order."""

    def __init__(self) -> None:
        self.added: dict[tuple[str, str], str] = {}

    def record(self, e: Mapping[str, Any], gid: str) -> str:
        entity, local = str(e["entity"]), str(e["entity_id"])
        if entity == Entity.AUDIT:
            return ""
        if entity in BY_ADDITION:
            if e["field"] == LogEvent.ADDED:
                self.added[(entity, local)] = gid
                return ""
            return self.added.get((entity, local), f"?{local}")
        return local


def held_log(content: BundleContent, mine: Iterable[Mapping[str, Any]]
             ) -> list[dict[str, Any]]:
    """The bundle's log with each entry held here named by the held entry's `gid` and
    listed once; raises `BundleRefused` for a `gid` held here with other content."""
    namer = _Namer()
    by_gid: dict[str, Key] = {}
    by_content: dict[Key, list[str]] = {}
    for e in mine:
        gid = str(e["gid"])
        key = _content_key(e, namer.record(e, gid))
        by_gid.setdefault(gid, key)
        by_content.setdefault(key, []).append(gid)
    # Two entries may have the same content (the same change made twice in one
    # second): each held one stands for one of the bundle's, never for two.
    taken = {str(e["gid"]) for e in content.log} & set(by_gid)
    theirs = _Namer()
    out: list[dict[str, Any]] = []
    seen: dict[str, Key] = {}
    for number, e in enumerate(content.log, 1):
        gid = str(e["gid"])
        key = _content_key(e, theirs.record(e, gid))
        known = by_gid.get(gid, seen.get(gid))
        spare = [g for g in by_content.get(key, []) if g not in taken] \
            if known is None else []
        if spare:
            gid = spare[0]  # a held entry under a new hash
            taken.add(gid)
            known = key
            theirs.record(e, gid)  # records it added are named as here
        if known is not None and known != key:
            raise refuse(content, f"change-log entry {number} ({shown(str(e['field']))[:30]} "
                         f"of {shown(str(e['entity']))}) has the identity of an entry "
                         "already held but other content")
        if gid in seen:
            continue
        seen[gid] = key
        out.append(e if gid == e["gid"] else dict(e, gid=gid))
    return out

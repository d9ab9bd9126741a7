"""The change log's hash chain: each entry's hash covers its content and the hash before it,
so an edit or deletion anywhere in the log shows at that entry when the chain is recomputed.

The chain has no secret: whoever can write the database can recompute it after an edit.
Two things hold against that. Each entry carries a MAC (HMAC-SHA256 over its content and
its hash) whose key lives outside the database file (`mac_key`); and a closed audit has a
seal, the hash of the entry that closed it, handed out in its documents: a chain
recomputed after an edit before the close no longer holds an entry with that hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any


def entry_hash(
    prev_hash: str,
    at: str,
    actor: str,
    audit_id: int | None,
    entity: str,
    entity_id: str,
    field: str,
    old: str | None,
    new: str | None,
) -> str:
    payload = json.dumps(
        [prev_hash, at, actor, audit_id, entity, entity_id, field, old, new],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def first_break(rows: Iterable[Any]) -> ChainBreak | None:
    """Walk log rows in id order; the first whose links or hash do not match, or None."""
    prev = ""
    for row in rows:
        if row.prev_hash != prev:
            return ChainBreak(row.id, "its link to the entry before does not match")
        expected = entry_hash(
            prev, row.at, row.actor, row.audit_id, row.entity, row.entity_id,
            row.field, row.old, row.new,
        )
        if row.hash != expected:
            return ChainBreak(row.id, "its content does not match its hash")
        prev = row.hash
    return None


# -- the MAC: a keyed check over each entry, the key outside the database ------------------


def mac_payload(prev_hash: str, at: str, actor: str, audit_id: int | None, entity: str,
                entity_id: str, field: str, old: str | None, new: str | None,
                hash: str) -> bytes:
    """What an entry's MAC covers: its whole content and its chain hash, as canonical
    JSON (the hash's own list with the hash appended)."""
    return json.dumps(
        [prev_hash, at, actor, audit_id, entity, entity_id, field, old, new, hash],
        ensure_ascii=False, separators=(",", ":"),
    ).encode("utf-8")


def entry_mac(secret: bytes, key_id: str, prev_hash: str, at: str, actor: str,
              audit_id: int | None, entity: str, entity_id: str, field: str,
              old: str | None, new: str | None, hash: str) -> str:
    """`KEYID:HMAC`: the key's fingerprint, then HMAC-SHA256 of the entry (64 hex)."""
    digest = hmac.new(secret, mac_payload(prev_hash, at, actor, audit_id, entity, entity_id,
                                          field, old, new, hash), hashlib.sha256)
    return f"{key_id}:{digest.hexdigest()}"


def anchor_mac(secret: bytes, key_id: str, macs_after: str) -> str:
    """The MAC of the mark of where MACs begin: after the entry with hash `macs_after`
    ("" when every entry has one)."""
    payload = json.dumps(["auditor: MACs begin after", macs_after], separators=(",", ":"))
    digest = hmac.new(secret, payload.encode("utf-8"), hashlib.sha256)
    return f"{key_id}:{digest.hexdigest()}"


@dataclass
class MacCheck:
    """What the MACs of the log say, entry ids by what is wrong with them."""

    before_macs: int = 0       # entries from before MACs were kept (no failure)
    checked: int = 0           # entries whose MAC this key confirmed
    unmacked: list[int] = dc_field(default_factory=list)  # no MAC after MACs began
    altered: list[int] = dc_field(default_factory=list)   # MAC of this key, not matching
    other_key: dict[str, list[int]] = dc_field(default_factory=dict)  # key id -> entries
    anchor: str | None = None  # what is wrong with the mark of where MACs began
    anchor_key: str | None = None  # the key id of that mark, when not this key's


def check_macs(rows: Iterable[Any], secret: bytes | None, key_id: str | None,
               anchor: tuple[str, str] | None) -> MacCheck:
    """Walk log rows in id order and hold each MAC against the key (None: no key here).

    `anchor` is the MAC'd mark (macs_after, mac) written when MACs began (schema 0003):
    entries up to the one whose hash is `macs_after` may have no MAC, every later one
    must. Without it, stripping every MAC would pass a rewritten log off as an old one."""
    out = MacCheck()
    entries = list(rows)
    boundary: int | None = 0  # the index after which every entry needs a MAC
    if anchor is None:
        out.anchor = ("the mark of where MACs began is missing from the database: the "
                      "change log was rewritten")
        boundary = next((i for i, r in enumerate(entries) if r.mac is not None), len(entries))
    else:
        macs_after, mark = anchor
        kid = mark.partition(":")[0]
        if secret is None or kid != key_id:
            out.anchor_key = kid
        elif not hmac.compare_digest(anchor_mac(secret, kid, macs_after), mark):
            out.anchor = ("the mark of where MACs began does not match its MAC: it was "
                          "changed by someone without the key")
        if macs_after:
            found = next((i for i, r in enumerate(entries) if r.hash == macs_after), None)
            if found is None:
                out.anchor = ("the entry after which MACs began is not in the change log: "
                              "entries from before MACs were changed or removed")
                boundary = next((i for i, r in enumerate(entries) if r.mac is not None),
                                len(entries))
            else:
                boundary = found + 1
    for index, row in enumerate(entries):
        if row.mac is None:
            if boundary is not None and index < boundary:
                out.before_macs += 1
            else:
                out.unmacked.append(row.id)
            continue
        kid, _, _digest = str(row.mac).partition(":")
        if secret is None or kid != key_id:
            out.other_key.setdefault(kid, []).append(row.id)
            continue
        expected = entry_mac(secret, kid, row.prev_hash, row.at, row.actor, row.audit_id,
                             row.entity, row.entity_id, row.field, row.old, row.new, row.hash)
        if hmac.compare_digest(expected, str(row.mac)):
            out.checked += 1
        else:
            out.altered.append(row.id)
    return out


def entry_list(ids: list[int], shown: int = 5) -> str:
    """`12, 13, 15 and 40 more` (ids in order)."""
    head = ", ".join(str(i) for i in ids[:shown])
    return f"{head} and {len(ids) - shown} more" if len(ids) > shown else head

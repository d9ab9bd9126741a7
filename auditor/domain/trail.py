"""The change log's hash chain: each entry's hash covers its content and the hash before it,
so an edit or deletion anywhere in the log shows at that entry when the chain is recomputed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
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

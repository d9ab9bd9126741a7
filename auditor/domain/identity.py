"""Identities that hold on every copy of an audit, and human finding ids that never
collide when copies merge (docs/teams.md).

A record's identity across copies is its UUID (audit, finding, evidence, plan session,
sample); its integer id is local to one database. A finding's human id (`NC-2026-007`)
is handed out once and never changes, so two copies must never hand out the same one:
the database an audit was made in grants a block of numbers per id prefix to a named copy
(`bundle export --for NAME`, an open audit only; its own counter moves past the block and
the grant is recorded, so a re-export for the same copy sends the same block and every
gap in the numbering names the copy holding it). A copy raises that audit's findings
from its block only; a copy given no block raises none.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from .errors import RuleViolation
from .models import Audit, FindingBlock, FindingBlockGrant, FindingCounter
from .text import escape_controls, one_line, without_controls
from .unit import UnitOfWork
from .vocab import GRADE_PREFIX

# Numbers per prefix handed to a copy: what one auditor raises in a few days on site, so
# that the gaps unused numbers leave stay small; `--more` hands a copy a fresh block.
BLOCK_SIZE = 20
MAX_BLOCK_SIZE = 1000
PREFIXES = tuple(sorted(set(GRADE_PREFIX.values())))


@dataclass(frozen=True)
class Block:
    prefix: str
    year: int
    first: int
    last: int


def blocks_of(uow: UnitOfWork, audit: Audit) -> list[FindingBlock]:
    return list(uow.session.execute(
        select(FindingBlock).where(col(FindingBlock.audit_uuid) == audit.uuid)
        .order_by(col(FindingBlock.prefix), col(FindingBlock.year))).scalars())


def is_team_copy(uow: UnitOfWork, audit: Audit) -> bool:
    """This database received the audit from another (it numbers from blocks)."""
    return bool(blocks_of(uow, audit))


def recipient_name(name: str) -> str:
    """The name a copy is granted numbers under, as it is stored and shown."""
    clean = one_line(without_controls(name))
    if not clean:
        raise RuleViolation("--for: give the name of the team member (or laptop) the copy "
                            "is for", field="recipient")
    if len(clean) > 80:
        raise RuleViolation(f"--for: {escape_controls(clean[:40])!r}...: a name of at most "
                            "80 characters", field="recipient")
    return clean


def grants_of(uow: UnitOfWork, audit: Audit) -> list[FindingBlockGrant]:
    return list(uow.session.execute(
        select(FindingBlockGrant).where(col(FindingBlockGrant.audit_uuid) == audit.uuid)
        .order_by(col(FindingBlockGrant.prefix), col(FindingBlockGrant.year),
                  col(FindingBlockGrant.first))).scalars())


def grant_blocks(uow: UnitOfWork, audit: Audit, recipient: str, *, more: bool = False,
                 size: int = BLOCK_SIZE) -> list[Block]:
    """The block per prefix of this year for the copy named `recipient`: the one granted
    to it before (a re-export sends the same numbers), or, the first time or with `more`,
    a new one this database's counter moves past. Each grant is recorded."""
    if not 1 <= size <= MAX_BLOCK_SIZE:
        raise RuleViolation(f"--block-size: {size} is not between 1 and {MAX_BLOCK_SIZE}",
                            field="block_size")
    name = recipient_name(recipient)
    year = uow.now().year
    held = {(g.prefix, g.year): g for g in grants_of(uow, audit) if g.recipient == name}
    blocks = []
    for prefix in PREFIXES:
        grant = held.get((prefix, year))
        if grant is None or more:
            counter = uow.session.get(FindingCounter, (prefix, year))
            if counter is None:
                counter = FindingCounter(prefix=prefix, year=year, last=0)
            grant = FindingBlockGrant(audit_uuid=audit.uuid, recipient=name, prefix=prefix,
                                      year=year, first=counter.last + 1,
                                      last=counter.last + size, granted_by=uow.actor,
                                      granted_at=uow.now())
            counter.last = grant.last
            uow.session.add_all((counter, grant))
        blocks.append(Block(prefix, year, grant.first, grant.last))
    return blocks


def keep_blocks(uow: UnitOfWork, audit: Audit, blocks: list[Block]) -> None:
    """The blocks a bundle brought for this copy of the audit. The counter of this
    database also moves past them, so its own audits never take those numbers. A bundle
    that brought none leaves empty blocks: the copy raises no finding on the audit
    until a bundle exported for it (`--for NAME`) brings numbers."""
    if not blocks:
        year = uow.now().year
        blocks = [Block(prefix, year, 1, 0) for prefix in PREFIXES]
    for block in blocks:
        uow.session.add(FindingBlock(audit_uuid=audit.uuid, prefix=block.prefix,
                                     year=block.year, first=block.first, last=block.last,
                                     used=block.first - 1))
        _counter_past(uow, block)


def _counter_past(uow: UnitOfWork, block: Block) -> None:
    counter = uow.session.get(FindingCounter, (block.prefix, block.year))
    if counter is None:
        counter = FindingCounter(prefix=block.prefix, year=block.year, last=0)
    counter.last = max(counter.last, block.last)
    uow.session.add(counter)


def renew_blocks(uow: UnitOfWork, audit: Audit, blocks: list[Block]) -> None:
    """A copy takes the blocks of a newer bundle from its lead in place of its own (the
    numbers left in the old ones are never handed out by anyone); the same block again
    (a re-export) changes nothing."""
    rows = {(b.prefix, b.year): b for b in blocks_of(uow, audit)}
    for block in blocks:
        row = rows.get((block.prefix, block.year))
        if row is None:
            keep_blocks(uow, audit, [block])
        elif block.first > row.last:
            row.first, row.last, row.used = block.first, block.last, block.first - 1
            uow.session.add(row)
            _counter_past(uow, block)


def block_code(uow: UnitOfWork, audit: Audit, prefix: str) -> str | None:
    """The next human id from this copy's block for the audit; None when this database
    is not a team copy of it (it numbers from its own counter)."""
    found = [b for b in blocks_of(uow, audit) if b.prefix == prefix]
    if not found:
        return None
    for block in found:
        if block.used < block.last:
            block.used += 1
            uow.session.add(block)
            return f"{prefix}-{block.year}-{block.used:03d}"
    if all(b.last < b.first for b in found):
        raise RuleViolation(
            f"no {prefix} finding ids were handed to this copy of audit {audit.id}, so it "
            "raises no findings; ask the lead for a bundle exported with --for YOUR NAME",
            field="grade")
    raise RuleViolation(
        f"the {prefix} finding ids handed to this copy of audit {audit.id} are used up; "
        "ask the lead for a bundle exported with --for YOUR NAME --more", field="grade")

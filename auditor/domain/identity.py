"""Identities that hold on every copy of an audit, and human finding ids that never
collide when copies merge (docs/teams.md).

A record's identity across copies is its UUID (audit, finding, evidence, plan session,
sample); its integer id is local to one database. A finding's human id (`NC-2026-007`)
is handed out once and never changes, so two copies must never hand out the same one:
the database an audit is exported from reserves a block of numbers per id prefix for the
receiving copy (its own counter moves past the block), and the receiving copy raises
that audit's findings from its block only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from .errors import RuleViolation
from .models import Audit, FindingBlock, FindingCounter
from .unit import UnitOfWork
from .vocab import GRADE_PREFIX

# Numbers per prefix handed to a copy: more findings than one auditor raises in an audit.
BLOCK_SIZE = 100


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


def reserve_blocks(uow: UnitOfWork, year: int, size: int = BLOCK_SIZE) -> list[Block]:
    """A block of numbers per prefix for a copy about to leave this database: this
    database's counter moves past each, so it never hands them out itself."""
    blocks = []
    for prefix in sorted(set(GRADE_PREFIX.values())):
        counter = uow.session.get(FindingCounter, (prefix, year))
        if counter is None:
            counter = FindingCounter(prefix=prefix, year=year, last=0)
        first = counter.last + 1
        counter.last += size
        uow.session.add(counter)
        blocks.append(Block(prefix, year, first, counter.last))
    return blocks


def keep_blocks(uow: UnitOfWork, audit: Audit, blocks: list[Block]) -> None:
    """The blocks a bundle brought for this copy of the audit. The counter of this
    database also moves past them, so its own audits never take those numbers."""
    for block in blocks:
        uow.session.add(FindingBlock(audit_uuid=audit.uuid, prefix=block.prefix,
                                     year=block.year, first=block.first, last=block.last,
                                     used=block.first - 1))
        counter = uow.session.get(FindingCounter, (block.prefix, block.year))
        if counter is None:
            counter = FindingCounter(prefix=block.prefix, year=block.year, last=0)
        counter.last = max(counter.last, block.last)
        uow.session.add(counter)


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
    raise RuleViolation(
        f"the {prefix} finding ids handed to this copy of audit {audit.id} are used up; "
        "import a newer bundle of the audit from its lead to get more", field="grade")

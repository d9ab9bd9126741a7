"""Sampling records on an item (ISO 19011 A.6, 6.3.4): the population looked at, its
size when known, how many were sampled and which. An audit's conclusions rest on
samples; the report states them."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .errors import RuleViolation
from .models import Audit, ItemSample
from .trail_replay import SAMPLE_FIELDS, logged_fields
from .unit import UnitOfWork, ident
from .vocab import Entity, LogEvent

SAMPLE_FORMAT = "POPULATION|SIZE|IDS or POPULATION|SIZE|IDS|N"


@dataclass(frozen=True)
class Sample:
    """A sample as recorded: `sample_size` is how many were looked at."""

    population: str
    population_size: int | None
    sample_size: int
    ids: str


def _count(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and text.isascii() else None


def sampled_ids(text: str, field: str = "samples") -> list[str]:
    """The ids of a comma-separated list, empty entries ignored. An id listed twice is
    refused (naming it): counted twice it would overstate the sample the report states."""
    ids = [i.strip() for i in text.split(",") if i.strip()]
    twice = [i for i, times in Counter(ids).items() if times > 1]
    if twice:
        named = ", ".join(twice)
        raise RuleViolation(f"sampled ids listed twice: {named}; list each id once",
                            field=field)
    return ids


def parse_sample(text: str) -> Sample:
    """`POPULATION|SIZE|IDS` or `POPULATION|SIZE|IDS|N`: SIZE (the population's size) may
    be empty; IDS are comma separated; the sample size is N when given, else the number
    of ids. One line saying the format when it is not."""
    parts = text.split("|") if isinstance(text, str) else []
    problem = None
    if len(parts) not in (3, 4):
        problem = f"has {len(parts)} part{'s' if len(parts) != 1 else ''}"
    elif not parts[0].strip():
        problem = "names no population"
    elif parts[1].strip() and _count(parts[1]) is None:
        problem = f"population size {parts[1].strip()!r} is not a whole number"
    elif len(parts) == 4 and _count(parts[3]) is None:
        problem = f"sample size {parts[3].strip()!r} is not a whole number"
    if problem is not None:
        raise RuleViolation(f"sample {text!r} {problem}: write it as {SAMPLE_FORMAT} (SIZE "
                            "may be empty, IDS comma separated, N the sample size when it "
                            "is not the number of ids)", field="samples")
    ids = sampled_ids(parts[2])
    size = _count(parts[3]) if len(parts) == 4 else len(ids)
    return check_sample(Sample(population=" ".join(parts[0].split()),
                               population_size=_count(parts[1]) if parts[1].strip() else None,
                               sample_size=size or 0, ids=", ".join(ids)))


def sample_of(population: str, population_size: str, ids: str,
              sample_size: str = "") -> Sample:
    """A sample from a form's four fields, each refused with its own field's name: the
    population (required), its size (a whole number, or empty when not known), the ids
    sampled (comma separated), and how many were looked at (empty: the number of ids)."""
    ids_list = sampled_ids(ids, field="ids")
    if population_size.strip() and _count(population_size) is None:
        raise RuleViolation(f"population size {population_size.strip()!r} is not a whole "
                            "number; leave it empty when it is not known",
                            field="population_size")
    if sample_size.strip() and _count(sample_size) is None:
        raise RuleViolation(f"sample size {sample_size.strip()!r} is not a whole number; "
                            "leave it empty to count the ids", field="sample_size")
    if not population.strip():
        raise RuleViolation("name the population the sample was drawn from (e.g. "
                            "releases in Q3)", field="population")
    size = _count(sample_size) if sample_size.strip() else len(ids_list)
    if not size:
        raise RuleViolation("give the ids sampled, or how many were sampled",
                            field="ids")
    total = _count(population_size) if population_size.strip() else None
    if total is not None and size > total:
        raise RuleViolation(f"{size} sampled from a population of {total}",
                            field="sample_size" if sample_size.strip() else "ids")
    return check_sample(Sample(population=" ".join(population.split()),
                               population_size=total, sample_size=size,
                               ids=", ".join(ids_list)))


def sample_line(row: ItemSample | Sample) -> str:
    """A sample as one line: "releases in Q3: 42; sampled 5: 4.2.0, 4.2.3"."""
    size = f": {row.population_size}" if row.population_size is not None else ""
    ids = f": {row.ids}" if row.ids else ""
    return f"{row.population}{size}; sampled {row.sample_size}{ids}"


def check_sample(sample: Sample) -> Sample:
    """The rules of a sample: a population named, at least one sampled, no id twice, and
    no more than the population holds."""
    sampled_ids(sample.ids)
    if not sample.population.strip():
        raise RuleViolation("a sample names the population it was drawn from",
                            field="samples")
    if sample.sample_size < 1:
        raise RuleViolation(f"sample of {sample.population!r}: give the ids sampled, or "
                            "the sample size", field="samples")
    size = sample.population_size
    if size is not None and sample.sample_size > size:
        raise RuleViolation(f"sample of {sample.population!r}: {sample.sample_size} sampled "
                            f"from a population of {size}", field="samples")
    return sample


def add_sample(uow: UnitOfWork, audit: Audit, ref: str, sample: Sample) -> ItemSample:
    """A sampling record on the item (its ref already checked), logged whole."""
    row = ItemSample(audit_id=ident(audit), ref=ref,
                     number=uow.next_number(audit, Entity.SAMPLE, ItemSample),
                     population=sample.population, population_size=sample.population_size,
                     sample_size=sample.sample_size, ids=sample.ids, created_at=uow.now())
    uow.session.add(row)
    uow.session.flush()
    uow.record(audit.id, Entity.SAMPLE, row.number, LogEvent.ADDED, None,
               json.dumps(logged_fields(row, SAMPLE_FIELDS), ensure_ascii=False,
                          sort_keys=True))
    return row


def sample_dict(row: ItemSample | Sample) -> dict[str, Any]:
    return {"population": row.population, "population_size": row.population_size,
            "sample_size": row.sample_size, "ids": row.ids}

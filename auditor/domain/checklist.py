"""A checklist as the domain sees it: a tree of items, some of them assessable.

The YAML format is read in `auditor.exchange.checklist_yaml`; here is only the typed tree,
which is also what an audit stores as its snapshot (as JSON), so that an old audit reloads
exactly as it was audited.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ChecklistItem:
    ref: str
    title: str
    prompts: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    guidance: str = ""
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    soa: str = ""
    children: tuple[ChecklistItem, ...] = ()
    # The answers offered for each prompt, in the prompts' order ("1 Initial" ... "5
    # Optimised" for a maturity question); a prompt without choices is answered freely.
    choices: tuple[tuple[str, ...], ...] = ()
    # Where a converted item came from (the CISO Assistant node's urn): how a requirement
    # mapping finds an item whose ref the converter had to make ("" for our own items).
    urn: str = ""

    @property
    def assessable(self) -> bool:
        return bool(self.prompts)

    def choices_for(self, index: int) -> tuple[str, ...]:
        """The answers offered for prompt number `index` (from 0), or none."""
        return self.choices[index] if 0 <= index < len(self.choices) else ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ref": self.ref, "title": self.title}
        if self.urn:   # absent when none: the hash of older snapshots is unchanged
            data["urn"] = self.urn
        if self.prompts:
            data["prompts"] = list(self.prompts)
        if any(self.choices):   # absent when none: the hash of older snapshots is unchanged
            data["choices"] = [list(c) for c in self.choices]
        for name in ("evidence", "tags", "related"):
            value = getattr(self, name)
            if value:
                data[name] = list(value)
        for name in ("guidance", "soa"):
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.children:
            data["children"] = [c.to_dict() for c in self.children]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChecklistItem:
        return cls(
            ref=str(data["ref"]),
            title=str(data["title"]),
            prompts=tuple(data.get("prompts", ())),
            evidence=tuple(data.get("evidence", ())),
            guidance=data.get("guidance", "") or "",
            tags=tuple(data.get("tags", ())),
            related=tuple(data.get("related", ())),
            soa=data.get("soa", "") or "",
            children=tuple(cls.from_dict(c) for c in data.get("children", ())),
            choices=tuple(tuple(c) for c in data.get("choices", ())),
            urn=data.get("urn", "") or "",
        )


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    standard: str
    version: str
    items: tuple[ChecklistItem, ...]
    description: str = ""
    _index: dict[str, ChecklistItem] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for item, _depth, _parent in self.walk():
            self._index.setdefault(item.ref, item)

    def walk(self) -> Iterator[tuple[ChecklistItem, int, ChecklistItem | None]]:
        """Every item, depth first in document order, with its depth and parent."""
        stack: list[tuple[ChecklistItem, int, ChecklistItem | None]] = [
            (item, 0, None) for item in reversed(self.items)
        ]
        while stack:
            item, depth, parent = stack.pop()
            yield item, depth, parent
            stack.extend((child, depth + 1, item) for child in reversed(item.children))

    def all_items(self) -> list[ChecklistItem]:
        return [item for item, _d, _p in self.walk()]

    def assessable_items(self) -> list[ChecklistItem]:
        return [item for item, _d, _p in self.walk() if item.assessable]

    def item(self, ref: str) -> ChecklistItem | None:
        return self._index.get(ref)

    def refs(self) -> list[str]:
        return [item.ref for item, _d, _p in self.walk()]

    def requirement_of(self, ref: str) -> str:
        """What a finding on item `ref` is against, as the auditee reads it: the standard
        and the clause ("ISO/IEC 27001:2022 A.8.13"). A checklist drawn from several
        standards has no single answer (its refs are its own), so it gives none."""
        if not self.standard or " / " in self.standard or self.item(ref) is None:
            return ""
        return f"{self.standard} {ref}"

    def parents(self) -> dict[str, str | None]:
        return {item.ref: (parent.ref if parent else None) for item, _d, parent in self.walk()}

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "standard": self.standard,
            "version": self.version,
        }
        if self.description:
            data["description"] = self.description
        data["items"] = [i.to_dict() for i in self.items]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def content_hash(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Checklist:
        return cls(
            id=data["id"],
            title=data["title"],
            standard=data.get("standard", ""),
            version=str(data.get("version", "")),
            description=data.get("description", "") or "",
            items=tuple(ChecklistItem.from_dict(i) for i in data["items"]),
        )

    @classmethod
    def from_json(cls, text: str) -> Checklist:
        return cls.from_dict(json.loads(text))

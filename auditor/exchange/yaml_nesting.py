"""How deep a YAML text nests, read from its event stream before anything is built.

libyaml's composer and the constructors recurse (in C), so absurd nesting can exhaust
the stack; the event parser streams without recursion. Both YAML readers (checklists,
CISO Assistant libraries) check here first."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import yaml

OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class TooDeep(Exception):
    """Nested deeper than the reader allows."""


def within_depth(events: Iterable[yaml.Event], limit: int) -> Iterator[yaml.Event]:
    """The events as they come; TooDeep once collections nest more than `limit` deep."""
    depth = 0
    for event in events:
        if isinstance(event, OPENS):
            depth += 1
            if depth > limit:
                raise TooDeep
        elif isinstance(event, CLOSES):
            depth -= 1
        yield event

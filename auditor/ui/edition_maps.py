"""The requirement mappings the user imported (`auditor checklists import-mapping`), for
the screens that compare or carry forward across two editions of a checklist."""

from __future__ import annotations

from textual.types import NoActiveAppError

from auditor.domain.edition_map import EditionMap, ItemLinks, item_links, linking


def stored_maps(node) -> list[EditionMap]:
    """The stored mappings, for a screen or widget; none when its app has no settings
    (tests, a bare store) or it has no app yet. A damaged mapping file is passed over
    here: `auditor compare` names it."""
    try:
        settings = getattr(node.app, "settings", None)
    except NoActiveAppError:
        return []
    if settings is None:
        return []
    from auditor.exchange.mapping_set import stored_mappings

    found, _problems = stored_mappings(settings.user_checklists)
    return found


def links_between(store, previous_id: int, current_id: int, maps: list[EditionMap]
                  ) -> ItemLinks | None:
    """How the items of two audits on different checklists map, when a mapping links
    them; None for one checklist or no mapping."""
    old, new = store.checklist(previous_id), store.checklist(current_id)
    if old.id == new.id:
        return None
    mapping = linking(maps, old.id, new.id)
    return item_links(mapping, old, new) if mapping is not None else None

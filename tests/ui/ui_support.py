"""Helpers for the TUI tests that read the app through public ways only."""

from __future__ import annotations


def record_notifications(app) -> list[str]:
    """The messages the app notifies from now on (App.notify is public; its list of
    notifications is not)."""
    sent: list[str] = []
    notify = app.notify

    def recording(message, *args, **kwargs):
        sent.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recording
    return sent


def offers(select, value) -> bool:
    """Whether a Select offers `value` (asked through its public `value`, then put back)."""
    from textual.widgets.select import InvalidSelectValueError

    kept = select.value
    try:
        select.value = value
    except InvalidSelectValueError:
        return False
    select.value = kept
    return True

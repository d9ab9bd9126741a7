"""Actions that read what was typed wait for the keys typed before them.

Each widget handles its messages in its own queue. A binding such as ctrl+s or ctrl+q is
run by the screen or the app as soon as its key arrives, while the keys typed just
before it may still wait in the focused text field's queue: read the field then and the
last words are missing (typed at full speed in tmux, a form saved "Interviewed the QA
lead; the suppl"). `after_typed_keys` puts the action at the end of the focused widget's
queue, so it runs once every key already sent to that widget is in its text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def after_typed_keys(app: Any, action: Callable[[], Any]) -> None:
    focused = app.focused
    if focused is None:
        action()
    else:
        focused.call_later(action)

"""Writing a document auditor hands over (a report, a plan, a Statement of
Applicability): the target checked before any work, the bytes written beside it and moved
into place in one step (`auditor.domain.files.replacing`), owner-only like the NC
workbook. A document handed out is never overwritten.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from auditor.domain.errors import AuditorError
from auditor.domain.files import replacing, way_out

SUFFIX_NAMES = {".md": "Markdown", ".docx": "Word", ".pdf": "PDF", ".xlsx": "Excel"}


def check_document_target(target: Path, what: str, suffixes: Iterable[str]) -> None:
    """Refuse, before any work, a target that cannot become the document: a wrong
    suffix, a folder, a missing folder or a file already there."""
    allowed = tuple(suffixes)
    if target.suffix.lower() not in allowed:
        named = ", ".join(allowed[:-1]) + f" or {allowed[-1]}" if len(allowed) > 1 \
            else allowed[0]
        raise AuditorError(f"{target}: the {what}'s name must end in {named}")
    if target.is_dir():
        raise AuditorError(f"{target}: is a folder; give a file name ending in "
                           f"{target.suffix.lower()}")
    if os.path.lexists(target):
        raise AuditorError(f"{target}: a file of that name is there already; choose "
                           f"another name (a {what} is never overwritten)")
    if not target.parent.is_dir():
        raise AuditorError(f"{target.parent}: no such folder; create it or choose another name")


def write_document(target: Path, data: bytes, what: str) -> None:
    """`data` as the file `target`, which must not be there (checked again at the end)."""
    try:
        with replacing(target, prefix=".auditor-") as part:
            part.path.write_bytes(data)
            if os.path.lexists(target):  # made while the document was rendered
                part.target = None
                raise AuditorError(f"{target}: a file of that name appeared meanwhile; "
                                   "choose another name")
    except OSError as exc:
        raise AuditorError(
            f"{target}: cannot write the {what} ({exc.strerror}); {way_out(exc)}") from None

"""Laptops for the bundle tests: each a database, an evidence folder and a change-log key
of its own (the key is chosen by AUDITOR_KEY_FILE at each call)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from auditor.domain.bundles import export_audit, import_bundle
from auditor.domain.store import Store
from auditor.exchange.bundle_file import read_bundle, write_bundle

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@dataclass
class Laptop:
    name: str
    folder: Path
    store: Store
    own_key: bool = True  # False: the key the test run's databases were made with

    @contextmanager
    def keyed(self) -> Iterator[None]:
        if not self.own_key:
            yield
            return
        before = os.environ.get("AUDITOR_KEY_FILE")
        os.environ["AUDITOR_KEY_FILE"] = str(self.folder / "log.key")
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("AUDITOR_KEY_FILE", None)
            else:
                os.environ["AUDITOR_KEY_FILE"] = before

    def do(self, method: str, *args, **kwargs):
        with self.keyed():
            return getattr(self.store, method)(*args, **kwargs)

    def export(self, audit_id: int, to: Path, refs=None, recipient=None, more=False
               ) -> Path:
        """`recipient`: the copy the bundle makes gets finding ids under that name."""
        with self.keyed():
            export_audit(self.store, audit_id,
                         lambda content, files: write_bundle(to, content, files), refs,
                         recipient=recipient, more=more)
        return to

    def take(self, path: Path, choices=None):
        extract = Path(tempfile.mkdtemp(dir=self.folder))
        with self.keyed():
            content, files = read_bundle(path, extract)
            return import_bundle(self.store, content, files, choices)

    def verify(self, audit_id: int) -> list[str]:
        with self.keyed():
            return self.store.verify_audit(audit_id)["problems"]

    def audit_by_uuid(self, uuid: str) -> int:
        return next(a.id for a in self.store.audits() if a.uuid == uuid)


def laptop(tmp_path: Path, name: str, url: str | None = None) -> Laptop:
    """`url`: the laptop's database (a team's PostgreSQL); a SQLite file of its own when
    not given. A server made from the tests' template has the run's key, not one of its
    own."""
    folder = tmp_path / name
    folder.mkdir()
    made = Laptop(name, folder, None, own_key=url is None)  # type: ignore[arg-type]
    with made.keyed():  # the new database's MAC anchor is of this laptop's key
        made.store = Store.open(url or f"sqlite:///{folder / 'audit.db'}",
                                folder / "evidence", name, clock=lambda: NOW)
    return made

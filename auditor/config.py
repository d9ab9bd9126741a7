"""Where things are: the database, the data and evidence folders, who is working.

Order for the database: `--db PATH_OR_URL`, else `AUDITOR_DB`, else `auditor.db` in the
data folder (`AUDITOR_HOME`, else the platform's user data folder). The evidence folder
sits beside the database file. Workbooks the TUI exports are offered in the exports
folder: `AUDITOR_EXPORTS`, else `exports` in the data folder. Nothing is created here; the
store (and the export, for its folder) does that, owner-only.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "auditor"


@dataclass(frozen=True)
class Settings:
    db_url: str
    data_dir: Path
    evidence_dir: Path
    actor: str
    user_checklists: Path
    exports_dir: Path


def data_dir(env: Mapping[str, str]) -> Path:
    home = env.get("AUDITOR_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _is_url(value: str) -> bool:
    return "://" in value


def resolve(db: str | None = None, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    folder = data_dir(env)
    chosen = db or env.get("AUDITOR_DB") or ""
    if chosen and _is_url(chosen):
        url = chosen
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        beside = (
            Path(parsed.database).expanduser().resolve().parent
            if parsed.get_backend_name() == "sqlite" and parsed.database
            and parsed.database != ":memory:"
            else folder
        )
    else:
        path = Path(chosen).expanduser() if chosen else folder / "auditor.db"
        path = path.resolve()
        url = f"sqlite:///{path}"
        beside = path.parent
    actor = env.get("AUDITOR_USER") or _os_user()
    return Settings(
        db_url=url,
        data_dir=folder,
        evidence_dir=beside / "evidence",
        actor=actor,
        user_checklists=folder / "checklists",
        exports_dir=Path(env["AUDITOR_EXPORTS"]).expanduser() if env.get("AUDITOR_EXPORTS")
        else folder / "exports",
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a bare container: still record something
        return f"uid-{os.getuid()}"

"""Where things are: the database, the data and evidence folders, who is working.

Order for the database: `--db PATH_OR_URL`, else `AUDITOR_DB`, else `auditor.db` in the
data folder (`AUDITOR_HOME`, else the platform's user data folder). The evidence folder
sits beside the database file. Workbooks the TUI exports are offered in the exports
folder: `AUDITOR_EXPORTS`, else `exports` in the data folder.

Who is recorded in the change log: `AUDITOR_USER`, else the name set once with
`auditor user NAME` (`name = "..."` in `config.toml` in the user config folder, or in
`AUDITOR_HOME` when that is set), else the login name. Nothing is created here; the
store (and the export, for its folder) does that, owner-only.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APP_NAME = "auditor"


@dataclass(frozen=True)
class Settings:
    db_url: str
    data_dir: Path
    evidence_dir: Path
    actor: str
    user_checklists: Path
    exports_dir: Path
    # Where the name comes from: "AUDITOR_USER", the config file, or "login" (then the
    # name is not a person's choice, and no form is prefilled with it).
    actor_source: str = "login"
    # AUDITOR_EVIDENCE_MAX_MB as given; read by evidence_max_bytes when a store opens, so
    # that a bad value is one line from the command that needs it
    evidence_max_mb: str = ""
    # AUDITOR_EVIDENCE as given: the evidence folder named on purpose (a server's team
    # shares one, a mount); empty when it is the folder beside the database
    evidence_named: str = ""

    @property
    def checklist_index(self) -> Path:
        """The index of installed checklists (a short cut, rebuilt when it is not ours)."""
        return self.data_dir / "checklist-index.json"


def evidence_max_bytes(settings: Settings) -> int | None:
    """The largest evidence file the store copies in, from AUDITOR_EVIDENCE_MAX_MB
    (megabytes); None when it is not set (the store's own limit holds)."""
    from auditor.domain.errors import RuleViolation

    raw = settings.evidence_max_mb.strip()
    if not raw:
        return None
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = -1
    if not 0 < megabytes <= 1_000_000:
        raise RuleViolation(f"AUDITOR_EVIDENCE_MAX_MB={raw!r} is not a size in megabytes; "
                            "set it to a number such as 500, or unset it")
    return int(megabytes * 1_000_000)


def data_dir(env: Mapping[str, str]) -> Path:
    home = env.get("AUDITOR_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir(env: Mapping[str, str]) -> Path:
    home = env.get("AUDITOR_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file(env: Mapping[str, str]) -> Path:
    return config_dir(env) / "config.toml"


def configured_name(env: Mapping[str, str]) -> str:
    """The name in the config file; "" when there is none or the file cannot be read (a
    broken config must not stop an auditor in an interview: the login name is used)."""
    import tomllib

    try:
        data = tomllib.loads(config_file(env).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    name = data.get("name")
    return name.strip() if isinstance(name, str) else ""


def save_name(env: Mapping[str, str], name: str) -> Path:
    """Write the name to the config file (owner-only), keeping nothing else: the file
    holds only the name today."""
    import json
    import unicodedata

    from auditor.domain.errors import RuleViolation
    from auditor.domain.files import private_folder, replacing

    name = name.strip()
    if not name or len(name) > 100 or any(
            unicodedata.category(c) in ("Cc", "Cs", "Cf", "Zl", "Zp") for c in name):
        raise RuleViolation("a name is 1 to 100 printable characters on one line, such as "
                            '"Dana Keller"', field="name")
    target = config_file(env)
    private_folder(target.parent)
    with replacing(target) as part:  # JSON string quoting is valid TOML basic-string quoting
        part.path.write_text(f"name = {json.dumps(name, ensure_ascii=False)}\n",
                             encoding="utf-8")
    return target


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
    named = env.get("AUDITOR_USER") or ""
    source = "AUDITOR_USER" if named else ""
    if not named:
        named = configured_name(env)
        source = str(config_file(env)) if named else "login"
    actor = named or _os_user()
    return Settings(
        db_url=url,
        data_dir=folder,
        evidence_dir=Path(env["AUDITOR_EVIDENCE"]).expanduser() if env.get("AUDITOR_EVIDENCE")
        else beside / "evidence",
        actor=actor,
        user_checklists=folder / "checklists",
        exports_dir=Path(env["AUDITOR_EXPORTS"]).expanduser() if env.get("AUDITOR_EXPORTS")
        else folder / "exports",
        actor_source=source,
        evidence_max_mb=env.get("AUDITOR_EVIDENCE_MAX_MB", ""),
        evidence_named=env.get("AUDITOR_EVIDENCE", ""),
    )


def require_shared_evidence(settings: Settings) -> None:
    """On a team's server every auditor's evidence files go to one shared folder, named
    with AUDITOR_EVIDENCE (a mount every laptop has); refused before opening when it is
    not named or not there, since files kept on one laptop would be missing for all."""
    from auditor.domain.errors import DatabaseProblem
    from auditor.domain.server import is_server_url

    if not is_server_url(settings.db_url):
        return
    if not settings.evidence_named:
        raise DatabaseProblem("a server database needs the team's shared evidence folder: "
                              "set AUDITOR_EVIDENCE to its path (a mount every auditor has)")
    if not settings.evidence_dir.is_dir():
        raise DatabaseProblem(f"AUDITOR_EVIDENCE={settings.evidence_named}: no such folder; "
                              "mount the team's evidence share there, or correct the path")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a bare container: still record something
        return f"uid-{os.getuid()}"


def open_store(settings: Settings, **options: Any) -> Any:
    """The store on the settings' database; a server that wants a password the URL,
    PGPASSWORD and ~/.pgpass did not give asks for it on the terminal, once."""
    import getpass
    import sys

    from auditor.domain.errors import DatabaseProblem
    from auditor.domain.server import ask_password
    from auditor.domain.store import Store

    try:
        return Store.open(settings.db_url, settings.evidence_dir, settings.actor, **options)
    except DatabaseProblem as problem:
        url = ask_password(settings.db_url, problem, getpass.getpass) \
            if sys.stdin.isatty() else None
        if url is None:
            raise
        return Store.open(url, settings.evidence_dir, settings.actor, **options)

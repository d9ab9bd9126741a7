"""The `.auditor` bundle file: a zip of an audit's rows, its change log, its checklist
snapshot and its evidence files, with a manifest of every member's SHA-256.

A bundle is untrusted input. Before anything is taken from it, its members are counted
and named (only the names below, each once), their sizes and compression ratios bounded,
every member's SHA-256 held against the manifest, every evidence file against its own
name, and every change-log entry against its hash. Any failure refuses the whole bundle
with one line (`BundleRefused`); nothing was imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from auditor.domain.bundle_rows import FORMAT, VERSION, BundleContent, BundleRefused
from auditor.domain.errors import AuditorError, shown
from auditor.domain.files import replacing
from auditor.domain.identity import Block
from auditor.domain.trail import entry_hash

MANIFEST = "manifest.json"
ROWS = "audit.json"
LOG = "log.json"
CHECKLIST = "checklist.json"
JSON_MEMBERS = (ROWS, LOG, CHECKLIST)
EVIDENCE_NAME = re.compile(r"evidence/([0-9a-f]{64})")
MAX_MEMBERS = 20_000
MAX_TOTAL_BYTES = 4_000_000_000      # all members, uncompressed
MAX_JSON_BYTES = 300_000_000         # one of the JSON members, uncompressed
MAX_RATIO = 200                      # uncompressed / compressed, for members over 1 MB
RATIO_FLOOR = 1_000_000
CHUNK = 1 << 20


def write_bundle(path: Path, content: BundleContent, files: dict[str, Path]) -> int:
    """Write the bundle (a file already at `path` is refused); its size in bytes.
    `files`: the evidence files by SHA-256, each checked as it is copied in."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise AuditorError(f"{shown(path)}: a file is already there; give another name")
    rows = {k: v for k, v in asdict(content).items()
            if k not in ("log", "snapshot", "blocks")}
    members: dict[str, bytes] = {
        ROWS: _json(rows), LOG: _json(content.log), CHECKLIST: _json(content.snapshot)}
    sums = {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in members.items()}
    manifest = {"format": FORMAT, "version": VERSION, "audit_uuid": content.audit_uuid,
                "exported_by": content.exported_by, "exported_at": content.exported_at,
                "blocks": [asdict(b) for b in content.blocks], "members": sums}
    try:
        with replacing(path) as part, zipfile.ZipFile(part.path, "w",
                                                     zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)
            for sha, source in sorted(files.items()):
                digest, size = _copy_file(zf, f"evidence/{sha}", source)
                if digest != sha:
                    raise AuditorError(f"evidence file {sha[:12]}: its bytes no longer match "
                                       "its SHA-256 (`auditor audits verify` says more); "
                                       "no bundle was written")
                sums[f"evidence/{sha}"] = {"sha256": sha, "size": size}
            zf.writestr(MANIFEST, _json(manifest))
    except OSError as exc:
        raise AuditorError(f"{shown(path)}: cannot write the bundle ({exc.strerror})") from None
    return path.stat().st_size


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _copy_file(zf: zipfile.ZipFile, name: str, source: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    try:
        with source.open("rb") as src, zf.open(name, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
    except FileNotFoundError:
        raise AuditorError(f"evidence file {name[9:21]} is missing from the evidence folder "
                           "(`auditor audits verify` says more); no bundle was written") from None
    return digest.hexdigest(), size


# -- reading ----------------------------------------------------------------------------


def read_bundle(path: Path, extract_to: Path | None = None
                ) -> tuple[BundleContent, dict[str, Path]]:
    """The bundle's content, and its evidence files extracted (each checked) into
    `extract_to` by SHA-256; BundleRefused, one line, for anything wrong."""
    path = Path(path)
    where = shown(path)

    def refuse(problem: str) -> BundleRefused:
        return BundleRefused(f"{where}: {problem}; nothing was imported")

    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise refuse("no such file") from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refuse("not an auditor bundle (not a zip file)") from None
    with zf:
        infos = _checked_members(zf, refuse)
        manifest = _load(zf, infos[MANIFEST], refuse)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise refuse("not an auditor bundle (no bundle manifest)")
        if manifest.get("version") != VERSION:
            raise refuse(f"bundle format version {shown(str(manifest.get('version')))[:20]} "
                         f"is not {VERSION}; use the auditor that wrote it")
        sums = manifest.get("members")
        if not isinstance(sums, dict) or set(sums) != set(infos) - {MANIFEST}:
            raise refuse("its members are not the ones its manifest lists: the file was "
                         "changed after it was written")
        loaded = {name: _load(zf, infos[name], refuse, _wanted(sums, name))
                  for name in JSON_MEMBERS}
        content = _content(loaded, manifest, refuse)
        _check_log(content.log, refuse)
        files = content.files()
        present = {m.group(1) for n in infos if (m := EVIDENCE_NAME.fullmatch(n))}
        if files - present:
            raise refuse(f"evidence file {sorted(files - present)[0][:12]} named by its rows "
                         "is not in the bundle")
        extracted: dict[str, Path] = {}
        for sha in sorted(present):
            name = f"evidence/{sha}"
            target = extract_to / sha if extract_to is not None else None
            digest = _stream(zf, infos[name], refuse, target)
            if digest != _wanted(sums, name):
                raise refuse(f"member {name[:21]}: its SHA-256 does not match the manifest: "
                             "the file was changed after it was written")
            if digest != sha:
                raise refuse(f"evidence file {sha[:12]}: its bytes do not match its SHA-256")
            if target is not None:
                extracted[sha] = target
    return content, extracted


def _checked_members(zf: zipfile.ZipFile, refuse: Any) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise refuse(f"{len(infos)} members, more than a bundle may hold ({MAX_MEMBERS})")
    seen: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name not in (MANIFEST, *JSON_MEMBERS) and not EVIDENCE_NAME.fullmatch(name):
            raise refuse(f"member {shown(name)[:80]!r} is not a name a bundle holds (a path "
                         "out of the bundle?)")
        if name in seen:
            raise refuse(f"member {name!r} is in it twice")
        if info.flag_bits & 0x1:
            raise refuse(f"member {name!r} is encrypted")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise refuse(f"its members unpack to more than {MAX_TOTAL_BYTES // 10**9} GB")
        if info.file_size > RATIO_FLOOR and \
                info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refuse(f"member {name!r} unpacks to {info.file_size} bytes from "
                         f"{info.compress_size}: a zip bomb?")
        seen[name] = info
    if MANIFEST not in seen or any(n not in seen for n in JSON_MEMBERS):
        raise refuse("not an auditor bundle (a member is missing: manifest, rows, change "
                     "log or checklist)")
    return seen


def _wanted(sums: dict[str, Any], name: str) -> str:
    entry = sums.get(name)
    return str(entry.get("sha256", "")) if isinstance(entry, dict) else ""


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, refuse: Any,
            target: Path | None, keep: bool = False) -> Any:
    """Read a member through, never more than it declares; its SHA-256 (and its bytes
    with `keep`), written to `target` when given."""
    digest = hashlib.sha256()
    data = bytearray()
    out: IO[bytes] | None = None
    try:
        if target is not None:
            out = os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                                    | getattr(os, "O_NOFOLLOW", 0), 0o600), "wb")
        with zf.open(info) as src:
            read = 0
            while chunk := src.read(CHUNK):
                read += len(chunk)
                if read > info.file_size:
                    raise refuse(f"member {info.filename!r} is larger than it says")
                digest.update(chunk)
                if keep:
                    data.extend(chunk)
                if out is not None:
                    out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise refuse(f"member {info.filename!r} cannot be read ({exc})") from None
    finally:
        if out is not None:
            out.close()
    return (digest.hexdigest(), bytes(data)) if keep else digest.hexdigest()


def _load(zf: zipfile.ZipFile, info: zipfile.ZipInfo, refuse: Any,
          wanted: str | None = None) -> Any:
    if info.file_size > MAX_JSON_BYTES:
        raise refuse(f"member {info.filename!r} is larger than a bundle's rows may be")
    digest, data = _stream(zf, info, refuse, None, keep=True)
    if wanted is not None and digest != wanted:
        raise refuse(f"member {info.filename!r}: its SHA-256 does not match the manifest: "
                     "the file was changed after it was written")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise refuse(f"member {info.filename!r} is not JSON") from None


def _content(loaded: dict[str, Any], manifest: dict[str, Any], refuse: Any
             ) -> BundleContent:
    rows, log, snapshot = loaded[ROWS], loaded[LOG], loaded[CHECKLIST]
    lists = ("items", "findings", "evidence", "sessions", "samples", "soa", "opinions")
    if not isinstance(rows, dict) or not isinstance(rows.get("audit"), dict) or \
            any(not _dicts(rows.get(k)) for k in lists) or not _dicts(log) or \
            not isinstance(snapshot, dict):
        raise refuse("its rows are not in the form auditor writes them")
    if rows["audit"].get("uuid") != manifest.get("audit_uuid"):
        raise refuse("its rows are of another audit than its manifest names")
    try:
        blocks = [Block(str(b["prefix"]), int(b["year"]), int(b["first"]), int(b["last"]))
                  for b in manifest.get("blocks") or []]
    except (KeyError, TypeError, ValueError):
        raise refuse("its finding-id blocks are not in the form auditor writes them") from None
    refs = rows.get("refs")
    return BundleContent(
        audit=rows["audit"], **{k: rows[k] for k in lists}, log=log, snapshot=snapshot,
        previous_uuid=rows.get("previous_uuid"),
        refs=[str(r) for r in refs] if isinstance(refs, list) else None,
        blocks=blocks, exported_by=str(manifest.get("exported_by", "")),
        exported_at=str(manifest.get("exported_at", "")))


def _dicts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


TEXT_OR_NONE = (str, type(None))


def _check_log(log: list[dict[str, Any]], refuse: Any) -> None:
    """Every entry is whole and its hash is of its content; the bundle's chain links
    where it may (entries of other audits stand between the others)."""
    for number, e in enumerate(log, 1):
        ok = all(isinstance(e.get(k), str) for k in ("at", "actor", "entity", "entity_id",
                                                      "field", "prev_hash", "hash", "gid"))
        ok = ok and isinstance(e.get("old"), TEXT_OR_NONE) and \
            isinstance(e.get("new"), TEXT_OR_NONE) and \
            isinstance(e.get("audit_id"), (int, type(None)))
        if not ok:
            raise refuse(f"change-log entry {number} is not in the form auditor writes it")
        expected = entry_hash(e["prev_hash"], e["at"], e["actor"], e["audit_id"],
                              e["entity"], e["entity_id"], e["field"], e["old"], e["new"])
        if expected != e["hash"]:
            raise refuse(f"change-log entry {number} does not match its hash: the log was "
                         "changed after it was written")

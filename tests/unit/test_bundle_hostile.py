"""A bundle is untrusted input: each hostile bundle is refused whole, in one line, and
nothing changes (docs/teams.md)."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest
from bundle_support import laptop

from auditor.domain.bundle_rows import BundleRefused


@pytest.fixture
def pair(tmp_path, mini_checklist):
    lead, member = laptop(tmp_path, "lead"), laptop(tmp_path, "member")
    audit = lead.do("create_audit", mini_checklist, title="Audit [b]x\x1b[2J", auditee="Acme")
    lead.do("raise_finding", audit.id, "4.1", "minor", statement="=HYPERLINK(\"x\")")
    proof = tmp_path / "proof.txt"
    proof.write_bytes(b"evidence bytes")
    lead.do("add_evidence", audit.id, ref="4.1", kind="file", file=proof)
    good = lead.export(audit.id, tmp_path / "good.auditor", recipient="member")
    member.take(good)
    member_id = member.audit_by_uuid(audit.uuid)
    member.do("set_item_text", member_id, "4.2", notes="member's notes")
    yield lead, member, audit, member_id
    lead.store.close()
    member.store.close()


def members(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rewrite(path, target, items, manifest_fix=True):
    """The bundle at `path` with `items` as its members (a list, so names may repeat);
    the manifest recomputed (an attacker who knows the format) unless told not to."""
    if manifest_fix:
        content = dict(items)
        manifest = json.loads(content["manifest.json"])
        manifest["members"] = {
            n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
            for n, d in content.items() if n != "manifest.json"}
        items = [(n, json.dumps(manifest).encode() if n == "manifest.json" else d)
                 for n, d in items]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            zf.writestr(name, data)
    return target


def state(t, audit_id):
    return (len(t.do("history")), {r: (x.result, x.notes) for r, x in
                                   t.do("results", audit_id).items()},
            sorted(f.code for f in t.do("findings", audit_id)),
            sorted(p.name for p in (t.folder / "evidence").iterdir()))


def refused(t, path, audit_id, match):
    before = state(t, audit_id)
    with pytest.raises(BundleRefused, match=match) as caught:
        t.take(path)
    line = str(caught.value)
    assert "\n" not in line and "\x1b" not in line and line.endswith("nothing was imported")
    assert state(t, audit_id) == before
    assert t.verify(audit_id) == []
    return line


def test_a_changed_member_is_refused(pair, tmp_path):
    lead, member, audit, mid = pair
    path = member.export(mid, tmp_path / "back.auditor")
    items = members(path)
    rows = json.loads(items["audit.json"])
    rows["items"][0]["notes"] = "changed on the way"
    items["audit.json"] = json.dumps(rows).encode()
    bad = rewrite(path, tmp_path / "bad.auditor", list(items.items()), manifest_fix=False)
    refused(lead, bad, audit.id, "does not match the manifest")


def test_rows_that_are_not_what_the_log_says_are_refused(pair, tmp_path):
    lead, member, audit, mid = pair
    path = member.export(mid, tmp_path / "back.auditor")
    items = members(path)
    rows = json.loads(items["audit.json"])
    rows["items"] = [dict(r, notes="forged") for r in rows["items"]]
    items["audit.json"] = json.dumps(rows).encode()
    bad = rewrite(path, tmp_path / "bad.auditor", list(items.items()))
    refused(lead, bad, audit.id, "not what its change log says")


def test_a_forged_log_entry_is_refused(pair, tmp_path):
    lead, member, audit, mid = pair
    path = member.export(mid, tmp_path / "back.auditor")
    items = members(path)
    log = json.loads(items["log.json"])
    log[-1]["actor"] = "someone else"
    items["log.json"] = json.dumps(log).encode()
    bad = rewrite(path, tmp_path / "bad.auditor", list(items.items()))
    refused(lead, bad, audit.id, "does not match its hash")


def test_another_audit_under_the_same_identity_is_refused(pair, tmp_path, mini_checklist):
    lead, member, audit, mid = pair
    other = member.do("create_audit", mini_checklist, title="Other", auditee="Acme")
    path = member.export(other.id, tmp_path / "other.auditor")
    items = members(path)
    rows = json.loads(items["audit.json"])
    rows["audit"]["uuid"] = audit.uuid
    items["audit.json"] = json.dumps(rows).encode()
    manifest = json.loads(items["manifest.json"])
    manifest["audit_uuid"] = audit.uuid
    items["manifest.json"] = json.dumps(manifest).encode()
    bad = rewrite(path, tmp_path / "bad.auditor", list(items.items()))
    refused(lead, bad, audit.id, "another audit")


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "evidence/../../x", "a/b.json",
                                  "evidence/" + "0" * 63 + "G"])
def test_a_path_out_of_the_bundle_is_refused(pair, tmp_path, name):
    lead, member, audit, mid = pair
    path = member.export(mid, tmp_path / "back.auditor")
    items = [*members(path).items(), (name, b"x")]
    bad = rewrite(path, tmp_path / "bad.auditor", items)
    refused(lead, bad, audit.id, "not a name a bundle holds")


def test_a_member_twice_is_refused(pair, tmp_path):
    lead, member, audit, mid = pair
    path = member.export(mid, tmp_path / "back.auditor")
    items = list(members(path).items())
    with pytest.warns(UserWarning):
        bad = rewrite(path, tmp_path / "bad.auditor", [*items, items[1]])
    refused(lead, bad, audit.id, "twice")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(pair, tmp_path):
    lead, member, audit, mid = pair
    path = member.export(mid, tmp_path / "back.auditor")
    zeros = bytes(60_000_000)
    sha = hashlib.sha256(zeros).hexdigest()
    items = [*members(path).items(), (f"evidence/{sha}", zeros)]
    bad = rewrite(path, tmp_path / "bad.auditor", items)
    assert bad.stat().st_size < 1_000_000
    refused(lead, bad, audit.id, "zip bomb")


def test_evidence_bytes_that_do_not_match_their_hash_are_refused(pair, tmp_path):
    lead, member, audit, mid = pair
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"real screenshot")
    member.do("add_evidence", mid, ref="4.2", kind="file", file=shot)
    path = member.export(mid, tmp_path / "back.auditor")
    sha = hashlib.sha256(b"real screenshot").hexdigest()
    items = [(n, b"swapped bytes" if n == f"evidence/{sha}" else d)
             for n, d in members(path).items()]
    bad = rewrite(path, tmp_path / "bad.auditor", items)
    refused(lead, bad, audit.id, "bytes do not match its SHA-256")


def test_not_a_zip_and_no_file_are_one_line(pair, tmp_path):
    lead, _member, audit, _mid = pair
    junk = tmp_path / "junk.auditor"
    junk.write_bytes(b"PK\x03\x04 not really")
    refused(lead, junk, audit.id, "not a zip file")
    refused(lead, tmp_path / "missing.auditor", audit.id, "no such file")


def test_a_closed_audit_takes_no_merged_change_to_auditor_fields(pair, tmp_path):
    lead, member, audit, mid = pair
    lead.do("close_audit", audit.id, conclusion="done")
    member.do("update_finding", member.do("findings", mid)[0].code,
              {"statement": "rewritten offline"})
    path = member.export(mid, tmp_path / "back.auditor")
    before = state(lead, audit.id)
    from auditor.domain.errors import AuditLocked

    with pytest.raises(AuditLocked, match="closed here"):
        lead.take(path)
    assert state(lead, audit.id) == before
    seal = lead.do("audit", audit.id).seal
    with lead.keyed():
        assert lead.store.verify_audit(audit.id, seal=seal)["problems"] == []

"""A resolved diverging opinion is not settled again by accident: `resolve` refuses with
one line naming its resolution (a second `resolve` silently replaced the first), and
`--amend` changes it with both resolutions in the change log."""

from __future__ import annotations

import pytest

from auditor.domain.errors import RuleViolation


@pytest.fixture
def resolved(store, mini_checklist):
    audit = store.create_audit(mini_checklist, title="T", auditee="A")
    store.add_opinion(audit.id, topic="8.6", auditee="CI approves", team="No person did")
    store.resolve_opinion(audit.id, 1, resolution="Agreed: \x1b[31m[red]a person[/red] signs")
    return audit.id


def test_resolving_a_resolved_opinion_is_refused_and_changes_nothing(store, resolved):
    with pytest.raises(RuleViolation, match="resolved already") as caught:
        store.resolve_opinion(resolved, 1, resolution="Something else")
    message = str(caught.value)
    assert "\x1b" not in message and "\\x1b" in message and "a person" in message
    assert "--amend" in message and "\n" not in message
    assert store.opinions(resolved)[0].resolution.endswith("a person[/red] signs")
    assert [e.field for e in store.history(audit_id=resolved)].count("resolution") == 1


def test_amend_changes_it_and_the_log_keeps_both(store, resolved):
    store.resolve_opinion(resolved, 1, resolution="Agreed: the release manager signs",
                          amend=True)
    assert store.opinions(resolved)[0].resolution == "Agreed: the release manager signs"
    changes = [e for e in store.history(audit_id=resolved) if e.field == "resolution"]
    assert len(changes) == 2
    texts = " ".join(f"{e.old} {e.new}" for e in changes)
    assert "a person[/red] signs" in texts and "the release manager signs" in texts
    assert store.verify_audit(resolved)["problems"] == []


def test_the_command_refuses_in_one_line_and_amends_with_the_flag(cli):
    assert cli("audits", "new", "--checklist", "iso9001-2015", "--title", "T",
               "--auditee", "A").code == 0
    assert cli("opinions", "add", "1", "--topic", "8.3", "--auditee", "fine",
               "--team", "no").code == 0
    assert cli("opinions", "resolve", "1", "1", "--resolution", "[b]agreed[/b]").code == 0
    r = cli("opinions", "resolve", "1", "1", "--resolution", "other")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1, r.err
    assert "resolved already" in r.err and "[b]agreed[/b]" in r.err and "--amend" in r.err
    assert cli("opinions", "1", "--json").json()["opinions"][0]["resolution"] == \
        "[b]agreed[/b]"
    r = cli("opinions", "resolve", "1", "1", "--resolution", "other", "--amend")
    assert r.code == 0 and "changed" in r.out, r.err
    assert cli("opinions", "1", "--json").json()["opinions"][0]["resolution"] == "other"

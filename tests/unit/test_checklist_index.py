"""The index of installed checklists: the same answers as reading every file, files read
again only when they changed, and an index file that is not ours ignored and rebuilt."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.exchange import checklist_index, library
from auditor.exchange.checklist_yaml import load_checklist

FIXTURES = Path(__file__).parents[1] / "fixtures"

CHECKLIST = """\
id: {id}
title: "{title}"
version: "1"
items:
  - ref: "1"
    title: First
    prompts: [Ask one]
    evidence: [A record]
  - ref: "2"
    title: Second
    children:
      - ref: "2.1"
        title: Inner
        prompts: [Ask two, Ask three]
"""


@pytest.fixture
def folder(tmp_path):
    user = tmp_path / "checklists"
    user.mkdir()
    (user / "mine.yaml").write_text(CHECKLIST.format(id="mine", title="Mine"),
                                    encoding="utf-8")
    (user / "converted-file-name.yaml").write_text(
        CHECKLIST.format(id="ciso-other", title="Other"), encoding="utf-8")
    (user / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    return user


@pytest.fixture
def reads(monkeypatch):
    """The paths the index had to parse, in order."""
    seen: list[str] = []
    real = checklist_index.load_checklist

    def counting(path):
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(checklist_index, "load_checklist", counting)
    return seen


def _rows(found):
    return [(s.id, s.version, s.title, s.items, s.assessable, s.prompts, s.evidence)
            for s in found]


def test_catalogue_says_what_loading_every_file_says(folder, tmp_path):
    found, problems = library.catalogue(folder, tmp_path / "index.json")
    full, full_problems = library.installed(folder)
    expected = []
    for entry in full:
        c = entry.checklist
        items = c.all_items()
        expected.append((c.id, c.version, c.title, len(items), len(c.assessable_items()),
                         sum(len(i.prompts) for i in c.assessable_items()),
                         sum(len(i.evidence) for i in items)))
    assert _rows(found) == expected
    assert problems == full_problems and problems[0].file.endswith("broken.yaml")
    assert {s.id: s.shipped for s in found}["mine"] is False
    assert {s.id: s.shipped for s in found}["iso9001-2015"] is True


def test_only_changed_files_are_read_again(folder, tmp_path, reads):
    index = tmp_path / "index.json"
    library.catalogue(folder, index)
    assert len(reads) == 5 + 3 and index.exists()
    assert index.stat().st_mode & 0o777 == 0o600
    reads.clear()
    found, problems = library.catalogue(folder, index)
    assert reads == []                                   # nothing parsed: all from the index
    assert len(problems) == 1                            # the broken file is still reported
    mine = folder / "mine.yaml"
    mine.write_text(CHECKLIST.format(id="mine", title="Mine, second edition"),
                    encoding="utf-8")
    (folder / "converted-file-name.yaml").unlink()
    (folder / "new.yaml").write_text(CHECKLIST.format(id="new", title="New"), encoding="utf-8")
    found, _problems = library.catalogue(folder, index)
    assert sorted(reads) == ["mine.yaml", "new.yaml"]
    titles = {s.id: s.title for s in found}
    assert titles["mine"] == "Mine, second edition" and "ciso-other" not in titles
    assert titles["new"] == "New"


def test_a_file_replaced_with_the_same_size_and_time_is_read_again(folder, tmp_path, reads):
    index = tmp_path / "index.json"
    library.catalogue(folder, index)
    mine = folder / "mine.yaml"
    before = mine.stat()
    replacement = folder / "replacement.part"
    replacement.write_text(CHECKLIST.format(id="mine", title="Eman"), encoding="utf-8")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, mine)                        # a new inode, same size and mtime
    reads.clear()
    found, _problems = library.catalogue(folder, index)
    assert reads == ["mine.yaml"]
    assert {s.id: s.title for s in found}["mine"] == "Eman"


def _entry(index: Path, path: Path) -> dict:
    data = json.loads(index.read_text(encoding="utf-8"))
    return next(e for e in data["entries"] if e["file"]["path"] == str(path)), data


@pytest.mark.parametrize("damage", [
    lambda text: "{not json",
    lambda text: "",
    lambda text: "[]",
    lambda text: json.dumps({"format": "auditor-checklist-index", "version": 999,
                             "entries": []}),
    lambda text: text.replace('"assessable": 2', '"assessable": "2"', 1),
    lambda text: text.replace('"assessable": 2', '"assessable": -2', 1),
    lambda text: text.replace('"title": "Mine"', '"title": "Mine\\u001b[2J"', 1),
    lambda text: text.replace('"title": "Mine"', '"title": "Mine", "extra": 1', 1),
    lambda text: "[" * 100_000 + "]" * 100_000,
    lambda text: " " * (checklist_index.MAX_BYTES + 10),
    lambda text: "\udcff".encode("utf-8", "surrogateescape").decode("latin-1"),
], ids=["not-json", "empty", "a-list", "other-version", "count-as-text", "negative-count",
        "control-character", "unknown-key", "nesting-bomb", "huge", "not-utf8"])
def test_an_index_that_is_not_ours_is_ignored_and_rebuilt(folder, tmp_path, reads, damage):
    index = tmp_path / "index.json"
    expected = _rows(library.catalogue(folder, index)[0])
    original = index.read_text(encoding="utf-8")
    damaged = damage(original)
    assert damaged != original
    index.write_text(damaged, encoding="utf-8")
    reads.clear()
    found, problems = library.catalogue(folder, index)
    assert _rows(found) == expected and len(problems) == 1
    assert len(reads) == 8                               # every file read again
    reads.clear()
    library.catalogue(folder, index)
    assert reads == []                                   # and the rebuilt index is used


def test_entries_of_another_loader_are_read_again(folder, tmp_path, reads, monkeypatch):
    """After an upgrade the loader may accept what it refused (a new key): a file it
    refused must not stay refused because the index remembers it so."""
    index = tmp_path / "index.json"
    library.catalogue(folder, index)
    monkeypatch.setattr(checklist_index, "loader_stamp", lambda: "another loader")
    reads.clear()
    library.catalogue(folder, index)
    assert len(reads) == 8
    assert json.loads(index.read_text(encoding="utf-8"))["loader"] == "another loader"


def test_an_index_that_is_a_link_or_a_pipe_is_not_followed(folder, tmp_path):
    index = tmp_path / "index.json"
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("precious", encoding="utf-8")
    index.symlink_to(elsewhere)
    assert library.catalogue(folder, index)[0]
    assert elsewhere.read_text(encoding="utf-8") == "precious"   # replaced, not written through
    assert not index.is_symlink()
    index.unlink()
    os.mkfifo(index)
    assert library.catalogue(folder, index)[0]           # returns: the pipe is never read


def test_find_loads_the_file_and_does_not_believe_a_forged_index(folder, tmp_path):
    index = tmp_path / "index.json"
    library.catalogue(folder, index)
    entry, data = _entry(index, folder / "mine.yaml")
    # A forged entry (the file's own identity, so it looks fresh) that calls mine.yaml
    # "ciso-other" and hides it as "mine": a title in markup besides.
    entry["summary"]["id"] = "ciso-other"
    entry["summary"]["title"] = "[bold red]Forged[/]"
    other, _ = _entry(index, folder / "converted-file-name.yaml")
    other["summary"]["id"] = "mine"
    index.write_text(json.dumps(data), encoding="utf-8")
    assert library.find("ciso-other", folder, index).title == "Other"
    assert library.find("mine", folder, index) == load_checklist(folder / "mine.yaml")


def test_find_by_id_with_the_index_and_refusals(folder, tmp_path, reads):
    index = tmp_path / "index.json"
    library.catalogue(folder, index)
    reads.clear()
    checklist = library.find("ciso-other", folder, index)
    assert checklist.id == "ciso-other" and reads == []   # the file, loaded by library
    with pytest.raises(library.NotFound, match="'nothing-such' is not installed"):
        library.find("nothing-such", folder, index)


def test_an_unwritable_data_folder_still_lists(folder, tmp_path):
    data = tmp_path / "data"
    data.write_text("a file where the folder should be", encoding="utf-8")  # even for root
    found, _problems = library.catalogue(folder, data / "index.json")
    assert "mine" in {s.id for s in found}
    assert data.read_text(encoding="utf-8") == "a file where the folder should be"


# -- the command line ---------------------------------------------------------------------


def test_cli_list_and_new_use_the_index(cli, tmp_path):
    home = tmp_path / "home"
    user = home / "checklists"
    user.mkdir(parents=True)
    (user / "library-1.yaml").write_text(
        CHECKLIST.format(id="ciso-lib", title="[red]Not markup[/red]"), encoding="utf-8")
    r = cli("checklists", "list", "--json")
    assert r.code == 0, r.err
    row = next(x for x in r.json() if x["id"] == "ciso-lib")
    assert (row["items"], row["assessable"], row["prompts"], row["evidence"]) == (3, 2, 3, 1)
    assert row["source"] == str(user / "library-1.yaml")
    assert (home / "checklist-index.json").exists()
    text = cli("checklists", "list")
    assert "[red]Not markup[/red]" in text.out
    (home / "checklist-index.json").write_text("garbage", encoding="utf-8")
    r = cli("audits", "new", "--checklist", "ciso-lib", "--title", "T", "--auditee", "A",
            "--json")
    assert r.code == 0, r.err and r.json()["checklist"]["id"] == "ciso-lib"
    assert json.loads((home / "checklist-index.json").read_text())["format"] \
        == checklist_index.FORMAT

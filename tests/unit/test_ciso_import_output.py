"""Where `checklists import-ciso` writes: a folder meant (a trailing "/", or a folder
already there) is a folder, never a file; a checklist file already there is kept unless
--replace, and a re-import that changes nothing says so."""

from __future__ import annotations

import json

import yaml

from auditor.exchange.checklist_yaml import load_checklist


def framework(name: str, urn: str, *, title: str = "Keep backups") -> dict:
    return {"urn": f"urn:test:risk:library:{urn}", "locale": "en", "version": 1,
            "objects": {"framework": {"urn": f"urn:test:risk:framework:{urn}", "name": name,
                                      "requirement_nodes": [
                {"urn": f"urn:test:node:{urn}:1", "ref_id": "B.1", "assessable": True,
                 "name": title, "description": "Backups are kept off site."}]}}}


def write(path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _library(tmp_path, name="Alpha", urn="alpha", title="Keep backups"):
    source = tmp_path / f"{urn}.yaml"
    write(source, framework(name, urn, title=title))
    return source


def test_a_trailing_slash_makes_the_folder_with_its_parents(cli, tmp_path):
    source = _library(tmp_path)
    folder = tmp_path / "x1" / "newdir"
    r = cli("checklists", "import-ciso", source, "-o", f"{folder}/")
    assert r.code == 0, r.err
    assert folder.is_dir()
    assert load_checklist(folder / "ciso-alpha.yaml").id == "ciso-alpha"
    assert r.out.strip().splitlines()[-1] == f"1 of 1 libraries converted into {folder}"


def test_the_checklists_folder_with_a_slash_never_becomes_a_file(cli, tmp_path):
    """The user's checklists folder named before it exists: made as a folder, so that
    `checklists list` reads the conversion and import-mapping can add mappings/ to it."""
    source = _library(tmp_path)
    home_checklists = tmp_path / "home" / "checklists"
    r = cli("checklists", "import-ciso", source, "-o", f"{home_checklists}/")
    assert r.code == 0, r.err
    assert home_checklists.is_dir()
    listed = cli("checklists", "list", "--json")
    assert listed.code == 0, listed.err
    assert "ciso-alpha" in {row["id"] for row in json.loads(listed.out)}


def test_several_libraries_into_a_new_folder_with_a_slash(cli, tmp_path):
    first, second = _library(tmp_path), _library(tmp_path, "Beta", "beta")
    folder = tmp_path / "made"
    r = cli("checklists", "import-ciso", first, second, "-o", f"{folder}/")
    assert r.code == 0, r.err
    assert sorted(p.name for p in folder.iterdir()) == ["ciso-alpha.yaml", "ciso-beta.yaml"]


def test_a_folder_under_a_file_is_one_line_and_nothing_written(cli, tmp_path):
    source = _library(tmp_path)
    blocker = tmp_path / "plain"
    blocker.write_text("a file", encoding="utf-8")
    r = cli("checklists", "import-ciso", source, "-o", f"{blocker}/sub/")
    assert r.code == 1
    [line] = r.err.strip().splitlines()
    assert f"{blocker}/sub: cannot create the folder" in line
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_a_file_given_with_a_slash_is_refused(cli, tmp_path):
    source = _library(tmp_path)
    blocker = tmp_path / "plain.yaml"
    blocker.write_text("a file", encoding="utf-8")
    r = cli("checklists", "import-ciso", source, "-o", f"{blocker}/")
    assert r.code == 1
    [line] = r.err.strip().splitlines()
    assert "not a folder" in line
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_a_run_that_converts_nothing_makes_no_folder(cli, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("objects: [unclosed\n", encoding="utf-8")
    r = cli("checklists", "import-ciso", broken, "-o", f"{tmp_path / 'never'}/")
    assert r.code == 1
    assert not (tmp_path / "never").exists()


# --- a checklist file already there --------------------------------------------------------

def test_a_changed_library_does_not_overwrite_without_replace(cli, tmp_path):
    folder = tmp_path / "checklists"
    folder.mkdir()
    cli("checklists", "import-ciso", _library(tmp_path), "-o", folder)
    target = folder / "ciso-alpha.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("Keep backups",
                                                                 "Keep backups (edited)"),
                      encoding="utf-8")
    edited = target.read_bytes()
    changed = _library(tmp_path, title="Keep backups off site")
    r = cli("checklists", "import-ciso", changed, "-o", folder)
    assert r.code == 1
    [line] = r.err.strip().splitlines()
    assert f"{target}: a file is already there; give --replace to overwrite it" in line
    assert target.read_bytes() == edited
    r = cli("checklists", "import-ciso", changed, "-o", folder, "--replace")
    assert r.code == 0, r.err
    assert "(replaced the file there)" in r.out
    assert load_checklist(target).item("B.1").title == "Keep backups off site"


def test_a_file_named_with_o_is_not_overwritten_either(cli, tmp_path):
    out = tmp_path / "mine.yaml"
    out.write_text("my own notes\n", encoding="utf-8")
    r = cli("checklists", "import-ciso", _library(tmp_path), "-o", out)
    assert r.code == 1 and "give --replace" in r.err
    assert out.read_text(encoding="utf-8") == "my own notes\n"
    r = cli("checklists", "import-ciso", _library(tmp_path), "-o", out, "--replace")
    assert r.code == 0, r.err
    assert load_checklist(out).id == "ciso-alpha"


def test_the_same_library_again_is_unchanged(cli, tmp_path):
    folder = tmp_path / "checklists"
    folder.mkdir()
    source = _library(tmp_path)
    assert cli("checklists", "import-ciso", source, "-o", folder).code == 0
    before = (folder / "ciso-alpha.yaml").stat().st_mtime_ns
    r = cli("checklists", "import-ciso", source, "-o", folder)
    assert r.code == 0, r.err
    assert "(unchanged: the file there is the same)" in r.out
    assert (folder / "ciso-alpha.yaml").stat().st_mtime_ns == before
    r = cli("checklists", "import-ciso", source, "-o", folder, "--json")
    assert json.loads(r.out)[0]["written"] == "unchanged"


# --- a large library: stages shown, no collector pauses ------------------------------------

def test_one_library_tells_each_stage_and_collects_no_garbage_meanwhile(tmp_path):
    """The command shows the stage on a spinner; the cyclic collector, whose full passes
    over a large library's objects made the conversion superlinear, is off meanwhile and
    on again after (bench/ciso_import.py measures the time)."""
    import gc

    from auditor.exchange.ciso import import_ciso

    seen: list[tuple[str, bool]] = []
    assert gc.isenabled()
    import_ciso(_library(tmp_path), tmp_path / "out.yaml",
                step=lambda stage: seen.append((stage, gc.isenabled())))
    assert seen == [("reading", False), ("converting", False), ("writing", False),
                    ("checking", False)]
    assert gc.isenabled()
    seen.clear()
    import_ciso(_library(tmp_path), tmp_path / "out.yaml",
                step=lambda stage: seen.append((stage, gc.isenabled())))
    assert [s for s, _ in seen] == ["reading", "converting", "writing"]   # unchanged


def test_the_collector_is_back_on_after_a_failure(tmp_path):
    import gc

    import pytest

    from auditor.exchange.ciso import CisoImportError, import_ciso

    broken = tmp_path / "broken.yaml"
    broken.write_text("objects: [unclosed\n", encoding="utf-8")
    with pytest.raises(CisoImportError):
        import_ciso(broken, tmp_path / "out.yaml")
    assert gc.isenabled()

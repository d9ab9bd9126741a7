"""`checklists import-ciso` on the files a user points it at: files that are not
frameworks, several files and folders at once, and hostile files. Libraries are made here,
in our own words."""

from __future__ import annotations

import time

import pytest
import yaml

from auditor.exchange import ciso
from auditor.exchange.checklist_yaml import load_checklist


def framework(name: str, urn: str, *, title: str = "Keep backups") -> dict:
    return {"urn": f"urn:test:risk:library:{urn}", "locale": "en", "version": 1,
            "objects": {"framework": {"urn": f"urn:test:risk:framework:{urn}", "name": name,
                                      "requirement_nodes": [
                {"urn": f"urn:test:node:{urn}:1", "ref_id": "B.1", "assessable": True,
                 "name": title, "description": "Backups are kept off site."}]}}}


NOT_FRAMEWORKS = {
    "mapping.yaml": ({"urn": "urn:test:lib:map", "objects": {"requirement_mapping_set": {
        "urn": "urn:test:map", "source_framework_urn": "a", "target_framework_urn": "b"}}},
        "holds a requirement mapping set (links between the requirements of two "
        "frameworks), not a framework"),
    "matrix.yaml": ({"urn": "urn:test:lib:m", "objects": {"risk_matrix": [{"urn": "m"}]}},
                    "holds a risk matrix, not a framework"),
    "controls.yaml": ({"urn": "u", "objects": {"reference_controls": [{"urn": "c"}]}},
                      "holds a catalogue of reference controls, not a framework"),
    "threats.yaml": ({"urn": "u", "objects": {"threats": [{"urn": "t"}],
                                              "reference_controls": []}},
                     "holds a catalogue of reference controls and a threat catalogue"),
    "preset.yaml": ({"urn": "u", "objects": {"preset": {"name": "x"}}},
                    "holds a preset (a ready-made set-up of CISO Assistant), not a "
                    "framework"),
    "other.yaml": ({"urn": "u", "objects": {"gadgets": []}},
                   "holds objects of kind gadgets, not a framework"),
    "plain.yaml": ({"name": "not a library"}, "not a CISO Assistant library (no "
                                              "objects.framework)"),
}


def write(path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("name", sorted(NOT_FRAMEWORKS))
def test_a_file_that_is_no_framework_says_what_it_holds(cli, tmp_path, name):
    data, expected = NOT_FRAMEWORKS[name]
    source = tmp_path / name
    write(source, data)
    r = cli("checklists", "import-ciso", source, "-o", tmp_path / "out.yaml")
    assert r.code == 1
    [line] = r.err.strip().splitlines()
    assert f"{source}: {expected}" in line, line
    assert line.endswith("import-ciso takes framework libraries (objects.framework with "
                         "requirement_nodes)")
    assert not (tmp_path / "out.yaml").exists()


def _folder(tmp_path):
    libs = tmp_path / "libraries"
    libs.mkdir()
    write(libs / "alpha.yaml", framework("Alpha", "alpha"))
    write(libs / "beta.yml", framework("Beta", "beta"))
    write(libs / "mapping.yaml", NOT_FRAMEWORKS["mapping.yaml"][0])
    write(libs / "matrix.yaml", NOT_FRAMEWORKS["matrix.yaml"][0])
    (libs / "broken.yaml").write_text("objects: [unclosed\n", encoding="utf-8")
    (libs / "notes.txt").write_text("not a library", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return libs, out


def test_a_folder_converts_each_framework_and_goes_on_past_a_bad_file(cli, tmp_path):
    libs, out = _folder(tmp_path)
    r = cli("checklists", "import-ciso", libs, "-o", out)
    assert r.code == 1   # one file failed
    assert sorted(p.name for p in out.iterdir()) == ["ciso-alpha.yaml", "ciso-beta.yaml"]
    assert load_checklist(out / "ciso-beta.yaml").title == "Beta"
    [problem] = r.err.strip().splitlines()
    assert problem.startswith(f"auditor: {libs / 'broken.yaml'}: not a YAML file")
    lines = r.out.strip().splitlines()
    assert lines[0].startswith(f"{out / 'ciso-alpha.yaml'}: ciso-alpha, 1 items")
    assert lines[-1] == (f"2 of 5 libraries converted into {out}; 2 passed over, not "
                         "frameworks (a requirement mapping set, a risk matrix); 1 failed: "
                         "broken.yaml")


def test_a_folder_of_good_frameworks_exits_zero_with_json(cli, tmp_path):
    libs, out = _folder(tmp_path)
    (libs / "broken.yaml").unlink()
    r = cli("checklists", "import-ciso", libs, "-o", out, "--json")
    assert r.code == 0, r.err
    rows = r.json()
    assert [row.get("id") for row in rows] == ["ciso-alpha", "ciso-beta", None, None]
    assert rows[2]["passed_over"] and "requirement mapping set" in rows[2]["problem"]
    assert r.err.strip().endswith("2 passed over, not frameworks (a requirement mapping "
                                  "set, a risk matrix)")


def test_several_files_named_each_must_be_a_framework(cli, tmp_path):
    libs, out = _folder(tmp_path)
    r = cli("checklists", "import-ciso", libs / "alpha.yaml", libs / "mapping.yaml",
            libs / "beta.yml", "-o", out)
    assert r.code == 1
    assert "holds a requirement mapping set" in r.err
    assert r.out.strip().splitlines()[-1] == (f"2 of 3 libraries converted into {out}; 1 "
                                              "failed: mapping.yaml")


def test_two_libraries_of_one_id_do_not_overwrite_each_other(cli, tmp_path):
    libs, out = _folder(tmp_path)
    write(libs / "alpha-copy.yaml", framework("Alpha again", "alpha"))
    r = cli("checklists", "import-ciso", libs / "alpha.yaml", libs / "alpha-copy.yaml",
            "-o", out)
    assert r.code == 1
    assert "its checklist id ciso-alpha is also that of" in r.err and "--id" in r.err
    assert load_checklist(out / "ciso-alpha.yaml").title == "Alpha"


@pytest.mark.parametrize("args, expected", [
    (["--id", "mine"], "--id names one checklist"),
    ([], "not a folder; with several libraries (or a folder), -o is the folder"),
    (["--lang", "english!"], "--lang 'english!': give a language code"),
])
def test_folder_usage_mistakes_are_one_line(cli, tmp_path, args, expected):
    libs, out = _folder(tmp_path)
    target = out if args else tmp_path / "file.yaml"
    r = cli("checklists", "import-ciso", libs, "-o", target, *args)
    assert r.code == 1
    [line] = r.err.strip().splitlines()
    assert expected in line
    assert list(out.iterdir()) == []


def test_empty_folder(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    r = cli("checklists", "import-ciso", tmp_path / "empty", "-o", tmp_path)
    assert r.code == 1 and "folder holds no .yaml library file" in r.err


def test_a_folder_without_any_framework_is_a_failure(cli, tmp_path):
    libs = tmp_path / "maps"
    libs.mkdir()
    write(libs / "mapping.yaml", NOT_FRAMEWORKS["mapping.yaml"][0])
    r = cli("checklists", "import-ciso", libs, "-o", tmp_path)
    assert r.code == 1
    assert r.out.strip() == (f"0 of 1 libraries converted into {tmp_path}; 1 passed over, "
                             "not frameworks (a requirement mapping set)")


# --- hostile files ------------------------------------------------------------------------

def test_markup_and_control_characters_do_not_reach_the_checklist_or_terminal(cli,
                                                                              tmp_path):
    data = framework("[bold red]Owned[/] \x1b]0;title\x07", "hostile",
                     title="Keep [link=file:///etc]backups[/link] \u202eevil\x1b[2J")
    data["objects"]["framework"]["requirement_nodes"][0]["description"] = \
        "Line one\u2028line two\x00 and\tthree"
    source = tmp_path / "lib[b].yaml"
    write(source, data)
    out = tmp_path / "out[red].yaml"
    r = cli("checklists", "import-ciso", source, "-o", out)
    assert r.code == 0, r.err
    assert "\x1b" not in r.out and f"{out}: checklist ciso-hostile" in r.out
    c = load_checklist(out)
    item = c.item("B.1")
    assert c.title == "[bold red]Owned[/] ]0;title"   # markup kept as text, controls gone
    assert item.title == "Keep [link=file:///etc]backups[/link] evil[2J"
    assert item.prompts == ("Line one\nline two and three",)


def test_a_yaml_bomb_is_refused_at_once(cli, tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev, cur = chr(ord("a") + n - 1), chr(ord("a") + n)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("objects: {framework: {urn: x, requirement_nodes: [{urn: n, "
                 "assessable: true, typical_evidence: *j}]}}")
    source = tmp_path / "bomb.yaml"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    r = cli("checklists", "import-ciso", source, "-o", tmp_path / "out.yaml")
    assert time.monotonic() - started < 10
    assert r.code == 1
    [line] = r.err.strip().splitlines()
    assert f"{source}: line 2: YAML alias (*name)" in line
    assert not (tmp_path / "out.yaml").exists()


def test_a_huge_file_is_refused_before_it_is_read(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(ciso, "MAX_BYTES", 1000)
    source = tmp_path / "huge.yaml"
    write(source, framework("Big " * 400, "big"))
    r = cli("checklists", "import-ciso", source, "-o", tmp_path / "out.yaml")
    assert r.code == 1 and "larger than 20 MB" in r.err

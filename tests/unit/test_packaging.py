"""A non-editable install ships exactly what pyproject lists: every code folder must be
listed, and the checklists and stylesheet must travel as package data."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_code_folder_is_a_listed_package():
    listed = set(_config()["packages"])
    for folder in (ROOT / "auditor").rglob("*"):
        if folder.is_dir() and "__pycache__" not in folder.parts and any(folder.glob("*.py")):
            name = ".".join(folder.relative_to(ROOT).parts)
            assert name in listed, f"{name} is not in pyproject's packages: a wheel would miss it"


def test_checklists_and_stylesheet_are_package_data():
    config = _config()
    assert config["package-dir"]["auditor.checklists"] == "checklists"
    assert "*.yaml" in config["package-data"]["auditor.checklists"]
    assert "*.tcss" in config["package-data"]["auditor.ui"]
    assert list((ROOT / "checklists").glob("*.yaml"))

"""The two standards' checklists give the auditor guidance on every assessable item: what
good looks like, what to sample, typical weaknesses. An item with only prompts and
evidence shows nothing under them in the audit screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.exchange.checklist_yaml import load_checklist

SHIPPED_DIR = Path(__file__).parents[2] / "checklists"
STANDARDS = ("iso9001-2015", "iso27001-2022")
MIN_WORDS = 15      # two short sentences at least; a bare phrase is not guidance


@pytest.fixture(scope="module", params=STANDARDS)
def checklist(request):
    return load_checklist(SHIPPED_DIR / f"{request.param}.yaml")


def test_every_assessable_item_has_guidance(checklist):
    assessable = checklist.assessable_items()
    assert assessable
    missing = [item.ref for item in assessable if not (item.guidance or "").strip()]
    assert not missing, f"{checklist.id}: no guidance on {', '.join(missing)}"


def test_guidance_says_enough_to_act_on(checklist):
    short = [f"{item.ref} ({len(item.guidance.split())} words)"
             for item in checklist.assessable_items()
             if item.guidance and len(item.guidance.split()) < MIN_WORDS]
    assert not short, f"{checklist.id}: guidance under {MIN_WORDS} words on {', '.join(short)}"


def test_guidance_is_one_paragraph_of_prose(checklist):
    """Folded block scalars give one paragraph; a stray indented line would keep its line
    break and show a ragged note in the app."""
    for item in checklist.assessable_items():
        assert "\n" not in item.guidance.strip(), f"{checklist.id} {item.ref}"


def test_27001_annex_a_example_names_restore_tests():
    """The control that started this (A.8.13 showed only Ask and Look at) tells the auditor
    to sample restore tests."""
    item = load_checklist(SHIPPED_DIR / "iso27001-2022.yaml").item("A.8.13")
    assert "restore" in item.guidance.lower()

"""Which controls carry an SoA line in the item detail: the Annex A controls of a checklist
with SoA notes, none for any other."""

from __future__ import annotations

from auditor.domain.soa import annex_a_controls, soa_controls
from auditor.exchange.library import find


def test_the_shipped_27001_has_its_93_controls_and_9001_none(mini_checklist):
    isms = find("iso27001-2022")
    controls = soa_controls(isms)
    assert len(controls) == 93 and controls == {i.ref for i in annex_a_controls(isms)}
    assert "5.1" not in controls and "A.5" not in controls  # clauses and groups: no line
    assert soa_controls(find("iso9001-2015")) == frozenset()
    assert soa_controls(mini_checklist) == frozenset()

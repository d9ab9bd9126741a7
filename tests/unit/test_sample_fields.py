"""A sample from the TUI's form: four fields, each problem named by its field, and the
line the item detail shows."""

from __future__ import annotations

import pytest

from auditor.domain.errors import RuleViolation
from auditor.domain.sampling import Sample, sample_line, sample_of


@pytest.mark.parametrize("fields,sample", [
    (("releases  in Q3", "42", "4.2.0, 4.2.3,,4.3.1 ", ""),
     Sample("releases in Q3", 42, 3, "4.2.0, 4.2.3, 4.3.1")),
    (("tickets", "", "", "25"), Sample("tickets", None, 25, "")),
    (("changes", " 7 ", "C-1", "5"), Sample("changes", 7, 5, "C-1")),
    (("a|b [b]", "", "x|y", ""), Sample("a|b [b]", None, 1, "x|y")),
])
def test_a_sample_is_read_from_the_forms_fields(fields, sample):
    assert sample_of(*fields) == sample


@pytest.mark.parametrize("fields,field,says", [
    (("", "4", "a", ""), "population", "name the population"),
    (("releases", "many", "a", ""), "population_size", "'many' is not a whole number"),
    (("releases", "", "a", "two"), "sample_size", "'two' is not a whole number"),
    (("releases", "9", " , ", ""), "ids", "give the ids sampled, or how many"),
    (("releases", "2", "a,b,c", ""), "ids", "3 sampled from a population of 2"),
    (("releases", "2", "", "5"), "sample_size", "5 sampled from a population of 2"),
    (("releases", "-1", "a", ""), "population_size", "not a whole number"),
    (("releases", "", "1,2,3,3,,4,5,6,7,8", ""), "ids", "sampled ids listed twice: 3;"),
])
def test_a_bad_field_is_named(fields, field, says):
    with pytest.raises(RuleViolation) as caught:
        sample_of(*fields)
    assert caught.value.field == field and says in str(caught.value)


def test_the_line_shown():
    assert sample_line(Sample("releases in Q3", 42, 2, "4.2.0, 4.2.3")) == \
        "releases in Q3: 42; sampled 2: 4.2.0, 4.2.3"
    assert sample_line(Sample("tickets", None, 25, "")) == "tickets; sampled 25"

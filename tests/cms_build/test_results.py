"""Typed results read through a View (cms_build/results.py): an entry the View restricted."""


def test_a_restricted_entry_keeps_the_shape_and_classifier_the_view_kept():
    # A View's JSON of an entry the public Hider restricted: "restricted": true, the Shape
    # fields (unit, formula, method) kept, the Label and the value withheld.
    from cms_build.results import TracedValue, is_restricted, viewed
    from checks.emissions.results import EmissionsSourceTotal

    tv = viewed(TracedValue, {"restricted": True, "unit": "tCO2e", "formula": "E = AD × EF", "method": "calculation"})
    assert is_restricted(tv)
    assert (tv.unit, tv.formula, tv.method) == ("tCO2e", "E = AD × EF", "calculation")
    assert tv.value is None and tv.label is None and tv.inputs is None
    src = viewed(EmissionsSourceTotal, {"restricted": True, "category": "combustion", "method": "calculation", "title": "Boiler 1"})
    assert (src.category, src.method) == ("combustion", "calculation")
    assert src.title is None and src.facility is None  # a Label and a RecordId are not kept


def test_a_restricted_entry_validates_what_it_keeps():
    import pytest
    from pydantic import ValidationError

    from cms_build.results import TracedValue, viewed

    with pytest.raises(ValidationError):
        viewed(TracedValue, {"restricted": True, "unit": 3})

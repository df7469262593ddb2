"""emissions.factor-record-mismatch (6.1.2 e, A.6.1 b, F.2): a parameter taken from an
emission_factor record is that record's parameter, for the activity data's period and source,
and approved by the as-of date. The setup of tests/checks/emissions_org.py with the 2024 coal
carbon content (25 tC/TJ) moved into a record, so the totals stay those worked out there."""

from __future__ import annotations

from tests.lines import line_of

from tests.checks.emissions.test_rules import only
from tests.checks.emissions_org import activity, coal_line, put, setup

REL = "activity/AD-2024-SRC-COAL.yaml"


def _with_record(org, **factor):
    setup(org)
    fields = dict(
        parameter="carbon_content",
        fuel="coal",
        applies_to=["SRC-COAL"],
        year=2024,
        value=25,
        unit="tC/TJ",
        basis="calculated",
        source="月度元素碳 GB/T 476",
        approved_on="2025-01-20",
        effective="2025-01-20",
    )
    fields.update(factor)
    fields = {k: v for k, v in fields.items() if v is not None}  # None: leave the field out
    put(org, "factors", org.record("emission_factor", "EF-CC", **fields))
    activity(org, 2024, "SRC-COAL", coal_line(2024, carbon_content={"record": "EF-CC"}))


def test_a_factor_record_of_the_year_fits(org):
    _with_record(org)
    result = org.run()
    assert only(result, "emissions.factor-record-mismatch", allow=()) == []
    # 20 TJ × 25 tC/TJ × 44/12 = 1,833.333 tCO2: the record's value is used
    assert abs(result.results["emissions"]["years"]["2024"]["by_source"]["SRC-COAL"]["value"] - 1833.3333) < 1e-3


def test_a_factor_record_of_another_year(org):
    _with_record(org, year=2025)
    [f] = only(org.run(), "emissions.factor-record-mismatch", allow=())
    assert (f.file, f.line, f.path) == (REL, line_of(org, REL, "record: EF-CC"), "line.carbon_content.record")
    assert "from EF-CC, which is for 2025-01-01 to 2025-12-31, but this activity data is for 2024-01-01 to 2024-12-31" in f.message
    assert "another period" in f.message and f.severity == "error" and "6.1.2 e" in f.clauses


def test_a_factor_record_of_half_the_year(org):
    _with_record(org, period={"start": "2024-01-01", "end": "2024-06-30"})
    [f] = only(org.run(), "emissions.factor-record-mismatch", allow=())
    assert "for 2024-01-01 to 2024-06-30" in f.message and "covers only part of it" in f.message


def test_a_factor_record_with_no_year_is_not_judged_on_its_period(org):
    _with_record(org, year=None)
    assert only(org.run(), "emissions.factor-record-mismatch", allow=()) == []


def test_a_factor_record_of_another_source(org):
    _with_record(org, applies_to=["SRC-ELEC"])
    [f] = only(org.run(), "emissions.factor-record-mismatch", allow=())
    assert "which applies to SRC-ELEC, not to SRC-COAL" in f.message


def test_a_factor_record_of_another_parameter(org):
    _with_record(org, parameter="ncv", unit="GJ/t", value=20)
    found = [f for f in org.run().findings if f.rule == "emissions.factor-record-mismatch"]
    assert [f.message for f in found] == ["line.carbon_content names EF-CC, which is a ncv record, not carbon_content"]


def test_a_factor_record_approved_after_the_as_of_date(org):
    _with_record(org, approved_on="2026-07-01", effective="2026-07-01")
    [f] = only(org.run("2026-06-30"), "emissions.factor-record-mismatch", allow=())
    assert "approved or takes effect only on 2026-07-01, after 2026-06-30" in f.message
    assert only(org.run("2026-07-01"), "emissions.factor-record-mismatch", allow=()) == []


# -- emissions.samples-period-missing (9.1.1 d, A.9.1 a, 6.1.2 e) -----------------------------------
def _sampled(org, months, **over):
    setup(org)
    samples = [{"period": f"2024-{m:02d}", "value": 25.0, "weight": 100} for m in months]
    fields = dict(parameter="carbon_content", fuel="coal", year=2024, value=25.0, unit="tC/TJ", basis="calculated", source="GB/T 476", samples=samples)
    fields.update(over)
    fields = {k: v for k, v in fields.items() if v is not None}
    put(org, "factors", org.record("emission_factor", "EF-CC", **fields))


def test_monthly_samples_of_every_month(org):
    _sampled(org, range(1, 13))
    assert only(org.run(), "emissions.samples-period-missing", allow=()) == []


def test_monthly_samples_with_december_missing(org):
    _sampled(org, range(1, 12))  # 11 equal samples: the mean is still 25.0, only the month is missing
    [f] = only(org.run(), "emissions.samples-period-missing", allow=())
    rel = "factors/EF-CC.yaml"
    assert (f.file, f.line, f.path) == (rel, line_of(org, rel, "samples:") + 1, "samples")  # at the list, its first item
    assert f.message == "the carbon_content of EF-CC is given per month, but has no sample for 2024-12, inside its period 2024-01-01 to 2024-12-31"


def test_samples_of_a_factor_not_tied_to_a_period(org):
    _sampled(org, [1, 2], year=None)
    assert [f for f in org.run().findings if f.rule == "emissions.samples-period-missing"] == []

"""What a covered entity keeps and files (checks/emissions/filing.py, filing.rules.yaml):
the data quality control plan, the monthly evidence filing and the information disclosure."""

import datetime as dt

import pytest

from checks.emissions.filing import month_due, month_status

FULL_MONTH = {"status": "filed", "items": ["accounting_parameters", "production_data"], "receipt": "R-1"}


def covered(org, **emissions):
    org.settings(subsystems=["A", "B"], **({"emissions": emissions} if emissions else {}))
    org.add("organization/ORG.yaml", org.record("organization", "ORG", legal_name="测试电厂", uscc="913200000000000000", mandatory_schemes=["national_ets"]))


def dqcp(org, rid="DQP-1", **fields):
    data = dict(
        guideline="企业温室气体排放核算与报告指南 发电设施",
        reporting_years=[2025],
        revisions=[{"version": "1.0", "date": "2025-01-10", "reason": "initial"}],
        entity={"profile": "燃煤电厂"},
        boundary={"description": "法人边界", "facilities": ["FAC-1"]},
        data_determination=[
            {"parameter": "燃煤消耗量", "method": "measured", "instruments": ["MI-1"], "responsible": "燃料部", "missing_data": "采用盘点数据"}
        ],
        quality_assurance={"procedures": "程序文件"},
        reviews=[{"date": "2025-01-10", "by": "总工", "result": "通过"}],
    )
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}  # None: leave the field out
    org.add(f"monitoring/{rid}.yaml", org.record("data_quality_plan", rid, **data))


def filing(org, months, year=2026, rid="EVF-2026"):
    org.add(f"filing/{rid}.yaml", org.record("evidence_filing", rid, year=year, platform="全国碳市场管理平台", months=months))


# -- pure date logic ------------------------------------------------------------------------
def test_a_months_due_day_is_its_last_day_plus_the_setting():
    assert month_due(2026, 1, 40) == dt.date(2026, 3, 12)  # 31 Jan + 40 days = 12 Mar (31 Jan + 28 = 28 Feb, +12)
    assert month_due(2024, 2, 20) == dt.date(2024, 3, 20)  # leap year: 29 Feb + 20 days = 20 Mar
    assert month_due(2025, 12, 40) == dt.date(2026, 2, 9)  # 31 Dec + 40 = 9 Feb (31 days of Jan, then 9)


@pytest.mark.parametrize(
    "entry, as_of, status",
    [
        ({"status": "filed", "filed_on": "2026-03-12"}, "2026-06-30", "on_time"),  # on the due day
        ({"status": "filed", "filed_on": "2026-03-13"}, "2026-06-30", "late"),  # the day after
        ({"status": "filed", "filed_on": "2026-03-10"}, "2026-03-09", "pending"),  # filed after the as-of date: not known yet
        ({"status": "not_filed"}, "2026-03-12", "pending"),  # due today: not late yet
        ({"status": "not_filed"}, "2026-03-13", "missing"),
        (None, "2026-03-13", "missing"),
        ({"status": "not_applicable"}, "2026-06-30", "not_applicable"),
    ],
)
def test_the_status_of_a_month(entry, as_of, status):
    assert month_status(entry, dt.date(2026, 3, 12), dt.date.fromisoformat(as_of)) == status


# -- monthly evidence filing ----------------------------------------------------------------
def _filing_findings(org, as_of):
    result = org.run(as_of)
    return [f for f in result.findings if f.rule == "emissions.evidence-filing-late"]


def test_january_filed_on_its_due_day_is_not_late_the_day_after_is(org):
    covered(org, evidence_filing_due_days=40)
    filing(org, [{"month": 1, "filed_on": "2026-03-12", **FULL_MONTH}])
    assert _filing_findings(org, "2026-03-12") == []  # January due 12 Mar; February not due until 9 Apr
    filing(org, [{"month": 1, "filed_on": "2026-03-13", **FULL_MONTH}])
    [f] = _filing_findings(org, "2026-03-13")
    assert (f.file, f.path, f.severity) == ("filing/EVF-2026.yaml", "months.0.filed_on", "error")
    assert f.message == "2026-01 was filed on 2026-03-13, 1 day(s) after it was due (2026-03-12, 40 days after the month)"


def test_a_month_not_listed_is_missing_the_day_after_it_is_due_and_not_before(org):
    covered(org, evidence_filing_due_days=40)
    filing(org, [{"month": 1, "filed_on": "2026-02-20", **FULL_MONTH}])
    assert _filing_findings(org, "2026-04-09") == []  # February: 28 Feb + 40 = 9 Apr, the due day
    [f] = _filing_findings(org, "2026-04-10")
    assert f.message == "2026-02 was due by 2026-04-09 (40 days after the month) and is not listed as of 2026-04-10"


def test_a_month_marked_filed_without_a_date_is_missing_once_due(org):
    covered(org, evidence_filing_due_days=40)
    filing(org, [{"month": 1, **FULL_MONTH}])  # status filed, no filed_on
    assert _filing_findings(org, "2026-03-12") == []
    [f] = _filing_findings(org, "2026-03-13")
    assert f.message == "2026-01 was due by 2026-03-12 (40 days after the month) and is marked filed with no filed_on date as of 2026-03-13"


def test_a_filed_month_without_production_data_or_evidence_is_flagged(org):
    covered(org, evidence_filing_due_days=40)
    filing(org, [{"month": 1, "status": "filed", "filed_on": "2026-02-20", "items": ["accounting_parameters"]}])
    found = sorted(f.message for f in _filing_findings(org, "2026-03-01"))
    assert len(found) == 2
    assert found[0] == "2026-01 is marked filed with no evidence file and no platform receipt"
    assert found[1].startswith("2026-01 was filed without production_data (categories 1 and 3")


def test_filings_need_the_deadline_setting(org):
    covered(org)
    filing(org, [{"month": 1, "filed_on": "2026-02-20", **FULL_MONTH}])
    result = org.run("2026-03-01")
    [f] = org.of(result, "emissions.evidence-filing-setting")
    assert f.file == "cms.yaml" and f.severity == "error" and "emissions.evidence_filing_due_days is not set" in f.message
    assert org.of(result, "emissions.evidence-filing-late") == []
    covered(org, evidence_filing_due_days=40)
    assert org.of(org.run("2026-03-01"), "emissions.evidence-filing-setting") == []


def test_not_applicable_needs_a_note(org):
    covered(org, evidence_filing_due_days=40)
    filing(org, [{"month": 1, "status": "not_applicable"}])
    [f] = _filing_findings(org, "2026-03-01")
    assert f.message == "2026-01 is marked not_applicable without a note"
    filing(org, [{"month": 1, "status": "not_applicable", "note": "全月停运，经省厅确认"}])
    assert _filing_findings(org, "2026-03-01") == []


# -- data quality control plan --------------------------------------------------------------
def test_a_complete_plan_reviewed_in_time_has_no_finding(org):
    covered(org, dqcp_review_months=12)
    dqcp(org)
    result = org.run("2026-01-10")  # reviewed 2025-01-10 + 12 months = due 2026-01-10
    assert {f.rule for f in result.findings if f.rule.startswith("emissions.dqcp")} == set()


def test_a_plan_reviewed_too_long_ago_is_overdue_the_day_after_its_due_day(org):
    covered(org, dqcp_review_months=12)
    dqcp(org)
    [f] = org.of(org.run("2026-01-11"), "emissions.dqcp-review-overdue")
    assert f.file == "monitoring/DQP-1.yaml" and f.path == "reviews"
    assert f.message == (
        "the data quality control plan was last reviewed or revised on 2025-01-10; with a 12-month "
        "interval (emissions.dqcp_review_months) the next review was due by 2026-01-10"
    )


def test_the_review_interval_is_required_when_plans_exist(org):
    covered(org)
    dqcp(org)
    [f] = org.of(org.run("2025-06-30"), "emissions.dqcp-review-overdue")
    assert f.file == "cms.yaml" and "emissions.dqcp_review_months is not set" in f.message


def test_a_plan_without_its_entity_and_quality_assurance_misses_items_b_and_e(org):
    covered(org, dqcp_review_months=12)
    dqcp(org, entity=None, quality_assurance=None)
    found = org.of(org.run("2025-06-30"), "emissions.dqcp-incomplete")
    assert sorted(f.message.split(" does not cover ")[1] for f in found) == ["entity (A.9.1.1 b)", "quality_assurance (A.9.1.1 b)"]
    assert all(f.severity == "error" and f.file == "monitoring/DQP-1.yaml" for f in found)


def test_a_datum_without_missing_data_handling_or_instrument_is_flagged(org):
    covered(org, dqcp_review_months=12)
    dqcp(
        org,
        data_determination=[
            {"parameter": "燃煤消耗量", "method": "measured", "responsible": "燃料部"},
            {"parameter": "电网排放因子", "method": "default", "responsible": "碳管理办公室", "missing_data": "不适用（缺省值）"},
        ],
    )
    found = sorted(f.message for f in org.of(org.run("2025-06-30"), "emissions.dqcp-data-incomplete"))
    assert found == [
        "data_determination: 燃煤消耗量 does not say what is done when it is missing (missing_data)",
        "data_determination: 燃煤消耗量 is measured but names no instrument",
    ]


def test_a_facility_commissioned_in_a_governed_year_and_not_in_the_plan_is_flagged(org):
    covered(org, dqcp_review_months=12)
    dqcp(org)
    org.add(
        "facilities/FAC-2.yaml",
        org.record("facility", "FAC-2", site="S1", facility_type="coal_fired_unit", operating_status="operating", commissioned="2025-05-01"),
    )
    result = org.run("2025-06-30")
    [f] = org.of(result, "emissions.dqcp-facility-not-covered")
    assert "facility FAC-2 was commissioned on 2025-05-01" in f.message and f.path == "boundary.facilities"
    assert org.of(org.run("2025-04-30"), "emissions.dqcp-facility-not-covered") == []  # not yet commissioned


# -- information disclosure -----------------------------------------------------------------
def reported(org, year=2025, submitted="2026-03-28"):
    org.add(
        f"inventory/RI-{year}.yaml", org.record("reported_inventory", f"RI-{year}", year=year, total={"value": 1000, "unit": "tCO2"}, submitted_on=submitted)
    )


def disclosure(org, **fields):
    data = dict(
        year=2025,
        channel="management_platform",
        published_on="2026-09-30",
        emissions={"value": 1000, "unit": "tCO2"},
        facilities="1 号机组",
        methods="排放因子法，燃煤元素碳含量实测",
    )
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    org.add("communication/DIS-2025.yaml", org.record("information_disclosure", "DIS-2025", **data))


def test_disclosure_on_its_due_day_is_on_time_the_day_after_is_late(org):
    covered(org, disclosure_due="09-30")
    reported(org)
    disclosure(org)
    assert org.of(org.run("2026-12-31"), "emissions.disclosure-late") == []
    disclosure(org, published_on="2026-10-01")
    [f] = org.of(org.run("2026-12-31"), "emissions.disclosure-late")
    assert f.file == "communication/DIS-2025.yaml" and f.path == "published_on"
    assert f.message == "the 2025 emission information was published on 2026-10-01, 1 day(s) after it was due (2026-09-30)"


def test_no_disclosure_is_missing_only_after_the_due_day(org):
    covered(org, disclosure_due="09-30")
    reported(org)
    assert org.of(org.run("2026-09-30"), "emissions.disclosure-late") == []
    [f] = org.of(org.run("2026-10-01"), "emissions.disclosure-late")
    assert f.file == "inventory/RI-2025.yaml" and "no disclosure is recorded" in f.message


def test_without_the_setting_a_disclosure_is_an_error_at_the_settings_and_none_a_warning(org):
    covered(org)
    reported(org)
    [f] = org.of(org.run("2026-06-30"), "emissions.disclosure-late")
    assert f.severity == "warning" and f.file == "inventory/RI-2025.yaml"
    disclosure(org)
    [f] = org.of(org.run("2026-12-31"), "emissions.disclosure-late")
    assert f.severity == "error" and f.file == "cms.yaml" and "emissions.disclosure_due is not set" in f.message


def test_a_disclosure_without_the_methods_is_incomplete(org):
    covered(org, disclosure_due="09-30")
    reported(org)
    disclosure(org, methods=None)
    [f] = org.of(org.run("2026-12-31"), "emissions.disclosure-incomplete")
    assert f.message.endswith("does not cover methods (B.8.3 d)")


def test_disclosed_emissions_that_differ_from_the_verified_figure_are_an_error(org):
    covered(org, disclosure_due="09-30")
    reported(org)
    org.add(
        "verification/VER-2025.yaml",
        org.record(
            "verification",
            "VER-2025",
            year=2025,
            scheme="national_ets",
            plan={"scope": "全部", "objectives": "核查", "requirements": ["核查技术指南"], "assurance_level": "reasonable", "materiality_pct": 5},
            verifier={"name": "核查机构", "accreditation": "名录", "competence": "有"},
            statement={"date": "2026-06-20", "opinion": "unqualified", "verified_emissions": {"value": 1200, "unit": "tCO2"}},
        ),
    )
    disclosure(org, verification="VER-2025")
    [f] = org.of(org.run("2026-12-31"), "emissions.disclosure-differs")
    assert f.message == "disclosed 1,000 tCO2 for 2025, but VER-2025 verified 1,200 tCO2"
    disclosure(org, verification="VER-2025", emissions={"value": 1200, "unit": "tCO2"})
    assert org.of(org.run("2026-12-31"), "emissions.disclosure-differs") == []


# -- the shipped example --------------------------------------------------------------------
def test_the_example_files_its_months_and_a_missing_month_is_found(org):
    """The example is clean at 2026-06-30: January-April 2026 filed, May not due (31 May + 40 days =
    10 July). Without April (30 Apr + 40 = 9 June) the month is missing at 2026-06-30."""
    org.copy_example()
    result = org.run("2026-06-30")
    assert [f for f in result.findings if f.rule.startswith(("emissions.evidence", "emissions.dqcp", "emissions.disclosure"))] == []
    path = org.root / "filing" / "EVF-2026.yaml"
    lines = [x for x in path.read_text(encoding="utf-8").splitlines(keepends=True) if not x.startswith("- {month: 4,")]
    path.write_text("".join(lines), encoding="utf-8")
    [f] = org.of(org.run("2026-06-30"), "emissions.evidence-filing-late")
    assert f.message == "2026-04 was due by 2026-06-09 (40 days after the month) and is not listed as of 2026-06-30"


def test_the_example_needs_a_plan_for_every_covered_year(org):
    org.copy_example()
    path = org.root / "monitoring" / "DQP-BJP-2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("- 2024\n", ""), encoding="utf-8")
    [f] = org.of(org.run("2026-06-30"), "emissions.dqcp-missing")
    assert f.message.startswith("no approved data quality control plan governs 2024")


def test_the_example_needs_a_filing_record_for_every_covered_year(org):
    """2024 is a year of the computed inventory and EVF-2023 shows the kind is used: without EVF-2024
    the year is missing (its January was due by 31 Jan + 40 days = 2024-03-11)."""
    org.copy_example()
    (org.root / "filing" / "EVF-2024.yaml").unlink()
    [f] = org.of(org.run("2026-06-30"), "emissions.evidence-filing-year-missing")
    assert (f.file, f.path) == ("cms.yaml", "subsystems")
    assert f.message == "there is no evidence_filing record for 2024, whose January filing was due by 2024-03-11"


def test_a_year_split_over_two_records_is_read_together_and_a_month_listed_twice_is_an_error(org):
    covered(org, evidence_filing_due_days=40)
    filing(org, [{"month": 1, "filed_on": "2026-02-20", **FULL_MONTH}], rid="EVF-2026-01")
    filing(org, [{"month": 2, "filed_on": "2026-03-20", **FULL_MONTH}], rid="EVF-2026-02")
    assert _filing_findings(org, "2026-04-30") == []  # March is due 31 Mar + 40 days = 10 May
    filing(org, [{"month": 2, "filed_on": "2026-03-20", **FULL_MONTH}, {"month": 1, "filed_on": "2026-02-21", **FULL_MONTH}], rid="EVF-2026-02")
    [f] = _filing_findings(org, "2026-04-30")
    assert (f.file, f.path) == ("filing/EVF-2026-02.yaml", "months.1.month")
    assert f.message == "2026-01 is listed twice (also EVF-2026-01 months.0)"

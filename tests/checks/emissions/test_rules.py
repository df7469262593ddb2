"""The emission rules: each with a fixture it flags (rule, file, line, message) and a near miss.

The complete setup of tests/checks/emissions_org.py has no finding; each test changes one
thing. Dates are tested on and either side of each deadline.
"""

from __future__ import annotations

from tests.lines import line_of

import pytest

from tests.checks.emissions_org import TOTAL, activity, coal_line, elec_line, emission_findings, plan, plan_sources, put, setup


def only(result, rule, allow=("emissions.reported-total-mismatch",)):
    """The findings of one rule; no other emission finding (a changed activity record may
    also change a reported total: that rule is allowed unless it is the one under test)."""
    found = [f for f in emission_findings(result) if f.rule == rule]
    others = [f"{f.rule} {f.location()} {f.message}" for f in emission_findings(result) if f.rule != rule and f.rule not in allow]
    assert others == [], others
    return found


# -- emissions.reported-total-mismatch (A.9.1.1 a) ---------------------------------------------
def reported(org, year, value, **extra):
    put(org, "inventory", org.record("reported_inventory", f"RI-{year}", year=year, total={"value": value, "unit": "tCO2e"}, **extra))


def test_reported_total_beyond_tolerance(org):
    setup(org)
    # tolerance = max(0.1 % × 1,890.363 = 1.890, 1) = 1.890 tCO2e; a difference of +2 is beyond it
    reported(org, 2024, TOTAL[2024] + 2)
    [f] = only(org.run(), "emissions.reported-total-mismatch")
    assert (f.file, f.line) == ("inventory/RI-2024.yaml", line_of(org, "inventory/RI-2024.yaml", "value:"))
    assert "differs from the 1,890.36 tCO2e recomputed" in f.message and "+2.00 tCO2e" in f.message
    assert f.severity == "error" and "A.9.1.1 a" in f.clauses


def test_reported_total_within_tolerance(org):
    setup(org)
    reported(org, 2024, TOTAL[2024] + 1.88)  # 1.88 < 1.890
    assert only(org.run(), "emissions.reported-total-mismatch") == []


def test_reported_tolerance_is_a_setting(org):
    setup(org)
    org.settings(subsystems=["A", "B", "C", "D"], emissions={"reported_tolerance_pct": 0, "reported_tolerance_abs": 0.5})
    reported(org, 2024, TOTAL[2024] + 0.6)
    [f] = only(org.run(), "emissions.reported-total-mismatch")
    assert "0.50 tCO2e" in f.message


def test_reported_by_source(org):
    setup(org)
    reported(
        org,
        2024,
        TOTAL[2024],
        by_source=[{"source": "SRC-COAL", "emissions": {"value": 1800, "unit": "tCO2"}}, {"source": "SRC-ELEC", "emissions": {"value": 57.03, "unit": "tCO2"}}],
    )
    [f] = only(org.run(), "emissions.reported-total-mismatch")
    assert f.path == "by_source[0].emissions.value" and "SRC-COAL: reported 1,800.00" in f.message


def test_reported_year_without_activity(org):
    setup(org)
    reported(org, 2023, 1000)
    [f] = only(org.run(), "emissions.reported-total-mismatch")
    assert f.file == "inventory/RI-2023.yaml" and "no activity data of 2023" in f.message


# -- emissions.source-without-activity (6.1.2 e, A.6.1 a) ---------------------------------------
def drop_activity(org, year, source):
    """Remove a year's activity record, and the year's reported total that included it."""
    (org.root / "activity" / f"AD-{year}-{source}.yaml").unlink()
    (org.root / "inventory" / f"RI-{year}.yaml").unlink()


def test_source_without_activity_for_a_year(org):
    setup(org)
    drop_activity(org, 2025, "SRC-ELEC")
    [f] = only(org.run(), "emissions.source-without-activity")
    assert (f.file, f.line) == ("sources/SRC-ELEC.yaml", 2)
    assert "has no activity data for 2025" in f.message


@pytest.mark.parametrize("until,flagged", [("2024-12-31", False), ("2025-01-01", True)])
def test_source_ended_before_the_year_is_not_expected(org, until, flagged):
    setup(org)
    drop_activity(org, 2025, "SRC-ELEC")
    put(
        org,
        "sources",
        org.record("emission_source", "SRC-ELEC", facility="FAC-AUX", category="purchased_electricity", method="purchased_electricity", active_until=until),
    )
    assert bool(only(org.run(), "emissions.source-without-activity")) is flagged


@pytest.mark.parametrize("start,flagged", [("2026-01-01", False), ("2025-12-31", True)])
def test_planned_facility_counts_from_its_planned_start(org, start, flagged):
    setup(org)
    put(
        org,
        "facilities",
        org.record("facility", "FAC-NEW", site="S1", facility_type="gas_fired_unit", operating_status="under_construction", planned_start=start),
    )
    put(org, "sources", org.record("emission_source", "SRC-NEW", facility="FAC-NEW", category="fuel_combustion", fuel="natural_gas", method="emission_factor"))
    # A.8.2.2: the new unit's design review, so that only the rule under test speaks
    put(
        org,
        "design",
        org.record(
            "design_review", "DR-NEW", subject="FAC-NEW", subject_type="facility", review_date="2025-01-05", emission_consideration="efficient unit chosen"
        ),
    )
    put(
        org,
        "monitoring",
        org.record(
            "monitoring_plan",
            "MP-1",
            **plan(
                sources=plan_sources()
                + [
                    {
                        "source": "SRC-NEW",
                        "method": "emission_factor",
                        "items": [
                            {"parameter": p, "basis": "default", "method": "m", "frequency": "f", "responsible": "r", "record_form": "x"}
                            for p in ("activity", "ncv", "carbon_content", "oxidation")
                        ],
                    }
                ]
            ),
        ),
    )
    found = only(org.run(), "emissions.source-without-activity")
    assert bool(found) is flagged
    if flagged:
        assert found[0].file == "sources/SRC-NEW.yaml" and "for 2025" in found[0].message


def test_only_the_years_back_of_the_settings(org):
    setup(org)
    drop_activity(org, 2024, "SRC-ELEC")
    assert only(org.run(), "emissions.source-without-activity") != []
    org.settings(subsystems=["A", "B", "C", "D"], emissions={"reporting_years_back": 1})
    assert only(org.run(), "emissions.source-without-activity") == []  # only 2025 is checked


# -- emissions.gap-without-filling-method (A.9.1.1 b) -----------------------------------------
# Two monthly rows: the record is for January and February (else emissions.activity-period-missing
# reports the ten months without a row).
JAN_FEB = {"start": "2024-01-01", "end": "2024-02-29"}
# ... and March to December have no record, which emissions.source-period-uncovered says
PART_YEAR = ("emissions.reported-total-mismatch", "emissions.source-period-uncovered")


def monthly_coal(status="filled", gap_filling=None):
    act = {"unit": "t", "data_source": "belt scale", "values": [{"period": "2024-01", "value": 600}, {"period": "2024-02", "value": 400, "status": status}]}
    if gap_filling:
        act["gap_filling"] = gap_filling
    return coal_line(2024, activity=act)


def test_filled_value_without_gap_filling(org):
    setup(org)
    activity(org, 2024, "SRC-COAL", monthly_coal(), period=JAN_FEB)
    [f] = only(org.run(), "emissions.gap-without-filling-method", allow=PART_YEAR)
    rel = "activity/AD-2024-SRC-COAL.yaml"
    assert (f.file, f.line, f.path) == (rel, line_of(org, rel, "activity:"), "line.activity")
    assert "2024-02 (filled)" in f.message and "no gap_filling" in f.message


def test_filled_value_with_gap_filling(org):
    setup(org)
    activity(org, 2024, "SRC-COAL", monthly_coal(gap_filling={"method": "backup_meter", "description": "spare scale", "periods": ["2024-02"]}), period=JAN_FEB)
    result = org.run()
    assert only(result, "emissions.gap-without-filling-method", allow=PART_YEAR) == []
    # 600 + 400 t: the same 1,000 t as the setup
    assert result.results["emissions"]["years"]["2024"]["total"]["value"] == pytest.approx(TOTAL[2024])


def test_gap_filling_not_listing_the_period(org):
    setup(org)
    activity(
        org,
        2024,
        "SRC-COAL",
        monthly_coal(status="estimated", gap_filling={"method": "inventory_balance", "description": "stock-taking", "periods": ["2024-01"]}),
        period=JAN_FEB,
    )
    [f] = only(org.run(), "emissions.gap-without-filling-method", allow=PART_YEAR)
    assert f.path == "line.activity.gap_filling.periods" and "2024-02 are substituted" in f.message


def test_gap_in_a_csv_status_column(org):
    setup(org)
    org.add("activity/coal-2024.csv", "month,t,status\n2024-01,600,measured\n2024-02,400,filled\n")
    activity(
        org,
        2024,
        "SRC-COAL",
        coal_line(2024, activity={"unit": "t", "file": {"path": "coal-2024.csv", "column": "t", "period_column": "month", "status_column": "status"}}),
        period=JAN_FEB,
    )
    [f] = only(org.run(), "emissions.gap-without-filling-method", allow=PART_YEAR)
    assert f.file == "activity/AD-2024-SRC-COAL.yaml" and "2024-02 (filled)" in f.message


# -- emissions.anomalous-change (A.9.1 b) -------------------------------------------------------
def coal_2025(org, tonnes, **extra):
    activity(org, 2025, "SRC-COAL", coal_line(2025, activity={"quantity": {"value": tonnes, "unit": "t"}}), **extra)


def test_anomalous_source_change(org):
    setup(org)
    # 1,300 t in 2025 vs 1,000 t in 2024: +30 % > 20 %
    coal_2025(org, 1300)
    found = only(org.run(), "emissions.anomalous-change")
    [f] = [f for f in found if f.file == "activity/AD-2025-SRC-COAL.yaml"]
    assert f.line == line_of(org, "activity/AD-2025-SRC-COAL.yaml", "source:") and f.severity == "warning"
    assert "SRC-COAL: emissions changed from 1,833.33 tCO2e in 2024 to 2,383.33 tCO2e in 2025 (+30.0 %)" in f.message


def test_exactly_at_the_threshold_is_not_anomalous(org):
    setup(org)
    # 1,200 t: +20.0 %, not more than 20 %
    coal_2025(org, 1200)
    assert [f for f in only(org.run(), "emissions.anomalous-change") if "SRC-COAL" in f.message] == []


def test_explained_change_is_not_flagged(org):
    setup(org)
    coal_2025(org, 1300, change_explanation="unit 1 returned from a long outage")
    assert [f for f in only(org.run(), "emissions.anomalous-change") if "SRC-COAL" in f.message] == []


def test_small_sources_are_below_the_floor(org):
    setup(org)
    # electricity 200 MWh in 2025 (+100 % in kWh): 114.06 vs 57.03 tCO2, both under 1,000 tCO2e
    activity(org, 2025, "SRC-ELEC", elec_line(2025, activity={"quantity": {"value": 200_000, "unit": "kWh"}}))
    assert only(org.run(), "emissions.anomalous-change") == []
    org.settings(subsystems=["A", "B", "C", "D"], emissions={"anomaly_min_tco2e": 0})
    [f] = only(org.run(), "emissions.anomalous-change")
    assert "SRC-ELEC" in f.message


def test_anomalous_intensity_change(org):
    setup(org)
    # output value 70 instead of 105: 2,079.399 / 70 = 29.706 vs 18.904 in 2024, +57.1 %
    put(
        org,
        "production",
        org.record(
            "product_output",
            "PO-2025",
            year=2025,
            products=[{"product": "electricity", "name": "电力", "output": {"value": 2100, "unit": "MWh"}, "facility": "FAC-1"}],
            output_value={"value": 70, "unit": "10^4 CNY"},
        ),
    )
    [f] = only(org.run(), "emissions.anomalous-change")
    assert f.file == "production/PO-2025.yaml" and "per 10^4 CNY of output value" in f.message and "+57.1 %" in f.message


# -- emissions.factor-without-source (6.1.2 e, A.6.1 b) ----------------------------------------
def test_parameter_without_source(org):
    setup(org)
    activity(org, 2024, "SRC-COAL", coal_line(2024, ncv={"value": 20, "unit": "GJ/t"}))
    [f] = only(org.run(), "emissions.factor-without-source")
    rel = "activity/AD-2024-SRC-COAL.yaml"
    assert (f.file, f.line, f.path) == (rel, line_of(org, rel, "ncv:"), "line.ncv")
    assert "line.ncv = 20 GJ/t does not say where it comes from" in f.message


def test_parameter_with_a_test_standard_or_library_key(org):
    setup(org)
    activity(
        org,
        2024,
        "SRC-COAL",
        coal_line(2024, ncv={"value": 20, "unit": "GJ/t", "test_standard": "GB/T 213"}, oxidation={"value": 100, "unit": "%", "report": "ASH-2024"}),
    )
    activity(org, 2024, "SRC-ELEC", elec_line(2024, ef={"library": "grid:national_2023"}))
    assert only(org.run(), "emissions.factor-without-source") == []


def test_measured_factor_record_without_source(org):
    setup(org)
    put(org, "factors", org.record("emission_factor", "EF-1", parameter="ncv", value=20, unit="GJ/t", basis="measured"))
    [f] = only(org.run(), "emissions.factor-without-source")
    assert (f.file, f.path) == ("factors/EF-1.yaml", "value") and "ncv value 20 GJ/t" in f.message
    put(
        org,
        "factors",
        org.record(
            "emission_factor", "EF-1", parameter="ncv", value=20, unit="GJ/t", basis="measured", measurement={"test_standard": "GB/T 213", "lab": "lab"}
        ),
    )
    assert only(org.run(), "emissions.factor-without-source") == []


# -- emissions.default-where-measured (A.6.1 b) -------------------------------------------------
def test_default_where_the_plan_says_calculated(org):
    setup(org)
    activity(org, 2025, "SRC-COAL", coal_line(2025, oxidation={"library": "fuel:coal:oxidation"}))
    result = org.run()
    [f] = only(result, "emissions.default-where-measured")
    rel = "activity/AD-2025-SRC-COAL.yaml"
    assert (f.file, f.line, f.path) == (rel, line_of(org, rel, "oxidation:"), "line.oxidation")
    assert "MP-1 says oxidation of SRC-COAL is calculated, but 2025 uses the default 0.98" in f.message


def test_implicit_default_is_flagged_at_the_line(org):
    setup(org)
    line = coal_line(2025)
    del line["oxidation"]
    activity(org, 2025, "SRC-COAL", line)
    [f] = only(org.run(), "emissions.default-where-measured")
    assert f.path == "line" and "fuel:coal:oxidation" in f.message


def test_default_where_the_plan_says_default(org):
    setup(org)
    activity(org, 2025, "SRC-COAL", coal_line(2025, oxidation={"library": "fuel:coal:oxidation"}))
    sources = plan_sources()
    sources[0]["items"][3]["basis"] = "default"
    put(org, "monitoring", org.record("monitoring_plan", "MP-1", **plan(sources=sources)))
    assert only(org.run(), "emissions.default-where-measured") == []


# -- emissions.monitoring-plan-incomplete (A.9.1 a, A.6.5.2.2) ------------------------------------
def test_plan_lacks_organization_details(org):
    setup(org)
    put(org, "organization", org.record("organization", "ORG-1", legal_name="测试发电有限公司", uscc="913211007545678X9Q", mandatory_schemes=["national_ets"]))
    [f] = only(org.run(), "emissions.monitoring-plan-incomplete")
    assert (f.file, f.line) == ("monitoring/MP-1.yaml", line_of(org, "monitoring/MP-1.yaml", "organization: ORG-1"))
    assert ("行业代码 industry code, 法定代表人 legal representative, 经营地址 business address, 通讯地址 mailing address, 联系人 contact") in f.message


def test_plan_gives_the_details_itself(org):
    setup(org)
    put(org, "organization", org.record("organization", "ORG-1", legal_name="测试发电有限公司", uscc="913211007545678X9Q", mandatory_schemes=["national_ets"]))
    put(
        org,
        "monitoring",
        org.record(
            "monitoring_plan",
            "MP-1",
            **plan(
                organization_info={
                    "industry_code": "4411",
                    "legal_representative": "张三",
                    "business_address": "a",
                    "mailing_address": "b",
                    "contact": {"name": "李四"},
                }
            ),
        ),
    )
    assert only(org.run(), "emissions.monitoring-plan-incomplete") == []


def test_plan_required_but_not_submitted(org):
    setup(org)
    put(org, "monitoring", org.record("monitoring_plan", "MP-1", **plan(submission={"required": True})))
    [f] = only(org.run(), "emissions.monitoring-plan-incomplete")
    assert f.path == "submission.required" and "no submission date" in f.message


def test_no_plan_for_a_completed_year_and_for_the_current_year(org):
    setup(org)
    put(org, "monitoring", org.record("monitoring_plan", "MP-1", **plan(reporting_years=[2024])))
    found = only(org.run("2026-06-30"), "emissions.monitoring-plan-incomplete")
    assert [(f.severity, f.message) for f in found] == [
        ("error", "no monitoring plan in force covers the reporting year 2025"),
        ("warning", "no monitoring plan in force covers the reporting year 2026 (the current year)"),
    ]
    assert {f.line for f in found} == {line_of(org, "monitoring/MP-1.yaml", "reporting_years:")}


# -- emissions.monitoring-plan-source-not-covered (A.6.5.2.2 a, A.9.1 a) ---------------------------
def test_plan_misses_a_source(org):
    setup(org)
    put(org, "monitoring", org.record("monitoring_plan", "MP-1", **plan(sources=plan_sources()[:1])))
    [f] = only(org.run(), "emissions.monitoring-plan-source-not-covered")
    assert (f.file, f.line) == ("monitoring/MP-1.yaml", line_of(org, "monitoring/MP-1.yaml", "sources:"))
    assert "SRC-ELEC" in f.message and "operates in 2024, 2025, 2026" in f.message


def test_plan_misses_a_parameter(org):
    setup(org)
    sources = plan_sources()
    sources[0]["items"] = [i for i in sources[0]["items"] if i["parameter"] != "ncv"]
    put(org, "monitoring", org.record("monitoring_plan", "MP-1", **plan(sources=sources)))
    [f] = only(org.run(), "emissions.monitoring-plan-source-not-covered")
    assert f.path == "sources[0].items" and "SRC-COAL: the plan does not say how ncv is monitored" in f.message


def test_source_not_operating_in_the_plan_years_is_not_required(org):
    setup(org)
    put(
        org,
        "sources",
        org.record(
            "emission_source", "SRC-OLD", facility="FAC-1", category="fuel_combustion", fuel="diesel", method="emission_factor", active_until="2023-12-31"
        ),
    )
    assert only(org.run(), "emissions.monitoring-plan-source-not-covered") == []


# -- emissions.verification-missing (A.4.2) -----------------------------------------------------
def no_statement_2024(org):
    put(
        org,
        "verification",
        org.record(
            "verification",
            "VER-2024",
            year=2024,
            scheme="national_ets",
            plan={"scope": "all", "objectives": "verify", "requirements": ["guide"], "assurance_level": "reasonable", "materiality_pct": 5},
            verifier={"name": "V", "accreditation": "a", "competence": "c"},
        ),
    )


@pytest.mark.parametrize("as_of,severity", [("2025-12-31", None), ("2026-01-01", "error")])
def test_statement_due_by_the_end_of_the_following_year(org, as_of, severity):
    setup(org)
    no_statement_2024(org)
    found = [f for f in only(org.run(as_of), "emissions.verification-missing") if "2024" in f.message]
    if severity is None:
        assert found == []  # planned and not yet due
    else:
        [f] = found
        assert (f.file, f.line, f.severity) == ("verification/VER-2024.yaml", line_of(org, "verification/VER-2024.yaml", "year:"), "error")
        assert "2024 has no verification statement, due by 2025-12-31; the organization is in national_ets (A.4.2)" == f.message


def test_due_date_is_a_setting(org):
    setup(org)
    no_statement_2024(org)
    org.settings(subsystems=["A", "B", "C", "D"], emissions={"verification_due": "06-30"})
    assert only(org.run("2025-06-30"), "emissions.verification-missing") == []
    [f] = only(org.run("2025-07-01"), "emissions.verification-missing")
    assert "due by 2025-06-30" in f.message


def test_unplanned_verification_is_a_warning_before_the_due_date(org):
    setup(org)
    (org.root / "verification" / "VER-2025.yaml").unlink()
    [f] = only(org.run("2026-06-30"), "emissions.verification-missing")
    assert (f.file, f.severity) == ("organization/ORG-1.yaml", "warning")
    assert f.line == line_of(org, "organization/ORG-1.yaml", "mandatory_schemes:")
    assert "2025 has no verification statement and no verification is planned yet (due by 2026-12-31)" in f.message


def test_no_verification_needed_outside_a_mandatory_scheme(org):
    setup(org)
    no_statement_2024(org)
    put(
        org,
        "organization",
        org.record(
            "organization",
            "ORG-1",
            legal_name="测试发电有限公司",
            uscc="913211007545678X9Q",
            legal_representative="张三",
            industry_code="4411",
            business_address="addr",
            mailing_address="addr",
            contact={"name": "李四"},
        ),
    )
    assert only(org.run("2026-06-30"), "emissions.verification-missing") == []
    org.settings(subsystems=["A", "B", "C", "D"], emissions={"verification_required": "always"})
    [f] = only(org.run("2026-06-30"), "emissions.verification-missing")
    assert "verification_required: always" in f.message


def test_verification_rule_needs_annex_a(org):
    setup(org)
    no_statement_2024(org)
    org.settings(subsystems=["D"])
    assert [f for f in org.run("2026-06-30").findings if f.rule == "emissions.verification-missing"] == []


# -- emissions.target-incomplete (6.4.2, 6.4.4) ---------------------------------------------------
def test_target_missing_everything(org):
    setup(org)
    put(org, "performance", org.record("target", "TGT-1", objective="reduce emissions"))
    put(
        org,
        "performance",
        org.record("action_plan", "AP-1", targets=["TGT-1"], measures=[{"what": "x"}], responsible="ops", deadline="2026-06-30", evaluation="e"),
    )
    found = only(org.run(), "emissions.target-incomplete")
    rel = "performance/TGT-1.yaml"
    assert {(f.file, f.line) for f in found} == {(rel, line_of(org, rel, "objective:"))}
    messages = " | ".join(f.message for f in found)
    for part in ("no performance indicator", "no baseline", "not quantified", "no deadline", "no responsible party", "no action plan"):
        assert part in messages
    assert len(found) == 6


def test_target_with_the_indicator_baseline_is_complete(org):
    setup(org)
    put(
        org,
        "performance",
        org.record(
            "target",
            "TGT-1",
            objective="cut unit intensity 2 %",
            indicator="IND-1",
            reduction_pct=2,
            deadline="2026-12-31",
            responsible="GM",
            action_plans=["AP-1"],
        ),
    )
    assert only(org.run(), "emissions.target-incomplete") == []


def test_cancelled_target_is_not_checked(org):
    setup(org)
    put(org, "performance", org.record("target", "TGT-1", objective="x", target_status="cancelled"))
    put(
        org,
        "performance",
        org.record("action_plan", "AP-1", targets=["TGT-1"], measures=[{"what": "x"}], responsible="ops", deadline="2026-06-30", evaluation="e"),
    )
    assert only(org.run(), "emissions.target-incomplete") == []


# -- emissions.activity-overlap (6.1.2 f) --------------------------------------------------------
def half(org, rid, start, end, tonnes=500):
    activity(org, 2024, "SRC-COAL", coal_line(2024, activity={"quantity": {"value": tonnes, "unit": "t"}}), rid=rid, period={"start": start, "end": end})


def test_two_records_of_a_whole_year(org):
    setup(org)
    activity(org, 2024, "SRC-COAL", coal_line(2024), rid="AD-2024-SRC-COAL-B")
    # (the doubled 2024 also makes 2025 look like a −45 % drop)
    [f] = only(org.run(), "emissions.activity-overlap", allow=("emissions.reported-total-mismatch", "emissions.anomalous-change"))
    rel = "activity/AD-2024-SRC-COAL-B.yaml"
    assert (f.file, f.line) == (rel, line_of(org, rel, "year:"))
    assert f.message == ("AD-2024-SRC-COAL-B and AD-2024-SRC-COAL both give activity data of SRC-COAL for 2024-01-01 to 2024-12-31: it would be counted twice")


@pytest.mark.parametrize("second_start,flagged", [("2024-07-01", False), ("2024-06-30", True)])
def test_half_years_meet_without_overlap(org, second_start, flagged):
    setup(org)
    (org.root / "activity" / "AD-2024-SRC-COAL.yaml").unlink()
    half(org, "AD-2024-H1", "2024-01-01", "2024-06-30")
    half(org, "AD-2024-H2", second_start, "2024-12-31")
    found = only(org.run(), "emissions.activity-overlap")
    assert bool(found) is flagged
    if flagged:
        assert found[0].file == "activity/AD-2024-H2.yaml" and "2024-06-30 to 2024-06-30" in found[0].message
    else:
        # two halves of 500 t: the year's 1,000 t
        assert org.run().results["emissions"]["years"]["2024"]["by_source"]["SRC-COAL"]["value"] == pytest.approx(20 * 25 * 44 / 12)


# -- emissions.measurement-without-equipment (A.9.1 c, 9.1.1) -----------------------------------
def cems_line(instrument=None):
    measured = {"unit": "tCO2", "values": [{"period": "2024-H1", "value": 900}, {"period": "2024-H2", "value": 933.333}]}
    if instrument:
        measured["instrument"] = instrument
    return {"method": "measurement", "measurement_method": "HJ 75", "measured": measured}


def test_measurement_without_equipment(org):
    setup(org)
    activity(org, 2024, "SRC-COAL", cems_line())
    [f] = only(
        org.run(), "emissions.measurement-without-equipment", allow=("emissions.reported-total-mismatch", "emissions.monitoring-plan-source-not-covered")
    )
    rel = "activity/AD-2024-SRC-COAL.yaml"
    assert (f.file, f.line, f.path) == (rel, line_of(org, rel, "measured:"), "line.measured")
    assert "no monitoring equipment is named" in f.message


def test_measurement_with_equipment(org):
    setup(org)
    put(
        org,
        "instruments",
        org.record(
            "measuring_instrument", "MI-CEMS", instrument_type="cems", measures="CO2 in flue gas", accuracy_class="±3 %", calibration_method="calibration"
        ),
    )
    activity(org, 2024, "SRC-COAL", cems_line(["MI-CEMS"]))
    result = org.run()
    assert emission_findings(result) == []
    # 900 + 933.333 tCO2, GWP 1
    assert result.results["emissions"]["years"]["2024"]["by_source"]["SRC-COAL"]["value"] == pytest.approx(1833.333)


# -- emissions.factor-samples-mean (6.1.2 e, A.6.1 b) ---------------------------------------------
def _factor(org, value, samples):
    put(
        org,
        "factors",
        org.record(
            "emission_factor",
            "EF-CC",
            parameter="carbon_content",
            fuel="coal",
            value=value,
            unit="tC/TJ",
            basis="calculated",
            source="月度元素碳加权平均",
            samples=samples,
        ),
    )


def test_factor_value_is_the_weighted_mean_of_its_samples(org):
    # by hand: (26.0×100 + 27.0×300) / 400 = 26.75; written with 2 decimals, rounding allows ±0.005
    setup(org)
    samples = [{"period": "2024-01", "value": 26.0, "weight": 100}, {"period": "2024-02", "value": 27.0, "weight": 300}]
    _factor(org, 26.75, samples)
    assert only(org.run(), "emissions.factor-samples-mean") == []
    _factor(org, 26.5, samples)  # the plain mean, not the weighted one
    [f] = only(org.run(), "emissions.factor-samples-mean")
    rel = "factors/EF-CC.yaml"
    assert (f.file, f.line, f.path) == (rel, line_of(org, rel, "value: 26.5"), "value")
    assert "value 26.5 tC/TJ is not the weighted mean of 2 samples (26.75); difference -0.25" in f.message


def test_factor_samples_without_weights_give_the_plain_mean_within_rounding(org):
    setup(org)
    samples = [{"period": "2024-01", "value": 21.31}, {"period": "2024-02", "value": 21.36}]  # mean 21.335
    _factor(org, 21.34, samples)  # 21.335 written with 2 decimals
    assert only(org.run(), "emissions.factor-samples-mean") == []
    _factor(org, 21.35, samples)  # 0.015 off: beyond rounding
    [f] = only(org.run(), "emissions.factor-samples-mean")
    assert "not the mean of 2 samples (21.335)" in f.message


def test_factor_samples_with_some_weights_missing(org):
    setup(org)
    _factor(org, 26.0, [{"period": "2024-01", "value": 26.0, "weight": 1}, {"period": "2024-02", "value": 26.0}])
    [f] = only(org.run(), "emissions.factor-samples-mean")
    assert f.path == "samples" and "1 of 2 samples have a weight" in f.message


# -- emissions.activity-row-invalid (6.1.2 e, A.9.1.1 b) ------------------------------------------
def _csv_coal(org, rows: str):
    org.add("activity/coal-2024.csv", "month,t,status\n" + rows)
    activity(
        org,
        2024,
        "SRC-COAL",
        coal_line(2024, activity={"unit": "t", "file": {"path": "coal-2024.csv", "column": "t", "period_column": "month", "status_column": "status"}}),
        period=JAN_FEB,
    )


# a row refused leaves its period without a valid row: emissions.activity-period-missing may say so
ROW_RULE = ("emissions.activity-row-invalid", "emissions.activity-period-missing") + PART_YEAR


@pytest.mark.parametrize(
    "rows, line, says",
    [
        ("2024-01,600,measured\n2024-01,400,measured\n", 3, "period '2024-01': the same period as row 2"),
        ("2024-01,600,measured\n2023-12,400,measured\n", 3, "outside the record's reporting year 2024"),
        ("2024-01,1386,measured\n2024-02,-386,measured\n", 3, "-386 in column 't': negative consumption"),
    ],
)
def test_activity_csv_rows_the_import_would_refuse(org, rows, line, says):
    setup(org)
    _csv_coal(org, rows)
    found = [f for f in only(org.run(), "emissions.activity-row-invalid", allow=ROW_RULE)]
    [f] = found
    assert (f.file, f.line, f.record) == ("activity/coal-2024.csv", line, "AD-2024-SRC-COAL") and says in f.message


def test_activity_csv_rows_near_miss(org):
    setup(org)
    _csv_coal(org, "2024-01,600,measured\n2024-02,400,measured\n")  # 1,000 t: the setup's total
    assert only(org.run(), "emissions.activity-row-invalid", allow=PART_YEAR) == []


def test_negative_inline_activity(org):
    setup(org)
    activity(org, 2024, "SRC-COAL", coal_line(2024, activity={"quantity": {"value": -171.5, "unit": "t"}}))
    [f] = only(org.run(), "emissions.activity-row-invalid", allow=ROW_RULE + ("emissions.anomalous-change",))
    rel = "activity/AD-2024-SRC-COAL.yaml"
    assert (f.file, f.path, f.line) == (rel, "line.activity.quantity.value", line_of(org, rel, "value: -171.5"))
    assert "-171.5 t is negative" in f.message


def test_activity_values_twice_the_same_month(org):
    setup(org)
    activity(
        org,
        2024,
        "SRC-COAL",
        coal_line(2024, activity={"unit": "t", "values": [{"period": "2024-01", "value": 600}, {"period": "2024-01", "value": 400}]}),
        period=JAN_FEB,
    )
    [f] = only(org.run(), "emissions.activity-row-invalid", allow=ROW_RULE)
    assert f.path == "line.activity.values[1].period" and "the same period as row 1" in f.message


# -- emissions.ch4-origin-unknown (F.2; AR6 WG1 Table 7.15) -------------------------------------
def _ch4_source(org, **line_over):
    put(org, "sources", org.record("emission_source", "SRC-CH4", facility="FAC-AUX", category="other", method="emission_factor"))
    line = {"method": "emission_factor", "gas": "CH4", "activity": {"quantity": {"value": 10, "unit": "t"}}, "ef": {"value": 1, "unit": "t/t", "source": "x"}}
    line.update(line_over)
    return activity(org, 2024, "SRC-CH4", line)


def test_ch4_of_unknown_origin_under_ar6_is_a_warning(org):
    setup(org)
    org.settings(subsystems=["A", "B", "C", "D"], gwp_set="AR6")
    rid = _ch4_source(org)
    found = [f for f in emission_findings(org.run()) if f.rule == "emissions.ch4-origin-unknown"]
    [f] = found
    assert f.severity == "warning" and f.file == f"activity/{rid}.yaml"
    assert f.line == line_of(org, f"activity/{rid}.yaml", "gas:") and "gas_origin" in f.hint


def test_ch4_with_its_origin_stated_or_under_ar5_is_no_finding(org):
    setup(org)
    org.settings(subsystems=["A", "B", "C", "D"], gwp_set="AR6")
    _ch4_source(org, gas_origin="non-fossil")
    assert [f for f in emission_findings(org.run()) if f.rule == "emissions.ch4-origin-unknown"] == []
    org.settings(subsystems=["A", "B", "C", "D"], gwp_set="AR5")
    _ch4_source(org)
    assert [f for f in emission_findings(org.run()) if f.rule == "emissions.ch4-origin-unknown"] == []


def test_monthly_elemental_carbon_line_is_valid_and_computed(org):
    # 2024 coal given per month with elemental carbon: Jan 500 t × 0.50 + Feb 500 t × 0.50 (batches
    # 52 % on 300 t and 47 % on 200 t: (52×300 + 47×200)/500 = 50 %), OF 100 %:
    # E = 1,000 t × 0.50 × 1 × 44/12 = 1,833.333… tCO2, the same as the per-heat line it replaces
    setup(org)
    line = {
        "method": "emission_factor",
        "fuel": "coal",
        "oxidation": {"value": 100, "unit": "%", "basis": "calculated", "source": "ash analysis"},
        "months": [
            {
                "period": "2024-01",
                "consumption": {"value": 500, "unit": "t"},
                "carbon_content": {"value": 50, "unit": "%", "basis": "measured", "source": "lab"},
            },
            {
                "period": "2024-02",
                "consumption": {"value": 500, "unit": "t"},
                "carbon_content": {"unit": "%", "basis": "measured", "source": "lab", "samples": [{"value": 52, "weight": 300}, {"value": 47, "weight": 200}]},
            },
        ],
    }
    activity(org, 2024, "SRC-COAL", line)
    result = org.run()
    assert only(result, "schema.invalid") == []
    entry = result.results["emissions"]["years"]["2024"]["entries"]["AD-2024-SRC-COAL"]
    assert entry["total"]["value"] == pytest.approx(TOTAL[2024] - 57.03, rel=1e-12)


def test_cems_line_is_valid_and_its_equipment_is_required(org):
    # SRC-COAL 2024 measured by CEMS instead: 3 hours at 1,000,000 Nm3/h dry, 10 % CO2, 1.977 kg/Nm3
    # = 3 × 197.7 = 593.1 t CO2
    setup(org)
    org.add("activity/cems-2024.csv", "time,co2,flow,valid\n2024-01-01 00:00,10,1000000,1\n2024-01-01 01:00,10,1000000,1\n2024-01-01 02:00,10,1000000,1\n")
    line = {
        "method": "measurement",
        "gas": "CO2",
        "cems": {
            "path": "cems-2024.csv",
            "time_column": "time",
            "concentration_column": "co2",
            "concentration_unit": "%",
            "flow_column": "flow",
            "flow_unit": "Nm3/h",
            "flow_basis": "dry",
            "valid_column": "valid",
            "substitution": "previous_valid",
        },
    }
    activity(org, 2024, "SRC-COAL", line)
    result = org.run()
    entry = result.results["emissions"]["years"]["2024"]["entries"]["AD-2024-SRC-COAL"]
    assert entry["total"]["value"] == pytest.approx(593.1, rel=1e-12)
    assert entry["cems"]["intervals"] == 3
    found = [f for f in emission_findings(result) if f.rule in ("schema.invalid", "emissions.measurement-without-equipment")]
    [f] = found
    assert f.rule == "emissions.measurement-without-equipment" and f.line == line_of(org, "activity/AD-2024-SRC-COAL.yaml", "cems:")


def _cems_setup(org, substitution="previous_valid", planned=None):
    # 3 hours, the middle one invalid: previous_valid gives 3 × 197.7 = 593.1 t
    setup(org)
    org.add("activity/cems-2024.csv", "time,co2,flow,valid\n2024-01-01 00:00,10,1000000,1\n2024-01-01 01:00,10,1000000,0\n2024-01-01 02:00,10,1000000,1\n")
    line = {
        "method": "measurement",
        "gas": "CO2",
        "cems": {
            "path": "cems-2024.csv",
            "time_column": "time",
            "concentration_column": "co2",
            "concentration_unit": "%",
            "flow_column": "flow",
            "flow_unit": "Nm3/h",
            "flow_basis": "dry",
            "valid_column": "valid",
            "substitution": substitution,
            "instrument": [],
        },
    }
    activity(org, 2024, "SRC-COAL", line)
    sources = plan_sources()
    sources[0] = {
        "source": "SRC-COAL",
        "method": "measurement",
        "items": [
            {
                "parameter": "measured",
                "basis": "measured",
                "method": "CEMS",
                "frequency": "continuous",
                "responsible": "env dept",
                "record_form": "DAS",
                **({"substitution": planned} if planned else {}),
            }
        ],
    }
    put(org, "monitoring", org.record("monitoring_plan", "MP-1", **plan(sources=sources)))


def test_cems_substitution_other_than_planned(org):
    _cems_setup(org, substitution="maximum_of_valid", planned="previous_valid")
    [f] = [f for f in emission_findings(org.run()) if f.rule == "emissions.cems-substitution-not-planned"]
    assert "maximum_of_valid" in f.message and "names previous_valid" in f.message
    assert f.line == line_of(org, "activity/AD-2024-SRC-COAL.yaml", "substitution:")


def test_cems_substitution_without_a_planned_method_and_the_near_miss(org):
    _cems_setup(org)
    [f] = [f for f in emission_findings(org.run()) if f.rule == "emissions.cems-substitution-not-planned"]
    assert "1 CEMS intervals" in f.message and "names no substitution method" in f.message
    _cems_setup(org, planned="previous_valid")
    assert [f for f in emission_findings(org.run()) if f.rule == "emissions.cems-substitution-not-planned"] == []


# -- two boundaries: the national ETS figure beside the full inventory ---------------------------
def test_ets_boundary_beside_the_full_inventory(org):
    # 2024: coal 1,833.333… + electricity 57.03 are in the ETS boundary of a power facility; a
    # desulfurization source of 100 t CaCO3 at 100 % purity × 0.440 tCO2/t × 100 % = 44 tCO2 is in
    # the full inventory only: inventory 1,934.363…, ETS 1,890.363…, difference 44 (by SRC-FGD)
    setup(org)
    put(org, "sources", org.record("emission_source", "SRC-FGD", facility="FAC-1", category="desulfurization", method="desulfurization", material="CaCO3"))
    activity(
        org,
        2024,
        "SRC-FGD",
        {
            "method": "desulfurization",
            "material": "CaCO3",
            "activity": {"quantity": {"value": 100, "unit": "t"}},
            "purity": {"value": 100, "unit": "%", "source": "lab"},
        },
    )
    result = org.run()
    inv = result.results["emissions"]["years"]["2024"]
    assert inv["total"]["value"] == pytest.approx(TOTAL[2024] + 44, rel=1e-12)
    assert inv["ets"]["total"]["value"] == pytest.approx(TOTAL[2024], rel=1e-12)
    assert inv["ets"]["difference"]["value"] == pytest.approx(44, rel=1e-12)
    fgd = inv["ets"]["by_source"]["SRC-FGD"]
    assert (fgd["in_ets"], fgd["difference"]) == (False, pytest.approx(44)) and "desulfurization" in fgd["why"]
    # a source can say otherwise
    put(
        org,
        "sources",
        org.record("emission_source", "SRC-FGD", facility="FAC-1", category="desulfurization", method="desulfurization", material="CaCO3", ets_boundary=True),
    )
    inv = org.run().results["emissions"]["years"]["2024"]
    assert inv["ets"]["difference"]["value"] == pytest.approx(0, abs=1e-9)


def test_a_month_parameter_without_source_is_found(org):
    setup(org)
    line = {
        "method": "emission_factor",
        "fuel": "coal",
        "oxidation": {"value": 100, "unit": "%", "basis": "calculated", "source": "ash analysis"},
        "months": [
            {"period": "2024-01", "consumption": {"value": 1000, "unit": "t"}, "carbon_content": {"unit": "%", "samples": [{"value": 50, "weight": 1}]}}
        ],
    }
    activity(org, 2024, "SRC-COAL", line)
    [f] = [f for f in emission_findings(org.run()) if f.rule == "emissions.factor-without-source"]
    assert "line.months[0].carbon_content = (1 samples) %" in f.message


# -- attached tables that cannot be read: a located finding at the row, never a crash ------------
def test_an_activity_csv_cell_over_the_csv_limit_is_a_finding_at_its_row(org):
    setup(org)
    _csv_coal(org, '2024-01,600,measured\n2024-02,"' + "4" * 131_073 + '",measured\n')
    result = org.run()
    assert [f for f in result.findings if f.rule == "rules.crashed"] == []
    [f] = [f for f in result.findings if f.rule == "emissions.compute"]
    assert (f.file, f.line, f.record, f.path) == ("activity/coal-2024.csv", 3, "AD-2024-SRC-COAL", "line.activity.file.path")
    assert f.message == ("the data file 'coal-2024.csv': a cell holds more than 131072 characters, more than the limit of 65536 (limits.max_cell_chars)")


def test_an_activity_csv_over_the_table_limit_is_refused_on_its_size(org):
    setup(org)
    org.settings(limits={"max_table_bytes": 2048})
    _csv_coal(org, "2024-01,600,measured\n" * 100)  # 15 + 100 * 21 = 2115 bytes
    [f] = [f for f in org.run().findings if f.rule == "emissions.compute"]
    assert (f.file, f.line) == ("activity/coal-2024.csv", 1)
    assert f.message == ("the data file 'coal-2024.csv': the file is 2115 bytes, more than the limit of 2048 (limits.max_table_bytes)")


def test_a_10000_row_csv_reports_its_bad_rows_at_their_lines_read_once(org):
    """The computation and emissions.activity-row-invalid read the file once (issue 19): the
    check reports from the computation's scan, at the rows' lines, with the same messages."""
    import datetime as dt
    from cms_build.rules import bundled_module

    setup(org)
    start = dt.datetime(2024, 1, 1)
    periods = [(start + dt.timedelta(minutes=30 * i)).strftime("%Y-%m-%dT%H:%M") for i in range(10_000)]
    rows = [f"{p},0.1,measured" for p in periods]  # row i at line i + 2
    rows[3000] = f"{periods[2999]},0.1,measured"  # line 3,002: the period of row 2,999 (line 3,001)
    rows[6000] = f"{periods[6000]},-5,measured"  # line 6,002: negative
    rows[9000] = "2023-12-31T23:30,0.1,measured"  # line 9,002: outside 2024
    rows[4000] = f"{periods[4000]},0.1,estimated"  # not a finding: an estimate is a value
    _csv_coal(org, "\n".join(rows) + "\n")
    scans = []
    ar = bundled_module("emissions.activity_rows")
    real = ar._scan
    ar._scan = lambda *a, **k: scans.append(a[2]) or real(*a, **k)
    try:
        result = org.run()
    finally:
        ar._scan = real
    found = only(result, "emissions.activity-row-invalid", allow=ROW_RULE + ("emissions.gap-without-filling-method",))
    # the estimated row is the one gap named (line 4,002 is 2024-03-24T08:00: 4,000 half hours = 83 days 8 h)
    [gap] = [f for f in emission_findings(result) if f.rule == "emissions.gap-without-filling-method"]
    assert f"({periods[4000]} (estimated))" in gap.message and periods[4000] == "2024-03-24T08:00"
    assert [(f.file, f.line, f.message) for f in found] == [
        ("activity/coal-2024.csv", 3002, f"period '{periods[2999]}': the same period as row 3001"),
        ("activity/coal-2024.csv", 6002, "-5 in column 't': negative consumption: activity data is never below zero"),
        ("activity/coal-2024.csv", 9002, "period '2023-12-31T23:30': outside the record's reporting year 2024"),
    ]
    assert scans == ["activity/coal-2024.csv"]  # one pass for the computation and the check


@pytest.mark.parametrize(
    "period, ok",
    [("2024-03-05T07:30", True), ("2024-03-05T07:30:15", True), ("2024-03-05T24:00", False), ("2024-03-05 07:30", False), ("2024-03-05T7:30", False)],
)
def test_a_period_may_carry_a_time_of_day(period, ok):
    from checks.emissions import activity_rows

    assert (activity_rows.period_problem(period, 2024, {}) is None) is ok

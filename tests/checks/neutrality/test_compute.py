"""checks/neutrality/compute.py: the claim computation and the claim rules (D.6.5.2.4, D.8.2.4-6, D.10).

Readings 1-5 of shared/standard/README.md are tested with as-of and event dates exactly on
and either side of each deadline.
"""

from __future__ import annotations

import pytest

from tests.checks.neutrality_org import claim, credit, elec_line, footprint, line_of, neutrality_findings, plan, put, retirement, setup


def claim_result(result, cid="NC-1"):
    return result.results["neutrality"]["claims"][cid]


# -- the complete setup: a near miss for every rule -----------------------------------------------
def test_complete_setup_has_no_finding(org):
    setup(org)
    result = org.run("2026-06-30")
    assert neutrality_findings(result) == []
    c = claim_result(result)
    # E = 1000 MWh × 0.5 tCO2/MWh = 500; R (counted inside) = 0; B = 500; C = 500; S = 0
    b = c["balance"]
    assert [b[k]["value"] for k in ("emissions", "reductions", "to_offset", "retired", "surplus")] == pytest.approx([500, 0, 500, 500, 0])
    assert c["covered"] is True
    # reflected reduction 20: share = 20 / (500 + 20) × 100 = 3.846…%
    assert c["reduction_share"]["value"] == pytest.approx(2000 / 520)
    assert c["grade"]["grade"] == "Gold" and "afforestation" in c["grade"]["reason"]
    # 2027-02-28 - 2026-06-30 = 243 days
    assert c["status"] == {
        "status": "valid",
        "reason": "有效期 2026-03-01 至 2027-02-28 · valid 2026-03-01 to 2027-02-28",
        "last_valid_day": "2027-02-28",
        "deadline": None,
        "days_left": 243,
        "withdraw_from": None,
        # derived with the findings (cms_build/statuses.py): none, so valid and green
        "computed": "valid",
        "tone": "good",
        "reasons": [],
    }
    assert c["grade"]["current"] is True and c["grade"]["computed_grade"] == "Gold"
    assert c["offset_kinds"] == ["forest_sink"]
    assert result.results["neutrality"]["settings"]["correction_window_months"] == 3


def test_rules_run_only_when_d_is_adopted(org):
    org.settings(subsystems=["A"])
    setup(org, NC_1=claim(valid_until="2027-03-31"))
    result = org.run("2026-06-30")
    assert "neutrality" not in result.results
    assert not [f for f in result.findings if f.rule.startswith("neutrality")]


# -- reading 1: validity at most one year less a day --------------------------------------------
@pytest.mark.parametrize(
    "start, until, flagged",
    [
        ("2026-03-01", "2027-02-28", False),  # exactly one year less a day
        ("2026-03-01", "2027-03-01", True),  # one day too long
        ("2026-03-01", "2027-02-27", False),
        ("2024-02-29", "2025-02-28", False),  # leap day start
        ("2024-02-29", "2025-03-01", True),
    ],
)
def test_claim_validity_too_long(org, start, until, flagged):
    paths = setup(org, NC_1=claim(achieved_on=start, valid_from=start, valid_until=until))
    found = org.of(org.run("2026-06-30"), "neutrality.claim-validity-too-long")
    if not flagged:
        assert found == []
        return
    [f] = found
    assert (f.file, f.line) == (paths["NC-1"], line_of(org, paths["NC-1"], "valid_until:"))
    assert f.clauses == ("D.10",) and "may be" in f.message and f.severity == "error"


def test_validity_setting_of_two_years(org):
    org.settings(neutrality={"claim_max_validity_years": 2})
    setup(org, NC_1=claim(valid_until="2028-02-29"))
    assert org.of(org.run("2026-06-30"), "neutrality.claim-validity-too-long") == []
    org.settings(neutrality={"claim_max_validity_years": 2})
    setup(org, NC_1=claim(valid_until="2028-03-01"))
    [f] = org.of(org.run("2026-06-30"), "neutrality.claim-validity-too-long")
    assert "2028-02-29 at the latest" in f.message


@pytest.mark.parametrize(
    "as_of, status",
    [
        ("2027-02-28", "expiring"),  # last valid day, 0 days left
        ("2027-03-01", "expired"),
        ("2026-12-30", "expiring"),  # 60 days left
        ("2026-12-29", "valid"),  # 61 days left
        ("2026-02-28", "not_yet_valid"),
    ],
)
def test_status_at_the_as_of_date(org, as_of, status):
    setup(org)
    assert claim_result(org.run(as_of))["status"]["status"] == status


def test_expiring_days_is_a_setting(org):
    org.settings(neutrality={"expiring_soon_days": 10})
    setup(org)
    assert claim_result(org.run("2027-02-17"))["status"]["status"] == "valid"  # 11 days left
    assert claim_result(org.run("2027-02-18"))["status"]["status"] == "expiring"  # 10 days left


# -- shown when not valid --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "until, as_of, severity",
    [
        (None, "2027-02-28", None),  # still valid: may be shown
        (None, "2027-03-01", "error"),  # expired and still shown
        ("2027-03-01", "2027-04-01", None),  # taken down the day after the last valid day
        ("2027-03-02", "2027-04-01", "warning"),  # taken down one day late
        ("2027-03-02", "2027-03-01", "error"),  # on 2027-03-01 it was still up
    ],
)
def test_claim_shown_when_not_valid(org, until, as_of, severity):
    shown = {"channel": "网站", "from": "2026-03-05"}
    if until:
        shown["until"] = until
    paths = setup(org, NC_1=claim(disclosures=[shown]))
    found = org.of(org.run(as_of), "neutrality.claim-shown-when-not-valid")
    if severity is None:
        assert found == []
        return
    [f] = found
    assert f.severity == severity and f.file == paths["NC-1"]
    assert f.path in ("disclosures[0]", "disclosures[0].until")
    assert "2027-03-01" in f.message  # the day it had to come down


# -- reading 2: corrective action within three months ---------------------------------------------
def event(date, corrections=(), **over):
    d = dict(
        claim="NC-1",
        date=date,
        event_type="footprint_recalculation",
        description="漏计",
        corrections=[{"description": "追加注销", "effective_on": c} for c in corrections],
    )
    d.update(over)
    return d


@pytest.mark.parametrize(
    "event_date, as_of, corrected_on, expected",
    [
        # event 2026-03-31 -> deadline 2026-06-30
        ("2026-03-31", "2026-06-29", None, "correction_pending"),
        ("2026-03-31", "2026-06-30", None, "correction_pending"),
        ("2026-03-31", "2026-07-01", None, "withdrawn"),
        ("2026-03-31", "2026-07-01", "2026-06-30", "valid"),
        ("2026-03-31", "2026-07-01", "2026-07-01", "withdrawn"),
        # month ends: event 2026-05-31 -> deadline 2026-08-31
        ("2026-05-31", "2026-08-31", None, "correction_pending"),
        ("2026-05-31", "2026-09-01", None, "withdrawn"),
        ("2026-05-31", "2026-09-01", "2026-08-31", "valid"),
        # event 2026-11-30 -> deadline 2027-02-28, the claim's own last valid day
        ("2026-11-30", "2027-02-28", None, "correction_pending"),
        ("2026-11-30", "2027-03-01", None, "expired"),
        ("2026-11-27", "2027-02-28", None, "withdrawn"),  # deadline 2027-02-27
    ],
)
def test_correction_window_status(org, event_date, as_of, corrected_on, expected):
    setup(org)
    put(org, "claim_event", "CE-1", event(event_date, [corrected_on] if corrected_on else []))
    c = claim_result(org.run(as_of))
    assert c["status"]["status"] == expected
    if expected == "correction_pending":
        assert c["status"]["deadline"] == c["events"][0]["deadline"]


def test_open_event_is_a_warning_naming_the_deadline(org):
    setup(org)
    rel = put(org, "claim_event", "CE-1", event("2026-03-31"))
    result = org.run("2026-06-30")
    [f] = org.of(result, "neutrality.correction-pending")
    assert (f.severity, f.file, f.line) == ("warning", rel, line_of(org, rel, "date: '2026-03-31'"))
    assert "by 2026-06-30 (0 day(s) left)" in f.message
    assert org.of(result, "neutrality.claim-not-withdrawn") == []


def test_lapsed_event_requires_withdrawal(org):
    paths = setup(org)
    put(org, "claim_event", "CE-1", event("2026-03-31"))
    result = org.run("2026-07-01")
    [f] = org.of(result, "neutrality.claim-not-withdrawn")
    assert (f.file, f.line) == (paths["NC-1"], line_of(org, paths["NC-1"], "status: approved"))
    assert "2026-06-30" in f.message and "from 2026-07-01" in f.message and f.clauses == ("D.10",)
    assert org.of(result, "neutrality.correction-pending") == []


def test_late_correction_is_named(org):
    setup(org)
    rel = put(org, "claim_event", "CE-1", event("2026-03-31", ["2026-07-01"]))
    result = org.run("2026-07-02")
    [f] = org.of(result, "neutrality.claim-not-withdrawn")
    assert "2026-07-01 came too late" in f.message
    [g] = org.of(result, "neutrality.correction-pending")
    assert (g.severity, g.file) == ("error", rel) and "after the deadline 2026-06-30" in g.message


def test_correction_on_the_deadline_leaves_no_finding(org):
    setup(org)
    put(org, "claim_event", "CE-1", event("2026-03-31", ["2026-06-30"]))
    result = org.run("2026-07-01")
    assert org.of(result, "neutrality.claim-not-withdrawn") == []
    assert org.of(result, "neutrality.correction-pending") == []


def test_event_assessed_as_not_invalidating(org):
    setup(org)
    put(org, "claim_event", "CE-1", event("2026-03-31", invalidates=False, assessment="immaterial"))
    result = org.run("2026-09-01")
    assert claim_result(result)["status"]["status"] == "valid"
    assert org.of(result, "neutrality.claim-not-withdrawn") == []


@pytest.mark.parametrize("withdrawn_on, warned", [("2026-07-01", False), ("2026-06-15", False), ("2026-07-05", True)])
def test_withdrawn_claim(org, withdrawn_on, warned):
    paths = setup(
        org, NC_1=claim(status="withdrawn", withdrawn_on=withdrawn_on, disclosures=[{"channel": "网站", "from": "2026-03-05", "until": withdrawn_on}])
    )
    put(org, "claim_event", "CE-1", event("2026-03-31"))
    result = org.run("2026-07-10")
    assert claim_result(result)["status"]["status"] == "withdrawn"
    found = org.of(result, "neutrality.claim-not-withdrawn")
    if not warned:
        assert found == []
        return
    [f] = found
    assert (f.severity, f.file, f.line) == ("warning", paths["NC-1"], line_of(org, paths["NC-1"], "withdrawn_on:"))
    assert "4 day(s) after" in f.message


def test_window_is_a_setting(org):
    org.settings(neutrality={"correction_window_months": 1})
    setup(org)
    put(org, "claim_event", "CE-1", event("2026-03-31"))  # deadline 2026-04-30
    assert claim_result(org.run("2026-05-01"))["status"]["status"] == "withdrawn"
    assert claim_result(org.run("2026-04-30"))["status"]["deadline"] == "2026-04-30"


def test_facts_after_the_as_of_date_are_ignored(org):
    setup(org)
    put(org, "claim_event", "CE-1", event("2026-07-15"))
    c = claim_result(org.run("2026-06-30"))
    assert c["events"] == [] and c["status"]["status"] == "valid"


# -- reading 5: balance ----------------------------------------------------------------------------
def test_balance_not_covered(org):
    paths = setup(org, OC_1=credit(retirements=[retirement(quantity=499)]))
    [f] = org.of(org.run("2026-06-30"), "neutrality.claim-balance-not-covered")
    assert (f.file, f.line) == (paths["NC-1"], line_of(org, paths["NC-1"], "footprint: CF-2025"))
    # 500 - 499 = 1 short
    assert "short by 1.000 tCO2e" in f.message and "(499 tCO2e)" in f.message


def test_reductions_inside_the_footprint_are_deducted(org):
    # E = 500; R counted inside = 20 -> B = 480; 480 retired: covered
    red = [{"action": "RA-1", "tco2e": 20, "period": {"start": "2025-01-01", "end": "2025-12-31"}, "counted_in_footprint": True}]
    setup(org, NC_1=claim(reductions=red, offset_tco2e=480), OC_1=credit(retirements=[retirement(quantity=480)]))
    result = org.run("2026-06-30")
    assert org.of(result, "neutrality.claim-balance-not-covered") == []
    assert claim_result(result)["balance"]["to_offset"]["value"] == pytest.approx(480)


def test_reductions_larger_than_the_footprint(org):
    red = [{"action": "RA-1", "tco2e": 600, "period": {"start": "2025-01-01", "end": "2025-12-31"}, "counted_in_footprint": True}]
    setup(org, NC_1=claim(reductions=red))
    [f] = org.of(org.run("2026-06-30"), "neutrality.claim-balance-not-covered")
    assert "exceed" in f.message and f.path == "reductions"


def test_event_emissions_join_the_balance(org):
    # E = 500 + 12.5 = 512.5; 500 retired -> short by 12.5; after 13 more retired on 2026-04-20: covered
    setup(org)
    put(org, "claim_event", "CE-1", event("2026-04-01", ["2026-04-20"], additional_tco2e=12.5))
    [f] = org.of(org.run("2026-06-30"), "neutrality.claim-balance-not-covered")
    assert "short by 12.500" in f.message
    setup(org, OC_1=credit(retirements=[retirement(), retirement(quantity=13, first=501, date="2026-04-20")]))
    result = org.run("2026-06-30")
    assert org.of(result, "neutrality.claim-balance-not-covered") == []
    # the retirement and the correction count only from their date: on 2026-04-19 neither is there
    c = claim_result(org.run("2026-04-19"))
    assert c["balance"]["retired"]["value"] == 500 and c["balance"]["emissions"]["value"] == 512.5
    # its dates say correction pending, but 512.5 t to offset against 500 retired is an error on the balance
    assert c["status"]["computed"] == "correction_pending" and c["status"]["deadline"] == "2026-07-01"
    assert c["status"]["status"] == "invalid" and c["grade"]["grade"] is None


@pytest.mark.parametrize("stated, warned", [(500.5, False), (499.5, False), (500.6, True)])
def test_stated_offset_must_match(org, stated, warned):
    paths = setup(org, NC_1=claim(offset_tco2e=stated))
    found = org.of(org.run("2026-06-30"), "neutrality.claim-offset-mismatch")
    assert bool(found) == warned
    if warned:
        assert (found[0].file, found[0].line) == (paths["NC-1"], line_of(org, paths["NC-1"], "offset_tco2e:"))


@pytest.mark.parametrize("kinds, flagged", [(["energy_indirect"], True), (["energy_indirect", "other_indirect"], False)])
def test_offset_kinds_name_every_footprint_category(org, kinds, flagged):
    # 900 MWh × 0.5 = 450 t energy_indirect + 100 MWh × 0.5 = 50 t other_indirect = 500 t, all offset
    fp = footprint(lines=[elec_line(900), elec_line(100, source="通勤", category="other_indirect")])
    paths = setup(org, CF_2025=fp, NC_1=claim(offset_emission_types=kinds))
    found = org.of(org.run("2026-06-30"), "neutrality.claim-offset-mismatch")
    assert bool(found) == flagged
    if flagged:
        [f] = found
        assert (f.file, f.path, f.line) == (
            paths["NC-1"],
            "offset_emission_types",
            line_of(org, paths["NC-1"], "- energy_indirect", after="offset_emission_types:"),
        )
        assert "counts 50.000 tCO2e of other_indirect emissions" in f.message and f.clauses == ("D.6.1.1 c", "D.6.5.2.4 e")


@pytest.mark.parametrize(
    "start, end, flagged",
    [("2025-01-01", "2025-12-31", False), ("2024-12-31", "2025-12-31", True), ("2025-01-15", "2026-01-01", True)],
)
def test_reductions_lie_within_the_footprint_period(org, start, end, flagged):
    # the footprint CF-2025 covers 2025-01-01..2025-12-31: a reduction a day either side of it is outside
    reductions = [{"action": "RA-1", "tco2e": 20, "period": {"start": start, "end": end}, "counted_in_footprint": False}]
    paths = setup(org, NC_1=claim(reductions=reductions))
    found = [f for f in org.of(org.run("2026-06-30"), "neutrality.claim-inconsistent") if f.path.startswith("reductions")]
    assert bool(found) == flagged
    if flagged:
        [f] = found
        assert (f.file, f.path, f.clauses) == (paths["NC-1"], "reductions[0].period", ("D.6.1.1 b", "D.6.5.2.4 d"))
        assert f"measured over {start}..{end}, outside the period of footprint CF-2025 (2025-01-01..2025-12-31)" in f.message


# -- reading 3 and 4: grades and kinds -------------------------------------------------------------
def credits_for(org, *specs):
    """One credit record per (ptype, vintage, quantity), each retiring all its credits for NC-1."""
    first = 1
    for i, (ptype, vintage, qty, *std) in enumerate(specs, 1):
        block = f"B{i}"
        fields = credit(ptype=ptype, vintage=vintage, quantity=qty, block=block, first=first, retirements=[retirement(quantity=qty, block=block, first=first)])
        if std:
            fields["standard"] = std[0]
        put(org, "offset_credit", f"OC-{i}", fields)


@pytest.mark.parametrize(
    "specs, grade",
    [
        ([("afforestation", 2010, 500)], "Gold"),
        ([("ccus", 2024, 500)], "Gold"),
        ([("renewable_power", 2021, 500)], "Silver"),  # achieved 2026: 5 years before
        ([("renewable_power", 2020, 500)], "Bronze"),  # 6 years before
        ([("landfill_gas", 2021, 500)], "Silver"),
        ([("coal_mine_methane", 2020, 500)], "Bronze"),
        ([("afforestation", 2023, 250), ("renewable_power", 2024, 250)], "Silver"),
        ([("afforestation", 2023, 250), ("energy_efficiency", 2019, 250)], "Bronze"),
    ],
)
def test_claim_grade(org, specs, grade):
    setup(org, skip=("OC-1",))
    credits_for(org, *specs)
    result = org.run("2026-06-30")
    g = claim_result(result)["grade"]
    assert g["grade"] == grade
    assert len(g["credits"]) == len(specs)
    assert neutrality_findings(result) == []


def test_grade_reason_names_each_credit(org):
    setup(org, skip=("OC-1",))
    credits_for(org, ("afforestation", 2023, 250), ("renewable_power", 2020, 250))
    g = claim_result(org.run("2026-06-30"))["grade"]
    assert g["grade"] == "Bronze"
    assert "OC-1: Gold" in g["reason"] and "OC-2: Bronze" in g["reason"] and "6 years before 2026 > 5" in g["reason"]


def test_ungraded_standard_is_reported_as_info(org):
    setup(org, skip=("OC-1",))
    credits_for(org, ("afforestation", 2023, 500, "local_pilot"))
    result = org.run("2026-06-30")
    [f] = org.of(result, "neutrality.claim-not-graded")
    assert f.severity == "info" and "local_pilot" in f.message
    assert claim_result(result)["grade"]["grade"] is None


def test_silver_window_setting_moves_the_boundary(org):
    org.settings(neutrality={"silver_vintage_years": 3})
    setup(org, skip=("OC-1",))
    credits_for(org, ("renewable_power", 2023, 500))  # 2026 - 2023 = 3: Silver
    assert claim_result(org.run("2026-06-30"))["grade"]["grade"] == "Silver"
    credits_for(org, ("renewable_power", 2022, 500))  # 4 > 3: Bronze
    assert claim_result(org.run("2026-06-30"))["grade"]["grade"] == "Bronze"


def test_more_than_two_offset_kinds(org):
    paths = setup(org, skip=("OC-1",))
    credits_for(org, ("afforestation", 2023, 200), ("ccus", 2024, 150), ("renewable_power", 2024, 150))
    [f] = org.of(org.run("2026-06-30"), "neutrality.too-many-offset-kinds")
    assert f.file == paths["NC-1"] and "3 kinds (forest_sink, ccus, voluntary_reduction)" in f.message
    assert f.clauses == ("D.8.2.4",)


def test_two_kinds_and_domestic_plus_foreign_voluntary_are_allowed(org):
    setup(org, skip=("OC-1",))
    credits_for(org, ("afforestation", 2023, 200), ("renewable_power", 2024, 150, "CCER"), ("landfill_gas", 2024, 150, "VCS"))
    result = org.run("2026-06-30")
    assert org.of(result, "neutrality.too-many-offset-kinds") == []
    assert claim_result(result)["offset_kinds"] == ["forest_sink", "voluntary_reduction"]


def test_offset_kind_settings(org):
    org.settings(neutrality={"offset_kind_basis": "standard"})
    setup(org, skip=("OC-1",))
    credits_for(org, ("afforestation", 2023, 200), ("renewable_power", 2024, 150, "CCER"), ("landfill_gas", 2024, 150, "VCS"))
    assert org.of(org.run("2026-06-30"), "neutrality.too-many-offset-kinds") == []  # CCER, VCS
    org.settings(neutrality={"max_offset_kinds": 1})
    assert len(org.of(org.run("2026-06-30"), "neutrality.too-many-offset-kinds")) == 1


# -- consistency, evidence, reduction over time ----------------------------------------------------
def test_claim_inconsistent(org):
    paths = setup(org, NC_1=claim(achieved_on="2025-12-31", valid_from="2025-12-30", valid_until="2026-12-29"))
    found = org.of(org.run("2026-06-30"), "neutrality.claim-inconsistent")
    assert {f.path for f in found} == {"achieved_on", "valid_from", "evaluation.date"}  # evaluated 2026-02-14, after valid_from
    assert all(f.file == paths["NC-1"] for f in found)


def test_a_claim_valid_before_its_evaluation(org):
    """The evaluation of 2026-03-10 comes after the claim took effect on 2026-03-01 (achieved
    2026-02-16): the claim was in force before it was evaluated (D.6.5.2.4 g)."""
    ev = {"form": "independent_third_party", "body": "V", "date": "2026-03-10", "result": "conforming", "covers_method_and_quantity": True}
    paths = setup(org, NC_1=claim(evaluation=ev))
    [f] = org.of(org.run("2026-06-30"), "neutrality.claim-inconsistent")
    assert (f.file, f.path, f.severity) == (paths["NC-1"], "evaluation.date", "error")
    assert f.message == "the claim is valid from 2026-03-01, but its evaluation is dated 2026-03-10: it was in force before it was evaluated"
    ev["date"] = "2026-03-01"  # evaluated the day it takes effect
    setup(org, NC_1=claim(evaluation=ev))
    assert org.of(org.run("2026-06-30"), "neutrality.claim-inconsistent") == []


def test_nonconforming_evaluation(org):
    ev = {"form": "independent_third_party", "body": "V", "date": "2026-02-14", "result": "nonconforming", "covers_method_and_quantity": True}
    setup(org, NC_1=claim(evaluation=ev))
    [f] = org.of(org.run("2026-06-30"), "neutrality.claim-inconsistent")
    assert f.path == "evaluation.result"


def test_evidence_missing(org):
    ev = {"form": "self", "date": "2026-02-14", "result": "conforming"}
    c = claim(evaluation=ev, reductions=[])
    del c["offset_emission_types"]
    setup(org, NC_1=c, OC_1=credit(retirements=[]))
    found = org.of(org.run("2026-06-30"), "neutrality.claim-evidence-missing")
    assert sorted(f.clauses for f in found) == [("D.6.1.1 a",), ("D.6.1.1 b",), ("D.6.1.1 c",), ("D.6.1.1 c",)]
    assert any("third party" in f.message and "self" in f.message for f in found)


def test_no_reduction_against_the_earlier_claim(org):
    setup(org)
    put(org, "carbon_footprint", "CF-2024", footprint(2024, mwh=1000))
    put(org, "offset_credit", "OC-0", credit(block="B0", retirements=[retirement("NC-0", block="B0", date="2025-02-10")], purchase={"date": "2025-01-10"}))
    put(
        org, "neutrality_claim", "NC-0", claim(footprint="CF-2024", achieved_on="2025-02-16", valid_from="2025-03-01", valid_until="2026-02-28", disclosures=[])
    )
    # 2025: 500 t over 365 days, 2024: 500 t over 366 days -> per day 1.3699 >= 1.3661: no reduction
    result = org.run("2026-06-30")
    [f] = org.of(result, "neutrality.no-reduction-against-earlier")
    assert f.record == "NC-1" and "NC-0" in f.message and f.severity == "warning"
    put(org, "carbon_footprint", "CF-2024", footprint(2024, mwh=1100))  # 550 t in 2024: 2025 is lower
    assert org.of(org.run("2026-06-30"), "neutrality.no-reduction-against-earlier") == []


def test_superseded_claim(org):
    setup(org, NC_1=claim(supersedes="NC-0"))
    put(org, "carbon_footprint", "CF-2024", footprint(2024, mwh=1100))
    put(
        org,
        "offset_credit",
        "OC-0",
        credit(block="B0", retirements=[retirement("NC-0", quantity=550, block="B0", date="2025-02-10")], purchase={"date": "2025-01-10"}),
    )
    put(
        org,
        "neutrality_claim",
        "NC-0",
        claim(
            footprint="CF-2024",
            achieved_on="2025-02-16",
            valid_from="2025-03-01",
            valid_until="2026-02-28",
            offset_tco2e=550,
            reductions=[{"action": "RA-1", "tco2e": 20, "period": {"start": "2024-01-15", "end": "2024-12-31"}, "counted_in_footprint": False}],
            status="superseded",
            evaluation={"form": "independent_third_party", "body": "V", "date": "2025-02-14", "result": "conforming", "covers_method_and_quantity": True},
            disclosures=[{"channel": "网站", "from": "2025-03-05", "until": "2026-03-01"}],
        ),
    )
    result = org.run("2026-06-30")
    old = claim_result(result, "NC-0")
    assert old["status"]["status"] == "superseded" and old["superseded_by"] == "NC-1"
    assert claim_result(org.run("2026-02-28"), "NC-0")["status"]["status"] == "expiring"
    assert neutrality_findings(result) == []


def test_a_footprint_that_cannot_be_computed(org):
    bad = footprint()
    bad["lines"][0]["calculation"]["ef"]["unit"] = "tCO2/t"
    paths = setup(org, CF_2025=bad)
    result = org.run("2026-06-30")
    [f] = org.of(result, "neutrality.compute")
    assert f.file == paths["CF-2025"] and f.path.startswith("lines[0].calculation")
    assert result.results["neutrality"]["footprints"]["CF-2025"]["total"] is None
    # the claim's balance says it is incomplete, and credits then more than cover a zero footprint
    assert "could not be computed" in claim_result(result)["balance"]["emissions"]["steps"][0]["notes"][0]


# -- the shipped example ---------------------------------------------------------------------------
def test_example_organization():
    import datetime as dt

    from cms_build.engine import run
    from tests.conftest import EXAMPLE

    result = run(EXAMPLE, dt.date(2026, 6, 30))
    mine = [f for f in result.findings if f.rule.startswith("neutrality") or f.file.startswith("neutrality/")]
    assert mine == []
    n = result.results["neutrality"]
    # CF-HQ-2024: electricity 1850 MWh × 0.5703 = 1055.055
    #   natural gas 62e3 Nm3 × 38931 kJ/Nm3 = 2.413722 TJ × (15.32 × 0.99 × 44/12 = 55.6116) = 134.230942…
    #   gasoline 18.5 t × 43070 kJ/kg = 0.796795 TJ × (18.9 × 0.98 × 44/12 = 67.914) = 54.113536…
    #   diesel 42 t × 42652 kJ/kg = 1.791384 TJ × (20.2 × 0.98 × 44/12 = 72.585333…) = 130.028204…
    #   R-410A 12 kg: 0.006 t × 677 + 0.006 t × 3170 = 4.062 + 19.02 = 23.082 (AR5)
    #   total 1055.055 + 134.230942 + 54.113536 + 130.028205 + 23.082 = 1396.509683…
    assert n["footprints"]["CF-HQ-2024"]["total"]["value"] == pytest.approx(1396.509683, abs=1e-5)
    old, new = n["claims"]["NCL-HQ-2024"], n["claims"]["NCL-HQ-2025"]
    # 2024 claim: E = 1396.509683 + 38.47 = 1434.979683; C = 1400 + 40 = 1440; S = 5.020317
    assert old["balance"]["surplus"]["value"] == pytest.approx(5.020317, abs=1e-5)
    assert old["events"][0]["state"] == "corrected" and old["events"][0]["deadline"] == "2025-08-12"
    # superseded: no current grade; the credits would give Gold
    assert old["status"]["status"] == "superseded" and old["grade"]["grade"] is None
    assert old["grade"]["computed_grade"] == "Gold"
    # 2025 claim: forest sink (Gold) + offshore wind vintage 2024 (2 years before 2026: Silver) -> Silver
    assert new["grade"]["grade"] == "Silver" and new["status"]["status"] == "valid"
    assert new["status"]["last_valid_day"] == "2027-02-28" and new["covered"] is True
    # the 2024 claim was valid on 2025-07-01, with its event open until 2025-08-12
    then = run(EXAMPLE, dt.date(2025, 7, 1)).results["neutrality"]["claims"]["NCL-HQ-2024"]
    assert (then["status"]["computed"], then["status"]["deadline"]) == ("correction_pending", "2025-08-12")
    # ... but its balance was short then (1434.979683 - 1400 = 34.98 t before the 40 t of the correction):
    # not valid, and no grade shown
    assert then["status"]["status"] == "invalid" and then["grade"]["grade"] is None


def test_export_carries_balance_grade_and_status():
    import datetime as dt

    from cms_build.engine import run
    from cms_build.export import export_document
    from tests.conftest import EXAMPLE

    doc = export_document(run(EXAMPLE, dt.date(2026, 6, 30)), "public")
    c = doc["results"]["neutrality"]["claims"]["NCL-HQ-2025"]
    # CF-HQ-2025: 1590 × 0.5703 = 906.777; gas 30e3 Nm3 -> 64.950456; gasoline 16.8 t -> 49.140940;
    # diesel 40.5 t -> 125.384340; R-410A 6 kg -> 0.003 × (677 + 3170) = 11.541; 5 kg -> 9.6175
    # total 906.777 + 64.950456 + 49.140940 + 125.384340 + 11.541 + 9.6175 = 1167.411237
    assert c["balance"]["to_offset"]["value"] == pytest.approx(1167.411237, abs=1e-5)
    assert c["grade"]["grade"] == "Silver" and "lowest grade" in c["grade"]["reason"]
    assert c["status"]["status"] == "valid" and c["status"]["days_left"] == 243
    # D.6.2 b: reflected reductions 131.17 + 68.44 + 17.95 = 217.56 tCO2e over 12 600 m2 served:
    # 217.56 / 12600 = 0.017266… tCO2e/m2
    eff = c["reduction_efficiency"]
    assert eff["value"] == pytest.approx(217.56 / 12600) and eff["unit"] == "tCO2e/m2"


# -- statuses follow from the findings (cms_build/statuses.py) -------------------------------------
def test_late_correction_clears_once_the_claim_is_withdrawn(org):
    # event 2026-03-31, deadline 2026-06-30, correction 2026-07-01 (late): the hint says withdraw the claim
    setup(org)
    put(org, "claim_event", "CE-1", event("2026-03-31", ["2026-07-01"]))
    assert [f.severity for f in org.of(org.run("2026-07-02"), "neutrality.correction-pending")] == ["error"]
    setup(org, NC_1=claim(status="withdrawn", withdrawn_on="2026-07-01", disclosures=[{"channel": "网站", "from": "2026-03-05", "until": "2026-07-01"}]))
    result = org.run("2026-07-02")
    assert org.of(result, "neutrality.correction-pending") == []
    assert org.of(result, "neutrality.claim-not-withdrawn") == []
    s = result.statuses["NC-1"]
    assert (s["status"], s["grade"], s["tone"]) == ("withdrawn", None, "bad")


def test_claim_not_covered_is_invalid_without_grade_in_export_and_site(org, tmp_path):
    from cms_build.export import export_document
    from cms_build.site.build import build_site

    # 499 credits retired against 500 t to offset (1000 MWh × 0.5): 1 t short -> an error on the balance
    setup(org, OC_1=credit(retirements=[retirement(quantity=499)]))
    result = org.run("2026-06-30")
    assert [f.rule for f in neutrality_findings(result) if f.severity == "error"] == ["neutrality.claim-balance-not-covered"]
    doc = export_document(result)
    st = doc["statuses"]["NC-1"]
    assert (st["status"], st["computed"], st["tone"], st["grade"], st["computed_grade"]) == ("invalid", "valid", "bad", None, "Gold")
    assert [r["rule"] for r in st["reasons"]] == ["neutrality.claim-balance-not-covered"]
    c = doc["results"]["neutrality"]["claims"]["NC-1"]
    assert c["status"]["status"] == "invalid" and c["status"]["computed"] == "valid"
    assert c["grade"]["grade"] is None and c["grade"]["current"] is False
    from cms_build.site import urls

    work = tmp_path / "work"
    build_site(org.root, result.as_of, out=tmp_path / "site", work=work, result=result)
    page = (work / "docs" / "neutrality/index.md").read_text(encoding="utf-8")
    # no green badge or banner anywhere; the claims table shows no grade ("—"), only the credits' own table does
    assert "cms-claim-valid" not in page.replace("cms-claim-invalid", "")
    assert '<span class="cms-badge cms-claim-invalid">不成立</span> | — |' in page
    claim_page = (work / "docs" / "neutrality/NC-1.md").read_text(encoding="utf-8")  # the claim's own page
    assert "cms-claim-valid" not in claim_page.replace("cms-claim-invalid", "")
    assert '<div class="cms-claim-banner cms-claim-invalid">' in claim_page
    own = (work / "docs" / urls.record_page("neutrality_claim", "NC-1")).read_text(encoding="utf-8")
    assert "cms-status-banner cms-tone-bad" in own and "neutrality.claim-balance-not-covered" in own


def test_serial_retired_twice_invalidates_only_the_claim_it_names(org):
    # OC-1 retires B1 1..500 for NC-1, and OC-2 retires B1 401..500 again for NC-2 (same subject)
    setup(org)
    put(org, "offset_credit", "OC-2", credit(block="B1", first=401, quantity=100, retirements=[retirement(claim="NC-2", quantity=100, first=401)]))
    put(org, "neutrality_claim", "NC-2", claim(offset_tco2e=100))
    result = org.run("2026-06-30")
    assert org.of(result, "neutrality.serial-retired-twice")
    assert result.statuses["NC-2"]["status"] == "invalid"
    assert "neutrality.serial-retired-twice" in [r["rule"] for r in result.statuses["NC-2"]["reasons"]]
    # the first retirement stands: NC-1's own evidence carries no error of that rule
    assert "neutrality.serial-retired-twice" not in [r["rule"] for r in result.statuses["NC-1"]["reasons"]]


def test_expired_claim_shows_no_current_grade(org):
    setup(org)
    s = org.run("2027-03-01").statuses["NC-1"]
    assert (s["status"], s["grade"], s["computed_grade"]) == ("expired", None, "Gold")


def test_reduction_efficiency_from_the_claims_output(org):
    """D.6.2 b: with the subject's output in the period stated, the claim's result has the
    carbon-reduction efficiency, traced to the output's line; without it, none."""
    setup(org)
    assert claim_result(org.run("2026-06-30"))["reduction_efficiency"] is None
    rel = put(org, "neutrality_claim", "NC-1", claim(output={"basis": "service", "quantity": {"value": 8000, "unit": "m2"}, "source": "物业台账"}))
    result = org.run("2026-06-30")
    assert neutrality_findings(result) == []
    eff = claim_result(result)["reduction_efficiency"]
    # reflected reduction 20 tCO2e (the setup's RA-1), Q = 8000 m2: 20 / 8000 = 0.0025 tCO2e/m2
    assert eff["value"] == pytest.approx(0.0025) and eff["unit"] == "tCO2e/m2"
    q = eff["inputs"][2]
    assert (q["symbol"], q["value"], q["source"]["record"]) == ("Q", 8000, "NC-1")
    assert q["source"]["line"] == line_of(org, rel, "value: 8000")


def test_reduction_efficiency_on_the_neutrality_page(org, tmp_path):
    """D.6.2 b is shown beside the share of reductions (D.6.2 a) when the claim states its output."""
    from cms_build.site.build import build_site

    setup(org, NC_1=claim(output={"basis": "product", "quantity": {"value": 400, "unit": "t"}}))
    result = org.run("2026-06-30")
    work = tmp_path / "work"
    build_site(org.root, result.as_of, out=tmp_path / "site", work=work, result=result)
    page = (work / "docs" / "neutrality/NC-1.md").read_text(encoding="utf-8")  # the claim's own page
    # 20 tCO2e reflected / 400 t = 0.05 tCO2e/t
    [row] = [line for line in page.splitlines() if "碳减排效率" in line]
    assert row == "| 碳减排效率（D.6.2 b） | 0&#46;05 tCO2e/t |"  # the site escapes the dot


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_claim_on_a_footprint_not_approved(org, status):
    paths = setup(org)
    fp = org.record("carbon_footprint", "CF-2025", **footprint())
    fp["status"] = status
    org.add(paths["CF-2025"], fp)
    [f] = org.of(org.run("2026-06-30"), "neutrality.claim-evidence-missing")
    assert (f.file, f.path, f.clauses) == (paths["NC-1"], "footprint", ("D.6.1.1 a",)) and status in f.message


@pytest.mark.parametrize("status, flagged", [("draft", True), ("withdrawn", True), ("superseded", False)])
def test_claim_counting_credits_of_a_record_not_approved(org, status, flagged):
    paths = setup(org)
    oc = org.record("offset_credit", "OC-1", **credit())
    oc["status"] = status
    org.add(paths["OC-1"], oc)
    found = org.of(org.run("2026-06-30"), "neutrality.claim-evidence-missing")
    assert bool(found) == flagged
    if flagged:
        [f] = found
        assert (f.file, f.line, f.path) == (paths["OC-1"], line_of(org, paths["OC-1"], "status:"), "status") and "NC-1" in f.message


def test_a_withdrawn_claim_is_not_asked_for_approved_evidence(org):
    paths = setup(org)
    fp = org.record("carbon_footprint", "CF-2025", **footprint())
    fp["status"] = "withdrawn"
    org.add(paths["CF-2025"], fp)
    c = org.record("neutrality_claim", "NC-1", **claim(withdrawn_on="2026-04-01", withdrawal_reason="碳足迹撤回", disclosures=[]))
    c["status"] = "withdrawn"
    org.add(paths["NC-1"], c)
    assert org.of(org.run("2026-06-30"), "neutrality.claim-evidence-missing") == []


# -- D.6.4.2 e: the credits retired follow the plan's strategy ----------------------------------------
def _strategy(**over):
    d = {"estimated_offset_tco2e": 500, "methods": ["forest_sink", "voluntary_reduction"]}
    d.update(over)
    return d


@pytest.mark.parametrize(
    "credit_over, strategy, expected",
    [
        ({}, _strategy(standards=["CCER"], min_grade="Gold"), None),  # afforestation, CCER: Gold
        ({"ptype": "ccus"}, _strategy(), "credits of kind ccus"),  # CCUS is not among the plan's methods
        ({"standard": "VCS"}, _strategy(standards=["CCER"]), "credits of standard VCS"),
        # renewable power of vintage 2021, achieved 2026: 5 years, Silver; 2020: 6 years, Bronze (reading 3)
        ({"ptype": "renewable_power", "vintage": 2021}, _strategy(min_grade="Silver"), None),
        ({"ptype": "renewable_power", "vintage": 2020}, _strategy(min_grade="Silver"), "credits earning Bronze"),
        ({"ptype": "renewable_power", "vintage": 2020}, _strategy(), None),  # no floor given: any grade
    ],
)
def test_credit_outside_plan(org, credit_over, strategy, expected):
    paths = setup(org, NP_1=plan(strategy=strategy), OC_1=credit(**credit_over))
    found = org.of(org.run("2026-06-30"), "neutrality.credit-outside-plan")
    assert [f.message.split(" retired")[0] for f in found] == ([expected] if expected else [])
    if expected:
        [f] = found
        assert (f.file, f.path, f.severity) == (paths["OC-1"], "retirements[0].claim", "error") and "NP-1" in f.message

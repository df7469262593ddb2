"""checks/emissions/targets.py: computed performance has consequences (6.4.2 f, 9.1.1, 9.3.3, A.9.1 b).

The fixture (tests/checks/emissions_org.py), worked by hand: IND-1 = coal emissions of FAC-1 per
MWh generated, in kgCO2/MWh.
    2024: 1,833.333 t / 2,000 MWh = 916.667 kg/MWh (the baseline BL-1, base year 2024)
    2025: 2,016.667 t / 2,100 MWh = 960.317 kg/MWh
TGT-1: -2 % by 2026-12-31 -> T = 916.667 × 0.98 = 898.333.
    achieved = (B - V) / (B - T) = (916.667 - 960.317) / 18.333 = -238.1 %
    expected = (2025-12-31 - 2024-12-31) / (2026-12-31 - 2024-12-31) = 365 / 730 = 50.0 % -> behind
DEV-1 records that deviation (expected_ref: TGT-1) with investigation and response.
"""

from __future__ import annotations

import pytest

from tests.checks.emissions_org import put, setup


def drop_deviation(org):
    (org.root / "deviations" / "DEV-1.yaml").unlink()


def test_target_behind_is_a_warning_until_a_deviation_is_recorded(org):
    setup(org)
    result = org.run("2026-06-30")
    assert result.results["emissions"]["targets"]["TGT-1"]["status"] == "behind"
    assert org.of(result, "emissions.target-behind") == []
    drop_deviation(org)
    result = org.run("2026-06-30")
    [f] = org.of(result, "emissions.target-behind")
    assert (f.severity, f.file, f.record) == ("warning", "performance/TGT-1.yaml", "TGT-1")
    assert "-238.1 % of the planned improvement achieved by 2025 against 50.0 % of the time elapsed" in f.message
    assert f.clauses == ("6.4.2 f", "9.1.1")
    # the status shown says behind, never green
    assert (result.statuses["TGT-1"]["status"], result.statuses["TGT-1"]["tone"]) == ("behind", "warn")


def test_target_behind_severity_is_a_setting(org):
    setup(org)
    drop_deviation(org)
    org.settings(subsystems=["A", "B", "C", "D"], gwp_set="AR5", emissions={"target_behind_severity": "error"})
    result = org.run("2026-06-30")
    [f] = org.of(result, "emissions.target-behind")
    assert f.severity == "error"
    # an error on the target: its status becomes nonconforming
    assert result.statuses["TGT-1"]["status"] == "nonconforming"


def missed(org):
    """TGT-1 due 2025-12-31 instead: 960.317 > 898.333 at the deadline -> missed."""
    put(
        org,
        "performance",
        org.record(
            "target",
            "TGT-1",
            objective="cut unit intensity 2 %",
            indicator="IND-1",
            baseline="BL-1",
            reduction_pct=2,
            deadline="2025-12-31",
            responsible="GM",
            action_plans=["AP-1"],
        ),
    )


def test_missed_target_needs_a_corrective_action(org):
    setup(org)
    missed(org)
    result = org.run("2026-06-30")
    assert result.results["emissions"]["targets"]["TGT-1"]["computed_status"] == "missed"
    [f] = org.of(result, "emissions.target-missed")
    assert f.severity == "error" and "DEV-1 names no nonconformity with a corrective action" in f.message
    assert result.statuses["TGT-1"]["tone"] == "bad"
    put(org, "improvement", org.record("nonconformity", "NC-1", source="monitoring", source_ref="DEV-1", detected_on="2026-01-10", description="target missed"))
    put(
        org,
        "improvement",
        org.record(
            "corrective_action",
            "CA-1",
            nonconformity="NC-1",
            action="retrofit",
            owner="Owner",
            due="2026-12-31",
            action_status="in_progress",
            effective="2026-01-20",
        ),
    )
    put(
        org,
        "deviations",
        org.record(
            "performance_deviation",
            "DEV-1",
            indicator="IND-1",
            expected_basis="target",
            expected_ref="TGT-1",
            period={"start": "2025-01-01", "end": "2025-12-31"},
            detected_on="2025-12-20",
            investigation={"date": "2025-12-22", "cause": "part load"},
            response={"date": "2025-12-28", "actions": "retrofit", "nonconformity": "NC-1"},
        ),
    )
    assert org.of(org.run("2026-06-30"), "emissions.target-missed") == []


def test_missed_without_any_deviation(org):
    setup(org)
    missed(org)
    drop_deviation(org)
    [f] = org.of(org.run("2026-06-30"), "emissions.target-missed")
    assert "no performance_deviation records it" in f.message and "960.3" in f.message


@pytest.mark.parametrize(
    "coal_2025, threshold, flagged",
    [
        (1250, 10, True),  # 1,250 t × 20 GJ/t × 91.667 t/TJ = 2,291.667 t / 2,100 MWh = 1,091.27: +19.05 % vs 916.667
        (1250, 20, False),  # below a 20 % threshold
        (1100, 10, False),  # 960.317: +4.76 %
    ],
)
def test_indicator_deviation_from_the_baseline_needs_a_record(org, coal_2025, threshold, flagged):
    from tests.checks.emissions_org import activity, coal_line

    setup(org)
    drop_deviation(org)
    line = coal_line(2025)
    line["activity"]["quantity"]["value"] = coal_2025
    activity(org, 2025, "SRC-COAL", line)
    org.settings(subsystems=["A", "B", "C", "D"], gwp_set="AR5", management={"deviation_threshold_percent": threshold})
    found = org.of(org.run("2026-06-30"), "emissions.deviation-not-recorded")
    if not flagged:
        assert found == []
        return
    [f] = found
    assert f.record == "IND-1" and "in 2025 deviates +19.0 % from its baseline" in f.message
    # a deviation record of IND-1 whose period covers 2025 answers it
    setup(org)  # puts DEV-1 back (and the 2025 coal line of the fixture)
    activity(org, 2025, "SRC-COAL", line)
    assert org.of(org.run("2026-06-30"), "emissions.deviation-not-recorded") == []


def review(org, objectives_results=None, performance_results=None):
    inputs = {"objectives_achievement": {"summary": "s"}, "performance": {"summary": "s"}}
    if objectives_results is not None:
        inputs["objectives_achievement"]["results"] = objectives_results
    if performance_results is not None:
        inputs["performance"]["results"] = performance_results
    put(
        org,
        "reviews",
        org.record("management_review", "MR-1", review_date="2026-01-15", chaired_by="PER-1", inputs=inputs, outputs={"policy": {"summary": "s"}}),
    )


def test_review_references_the_computed_results(org):
    setup(org)
    review(org)
    found = org.of(org.run("2026-06-30"), "mr.performance-inputs-unreferenced")
    assert sorted(f.message for f in found) == [
        "the performance input references no computed indicator result (emissions.indicators.<id>)",
        "the review does not reference the computed progress of target TGT-1 (emissions.targets.TGT-1), in force on 2026-01-15",
    ]
    review(org, ["emissions.targets.TGT-1"], ["emissions.indicators.IND-1", "emissions.indicators.IND-9"])
    [f] = org.of(org.run("2026-06-30"), "mr.performance-inputs-unreferenced")
    assert "emissions.indicators.IND-9, which was not computed" in f.message and f.path == "inputs.performance.results[1]"
    review(org, ["emissions.targets.TGT-1"], ["emissions.indicators.IND-1"])
    assert org.of(org.run("2026-06-30"), "mr.performance-inputs-unreferenced") == []


def test_result_paths_resolve_keys_with_dots():
    from checks.emissions.targets import resolves

    results = {"emissions": {"targets": {"TGT.2026": {"status": "behind"}}, "years": {"2025": {"gaps": [1, 2]}}}}
    assert resolves(results, "emissions.targets.TGT.2026")
    assert resolves(results, "emissions.targets.TGT.2026.status")
    assert resolves(results, "emissions.years.2025.gaps.1")
    assert not resolves(results, "emissions.years.2025.gaps.2")
    assert not resolves(results, "emissions.targets.TGT")


def test_target_baseline_of_another_indicator(org):
    from tests.lines import line_of

    setup(org)
    assert org.of(org.run("2026-06-30"), "emissions.target-baseline-mismatch") == []
    # a second indicator with its own baseline; TGT-1 (about IND-1) is pointed at it
    put(org, "performance", org.record("indicator", "IND-2", level="organization", measure="total", unit="tCO2", method="all sources"))
    put(org, "performance", org.record("baseline", "BL-2", indicator="IND-2", basis="previous_year", years=[2024], rationale="normal year"))
    rel = "performance/TGT-1.yaml"
    text = (org.root / rel).read_text(encoding="utf-8").replace("baseline: BL-1", "baseline: BL-2")
    org.add(rel, text)
    [f] = org.of(org.run("2026-06-30"), "emissions.target-baseline-mismatch")
    assert (f.file, f.line, f.path) == (rel, line_of(org, rel, "baseline: BL-2"), "baseline")
    assert f.message == "the target measures IND-1 but its baseline BL-2 is the baseline of IND-2" and f.severity == "error"

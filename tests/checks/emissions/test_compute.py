"""checks/emissions/compute.py: the inventory computation wired to records, and the shipped example."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from checks.emissions.annex_e_tables import tables
from cms_build.engine import run
from cms_build.export import export_document
from tests.checks.emissions_org import E_COAL, E_ELEC, OUTPUT_MWH, OUTPUT_VALUE, TOTAL, activity, coal_line, emission_findings, put, setup
from tests.conftest import EXAMPLE


def test_complete_setup_has_no_finding_and_computes_by_hand(org):
    setup(org)
    result = org.run("2026-06-30")
    assert emission_findings(result) == []
    em = result.results["emissions"]
    assert em["gwp_set"] == "AR5" and sorted(em["years"]) == ["2024", "2025"]
    y = em["years"]["2024"]
    # 1,833.333… + 57.03 = 1,890.363… tCO2e
    assert y["total"]["value"] == pytest.approx(TOTAL[2024], rel=1e-12)
    assert y["by_source"]["SRC-COAL"]["value"] == pytest.approx(E_COAL[2024])
    assert y["by_source"]["SRC-ELEC"]["value"] == pytest.approx(E_ELEC[2024])
    assert y["by_gas"]["CO2"]["value"] == pytest.approx(TOTAL[2024])
    assert y["by_category"]["purchased_electricity"]["value"] == pytest.approx(57.03)
    assert y["by_method"]["emission_factor"]["value"] == pytest.approx(E_COAL[2024])
    assert y["by_facility"]["FAC-1"]["value"] == pytest.approx(E_COAL[2024])
    assert y["by_site"]["S1"]["value"] == pytest.approx(TOTAL[2024])
    # intensities: 1,890.363… / 2,000 MWh; / 100 (10^4 CNY)
    assert y["intensity"]["per_product"]["electricity"]["value"] == pytest.approx(TOTAL[2024] / OUTPUT_MWH[2024])
    assert y["intensity"]["per_output_value"]["value"] == pytest.approx(TOTAL[2024] / OUTPUT_VALUE[2024])
    assert y["intensity"]["per_output_value"]["unit"] == "tCO2e/10^4 CNY"
    # the total's inputs point at the activity records, with file and line
    inputs = {i["symbol"]: i for i in y["total"]["inputs"]}
    assert inputs["E[AD-2024-SRC-COAL]"]["source"]["file"] == "activity/AD-2024-SRC-COAL.yaml"
    # the entry holds the full trace down to each recorded input
    entry = y["entries"]["AD-2024-SRC-COAL"]
    ad = entry["total"]["steps"][0]["steps"][0]
    assert ad["formula"] == "AD = FC × NCV" and ad["value"] == pytest.approx(20)
    ncv = [i for i in ad["inputs"] if i["symbol"] == "NCV"][0]
    assert ncv["source"]["record"] == "AD-2024-SRC-COAL" and ncv["source"]["path"] == "line.ncv.value"
    assert y["reported"]["difference"] == pytest.approx(round(TOTAL[2024], 2) - TOTAL[2024])
    assert y["verified"]["value"] == round(TOTAL[2024]) and y["verified"]["opinion"] == "unqualified"
    # 2025 vs 2024: (2,079.399… − 1,890.363…) / 1,890.363… = +10.0000 %
    ch = em["years"]["2025"]["changes"]
    assert ch["previous_year"] == 2024
    assert ch["total"]["change_pct"] == pytest.approx((TOTAL[2025] - TOTAL[2024]) / TOTAL[2024] * 100)
    assert ch["sources"]["SRC-COAL"]["change_pct"] == pytest.approx(10.0)


def test_indicator_baseline_benchmark_and_target(org):
    setup(org)
    em = org.run("2026-06-30").results["emissions"]
    ind = em["indicators"]["IND-1"]
    # 2024: 1,833.333… tCO2e / 2,000 MWh = 0.916666… t/MWh = 916.666… kgCO2/MWh
    # 2025: 2,016.666… / 2,100 = 0.960317… t/MWh = 960.317… kgCO2/MWh
    assert ind["values"]["2024"]["value"] == pytest.approx(916.6666667)
    assert ind["values"]["2024"]["unit"] == "kgCO2/MWh"
    assert ind["values"]["2025"]["value"] == pytest.approx(2016.6666667 / 2100 * 1000)
    assert ind["baseline"]["value"] == pytest.approx(916.6666667) and ind["baseline"]["years"] == [2024]
    # benchmark 0.9 tCO2/MWh = 900 kgCO2/MWh; 2025 is (960.317 − 900) / 900 = +6.70 % above it
    assert ind["benchmark"]["value"] == pytest.approx(900)
    assert ind["comparison"]["2025"]["vs_benchmark_pct"] == pytest.approx((960.3174603 - 900) / 900 * 100)
    assert ind["comparison"]["2025"]["vs_baseline_pct"] == pytest.approx((960.3174603 - 916.6666667) / 916.6666667 * 100)
    t = em["targets"]["TGT-1"]
    # target = 916.667 × (1 − 2 %) = 898.333; achieved = (916.667 − 960.317) / (916.667 − 898.333) = −238.1 %
    # expected: 2024-12-31 -> 2025-12-31 is 365 of the 730 days to 2026-12-31 = 50 %
    assert t["target"] == pytest.approx(898.3333333)
    assert t["achieved_pct"] == pytest.approx((916.6666667 - 960.3174603) / (916.6666667 - 898.3333333) * 100)
    assert t["expected_pct"] == pytest.approx(50.0)
    assert (t["status"], t["latest_year"]) == ("behind", 2025)


@pytest.mark.parametrize("gwp_set", ["SAR", "AR4", "AR5", "AR6"])
def test_every_result_names_the_gwp_set_of_the_settings(org, gwp_set):
    setup(org)
    org.settings(subsystems=["A", "B", "C", "D"], gwp_set=gwp_set)
    em = org.run("2026-06-30").results["emissions"]
    assert em["gwp_set"] == gwp_set and em["years"]["2024"]["gwp_set"] == gwp_set
    entry = em["years"]["2024"]["entries"]["AD-2024-SRC-COAL"]
    assert entry["gwp_set"] == gwp_set and f"GWP set: {gwp_set}" in entry["total"]["notes"]


def test_unit_error_becomes_a_compute_finding_at_the_field(org):
    setup(org)
    activity(org, 2024, "SRC-COAL", coal_line(2024, ncv={"value": 20, "unit": "kJ/Nm3", "source": "x"}))
    result = org.run("2026-06-30")
    [f] = org.of(result, "emissions.compute")
    # envelope (lines 1-13), source 14, year 15, line 16: method 17, fuel 18, activity 19-23, ncv 24, value 25, unit 26
    assert (f.file, f.line, f.path) == ("activity/AD-2024-SRC-COAL.yaml", 26, "line.ncv.unit")
    assert "NCV in kJ/Nm3" in f.message and f.severity == "error"
    assert "AD-2024-SRC-COAL" in result.results["emissions"]["not_computed"]


def test_grid_factor_comes_from_the_settings(org):
    setup(org)
    org.settings(subsystems=["A", "B", "C", "D"], emissions={"grid_factor": "national_2023"})
    em = org.run("2026-06-30").results["emissions"]
    # 100 MWh × 0.5306 = 53.06 tCO2
    assert em["years"]["2024"]["by_source"]["SRC-ELEC"]["value"] == pytest.approx(53.06)
    assert em["settings"]["grid"] == "national_2023"


def test_source_outside_the_boundary_is_left_out(org):
    setup(org)
    put(
        org,
        "sources",
        org.record("emission_source", "SRC-ELEC", facility="FAC-AUX", category="purchased_electricity", method="purchased_electricity", in_boundary=False),
    )
    em = org.run("2026-06-30").results["emissions"]
    assert em["years"]["2024"]["total"]["value"] == pytest.approx(E_COAL[2024])
    assert "AD-2024-SRC-ELEC" in em["excluded"]


def test_product_in_two_units_is_converted(org):
    setup(org)
    put(
        org,
        "production",
        org.record(
            "product_output",
            "PO-2024",
            year=2024,
            products=[
                {"product": "electricity", "name": "电力", "output": {"value": 1500, "unit": "MWh"}, "facility": "FAC-1"},
                {"product": "electricity", "name": "电力", "output": {"value": 0.5, "unit": "GWh"}, "facility": "FAC-1"},
            ],
        ),
    )
    em = org.run("2026-06-30").results["emissions"]
    # 1,500 MWh + 0.5 GWh (= 500 MWh) = 2,000 MWh
    assert em["years"]["2024"]["products"]["electricity"]["value"] == pytest.approx(2000)
    put(
        org,
        "production",
        org.record(
            "product_output",
            "PO-2024",
            year=2024,
            products=[
                {"product": "electricity", "name": "电力", "output": {"value": 1500, "unit": "MWh"}},
                {"product": "electricity", "name": "电力", "output": {"value": 5, "unit": "t"}},
            ],
        ),
    )
    result = org.run("2026-06-30")
    [f] = org.of(result, "emissions.compute")
    assert f.file == "production/PO-2024.yaml" and f.path == "products[1].output.unit"


# -- the shipped example ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def example():
    return run(EXAMPLE, dt.date(2026, 6, 30))


def test_example_has_no_emission_errors(example):
    bad = [f"{f.rule} {f.location()} {f.message}" for f in emission_findings(example) if f.severity == "error"]
    assert bad == []
    assert [f.rule for f in emission_findings(example)] == []


def test_example_inventory_years_and_gwp(example):
    em = example.results["emissions"]
    assert sorted(em["years"]) == ["2023", "2024", "2025"] and em["gwp_set"] == "AR5"
    for y, inv in em["years"].items():
        assert inv["reported"] is not None and abs(inv["reported"]["difference"]) < 1
        assert set(inv["by_category"]) == {"fuel_combustion", "desulfurization", "purchased_electricity"}
    assert em["years"]["2024"]["verified"]["record"] == "VER-2024"
    assert em["years"]["2025"]["verified"] is None
    assert em["targets"]["TGT-2025-U1"]["status"] == "achieved"


def test_example_export_includes_the_inventory_with_traces(example):
    doc = export_document(example, "internal")
    em = doc["results"]["emissions"]
    entry = em["years"]["2024"]["entries"]["AD-2024-BJ2-GAS"]
    # the gas consumption is summed from the monthly CSV in one pass: one input for the 11
    # measured months (1548.2 + 1362.8 + 1452.0 + 1410.6 + 1496.4 + 1530.2 + 1688.6 + 1455.8
    # + 1386.2 + 1402.6 + 1184.2 = 15917.6, by hand), and the filled month (2024-08, line 9) on its own
    fc = entry["energy"]["steps"][0]
    assert fc["formula"] == "FC = Σ FC_i (periods)" and len(fc["inputs"]) == 2
    measured, filled = fc["inputs"]
    assert measured["source"]["file"] == "activity/2024/gas-2024.csv" and measured["source"]["rows"] == 11
    assert measured["value"] == pytest.approx(15917.6)
    assert (filled["symbol"], filled["value"], filled["source"]["line"]) == ("FC[2024-08]", 1702.4, 9)
    json.dumps(doc, ensure_ascii=False)  # serialisable


@pytest.mark.parametrize("years", [2023, 2024, 2025, [2023, 2024, 2025]])
def test_example_annex_e_tables_for_any_year(example, years):
    t = tables(example.results["emissions"], years)
    assert list(t) == ["E.1", "E.2", "E.3", "E.4", "E.5", "E.6"]
    ys = [years] if isinstance(years, int) else years
    total = [r for r in t["E.1"]["rows"] if r["unit"] == "tCO2e"][0]
    for y in ys:
        assert total[str(y)] == pytest.approx(example.results["emissions"]["years"][str(y)]["total"]["value"])
        assert [r["no"] for r in t["E.6"]["rows"] if r["year"] == str(y)] == [1, 2]


def test_annex_e_is_a_computation_in_the_export(example):
    """Annex E tables are computed once (checks/emissions/annex_e.py), from the emissions results; the
    site and the workbook render them, cms export carries them."""
    from checks.emissions.annex_e_tables import tables

    annex = example.results["annex_e"]
    years = sorted(int(y) for y in example.results["emissions"]["years"])
    assert annex["years"] == years == [2023, 2024, 2025]
    assert sorted(annex["tables"]) == ["E.1", "E.2", "E.3", "E.4", "E.5", "E.6"]
    assert annex["tables"] == tables(example.results["emissions"], years)
    # E.1's total row for 2025 is the year's inventory total
    total_2025 = example.results["emissions"]["years"]["2025"]["total"]["value"]
    cells = [row.get("2025") for row in annex["tables"]["E.1"]["rows"]]
    assert any(isinstance(c, (int, float)) and abs(c - total_2025) < 0.01 for c in cells)

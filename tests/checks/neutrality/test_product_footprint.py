"""A.8.2.1 a-e, 8.2.1 a: a product footprint by life-cycle stage on the footprint engine
(checks/neutrality/compute.py, carbon_footprint with stage and product)."""

from __future__ import annotations

import pytest

from tests.checks.neutrality_org import elec_line, footprint, put, setup


def _stage(line, stage):
    return {**line, "stage": stage}


def test_a_product_footprint_sums_its_stages_and_gives_the_footprint_per_functional_unit(org):
    setup(org)
    lines = [
        _stage(elec_line(1000, source="原料"), "raw_materials"),  # 1000 MWh × 0.5 = 500 t
        _stage(elec_line(200, source="生产"), "manufacturing"),  # 200 × 0.5 = 100 t
        _stage(elec_line(100, source="生产辅助"), "manufacturing"),  # 100 × 0.5 = 50 t
        _stage(elec_line(40, source="配送"), "distribution"),
    ]  # 40 × 0.5 = 20 t
    product = {
        "name": "产品 P",
        "functional_unit": {"value": 1, "unit": "MWh"},
        "output": {"value": 2000, "unit": "MWh"},
        "allocation_rule": "按产量分配",
        "data_sources": ["实测"],
    }
    put(org, "carbon_footprint", "CF-P", footprint(lines=lines, product=product, declared_total_tco2e=670))
    fp = org.run("2026-06-30").results["neutrality"]["footprints"]["CF-P"]
    st = fp["by_stage"]
    assert set(st) == {"raw_materials", "manufacturing", "distribution"}
    assert st["raw_materials"]["value"] == pytest.approx(500.0)
    assert st["manufacturing"]["value"] == pytest.approx(150.0)  # 100 + 50
    assert st["distribution"]["value"] == pytest.approx(20.0)
    # footprint = Σ stages = 500 + 150 + 20 = 670 t; per functional unit 670 × 1 / 2000 = 0.335 t/MWh
    assert fp["total"]["value"] == pytest.approx(670.0)
    assert fp["per_functional_unit"]["value"] == pytest.approx(0.335)
    assert fp["per_functional_unit"]["inputs"][1]["source"]["path"] == "product.output.value"


def test_no_stages_or_output_in_another_unit_gives_no_breakdown(org):
    setup(org)
    product = {"name": "P", "functional_unit": {"value": 1, "unit": "MWh"}, "output": {"value": 2, "unit": "GJ"}, "allocation_rule": "r", "data_sources": ["d"]}
    put(org, "carbon_footprint", "CF-P", footprint(product=product))
    fp = org.run("2026-06-30").results["neutrality"]["footprints"]["CF-P"]
    assert fp["by_stage"] == {} and fp["per_functional_unit"] is None and fp["total"]["value"] == pytest.approx(500.0)


def test_the_examples_electricity_footprint_per_mwh():
    """Issue 21: the example's product footprint of BJ-2's electricity (CF-BJP-ELEC-2025, subject
    NS-BJP-ELEC of kind product), from the same activity data as its inventory, by hand:
    gas: FC = 15130 ×10⁴ Nm³ (the 12 months of gas-2025.csv: 1502.4 + 1302.6 + 1410.8 + 592.4 + 386.2
         + 1372.6 + 1604.8 + 1642.2 + 1408.4 + 1296.0 + 1330.4 + 1281.2 = 15130.0); × NCV 357.8 GJ/10⁴ Nm³
         = 5 413 514 GJ = 5413.514 TJ; EF = 15.32 tC/TJ × 0.99 × 44/12 = 55.6116 tCO2/TJ;
         E = 5413.514 × 55.6116 = 301 054.175 tCO2
    grid electricity in the shutdown: 4 386 000 kWh = 4386 MWh × 0.5703 tCO2/MWh = 2 501.336 tCO2
    footprint = 301 054.175 + 2 501.336 = 303 555.511 tCO2e, all in the manufacturing stage;
    per functional unit: 303 555.511 × 1 MWh / 829 400 MWh supplied = 0.365994 tCO2e/MWh."""
    import datetime as dt

    from cms_build.engine import run
    from tests.conftest import EXAMPLE

    result = run(EXAMPLE, dt.date(2026, 6, 30))
    fp = result.results["neutrality"]["footprints"]["CF-BJP-ELEC-2025"]
    assert fp["subject"] == "NS-BJP-ELEC" and fp["computed"]
    gas, grid = (x["total"]["value"] for x in fp["lines"])
    assert gas == pytest.approx(301054.175, abs=1e-3) and grid == pytest.approx(2501.3358)
    assert fp["total"]["value"] == pytest.approx(303555.511, abs=1e-3)
    assert set(fp["by_stage"]) == {"manufacturing"} and fp["by_stage"]["manufacturing"]["value"] == pytest.approx(303555.511, abs=1e-3)
    assert fp["per_functional_unit"]["value"] == pytest.approx(0.365994, abs=1e-6)
    # the same gas as the inventory's SRC-BJ2-GAS line of 2025: one set of data, one engine
    inventory = {i["symbol"]: i["value"] for i in result.results["emissions"]["years"]["2025"]["total"]["inputs"]}
    assert inventory["E[AD-2025-BJ2-GAS]"] == pytest.approx(gas) and inventory["E[AD-2025-BJ2-ELEC]"] == pytest.approx(grid)
    subject = next(r for r in result.records if r.id == "NS-BJP-ELEC")
    assert subject.get("subject_type") == "product"
    assert not [f for f in result.findings if f.record in ("CF-BJP-ELEC-2025", "NS-BJP-ELEC")]

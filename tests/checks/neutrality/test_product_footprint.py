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

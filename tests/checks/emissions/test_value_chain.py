"""A.8.2.3: purchasing considers emission performance, suppliers are followed and evaluated, and
purchases' value-chain emissions are computed apart from the inventory (checks/emissions/value_chain.py)."""

import pytest

KEY = "emissions.key-equipment-procurement-without-emission-performance"
FOLLOWED = "emissions.supplier-carbon-management-not-followed"
EVALUATED = "emissions.supplier-emission-performance-not-evaluated"


def _org(org, *, supplier=None, purchases=()):
    org.settings(subsystems=["A"])
    fields = {"name": "某汽轮机厂", "supplies": ["汽轮机通流部件"], "carbon_management": "持有 ISO 14064 核查声明"}
    fields.update(supplier or {})
    org.add("value_chain/SUP.yaml", org.record("supplier", "SUP", **{k: v for k, v in fields.items() if v is not None}))
    for i, p in enumerate(purchases):
        data = {
            "item": "汽轮机",
            "procurement_type": "key_energy_using_equipment",
            "supplier": "SUP",
            "purchase_date": "2025-03-01",
            "emission_performance": "比选两家，选热耗率低者",
        }
        data.update(p)
        org.add(f"value_chain/P{i}.yaml", org.record("procurement", f"P{i}", **{k: v for k, v in data.items() if v is not None}))
    return org.run()


def test_key_equipment_bought_without_emission_performance_is_an_error_goods_are_not(org):
    result = _org(
        org,
        purchases=[{"emission_performance": None}, {"procurement_type": "purchased_goods", "emission_performance": None}],
        supplier={"evaluations": [{"date": "2025-02-01", "findings": "单位产品排放优于行业均值", "result": "preferred"}]},
    )
    [f] = org.of(result, KEY)
    assert (f.record, f.severity, f.clauses, f.file) == ("P0", "error", ("A.8.2.3",), "value_chain/P0.yaml")
    assert f.message == ("the purchase of key energy-using equipment P0 does not record how it considered emission performance (A.8.2.3)")


def test_a_supplier_without_carbon_management_is_an_error_and_one_with_it_is_not(org):
    assert [f.record for f in org.of(_org(org, supplier={"carbon_management": None}), FOLLOWED)] == ["SUP"]


def test_a_draft_supplier_is_not_judged(org):
    assert org.of(_org(org, supplier={"carbon_management": None, "status": "draft"}), FOLLOWED) == []


def test_an_equipment_supplier_needs_an_evaluation_by_the_as_of_date(org):
    # supplies key equipment (P0), no evaluation: error
    [f] = org.of(_org(org, purchases=[{}]), EVALUATED)
    assert f.record == "SUP" and "it supplies key energy-using equipment" in f.message
    # an evaluation dated after the as-of date (2026-06-30) does not count yet
    later = {"evaluations": [{"date": "2026-07-01", "findings": "x", "result": "acceptable"}]}
    assert [f.record for f in org.of(_org(org, supplier=later, purchases=[{}]), EVALUATED)] == ["SUP"]
    # near miss: one dated on the as-of date counts
    on_day = {"evaluations": [{"date": "2026-06-30", "findings": "x", "result": "acceptable"}]}
    assert org.of(_org(org, supplier=on_day, purchases=[{}]), EVALUATED) == []


def test_evaluation_needed_is_the_organizations_call(org):
    assert org.of(_org(org), EVALUATED) == []  # a supplier of goods only, not marked: not needed
    [f] = org.of(_org(org, supplier={"evaluation_needed": True}), EVALUATED)
    assert "evaluation_needed is true" in f.message


def test_value_chain_emissions_are_quantity_times_factor_by_scope3_category_and_apart_from_the_inventory(org):
    result = _org(
        org,
        purchases=[
            # capital goods (category 2): 2 台 × 35.5 tCO2e/台 = 71.0 tCO2e
            {"quantity": {"value": 2, "unit": "台"}, "emission_factor": {"value": 35.5, "unit": "tCO2e/台", "citation": "供应商产品碳足迹报告 PCF-01"}},
            # purchased goods (category 1): 1500 kg = 1.5 t; 1.5 t × 2000 kgCO2e/t × 0.001 = 3.0 tCO2e
            {
                "procurement_type": "purchased_goods",
                "item": "钢材",
                "quantity": {"value": 1500, "unit": "kg"},
                "emission_factor": {"value": 2000, "unit": "kgCO2e/t", "citation": "供应商 EPD"},
            },
            # bought in 2026 (category 1): 10 t × 0.4 tCO2e/t = 4.0 tCO2e
            {
                "procurement_type": "purchased_goods",
                "item": "石灰石",
                "purchase_date": "2026-01-10",
                "quantity": {"value": 10, "unit": "t"},
                "emission_factor": {"value": 0.4, "unit": "tCO2e/t", "citation": "c"},
            },
            # after the as-of date: not yet bought, left out
            {
                "procurement_type": "purchased_goods",
                "purchase_date": "2026-07-01",
                "quantity": {"value": 10, "unit": "t"},
                "emission_factor": {"value": 1, "unit": "tCO2e/t", "citation": "c"},
            },
        ],
        supplier={"evaluations": [{"date": "2025-02-01", "findings": "x", "result": "preferred"}]},
    )
    vc = result.results["value_chain"]
    assert set(vc["purchases"]) == {"P0", "P1", "P2"}
    p0, p1 = vc["purchases"]["P0"], vc["purchases"]["P1"]
    assert p0["total"]["value"] == pytest.approx(71.0) and p0["scope3_category"] == 2 and p0["iso14064_category"] == 4
    assert p0["total"]["formula"] == "E = Q × EF"
    assert p0["total"]["inputs"][1]["note"] == "供应商产品碳足迹报告 PCF-01"
    assert p0["total"]["inputs"][0]["source"]["path"] == "quantity.value"
    assert p1["total"]["value"] == pytest.approx(3.0) and p1["scope3_category"] == 1
    # 2025: 71.0 + 3.0 = 74.0, of which category 2: 71.0, category 1: 3.0; 2026: 4.0
    assert vc["years"]["2025"]["total"]["value"] == pytest.approx(74.0)
    assert vc["years"]["2025"]["by_scope3_category"] == pytest.approx({"1": 3.0, "2": 71.0})
    assert vc["years"]["2026"]["total"]["value"] == pytest.approx(4.0)
    assert [f for f in result.findings if f.rule.startswith("value_chain")] == []


def test_a_factor_in_units_that_do_not_fit_is_a_located_finding_not_a_number(org):
    result = _org(
        org,
        purchases=[
            {
                "procurement_type": "purchased_goods",
                "quantity": {"value": 3, "unit": "t"},
                "emission_factor": {"value": 1, "unit": "tCO2e/MWh", "citation": "c"},
            }
        ],
    )
    [f] = [f for f in result.findings if f.rule == "value_chain.compute"]
    assert f.file == "value_chain/P0.yaml" and f.path == "emission_factor.unit" and f.line > 0
    assert "cannot be converted" in f.message
    assert result.results["value_chain"]["purchases"] == {}


def test_the_example_evaluates_its_turbine_supplier_and_keeps_value_chain_emissions_apart(org):
    org.copy_example()
    result = org.run()
    assert [f for f in result.findings if f.rule in (KEY, FOLLOWED, EVALUATED)] == []
    vc = result.results["value_chain"]
    # PRC-2024-01: 1 套 × 35.5 tCO2e/套 = 35.5 tCO2e, capital goods (category 2), in 2024
    assert vc["purchases"]["PRC-2024-01"]["total"]["value"] == pytest.approx(35.5)
    assert vc["years"]["2024"]["by_scope3_category"] == pytest.approx({"2": 35.5})
    # the inventory reads no procurement record: its trace names none
    assert "PRC-2024-01" not in str(result.results["emissions"])

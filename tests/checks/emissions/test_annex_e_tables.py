"""Tables E.1-E.6 from an inventory worked out by hand."""

from __future__ import annotations

import pytest

from checks.emissions.annex_e_tables import tables
from checks.emissions.lines import compute_line
from checks.emissions.inventory import Entry, ProductRow, year_inventory
from cms_build.trace import Traced


def q(v, u):
    return {"quantity": {"value": v, "unit": u}}


def results():
    # coal 1,000 t × 20 GJ/t = 20 TJ; E = 20 × 25 × 0.98 × 44/12 = 1,796.666… tCO2
    coal = compute_line(
        {
            "method": "emission_factor",
            "fuel": "coal",
            "activity": {**q(1000, "t"), "data_source": "belt scale"},
            "ncv": {"value": 20, "unit": "GJ/t", "basis": "measured", "source": "lab GB/T 213"},
            "carbon_content": {"value": 25, "unit": "tC/TJ", "basis": "measured", "source": "lab GB/T 476"},
        },
        gwp_set="AR5",
    )
    # gas 10^4 Nm3 × 38,931 kJ/Nm3 = 389.31 GJ = 0.38931 TJ; E = 0.38931 × 55.6116 = 21.650… tCO2
    gas = compute_line({"method": "emission_factor", "fuel": "natural_gas", "activity": {**q(1, "10^4 Nm3"), "data_source": "meter"}}, gwp_set="AR5")
    # limestone 100 t × 0.9 × 0.44 = 39.6 tCO2
    fgd = compute_line(
        {
            "method": "desulfurization",
            "material": "CaCO3",
            "activity": {**q(100, "t"), "data_source": "scale"},
            "purity": {"value": 90, "unit": "%", "source": "assay"},
        },
        gwp_set="AR5",
    )
    # 2,000 kWh = 2 MWh × 0.5703 = 1.1406 tCO2
    el = compute_line(
        {"method": "purchased_electricity", "activity": {**q(2000, "kWh"), "data_source": "grid meter"}},
        gwp_set="AR5",
        defaults={"grid": "national_2022_for_2023_2025_reporting"},
    )
    es = [
        Entry(2024, "AD-C", "SRC-C", coal, {}, "coal", "F1", "S1", None, "fuel_combustion", "emission_factor", "coal"),
        Entry(2024, "AD-G", "SRC-G", gas, {}, "gas", "F2", "S1", None, "fuel_combustion", "emission_factor", "natural_gas"),
        Entry(2024, "AD-F", "SRC-F", fgd, {}, "fgd", "F3", "S1", None, "desulfurization", "desulfurization", None, "CaCO3"),
        Entry(2024, "AD-E", "SRC-E", el, {}, "el", "F4", "S1", None, "purchased_electricity", "purchased_electricity"),
    ]
    prods = [
        ProductRow(2024, "electricity", "电力", 2000, "MWh", {}, name_en="electricity", facility="F1", design_capacity={"value": 300, "unit": "MW"}),
        ProductRow(2024, "electricity", "电力", 1, "MWh", {}, facility="F2", design_capacity={"value": 100, "unit": "MW"}),
    ]
    inv = year_inventory(2024, es, prods, Traced(10, "10^4 CNY"), "AR5")
    return {"gwp_set": "AR5", "years": {"2024": inv}}


COAL = 20 * 25 * 0.98 * 44 / 12
GAS = 0.38931 * 15.32 * 0.99 * 44 / 12
FGD = 39.6
EL = 1.1406
TOTAL = COAL + GAS + FGD + EL


def test_e1_totals_and_intensities():
    t = tables(results(), [2023, 2024])["E.1"]
    assert [c["key"] for c in t["columns"]] == ["item", "unit", "2023", "2024"]
    by_unit = {r["unit"]: r for r in t["rows"]}
    assert by_unit["tCO2e"]["2024"] == pytest.approx(TOTAL) and by_unit["tCO2e"]["2023"] is None
    # per 10 (10^4 CNY); per 2,001 MWh
    assert by_unit["tCO2e/10^4 CNY"]["2024"] == pytest.approx(TOTAL / 10)
    assert by_unit["tCO2e/MWh"]["2024"] == pytest.approx(TOTAL / 2001)
    assert "GWP set: AR5" in t["notes"][0]["en"]


def test_e2_activity_data_by_category():
    rows = {r["item"]["en"]: r for r in tables(results(), 2024)["E.2"]["rows"]}
    # heat of fuels: 20 + 0.38931 TJ; sorbent 100 t; electricity 2 MWh
    assert rows["Activity data, fossil fuel combustion"]["2024"] == pytest.approx(20.38931)
    assert rows["Activity data, desulfurization"]["2024"] == pytest.approx(100)
    assert rows["Activity data, net purchased electricity"]["2024"] == pytest.approx(2)
    assert "Activity data, net purchased heat" not in rows


def test_e4_effective_factors():
    rows = {r["item"]["en"]: r for r in tables(results(), 2024)["E.4"]["rows"]}
    # (1,796.667 + 21.650) tCO2 / 20.38931 TJ; 39.6 / 100 t = 0.396; 1.1406 / 2 = 0.5703
    assert rows["Emission factor, fossil fuel combustion"]["2024"] == pytest.approx((COAL + GAS) / 20.38931)
    assert rows["Emission factor, desulfurization"]["2024"] == pytest.approx(0.396)
    assert rows["Emission factor, net purchased electricity"]["2024"] == pytest.approx(0.5703)


def test_e3_and_e5_sources():
    t = tables(results(), 2024)
    e3 = {r["item"]["en"]: r for r in t["E.3"]["rows"]}
    assert [r["item"]["zh"] for r in t["E.3"]["rows"]][:10] == [
        "燃煤",
        "原油",
        "燃料油",
        "汽油",
        "柴油",
        "炼厂干气",
        "其他石油制品",
        "天然气",
        "焦炉煤气",
        "其他煤气",
    ]
    assert e3["coal"]["activity_source"]["zh"] == "belt scale"
    assert e3["coal"]["parameter_source"]["zh"] == "实测（20 GJ/t）：lab GB/T 213"
    assert e3["crude oil"]["activity_source"] == {"zh": "不涉及", "en": "not applicable"}
    assert e3["natural gas"]["parameter_source"]["en"].startswith("default (38931 kJ/Nm3): ")
    assert "second-hand" in e3["natural gas"]["parameter_source"]["zh"]
    e5 = {r["item"]["en"]: r for r in t["E.5"]["rows"]}
    assert e5["coal"]["cc_source"]["zh"] == "实测（25 tC/TJ）：lab GB/T 476"
    assert e5["coal"]["of_source"]["en"].startswith("default (0.98)")  # the guideline's fallback 98 %, a fraction
    assert e5["net electricity purchased"]["cc_source"]["en"].startswith("default (0.5703 tCO2/MWh)")
    assert "assay" in e5["sorbent consumed"]["cc_source"]["zh"]


def test_e6_products():
    [row] = tables(results(), 2024)["E.6"]["rows"]
    # 2,000 + 1 MWh; design capacity 300 + 100 MW
    assert (row["no"], row["output"], row["unit"], row["design_capacity"]) == (1, 2001, "MWh", "400 MW")
    assert row["product"] == {"zh": "电力", "en": "electricity"} and "F1 2000" in row["note"]


def test_empty_results():
    t = tables({}, 2024)
    assert t["E.1"]["rows"][-1]["2024"] is None and t["E.6"]["rows"] == []

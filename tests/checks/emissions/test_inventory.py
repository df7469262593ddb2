"""Inventory aggregation, intensities, year-on-year changes, years to check and source activity,
against figures worked out by hand."""

from __future__ import annotations

import pytest

from checks.emissions.lines import compute_line
from checks.emissions.inventory import Entry, ProductRow, change_pct, in_national_ets, ratio, source_expected, year_changes, year_inventory, years_to_check
from cms_build.trace import Traced


def q(v, u):
    return {"quantity": {"value": v, "unit": u}}


def entries(year=2024, coal_t=1000, gas=100):
    # coal: 1,000 t × 20 GJ/t = 20 TJ × (25 × 1.0 × 44/12 = 91.666…) = 1,833.333… tCO2
    coal = compute_line(
        {
            "method": "emission_factor",
            "activity": q(coal_t, "t"),
            "ncv": {"value": 20, "unit": "GJ/t", "source": "s"},
            "carbon_content": {"value": 25, "unit": "tC/TJ", "source": "s"},
            "oxidation": {"value": 1, "unit": "1", "source": "s"},
            "other_gases": [{"gas": "CH4", "ef": {"value": 0.001, "unit": "t/TJ", "source": "s"}}],
        },
        gwp_set="AR5",
    )
    # CH4: 20 TJ × 0.001 t/TJ = 0.02 t × 28 = 0.56 tCO2e
    # gas: 100 TJ × (15.32 × 0.99 × 44/12 = 55.6116) = 5,561.16 tCO2
    ng = compute_line({"method": "emission_factor", "fuel": "natural_gas", "activity": q(gas, "TJ")}, gwp_set="AR5")
    # limestone: 1,000 t × 0.9 × 0.44 × 1 = 396 tCO2
    fgd = compute_line(
        {"method": "desulfurization", "material": "CaCO3", "activity": q(1000, "t"), "purity": {"value": 90, "unit": "%", "source": "s"}}, gwp_set="AR5"
    )
    src = lambda rec: {"record": rec, "file": f"a/{rec}.yaml", "line": 16}  # noqa: E731
    return [
        Entry(year, f"AD-{year}-C", "SRC-C", coal, src(f"AD-{year}-C"), "coal", "FAC-1", "S1", "发电", "fuel_combustion", "emission_factor", "coal"),
        Entry(year, f"AD-{year}-G", "SRC-G", ng, src(f"AD-{year}-G"), "gas", "FAC-2", "S2", "发电", "fuel_combustion", "emission_factor", "natural_gas"),
        Entry(year, f"AD-{year}-F", "SRC-F", fgd, src(f"AD-{year}-F"), "fgd", "FAC-3", "S1", "脱硫", "desulfurization", "desulfurization", None, "CaCO3"),
    ]


COAL = 20 * 25 * 44 / 12  # 1,833.333…
CH4 = 0.02 * 28  # 0.56
GAS = 100 * 15.32 * 0.99 * 44 / 12  # 5,561.16
FGD = 1000 * 0.9 * 0.44  # 396
TOTAL = COAL + CH4 + GAS + FGD  # 7,791.053…


def products(year=2024):
    src = {"record": f"PO-{year}", "path": "products[0].output.value"}
    return [
        ProductRow(year, "electricity", "电力", 6000, "MWh", src, facility="FAC-1", site="S1", design_capacity={"value": 300, "unit": "MW"}),
        ProductRow(year, "electricity", "电力", 4000, "MWh", src, facility="FAC-2", site="S2"),
        ProductRow(year, "heat", "热力", 50000, "GJ", src, site="S1"),
    ]


def output_value(v=500.0):
    return Traced(v, "10^4 CNY", label="OV", formula="OV = Σ OV_i")


def test_totals_by_every_dimension():
    inv = year_inventory(2024, entries(), products(), output_value(), "AR5")
    assert inv["total"]["value"] == pytest.approx(TOTAL)
    assert inv["by_gas"]["CO2"]["value"] == pytest.approx(COAL + GAS + FGD)
    assert inv["by_gas"]["CH4"]["value"] == pytest.approx(CH4)
    assert inv["gas_mass"] == pytest.approx({"CH4": 0.02, "CO2": COAL + GAS + FGD})
    assert inv["by_source"]["SRC-C"]["value"] == pytest.approx(COAL + CH4)
    assert inv["by_site"]["S1"]["value"] == pytest.approx(COAL + CH4 + FGD)
    assert inv["by_site"]["S2"]["value"] == pytest.approx(GAS)
    assert inv["by_process"]["发电"]["value"] == pytest.approx(COAL + CH4 + GAS)
    assert inv["by_category"]["desulfurization"]["value"] == pytest.approx(FGD)
    assert inv["by_method"]["emission_factor"]["value"] == pytest.approx(COAL + CH4 + GAS)
    assert inv["sources"]["SRC-G"]["records"] == ["AD-2024-G"]
    # the total's inputs are the records, each with its source
    assert [i["symbol"] for i in inv["total"]["inputs"]] == ["E[AD-2024-C]", "E[AD-2024-F]", "E[AD-2024-G]"]
    assert inv["total"]["inputs"][0]["source"]["file"] == "a/AD-2024-C.yaml"
    assert "GWP set: AR5" in inv["total"]["notes"]
    assert inv["entries"]["AD-2024-F"]["material"] == "CaCO3"


def test_intensities():
    inv = year_inventory(2024, entries(), products(), output_value(), "AR5")
    # 7,791.053… tCO2e / (6,000 + 4,000) MWh = 0.7791053… ; / 50,000 GJ ; / 500 (10^4 CNY) = 15.582…
    el = inv["intensity"]["per_product"]["electricity"]
    assert (el["value"], el["unit"]) == (pytest.approx(TOTAL / 10000), "tCO2e/MWh")
    assert inv["intensity"]["per_product"]["heat"]["value"] == pytest.approx(TOTAL / 50000)
    ov = inv["intensity"]["per_output_value"]
    assert (ov["value"], ov["unit"]) == (pytest.approx(TOTAL / 500), "tCO2e/10^4 CNY")
    assert inv["products"]["electricity"]["value"] == 10000
    assert "without allocation" in " ".join(el["notes"])


def test_no_output_value_no_intensity():
    inv = year_inventory(2024, entries(), [], None, "AR5")
    assert inv["intensity"] == {"per_output_value": None, "per_product": {}}


def test_other_years_are_left_out():
    inv = year_inventory(2025, entries(2024) + entries(2025, coal_t=2000), [], None, "AR5")
    # 2025 coal: 2,000 t -> 40 TJ: CO2 3,666.666…, CH4 0.04 t × 28 = 1.12
    assert inv["total"]["value"] == pytest.approx(2 * COAL + 2 * CH4 + GAS + FGD)


def test_year_changes():
    prev = year_inventory(2024, entries(2024), products(2024), output_value(500), "AR5")
    cur = year_inventory(2025, entries(2025, coal_t=1500), products(2025), output_value(400), "AR5")
    ch = year_changes(prev, cur)
    # coal source: 1,500 vs 1,000 t -> (1.5 × 1,833.893… − 1,833.893…) / 1,833.893… = +50 %
    assert ch["sources"]["SRC-C"]["change_pct"] == pytest.approx(50.0)
    assert ch["sources"]["SRC-G"]["change_pct"] == pytest.approx(0.0)
    tot25 = TOTAL + 0.5 * (COAL + CH4)
    assert ch["total"]["change_pct"] == pytest.approx((tot25 - TOTAL) / TOTAL * 100)
    # intensity per 10^4 CNY: tot25 / 400 vs TOTAL / 500
    assert ch["intensity"]["per_output_value"]["change_pct"] == pytest.approx((tot25 / 400 - TOTAL / 500) / (TOTAL / 500) * 100)
    assert year_changes(None, cur) == {}


def test_change_pct_edges():
    assert change_pct(100, 120) == pytest.approx(20)
    assert change_pct(-100, -80) == pytest.approx(20)
    assert change_pct(0, 5) is None and change_pct(None, 5) is None


def test_ratio_trace():
    t = ratio(Traced(10, "tCO2e", label="E"), Traced(4, "MWh", label="P"), "I")
    assert (t.value, t.unit, t.formula) == (2.5, "tCO2e/MWh", "I = E / P")
    assert [i.symbol for i in t.inputs] == ["E", "P"] and t.steps[0].label == "P"


def test_years_to_check():
    # as of 2026: completed years are before 2026, at most 5 back (2021-2025), none before the first data
    assert years_to_check([2023, 2025], 2026, 5) == [2023, 2024, 2025]
    assert years_to_check([2015], 2026, 5) == [2021, 2022, 2023, 2024, 2025]
    assert years_to_check([2026], 2026, 5) == []
    assert years_to_check([], 2026, 5) == []


@pytest.mark.parametrize(
    "src,fac,expected",
    [
        ({}, None, True),
        ({"in_boundary": False}, None, False),
        ({"active_from": "2025-12-31"}, None, True),  # active on the year's last day
        ({"active_from": "2026-01-01"}, None, False),  # the day after
        ({"active_until": "2025-01-01"}, None, True),  # active on the year's first day
        ({"active_until": "2024-12-31"}, None, False),  # the day before
        ({}, {"in_boundary": False}, False),
        ({}, {"commissioned": "2025-12-31"}, True),
        ({}, {"commissioned": "2026-01-01"}, False),
        ({}, {"retired_on": "2025-01-01"}, True),
        ({}, {"retired_on": "2024-12-31"}, False),
        ({}, {"operating_status": "planned"}, False),
        ({}, {"operating_status": "under_construction", "planned_start": "2025-12-31"}, True),
        ({}, {"operating_status": "under_construction", "planned_start": "2026-01-01"}, False),
    ],
)
def test_source_expected_in_2025(src, fac, expected):
    assert source_expected(src, fac, 2025) is expected


class _Rec(dict):
    """A record's fields, as rec.get reads them."""


class _Ctx:
    """The records a context gives, by kind, noting which kinds were read."""

    def __init__(self, **by_kind):
        self.by_kind, self.read = by_kind, []

    def records(self, kind):
        self.read.append(kind)
        return self.by_kind.get(kind, [])


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ({"organization": [_Rec(mandatory_schemes=["national_ets", "mandatory_reporting"])]}, True),
        ({"organization": [_Rec(mandatory_schemes=["local_pilot_ets"])]}, False),
        ({"organization": [_Rec(mandatory_schemes=[])]}, False),
        ({}, False),
    ],
)
def test_in_national_ets_is_what_the_profile_says(records, expected):
    """One reading for the emissions domain and the legal retention rule (management): the
    organization profile's mandatory_schemes."""
    assert in_national_ets(_Ctx(**records)) is expected


def test_in_national_ets_reads_the_profile_only():
    # a national obligation the profile does not back is its own error
    # (emissions.national-ets-not-in-profile), not a second way in: what a computation reads is
    # what its result rests on (Result.reads, publish.py), and obligations are mostly internal
    ctx = _Ctx(organization=[_Rec(mandatory_schemes=[])], ets_compliance=[_Rec(scheme="national_ets")])
    assert in_national_ets(ctx) is False and ctx.read == ["organization"]


# -- why a source is inside the national ETS boundary (ets.by_source.*.reason) -------------------
def test_the_ets_reason_is_a_code_with_the_category_it_was_judged_by():
    from checks.emissions.compute import _in_ets
    from checks.emissions.inventory import ets_why

    # the source's own flag decides, whatever its category
    assert _in_ets({"ets_boundary": True}) == (True, "flag_inside", None)
    assert _in_ets({"ets_boundary": False, "category": "fuel_combustion"}) == (False, "flag_outside", None)
    # else its category against the boundary of a power generation facility (A.9.1 a)
    assert _in_ets({"category": "fuel_combustion"}) == (True, "category_inside", "fuel_combustion")
    assert _in_ets({"category": "purchased_electricity"}) == (True, "category_inside", "purchased_electricity")
    assert _in_ets({"category": "desulfurization"}) == (False, "category_outside", "desulfurization")
    assert _in_ets({}) == (False, "category_outside", "other")
    # the English of the result's `why`, as before the code
    assert ets_why("category_inside", "fuel_combustion") == "fuel_combustion: inside the boundary of a power generation facility"
    assert ets_why("flag_outside", None) == "ets_boundary: false"
    assert ets_why(None, None) == ""

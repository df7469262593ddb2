"""Indicators, baselines, comparisons and target progress, worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from checks.emissions import indicators as ic
from checks.emissions.inventory import year_inventory
from cms_build.trace import Traced
from tests.checks.emissions.test_inventory import CH4, COAL, FGD, GAS, TOTAL, entries, output_value, products


@pytest.fixture
def inv():
    return year_inventory(2024, entries(), products(), output_value(500), "AR5")


def test_selection_by_facility_site_category_gas(inv):
    assert ic.emissions_of({}, inv, "E").value == pytest.approx(TOTAL)
    assert ic.emissions_of({"facilities": ["FAC-1"]}, inv, "E").value == pytest.approx(COAL + CH4)
    assert ic.emissions_of({"sites": ["S1"], "categories": ["fuel_combustion"]}, inv, "E").value == pytest.approx(COAL + CH4)
    assert ic.emissions_of({"gases": ["CH4"]}, inv, "E").value == pytest.approx(CH4)
    assert ic.emissions_of({"sources": ["SRC-G", "SRC-F"]}, inv, "E").value == pytest.approx(GAS + FGD)
    assert ic.emissions_of({"sources": ["NONE"]}, inv, "E").value == 0


def test_total_indicator(inv):
    t = ic.indicator_value({"measure": "total", "emissions": {"categories": ["desulfurization"]}}, inv)
    assert (t.value, t.unit) == (pytest.approx(FGD), "tCO2e")
    assert t.inputs[0].source["record"] == "AD-2024-F"


def test_equipment_intensity(inv):
    # unit FAC-1: (1,833.333 + 0.56) tCO2e / 6,000 MWh = 0.305648… tCO2e/MWh
    ind = {"measure": "intensity", "emissions": {"facilities": ["FAC-1"]}, "denominator": {"product": "electricity", "facilities": ["FAC-1"]}}
    t = ic.indicator_value(ind, inv)
    assert (t.value, t.unit) == (pytest.approx((COAL + CH4) / 6000), "tCO2e/MWh")
    assert [s.label for s in t.steps][1] == "P 电力" and t.steps[1].value == 6000


def test_site_intensity_and_output_value(inv):
    # site S2: 5,561.16 / 4,000 MWh; organization: 7,791.053 / 500 (10^4 CNY)
    s2 = ic.indicator_value({"measure": "intensity", "emissions": {"sites": ["S2"]}, "denominator": {"product": "electricity", "sites": ["S2"]}}, inv)
    assert s2.value == pytest.approx(GAS / 4000)
    org = ic.indicator_value({"measure": "intensity", "denominator": {"output_value": True}}, inv)
    assert (org.value, org.unit) == (pytest.approx(TOTAL / 500), "tCO2e/10^4 CNY")


def test_intensity_without_denominator_is_none(inv):
    assert ic.indicator_value({"measure": "intensity", "denominator": {"product": "steel"}}, inv) is None
    inv2 = year_inventory(2024, entries(), [], None, "AR5")
    assert ic.indicator_value({"measure": "intensity", "denominator": {"output_value": True}}, inv2) is None
    assert ic.indicator_value({"measure": "other"}, inv) is None


def test_baseline_average_of_years():
    # (0.80 + 0.84) / 2 = 0.82
    t, why = ic.baseline_value(None, "tCO2/MWh", [2022, 2023], {2022: 0.80, 2023: 0.84, 2024: 0.9}, {})
    assert (t.value, t.formula, why) == (pytest.approx(0.82), "B = Σ I_y / n", "")
    t, why = ic.baseline_value(None, "tCO2/MWh", [2021, 2023], {2023: 0.84}, {})
    assert t is None and "2021" in why
    t, _ = ic.baseline_value(0.83, "tCO2/MWh", [2023], {}, {"record": "BL-1"})
    assert t.value == 0.83 and t.inputs[0].source == {"record": "BL-1"}


def test_compare():
    # (0.81 − 0.82) / 0.82 = −1.2195 %; (0.81 − 0.80) / 0.80 = +1.25 %
    c = ic.compare(0.81, 0.82, 0.80)
    assert c["vs_baseline_pct"] == pytest.approx(-1.2195122) and c["vs_benchmark_pct"] == pytest.approx(1.25)
    assert ic.compare(0.81, None, None) == {"vs_baseline_pct": None, "vs_benchmark_pct": None}


def test_target_value():
    assert ic.target_value_from(100, None, 3) == pytest.approx(97)
    assert ic.target_value_from(100, None, 3, "higher") == pytest.approx(103)
    assert ic.target_value_from(100, 95, 3) == 95
    assert ic.target_value_from(None, None, 3) is None


BASE_END = dt.date(2023, 12, 31)
DEADLINE = dt.date(2025, 12, 31)


def progress(values, as_of, **kw):
    return ic.target_progress(baseline=100.0, target=97.0, values=values, base_end=BASE_END, deadline=DEADLINE, as_of=as_of, **kw)


def test_on_track_and_behind():
    # 2024 value 98.5: achieved (100 − 98.5) / (100 − 97) = 50 %; expected 366 / 731 days = 50.07 % (2024 leap year)
    p = progress({2024: 98.5}, dt.date(2025, 3, 1))
    assert p["achieved_pct"] == pytest.approx(50.0) and p["expected_pct"] == pytest.approx(366 / 731 * 100)
    assert p["status"] == "behind"
    assert progress({2024: 98.5}, dt.date(2025, 3, 1), margin_pct=0.1)["status"] == "on_track"
    assert progress({2024: 98.4}, dt.date(2025, 3, 1))["status"] == "on_track"  # 53.3 % ≥ 50.07 %


def test_only_completed_years_count():
    # on 2024-12-30 the 2024 value is not final yet: no data
    assert progress({2024: 96}, dt.date(2024, 12, 30))["status"] == "no_data"
    assert progress({2024: 96}, dt.date(2024, 12, 31))["status"] == "achieved"


def test_missed_after_the_deadline():
    # 2025 value 98 (> 97), the deadline passed: missed on 2026-01-01, still open on 2025-12-31
    p = progress({2024: 99, 2025: 98}, dt.date(2026, 1, 1))
    assert (p["latest_year"], p["status"]) == (2025, "missed")
    assert p["achieved_pct"] == pytest.approx(66.6666667)
    assert progress({2024: 99, 2025: 98}, dt.date(2025, 12, 31))["status"] == "behind"


def test_years_after_the_deadline_are_not_the_result():
    # the 2026 value (96) comes after the 2025 deadline: progress is judged on 2025 (98)
    p = progress({2025: 98, 2026: 96}, dt.date(2027, 6, 30))
    assert (p["latest_year"], p["status"]) == (2025, "missed")


def test_higher_is_better():
    p = ic.target_progress(
        baseline=30.0, target=40.0, values={2024: 41.0}, base_end=BASE_END, deadline=DEADLINE, as_of=dt.date(2025, 6, 30), direction="higher"
    )
    assert p["status"] == "achieved" and p["achieved_pct"] == pytest.approx(110.0)


def test_indicator_value_is_traced(inv):
    t = ic.indicator_value({"measure": "intensity", "denominator": {"output_value": True}}, inv, label="IND")
    assert isinstance(t, Traced) and t.formula == "I = E / P" and t.inputs[1].unit == "10^4 CNY"

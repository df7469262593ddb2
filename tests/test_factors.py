"""The built-in factor library: figures as in shared/reference/factors.md, every figure
with a citation, units that the unit registry understands."""

from __future__ import annotations

import pytest
import yaml

from cms_build import factors
from cms_build.factors import DATA_DIR, FILES, Factor, gwp
from cms_build.units import convert, parse_unit

# factors.md, GWP-100 table ("-" = no value)
GWP_TABLE = {
    "CO2": (1, 1, 1, 1),
    "CH4": (21, 25, 28, 27.9),
    "N2O": (310, 298, 265, 273),
    "SF6": (23900, 22800, 23500, 25200),
    "NF3": (None, 17200, 16100, 17400),
    "HFC-23": (11700, 14800, 12400, 14600),
    "HFC-32": (650, 675, 677, 771),
    "HFC-125": (2800, 3500, 3170, 3740),
    "HFC-134a": (1300, 1430, 1300, 1530),
    "CF4": (6500, 7390, 6630, 7380),
    "C2F6": (9200, 12200, 11100, 12400),
}
SETS = ("SAR", "AR4", "AR5", "AR6")


def test_named_gwp_values():
    assert gwp("AR5", "CH4").value == 28
    assert gwp("AR6", "N2O").value == 273
    assert gwp("SAR", "SF6").value == 23900
    assert gwp("AR6", "SF6").value == 25200  # not 24300 (disagrees with Table 7.SM.7)


@pytest.mark.parametrize("gas", list(GWP_TABLE))
def test_gwp_table_exactly_as_in_factors_md(gas):
    for set_name, expected in zip(SETS, GWP_TABLE[gas]):
        if expected is None:
            with pytest.raises(KeyError):
                gwp(set_name, gas)
        else:
            f = gwp(set_name, gas)
            assert f.value == expected
            assert f.unit == "tCO2e/t"
            assert f.second_hand is False
            assert set_name in f.source


def test_gwp_sets_and_gases():
    assert factors.gwp_sets() == list(SETS)
    assert "NF3" not in factors.gases("SAR")
    assert set(GWP_TABLE) <= set(factors.gases("AR6"))


def test_ar6_methane_by_origin_is_second_hand():
    fossil, non_fossil = gwp("AR6", "CH4-fossil"), gwp("AR6", "CH4-non-fossil")
    assert (fossil.value, non_fossil.value) == (29.8, 27.0)
    assert fossil.second_hand and non_fossil.second_hand
    assert "7.15" in fossil.source
    assert gwp("AR6", "CH4").second_hand is False


def test_sar_nf3_is_absent_and_the_message_names_the_set():
    with pytest.raises(KeyError) as exc:
        gwp("SAR", "NF3")
    msg = str(exc.value)
    assert "SAR" in msg and "NF3" in msg and "CH4" in msg  # lists the gases it has


def test_unknown_set_lists_known_sets():
    with pytest.raises(KeyError) as exc:
        gwp("AR7", "CO2")
    assert all(s in str(exc.value) for s in SETS)


def test_gas_and_set_names_are_forgiving():
    assert gwp("ar5", "hfc134a").value == 1300
    assert gwp("AR2", "CH4").value == 21  # SAR is also called AR2
    assert gwp("AR6", "CO₂").value == 1


def test_natural_gas_defaults():
    ng = factors.fuel("natural_gas")
    assert (ng.name_zh, ng.name_en) == ("天然气", "natural gas")
    assert ng.ncv.value == 38931 and ng.ncv.unit == "kJ/Nm3"
    assert ng.carbon_content.value == 15.32 and ng.carbon_content.unit == "tC/TJ"
    assert ng.oxidation.value == 0.99
    assert ng.ncv.second_hand and ng.carbon_content.second_hand and ng.oxidation.second_hand
    assert "发电企业" in ng.ncv.source and "factors.md" in ng.ncv.source


FUELS = {  # key: (NCV, unit, CC, OF) from factors.md
    "crude_oil": (41816, "kJ/kg", 20.08, 0.98),
    "fuel_oil": (41816, "kJ/kg", 21.1, 0.98),
    "gasoline": (43070, "kJ/kg", 18.9, 0.98),
    "diesel": (42652, "kJ/kg", 20.2, 0.98),
    "refinery_dry_gas": (45998, "kJ/kg", 18.2, 0.98),
    "natural_gas": (38931, "kJ/Nm3", 15.32, 0.99),
    "coke_oven_gas": (17981, "kJ/Nm3", 13.58, 0.99),
    "other_gas": (5227, "kJ/Nm3", 12.2, 0.99),
}


@pytest.mark.parametrize("key", list(FUELS))
def test_fuel_defaults(key):
    ncv, unit, cc, of = FUELS[key]
    f = factors.fuel(key)
    assert (f.ncv.value, f.ncv.unit, f.carbon_content.value, f.oxidation.value) == (ncv, unit, cc, of)
    assert all(x.second_hand for x in (f.ncv, f.carbon_content, f.oxidation))
    assert f.name_zh and f.name_en


def test_coal_is_measured_with_oxidation_fallback():
    coal = factors.fuel("coal")
    assert coal.ncv is None and coal.carbon_content is None
    assert "GB/T 213" in coal.ncv_method and "GB/T 476" in coal.carbon_content_method
    assert coal.oxidation.value == 0.98 and coal.oxidation.second_hand


def test_transcription_corrections_are_noted():
    cog = factors.fuel("coke_oven_gas").ncv
    assert "12726" in cog.note and "16726" in cog.note
    other = factors.fuel("other_gas").ncv
    assert other.value == 5227 and "52270" in other.note
    assert "99" in factors.fuel("refinery_dry_gas").oxidation.note


def test_fuel_by_name_and_unknown_fuel():
    assert factors.fuel("柴油").key == "diesel"
    with pytest.raises(KeyError) as exc:
        factors.fuel("peat")
    assert "natural_gas" in str(exc.value)


def test_fuel_emission_with_units():
    # 1 (10^3 Nm3) natural gas: 38931 kJ/Nm3 x 1000 Nm3 = 0.038931 TJ;
    # x 15.32 tC/TJ x 0.99 x 44/12 = 2.16504... tCO2
    from cms_build import units

    ng = factors.fuel("natural_gas")
    heat = units.quantity(1, ng.activity_unit) * ng.ncv.quantity()
    carbon = heat * ng.carbon_content.quantity() * ng.oxidation.value
    co2 = units.carbon_to_co2(carbon)
    assert co2 == pytest.approx(0.038931 * 15.32 * 0.99 * 44 / 12)


GRID = {
    "national_2015_mee_2019_tables": 0.6101,
    "national_mee_2022_111": 0.5810,
    "national_2022_for_2023_2025_reporting": 0.5703,
    "national_2021": 0.5568,
    "national_2021_excluding_market_nonfossil": 0.5942,
    "national_2022": 0.5366,
    "national_2023": 0.5306,
    "national_2023_excluding_market_nonfossil": 0.6096,
    "national_2023_fossil_only": 0.8273,
    "north_china_2023": 0.6361,
    "north_east_2023": 0.5122,
    "east_china_2023": 0.5500,
    "central_china_2023": 0.5271,
    "north_west_2023": 0.5543,
}


def test_grid_factors():
    assert set(factors.grid_keys()) == set(GRID)
    for key, value in GRID.items():
        f = factors.grid(key)
        assert f.value == value and f.unit == "tCO2/MWh" and f.source and f.note
    assert factors.grid("national_mee_2022_111").second_hand
    h = factors.heat_default()
    assert (h.value, h.unit) == (0.11, "tCO2/GJ")
    with pytest.raises(KeyError):
        factors.grid("south_china_2023")


def test_carbonates():
    assert factors.carbonate("CaCO3").value == 0.440 and factors.carbonate("CaCO3").second_hand
    assert factors.carbonate("CaCO3_stoichiometric").value == 0.4397
    expected = {"MgCO3": 0.5220, "Na2CO3": 0.4149, "NaHCO3": 0.5237, "FeCO3": 0.3799}
    for k, v in expected.items():
        assert factors.carbonate(k).value == v
        assert factors.carbonate(k).unit == "tCO2/t"
    # stoichiometric CaCO3 is M(CO2)/M(CaCO3) = 44.01/100.09
    assert factors.carbonate("CaCO3_stoichiometric").value == pytest.approx(44.01 / 100.09, abs=5e-5)
    assert "Σ" in factors.desulfurization_formula()["expression"]


def test_ets_figures():
    assert factors.ets("ccer_max_share").value == 0.05
    assert factors.ets("listed_price_band").value == 0.10
    assert factors.ets("block_price_band").value == 0.30
    assert factors.ets("block_threshold").value == 100000
    assert factors.ets("trading_hours").value == ("09:30-11:30", "13:00-15:00")
    assert factors.ets("emission_report_due").value == "03-31"
    assert factors.ets("record_retention_years").value == 5
    assert factors.ets("compliance_2019_2020_95pct_units").value == "2021-12-15"
    assert factors.ets("compliance_2019_2020_all_units").value == "2021-12-31"
    assert factors.ets("compliance_2021_2022").value == "2023-12-31"
    # 100,000 tCO2e of allowances = 100 ktCO2e
    assert convert(factors.ets("block_threshold").value, "tCO2e", "ktCO2e") == pytest.approx(100)
    for key in factors.ets_keys():
        assert "position" not in key and "large_holder" not in key
    with pytest.raises(KeyError):
        factors.ets("position_limit")


# ---- every figure has a citation, in the files themselves and in the table ---------


def _figures(node, inherited_source=None, path=()):
    """Yield (path, source) for every mapping that holds a figure ('value'), and for
    every bare number in a GWP set, with the source that applies to it."""
    if isinstance(node, dict):
        src = node.get("source", inherited_source)
        if "value" in node:
            yield path, src
        for k, v in node.items():
            if k in ("sources", "source"):
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool) and path and path[-1] == "values":
                yield path + (k,), src
            else:
                yield from _figures(v, src, path + (k,))


@pytest.mark.parametrize("name", FILES)
def test_every_figure_in_every_file_has_a_source(name):
    path = DATA_DIR / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), f"{name}.yaml must begin with a comment saying what it is"
    found = list(_figures(yaml.safe_load(text)))
    assert found, name
    for where, source in found:
        assert isinstance(source, str) and source.strip(), f"{name}.yaml {'.'.join(map(str, where))}"


def test_library_table_covers_everything_with_citations():
    rows = factors.library_table()
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys))
    for r in rows:
        assert r["source"].strip(), r["key"]
        assert isinstance(r["second_hand"], bool)
    assert "gwp:AR5:CH4" in keys and "fuel:coal:ncv" in keys and "ets:ccer_max_share" in keys
    assert "heat:default" in keys and "carbonate:CaCO3" in keys and "grid:national_2023" in keys
    # every fuel figure is marked second-hand
    assert all(r["second_hand"] for r in rows if r["library"] == "fuels_cn_power_2013")


def test_every_numeric_figure_has_a_unit_the_registry_reads():
    for r in factors.library_table():
        v = r["value"]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            parse_unit(r["unit"])


def test_factor_is_frozen():
    f = gwp("AR5", "CH4")
    assert isinstance(f, Factor)
    with pytest.raises(Exception):
        f.value = 1  # type: ignore[misc]


def test_guideline_defaults_carry_second_hand_citations_and_never_guess():
    of = factors.guideline_default("coal_oxidation")
    assert (of.value, of.unit, of.second_hand) == (0.99, "1", True)
    assert "not checked against the original" in of.source
    assert factors.guideline_default("coal_carbon_content_unmeasured_2019").value == 33.56
    with pytest.raises(factors.FactorKeyError) as exc:  # a figure not found is not invented
        factors.guideline_default("coal_carbon_content_unmeasured_2022")
    assert "NOT FOUND" in str(exc.value)
    rows = {r["key"]: r for r in factors.library_table()}
    assert rows["default:coal_carbon_content_unmeasured_2022"]["value"] is None

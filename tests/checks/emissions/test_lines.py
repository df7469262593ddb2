"""compute_line: each accounting method against values worked out by hand from the formulas
of Annex F and the 2013 power-generation guideline, with the arithmetic in comments."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from checks.emissions.lines import CalcError, compute_line

APPROX = dict(rel=1e-9)


def q(value, unit):
    return {"quantity": {"value": value, "unit": unit}}


def coal_line(**over):
    line = {
        "method": "emission_factor",
        "fuel": "coal",
        "activity": q(1_450_000, "t"),
        "ncv": {"value": 21.5, "unit": "GJ/t", "source": "入厂煤化验", "test_standard": "GB/T 213", "lab": "厂化验室"},
        "carbon_content": {"value": 26.8, "unit": "tC/TJ", "source": "元素碳检测", "test_standard": "GB/T 476"},
        "oxidation": {"value": 98.5, "unit": "%", "source": "飞灰和炉渣含碳量计算"},
    }
    line.update(over)
    return line


# -- F.2 emission factor method, fuel combustion --------------------------------------------
def test_coal_measured_parameters():
    # AD = FC × NCV = 1,450,000 t × 21.5 GJ/t = 31,175,000 GJ = 31,175 TJ
    # EF = CC × OF × 44/12 = 26.8 × 0.985 × 44/12 = 26.398 × 3.666… = 96.792666… tCO2/TJ
    # E  = 31,175 × 96.792666… = 3,017,511.383… tCO2 (× GWP CO2 = 1)
    r = compute_line(coal_line(), gwp_set="AR5", path=("line",))
    assert r.total.value == pytest.approx(3_017_511.383333, rel=1e-9)
    assert r.total.unit == "tCO2e"
    assert set(r.gases) == {"CO2"} and r.gas_mass["CO2"] == pytest.approx(3_017_511.383333, rel=1e-9)
    co2 = r.gases["CO2"]
    ad, ef = co2.steps
    assert (ad.value, ad.unit, ad.formula) == (pytest.approx(31_175), "TJ", "AD = FC × NCV")
    assert (ef.value, ef.unit) == (pytest.approx(96.7926666667, **APPROX), "tCO2/TJ")
    assert {p.name: p.basis for p in r.parameters} == {"ncv": "measured", "carbon_content": "measured", "oxidation": "unspecified"}
    assert "GWP set: AR5" in r.total.notes
    # the trace names the field each input came from
    [ncv] = [i for i in ad.inputs if i.symbol == "NCV"]
    assert ncv.source == {"path": "line.ncv.value"} and ncv.value == 21.5


def test_coal_ncv_in_kj_per_kg_gives_the_same():
    # 21,500 kJ/kg = 21.5 GJ/t (1 kJ/kg = 10^-3 GJ/t): same 3,017,511.383… tCO2
    line = coal_line(ncv={"value": 21500, "unit": "kJ/kg", "source": "lab"})
    assert compute_line(line, gwp_set="AR5").total.value == pytest.approx(3_017_511.383333, rel=1e-9)


def test_coal_in_kt_and_oxidation_as_fraction():
    # 1,450 kt = 1,450,000 t; OF 0.985 written as a fraction: same result
    line = coal_line(activity=q(1450, "kt"), oxidation={"value": 0.985, "unit": "1", "source": "x"})
    assert compute_line(line, gwp_set="AR5").total.value == pytest.approx(3_017_511.383333, rel=1e-9)


def test_natural_gas_library_defaults_in_10_4_nm3():
    # FC = 16,500 × 10^4 Nm3 = 1.65 × 10^8 Nm3; NCV 38,931 kJ/Nm3 (guideline default)
    # AD = 1.65e8 × 38,931 kJ = 6.423615e12 kJ = 6,423.615 TJ
    # EF = 15.32 tC/TJ × 0.99 × 44/12 = 15.1668 × 3.666… = 55.6116 tCO2/TJ
    # E  = 6,423.615 × 55.6116 = 357,227.507934 tCO2
    for spelling in ("10^4 Nm3", "万Nm3"):
        r = compute_line({"method": "emission_factor", "fuel": "natural_gas", "activity": q(16_500, spelling)}, gwp_set="AR5")
        assert r.total.value == pytest.approx(357_227.507934, rel=1e-9)
    assert [p.origin for p in r.parameters] == ["library_default"] * 3
    assert all(p.second_hand for p in r.parameters)  # the guideline figures are second-hand
    assert r.parameters[0].source["library"] == "fuel:natural_gas:ncv"
    assert "not given in the record" in r.parameters[0].note


def test_natural_gas_in_10_3_nm3():
    # 165,000 × 10^3 Nm3 is the same gas as 16,500 × 10^4 Nm3: 357,227.507934 tCO2
    r = compute_line({"method": "emission_factor", "fuel": "natural_gas", "activity": q(165_000, "10^3 Nm3")}, gwp_set="AR5")
    assert r.total.value == pytest.approx(357_227.507934, rel=1e-9)


def test_diesel_named_library_keys():
    # 320 t × 42,652 kJ/kg = 320,000 kg × 42,652 kJ = 13,648,640,000 kJ = 13.64864 TJ
    # EF = 20.2 × 0.98 × 44/12 = 19.796 × 3.666… = 72.585333… tCO2/TJ
    # E = 13.64864 × 72.585333… = 990.6911… tCO2
    line = {
        "method": "emission_factor",
        "fuel": "diesel",
        "activity": q(320, "t"),
        "ncv": {"library": "fuel:diesel:ncv"},
        "carbon_content": {"library": "fuel:diesel:carbon_content"},
        "oxidation": {"library": "fuel:diesel:oxidation"},
    }
    r = compute_line(line, gwp_set="AR5")
    assert r.total.value == pytest.approx(13.64864 * 20.2 * 0.98 * 44 / 12, **APPROX)
    assert r.total.value == pytest.approx(990.69117, rel=1e-6)
    assert [p.origin for p in r.parameters] == ["library"] * 3


def test_activity_already_in_energy_needs_no_ncv():
    # AD = 100 TJ; EF = 15.32 × 0.99 × 44/12 = 55.6116; E = 5,561.16 tCO2
    r = compute_line({"method": "emission_factor", "fuel": "natural_gas", "activity": q(100, "TJ")}, gwp_set="AR5")
    assert r.total.value == pytest.approx(5_561.16, **APPROX)
    assert "ncv" not in {p.name for p in r.parameters}


def test_direct_emission_factor():
    # E = AD × EF = 2,000 t × 2.5 tCO2/t = 5,000 tCO2
    r = compute_line({"method": "emission_factor", "activity": q(2000, "t"), "ef": {"value": 2.5, "unit": "tCO2/t", "source": "supplier"}}, gwp_set="AR5")
    assert r.total.value == pytest.approx(5000)


@pytest.mark.parametrize("gwp_set,ch4,n2o,key", [("SAR", 21, 310, "CH4"), ("AR4", 25, 298, "CH4"), ("AR5", 28, 265, "CH4"), ("AR6", 29.8, 273, "CH4-fossil")])
def test_other_gases_use_the_chosen_gwp_set(gwp_set, ch4, n2o, key):
    # AD = 100 TJ of natural gas: CO2 = 100 × 55.6116 = 5,561.16 tCO2
    # CH4 = 100 TJ × 0.001 t/TJ = 0.1 t; N2O = 100 × 0.0001 = 0.01 t
    # SAR: 0.1×21 + 0.01×310 = 2.1 + 3.1 = 5.2;   AR4: 2.5 + 2.98 = 5.48
    # AR5: 2.8 + 2.65 = 5.45;                     AR6: 2.98 + 2.73 = 5.71 (combustion methane is fossil: 29.8)
    line = {
        "method": "emission_factor",
        "fuel": "natural_gas",
        "activity": q(100, "TJ"),
        "other_gases": [
            {"gas": "CH4", "ef": {"value": 0.001, "unit": "t/TJ", "source": "IPCC 2006 Vol.2 T2.2"}},
            {"gas": "N2O", "ef": {"value": 0.0001, "unit": "t/TJ", "source": "IPCC 2006 Vol.2 T2.2"}},
        ],
    }
    r = compute_line(line, gwp_set=gwp_set)
    assert r.gas_mass["CH4"] == pytest.approx(0.1) and r.gas_mass["N2O"] == pytest.approx(0.01)
    assert r.gases["CH4"].value == pytest.approx(0.1 * ch4)
    assert r.gases["N2O"].value == pytest.approx(0.01 * n2o)
    assert r.total.value == pytest.approx(5_561.16 + 0.1 * ch4 + 0.01 * n2o, **APPROX)
    assert f"GWP set: {gwp_set}" in r.gases["CH4"].notes
    [gwp] = [i for i in r.gases["CH4"].inputs if i.symbol == "GWP"]
    assert gwp.source["library"] == f"gwp:{gwp_set}:{key}"


def test_other_gas_per_fuel_mass_uses_the_fuel_amount():
    # CH4 factor per t of coal: 1,000 t × 0.00002 t/t = 0.02 t CH4 × 28 (AR5) = 0.56 tCO2e
    line = coal_line(activity=q(1000, "t"), other_gases=[{"gas": "CH4", "ef": {"value": 0.00002, "unit": "t/t", "source": "x"}}])
    r = compute_line(line, gwp_set="AR5")
    assert r.gases["CH4"].value == pytest.approx(0.56)


# -- unit errors point at the field -----------------------------------------------------------
def test_ncv_per_nm3_with_coal_in_tonnes_is_an_error_at_the_ncv_unit():
    line = coal_line(ncv={"value": 21000, "unit": "kJ/Nm3", "source": "x"})
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "ncv", "unit")
    assert "NCV in kJ/Nm3" in exc.value.message and "not energy" in exc.value.message
    assert "GJ/t" in exc.value.hint


def test_unknown_unit_is_an_error_at_that_unit():
    with pytest.raises(CalcError) as exc:
        compute_line(coal_line(activity=q(10, "tonnes of coal")), gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "activity", "quantity", "unit")
    assert "unknown unit" in exc.value.message


# -- shares of a whole lie between 0 and 100 % (F.2: EF = CC × OF × 44/12) -------------------------
@pytest.mark.parametrize("value, unit", [(101.75, "%"), (1.02, "1"), (-1, "%")])
def test_an_oxidation_rate_outside_0_to_100_percent_is_an_error_at_its_value(value, unit):
    with pytest.raises(CalcError) as exc:
        compute_line(coal_line(oxidation={"value": value, "unit": unit, "source": "x"}), gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "oxidation", "value")
    assert exc.value.message == f"oxidation is {value:g} {unit}, outside 0–100 %"


def test_an_oxidation_rate_of_exactly_100_percent_is_valid():
    # 31,175 TJ × 26.8 tC/TJ × 1.00 × 44/12 = 3,063,463.333… tCO2
    r = compute_line(coal_line(oxidation={"value": 100, "unit": "%", "source": "x"}), gwp_set="AR5")
    assert r.total.value == pytest.approx(31_175 * 26.8 * 44 / 12, rel=1e-12)


def test_a_carbon_content_per_mass_above_one_tonne_per_tonne_is_an_error():
    # 26.58 written in tC/t instead of tC/TJ: 26.58 t of carbon in each tonne of coal
    line = ec_line(carbon_content={"value": 26.58, "unit": "tC/t", "source": "x"})
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "carbon_content", "value")
    assert "carbon content is 26.58 tC/t, more carbon than fuel" in exc.value.message and "tC/TJ" in exc.value.hint
    with pytest.raises(CalcError):
        compute_line(ec_line(carbon_content={"value": 152, "unit": "%", "source": "x"}), gwp_set="AR5")


# -- elemental carbon (元素碳含量): the unit of the carbon content decides the formula ---------
def ec_line(**over):
    line = {
        "method": "emission_factor",
        "fuel": "coal",
        "activity": q(1_000_000, "t"),
        "carbon_content": {"value": 52.0, "unit": "%", "source": "收到基元素碳含量 GB/T 476"},
        "oxidation": {"value": 98, "unit": "%", "source": "x"},
    }
    line.update(over)
    return line


def test_elemental_carbon_in_percent_needs_no_ncv():
    # E = FC × C × OF × 44/12 = 1,000,000 t × 0.52 × 0.98 × 44/12
    #   = 520,000 tC × 0.98 = 509,600 tC × 3.6666… = 1,868,533.333… tCO2
    r = compute_line(ec_line(), gwp_set="AR5", path=("line",))
    assert r.total.value == pytest.approx(1_868_533.333333, rel=1e-9)
    co2 = r.gases["CO2"]
    assert co2.formula == "E = FC × C_ar × OF × 44/12 × GWP"
    [c] = co2.steps
    assert (c.label, c.value, c.unit) == ("C", pytest.approx(520_000), "tC")
    assert r.energy is None  # no NCV given: no heat
    assert [p.name for p in r.parameters] == ["carbon_content", "oxidation"]


def test_elemental_carbon_in_tc_per_t_gives_the_same_and_ncv_gives_the_heat():
    # 0.52 tC/t = 52 %: the same 1,868,533.333… tCO2. An NCV of 20 GJ/t changes nothing in E but
    # gives the heat for table E.2: 1,000,000 t × 20 GJ/t = 20,000,000 GJ = 20,000 TJ
    line = ec_line(carbon_content={"value": 0.52, "unit": "tC/t", "source": "x"}, ncv={"value": 20, "unit": "GJ/t", "source": "GB/T 213"})
    r = compute_line(line, gwp_set="AR5")
    assert r.total.value == pytest.approx(1_868_533.333333, rel=1e-9)
    assert r.energy.value == pytest.approx(20_000) and r.energy.unit == "TJ"


def test_unit_heat_carbon_content_in_tc_per_gj_still_needs_the_ncv():
    # CC 0.0268 tC/GJ = 26.8 tC/TJ: the same as test_coal_measured_parameters, 3,017,511.383… tCO2
    line = coal_line(carbon_content={"value": 0.0268, "unit": "tC/GJ", "source": "x"})
    assert compute_line(line, gwp_set="AR5").total.value == pytest.approx(3_017_511.383333, rel=1e-9)
    line.pop("ncv")
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", path=("l",))
    assert "net calorific value" in exc.value.message


def test_carbon_content_of_the_wrong_dimension_is_explained_in_words():
    with pytest.raises(CalcError) as exc:
        compute_line(ec_line(carbon_content={"value": 0.5, "unit": "tC/MWh/t", "source": "x"}), gwp_set="AR5", path=("l",))
    assert exc.value.path == ("l", "carbon_content", "unit")
    assert exc.value.message.startswith("carbon content must be per mass, e.g. % or tC/t, or per heat, e.g. tC/TJ")
    assert "[" not in exc.value.message and "**" not in exc.value.message  # never pint's dimension string


def test_oxidation_with_a_unit_is_an_error():
    with pytest.raises(CalcError) as exc:
        compute_line(coal_line(oxidation={"value": 98, "unit": "t", "source": "x"}), gwp_set="AR5", path=("l",))
    assert exc.value.path == ("l", "oxidation", "unit") and "fraction" in exc.value.message


def test_direct_ef_in_the_wrong_unit():
    with pytest.raises(CalcError) as exc:
        compute_line(
            {"method": "emission_factor", "activity": q(5, "MWh"), "ef": {"value": 2.5, "unit": "tCO2/t", "source": "x"}}, gwp_set="AR5", path=("line",)
        )
    assert exc.value.path == ("line", "ef", "unit") and "tCO2/MWh" in exc.value.hint


def test_coal_without_measured_ncv_says_it_must_be_measured():
    with pytest.raises(CalcError) as exc:
        compute_line(
            {"method": "emission_factor", "fuel": "coal", "activity": q(10, "t"), "carbon_content": {"value": 26.8, "unit": "tC/TJ", "source": "x"}},
            gwp_set="AR5",
            path=("line",),
        )
    assert exc.value.path == ("line",) and "ncv is missing" in exc.value.message and "GB/T 213" in exc.value.message
    # without any carbon content it is the carbon content that must be measured
    with pytest.raises(CalcError) as exc:
        compute_line({"method": "emission_factor", "fuel": "coal", "activity": q(10, "t")}, gwp_set="AR5", path=("line",))
    assert "carbon_content is missing" in exc.value.message and "GB/T 476" in exc.value.message


def test_library_key_for_a_measured_figure_is_an_error():
    with pytest.raises(CalcError) as exc:
        compute_line(coal_line(ncv={"library": "fuel:coal:ncv"}), gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "ncv", "library") and "measured" in exc.value.message


def test_ch4_factor_in_co2e_is_refused():
    line = {"method": "emission_factor", "gas": "CH4", "activity": q(10, "t"), "ef": {"value": 1, "unit": "tCO2e/t", "source": "x"}}
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "gas") and "already includes a GWP" in exc.value.message


def test_gas_without_gwp_in_the_set():
    # SAR gives no NF3 value
    line = {"method": "emission_factor", "gas": "NF3", "activity": q(1, "t"), "ef": {"value": 1, "unit": "t/t", "source": "x"}}
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="SAR", path=("line",))
    assert exc.value.path == ("line", "gas") and "NF3" in exc.value.message
    # AR5: 1 t × 1 t/t × 16,100 = 16,100 tCO2e
    assert compute_line(line, gwp_set="AR5").total.value == pytest.approx(16_100)


# -- F.3 mass balance -----------------------------------------------------------------------
def test_mass_balance():
    # in:  1,000 t × 0.75 tC/t = 750 tC;  200 t × 10 % = 20 tC  -> 770 tC
    # out: 100 t × 0.5 tC/t = 50 tC
    # E = (770 − 50) × 44/12 × 1 = 720 × 3.666… = 2,640 tCO2
    line = {
        "method": "mass_balance",
        "inputs": [
            {"name": "焦炭", "amount": q(1000, "t"), "carbon_content": {"value": 0.75, "unit": "tC/t", "source": "x"}},
            {"name": "石灰石", "amount": q(200, "t"), "carbon_content": {"value": 10, "unit": "%", "source": "x"}},
        ],
        "outputs": [{"name": "产品", "amount": q(100, "t"), "carbon_content": {"value": 0.5, "unit": "tC/t", "source": "x"}}],
    }
    r = compute_line(line, gwp_set="AR5")
    assert r.total.value == pytest.approx(2640, **APPROX)
    net = r.gases["CO2"].steps[0]
    assert (net.value, net.unit) == (pytest.approx(720), "tC")
    assert [p.origin for p in r.parameters if p.name == "omega"] == ["library_default"]


def test_mass_balance_outputs_exceeding_inputs():
    line = {
        "method": "mass_balance",
        "inputs": [{"name": "a", "amount": q(10, "t"), "carbon_content": {"value": 0.5, "unit": "tC/t", "source": "x"}}],
        "outputs": [{"name": "b", "amount": q(100, "t"), "carbon_content": {"value": 0.5, "unit": "tC/t", "source": "x"}}],
    }
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "outputs")


def test_mass_balance_methane_needs_omega():
    # CH4: 12 tC × 16/12 t/tC = 16 t CH4 × 28 = 448 tCO2e (AR5)
    line = {
        "method": "mass_balance",
        "gas": "CH4",
        "inputs": [{"name": "a", "amount": q(12, "t"), "carbon_content": {"value": 1, "unit": "tC/t", "source": "x"}}],
    }
    with pytest.raises(CalcError):
        compute_line(line, gwp_set="AR5")
    line["omega"] = {"value": 16 / 12, "unit": "t/tC", "source": "M(CH4)/M(C)"}
    assert compute_line(line, gwp_set="AR5").total.value == pytest.approx(448)


# -- F.4 measurement --------------------------------------------------------------------------
def test_measurement_sums_periods():
    # 250,000 + 240,000 + 260,000 tCO2 = 750,000 tCO2
    line = {
        "method": "measurement",
        "measurement_method": "HJ 75",
        "measured": {
            "unit": "tCO2",
            "instrument": ["CEMS-1"],
            "values": [{"period": "2024-01", "value": 250000}, {"period": "2024-02", "value": 240000}, {"period": "2024-03", "value": 260000}],
        },
    }
    r = compute_line(line, gwp_set="AR5", path=("line",))
    assert r.total.value == pytest.approx(750_000)
    assert len(r.activity.inputs) == 3 and r.activity.inputs[0].source == {"path": "line.measured.values[0].value"}
    assert "monitoring equipment: CEMS-1" in r.gases["CO2"].notes
    assert r.instruments == ["CEMS-1"]


def test_measurement_of_methane_in_kg():
    # 500 kg CH4 = 0.5 t × 27.9 (AR6) = 13.95 tCO2e
    line = {"method": "measurement", "gas": "CH4", "measured": q(500, "kg")}
    assert compute_line(line, gwp_set="AR6").total.value == pytest.approx(13.95)


def test_measurement_gap_is_reported_and_a_missing_value_is_an_error():
    line = {
        "method": "measurement",
        "measured": {"unit": "tCO2", "values": [{"period": "2024-01", "value": 100}, {"period": "2024-02", "value": 90, "status": "filled"}]},
    }
    r = compute_line(line, gwp_set="AR5", path=("line",))
    assert r.total.value == pytest.approx(190)
    assert [(g["period"], g["status"]) for g in r.gaps] == [("2024-02", "filled")]
    line["measured"]["values"][1] = {"period": "2024-02", "value": None}
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "measured", "values", 1, "value")


# -- desulfurization, purchased electricity and heat ------------------------------------------
def test_limestone_desulfurization():
    # E = B × I × EF × TR = 30,000 t × 0.90 × 0.440 tCO2/t × 1.00 = 11,880 tCO2
    line = {"method": "desulfurization", "material": "CaCO3", "activity": q(30_000, "t"), "purity": {"value": 90, "unit": "%", "source": "石灰石化验"}}
    r = compute_line(line, gwp_set="AR5")
    assert r.total.value == pytest.approx(11_880, **APPROX)
    by = {p.name: p for p in r.parameters}
    assert by["ef"].source["library"] == "carbonate:CaCO3" and by["ef"].second_hand
    assert by["conversion_rate"].value == 1.0 and by["conversion_rate"].origin == "library_default"


def test_desulfurization_needs_purity():
    with pytest.raises(CalcError) as exc:
        compute_line({"method": "desulfurization", "material": "CaCO3", "activity": q(1, "t")}, gwp_set="AR5", path=("line",))
    assert "purity is missing" in exc.value.message and "example" in exc.value.message


def test_purchased_electricity_default_grid_factor_in_kwh():
    # 1,200,000 kWh = 1,200 MWh × 0.5703 tCO2/MWh = 684.36 tCO2
    line = {"method": "purchased_electricity", "activity": q(1_200_000, "kWh")}
    r = compute_line(line, gwp_set="AR5", defaults={"grid": "national_2022_for_2023_2025_reporting"})
    assert r.total.value == pytest.approx(684.36, **APPROX)
    [ef] = r.parameters
    assert ef.source["library"] == "grid:national_2022_for_2023_2025_reporting" and "settings" in ef.note


def test_purchased_electricity_net_of_exports_with_own_factor():
    # AD = 2,000 MWh − 500 MWh = 1,500 MWh; E = 1,500 × 0.5306 = 795.9 tCO2
    line = {"method": "purchased_electricity", "activity": q(2000, "MWh"), "exported": q(500, "MWh"), "ef": {"library": "grid:national_2023"}}
    r = compute_line(line, gwp_set="AR5")
    assert r.total.value == pytest.approx(795.9, **APPROX)
    assert r.activity.value == pytest.approx(1500) and r.activity.formula == "AD = AD_in − AD_out"


def test_purchased_electricity_without_any_factor():
    with pytest.raises(CalcError) as exc:
        compute_line({"method": "purchased_electricity", "activity": q(1, "MWh")}, gwp_set="AR5", path=("line",))
    assert "grid emission factor" in exc.value.message


def test_purchased_electricity_in_tonnes_is_an_error():
    with pytest.raises(CalcError) as exc:
        compute_line({"method": "purchased_electricity", "activity": q(1, "t")}, gwp_set="AR5", path=("line",), defaults={"grid": "national_2023"})
    assert exc.value.path == ("line", "activity")


def test_purchased_heat_default():
    # 10,000 GJ × 0.11 tCO2/GJ = 1,100 tCO2; 2,000 MWh of heat = 7,200 GJ × 0.11 = 792
    r = compute_line({"method": "purchased_heat", "activity": q(10_000, "GJ")}, gwp_set="AR5")
    assert r.total.value == pytest.approx(1100)
    r = compute_line({"method": "purchased_heat", "activity": q(2000, "MWh")}, gwp_set="AR5")
    assert r.total.value == pytest.approx(792)


# -- sources: records, emission_factor records, CSV files -------------------------------------
class FakeRecord(SimpleNamespace):
    def get(self, key, default=None):
        return self.data.get(key, default)

    def where(self, path):
        return (40 + len(path), 1)

    def resolve_file(self, root, value):
        return (self.path.parent / value).resolve()


def test_parameter_from_an_emission_factor_record(tmp_path):
    rec = FakeRecord(
        id="EF-COAL-NCV-2024",
        kind="emission_factor",
        rel="factors/EF.yaml",
        path=tmp_path / "x.yaml",
        data={"value": 21.5, "unit": "GJ/t", "basis": "measured", "source": "化验报告", "measurement": {"test_standard": "GB/T 213", "lab": "CMA lab"}},
    )
    line = coal_line(ncv={"record": "EF-COAL-NCV-2024"})
    r = compute_line(line, gwp_set="AR5", lookup={"EF-COAL-NCV-2024": rec}.get, path=("line",))
    assert r.total.value == pytest.approx(3_017_511.383333, rel=1e-9)
    [ncv] = [p for p in r.parameters if p.name == "ncv"]
    assert ncv.origin == "record" and ncv.basis == "measured"
    assert ncv.source["record"] == "EF-COAL-NCV-2024" and ncv.source["file"] == "factors/EF.yaml"
    assert "GB/T 213" in ncv.citation
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", lookup={}.get, path=("line",))
    assert exc.value.path == ("line", "ncv", "record")


def test_activity_from_a_csv_file(tmp_path):
    # 1,380 + 1,420 + 1,400 (filled) = 4,200 × 10^4 Nm3 = 4.2e7 Nm3
    # AD = 4.2e7 × 38,931 kJ = 1.635102e12 kJ = 1,635.102 TJ; E = 1,635.102 × 55.6116 = 89,930.61 + 1,000.0284 = 90,930.6384 tCO2
    root = tmp_path
    (root / "activity").mkdir()
    (root / "activity" / "gas.csv").write_text(
        'month,gas_10k_nm3,status\n2024-01,"1,380",measured\n2024-02,1420,measured\n2024-03,1400,filled\n', encoding="utf-8"
    )
    rec = FakeRecord(id="AD-GAS", kind="activity_data", rel="activity/AD.yaml", path=root / "activity" / "AD.yaml", data={})
    line = {
        "method": "emission_factor",
        "fuel": "natural_gas",
        "activity": {"unit": "10^4 Nm3", "file": {"path": "gas.csv", "column": "gas_10k_nm3", "period_column": "month", "status_column": "status"}},
    }
    r = compute_line(line, gwp_set="AR5", record=rec, root=root, path=("line",))
    assert r.total.value == pytest.approx(1635.102 * 15.32 * 0.99 * 44 / 12, **APPROX)
    assert r.total.value == pytest.approx(90_930.6384, rel=1e-8)
    fc = r.gases["CO2"].steps[0].steps[0]
    assert fc.value == pytest.approx(4200)
    # one input for the measured rows (1,380 + 1,420 = 2,800, counted), one for the filled row at its line
    assert [(i.symbol, i.value, i.source.get("rows"), i.source.get("line"), i.note) for i in fc.inputs] == [
        ("FC[activity/gas.csv]", 2800.0, 2, None, "Σ of the 2 measured rows (lines 2 to 3)"),
        ("FC[2024-03]", 1400.0, None, 4, "filled"),
    ]
    assert fc.inputs[0].source["file"] == "activity/gas.csv"
    assert [(g["period"], g["status"]) for g in r.gaps] == [("2024-03", "filled")]

    line["activity"]["file"]["column"] = "gas"
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", record=rec, root=root, path=("line",))
    assert exc.value.path == ("line", "activity", "file", "column") and "month, gas_10k_nm3, status" in exc.value.hint

    (root / "activity" / "gas.csv").write_text("month,gas_10k_nm3\n2024-01,\n", encoding="utf-8")
    line["activity"]["file"] = {"path": "gas.csv", "column": "gas_10k_nm3", "period_column": "month"}
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", record=rec, root=root, path=("line",))
    assert "line 2 (2024-01)" in exc.value.message


def test_unknown_method():
    with pytest.raises(CalcError) as exc:
        compute_line({"method": "guess"}, gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "method")


# -- monthly accounting (发电设施 guideline: each month from its own consumption and measurements) --
def month(period, t, c_pct, **extra):
    m = {"period": period, "consumption": {"value": t, "unit": "t"}, "carbon_content": {"value": c_pct, "unit": "%", "source": f"{period} 月样 GB/T 476"}}
    m.update(extra)
    return m


def test_monthly_accounting_sums_the_months_and_shows_each():
    # Jan: 100,000 t × 0.50 × 0.99 × 44/12 = 49,500 tC × 44/12 = 181,500 tCO2
    # Feb:  80,000 t × 0.55 × 0.99 × 44/12 = 43,560 tC × 44/12 = 159,720 tCO2
    # year = 181,500 + 159,720 = 341,220 tCO2 (the annual-mean shortcut would give
    # 180,000 × 0.5222… × 0.99 × 44/12 = 341,220 too only because it is consumption-weighted)
    line = {
        "method": "emission_factor",
        "fuel": "coal",
        "months": [month("2025-01", 100_000, 50.0), month("2025-02", 80_000, 55.0)],
        "oxidation": {"value": 99, "unit": "%", "source": "x"},
    }
    r = compute_line(line, gwp_set="AR5", path=("line",))
    assert r.total.value == pytest.approx(341_220, rel=1e-12)
    [year] = r.gases["CO2"].steps
    assert [(s.label, s.value) for s in year.steps] == [("E[2025-01]", pytest.approx(181_500)), ("E[2025-02]", pytest.approx(159_720))]
    assert (r.activity.value, r.activity.unit) == (pytest.approx(180_000), "t")


def test_monthly_unit_heat_carbon_with_monthly_ncv_gives_the_heat():
    # Jan: 100,000 t × 20 GJ/t = 2,000 TJ; × 27 tC/TJ × 0.99 × 44/12 = 196,020 tCO2
    # Feb:  50,000 t × 22 GJ/t = 1,100 TJ; × 26 tC/TJ × 0.99 × 44/12 = 103,818 tCO2
    # year 299,838 tCO2; heat 3,100 TJ
    line = {
        "method": "emission_factor",
        "fuel": "coal",
        "oxidation": {"value": 0.99, "unit": "1", "source": "x"},
        "months": [
            {
                "period": "2025-01",
                "consumption": {"value": 100_000, "unit": "t"},
                "ncv": {"value": 20, "unit": "GJ/t", "source": "x"},
                "carbon_content": {"value": 27, "unit": "tC/TJ", "source": "x"},
            },
            {
                "period": "2025-02",
                "consumption": {"value": 50_000, "unit": "t"},
                "ncv": {"value": 22, "unit": "GJ/t", "source": "x"},
                "carbon_content": {"value": 26, "unit": "tC/TJ", "source": "x"},
            },
        ],
    }
    r = compute_line(line, gwp_set="AR5")
    assert r.total.value == pytest.approx(299_838, rel=1e-12)
    assert r.energy.value == pytest.approx(3_100)


def test_a_month_measured_per_batch_is_weighted_by_the_coal_of_each_batch():
    # batches 52 % on 30,000 t and 49 % on 10,000 t: C = (52×30,000 + 49×10,000) / 40,000 = 51.25 %
    # E = 40,000 t × 0.5125 × 0.99 × 44/12 = 20,295 tC × 44/12 = 74,415 tCO2
    cc = {"unit": "%", "source": "批次化验", "samples": [{"value": 52, "weight": 30_000}, {"value": 49, "weight": 10_000}]}
    line = {
        "method": "emission_factor",
        "fuel": "coal",
        "oxidation": {"value": 99, "unit": "%", "source": "x"},
        "months": [{"period": "2025-03", "consumption": {"value": 40_000, "unit": "t"}, "carbon_content": cc}],
    }
    r = compute_line(line, gwp_set="AR5")
    assert r.total.value == pytest.approx(74_415, rel=1e-12)
    [p] = [p for p in r.parameters if p.name == "carbon_content"]
    assert p.value == pytest.approx(51.25) and "weighted mean of 2 samples" in p.note and p.basis == "measured"


def test_samples_with_some_weights_missing_are_refused():
    cc = {"unit": "%", "source": "x", "samples": [{"value": 52, "weight": 3}, {"value": 49}]}
    with pytest.raises(CalcError) as exc:
        compute_line(ec_line(carbon_content=cc), gwp_set="AR5", path=("l",))
    assert exc.value.path == ("l", "carbon_content", "samples") and "1 of 2" in exc.value.message


def test_monthly_and_activity_together_are_refused():
    line = ec_line(months=[month("2025-01", 1, 50)])
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", path=("l",))
    assert exc.value.path == ("l", "activity")


# -- defaults for parameters not measured (defaults_cn_power.yaml) --------------------------------
def test_guideline_default_oxidation_is_flagged_on_the_trace():
    # 1,000,000 t × 0.52 × 0.99 × 44/12 = 514,800 tC × 44/12 = 1,887,600 tCO2
    r = compute_line(ec_line(oxidation={"library": "default:coal_oxidation"}), gwp_set="AR5")
    assert r.total.value == pytest.approx(1_887_600, rel=1e-12)
    [of] = [p for p in r.parameters if p.name == "oxidation"]
    assert (of.basis, of.origin, of.second_hand) == ("default", "library", True)
    assert "DEFAULT" in of.note and "发电设施" in of.citation and "not checked against the original" in of.citation


def test_high_default_carbon_content_2019_per_heat():
    # 1,000 t × 20 GJ/t = 20 TJ; × 33.56 tC/TJ × 0.99 × 44/12 = 20 × 121.8228 = 2,436.456 tCO2
    line = {
        "method": "emission_factor",
        "fuel": "coal",
        "activity": q(1_000, "t"),
        "ncv": {"value": 20, "unit": "GJ/t", "source": "x"},
        "carbon_content": {"library": "default:coal_carbon_content_unmeasured_2019"},
        "oxidation": {"library": "default:coal_oxidation"},
    }
    assert compute_line(line, gwp_set="AR5").total.value == pytest.approx(2_436.456, rel=1e-12)


def test_a_default_the_library_could_not_find_is_an_error_not_a_guess():
    line = ec_line(carbon_content={"library": "default:coal_carbon_content_unmeasured_2022"})
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", path=("l",))
    assert exc.value.path == ("l", "carbon_content", "library") and "NOT FOUND" in exc.value.message


# -- GWP of methane by origin (AR6 WG1 Table 7.15: fossil 29.8, non-fossil 27.0; second-hand) ----
def ch4_line(**over):
    line = {"method": "emission_factor", "gas": "CH4", "activity": q(10, "t"), "ef": {"value": 1, "unit": "t/t", "source": "x"}}
    line.update(over)
    return line


def test_ar6_methane_from_fuel_combustion_is_fossil():
    # 10 t × 1 t/t = 10 t CH4; × 29.8 (fossil) = 298 tCO2e, not 279 (27.9)
    r = compute_line(ch4_line(fuel="natural_gas"), gwp_set="AR6")
    assert r.total.value == pytest.approx(298)
    assert r.gas_origin["origin"] == "fossil" and r.gas_origin["key"] == "CH4-fossil"
    [gwp] = [i for i in r.gases["CH4"].inputs if i.symbol == "GWP"]
    assert gwp.value == 29.8 and "combustion of natural_gas" in gwp.note


def test_ar6_methane_stated_non_fossil_and_fugitive_from_the_source():
    # stated non-fossil: 10 × 27.0 = 270; fugitive coal-mine methane (source category): 10 × 29.8 = 298
    assert compute_line(ch4_line(gas_origin="non-fossil"), gwp_set="AR6").total.value == pytest.approx(270)
    r = compute_line(ch4_line(method="emission_factor"), gwp_set="AR6", defaults={"source_category": "fugitive", "source_fuel": "coal"})
    assert r.total.value == pytest.approx(298) and "fugitive" in r.gas_origin["why"]


def test_ar6_methane_of_unknown_origin_keeps_the_plain_value_and_says_so():
    # 10 × 27.9 = 279 tCO2e, the origin recorded as unknown (rule emissions.ch4-origin-unknown warns)
    r = compute_line(ch4_line(), gwp_set="AR6")
    assert r.total.value == pytest.approx(279)
    assert r.gas_origin == {"gas": "CH4", "origin": None, "why": "", "key": "CH4"}


def test_combustion_reading_can_be_set_to_non_fossil():
    r = compute_line(ch4_line(fuel="coal"), gwp_set="AR6", defaults={"ch4_combustion_origin": "non-fossil"})
    assert r.total.value == pytest.approx(270)


def test_sets_without_an_origin_split_use_their_one_value():
    # AR5: 10 × 28 = 280 for CH4 of any origin, and the CH4-fossil key takes the CH4 value
    assert compute_line(ch4_line(fuel="coal"), gwp_set="AR5").total.value == pytest.approx(280)
    r = compute_line(ch4_line(gas="CH4-fossil"), gwp_set="AR5")
    assert r.total.value == pytest.approx(280) and r.gas_origin is None


# -- F.4 from raw CEMS data ------------------------------------------------------------------------
def cems_file(tmp_path, rows, header="time,co2,flow,valid", name="stack1.csv"):
    p = tmp_path / name
    p.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def hours(n, start=0, co2="10", flow="1000000", valid="1"):
    return [f"2025-01-{1 + (start + h) // 24:02d} {(start + h) % 24:02d}:00,{co2},{flow},{valid}" for h in range(n)]


def cems_line(path, **over):
    cems = {
        "path": str(path),
        "time_column": "time",
        "concentration_column": "co2",
        "concentration_unit": "%",
        "flow_column": "flow",
        "flow_unit": "Nm3/h",
        "flow_basis": "dry",
        "valid_column": "valid",
        "substitution": "previous_valid",
    }
    cems.update(over)
    return {"method": "measurement", "gas": "CO2", "cems": cems}


def test_cems_24_hours_dry_standard_flow(tmp_path):
    # m_h = 1,000,000 Nm3/h × 0.10 × 1.977 kg/Nm3 × 1 h = 197,700 kg = 197.7 t
    # 24 h × 197.7 t = 4,744.8 t CO2
    r = compute_line(cems_line(cems_file(tmp_path, hours(24))), gwp_set="AR5")
    assert r.total.value == pytest.approx(4_744.8, rel=1e-12)
    assert r.cems["intervals"] == 24 and r.cems["valid"] == 24 and r.cems["substituted"] == []
    [m] = r.gases["CO2"].steps
    assert "24 intervals of 1 h" in m.notes[0] and "0 substituted" in m.notes[0]


def test_cems_invalid_and_missing_hours_are_substituted_and_listed(tmp_path):
    # 4 rows at 00:00, 01:00 (flagged invalid), 02:00, then 04:00: 03:00 is missing.
    # valid masses: 00:00 197.7 t (10 %), 02:00 395.4 t (20 %), 04:00 98.85 t (5 %)
    # previous_valid: 01:00 -> 197.7, 03:00 -> 395.4; total 197.7+197.7+395.4+395.4+98.85 = 1,285.05 t
    rows = ["2025-01-01 00:00,10,1000000,1", "2025-01-01 01:00,99,1000000,0", "2025-01-01 02:00,20,1000000,1", "2025-01-01 04:00,5,1000000,1"]
    path = cems_file(tmp_path, rows)
    r = compute_line(cems_line(path), gwp_set="AR5")
    assert r.total.value == pytest.approx(1_285.05, rel=1e-12)
    assert [(s["time"], s["reason"]) for s in r.cems["substituted"]] == [("2025-01-01 01:00", "flagged 0"), ("2025-01-01 03:00", "missing")]
    assert (r.cems["invalid"], r.cems["missing"]) == (1, 1)
    # mean_of_adjacent: 01:00 -> (197.7 + 395.4)/2 = 296.55; 03:00 -> (395.4 + 98.85)/2 = 247.125
    # total 197.7 + 296.55 + 395.4 + 247.125 + 98.85 = 1,235.625 t
    r = compute_line(cems_line(path, substitution="mean_of_adjacent"), gwp_set="AR5")
    assert r.total.value == pytest.approx(1_235.625, rel=1e-12)
    # maximum_of_valid: both -> 395.4; total 197.7 + 395.4 + 395.4 + 395.4 + 98.85 = 1,482.75 t
    r = compute_line(cems_line(path, substitution="maximum_of_valid"), gwp_set="AR5")
    assert r.total.value == pytest.approx(1_482.75, rel=1e-12)
    assert "2025-01-01 03:00 missing -> 395.4 t" in r.gases["CO2"].steps[0].notes[2]
    with pytest.raises(CalcError) as exc:
        compute_line(cems_line(path, substitution="none"), gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "cems", "substitution") and "2 invalid or missing" in exc.value.message


def test_cems_wet_actual_flow_and_mg_per_m3(tmp_path):
    # one hour: wet flow 1,200,000 m3/h at 100 °C and 100 kPa, moisture 10 %, CO2 180,000 mg/m3 (dry, standard)
    # Q_std = 1,200,000 × (273.15/373.15 = 0.732011…) × (100/101.325 = 0.986923…) = 866,926.8… Nm3/h wet
    # dry: × (1 − 0.10) = 780,234.1… Nm3/h; m = 780,234.1… × 180,000 mg/m3 × 1e-9 t/mg = 140.442… t
    q_dry = 1_200_000 * 273.15 / 373.15 * 100 / 101.325 * 0.9
    path = cems_file(tmp_path, ["2025-01-01 00:00,180000,1200000,1,10,100,100"], header="time,co2,flow,valid,h2o,temp,press")
    line = cems_line(
        path, concentration_unit="mg/m3", flow_unit="m3/h", flow_basis="wet", moisture_column="h2o", temperature_column="temp", pressure_column="press"
    )
    r = compute_line(line, gwp_set="AR5")
    assert r.total.value == pytest.approx(q_dry * 180_000 * 1e-9, rel=1e-12)
    assert r.total.value == pytest.approx(140.4421, rel=1e-5)


def test_cems_wet_flow_without_moisture_is_explained(tmp_path):
    path = cems_file(tmp_path, hours(2))
    with pytest.raises(CalcError) as exc:
        compute_line(cems_line(path, flow_basis="wet"), gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "cems") and "moisture" in exc.value.message


def test_cems_a_year_of_hours(tmp_path):
    # 8,760 hours at 197.7 t = 1,731,852 t CO2, read row by row
    import datetime as dt

    t0 = dt.datetime(2025, 1, 1)
    rows = [f"{t0 + dt.timedelta(hours=h):%Y-%m-%d %H:%M},10,1000000,1" for h in range(8760)]
    r = compute_line(cems_line(cems_file(tmp_path, rows)), gwp_set="AR5")
    assert r.total.value == pytest.approx(8760 * 197.7, rel=1e-9) and r.cems["intervals"] == 8760


def test_cems_bad_time_and_missing_column_are_located(tmp_path):
    path = cems_file(tmp_path, ["2025-01-01 00:00,10,1,1", "yesterday,10,1,1"])
    with pytest.raises(CalcError) as exc:
        compute_line(cems_line(path), gwp_set="AR5", path=("line",))
    assert "line 3" in exc.value.message and exc.value.path == ("line", "cems", "time_column")
    with pytest.raises(CalcError) as exc:
        compute_line(cems_line(path, flow_column="Q"), gwp_set="AR5", path=("line",))
    assert exc.value.path == ("line", "cems", "flow_column") and "time, co2, flow, valid" in exc.value.hint


def test_mass_per_period_measurement_still_works():
    # the input of before: 12 months of measured tCO2 summed, 100 + 200 = 300 tCO2
    line = {
        "method": "measurement",
        "gas": "CO2",
        "measured": {"values": [{"period": "2025-01", "value": 100}, {"period": "2025-02", "value": 200}], "unit": "tCO2"},
    }
    assert compute_line(line, gwp_set="AR5").total.value == pytest.approx(300)


def _half_hours(n: int, year: int = 2024) -> list[str]:
    """n half-hourly periods from 1 January of `year` (10,000 of them end on 27 July)."""
    import datetime as dt

    start = dt.datetime(year, 1, 1)
    return [(start + dt.timedelta(minutes=30 * i)).strftime("%Y-%m-%dT%H:%M") for i in range(n)]


def test_a_10000_row_csv_is_summed_in_one_pass_and_its_trace_lists_only_the_rows_not_measured(tmp_path):
    # Rows i = 0 … 9,999 at lines i + 2; measured rows hold 1 + (i mod 10). Σ over all i of
    # 1 + (i mod 10) = 1,000 × (1 + 2 + … + 10) = 55,000. Rows 100 and 5,000 are estimated at 2.5
    # (replacing 1 + 0 each), row 7,777 is filled at 4.0 (replacing 1 + 7): the measured rows sum to
    # 55,000 − 1 − 1 − 8 = 54,990 over 9,997 rows, and FC = 54,990 + 2.5 + 2.5 + 4.0 = 54,999.0.
    special = {100: ("2.5", "estimated"), 5000: ("2.5", "estimated"), 7777: ("4.0", "filled")}
    periods = _half_hours(10_000)
    body = "".join(f"{p},{special.get(i, (str(1 + i % 10), ''))[0]},{special.get(i, ('', 'measured'))[1]}\n" for i, p in enumerate(periods))
    (tmp_path / "activity").mkdir()
    (tmp_path / "activity" / "gas.csv").write_text("time,gas_10k_nm3,status\n" + body, encoding="utf-8")
    rec = FakeRecord(id="AD-GAS", kind="activity_data", rel="activity/AD.yaml", path=tmp_path / "activity" / "AD.yaml", data={"year": 2024})
    line = {
        "method": "emission_factor",
        "fuel": "natural_gas",
        "activity": {"unit": "10^4 Nm3", "file": {"path": "gas.csv", "column": "gas_10k_nm3", "period_column": "time", "status_column": "status"}},
    }
    r = compute_line(line, gwp_set="AR5", record=rec, root=tmp_path, path=("line",))
    fc = r.gases["CO2"].steps[0].steps[0]
    assert fc.value == 54_999.0
    assert [(i.symbol, i.value, i.source.get("rows"), i.source.get("line"), i.note) for i in fc.inputs] == [
        ("FC[activity/gas.csv]", 54_990.0, 9_997, None, "Σ of the 9997 measured rows (lines 2 to 10001)"),
        (f"FC[{periods[100]}]", 2.5, None, 102, "estimated"),
        (f"FC[{periods[5000]}]", 2.5, None, 5002, "estimated"),
        (f"FC[{periods[7777]}]", 4.0, None, 7779, "filled"),
    ]
    assert periods[7777] == "2024-06-11T00:30"  # 7,777 half hours = 162 days + 0.5 h after 1 January
    assert [(g["period"], g["status"], g["source"]["line"]) for g in r.gaps] == [
        (periods[100], "estimated", 102),
        (periods[5000], "estimated", 5002),
        (periods[7777], "filled", 7779),
    ]

    # a missing row stops the computation at its line (row 8,000, line 8,002); the file is read anew
    lines = ("time,gas_10k_nm3,status\n" + body).splitlines(keepends=True)
    lines[8001] = f"{periods[8000]},,missing\n"
    (tmp_path / "activity" / "gas.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CalcError) as exc:
        compute_line(line, gwp_set="AR5", record=rec, root=tmp_path, path=("line",))
    assert str(exc.value.message) == f"'gas.csv' line 8002 ({periods[8000]}): no value in column 'gas_10k_nm3'"

"""Cement process emissions (method clinker_calcination, checks/emissions/lines.py) against
figures worked out by hand from E = (Q_cli + Q_ckd + Q_bpd) × [(FR1 − FR1_0) × 44/56 +
(FR2 − FR2_0) × 44/40] + Q_rm × FR_0 × 44/12, and the formula's edge cases."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from checks.emissions.lines import CLINKER_CITATION, CalcError, compute_line
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def q(value, unit):
    return {"quantity": {"value": value, "unit": unit}}


def pct(value):
    return {"value": value, "unit": "%", "source": "熟料全分析 GB/T 176"}


def kiln(**over):
    line = {
        "method": "clinker_calcination",
        "gas": "CO2",
        "activity": q(1_000_000, "t"),
        "cao": pct(65.0),
        "cao_non_carbonate": pct(1.0),
        "mgo": pct(2.0),
        "mgo_non_carbonate": pct(0.5),
    }
    line.update(over)
    return {k: v for k, v in line.items() if v is not None}


def test_clinker_only():
    # EF = (0.65 − 0.01) × 44/56 + (0.02 − 0.005) × 44/40
    #    = 0.64 × 0.785714… + 0.015 × 1.1 = 0.502857142857… + 0.0165 = 0.519357142857… tCO2/t
    # E  = 1,000,000 t × 0.519357142857… = 519,357.142857… tCO2
    r = compute_line(kiln(), gwp_set="AR5")
    assert r.total.value == pytest.approx(519_357.142857143, rel=1e-12)
    assert r.method == "clinker_calcination" and r.as_dict()["clause"] == "F.2"
    assert r.activity.value == 1_000_000 and r.activity.unit == "t"
    cal = r.gases["CO2"]
    syms = [i.symbol for i in cal.inputs]
    assert syms[:5] == ["Q", "FR1", "FR1_0", "FR2", "FR2_0"] and "44/56" in syms and "44/40" in syms
    assert CLINKER_CITATION in cal.notes and "not checked against the original" in CLINKER_CITATION.replace("NOT", "not")
    # every content is a parameter of the trace with the record's source, none a library default
    assert {p.name for p in r.parameters} == {"cao", "cao_non_carbonate", "mgo", "mgo_non_carbonate"}
    assert all(p.origin == "inline" and p.citation.startswith("熟料全分析") for p in r.parameters)


def test_dust_and_raw_meal():
    # Q = 1,000,000 + 10,000 (kiln-head dust) + 2,000 (bypass dust) = 1,012,000 t
    # E_cal = 1,012,000 × 0.519357142857… = 525,589.428571… tCO2
    # E_oc  = 1,550,000 t raw meal × 0.2 % × 44/12 = 3,100 tC × 3.666… = 11,366.666… tCO2
    # E     = 525,589.428571… + 11,366.666… = 536,956.095238… tCO2
    r = compute_line(kiln(kiln_dust=q(10_000, "t"), bypass_dust=q(2, "kt"), raw_meal=q(1_550_000, "t"), raw_meal_carbon=pct(0.2)), gwp_set="AR6")
    assert r.total.value == pytest.approx(536_956.095238095, rel=1e-12)
    cal, oc = r.gases["CO2"].steps
    assert cal.value == pytest.approx(525_589.428571429, rel=1e-12)
    assert oc.value == pytest.approx(11_366.6666666667, rel=1e-12)
    q_step = cal.steps[0]
    assert q_step.formula == "Q = Q_cli + Q_ckd + Q_bpd" and q_step.value == 1_012_000


def test_non_carbonate_equal_to_total_gives_zero_for_that_oxide():
    # all the MgO from non-carbonates: E = 1,000,000 × 0.64 × 44/56 = 502,857.142857… tCO2
    r = compute_line(kiln(mgo_non_carbonate=pct(2.0)), gwp_set="AR5")
    assert r.total.value == pytest.approx(502_857.142857143, rel=1e-12)


def test_fraction_as_t_per_t():
    # 0.65 t/t is 65 %: the same 519,357.142857… tCO2 as test_clinker_only
    r = compute_line(kiln(cao={"value": 0.65, "unit": "t/t"}), gwp_set="AR5")
    assert r.total.value == pytest.approx(519_357.142857143, rel=1e-12)


def test_zero_clinker_zero_emissions():
    assert compute_line(kiln(activity=q(0, "t")), gwp_set="AR5").total.value == 0


@pytest.mark.parametrize(
    "over, path, words",
    [
        ({"cao_non_carbonate": pct(70.0)}, ("cao_non_carbonate",), "exceeds the clinker's CaO"),
        ({"mgo_non_carbonate": pct(2.5)}, ("mgo_non_carbonate",), "exceeds the clinker's MgO"),
        ({"cao": {"value": 65, "unit": "kg", "source": "x"}}, ("cao", "unit"), "must be a mass fraction, e.g. % or t/t"),
        ({"cao": pct(120)}, ("cao", "value"), "outside 0–100 %"),
        ({"mgo": pct(-1)}, ("mgo", "value"), "outside 0–100 %"),
        ({"mgo": None}, ("mgo",), "no default is built in"),
        ({"cao_non_carbonate": None}, ("cao_non_carbonate",), "no default is built in"),
        ({"activity": q(1000, "MWh")}, ("activity",), "must be a mass, e.g. t, not MWh"),
        ({"activity": q(-5, "t")}, ("activity",), "negative"),
        ({"activity": None}, ("activity",), "clinker produced is missing"),
        ({"kiln_dust": q(3, "m**3")}, ("kiln_dust",), "must be a mass"),
        ({"raw_meal": q(1000, "t")}, ("raw_meal_carbon",), "no default is built in"),
        ({"raw_meal_carbon": pct(0.2)}, ("raw_meal_carbon",), "without the raw meal"),
        ({"gas": "CH4"}, ("gas",), "gives CO2, not CH4"),
    ],
)
def test_bad_input_is_explained(over, path, words):
    with pytest.raises(CalcError) as exc:
        compute_line(kiln(**over), gwp_set="AR5")
    assert words in exc.value.message
    assert exc.value.path == path
    assert "[mass]" not in exc.value.message  # words, never pint's raw dimension string


def test_schema_accepts_and_requires():
    from referencing import Registry, Resource

    reg = Registry().with_resources((f.name, Resource.from_contents(json.loads(f.read_text(encoding="utf-8")))) for f in SCHEMAS.glob("*.json"))
    v = Draft202012Validator({"$ref": "emission-line.schema.json#/$defs/line"}, registry=reg)
    assert not list(v.iter_errors(kiln(kiln_dust=q(1, "t"), raw_meal=q(2, "t"), raw_meal_carbon=pct(0.2))))
    assert list(v.iter_errors(kiln(mgo=None)))  # a content is required: no default
    assert list(v.iter_errors(kiln(raw_meal=q(2, "t"))))  # raw meal without its carbon

"""checks/emissions/mrv.py: the national-ETS warning for a cement clinker source, on a copy of
the cement example (examples/cement) put into the national ETS; a national ETS obligation the
organization profile does not back."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.checks.emissions_org import ets_obligation
from tests.lines import line_of

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "cement"
RULE = "emissions.ets-cement-method"


def _cement(org, ets: bool | None = None, boundary: bool | None = None):
    shutil.rmtree(org.root, ignore_errors=True)
    shutil.copytree(EXAMPLE, org.root)
    path = org.root / "organization" / "ORG-CP.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if ets:
        data["mandatory_schemes"] = ["national_ets"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    src = org.root / "sources" / "SRC-CP-CAL.yaml"
    if boundary is not None:
        src.write_text(src.read_text(encoding="utf-8") + f"ets_boundary: {str(boundary).lower()}\n", encoding="utf-8")
    return org.of(org.run(), RULE), src


def test_outside_the_ets_nothing(org):
    found, _ = _cement(org, ets=False)
    assert found == []


def test_in_the_ets_without_a_boundary_the_default_power_boundary_is_named(org):
    found, _ = _cement(org, ets=True)
    assert len(found) == 1  # the cement plant's electricity source is not this rule's
    f = found[0]
    assert f.severity == "warning" and f.record == "SRC-CP-CAL" and f.file.endswith("sources/SRC-CP-CAL.yaml")
    assert f.line == line_of(org, "sources/SRC-CP-CAL.yaml", "method:")
    assert "power generation facility" in f.message and "ets_boundary" in f.hint


def test_in_the_ets_boundary_the_method_is_named(org):
    found, _ = _cement(org, ets=True, boundary=True)
    assert len(found) == 1
    assert "CETS-AG-02.01-V01-2024" in found[0].message and "does not compute" in found[0].message


def test_declared_outside_the_boundary_nothing(org):
    found, _ = _cement(org, ets=True, boundary=False)
    assert found == []


# -- emissions.national-ets-not-in-profile (A.4.2) ------------------------------------------------


def _profile(org, schemes):
    org.add("organization/ORG.yaml", org.record("organization", "ORG", legal_name="某电厂", uscc="91320000000000000X", mandatory_schemes=schemes))


def test_a_national_obligation_the_profile_does_not_back_is_an_error_at_its_scheme(org):
    _profile(org, ["local_pilot_ets"])
    ets_obligation(org, "trading/ETS.yaml", "ETS", "national_ets")
    ets_obligation(org, "trading/ETS-P.yaml", "ETS-P", "local_pilot")  # a pilot market's: not this rule's
    ets_obligation(org, "trading/ETS-W.yaml", "ETS-W", "national_ets", status="withdrawn")  # says nothing
    [f] = org.of(org.run(), "emissions.national-ets-not-in-profile")
    assert (f.record, f.severity, f.clauses) == ("ETS", "error", ("A.4.2",))
    assert (f.file, f.line) == ("trading/ETS.yaml", line_of(org, "trading/ETS.yaml", "scheme:"))
    assert "no organization profile lists national_ets" in f.message and "mandatory_schemes" in f.hint


def test_a_national_obligation_the_profile_backs_is_no_finding(org):
    _profile(org, ["national_ets"])
    ets_obligation(org, "trading/ETS.yaml", "ETS", "national_ets")
    assert org.of(org.run(), "emissions.national-ets-not-in-profile") == []


# -- emissions.instrument-not-in-plan (A.9.1 a, 9.1.1 b) ---------------------------------------------
def _planned_instrument(org, used):
    from tests.checks.emissions_org import activity, coal_line, plan, plan_sources, put, setup

    setup(org)
    sources = plan_sources()
    sources[0]["items"][0]["instrument"] = ["MI-BS"]  # SRC-COAL's activity: the belt scale
    put(org, "monitoring", org.record("monitoring_plan", "MP-1", **plan(sources=sources)))
    for mi, what in (("MI-BS", "belt scale"), ("MI-GAS", "gas flow meter")):
        put(org, "instruments", org.record("measuring_instrument", mi, instrument_type="other", measures=what, unit="t", service_status="in_service"))
    line = coal_line(2024)
    line["activity"]["instrument"] = used
    activity(org, 2024, "SRC-COAL", line)


def test_activity_read_from_the_planned_instrument(org):
    _planned_instrument(org, ["MI-BS"])
    assert org.of(org.run("2026-06-30"), "emissions.instrument-not-in-plan") == []


def test_activity_read_from_an_instrument_the_plan_does_not_name(org):
    _planned_instrument(org, ["MI-BS", "MI-GAS"])
    [f] = org.of(org.run("2026-06-30"), "emissions.instrument-not-in-plan")
    rel = "activity/AD-2024-SRC-COAL.yaml"
    assert (f.file, f.line, f.path) == (rel, line_of(org, rel, "- MI-GAS"), "line.activity.instrument[1]")
    assert f.message == "SRC-COAL's activity data of 2024 names MI-GAS, but the monitoring plan MP-1 measures it with MI-BS"
    assert f.severity == "error" and "A.9.1 a" in f.clauses

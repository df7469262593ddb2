"""Units: record spellings parse, conversions are right (worked out by hand below), and
conversions between different kinds of quantity fail with both units named."""

from __future__ import annotations

import pint
import pytest

from cms_build import units
from cms_build.units import UnitError, convert, parse_unit, quantity, magnitude_in, same_dimension

RECORD_SPELLINGS = [
    "t",
    "kt",
    "GJ/t",
    "kJ/kg",
    "kJ/Nm3",
    "10^4 Nm3",
    "10^3 Nm3",
    "万Nm3",
    "MWh",
    "kWh",
    "tC/TJ",
    "tCO2/MWh",
    "tCO2/GJ",
    "tCO2e",
    "%",
    "10^4 CNY",
    "万元",
    "CNY/t",
    "1e4 Nm3",
    "wan_Nm3",
    "wan_CNY",
    "tce",
    "TJ",
    "MJ",
    "GWh",
    "kgCO2e",
    "tCO2",
    "tC",
    "tCO2/万元",
    "tCO2e/t",
    "1",
    "tCO₂e",
    "Nm³",
]


@pytest.mark.parametrize("text", RECORD_SPELLINGS)
def test_record_spellings_parse(text):
    assert isinstance(parse_unit(text), pint.Unit)


def test_one_registry_built_once():
    assert units.registry() is units.registry()
    assert units.ureg is units.registry()
    # pint's application registry is ours, so code using pint directly shares it
    assert pint.get_application_registry().get() is units.registry()
    q = quantity(1, "t") * quantity(2, "GJ/t")
    assert magnitude_in(q, "GJ") == pytest.approx(2)


def test_tonne_is_the_metric_tonne_and_kt_is_not_the_knot():
    # pint already has t = metric ton; kt would be the knot in pint, here it is 1000 t.
    assert convert(1, "t", "kg") == pytest.approx(1000)
    assert convert(1, "kt", "t") == pytest.approx(1000)
    assert same_dimension("kt", "t")


def test_heat_value_kj_per_kg_to_gj_per_t():
    # 1 kJ/kg = 1000 J / 0.001 t = 10^6 J/t = 0.001 GJ/t, so 20908 kJ/kg = 20.908 GJ/t
    assert convert(1, "kJ/kg", "GJ/t") == pytest.approx(0.001)
    assert convert(20908, "kJ/kg", "GJ/t") == pytest.approx(20.908)


def test_scaled_normal_cubic_metres():
    # 1.5 x 10^4 Nm3 = 15000 Nm3, whatever the spelling of 10^4
    for spelling in ("10^4 Nm3", "1e4 Nm3", "万Nm3", "wan_Nm3"):
        assert convert(1.5, spelling, "Nm3") == pytest.approx(15000)
    # 10^3 Nm3 = 1000 Nm3
    assert convert(2, "10^3 Nm3", "Nm3") == pytest.approx(2000)
    assert convert(1, "10^4 Nm3", "10^3 Nm3") == pytest.approx(10)


def test_electric_energy():
    # 1 kWh = 0.001 MWh; 1 MWh = 3.6 GJ (3600 s x 10^6 W); 1 GWh = 1000 MWh
    assert convert(1, "kWh", "MWh") == pytest.approx(0.001)
    assert convert(1, "MWh", "GJ") == pytest.approx(3.6)
    assert convert(1, "GWh", "MWh") == pytest.approx(1000)


def test_natural_gas_heat_of_10_4_nm3():
    # 38931 kJ/Nm3 x 10^4 Nm3 = 389,310,000 kJ = 389.31 GJ = 0.38931 TJ
    heat = quantity(38931, "kJ/Nm3") * quantity(1, "10^4 Nm3")
    assert magnitude_in(heat, "GJ") == pytest.approx(389.31)
    assert magnitude_in(heat, "TJ") == pytest.approx(0.38931)


def test_guideline_combustion_formula_matches_units():
    # Guideline: AD (TJ) = FC (10^3 Nm3) x NCV (kJ/Nm3) x 10^-6;
    # 2 (10^3 Nm3) x 38931 x 10^-6 = 0.077862 TJ. With units, no 10^-6 literal is needed.
    heat = quantity(2, "10^3 Nm3") * quantity(38931, "kJ/Nm3")
    assert magnitude_in(heat, "TJ") == pytest.approx(2 * 38931 * 1e-6)
    # E = AD x CC x OF x 44/12: 0.077862 TJ x 15.32 tC/TJ x 0.99 = 1.18090... tC
    carbon = heat * quantity(15.32, "tC/TJ") * 0.99
    tc = magnitude_in(carbon, "tC")
    assert tc == pytest.approx(0.077862 * 15.32 * 0.99)
    assert units.carbon_to_co2(carbon) == pytest.approx(tc * 44 / 12)


def test_coal_equivalent_and_currency():
    # 1 tce = 29.3076 GJ (1 kgce = 29307.6 kJ); 1 万元 = 10^4 CNY = 10000 CNY
    assert convert(1, "tce", "GJ") == pytest.approx(29.3076)
    assert convert(1, "万元", "CNY") == pytest.approx(10000)
    assert convert(1, "10^4 CNY", "CNY") == pytest.approx(10000)
    assert convert(1, "wan_CNY", "万元") == pytest.approx(1)
    # an intensity: 2 tCO2 per 10^4 CNY = 0.0002 tCO2/CNY
    assert convert(2, "tCO2/万元", "tCO2/CNY") == pytest.approx(0.0002)


def test_percent_and_co2_units():
    # 98 % = 0.98; 1 kgCO2e = 0.001 tCO2e; tCO2 and tCO2e are the same dimension
    assert convert(98, "%", "1") == pytest.approx(0.98)
    assert convert(1, "kgCO2e", "tCO2e") == pytest.approx(0.001)
    assert convert(5, "tCO2", "tCO2e") == pytest.approx(5)
    # grid factor 0.5703 tCO2/MWh = 0.5703 kgCO2/kWh
    assert convert(0.5703, "tCO2/MWh", "kgCO2/kWh") == pytest.approx(0.5703)


def test_carbon_to_co2_is_explicit():
    # 12 tC x 44/12 = 44 tCO2; never by unit conversion
    assert units.carbon_to_co2(12) == pytest.approx(44)
    assert units.carbon_to_co2(12000, "kgC", "tCO2e") == pytest.approx(44)
    assert not same_dimension("tC", "tCO2")
    with pytest.raises(UnitError) as exc:
        convert(1, "tC", "tCO2")
    assert "carbon_to_co2" in exc.value.hint


@pytest.mark.parametrize(
    "a, b, kinds",
    [
        ("kWh", "t", "energy vs mass"),
        ("tCO2e", "t", "CO2-equivalent mass vs mass"),
        ("Nm3", "m3", "normal volume (Nm3) vs volume"),
        ("CNY", "t", "currency vs mass"),
        ("GJ/t", "kJ/Nm3", "energy per mass vs energy per normal volume (Nm3)"),
    ],
)
def test_incompatible_conversion_names_both_units(a, b, kinds):
    assert not same_dimension(a, b)
    with pytest.raises(UnitError) as exc:
        convert(1, a, b)
    msg = exc.value.message
    assert a in msg and b in msg and kinds in msg


def test_exact_message_for_energy_to_mass():
    with pytest.raises(UnitError) as exc:
        convert(1, "kWh", "t")
    assert exc.value.message == "cannot convert kWh to t: they measure different things (energy vs mass)"


def test_magnitude_in_rejects_other_dimension():
    with pytest.raises(UnitError):
        magnitude_in(quantity(1, "MWh"), "tCO2")


@pytest.mark.parametrize(
    "text, suggestion",
    [
        ("tCO2eq2", "tCO2e"),
        ("kwh", "kWh"),
        ("Gj/t", "GJ/t"),
        ("Nm4", "Nm3"),
    ],
)
def test_unknown_unit_has_hint(text, suggestion):
    with pytest.raises(UnitError) as exc:
        parse_unit(text)
    assert text in exc.value.message
    assert suggestion in exc.value.hint


@pytest.mark.parametrize("text", ["quux", "t ++", "(t", "10^5 t", "2 t"])
def test_malformed_units_raise_unit_error(text):
    with pytest.raises(UnitError) as exc:
        parse_unit(text)
    assert exc.value.hint


def test_unit_error_is_a_value_error_and_prints_hint():
    err = UnitError("unknown unit 'x'", "try t")
    assert isinstance(err, ValueError)
    assert str(err) == "unknown unit 'x' (hint: try t)"


def test_coal_rate_in_grams_of_coal_equivalent():
    # 300 gce/kWh = 300 × 10^-6 tce / 10^-3 MWh = 0.3 tce/MWh = 300 kgce/MWh
    assert convert(300, "gce/kWh", "kgce/MWh") == pytest.approx(300)
    assert convert(300, "gce/kWh", "tce/MWh") == pytest.approx(0.3)


def test_dimension_name_of_an_unnamed_combination_is_in_words():
    # tC/MWh/t is carbon per energy per mass: no reference unit names it, so the base dimensions
    # are spelled out, never pint's "[carbon] * [time] ** 2 / ..."
    name = units.dimension_name("tC/MWh/t")
    assert name == "carbon mass × time^2 per length^2 × mass^2"
    assert "[" not in name and "**" not in name


@pytest.mark.parametrize("text", units.KNOWN_SPELLINGS)
def test_every_known_spelling_parses(text):
    # convert()'s fast path trusts these spellings without reading them (issue 19)
    assert isinstance(parse_unit(text), pint.Unit)


def test_parsed_units_are_remembered_and_failures_are_not():
    assert parse_unit("GJ/t") is parse_unit("GJ/t")
    assert parse_unit("10^4 Nm3") == parse_unit("万Nm3")
    for _ in range(2):  # raises every time, with its hint, never a remembered None
        with pytest.raises(units.UnitError, match="unknown unit 'frobnits'"):
            parse_unit("frobnits")
    with pytest.raises(units.UnitError):
        units.convert(1.0, "frobnits", "frobnits")  # same text, unknown unit: still an error


def test_convert_between_identical_units_needs_no_registry():
    import subprocess
    import sys

    code = (
        "from cms_build import units\n"
        "assert units.convert(2.5, 'tCO2e', 'tCO2e') == 2.5 and units.convert(3, 'GJ', 'GJ') == 3.0\n"
        "assert units._registry is None, 'the registry was built'\n"
        "assert units.convert(20908, 'kJ/kg', 'GJ/t') == 20.908  # 20908 kJ/kg = 20908e3 J / 1e-3 t = 20.908e9 J/t\n"
        "assert units._registry is not None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("text, name", sorted(units._UNDEFINED.items()))
def test_units_known_undefined_are_what_pint_says(text, name):
    # parse_unit answers these without the registry (issue 19): pint must say the same
    with pytest.raises(pint.UndefinedUnitError) as exc:
        units.registry().parse_units(units._normalize(text))
    assert tuple(exc.value.unit_names) in ((name,), name)
    with pytest.raises(UnitError) as ours:
        parse_unit(text)
    assert ours.value.message == f"unknown unit {text!r} ({name} is not defined)"
    assert ours.value.hint == units._hint_for(text, (name,))


def test_the_starter_placeholder_is_known_undefined_without_the_registry():
    import subprocess
    import sys

    from cms_build.scaffold import PLACEHOLDER

    assert PLACEHOLDER in units._UNDEFINED
    code = (
        "from cms_build import units\n"
        "from cms_build.scaffold import PLACEHOLDER\n"
        "try:\n"
        "    units.parse_unit(PLACEHOLDER)\n"
        "except units.UnitError as exc:\n"
        "    assert exc.message == f'unknown unit {PLACEHOLDER!r} (待填写 is not defined)', exc.message\n"
        "else:\n"
        "    raise AssertionError('read')\n"
        "import sys\n"
        "assert units._registry is None and 'pint' not in sys.modules, 'the registry was built'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- pint's cache of its parsed default definitions ---------------------------------------
def test_definitions_cache_is_this_users_folder_only(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = units._definitions_cache()
    assert folder == str(tmp_path / "cms-as-code" / "pint")
    assert os.stat(folder).st_mode & 0o777 == 0o700
    os.chmod(folder, 0o777)  # others could plant a pickle: not used
    assert units._definitions_cache() is None
    os.rmdir(folder)
    (tmp_path / "cms-as-code" / "pint").write_text("not a folder")
    assert units._definitions_cache() is None


def test_a_cached_registry_converts_as_a_fresh_one(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh = pint.UnitRegistry(on_redefinition="raise")
    for _ in range(2):  # the first writes the cache, the second reads it
        cached = units._default_registry(pint)
        assert list((tmp_path / "cms-as-code" / "pint").iterdir())
        for src, dst in [("kWh", "GJ"), ("t", "kg"), ("m**3", "L"), ("degC", "K"), ("mile", "km")]:
            assert cached.Quantity(1234.5, src).to(dst).magnitude == fresh.Quantity(1234.5, src).to(dst).magnitude


def test_a_damaged_cache_only_costs_the_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    units._default_registry(pint)
    for f in (tmp_path / "cms-as-code" / "pint").iterdir():
        f.write_bytes(b"\x80\x04 not a pickle")
    reg = units._default_registry(pint)
    assert reg.Quantity(1, "kWh").to("MJ").magnitude == pytest.approx(3.6)


def _hold_pint_cache(tmp_path):
    """What another run building its registry holds: the lock of pint's cache folder."""
    import fcntl
    import os

    folder = units._definitions_cache()
    fd = os.open(os.path.join(folder, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return folder, fd


def test_a_run_waits_while_another_writes_the_definitions_cache(tmp_path, monkeypatch):
    import os
    import threading
    import time
    import types

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder, fd = _hold_pint_cache(tmp_path)
    held = [True]
    calls = []  # (was the other run still at the cache, the registry's arguments)
    spy = types.SimpleNamespace(UnitRegistry=lambda **kw: calls.append((held[0], kw)) or pint.UnitRegistry(**kw))
    got = []
    thread = threading.Thread(target=lambda: got.append(units._default_registry(spy)), daemon=True)
    thread.start()
    time.sleep(0.5)
    assert calls == [] and sorted(os.listdir(folder)) == [".lock"]  # neither read nor written meanwhile
    held[0] = False
    os.close(fd)  # the other run is done
    thread.join(60)
    assert calls == [(False, {"on_redefinition": "raise", "cache_folder": folder})]  # then it used the cache
    assert got[0].Quantity(1, "kWh").to("MJ").magnitude == pytest.approx(3.6)
    assert any(name.endswith(".pickle") for name in os.listdir(folder))


def test_a_lock_never_let_go_costs_only_the_parse(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(units, "LOCK_WAIT_S", 0.2)
    folder, fd = _hold_pint_cache(tmp_path)
    try:
        reg = units._default_registry(pint)
        assert reg.Quantity(1, "kWh").to("MJ").magnitude == pytest.approx(3.6)
        assert sorted(os.listdir(folder)) == [".lock"]  # parsed without the cache
    finally:
        os.close(fd)


_FRESH = """
import json, sys
first = sys.argv[1] == "numpy-first"
if first:
    import numpy
from cms_build import units
value = units.convert(20908, "kJ/kg", "GJ/t")
import pint.compat
print(json.dumps({
    "value": value,
    "pint_numpy": pint.compat.HAS_NUMPY,
    "numpy": "numpy" in sys.modules,
    "same_numpy": (sys.modules.get("numpy") is numpy) if first else None,
    "scipy": "scipy" in sys.modules,
}))
"""


@pytest.mark.parametrize("order", ["pint-only", "numpy-first"])
def test_pint_is_imported_without_numpy_in_every_process_alike(order):
    """pint's numpy and scipy support (0.1 s of its import) is never used: every figure is a
    Python number. It is left out whether or not the process imported numpy before, so that a
    conversion does not depend on what ran first; numpy itself stays as it was."""
    import json
    import subprocess
    import sys

    if order == "numpy-first":
        pytest.importorskip("numpy")
    done = subprocess.run([sys.executable, "-c", _FRESH, order], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["value"] == pytest.approx(20.908)  # 20908 kJ/kg = 20.908 GJ/t (10^6 kJ/GJ, 10^3 kg/t)
    assert got["pint_numpy"] is False and got["scipy"] is False
    if order == "numpy-first":
        assert got["numpy"] is True and got["same_numpy"] is True
    else:
        assert got["numpy"] is False

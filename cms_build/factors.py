"""The built-in emission-factor library: figures with their citations.

The figures live in YAML files under ``cms_build/data/factors/`` (one per source family,
each with a comment saying where it comes from); this module loads them once
(``yaml.safe_load``, cached) and hands them out as :class:`Factor` values that always
carry their unit, their citation and whether the figure is second-hand (seen only in a
transcription). An organization overrides a default in its own records with its own
documented source; the library never hides where a figure came from.

Public API::

    gwp(set_name, gas) -> Factor          gwp_sets() -> list[str]   gases(set_name) -> list[str]
    fuel(key) -> FuelDefaults             fuel_keys() -> list[str]
    grid(key) -> Factor                   grid_keys() -> list[str]  heat_default() -> Factor
    carbonate(key) -> Factor              carbonate_keys() -> list[str]
    ets(key) -> EtsFigure                 ets_keys() -> list[str]
    guideline_default(key) -> Factor      guideline_default_keys() -> list[str]
                                          (power-sector defaults for parameters not measured)
    library_table() -> list[dict]         (every figure with its citation, for the evidence site)

Unknown names raise :class:`FactorKeyError` (a ``KeyError``) whose message lists the
known ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same safe schema
from .errors import CmsProblem

DATA_DIR = Path(__file__).resolve().parent / "data" / "factors"

FILES = ("gwp", "fuels_cn_power_2013", "grid_cn", "carbonates", "ets_cn", "defaults_cn_power")


class FactorKeyError(CmsProblem, KeyError):
    """A factor the library does not hold; the message lists what it does hold."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


class FactorDataError(CmsProblem, ValueError):
    """A data file of the library is malformed (a bug in the library's data)."""


@dataclass(frozen=True)
class Factor:
    """One figure: value in unit, with its citation.

    key is the figure's stable id in the library ("gwp:AR5:CH4", "grid:national_2023").
    """

    value: float
    unit: str
    source: str
    second_hand: bool
    note: str = ""
    key: str = ""

    def quantity(self):
        """The figure as a pint Quantity of the program's unit registry."""
        from cms_build import units

        return units.quantity(self.value, self.unit)


@dataclass(frozen=True)
class FuelDefaults:
    """Default parameters of one fuel. ncv / carbon_content are None where the source
    requires them to be measured (coal); *_method then says how."""

    key: str
    name_zh: str
    name_en: str
    activity_unit: str
    ncv: Factor | None
    carbon_content: Factor | None
    oxidation: Factor
    ncv_method: str = ""
    carbon_content_method: str = ""


@dataclass(frozen=True)
class EtsFigure:
    """A national-ETS rule figure. value is a number, a bool, a string (ISO date,
    "MM-DD", a rule name) or a tuple of strings (trading sessions); unit is a unit
    spelling for numbers, a format label ("date", "month-day") or None."""

    value: object
    unit: str | None
    source: str
    second_hand: bool
    note: str = ""
    key: str = ""

    def quantity(self):
        from cms_build import units

        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise TypeError(f"ETS figure {self.key} is not a number: {self.value!r}")
        return units.quantity(self.value, self.unit)


# ---------------------------------------------------------------------------- loading


@lru_cache(maxsize=None)
def _load(name: str) -> dict:
    path = DATA_DIR / f"{name}.yaml"
    with path.open("r", encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_SafeLoader)  # the C loader when built: 7x faster
    if not isinstance(data, dict):
        raise FactorDataError(f"{path}: expected a mapping at the top level")
    return data


def _text(x) -> str:
    return " ".join(str(x).split()) if x is not None else ""


def _require_source(where: str, source) -> str:
    s = _text(source)
    if not s:
        raise FactorDataError(f"factor library: {where} has no source citation")
    return s


def _number(where: str, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FactorDataError(f"factor library: {where} value is not a number: {value!r}")
    return value


def _factor(key: str, entry: dict, *, unit: str | None = None, source=None, second_hand: bool | None = None, note_prefix: str = "") -> Factor:
    """A Factor from a YAML mapping {value, unit, source, second_hand, note, what}."""
    src = _require_source(key, entry.get("source", source))
    u = entry.get("unit", unit)
    if not u:
        raise FactorDataError(f"factor library: {key} has no unit")
    sh = entry.get("second_hand", second_hand)
    if not isinstance(sh, bool):
        raise FactorDataError(f"factor library: {key} must say second_hand: true or false")
    parts = [p for p in (note_prefix, _text(entry.get("what")), _text(entry.get("note"))) if p]
    return Factor(value=_number(key, entry.get("value")), unit=str(u), source=src, second_hand=sh, note="; ".join(parts), key=key)


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def _canon(name: str) -> str:
    return re.sub(r"[\s_\-]", "", str(name).translate(_SUBSCRIPTS)).upper()


_SET_ALIASES = {"AR2": "SAR"}


# ---------------------------------------------------------------------------- GWP


@lru_cache(maxsize=None)
def _gwp_table() -> dict[str, dict[str, Factor]]:
    data = _load("gwp")
    unit = data.get("unit")
    table: dict[str, dict[str, Factor]] = {}
    for set_name, spec in (data.get("sets") or {}).items():
        set_source = spec.get("source")
        set_sh = spec.get("second_hand", False)
        gases_: dict[str, Factor] = {}
        for gas, v in (spec.get("values") or {}).items():
            entry = v if isinstance(v, dict) else {"value": v}
            gases_[gas] = _factor(f"gwp:{set_name}:{gas}", entry, unit=unit, source=set_source, second_hand=set_sh)
        table[set_name] = gases_
    return table


def gwp_sets() -> list[str]:
    """Names of the GWP-100 sets: ["SAR", "AR4", "AR5", "AR6"]."""
    return list(_gwp_table())


def _resolve_set(set_name: str) -> str:
    table = _gwp_table()
    c = _canon(set_name)
    c = _SET_ALIASES.get(c, c)
    for name in table:
        if _canon(name) == c:
            return name
    raise FactorKeyError(f"unknown GWP set {set_name!r}; known sets: {', '.join(table)}")


def gases(set_name: str) -> list[str]:
    """The gases the set gives a GWP for, in the order of the data file."""
    return list(_gwp_table()[_resolve_set(set_name)])


def gwp(set_name: str, gas: str) -> Factor:
    """GWP-100 of gas in set_name ("AR5", "CH4") as a Factor in tCO2e/t.

    Names are matched ignoring case, spaces, '-' and '_' ("hfc134a" finds "HFC-134a").
    Raises FactorKeyError when the set does not give a value for the gas (NF3 in SAR).
    """
    name = _resolve_set(set_name)
    values = _gwp_table()[name]
    c = _canon(gas)
    for g, f in values.items():
        if _canon(g) == c:
            return f
    others = [s for s, v in _gwp_table().items() if any(_canon(g) == c for g in v)]
    also = f"; {gas} has a value in: {', '.join(others)}" if others else ""
    raise FactorKeyError(f"GWP set {name} gives no value for {gas!r}; gases in {name}: {', '.join(values)}{also}")


# ---------------------------------------------------------------------------- fuels


@lru_cache(maxsize=None)
def _fuels() -> dict[str, FuelDefaults]:
    data = _load("fuels_cn_power_2013")
    out: dict[str, FuelDefaults] = {}
    for key, spec in (data.get("fuels") or {}).items():

        def param(name: str) -> tuple[Factor | None, str]:
            entry = spec.get(name)
            if not isinstance(entry, dict):
                raise FactorDataError(f"factor library: fuel {key} lacks {name}")
            method = _text(entry.get("method"))
            if entry.get("value") is None:
                _require_source(f"fuel:{key}:{name}", entry.get("source"))
                return None, method
            return _factor(f"fuel:{key}:{name}", entry), method

        ncv, ncv_m = param("ncv")
        cc, cc_m = param("carbon_content")
        ox, ox_m = param("oxidation")
        if ox is None:
            raise FactorDataError(f"factor library: fuel {key} has no oxidation rate")
        if ox_m:
            ox = Factor(ox.value, ox.unit, ox.source, ox.second_hand, "; ".join(p for p in (f"method: {ox_m}", ox.note) if p), ox.key)
        out[key] = FuelDefaults(
            key=key,
            name_zh=str(spec.get("name_zh", "")),
            name_en=str(spec.get("name_en", "")),
            activity_unit=str(spec.get("activity_unit", "")),
            ncv=ncv,
            carbon_content=cc,
            oxidation=ox,
            ncv_method=ncv_m,
            carbon_content_method=cc_m,
        )
    return out


def fuel_keys() -> list[str]:
    return list(_fuels())


def fuel(key: str) -> FuelDefaults:
    """Default parameters of a fuel by stable key ("natural_gas"), or by its Chinese or
    English name ("天然气", "natural gas")."""
    fuels = _fuels()
    if key in fuels:
        return fuels[key]
    c = _canon(key)
    for f in fuels.values():
        if c in (_canon(f.key), _canon(f.name_en), _canon(f.name_zh)):
            return f
    raise FactorKeyError(f"unknown fuel {key!r}; known fuels: " + ", ".join(f"{f.key} ({f.name_zh})" for f in fuels.values()))


# ---------------------------------------------------------------------------- grid, heat


@lru_cache(maxsize=None)
def _grid() -> tuple[dict[str, Factor], dict[str, Factor]]:
    data = _load("grid_cn")
    elec = {k: _factor(f"grid:{k}", v) for k, v in (data.get("electricity") or {}).items()}
    heat = {k: _factor(f"heat:{k}", v) for k, v in (data.get("heat") or {}).items()}
    return elec, heat


def grid_keys() -> list[str]:
    return list(_grid()[0])


def grid(key: str) -> Factor:
    """Electricity emission factor (tCO2/MWh) by stable key, e.g. "national_2023"."""
    elec = _grid()[0]
    if key not in elec:
        raise FactorKeyError(f"unknown electricity factor {key!r}; known keys: {', '.join(elec)}")
    return elec[key]


def heat_default() -> Factor:
    """Default emission factor of purchased heat, 0.11 tCO2/GJ."""
    return _grid()[1]["default"]


# ---------------------------------------------------------------------------- carbonates


@lru_cache(maxsize=None)
def _carbonates() -> dict[str, Factor]:
    data = _load("carbonates")
    unit = data.get("unit")
    out = {}
    for k, v in (data.get("carbonates") or {}).items():
        out[k] = _factor(f"carbonate:{k}", v, unit=unit, note_prefix=_text(v.get("name")))
    return out


def carbonate_keys() -> list[str]:
    return list(_carbonates())


def carbonate(key: str) -> Factor:
    """Carbonate emission factor (tCO2/t): "CaCO3" (guideline 0.440), "CaCO3_stoichiometric",
    "MgCO3", "Na2CO3", "NaHCO3", "FeCO3"."""
    table = _carbonates()
    if key in table:
        return table[key]
    c = _canon(key)
    for k, f in table.items():
        if _canon(k) == c:
            return f
    raise FactorKeyError(f"unknown carbonate {key!r}; known: {', '.join(table)}")


def desulfurization_formula() -> dict:
    """The desulfurization formula E = Σ B_k × I_k × EF_k × TR with its variables."""
    f = dict(_load("carbonates").get("formula") or {})
    f["source"] = _text(f.get("source"))
    return f


# ---------------------------------------------------------------------------- ETS


@lru_cache(maxsize=None)
def _ets() -> dict[str, EtsFigure]:
    data = _load("ets_cn")
    out = {}
    for k, v in (data.get("figures") or {}).items():
        key = f"ets:{k}"
        value = v.get("value")
        if isinstance(value, list):
            value = tuple(value)
        if value is None:
            raise FactorDataError(f"factor library: {key} has no value")
        sh = v.get("second_hand")
        if not isinstance(sh, bool):
            raise FactorDataError(f"factor library: {key} must say second_hand: true or false")
        note = "; ".join(p for p in (_text(v.get("what")), _text(v.get("note"))) if p)
        out[k] = EtsFigure(value=value, unit=v.get("unit"), source=_require_source(key, v.get("source")), second_hand=sh, note=note, key=key)
    return out


def ets_keys() -> list[str]:
    return list(_ets())


def ets(key: str) -> EtsFigure:
    """A national-ETS default, e.g. ets("ccer_max_share").value == 0.05."""
    table = _ets()
    if key not in table:
        raise FactorKeyError(f"unknown ETS figure {key!r}; known: {', '.join(table)}")
    return table[key]


# ---------------------------------------------------------------------------- guideline defaults


@lru_cache(maxsize=None)
def _guideline_defaults() -> dict[str, tuple[Factor | None, dict]]:
    data = _load("defaults_cn_power")
    out: dict[str, tuple[Factor | None, dict]] = {}
    for k, v in (data.get("defaults") or {}).items():
        key = f"default:{k}"
        _require_source(key, v.get("source"))
        if not isinstance(v.get("second_hand"), bool):
            raise FactorDataError(f"factor library: {key} must say second_hand: true or false")
        out[k] = (None if v.get("value") is None else _factor(key, v), dict(v))
    return out


def guideline_default_keys() -> list[str]:
    return list(_guideline_defaults())


def guideline_default(key: str) -> Factor:
    """A power-sector default for a parameter that was not measured, e.g.
    guideline_default("coal_oxidation_2022").value == 0.99 (second-hand). A figure the library
    could not find in any source raises FactorKeyError saying so: it is never guessed."""
    table = _guideline_defaults()
    if key not in table:
        raise FactorKeyError(f"unknown guideline default {key!r}; known: {', '.join(table)}")
    f, raw = table[key]
    if f is None:
        raise FactorKeyError(f"the library has no figure for default:{key}: {_text(raw.get('note'))} (source: {_text(raw.get('source'))})")
    return f


# ---------------------------------------------------------------------------- table


def _row(library: str, group: str, item: str, f, **extra) -> dict:
    row = {
        "library": library,
        "group": group,
        "item": item,
        "key": f.key,
        "value": f.value,
        "unit": f.unit,
        "source": f.source,
        "second_hand": f.second_hand,
        "note": f.note,
    }
    row.update(extra)
    return row


def library_table() -> list[dict]:
    """Every figure of the library with its unit and citation, one dict per figure.

    Keys: library (data file), group, item, key, value, unit, source, second_hand, note.
    Figures the source requires to be measured (coal NCV and carbon content) appear with
    value None and the method in note.
    """
    rows: list[dict] = []
    for set_name, gases_ in _gwp_table().items():
        for gas, f in gases_.items():
            rows.append(_row("gwp", f"GWP-100 {set_name}", gas, f))
    raw_fuels = _load("fuels_cn_power_2013").get("fuels") or {}
    for key, fd in _fuels().items():
        label = f"{fd.name_zh} {fd.name_en}"
        for pname in ("ncv", "carbon_content", "oxidation"):
            f = getattr(fd, pname)
            if f is None:
                entry = raw_fuels[key][pname]
                rows.append(
                    {
                        "library": "fuels_cn_power_2013",
                        "group": label,
                        "item": pname,
                        "key": f"fuel:{key}:{pname}",
                        "value": None,
                        "unit": "",
                        "source": _text(entry.get("source")),
                        "second_hand": bool(entry.get("second_hand")),
                        "note": _text(entry.get("method")) or "measured",
                    }
                )
            else:
                rows.append(_row("fuels_cn_power_2013", label, pname, f))
    elec, heat = _grid()
    for k, f in elec.items():
        rows.append(_row("grid_cn", "electricity", k, f))
    for k, f in heat.items():
        rows.append(_row("grid_cn", "heat", k, f))
    for k, f in _carbonates().items():
        rows.append(_row("carbonates", "carbonate", k, f))
    formula = desulfurization_formula()
    rows.append(
        {
            "library": "carbonates",
            "group": "desulfurization",
            "item": "formula",
            "key": "carbonate:formula",
            "value": formula.get("expression"),
            "unit": "",
            "source": formula["source"],
            "second_hand": bool(formula.get("second_hand")),
            "note": "; ".join(f"{k} = {v}" for k, v in (formula.get("variables") or {}).items()),
        }
    )
    for item in ("example_purity", "conversion_rate"):
        entry = formula.get(item)
        if isinstance(entry, dict):
            f = _factor(f"carbonate:formula:{item}", entry, source=formula["source"], second_hand=bool(formula.get("second_hand")))
            rows.append(_row("carbonates", "desulfurization", item, f))
    for k, f in _ets().items():
        rows.append(_row("ets_cn", "national ETS", k, f))
    for k, (f, raw) in _guideline_defaults().items():
        if f is None:
            rows.append(
                {
                    "library": "defaults_cn_power",
                    "group": "defaults for parameters not measured",
                    "item": k,
                    "key": f"default:{k}",
                    "value": None,
                    "unit": str(raw.get("unit") or ""),
                    "source": _text(raw.get("source")),
                    "second_hand": bool(raw.get("second_hand")),
                    "note": _text(raw.get("note")),
                }
            )
        else:
            rows.append(_row("defaults_cn_power", "defaults for parameters not measured", k, f))
    return rows

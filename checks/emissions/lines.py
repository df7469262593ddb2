"""One emission source's emissions for one period, from its calculation input (a "line").

A line is the data of ``schemas/emission-line.schema.json#/$defs/line``: an accounting
method, the gas, the activity data and the factors, each with where it comes from. The
activity_data records of subsystem A hold one; the carbon-footprint records of subsystem D
hold several. Both are computed here, by one function::

    from .lines import compute_line, CalcError

    result = compute_line(line, gwp_set="AR5", record=rec, path=("line",), root=root,
                          lookup=ctx.get, defaults={"grid": "national_2022_for_2023_2025_reporting"})
    result.total          # Traced, tCO2e: the sum over gases
    result.gases          # {"CO2": Traced tCO2e, ...}: the gas split
    result.gas_mass       # {"CO2": 123.4, ...}: t of each gas, before GWP
    result.activity       # Traced of the activity data in its recorded unit (None for F.3/F.4)
    result.parameters     # [{name, symbol, value, unit, basis, origin, citation, source, note}]
    result.gaps           # [{period, status, value, source}] substituted values (A.9.1.1 b)
    result.energy         # Traced TJ: fuel combustion's heat AD = FC × NCV (None otherwise)
    result.gas_origin     # methane under AR6: {gas, origin, why, key} (None otherwise)
    result.cems           # raw CEMS: {file, intervals, valid, invalid, missing, substituted} (None otherwise)
    result.as_dict()      # JSON for ctx.results

    line_parameters(line, base=("line",))  # (path, spec) of every parameter written in a line

Arguments:
    line      the line mapping as loaded from the record
    gwp_set   "SAR" | "AR4" | "AR5" | "AR6" (the organization's settings.gwp_set)
    record    the cms_build.records.Record the line sits in: sources in the trace point
              at its file and line, and CSV paths resolve relative to its folder (optional)
    path      the line's path inside the record, e.g. ("line",) or ("lines", 2)
    root      the repository root, for CSV files (optional)
    lookup    id -> Record, to read emission_factor records named by ``record:`` (optional)
    defaults  {"grid": <grid key>, "heat": <heat key>}: the library factors to use for
              purchased electricity / heat when the line gives none (settings.emissions);
              also "ch4_combustion_origin" (setting) and "source_category", "source_fuel" (the
              emission_source record), which tell the origin of methane

Formulas (Annex F; the power-sector guidelines, as Annex E's tables use them; citations of the
current MEE guideline 企业温室气体排放核算与报告指南 发电设施 (2022 revision) are second-hand and
marked "not checked against the original" wherever they appear):

- emission_factor (F.2, F.1):  E = AD × EF × GWP. For a fuel without a direct EF the unit of
  carbon_content decides: per heat (tC/TJ, tC/GJ) AD = FC × NCV (TJ) and EF = CC × OF × 44/12;
  per mass (%, tC/t: elemental carbon) E = FC × C_ar × OF × 44/12 with no NCV (an NCV given
  still yields the heat). ``months`` computes each month from its own consumption and
  measurements and sums them; a parameter given as ``samples`` is their fuel-weighted mean.
  Further gases of the same activity (``other_gases``) each add AD × EF_gas × GWP_gas.
- mass_balance (F.3, F.2):     E = [Σ(M_I × CC_I) − Σ(M_O × CC_O)] × ω × GWP, ω = 44/12
  tCO2/tC for CO2 unless given.
- measurement (F.4):           E = Σ_i m_i × GWP, m_i the measured mass per period; or, from a
  raw CEMS file (``cems``), m_h = Q_std,dry × C × ρ × Δt per hour with invalid and missing
  hours substituted by the named method (HJ 75-2017 / HJ 76-2017 conventions).
- GWP: the set of the settings; under AR6 methane takes the fossil or non-fossil value by the
  origin :func:`methane_origin` infers or the line states (``gas_origin``).
- desulfurization:             E = B × I × EF × TR (CO2).
- purchased_electricity/heat:  E = (purchased − exported) × EF (CO2), EF from the line or
  the library default named in the settings.
- clinker_calcination (cement): E = (Q_cli + Q_ckd + Q_bpd) × [(FR1 − FR1_0) × 44/56 +
  (FR2 − FR2_0) × 44/40] + Q_rm × FR_0 × 44/12 (CO2): clinker, kiln-head dust and bypass dust
  with the CaO and MgO contents of the clinker and the parts of them not from carbonates; the
  raw meal's non-fuel carbon where given. See :data:`CLINKER_CITATION`: no composition has a
  default, every content is an input with its source.

Units are converted by cms_build.units only; an impossible combination (coal in t with an
NCV in kJ/Nm3) raises :class:`CalcError` naming the field. GWPs come from
cms_build.factors for the chosen set; every result says which set it used.
"""

from __future__ import annotations

from cms_build.api import csvfile
import math
from dataclasses import dataclass, field
from pathlib import Path

from cms_build.api import factors, units
from . import activity_rows
from cms_build.api import format_path
from cms_build.api import Input, Traced, library_source, record_source
from cms_build.api import CmsProblem

METHODS = ("emission_factor", "mass_balance", "measurement", "desulfurization", "purchased_electricity", "purchased_heat", "clinker_calcination")

#: Annex F clause of each method, for the trace.
METHOD_CLAUSE = {
    "emission_factor": "F.2",
    "mass_balance": "F.3",
    "measurement": "F.4",
    "desulfurization": "F.2",
    "purchased_electricity": "F.2",
    "purchased_heat": "F.2",  # AD × EF forms (F.1)
    "clinker_calcination": "F.2",  # AD × EF with the EF from the clinker's composition
}

GAP_STATUSES = ("estimated", "filled", "missing")

# Canonical units of the trace: every intermediate is shown in one of these.
U_ENERGY = "TJ"
U_CARBON = "tC"
U_GAS = "t"
U_CO2E = "tCO2e"

_C_TO_CO2_SOURCE = {
    "library": "constant:44/12",
    "citation": "附录 F（F.2、F.3）：二氧化碳与碳的分子量之比 44/12 / Annex F (F.2, F.3): ratio of the "
    "molecular masses of CO2 and C, 44/12 (cms_build.units.C_TO_CO2)",
    "second_hand": False,
}

_SYMBOLS = {
    "ncv": "NCV",
    "carbon_content": "CC",
    "oxidation": "OF",
    "ef": "EF",
    "purity": "I",
    "conversion_rate": "TR",
    "omega": "ω",
    "density": "ρ",
    "cao": "FR1",
    "mgo": "FR2",
    "cao_non_carbonate": "FR1_0",
    "mgo_non_carbonate": "FR2_0",
    "raw_meal_carbon": "FR_0",
}
_NAMES = {
    "ncv": "低位发热量 net calorific value",
    "carbon_content": "含碳量 carbon content",
    "density": "CO2 密度（标准状态）CO2 density at standard conditions",
    "oxidation": "碳氧化率 oxidation rate",
    "ef": "排放因子 emission factor",
    "purity": "碳酸盐含量 carbonate purity",
    "conversion_rate": "转化率 conversion rate",
    "omega": "转换系数 conversion factor",
    "cao": "熟料中 CaO 含量 CaO content of clinker",
    "mgo": "熟料中 MgO 含量 MgO content of clinker",
    "cao_non_carbonate": "熟料中非碳酸盐来源的 CaO 含量 CaO of clinker not from carbonates",
    "mgo_non_carbonate": "熟料中非碳酸盐来源的 MgO 含量 MgO of clinker not from carbonates",
    "raw_meal_carbon": "生料中非燃料碳含量 non-fuel (organic) carbon of the raw meal",
}


class CalcError(CmsProblem, ValueError):
    """An input that cannot be computed: message, the field's path in the record, a hint."""

    def __init__(self, message: str, path: tuple = (), hint: str = "", at: tuple | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = tuple(path)
        self.at = at  # (file, line) when the input at fault is a row of an attached table

    def issue(self, record, default_path=("line",)):
        """The finding: at the table row when the fault is in one, else at the record's field."""
        if self.at is not None and record is not None:
            from cms_build.api import Issue

            return Issue(self.message, self.at[0], self.at[1], 1, record.id, format_path(self.path or default_path), hint=self.hint)
        return record.issue(self.path or default_path, self.message, hint=self.hint)

    def __str__(self) -> str:
        where = format_path(self.path)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Param:
    """A resolved factor or parameter: the number used and why it is that number."""

    name: str
    quantity: object  # pint Quantity
    value: float
    unit: str
    source: dict
    basis: str  # measured | calculated | supplier | default | literature | unspecified
    origin: str  # inline | record | library | library_default
    citation: str
    note: str = ""
    path: tuple = ()
    second_hand: bool = False

    def input(self, symbol: str | None = None) -> Input:
        return Input(symbol or _SYMBOLS.get(self.name, self.name), _NAMES.get(self.name, self.name), self.value, self.unit, self.source, self.note)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "symbol": _SYMBOLS.get(self.name, self.name),
            "value": self.value,
            "unit": self.unit,
            "basis": self.basis,
            "origin": self.origin,
            "citation": self.citation,
            "second_hand": self.second_hand,
            "source": self.source,
            "note": self.note,
            "path": format_path(self.path),
        }


@dataclass
class LineResult:
    method: str
    gwp_set: str
    total: Traced
    gases: dict = field(default_factory=dict)  # gas -> Traced (tCO2e)
    gas_mass: dict = field(default_factory=dict)  # gas -> t
    activity: Traced | None = None
    parameters: list = field(default_factory=list)  # [Param]
    gaps: list = field(default_factory=list)
    instruments: list = field(default_factory=list)
    data_source: str = ""
    energy: Traced | None = None  # fuel combustion: the heat AD = FC × NCV in TJ (table E.2)
    gas_origin: dict | None = None  # methane: {gas, origin (fossil | non-fossil | None), why, key}
    cems: dict | None = None  # raw CEMS: {file, intervals, valid, invalid, missing, substitution, substituted}

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "clause": METHOD_CLAUSE.get(self.method, ""),
            "gwp_set": self.gwp_set,
            "total": self.total.as_dict(),
            "gases": {g: t.as_dict() for g, t in self.gases.items()},
            "gas_mass": dict(self.gas_mass),
            "activity": self.activity.as_dict() if self.activity else None,
            "parameters": [p.as_dict() for p in self.parameters],
            "gaps": list(self.gaps),
            "instruments": list(self.instruments),
            "data_source": self.data_source,
            "energy": self.energy.as_dict() if self.energy else None,
            "gas_origin": dict(self.gas_origin) if self.gas_origin else None,
            "cems": dict(self.cems) if self.cems else None,
        }


# ---------------------------------------------------------------------------- helpers
class _Env:
    def __init__(self, line, gwp_set, record, path, root, lookup, defaults, table_limits=None):
        self.table_limits = table_limits  # (bytes, rows, cell characters), csvfile.table_limits
        self.line = line
        self.gwp_set = gwp_set
        self.record = record
        self.path = tuple(path)
        self.root = Path(root) if root is not None else None
        self.lookup = lookup
        self.defaults = defaults or {}
        self.params: list[Param] = []
        self.gaps: list[dict] = []
        self.energy: Traced | None = None
        self.origin: dict | None = None  # methane origin used for the GWP (AR6), see methane_origin
        self.cems: dict | None = None  # raw CEMS file: counts and substituted intervals

    def at(self, *parts) -> tuple:
        return self.path + tuple(parts)

    def source(self, *parts) -> dict:
        p = self.at(*parts)
        if self.record is not None:
            return record_source(self.record, p)
        return {"path": format_path(p)}


def _fmt(x: float) -> str:
    return f"{x:.10g}"


def _unit(text, path: tuple):
    try:
        return units.parse_unit(text)
    except units.UnitError as exc:
        raise CalcError(exc.message, path, exc.hint) from None


def _q(value, unit_text, path: tuple):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CalcError(f"{value!r} is not a finite number", path[:-1] + ("value",) if path else path, "write a plain number, e.g. 1234.5")
    unit = _unit(unit_text, path)  # first: an unreadable unit needs no registry (units._UNDEFINED)
    return units.registry().Quantity(value, unit)


def _dim(q) -> str:
    return units.dimension_name(q.units)


def _is(q, unit_text: str) -> bool:
    return q.dimensionality == units.parse_unit(unit_text).dimensionality


def _mag(q, unit_text: str) -> float:
    return float(q.to(units.parse_unit(unit_text)).magnitude)


#: Methane GWP by origin (AR6 WG1 Table 7.15 gives fossil and non-fossil methane their own values).
#: A set whose table has the keys below uses them; other sets have one methane value.
CH4_ORIGIN_KEYS = {"fossil": "CH4-fossil", "non-fossil": "CH4-non-fossil"}
ORIGIN_READING = (
    "the origin of methane follows from the method and the fuel: fuel combustion and fugitive "
    "coal, oil and gas are fossil (the reading of issue 15; the GHG Protocol's AR6 table is reported "
    "second-hand to put combustion methane under non-fossil: setting emissions.ch4_combustion_origin)"
)


def methane_origin(line: dict, defaults: dict | None) -> tuple[str | None, str]:
    """(origin, why) of the methane of a line: "fossil", "non-fossil" or None when it cannot be told.

    Stated on the line (gas_origin) it is that. Otherwise: fuel combustion of a fuel of the library
    (all of them fossil: coal, oil products, natural and other fossil gas) takes the combustion
    reading (setting emissions.ch4_combustion_origin, by default fossil); a fugitive source of such
    a fuel (coal mine, oil and gas) is fossil. Anything else is unknown and asked for."""
    defaults = defaults or {}
    stated = line.get("gas_origin")
    if stated in CH4_ORIGIN_KEYS:
        return stated, "stated on the line (gas_origin)"
    fuel = line.get("fuel") or defaults.get("source_fuel")
    known = False
    if fuel:
        try:
            factors.fuel(str(fuel))
            known = True
        except KeyError:
            known = False
    category = defaults.get("source_category")
    if known and category == "fugitive":
        return "fossil", f"fugitive methane of {fuel}, a fossil fuel"
    if known and line.get("method") == "emission_factor" and category in (None, "fuel_combustion"):
        origin = defaults.get("ch4_combustion_origin") or "fossil"
        return origin, f"combustion of {fuel}, a fossil fuel (emissions.ch4_combustion_origin: {origin})"
    return None, ""


def _gwp(env: _Env, gas: str, path: tuple) -> Param:
    key, note = gas, f"GWP-100, {env.gwp_set}"
    if factors._canon(gas) == "CH4":
        origin, why = methane_origin(env.line, env.defaults)
        has_origin = all(_has_gwp(env.gwp_set, k) for k in CH4_ORIGIN_KEYS.values())
        if has_origin and origin:
            key = CH4_ORIGIN_KEYS[origin]
            note += f"; methane origin {origin}: {why}"
            env.origin = {"gas": gas, "origin": origin, "why": why, "key": key}
        elif has_origin:
            note += "; methane origin not stated and not inferable: the plain CH4 value is used; state gas_origin: fossil or non-fossil"
            env.origin = {"gas": gas, "origin": None, "why": "", "key": gas}
    elif factors._canon(gas) in ("CH4FOSSIL", "CH4NONFOSSIL") and not _has_gwp(env.gwp_set, gas):
        key = "CH4"
        note += f"; {env.gwp_set} gives one methane value: {gas} takes the CH4 value"
    try:
        f = factors.gwp(env.gwp_set, key)
    except KeyError as exc:
        raise CalcError(str(exc), path, "name a gas of the GWP table, or choose another gwp_set in cms.yaml") from None
    return Param(
        "gwp", f.quantity(), float(f.value), f.unit, library_source(f.key, f.source, f.second_hand), "default", "library", f.source, note, (), f.second_hand
    )


def _has_gwp(gwp_set: str, gas: str) -> bool:
    try:
        factors.gwp(gwp_set, gas)
        return True
    except KeyError:
        return False


# ---------------------------------------------------------------------------- parameters
def _library_factor(key: str):
    """A library Factor by the keys the schema allows: fuel:<fuel>:<param>, grid:<key>,
    heat:<key>, carbonate:<key>, carbonate:formula:<item>, default:<key> (power-sector defaults
    for parameters not measured, cms_build/data/factors/defaults_cn_power.yaml)."""
    kind, _, rest = key.partition(":")
    if kind == "fuel":
        fuel_key, _, pname = rest.rpartition(":")
        fd = factors.fuel(fuel_key)
        if pname not in ("ncv", "carbon_content", "oxidation"):
            raise factors.FactorKeyError(f"unknown fuel parameter {pname!r} in {key!r}: use ncv, carbon_content or oxidation")
        f = getattr(fd, pname)
        if f is None:
            method = getattr(fd, f"{pname}_method", "")
            raise factors.FactorKeyError(f"the library has no default {pname} for {fd.key}: the guideline requires it to be measured ({method})")
        return f
    if kind == "grid":
        return factors.grid(rest)
    if kind == "heat":
        if rest != "default":
            raise factors.FactorKeyError(f"unknown heat factor {rest!r}; known: default")
        return factors.heat_default()
    if kind == "carbonate":
        if rest.startswith("formula:"):
            item = rest.split(":", 1)[1]
            formula = factors.desulfurization_formula()
            entry = formula.get(item)
            if not isinstance(entry, dict) or item not in ("conversion_rate", "example_purity"):
                raise factors.FactorKeyError(f"unknown desulfurization figure {item!r}; known: conversion_rate, example_purity")
            return factors.Factor(
                float(entry["value"]), str(entry.get("unit", "1")), formula["source"], bool(formula.get("second_hand")), str(entry.get("note", "")), key
            )
        return factors.carbonate(rest)
    if kind == "default":
        f = factors.guideline_default(rest)
        return factors.Factor(
            f.value,
            f.unit,
            f.source,
            f.second_hand,
            "; ".join(x for x in ("缺省值 DEFAULT for a parameter not measured: allowed only where the monitoring plan says basis default", f.note) if x),
            f.key,
        )
    raise factors.FactorKeyError(f"unknown library key {key!r}: use fuel:<fuel>:<parameter>, grid:<key>, heat:default, carbonate:<key> or default:<key>")


def _from_factor(name: str, f, path: tuple, origin: str, note: str) -> Param:
    return Param(
        name,
        _q(f.value, f.unit, path),
        float(f.value),
        f.unit,
        library_source(f.key, f.source, f.second_hand),
        "default",
        origin,
        f.source,
        "; ".join(p for p in (note, f.note) if p),
        path,
        f.second_hand,
    )


def _param(env: _Env, name: str, spec, *, default_key: str | None = None, default_why: str = "", required: str = "", base: tuple | None = None) -> Param | None:
    """Resolve a parameter: the record's own value, its emission_factor record, its library
    key, or (when absent) a library default. None when absent and not required."""
    base = env.at(name) if base is None else base
    if spec is None:
        if default_key:
            try:
                f = _library_factor(default_key)
            except KeyError as exc:
                raise CalcError(f"{name} is not given and {exc}", base, f"add {name}: {{value: ..., unit: ..., source: ...}} with the measured value") from None
            p = _from_factor(name, f, base, "library_default", f"not given in the record: {default_why or 'default of the built-in library'} ({default_key})")
            env.params.append(p)
            return p
        if required:
            raise CalcError(
                f"{name} is missing: {required}",
                base[:-1] if len(base) > 1 else base,
                f"add {name}: {{value: ..., unit: ..., source: ...}} or {name}: {{library: <key>}}",
            )
        return None
    if not isinstance(spec, dict):
        raise CalcError(f"{name} must be a mapping with value and unit, library or record", base)
    if spec.get("library"):
        try:
            f = _library_factor(str(spec["library"]))
        except KeyError as exc:
            raise CalcError(str(exc), base + ("library",), "'cms factors' lists the library's keys") from None
        p = _from_factor(name, f, base + ("library",), "library", "the record names this library default")
        env.params.append(p)
        return p
    if spec.get("record"):
        rid = spec["record"]
        rec = env.lookup(rid) if env.lookup else None
        if rec is None:
            raise CalcError(f"{name} names the emission_factor record '{rid}', which cannot be read", base + ("record",), "create it, or correct the id")
        value, unit = rec.get("value"), rec.get("unit")
        try:
            q = _q(value, unit, ("value",))
        except CalcError as exc:
            raise CalcError(f"{name}: the emission_factor record '{rid}' has an unusable value or unit: {exc.message}", base + ("record",), exc.hint) from None
        basis = rec.get("basis") or ("measured" if rec.get("measurement") else "unspecified")
        citation = rec.get("source") or ""
        m = rec.get("measurement") or {}
        extra = ", ".join(str(x) for x in (m.get("test_standard"), m.get("lab"), m.get("report")) if x)
        p = Param(
            name,
            q,
            float(value),
            str(unit),
            record_source(rec, "value"),
            basis,
            "record",
            "; ".join(x for x in (citation, extra) if x),
            f"from {rec.kind} record {rec.id}",
            base + ("record",),
        )
        env.params.append(p)
        return p
    value, unit = spec.get("value"), spec.get("unit")
    sample_note = ""
    if value is None and spec.get("samples") is not None:
        value, sample_note = _samples_mean(spec.get("samples"), base + ("samples",))
    q = _q(value, unit, base + ("unit",))
    basis = spec.get("basis") or ("measured" if spec.get("test_standard") or spec.get("lab") or sample_note else "unspecified")
    extra = ", ".join(str(x) for x in (spec.get("test_standard"), spec.get("lab"), spec.get("report")) if x)
    citation = "; ".join(str(x) for x in (spec.get("source"), extra) if x)
    src = env.source(*base[len(env.path) :], "samples" if sample_note else "value")
    p = Param(name, q, float(value), str(unit), src, basis, "inline", citation, "; ".join(x for x in (sample_note, str(spec.get("note") or "")) if x), base)
    env.params.append(p)
    return p


def _samples_mean(samples, path: tuple) -> tuple[float, str]:
    """A parameter measured per batch or per sample: Σ value × weight / Σ weight, the weight being
    the fuel the sample stands for (the power guideline weights the carbon content and NCV of a
    month by the coal fired); the plain mean when no sample has a weight. The note lists them."""
    if not isinstance(samples, list) or not samples:
        raise CalcError("samples must list at least one sample", path, "add {value: ..., weight: ...}")
    vals, weights = [], []
    for i, smp in enumerate(samples):
        v = smp.get("value") if isinstance(smp, dict) else None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise CalcError(f"sample {i + 1} has no finite value", path + (i, "value"), "write a plain number")
        w = smp.get("weight")
        if w is not None and (isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0):
            raise CalcError(f"sample {i + 1} has a weight that is not a non-negative number", path + (i, "weight"))
        vals.append(float(v))
        weights.append(w)
    given = [w for w in weights if w is not None]
    if given and len(given) < len(weights):
        raise CalcError(
            f"{len(given)} of {len(weights)} samples have a weight: the weighted mean cannot be computed",
            path,
            "give every sample its weight (the fuel it represents), or none",
        )
    if given:
        total = sum(given)
        if total <= 0:
            raise CalcError("the samples' weights add up to zero", path, "weigh each sample by the fuel it represents")
        mean = sum(v * w for v, w in zip(vals, weights)) / total
        how = (
            f"weighted mean of {len(vals)} samples: ("
            + " + ".join(f"{_fmt(v)} × {_fmt(w)}" for v, w in zip(vals, weights))
            + f") / {_fmt(total)} = {_fmt(mean)}"
        )
    else:
        mean = sum(vals) / len(vals)
        how = f"mean of {len(vals)} samples: (" + " + ".join(_fmt(v) for v in vals) + f") / {len(vals)} = {_fmt(mean)}"
    return mean, how


def _dimensionless(p: Param) -> float:
    if not p.quantity.dimensionless:
        raise CalcError(
            f"{p.name} must be a fraction (%, or 1), not {p.unit} ({_dim(p.quantity)})",
            p.path + (("unit",) if p.origin == "inline" else ()),
            'write e.g. {value: 98.5, unit: "%"}',
        )
    v = float(p.quantity.to("dimensionless").magnitude)
    if not 0 <= v <= 1:  # an oxidation rate, a purity, a conversion rate: a share of a whole
        raise CalcError(
            f"{p.name} is {_fmt(p.value)} {p.unit}, outside 0–100 %",
            p.path + (("value",) if p.origin == "inline" else ()),
            "an oxidation rate, a purity or a conversion rate lies between 0 and 100 %",
        )
    return v


# ---------------------------------------------------------------------------- activity
def _activity(env: _Env, spec: dict, name: str, symbol: str, base: tuple) -> tuple[Traced, object]:
    """Activity data as a Traced (in its recorded unit) and a pint Quantity."""
    if not isinstance(spec, dict):
        raise CalcError(f"{name} is missing", base, "add it with quantity, values + unit, or file + unit")
    rel = base[len(env.path) :]
    if "quantity" in spec:
        qd = spec.get("quantity") or {}
        q = _q(qd.get("value"), qd.get("unit"), base + ("quantity", "unit"))
        t = Traced(float(qd["value"]), str(qd["unit"]), label=symbol, formula=f"{symbol} = recorded value")
        t.add(symbol, name, float(qd["value"]), str(qd["unit"]), env.source(*rel, "quantity", "value"))
        return t, q
    unit_text = spec.get("unit")
    unit = _unit(unit_text, base + ("unit",))
    rows: list[tuple] = []  # (period, value, status, source)
    if "values" in spec:
        for i, row in enumerate(spec.get("values") or []):
            v, status = row.get("value"), row.get("status", "measured")
            src = env.source(*rel, "values", i, "value")
            if v is None:
                raise CalcError(
                    f"the value of period {row.get('period')} is missing",
                    base + ("values", i, "value"),
                    "fill the gap (status: filled or estimated) and document gap_filling (A.9.1.1 b)",
                )
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise CalcError(f"{v!r} is not a finite number", base + ("values", i, "value"))
            rows.append((str(row.get("period")), float(v), status, src))
    else:
        total, inputs = _csv_rows(env, spec.get("file") or {}, base + ("file",), name, symbol, unit_text)
        if not inputs:
            raise CalcError(f"{name} has no values", base, "add at least one value")
        t = Traced(total, str(unit_text), label=symbol, formula=f"{symbol} = Σ {symbol}_i (periods)")
        t.inputs.extend(inputs)
        return t, units.registry().Quantity(total, unit)
    if not rows:
        raise CalcError(f"{name} has no values", base, "add at least one value")
    total = sum(v for _, v, _, _ in rows)
    t = Traced(total, str(unit_text), label=symbol, formula=f"{symbol} = Σ {symbol}_i (periods)")
    for period, v, status, src in rows:
        t.add(f"{symbol}[{period}]", name, v, str(unit_text), src, "" if status == "measured" else status)
        if status in GAP_STATUSES:
            env.gaps.append({"activity": format_path(base), "period": period, "status": status, "value": v, "source": src})
    return t, units.registry().Quantity(total, unit)


def _data_file(env: "_Env", rel_path, base: tuple, what: str) -> Path:
    """The file a line attaches (a CSV of readings), resolved inside the repository."""
    if env.record is not None and env.root is not None:
        path = env.record.resolve_file(env.root, rel_path)
    elif env.root is not None and isinstance(rel_path, str):
        path = (env.root / rel_path).resolve()
    else:
        path = Path(rel_path) if isinstance(rel_path, str) else None
    if path is None or not path.is_file():
        raise CalcError(f"the {what} '{rel_path}' cannot be read", base + ("path",), "add the CSV file next to the record, or correct the path")
    return path


def _csv_rows(env: _Env, fspec: dict, base: tuple, name: str, symbol: str, unit_text) -> tuple[float, list]:
    """(Σ, trace inputs) of an activity CSV, read in one streaming pass shared with the check
    emissions.activity-row-invalid (activity_rows.scan_csv): the measured rows are one input
    (their sum, counted, at the file), each row that is not a measured value its own input at
    its line (issue 19: a 1,000,000-row file keeps no object per row)."""
    rel_path = fspec.get("path")
    path = _data_file(env, rel_path, base, "data file")
    try:
        file_rel = path.relative_to(env.root.resolve()).as_posix() if env.root is not None else str(rel_path)
    except ValueError:
        file_rel = str(rel_path)
    col, pcol, scol = fspec.get("column"), fspec.get("period_column"), fspec.get("status_column")
    # streamed and bounded (limits.max_table_*): a 200 MB file is refused, not read into memory
    scan = activity_rows.scan_csv(env.record, env.root or path.parent, path, file_rel, col, pcol, scol, limits=env.table_limits)
    if scan.problem is not None:
        exc = scan.problem
        raise CalcError(f"the data file '{rel_path}': {exc.message}", base + ("path",), exc.hint, at=(exc.file, exc.line))
    header = scan.header
    for c, key in ((col, "column"), (pcol, "period_column"), (scol, "status_column")):
        if c is not None and c not in header:
            raise CalcError(f"the data file '{rel_path}' has no column '{c}'", base + (key,), f"its columns are: {', '.join(header) or '(none)'}")
    if scan.unusable is not None:
        kind, n, period, raw = scan.unusable
        if kind == "nan":
            raise CalcError(f"'{rel_path}' line {n}: {raw!r} in column '{col}' is not a number", base + ("column",))
        if kind == "gap":
            raise CalcError(
                f"'{rel_path}' line {n} ({period}): no value in column '{col}'",
                base + ("path",),
                "fill the gap (status filled or estimated) and document gap_filling (A.9.1.1 b)",
            )
        raise CalcError(f"'{rel_path}' line {n}: {raw!r} is not a finite number", base + ("column",))

    def src(**place) -> dict:
        s = {"file": file_rel, **place, "column": col}
        if env.record is not None:
            s.update({"record": env.record.id, "kind": env.record.kind, "path": format_path(base)})
        return s

    inputs = []
    count, msum, first, last = scan.measured
    if count:
        inputs.append(Input(f"{symbol}[{file_rel}]", name, msum, str(unit_text), src(rows=count), f"Σ of the {count} measured rows (lines {first} to {last})"))
    for n, period, v, status in scan.others:
        inputs.append(Input(f"{symbol}[{period}]", name, v, str(unit_text), src(line=n), status))
        if status in GAP_STATUSES:
            env.gaps.append({"activity": format_path(base[:-1]), "period": period, "status": status, "value": v, "source": src(line=n)})
    return scan.total, inputs


# ---------------------------------------------------------------------------- the gas result
def _gas_result(env: _Env, gas: str, mass_q, formula: str, method: str, inputs: list, steps: list, gas_path: tuple, label: str) -> tuple[str, Traced, float]:
    """mass_q: a pint mass of the gas (t) or, for CO2, a CO2 mass (tCO2). Returns E in tCO2e."""
    if _is(mass_q, U_CO2E):
        if gas.upper() != "CO2":
            raise CalcError(
                f"the result for {gas} comes out in CO2-equivalent: the factor already includes a GWP",
                gas_path,
                f"give the mass of {gas} per unit of activity (e.g. t/TJ); the program applies the GWP of the settings",
            )
        mass = _mag(mass_q, "tCO2")
    elif _is(mass_q, U_GAS):
        mass = _mag(mass_q, U_GAS)
    else:
        raise CalcError(
            f"the inputs give {_dim(mass_q)} ({mass_q.units:~}), not a mass of {gas}", gas_path, "check the units of the activity data and of the factor"
        )
    g = _gwp(env, gas, gas_path)
    value = mass * g.value
    t = Traced(value, U_CO2E, label=f"{label} {gas}".strip(), formula=formula, method=method)
    t.inputs.extend(inputs)
    plain = g.note == f"GWP-100, {env.gwp_set}"
    t.add("GWP", f"GWP-100 {g.source.get('library', gas).split(':')[-1]} ({env.gwp_set})", g.value, g.unit, g.source, "" if plain else g.note)
    if not plain:
        t.notes.append(g.note)  # the methane origin and why, on the trace
    t.steps.extend(steps)
    t.notes.append(f"m_{gas} = {_fmt(mass)} t; E = m × GWP = {_fmt(mass)} × {_fmt(g.value)} = {_fmt(value)} tCO2e")
    t.notes.append(f"GWP set: {env.gwp_set}")
    return gas, t, mass


def _product_check(q, want: str, what: str, path: tuple, hint: str):
    if not _is(q, want):
        raise CalcError(f"{what} gives {_dim(q)} ({q.units:~}), not {units.dimension_name(want)}", path, hint)
    return q


# ---------------------------------------------------------------------------- methods
def _carbon_kind(cc: Param, fc_q) -> str:
    """What a carbon content measures, decided by its unit alone (one pint registry):
    "per_heat" (单位热值含碳量, tC/TJ, tC/GJ) or "per_amount" (元素碳含量: %, tC/t, or carbon per
    unit of the fuel consumed, e.g. tC/10^4 Nm3). Anything else is refused in words."""
    q = cc.quantity
    if _is(q, "tC/TJ"):
        return "per_heat"
    if q.dimensionless and _is(fc_q, "t"):
        return "per_amount"  # a mass fraction of a fuel given as a mass: FC × C is a mass of carbon
    if _is(fc_q * q, U_CARBON):
        return "per_amount"
    unit_path = cc.path + (("unit",) if cc.origin == "inline" else ())
    raise CalcError(
        f"carbon content must be per mass, e.g. % or tC/t, or per heat, e.g. tC/TJ; "
        f"{cc.unit} measures {units.dimension_name(q.units)}"
        + ("" if _is(fc_q, "t") else f" (and per mass needs the fuel consumed as a mass, not {units.dimension_name(fc_q.units)})"),
        unit_path,
        "write the elemental carbon content as % or tC/t (企业温室气体排放核算与报告指南 发电设施: "
        "收到基元素碳含量), or the carbon per unit heat in tC/TJ or tC/GJ",
    )


def _fuel_co2(env: _Env, fc_t: Traced, fc_q, specs: dict, bases: dict, fd, tag: str = "") -> tuple:
    """CO2 of one fuel amount: (CO2 quantity, steps, inputs, formula, energy Traced or None).

    Per heat: AD = FC × NCV, EF = CC × OF × 44/12, E = AD × EF (F.2, F.1).
    Per amount (elemental carbon, the power guideline's method): E = FC × C × OF × 44/12; no NCV is
    needed, and an NCV given still yields the heat for table E.2."""
    sfx = f"[{tag}]" if tag else ""
    energy_q, energy_t = (fc_q, fc_t) if _is(fc_q, U_ENERGY) else (None, None)
    cc = _param(
        env,
        "carbon_content",
        specs.get("carbon_content"),
        base=bases["carbon_content"],
        default_key=f"fuel:{fd.key}:carbon_content" if fd and fd.carbon_content else None,
        default_why=f"default carbon content of {fd.key}" if fd else "",
        required="the fuel formula needs the carbon content: per mass (elemental carbon, % or tC/t) or per "
        "unit heat (tC/TJ)" + (f"; the guideline requires it to be measured for {fd.key} ({fd.carbon_content_method})" if fd and not fd.carbon_content else ""),
    )
    kind = "per_heat" if energy_q is not None and _is(cc.quantity, "tC/TJ") else _carbon_kind(cc, fc_q)
    ncv_spec = specs.get("ncv")
    if energy_q is None and (kind == "per_heat" or ncv_spec is not None):
        ncv = _param(
            env,
            "ncv",
            ncv_spec,
            base=bases["ncv"],
            default_key=f"fuel:{fd.key}:ncv" if fd and fd.ncv else None,
            default_why=f"default NCV of {fd.key}" if fd else "",
            required="the fuel formula with a carbon content per unit heat needs the net calorific value "
            "(AD = FC × NCV)" + (f"; the guideline requires it to be measured for {fd.key} ({fd.ncv_method})" if fd and not fd.ncv else ""),
        )
        if cc in env.params:  # keep the trace's order NCV, CC, OF (AD before EF)
            env.params.remove(cc)
            env.params.append(cc)
        raw = fc_q * ncv.quantity
        _product_check(
            raw,
            U_ENERGY,
            f"fuel consumed in {fc_t.unit} × NCV in {ncv.unit}",
            ncv.path + (("unit",) if ncv.origin == "inline" else ()),
            f"give the NCV per unit of the fuel consumed, e.g. GJ/t or kJ/kg for {fc_t.unit}"
            if _is(fc_q, "t")
            else f"give the NCV per {fc_t.unit}, e.g. kJ/Nm3 for gas in Nm3",
        )
        energy = _mag(raw, U_ENERGY)
        energy_t = Traced(energy, U_ENERGY, label="AD" + sfx, formula="AD = FC × NCV", method="F.2")
        energy_t.add("FC", "燃料消耗量 fuel consumed", fc_t.value, fc_t.unit, {"step": "FC"})
        energy_t.inputs.append(ncv.input())
        energy_t.steps.append(fc_t)
        energy_t.notes.append(f"{_fmt(fc_t.value)} {fc_t.unit} × {_fmt(ncv.value)} {ncv.unit} = {_fmt(energy)} TJ (units converted by cms_build.units)")
        energy_q = units.registry().Quantity(energy, units.parse_unit(U_ENERGY))
    of = _param(
        env,
        "oxidation",
        specs.get("oxidation"),
        base=bases["oxidation"],
        default_key=f"fuel:{fd.key}:oxidation" if fd else None,
        default_why=f"default oxidation rate of {fd.key}" if fd else "",
        required="the fuel formula needs the oxidation rate OF",
    )
    of_v = _dimensionless(of)
    if kind == "per_heat":
        cc_v = _mag(cc.quantity, "tC/TJ")
        ef_v = cc_v * of_v * units.C_TO_CO2
        ef_t = Traced(ef_v, "tCO2/TJ", label="EF" + sfx, formula="EF = CC × OF × 44/12", method="F.2")
        ef_t.inputs.extend([cc.input(), of.input()])
        ef_t.add("44/12", "二氧化碳与碳的分子量之比 CO2/C", units.C_TO_CO2, "tCO2/tC", _C_TO_CO2_SOURCE)
        ef_t.notes.append(f"{_fmt(cc_v)} tC/TJ × {_fmt(of_v)} × 44/12 = {_fmt(ef_v)} tCO2/TJ")
        e_q = energy_q * units.registry().Quantity(ef_v, units.parse_unit("tCO2/TJ"))
        inputs = [
            Input("AD", "活动水平（热量）activity data (heat)", energy_t.value, U_ENERGY, {"step": "AD" + sfx}),
            Input("EF", "排放因子 emission factor", ef_v, "tCO2/TJ", {"step": "EF" + sfx}),
        ]
        return e_q, [energy_t, ef_t], inputs, "E = AD × EF × GWP", energy_t
    c_q = fc_q * cc.quantity
    one_t = units.registry().Quantity(1, units.parse_unit("t"))
    share = float(cc.quantity.to("dimensionless").magnitude) if cc.quantity.dimensionless else _mag(cc.quantity * one_t, U_CARBON) if _is(fc_q, "t") else 0.0
    if not 0 <= share <= 1:
        raise CalcError(  # carbon per tonne of fuel: a mass fraction
            f"carbon content is {_fmt(cc.value)} {cc.unit}, more carbon than fuel (outside 0–100 % by mass)",
            cc.path + (("value",) if cc.origin == "inline" else ()),
            "an elemental carbon content per mass lies between 0 and 100 % (0 and 1 tC/t); a carbon content per unit heat is written in tC/TJ or tC/GJ",
        )
    carbon = _mag(c_q, U_GAS) if cc.quantity.dimensionless else _mag(c_q, U_CARBON)
    c_t = Traced(carbon, U_CARBON, label="C" + sfx, formula="C = FC × C_ar", method="F.2")
    c_t.add("FC", "燃料消耗量 fuel consumed", fc_t.value, fc_t.unit, {"step": "FC"})
    cc_in = cc.input("C_ar")
    cc_in.name = "元素碳含量 elemental carbon content"
    c_t.inputs.append(cc_in)
    c_t.steps.append(fc_t)
    c_t.notes.append(
        f"{_fmt(fc_t.value)} {fc_t.unit} × {_fmt(cc.value)} {cc.unit} = {_fmt(carbon)} tC"
        + (" (mass fraction: FC × C is the mass of carbon)" if cc.quantity.dimensionless else "")
    )
    co2 = carbon * of_v * units.C_TO_CO2
    e_q = units.registry().Quantity(co2, units.parse_unit("tCO2"))
    inputs = [
        Input("C", "燃料含碳量 carbon in the fuel", carbon, U_CARBON, {"step": "C" + sfx}),
        of.input(),
        Input("44/12", "二氧化碳与碳的分子量之比 CO2/C", units.C_TO_CO2, "tCO2/tC", _C_TO_CO2_SOURCE),
    ]
    steps = [c_t] + ([energy_t] if energy_t is not None else [])
    return e_q, steps, inputs, "E = FC × C_ar × OF × 44/12 × GWP", energy_t


_MONTH_PARAMS = ("ncv", "carbon_content", "oxidation")


def _monthly(env: _Env, fd) -> tuple:
    """Monthly accounting (the power guideline computes each month from that month's consumption,
    measured carbon content and NCV; the year is the sum of the months). A month without a
    parameter takes the line's (e.g. one oxidation rate for the year)."""
    months = env.line.get("months") or []
    if not isinstance(months, list) or not months:
        raise CalcError("months must list at least one month", env.at("months"), "add {period: 2025-01, consumption: ...}")
    total_q, fc_total_q, energy_total, unit0 = None, None, 0.0, None
    fc_total_t = Traced(0.0, "", label="FC", formula="FC = Σ FC_m (months)")
    month_steps, energy_steps, all_energy = [], [], True
    seen = set()
    for i, m in enumerate(months):
        base = env.at("months", i)
        if not isinstance(m, dict):
            raise CalcError("each month must be a mapping with period and consumption", base)
        period = str(m.get("period") or "")
        if not period:
            raise CalcError("the month has no period", base + ("period",), "write e.g. period: 2025-01")
        if period in seen:
            raise CalcError(f"the month {period} is listed twice", base + ("period",), "give each month once")
        seen.add(period)
        qd = m.get("consumption")
        if not isinstance(qd, dict):
            raise CalcError(f"month {period} has no consumption", base + ("consumption",), "add consumption: {value: ..., unit: t}")
        fc_q = _q(qd.get("value"), qd.get("unit"), base + ("consumption", "unit"))
        fc_t = Traced(float(qd["value"]), str(qd["unit"]), label=f"FC[{period}]", formula="FC = recorded value")
        fc_t.add(f"FC[{period}]", "燃料消耗量 fuel consumed", float(qd["value"]), str(qd["unit"]), env.source("months", i, "consumption", "value"))
        if unit0 is None:
            unit0 = fc_q.units
        elif fc_q.dimensionality != unit0.dimensionality:
            raise CalcError(
                f"month {period}: consumption in {qd['unit']} is not the same kind of amount as the first month's",
                base + ("consumption", "unit"),
                f"give every month in {unit0:~}",
            )
        specs = {n: (m.get(n) if m.get(n) is not None else env.line.get(n)) for n in _MONTH_PARAMS}
        bases = {n: (base + (n,) if m.get(n) is not None else env.at(n)) for n in _MONTH_PARAMS}
        e_q, steps, inputs, formula, energy_t = _fuel_co2(env, fc_t, fc_q, specs, bases, fd, tag=period)
        co2 = _mag(e_q, "tCO2")
        mt = Traced(co2, "tCO2", label=f"E[{period}]", formula=formula.replace(" × GWP", ""), method="F.2")
        mt.inputs.extend(inputs)
        mt.steps.extend(steps)
        mt.notes.append(f"month {period}: {_fmt(co2)} tCO2")
        month_steps.append(mt)
        fc_total_t.add(f"FC[{period}]", "燃料消耗量 fuel consumed", fc_t.value, fc_t.unit, {"step": f"FC[{period}]"})
        fc_total_q = fc_q if fc_total_q is None else fc_total_q + fc_q
        total_q = e_q if total_q is None else total_q + e_q
        if energy_t is None:
            all_energy = False
        else:
            energy_total += energy_t.value
            energy_steps.append(energy_t)
    fc_total_t.value = float(fc_total_q.to(unit0).magnitude)
    fc_total_t.unit = str(months[0]["consumption"]["unit"])
    year = Traced(_mag(total_q, "tCO2"), "tCO2", label="E (Σ months)", formula="E = Σ_m E_m", method="F.2")
    year.steps.extend(month_steps)
    year.notes.append(f"{len(month_steps)} months: " + " + ".join(_fmt(s.value) for s in month_steps) + f" = {_fmt(year.value)} tCO2")
    if all_energy:
        env.energy = Traced(energy_total, U_ENERGY, label="AD", formula="AD = Σ_m FC_m × NCV_m", method="F.2")
        env.energy.steps.extend(energy_steps)
    inputs = [Input("E_m", "各月排放量 monthly emissions", year.value, "tCO2", {"step": "E (Σ months)"})]
    return total_q, [year], inputs, fc_total_t


def _emission_factor(env: _Env) -> tuple[list, Traced]:
    line = env.line
    gas = str(line.get("gas") or "CO2")
    fuel_key = line.get("fuel")
    fd = None
    if fuel_key:
        try:
            fd = factors.fuel(fuel_key)
        except KeyError:
            fd = None  # a fuel the library does not know: every parameter must be given
    if line.get("months") is not None:
        if gas.upper() != "CO2" or line.get("ef") is not None:
            raise CalcError(
                "monthly accounting computes CO2 from each month's carbon content; it takes no ef",
                env.at("months"),
                "remove ef (or months), and give further gases under other_gases",
            )
        if line.get("activity") is not None:
            raise CalcError(
                "give the consumption either per month (months) or as activity, not both",
                env.at("activity"),
                "remove activity: the year is the sum of the months",
            )
        e_q, steps, inputs, fc_t = _monthly(env, fd)
        results = [_gas_result(env, "CO2", e_q, "E = Σ_m FC_m × C_m × OF × 44/12 (or Σ_m AD_m × EF_m) × GWP", "F.2", inputs, steps, env.at("gas"), "E")]
        ad_t, ad_q = fc_t, None
        for i, og in enumerate(line.get("other_gases") or []):
            raise CalcError(
                "other_gases with monthly accounting are not supported: give them on a line of their own",
                env.at("other_gases", i),
                "move the CH4/N2O line to its own activity_data record",
            )
        return results, ad_t
    ad_t, ad_q = _activity(env, line.get("activity"), "活动水平 activity data", "AD", env.at("activity"))
    results = []
    energy_q, energy_t = None, None
    if _is(ad_q, U_ENERGY):
        energy_q, energy_t = ad_q, ad_t
    if line.get("ef") is not None:
        ef = _param(env, "ef", line["ef"])
        e_q = ad_q * ef.quantity
        if not (_is(e_q, U_CO2E) or _is(e_q, U_GAS)):
            raise CalcError(
                f"activity data in {ad_t.unit} × EF in {ef.unit} gives {_dim(e_q)}, not an emission",
                ef.path + (("unit",) if ef.origin == "inline" else ()),
                f"the EF must be per {units.dimension_name(ad_q.units)} of activity, e.g. tCO2/{ad_t.unit}",
            )
        results.append(
            _gas_result(
                env,
                gas,
                e_q,
                "E = AD × EF × GWP",
                "F.2",
                [Input("AD", "活动水平 activity data", ad_t.value, ad_t.unit, {"step": "AD"}), ef.input()],
                [ad_t],
                env.at("gas"),
                "E",
            )
        )
    else:
        if gas.upper() != "CO2":
            raise CalcError(f"without an ef, the fuel formula gives CO2 only, but gas is {gas}", env.at("gas"), "give ef for this gas, or set gas: CO2")
        if energy_q is None:
            ad_t.label = "FC"
            ad_t.formula = ad_t.formula.replace("AD", "FC")
            for inp in ad_t.inputs:
                inp.symbol = inp.symbol.replace("AD", "FC", 1)
        specs = {n: line.get(n) for n in _MONTH_PARAMS}
        bases = {n: env.at(n) for n in _MONTH_PARAMS}
        e_q, steps, inputs, formula, e_t = _fuel_co2(env, ad_t, ad_q, specs, bases, fd)
        if e_t is not None:
            env.energy = e_t
            energy_q = units.registry().Quantity(e_t.value, units.parse_unit(U_ENERGY))
            energy_t = e_t
        results.append(_gas_result(env, "CO2", e_q, formula, "F.2", inputs, steps, env.at("gas"), "E"))
    for i, og in enumerate(line.get("other_gases") or []):
        g = str(og.get("gas"))
        ef = _param(env, "ef", og.get("ef"), base=env.at("other_gases", i, "ef"))
        use_t, use_q = ad_t, ad_q
        if energy_q is not None and _is(energy_q * ef.quantity, U_GAS):
            use_t, use_q = energy_t, energy_q
        e_q = use_q * ef.quantity
        if not _is(e_q, U_GAS):
            raise CalcError(
                f"activity data in {use_t.unit} × EF in {ef.unit} does not give a mass of {g}",
                ef.path + (("unit",) if ef.origin == "inline" else ()),
                f"give the EF of {g} as t per {use_t.unit} (e.g. t/TJ)",
            )
        results.append(
            _gas_result(
                env,
                g,
                e_q,
                "E = AD × EF × GWP",
                "F.2",
                [Input("AD", "活动水平 activity data", use_t.value, use_t.unit, {"step": "AD"}), ef.input()],
                [use_t],
                env.at("other_gases", i, "gas"),
                "E",
            )
        )
    return results, ad_t


def _flows(env: _Env, key: str) -> tuple[float, Traced]:
    flows = env.line.get(key) or []
    sym = "I" if key == "inputs" else "O"
    total_t = Traced(0.0, U_CARBON, label=f"Σ(M_{sym} × CC_{sym})", formula=f"Σ(M_{sym} × CC_{sym})", method="F.3")
    total = 0.0
    for i, flow in enumerate(flows):
        base = env.at(key, i)
        m_t, m_q = _activity(env, flow.get("amount"), f"{flow.get('name')} 物料量", f"M_{sym}", base + ("amount",))
        cc = _param(env, "carbon_content", flow.get("carbon_content"), base=base + ("carbon_content",), required="each material needs its carbon content")
        c_q = m_q * cc.quantity
        note = ""
        if _is(c_q, U_CARBON):
            c = _mag(c_q, U_CARBON)
        elif _is(c_q, U_GAS) and cc.quantity.dimensionless:
            c = _mag(c_q, U_GAS)
            note = "carbon content as a mass fraction: M × CC is the mass of carbon"
        else:
            raise CalcError(
                f"material in {m_t.unit} × carbon content in {cc.unit} gives {_dim(c_q)}, not a carbon mass",
                cc.path + (("unit",) if cc.origin == "inline" else ()),
                f"give the carbon content per {m_t.unit} (e.g. tC/t) or as a mass fraction (%)",
            )
        step = Traced(c, U_CARBON, label=f"C[{flow.get('name')}]", formula=f"C = M_{sym} × CC_{sym}", method="F.3")
        step.add(f"M_{sym}", str(flow.get("name")), m_t.value, m_t.unit, {"step": f"M_{sym}"})
        step.inputs.append(cc.input(f"CC_{sym}"))
        step.steps.append(m_t)
        step.notes.append(f"{_fmt(m_t.value)} {m_t.unit} × {_fmt(cc.value)} {cc.unit} = {_fmt(c)} tC" + (f" ({note})" if note else ""))
        total_t.steps.append(step)
        total += c
    total_t.value = total
    return total, total_t


def _mass_balance(env: _Env) -> tuple[list, None]:
    gas = str(env.line.get("gas") or "CO2")
    c_in, in_t = _flows(env, "inputs")
    c_out, out_t = _flows(env, "outputs")
    net = c_in - c_out
    if net < 0:
        raise CalcError(
            f"the outputs hold more carbon ({_fmt(c_out)} tC) than the inputs ({_fmt(c_in)} tC)",
            env.at("outputs"),
            "check the amounts and carbon contents, or account for stock changes",
        )
    omega = _param(env, "omega", env.line.get("omega"))
    if omega is None:
        if gas.upper() != "CO2":
            raise CalcError(
                f"omega is missing: for {gas} give the carbon-to-gas conversion factor", env.at("gas"), "add omega: {value: ..., unit: t/tC, source: ...}"
            )
        omega = Param(
            "omega",
            units.quantity(units.C_TO_CO2, "tCO2/tC"),
            units.C_TO_CO2,
            "tCO2/tC",
            _C_TO_CO2_SOURCE,
            "default",
            "library_default",
            _C_TO_CO2_SOURCE["citation"],
            "CO2: 44/12 (F.3)",
            env.at("omega"),
        )
        env.params.append(omega)
    m_q = units.registry().Quantity(net, units.parse_unit(U_CARBON)) * omega.quantity
    if not (_is(m_q, U_CO2E) or _is(m_q, U_GAS)):
        raise CalcError(
            f"carbon × ω in {omega.unit} gives {_dim(m_q)}, not a mass of {gas}",
            omega.path + (("unit",) if omega.origin == "inline" else ()),
            "give ω in tCO2/tC (or t/tC)",
        )
    net_t = Traced(net, U_CARBON, label="C_net", formula="C_net = Σ(M_I × CC_I) − Σ(M_O × CC_O)", method="F.3")
    net_t.add("Σ(M_I × CC_I)", "输入物料含碳量 carbon in", c_in, U_CARBON, {"step": "inputs"})
    net_t.add("Σ(M_O × CC_O)", "输出物料含碳量 carbon out", c_out, U_CARBON, {"step": "outputs"})
    net_t.steps.extend([in_t, out_t])
    res = _gas_result(
        env,
        gas,
        m_q,
        "E = [Σ(M_I × CC_I) − Σ(M_O × CC_O)] × ω × GWP",
        "F.3",
        [Input("C_net", "净碳量 net carbon", net, U_CARBON, {"step": "C_net"}), omega.input()],
        [net_t],
        env.at("gas"),
        "E",
    )
    return [res], None


def _measurement(env: _Env) -> tuple[list, Traced]:
    if env.line.get("cems") is not None:
        if env.line.get("measured") is not None:
            raise CalcError("give either measured (masses per period) or cems (raw CEMS data), not both", env.at("measured"), "keep one of them")
        return _cems(env)
    gas = str(env.line.get("gas") or "CO2")
    m_t, m_q = _activity(env, env.line.get("measured"), f"实测 {gas} measured", "m", env.at("measured"))
    res = _gas_result(
        env,
        gas,
        m_q,
        "E = Σ m_i × GWP",
        "F.4",
        [Input("m", f"实测 {gas} 质量 measured mass", m_t.value, m_t.unit, {"step": "m"})],
        [m_t],
        env.at("measured"),
        "E",
    )
    instruments = (env.line.get("measured") or {}).get("instrument") or []
    res[1].notes.append("monitoring equipment: " + (", ".join(instruments) if instruments else "not named"))
    if env.line.get("measurement_method"):
        res[1].notes.append(f"measurement method: {env.line['measurement_method']}")
    return [res], m_t


# ---------------------------------------------------------------------------- F.4 from raw CEMS data
#: Standard conditions of CEMS flue gas data: 273.15 K and 101.325 kPa, dry gas (HJ 75-2017 and
#: HJ 76-2017 conventions; clause numbers not checked against the original).
T_STD_K, P_STD_KPA = 273.15, 101.325
#: CO2 density at standard conditions used by the issue's hand check and common CEMS practice;
#: an organization gives its own (cems.density) with its source.
CO2_DENSITY_DEFAULT = {
    "value": 1.977,
    "unit": "kg/Nm3",
    "source": "CO2 density at 0 °C and 101.325 kPa, 1.977 kg/m3 (real gas; 44.0095/22.414 = 1.9635 "
    "for an ideal gas); program default, give cems.density with the source you follow",
}
CEMS_SUBSTITUTIONS = ("previous_valid", "mean_of_adjacent", "maximum_of_valid", "none")
CEMS_MAX_ROWS = 600_000  # > 60 years of hourly rows or a year at one-minute resolution: refuse beyond
CEMS_MAX_BYTES = 200 * 1024 * 1024
_VALID_FLAGS = {"1", "true", "yes", "valid", "ok", "有效", "正常"}  # anything else is invalid (and substituted)
_LISTED_SUBSTITUTIONS = 500  # hours listed one by one in the trace; the count is always complete


def _cems_time(text: str, line_no: int, rel: str, path: tuple):
    import datetime as _dt

    t = (text or "").strip()
    try:
        return _dt.datetime.fromisoformat(t)
    except ValueError:
        raise CalcError(f"'{rel}' line {line_no}: {t!r} is not a date and time", path, "write times as 2025-01-01 00:00 (ISO 8601)") from None


def _cems(env: _Env) -> tuple[list, Traced]:
    """CO2 from hourly (or finer) CEMS rows: m_h = Q_std,dry × C × ρ × Δt (C in %) or Q_std,dry × C × Δt
    (C in mg/m3), invalid and missing hours substituted by the named method, E = Σ m_h × GWP (F.4)."""
    import csv as _csv
    import datetime as _dt

    spec = env.line.get("cems")
    base = env.at("cems")
    if not isinstance(spec, dict):
        raise CalcError("cems must be a mapping", base)
    gas = str(env.line.get("gas") or "CO2")
    if gas.upper() != "CO2":
        raise CalcError(f"raw CEMS data are computed for CO2 only, not {gas}", env.at("gas"), "set gas: CO2")
    method = spec.get("substitution")
    if method not in CEMS_SUBSTITUTIONS:
        raise CalcError(
            f"substitution {method!r} is not a known method",
            base + ("substitution",),
            f"use one of: {', '.join(CEMS_SUBSTITUTIONS)} (the one your monitoring plan names)",
        )
    c_unit = spec.get("concentration_unit")
    if c_unit not in ("%", "mg/m3"):
        raise CalcError(
            f"concentration_unit {c_unit!r}: CO2 is read as % by volume or mg/m3", base + ("concentration_unit",), 'write concentration_unit: "%" or mg/m3'
        )
    f_unit, f_basis = spec.get("flow_unit"), spec.get("flow_basis")
    c_basis = spec.get("concentration_basis") or "dry"
    if f_unit not in ("Nm3/h", "m3/h"):
        raise CalcError(f"flow_unit {f_unit!r}: give Nm3/h (standard conditions) or m3/h (actual)", base + ("flow_unit",))
    if f_basis not in ("dry", "wet") or c_basis not in ("dry", "wet"):
        raise CalcError("flow_basis and concentration_basis are dry or wet", base + ("flow_basis",))
    dt_h = spec.get("interval_hours", 1)
    if isinstance(dt_h, bool) or not isinstance(dt_h, (int, float)) or not 0 < dt_h <= 24:
        raise CalcError(f"interval_hours {dt_h!r} must be a number of hours above 0 and at most 24", base + ("interval_hours",))
    cols = {
        "time": spec.get("time_column"),
        "c": spec.get("concentration_column"),
        "q": spec.get("flow_column"),
        "valid": spec.get("valid_column"),
        "h2o": spec.get("moisture_column"),
        "t": spec.get("temperature_column"),
        "p": spec.get("pressure_column"),
    }
    need_h2o = f_basis != c_basis
    need_tp = f_unit == "m3/h"
    for key, why in (
        ("h2o", need_h2o and f"the flow is {f_basis} and the concentration {c_basis}: the moisture is needed"),
        ("t", need_tp and "the flow is at actual conditions: the temperature is needed"),
        ("p", need_tp and "the flow is at actual conditions: the pressure is needed"),
    ):
        if why and not cols[key]:
            name = {"h2o": "moisture_column", "t": "temperature_column", "p": "pressure_column"}[key]
            raise CalcError(why, base, f"add {name}: <column> (HJ 75-2017 / HJ 76-2017 convert to standard dry gas)")
    density = None
    if c_unit == "%":
        dspec = spec.get("density") or CO2_DENSITY_DEFAULT
        density = _param(env, "density", dspec, base=base + ("density",))
        if spec.get("density") is None:
            density.origin, density.basis = "library_default", "default"
            density.source = library_source("constant:co2_density_std", CO2_DENSITY_DEFAULT["source"])
        if not _is(density.quantity, "kg/Nm3"):
            raise CalcError(
                f"the CO2 density must be a mass per normal volume, e.g. kg/Nm3, not {density.unit}",
                base + ("density",),
                "write density: {value: 1.977, unit: kg/Nm3, source: ...}",
            )
        rho_t_per_nm3 = _mag(density.quantity, "t/Nm3")
    # the file
    rel_path = spec.get("path")
    path = _data_file(env, rel_path, base, "CEMS file")
    if path.stat().st_size > CEMS_MAX_BYTES:
        raise CalcError(
            f"the CEMS file '{rel_path}' is larger than {CEMS_MAX_BYTES // (1024 * 1024)} MiB", base + ("path",), "split it into one file per stack and year"
        )
    try:
        file_rel = path.relative_to(env.root.resolve()).as_posix() if env.root is not None else str(rel_path)
    except ValueError:
        file_rel = str(rel_path)
    rows = []  # (line, time, mass t or None, reason)
    try:
        fh = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CalcError(f"the CEMS file '{rel_path}' cannot be opened: {exc.strerror}", base + ("path",)) from None
    with fh:
        reader = _csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise CalcError(f"the CEMS file '{rel_path}' is empty", base + ("path",), "export the hourly data with a header row") from None
        except (UnicodeDecodeError, _csv.Error) as exc:
            raise CalcError(f"the CEMS file '{rel_path}' cannot be read as UTF-8 CSV: {exc}", base + ("path",)) from None
        idx = {}
        for key, col in cols.items():
            if col is None:
                continue
            if col not in header:
                field_name = {
                    "time": "time_column",
                    "c": "concentration_column",
                    "q": "flow_column",
                    "valid": "valid_column",
                    "h2o": "moisture_column",
                    "t": "temperature_column",
                    "p": "pressure_column",
                }[key]
                raise CalcError(f"the CEMS file '{rel_path}' has no column '{col}'", base + (field_name,), f"its columns are: {', '.join(header) or '(none)'}")
            idx[key] = header.index(col)
        prev_time = None
        step = _dt.timedelta(hours=dt_h)
        try:
            for n, row in enumerate(reader, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                if len(rows) >= CEMS_MAX_ROWS:
                    raise CalcError(
                        f"the CEMS file '{rel_path}' has more than {CEMS_MAX_ROWS} rows", base + ("path",), "split it into one file per stack and year"
                    )
                cell = lambda k: row[idx[k]] if k in idx and idx[k] < len(row) else ""  # noqa: E731
                t = _cems_time(cell("time"), n, file_rel, base + ("time_column",))
                if prev_time is not None:
                    if t <= prev_time:
                        raise CalcError(
                            f"'{file_rel}' line {n}: {t:%Y-%m-%d %H:%M} is not after the row before ({prev_time:%Y-%m-%d %H:%M})",
                            base + ("time_column",),
                            "sort the rows by time and remove duplicates",
                        )
                    gap = t - prev_time
                    missing = int(round(gap / step)) - 1
                    if abs(gap - step * (missing + 1)) > _dt.timedelta(seconds=1):
                        raise CalcError(
                            f"'{file_rel}' line {n}: {t:%Y-%m-%d %H:%M} is not on the {dt_h} h grid of the rows before",
                            base + ("interval_hours",),
                            "give one row per interval (interval_hours)",
                        )
                    for k in range(1, missing + 1):
                        rows.append((None, prev_time + step * k, None, "missing"))
                prev_time = t
                if "valid" in idx and cell("valid").strip().lower() not in _VALID_FLAGS:
                    rows.append((n, t, None, f"flagged {cell('valid').strip() or 'empty'}"))
                    continue
                try:
                    vals = {k: csvfile.parse_number(cell(k)) for k in ("c", "q", "h2o", "t", "p") if k in idx}
                except ValueError:
                    rows.append((n, t, None, "not a number"))
                    continue
                needed = ["c", "q"] + (["h2o"] if need_h2o else []) + (["t", "p"] if need_tp else [])
                if any(vals.get(k) is None or not math.isfinite(vals[k]) for k in needed):
                    rows.append((n, t, None, "empty"))
                    continue
                c, q = vals["c"], vals["q"]
                if c < 0 or q < 0:
                    rows.append((n, t, None, "negative"))
                    continue
                q_std = q
                if need_tp:
                    if vals["t"] <= -T_STD_K or vals["p"] <= 0:
                        rows.append((n, t, None, "impossible temperature or pressure"))
                        continue
                    q_std = q * T_STD_K / (T_STD_K + vals["t"]) * vals["p"] / P_STD_KPA
                if need_h2o:
                    x = vals["h2o"] / 100.0
                    if not 0 <= x < 1:
                        rows.append((n, t, None, "moisture outside 0-100 %"))
                        continue
                    q_std = q_std * (1 - x) if f_basis == "wet" else q_std / (1 - x)
                if c_unit == "%":
                    m = q_std * c / 100.0 * rho_t_per_nm3 * dt_h
                else:
                    m = q_std * c * 1e-9 * dt_h
                rows.append((n, t, m, ""))
        except (UnicodeDecodeError, _csv.Error) as exc:
            raise CalcError(f"the CEMS file '{rel_path}' cannot be read as UTF-8 CSV: {exc}", base + ("path",)) from None
    if not rows:
        raise CalcError(f"the CEMS file '{rel_path}' has no data rows", base + ("path",))
    valid = [r[2] for r in rows if r[2] is not None]
    bad = [i for i, r in enumerate(rows) if r[2] is None]
    if bad and method == "none":
        first = ", ".join(f"{rows[i][1]:%Y-%m-%d %H:%M} ({rows[i][3]})" for i in bad[:5])
        raise CalcError(
            f"'{file_rel}' has {len(bad)} invalid or missing intervals and substitution is none: {first}",
            base + ("substitution",),
            "name the substitution method of your monitoring plan",
        )
    if bad and not valid:
        raise CalcError(f"'{file_rel}' has no valid interval to substitute from", base + ("path",))
    subs = []
    masses = [r[2] for r in rows]
    if bad:
        vmax = max(valid)
        prev_valid = [None] * len(rows)
        last = None
        for i, r in enumerate(rows):
            prev_valid[i] = last
            if r[2] is not None:
                last = r[2]
        next_valid = [None] * len(rows)
        last = None
        for i in range(len(rows) - 1, -1, -1):
            next_valid[i] = last
            if rows[i][2] is not None:
                last = rows[i][2]
        for i in bad:
            before, after = prev_valid[i], next_valid[i]
            if method == "previous_valid":
                v = before if before is not None else after
            elif method == "mean_of_adjacent":
                both = [x for x in (before, after) if x is not None]
                v = sum(both) / len(both)
            else:
                v = vmax
            masses[i] = v
            subs.append((rows[i][1], rows[i][3], v))
    total = sum(masses)
    n_missing = sum(1 for r in rows if r[3] == "missing")
    t = Traced(
        total,
        U_GAS,
        label="m",
        formula="m = Σ_h Q_h × C_h × ρ × Δt (Q at 273.15 K, 101.325 kPa, dry)"
        if c_unit == "%"
        else "m = Σ_h Q_h × C_h × Δt (Q at 273.15 K, 101.325 kPa, dry; C in mg/m3)",
        method="F.4",
    )
    src = {"file": file_rel, "column": cols["c"], "rows": len(rows) - n_missing}
    if env.record is not None:
        src.update({"record": env.record.id, "kind": env.record.kind, "path": format_path(base + ("path",))})
    t.add("m_h", "逐时 CO2 排放量 hourly CO2", len(valid), "valid intervals", src)
    t.notes.append(
        f"{file_rel}: {len(rows)} intervals of {_fmt(dt_h)} h from {rows[0][1]:%Y-%m-%d %H:%M} to "
        f"{rows[-1][1]:%Y-%m-%d %H:%M}: {len(valid)} valid, {len(bad) - n_missing} invalid, {n_missing} missing; "
        f"{len(subs)} substituted ({method})"
    )
    t.notes.append(
        f"flow {f_unit} {f_basis}, concentration {c_unit} {c_basis}"
        + (f", ρ = {_fmt(density.value)} {density.unit}" if density is not None else "")
        + ("; flow brought to standard conditions with each hour's temperature and pressure" if need_tp else "")
        + ("; wet/dry corrected with each hour's moisture" if need_h2o else "")
    )
    if subs:
        listed = "; ".join(f"{tm:%Y-%m-%d %H:%M} {why} -> {_fmt(v)} t" for tm, why, v in subs[:_LISTED_SUBSTITUTIONS])
        more = f"; and {len(subs) - _LISTED_SUBSTITUTIONS} more" if len(subs) > _LISTED_SUBSTITUTIONS else ""
        t.notes.append(
            f"substituted ({method}; HJ 75-2017 / HJ 76-2017 conventions or the monitoring plan, clause not checked against the original): {listed}{more}"
        )
    t.notes.append(f"Σ m_h = {_fmt(total)} t CO2")
    env.cems = {
        "file": file_rel,
        "intervals": len(rows),
        "valid": len(valid),
        "invalid": len(bad) - n_missing,
        "missing": n_missing,
        "substitution": method,
        "substituted": [{"time": f"{tm:%Y-%m-%d %H:%M}", "reason": why, "value_t": v} for tm, why, v in subs],
    }
    q_total = units.registry().Quantity(total, units.parse_unit("tCO2"))
    res = _gas_result(
        env, "CO2", q_total, "E = Σ_h m_h × GWP", "F.4", [Input("m", "实测 CO2 质量 measured CO2", total, "t", {"step": "m"})], [t], env.at("cems"), "E"
    )
    instruments = spec.get("instrument") or []
    res[1].notes.append("monitoring equipment: " + (", ".join(instruments) if instruments else "not named"))
    if env.line.get("measurement_method"):
        res[1].notes.append(f"measurement method: {env.line['measurement_method']}")
    return [res], t


def _desulfurization(env: _Env) -> tuple[list, Traced]:
    line = env.line
    gas = str(line.get("gas") or "CO2")
    if gas.upper() != "CO2":
        raise CalcError(f"desulfurization gives CO2, not {gas}", env.at("gas"), "set gas: CO2")
    b_t, b_q = _activity(env, line.get("activity"), "脱硫剂消耗量 sorbent consumed", "B", env.at("activity"))
    if not _is(b_q, "t"):
        raise CalcError(f"the sorbent consumed must be a mass, not {b_t.unit} ({_dim(b_q)})", env.at("activity"), "give it in t")
    purity = _param(env, "purity", line.get("purity"), required="the share of carbonate in the sorbent I (the guideline's 90 % is an example, not a default)")
    material = line.get("material")
    ef = _param(
        env,
        "ef",
        line.get("ef"),
        default_key=f"carbonate:{material}" if material else None,
        default_why=f"emission factor of {material}",
        required="the carbonate's emission factor (or name the carbonate in material, e.g. CaCO3)",
    )
    tr = _param(
        env,
        "conversion_rate",
        line.get("conversion_rate"),
        default_key="carbonate:formula:conversion_rate",
        default_why="the guideline takes a conversion rate of 100 %",
    )
    i_v, tr_v = _dimensionless(purity), _dimensionless(tr)
    e_q = b_q * ef.quantity * i_v * tr_v
    if not _is(e_q, U_CO2E):
        raise CalcError(
            f"sorbent in {b_t.unit} × EF in {ef.unit} does not give tCO2",
            ef.path + (("unit",) if ef.origin == "inline" else ()),
            "give the carbonate's EF in tCO2/t",
        )
    res = _gas_result(
        env,
        "CO2",
        e_q,
        "E = B × I × EF × TR",
        "F.2",
        [Input("B", "脱硫剂消耗量 sorbent consumed", b_t.value, b_t.unit, {"step": "B"}), purity.input("I"), ef.input("EF"), tr.input("TR")],
        [b_t],
        env.at("gas"),
        "E",
    )
    res[1].notes.insert(0, f"{_fmt(b_t.value)} {b_t.unit} × {_fmt(i_v)} × {_fmt(ef.value)} {ef.unit} × {_fmt(tr_v)}")
    return [res], b_t


def _purchased(env: _Env, what: str) -> tuple[list, Traced]:
    line = env.line
    gas = str(line.get("gas") or "CO2")
    if gas.upper() != "CO2":
        raise CalcError(f"purchased {what} is accounted as CO2, not {gas}", env.at("gas"), "set gas: CO2")
    sym = "AD"
    in_t, in_q = _activity(env, line.get("activity"), f"购入{'电力' if what == 'electricity' else '热力'} purchased", "AD_in", env.at("activity"))
    if not _is(in_q, "MWh"):
        raise CalcError(
            f"purchased {what} must be an energy (MWh, kWh, GJ), not {in_t.unit} ({_dim(in_q)})",
            env.at("activity"),
            "give it in MWh or kWh" if what == "electricity" else "give it in GJ",
        )
    target = "MWh" if what == "electricity" else "GJ"
    net = _mag(in_q, target)
    net_t = Traced(net, target, label=sym, formula=f"{sym} = AD_in", method="F.2")
    net_t.add("AD_in", "购入量 purchased", in_t.value, in_t.unit, {"step": "AD_in"})
    net_t.steps.append(in_t)
    if line.get("exported") is not None:
        out_t, out_q = _activity(env, line["exported"], "输出量 exported", "AD_out", env.at("exported"))
        if not _is(out_q, "MWh"):
            raise CalcError(f"exported {what} must be an energy, not {out_t.unit}", env.at("exported"), f"give it in {target}")
        net -= _mag(out_q, target)
        net_t.value = net
        net_t.formula = f"{sym} = AD_in − AD_out"
        net_t.add("AD_out", "输出量 exported", out_t.value, out_t.unit, {"step": "AD_out"})
        net_t.steps.append(out_t)
    if what == "electricity":
        key = env.defaults.get("grid")
        ef = _param(
            env,
            "ef",
            line.get("ef"),
            default_key=f"grid:{key}" if key else None,
            default_why="the grid emission factor named in the settings (emissions.grid_factor)",
            required="the grid emission factor (or set emissions.grid_factor in cms.yaml)",
        )
    else:
        key = env.defaults.get("heat") or "default"
        ef = _param(env, "ef", line.get("ef"), default_key=f"heat:{key}", default_why="the default heat factor")
    e_q = units.registry().Quantity(net, units.parse_unit(target)) * ef.quantity
    if not _is(e_q, U_CO2E):
        raise CalcError(
            f"{what} in {target} × EF in {ef.unit} does not give tCO2", ef.path + (("unit",) if ef.origin == "inline" else ()), f"give the EF in tCO2/{target}"
        )
    res = _gas_result(
        env,
        "CO2",
        e_q,
        "E = AD × EF",
        "F.2",
        [Input(sym, f"净购入{'电力' if what == 'electricity' else '热力'} net purchased", net, target, {"step": sym}), ef.input()],
        [net_t],
        env.at("gas"),
        "E",
    )
    if net < 0:
        res[1].notes.append(f"net export of {what}: the net-purchase formula gives a negative amount")
    return [res], net_t


#: Where the cement process formula comes from, and how far it was checked.
CLINKER_CITATION = (
    "水泥生产过程排放（原料碳酸盐分解、生料中非燃料碳煅烧）：GB/T 32151.8-2015《温室气体排放核算与报告要求 "
    "第8部分：水泥生产企业》、国家发展改革委《中国水泥生产企业温室气体排放核算方法与报告指南（试行）》（2013）；"
    "不是生态环境部《企业温室气体排放核算与报告指南 水泥行业》（CETS—AG—02.01—V01—2024，2024-09-13 印发）的方法。"
    "Not the method of the MEE's 2024 cement guideline (CETS-AG-02.01-V01-2024), which governs the "
    "national ETS: a second-hand source (a third-party calculator, no clause cited) gives it as clinker "
    "output x a default process emission factor of clinker, less each non-carbonate substitute raw "
    "material x a deduction factor; that method and its defaults are not implemented, because neither "
    "could be read in the original. Read second-hand: the 2024 guideline's existence and number from the "
    "MEE notice as reprinted; that "
    "GB/T 32151.8 computes the carbonate decomposition from the clinker output and its CaO and MgO "
    "contents from a summary of the standard. The formula's exact form, its clause and formula number, "
    "and any default (e.g. of the non-carbonate oxides or of the raw meal's non-fuel carbon) were NOT "
    "checked against the original text: no content has a default here, each is a required input "
    "with its source."
)

#: Molecular-mass ratios of the calcination: CaCO3 -> CaO + CO2 gives 44/56 tCO2 per t CaO,
#: MgCO3 -> MgO + CO2 gives 44/40 tCO2 per t MgO (the rounded ratios the Chinese cement formula
#: is reported to use; CO2 44.01, CaO 56.08, MgO 40.30 g/mol would give 0.7848 and 1.0920).
CAO_TO_CO2 = 44 / 56
MGO_TO_CO2 = 44 / 40
_OXIDE_SOURCE = {
    "CaO": {"library": "constant:44/56", "second_hand": True, "citation": "CaCO3 → CaO + CO2: 44/56 tCO2/t CaO (molecular masses; " + "see CLINKER_CITATION)"},
    "MgO": {"library": "constant:44/40", "second_hand": True, "citation": "MgCO3 → MgO + CO2: 44/40 tCO2/t MgO (molecular masses; see CLINKER_CITATION)"},
}


def _content(env: _Env, name: str, what: str) -> tuple[Param, float]:
    """A mass content of the clinker or raw meal (a fraction between 0 and 1), required:
    the guideline's defaults could not be read from the original (CLINKER_CITATION)."""
    p = _param(
        env,
        name,
        env.line.get(name),
        required=f"{what} (a measured mass fraction with its source; no default is built in: the guideline's could not be checked against the original)",
    )
    unit_path = p.path + (("unit",) if p.origin == "inline" else ())
    if not p.quantity.dimensionless:
        raise CalcError(
            f"{what} must be a mass fraction, e.g. % or t/t (tonnes per tonne), not {p.unit}, which measures {units.dimension_name(p.quantity.units)}",
            unit_path,
            f'write it as a percentage, e.g. {name}: {{value: 65.0, unit: "%"}}',
        )
    v = float(p.quantity.to("dimensionless").magnitude)
    if not 0 <= v <= 1:
        raise CalcError(
            f"{what} is {_fmt(p.value)} {p.unit}, outside 0–100 %",
            unit_path[:-1] + ("value",) if p.origin == "inline" else unit_path,
            "a mass fraction lies between 0 and 100 %",
        )
    return p, v


_PART_NAMES = {
    "Q_cli": "熟料产量 clinker produced",
    "Q_ckd": "窑头粉尘 kiln-head dust",
    "Q_bpd": "旁路放风粉尘 bypass dust",
    "Q_rm": "生料消耗量 raw meal consumed",
}


def _mass(env: _Env, key: str, name: str, symbol: str) -> tuple[Traced, float] | None:
    spec = env.line.get(key)
    if spec is None:
        return None
    t, q = _activity(env, spec, name, symbol, env.at(key))
    if not _is(q, "t"):
        raise CalcError(f"{name} must be a mass, e.g. t, not {t.unit} ({_dim(q)})", env.at(key), "give it in t")
    m = _mag(q, "t")
    if m < 0:
        raise CalcError(f"{name} is negative ({_fmt(t.value)} {t.unit})", env.at(key), "a mass produced cannot be negative")
    return t, m


def _clinker_calcination(env: _Env) -> tuple[list, Traced]:
    """Cement process emissions (CLINKER_CITATION): the carbonates of the raw meal decomposed,
    counted from the clinker (and the kiln-head and bypass dust leaving the kiln system) by the
    CaO and MgO they contain less the part not from carbonates; plus the raw meal's non-fuel
    carbon burnt, where the line gives the raw meal."""
    line = env.line
    gas = str(line.get("gas") or "CO2")
    if gas.upper() != "CO2":
        raise CalcError(f"clinker calcination gives CO2, not {gas}", env.at("gas"), "set gas: CO2")
    cli = _mass(env, "activity", "熟料产量 clinker produced", "Q_cli")
    if cli is None:
        raise CalcError("the clinker produced is missing", env.at("activity"), "add activity: {quantity: {value: ..., unit: t}, data_source: ...}")
    parts = [cli] + [
        x for x in (_mass(env, "kiln_dust", "窑头粉尘 kiln-head dust", "Q_ckd"), _mass(env, "bypass_dust", "旁路放风粉尘 bypass dust", "Q_bpd")) if x
    ]
    q_total = sum(m for _, m in parts)
    q_t = Traced(q_total, "t", label="Q", formula="Q = " + " + ".join(t.label for t, _ in parts), method="F.2")
    for t, m in parts:
        q_t.add(t.label, _PART_NAMES[t.label], m, "t", {"step": t.label})
        q_t.steps.append(t)
    fr1, cao = _content(env, "cao", "the CaO content of the clinker FR1")
    fr1_0, cao0 = _content(env, "cao_non_carbonate", "the CaO of the clinker not from carbonates FR1_0")
    fr2, mgo = _content(env, "mgo", "the MgO content of the clinker FR2")
    fr2_0, mgo0 = _content(env, "mgo_non_carbonate", "the MgO of the clinker not from carbonates FR2_0")
    for total, part, p_part, oxide in ((cao, cao0, fr1_0, "CaO"), (mgo, mgo0, fr2_0, "MgO")):
        if part > total:
            raise CalcError(
                f"the {oxide} not from carbonates ({_fmt(part * 100)} %) exceeds the clinker's {oxide} "
                f"({_fmt(total * 100)} %): the {oxide} from carbonates would be negative",
                p_part.path,
                f"check both analyses: the non-carbonate {oxide} is a part of the total",
            )
    ef = (cao - cao0) * CAO_TO_CO2 + (mgo - mgo0) * MGO_TO_CO2
    e_q = units.registry().Quantity(q_total * ef, units.parse_unit("t"))
    res = _gas_result(
        env,
        "CO2",
        e_q,
        "E_cal = Q × [(FR1 − FR1_0) × 44/56 + (FR2 − FR2_0) × 44/40]",
        "F.2",
        [
            Input("Q", "熟料及窑头、旁路粉尘 clinker and kiln dust", q_total, "t", {"step": "Q"}),
            fr1.input(),
            fr1_0.input(),
            fr2.input(),
            fr2_0.input(),
            Input("44/56", "CO2/CaO 分子量之比 molecular mass ratio", CAO_TO_CO2, "tCO2/t", _OXIDE_SOURCE["CaO"]),
            Input("44/40", "CO2/MgO 分子量之比 molecular mass ratio", MGO_TO_CO2, "tCO2/t", _OXIDE_SOURCE["MgO"]),
        ],
        [q_t],
        env.at("gas"),
        "E_cal",
    )
    res[1].notes.insert(
        0, f"{_fmt(q_total)} t × [({_fmt(cao)} − {_fmt(cao0)}) × 44/56 + ({_fmt(mgo)} − {_fmt(mgo0)}) × 44/40] = {_fmt(q_total)} × {_fmt(ef)} tCO2/t"
    )
    res[1].notes.append(CLINKER_CITATION)
    out = [res]
    rm = _mass(env, "raw_meal", "生料消耗量 raw meal consumed", "Q_rm")
    if rm is None and line.get("raw_meal_carbon") is not None:
        raise CalcError(
            "raw_meal_carbon is given without the raw meal consumed",
            env.at("raw_meal_carbon"),
            "add raw_meal: {quantity: {value: ..., unit: t}}, or remove raw_meal_carbon",
        )
    if rm is not None:
        rm_t, rm_m = rm
        fr0, c0 = _content(env, "raw_meal_carbon", "the non-fuel carbon content of the raw meal FR_0")
        e2 = units.registry().Quantity(rm_m * c0 * units.C_TO_CO2, units.parse_unit("t"))
        r2 = _gas_result(
            env,
            "CO2",
            e2,
            "E_oc = Q_rm × FR_0 × 44/12",
            "F.2",
            [
                Input("Q_rm", "生料消耗量 raw meal consumed", rm_m, "t", {"step": "Q_rm"}),
                fr0.input(),
                Input("44/12", "CO2/C 分子量之比 molecular mass ratio", units.C_TO_CO2, "tCO2/tC", _C_TO_CO2_SOURCE),
            ],
            [rm_t],
            env.at("gas"),
            "E_oc",
        )
        r2[1].notes.insert(0, f"{_fmt(rm_m)} t × {_fmt(c0)} × 44/12")
        out.append(r2)
    return out, cli[0]


_METHOD_FN = {
    "emission_factor": _emission_factor,
    "mass_balance": _mass_balance,
    "measurement": _measurement,
    "desulfurization": _desulfurization,
    "purchased_electricity": lambda env: _purchased(env, "electricity"),
    "purchased_heat": lambda env: _purchased(env, "heat"),
    "clinker_calcination": _clinker_calcination,
}


PARAMETER_FIELDS = (
    "ncv",
    "carbon_content",
    "oxidation",
    "ef",
    "purity",
    "conversion_rate",
    "omega",
    "cao",
    "mgo",
    "cao_non_carbonate",
    "mgo_non_carbonate",
    "raw_meal_carbon",
)


def line_parameters(line, base: tuple = ("line",)):
    """(path, spec) of every factor or parameter written in a line, nested ones included
    (other_gases[i].ef, inputs[i].carbon_content, outputs[i].carbon_content, months[i].<param>,
    cems.density); for rules that
    look at how factors are documented (e.g. emissions.factor-without-source)."""
    if not isinstance(line, dict):
        return
    for name in PARAMETER_FIELDS:
        if isinstance(line.get(name), dict):
            yield base + (name,), line[name]
    for i, og in enumerate(line.get("other_gases") or []):
        if isinstance(og, dict) and isinstance(og.get("ef"), dict):
            yield base + ("other_gases", i, "ef"), og["ef"]
    for key in ("inputs", "outputs"):
        for i, flow in enumerate(line.get(key) or []):
            if isinstance(flow, dict) and isinstance(flow.get("carbon_content"), dict):
                yield base + (key, i, "carbon_content"), flow["carbon_content"]
    for i, m in enumerate(line.get("months") or []):
        for name in _MONTH_PARAMS:
            if isinstance(m, dict) and isinstance(m.get(name), dict):
                yield base + ("months", i, name), m[name]
    cems = line.get("cems")
    if isinstance(cems, dict) and isinstance(cems.get("density"), dict):
        yield base + ("cems", "density"), cems["density"]


def compute_line(
    line: dict, *, gwp_set: str, record=None, path: tuple = (), root=None, lookup=None, defaults: dict | None = None, label: str = "", table_limits=None
) -> LineResult:
    """Emissions of one line (see the module docstring). Raises CalcError on bad input."""
    if not isinstance(line, dict):
        raise CalcError("the calculation input must be a mapping", tuple(path))
    method = line.get("method")
    if method not in _METHOD_FN:
        raise CalcError(f"unknown method {method!r}", tuple(path) + ("method",), f"use one of: {', '.join(METHODS)}")
    try:
        factors.gwp(gwp_set, "CO2")
    except KeyError as exc:
        raise CalcError(str(exc), (), "set gwp_set in cms.yaml to SAR, AR4, AR5 or AR6") from None
    env = _Env(line, gwp_set, record, path, root, lookup, defaults, table_limits)
    results, activity = _METHOD_FN[method](env)
    gases: dict[str, Traced] = {}
    mass: dict[str, float] = {}
    for gas, t, m in results:
        if gas in gases:  # the same gas twice (e.g. other_gases repeating the main gas)
            gases[gas] = Traced(gases[gas].value + t.value, U_CO2E, label=f"E {gas}", formula="E = Σ E_i", steps=[gases[gas], t])
            mass[gas] += m
        else:
            gases[gas], mass[gas] = t, m
    total = Traced(
        sum(t.value for t in gases.values()),
        U_CO2E,
        label=label or "E",
        formula="E = Σ_gas E_gas" if len(gases) > 1 else gases[next(iter(gases))].formula,
        method=METHOD_CLAUSE[method],
    )
    total.steps.extend(gases.values())
    total.notes.append(f"GWP set: {gwp_set}")
    spec = line.get("activity") if method != "measurement" else (line.get("measured") or line.get("cems"))
    spec = spec if isinstance(spec, dict) else {}
    return LineResult(
        method=method,
        gwp_set=gwp_set,
        total=total,
        gases=gases,
        gas_mass=mass,
        activity=activity,
        parameters=env.params,
        gaps=env.gaps,
        instruments=list(spec.get("instrument") or []),
        data_source=str(spec.get("data_source") or ""),
        energy=env.energy,
        gas_origin=env.origin,
        cems=env.cems,
    )

"""One emission source's emissions for one period, from its calculation input (a "line").

A line is the data of ``schemas/emission-line.schema.json#/$defs/line``: an accounting
method, the gas, the activity data and the factors, each with where it comes from. The
activity_data records of subsystem A hold one; the carbon-footprint records of subsystem D
hold several. Both are computed here, by one function::

    from cms_build.calc.emissions import compute_line, CalcError

    result = compute_line(line, gwp_set="AR5", record=rec, path=("line",), root=root,
                          lookup=ctx.get, defaults={"grid": "national_2022_for_2023_2025_reporting"})
    result.total          # Traced, tCO2e: the sum over gases
    result.gases          # {"CO2": Traced tCO2e, ...}: the gas split
    result.gas_mass       # {"CO2": 123.4, ...}: t of each gas, before GWP
    result.activity       # Traced of the activity data in its recorded unit (None for F.3/F.4)
    result.parameters     # [{name, symbol, value, unit, basis, origin, citation, source, note}]
    result.gaps           # [{period, status, value, source}] substituted values (A.9.1.1 b)
    result.energy         # Traced TJ: fuel combustion's heat AD = FC × NCV (None otherwise)
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
              purchased electricity / heat when the line gives none (settings.emissions)

Formulas (Annex F; power-sector guideline of 2013, as Annex E's tables use them):

- emission_factor (F.2, F.1):  E = AD × EF × GWP. For a fuel without a direct EF:
  AD = FC × NCV (an energy, TJ) and EF = CC × OF × 44/12 (tCO2/TJ). Further gases of the
  same activity (``other_gases``) each add AD × EF_gas × GWP_gas.
- mass_balance (F.3, F.2):     E = [Σ(M_I × CC_I) − Σ(M_O × CC_O)] × ω × GWP, ω = 44/12
  tCO2/tC for CO2 unless given.
- measurement (F.4):           E = Σ_i m_i × GWP, m_i the measured mass per period.
- desulfurization:             E = B × I × EF × TR (CO2).
- purchased_electricity/heat:  E = (purchased − exported) × EF (CO2), EF from the line or
  the library default named in the settings.

Units are converted by cms_build.units only; an impossible combination (coal in t with an
NCV in kJ/Nm3) raises :class:`CalcError` naming the field. GWPs come from
cms_build.factors for the chosen set; every result says which set it used.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from cms_build import factors, units
from cms_build.calc import activity_rows
from cms_build.findings import format_path
from cms_build.trace import Input, Traced, library_source, record_source

METHODS = ("emission_factor", "mass_balance", "measurement", "desulfurization",
           "purchased_electricity", "purchased_heat")

#: Annex F clause of each method, for the trace.
METHOD_CLAUSE = {
    "emission_factor": "F.2", "mass_balance": "F.3", "measurement": "F.4",
    "desulfurization": "F.2", "purchased_electricity": "F.2", "purchased_heat": "F.2",  # AD × EF forms (F.1)
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

_SYMBOLS = {"ncv": "NCV", "carbon_content": "CC", "oxidation": "OF", "ef": "EF", "purity": "I",
            "conversion_rate": "TR", "omega": "ω"}
_NAMES = {"ncv": "低位发热量 net calorific value", "carbon_content": "单位热值含碳量 carbon content per unit heat",
          "oxidation": "碳氧化率 oxidation rate", "ef": "排放因子 emission factor",
          "purity": "碳酸盐含量 carbonate purity", "conversion_rate": "转化率 conversion rate",
          "omega": "转换系数 conversion factor"}


class CalcError(ValueError):
    """An input that cannot be computed: message, the field's path in the record, a hint."""

    def __init__(self, message: str, path: tuple = (), hint: str = "", at: tuple | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = tuple(path)
        self.hint = hint
        self.at = at  # (file, line) when the input at fault is a row of an attached table

    def issue(self, record, default_path=("line",)):
        """The finding: at the table row when the fault is in one, else at the record's field."""
        if self.at is not None and record is not None:
            from ..findings import Issue
            return Issue(self.message, self.at[0], self.at[1], 1, record.id,
                         format_path(self.path or default_path), hint=self.hint)
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
        return Input(symbol or _SYMBOLS.get(self.name, self.name), _NAMES.get(self.name, self.name),
                     self.value, self.unit, self.source, self.note)

    def as_dict(self) -> dict:
        return {"name": self.name, "symbol": _SYMBOLS.get(self.name, self.name), "value": self.value,
                "unit": self.unit, "basis": self.basis, "origin": self.origin, "citation": self.citation,
                "second_hand": self.second_hand, "source": self.source, "note": self.note,
                "path": format_path(self.path)}


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

    def as_dict(self) -> dict:
        return {
            "method": self.method, "clause": METHOD_CLAUSE.get(self.method, ""), "gwp_set": self.gwp_set,
            "total": self.total.as_dict(),
            "gases": {g: t.as_dict() for g, t in self.gases.items()},
            "gas_mass": dict(self.gas_mass),
            "activity": self.activity.as_dict() if self.activity else None,
            "parameters": [p.as_dict() for p in self.parameters],
            "gaps": list(self.gaps), "instruments": list(self.instruments),
            "data_source": self.data_source,
            "energy": self.energy.as_dict() if self.energy else None,
        }


# ---------------------------------------------------------------------------- helpers
class _Env:
    def __init__(self, line, gwp_set, record, path, root, lookup, defaults, table_limits=None):
        self.table_limits = table_limits  # (bytes, rows, cell characters), activity_rows.table_limits
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
        raise CalcError(f"{value!r} is not a finite number", path[:-1] + ("value",) if path else path,
                        "write a plain number, e.g. 1234.5")
    return units.registry().Quantity(value, _unit(unit_text, path))


def _dim(q) -> str:
    return units.dimension_name(q.units)


def _is(q, unit_text: str) -> bool:
    return q.dimensionality == units.parse_unit(unit_text).dimensionality


def _mag(q, unit_text: str) -> float:
    return float(q.to(units.parse_unit(unit_text)).magnitude)


def _gwp(env: _Env, gas: str, path: tuple) -> Param:
    try:
        f = factors.gwp(env.gwp_set, gas)
    except KeyError as exc:
        raise CalcError(str(exc), path, "name a gas of the GWP table, or choose another gwp_set in cms.yaml") from None
    return Param("gwp", f.quantity(), float(f.value), f.unit, library_source(f.key, f.source, f.second_hand),
                 "default", "library", f.source, f"GWP-100, {env.gwp_set}", (), f.second_hand)


# ---------------------------------------------------------------------------- parameters
def _library_factor(key: str):
    """A library Factor by the keys the schema allows: fuel:<fuel>:<param>, grid:<key>,
    heat:<key>, carbonate:<key>, carbonate:formula:<item>."""
    kind, _, rest = key.partition(":")
    if kind == "fuel":
        fuel_key, _, pname = rest.rpartition(":")
        fd = factors.fuel(fuel_key)
        if pname not in ("ncv", "carbon_content", "oxidation"):
            raise factors.FactorKeyError(f"unknown fuel parameter {pname!r} in {key!r}: use ncv, carbon_content or oxidation")
        f = getattr(fd, pname)
        if f is None:
            method = getattr(fd, f"{pname}_method", "")
            raise factors.FactorKeyError(f"the library has no default {pname} for {fd.key}: the guideline requires it "
                                         f"to be measured ({method})")
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
            return factors.Factor(float(entry["value"]), str(entry.get("unit", "1")), formula["source"],
                                  bool(formula.get("second_hand")), str(entry.get("note", "")), key)
        return factors.carbonate(rest)
    raise factors.FactorKeyError(f"unknown library key {key!r}: use fuel:<fuel>:<parameter>, grid:<key>, "
                                 "heat:default or carbonate:<key>")


def _from_factor(name: str, f, path: tuple, origin: str, note: str) -> Param:
    return Param(name, _q(f.value, f.unit, path), float(f.value), f.unit,
                 library_source(f.key, f.source, f.second_hand), "default", origin, f.source,
                 "; ".join(p for p in (note, f.note) if p), path, f.second_hand)


def _param(env: _Env, name: str, spec, *, default_key: str | None = None, default_why: str = "",
           required: str = "", base: tuple | None = None) -> Param | None:
    """Resolve a parameter: the record's own value, its emission_factor record, its library
    key, or (when absent) a library default. None when absent and not required."""
    base = env.at(name) if base is None else base
    if spec is None:
        if default_key:
            try:
                f = _library_factor(default_key)
            except KeyError as exc:
                raise CalcError(f"{name} is not given and {exc}", base,
                                f"add {name}: {{value: ..., unit: ..., source: ...}} with the measured value") from None
            p = _from_factor(name, f, base, "library_default",
                             f"not given in the record: {default_why or 'default of the built-in library'} ({default_key})")
            env.params.append(p)
            return p
        if required:
            raise CalcError(f"{name} is missing: {required}", base[:-1] if len(base) > 1 else base,
                            f"add {name}: {{value: ..., unit: ..., source: ...}} or {name}: {{library: <key>}}")
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
            raise CalcError(f"{name} names the emission_factor record '{rid}', which cannot be read",
                            base + ("record",), "create it, or correct the id")
        value, unit = rec.get("value"), rec.get("unit")
        try:
            q = _q(value, unit, ("value",))
        except CalcError as exc:
            raise CalcError(f"{name}: the emission_factor record '{rid}' has an unusable value or unit: {exc.message}",
                            base + ("record",), exc.hint) from None
        basis = rec.get("basis") or ("measured" if rec.get("measurement") else "unspecified")
        citation = rec.get("source") or ""
        m = rec.get("measurement") or {}
        extra = ", ".join(str(x) for x in (m.get("test_standard"), m.get("lab"), m.get("report")) if x)
        p = Param(name, q, float(value), str(unit), record_source(rec, "value"), basis, "record",
                  "; ".join(x for x in (citation, extra) if x), f"from {rec.kind} record {rec.id}", base + ("record",))
        env.params.append(p)
        return p
    value, unit = spec.get("value"), spec.get("unit")
    q = _q(value, unit, base + ("unit",))
    basis = spec.get("basis") or ("measured" if spec.get("test_standard") or spec.get("lab") else "unspecified")
    extra = ", ".join(str(x) for x in (spec.get("test_standard"), spec.get("lab"), spec.get("report")) if x)
    citation = "; ".join(str(x) for x in (spec.get("source"), extra) if x)
    p = Param(name, q, float(value), str(unit), env.source(*base[len(env.path):], "value"), basis, "inline",
              citation, str(spec.get("note") or ""), base)
    env.params.append(p)
    return p


def _dimensionless(p: Param) -> float:
    if not p.quantity.dimensionless:
        raise CalcError(f"{p.name} must be a fraction (%, or 1), not {p.unit} ({_dim(p.quantity)})",
                        p.path + (("unit",) if p.origin == "inline" else ()), "write e.g. {value: 98.5, unit: \"%\"}")
    return float(p.quantity.to("dimensionless").magnitude)


# ---------------------------------------------------------------------------- activity
def _activity(env: _Env, spec: dict, name: str, symbol: str, base: tuple) -> tuple[Traced, object]:
    """Activity data as a Traced (in its recorded unit) and a pint Quantity."""
    if not isinstance(spec, dict):
        raise CalcError(f"{name} is missing", base, "add it with quantity, values + unit, or file + unit")
    rel = base[len(env.path):]
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
                raise CalcError(f"the value of period {row.get('period')} is missing", base + ("values", i, "value"),
                                "fill the gap (status: filled or estimated) and document gap_filling (A.9.1.1 b)")
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise CalcError(f"{v!r} is not a finite number", base + ("values", i, "value"))
            rows.append((str(row.get("period")), float(v), status, src))
    else:
        rows = _csv_rows(env, spec.get("file") or {}, base + ("file",))
    if not rows:
        raise CalcError(f"{name} has no values", base, "add at least one value")
    total = sum(v for _, v, _, _ in rows)
    t = Traced(total, str(unit_text), label=symbol, formula=f"{symbol} = Σ {symbol}_i (periods)")
    for period, v, status, src in rows:
        t.add(f"{symbol}[{period}]", name, v, str(unit_text), src, "" if status == "measured" else status)
        if status in GAP_STATUSES:
            env.gaps.append({"activity": format_path(base), "period": period, "status": status, "value": v,
                             "source": src})
    return t, units.registry().Quantity(total, unit)


def _csv_rows(env: _Env, fspec: dict, base: tuple) -> list[tuple]:
    rel_path = fspec.get("path")
    if env.record is not None and env.root is not None:
        path = env.record.resolve_file(env.root, rel_path)
    elif env.root is not None and isinstance(rel_path, str):
        path = (env.root / rel_path).resolve()
    else:
        path = Path(rel_path) if isinstance(rel_path, str) else None
    if path is None or not path.is_file():
        raise CalcError(f"the data file '{rel_path}' cannot be read", base + ("path",),
                        "add the CSV file next to the record, or correct the path")
    try:
        file_rel = path.relative_to(env.root.resolve()).as_posix() if env.root is not None else str(rel_path)
    except ValueError:
        file_rel = str(rel_path)
    col, pcol, scol = fspec.get("column"), fspec.get("period_column"), fspec.get("status_column")
    try:  # streamed and bounded (limits.max_table_*): a 200 MB file is refused, not read into memory
        header, table = activity_rows.csv_table((env.root or path.parent, path), col, pcol, scol, file=file_rel,
                                                limits=env.table_limits)
    except activity_rows.TableProblem as exc:
        raise CalcError(f"the data file '{rel_path}': {exc.message}", base + ("path",), exc.hint,
                        at=(exc.file, exc.line)) from None
    for c, key in ((col, "column"), (pcol, "period_column"), (scol, "status_column")):
        if c is not None and c not in header:
            raise CalcError(f"the data file '{rel_path}' has no column '{c}'", base + (key,),
                            f"its columns are: {', '.join(header) or '(none)'}")
    rows = []
    for n, period, raw, status in table:
        try:
            v = activity_rows.parse_number(raw)
        except ValueError:
            raise CalcError(f"'{rel_path}' line {n}: {raw!r} in column '{col}' is not a number", base + ("column",)) from None
        if v is None or status == "missing":
            raise CalcError(f"'{rel_path}' line {n} ({period}): no value in column '{col}'", base + ("path",),
                            "fill the gap (status filled or estimated) and document gap_filling (A.9.1.1 b)")
        if not math.isfinite(v):
            raise CalcError(f"'{rel_path}' line {n}: {raw!r} is not a finite number", base + ("column",))
        src = {"file": file_rel, "line": n, "column": col}
        if env.record is not None:
            src.update({"record": env.record.id, "kind": env.record.kind, "path": format_path(base)})
        rows.append((period, v, status, src))
    return rows


# ---------------------------------------------------------------------------- the gas result
def _gas_result(env: _Env, gas: str, mass_q, formula: str, method: str, inputs: list, steps: list,
                gas_path: tuple, label: str) -> tuple[str, Traced, float]:
    """mass_q: a pint mass of the gas (t) or, for CO2, a CO2 mass (tCO2). Returns E in tCO2e."""
    if _is(mass_q, U_CO2E):
        if gas.upper() != "CO2":
            raise CalcError(f"the result for {gas} comes out in CO2-equivalent: the factor already includes a GWP",
                            gas_path, f"give the mass of {gas} per unit of activity (e.g. t/TJ); the program applies "
                                      "the GWP of the settings")
        mass = _mag(mass_q, "tCO2")
    elif _is(mass_q, U_GAS):
        mass = _mag(mass_q, U_GAS)
    else:
        raise CalcError(f"the inputs give {_dim(mass_q)} ({mass_q.units:~}), not a mass of {gas}", gas_path,
                        "check the units of the activity data and of the factor")
    g = _gwp(env, gas, gas_path)
    value = mass * g.value
    t = Traced(value, U_CO2E, label=f"{label} {gas}".strip(), formula=formula, method=method)
    t.inputs.extend(inputs)
    t.add("GWP", f"GWP-100 {gas} ({env.gwp_set})", g.value, g.unit, g.source)
    t.steps.extend(steps)
    t.notes.append(f"m_{gas} = {_fmt(mass)} t; E = m × GWP = {_fmt(mass)} × {_fmt(g.value)} = {_fmt(value)} tCO2e")
    t.notes.append(f"GWP set: {env.gwp_set}")
    return gas, t, mass


def _product_check(q, want: str, what: str, path: tuple, hint: str):
    if not _is(q, want):
        raise CalcError(f"{what} gives {_dim(q)} ({q.units:~}), not {units.dimension_name(want)}", path, hint)
    return q


# ---------------------------------------------------------------------------- methods
def _emission_factor(env: _Env) -> tuple[list, Traced]:
    line = env.line
    gas = str(line.get("gas") or "CO2")
    ad_t, ad_q = _activity(env, line.get("activity"), "活动水平 activity data", "AD", env.at("activity"))
    fuel_key = line.get("fuel")
    fd = None
    if fuel_key:
        try:
            fd = factors.fuel(fuel_key)
        except KeyError:
            fd = None  # a fuel the library does not know: every parameter must be given
    results = []
    energy_q, energy_t = None, None
    if _is(ad_q, U_ENERGY):
        energy_q, energy_t = ad_q, ad_t
    if line.get("ef") is not None:
        ef = _param(env, "ef", line["ef"])
        e_q = ad_q * ef.quantity
        if not (_is(e_q, U_CO2E) or _is(e_q, U_GAS)):
            raise CalcError(f"activity data in {ad_t.unit} × EF in {ef.unit} gives {_dim(e_q)}, not an emission",
                            ef.path + (("unit",) if ef.origin == "inline" else ()),
                            f"the EF must be per {units.dimension_name(ad_q.units)} of activity, e.g. tCO2/{ad_t.unit}")
        results.append(_gas_result(env, gas, e_q, "E = AD × EF × GWP", "F.2",
                                   [Input("AD", "活动水平 activity data", ad_t.value, ad_t.unit, {"step": "AD"}), ef.input()],
                                   [ad_t], env.at("gas"), "E"))
    else:
        if gas.upper() != "CO2":
            raise CalcError(f"without an ef, the fuel formula gives CO2 only, but gas is {gas}", env.at("gas"),
                            "give ef for this gas, or set gas: CO2")
        if energy_q is None:
            ncv = _param(env, "ncv", line.get("ncv"),
                         default_key=f"fuel:{fd.key}:ncv" if fd and fd.ncv else None,
                         default_why=f"default NCV of {fd.key}" if fd else "",
                         required="the fuel formula needs the net calorific value (AD = FC × NCV)"
                                  + (f"; the guideline requires it to be measured for {fd.key} ({fd.ncv_method})" if fd and not fd.ncv else ""))
            raw = ad_q * ncv.quantity
            _product_check(raw, U_ENERGY, f"fuel consumed in {ad_t.unit} × NCV in {ncv.unit}",
                           ncv.path + (("unit",) if ncv.origin == "inline" else ()),
                           f"give the NCV per unit of the fuel consumed, e.g. GJ/t or kJ/kg for {ad_t.unit}"
                           if _is(ad_q, "t") else f"give the NCV per {ad_t.unit}, e.g. kJ/Nm3 for gas in Nm3")
            energy = _mag(raw, U_ENERGY)
            energy_t = Traced(energy, U_ENERGY, label="AD", formula="AD = FC × NCV", method="F.2")
            energy_t.add("FC", "燃料消耗量 fuel consumed", ad_t.value, ad_t.unit, {"step": "FC"})
            energy_t.inputs.append(ncv.input())
            ad_t.label = "FC"
            ad_t.formula = ad_t.formula.replace("AD", "FC")
            for inp in ad_t.inputs:
                inp.symbol = inp.symbol.replace("AD", "FC", 1)
            energy_t.steps.append(ad_t)
            energy_t.notes.append(f"{_fmt(ad_t.value)} {ad_t.unit} × {_fmt(ncv.value)} {ncv.unit} = {_fmt(energy)} TJ "
                                  "(units converted by cms_build.units)")
            energy_q = units.registry().Quantity(energy, units.parse_unit(U_ENERGY))
        cc = _param(env, "carbon_content", line.get("carbon_content"),
                    default_key=f"fuel:{fd.key}:carbon_content" if fd and fd.carbon_content else None,
                    default_why=f"default carbon content of {fd.key}" if fd else "",
                    required="the fuel formula needs the carbon content per unit heat (EF = CC × OF × 44/12)"
                             + (f"; the guideline requires it to be measured for {fd.key} ({fd.carbon_content_method})" if fd and not fd.carbon_content else ""))
        _product_check(energy_q * cc.quantity, U_CARBON, f"heat in TJ × carbon content in {cc.unit}",
                       cc.path + (("unit",) if cc.origin == "inline" else ()), "give the carbon content per unit heat, e.g. tC/TJ")
        of = _param(env, "oxidation", line.get("oxidation"),
                    default_key=f"fuel:{fd.key}:oxidation" if fd else None,
                    default_why=f"default oxidation rate of {fd.key}" if fd else "",
                    required="the fuel formula needs the oxidation rate OF")
        of_v = _dimensionless(of)
        cc_v = _mag(cc.quantity, "tC/TJ")
        ef_v = cc_v * of_v * units.C_TO_CO2
        ef_t = Traced(ef_v, "tCO2/TJ", label="EF", formula="EF = CC × OF × 44/12", method="F.2")
        ef_t.inputs.extend([cc.input(), of.input()])
        ef_t.add("44/12", "二氧化碳与碳的分子量之比 CO2/C", units.C_TO_CO2, "tCO2/tC", _C_TO_CO2_SOURCE)
        ef_t.notes.append(f"{_fmt(cc_v)} tC/TJ × {_fmt(of_v)} × 44/12 = {_fmt(ef_v)} tCO2/TJ")
        env.energy = energy_t
        e_q = energy_q * units.registry().Quantity(ef_v, units.parse_unit("tCO2/TJ"))
        results.append(_gas_result(env, "CO2", e_q, "E = AD × EF × GWP", "F.2",
                                   [Input("AD", "活动水平（热量）activity data (heat)", energy_t.value, U_ENERGY, {"step": "AD"}),
                                    Input("EF", "排放因子 emission factor", ef_v, "tCO2/TJ", {"step": "EF"})],
                                   [energy_t, ef_t], env.at("gas"), "E"))
    for i, og in enumerate(line.get("other_gases") or []):
        g = str(og.get("gas"))
        ef = _param(env, "ef", og.get("ef"), base=env.at("other_gases", i, "ef"))
        use_t, use_q = ad_t, ad_q
        if energy_q is not None and _is(energy_q * ef.quantity, U_GAS):
            use_t, use_q = energy_t, energy_q
        e_q = use_q * ef.quantity
        if not _is(e_q, U_GAS):
            raise CalcError(f"activity data in {use_t.unit} × EF in {ef.unit} does not give a mass of {g}",
                            ef.path + (("unit",) if ef.origin == "inline" else ()),
                            f"give the EF of {g} as t per {use_t.unit} (e.g. t/TJ)")
        results.append(_gas_result(env, g, e_q, "E = AD × EF × GWP", "F.2",
                                   [Input("AD", "活动水平 activity data", use_t.value, use_t.unit, {"step": "AD"}),
                                    ef.input()], [use_t], env.at("other_gases", i, "gas"), "E"))
    return results, ad_t


def _flows(env: _Env, key: str) -> tuple[float, Traced]:
    flows = env.line.get(key) or []
    sym = "I" if key == "inputs" else "O"
    total_t = Traced(0.0, U_CARBON, label=f"Σ(M_{sym} × CC_{sym})", formula=f"Σ(M_{sym} × CC_{sym})", method="F.3")
    total = 0.0
    for i, flow in enumerate(flows):
        base = env.at(key, i)
        m_t, m_q = _activity(env, flow.get("amount"), f"{flow.get('name')} 物料量", f"M_{sym}", base + ("amount",))
        cc = _param(env, "carbon_content", flow.get("carbon_content"), base=base + ("carbon_content",),
                    required="each material needs its carbon content")
        c_q = m_q * cc.quantity
        note = ""
        if _is(c_q, U_CARBON):
            c = _mag(c_q, U_CARBON)
        elif _is(c_q, U_GAS) and cc.quantity.dimensionless:
            c = _mag(c_q, U_GAS)
            note = "carbon content as a mass fraction: M × CC is the mass of carbon"
        else:
            raise CalcError(f"material in {m_t.unit} × carbon content in {cc.unit} gives {_dim(c_q)}, not a carbon mass",
                            cc.path + (("unit",) if cc.origin == "inline" else ()),
                            f"give the carbon content per {m_t.unit} (e.g. tC/t) or as a mass fraction (%)")
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
        raise CalcError(f"the outputs hold more carbon ({_fmt(c_out)} tC) than the inputs ({_fmt(c_in)} tC)",
                        env.at("outputs"), "check the amounts and carbon contents, or account for stock changes")
    omega = _param(env, "omega", env.line.get("omega"))
    if omega is None:
        if gas.upper() != "CO2":
            raise CalcError(f"omega is missing: for {gas} give the carbon-to-gas conversion factor", env.at("gas"),
                            "add omega: {value: ..., unit: t/tC, source: ...}")
        omega = Param("omega", units.quantity(units.C_TO_CO2, "tCO2/tC"), units.C_TO_CO2, "tCO2/tC", _C_TO_CO2_SOURCE,
                      "default", "library_default", _C_TO_CO2_SOURCE["citation"], "CO2: 44/12 (F.3)", env.at("omega"))
        env.params.append(omega)
    m_q = units.registry().Quantity(net, units.parse_unit(U_CARBON)) * omega.quantity
    if not (_is(m_q, U_CO2E) or _is(m_q, U_GAS)):
        raise CalcError(f"carbon × ω in {omega.unit} gives {_dim(m_q)}, not a mass of {gas}",
                        omega.path + (("unit",) if omega.origin == "inline" else ()), "give ω in tCO2/tC (or t/tC)")
    net_t = Traced(net, U_CARBON, label="C_net", formula="C_net = Σ(M_I × CC_I) − Σ(M_O × CC_O)", method="F.3")
    net_t.add("Σ(M_I × CC_I)", "输入物料含碳量 carbon in", c_in, U_CARBON, {"step": "inputs"})
    net_t.add("Σ(M_O × CC_O)", "输出物料含碳量 carbon out", c_out, U_CARBON, {"step": "outputs"})
    net_t.steps.extend([in_t, out_t])
    res = _gas_result(env, gas, m_q, "E = [Σ(M_I × CC_I) − Σ(M_O × CC_O)] × ω × GWP", "F.3",
                      [Input("C_net", "净碳量 net carbon", net, U_CARBON, {"step": "C_net"}), omega.input()],
                      [net_t], env.at("gas"), "E")
    return [res], None


def _measurement(env: _Env) -> tuple[list, Traced]:
    gas = str(env.line.get("gas") or "CO2")
    m_t, m_q = _activity(env, env.line.get("measured"), f"实测 {gas} measured", "m", env.at("measured"))
    res = _gas_result(env, gas, m_q, "E = Σ m_i × GWP", "F.4",
                      [Input("m", f"实测 {gas} 质量 measured mass", m_t.value, m_t.unit, {"step": "m"})],
                      [m_t], env.at("measured"), "E")
    instruments = (env.line.get("measured") or {}).get("instrument") or []
    res[1].notes.append("monitoring equipment: " + (", ".join(instruments) if instruments else "not named"))
    if env.line.get("measurement_method"):
        res[1].notes.append(f"measurement method: {env.line['measurement_method']}")
    return [res], m_t


def _desulfurization(env: _Env) -> tuple[list, Traced]:
    line = env.line
    gas = str(line.get("gas") or "CO2")
    if gas.upper() != "CO2":
        raise CalcError(f"desulfurization gives CO2, not {gas}", env.at("gas"), "set gas: CO2")
    b_t, b_q = _activity(env, line.get("activity"), "脱硫剂消耗量 sorbent consumed", "B", env.at("activity"))
    if not _is(b_q, "t"):
        raise CalcError(f"the sorbent consumed must be a mass, not {b_t.unit} ({_dim(b_q)})", env.at("activity"),
                        "give it in t")
    purity = _param(env, "purity", line.get("purity"),
                    required="the share of carbonate in the sorbent I (the guideline's 90 % is an example, not a default)")
    material = line.get("material")
    ef = _param(env, "ef", line.get("ef"), default_key=f"carbonate:{material}" if material else None,
                default_why=f"emission factor of {material}",
                required="the carbonate's emission factor (or name the carbonate in material, e.g. CaCO3)")
    tr = _param(env, "conversion_rate", line.get("conversion_rate"), default_key="carbonate:formula:conversion_rate",
                default_why="the guideline takes a conversion rate of 100 %")
    i_v, tr_v = _dimensionless(purity), _dimensionless(tr)
    e_q = b_q * ef.quantity * i_v * tr_v
    if not _is(e_q, U_CO2E):
        raise CalcError(f"sorbent in {b_t.unit} × EF in {ef.unit} does not give tCO2", ef.path + (("unit",) if ef.origin == "inline" else ()),
                        "give the carbonate's EF in tCO2/t")
    res = _gas_result(env, "CO2", e_q, "E = B × I × EF × TR", "F.2",
                      [Input("B", "脱硫剂消耗量 sorbent consumed", b_t.value, b_t.unit, {"step": "B"}),
                       purity.input("I"), ef.input("EF"), tr.input("TR")], [b_t], env.at("gas"), "E")
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
        raise CalcError(f"purchased {what} must be an energy (MWh, kWh, GJ), not {in_t.unit} ({_dim(in_q)})",
                        env.at("activity"), "give it in MWh or kWh" if what == "electricity" else "give it in GJ")
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
        ef = _param(env, "ef", line.get("ef"), default_key=f"grid:{key}" if key else None,
                    default_why="the grid emission factor named in the settings (emissions.grid_factor)",
                    required="the grid emission factor (or set emissions.grid_factor in cms.yaml)")
    else:
        key = env.defaults.get("heat") or "default"
        ef = _param(env, "ef", line.get("ef"), default_key=f"heat:{key}", default_why="the default heat factor")
    e_q = units.registry().Quantity(net, units.parse_unit(target)) * ef.quantity
    if not _is(e_q, U_CO2E):
        raise CalcError(f"{what} in {target} × EF in {ef.unit} does not give tCO2", ef.path + (("unit",) if ef.origin == "inline" else ()),
                        f"give the EF in tCO2/{target}")
    res = _gas_result(env, "CO2", e_q, "E = AD × EF", "F.2",
                      [Input(sym, f"净购入{'电力' if what == 'electricity' else '热力'} net purchased", net, target, {"step": sym}),
                       ef.input()], [net_t], env.at("gas"), "E")
    if net < 0:
        res[1].notes.append(f"net export of {what}: the net-purchase formula gives a negative amount")
    return [res], net_t


_METHOD_FN = {
    "emission_factor": _emission_factor,
    "mass_balance": _mass_balance,
    "measurement": _measurement,
    "desulfurization": _desulfurization,
    "purchased_electricity": lambda env: _purchased(env, "electricity"),
    "purchased_heat": lambda env: _purchased(env, "heat"),
}


PARAMETER_FIELDS = ("ncv", "carbon_content", "oxidation", "ef", "purity", "conversion_rate", "omega")


def line_parameters(line, base: tuple = ("line",)):
    """(path, spec) of every factor or parameter written in a line, nested ones included
    (other_gases[i].ef, inputs[i].carbon_content, outputs[i].carbon_content); for rules that
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


def compute_line(line: dict, *, gwp_set: str, record=None, path: tuple = (), root=None, lookup=None,
                 defaults: dict | None = None, label: str = "", table_limits=None) -> LineResult:
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
            gases[gas] = Traced(gases[gas].value + t.value, U_CO2E, label=f"E {gas}", formula="E = Σ E_i",
                                steps=[gases[gas], t])
            mass[gas] += m
        else:
            gases[gas], mass[gas] = t, m
    total = Traced(sum(t.value for t in gases.values()), U_CO2E, label=label or "E",
                   formula="E = Σ_gas E_gas" if len(gases) > 1 else gases[next(iter(gases))].formula,
                   method=METHOD_CLAUSE[method])
    total.steps.extend(gases.values())
    total.notes.append(f"GWP set: {gwp_set}")
    spec = line.get("activity") if method != "measurement" else line.get("measured")
    spec = spec if isinstance(spec, dict) else {}
    return LineResult(method=method, gwp_set=gwp_set, total=total, gases=gases, gas_mass=mass, activity=activity,
                      parameters=env.params, gaps=env.gaps, instruments=list(spec.get("instrument") or []),
                      data_source=str(spec.get("data_source") or ""), energy=env.energy)

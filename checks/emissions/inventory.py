"""The emissions inventory of a reporting year: totals by source, facility, site, process,
category, gas and method; intensities per unit of product and per 10^4 CNY of output value
(table E.1); year-on-year changes (A.9.1 b).

Pure: it takes the computed lines (:class:`Entry`, one per activity_data record) and the
year's products and output value, already in one unit per product, and returns JSON.

The structure of one year (``ctx.results["emissions"]["years"]["2024"]``)::

    {
      "year": 2024, "gwp_set": "AR5",
      "total": Traced,                       # tCO2e; inputs: one per activity_data record
      "gas_mass": {"CO2": t, ...},           # mass of each gas, before GWP
      "by_gas": {"CO2": Traced, ...},        # tCO2e per gas
      "by_source":   {"SRC-...": Traced},    # tCO2e; inputs point at the activity records
      "by_facility": {"FAC-...": Traced},
      "by_site":     {"BJ-1": Traced},
      "by_process":  {"发电": Traced},
      "by_category": {"fuel_combustion": Traced, ...},
      "by_method":   {"emission_factor": Traced, ...},
      "sources": {"SRC-...": {"source", "title", "facility", "site", "process", "category", "method",
                              "fuel", "material", "records": ["AD-..."], "value": tCO2e}},
      "entries": {"AD-...": {"record", "source", "facility", "site", "process", "category", "method",
                             "fuel", "material", "year", "record_source": {...},
                             **LineResult.as_dict()}},   # the full trace of each computation
      "products": {"electricity": {"name", "name_en", "value", "unit", "design_capacity": [...],
                                   "rows": [{"value", "unit", "facility", "site", "source", ...}],
                                   "total": Traced}},
      "output_value": Traced | None,        # 10^4 CNY
      "intensity": {"per_output_value": Traced | None,   # tCO2e/10^4 CNY
                    "per_product": {"electricity": Traced}},  # tCO2e per product unit
      "gaps": [{"record", "activity", "period", "status", "value", "source"}],
    }

A Traced is ``cms_build.trace.Traced.as_dict()``: value, unit, label, formula, method, inputs
(symbol, name, value, unit, source), steps, notes.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from cms_build.api import dates
from cms_build.api import Input, Traced

CO2E = "tCO2e"


@dataclass
class Entry:
    """One computed activity_data record."""

    year: int
    record: str
    source: str
    result: object  # checks.emissions.lines.LineResult
    record_source: dict = field(default_factory=dict)  # trace source of the record's line
    source_title: str = ""
    facility: str | None = None
    site: str | None = None
    process: str | None = None
    category: str = "other"
    method: str = ""
    fuel: str | None = None
    material: str | None = None

    def meta(self) -> dict:
        return {
            "record": self.record,
            "source": self.source,
            "facility": self.facility,
            "site": self.site,
            "process": self.process,
            "category": self.category,
            "method": self.method,
            "fuel": self.fuel,
            "material": self.material,
            "year": self.year,
            "record_source": self.record_source,
        }


@dataclass
class ProductRow:
    """One row of product_output, its value already in the product's unit."""

    year: int
    product: str
    name: str
    value: float
    unit: str
    source: dict
    name_en: str = ""
    facility: str | None = None
    site: str | None = None
    design_capacity: dict | None = None
    note: str = ""
    data_source: str = ""
    recorded: dict | None = None  # the value and unit as recorded, when converted


def _sum(label: str, unit: str, parts: list[tuple[str, str, float, dict]], formula: str = "E = Σ E_i") -> Traced:
    """A total whose inputs are (symbol, name, value, source) parts."""
    t = Traced(sum(p[2] for p in parts), unit, label=label, formula=formula)
    for symbol, name, value, source in parts:
        t.inputs.append(Input(symbol, name, value, unit, source))
    return t


def _entry_input(e: Entry, value: float, what: str = "") -> tuple:
    return (f"E[{e.record}]", f"{e.source_title or e.source}{(' ' + what) if what else ''}", value, e.record_source)


def year_inventory(year: int, entries: list[Entry], products: list[ProductRow], output_value: Traced | None, gwp_set: str) -> dict:
    """The inventory of one reporting year (structure in the module docstring)."""
    entries = sorted((e for e in entries if e.year == year), key=lambda e: (e.source, e.record))
    total = _sum(f"{year} 排放总量 total emissions", CO2E, [_entry_input(e, e.result.total.value) for e in entries])
    total.method = "F.1"
    total.notes.append(f"GWP set: {gwp_set}")

    def group(key) -> dict:
        parts: dict = defaultdict(list)
        for e in entries:
            k = key(e)
            if k:
                parts[k].append(_entry_input(e, e.result.total.value))
        return {k: _sum(str(k), CO2E, v).as_dict() for k, v in sorted(parts.items())}

    gas_parts: dict = defaultdict(list)
    gas_mass: dict = defaultdict(float)
    for e in entries:
        for gas, t in e.result.gases.items():
            gas_parts[gas].append(_entry_input(e, t.value, gas))
            gas_mass[gas] += e.result.gas_mass.get(gas, 0.0)

    sources: dict = {}
    for e in entries:
        s = sources.setdefault(
            e.source,
            {
                "source": e.source,
                "title": e.source_title,
                "facility": e.facility,
                "site": e.site,
                "process": e.process,
                "category": e.category,
                "method": e.method,
                "fuel": e.fuel,
                "material": e.material,
                "records": [],
                "value": 0.0,
            },
        )
        s["records"].append(e.record)
        s["value"] += e.result.total.value

    prods: dict = {}
    for row in sorted((p for p in products if p.year == year), key=lambda p: (p.product, p.source.get("path", ""))):
        p = prods.setdefault(
            row.product, {"product": row.product, "name": row.name, "name_en": row.name_en, "unit": row.unit, "rows": [], "design_capacity": []}
        )
        p["rows"].append(
            {
                "value": row.value,
                "unit": row.unit,
                "facility": row.facility,
                "site": row.site,
                "note": row.note,
                "data_source": row.data_source,
                "source": row.source,
                "recorded": row.recorded,
            }
        )
        if row.design_capacity:
            p["design_capacity"].append({**row.design_capacity, "facility": row.facility, "site": row.site})
    for key, p in prods.items():
        t = _sum(
            f"{year} {p['name']} 产量 output",
            p["unit"],
            [(f"P[{i}]", r.get("facility") or r.get("site") or p["name"], r["value"], r["source"]) for i, r in enumerate(p["rows"])],
            formula="P = Σ P_i",
        )
        p["value"] = t.value
        p["total"] = t.as_dict()

    intensity = {"per_output_value": None, "per_product": {}}
    if output_value is not None and output_value.value:
        intensity["per_output_value"] = ratio(total, output_value, "万元产值碳排放强度 per 10^4 CNY of output value").as_dict()
    for key, p in prods.items():
        if p["value"]:
            den = Traced(p["value"], p["unit"], label=f"P {key}", formula="P = Σ P_i")
            den.inputs = [Input(i.get("symbol"), i.get("name"), i.get("value"), i.get("unit"), i.get("source")) for i in p["total"]["inputs"]]
            t = ratio(total, den, f"单位产品碳排放强度 per {p['name']}")
            if len(prods) > 1:
                t.notes.append("the organization's total emissions over this product's output, without allocation between co-products (table E.1)")
            intensity["per_product"][key] = t.as_dict()

    gaps = []
    for e in entries:
        for g in e.result.gaps:
            gaps.append({"record": e.record, **g})

    return {
        "year": year,
        "gwp_set": gwp_set,
        "total": total.as_dict(),
        "gas_mass": dict(sorted(gas_mass.items())),
        "by_gas": {g: _sum(f"{year} {g}", CO2E, parts).as_dict() for g, parts in sorted(gas_parts.items())},
        "by_source": group(lambda e: e.source),
        "by_facility": group(lambda e: e.facility),
        "by_site": group(lambda e: e.site),
        "by_process": group(lambda e: e.process),
        "by_category": group(lambda e: e.category),
        "by_method": group(lambda e: e.method),
        "sources": sources,
        "entries": {e.record: {**e.meta(), **e.result.as_dict()} for e in entries},
        "products": prods,
        "output_value": output_value.as_dict() if output_value is not None else None,
        "intensity": intensity,
        "gaps": gaps,
    }


def ratio(numerator: Traced, denominator: Traced, label: str) -> Traced:
    """I = E / P, with both as inputs and the denominator's derivation as a step."""
    value = numerator.value / denominator.value
    t = Traced(value, f"{numerator.unit}/{denominator.unit}", label=label, formula="I = E / P")
    t.add("E", numerator.label or "E", numerator.value, numerator.unit, {"step": "E"})
    t.add("P", denominator.label or "P", denominator.value, denominator.unit, {"step": "P"})
    t.steps.append(denominator)
    t.notes.append(f"{numerator.value:.10g} {numerator.unit} / {denominator.value:.10g} {denominator.unit} = {value:.10g}")
    return t


def change_pct(previous: float | None, current: float | None) -> float | None:
    """(current − previous) / previous × 100; None when either is missing or previous is 0."""
    if previous is None or current is None or previous == 0:
        return None
    return (current - previous) / abs(previous) * 100.0


def reported_vs_recomputed(reported: float, source: dict, recomputed: dict, as_reported: str = "") -> dict:
    """A.9.1.1 a): the reported total against the total recomputed from the records, as one
    trace (a Traced dict): ΔE = E_rep − E_calc, both in tCO2e, the recomputed total as its step.

    `source` is where the reported figure was read (the reported_inventory's total), and
    `as_reported` the figure as the record states it when its unit differs ("5945832 tCO2")."""
    computed = float(recomputed.get("value") or 0.0)
    label = str(recomputed.get("label") or "E_calc")
    t = Traced(reported - computed, "tCO2e", label="报送量与重算量之差 reported minus recomputed", formula="ΔE = E_rep − E_calc")
    t.add("E_rep", "报送排放总量 reported total", reported, "tCO2e", source, note=f"as reported: {as_reported}" if as_reported else "")
    t.add("E_calc", "按记录重算的排放总量 recomputed total", computed, "tCO2e", {"step": label})
    pct = change_pct(computed, reported)
    t.notes.append(f"ΔE = {reported:.10g} − {computed:.10g} = {reported - computed:.10g} tCO2e" + (f" ({pct:+.6f} % of E_calc)" if pct is not None else ""))
    out = t.as_dict()
    out["steps"] = [copy.deepcopy(recomputed)]  # the recomputed total with its inputs, one per activity record
    return out


def year_changes(prev: dict | None, cur: dict) -> dict:
    """Changes from the previous year's inventory: total, each source, each intensity (A.9.1 b)."""
    if not prev:
        return {}
    out = {"previous_year": prev["year"], "total": _change(prev["total"]["value"], cur["total"]["value"]), "sources": {}, "intensity": {}}
    for src in sorted(set(prev["sources"]) | set(cur["sources"])):
        a = prev["sources"].get(src, {}).get("value")
        b = cur["sources"].get(src, {}).get("value")
        out["sources"][src] = _change(a, b)
    pi, ci = prev.get("intensity", {}), cur.get("intensity", {})
    if pi.get("per_output_value") and ci.get("per_output_value"):
        out["intensity"]["per_output_value"] = _change(pi["per_output_value"]["value"], ci["per_output_value"]["value"])
    for key in sorted(set(pi.get("per_product", {})) & set(ci.get("per_product", {}))):
        a, b = pi["per_product"][key], ci["per_product"][key]
        if a["unit"] == b["unit"]:
            out["intensity"][key] = _change(a["value"], b["value"])
    return out


def _change(a, b) -> dict:
    return {"previous": a, "current": b, "change_pct": change_pct(a, b)}


def years_to_check(known_years, as_of_year: int, back: int) -> list[int]:
    """Reporting years the completeness and verification rules look at: completed years
    (before the as-of year), at most `back` of them, none before the earliest year the
    organization keeps data for (its activity data or monitoring plans)."""
    known = sorted({int(y) for y in known_years})
    if not known:
        return []
    first = max(known[0], as_of_year - back)
    return list(range(first, as_of_year))


def source_expected(source: dict, facility: dict | None, year: int) -> bool:
    """Whether an emission source is expected to have activity data in a year (6.1.2 e, A.6.1 a):
    it and its facility are in the boundary, the source is active then (active_from /
    active_until), and the facility operates then: commissioned (or, if planned or under
    construction, its planned start) by the year's end and not retired before its start."""
    if source.get("in_boundary") is False:
        return False
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    a_from, a_until = dates.parse(source.get("active_from")), dates.parse(source.get("active_until"))
    if (a_from and a_from > end) or (a_until and a_until < start):
        return False
    if facility is None:
        return True
    if facility.get("in_boundary") is False:
        return False
    commissioned = dates.parse(facility.get("commissioned")) or dates.parse(facility.get("planned_start"))
    retired = dates.parse(facility.get("retired_on"))
    if facility.get("operating_status") in ("planned", "under_construction") and not a_from and not (commissioned and commissioned <= end):
        return False
    return not ((commissioned and commissioned > end) or (retired and retired < start))


def active_window(source: dict, facility: dict | None, year: int) -> tuple[dt.date, dt.date]:
    """The days of a year an expected source has activity data for (6.1.2 e, A.9.1.1 b): the
    year, from the source's active_from and its facility's commissioning (else planned start),
    to the source's active_until and the facility's retired_on, each day counted (the records
    give no hour)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    fac = facility or {}
    froms = [dates.parse(source.get("active_from")), dates.parse(fac.get("commissioned")) or dates.parse(fac.get("planned_start"))]
    untils = [dates.parse(source.get("active_until")), dates.parse(fac.get("retired_on"))]
    start = max([start] + [d for d in froms if d is not None])
    end = min([end] + [d for d in untils if d is not None])
    return start, end


def uncovered(window: tuple[dt.date, dt.date], periods) -> list[tuple[dt.date, dt.date]]:
    """The runs of days of window that none of periods (start, end, both inclusive) covers."""
    start, end = window
    gaps, day = [], start
    for p_start, p_end in sorted(periods):
        if p_end < day:
            continue
        if p_start > end:
            break
        if p_start > day:
            gaps.append((day, p_start - dt.timedelta(days=1)))
        day = p_end + dt.timedelta(days=1)
        if day > end:
            return gaps
    if day <= end:
        gaps.append((day, end))
    return gaps


def in_national_ets(ctx) -> bool:
    """An entity of the national carbon market (a key emitting entity, 重点排放单位; A.4.2 "within
    a government mandatory scheme"): an organization profile lists national_ets in its
    mandatory_schemes. The one reading for the ETS figure, the filing rules, the ETS warnings
    and the legal retention of the annual emission report's records (checks/management/
    documented_information.py). The profile is where the organization says it (A.4.2), and a result
    that asks this rests on the profile alone (Result.reads: a public build publishes it when
    the profile is public); an ETS obligation (ets_compliance, mostly internal) is not read here: one of scheme national_ets that the profile does not
    back is its own error (emissions.national-ets-not-in-profile, checks/emissions/mrv.py), and
    a local pilot market's obligation is not the national market."""
    return any("national_ets" in (o.get("mandatory_schemes") or []) for o in ctx.records("organization"))


#: The national ETS accounting boundary of a power generation facility (发电设施) as the current MEE
#: guideline sets it: CO2 of fossil fuel combustion and of purchased electricity consumed;
#: desulfurization and other sources stay in the organization's full inventory (Annex A) only.
#: Read second-hand: 企业温室气体排放核算与报告指南 发电设施 (2022年修订版), boundary clause not checked
#: against the original; a source's ets_boundary overrides it.
ETS_POWER_CATEGORIES = ("fuel_combustion", "purchased_electricity")


def ets_inventory(year: int, entries: list[Entry], in_ets: dict) -> dict:
    """The national-ETS figure of one year beside the full inventory.

    in_ets: source id -> (bool, reason code, category judged: compute._in_ets). Returns {"total":
    Traced dict (Σ over the sources in the ETS boundary), "difference": Traced dict (full − ETS),
    "by_source": {source: {inventory, ets, difference, in_ets, why, reason, reason_category}}}."""
    entries = sorted((e for e in entries if e.year == year), key=lambda e: (e.source, e.record))
    inside = [e for e in entries if in_ets.get(e.source, (False, None, None))[0]]
    total = _sum(f"{year} 全国碳市场核算边界排放量 national ETS boundary emissions", CO2E, [_entry_input(e, e.result.total.value) for e in inside])
    total.method = "F.1"
    full = sum(e.result.total.value for e in entries)
    diff = Traced(full - total.value, CO2E, label=f"{year} 组织清单与全国碳市场边界之差 inventory − ETS", formula="ΔE = E_inventory − E_ETS")
    diff.add("E_inventory", "组织排放清单（附录 A）full inventory (Annex A)", full, CO2E, {"step": "total"})
    diff.add("E_ETS", "全国碳市场核算边界 national ETS boundary", total.value, CO2E, {"step": "ets.total"})
    by_source: dict = {}
    for e in entries:
        flag, reason, category = in_ets.get(e.source, (False, None, None))
        s = by_source.setdefault(
            e.source,
            {
                "source": e.source,
                "title": e.source_title,
                "category": e.category,
                "in_ets": flag,
                "why": ets_why(reason, category),
                "reason": reason,
                "reason_category": category,
                "inventory": 0.0,
                "ets": 0.0,
            },
        )
        s["inventory"] += e.result.total.value
        s["ets"] += e.result.total.value if flag else 0.0
    for s in by_source.values():
        s["difference"] = s["inventory"] - s["ets"]
        if s["difference"]:
            diff.notes.append(f"{s['source']} ({s['category']}): {s['difference']:.10g} tCO2e outside the ETS boundary ({s['why']})")
    return {"total": total.as_dict(), "difference": diff.as_dict(), "by_source": by_source}


#: Why a source is inside the national ETS boundary or not (ets.by_source.*.reason, results.EtsReason):
#: the source's own ets_boundary, else its category against the power sector's boundary. The
#: result carries the code and the category (compute._in_ets); the site says the sentence in its
#: language from site/strings.yaml (ets_why). This English is the result's `why`, for tools and
#: the difference's notes.
ETS_WHY = {
    "flag_inside": "ets_boundary: true",
    "flag_outside": "ets_boundary: false",
    "category_inside": "{category}: inside the boundary of a power generation facility",
    "category_outside": "{category}: outside the boundary of a power generation facility",
}


def ets_why(reason: str | None, category: str | None) -> str:
    """The English of a reason code (ETS_WHY), "" for none (a source the run does not know)."""
    return ETS_WHY[reason].format(category=category or "") if reason else ""

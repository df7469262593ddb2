"""Performance indicators (6.2, A.6.2), compared with their baseline and benchmark (6.3, A.6.1 d),
and the progress of targets (6.4).

Pure functions over a year's inventory (checks.emissions.inventory.year_inventory):

- :func:`select_entries` — the activity computations an indicator's ``emissions`` selects;
- :func:`indicator_value` — the indicator's value for a year as a Traced, in the inventory's
  units (tCO2e, or tCO2e per product unit / per 10^4 CNY), before conversion to the
  indicator's own unit (the wiring converts with cms_build.units);
- :func:`baseline_value` — the average over the base years (A.6.1 d), or the stated value;
- :func:`compare` — change from baseline and gap to the benchmark, in %;
- :func:`target_progress` — the share of the planned improvement achieved against the share
  of the time elapsed, and a status.
"""

from __future__ import annotations

import datetime as dt

from cms_build.api import Input, Traced

from .inventory import change_pct


def select_entries(selection: dict | None, inventory: dict) -> list[dict]:
    """Entries (activity computations) matching every condition of an indicator's selection."""
    sel = selection or {}
    out = []
    for rec, e in sorted(inventory.get("entries", {}).items()):
        if sel.get("sources") and e.get("source") not in sel["sources"]:
            continue
        if sel.get("facilities") and e.get("facility") not in sel["facilities"]:
            continue
        if sel.get("sites") and e.get("site") not in sel["sites"]:
            continue
        if sel.get("categories") and e.get("category") not in sel["categories"]:
            continue
        out.append(e)
    return out


def emissions_of(selection: dict | None, inventory: dict, label: str) -> Traced:
    """The emissions an indicator counts: a sum over the selected entries (and gases)."""
    gases = (selection or {}).get("gases") or []
    t = Traced(0.0, "tCO2e", label=label, formula="E = Σ E_i")
    for e in select_entries(selection, inventory):
        if gases:
            for gas in gases:
                g = e.get("gases", {}).get(gas)
                if g:
                    t.inputs.append(Input(f"E[{e['record']}]", f"{e['source']} {gas}", g["value"], "tCO2e", e.get("record_source", {})))
        else:
            t.inputs.append(Input(f"E[{e['record']}]", e["source"], e["total"]["value"], "tCO2e", e.get("record_source", {})))
    t.value = sum(i.value for i in t.inputs)
    return t


def output_of(denominator: dict, inventory: dict) -> Traced | None:
    """The denominator of an intensity: a product's output (of some facilities or sites) or
    the output value. None when the year has no such figure."""
    if denominator.get("output_value"):
        ov = inventory.get("output_value")
        if not ov:
            return None
        t = Traced(ov["value"], ov["unit"], label=ov.get("label") or "output value", formula=ov.get("formula", ""))
        t.inputs = [Input(i["symbol"], i["name"], i["value"], i["unit"], i["source"]) for i in ov.get("inputs", [])]
        return t
    key = denominator.get("product")
    prod = inventory.get("products", {}).get(key)
    if not prod:
        return None
    facilities, sites = denominator.get("facilities") or [], denominator.get("sites") or []
    rows = [r for r in prod["rows"] if (not facilities or r.get("facility") in facilities) and (not sites or r.get("site") in sites)]
    if not rows:
        return None
    t = Traced(sum(r["value"] for r in rows), prod["unit"], label=f"P {prod['name']}", formula="P = Σ P_i")
    for i, r in enumerate(rows):
        t.inputs.append(Input(f"P[{i}]", r.get("facility") or r.get("site") or prod["name"], r["value"], r["unit"], r["source"]))
    return t


def indicator_value(ind: dict, inventory: dict, label: str = "") -> Traced | None:
    """The indicator's value for the inventory's year (None when an intensity lacks its denominator)."""
    measure = ind.get("measure")
    e = emissions_of(ind.get("emissions"), inventory, label or "E")
    if measure == "total":
        e.method = "6.2"
        return e
    if measure == "intensity":
        den = output_of(ind.get("denominator") or {}, inventory)
        if den is None or not den.value:
            return None
        value = e.value / den.value
        t = Traced(value, f"tCO2e/{den.unit}", label=label or "I", formula="I = E / P", method="6.2")
        t.add("E", "排放量 emissions", e.value, "tCO2e", {"step": "E"})
        t.add("P", den.label, den.value, den.unit, {"step": "P"})
        t.steps.extend([e, den])
        t.notes.append(f"{e.value:.10g} tCO2e / {den.value:.10g} {den.unit} = {value:.10g} tCO2e/{den.unit}")
        return t
    return None


def baseline_value(
    stated: float | None, unit: str, years: list[int], values: dict[int, float], source: dict, label: str = "baseline"
) -> tuple[Traced | None, str]:
    """The baseline: the stated value, or the average of the indicator over the base years.

    Returns (Traced or None, reason when None)."""
    if stated is not None:
        t = Traced(float(stated), unit, label=label, formula="B = stated value", method="6.3")
        t.add("B", "基准值 baseline", float(stated), unit, source)
        return t, ""
    missing = [y for y in years if y not in values]
    if not years or missing:
        return None, f"no indicator value for base year(s) {', '.join(map(str, missing or years))}"
    avg = sum(values[y] for y in years) / len(years)
    t = Traced(avg, unit, label=label, formula="B = Σ I_y / n" if len(years) > 1 else "B = I_base year", method="6.3")
    for y in years:
        t.add(f"I[{y}]", f"{y}", values[y], unit, {"indicator_year": y})
    return t, ""


def compare(value: float | None, baseline: float | None, benchmark: float | None) -> dict:
    """Change from the baseline and distance to the benchmark, in % (positive = above)."""
    return {"vs_baseline_pct": change_pct(baseline, value), "vs_benchmark_pct": change_pct(benchmark, value)}


def target_value_from(baseline: float | None, target_value: float | None, reduction_pct: float | None, direction: str = "lower") -> float | None:
    """The target in the indicator's unit: given, or the baseline less (or plus) a percentage."""
    if target_value is not None:
        return float(target_value)
    if baseline is None or reduction_pct is None:
        return None
    sign = -1 if direction == "lower" else 1
    return baseline * (1 + sign * reduction_pct / 100.0)


def target_progress(
    *,
    baseline: float | None,
    target: float | None,
    values: dict[int, float],
    base_end: dt.date | None,
    deadline: dt.date | None,
    as_of: dt.date,
    direction: str = "lower",
    margin_pct: float = 0.0,
) -> dict:
    """How far a target has come.

    achieved_pct = (B − V) / (B − T) × 100: the share of the planned change from baseline B to
    target T achieved by the latest complete year's value V. expected_pct = the share of the
    time from the end of the base period to the deadline that has passed by the end of that
    year. Status: achieved (V at or beyond T), missed (deadline passed, not achieved),
    on_track (achieved ≥ expected − margin), behind, or no_data.
    """
    out = {"baseline": baseline, "target": target, "latest_year": None, "latest": None, "achieved_pct": None, "expected_pct": None, "status": "no_data"}
    years = sorted(y for y in values if dt.date(y, 12, 31) <= as_of)
    if baseline is None or target is None or not years:
        return out
    if deadline is not None:
        in_time = [y for y in years if y <= deadline.year]
        years = in_time or years
    latest = years[-1]
    v = values[latest]
    out.update(latest_year=latest, latest=v)
    if baseline != target:
        out["achieved_pct"] = (baseline - v) / (baseline - target) * 100.0
    if base_end is not None and deadline is not None and deadline > base_end:
        elapsed = (dt.date(latest, 12, 31) - base_end).days / (deadline - base_end).days
        out["expected_pct"] = max(0.0, min(1.0, elapsed)) * 100.0
    reached = v <= target if direction == "lower" else v >= target
    if reached:
        out["status"] = "achieved"
    elif deadline is not None and deadline < as_of and dt.date(latest, 12, 31) >= deadline:
        out["status"] = "missed"
    elif out["achieved_pct"] is not None and out["expected_pct"] is not None:
        out["status"] = "on_track" if out["achieved_pct"] >= out["expected_pct"] - margin_pct else "behind"
    else:
        out["status"] = "behind"
    return out

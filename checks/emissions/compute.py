"""Emissions inventory (6.1.2 e-f, Annex A, E, F): computed once, read by every check and by the site.

The computation "emissions" computes every activity_data record with
checks.emissions.lines.compute_line, aggregates each reporting year with
checks.emissions.inventory.year_inventory, and evaluates indicators, baselines and targets with
checks.emissions.indicators. It leaves in ctx.results["emissions"]:

    {
      "gwp_set": "AR5",                      # settings.gwp_set: the IPCC set of every GWP used
      "settings": {"grid_factor": key, "heat_factor": key},
      "years": {"2024": <year>, ...},        # see checks/emissions/inventory.py for <year>; plus
                                             #   "changes":  year_changes() vs the previous year
                                             #   "reported": {"record", "value", "unit": "tCO2e",
                                             #                "difference", "difference_pct",
                                             #                "comparison": Traced ΔE = E_rep − E_calc} | None
                                             #   "verified": {"record", "value", "unit": "tCO2e",
                                             #                "opinion", "date"} | None
      "not_computed": ["AD-..."],            # activity records whose inputs could not be computed
      "excluded": ["AD-..."],                # activity of sources/facilities outside the boundary
      "indicators": {"IND-...": {
          "id", "title", "level", "measure", "unit", "subject", "direction",
          "values": {"2023": Traced, ...},   # in the indicator's unit
          "baseline": {"record", "years", "value", "unit", "trace": Traced} | None,
          "benchmark": {"record", "value", "unit", "basis", "source"} | None,
          "comparison": {"2024": {"vs_baseline_pct", "vs_benchmark_pct"}},
          "problems": ["..."]}},
      "targets": {"TGT-...": {
          "id", "title", "indicator", "baseline_record", "unit", "deadline",
          "baseline", "target", "latest_year", "latest", "achieved_pct", "expected_pct",
          "status": "achieved" | "on_track" | "behind" | "missed" | "no_data",
          "action_plans": ["AP-..."]}},
    }

Every number that is computed is a Traced dict (value, unit, formula, inputs with their
sources, steps, notes), so the site and `cms export` show how it was obtained. Inputs that
cannot be computed (an impossible unit, a missing parameter) are findings of the rule
"emissions.compute" pointing at the field.
"""

from __future__ import annotations

from cms_build.api import csvfile
from cms_build.api import dates, units
from cms_build.api import computation
from . import indicators as ic
from .lines import CalcError, compute_line
from .inventory import (
    ETS_POWER_CATEGORIES,
    Entry,
    ProductRow,
    change_pct,
    ets_inventory,
    in_national_ets,
    reported_vs_recomputed,
    year_changes,
    year_inventory,
)
from cms_build.api import Input, Traced, record_source

from .statuses import STATUSES
from .results import EmissionsResult

OUTPUT_VALUE_UNIT = "10^4 CNY"
INACTIVE = ("superseded", "withdrawn")


def setting(ctx, name: str):
    """A emissions setting (the schema's documented default when the settings do not give it)."""
    return ctx.setting(f"emissions.{name}")


def _num(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _year(record) -> int | None:
    y = record.get("year")
    return y if isinstance(y, int) and not isinstance(y, bool) else None


def in_boundary(source, ctx) -> bool:
    """A source counts when neither it nor its facility is marked outside the boundary."""
    if source.get("in_boundary") is False:
        return False
    fac = ctx.get(source.get("facility")) if isinstance(source.get("facility"), str) else None
    return not (fac is not None and fac.get("in_boundary") is False)


# -- activity -----------------------------------------------------------------------------
def _entries(ctx, gwp_set: str, defaults: dict) -> tuple[list[Entry], list[str], list[str]]:
    entries, failed, excluded = [], [], []
    for rec in ctx.records("activity_data"):
        src = ctx.get(rec.get("source"))
        year = _year(rec)
        if src is None or src.kind != "emission_source" or year is None:
            continue  # the index reports the dangling reference
        if not in_boundary(src, ctx):
            excluded.append(rec.id)
            continue
        fac = ctx.get(src.get("facility"))
        try:
            # the source's category and fuel tell the origin of methane (AR6 fossil / non-fossil GWP)
            here = dict(defaults, source_category=src.get("category"), source_fuel=src.get("fuel"))
            result = compute_line(
                rec.get("line"),
                gwp_set=gwp_set,
                record=rec,
                path=("line",),
                root=ctx.root,
                lookup=ctx.get,
                defaults=here,
                label=f"{year} {src.title}",
                table_limits=csvfile.table_limits(ctx.setting),
            )
        except CalcError as exc:
            ctx.report(exc.issue(rec))
            failed.append(rec.id)
            continue
        line = rec.get("line") or {}
        entries.append(
            Entry(
                year=year,
                record=rec.id,
                source=src.id,
                result=result,
                record_source=record_source(rec, ("line",)),
                source_title=src.title,
                facility=fac.id if fac is not None else None,
                site=fac.get("site") if fac is not None else None,
                process=fac.get("process") if fac is not None else None,
                category=src.get("category") or "other",
                method=line.get("method") or src.get("method") or "",
                fuel=line.get("fuel") or src.get("fuel"),
                material=line.get("material") or src.get("material"),
            )
        )
    return entries, failed, excluded


# -- products and output value ------------------------------------------------------------------
def _products(ctx) -> tuple[list[ProductRow], dict[int, Traced]]:
    rows: list[ProductRow] = []
    unit_of: dict[tuple, str] = {}
    values: dict[int, Traced] = {}
    for rec in ctx.records("product_output"):
        year = _year(rec)
        if year is None:
            continue
        for i, p in enumerate(rec.get("products") or []):
            out = p.get("output") or {}
            v, u = _num(out.get("value")), out.get("unit")
            if v is None or not isinstance(u, str):
                continue
            key = (year, p.get("product"))
            target = unit_of.setdefault(key, u)
            try:
                conv = units.convert(v, u, target)
            except units.UnitError as exc:
                ctx.report(
                    rec.issue(
                        ("products", i, "output", "unit"),
                        f"{p.get('product')} is recorded in {u} here but in {target} elsewhere in {year}: {exc.message}",
                        hint=exc.hint or f"give every {p.get('product')} output of {year} in a unit convertible to {target}",
                    )
                )
                continue
            rows.append(
                ProductRow(
                    year=year,
                    product=p.get("product"),
                    name=p.get("name") or p.get("product"),
                    name_en=p.get("name_en") or "",
                    value=conv,
                    unit=target,
                    source=record_source(rec, ("products", i, "output", "value")),
                    facility=p.get("facility"),
                    site=p.get("site") or (ctx.get(p["facility"]).get("site") if p.get("facility") and ctx.get(p["facility"]) else None),
                    design_capacity=p.get("design_capacity"),
                    note=p.get("note") or "",
                    data_source=p.get("data_source") or "",
                    recorded=None if u == target else {"value": v, "unit": u},
                )
            )
        ov = rec.get("output_value")
        if isinstance(ov, dict) and _num(ov.get("value")) is not None:
            try:
                conv = units.convert(ov["value"], ov.get("unit"), OUTPUT_VALUE_UNIT)
            except units.UnitError as exc:
                ctx.report(
                    rec.issue(("output_value", "unit"), f"the output value must be money: {exc.message}", hint=exc.hint or "give it in 10^4 CNY (万元) or CNY")
                )
                continue
            t = values.setdefault(year, Traced(0.0, OUTPUT_VALUE_UNIT, label=f"{year} 工业总产值 output value", formula="OV = Σ OV_i"))
            t.inputs.append(Input(f"OV[{rec.id}]", "工业总产值 output value", ov["value"], ov.get("unit"), record_source(rec, ("output_value", "value"))))
            t.value += conv
    return rows, values


def _reported(ctx, years: dict) -> None:
    for rec in ctx.records("reported_inventory"):
        y = _year(rec)
        inv = years.get(str(y))
        if inv is None or rec.status in INACTIVE:
            continue
        tot = rec.get("total") or {}
        try:
            value = units.convert(tot.get("value"), tot.get("unit"), "tCO2e")
        except (units.UnitError, TypeError) as exc:
            ctx.report(rec.issue(("total", "unit"), f"the reported total is not an emission: {getattr(exc, 'message', exc)}", hint="give it in tCO2 or tCO2e"))
            continue
        computed = inv["total"]["value"]
        stated = f"{tot.get('value')} {tot.get('unit')}" if tot.get("unit") != "tCO2e" else ""
        inv["reported"] = {
            "record": rec.id,
            "value": value,
            "unit": "tCO2e",
            "difference": value - computed,
            "difference_pct": change_pct(computed, value),
            # the same figures as one trace, read on the record's page and by cms show
            "comparison": reported_vs_recomputed(value, record_source(rec, ("total", "value")), inv["total"], stated),
        }


def _in_ets(src) -> tuple[bool, str, str | None]:
    """(inside the national ETS boundary, the reason's code (results.EtsReason), the category it
    was judged by: None when the source's own ets_boundary says)."""
    flag = src.get("ets_boundary")
    if isinstance(flag, bool):
        return flag, "flag_inside" if flag else "flag_outside", None
    cat = src.get("category") or "other"
    if cat in ETS_POWER_CATEGORIES:
        return True, "category_inside", cat
    return False, "category_outside", cat


def _ets(ctx, entries, years: dict) -> None:
    """The national ETS figure beside the full inventory, for an organization in the national ETS
    (mandatory_schemes) or with a source that says ets_boundary."""
    sources = {s.id: s for s in ctx.records("emission_source")}
    in_scheme = in_national_ets(ctx)
    if not in_scheme and not any(isinstance(s.get("ets_boundary"), bool) for s in sources.values()):
        return
    in_ets = {sid: _in_ets(s) for sid, s in sources.items()}
    for y, inv in years.items():
        inv["ets"] = ets_inventory(int(y), entries, in_ets)


#: Opinions of a verification statement that verify no figure: adverse (否定意见) and a disclaimer
#: (无法表示意见); a qualified opinion (保留意见) verifies the figure with reservations.
NOT_VERIFIED = ("adverse", "disclaimer")


def _verified(ctx, years: dict) -> None:
    for rec in ctx.records("verification"):
        st = rec.get("statement") or {}
        inv = years.get(str(_year(rec)))
        ve = st.get("verified_emissions") or {}
        if inv is None or not st or rec.status in INACTIVE or st.get("opinion") in NOT_VERIFIED:
            continue  # an adverse opinion or a disclaimer verifies no figure (emissions.verification-opinion)
        try:
            value = units.convert(ve.get("value"), ve.get("unit"), "tCO2e")
        except (units.UnitError, TypeError) as exc:
            ctx.report(
                rec.issue(
                    ("statement", "verified_emissions", "unit"),
                    f"the verified emissions are not an emission: {getattr(exc, 'message', exc)}",
                    hint="give them in tCO2 or tCO2e",
                )
            )
            continue
        inv["verified"] = {"record": rec.id, "value": value, "unit": "tCO2e", "opinion": st.get("opinion"), "date": st.get("date")}


# -- indicators, baselines, targets ----------------------------------------------------------
def _in_unit(t: Traced, unit: str) -> Traced:
    """t converted to unit (the indicator's), the conversion noted."""
    if t.unit == unit:
        return t
    value = units.convert(t.value, t.unit, unit)
    t.notes.append(f"{t.value:.10g} {t.unit} = {value:.10g} {unit} (cms_build.units)")
    t.value, t.unit = value, unit
    return t


def _indicator(ind, ctx, years: dict) -> dict:
    unit = ind.get("unit")
    out = {
        "id": ind.id,
        "title": ind.title,
        "level": ind.get("level"),
        "measure": ind.get("measure"),
        "unit": unit,
        "subject": ind.get("subject"),
        "direction": ind.get("direction") or "lower",
        "values": {},
        "baseline": None,
        "benchmark": None,
        "comparison": {},
        "problems": [],
    }
    if ind.get("measure") == "other":
        for i, row in enumerate(ind.get("values") or []):
            t = Traced(float(row["value"]), unit, label=f"{row['year']} {ind.title}", formula="recorded value", method="6.2")
            t.add("I", ind.title, row["value"], unit, record_source(ind, ("values", i, "value")))
            t.notes.append(f"source: {row.get('source')}")
            out["values"][str(row["year"])] = t
    else:
        for y, inv in sorted(years.items()):
            t = ic.indicator_value(ind.data, inv, label=f"{y} {ind.title}")
            if t is None:
                out["problems"].append(f"{y}: no denominator (product output or output value) for the intensity")
                continue
            try:
                out["values"][y] = _in_unit(t, unit)
            except units.UnitError as exc:
                ctx.report(
                    ind.issue(
                        "unit",
                        f"the indicator's unit {unit} does not fit its value in {t.unit}: {exc.message}",
                        hint=exc.hint or f"use a unit convertible to {t.unit}",
                    )
                )
                out["values"] = {}
                break
    numbers = {int(y): t.value for y, t in out["values"].items()}
    bl = _baseline_record(ind, ctx)
    if bl is not None:
        years_ = [y for y in (bl.get("years") or []) if isinstance(y, int)]
        stated = _num(bl.get("value"))
        if stated is not None and bl.get("unit") and bl.get("unit") != unit:
            try:
                stated = units.convert(stated, bl.get("unit"), unit)
            except units.UnitError as exc:
                ctx.report(bl.issue("unit", f"the baseline's unit {bl.get('unit')} does not fit the indicator's {unit}: {exc.message}"))
                stated = None
        t, why = ic.baseline_value(stated, unit, years_, numbers, record_source(bl, "value"), label=f"{ind.title} 基准 baseline")
        out["baseline"] = {"record": bl.id, "years": years_, "value": t.value if t else None, "unit": unit, "trace": t.as_dict() if t else None}
        if why:
            out["problems"].append(f"baseline {bl.id}: {why}")
        bm = bl.get("benchmark")
        if isinstance(bm, dict) and _num(bm.get("value")) is not None:
            try:
                bu = bm.get("unit") or unit
                bv = float(bm["value"]) if bu == unit else units.convert(bm["value"], bu, unit)
                out["benchmark"] = {"record": bl.id, "value": bv, "unit": unit, "basis": bm.get("basis"), "source": bm.get("source")}
            except units.UnitError as exc:
                ctx.report(bl.issue(("benchmark", "unit"), f"the benchmark's unit does not fit the indicator's {unit}: {exc.message}"))
    b = out["baseline"]["value"] if out["baseline"] else None
    m = out["benchmark"]["value"] if out["benchmark"] else None
    out["comparison"] = {str(y): ic.compare(v, b, m) for y, v in sorted(numbers.items())}
    out["values"] = {y: t.as_dict() for y, t in out["values"].items()}
    return out


def _baseline_record(ind, ctx, prefer: str | None = None):
    """The indicator's baseline in force: the one named, else the latest by base year."""
    if prefer:
        bl = ctx.get(prefer)
        if bl is not None and bl.kind == "baseline":
            return bl
    cands = [b for b in ctx.referring(ind.id, "baseline") if b.status not in INACTIVE]
    if not cands:
        return None
    return max(cands, key=lambda b: (max([y for y in b.get("years") or [] if isinstance(y, int)] or [0]), b.id))


def _target(tgt, ctx, indicators: dict) -> dict:
    out = {
        "id": tgt.id,
        "title": tgt.title,
        "indicator": tgt.get("indicator"),
        "baseline_record": None,
        "unit": None,
        "deadline": tgt.get("deadline"),
        "action_plans": list(tgt.get("action_plans") or []),
        "baseline": None,
        "target": None,
        "latest_year": None,
        "latest": None,
        "achieved_pct": None,
        "expected_pct": None,
        "status": "no_data",
    }
    ind = ctx.get(tgt.get("indicator")) if isinstance(tgt.get("indicator"), str) else None
    res = indicators.get(ind.id) if ind is not None else None
    if ind is None or res is None:
        return out
    unit = res["unit"]
    out["unit"] = unit
    bl = _baseline_record(ind, ctx, tgt.get("baseline"))
    baseline = None
    base_end = None
    if bl is not None:
        out["baseline_record"] = bl.id
        if res["baseline"] and res["baseline"]["record"] == bl.id:
            baseline = res["baseline"]["value"]
        else:
            nums = {int(y): v["value"] for y, v in res["values"].items()}
            t, _ = ic.baseline_value(_num(bl.get("value")), unit, [y for y in bl.get("years") or [] if isinstance(y, int)], nums, record_source(bl, "value"))
            baseline = t.value if t else None
        years_ = [y for y in bl.get("years") or [] if isinstance(y, int)]
        if years_:
            base_end = dates.parse(f"{max(years_)}-12-31")
    tv = tgt.get("target_value") or {}
    target_value = _num(tv.get("value")) if isinstance(tv, dict) else None
    if target_value is not None and tv.get("unit") and tv.get("unit") != unit:
        try:
            target_value = units.convert(target_value, tv["unit"], unit)
        except units.UnitError as exc:
            ctx.report(tgt.issue(("target_value", "unit"), f"the target's unit {tv['unit']} does not fit the indicator's {unit}: {exc.message}"))
            target_value = None
    target = ic.target_value_from(baseline, target_value, _num(tgt.get("reduction_pct")), res["direction"])
    values = {int(y): v["value"] for y, v in res["values"].items()}
    progress = ic.target_progress(
        baseline=baseline,
        target=target,
        values=values,
        base_end=base_end,
        deadline=dates.parse(tgt.get("deadline")),
        as_of=ctx.as_of,
        direction=res["direction"],
        margin_pct=float(setting(ctx, "target_behind_margin_pct") or 0),
    )
    out.update(progress)
    return out


@computation(
    "emissions",
    title="排放清单 Emissions inventory",
    clauses=["6.1.2 e", "6.1.2 f", "6.2", "6.3", "A.9.1.1", "E.1", "F.2", "F.3", "F.4"],
    statuses=STATUSES,
    consolidation="._group:CONSOLIDATION",  # imported by a group only (issue 19)
)
def emissions(ctx):
    gwp_set = ctx.setting("gwp_set") or "AR5"
    defaults = {"grid": setting(ctx, "grid_factor"), "heat": setting(ctx, "heat_factor"), "ch4_combustion_origin": setting(ctx, "ch4_combustion_origin")}
    entries, failed, excluded = _entries(ctx, gwp_set, defaults)
    products, output_values = _products(ctx)
    years: dict = {}
    for year in sorted({e.year for e in entries}):
        inv = year_inventory(year, entries, products, output_values.get(year), gwp_set)
        inv["changes"] = year_changes(years.get(str(year - 1)), inv)
        inv["reported"] = None
        inv["verified"] = None
        years[str(year)] = inv
    _ets(ctx, entries, years)
    _reported(ctx, years)
    _verified(ctx, years)
    indicators = {ind.id: _indicator(ind, ctx, years) for ind in ctx.records("indicator")}
    targets = {t.id: _target(t, ctx, indicators) for t in ctx.records("target") if t.status not in INACTIVE}
    # validated here, so a result of the wrong shape is a crash of this computation (results.py)
    return EmissionsResult.model_validate(
        {"gwp_set": gwp_set, "settings": defaults, "years": years, "not_computed": failed, "excluded": excluded, "indicators": indicators, "targets": targets}
    )

"""Purchasing control and value-chain emissions (A.8.2.3; 8.2.1 b the purchasing process).

A.8.2.3: 组织在重点用能设备等方面的采购，应考虑碳排放绩效较高的产品、服务，如新能源等。组织应关注
供应商的碳排放管理。必要时，应评价供应商的碳排放绩效。

What a rule can see: each procurement record (procurement) and each supplier (supplier). A purchase
of key energy-using equipment must record how its emission performance was considered; every
supplier must record what of its carbon management is followed; a supplier the organization marks as
needing an evaluation, or one that supplies key energy-using equipment, must have an evaluation by
the as-of date. Whether the consideration or the evaluation is good enough is for a reviewer.

The computation `value_chain` gives each purchase with a quantity and a factor its cradle-to-gate
emissions E = Q × EF, traced, by year and by category: GHG Protocol Scope 3 category 2 (capital
goods) for equipment, category 1 (purchased goods and services) otherwise; both are ISO 14064-1
category 4 (indirect emissions from products used by the organization). These are other indirect
emissions: the computation is apart from `emissions` and nothing adds them into the inventory, the
organization's direct total or the ETS figures.
"""

from __future__ import annotations

from cms_build.api import DONE, CmsProblem, Traced, check, computation, dates, record_source, units

from .results import ValueChainResult

KEY_EQUIPMENT = "key_energy_using_equipment"
#: GHG Protocol Corporate Value Chain (Scope 3) Standard (2011), table 5.4: the categories
SCOPE3 = {
    KEY_EQUIPMENT: (2, "资本货物 Capital goods"),
    "purchased_goods": (1, "外购商品和服务 Purchased goods and services"),
    "purchased_service": (1, "外购商品和服务 Purchased goods and services"),
}
#: ISO 14064-1:2018, 5.2.4 c): category 4, indirect GHG emissions from products used by the organization
ISO_CATEGORY = 4
#: numerators a factor may be given in, to tCO2e
MASS = {"tco2e": 1.0, "kgco2e": 0.001, "tco2": 1.0, "kgco2": 0.001}


def _num(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _in_force(record, as_of) -> bool:
    return record.status in DONE and record.known_by(as_of)


def _per_unit(record, q_unit: str, ef_unit: str):
    """(tCO2e per 1 q_unit of the factor's numerator scale, conversion of Q into the factor's
    denominator) or an issue when the units do not fit."""
    num, _, den = str(ef_unit).replace(" ", "").partition("/")
    scale = MASS.get(num.lower())
    if scale is None or not den:
        return None, record.issue(
            ("emission_factor", "unit"), f"the factor's unit {ef_unit!r} is not tCO2e/<unit> or kgCO2e/<unit>", hint="write e.g. tCO2e/t or kgCO2e/台"
        )
    if den == str(q_unit).strip():
        return (scale, 1.0), None
    try:
        return (scale, units.convert(1.0, q_unit, den)), None
    except CmsProblem:  # a unit pint does not know (台, 套) or of another dimension
        return None, record.issue(
            ("emission_factor", "unit"),
            f"the factor is per {den!r} but the quantity is in {q_unit!r}: they cannot be converted",
            hint="give the quantity in the factor's unit",
        )


def _purchase(record, ctx):
    """The traced emissions of one purchase, or None when it has no quantity and factor."""
    q, ef = record.get("quantity") or {}, record.get("emission_factor") or {}
    qv, efv = _num(q.get("value")), _num(ef.get("value"))
    if qv is None or efv is None:
        return None
    conv, problem = _per_unit(record, q.get("unit", ""), ef.get("unit", ""))
    if problem:
        ctx.report(problem)
        return None
    scale, factor = conv
    ptype = record.get("procurement_type")
    cat, cat_name = SCOPE3.get(ptype, (1, SCOPE3["purchased_goods"][1]))
    t = Traced(
        qv * factor * efv * scale,
        "tCO2e",
        f"价值链排放 Value-chain emissions {record.id}",
        "E = Q × EF",
        "A.8.2.3; GHG Protocol Scope 3 category %d; ISO 14064-1 category %d" % (cat, ISO_CATEGORY),
    )
    t.add("Q", f"采购量 quantity of {record.get('item')}", qv, q.get("unit", ""), record_source(record, "quantity.value"))
    t.add("EF", "排放因子 emission factor", efv, ef.get("unit", ""), record_source(record, "emission_factor.value"), note=str(ef.get("citation") or ""))
    if factor != 1.0 or scale != 1.0:
        t.notes.append(f"units: Q × {factor:g} to the factor's unit, × {scale:g} to tCO2e")
    t.notes.append("other indirect emissions: not part of the inventory total, the direct total or the ETS figures")
    year = (dates.parse(record.get("purchase_date")) or ctx.as_of).year
    return {
        "record": record.id,
        "item": record.get("item"),
        "supplier": record.get("supplier"),
        "year": year,
        "scope3_category": cat,
        "scope3_category_name": cat_name,
        "iso14064_category": ISO_CATEGORY,
        "total": t,
    }


@computation("value_chain", title="价值链排放 Value-chain emissions of purchases (Scope 3, ISO 14064-1 category 4)", clauses=["A.8.2.3"], subsystem="A")
def value_chain(ctx):
    # a purchase dated after the as-of date has not happened yet: it is left out (determinism)
    purchases = [
        p for r in ctx.records("procurement") if _in_force(r, ctx.as_of) and (r.date("purchase_date") or ctx.as_of) <= ctx.as_of and (p := _purchase(r, ctx))
    ]
    years: dict[str, dict] = {}
    for p in purchases:
        y = years.setdefault(str(p["year"]), {"by_category": {}, "parts": []})
        y["parts"].append(p["total"])
        key = str(p["scope3_category"])
        y["by_category"][key] = y["by_category"].get(key, 0.0) + p["total"].value
    out_years = {}
    for year, y in sorted(years.items()):
        t = Traced(sum(x.value for x in y["parts"]), "tCO2e", f"价值链排放合计 Value-chain emissions {year}", "E_vc = Σ E_purchase", "A.8.2.3")
        t.steps.extend(y["parts"])
        t.notes.append("shown apart: never added into the inventory total, the direct total or the ETS figures")
        out_years[year] = {"total": t.as_dict(), "by_scope3_category": dict(sorted(y["by_category"].items()))}
    return ValueChainResult.model_validate({"purchases": {p["record"]: {**p, "total": p["total"].as_dict()} for p in purchases}, "years": out_years})


@check(
    "emissions.key-equipment-procurement-without-emission-performance",
    title="重点用能设备采购考虑碳排放绩效 Purchases of key energy-using equipment consider emission performance",
    clauses=["A.8.2.3"],
    severity="error",
    kinds=["procurement"],
    scope="record",
)
def key_equipment(record, ctx):
    """A.8.2.3 (first sentence): a purchase of key energy-using equipment in force without its
    emission_performance considered is an error."""
    if record.get("procurement_type") == KEY_EQUIPMENT and _in_force(record, ctx.as_of) and not str(record.get("emission_performance") or "").strip():
        yield record.issue(
            "procurement_type",
            f"the purchase of key energy-using equipment {record.id} does not record how it considered emission performance (A.8.2.3)",
            hint="add emission_performance: the products compared, their efficiency or unit emissions, and why this one",
        )


def _equipment_suppliers(ctx) -> set:
    return {
        r.get("supplier") for r in ctx.records("procurement") if r.get("procurement_type") == KEY_EQUIPMENT and _in_force(r, ctx.as_of) and r.get("supplier")
    }


@check(
    "emissions.supplier-carbon-management-not-followed",
    title="关注供应商的碳排放管理 A supplier's carbon management is followed",
    clauses=["A.8.2.3"],
    severity="error",
    kinds=["supplier"],
    scope="record",
)
def carbon_management(record, ctx):
    """A.8.2.3 (second sentence): an approved supplier without carbon_management is an error."""
    if _in_force(record, ctx.as_of) and not str(record.get("carbon_management") or "").strip():
        yield record.issue(
            "name",
            f"the supplier {record.id} has no record of its carbon management being followed (A.8.2.3)",
            hint="add carbon_management: what is followed and how",
        )


@check(
    "emissions.supplier-emission-performance-not-evaluated",
    title="必要时评价供应商的碳排放绩效 A supplier is evaluated where needed",
    clauses=["A.8.2.3"],
    severity="error",
    kinds=["supplier"],
)
def not_evaluated(record, ctx):
    """A.8.2.3 (third sentence): a supplier marked evaluation_needed, or supplying key energy-using
    equipment purchased, with no evaluation dated on or before the as-of date is an error."""
    if not _in_force(record, ctx.as_of):
        return
    needed = record.get("evaluation_needed") is True
    equipment = record.id in _equipment_suppliers(ctx)
    if not (needed or equipment):
        return
    done = [e for e in record.get("evaluations") or [] if isinstance(e, dict) and (d := dates.parse(e.get("date"))) and d <= ctx.as_of]
    if not done:
        why = "it supplies key energy-using equipment" if equipment else "evaluation_needed is true"
        yield record.issue(
            "evaluations" if record.get("evaluations") else "name",
            f"the supplier {record.id} has no emission-performance evaluation by {ctx.as_of} although {why} (A.8.2.3)",
            hint="add an evaluation (date, findings, result)",
        )

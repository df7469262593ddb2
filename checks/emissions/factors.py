"""Rules on emission factors and parameters: every figure has a source; measured where the
monitoring plan says measured; a value given with its samples is their mean (6.1.2 e, A.6.1 b)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cms_build.api import check
from cms_build.api import dates, not_yet
from . import activity_rows
from .lines import PARAMETER_FIELDS as PARAMS
from .lines import line_parameters
from cms_build.api import format_path
from cms_build.api import parse_path

INACTIVE = ("superseded", "withdrawn")
MEASURED = ("measured", "calculated", "supplier")
NESTED = ("other_gases", "inputs", "outputs")


def _unsourced(spec: dict) -> bool:
    """An own value (value + unit) with nothing saying where it comes from."""
    return ("value" in spec or "samples" in spec) and not any(spec.get(k) for k in ("source", "test_standard", "lab", "report"))


@check(
    "emissions.factor-without-source",
    title="排放因子和计算系数注明来源 Every emission factor and parameter cites its source",
    clauses=["6.1.2 e", "A.6.1 b"],
    severity="error",
    kinds=["activity_data", "emission_factor"],
    scope="record",
)
def factor_without_source(record, ctx):
    """6.1.2 e): activity data and emission factors are determined, and table E.5 asks where
    each factor comes from. An own value needs source (or the test standard, lab, report of
    its measurement); a library key or an emission_factor record carries its citation."""
    if record.kind == "emission_factor":
        if not record.get("source") and not record.get("measurement"):
            yield record.issue(
                "value",
                f"the {record.get('parameter')} value {record.get('value')} {record.get('unit')} does not say where it comes from",
                hint="add source: (test report, calculation or reference) and, if measured, measurement: {test_standard, lab, report}",
            )
        return
    for path, spec in line_parameters(record.get("line")):
        if _unsourced(spec):
            shown = spec.get("value") if "value" in spec else f"({len(spec.get('samples') or [])} samples)"
            yield record.issue(
                path,
                f"{format_path(path)} = {shown} {spec.get('unit')} does not say where it comes from",
                key=True,
                hint="add source: (and for a measured value test_standard and lab), or use "
                "library: <key> for a guideline default, or record: <emission_factor id>",
            )


@check(
    "emissions.default-where-measured",
    title="监测计划规定实测的参数须使用实测值 Parameters the monitoring plan says are measured are not defaults",
    clauses=["A.6.1 b"],
    severity="error",
)
def default_where_measured(ctx):
    """A.6.1 b): measured activity data and factors are preferred, and the monitoring plan is
    followed. Where the plan says a source's parameter is measured (or calculated, or from the
    supplier), the year's computation must not use a library default for it."""
    res = ctx.results.get("emissions") or {}
    years = res.get("years", {})
    for plan in ctx.records("monitoring_plan"):
        if plan.status in INACTIVE:
            continue
        for y in plan.get("reporting_years") or []:
            inv = years.get(str(y))
            if not inv:
                continue
            for s in plan.get("sources") or []:
                for item in s.get("items") or []:
                    if item.get("basis") not in MEASURED or item.get("parameter") not in PARAMS:
                        continue
                    for rec_id, entry in sorted(inv.get("entries", {}).items()):
                        if entry.get("source") != s.get("source"):
                            continue
                        for p in entry.get("parameters", []):
                            where = p.get("path") or ""
                            if p.get("name") != item["parameter"] or any(k in where for k in NESTED):
                                continue  # nested parameters (other_gases, flows) are not the plan's item
                            if p.get("origin") in ("library", "library_default") or p.get("basis") == "default":
                                rec = ctx.get(rec_id)
                                if rec is None:
                                    continue
                                path = parse_path(where or "line")
                                if path and path[-1] == "library":
                                    path = path[:-1]
                                if rec.get(path) is None:
                                    path = ("line",)
                                yield rec.issue(
                                    path,
                                    key=True,
                                    message=f"the monitoring plan {plan.id} says {item['parameter']} of {s['source']} is "
                                    f"{item['basis']}, but {y} uses the default {p.get('value')} {p.get('unit')} "
                                    f"({(p.get('source') or {}).get('library', 'library')})",
                                    hint=f"give the {item['basis']} value with its source, or change the monitoring "
                                    "plan (with the reason) if the parameter is no longer measured",
                                )


def _half_last_digit(value: float) -> float:
    """Half a unit in the last decimal place the value is written with: 26.71 -> 0.005."""
    exponent = Decimal(repr(float(value))).as_tuple().exponent
    return 0.5 * 10.0 ** min(0, exponent) if isinstance(exponent, int) else 0.0


@check(
    "emissions.factor-samples-mean",
    title="按分期检测值计算的参数等于其（加权）平均值 A value given with its samples is their (weighted) mean",
    clauses=["6.1.2 e", "A.6.1 b"],
    severity="error",
    kinds=["emission_factor"],
    scope="record",
)
def factor_samples_mean(record, ctx):
    """6.1.2 e) and A.6.1 b): a measured or calculated factor given with its values per period
    (samples) must be the mean those values give: weighted by each sample's weight (e.g. the
    coal fired that month, as the power sector's guideline weights monthly carbon content)
    when every sample has one, their plain mean when none has. A difference beyond rounding to
    the value's last decimal means the annual value and its evidence disagree. Weights on only
    some samples are reported too: the mean cannot be told."""
    samples = [s for s in record.get("samples") or [] if isinstance(s, dict) and isinstance(s.get("value"), (int, float))]
    value = record.get("value")
    if not samples or not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    weighted = [s for s in samples if isinstance(s.get("weight"), (int, float))]
    if weighted and len(weighted) < len(samples):
        yield record.issue(
            "samples",
            f"{len(weighted)} of {len(samples)} samples have a weight: the weighted mean cannot be computed",
            key=True,
            hint="give every sample its weight (e.g. the fuel consumed in that period), or none",
        )
        return
    total = sum(s["weight"] for s in weighted)
    if weighted and total > 0:
        mean, how = sum(s["value"] * s["weight"] for s in weighted) / total, f"weighted mean of {len(samples)} samples"
    elif weighted:
        return  # all weights zero: nothing to weigh by; the schema allows it, the mean is undefined
    else:
        mean, how = sum(s["value"] for s in samples) / len(samples), f"mean of {len(samples)} samples"
    tolerance = _half_last_digit(value) + 1e-9 * abs(mean)
    if abs(value - mean) > tolerance:
        yield record.issue(
            "value",
            f"{record.get('parameter')} value {value} {record.get('unit') or ''} is not the {how} ({mean:.6g}); difference {value - mean:+.4g}",
            hint="recompute the value from the samples (Σ value×weight / Σ weight), or correct the sample that is wrong",
        )


@check(
    "emissions.ch4-origin-unknown",
    title="AR6 下甲烷注明化石或非化石来源 Under AR6, methane states its fossil or non-fossil origin",
    clauses=["F.2", "6.1.2 e"],
    severity="warning",
)
def ch4_origin_unknown(ctx):
    """F.2 and F.3 take the GWP from the IPCC; AR6 (WG1 Table 7.15) gives methane of fossil origin
    29.8 and of non-fossil origin 27.0 (second-hand, not checked against the original) besides the
    single 27.9. The origin follows from the method and the fuel (fuel combustion and fugitive coal,
    oil and gas are fossil, checks.emissions.lines.methane_origin); where it cannot be told, the
    plain value is used and this warning asks for gas_origin on the line."""
    res = ctx.results.get("emissions") or {}
    for y, inv in sorted((res.get("years") or {}).items()):
        for rec_id, entry in sorted((inv.get("entries") or {}).items()):
            origin = entry.get("gas_origin")
            if not origin or origin.get("origin"):
                continue
            rec = ctx.get(rec_id)
            if rec is None:
                continue
            path = ("line", "gas") if (rec.get("line") or {}).get("gas") else ("line",)
            yield rec.issue(
                path,
                key=True,
                message=f"{y}: the methane of {entry.get('source')} is of unknown origin, so {res.get('gwp_set')} "
                f"takes the plain CH4 GWP; AR6 distinguishes fossil (29.8) from non-fossil (27.0) methane",
                hint="add gas_origin: fossil (coal, oil, natural gas) or gas_origin: non-fossil "
                "(biomass, waste, agriculture) to the line, or give the source its fuel and category",
            )


def _span(record) -> tuple:
    """(first day, last day) a record's figures are for: its period, else its year; (None, None)
    when it gives neither (a factor that is not tied to a year, e.g. a standing default)."""
    period = record.get("period") if isinstance(record.get("period"), dict) else {}
    year = record.get("year")
    year = year if isinstance(year, int) and not isinstance(year, bool) else None
    start = dates.parse(period.get("start")) or (dates.parse(f"{year}-01-01") if year else None)
    end = dates.parse(period.get("end")) or (dates.parse(f"{year}-12-31") if year else None)
    return start, end


def _month_span(row) -> tuple:
    """The month a months[i] entry of a line is for (period YYYY-MM), or (None, None)."""
    text = str(row.get("period") or "") if isinstance(row, dict) else ""
    first = dates.parse(f"{text}-01") if len(text) == 7 else None
    if first is None:
        return None, None
    nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


@check(
    "emissions.factor-record-mismatch",
    title="引用的排放因子记录与活动数据的参数、期间和排放源相符 A factor record used fits the activity data's parameter, period and source",
    clauses=["6.1.2 e", "A.6.1 b", "F.2"],
    severity="error",
    kinds=["activity_data"],
)  # not scope="record": it reads the factor records the line names, so its findings change with them
def factor_record_mismatch(record, ctx):
    """6.1.2 e) and A.6.1 b): the activity data and emission factors of a source are determined
    for the period whose emissions are calculated (F.2: E = AD × EF), preferring measured values.
    A parameter taken from an emission_factor record (`record: <id>`) must be that record's
    parameter; the record's period (or year) must cover the activity data's period (a factor
    measured for 2026 says nothing about the coal fired in 2025, and one measured for half a year
    not about the whole); when the record lists the sources it applies_to, the activity data's
    source is among them; and the record was approved and in effect by the as-of date (a figure
    approved later was not there to be used). A factor record with neither year nor period is
    not tied to a period and is not judged on it."""
    line = record.get("line")
    if not isinstance(line, dict):
        return
    ad_start, ad_end = _span(record)
    for path, spec in line_parameters(line):
        rid = spec.get("record") if isinstance(spec, dict) else None
        if not isinstance(rid, str):
            continue
        factor = ctx.get(rid)
        if factor is None or factor.kind != "emission_factor":
            continue  # emissions.compute says a factor record cannot be read
        name = path[-1]
        at = path + ("record",)
        where = format_path(path)
        if factor.get("parameter") and name in PARAMS and factor.get("parameter") != name:
            yield record.issue(
                at,
                f"{where} names {rid}, which is a {factor.get('parameter')} record, not {name}",
                hint=f"name the emission_factor record of {name}, or correct the parameter of {rid}",
            )
            continue
        start, end = _month_span(line["months"][path[2]]) if "months" in path else (None, None)
        start, end = (start or ad_start), (end or ad_end)
        f_start, f_end = _span(factor)
        if None not in (start, end, f_start, f_end) and (f_start > start or f_end < end):
            overlap = not (f_end < start or f_start > end)
            yield record.issue(
                at,
                f"{where} takes {factor.get('value')} {factor.get('unit') or ''} from {rid}, which is for "
                f"{f_start} to {f_end}, but this activity data is for {start} to {end}"
                + (": the factor covers only part of it" if overlap else ": the factor is of another period"),
                hint=f"name the {name} record of {start.year} (or of each month, under months:), or correct the "
                f"period of {rid} if it was measured for this period",
            )
        applies = factor.get("applies_to")
        source = record.get("source")
        if isinstance(applies, list) and applies and isinstance(source, str) and source not in applies:
            yield record.issue(
                at,
                f"{where} takes {rid}, which applies to {', '.join(map(str, applies))}, not to {source}",
                hint=f"name the {name} record of {source}, or add {source} to applies_to of {rid} if it was measured for it",
            )
        if not_yet(factor, ctx.as_of):
            day = factor.get("approved_on") or factor.get("effective")
            yield record.issue(
                at,
                f"{where} takes {rid}, which was approved or takes effect only on {day}, after {ctx.as_of}",
                hint=f"approve {rid} before its figure is used, or use the {name} in force on {ctx.as_of}",
            )


@check(
    "emissions.samples-period-missing",
    title="分期检测的参数每期都有检测值 A factor measured per period has a sample for every period",
    clauses=["9.1.1 d", "A.9.1 a", "6.1.2 e"],
    severity="error",
    kinds=["emission_factor"],
    scope="record",
)
def samples_period_missing(record, ctx):
    """9.1.1 d) (when monitoring and measurement are done) and A.9.1 a) (the monitoring plan):
    a factor measured per month (quarter, half year, day) and given with its samples has a
    sample for every such period of its own period (its `period`, else its `year`); the annual
    value of a coal's carbon content measured monthly, with December's analysis missing, is not
    the value of the year. Samples of mixed forms, or a record with neither year nor period,
    are not judged."""
    samples = record.get("samples")
    if not isinstance(samples, list) or not samples:
        return
    start, end = _span(record)
    if start is None or end is None:
        return
    periods = [str(s.get("period")) for s in samples if isinstance(s, dict) and s.get("period") is not None]
    form, missing = activity_rows.missing_periods(periods, start, end)
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        yield record.issue(
            "samples",
            f"the {record.get('parameter')} of {record.id} is given per {form}, but has no sample for {shown}, inside its period {start} to {end}",
            hint="add the sample of each missing period (the analysis report), or, if it was not measured, say how the gap was "
            "filled in the record's source and raise a nonconformity against the monitoring plan",
        )

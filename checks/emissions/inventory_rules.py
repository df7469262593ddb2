"""Rules on the emissions inventory: reported totals, completeness, data gaps, anomalous changes.

All read ctx.results["emissions"] (checks/emissions/compute.py) and the records; none recomputes.
"""

from __future__ import annotations

from cms_build.api import csvfile
import datetime as dt

from cms_build.api import dates, units
from cms_build.api import check
from . import activity_rows
from .lines import line_parameters
from .unapproved import DraftsUsed
from .inventory import active_window, source_expected, uncovered, years_to_check
from cms_build.api import Issue
from cms_build.api import parse_path

INACTIVE = ("superseded", "withdrawn")


def _results(ctx) -> dict:
    return ctx.results.get("emissions") or {}


def _year(record):
    y = record.get("year")
    return y if isinstance(y, int) and not isinstance(y, bool) else None


def _fmt(x: float) -> str:
    return f"{x:,.2f}"


def reporting_years(ctx) -> list[int]:
    """Completed reporting years to check (settings emissions.reporting_years_back)."""
    known = [_year(r) for r in ctx.records("activity_data")]
    for plan in ctx.records("monitoring_plan"):
        known.extend(plan.get("reporting_years") or [])
    known = [y for y in known if isinstance(y, int) and not isinstance(y, bool)]
    return years_to_check(known, ctx.as_of.year, int(ctx.setting("emissions.reporting_years_back") or 5))


def expected(source, ctx, year: int) -> bool:
    fac = ctx.get(source.get("facility")) if isinstance(source.get("facility"), str) else None
    return source_expected(source.data, fac.data if fac is not None else None, year)


# -- reported vs recomputed ----------------------------------------------------------------
def _tolerance(ctx, computed: float) -> tuple[float, str]:
    rel = float(ctx.setting("emissions.reported_tolerance_pct") or 0)
    ab = float(ctx.setting("emissions.reported_tolerance_abs") or 0)
    tol = max(abs(computed) * rel / 100.0, ab)
    return tol, (
        f"max({rel:g} % of the recomputed value, {ab:g} tCO2e) = {_fmt(tol)} tCO2e (settings emissions.reported_tolerance_pct / reported_tolerance_abs)"
    )


@check(
    "emissions.reported-total-mismatch",
    title="报送排放量与按记录重算的结果一致 Reported emissions match the recomputed inventory",
    clauses=["A.9.1.1 a", "6.1.2 f"],
    severity="error",
    kinds=["reported_inventory"],
)
def reported_total(record, ctx):
    """A.9.1.1 a): the reported data fit their purpose. The reported total (and each reported
    source) must equal the total recomputed from the activity records within the tolerance."""
    res = _results(ctx)
    year = _year(record)
    if not res or year is None or record.status in INACTIVE:
        return
    inv = res.get("years", {}).get(str(year))
    failed = [r for r in res.get("not_computed", []) if (ctx.get(r) and _year(ctx.get(r)) == year)]
    if inv is None:
        if not failed:
            yield record.issue(
                "year",
                f"{year} is reported, but no activity data of {year} could be recomputed",
                hint=f"add the activity_data records of {year} so that the reported total can be checked",
            )
        return
    if failed:
        return  # the inputs that cannot be computed are findings of emissions.compute already
    computed = inv["total"]["value"]
    total = record.get("total") or {}
    try:
        reported = units.convert(total.get("value"), total.get("unit"), "tCO2e")
    except (units.UnitError, TypeError):
        return  # reported by emissions.compute
    tol, how = _tolerance(ctx, computed)
    diff = reported - computed
    if abs(diff) > tol:
        yield record.issue(
            ("total", "value"),
            f"the reported total for {year}, {_fmt(reported)} tCO2e, differs from the {_fmt(computed)} tCO2e "
            f"recomputed from the records by {diff:+,.2f} tCO2e ({diff / computed * 100 if computed else 0:+.3f} %), "
            f"more than the tolerance {how}",
            hint="correct the reported figure, or find the activity record or factor that differs from what was reported",
        )
    by_source = inv.get("by_source", {})
    for i, row in enumerate(record.get("by_source") or []):
        sid, em = row.get("source"), row.get("emissions") or {}
        try:
            rep = units.convert(em.get("value"), em.get("unit"), "tCO2e")
        except (units.UnitError, TypeError):
            yield record.issue(
                ("by_source", i, "emissions", "unit"), f"{em.get('unit')!r} is not a unit of emissions", hint="give the emissions in tCO2 or tCO2e"
            )
            continue
        comp = (by_source.get(sid) or {}).get("value", 0.0)
        tol_s, how_s = _tolerance(ctx, comp)
        if abs(rep - comp) > tol_s:
            yield record.issue(
                ("by_source", i, "emissions", "value"),
                f"{sid}: reported {_fmt(rep)} tCO2e for {year}, recomputed {_fmt(comp)} tCO2e (difference {rep - comp:+,.2f}), more than the tolerance {how_s}",
                hint="correct the reported figure or the source's activity record",
            )


# -- completeness ----------------------------------------------------------------------------
@check(
    "emissions.source-without-activity",
    title="边界内的排放源每个报告年度都有活动水平数据 Every source in the boundary has activity data for each reporting year",
    clauses=["6.1.2 e", "A.6.1 a"],
    severity="error",
)
def source_without_activity(ctx):
    """6.1.2 e): activity data are determined for every emission source; A.6.1 a) includes
    planned and new facilities once they operate. Checks the completed reporting years
    (settings emissions.reporting_years_back)."""
    years = reporting_years(ctx)
    if not years:
        return
    have = {(r.get("source"), _year(r)) for r in ctx.records("activity_data") if r.status not in INACTIVE}
    for src in ctx.records("emission_source"):
        if src.status in INACTIVE:
            continue
        missing = [y for y in years if expected(src, ctx, y) and (src.id, y) not in have]
        if missing:
            yield src.issue(
                "id",
                f"the emission source {src.id} ({src.title}) is in the boundary but has no activity data for {', '.join(map(str, missing))}",
                hint="add an activity_data record for each year; if the source did not operate, set active_from/"
                "active_until, or its facility's operating_status and dates; if it is outside the boundary, "
                "set in_boundary: false",
            )


def _days(gap) -> str:
    start, end = gap
    n = (end - start).days + 1
    return f"{start}" + (f" ({n} day)" if n == 1 else f" to {end} ({n} days)")


@check(
    "emissions.source-period-uncovered",
    title="排放源的活动水平数据覆盖整个报告年度 A source's activity data cover its whole reporting year",
    clauses=["6.1.2 e", "A.9.1.1 b"],
    severity="error",
)
def source_period_uncovered(ctx):
    """6.1.2 e): activity data are determined for every emission source, for the whole period
    whose emissions are calculated; A.9.1.1 b): missing data are dealt with by the measures laid
    down. The periods of a source's activity records of a reporting year (a record without a
    period covers its year) together cover every day of the year on which the source operates:
    from the source's active_from and its facility's commissioned (else planned_start) date, to
    the source's active_until and the facility's retired_on. A record ending on 30 June leaves
    July to December without data and without a word. A source with no record of the year is
    emissions.source-without-activity; the completed reporting years are checked (settings
    emissions.reporting_years_back)."""
    years = reporting_years(ctx)
    if not years:
        return
    periods: dict = {}
    for r in ctx.records("activity_data"):
        if r.status not in INACTIVE and isinstance(r.get("source"), str) and _year(r) in years:
            periods.setdefault((r.get("source"), _year(r)), []).append((r, _period(r)))
    for src in ctx.records("emission_source"):
        if src.status in INACTIVE:
            continue
        fac = ctx.get(src.get("facility")) if isinstance(src.get("facility"), str) else None
        for y in years:
            recs = periods.get((src.id, y))
            if not recs or any(None in span for _, span in recs) or not expected(src, ctx, y):
                continue
            window = active_window(src.data, fac.data if fac is not None else None, y)
            if window[0] > window[1]:
                continue
            gaps = uncovered(window, [span for _, span in recs])
            if not gaps:
                continue
            days = sum((e - s).days + 1 for s, e in gaps)
            shown = ", ".join(_days(g) for g in gaps[:6]) + (f" and {len(gaps) - 6} more" if len(gaps) > 6 else "")
            covered = ", ".join(f"{r.id} {s} to {e}" for r, (s, e) in sorted(recs, key=lambda x: (x[1][0], x[0].id)))
            yield src.issue(
                "id",
                f"the activity data of {src.id} ({src.title}) for {y} cover {covered}: {days} days of "
                f"{window[0]} to {window[1]}, when it operates, have no activity data: {shown}",
                hint="add the activity data of the missing days (a record of their own, or widen the record's period "
                "and its rows; estimated or filled values with gap_filling); if the source did not operate then, "
                "set its active_from/active_until, or its facility's commissioned/retired_on",
            )


def _resting(ctx, year: int) -> list:
    """The records of a year that rest on its computed inventory: an approved emission report
    (reported_inventory) and a verification with its statement, known by the as-of date."""
    out = [r for r in ctx.records("reported_inventory") if r.status == "approved" and _year(r) == year and r.known_by(ctx.as_of)]
    out += [
        r
        for r in ctx.records("verification")
        if r.status not in INACTIVE and _year(r) == year and isinstance(r.get("statement"), dict) and r.known_by(ctx.as_of)
    ]
    return out


@check(
    "emissions.unapproved-data-used",
    title="排放报告和核查依据的活动数据和排放因子记录已经评审批准 The data an emission report or verification rests on are approved",
    clauses=["7.4.2 c", "A.9.1.1 a"],
    severity="error",
)
def unapproved_data_used(ctx):
    """7.4.2 c): documented information is reviewed and approved for its suitability and
    adequacy; A.9.1.1 a): the data accounted and reported fit their intended use. The computed
    inventory of a year counts every activity record that is not superseded or withdrawn (a
    draft too: leaving it out would change the figures). When an approved emission report
    (reported_inventory) or a verification statement of the year rests on that inventory, each
    activity record it counts, and each emission_factor record such a record takes a figure from
    (`record: <id>`), that is still a draft is reported at its status: the report states
    figures nobody approved."""
    res = _results(ctx)
    drafts = DraftsUsed()
    for y, inv in sorted(res.get("years", {}).items()):
        if not _resting(ctx, int(y)):
            continue
        for rid in sorted(inv.get("entries") or {}):
            rec = ctx.get(rid)
            if rec is None:
                continue
            drafts.add(rec, int(y))
            for _, spec in line_parameters(rec.get("line")):
                fid = spec.get("record") if isinstance(spec, dict) else None
                factor = ctx.get(fid) if isinstance(fid, str) else None
                if factor is not None and factor.kind == "emission_factor":
                    drafts.add(factor, int(y), rec.id)
    yield from drafts.issues(
        lambda y, _draft: _resting(ctx, y),
        lambda r: f"{'the approved emission report' if r.kind == 'reported_inventory' else 'the verification statement of'} {r.id}",
        lambda y: f"the {y} inventory",
        "correct them and revise the report that rests on them",
    )


@check(
    "emissions.gap-without-filling-method",
    title="替代数据须说明数据缺失的处理方法 Substituted data document how the gap was filled",
    clauses=["A.9.1.1 b"],
    severity="error",
    kinds=["activity_data"],
)
def gap_without_filling(record, ctx):
    """A.9.1.1 b): measures for missing data are laid down. A value marked estimated or
    filled (inline or in the CSV status column) needs gap_filling with the method, and, when
    gap_filling lists periods, its period among them."""
    entry = _results(ctx).get("years", {}).get(str(_year(record)), {}).get("entries", {}).get(record.id)
    if not entry:
        return
    by_activity: dict = {}
    for gap in entry.get("gaps", []):
        by_activity.setdefault(gap.get("activity") or "line.activity", []).append(gap)
    for where, gaps in sorted(by_activity.items()):
        path = parse_path(where)
        spec = record.get(path) or {}
        gf = spec.get("gap_filling") if isinstance(spec, dict) else None
        periods = ", ".join(f"{g['period']} ({g['status']})" for g in gaps)
        if not gf:
            yield record.issue(
                path,
                f"{where} has substituted values ({periods}) but no gap_filling saying how they were obtained",
                key=True,
                hint="add gap_filling: {method: ..., description: ..., periods: [...]} (A.9.1.1 b), following the data gap procedure of the monitoring plan",
            )
            continue
        listed = [str(p) for p in gf.get("periods") or []]
        if listed:
            unlisted = [g for g in gaps if str(g["period"]) not in listed]
            if unlisted:
                yield record.issue(
                    path + ("gap_filling", "periods"),
                    key=True,
                    message=f"{', '.join(str(g['period']) for g in unlisted)} are substituted values but gap_filling lists only {', '.join(listed)}",
                    hint="list every substituted period and explain how each was filled",
                )


# -- anomalous changes ------------------------------------------------------------------------
@check(
    "emissions.anomalous-change",
    title="排放量或强度异常波动须有原因分析 Anomalous changes of emissions or intensity are explained",
    clauses=["A.9.1 b"],
    severity="warning",
)
def anomalous_change(ctx):
    """A.9.1 b): monitoring results are analysed, including anomalous changes. A source whose
    emissions, or the organization whose intensity, changed from the previous year by more
    than settings emissions.anomaly_threshold_pct needs a change_explanation (on the source's
    activity record, or for an intensity on the year's product_output record)."""
    res = _results(ctx)
    # changes are compared rounded to 1e-9 %: 1,200 vs 1,000 is +20.000000000000004 % in floating point
    threshold = float(ctx.setting("emissions.anomaly_threshold_pct") or 20)
    floor = float(ctx.setting("emissions.anomaly_min_tco2e") or 0)
    activity = {(r.get("source"), _year(r)): r for r in ctx.records("activity_data")}
    outputs = {}
    for r in ctx.records("product_output"):
        outputs.setdefault(_year(r), r)
    for y, inv in sorted(res.get("years", {}).items()):
        ch = inv.get("changes") or {}
        prev = ch.get("previous_year")
        for sid, c in sorted((ch.get("sources") or {}).items()):
            pct = c.get("change_pct")
            if pct is None or abs(round(pct, 9)) <= threshold or max(abs(c["previous"] or 0), abs(c["current"] or 0)) < floor:
                continue
            rec = activity.get((sid, int(y)))
            if rec is None or rec.get("change_explanation"):
                continue
            yield rec.issue(
                "source",
                f"{sid}: emissions changed from {_fmt(c['previous'])} tCO2e in {prev} to "
                f"{_fmt(c['current'])} tCO2e in {y} ({pct:+.1f} %), more than the "
                f"{threshold:g} % of settings emissions.anomaly_threshold_pct, with no explanation",
                hint="analyse the cause and write it in change_explanation; if it reveals a significant deviation, investigate and respond (9.1.1)",
            )
        for key, c in sorted((ch.get("intensity") or {}).items()):
            pct = c.get("change_pct")
            if pct is None or abs(round(pct, 9)) <= threshold:
                continue
            rec = outputs.get(int(y))
            if rec is None or rec.get("change_explanation"):
                continue
            what = "per 10^4 CNY of output value" if key == "per_output_value" else f"per unit of {key}"
            yield rec.issue(
                "year",
                f"the emission intensity {what} changed from {c['previous']:.6g} in {prev} to "
                f"{c['current']:.6g} in {y} ({pct:+.1f} %), more than {threshold:g} %, with no explanation",
                hint="analyse the cause and write it in change_explanation of this record (A.9.1 b)",
            )


# -- double counting --------------------------------------------------------------------------
def _period(record):
    y = _year(record)
    p = record.get("period") or {}
    start = dates.parse(p.get("start")) or (dates.parse(f"{y}-01-01") if y else None)
    end = dates.parse(p.get("end")) or (dates.parse(f"{y}-12-31") if y else None)
    return start, end


@check(
    "emissions.activity-overlap",
    title="同一排放源的活动水平数据期间不重叠 Activity data of one source do not overlap in time",
    clauses=["6.1.2 f"],
    severity="error",
)
def activity_overlap(ctx):
    """6.1.2 f): emissions are calculated as the guideline says, each activity once. Two
    activity_data records of the same source whose periods overlap (a record without a
    period covers its whole year) would count the same fuel twice."""
    by_source: dict = {}
    for rec in ctx.records("activity_data"):
        if rec.status in INACTIVE:
            continue
        by_source.setdefault(rec.get("source"), []).append(rec)
    for sid, recs in sorted(by_source.items(), key=lambda kv: str(kv[0])):
        recs = sorted(recs, key=lambda r: (_period(r)[0] or dt.date.min, r.id))
        for i, later in enumerate(recs):
            s2, e2 = _period(later)
            for earlier in recs[:i]:
                s1, e1 = _period(earlier)
                if None in (s1, e1, s2, e2) or s2 > e1 or s1 > e2:
                    continue
                yield later.issue(
                    "period" if later.get("period") else "year",
                    f"{later.id} and {earlier.id} both give activity data of {sid} for "
                    f"{max(s1, s2).isoformat()} to {min(e1, e2).isoformat()}: it would be counted twice",
                    hint="give each record its own period, or mark the one replaced as superseded",
                )
                break


def _csv_problems(record, ctx, fspec: dict):
    """(file, line, message) of the rows of an activity CSV that break the row rules."""
    path = record.resolve_file(ctx.root, fspec.get("path"))
    col, pcol = fspec.get("column"), fspec.get("period_column")
    if path is None or not path.is_file() or not col:
        return  # the computation reports a file it cannot read (emissions.compute)
    rel = path.relative_to(ctx.root.resolve()).as_posix()
    # the same pass as the computation's (activity_rows.scan_csv: one reading per file and run)
    scan = activity_rows.scan_csv(record, ctx.root, path, rel, col, pcol, fspec.get("status_column"), limits=csvfile.table_limits(ctx.setting), reuse=True)
    if scan.problem is not None or col not in scan.header:
        return  # the computation reports a table it cannot read, at its row (emissions.compute)
    for n, message in scan.row_problems:
        yield rel, n, message


@check(
    "emissions.activity-row-invalid",
    title="活动水平数据每期一行、在报告年度内且不为负 Activity data: one row a period, inside the year, never negative",
    clauses=["6.1.2 e", "A.9.1.1 b"],
    severity="error",
    kinds=["activity_data"],
)
def activity_row_invalid(record, ctx):
    """6.1.2 e) and A.9.1.1 b): activity data is determined for each period of the reporting
    year once, and a consumption is never negative. The rules are those `cms import activity`
    applies (checks/emissions/activity_rows.py), so a row that the import refuses is reported
    here when it is written by hand: a period outside the record's year, a period twice, a
    negative value, in the record (quantity, values) or in its CSV file (at the row's line)."""
    activity = (record.get("line") or {}).get("activity") if isinstance(record.get("line"), dict) else None
    if not isinstance(activity, dict):
        return
    quantity = activity.get("quantity")
    if isinstance(quantity, dict) and isinstance(quantity.get("value"), (int, float)) and quantity["value"] < 0:
        yield record.issue(
            "line.activity.quantity.value",
            f"activity data {quantity['value']} {quantity.get('unit', '')} is negative: a consumption is never below zero",
            hint="record the quantity consumed; an export or a stock change is recorded as its own quantity",
        )
    seen: dict = {}
    for i, row in enumerate(activity.get("values") or []):
        if not isinstance(row, dict):
            continue
        problem = activity_rows.period_problem(str(row.get("period", "")), record.get("year"), seen)
        if problem:
            yield record.issue(f"line.activity.values[{i}].period", f"period {row.get('period')!r}: {problem}", hint="one row per period of the reporting year")
            continue
        seen[str(row.get("period"))] = i + 1
        if row.get("value") is not None and row.get("status") != "missing":
            problem = activity_rows.value_problem(row.get("value"))
            if problem:
                yield record.issue(f"line.activity.values[{i}].value", f"{row.get('value')}: {problem}")
    if isinstance(activity.get("file"), dict):
        for rel, n, message in _csv_problems(record, ctx, activity["file"]):
            yield Issue(
                message,
                rel,
                n,
                1,
                record.id,
                "line.activity.file",
                "correct the row in the file (or re-import it with cms import activity, which checks the rows)",
            )


_FORM_WORDS = {"month": "monthly", "quarter": "quarterly", "half": "half-yearly", "day": "daily"}


def _listed(missing: list[str], most: int = 6) -> str:
    return ", ".join(missing[:most]) + (f" and {len(missing) - most} more" if len(missing) > most else "")


@check(
    "emissions.activity-period-missing",
    title="活动水平数据逐期完整，缺失的期间须标明并说明处理方法 Activity data has a row for every period of the record",
    clauses=["6.1.2 e", "A.9.1.1 b"],
    severity="error",
    kinds=["activity_data"],
)
def activity_period_missing(record, ctx):
    """6.1.2 e) and A.9.1.1 b): activity data is determined for the whole period whose
    emissions are calculated, and missing data is dealt with by the measures laid down. Rows
    given per month (or quarter, half year, day), in the record (values) or its CSV file, must
    include every such period that overlaps the record's period (its `period`, else its year):
    a month with no row is a gap nobody marked, summed as zero without a status (missing,
    estimated or filled) or a gap_filling method. Rows of mixed forms, yearly rows and times of
    day are not judged here."""
    activity = (record.get("line") or {}).get("activity") if isinstance(record.get("line"), dict) else None
    if not isinstance(activity, dict):
        return
    start, end = _period(record)
    if start is None or end is None:
        return
    rows = activity.get("values")
    if isinstance(rows, list) and rows:
        periods = [str(r.get("period")) for r in rows if isinstance(r, dict) and r.get("period") is not None]
        form, missing = activity_rows.missing_periods(periods, start, end)
        if missing:
            yield record.issue(
                "line.activity.values",
                f"the {_FORM_WORDS[form]} values of {record.id} have no row for {_listed(missing)}, inside its period {start} to {end}",
                hint="add the row of each missing period with its status (estimated or filled, with gap_filling; or missing), "
                "or narrow the record's period to the periods it covers",
            )
    fspec = activity.get("file")
    if not isinstance(fspec, dict) or not fspec.get("period_column") or not fspec.get("column"):
        return
    path = record.resolve_file(ctx.root, fspec.get("path"))
    if path is None or not path.is_file():
        return  # the computation reports a file it cannot read (emissions.compute)
    rel = path.relative_to(ctx.root.resolve()).as_posix()
    scan = activity_rows.scan_csv(
        record, ctx.root, path, rel, fspec["column"], fspec["period_column"], fspec.get("status_column"), limits=csvfile.table_limits(ctx.setting), reuse=True
    )
    if scan.problem is not None or scan.periods is None:
        return
    form, missing = activity_rows.missing_periods(scan.periods, start, end)
    if missing:
        yield record.issue(
            "line.activity.file.path",
            f"{rel} gives {_FORM_WORDS[form]} rows but none for {_listed(missing)}, inside the period of {record.id} ({start} to {end})",
            hint="add the row of each missing period with its status (estimated or filled, with gap_filling; or missing with "
            "the reason), or narrow the record's period to the periods the file covers",
        )

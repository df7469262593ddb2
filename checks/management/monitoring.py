"""Monitoring, measurement and compliance evaluation (9.1.1, 9.1.2; A.9.1, A.9.2, D.9.2).

Rules
- mon.calibration-overdue (9.1.1, A.9.1 c): an instrument in service or on standby has a
  verification or calibration record, and the as-of date is not after its due date (the
  latest record's next_due, else its date plus interval_months).
- mon.instrument-failed (9.1.1): the latest verification or calibration of an instrument
  still in service failed.
- mon.deviation-not-investigated (9.1.1, A.9.1 b): a deviation of a performance indicator
  whose |deviation %| reaches management.deviation_threshold_percent (10) is investigated
  and responded to within management.deviation_investigation_days (30) of its detection:
  a warning naming the deadline until then, an error after. Deviation % is
  (actual - expected) / expected x 100 unless the record gives deviation_percent.
- mon.evaluation-timing-missing (9.1.1 e): a monitoring plan approved and in force at the as-of
  date says when the monitoring and measurement results are analysed and evaluated
  (monitoring_plan.evaluation); a superseded plan is history and not judged.
- mon.online-monitoring-gap (A.9.1 c): where a monitoring plan in force marks items acquired
  online (sources[].items[].online), it names the emission information monitoring system
  (online_monitoring.system); that system's acquires covers each such item's source and
  instruments; and no period of its availability that ended by the as-of date, in the
  plan's reporting years, is below the plan's online_monitoring.availability_min_percent.
- mon.compliance-evaluation-overdue: declared in checks/management/reviews.rules.yaml (periodic, cms_build/ruletable.py).
- mon.obligation-not-evaluated (9.1.2 a; A.9.2, D.9.2 for obligations of those subsystems):
  each obligation in force is evaluated within that interval of its last evaluation (or,
  never evaluated, of the day it came into force or was registered).
- mon.noncompliance-without-action (9.1.2 c): a result 'noncompliant' or 'partially_compliant'
  says what action was taken or names a nonconformity.

Records dated after the as-of date are not yet known and do not count.
"""

from __future__ import annotations

from cms_build.api import dates
from cms_build.api import check
from cms_build.api import days_after, months_after, not_yet, on_or_before

from .calc import deviation_percent, instrument_due, latest

DONE = ("approved", "superseded")
WATCHED = ("in_service", "standby")


def _known_calibrations(record, ctx):
    return [(i, c) for i, c in enumerate(record.get("calibrations") or []) if isinstance(c, dict) and on_or_before(c.get("date"), ctx.as_of)]


def _watched(record, ctx) -> bool:
    start = dates.parse(record.get("in_service_from"))
    return (
        record.status != "withdrawn"
        and not not_yet(record, ctx.as_of)
        and (record.get("service_status") or "in_service") in WATCHED
        and (start is None or start <= ctx.as_of)
    )


@check(
    "mon.calibration-overdue",
    title="监视和测量设备按期检定或校准 Instruments verified or calibrated in time",
    clauses=["9.1.1", "A.9.1 c"],
    severity="error",
    kinds=["measuring_instrument"],
)
def calibration_overdue(record, ctx):
    """9.1.1: calibrated or verified monitoring and measuring equipment is used; A.9.1 c: periodically verified or calibrated."""
    if not _watched(record, ctx):
        return
    known = _known_calibrations(record, ctx)
    if not known:
        yield record.issue(
            "calibration_method",
            f"{record.get('measures')}: {record.id} is in service but has no verification or calibration record dated on or before {ctx.as_of}",
            hint="add the certificate under calibrations: {date, type, performed_by, certificate_no, result, next_due}",
        )
        return
    due, last = instrument_due([c for _, c in known], record.get("interval_months"))
    index = next(i for i, c in known if c is last)
    if due is None:
        yield record.issue(
            ("calibrations", index),
            f"the last {last.get('type')} of {last.get('date')} gives no next_due and the instrument has no interval_months: its due date is unknown",
            hint="add next_due from the certificate, or interval_months",
        )
    elif ctx.as_of > due:
        yield record.issue(
            ("calibrations", index, "next_due") if "next_due" in last else ("calibrations", index),
            f"{record.get('measures')}: {record.id} was due for {record.get('calibration_method')} by {due} "
            f"(last {last.get('type')} {last.get('date')}); {(ctx.as_of - due).days} days overdue as of {ctx.as_of}",
            hint="have it verified or calibrated and add the new certificate, or take it out of service "
            "(service_status: out_of_service) and say how the data are secured meanwhile",
        )


@check(
    "mon.instrument-failed",
    title="不合格的计量器具不再使用 Failed instruments are not in use",
    clauses=["9.1.1"],
    severity="error",
    kinds=["measuring_instrument"],
)
def instrument_failed(record, ctx):
    """9.1.1: only calibrated or verified (and passed) equipment is used."""
    if not _watched(record, ctx):
        return
    known = _known_calibrations(record, ctx)
    last = latest([c for _, c in known], lambda c: c.get("date"))
    if last is not None and last.get("result") == "fail":
        index = next(i for i, c in known if c is last)
        yield record.issue(
            ("calibrations", index, "result"),
            f"{record.id} failed its {last.get('type')} on {last.get('date')} but is still in service",
            hint="repair and re-verify it, or set service_status: out_of_service",
        )


def _deviation(record):
    given = record.get("deviation_percent")
    if isinstance(given, (int, float)):
        return float(given)
    return deviation_percent(record.get("expected"), record.get("actual"))


@check(
    "mon.deviation-not-investigated",
    title="绩效严重偏离得到调查和响应 Significant deviations investigated",
    clauses=["9.1.1", "A.9.1 b"],
    severity="error",
    kinds=["performance_deviation"],
    scope="record",
)
def deviation_not_investigated(record, ctx):
    """9.1.1: significant deviations of carbon performance are investigated and responded to, with records."""
    if record.status == "withdrawn" or not_yet(record, ctx.as_of) or not on_or_before(record.get("detected_on"), ctx.as_of):
        return
    pct = _deviation(record)
    threshold = ctx.setting("management.deviation_threshold_percent")
    if pct is None:
        yield record.issue(
            "indicator",
            "the deviation cannot be worked out: give expected and actual (expected not 0) or deviation_percent",
            hint="add expected and actual values",
            severity="warning",
        )
        return
    if abs(pct) < threshold:
        return
    inv = record.get("investigation") if on_or_before((record.get("investigation") or {}).get("date"), ctx.as_of) else None
    resp = record.get("response") if on_or_before((record.get("response") or {}).get("date"), ctx.as_of) else None
    if inv and resp:
        return
    missing = " and ".join(x for x, present in (("investigation", inv), ("response", resp)) if not present)
    deadline = days_after(record.get("detected_on"), ctx.setting("management.deviation_investigation_days"), ctx.as_of)
    what = f"{record.get('indicator')} deviates by {pct:+.1f}% (threshold ±{threshold}%) in {_period(record)}"
    hint = "record the investigation (date, cause) and the response (date, actions)"
    if deadline.late:
        yield record.issue("detected_on", f"{what}: no {missing}; due by {deadline.due}", hint=hint)
    else:
        yield record.issue("detected_on", f"{what}: no {missing} yet; due by {deadline.due} ({deadline.days_left} days left)", hint=hint, severity="warning")


def _period(record):
    p = record.get("period") or {}
    return f"{p.get('start')}–{p.get('end')}"


def _evaluations(ctx):
    """The compliance evaluations done by the as-of date (found once per run, not per obligation)."""
    return ctx.derived("mon.obligation-not-evaluated:evaluations", _done_evaluations)


def _done_evaluations(ctx):
    return [
        r for r in ctx.records("compliance_evaluation") if r.status in DONE and on_or_before(r.get("evaluation_date"), ctx.as_of) and not not_yet(r, ctx.as_of)
    ]


@check(
    "mon.obligation-not-evaluated",
    title="每项合规义务按期评价 Every obligation evaluated in time",
    clauses=["9.1.2 a"],
    severity="error",
    kinds=["compliance_obligation"],
)
def obligation_not_evaluated(record, ctx):
    """9.1.2 a (A.9.2, D.9.2): compliance with each applicable requirement is evaluated."""
    if record.status == "withdrawn" or not_yet(record, ctx.as_of) or (record.get("obligation_status") or "in_force") != "in_force":
        return
    start = record.get("effective_from") or record.get("approved_on") or record.get("effective")
    if not on_or_before(start, ctx.as_of):
        return
    months = ctx.setting("management.compliance_evaluation_months")
    evaluated = [
        e.get("evaluation_date") for e in _evaluations(ctx) if any(isinstance(x, dict) and x.get("obligation") == record.id for x in e.get("results") or [])
    ]
    last = max((dates.parse(d) for d in evaluated), default=None)
    since = last or max(dates.parse(start), dates.parse(record.get("approved_on")) or dates.parse(start))
    deadline = months_after(since, months, ctx.as_of)
    if deadline.late:
        subs = set(record.get("subsystems") or [])
        clauses = ("9.1.2 a",) + tuple(c for s, c in (("A", "A.9.2"), ("D", "D.9.2")) if s in subs and ctx.adopts(s))
        when = f"last evaluated on {last}" if last else f"in force and in the register since {since}, never evaluated"
        yield record.issue(
            "name",
            f"'{record.get('name')}': {when}; an evaluation was due by {deadline.due}",
            hint="include it in the next compliance_evaluation (results: [{obligation, status, evidence}])",
            clauses=clauses,
        )


@check(
    "mon.noncompliance-without-action",
    title="不合规时采取措施 Action taken on noncompliance",
    clauses=["9.1.2 c"],
    severity="error",
    kinds=["compliance_evaluation"],
    scope="record",
)
def noncompliance_without_action(record, ctx):
    """9.1.2 c: where compliance is not met, action is taken."""
    if record.status not in DONE or not_yet(record, ctx.as_of):
        return
    for i, res in enumerate(record.get("results") or []):
        if isinstance(res, dict) and res.get("status") in ("noncompliant", "partially_compliant") and not res.get("action") and not res.get("nonconformity"):
            yield record.issue(
                ("results", i, "status"),
                f"{res.get('obligation')} is {res.get('status')} but no action is recorded",
                hint="add action: ... or nonconformity: <NC id>",
            )


@check(
    "mon.evaluation-timing-missing",
    title="确定何时分析和评价监测结果 When the results are analysed and evaluated is determined",
    clauses=["9.1.1 e"],
    severity="error",
    kinds=["monitoring_plan"],
)
def evaluation_timing_missing(record, ctx):
    """9.1.1 e: the organization determines when the results of monitoring and measurement are
    analysed and evaluated; the monitoring plan in force says so (evaluation)."""
    if record.status != "approved" or not_yet(record, ctx.as_of):
        return
    if not record.get("evaluation"):
        yield record.issue(
            "id",
            f"monitoring plan {record.id} does not say when the monitoring and measurement results are analysed and evaluated",
            hint="add evaluation: [{results: ..., when: ..., responsible: ...}] (9.1.1 e), e.g. the monthly emissions by the 10th of the next month",
        )


@check(
    "mon.online-monitoring-gap",
    title="在线监控系统覆盖计划的在线采集项且可用率达标 The online monitoring system covers the plan and is available",
    clauses=["A.9.1 c"],
    severity="error",
    kinds=["monitoring_plan"],
)
def online_monitoring_gap(record, ctx):
    """A.9.1 c: where needed an emission information monitoring system acquires the data online;
    what the plan says is acquired online is acquired by it, as available as the plan says."""
    if record.status != "approved" or not_yet(record, ctx.as_of):
        return
    online = [
        (i, j, src, item)
        for i, src in enumerate(record.get("sources") or [])
        if isinstance(src, dict)
        for j, item in enumerate(src.get("items") or [])
        if isinstance(item, dict) and item.get("online") is True
    ]
    spec = record.get("online_monitoring") or {}
    if not online and not spec:
        return
    system_id = spec.get("system")
    if online and not system_id:
        i, j, src, item = online[0]
        yield record.issue(
            f"sources[{i}].items[{j}].online",
            f"{len(online)} monitored item(s) are acquired online (first: {src.get('source')} {item.get('parameter')}), but the plan names no monitoring system",
            hint="add online_monitoring: {system: <monitoring_system id>, availability_min_percent: ...}",
        )
        return
    system = ctx.get(system_id) if system_id else None
    if system is None or system.kind != "monitoring_system":
        return  # a dangling or mistyped reference is the index's finding
    acquires = system.get("acquires") or {}
    sources, instruments = set(acquires.get("sources") or []), set(acquires.get("instruments") or [])
    for i, j, src, item in online:
        where = f"sources[{i}].items[{j}].online"
        if src.get("source") not in sources:
            yield record.issue(
                where,
                f"{src.get('source')} {item.get('parameter')} is acquired online by the plan, but {system.id} does not acquire source {src.get('source')}",
                hint=f"add {src.get('source')} to {system.id} acquires.sources, or set online: false",
            )
        missing = [m for m in item.get("instrument") or [] if m not in instruments]
        if missing:
            yield record.issue(
                where,
                f"{src.get('source')} {item.get('parameter')} is acquired online by the plan, but {system.id} does not acquire instrument(s) {', '.join(missing)}",
                hint=f"add them to {system.id} acquires.instruments, or set online: false",
            )
    floor = spec.get("availability_min_percent")
    if not isinstance(floor, (int, float)):
        return
    years = {y for y in record.get("reporting_years") or [] if isinstance(y, int)}
    for k, entry in enumerate(system.get("availability") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("percent"), (int, float)):
            continue
        period = entry.get("period") or {}
        end = dates.parse(period.get("end"))
        if end is None or end > ctx.as_of or (years and end.year not in years):
            continue  # not over yet, or a period another plan governs
        if entry["percent"] < floor:
            yield system.issue(
                f"availability[{k}].percent",
                f"availability of {system.id} in {period.get('start')} to {period.get('end')} was {entry['percent']} %, below the {floor} % plan {record.id} states",
                hint="find and remove the cause of the outages, fill the gaps by the plan's data gap procedure, and record the response",
            )

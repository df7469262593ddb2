"""Carbon neutrality (Annex D): the claims' balance, grade and status, and the claim rules.

The computation "neutrality" reads the neutrality records once and leaves in
ctx.results["neutrality"]:

    {"as_of": "2026-06-30",
     "settings": {claim_max_validity_years, correction_window_months, silver_vintage_years,
                  max_offset_kinds, offset_kind_basis, expiring_soon_days, ...},
     "footprints": {<id>: {"subject", "period": {start, end}, "computed": bool,
                           "total": Traced | None, "declared": float | None,
                           "by_category": {direct|energy_indirect|other_indirect: float},
                           "lines": [{"source", "category", "total": Traced}]}},
     "claims": {<id>: {"subject", "footprint", "period", "achieved_on", "valid_from",
                       "valid_until", "max_last_valid_day",
                       "balance": {"emissions", "reductions", "to_offset", "retired",
                                   "surplus": Traced}, "covered": bool,
                       "reduction_share": Traced (%, D.6.1.1 b),
                       "grade": {"grade": "Gold"|"Silver"|"Bronze"|None, "reason",
                                 "credits": [{"credit", "grade", "reason", "category",
                                              "offset_kind", "vintage_year", "quantity"}]},
                       "offset_kinds": [...],
                       "status": {"status", "reason", "last_valid_day", "deadline",
                                  "days_left", "withdraw_from"},
                       "events": [{"event", "date", "deadline", "state", "corrected_on",
                                   "late_corrections"}],
                       "retirements": [{"credit", "index", "date", "quantity",
                                        "certificate_ref"}],
                       "superseded_by": id | None}},
     "serial_uses": [{"credit", "retirement": index, "claim", "date", "block", "first",
                      "last", "text", "path"}]}

Status values: draft, withdrawn, superseded, expired, not_yet_valid, correction_pending
(with its deadline), expiring, valid (checks/neutrality/balance.py). The checks read this
computed status; once they have run, cms_build/statuses.py derives the status shown (an
error on the claim, its footprint or its credits makes it "invalid"), keeps the computed one
as status.computed, and sets grade.grade to None (grade.computed_grade kept) unless the claim
is in force. Everything dated after
the as-of date (events, corrections, retirements, withdrawals, superseding claims) is left
out, so that a run at a past as-of date repeats what was known then.
"""

from __future__ import annotations

from cms_build.api import csvfile
import dataclasses
import datetime as dt

from cms_build.api import dates
from cms_build.api import check, computation
from . import balance as nc
from . import credit_records
from ..emissions.lines import CalcError, compute_line
from cms_build.api import Traced, record_source

from .statuses import STATUSES
from .results import NeutralityResult

SETTING_NAMES = (
    "claim_max_validity_years",
    "correction_window_months",
    "silver_vintage_years",
    "graded_standards",
    "max_offset_kinds",
    "offset_kind_basis",
    "expiring_soon_days",
    "declared_tolerance_tco2e",
    "reduction_evaluation_months",
    "review_interval_months",
)
IN_FORCE = ("approved", "superseded", "withdrawn")  # recorded statuses of a claim once issued
NOT_EVIDENCE = ("draft", "withdrawn")  # a record never approved, or revoked, is no evidence (cms_build/matrix.py)


def setting(ctx, name: str):
    """A neutrality setting (the schema's documented default when the settings do not give it)."""
    return ctx.setting(f"neutrality.{name}")


def _day(value) -> dt.date | None:
    return dates.parse(value)


def _known(value, as_of: dt.date) -> bool:
    """A dated fact counts on the as-of date only if it happened by then."""
    d = _day(value)
    return d is not None and d <= as_of


def _num(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


# -- footprints --------------------------------------------------------------------------
def _footprint(record, ctx) -> dict:
    gwp_set = record.get("gwp_set") or ctx.setting("gwp_set") or "AR5"
    grid = ctx.setting("emissions.grid_factor")
    defaults = {"grid": grid} if isinstance(grid, str) else {}
    lines, by_category, failed = [], {}, False
    by_stage: dict[str, list] = {}
    for i, line in enumerate(record.get("lines") or []):
        if not isinstance(line, dict):
            continue
        path = ("lines", i, "calculation")
        try:
            res = compute_line(
                line.get("calculation"),
                gwp_set=gwp_set,
                record=record,
                path=path,
                root=ctx.root,
                lookup=ctx.get,
                defaults=defaults,
                label=str(line.get("source") or f"line {i + 1}"),
                table_limits=csvfile.table_limits(ctx.setting),
            )
        except CalcError as exc:
            failed = True
            issue = exc.issue(record, path)  # at the table row when a row of an attached CSV is at fault
            ctx.report(dataclasses.replace(issue, message=f"footprint line {i + 1} ({line.get('source', '?')}): {exc.message}"))
            continue
        category = str(line.get("category") or "")
        by_category[category] = by_category.get(category, 0.0) + res.total.value
        stage = line.get("stage")
        if stage:  # A.8.2.1 a-e: a product footprint by life-cycle stage
            by_stage.setdefault(stage, []).append(res.total)
        lines.append({"source": line.get("source"), "category": category, "total": res.total})
    declared = _num(record.get("declared_total_tco2e"))
    total = None
    if lines and not failed:
        total = Traced(sum(x["total"].value for x in lines), nc.UNIT, f"碳足迹 Footprint {record.id}", "E_fp = Σ E_source", "D.6.5.2.3 f")
        total.steps.extend(x["total"] for x in lines)
    elif not record.get("lines") and declared is not None:
        total = Traced(declared, nc.UNIT, f"碳足迹 Footprint {record.id} (as reported)", "E_fp = reported total", "D.6.5.2.3 f")
        total.add("E_fp", "报告的碳足迹 footprint reported", declared, nc.UNIT, record_source(record, "declared_total_tco2e"))
        total.notes.append("taken from the footprint report: no emission sources given to compute it from")
    stages, per_unit = {}, None
    if not failed:
        for stage, parts in sorted(by_stage.items()):
            st = Traced(sum(p.value for p in parts), nc.UNIT, f"阶段 Stage {stage} {record.id}", "E_stage = Σ E_source", "A.8.2.1")
            st.steps.extend(parts)
            stages[stage] = st.as_dict()
        per_unit = _per_functional_unit(record, total)
    period = record.get("period") or {}
    return {
        "by_stage": stages,
        "per_functional_unit": per_unit,
        "record": record.id,
        "subject": record.get("subject"),
        "period": {"start": period.get("start"), "end": period.get("end")},
        "computed": bool(lines) and not failed,
        "total": total,
        "declared": declared,
        "by_category": by_category,
        "lines": lines,
    }


def _per_functional_unit(record, total) -> dict | None:
    """A.8.2.1, ISO 14067: the footprint per functional unit, E_fu = E_fp × FU / output, when the
    product gives its output in the period in the functional unit's unit."""
    product = record.get("product") or {}
    fu, out = product.get("functional_unit") or {}, product.get("output") or {}
    fu_v, out_v = _num(fu.get("value")), _num(out.get("value"))
    if total is None or fu_v is None or not out_v or fu.get("unit") != out.get("unit"):
        return None
    t = Traced(
        total.value * fu_v / out_v,
        f"{nc.UNIT}/{fu_v:g} {fu.get('unit')}",
        f"每功能单位碳足迹 Footprint per functional unit {record.id}",
        "E_fu = E_fp × FU / output",
        "A.8.2.1",
    )
    t.step(total)
    t.add("FU", "功能单位 functional unit", fu_v, str(fu.get("unit")), record_source(record, "product.functional_unit.value"))
    t.add("output", "期间产量 output in the period", out_v, str(out.get("unit")), record_source(record, "product.output.value"))
    return t.as_dict()


# -- claims ------------------------------------------------------------------------------
def _retirements_for(claim_id: str, ctx, as_of: dt.date) -> list[tuple]:
    """(credit record, index, retirement) for each retirement for the claim known by as_of."""
    out = []
    for credit in map(credit_records.read, ctx.referring(claim_id, "offset_credit")):
        for ret in credit.retirements:
            if ret.claim == claim_id and ret.day is not None and ret.day <= as_of:
                out.append((credit.record, ret.index, ret.data))
    return out


def _events_for(claim, ctx, as_of, months, last_day) -> tuple[list, list]:
    states, additions = [], []
    for event in ctx.referring(claim.id, "claim_event"):
        if event.get("claim") != claim.id or not _known(event.get("date"), as_of):
            continue
        corrections = [_day(c.get("effective_on")) for c in event.get("corrections") or [] if isinstance(c, dict)]
        states.append(
            nc.event_state(
                event.id,
                _day(event.get("date")),
                [d for d in corrections if d],
                as_of,
                months=months,
                invalidates=event.get("invalidates", True) is not False,
                claim_last_day=last_day,
            )
        )
        extra = _num(event.get("additional_tco2e"))
        if extra:
            t = Traced(extra, nc.UNIT, f"ΔE {event.id}", "ΔE = emissions the footprint missed", "D.10")
            t.add("ΔE", "漏计排放 emissions added by the event", extra, nc.UNIT, record_source(event, "additional_tco2e"))
            additions.append(t)
    return states, additions


def _superseded(claim, ctx, as_of) -> tuple[dt.date | None, str]:
    for other in ctx.records("neutrality_claim"):
        if other.get("supersedes") == claim.id and other.status in IN_FORCE:
            since = _day(other.get("valid_from")) or _day(other.get("approved_on"))
            if since is not None and since <= as_of:
                return since, other.id
    return None, ""


def _claim(claim, ctx, footprints: dict, s: dict) -> dict:
    as_of = ctx.as_of
    valid_from, valid_until = _day(claim.get("valid_from")), _day(claim.get("valid_until"))
    years = s["claim_max_validity_years"]
    last_day = nc.effective_last_day(valid_from, valid_until, years)
    achieved = _day(claim.get("achieved_on"))

    # balance (reading 5)
    fp = footprints.get(claim.get("footprint"))
    if fp is not None and fp["total"] is not None:
        fp_total = fp["total"]
    else:
        fp_total = Traced(0.0, nc.UNIT, "碳足迹 Footprint (not available)", "E_fp = 0")
        fp_total.notes.append(f"footprint {claim.get('footprint')} could not be computed: the balance is incomplete")
    reductions, reflected = [], []
    for i, red in enumerate(claim.get("reductions") or []):
        value = _num(red.get("tco2e")) if isinstance(red, dict) else None
        if value is None:
            continue
        inside = red.get("counted_in_footprint") is True
        t = Traced(
            value,
            nc.UNIT,
            f"R {red.get('action', i + 1)}",
            "R_i = reduction counted inside the footprint" if inside else "R_i = reduction the footprint reflects",
            "D.6.5.2.4 d",
        )
        t.add("R_i", "已实现减排量 reduction achieved", value, nc.UNIT, record_source(claim, ("reductions", i, "tco2e")))
        (reductions if inside else reflected).append(t)
    events, additions = _events_for(claim, ctx, as_of, s["correction_window_months"], last_day)
    retirements = _retirements_for(claim.id, ctx, as_of)
    retired = []
    for credit, i, ret in retirements:
        q = _num(ret.get("quantity_tco2e")) or 0.0
        t = Traced(q, nc.UNIT, f"C {credit.id}[{i}]", "C_j = credits retired", "D.6.5.2.4 f")
        t.add("C_j", f"注销 retired on {ret.get('date')}", q, nc.UNIT, record_source(credit, ("retirements", i, "quantity_tco2e")))
        retired.append(t)
    bal = nc.balance(fp_total, additions, reductions, retired)

    # grade (reading 3) and offset kinds (reading 4)
    graded, per_credit, kinds = {}, [], []
    for credit, i, ret in retirements:
        ptype = credit.get("project.type") or ""
        kind = nc.offset_kind(ptype, credit.get("standard") or "", s["offset_kind_basis"])
        if kind not in kinds:
            kinds.append(kind)
        if credit.id in graded:
            continue
        g = nc.credit_grade(
            ptype,
            credit.get("vintage_year"),
            achieved.year if achieved else None,
            standard=credit.get("standard") or "",
            graded_standards=s["graded_standards"],
            silver_years=s["silver_vintage_years"],
        )
        graded[credit.id] = g
        per_credit.append(
            {
                "credit": credit.id,
                "grade": g.grade,
                "reason": g.reason,
                "category": nc.category(ptype),
                "offset_kind": kind,
                "vintage_year": credit.get("vintage_year"),
                "standard": credit.get("standard"),
            }
        )
    for entry in per_credit:
        entry["quantity"] = sum(_num(r.get("quantity_tco2e")) or 0 for c, _, r in retirements if c.id == entry["credit"])
    grade = nc.claim_grade([(cid, g) for cid, g in graded.items()])

    # status (readings 1 and 2)
    superseded_on, superseded_by = _superseded(claim, ctx, as_of)
    withdrawn_on = _day(claim.get("withdrawn_on"))
    recorded = claim.status
    if recorded == "withdrawn" and withdrawn_on is not None and withdrawn_on > as_of:
        recorded = "approved"  # withdrawn later than the as-of date: not yet then
    status = nc.claim_status(
        as_of=as_of,
        valid_from=valid_from,
        valid_until=valid_until,
        recorded=recorded,
        withdrawn_on=withdrawn_on if withdrawn_on and withdrawn_on <= as_of else None,
        superseded_on=superseded_on,
        superseded_by=superseded_by,
        events=events,
        max_years=years,
        expiring_days=s["expiring_soon_days"],
    )
    return {
        "record": claim.id,
        "subject": claim.get("subject"),
        "footprint": claim.get("footprint"),
        "period": fp["period"] if fp else None,
        "achieved_on": claim.get("achieved_on"),
        "valid_from": claim.get("valid_from"),
        "valid_until": claim.get("valid_until"),
        "max_last_valid_day": nc.last_valid_day(valid_from, years).isoformat() if valid_from else None,
        "balance": {k: v.as_dict() for k, v in bal.items()},
        "covered": nc.covered(bal["surplus"].value),
        "reduction_share": nc.reduction_share(bal["emissions"], reductions, reflected).as_dict(),
        "reduction_efficiency": _efficiency(claim, reductions, reflected),
        "grade": {**grade.as_dict(), "credits": per_credit},
        "offset_kinds": kinds,
        "status": status.as_dict(),
        "events": [e.as_dict() for e in events],
        "retirements": [
            {"credit": c.id, "index": i, "date": r.get("date"), "quantity": r.get("quantity_tco2e"), "certificate_ref": r.get("certificate_ref")}
            for c, i, r in retirements
        ],
        "superseded_by": superseded_by or None,
    }


def _efficiency(claim, counted: list, reflected: list) -> dict | None:
    """D.6.2 b: reductions achieved per unit of the subject's output over the claim's period,
    when the claim states that output (output.quantity); None when it does not."""
    out = claim.get("output")
    q = out.get("quantity") if isinstance(out, dict) else None
    value = _num(q.get("value")) if isinstance(q, dict) else None
    if value is None:
        return None
    unit = q.get("unit") or ""
    return nc.reduction_efficiency(counted, reflected, value, unit, record_source(claim, ("output", "quantity", "value"))).as_dict()


def _serial_uses(ctx) -> list[dict]:
    """Every serial range retired for a claim (as of the as-of date)."""
    uses = []
    for credit in credit_records.credits(ctx):
        for ret in credit.retirements:
            if ret.day is None or ret.day > ctx.as_of:
                continue
            for j, r in ret.serials:
                uses.append(
                    {
                        "credit": credit.id,
                        "retirement": ret.index,
                        "claim": ret.data.get("claim"),
                        "date": ret.data.get("date"),
                        "block": r.block,
                        "first": r.first,
                        "last": r.last,
                        "text": r.text,
                        "path": f"retirements[{ret.index}].serials[{j}]",
                    }
                )
    return uses


@computation(
    "neutrality",
    title="碳中和 Carbon neutrality: footprints, claim balances, grades and status",
    clauses=["D.6.5.2.3", "D.6.5.2.4", "D.8.2.4", "D.8.2.5", "D.8.2.6", "D.10"],
    subsystem="D",
    statuses=STATUSES,
    consolidation="._group:CONSOLIDATION",  # imported by a group only (issue 19)
)
def neutrality(ctx):
    s = {name: setting(ctx, name) for name in SETTING_NAMES}
    footprints = {r.id: _footprint(r, ctx) for r in ctx.records("carbon_footprint")}
    claims = {r.id: _claim(r, ctx, footprints, s) for r in ctx.records("neutrality_claim")}
    out_fp = {}
    for fid, fp in footprints.items():
        out_fp[fid] = {**fp, "total": fp["total"].as_dict() if fp["total"] else None, "lines": [{**x, "total": x["total"].as_dict()} for x in fp["lines"]]}
    # validated here, so a result of the wrong shape is a crash of this computation (results.py)
    return NeutralityResult.model_validate(
        {"as_of": ctx.as_of.isoformat(), "settings": s, "footprints": out_fp, "claims": claims, "serial_uses": _serial_uses(ctx)}
    )


# -- claim rules -------------------------------------------------------------------------
def _result(ctx, claim_id: str) -> dict | None:
    res = ctx.results.get("neutrality") or {}
    return (res.get("claims") or {}).get(claim_id)


def _issued(record) -> bool:
    return record.status in IN_FORCE


@check(
    "neutrality.claim-validity-too-long",
    title="声明有效期不超过 1 年 A claim is valid for at most one year",
    clauses=["D.10"],
    severity="error",
    kinds=["neutrality_claim"],
)
def validity_too_long(record, ctx):
    """D.10, reading 1: a neutrality claim is valid for at most one year: its last valid day
    is no later than its first valid day plus one year less a day (2025-03-01 -> 2026-02-28;
    2024-02-29 -> 2025-02-28). Setting neutrality.claim_max_validity_years (default 1)."""
    start, end = _day(record.get("valid_from")), _day(record.get("valid_until"))
    if start is None or end is None:
        return
    years = setting(ctx, "claim_max_validity_years")
    cap = nc.last_valid_day(start, years)
    if end > cap:
        yield record.issue(
            "valid_until",
            f"valid {start} to {end}: longer than {years} year(s); the last valid day may be {cap} at the latest ({(end - cap).days} day(s) too long)",
            hint=f"set valid_until: {cap} and re-validate with a new claim after it (D.10)",
        )
    elif end < start:
        yield record.issue("valid_until", f"valid_until {end} is before valid_from {start}", hint="correct the validity period")


@check(
    "neutrality.claim-shown-when-not-valid",
    title="失效或过期的声明不再展示 A claim no longer valid is not shown",
    clauses=["D.10"],
    severity="error",
    kinds=["neutrality_claim"],
)
def shown_when_not_valid(record, ctx):
    """D.10: once a claim is no longer valid (past its last valid day, withdrawn or
    superseded) every display of it as valid is removed at once. A display still shown at
    the as-of date is an error; one removed late, a warning (it cannot be undone)."""
    res = _result(ctx, record.id)
    if not res or not _issued(record):
        return
    st = res["status"]
    stops = []  # (the first day on which it may no longer be shown, why)
    last = _day(st["last_valid_day"])
    if last is not None and ctx.as_of > last:
        stops.append((last + dt.timedelta(days=1), f"expired after {last}"))
    if st["status"] == "withdrawn":
        since = _day(st["withdraw_from"]) or _day(record.get("withdrawn_on"))
        if since is not None:
            stops.append((since, st["reason"]))
    if not stops:
        return
    stop, why = min(stops)
    for i, shown in enumerate(record.get("disclosures") or []):
        if not isinstance(shown, dict):
            continue
        until = _day(shown.get("until"))
        if until is None or until > ctx.as_of:
            yield record.issue(
                ("disclosures", i),
                f"still shown as valid on '{shown.get('channel')}' though the claim {why}; it must come down by {stop}",
                hint="take it down and record the date in until (D.10)",
            )
        elif until > stop:
            yield record.issue(
                ("disclosures", i, "until"),
                f"shown on '{shown.get('channel')}' until {until}, {(until - stop).days} day(s) after it ceased to be valid ({stop})",
                hint="record why, and what prevents it recurring, as a corrective action (D.10, 10)",
                severity="warning",
            )


@check(
    "neutrality.claim-not-withdrawn",
    title="未在三个月内纠正的声明已撤销 A claim not corrected within three months is withdrawn",
    clauses=["D.10"],
    severity="error",
    kinds=["neutrality_claim"],
)
def not_withdrawn(record, ctx):
    """D.10, reading 2: when no corrective action took effect within three calendar months
    of an invalidating event (clamped to month ends: 2025-05-31 -> 2025-08-31; 2025-11-30
    -> 2026-02-28, the deadline day included), the claim must be withdrawn from the next
    day. Setting neutrality.correction_window_months (default 3)."""
    res = _result(ctx, record.id)
    if not res:
        return
    st = res["status"]
    if record.status != "withdrawn" and st["status"] == "withdrawn" and st["withdraw_from"]:
        late = [e for e in res["events"] if e["deadline"] == st["deadline"] and e["late_corrections"]]
        extra = f"; the corrective action of {late[0]['late_corrections'][0]} came too late" if late else ""
        yield record.issue(
            "status",
            f"{st['reason']}{extra}; the record is still '{record.status}'",
            hint=f"set status: withdrawn and withdrawn_on (no later than {st['withdraw_from']}), take "
            "every display down, and issue a new claim once neutrality is proven again",
        )
    else:
        withdrawn_on = _day(record.get("withdrawn_on")) if record.status == "withdrawn" else None
        for e in res["events"]:
            if withdrawn_on is None or e["state"] != "lapsed":
                continue
            due = _day(e["deadline"]) + dt.timedelta(days=1)
            if withdrawn_on > due:
                yield record.issue(
                    "withdrawn_on",
                    f"withdrawn on {withdrawn_on}, {(withdrawn_on - due).days} day(s) after "
                    f"it had to be (from {due}: event {e['event']} of {e['date']} had no "
                    f"corrective action in effect by {e['deadline']})",
                    hint="record the delay and its cause as a nonconformity (D.10, 10)",
                    severity="warning",
                )


@check(
    "neutrality.correction-pending",
    title="纠正行动须在三个月内生效 A corrective action takes effect within three months",
    clauses=["D.10"],
    severity="warning",
    kinds=["claim_event"],
)
def correction_pending(record, ctx):
    """D.10, reading 2: an invalidating event without a corrective action in effect is a
    warning naming the deadline (event date + 3 calendar months, month-end clamped) while
    the window is open; after it, the claim must be withdrawn (neutrality.claim-not-withdrawn).
    A corrective action that took effect after the deadline is an error until the claim is
    withdrawn (status: withdrawn, withdrawn_on by the as-of date): then nothing is reported."""
    res = _result(ctx, record.get("claim") or "")
    if not res:
        return
    claim = ctx.get(record.get("claim") or "")
    withdrawn_on = _day(claim.get("withdrawn_on")) if claim is not None and claim.status == "withdrawn" else None
    if claim is not None and claim.status == "withdrawn" and (withdrawn_on is None or withdrawn_on <= ctx.as_of):
        return  # the claim is withdrawn, as the hint asks: nothing is left to correct (a late withdrawal
        # is neutrality.claim-not-withdrawn's warning)
    for e in res["events"]:
        if e["event"] != record.id:
            continue
        if e["state"] == "open":
            left = (_day(e["deadline"]) - ctx.as_of).days
            yield record.issue(
                "date",
                f"event of {e['date']} has no corrective action in effect yet: one must take "
                f"effect by {e['deadline']} ({left} day(s) left), or claim {record.get('claim')} "
                f"must be withdrawn",
                hint="record the corrective action with its effective_on date under corrections",
            )
        elif e["state"] == "lapsed" and e["late_corrections"]:
            yield record.issue(
                "corrections",
                f"the corrective action took effect on {e['late_corrections'][0]}, after the deadline {e['deadline']}: it cannot restore the claim",
                hint="withdraw the claim and issue a new one",
                severity="error",
            )


@check(
    "neutrality.claim-balance-not-covered",
    title="注销的减排量覆盖应抵消量 Credits retired cover the balance",
    clauses=["D.6.5.2.4 e", "D.6.1.1 c"],
    severity="error",
    kinds=["neutrality_claim"],
)
def balance_not_covered(record, ctx):
    """Reading 5: the subject's emissions in the claim period (footprint plus emissions found
    later by events), less the achieved reductions counted inside that footprint, are covered
    by credits retired for the claim by the as-of date."""
    res = _result(ctx, record.id)
    if not res or not _issued(record):
        return
    b = res["balance"]
    e, r, to_offset, c = (b[k]["value"] for k in ("emissions", "reductions", "to_offset", "retired"))
    if to_offset < 0:
        yield record.issue(
            "reductions",
            f"reductions counted inside the footprint ({r:.3f} tCO2e) exceed its emissions ({e:.3f} tCO2e)",
            hint="a reduction counted inside the footprint must be part of its emissions: check counted_in_footprint and the figures",
        )
    elif not res["covered"]:
        yield record.issue(
            "footprint",
            f"credits retired for the claim ({c:.0f} tCO2e) do not cover the emissions to "
            f"offset ({to_offset:.3f} tCO2e = {e:.3f} - {r:.3f}): short by "
            f"{to_offset - c:.3f} tCO2e",
            hint="retire further credits for this claim (offset_credit retirements naming it)",
        )


@check(
    "neutrality.claim-offset-mismatch",
    title="声明的被抵消量与计算值一致 Stated emissions offset match the balance",
    clauses=["D.6.5.2.4 e", "D.6.1.1 c"],
    severity="error",
    kinds=["neutrality_claim"],
)
def offset_mismatch(record, ctx):
    """D.6.5.2.4 e: the emissions offset stated in the claim equal the computed balance
    (emissions less reductions counted inside the footprint), within the setting
    neutrality.declared_tolerance_tco2e (default 0.5 t).

    D.6.1.1 c, D.6.5.2.4 e: the kinds of emissions offset (offset_emission_types) name every
    category of the footprint with emissions in it. The balance, and so the credits retired,
    offset the whole footprint (reading 5): a claim that leaves out a category its footprint
    counts says it offset less than it did, or offset a footprint it does not state."""
    res = _result(ctx, record.id)
    if not res:
        return
    kinds = record.get("offset_emission_types")
    fp = ((ctx.results.get("neutrality") or {}).get("footprints") or {}).get(res.get("footprint") or "")
    if isinstance(kinds, list) and kinds and fp:
        for category, tco2e in sorted((fp.get("by_category") or {}).items()):
            if category and category not in kinds and tco2e > 0:
                yield record.issue(
                    "offset_emission_types",
                    f"footprint {res['footprint']} counts {tco2e:.3f} tCO2e of {category} emissions, which the balance "
                    f"offsets, but the kinds of emissions offset ({', '.join(map(str, kinds))}) leave {category} out",
                    clauses=["D.6.1.1 c", "D.6.5.2.4 e"],
                    hint=f"add {category} to offset_emission_types, or, if those emissions are truly outside the claim, "
                    "take them out of the subject's footprint (and its boundary)",
                )
    stated = _num(record.get("offset_tco2e"))
    if stated is None:
        return
    computed = res["balance"]["to_offset"]["value"]
    tol = setting(ctx, "declared_tolerance_tco2e")
    if abs(stated - computed) > tol:
        yield record.issue(
            "offset_tco2e",
            f"the claim states {stated:.3f} tCO2e offset; the balance computes {computed:.3f} tCO2e (difference {stated - computed:+.3f}, tolerance {tol})",
            hint="correct offset_tco2e, or the footprint, reductions or events it rests on",
        )


@check(
    "neutrality.too-many-offset-kinds",
    title="至多组合两种抵消方式 At most two kinds of offset combined",
    clauses=["D.8.2.4"],
    severity="error",
    kinds=["neutrality_claim"],
)
def too_many_kinds(record, ctx):
    """D.8.2.4, reading 4: a claim is offset by one kind of offset (forest sink, CCUS,
    voluntary reductions domestic or foreign) or a combination of two. Settings
    neutrality.max_offset_kinds (default 2) and neutrality.offset_kind_basis (default d824)."""
    res = _result(ctx, record.id)
    if not res:
        return
    most = setting(ctx, "max_offset_kinds")
    if len(res["offset_kinds"]) > most:
        yield record.issue(
            "id",
            f"offset by {len(res['offset_kinds'])} kinds ({', '.join(res['offset_kinds'])}); D.8.2.4 allows one kind or a combination of {most}",
            hint="retire credits of at most two kinds for the claim",
        )


@check(
    "neutrality.claim-not-graded",
    title="声明可获证书等级 The claim earns a certificate grade",
    clauses=["D.8.2.5", "D.8.2.6"],
    severity="info",
    kinds=["neutrality_claim"],
)
def not_graded(record, ctx):
    """D.8.2.5, D.8.2.6, reading 3: a claim's certificate grade is the lowest of its credits'.
    A credit not issued under a national or international standard (setting
    neutrality.graded_standards), or without a vintage year, leaves the claim without one."""
    res = _result(ctx, record.id)
    if res and _issued(record) and res["retirements"] and res["grade"]["grade"] is None:
        yield record.issue(
            "id", f"no certificate grade: {res['grade']['reason']}", hint="credits of a national or international standard with a vintage year earn a grade"
        )


@check(
    "neutrality.claim-inconsistent",
    title="声明、标的物和碳足迹相互一致 Claim, subject and footprint agree",
    clauses=["D.6.5.2.4 b", "D.6.5.2.4 c", "D.6.5.2.4 d", "D.6.5.2.4 g", "D.6.1.1 b"],
    severity="error",
    kinds=["neutrality_claim"],
)
def inconsistent(record, ctx):
    """D.6.5.2.4: the footprint is the claimed subject's; the claim's evaluation found it
    conforming; neutrality is achieved after the footprint period ends and the claim is
    valid from no earlier than its achievement, nor than its evaluation. D.6.1.1 b,
    D.6.5.2.4 d: the claim's period is its footprint's, so each achieved reduction it states
    was measured within that period (its period's start and end inside the footprint's): a
    reduction of another time cannot be in, nor be reflected by, the emissions offset."""
    fp = ctx.get(record.get("footprint") or "")
    fp_start = _day(fp.get("period.start")) if fp is not None else None
    fp_end = _day(fp.get("period.end")) if fp is not None else None
    for i, red in enumerate(record.get("reductions") or []):
        period = red.get("period") if isinstance(red, dict) else None
        if not isinstance(period, dict) or fp_start is None or fp_end is None:
            continue
        r_start, r_end = _day(period.get("start")), _day(period.get("end"))
        if (r_start is not None and r_start < fp_start) or (r_end is not None and r_end > fp_end):
            yield record.issue(
                ("reductions", i, "period"),
                f"reduction {i + 1} ({red.get('action') or '?'}) was measured over {r_start}..{r_end}, outside the period "
                f"of footprint {fp.id} ({fp_start}..{fp_end}) whose emissions the claim offsets",
                clauses=["D.6.1.1 b", "D.6.5.2.4 d"],
                hint="state the reductions achieved within the footprint's period, or name the footprint of the period claimed",
            )
    if fp is not None and fp.get("subject") != record.get("subject"):
        yield record.issue(
            "footprint",
            f"footprint {fp.id} is of subject {fp.get('subject')}, the claim is for {record.get('subject')}",
            hint="name the footprint of the claimed subject",
        )
    if _issued(record) and record.get("evaluation.result") == "nonconforming" and record.status == "approved":
        yield record.issue(
            "evaluation.result",
            "the claim's evaluation found it nonconforming, yet it is approved",
            hint="correct what the evaluation found and have it re-evaluated, or withdraw the claim",
        )
    achieved, start = _day(record.get("achieved_on")), _day(record.get("valid_from"))
    end = _day(fp.get("period.end")) if fp is not None else None
    if achieved and end and achieved <= end:
        yield record.issue(
            "achieved_on",
            f"achieved on {achieved}, before the footprint period ends ({end})",
            hint="neutrality of a period is achieved once its emissions are known and offset",
        )
    if achieved and start and start < achieved:
        yield record.issue(
            "valid_from", f"valid from {start}, before neutrality was achieved ({achieved})", hint="a claim is valid from its achievement date at the earliest"
        )
    evaluated = _day(record.get("evaluation.date"))
    if evaluated and start and start < evaluated:
        yield record.issue(
            "evaluation.date",
            f"the claim is valid from {start}, but its evaluation is dated {evaluated}: it was in force before it was evaluated",
            hint="a claim states the form and result of its evaluation (D.6.5.2.4 g; D.6.1.1 a: the method and quantity "
            "confirmed by the designated third party): make it valid from the evaluation date at the earliest",
        )


@check(
    "neutrality.credit-outside-plan",
    title="注销的减排量符合管理计划的中和策略 Credits retired follow the plan's strategy",
    clauses=["D.6.4.2 e", "D.8.2.4"],
    severity="error",
    kinds=["neutrality_claim"],
)
def credit_outside_plan(record, ctx):
    """D.6.4.2 e: the management plan states the strategy used: the offset kinds (D.8.2.4:
    strategy.methods) and the likely type of credits. The credits retired for a claim follow
    the plan the claim names: each is of an offset kind the plan lists (D.8.2.4 kinds:
    forest_sink, ccus, other_removal, voluntary_reduction), of a standard the plan accepts
    (strategy.standards, when given) and earns at least the plan's lowest grade
    (strategy.min_grade, when given; reading 3). Located at the retirement on the credit."""
    if not _issued(record) or record.status != "approved":
        return
    plan = ctx.get(record.get("plan") or "")
    res = _result(ctx, record.id)
    if plan is None or plan.kind != "neutrality_plan" or not res:
        return
    methods = plan.get("strategy.methods") or []
    standards = plan.get("strategy.standards") or []
    floor = plan.get("strategy.min_grade")
    grades = {c["credit"]: c.get("grade") for c in res["grade"]["credits"]}
    seen = set()
    for r in res["retirements"]:
        credit = ctx.get(r["credit"])
        if credit is None or credit.id in seen:
            continue
        seen.add(credit.id)
        where = ("retirements", r["index"], "claim")
        kind = nc.offset_kind(credit.get("project.type") or "", credit.get("standard") or "", "d824")
        if methods and kind not in methods:
            yield credit.issue(
                where,
                f"credits of kind {kind} retired for claim {record.id}, but its plan {plan.id} offsets by {', '.join(methods)} only",
                hint="retire credits of a kind the plan lists, or revise the plan's strategy.methods first (D.6.4.2 e)",
            )
        if standards and credit.get("standard") not in standards:
            yield credit.issue(
                where,
                f"credits of standard {credit.get('standard') or '?'} retired for claim {record.id}, but its plan {plan.id} uses {', '.join(standards)} only",
                hint="retire credits of a standard the plan accepts, or revise the plan's strategy.standards first (D.6.4.2 e)",
            )
        grade = grades.get(credit.id)
        if floor in nc.GRADES and (grade not in nc.GRADES or nc.GRADES.index(grade) > nc.GRADES.index(floor)):
            yield credit.issue(
                where,
                f"credits earning {grade or 'no grade'} retired for claim {record.id}, but its plan {plan.id} accepts {floor} or better",
                hint="retire credits that earn the plan's grade (D.8.2.5, D.8.2.6), or revise the plan's strategy.min_grade first",
            )


@check(
    "neutrality.claim-evidence-missing",
    title="碳中和实现的证据齐全 Evidence of neutrality is complete",
    clauses=["D.6.1.1 a", "D.6.1.1 b", "D.6.1.1 c"],
    severity="error",
    kinds=["neutrality_claim"],
)
def evidence_missing(record, ctx):
    """D.6.1.1 a-c: the evidence of a claim: the subject's rationale and the methods'
    (on the subject record, neutrality.subject-rationale-missing), the footprint with its
    emission categories, the management plan (neutrality.subject-without-plan), retirement
    proofs (neutrality.credit-retirement-without-proof), the method and quantity confirmed by
    a designated third party (a); the reductions achieved with the time range measured (b);
    the kinds of emissions offset and the credits retired (c). An approved claim rests on
    approved evidence: its footprint, and each credit record whose retirements it counts, is
    neither a draft (never approved) nor withdrawn (revoked); a superseded one is left to
    doc.current-refers-to-superseded."""
    if not _issued(record):
        return
    if record.status == "approved":
        fp_rec = ctx.get(record.get("footprint") or "")
        if fp_rec is not None and fp_rec.status in NOT_EVIDENCE:
            yield record.issue(
                "footprint",
                f"the claim rests on footprint {fp_rec.id}, which is {fp_rec.status}: not approved evidence of the emissions offset",
                clauses=["D.6.1.1 a"],
                hint="approve the footprint (or name the approved one) and have the claim re-evaluated, or withdraw the claim",
            )
        named = []
        for credit in ctx.referring(record.id, "offset_credit"):
            if (
                credit.status in NOT_EVIDENCE
                and credit.id not in named
                and any(isinstance(r, dict) and r.get("claim") == record.id and _known(r.get("date"), ctx.as_of) for r in credit.get("retirements") or [])
            ):
                named.append(credit.id)
                yield credit.issue(
                    "status",
                    f"claim {record.id} counts credits retired in this record, which is {credit.status}: not approved evidence of the retirement",
                    clauses=["D.6.1.1 c"],
                    hint="approve the credit record (or record the retirement in an approved one), or withdraw the claim",
                )
    ev = record.get("evaluation") or {}
    if ev.get("form") != "independent_third_party" or ev.get("covers_method_and_quantity") is not True:
        yield record.issue(
            "evaluation",
            f"the neutrality method and quantity are not confirmed by a designated third party (evaluation form: {ev.get('form') or 'none'})",
            clauses=["D.6.1.1 a"],
            hint="have an independent third party confirm method and quantity: evaluation.form: independent_third_party, covers_method_and_quantity: true",
        )
    fp = ctx.get(record.get("footprint") or "")
    if fp is not None and not fp.get("lines"):
        yield record.issue(
            "footprint",
            f"footprint {fp.id} gives no emission sources by category",
            clauses=["D.6.1.1 a"],
            hint="list the emission sources with their category in the footprint's lines",
        )
    if not record.get("reductions"):
        yield record.issue(
            "id",
            "no achieved reductions are stated (absolute figure, share of the original footprint, time range measured)",
            clauses=["D.6.1.1 b"],
            hint="add reductions with the action, tco2e and period",
        )
    if not record.get("offset_emission_types"):
        yield record.issue(
            "id",
            "the kinds of emissions offset are not stated",
            clauses=["D.6.1.1 c"],
            hint="add offset_emission_types (direct, energy_indirect, other_indirect)",
        )
    res = _result(ctx, record.id)
    if res is not None and not res["retirements"]:
        yield record.issue(
            "id", "no credits are retired for this claim", clauses=["D.6.1.1 c"], hint="record the retirement under the offset_credit record, naming this claim"
        )


@check(
    "neutrality.no-reduction-against-earlier",
    title="后一期碳足迹较前一期有所减少 A later footprint shows a reduction",
    clauses=["D.6.1.1 b", "D.8.2.2.1"],
    severity="warning",
)
def no_reduction(ctx):
    """D.6.1.1 b, D.8.2.2.1: a later claim of a subject shows a reduction of the footprint
    against the subject's earlier claim (footprint plus emissions found later; periods of
    different length are compared per day)."""
    res = ctx.results.get("neutrality") or {}
    claims = res.get("claims") or {}
    by_subject: dict[str, list] = {}
    for cid, c in claims.items():
        rec = ctx.get(cid)
        period = c.get("period") or {}
        start, end = _day(period.get("start")), _day(period.get("end"))
        if rec is None or not _issued(rec) or start is None or end is None or end < start:
            continue
        by_subject.setdefault(c["subject"], []).append((start, end, cid, c, rec))
    for items in by_subject.values():
        items.sort()
        for (s0, e0, id0, c0, _), (s1, e1, id1, c1, rec1) in zip(items, items[1:]):
            if s1 <= e0:
                continue  # overlapping periods (a re-validation of the same period) are not compared
            v0, v1 = c0["balance"]["emissions"]["value"], c1["balance"]["emissions"]["value"]
            d0, d1 = (e0 - s0).days + 1, (e1 - s1).days + 1
            if v1 / d1 >= v0 / d0:
                yield rec1.issue(
                    "footprint",
                    f"emissions {v1:.1f} tCO2e for {s1}..{e1} show no reduction against {v0:.1f} tCO2e for {s0}..{e0} (claim {id0})",
                    hint="review the reduction actions (D.8.2.2.2) and explain in the neutrality review",
                )

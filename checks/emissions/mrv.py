"""Monitoring, reporting and verification planning (A.6.5.2, A.9.1 a, A.4.2)."""

from __future__ import annotations

import datetime as dt

from cms_build.api import check
from cms_build.api import dates
from .inventory import in_national_ets, source_expected, years_to_check

INACTIVE = ("superseded", "withdrawn")
MANDATORY = ("national_ets", "local_pilot_ets", "mandatory_reporting")

# A.9.1 a): organization details a monitoring plan states: (field, org-record field, label)
ORG_DETAILS = (
    ("name", "legal_name", "组织名称 name"),
    ("industry_code", "industry_code", "行业代码 industry code"),
    ("uscc", "uscc", "统一社会信用代码 unified social credit code"),
    ("legal_representative", "legal_representative", "法定代表人 legal representative"),
    ("business_address", "business_address", "经营地址 business address"),
    ("mailing_address", "mailing_address", "通讯地址 mailing address"),
    ("contact", "contact", "联系人 contact"),
)

# Items a monitoring plan must list for a source, by method (A.6.5.2.2 a: what is monitored).
REQUIRED_ITEMS = {
    "emission_factor": ("activity",),
    "mass_balance": ("activity",),
    "measurement": ("measured",),
    "desulfurization": ("activity", "purity"),
    "purchased_electricity": ("activity",),
    "purchased_heat": ("activity",),
}
FUEL_ITEMS = ("ncv", "carbon_content", "oxidation")


def _year(record):
    y = record.get("year")
    return y if isinstance(y, int) and not isinstance(y, bool) else None


def _organization(ctx):
    profile = ctx.setting("organization.profile")
    org = ctx.get(profile) if isinstance(profile, str) else None
    if org is None:
        orgs = ctx.records("organization")
        org = orgs[0] if orgs else None
    return org


def _known_years(ctx) -> list[int]:
    known = [_year(r) for r in ctx.records("activity_data")]
    for plan in ctx.records("monitoring_plan"):
        known.extend(plan.get("reporting_years") or [])
    return [y for y in known if isinstance(y, int) and not isinstance(y, bool)]


def _active_plans(ctx) -> list:
    return [p for p in ctx.records("monitoring_plan") if p.status not in INACTIVE]


def _expected(source, ctx, year: int) -> bool:
    if source.status in INACTIVE:
        return False
    fac = ctx.get(source.get("facility")) if isinstance(source.get("facility"), str) else None
    return source_expected(source.data, fac.data if fac is not None else None, year)


@check(
    "emissions.monitoring-plan-incomplete",
    title="监测计划内容完整并覆盖每个报告年度 The monitoring plan has the required content and covers every reporting year",
    clauses=["A.9.1 a", "A.6.5.2.2"],
    severity="error",
)
def monitoring_plan_incomplete(ctx):
    """A.9.1 a): the monitoring plan states the organization's details (name, reporting year,
    industry code, unified social credit code, legal representative, business and mailing
    address, contact), the boundary, the choice of method and the uncertainties with their
    measures, and is submitted in time where the authority requires it. A.6.5.2.2: planning is
    maintained, so each completed reporting year has a plan (the current year too: a warning).
    Details left out of the plan are read from the organization record it names."""
    plans = _active_plans(ctx)
    org_default = _organization(ctx)
    for plan in plans:
        org = ctx.get(plan.get("organization")) if isinstance(plan.get("organization"), str) else org_default
        info = plan.get("organization_info") or {}
        missing = [label for own, theirs, label in ORG_DETAILS if not info.get(own) and not (org is not None and org.get(theirs))]
        if missing:
            yield plan.issue(
                "organization_info" if plan.get("organization_info") else "organization",
                key=True,
                message=f"the monitoring plan lacks organization details A.9.1 a) asks for: {', '.join(missing)}",
                hint="add them under organization_info, or to the organization record the plan names",
            )
        sub = plan.get("submission") or {}
        if sub.get("required") and not sub.get("submitted_on"):
            yield plan.issue(
                ("submission", "required"),
                "the authority requires the monitoring plan, but no submission date is recorded",
                hint="submit the plan and record submission.submitted_on (A.9.1 a)",
            )
    covered = {y for p in plans for y in (p.get("reporting_years") or []) if isinstance(y, int)}
    years = years_to_check(_known_years(ctx), ctx.as_of.year, int(ctx.setting("emissions.reporting_years_back") or 5))
    current = ctx.as_of.year
    latest = max(plans, key=lambda p: (max([y for y in p.get("reporting_years") or [] if isinstance(y, int)] or [0]), p.id)) if plans else None
    for y in years + ([current] if years or covered else []):
        if y in covered:
            continue
        sev = "warning" if y == current else None
        msg = f"no monitoring plan in force covers the reporting year {y}" + (" (the current year)" if y == current else "")
        hint = f"add a monitoring_plan for {y}, or add {y} to the reporting_years of a plan that applies to it"
        if latest is not None:
            yield latest.issue("reporting_years", msg, hint=hint, severity=sev, key=True)
        elif org_default is not None:
            yield org_default.issue("id", msg, hint=hint, severity=sev)
        else:
            yield ctx.settings_issue("organization", msg, hint=hint, severity=sev)


@check(
    "emissions.monitoring-plan-source-not-covered",
    title="监测计划覆盖边界内的每个排放源及其参数 The monitoring plan covers every source in the boundary and its parameters",
    clauses=["A.6.5.2.2 a", "A.9.1 a"],
    severity="error",
    kinds=["monitoring_plan"],
)
def plan_covers_sources(plan, ctx):
    """A.6.5.2.2 a): what is monitored. Every emission source in the boundary that operates in
    one of the plan's reporting years is in the plan, with an item for each parameter its
    method needs (activity data; for fuel combustion the NCV, carbon content and oxidation
    rate unless a direct EF is planned; the sorbent purity for desulfurization)."""
    if plan.status in INACTIVE:
        return
    years = [y for y in plan.get("reporting_years") or [] if isinstance(y, int)]
    listed = {}
    for i, s in enumerate(plan.get("sources") or []):
        listed[s.get("source")] = (i, s)
    for src in ctx.records("emission_source"):
        active = [y for y in years if _expected(src, ctx, y)]
        if not active:
            continue
        if src.id not in listed:
            yield plan.issue(
                "sources",
                key=True,
                message=f"the emission source {src.id} ({src.title}) operates in {', '.join(map(str, active))} but is not in the monitoring plan",
                hint=f"add {{source: {src.id}, method: ..., items: [...]}} to sources (A.6.5.2.2 a)",
            )
            continue
        i, s = listed[src.id]
        have = {it.get("parameter") for it in s.get("items") or []}
        need = list(REQUIRED_ITEMS.get(s.get("method"), ()))
        if s.get("method") == "emission_factor" and src.get("category") == "fuel_combustion" and "ef" not in have:
            need += list(FUEL_ITEMS)
        missing = [p for p in need if p not in have]
        if missing:
            yield plan.issue(
                ("sources", i, "items"),
                key=True,
                message=f"{src.id}: the plan does not say how {', '.join(missing)} is monitored",
                hint="add an item for each parameter with its basis, method, frequency, responsible department and record form (A.6.5.2.2 a-e)",
            )


@check(
    "emissions.national-ets-not-in-profile",
    title="全国碳市场履约义务与组织概况一致 A national ETS obligation is backed by the profile",
    clauses=["A.4.2"],
    severity="error",
    kinds=["ets_compliance"],
    subsystem="common",  # the reading serves the common retention rule (7.4.3) too
)
def national_ets_not_in_profile(record, ctx):
    """A.4.2: whether the organization is within the national ETS is said once, by its profile's
    mandatory_schemes (inventory.in_national_ets). An obligation of scheme national_ets while no
    profile lists national_ets contradicts it, and every rule of the national market (the ETS
    figure, the filing rules, the ETS warnings, the legal retention) would stay silent: say so
    at the obligation's scheme. A withdrawn obligation says nothing."""
    if record.status == "withdrawn" or record.get("scheme") != "national_ets" or in_national_ets(ctx):
        return
    yield record.issue(
        "scheme",
        f"{record.id} is an obligation of the national ETS, but no organization profile lists national_ets in mandatory_schemes, "
        "so the rules of the national market (the ETS figure, the filing rules, the legal retention of the report's records) are not applied",
        hint="add national_ets to the organization profile's mandatory_schemes (A.4.2), or, if this is a local pilot market's obligation, say scheme: local_pilot",
    )


@check(
    "emissions.verification-missing",
    title="纳入强制范围的组织完成第三方核查 An organization in a mandatory scheme has each year verified",
    clauses=["A.4.2", "A.6.5.2.4"],
    severity="error",
)
def verification_missing(ctx):
    """A.4.2: an organization within a government mandatory scheme has its emissions verified
    by a third party. Each completed reporting year needs a verification record with a
    statement by settings emissions.verification_due (month-day of the following year; an
    error after it). Before then a year with no verification record at all is a warning:
    plan it (A.6.5.2.4)."""
    mode = ctx.setting("emissions.verification_required") or "when_mandatory"
    if mode == "never":
        return
    org = _organization(ctx)
    schemes = [s for s in (org.get("mandatory_schemes") or []) if s in MANDATORY] if org is not None else []
    if mode == "when_mandatory" and not schemes:
        return
    due_md = str(ctx.setting("emissions.verification_due") or "12-31")
    years = years_to_check(_known_years(ctx), ctx.as_of.year, int(ctx.setting("emissions.reporting_years_back") or 5))
    by_year: dict = {}
    for v in ctx.records("verification"):
        if v.status not in INACTIVE and _year(v) is not None:
            by_year.setdefault(_year(v), []).append(v)
    why = f"the organization is in {', '.join(schemes)} (A.4.2)" if schemes else "settings emissions.verification_required: always"
    for y in years:
        recs = by_year.get(y, [])
        if any(r.get("statement") for r in recs):
            continue
        try:
            due = dt.date(y + 1, int(due_md[:2]), int(due_md[3:5]))
        except ValueError:
            due = dt.date(y + 1, 12, 31)
        overdue = ctx.as_of > due
        if not overdue and recs:
            continue  # planned, not yet due
        msg = (
            f"{y} has no verification statement"
            + (f", due by {due.isoformat()}" if overdue else f" and no verification is planned yet (due by {due.isoformat()})")
            + f"; {why}"
        )
        hint = (
            "record the verifier's statement (statement: {date, opinion, verified_emissions}) in a verification record"
            if recs
            else f"add a verification record for {y} with the plan (A.6.5.2.4) and, once issued, the statement"
        )
        sev = None if overdue else "warning"
        if recs:
            yield recs[0].issue("year", msg, hint=hint, severity=sev)
        elif org is not None:
            yield org.issue("mandatory_schemes" if org.get("mandatory_schemes") else "id", msg, hint=hint, severity=sev, key=True)
        else:
            yield ctx.settings_issue("emissions.verification_required", msg, hint=hint, severity=sev)


OPINION_WORDS = {
    "qualified": "a qualified opinion (保留意见)",
    "adverse": "an adverse opinion (否定意见)",
    "disclaimer": "a disclaimer of opinion (无法表示意见)",
}


@check(
    "emissions.verification-opinion",
    title="核查结论：保留意见须处理，否定意见或无法表示意见不算核证 A qualified opinion is followed up; an adverse one or a disclaimer verifies nothing",
    clauses=["A.4.2", "A.6.5.2.4 h", "10.2"],
    severity="error",
    kinds=["verification"],
)
def verification_opinion(record, ctx):
    """A.4.2: the organization has the third-party verification completed; A.6.5.2.4 h): the
    content of the verification statement is considered. The statement's opinion decides what
    it verifies: an unqualified one verifies the figure; a qualified one (保留意见) verifies it
    with reservations, a warning until a nonconformity taken up from this verification
    (source_ref: the verification) deals with them (10.2); an adverse opinion (否定意见) or a
    disclaimer (无法表示意见) verifies no figure, an error: the year's inventory counts no verified
    emissions from it (the ETS and asset figures use what they use for an unverified year)."""
    st = record.get("statement")
    if record.status in INACTIVE or not isinstance(st, dict) or not record.known_by(ctx.as_of):
        return
    opinion = st.get("opinion")
    if opinion not in OPINION_WORDS:
        return
    what = f"the verification statement of {record.id} ({st.get('date')}) for {_year(record)} gives {OPINION_WORDS[opinion]}"
    if opinion == "qualified":
        taken_up = [nc for nc in ctx.records("nonconformity") if nc.get("source_ref") == record.id and nc.status != "withdrawn" and nc.known_by(ctx.as_of)]
        if taken_up:
            return
        yield record.issue(
            "statement.opinion",
            what + ": its emissions are verified with reservations, and no nonconformity takes them up",
            severity="warning",
            hint="record the verifier's reservations in statement.findings and deal with them in a nonconformity "
            f"(source: verification, source_ref: {record.id}) with its correction and cause (10.2)",
        )
        return
    yield record.issue(
        "statement.opinion",
        what + ": it verifies no emissions, so the year counts as not verified",
        hint="deal with the verifier's grounds (a nonconformity, source_ref: this verification), correct the report and "
        "have it verified again; record the new statement in its own verification record",
    )


@check(
    "emissions.measurement-without-equipment",
    title="实测法须注明监测设备 Measured emissions name their monitoring equipment",
    clauses=["A.9.1 c", "9.1.1"],
    severity="error",
    kinds=["activity_data"],
    scope="record",
)
def measurement_without_equipment(record, ctx):
    """F.4 measures emissions with installed monitoring equipment (e.g. CEMS); A.9.1 c) and
    9.1.1 require that equipment to be calibrated or verified. So a line computed by the
    measurement method names its measuring_instrument records, whose calibrations the
    management-system rules follow."""
    line = record.get("line") or {}
    if line.get("method") != "measurement":
        return
    where = "cems" if line.get("cems") is not None and line.get("measured") is None else "measured"
    measured = line.get(where) or {}
    if not measured.get("instrument"):
        yield record.issue(
            ("line", where),
            key=True,
            message="the emissions are measured (F.4) but no monitoring equipment is named",
            hint=f"add instrument: [<measuring_instrument id>] under line.{where} (the CEMS or analyser used)",
        )


@check(
    "emissions.cems-substitution-not-planned",
    title="CEMS 无效小时按监测计划所定方法替代 CEMS invalid hours are substituted by the method the monitoring plan names",
    clauses=["A.9.1.1 b", "A.6.5.2.2 c", "F.4"],
    severity="error",
)
def cems_substitution_not_planned(ctx):
    """A.9.1.1 b): how missing data are filled is set in advance; A.6.5.2.2 c): the monitoring
    plan says how each item is monitored. A line computed from raw CEMS data (F.4) substitutes its
    invalid and missing hours by the method its cems.substitution names; the plan's item for the
    source's measured emissions must name the same method (items[].substitution). A file with
    substituted hours and a plan that names no method is reported too."""
    res = ctx.results.get("emissions") or {}
    years = res.get("years", {})
    for plan in _active_plans(ctx):
        for y in plan.get("reporting_years") or []:
            inv = years.get(str(y))
            if not inv:
                continue
            for s in plan.get("sources") or []:
                items = [i for i in s.get("items") or [] if i.get("parameter") == "measured"]
                planned = items[0].get("substitution") if items else None
                for rec_id, entry in sorted((inv.get("entries") or {}).items()):
                    cems = entry.get("cems")
                    if entry.get("source") != s.get("source") or not cems:
                        continue
                    rec = ctx.get(rec_id)
                    if rec is None:
                        continue
                    used, n = cems.get("substitution"), len(cems.get("substituted") or [])
                    if planned is None and n:
                        yield rec.issue(
                            ("line", "cems", "substitution"),
                            key=True,
                            message=f"{y}: {n} CEMS intervals of {s.get('source')} were substituted ({used}), but the "
                            f"monitoring plan {plan.id} names no substitution method",
                            hint="add substitution: <method> to the plan's measured item (A.9.1.1 b)",
                        )
                    elif planned is not None and planned != used:
                        yield rec.issue(
                            ("line", "cems", "substitution"),
                            key=True,
                            message=f"{y}: the CEMS data of {s.get('source')} are substituted by {used}, but the monitoring plan {plan.id} names {planned}",
                            hint=f"use substitution: {planned}, or revise the monitoring plan with the reason",
                        )


@check(
    "emissions.ets-cement-method",
    title="全国碳市场的水泥熟料排放源：边界与方法须按行业指南 A cement clinker source in the national ETS: its boundary and method follow the sector's guideline",
    clauses=["A.9.1 a", "A.9.1.1"],
    severity="warning",
    kinds=["emission_source"],
)
def ets_cement_method(source, ctx):
    """A.9.1 a): the plan states the boundary and the choice of method, as the competent
    authority's rules require. The national ETS figure (checks/emissions/inventory.py
    ets_inventory) takes, unless a source says `ets_boundary`, the boundary of a power generation
    facility (fuel combustion and purchased electricity), which leaves a cement plant's process
    emissions out without a word. And the cement process method here (`clinker_calcination`,
    GB/T 32151.8-2015 by the clinker's CaO and MgO) is, read second-hand, not the method of the
    MEE's cement guideline for the national ETS (CETS-AG-02.01-V01-2024: clinker output x a
    default process factor, less non-carbonate substitute raw materials x deduction factors),
    which this tool does not implement (checks/emissions/lines.py CLINKER_CITATION). Either way the
    ETS figure an obligation is compared with is not the one the guideline asks for, so say so."""
    if source.status in INACTIVE or source.get("method") != "clinker_calcination":
        return
    if not in_national_ets(ctx):
        return
    flag = source.get("ets_boundary")
    if not isinstance(flag, bool):
        yield source.issue(
            "method",
            key=True,
            message="the organization is in the national ETS, and without ets_boundary this cement process source is outside the ETS "
            "figure, whose default boundary is that of a power generation facility (fuel combustion, purchased electricity)",
            hint="set ets_boundary: true (or false) on the source as the MEE cement guideline (CETS-AG-02.01-V01-2024) sets the boundary",
        )
    elif flag:
        yield source.issue(
            "method",
            key=True,
            message="the national ETS figure includes this source by clinker_calcination (GB/T 32151.8-2015, CaO/MgO of the clinker), "
            "not by the method of the MEE cement guideline CETS-AG-02.01-V01-2024 (read second-hand: clinker output × a default process "
            "factor less non-carbonate substitutes × deduction factors), which this tool does not compute",
            hint="before the ETS figure is used for the compliance position, recompute this source by the guideline's own method and "
            "formula (read in the original) and record the difference with the verification: the tool cannot",
        )


@check(
    "emissions.instrument-not-in-plan",
    title="活动数据使用监测计划规定的计量器具 Activity data is measured with the instruments the monitoring plan names",
    clauses=["A.9.1 a", "9.1.1 b", "A.6.5.2.2"],
    severity="error",
    kinds=["activity_data"],
)
def instrument_not_in_plan(record, ctx):
    """A.9.1 a) and 9.1.1 b): the monitoring plan lays down how each source's activity data is
    measured, with which instruments (sources[].items[] of parameter activity, instrument). An
    activity record of a year the plan covers that names an instrument the plan's item does not
    list was measured otherwise than planned (the coal of unit 1 'measured' by the gas flow
    meter): the plan, or the record, is wrong. An item naming no instrument is not judged."""
    if record.status in INACTIVE:
        return
    activity = (record.get("line") or {}).get("activity") if isinstance(record.get("line"), dict) else None
    used = activity.get("instrument") if isinstance(activity, dict) else None
    year, source = _year(record), record.get("source")
    if not isinstance(used, list) or not used or year is None:
        return
    for plan in _active_plans(ctx):
        if year not in (plan.get("reporting_years") or []):
            continue
        for s in plan.get("sources") or []:
            if not isinstance(s, dict) or s.get("source") != source:
                continue
            for item in s.get("items") or []:
                planned = item.get("instrument") if isinstance(item, dict) and item.get("parameter") == "activity" else None
                if not isinstance(planned, list) or not planned:
                    continue
                for i, mi in enumerate(used):
                    if mi not in planned:
                        yield record.issue(
                            ("line", "activity", "instrument", i),
                            f"{source}'s activity data of {year} names {mi}, but the monitoring plan {plan.id} measures it with {', '.join(map(str, planned))}",
                            hint=f"name the instrument the data was read from; if it was another than planned, revise {plan.id} "
                            "(with the reason) or record the deviation",
                        )


def _lapses(instrument, as_of: dt.date) -> list[tuple[dt.date, dt.date, str]]:
    """(first day, last day, what) of each run of days, up to the as-of date, on which an
    instrument was out of its verification or calibration: from the day after a certificate's
    due date (its next_due, else its date plus interval_months) to the day before the next one
    that passed. A failed one starts no validity; days before the first record are not judged."""
    cals = sorted((d, c) for c in instrument.get("calibrations") or [] if isinstance(c, dict) and (d := dates.parse(c.get("date"))) is not None and d <= as_of)
    passed = [(d, c) for d, c in cals if c.get("result") != "fail"]
    months = instrument.get("interval_months")
    out = []
    for i, (day, cal) in enumerate(passed):
        due = dates.parse(cal.get("next_due"))
        if due is None and isinstance(months, int) and not isinstance(months, bool) and months > 0:
            due = dates.add_months(day, months)
        if due is None:
            continue
        after = passed[i + 1][0] if i + 1 < len(passed) else as_of + dt.timedelta(days=1)
        if after > due + dt.timedelta(days=1):
            out.append(
                (due + dt.timedelta(days=1), after - dt.timedelta(days=1), f"due {due}, " + (f"next on {after}" if i + 1 < len(passed) else "none since"))
            )
    return out


@check(
    "emissions.instrument-lapse-uncovered",
    title="活动数据期间计量器具检定校准失效须作为不符合处理 An instrument's lapse of calibration inside the activity data's period is a nonconformity",
    clauses=["9.1.1", "A.9.1 c", "10.2"],
    severity="error",
    kinds=["activity_data"],
)
def instrument_lapse_uncovered(record, ctx):
    """9.1.1: calibrated or verified monitoring and measuring equipment is used; A.9.1 c): it is
    verified or calibrated periodically, for accurate results. An instrument an activity record
    names (line.activity.instrument) whose verification or calibration lapsed on days of the
    record's period measured those days with equipment not known to be accurate: a
    nonconformity (10.2) that lists the instrument (nonconformity.instruments), with a period
    covering those days (none: any lapse), says what was done about those data. mon.calibration-overdue speaks of the as-of date only; this rule of
    every past lapse."""
    if record.status in INACTIVE:
        return
    activity = (record.get("line") or {}).get("activity") if isinstance(record.get("line"), dict) else None
    used = activity.get("instrument") if isinstance(activity, dict) else None
    if not isinstance(used, list):
        return
    y = _year(record)
    p = record.get("period") if isinstance(record.get("period"), dict) else {}
    start = dates.parse(p.get("start")) or (dt.date(y, 1, 1) if y else None)
    end = dates.parse(p.get("end")) or (dt.date(y, 12, 31) if y else None)
    if start is None or end is None:
        return
    for i, mi in enumerate(used):
        inst = ctx.get(mi) if isinstance(mi, str) else None
        if inst is None or inst.kind != "measuring_instrument":
            continue
        covers = [
            (dates.parse(it.get("period", {}).get("start")) or dt.date.min, dates.parse(it.get("period", {}).get("end")) or dt.date.max)
            for nc in ctx.records("nonconformity")
            if nc.status != "withdrawn" and nc.known_by(ctx.as_of)
            for it in nc.get("instruments") or []
            if isinstance(it, dict) and it.get("instrument") == mi and isinstance(it.get("period", {}), dict)
        ]
        for first, last, what in _lapses(inst, ctx.as_of):
            a, b = max(first, start), min(last, end)
            if a > b or any(c0 <= a and b <= c1 for c0, c1 in covers):
                continue
            n = (b - a).days + 1
            yield record.issue(
                ("line", "activity", "instrument", i),
                f"{mi} measured this activity data while out of its {inst.get('calibration_method') or 'calibration'} "
                f"({what}): {a}"
                + (f" to {b}, {n} days" if n > 1 else ", 1 day")
                + f" of the period {start} to {end}, and no nonconformity lists {mi} for these days",
                hint=f"record the lapse as a nonconformity with instruments: [{{instrument: {mi}, period: ...}}] and how the data of those days were checked or "
                "filled (10.2, A.9.1.1 b), or correct the calibration dates if a certificate is missing",
            )

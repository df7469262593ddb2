"""Carbon neutrality (Annex D): rules on subjects, footprints, plans, reduction actions and reviews.

D.6.5.2.2 (subject definition), D.6.5.2.3 (footprint accounting), D.6.4.2 (management plan),
D.8.2.2 (reduction actions and their periodic evaluation), D.6.1.2 (international trade
review), 6.1.5 and D.10 (the periodic neutrality implementation review, which records the
events that led to corrective actions).
"""

from __future__ import annotations


from cms_build.api import dates
from cms_build.api import check

CURRENT = ("draft", "approved")  # a superseded or withdrawn record is history


def setting(ctx, name: str):
    """A neutrality setting (the schema's documented default when the settings do not give it)."""
    return ctx.setting(f"neutrality.{name}")


def _day(value):
    return dates.parse(value)


def _current(record) -> bool:
    return record.status in CURRENT


# -- subject (D.6.5.2.2) -------------------------------------------------------------------
@check(
    "neutrality.subject-not-identified",
    title="唯一标识组织和标的物 Organization and subject uniquely identified",
    clauses=["D.6.5.2.2 a", "D.6.5.2.2 b"],
    severity="error",
    kinds=["neutrality_subject"],
)
def subject_not_identified(record, ctx):
    """D.6.5.2.2 a, b: the organization is uniquely identified (its organization record has
    a unified social credit code) and the subject has a code of its own, used by no other
    current subject."""
    org = ctx.get(record.get("organization") or "")
    if org is not None and not org.get("uscc"):
        yield record.issue(
            "organization", f"organization {org.id} has no unified social credit code to identify it", clauses=["D.6.5.2.2 a"], hint=f"add uscc to {org.rel}"
        )
    code = record.get("subject_code")
    if not code:
        yield record.issue("id", "the subject has no unique identifier", clauses=["D.6.5.2.2 b"], hint="add subject_code, e.g. BJP-HQ-OPS")
        return
    if not _current(record):
        return
    for other in ctx.records("neutrality_subject"):
        if other.id != record.id and _current(other) and other.get("subject_code") == code:
            yield record.issue(
                "subject_code",
                f"subject_code {code} is also used by {other.id} ({other.rel})",
                clauses=["D.6.5.2.2 b"],
                hint="give each subject a code of its own",
            )


@check(
    "neutrality.subject-characteristics-missing",
    title="确立标的物的固有特性 Inherent characteristics stated",
    clauses=["D.6.5.2.2 c"],
    severity="error",
    kinds=["neutrality_subject"],
    scope="record",
)
def characteristics_missing(record, ctx):
    """D.6.5.2.2 c: all the subject's inherent characteristics are established (floor area,
    headcount, opening hours, size of an event, ...); a non-recurring subject also gives
    its dates (D.8.2.2.3)."""
    if not record.get("characteristics"):
        yield record.issue("id", "no inherent characteristics of the subject are stated", hint="add characteristics: name, value and unit of each")
    if record.get("recurring") is False and not record.get("event_period"):
        yield record.issue("recurring", "a non-recurring subject without its dates", clauses=["D.8.2.2.3"], hint="add event_period: start and end")


@check(
    "neutrality.subject-rationale-missing",
    title="选择标的物和方法的理由 Rationale for the subject and the methods",
    clauses=["D.6.5.2.2 e", "D.6.1.1 a"],
    severity="error",
    kinds=["neutrality_subject"],
    scope="record",
)
def rationale_missing(record, ctx):
    """D.6.5.2.2 e, D.6.1.1 a: the reasons for choosing the subject and drawing its boundary,
    and for the methods chosen to define it and measure its footprint, are documented."""
    if not record.get("rationale"):
        yield record.issue("id", "the reasons for choosing this subject and its boundary are not documented", clauses=["D.6.5.2.2 e"], hint="add rationale")
    if not record.get("method_rationale"):
        yield record.issue(
            "id",
            "the reasons for the methods chosen to define the subject and measure its footprint are not documented",
            clauses=["D.6.1.1 a"],
            hint="add method_rationale",
        )


@check(
    "neutrality.subject-change-not-redefined",
    title="标的物实质改变后重新界定 A materially changed subject is redefined",
    clauses=["D.6.5.2.2 d"],
    severity="error",
    kinds=["neutrality_subject"],
    scope="record",
)
def change_not_redefined(record, ctx):
    """D.6.5.2.2 d: when the subject changes materially, planning starts again from a new
    definition: a new neutrality_subject record, named in redefined_as, that supersedes it."""
    for i, change in enumerate(record.get("changes") or []):
        if not isinstance(change, dict) or change.get("material") is not True:
            continue
        new_id = change.get("redefined_as")
        if not new_id:
            yield record.issue(
                ("changes", i),
                f"material change of {change.get('date')} without a new definition of the subject",
                hint="create a new neutrality_subject and name it in redefined_as",
            )
        elif new_id == record.id:
            yield record.issue(("changes", i, "redefined_as"), "a subject cannot be its own new definition", hint="name the new neutrality_subject record")


@check(
    "neutrality.subject-without-plan",
    title="标的物有碳中和管理计划 Each subject has a management plan",
    clauses=["D.6.4.2"],
    severity="error",
    kinds=["neutrality_subject"],
)
def subject_without_plan(record, ctx):
    """D.6.4.2, D.6.1.1 a: a documented neutrality management plan supports each current
    subject."""
    if not _current(record) or record.status == "draft":
        return
    plans = [p for p in ctx.referring(record.id, "neutrality_plan") if p.get("subject") == record.id and p.status in CURRENT]
    if not plans:
        yield record.issue("id", "no carbon neutrality management plan for this subject", hint="write a neutrality_plan naming this subject")


# -- plan (D.6.4.2) ----------------------------------------------------------------------
PLAN_ITEMS = (
    ("commitment", "D.6.4.2 a", "the statement of commitment to the subject's neutrality"),
    ("timeline", "D.6.4.2 b", "the timetable for achieving neutrality"),
    ("reduction_targets", "D.6.4.2 c", "reduction targets matching the timetable"),
    ("means", "D.6.4.2 d", "the means to achieve and maintain reductions, with assumptions and reasons"),
    ("strategy", "D.6.4.2 e", "the neutralization strategy (estimate, offset kinds, credits)"),
)


@check(
    "neutrality.plan-content-missing",
    title="碳中和管理计划内容齐全 The management plan is complete",
    clauses=["D.6.4.2", "D.6.4.1 f"],
    severity="error",
    kinds=["neutrality_plan"],
    scope="record",
)
def plan_content(record, ctx):
    """D.6.4.2 a-e: commitment, timetable, reduction targets, means (with assumptions and the
    reasons for the technologies) and neutralization strategy (with the estimate of the
    emissions to neutralize); D.6.4.1 f: planned achievement date and maintenance period."""
    for field, clause, what in PLAN_ITEMS:
        if not record.get(field):
            yield record.issue("id", f"the plan lacks {what}", clauses=[clause], hint=f"add {field}")
    if record.get("means") and not (record.get("means.assumptions") and record.get("means.technology_rationale")):
        yield record.issue(
            "means",
            "the means give no assumptions or no reasons for the technologies and measures",
            clauses=["D.6.4.2 d"],
            hint="add means.assumptions and means.technology_rationale",
        )
    if record.get("strategy") and record.get("strategy.estimated_offset_tco2e") is None:
        yield record.issue(
            "strategy", "the strategy gives no estimate of the emissions to neutralize", clauses=["D.6.4.2 e"], hint="add strategy.estimated_offset_tco2e"
        )
    if not record.get("planned_achievement") or not record.get("maintenance_period"):
        yield record.issue(
            "id",
            "the plan does not give the planned achievement date and the period neutrality is to be maintained",
            clauses=["D.6.4.1 f"],
            hint="add planned_achievement and maintenance_period",
        )


# -- footprint (D.6.5.2.3) -----------------------------------------------------------------
@check(
    "neutrality.footprint-incomplete",
    title="碳足迹核算步骤齐全 The footprint accounting is complete",
    clauses=["D.6.5.2.3"],
    severity="error",
    kinds=["carbon_footprint"],
)
def footprint_incomplete(record, ctx):
    """D.6.5.2.3 a-g: boundary, sources, method, activity data, factors, results and the
    published report. A footprint without emission sources cannot be recomputed (its
    reported total is used, with a warning); a reported total that differs from the computed
    one by more than neutrality.declared_tolerance_tco2e is a warning (f)."""
    if not record.get("lines"):
        yield record.issue(
            "id",
            "no emission sources with activity data and factors: the footprint cannot be recomputed, its reported total is taken as it is",
            clauses=["D.6.5.2.3 b"],
            severity="warning",
            hint="add lines: source, category and calculation for each source",
        )
        if record.get("declared_total_tco2e") is None:
            yield record.issue(
                "id", "neither emission sources nor a reported total", clauses=["D.6.5.2.3 f"], hint="add lines (or at least declared_total_tco2e)"
            )
    if not record.get("report"):
        yield record.issue("id", "the footprint report is not recorded as published", clauses=["D.6.5.2.3 g"], hint="add report: reference and published_on")
    res = ((ctx.results.get("neutrality") or {}).get("footprints") or {}).get(record.id)
    declared = record.get("declared_total_tco2e")
    if res and res.get("computed") and res.get("total") and isinstance(declared, (int, float)):
        computed = res["total"]["value"]
        tol = setting(ctx, "declared_tolerance_tco2e")
        if abs(computed - declared) > tol:
            yield record.issue(
                "declared_total_tco2e",
                f"the report states {declared:.3f} tCO2e, the sources compute {computed:.3f} tCO2e (difference {declared - computed:+.3f})",
                clauses=["D.6.5.2.3 f"],
                severity="warning",
                hint="correct the report's total or the sources",
            )
    start, end = _day(record.get("period.start")), _day(record.get("period.end"))
    if start and end and end < start:
        yield record.issue("period.end", f"the period ends ({end}) before it starts ({start})", hint="correct the period")


# -- reduction actions (D.8.2.2) --------------------------------------------------------------
@check(
    "neutrality.reduction-evaluation-overdue",
    title="碳减排行动定期评定 Reduction actions are evaluated periodically",
    clauses=["D.8.2.2.2"],
    severity="error",
    kinds=["reduction_action"],
)
def evaluation_overdue(record, ctx):
    """D.8.2.2.2: each reduction action of a recurring subject is evaluated at least every
    evaluation_interval_months (the record's, else the setting
    neutrality.reduction_evaluation_months, default 12) from its start; an evaluation not
    on track names the corrective action taken."""
    subject = ctx.get(record.get("subject") or "")
    recurring = subject is None or subject.get("recurring") is not False
    months = record.get("evaluation_interval_months") or setting(ctx, "reduction_evaluation_months")
    evaluations = [e for e in record.get("evaluations") or [] if isinstance(e, dict) and _day(e.get("date")) and _day(e.get("date")) <= ctx.as_of]
    for i, e in enumerate(record.get("evaluations") or []):
        if isinstance(e, dict) and e.get("on_track") is False and not e.get("corrective_action"):
            yield record.issue(
                ("evaluations", i), f"the evaluation of {e.get('date')} found the action off track but names no corrective action", hint="add corrective_action"
            )
    if not recurring or not _current(record):
        return
    completed = _day(record.get("completed_on"))
    last = max((_day(e["date"]) for e in evaluations), default=None) or _day(record.get("started_on"))
    if last is None:
        return
    due = dates.add_months(last, months)
    if ctx.as_of > due and not (completed and last >= completed and evaluations):
        since = "the last evaluation" if evaluations else "the action started"
        yield record.issue(
            "evaluations" if evaluations else "started_on",
            f"no evaluation since {last} ({since}); one was due by {due} (every {months} months)",
            hint="evaluate the reduction achieved and record it under evaluations",
        )


@check(
    "neutrality.non-recurring-not-assessed",
    title="非经常性活动前后评估 Non-recurring activity assessed before and after",
    clauses=["D.8.2.2.3"],
    severity="error",
    kinds=["reduction_action"],
)
def non_recurring(record, ctx):
    """D.8.2.2.3: for a non-recurring subject (e.g. an exhibition) each reduction action
    fixes its methods and expected reduction before the activity starts, and is reviewed
    after it ends: whether the reduction met the expectation (a warning until the review
    is recorded)."""
    subject = ctx.get(record.get("subject") or "")
    if subject is None or subject.get("recurring") is not False:
        return
    start, end = _day(subject.get("event_period.start")), _day(subject.get("event_period.end"))
    before = record.get("non_recurring.before")
    if not before:
        yield record.issue("id", "no assessment before the activity: methods and expected reduction", hint="add non_recurring.before")
    elif start and _day(before.get("assessed_on")) and _day(before.get("assessed_on")) > start:
        yield record.issue(
            "non_recurring.before.assessed_on",
            f"assessed on {before.get('assessed_on')}, after the activity started ({start})",
            hint="the methods and expectation are fixed before the activity",
        )
    after = record.get("non_recurring.after")
    if end and ctx.as_of > end and not after:
        yield record.issue(
            "id",
            f"the activity ended on {end}, but no review after it is recorded",
            severity="warning",
            hint="add non_recurring.after: achieved reduction and whether it met the expectation",
        )
    elif after and end and _day(after.get("reviewed_on")) and _day(after.get("reviewed_on")) <= end:
        yield record.issue(
            "non_recurring.after.reviewed_on", f"reviewed on {after.get('reviewed_on')}, before the activity ended ({end})", hint="review after the activity"
        )


# -- reviews (6.1.5, D.6.1.2, D.10) -----------------------------------------------------------
def _latest(records, field: str, as_of):
    dated = [(d, r) for r in records if (d := _day(r.get(field))) is not None and d <= as_of and r.status in ("approved", "superseded")]
    return max(dated, key=lambda x: x[0]) if dated else (None, None)


@check(
    "neutrality.trade-review-missing",
    title="进出口组织评审国际贸易碳中和准则 Importers and exporters review trade rules",
    clauses=["D.6.1.2"],
    severity="error",
)
def trade_review_missing(ctx):
    """D.6.1.2: an organization that imports or exports (organization.imports_exports)
    reviews the carbon neutrality rules of international trade, at least every
    neutrality.review_interval_months (default 12)."""
    months = setting(ctx, "review_interval_months")
    for org in ctx.records("organization"):
        if org.get("imports_exports") is not True:
            continue
        reviews = [r for r in ctx.records("trade_review") if r.get("organization") == org.id]
        day, latest = _latest(reviews, "reviewed_on", ctx.as_of)
        if latest is None:
            yield org.issue(
                "imports_exports",
                "the organization imports or exports, but no review of the carbon neutrality rules of international trade is recorded",
                hint="record a trade_review (D.6.1.2 a-c)",
            )
        elif ctx.as_of > dates.add_months(day, months):
            yield latest.issue(
                "reviewed_on", f"the last trade rules review ({day}) is older than {months} months", severity="warning", hint="review the trade rules again"
            )


@check(
    "neutrality.trade-review-incomplete",
    title="国际贸易准则评审内容齐全 The trade rules review is complete",
    clauses=["D.6.1.2 a", "D.6.1.2 b", "D.6.1.2 c"],
    severity="error",
    kinds=["trade_review"],
    scope="record",
)
def trade_review_incomplete(record, ctx):
    """D.6.1.2 a-c: the countries and items of the whole value chain with their carbon trade
    regimes (a), the recognition of measurement, verification, rating and labelling (b), the
    internal procedures and knowledge updates (c)."""
    if not record.get("partners") or not record.get("regimes"):
        yield record.issue(
            "id", "the trading countries and items, or their carbon trade regimes, are not reviewed", clauses=["D.6.1.2 a"], hint="add partners and regimes"
        )
    if not record.get("recognition"):
        yield record.issue(
            "id", "the recognition of footprint measurement, verification, rating and labelling is not reviewed", clauses=["D.6.1.2 b"], hint="add recognition"
        )
    if not record.get("procedures"):
        yield record.issue("id", "the procedures and knowledge updates for trade matters are not reviewed", clauses=["D.6.1.2 c"], hint="add procedures")


@check(
    "neutrality.event-not-reviewed",
    title="纠正行动的细节纳入实施评审 Events and corrections are recorded in the review",
    clauses=["D.10"],
    severity="error",
    kinds=["claim_event"],
)
def event_not_reviewed(record, ctx):
    """D.10: the details of any change or event that led to corrective action are recorded
    in the neutrality implementation review: a review dated on or after the event's last
    correction names it."""
    effective = [d for c in record.get("corrections") or [] if isinstance(c, dict) and (d := _day(c.get("effective_on"))) is not None and d <= ctx.as_of]
    if not effective:
        return
    done = max(effective)
    for review in ctx.records("neutrality_review"):
        day = _day(review.get("reviewed_on"))
        if day and done <= day <= ctx.as_of and record.id in (review.get("events") or []):
            return
    yield record.issue(
        "corrections",
        f"the corrective action of {done} is not yet recorded in a neutrality implementation review",
        hint="name this event under events of the next neutrality_review",
    )

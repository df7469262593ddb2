"""Planning (6.1, 6.3, 6.5): system reviews, significant changes, the risk register.

Rules
- plan.cms-review-overdue: declared in checks/management/reviews.rules.yaml (periodic, cms_build/ruletable.py).
- plan.change-without-review (6.1.1, reading 6): a significant change needs a cms_review dated
  AFTER the change date. Until change date + management.significant_change_review_days (90)
  the missing review is a warning naming the deadline; after it, an error.
- plan.change-without-baseline-review (6.3, reading 6): the same change needs a baseline review:
  its own baseline_review (dated on or after the change) or a baseline record adjustment
  dated after the change; same deadline and severities.
- plan.risk-assessment-overdue: declared in checks/management/reviews.rules.yaml (periodic, cms_build/ruletable.py).
- plan.risk-category-missing (6.5.1.2, warning: the clause is a recommendation): the current
  register has at least one risk in each category a-f of 6.5.1.2.
- plan.significant-risk-untreated (6.5.2 b, c): a risk whose likelihood x impact reaches
  management.risk_significance_threshold (12) has a treatment and an owner, and, once its
  treatment is implemented or past its due date, an evaluation of effectiveness.
- plan.action-plan-overdue (6.4.4): an approved action plan not completed or cancelled
  (plan_status planned, in_progress or absent) is past its deadline (何时完成): an error at
  deadline. A milestone of its schedule past its due date and not done (no done date on or
  before the as-of date) is a warning at that milestone, while the plan's deadline is still ahead.
- plan.target-not-communicated (6.4.2 g): a target approved and in effect, not cancelled,
  records that it was communicated (communicated: [{date, audience, channel}], a date on or
  before the as-of date).

Only records known at the as-of date count: reviews dated later are ignored.
"""

from __future__ import annotations

from cms_build.api import dates
from cms_build.api import check
from cms_build.api import days_after, not_yet, on_or_before
from .calc import latest, risk_score

DONE = ("approved", "superseded")
CATEGORIES = {  # 6.5.1.2 a-f
    "strategic": "a) 战略规划和实施风险 strategic",
    "operational": "b) 运营风险 operational",
    "financial": "c) 财务风险 financial",
    "market": "d) 市场风险 market",
    "legal": "e) 法律风险 legal",
    "credit": "f) 信用风险 credit",
}


def _reviews(ctx):
    return [r for r in ctx.records("cms_review") if r.status in DONE and on_or_before(r.get("review_date"), ctx.as_of) and not not_yet(r, ctx.as_of)]


def _changes(ctx):
    for change in ctx.records("significant_change"):
        if (
            change.status != "withdrawn"
            and change.get("significant", True)
            and on_or_before(change.get("change_date"), ctx.as_of)
            and not not_yet(change, ctx.as_of)
        ):
            yield change


def _pending(change, ctx, what, hint, path):
    days = ctx.setting("management.significant_change_review_days")
    deadline = days_after(change.get("change_date"), days, ctx.as_of)
    if deadline.late:
        return change.issue(
            path, f"significant change of {change.get('change_date')} ({change.get('change_type')}): no {what} after it; due by {deadline.due}", hint=hint
        )
    return change.issue(
        path,
        f"significant change of {change.get('change_date')} ({change.get('change_type')}): "
        f"no {what} after it yet; due by {deadline.due} ({deadline.days_left} days left)",
        hint=hint,
        severity="warning",
    )


@check("plan.change-without-review", title="重大变化后更新碳管理体系评审 System review updated after a significant change", clauses=["6.1.1"], severity="error")
def change_without_review(ctx):
    """6.1.1 and reading 6: after a significant change the system review is updated (a review dated after it)."""
    reviews = _reviews(ctx)
    for change in _changes(ctx):
        day = dates.parse(change.get("change_date"))
        if not any(dates.parse(r.get("review_date")) > day for r in reviews):
            yield _pending(
                change,
                ctx,
                "carbon management system review (cms_review)",
                "record a cms_review dated after the change, naming it in triggered_by",
                "change_date",
            )


@check("plan.change-without-baseline-review", title="重大变化后评审碳管理基准 Baseline reviewed after a significant change", clauses=["6.3"], severity="error")
def change_without_baseline_review(ctx):
    """6.3 b and reading 6: a significant change of static factors makes the organization consider adjusting the baseline."""
    adjustments = []
    for baseline in ctx.records("baseline"):
        for adj in baseline.get("adjustments") or []:
            if isinstance(adj, dict) and on_or_before(adj.get("date"), ctx.as_of):
                adjustments.append(dates.parse(adj.get("date")))
    for change in _changes(ctx):
        day = dates.parse(change.get("change_date"))
        own = dates.parse((change.get("baseline_review") or {}).get("date"))
        if own is not None and day <= own <= ctx.as_of:
            continue
        if any(a > day for a in adjustments):
            continue
        yield _pending(
            change,
            ctx,
            "baseline review",
            "record baseline_review (adjusted or no_adjustment_needed, with the justification) on this change, or adjust the baseline",
            "change_date",
        )


def _register(ctx):
    regs = [r for r in ctx.records("risk_register") if r.status in DONE and on_or_before(r.get("assessed_on"), ctx.as_of) and not not_yet(r, ctx.as_of)]
    return latest(regs, lambda r: r.get("assessed_on"))


@check("plan.risk-category-missing", title="风险分类覆盖 6.5.1.2 a–f Risk register covers the categories of 6.5.1.2", clauses=["6.5.1.2"], severity="warning")
def risk_category_missing(ctx):
    """6.5.1.2 (a recommendation): risks are classed as strategic, operational, financial, market, legal and credit."""
    reg = _register(ctx)
    if reg is None:
        return
    have = {e.get("category") for e in reg.get("entries") or [] if isinstance(e, dict) and e.get("type") == "risk"}
    missing = [label for key, label in CATEGORIES.items() if key not in have]
    if missing:
        yield reg.issue(
            "entries",
            f"no risk in the categories {'; '.join(missing)} of 6.5.1.2",
            hint="identify the risks of each category, or record why there is none (a low-rated entry)",
            key=True,
        )


@check(
    "plan.significant-risk-untreated",
    title="重要风险有应对、责任人和有效性评价 Significant risks treated, owned and evaluated",
    clauses=["6.5.2"],
    severity="error",
)
def significant_risk_untreated(ctx):
    """6.5.2 b, c: a significant risk has actions built into the system, an owner, and an evaluation of their effectiveness;
    actions past their due date are implemented (c 1: 融入并实施), not still planned or in progress."""
    reg = _register(ctx)
    if reg is None:
        return
    threshold = ctx.setting("management.risk_significance_threshold")
    for i, entry in enumerate(reg.get("entries") or []):
        if not isinstance(entry, dict) or entry.get("type") != "risk":
            continue
        score = risk_score(entry.get("likelihood"), entry.get("impact"))
        if score is None or score < threshold:
            continue
        name = f"risk {entry.get('code')} ({entry.get('likelihood')} x {entry.get('impact')} = {score}, threshold {threshold})"
        treatment = entry.get("treatment")
        if not isinstance(treatment, dict):
            yield reg.issue(
                ("entries", i), f"{name} is significant but has no treatment", hint="add treatment: {actions, integration, due, status}", clauses=("6.5.2 c",)
            )
        if not entry.get("owner"):
            yield reg.issue(("entries", i), f"{name} is significant but has no owner", hint="add owner: <person id>", clauses=("6.5.2",))
        if isinstance(treatment, dict) and treatment.get("status") in ("planned", "in_progress"):
            due = dates.parse(treatment.get("due"))
            if due is not None and due < ctx.as_of:  # 6.5.2 c 1): the actions are implemented, not only planned
                yield reg.issue(
                    ("entries", i, "treatment", "status"),
                    f"{name}: the treatment was due on {due} and is still {treatment['status']} ({(ctx.as_of - due).days} days overdue as of {ctx.as_of})",
                    hint="implement the actions and set status: implemented, or plan them anew with a later due date and say why",
                    clauses=("6.5.2 c",),
                )
        if isinstance(treatment, dict) and not entry.get("effectiveness") and treatment.get("status") not in ("planned", "in_progress"):
            due = dates.parse(treatment.get("due"))  # not implemented yet: the overdue finding above, not this
            if treatment.get("status") == "implemented" or (due is not None and due < ctx.as_of):
                why = "is implemented" if treatment.get("status") == "implemented" else f"was due on {due}"
                yield reg.issue(
                    ("entries", i, "treatment"),
                    f"{name}: the treatment {why}, but its effectiveness has not been evaluated",
                    hint="add effectiveness: {date, by, result}",
                    clauses=("6.5.2 c",),
                    key=True,
                )


@check("plan.action-plan-overdue", title="措施计划按期完成 Action plans done by their deadline", clauses=["6.4.4"], severity="error", kinds=["action_plan"])
def action_plan_overdue(plan, ctx):
    """6.4.4: the action plan says when it will be completed, and is kept (建立和保持): a plan still
    planned or in progress after that day no longer says when; so does a milestone past due."""
    if plan.status != "approved" or not_yet(plan, ctx.as_of) or plan.get("plan_status") in ("completed", "cancelled"):
        return
    state = plan.get("plan_status") or "not completed"
    deadline = dates.parse(plan.get("deadline"))
    if deadline is not None and deadline < ctx.as_of:
        yield plan.issue(
            "deadline",
            f"the action plan was to be completed by {deadline} and is still {state} ({(ctx.as_of - deadline).days} days overdue as of {ctx.as_of})",
            hint="complete it (plan_status: completed, with its evaluation), or re-plan the deadline and say why (progress)",
        )
        return
    for i, step in enumerate(plan.get("schedule") or []):
        if not isinstance(step, dict):
            continue
        due = dates.parse(step.get("due"))
        if due is not None and due < ctx.as_of and not on_or_before(step.get("done"), ctx.as_of):
            yield plan.issue(
                ("schedule", i, "due"),
                f"milestone '{step.get('milestone')}' was due on {due} and is not done as of {ctx.as_of} ({(ctx.as_of - due).days} days overdue)",
                hint="record done: <date>, or re-plan the milestone and say why",
                severity="warning",
            )


@check("plan.target-not-communicated", title="目标和指标予以沟通 Targets communicated", clauses=["6.4.2 g"], severity="error", kinds=["target"])
def target_not_communicated(target, ctx):
    """6.4.2 g: the objectives and targets are communicated."""
    if target.status != "approved" or not_yet(target, ctx.as_of) or target.get("target_status") == "cancelled":
        return
    if any(isinstance(c, dict) and on_or_before(c.get("date"), ctx.as_of) for c in target.get("communicated") or []):
        return
    yield target.issue(
        "communicated" if target.get("communicated") else "objective",
        f"the target has not been communicated (no communicated entry dated on or before {ctx.as_of})",
        hint="record to whom, when and how it was made known: communicated: [{date, audience, channel}]",
        key=True,
    )

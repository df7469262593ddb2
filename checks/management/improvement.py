"""Nonconformity and corrective action (10.2); opportunities for improvement (10.1, 9.3.4).

Rules
- nc.no-corrective-action (10.2 b, c): a nonconformity has a corrective_action record naming
  it, unless corrective_action_needed is false (with the reason, which the schema requires).
  Until detected_on + management.corrective_action_days (30) a missing action is a warning
  naming the deadline; after it, an error.
- nc.cause-not-analysed (10.2 b): by the same deadline, a nonconformity needing corrective
  action records its cause analysis (the root cause).
- nc.closed-with-open-actions (10.2 d): a nonconformity marked closed has no corrective action
  that is not yet closed.
- ca.overdue (10.2 c): a corrective action still open or in progress after its due date (one
  implemented or closed only after the as-of date counts as open then).
- ca.closed-without-effectiveness (10.2 d): a closed corrective action has an effectiveness
  review, dated on or before the as-of date, that found it effective.
- imp.undecided (10.1, 9.3.4): an opportunity for improvement still only proposed
  (improvement_status proposed) although a management review was held on or after the day it
  was identified: the review's outputs include the decisions on the opportunities for
  improvement, and this one got none (approve it, or reject it with the reason in results).
- imp.overdue (10.1): an approved or in-progress improvement past its own due date: a row of
  improvement.rules.yaml (shape overdue, cms_build/ruletable.py).
- imp.completed-without-results (10.1): an improvement marked completed says when
  (completed_on, on or before the as-of date) and what it achieved (results).

Records dated after the as-of date are not yet known.
"""

from __future__ import annotations

from cms_build.api import dates
from cms_build.api import check
from cms_build.api import days_after, not_yet, on_or_before

OPEN = ("open", "in_progress")


def _actions(nc, ctx):
    return [a for a in ctx.referring(nc.id, "corrective_action") if a.status != "withdrawn" and not not_yet(a, ctx.as_of)]


def _live(nc, ctx):
    return nc.status != "withdrawn" and not not_yet(nc, ctx.as_of) and on_or_before(nc.get("detected_on"), ctx.as_of)


def _after(record, field, ctx) -> bool:
    """A date in the record (implemented_on, closed_on) that lies after the as-of date."""
    day = dates.parse(record.get(field))
    return day is not None and day > ctx.as_of


def _open(action, ctx) -> bool:
    """Open at the as-of date: open or in progress, or implemented or closed only later."""
    status = action.get("action_status")
    return status in OPEN or (status in ("implemented", "closed") and _after(action, "implemented_on", ctx))


def _closed(action, ctx) -> bool:
    return action.get("action_status") == "closed" and not _after(action, "closed_on", ctx)


@check(
    "nc.no-corrective-action",
    title="不符合有纠正措施 Nonconformities have corrective actions",
    clauses=["10.2 b", "10.2 c"],
    severity="error",
    kinds=["nonconformity"],
)
def no_corrective_action(nc, ctx):
    """10.2 b, c: the need for action to remove the cause is evaluated and the action is taken."""
    if not _live(nc, ctx) or nc.get("corrective_action_needed", True) is False or _actions(nc, ctx):
        return
    deadline = days_after(nc.get("detected_on"), ctx.setting("management.corrective_action_days"), ctx.as_of)
    hint = "add a corrective_action naming this nonconformity, or set corrective_action_needed: false with no_action_justification"
    if deadline.late:
        yield nc.issue("detected_on", f"nonconformity of {nc.get('detected_on')} has no corrective action; one was due by {deadline.due}", hint=hint)
    else:
        yield nc.issue(
            "detected_on",
            f"nonconformity of {nc.get('detected_on')} has no corrective action yet; due by {deadline.due} ({deadline.days_left} days left)",
            hint=hint,
            severity="warning",
        )


@check("nc.cause-not-analysed", title="确定不符合的原因 Causes of nonconformities determined", clauses=["10.2 b"], severity="error", kinds=["nonconformity"])
def cause_not_analysed(nc, ctx):
    """10.2 b: the nonconformity is reviewed and its cause determined."""
    if not _live(nc, ctx) or nc.get("corrective_action_needed", True) is False or nc.get("cause_analysis"):
        return
    deadline = days_after(nc.get("detected_on"), ctx.setting("management.corrective_action_days"), ctx.as_of)
    if deadline.late:
        yield nc.issue(
            "detected_on",
            f"nonconformity of {nc.get('detected_on')}: no cause analysis recorded by {deadline.due}",
            hint="add cause_analysis: {date, method, root_cause, similar}",
        )


@check(
    "nc.closed-with-open-actions",
    title="纠正措施关闭后再关闭不符合 Nonconformities closed after their actions",
    clauses=["10.2 d"],
    severity="error",
    kinds=["nonconformity"],
)
def closed_with_open_actions(nc, ctx):
    """10.2 d: a nonconformity is closed once its corrective actions are done and found effective."""
    if not _live(nc, ctx) or nc.get("nc_status") != "closed" or _after(nc, "closed_on", ctx):
        return
    open_ = [a.id for a in _actions(nc, ctx) if not _closed(a, ctx)]
    if open_:
        yield nc.issue(
            "nc_status",
            f"the nonconformity is closed, but its corrective actions {', '.join(open_)} are not",
            hint="close the corrective actions (with their effectiveness review) first",
        )


@check("ca.overdue", title="纠正措施按期完成 Corrective actions done by their due date", clauses=["10.2 c"], severity="error", kinds=["corrective_action"])
def overdue(action, ctx):
    """10.2 c: the actions needed are carried out."""
    due = dates.parse(action.get("due"))
    if action.status == "withdrawn" or not_yet(action, ctx.as_of) or not _open(action, ctx) or due is None or ctx.as_of <= due:
        return
    state = action.get("action_status") if action.get("action_status") in OPEN else "open"
    yield action.issue(
        "due",
        f"corrective action for {action.get('nonconformity')} was due on {due} and is still {state} ({(ctx.as_of - due).days} days overdue as of {ctx.as_of})",
        hint="complete it (action_status: implemented, implemented_on), or re-plan the due date with a reason",
    )


@check(
    "ca.closed-without-effectiveness",
    title="纠正措施关闭前评审有效性 Effectiveness reviewed before closing",
    clauses=["10.2 d"],
    severity="error",
    kinds=["corrective_action"],
)
def closed_without_effectiveness(action, ctx):
    """10.2 d: the effectiveness of any corrective action taken is reviewed."""
    if action.status == "withdrawn" or not_yet(action, ctx.as_of) or not _closed(action, ctx):
        return
    review = action.get("effectiveness_review")
    if not isinstance(review, dict) or not on_or_before(review.get("date"), ctx.as_of):
        yield action.issue(
            "action_status",
            "the corrective action is closed without a review of its effectiveness",
            hint="add effectiveness_review: {date, by, method, result}",
        )
    elif review.get("result") != "effective":
        yield action.issue(
            ("effectiveness_review", "result"),
            f"the corrective action is closed although its effectiveness review of {review.get('date')} found it {review.get('result')}",
            hint="reopen it and take further action",
        )


def _improvements(ctx):
    for imp in ctx.records("improvement"):
        if imp.status != "withdrawn" and not not_yet(imp, ctx.as_of) and on_or_before(imp.get("identified_on"), ctx.as_of):
            yield imp


def _review_dates(ctx):
    return sorted(
        dates.parse(r.get("review_date"))
        for r in ctx.records("management_review")
        if r.status in ("approved", "superseded") and on_or_before(r.get("review_date"), ctx.as_of) and not not_yet(r, ctx.as_of)
    )


@check(
    "imp.undecided",
    title="管理评审对改进机会作出决定 Opportunities for improvement decided",
    clauses=["10.1", "9.3.4"],
    severity="error",
    kinds=["improvement"],
)
def undecided(imp, ctx):
    """10.1: the organization takes up opportunities for improvement and carries out the actions
    needed; 9.3.4: the management review decides on them. A proposal a review has since passed over
    has had no decision."""
    if imp.status == "withdrawn" or not_yet(imp, ctx.as_of) or imp.get("improvement_status") != "proposed":
        return
    found = dates.parse(imp.get("identified_on"))
    later = [d for d in ctx.derived("imp.undecided:reviews", _review_dates) if found is not None and d >= found]
    if later:
        yield imp.issue(
            "improvement_status",
            f"the opportunity identified on {found} is still only proposed after the management review of {later[-1]}: no decision was taken on it",
            hint="record the decision: improvement_status approved (with owner, actions and due) or rejected (with the reason in results)",
        )


@check(
    "imp.completed-without-results",
    title="完成的改进记录完成日期和结果 Completed improvements record when and what",
    clauses=["10.1"],
    severity="error",
    kinds=["improvement"],
)
def completed_without_results(imp, ctx):
    """10.1: improvement actions achieve the intended outcomes of the system; a completed one shows when and what it achieved."""
    if imp.status == "withdrawn" or not_yet(imp, ctx.as_of) or imp.get("improvement_status") != "completed":
        return
    missing = []
    if not on_or_before(imp.get("completed_on"), ctx.as_of):
        missing.append("when it was completed (completed_on on or before " + str(ctx.as_of) + ")")
    if not imp.get("results"):
        missing.append("what it achieved (results)")
    if missing:
        yield imp.issue(
            "improvement_status",
            f"the improvement is marked completed but does not say {' or '.join(missing)}",
            hint="add completed_on and results, or set improvement_status back to in_progress",
        )

"""Management review (9.3; A.9.4, B.9.3, C.9.3, D.9.4).

Rules
- mr.overdue: declared in checks/management/reviews.rules.yaml (periodic, cms_build/ruletable.py).
- mr.not-by-top-management (9.3.1): the person who chaired it held a role of type
  top_management on the review date.
- mr.input-missing (9.3.2 a-g, 9.3.3; A.9.4 a, C.9.3 a, D.9.4 a for adopted subsystems):
  the latest review considers every input; each missing one is a finding naming its clause.
- mr.output-missing (9.3.4; A.9.4 b, C.9.3 b, D.9.4 b): likewise for the outputs.
- mr.subsystem-not-reviewed (A.9.4, B.9.3, C.9.3, D.9.4): the latest review has a section
  for each adopted subsystem (subsystems.A/B/C/D).
- mr.action-overdue (9.3.2 a, warning): an action decided by a review is past its due date
  and not done.

Only the latest review is checked for content: earlier ones are history, and the inputs of
the latest review include the status of their actions (9.3.2 a).
"""

from __future__ import annotations

from cms_build.api import dates
from cms_build.api import check
from cms_build.api import not_yet, on_or_before
from .calc import in_office, latest

DONE = ("approved", "superseded")
INPUTS = {  # key -> clause (9.3.2 a-g, 9.3.3)
    "previous_actions": "9.3.2 a",
    "context_changes": "9.3.2 b",
    "nonconformity_trends": "9.3.2 c",
    "monitoring_trends": "9.3.2 c",
    "audit_trends": "9.3.2 c",
    "compliance_trends": "9.3.2 c",
    "resources": "9.3.2 d",
    "interested_party_communication": "9.3.2 e",
    "improvement_opportunities": "9.3.2 f",
    "policy": "9.3.2 g",
    "objectives_achievement": "9.3.3",
    "performance": "9.3.3",
    "action_plan_status": "9.3.3",
}
OUTPUTS = (
    "improvement_opportunities",
    "policy",
    "indicators_baselines",
    "objectives_targets_plans",
    "business_integration",
    "resource_allocation",
    "competence_awareness_communication",
)  # 9.3.4
SUB_INPUTS = (
    "previous_followup",
    "policy_review",
    "performance_review",
    "compliance_and_changes",
    "objectives_achievement",
    "communication",
    "audit_results",
    "corrective_actions",
    "next_period_planning",
    "improvement_suggestions",
)
SUB_OUTPUTS = ("overall_evaluation", "policy_changes", "objectives_adjustments", "improvement_decisions", "change_decisions")
SUB_CLAUSE = {"A": "A.9.4", "B": "B.9.3", "C": "C.9.3", "D": "D.9.4"}
SUB_LISTS = ("A", "C", "D")  # B.9.3 lists no inputs or outputs of its own


def _reviews(ctx):
    return [r for r in ctx.records("management_review") if r.status in DONE and on_or_before(r.get("review_date"), ctx.as_of) and not not_yet(r, ctx.as_of)]


def _latest(ctx):
    return latest(_reviews(ctx), lambda r: r.get("review_date"))


@check(
    "mr.not-by-top-management",
    title="管理评审由最高管理者主持 Management review by top management",
    clauses=["9.3.1"],
    severity="error",
    kinds=["management_review"],
)
def not_by_top(review, ctx):
    """9.3.1: top management reviews the system."""
    if review.status not in DONE or not_yet(review, ctx.as_of):
        return
    day = dates.parse(review.get("review_date"))
    chair = review.get("chaired_by")
    tops = [r for r in ctx.records("role") if r.get("role_type") == "top_management" and r.status in ("draft", "approved", "superseded")]
    if day is None or not tops:
        return  # without a top-management role record this cannot be told; sup.* rules report missing roles
    if any(isinstance(h, dict) and h.get("person") == chair and in_office(h.get("from"), h.get("until"), day) for r in tops for h in r.get("holders") or []):
        return
    yield review.issue(
        "chaired_by", f"{chair} did not hold a top management role on {day}", hint="top management (the role of type top_management) chairs the review"
    )


def _missing(container, keys):
    container = container if isinstance(container, dict) else {}
    return [k for k in keys if not container.get(k)]


@check("mr.input-missing", title="管理评审输入齐全 Management review considers every input", clauses=["9.3.2", "9.3.3"], severity="error")
def input_missing(ctx):
    """9.3.2 a-g, 9.3.3 (A.9.4 a, C.9.3 a, D.9.4 a): the review considers each listed input."""
    review = _latest(ctx)
    if review is None:
        return
    for key in _missing(review.get("inputs"), INPUTS):
        yield review.issue(
            "inputs",
            f"the management review of {review.get('review_date')} does not consider {key} ({INPUTS[key]})",
            hint=f"add inputs.{key}.summary",
            clauses=(INPUTS[key],),
            key=True,
        )
    for sub in SUB_LISTS:
        section = (review.get("subsystems") or {}).get(sub)
        if ctx.adopts(sub) and isinstance(section, dict):
            for key in _missing(section.get("inputs"), SUB_INPUTS):
                yield review.issue(
                    ("subsystems", sub),
                    f"subsystem {sub}: the review does not consider {key} ({SUB_CLAUSE[sub]} a)",
                    hint=f"add subsystems.{sub}.inputs.{key}.summary",
                    clauses=(f"{SUB_CLAUSE[sub]} a",),
                    key=True,
                )


@check("mr.output-missing", title="管理评审输出齐全 Management review gives every output", clauses=["9.3.4"], severity="error")
def output_missing(ctx):
    """9.3.4 (A.9.4 b, C.9.3 b, D.9.4 b): the review's outputs include the decisions listed."""
    review = _latest(ctx)
    if review is None:
        return
    for key in _missing(review.get("outputs"), OUTPUTS):
        yield review.issue(
            "outputs",
            f"the management review of {review.get('review_date')} gives no output on {key} (9.3.4)",
            hint=f"add outputs.{key}.summary (a decision, or that none is needed and why)",
            clauses=("9.3.4",),
            key=True,
        )
    for sub in SUB_LISTS:
        section = (review.get("subsystems") or {}).get(sub)
        if ctx.adopts(sub) and isinstance(section, dict):
            for key in _missing(section.get("outputs"), SUB_OUTPUTS):
                yield review.issue(
                    ("subsystems", sub),
                    f"subsystem {sub}: the review gives no output on {key} ({SUB_CLAUSE[sub]} b)",
                    hint=f"add subsystems.{sub}.outputs.{key}.summary",
                    clauses=(f"{SUB_CLAUSE[sub]} b",),
                    key=True,
                )


@check(
    "mr.subsystem-not-reviewed",
    title="采用的分体系纳入管理评审 Each adopted subsystem reviewed",
    clauses=["A.9.4", "B.9.3", "C.9.3", "D.9.4"],
    severity="error",
)
def subsystem_not_reviewed(ctx):
    """A.9.4, B.9.3, C.9.3, D.9.4: top management reviews each subsystem adopted."""
    review = _latest(ctx)
    if review is None:
        return
    for sub in sorted(ctx.settings.subsystems):
        if not isinstance((review.get("subsystems") or {}).get(sub), dict):
            yield review.issue(
                "subsystems" if review.get("subsystems") else "outputs",
                f"subsystem {sub} is adopted but the management review of {review.get('review_date')} has no section on it ({SUB_CLAUSE[sub]})",
                hint=f"add subsystems.{sub} with its summary" + ("" if sub == "B" else ", inputs and outputs"),
                clauses=(SUB_CLAUSE[sub],),
                key=True,
            )


@check(
    "mr.action-overdue",
    title="管理评审决定的措施按期完成 Review actions done on time",
    clauses=["9.3.2 a"],
    severity="warning",
    kinds=["management_review"],
    scope="record",
)
def action_overdue(review, ctx):
    """9.3.2 a: the status of actions from previous reviews is followed up."""
    if review.status not in DONE or not_yet(review, ctx.as_of):
        return
    for i, action in enumerate(review.get("actions") or []):
        if not isinstance(action, dict):
            continue
        due, done = dates.parse(action.get("due")), dates.parse(action.get("done_on"))
        if due is not None and due < ctx.as_of and (done is None or done > ctx.as_of):
            yield review.issue(
                ("actions", i, "due"),
                f"action {action.get('code')} of the review of {review.get('review_date')} was due on {due} and is not done",
                hint="record done_on, or re-plan it",
            )

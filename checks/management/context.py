"""Context of the organization (4.1, 4.2): the compliance obligations are reviewed in time.

Rules
- ms.obligation-review-overdue (4.2): a compliance obligation in force (obligation_status
  in_force, the default) was last reviewed more than its review_interval_months (or the
  setting management.obligation_review_months, 12 by default) before the as-of date, or
  has never been reviewed.
- ms.need-without-obligation (4.2, warning): an interested party's need marked as becoming
  a compliance obligation names no compliance_obligation record.
"""

from __future__ import annotations

from cms_build.api import dates
from cms_build.api import check
from cms_build.api import months_after, not_yet


@check(
    "ms.obligation-review-overdue",
    title="合规义务及时评审 Compliance obligations reviewed in time",
    clauses=["4.2"],
    severity="error",
    kinds=["compliance_obligation"],
    scope="record",
)
def obligation_review(record, ctx):
    """4.2: applicable legal and other requirements are reviewed in time."""
    if record.status == "withdrawn" or not_yet(record, ctx.as_of) or (record.get("obligation_status") or "in_force") != "in_force":
        return
    months = record.get("review_interval_months") or ctx.setting("management.obligation_review_months")
    history = [h.get("date") for h in record.get("review_history") or [] if isinstance(h, dict)]
    known = [d for d in (dates.parse(x) for x in [record.get("last_reviewed"), *history]) if d and d <= ctx.as_of]
    # registering an obligation reviews it; later review dates are not yet known at the as-of date
    registered = dates.parse(record.get("approved_on")) or dates.parse(record.get("effective"))
    if not known and registered is None:
        yield record.issue(
            "name",
            f"the obligation '{record.get('name')}' has no review date (last_reviewed)",
            hint="review whether it is current and how it applies, then set last_reviewed",
        )
        return
    last = max(known) if known else registered
    deadline = months_after(last, months, ctx.as_of)
    if deadline.late:
        when = f"last reviewed on {last}" if known else f"registered on {last} and not reviewed since"
        where = "last_reviewed" if "last_reviewed" in record.data else "review_history" if "review_history" in record.data else "name"
        yield record.issue(
            where,
            f"{when}; with a {months}-month interval it was due for review by {deadline.due}, {-deadline.days_left} days before {ctx.as_of}",
            hint="review the requirement (still in force? changed? applied?), add it to review_history and update last_reviewed",
        )


@check(
    "ms.need-without-obligation",
    title="成为合规义务的需求已登记 Needs that become obligations are registered",
    clauses=["4.2"],
    severity="warning",
    kinds=["interested_party"],
    scope="record",
)
def need_without_obligation(record, ctx):
    """4.2: the organization determines which needs become compliance obligations and registers them."""
    if not_yet(record, ctx.as_of):
        return
    for i, need in enumerate(record.get("needs") or []):
        if isinstance(need, dict) and need.get("becomes_obligation") and not need.get("obligation"):
            yield record.issue(
                ("needs", i, "becomes_obligation"),
                f"needs[{i}] becomes a compliance obligation, but names no compliance_obligation record",
                hint="add obligation: <CO id> (create the compliance_obligation record if needed)",
            )

"""Design considers emissions at the source (A.8.2.2; 8.2.1 b the design process).

A.8.2.2: 组织应考虑碳排放相关工艺、设施、技改方案等碳排放相关因素的设计，从源头减少碳排放。
What a rule can see: the new facilities (a facility under construction or with a planned start)
and the retrofits (an action plan with an equipment_upgrade or fuel_switch measure) of the
repository. Each needs a design review (design_review) that names it as its subject and records
its emission consideration. Whether the consideration is good enough is for a reviewer.
"""

from __future__ import annotations

from cms_build.api import DONE, check

#: measure types of an action plan that change a process or equipment: a retrofit (技改方案)
RETROFIT_TYPES = ("equipment_upgrade", "fuel_switch")
NEW_FACILITY = ("under_construction", "planned")


def _subject(record):
    """(field, what) when the record is a new facility or a retrofit in force, else None."""
    if record.status != "approved":
        return None
    if record.kind == "facility" and (record.get("operating_status") in NEW_FACILITY or (record.get("planned_start") and not record.get("commissioned"))):
        return "operating_status", "new facility"
    measures = record.get("measures") or []
    if (
        record.kind == "action_plan"
        and record.get("plan_status") != "cancelled"
        and any(isinstance(m, dict) and m.get("type") in RETROFIT_TYPES for m in measures)
    ):
        return "measures", "retrofit"
    return None


@check(
    "emissions.design-without-emission-review",
    title="新建设施和技改方案的设计考虑碳排放 New facilities and retrofits have a design review of their emissions",
    clauses=["A.8.2.2"],
    severity="error",
    kinds=["facility", "action_plan"],
)
def design_without_review(record, ctx):
    """A.8.2.2: a new facility or a retrofit without an approved design review naming it (subject)
    and recording its emission consideration is an error, at the facility or plan."""
    found = _subject(record)
    if found:
        field, what = found
        reviews = [
            r
            for r in ctx.referring(record.id, "design_review")
            if r.status in DONE and r.known_by(ctx.as_of) and r.get("subject") == record.id and str(r.get("emission_consideration") or "").strip()
        ]
        if not reviews:
            yield record.issue(
                field,
                f"the {what} {record.id} has no design review recording how its design considers emissions (A.8.2.2)",
                hint=f"record a design_review with subject: {record.id} and its emission_consideration",
            )

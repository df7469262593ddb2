"""4.3: everything inside the scope is covered; what is left out is named with its reason.

4.3: 组织应确定碳管理体系的边界和适用性，以确定其范围，该范围内组织的所有活动、产品和服务均需纳入碳管理体系。
A facility or emission source marked outside the boundary (in_boundary: false) leaves the
inventory (checks/emissions/compute.py in_boundary); that is a decision about the scope, so an approved
scope record must name it under exclusions[].excludes with the reason, or it is an error.
"""

from __future__ import annotations

from cms_build.api import check


@check(
    "ms.outside-boundary-not-excluded",
    title="边界外的设施和排放源在范围中列为排除项 What is outside the boundary is a named scope exclusion",
    clauses=["4.3 s1"],
    severity="error",
)
def outside_boundary_not_excluded(ctx):
    """4.3 s1: the boundary is determined by an approved scope, and a facility or source with
    in_boundary: false is named by one of its exclusions (excludes) with a reason. Without any
    scope the boundary is not determined: one error, at the settings (an absence has no line)."""
    scopes = [s for s in ctx.records("scope") if s.status == "approved" and s.known_by(ctx.as_of)]
    if not scopes:
        yield ctx.settings_issue(
            "subsystems",
            "no approved scope record determines the boundary of the system (4.3)",
            hint="record the scope and its boundaries (scope), with what it excludes and why",
        )
        return
    named = {
        rid
        for s in scopes
        for e in s.get("exclusions") or []
        if isinstance(e, dict) and str(e.get("reason") or "").strip()
        for rid in e.get("excludes") or []
        if isinstance(rid, str)
    }
    for record in ctx.records("facility", "emission_source"):
        if record.get("in_boundary") is False and record.status == "approved" and record.id not in named:
            yield record.issue(
                "in_boundary",
                f"{record.id} is marked outside the boundary, but no approved scope names it as an exclusion with a reason (4.3)",
                hint=f"add to the scope's exclusions an entry with excludes: [{record.id}] and the reason, or set in_boundary: true",
            )

"""4.3: everything inside the scope is covered; what is left out is named with its reason.

4.3: 组织应确定碳管理体系的边界和适用性，以确定其范围，该范围内组织的所有活动、产品和服务均需纳入碳管理体系。
A facility or emission source marked outside the boundary (in_boundary: false) leaves the
inventory (checks/emissions/compute.py in_boundary); that is a decision about the scope, so an approved
scope record must name it under exclusions[].excludes with the reason, or it is an error.
A scope that draws its boundary by sites (scope.sites) includes the site of every facility
inside the boundary (ms.site-outside-scope), and every site code a record names is a site of
the organization profile (ms.site-unknown).
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


# Where a record names a site of the organization profile (organization.sites[].code): the
# schemas say so in words ("组织概况中 sites 的代码"); "[]" is every item of a list.
SITE_FIELDS = (
    ("facility", ("site",)),
    ("measuring_instrument", ("site",)),
    ("scope", ("sites", "[]")),
    ("indicator", ("emissions", "sites", "[]")),
    ("indicator", ("denominator", "sites", "[]")),
    ("monitoring_plan", ("boundary", "sites", "[]")),
    ("neutrality_subject", ("sites", "[]")),
    ("product_output", ("products", "[]", "site")),
)
_GONE = ("superseded", "withdrawn")


def _at(data, pattern: tuple, path: tuple = ()):
    """(path, value) of every value at the pattern."""
    if not pattern:
        yield path, data
    elif pattern[0] == "[]":
        for i, item in enumerate(data if isinstance(data, list) else []):
            yield from _at(item, pattern[1:], (*path, i))
    elif isinstance(data, dict) and pattern[0] in data:
        yield from _at(data[pattern[0]], pattern[1:], (*path, pattern[0]))


def _site_codes(ctx) -> set | None:
    """The site codes of the organization profiles in force, or None when none lists its sites."""
    codes = {
        s["code"]
        for r in ctx.records("organization")
        if r.valid and r.status not in _GONE
        for s in r.get("sites") or []
        if isinstance(s, dict) and isinstance(s.get("code"), str)
    }
    return codes or None


@check(
    "ms.site-unknown",
    title="场所代码取自组织概况 Site codes are sites of the organization",
    clauses=["4.3"],
    severity="error",
)
def site_unknown(ctx):
    """4.3: the boundary is drawn by the organization's sites (organization.sites[].code); a
    record naming a code no profile has (a typo: BJ-9 for BJ-2) falls out of every per-site
    figure and selection without a word (the inventory by site, an indicator of a site, the
    scope's sites). Judged only where a profile lists its sites."""
    codes = _site_codes(ctx)
    if codes is None:
        return
    for kind, pattern in SITE_FIELDS:
        for record in ctx.records(kind):
            if not record.valid or record.status in _GONE:
                continue
            for path, value in _at(record.data, pattern):
                if isinstance(value, str) and value not in codes:
                    yield record.issue(
                        path,
                        f"site {value!r} is no site of the organization profile (its sites: {', '.join(sorted(codes))})",
                        hint="use a code of organization.sites, or add the site to the organization profile",
                    )


@check(
    "ms.site-outside-scope",
    title="边界内设施的场所在范围内 A facility inside the boundary is at a site of the scope",
    clauses=["4.3 s1"],
    severity="error",
)
def site_outside_scope(ctx):
    """4.3 s1: everything inside the scope is covered. A facility inside the boundary (in_boundary
    not false) at a site that no approved scope in force includes (scope.sites, where a scope
    lists them) is either left out of the scope by mistake or should be an exclusion: the
    inventory counts it while the scope says the site is not in the system."""
    scopes = [s for s in ctx.records("scope") if s.status == "approved" and s.known_by(ctx.as_of) and s.get("sites")]
    if not scopes:
        return
    included = {c for s in scopes for c in s.get("sites") or [] if isinstance(c, str)}
    codes = _site_codes(ctx)
    for record in ctx.records("facility"):
        site = record.get("site")
        if record.status != "approved" or record.get("in_boundary") is False or not isinstance(site, str) or site in included:
            continue
        if codes is not None and site not in codes:
            continue  # ms.site-unknown says so
        yield record.issue(
            "site",
            f"{record.id} is inside the boundary at site {site}, which no approved scope includes (scope sites: {', '.join(sorted(included))})",
            hint=f"add {site} to the scope's sites, or set in_boundary: false and name {record.id} among the scope's exclusions with the reason",
        )

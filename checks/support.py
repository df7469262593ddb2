"""Roles and competence (5.1 i, 5.3, 7.2; B.5.1, C.5.1).

Rules
- sup.holder-without-competence (7.2.1 b, d): each person holding, at the as-of date, a role
  that needs competence has current evidence of it: a competence_record of that person in
  each area required (the role's competence_required, else the setting
  management.competence_roles for its role_type: internal auditors internal_audit,
  accounting staff carbon_accounting, traders carbon_trading by default), obtained on or
  before the as-of date and valid on it (valid_until absent or not yet passed).
- sup.holder-has-left (5.3.1): a role is held by a person whose record says they left.
- sup.no-management-representative (5.3.2 a), sup.no-carbon-management-team (5.1 i, 5.3.2 b):
  someone holds the role at the as-of date.
- sup.no-subsystem-supervisor (B.5.1, C.5.1): with trading (B) or assets (C) adopted, top
  management has named someone to supervise that subsystem (role_type trading_supervisor,
  asset_supervisor).

A term counts from its `from` day through its `until` day (absent: still in office).
"""
from __future__ import annotations

from cms_build import dates
from cms_build.api import check
from cms_build.calc.management import in_office, not_yet

LIVE = ("draft", "approved")  # superseded or withdrawn role definitions no longer assign anyone


def _roles(ctx, *types):
    return [r for r in ctx.records("role") if r.status in LIVE and not not_yet(r, ctx.as_of)
            and (not types or r.get("role_type") in types)]


def _holders(role, ctx):
    """(index, holder) pairs of the people in office at the as-of date."""
    for i, h in enumerate(role.get("holders") or []):
        if isinstance(h, dict) and in_office(h.get("from"), h.get("until"), ctx.as_of):
            yield i, h


def _required(role, ctx):
    own = role.get("competence_required")
    if own:
        return list(own)
    table = ctx.setting("management.competence_roles", {}) or {}
    return list(table.get(role.get("role_type"), []))


@check("sup.holder-without-competence", title="需要能力的岗位由具备现行能力证据的人员担任 Roles needing competence held by competent people",
       clauses=["7.2.1 b", "7.2.1 d"], severity="error", kinds=["role"])
def holder_without_competence(role, ctx):
    """7.2.1 b, d: people whose work affects carbon performance are competent, with documented evidence."""
    if role.status not in LIVE or not_yet(role, ctx.as_of):
        return
    areas = _required(role, ctx)
    if not areas:
        return
    evidence = [c for c in ctx.records("competence_record") if c.status != "withdrawn" and not not_yet(c, ctx.as_of)]
    for i, holder in _holders(role, ctx):
        person = holder.get("person")
        for area in areas:
            mine = [c for c in evidence if c.get("person") == person and c.get("area") == area
                    and (dates.parse(c.get("obtained_on")) or ctx.as_of) <= ctx.as_of]
            current = [c for c in mine if dates.parse(c.get("valid_until")) is None or ctx.as_of <= dates.parse(c.get("valid_until"))]
            if current:
                continue
            if mine:
                newest = max(mine, key=lambda c: dates.parse(c.get("valid_until")))
                why = f"the evidence {newest.id} expired on {newest.get('valid_until')}"
            else:
                why = "there is no competence_record for it"
            yield role.issue(("holders", i, "person"),
                             f"{person} holds the role '{role.get('name')}' ({role.get('role_type')}), which needs competence "
                             f"in {area}, but {why} (as of {ctx.as_of})",
                             hint=f"add a current competence_record (person: {person}, area: {area}), or reassign the role")


@check("sup.holder-has-left", title="离职人员不再担任岗位 People who have left hold no role",
       clauses=["5.3.1"], severity="error", kinds=["role"])
def holder_has_left(role, ctx):
    """5.3.1: responsibilities are assigned to people actually there to carry them out."""
    if role.status not in LIVE or not_yet(role, ctx.as_of):
        return
    for i, holder in _holders(role, ctx):
        person = ctx.get(holder.get("person") or "")
        left = dates.parse(person.get("left")) if person else None
        if left is not None and left < ctx.as_of:
            yield role.issue(("holders", i, "person"), f"{person.id} ({person.get('name')}) left on {left}, "
                                                       f"but still holds the role '{role.get('name')}'",
                             hint="set until: on the holder and appoint a successor")


def _vacant(ctx, types, what, hint):
    roles = _roles(ctx, *types)
    if any(True for r in roles for _ in _holders(r, ctx)):
        return []
    if roles:
        return [roles[0].issue("holders", f"nobody holds the {what} as of {ctx.as_of}", hint=hint, key=True)]
    return [ctx.settings_issue("subsystems", f"there is no {what} (role record of type {' or '.join(types)})", hint=hint)]


@check("sup.no-management-representative", title="任命管理者代表 A management representative is appointed",
       clauses=["5.3.2 a"], severity="error")
def no_management_representative(ctx):
    """5.3.2 a: an authorized management representative with the technical ability and competence."""
    yield from _vacant(ctx, ("management_representative",), "management representative",
                       "add a role record (role_type: management_representative) with the appointed holder")


@check("sup.no-carbon-management-team", title="组建碳管理团队 A carbon management team is formed",
       clauses=["5.1 i", "5.3.2 b"], severity="error")
def no_carbon_team(ctx):
    """5.1 i, 5.3.2 b: top management ensures a carbon management team (the carbon management organization)."""
    yield from _vacant(ctx, ("carbon_management_team", "carbon_management_department"), "carbon management team",
                       "add a role record (role_type: carbon_management_team) listing its members as holders")


@check("sup.no-subsystem-supervisor", title="指定专人监督碳交易/碳资产管理体系 A supervisor named for trading and assets",
       clauses=["B.5.1", "C.5.1"], severity="error")
def no_subsystem_supervisor(ctx):
    """B.5.1, C.5.1: top management names a person to supervise the trading and the asset management system."""
    for sub, role_type, what in (("B", "trading_supervisor", "supervisor of the carbon trading management system"),
                                 ("C", "asset_supervisor", "supervisor of the carbon asset management system")):
        if ctx.adopts(sub):
            for issue in _vacant(ctx, (role_type,), what, f"add a role record (role_type: {role_type}) with the person named"):
                issue.clauses = (f"{sub}.5.1",)
                yield issue

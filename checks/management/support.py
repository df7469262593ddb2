"""Roles and competence (5.1 i, 5.3, 7.2; B.5.1, C.5.1).

Rules
- sup.holder-without-competence (7.2.1 b, d): each person holding, at the as-of date, a role
  that needs competence has current evidence of it: a competence_record of that person in
  each area required (the role's competence_required, else the setting
  management.competence_roles for its role_type: internal auditors internal_audit,
  accounting staff carbon_accounting, traders carbon_trading by default), obtained on or
  before the as-of date and valid on it (valid_until absent or not yet passed).
- sup.holder-has-left (5.3.1): a role is held by a person whose record says they left.
- sup.role-vacant (5.3.1): an approved role in effect has somebody in office at the as-of
  date: its responsibilities and authorities are assigned to someone (a role whose last
  holder's term ended, or that names no holder, assigns them to nobody). The role types with
  a vacancy rule of their own (management representative, carbon management team or
  department, the B and C supervisors) are left to those rules.
- sup.role-not-communicated (5.3.1): an approved role in effect, held by someone at the
  as-of date, records that its responsibilities and authorities were communicated within
  the organization (communicated: [{date, channel}], a date on or before the as-of date).
- sup.no-management-representative (5.3.2 a), sup.no-carbon-management-team (5.1 i, 5.3.2 b):
  someone holds the role at the as-of date.
- sup.no-subsystem-supervisor (B.5.1, C.5.1): with trading (B) or assets (C) adopted, top
  management has named someone to supervise that subsystem (role_type trading_supervisor,
  asset_supervisor).
- sup.awareness-not-covered (7.2.2 a-d): the trainings, awareness sessions, briefings and drills
  held by the as-of date (training records approved, dated on or before it) between them cover
  each of the four things people working under the organization's control are to be aware of:
  the policy (policy_awareness), their contribution (contribution), the impact of their work
  (impact_of_work) and the consequences of not conforming (consequences_of_nonconformity).
  One finding per item missing, at the latest training's topics (at the settings' organization
  when there is no training at all).

- emissions.verifier-team-unknown (A.6.5.2): each member of a verifier's team names their
  person record (verifier.team[].person), so that who verifies can be checked at all.
- emissions.verifier-not-independent (A.4.2, A.6.5.2): each team member is a person of the
  verifier's organization (external: true, employer equal to verifier.name), never a person of
  the organization itself: a person not marked external, or holding any of the organization's
  roles, on the day of the verification (statement date, else planned start, else approved_on).
- trading.trader-without-role (B.8.2.2.1, 5.3.1): a trading account's controller in the role
  trader is a person record holding a role of type trader on the as-of date (or on the last
  day of their term, if it ended): trading is done by competent staff appointed to it.

A term counts from its `from` day through its `until` day (absent: still in office).
"""

from __future__ import annotations

from cms_build.api import dates
from cms_build.api import check
from cms_build.api import not_yet, on_or_before
from .calc import holds_role, in_office

LIVE = ("draft", "approved")  # superseded or withdrawn role definitions no longer assign anyone


def _roles(ctx, *types):
    return [r for r in ctx.records("role") if r.status in LIVE and not not_yet(r, ctx.as_of) and (not types or r.get("role_type") in types)]


def _holders(role, ctx):
    """(index, holder) pairs of the people in office at the as-of date."""
    for i, h in enumerate(role.get("holders") or []):
        if isinstance(h, dict) and in_office(h.get("from"), h.get("until"), ctx.as_of):
            yield i, h


def _required(role, ctx):
    own = role.get("competence_required")
    if own:
        return list(own)
    table = ctx.setting("management.competence_roles") or {}
    return list(table.get(role.get("role_type"), []))


def _evidence_by_person_area(ctx) -> tuple[list, dict]:
    """The competence records not withdrawn and known by the as-of date, and the same by
    (person, area), in the order of ctx.records; found once per run rather than once per role
    (400 roles, 400 records)."""
    evidence = [c for c in ctx.records("competence_record") if c.status != "withdrawn" and not not_yet(c, ctx.as_of)]
    by_key: dict = {}
    for c in evidence:
        person, area = c.get("person"), c.get("area")
        if _hashable(person) and _hashable(area):
            by_key.setdefault((person, area), []).append(c)
    return evidence, by_key


def _evidence_of(found: tuple[list, dict], person, area) -> list:
    """The records whose person and area equal these (==), in the order of ctx.records."""
    evidence, by_key = found
    if _hashable(person) and _hashable(area):
        return by_key.get((person, area), [])
    # a value no dictionary key can be (a list): compare with every record
    return [c for c in evidence if c.get("person") == person and c.get("area") == area]


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


@check(
    "sup.holder-without-competence",
    title="需要能力的岗位由具备现行能力证据的人员担任 Roles needing competence held by competent people",
    clauses=["7.2.1 b", "7.2.1 d"],
    severity="error",
    kinds=["role"],
)
def holder_without_competence(role, ctx):
    """7.2.1 b, d: people whose work affects carbon performance are competent, with documented evidence."""
    if role.status not in LIVE or not_yet(role, ctx.as_of):
        return
    areas = _required(role, ctx)
    if not areas:
        return
    found = ctx.derived("sup.holder-without-competence:evidence", _evidence_by_person_area)
    for i, holder in _holders(role, ctx):
        person = holder.get("person")
        for area in areas:
            mine = [c for c in _evidence_of(found, person, area) if (dates.parse(c.get("obtained_on")) or ctx.as_of) <= ctx.as_of]
            current = [c for c in mine if dates.parse(c.get("valid_until")) is None or ctx.as_of <= dates.parse(c.get("valid_until"))]
            if current:
                continue
            if mine:
                newest = max(mine, key=lambda c: dates.parse(c.get("valid_until")))
                why = f"the evidence {newest.id} expired on {newest.get('valid_until')}"
            else:
                why = "there is no competence_record for it"
            yield role.issue(
                ("holders", i, "person"),
                f"{person} holds the role '{role.get('name')}' ({role.get('role_type')}), which needs competence in {area}, but {why} (as of {ctx.as_of})",
                hint=f"add a current competence_record (person: {person}, area: {area}), or reassign the role",
            )


@check("sup.holder-has-left", title="离职人员不再担任岗位 People who have left hold no role", clauses=["5.3.1"], severity="error", kinds=["role"])
def holder_has_left(role, ctx):
    """5.3.1: responsibilities are assigned to people actually there to carry them out."""
    if role.status not in LIVE or not_yet(role, ctx.as_of):
        return
    for i, holder in _holders(role, ctx):
        person = ctx.get(holder.get("person") or "")
        left = dates.parse(person.get("left")) if person else None
        if left is not None and left < ctx.as_of:
            yield role.issue(
                ("holders", i, "person"),
                f"{person.id} ({person.get('name')}) left on {left}, but still holds the role '{role.get('name')}'",
                hint="set until: on the holder and appoint a successor",
            )


OWN_VACANCY_RULE = (
    "management_representative",
    "carbon_management_team",
    "carbon_management_department",
    "trading_supervisor",
    "asset_supervisor",
)


@check("sup.role-vacant", title="岗位职责分配到在任人员 Each role is held by someone", clauses=["5.3.1"], severity="error", kinds=["role"])
def role_vacant(role, ctx):
    """5.3.1: top management assigns the responsibilities and authorities of the relevant
    roles; a role in force that nobody holds has them assigned to nobody."""
    if role.status != "approved" or not_yet(role, ctx.as_of) or role.get("role_type") in OWN_VACANCY_RULE:
        return
    if any(True for _ in _holders(role, ctx)):
        return
    former = [h for h in role.get("holders") or [] if isinstance(h, dict) and dates.parse(h.get("until"))]
    last = max((dates.parse(h.get("until")) for h in former if dates.parse(h.get("until")) < ctx.as_of), default=None)
    why = f"the last term ended on {last}" if last else "it names no holder in office"
    yield role.issue(
        "holders" if role.get("holders") else "role_type",
        f"nobody holds the role '{role.get('name')}' ({role.get('role_type')}) as of {ctx.as_of}: {why}",
        hint="appoint a holder (holders: [{person, from, appointed_by}]), or withdraw the role and reassign its responsibilities",
        key=True,
    )


@check(
    "sup.role-not-communicated",
    title="岗位职责和权限在组织内沟通 Role responsibilities communicated",
    clauses=["5.3.1"],
    severity="error",
    kinds=["role"],
)
def role_not_communicated(role, ctx):
    """5.3.1: top management ensures the responsibilities and authorities of the relevant
    roles are assigned and communicated within the organization."""
    if role.status != "approved" or not_yet(role, ctx.as_of) or not any(True for _ in _holders(role, ctx)):
        return
    told = [c for c in role.get("communicated") or [] if isinstance(c, dict) and on_or_before(c.get("date"), ctx.as_of)]
    if told:
        return
    yield role.issue(
        "communicated" if role.get("communicated") else "responsibilities" if role.get("responsibilities") else "name",
        f"the responsibilities and authorities of the role '{role.get('name')}' ({role.get('role_type')}) have not been communicated "
        f"within the organization (no communicated entry dated on or before {ctx.as_of})",
        hint="record how and when they were made known: communicated: [{date, channel}] (e.g. the appointment notice on the intranet)",
        key=True,
    )


def _vacant(ctx, types, what, hint):
    roles = _roles(ctx, *types)
    if any(True for r in roles for _ in _holders(r, ctx)):
        return []
    if roles:
        return [roles[0].issue("holders", f"nobody holds the {what} as of {ctx.as_of}", hint=hint, key=True)]
    return [ctx.settings_issue("subsystems", f"there is no {what} (role record of type {' or '.join(types)})", hint=hint)]


@check("sup.no-management-representative", title="任命管理者代表 A management representative is appointed", clauses=["5.3.2 a"], severity="error")
def no_management_representative(ctx):
    """5.3.2 a: an authorized management representative with the technical ability and competence."""
    yield from _vacant(
        ctx, ("management_representative",), "management representative", "add a role record (role_type: management_representative) with the appointed holder"
    )


@check("sup.no-carbon-management-team", title="组建碳管理团队 A carbon management team is formed", clauses=["5.1 i", "5.3.2 b"], severity="error")
def no_carbon_team(ctx):
    """5.1 i, 5.3.2 b: top management ensures a carbon management team (the carbon management organization)."""
    yield from _vacant(
        ctx,
        ("carbon_management_team", "carbon_management_department"),
        "carbon management team",
        "add a role record (role_type: carbon_management_team) listing its members as holders",
    )


@check(
    "sup.no-subsystem-supervisor",
    title="指定专人监督碳交易/碳资产管理体系 A supervisor named for trading and assets",
    clauses=["B.5.1", "C.5.1"],
    severity="error",
)
def no_subsystem_supervisor(ctx):
    """B.5.1, C.5.1: top management names a person to supervise the trading and the asset management system."""
    for sub, role_type, what in (
        ("B", "trading_supervisor", "supervisor of the carbon trading management system"),
        ("C", "asset_supervisor", "supervisor of the carbon asset management system"),
    ):
        if ctx.adopts(sub):
            for issue in _vacant(ctx, (role_type,), what, f"add a role record (role_type: {role_type}) with the person named"):
                issue.clauses = (f"{sub}.5.1",)
                yield issue


AWARENESS = {  # 7.2.2 a-d -> training topic
    "a": ("policy_awareness", "the carbon management policy"),
    "b": ("contribution", "their contribution to the effectiveness of the system"),
    "c": ("impact_of_work", "the impact of their activities on carbon performance"),
    "d": ("consequences_of_nonconformity", "the consequences of not conforming to the system's requirements"),
}


@check(
    "sup.awareness-not-covered",
    title="人员意识覆盖 7.2.2 a–d Awareness of 7.2.2 a-d raised",
    clauses=["7.2.2 a", "7.2.2 b", "7.2.2 c", "7.2.2 d"],
    severity="error",
)
def awareness_not_covered(ctx):
    """7.2.2: persons doing work under the organization's control are aware of the policy, their
    contribution, the impact of their work and the consequences of nonconformity; the training
    records are what shows it."""
    held = [
        t for t in ctx.records("training") if t.status in ("approved", "superseded") and not not_yet(t, ctx.as_of) and on_or_before(t.get("date"), ctx.as_of)
    ]
    topics = {x for t in held for x in (t.get("topics") or []) if isinstance(x, str)}
    last = max(held, key=lambda t: (dates.parse(t.get("date")), t.id), default=None)
    for item, (topic, what) in AWARENESS.items():
        if topic in topics:
            continue
        message = f"no training, awareness session or briefing held by {ctx.as_of} made people aware of {what} (7.2.2 {item}, topic {topic})"
        hint = f"hold and record one (training record, training_type awareness, topics: [{topic}, ...])"
        issue = last.issue("topics", message, hint=hint, key=True) if last is not None else ctx.settings_issue("organization", message, hint=hint)
        issue.clauses = (f"7.2.2 {item}",)
        yield issue


def _verification_day(ver):
    return (
        dates.parse((ver.get("statement") or {}).get("date"))
        or dates.parse(((ver.get("plan") or {}).get("planned") or {}).get("start"))
        or dates.parse(ver.get("approved_on"))
    )


def _team(ver):
    verifier = ver.get("verifier") if isinstance(ver.get("verifier"), dict) else {}
    for i, member in enumerate(verifier.get("team") or []):
        if isinstance(member, dict):
            yield i, member


@check(
    "emissions.verifier-team-unknown",
    title="核查组成员为可识别的人员 Verifier team members are identified persons",
    clauses=["A.6.5.2"],
    severity="error",
    kinds=["verification"],
    scope="record",
)
def verifier_team_unknown(ver, ctx):
    """A.6.5.2: the organization chooses a recognised verifier; whether its team is the
    verifier's own people, independent of the organization, can be shown only for people it can
    identify (a person record, with their employer; A.6.5.2.4 g advises checking competence)."""
    if ver.status == "withdrawn" or not_yet(ver, ctx.as_of):
        return
    for i, member in _team(ver):
        if not member.get("person"):
            yield ver.issue(
                ("verifier", "team", i),
                f"team member {member.get('name')} ({member.get('role')}) names no person record",
                hint="add a person record (external: true, employer: the verifier) and name it in person:",
            )


@check(
    "emissions.verifier-not-independent",
    title="核查组成员来自核查机构且独立于组织 Verifier team independent of the organization",
    clauses=["A.4.2", "A.6.5.2"],
    severity="error",
    kinds=["verification"],
)
def verifier_not_independent(ver, ctx):
    """A.4.2, A.6.5.2: verification is by a recognised third party: its team are people of the
    verifier's organization, and nobody of the organization verifies its own report."""
    if ver.status == "withdrawn" or not_yet(ver, ctx.as_of):
        return
    day = _verification_day(ver)
    verifier = str((ver.get("verifier") or {}).get("name") or "").strip()
    roles = [r for r in ctx.records("role") if r.status in ("draft", "approved", "superseded")]
    for i, member in _team(ver):
        person = ctx.get(member.get("person")) if isinstance(member.get("person"), str) else None
        if person is None or person.kind != "person":
            continue  # emissions.verifier-team-unknown, or the index reports the reference
        held = [r.id for r in roles if day is not None and holds_role([r], person.id, day)]
        where = ("verifier", "team", i, "person")
        if person.get("external") is not True or held:
            why = f"holds the organization's role {', '.join(held)} on {day}" if held else "is not marked external"
            yield ver.issue(
                where,
                f"{person.id} ({person.get('name')}), {member.get('role') or 'a member'} of the verifier's team, is a person of the organization itself: {why}",
                hint="a third-party verification is done by the verifier's own people: replace the member "
                "(or, if the person record is wrong, correct external/employer)",
            )
        elif str(person.get("employer") or "").strip() != verifier:
            yield ver.issue(
                where,
                f"{person.id} ({person.get('name')}) works for {person.get('employer') or 'no employer named'}, not for the verifier {verifier or '(unnamed)'}",
                hint="name a person of the verifier's organization, or correct the person's employer",
            )


@check(
    "trading.trader-without-role",
    title="交易员为任命的交易岗位人员 Traders are persons appointed to the trader role",
    clauses=["B.8.2.2.1", "5.3.1"],
    severity="error",
    kinds=["trading_account"],
)
def trader_without_role(account, ctx):
    """B.8.2.2.1: trading is done by competent staff; 5.3.1: the responsibility is assigned. A
    controller in the role trader is a person holding a role of type trader."""
    if account.status == "withdrawn" or not_yet(account, ctx.as_of):
        return
    traders = [r for r in ctx.records("role") if r.get("role_type") == "trader" and r.status in ("draft", "approved", "superseded")]
    for i, c in enumerate(account.get("controllers") or []):
        if not isinstance(c, dict) or c.get("role") != "trader":
            continue
        start, end = dates.parse(c.get("from")), dates.parse(c.get("to"))
        if start is not None and start > ctx.as_of:
            continue
        day = min(end, ctx.as_of) if end is not None else ctx.as_of
        pid = c.get("person")
        if not pid:
            yield account.issue(
                ("controllers", i),
                f"the trader {c.get('name') or '(unnamed)'} of account {account.id} names no person record",
                hint="name the trader's person record (person:), appointed to a role of type trader",
            )
        elif not holds_role(traders, pid, day):
            person = ctx.get(pid)
            yield account.issue(
                ("controllers", i, "person"),
                f"{pid} ({person.get('name') if person else '?'}) trades on account {account.id} but holds no role of type trader on {day}",
                hint="appoint the person to the trader role (role record, role_type: trader, holders) or remove them from the account's traders",
            )

"""Internal audit (9.2; A.9.3, B.9.2, C.9.2, D.9.3): programme, plans, impartiality, reports.

An audit counts as done once audit_status is 'completed' and its report date (else the end
of the period it was conducted in) is on or before the as-of date.

Rules
- audit.programme-overdue (9.2.2 a): an audit planned in an approved programme is done by its due date.
- audit.interval-exceeded (9.2.1): the latest audit done is no older than
  management.audit_interval_months (12).
- audit.subsystem-not-audited (A.9.3, B.9.2, C.9.2, D.9.3): each adopted subsystem is in
  the plan.subsystems of an audit done within that interval.
- audit.no-criteria-or-scope (9.2.2 b): every audit plan has criteria and a scope.
- audit.plan-incomplete (A.9.3 b): with emissions (A) adopted, an audit plan also names its
  objectives, its lead auditor and its schedule.
- audit.auditor-own-area (9.2.2 c): no auditor is scheduled to audit their own department
  (person.department equal to the schedule entry's area).
- audit.report-incomplete (9.2.2 f; A.9.3 c, C.9.2 c, D.9.3 c): a completed audit has a report;
  with A or C adopted it gives an overview of the audit process, a statement of
  nonconformities and a conclusion.
- audit.results-not-communicated (9.2.2 d, A.9.3 d): the report says to whom the results went.
- audit.finding-without-nonconformity (9.2.2 e, 10.2): a nonconformity found names its
  nonconformity record.
- audit.auditor-without-competence (7.2.1 b, 7.2.1 d; 7.1 a): each person auditing (the lead
  auditor, the team, the auditors of the schedule) has a competence_record in internal_audit
  obtained on or before the day the audit began (conducted.start, else its first scheduled
  day, else the report date) and valid on it. Internal or external, an auditor is a person
  whose competence is evidenced, not a name.
"""

from __future__ import annotations

from cms_build.api import dates
from cms_build.api import check
from cms_build.api import months_after, not_yet

ANNEX_AUDIT = {"A": "A.9.3", "B": "B.9.2", "C": "C.9.2", "D": "D.9.3"}


def done_on(audit, ctx):
    """The day an audit was done (report date, else end of conduct), if on or before the as-of date."""
    if audit.status == "withdrawn" or audit.get("audit_status") != "completed" or not_yet(audit, ctx.as_of):
        return None
    day = dates.parse((audit.get("report") or {}).get("date")) or dates.parse((audit.get("conducted") or {}).get("end"))
    return day if day is not None and day <= ctx.as_of else None


def _completed(audit, ctx) -> bool:
    """Marked completed and known at the as-of date (its report or end date, if given, not later)."""
    if audit.status == "withdrawn" or audit.get("audit_status") != "completed" or not_yet(audit, ctx.as_of):
        return False
    day = dates.parse((audit.get("report") or {}).get("date")) or dates.parse((audit.get("conducted") or {}).get("end"))
    return day is None or day <= ctx.as_of


def _done(ctx):
    return [(a, done_on(a, ctx)) for a in ctx.records("audit") if done_on(a, ctx) is not None]


def _live(audit, ctx):
    return audit.status != "withdrawn" and audit.get("audit_status") != "cancelled" and not not_yet(audit, ctx.as_of)


@check(
    "audit.programme-overdue",
    title="按审核方案按期实施内部审核 Audits done as the programme plans",
    clauses=["9.2.2 a"],
    severity="error",
    kinds=["audit_programme"],
)
def programme_overdue(programme, ctx):
    """9.2.2 a: the audit programme is implemented: each planned audit is done by its due date."""
    if programme.status != "approved" or not_yet(programme, ctx.as_of):
        return
    done = _done(ctx)
    for i, entry in enumerate(programme.get("audits") or []):
        if not isinstance(entry, dict):
            continue
        due = dates.parse(entry.get("due"))
        if due is None or ctx.as_of <= due:
            continue
        if any(a.get("programme") == programme.id and a.get("programme_entry") == entry.get("code") for a, _ in done):
            continue
        yield programme.issue(
            ("audits", i, "due"),
            f"audit {entry.get('code')} ({entry.get('scope')}) was due by {due} and "
            f"has not been done ({(ctx.as_of - due).days} days overdue as of {ctx.as_of})",
            hint=f"carry out the audit and record it (audit with programme: {programme.id}, "
            f"programme_entry: {entry.get('code')}, audit_status: completed), or revise the programme",
        )


@check("audit.interval-exceeded", title="按计划的时间间隔实施内部审核 Internal audits at planned intervals", clauses=["9.2.1"], severity="error")
def interval_exceeded(ctx):
    """9.2.1: internal audits are carried out at planned intervals."""
    months = ctx.setting("management.audit_interval_months")
    done = _done(ctx)
    if not done:
        yield ctx.settings_issue(
            "subsystems", f"no internal audit has been completed on or before {ctx.as_of}", hint="plan an audit programme and carry out an internal audit"
        )
        return
    audit, day = max(done, key=lambda pair: pair[1])
    deadline = months_after(day, months, ctx.as_of)
    if deadline.late:
        yield audit.issue(
            "audit_status",
            f"the latest internal audit was completed on {day}; with a {months}-month interval the next was due by {deadline.due}",
            hint="carry out the next internal audit",
        )


@check(
    "audit.subsystem-not-audited",
    title="采用的分体系均得到内部审核 Each adopted subsystem audited",
    clauses=["A.9.3", "B.9.2", "C.9.2", "D.9.3"],
    severity="error",
)
def subsystem_not_audited(ctx):
    """A.9.3, B.9.2, C.9.2, D.9.3: each subsystem adopted is audited periodically."""
    months = ctx.setting("management.audit_interval_months")
    done = _done(ctx)
    if not done:
        return  # audit.interval-exceeded reports that there is none at all
    for sub in sorted(ctx.settings.subsystems):
        covering = [day for a, day in done if sub in ((a.get("plan") or {}).get("subsystems") or [])]
        last = max(covering, default=None)
        if last is not None and not months_after(last, months, ctx.as_of).late:
            continue
        issue = ctx.settings_issue(
            "subsystems",
            f"subsystem {sub} is adopted but no internal audit covering it was completed "
            f"in the {months} months before {ctx.as_of}" + (f" (last: {last})" if last else ""),
            hint=f"audit subsystem {sub} (list it in the audit's plan.subsystems)",
        )
        issue.clauses = (ANNEX_AUDIT[sub],)
        yield issue


@check("audit.no-criteria-or-scope", title="每次审核确定准则和范围 Each audit has criteria and scope", clauses=["9.2.2 b"], severity="error", kinds=["audit"])
def no_criteria_or_scope(audit, ctx):
    """9.2.2 b: the audit criteria and scope of each audit are defined."""
    if not _live(audit, ctx):
        return
    plan = audit.get("plan") or {}
    for name, what in (("criteria", "audit criteria"), ("scope", "scope")):
        if not plan.get(name):
            yield audit.issue("plan", f"the audit plan defines no {what} (plan.{name})", hint=f"add plan.{name}", key=True)


@check(
    "audit.plan-incomplete",
    title="审核方案含目的、组长、日程 Audit plan names objectives, leader and schedule",
    clauses=["A.9.3 b"],
    severity="error",
    kinds=["audit"],
)
def plan_incomplete(audit, ctx):
    """A.9.3 b: the plan states at least the objectives, basis, scope, team leader and schedule."""
    if not _live(audit, ctx):
        return
    plan = audit.get("plan") or {}
    for name, what in (("objectives", "objectives (审核目的)"), ("lead_auditor", "lead auditor (审核组组长)"), ("schedule", "schedule (审核日程)")):
        if not plan.get(name):
            yield audit.issue("plan", f"the audit plan gives no {what}", hint=f"add plan.{name}", key=True)


@check("audit.auditor-own-area", title="审核员不审核自己的工作 Auditors do not audit their own area", clauses=["9.2.2 c"], severity="error", kinds=["audit"])
def auditor_own_area(audit, ctx):
    """9.2.2 c: auditors are chosen so that the audit is objective and impartial."""
    if not _live(audit, ctx):
        return
    for i, entry in enumerate((audit.get("plan") or {}).get("schedule") or []):
        if not isinstance(entry, dict):
            continue
        area = str(entry.get("area") or "").strip()
        for j, pid in enumerate(entry.get("auditors") or []):
            person = ctx.get(pid) if isinstance(pid, str) else None
            dept = str(person.get("department") or "").strip() if person else ""
            if area and dept == area:
                yield audit.issue(
                    ("plan", "schedule", i, "auditors", j),
                    f"{pid} ({person.get('name')}) of {dept} is scheduled on {entry.get('date')} to audit {area}, their own department",
                    hint="assign an auditor from another department",
                )


@check(
    "audit.report-incomplete",
    title="审核报告含过程概述、不符合项说明和结论 Audit report complete",
    clauses=["9.2.2 f", "A.9.3 c", "C.9.2 c", "D.9.3 c"],
    severity="error",
    kinds=["audit"],
)
def report_incomplete(audit, ctx):
    """9.2.2 f, A.9.3 c, C.9.2 c, D.9.3 c: the results of an audit are reported; the report gives at least
    an overview of the audit process, a statement of the nonconformities and a conclusion."""
    if not _completed(audit, ctx):
        return
    report = audit.get("report")
    if not isinstance(report, dict):
        yield audit.issue(
            "audit_status",
            "the audit is completed but has no report",
            hint="add report: {date, process_overview, nonconformity_statement, conclusion, distributed_to}",
        )
        return
    clauses = tuple(c for s, c in (("A", "A.9.3 c"), ("C", "C.9.2 c")) if ctx.adopts(s))
    if not clauses:
        return
    for name, what in (
        ("process_overview", "overview of the audit process (审核过程概述)"),
        ("nonconformity_statement", "statement of nonconformities (不符合项说明)"),
        ("conclusion", "conclusion (审核结论)"),
    ):
        if not report.get(name):
            yield audit.issue("report", f"the audit report has no {what}", hint=f"add report.{name}", clauses=clauses, key=True)


@check(
    "audit.results-not-communicated",
    title="审核结果通报相关管理者 Audit results reported to management",
    clauses=["9.2.2 d", "A.9.3 d"],
    severity="error",
    kinds=["audit"],
)
def results_not_communicated(audit, ctx):
    """9.2.2 d, A.9.3 d: the results are reported to the managers, departments and people concerned."""
    report = audit.get("report")
    if not _completed(audit, ctx) or not isinstance(report, dict):
        return
    if not report.get("distributed_to"):
        yield audit.issue(
            "report", "the audit report does not say to whom the results were reported", hint="add report.distributed_to: [{recipient, date}]", key=True
        )


@check(
    "audit.finding-without-nonconformity",
    title="审核发现的不符合已登记 Audit nonconformities recorded",
    clauses=["9.2.2 e", "10.2"],
    severity="error",
    kinds=["audit"],
    scope="record",
)
def finding_without_nonconformity(audit, ctx):
    """9.2.2 e, 10.2: action is taken on audit nonconformities through the nonconformity process."""
    if audit.status == "withdrawn" or not_yet(audit, ctx.as_of):
        return
    for i, finding in enumerate(audit.get("findings") or []):
        if isinstance(finding, dict) and finding.get("type") == "nonconformity" and not finding.get("nonconformity"):
            yield audit.issue(
                ("findings", i),
                f"finding {finding.get('code')} is a nonconformity but names no nonconformity record",
                hint="record it as a nonconformity and add nonconformity: <NC id>",
            )


def _audit_start(audit):
    days = [dates.parse(e.get("date")) for e in (audit.get("plan") or {}).get("schedule") or [] if isinstance(e, dict)]
    return (
        dates.parse((audit.get("conducted") or {}).get("start"))
        or min([d for d in days if d], default=None)
        or dates.parse((audit.get("report") or {}).get("date"))
    )


def _auditors(audit):
    """(path, person id) of everyone the plan names as auditing, each person once."""
    plan = audit.get("plan") or {}
    seen = set()
    named = [(("plan", "lead_auditor"), plan.get("lead_auditor"))]
    named += [(("plan", "team", i), p) for i, p in enumerate(plan.get("team") or [])]
    for i, entry in enumerate(plan.get("schedule") or []):
        if isinstance(entry, dict):
            named += [(("plan", "schedule", i, "auditors", j), p) for j, p in enumerate(entry.get("auditors") or [])]
    for path, pid in named:
        if isinstance(pid, str) and pid not in seen:
            seen.add(pid)
            yield path, pid


@check(
    "audit.auditor-without-competence",
    title="内部审核员具备内审能力 Internal auditors are competent in internal audit",
    clauses=["7.2.1 b", "7.2.1 d"],
    severity="error",
    kinds=["audit"],
)
def auditor_without_competence(audit, ctx):
    """7.2.1 b, d (7.1 a: internal auditors as a resource): the people who audit are competent
    in internal audit on the day the audit begins, with documented evidence."""
    if not _live(audit, ctx):
        return
    day = _audit_start(audit)
    if day is None or day > ctx.as_of:
        return
    evidence = [c for c in ctx.records("competence_record") if c.status != "withdrawn" and c.get("area") == "internal_audit"]
    for path, pid in _auditors(audit):
        mine = [c for c in evidence if c.get("person") == pid]
        current = [
            c
            for c in mine
            if (dates.parse(c.get("obtained_on")) or day) <= day and (dates.parse(c.get("valid_until")) is None or day <= dates.parse(c.get("valid_until")))
        ]
        if current:
            continue
        person = ctx.get(pid)
        why = (
            f"their evidence ({', '.join(c.id for c in mine)}) is not valid on that day"
            if mine
            else "there is no competence_record of area internal_audit for them"
        )
        yield audit.issue(
            path,
            f"{pid} ({person.get('name') if person else '?'}) audits from {day}, but {why}",
            hint=f"add a competence_record (person: {pid}, area: internal_audit) obtained by {day}, or assign a competent auditor",
        )

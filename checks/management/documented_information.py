"""Documented information (7.4) and the policy (5.2): approval, review dates, superseded versions.

Rules
- doc.approval-incomplete (7.4.2 c): an approved record names who approved it and when.
- doc.retention-below-legal-minimum (7.4.3): in the national ETS, the records of the annual
  emission report's data keep retention_years of at least management.legal_retention_years
  (5: 碳排放权交易管理暂行条例, 2024, art. 11).
- ms.policy-not-by-top-management (5.2, C.5.2): an approved policy's approved_by and issued_by
  are persons holding a top_management role on the approval (issue) day.
- ms.policy-review-overdue (5.2): a policy is reviewed within its review_interval_months
  of the last review (or, never reviewed, of its approval).
- ms.policy-missing (5.2 s1, s2): top management has set a carbon management policy: an
  approved policy record of scope_of_policy carbon_management (the schema's default: a
  policy that names no scope is the overall one), in effect by the as-of date. An annex's own
  policy (emissions, trading, assets, neutrality: A.5.2 to D.5.2) does not stand for it, so a
  repository whose overall policy is still a draft is not conforming because its subsystem
  policies are approved (doc.required-missing counts any policy record).
- ms.policy-not-communicated (5.2 s2): a policy approved and in effect at the as-of date
  records that it was communicated within the organization (communication: [{date,
  audience, channel}], a date on or before the as-of date).
- doc.review-overdue (7.4.2 c): an approved record past its next_review date (plus the
  setting management.review_grace_days) has not been reviewed.
- doc.superseded-still-current (7.4.3): a record that an approved, effective record
  supersedes is still marked approved: two current versions.
- doc.current-refers-to-superseded (7.4.3 a, warning): a record approved on or after the
  day a newer version took effect still names the old one. Records of reviews, audits,
  evaluations and improvement look back at what was in force then, so they are exempt
  (kinds whose clauses all lie in 6.1, 9, 10, their annex counterparts, B.6.3, D.6.1, D.10).

- doc.attachment-not-allowed (7.4.3 b): a record attaches a record's YAML or cms.yaml, a
  hidden file, or a file another record attaches at a higher confidentiality level
  (cms_build/publish.py attachment_problems: the site does not publish such a file either).
- doc.invisible-characters (7.4.3 b, warning): a record or cms.yaml holds a bidirectional
  control or an invisible format character (U+202E, U+200B, U+2066 ...; cms_build/invisible.py)
  in a value or key: text that displays other than it reads is not protected against
  improper use. Located at the character itself (file:line:col) where the file has it
  literally, else at its value.
- doc.required-missing (7.4.1 a and each item it checks): documented information the
  standard requires ("保持/保留文件化信息", "形成文件", "形成记录") is missing: no approved
  record, in effect by the as-of date, of a kind that holds it (with the field that holds it
  filled in). The table is data: the provisions marked ``documented: true`` in
  cms_build/data/clauses.yaml, each with the kinds (kind.field) that hold it; an item that
  says 应 is an error, one that says 宜 a warning. Only items of clauses that apply (their
  subsystem adopted, not excluded) are checked. 4.1 asks the organization to determine its
  context without saying "documented information"; that the context record shows it is this
  project's reading (issue 14), marked so in the catalogue's test.
  Located in cms.yaml, since a missing record has no file of its own: at ``organization``
  for clauses 4-10 (the organization whose system it is), at ``subsystems`` for an annex
  (adopting it is what makes the item apply). The records folder of the kind may not exist.

Dates follow cms_build.dates: the due day itself is not late.
"""

from __future__ import annotations

from pathlib import Path

from cms_build.api import catalogue, check, dates, invisible, months_after, not_yet, on_or_before

from ..emissions.inventory import in_national_ets
from .calc import holds_role

CURRENT = "approved"
OLD = ("superseded", "withdrawn")
# clauses of kinds that look back (reviews, audits, evaluations, improvement)
RETROSPECTIVE = ("6.1", "9", "10", "A.9", "B.9", "C.9", "D.9", "A.10", "B.10", "C.10", "D.10", "B.6.3", "D.6.1")


def _date(record, *fields):
    for name in fields:
        day = dates.parse(record.get(name))
        if day is not None:
            return day
    return None


@check(
    "doc.approval-incomplete",
    title="已批准的文件化信息写明批准人和批准日期 Approved records name approver and date",
    clauses=["7.4.2 c"],
    severity="error",
    kinds=["*"],
    scope="record",
)
def approval_incomplete(record, ctx):
    """7.4.2 c: documented information is reviewed and approved; an approved record says by whom and when."""
    if record.status != CURRENT or not_yet(record, ctx.as_of):
        return
    if not str(record.get("approved_by") or "").strip():
        yield record.issue("status", "status is approved, but approved_by does not say who approved it", hint="add approved_by: <name and position>")
    if dates.parse(record.get("approved_on")) is None:
        yield record.issue("status", "status is approved, but approved_on does not say when", hint="add approved_on: YYYY-MM-DD")


@check(
    "doc.retention-below-legal-minimum",
    title="保存年限不低于法定最短年限 Retention not below the legal minimum",
    clauses=["7.4.3"],
    severity="error",
    kinds=["*"],
)
def retention_below_legal_minimum(record, ctx):
    """7.4.3 (retention and disposition), 9.1.2 (legal requirements): records underlying the
    annual emission report are kept at least management.legal_retention_years (5 by default:
    national ETS Interim Regulations 2024, art. 11) when the organization is in the national ETS
    (emissions.inventory.in_national_ets, the one reading: its profile says national_ets; a
    national ETS obligation the profile does not back is emissions.national-ets-not-in-profile,
    and a local pilot market's obligation is not the national market).
    A record that states no retention_years is not judged here."""
    if record.status == "withdrawn" or record.kind not in (ctx.setting("management.legal_retention_kinds") or []):
        return
    years, kept = ctx.setting("management.legal_retention_years"), record.get("retention_years")
    if not isinstance(kept, int) or isinstance(kept, bool) or kept >= years or not in_national_ets(ctx):
        return
    yield record.issue(
        "retention_years",
        f"retention_years is {kept}, below the legal minimum of {years} years for the original records of the annual emission report ({record.kind})",
        hint=f"keep it at least {years} years (碳排放权交易管理暂行条例 第十一条; setting management.legal_retention_years)",
    )


def _top_management_roles(ctx) -> list:
    """The role records of type top_management (found once per run, not once per policy)."""
    return [r for r in ctx.records("role") if r.get("role_type") == "top_management" and r.status in ("draft", "approved", "superseded")]


@check(
    "ms.policy-not-by-top-management",
    title="方针由最高管理者批准 Policy approved by top management",
    clauses=["5.2", "C.5.2"],
    severity="error",
    kinds=["policy"],
)
def policy_by_top(record, ctx):
    """5.2: top management sets the carbon management policy (C.5.2: and approves the asset policy).

    approved_by and issued_by of a policy name a person record (or the top-management role
    record itself); the person must hold a role of type top_management on the day (approved_on;
    issued: effective, else approved_on), as the chair of a management review must
    (mr.not-by-top-management); a role named must be of type top_management and held by
    someone that day. The older boolean approved_by_top_management (a claim nobody can check)
    is still read when approved_by names no such record: true gives a deprecation warning
    instead of the error, until approved_by is migrated.
    """
    if record.status != CURRENT or not_yet(record, ctx.as_of):
        return
    tops = ctx.derived("ms.policy-not-by-top-management:tops", _top_management_roles)

    def named(field):
        value = record.get(field)
        target = ctx.get(value) if isinstance(value, str) else None
        return target if target is not None and target.kind in ("person", "role") else None

    if named("approved_by") is None and record.get("approved_by_top_management") is True:
        yield record.issue(
            "approved_by_top_management",
            f"approved_by_top_management is deprecated: approved_by ({record.get('approved_by')!r}) "
            "names no person record, so who approved the policy cannot be checked",
            hint="set approved_by to the person id of the top manager who approved it (e.g. PER-001) and remove approved_by_top_management",
            severity="warning",
        )
        return
    for field, day in (("approved_by", _date(record, "approved_on")), ("issued_by", _date(record, "effective", "approved_on"))):
        target = named(field)
        if target is None:
            yield record.issue(
                field if field in record.data else "status",
                f"the policy's {field} ({record.get(field)!r}) names no person record, so it cannot be shown to be top management",
                hint=f"set {field} to the person id of the top manager (e.g. PER-001)",
            )
        elif day is None:
            continue  # doc.approval-incomplete reports a missing approved_on
        elif target.kind == "person" and not holds_role(tops, target.id, day):
            yield record.issue(
                field,
                f"{target.id} ({target.get('name')}) did not hold a top management role on {day}",
                hint="top management (a role record of role_type top_management, with this person "
                "among its holders on that day) sets and approves the policy (5.2)",
            )
        elif target.kind == "role" and (
            target.get("role_type") != "top_management"
            or not any(holds_role([target], h.get("person"), day) for h in target.get("holders") or [] if isinstance(h, dict))
        ):
            yield record.issue(
                field,
                f"{target.id} ({target.get('name')}) is not a top management role held by anyone on {day}",
                hint="name the top manager's person id, or the role of type top_management held that day",
            )


# schemas/policy.schema.json scope_of_policy's default (a test keeps the two the same)
OVERALL_POLICY = "carbon_management"


@check(
    "ms.policy-missing",
    title="最高管理者制定碳管理方针 A carbon management policy is set",
    clauses=["5.2 s1", "5.2 s2"],
    severity="error",
)
def policy_missing(ctx):
    """5.2: 最高管理者应制定碳管理方针 — an approved overall policy in effect by the as-of date."""
    policies = [r for r in ctx.records("policy") if r.valid]
    if any(r.get("scope_of_policy", OVERALL_POLICY) == OVERALL_POLICY and r.status == CURRENT and not not_yet(r, ctx.as_of) for r in policies):
        return
    overall = sorted(r.id for r in policies if r.get("scope_of_policy", OVERALL_POLICY) == OVERALL_POLICY)
    if overall:
        found = f"the overall policy ({', '.join(overall)}) is not approved and in effect by {ctx.as_of}"
    else:
        found = "no policy record is the overall one (scope_of_policy: carbon_management)"
    others = sorted(r.id for r in policies if r.get("scope_of_policy", OVERALL_POLICY) != OVERALL_POLICY)
    yield ctx.settings_issue(
        "organization",
        f"top management has not set a carbon management policy (5.2): {found}"
        + (f"; the subsystem policies ({', '.join(others)}) do not stand for it" if others else ""),
        hint="approve the carbon management policy (status: approved, approved_by the top manager, approved_on, effective)"
        + (f", e.g. {overall[0]}" if overall else "; 'cms new policy' makes one (scope_of_policy: carbon_management is the default)"),
    )


@check(
    "ms.policy-not-communicated",
    title="方针在组织内得到沟通 The policy is communicated within the organization",
    clauses=["5.2 s2"],
    severity="error",
    kinds=["policy"],
)
def policy_not_communicated(record, ctx):
    """5.2: the carbon management policy is communicated within the organization."""
    if record.status != CURRENT or not_yet(record, ctx.as_of):
        return
    if any(isinstance(c, dict) and on_or_before(c.get("date"), ctx.as_of) for c in record.get("communication") or []):
        return
    yield record.issue(
        "communication" if record.get("communication") else "statement" if record.get("statement") else "status",
        f"the policy {record.id} in effect has not been communicated within the organization (no communication dated on or before {ctx.as_of})",
        hint="record how and when it was made known: communication: [{date, audience, channel}] (e.g. all staff, the intranet)",
        key=True,
    )


@check(
    "ms.policy-review-overdue", title="方针定期评审 Policy reviewed periodically", clauses=["5.2", "B.5.2"], severity="error", kinds=["policy"], scope="record"
)
def policy_review(record, ctx):
    """5.2: the policy is reviewed periodically (every review_interval_months, 12 by default)."""
    if record.status != CURRENT or not_yet(record, ctx.as_of):
        return
    months = record.get("review_interval_months", 12)
    reviewed = [r.get("date") for r in record.get("reviews") or [] if isinstance(r, dict)]
    last = max([d for d in (dates.parse(x) for x in [record.get("last_reviewed"), *reviewed]) if d and d <= ctx.as_of], default=None) or _date(
        record, "approved_on", "effective"
    )
    deadline = months_after(last, months, ctx.as_of) if last else None
    if deadline and deadline.late:
        yield record.issue(
            "last_reviewed" if "last_reviewed" in record.data else "status",
            f"the policy was last reviewed on {last}; with a {months}-month interval the next review "
            f"was due by {deadline.due} ({-deadline.days_left} days ago as of {ctx.as_of})",
            hint="review the policy, record it under reviews and update last_reviewed",
        )


@check(
    "doc.review-overdue",
    title="文件化信息按期评审 Records reviewed by their next review date",
    clauses=["7.4.2 c"],
    severity="error",
    kinds=["*"],
    scope="record",
)
def review_overdue(record, ctx):
    """7.4.2 c: an approved record is reviewed by its next_review date (plus management.review_grace_days)."""
    if record.status != CURRENT or not_yet(record, ctx.as_of):
        return
    due = dates.parse(record.get("next_review"))
    if due is None:
        return
    grace = ctx.setting("management.review_grace_days") or 0
    late_by = (ctx.as_of - due).days
    if late_by > grace:
        extra = f" plus {grace} days' grace" if grace else ""
        yield record.issue(
            "next_review",
            f"next_review {due}{extra} has passed ({late_by} days ago as of {ctx.as_of}); the record has not been reviewed",
            hint="review the record, then set a new next_review date (and a new version if it changed)",
        )


def _successors(ctx):
    """{old id: (newest approved record superseding it, the day it took effect)} as of ctx.as_of."""
    out = {}
    for record in ctx.records():
        old = record.get("supersedes")
        if record.status != CURRENT or not isinstance(old, str):
            continue
        day = _date(record, "effective", "approved_on")
        if day is None or day > ctx.as_of:
            continue
        if old not in out or day > out[old][1]:
            out[old] = (record, day)
    return out


@check("doc.superseded-still-current", title="被替代的记录不再标为现行 A superseded record is not still current", clauses=["7.4.3"], severity="error")
def superseded_still_current(ctx):
    """7.4.3 (version control): once a new version takes effect, the old one is marked superseded."""
    for old_id, (new, day) in sorted(_successors(ctx).items()):
        old = ctx.get(old_id)
        if old is not None and old.status == CURRENT:
            yield old.issue(
                "status",
                f"{new.id} ({new.rel}) supersedes {old_id} since {day}, but {old_id} is still marked approved: two current versions",
                hint="set status: superseded on this record",
            )


def _retrospective(ctx, kind_name: str) -> bool:
    kind = ctx.schemas.kinds.get(kind_name)
    clauses = list(getattr(kind, "clauses", ()) or ())
    return bool(clauses) and all(any(c == p or c.startswith(p + ".") or c.startswith(p + " ") for p in RETROSPECTIVE) for c in clauses)


@check("doc.current-refers-to-superseded", title="现行记录引用最新版本 Current records refer to current versions", clauses=["7.4.3 a"], severity="warning")
def refers_to_superseded(ctx):
    """7.4.3 a: documented information in use is the current version. A record approved on or
    after the day a newer version took effect should name the newer version."""
    successors = _successors(ctx)
    for ref in ctx.index.refs:
        if ref.path[:1] == ("supersedes",) or ref.target not in successors:
            continue
        source = ctx.get(ref.source)
        if source is None or source.status != CURRENT or _retrospective(ctx, source.kind):
            continue
        new, day = successors[ref.target]
        made = _date(source, "approved_on", "effective")
        if made is not None and made >= day and new.id != source.id:
            yield source.issue(
                ref.path,
                f"names {ref.target}, which {new.id} superseded on {day}; this record was approved on {made}, after that",
                hint=f"name {new.id} instead, or say why the old version still applies",
            )


@check("doc.invisible-characters", title="文件化信息不含不可见或双向控制字符 No invisible or bidirectional characters", clauses=["7.4.3 b"], severity="warning")
def invisible_characters(ctx):
    """7.4.3 b: documented information is protected against improper use and loss of integrity;
    a U+202E or a zero-width character makes a value display other than it reads. Records and
    cms.yaml (its site.title and organization name head every page of the site)."""
    settings = ctx.settings
    if settings.doc is not None:
        yield from _invisible(settings.doc, settings.rel, Path(ctx.root) / settings.rel, None)
    for record in ctx.records():
        yield from _invisible(record.doc, record.rel, record.path, record.id)


def _invisible(doc, rel, path, record_id):
    if not invisible.any_in(doc.data):
        return  # the common case: no need to read the file again
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        source = ""
    yield from invisible.issues(doc, rel, source, record_id)


@check(
    "doc.attachment-not-allowed",
    title="附件不泄露其他记录或更高密级的文件 Attachments publish no other record nor a file above the record's level",
    clauses=["7.4.3 b"],
    severity="error",
)
def attachment_not_allowed(ctx):
    """7.4.3 b: documented information is protected against loss of confidentiality. A record
    is published at its own level, with its attachments: attaching a record's YAML (published
    whole, past its profile), a hidden file, or a file a more confidential record attaches
    would publish what that level keeps in."""
    records = ctx.index.by_id
    for (record_id, path), problem in sorted(ctx.attachment_problems(records.values()).items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        yield records[record_id].issue(path, problem.message, hint=problem.hint)


def required_documents() -> list[tuple]:
    """[(clause, provision)] of every item whose documented information the standard requires."""
    return [(c, p) for c in catalogue() for p in c.provisions if p.documented]


def _holds(record, spec: str, as_of) -> bool:
    """A current record of the kind (and field) the spec names: approved, in effect by as_of."""
    kind, _, field = spec.partition(".")
    if record.kind != kind or record.status != CURRENT or not_yet(record, as_of):
        return False
    return not field or record.get(field) not in (None, "", [], {})


@check(
    "doc.required-missing",
    title="标准要求的文件化信息存在 Documented information the standard requires exists",
    clauses=["7.4.1 a", *[f"{c.number} {p.item}" for c, p in required_documents()]],
    severity="error",
)
def required_missing(ctx):
    """7.4.1 a: the system includes the documented information this standard requires; each
    item marked documented in the catalogue has an approved record of a kind that holds it."""
    records = [r for r in ctx.records() if r.valid]
    for c, p in required_documents():
        if not ctx.applies(c):
            continue
        if any(_holds(r, spec, ctx.as_of) for r in records for spec in p.records):
            continue
        kinds = " or ".join(p.records)
        shall = p.modal == "应"
        issue = ctx.settings_issue(
            "organization" if c.subsystem == "common" else "subsystems",
            f"clause {c.number} {p.item} ({c.title_zh} {c.title_en}) {'requires' if shall else 'recommends'} documented "
            f"information, but there is no approved record of {kinds} in effect by {ctx.as_of}",
            hint=f"add an approved {p.records[0].split('.')[0]} record"
            + (f" with {p.records[0].split('.', 1)[1]} filled in" if "." in p.records[0] else "")
            + f" ('cms new {p.records[0].split('.')[0]}'); a clause that does not apply is listed in "
            "management.exclusions with the reason",
            severity=None if shall else "warning",
        )
        issue.clauses = (f"{c.number} {p.item}",)
        yield issue

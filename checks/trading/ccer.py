"""Voluntary emission reduction (CCER) trading conduct, B.8.2.2.2 a-e.

B.8.2.2.2: a) 组织应全面、准确提供温室气体自愿减排项目备案材料；b) 应认真、客观提供经国家主管部门
备案的核证机构出具的减排量核证报告；c) 应根据国家相关要求提交监测报告；d) 从事项目审定和减排量核证
机构，应基于取得资质范围开展业务；e) 组织温室气体自愿减排量应通过经备案的交易机构进行交易。

What a rule can see: the organization's own projects (ccer_project: filing materials, validation,
monitoring periods and their reports, verifications naming the verifier), the filed exchanges and
validation/verification bodies (filed_body: roles, filing in force, accreditation sectors) and the
CCER trades of the trade ledgers. Whether the materials are accurate (a), the reports objective (b)
and the trades follow each exchange's own rules (f) is for a reviewer (cms_build/data/clauses.yaml).
"""

from __future__ import annotations

import datetime as dt

from cms_build.api import check, dates

from . import records as trc


def in_force(body, role: str, day: dt.date | None) -> bool:
    """A filed_body filed in ``role`` whose filing is in force on ``day``: filed on or before it,
    not revoked on or before it, and valid through it (valid_until inclusive)."""
    if body is None or body.kind != "filed_body" or not trc.active(body) or role not in (body.get("roles") or []):
        return False
    filing = body.get("filing") or {}
    filed, until, revoked = (dates.parse(filing.get(k)) for k in ("filed_on", "valid_until", "revoked_on"))
    if day is None or filed is None or filed > day:
        return False
    return not ((until is not None and day > until) or (revoked is not None and day >= revoked))


def _why_not(body, body_id, role: str, day: dt.date | None) -> str:
    if body is None or body.kind != "filed_body":
        return f"{body_id!r} is no filed_body record"
    if role not in (body.get("roles") or []):
        return f"{body_id} is not filed as {role} (roles {body.get('roles')})"
    if not trc.active(body):
        return f"{body_id} is {body.status}"
    filing = body.get("filing") or {}
    return f"{body_id}'s filing (filed {filing.get('filed_on')}, valid until {filing.get('valid_until') or '-'}, revoked {filing.get('revoked_on') or '-'}) is not in force on {day}"


@check(
    "trading.ccer-project-owner-undeclared",
    title="自愿减排项目业主的声明与项目记录一致 A project owner declares itself one",
    clauses=["B.8.2.2.2 a", "B.8.2.2.2 b", "B.8.2.2.2 c", "B.8.2.2.2 d"],
    severity="error",
    kinds=["ccer_project"],
)
def project_owner_undeclared(record, ctx):
    """B.8.2.2.2 a-d bind a project's owner; the matrix applies them where the organization
    declares itself one (organization.ccer_project_owner, the catalogue's applies_if). A project
    of the organization's own (a current ccer_project known by the as-of date) while no current
    organization record declares ccer_project_owner: true would show those duties not applicable
    although the records say they apply: an error at the project."""
    if not record.is_current or not record.known_by(ctx.as_of):
        return
    orgs = [o for o in ctx.records("organization") if o.is_current and o.known_by(ctx.as_of)]
    if any(o.get("ccer_project_owner") is True for o in orgs):
        return
    said = [o.id for o in orgs if o.get("ccer_project_owner") is False]
    yield record.issue(
        ("id",),
        f"{record.id} is a CCER project of the organization, but "
        + (f"{', '.join(said)} declares ccer_project_owner: false" if said else "no organization record declares ccer_project_owner: true")
        + ": B.8.2.2.2 a-d (filing, verification and monitoring reports, the bodies' scope) would be shown not applicable",
        hint="set ccer_project_owner: true on the organization record, or withdraw the project record if the organization is not its owner",
    )


@check(
    "trading.ccer-filing-incomplete",
    title="全面提供自愿减排项目备案材料 CCER project filing materials complete",
    clauses=["B.8.2.2.2 a"],
    severity="error",
    kinds=["ccer_project"],
)
def filing_incomplete(record, ctx):
    """B.8.2.2.2 a: a submitted filing includes, and has provided, every material type of settings
    trading.ccer_filing_materials (default: project design document and validation report, a
    reading not checked word for word against the measures); a listed material not provided
    (provided: false) is an error too. A filing submitted after the as-of date is not yet known."""
    filing = record.get("filing")
    if not isinstance(filing, dict):
        return
    submitted = dates.parse(filing.get("submitted_on"))
    if submitted is None or submitted > ctx.as_of:
        return
    materials = [m for m in filing.get("materials") or [] if isinstance(m, dict)]
    for i, m in enumerate(filing.get("materials") or []):
        if isinstance(m, dict) and m.get("provided") is False:
            yield record.issue(
                ("filing", "materials", i, "provided"),
                f"the filing of {record.id} submitted {submitted} lists {m.get('type')} {m.get('document') or ''} as not provided".replace("  ", " "),
                hint="provide the material to the authority and record it (provided: true), or explain the omission",
            )
    have = {m.get("type") for m in materials}
    missing = [t for t in trc.setting(ctx, "ccer_filing_materials") or [] if t not in have]
    if missing:
        yield record.issue(
            ("filing", "materials"),
            f"the filing of {record.id} submitted {submitted} has no {', '.join(missing)} (required by settings trading.ccer_filing_materials)",
            hint="add each required material with provided: true, or change the setting to the authority's list",
        )


@check(
    "trading.ccer-verifier-not-filed",
    title="核证报告由经备案的核证机构出具 Verification reports by filed verifiers",
    clauses=["B.8.2.2.2 b"],
    severity="error",
    kinds=["ccer_project"],
)
def verifier_not_filed(record, ctx):
    """B.8.2.2.2 b: each verification report (known by the as-of date) is by a verification body
    filed with the national authority: a filed_body with role verifier whose filing is in force on
    the report's date."""
    for i, v in enumerate(record.get("verifications") or []):
        day = dates.parse(v.get("date"))
        if day is None or day > ctx.as_of:
            continue
        body = ctx.get(v.get("verifier")) if isinstance(v.get("verifier"), str) else None
        if not in_force(body, "verifier", day):
            yield record.issue(
                ("verifications", i, "verifier"),
                f"verification report {v.get('report')} of {record.id} dated {day}: {_why_not(body, v.get('verifier'), 'verifier', day)}",
                hint="a verification report counts only from a verification body filed with the national authority: record its filed_body, or have the period verified again",
            )


def _overlaps(a: dict, b: dict) -> bool:
    a0, a1, b0, b1 = (dates.parse((p or {}).get(k)) for p in (a, b) for k in ("start", "end"))
    return None not in (a0, a1, b0, b1) and a0 <= b1 and b0 <= a1  # type: ignore[operator]


@check(
    "trading.ccer-monitoring-report-missing",
    title="按要求提交监测报告 Monitoring reports submitted",
    clauses=["B.8.2.2.2 c"],
    severity="error",
    kinds=["ccer_project"],
)
def monitoring_report_missing(record, ctx):
    """B.8.2.2.2 c: reductions are verified from a submitted monitoring report. A verification
    (dated by the as-of date) of a period with no monitoring period overlapping it whose report was
    submitted on or before the verification date is an error. A monitoring period ended before the
    as-of date without a report is a warning: the national deadline was not checked against the
    original, so it is advice, not a verdict."""
    periods = [p for p in record.get("monitoring_periods") or [] if isinstance(p, dict)]
    for i, v in enumerate(record.get("verifications") or []):
        day = dates.parse(v.get("date"))
        if day is None or day > ctx.as_of:
            continue
        reported = [
            p
            for p in periods
            if _overlaps(p.get("period"), v.get("period"))
            and (d := dates.parse((p.get("monitoring_report") or {}).get("submitted_on"))) is not None
            and d <= day
        ]
        if not reported:
            span = v.get("period") or {}
            yield record.issue(
                ("verifications", i, "period"),
                f"verification {v.get('report')} of {record.id} ({span.get('start')} to {span.get('end')}, dated {day}) rests on no monitoring report submitted by that day",
                hint="record the monitoring period with its monitoring_report (reference, submitted_on) under monitoring_periods",
            )
    for i, p in enumerate(record.get("monitoring_periods") or []):
        end = dates.parse((p.get("period") or {}).get("end")) if isinstance(p, dict) else None
        submitted = dates.parse((p.get("monitoring_report") or {}).get("submitted_on")) if isinstance(p, dict) else None
        if end is not None and end < ctx.as_of and (submitted is None or submitted > ctx.as_of):
            yield record.issue(
                ("monitoring_periods", i),
                f"the monitoring period of {record.id} ended {end} has no monitoring report submitted by {ctx.as_of}",
                hint="submit the monitoring report as the national rules require and record it (monitoring_report)",
                severity="warning",
            )


@check(
    "trading.ccer-body-out-of-scope",
    title="审定核证机构在资质范围内开展业务 Validation and verification within the body's accreditation scope",
    clauses=["B.8.2.2.2 d"],
    severity="error",
    kinds=["ccer_project"],
)
def body_out_of_scope(record, ctx):
    """B.8.2.2.2 d: the project's validator and each verifier work within their accreditation: the
    filed_body's scope_sectors include the project's sector (compared as written). Whether the body
    is filed at all is rule trading.ccer-verifier-not-filed (b)."""
    sector = record.get("sector")
    jobs = []
    validation = record.get("validation")
    if isinstance(validation, dict):
        jobs.append((("validation", "validator"), validation, "validator"))
    jobs += [(("verifications", i, "verifier"), v, "verifier") for i, v in enumerate(record.get("verifications") or [])]
    for path, job, role in jobs:
        day = dates.parse(job.get("date"))
        body = ctx.get(job.get(role)) if isinstance(job.get(role), str) else None
        if day is None or day > ctx.as_of or body is None or body.kind != "filed_body":
            continue
        scope = body.get("scope_sectors") or []
        if sector not in scope:
            yield record.issue(
                path,
                f"{body.id} ({body.get('name')}) acted as {role} of {record.id} (sector {sector!r}) on {day}, outside its accreditation scope {scope}",
                hint="have the work done by a body accredited for the project's sector, or correct scope_sectors from the body's filing",
            )


@check(
    "trading.ccer-exchange-not-filed",
    title="自愿减排量通过经备案的交易机构交易 CCER traded through filed exchanges",
    clauses=["B.8.2.2.2 e"],
    severity="error",
    kinds=["trade_ledger"],
)
def exchange_not_filed(record, ctx):
    """B.8.2.2.2 e: every CCER trade (market ccer, known by the as-of date) names its exchange
    (trades[].exchange) and that exchange is a filed_body with that code, filed as an exchange and
    in force on the trade day. A trade without an exchange is reported too: it was not shown to go
    through a filed exchange."""
    if not trc.active(record):
        return
    bodies = {b.get("code"): b for b in ctx.records("filed_body") if b.get("code")}
    for t in trc.ledger_rows(ctx, record)["trades"]:
        if t.asset.market != "ccer" or t.day > ctx.as_of:
            continue
        if not t.exchange:
            why = "names no exchange"
        elif not in_force(bodies.get(t.exchange), "exchange", t.day):
            body = bodies.get(t.exchange)
            why = f"is on {t.exchange}: " + ("no filed_body has that code" if body is None else _why_not(body, body.id, "exchange", t.day))
        else:
            continue
        issue = trc.issue_at(
            ctx,
            t.where,
            f"CCER trade {t.trade_id} of {t.day} {why}",
            hint="trade CCER only through an exchange filed with the national authority, and record it as a filed_body (code, roles: [exchange], filing)",
        )
        if issue is not None:
            yield issue

"""Trading management (Annex B): accounts (B.8.2.1), the management plan (B.6.2.2, B.8.1),
the periodic trading review (6.1.3, B.6.3) and performance evaluation (B.9), position
limits and large-holder reports (B.8.2.3 b)."""

from __future__ import annotations

import datetime as dt

from cms_build.api import check
from . import records as trc


def _in_office(c: dict, day: dt.date) -> bool:
    start, end = trc.day(c.get("from")), trc.day(c.get("to"))
    return (start is None or start <= day) and (end is None or day <= end)


def _open(record, day: dt.date) -> bool:
    opened, closed = trc.day(record.get("opened_on")), trc.day(record.get("closed_on"))
    return (opened is None or opened <= day) and (closed is None or day < closed)


@check(
    "trading.account-controls-missing",
    title="账户有控制人和安全控制 Each account names its controllers and security controls",
    clauses=["B.8.2.1"],
    severity="error",
    kinds=["trading_account"],
    scope="record",
)
def account_controls(record, ctx):
    """B.8.2.1: the organization has account security risk controls and keeps the account's
    registration true and complete. An open account of the organization must name at least
    one controller in office (a person record or a name) and its security controls with
    the procedure that sets them."""
    if not trc.active(record) or not _open(record, ctx.as_of) or record.get("controlled") is False:
        return
    controllers = [c for c in record.get("controllers") or [] if (c.get("person") or c.get("name"))]
    if not any(_in_office(c, ctx.as_of) for c in controllers):
        where = "controllers" if record.get("controllers") is not None else "role"
        yield record.issue(
            where,
            f"account {record.id} has no named controller in office on {ctx.as_of.isoformat()}",
            hint="list the account manager, traders and authorizer under controllers, with person and from",
            key=True,
        )
    sec = record.get("security_controls")
    if not isinstance(sec, dict) or not sec.get("procedure"):
        where = "security_controls" if isinstance(sec, dict) else "role"
        yield record.issue(
            where,
            f"account {record.id} does not state its security controls and the procedure that sets them",
            hint="fill security_controls: procedure (title and number), dual_authorization, digital_certificate, no_lending",
            key=True,
        )
    elif sec.get("no_lending") is False:
        yield record.issue(
            ("security_controls", "no_lending"),
            "the account may be lent to others",
            hint="B.8.2.1: an account is never lent for illegal trading or to evade the rules",
        )


@check(
    "trading.membership-not-disclosed",
    title="披露交易所会员信息 Exchange membership disclosed",
    clauses=["B.8.2.1"],
    severity="error",
    kinds=["trading_account"],
    scope="record",
)
def membership(record, ctx):
    """B.8.2.1: where applicable the organization discloses its exchange membership and how
    it complies."""
    m = record.get("membership")
    if isinstance(m, dict) and m.get("is_member") and not (m.get("disclosed") and m.get("disclosure")):
        yield record.issue(
            "membership",
            f"member of {m.get('member_of') or 'an exchange'}, but the membership and its compliance are not disclosed",
            hint="set disclosed: true and say where (disclosure), with the compliance statement",
        )


@check(
    "trading.registration-not-updated",
    title="重大信息变更后及时更新注册资料 Registration updated after significant changes",
    clauses=["B.8.2.1"],
    severity="error",
    kinds=["trading_account"],
    scope="record",
)
def registration(record, ctx):
    """B.8.2.1: when significant information changes, the account's registration is updated
    promptly. A recorded change without the date its registration was updated is reported."""
    reg = record.get("registration")
    for i, ch in enumerate((reg or {}).get("changes") or [] if isinstance(reg, dict) else []):
        d = trc.day(ch.get("date"))
        if d is not None and d <= ctx.as_of and not ch.get("updated_on"):
            yield record.issue(
                ("registration", "changes", i),
                f"the change of {d.isoformat()} ({ch.get('change')}) has no date on which the registration was updated",
                hint="update the registry and exchange records and set updated_on",
            )


def _b_activity(ctx) -> bool:
    return bool(ctx.records("trading_account") or ctx.records("trade_ledger") or ctx.records("ets_compliance"))


@check("trading.plan-missing", title="有现行的碳交易管理实施方案 A trading management plan is in force", clauses=["B.6.2.2", "B.8.1"], severity="error")
def plan_missing(ctx):
    """B.6, B.6.2.2, B.8.1: the organization draws up a trading management plan. Once it
    has trading accounts, ledgers or obligations, an approved plan whose period covers the
    as-of date is required."""
    if not _b_activity(ctx):
        return
    for rec in ctx.records("trading_plan"):
        p = rec.get("period") or {}
        start, end = trc.day(p.get("start")), trc.day(p.get("end"))
        if rec.status == "approved" and start and end and start <= ctx.as_of <= end:
            return
    anchor = (ctx.records("trading_plan") or ctx.records("trading_account") or ctx.records("ets_compliance") or ctx.records("trade_ledger"))[0]
    yield anchor.issue(
        "kind",
        f"no approved trading management plan covers {ctx.as_of.isoformat()}",
        hint="add a trading_plan record (departments, resources, objectives, activities) approved for the current period",
    )


@check(
    "trading.plan-incomplete",
    title="碳交易管理实施方案内容齐全 The trading plan is complete",
    clauses=["B.8.1 a", "B.8.1 b", "B.8.1 c", "B.6.2.2"],
    severity="error",
    kinds=["trading_plan"],
    scope="record",
)
def plan_incomplete(record, ctx):
    """B.8.1 a-c, B.6.2.2: the plan names the responsible departments and their duties, the
    resources (people, material, money), the objectives, and covers trading, emission
    reporting and verification, compliance and their supervision."""
    if record.status != "approved":
        return
    if not record.get("departments"):
        yield record.issue("period", "the plan names no responsible department and duties (B.8.1 a)", key=True, hint="add departments: [{department, duties}]")
    res = record.get("resources") or {}
    if not any(res.get(k) for k in ("human", "material", "financial")):
        yield record.issue(
            "resources" if record.get("resources") else "period",
            "the plan states no resources (B.8.1 b)",
            key=True,
            hint="fill resources: human, material, financial",
        )
    if not record.get("objectives"):
        yield record.issue("period", "the plan sets no trading objectives (B.8.1 c)", key=True, hint="add objectives with indicator, target value and deadline")
    acts = record.get("activities") or {}
    missing = [k for k in ("trading", "reporting_verification", "compliance", "supervision") if not acts.get(k)]
    if missing:
        yield record.issue(
            "activities" if record.get("activities") else "period",
            f"the plan does not cover {', '.join(missing)} (B.6.2.2)",
            key=True,
            hint="describe each activity under activities",
        )


@check(
    "trading.performance-criteria-missing",
    title="绩效评价有量化准则 Evaluation uses quantified criteria",
    clauses=["B.9 a", "B.9 b"],
    severity="error",
    kinds=["trading_performance"],
    scope="record",
)
def performance_criteria(record, ctx):
    """B.9 a: criteria based on the emission targets, evaluated quantitatively; B.9 b: the
    criteria are reviewed. At least one criterion has a target and an actual value, and the
    date the criteria were reviewed is recorded."""
    if record.status != "approved":
        return
    crit = record.get("criteria") or []
    if not any(trc.num(c.get("target_value")) is not None and trc.num(c.get("actual_value")) is not None for c in crit):
        yield record.issue(
            "criteria" if crit else "date",
            "no criterion has both a target and an actual value (B.9 a)",
            key=True,
            hint="quantify each criterion: target_value, actual_value, unit, score",
        )
    if not record.get("criteria_reviewed_on"):
        yield record.issue("date", "the date the criteria were last reviewed is not recorded (B.9 b)", key=True, hint="set criteria_reviewed_on")


def _account_at(ctx, exchange: str):
    for rec in ctx.records("trading_account"):
        if rec.get("exchange") == exchange:
            return rec
    return None


def _positions(ctx) -> dict:
    res = ctx.results.get("assets")
    return (res or {}).get("exchange_positions") or {} if isinstance(res, dict) else {}


@check("trading.position-limit", title="不超过最大持有量 Holdings within the position limit", clauses=["B.8.2.3 b"], severity="error")
def position_limit(ctx):
    """B.8.2.3 b: the organization follows the exchange's position limit (setting
    trading.exchanges.<code>.position_limit_t; none is configured by default, as no
    national figure exists). End-of-day holdings above it are an error."""
    for code, products in _positions(ctx).items():
        rec = _account_at(ctx, code)
        if rec is None:
            continue
        for product, row in products.items():
            if row.get("over_limit"):
                yield rec.issue(
                    "exchange",
                    f"{product} held at {code} above the position limit {row['limit']:,} t on "
                    f"{len(row['over_limit'])} day(s), first {row['over_limit'][0]} "
                    f"(most {row['max']:,} t on {row['max_date']})",
                    hint="reduce the position and report to the exchange as its rules require",
                )


@check("trading.large-holder-unreported", title="按规定履行大户报告义务 Large-holder reports made", clauses=["B.8.2.3 b"], severity="error")
def large_holder(ctx):
    """B.8.2.3 b: the organization reports as a large holder when its holdings reach the
    exchange's threshold (trading.exchanges.<code>.large_holder_threshold_t, none by
    default), within report_within_days calendar days (default 1). Each day the holding
    reaches the threshold from below needs a large_holder_report for that exchange and
    product, with a position date from that day on and submitted in time; while the time is
    still running it is a warning."""
    reports = ctx.records("large_holder_report")
    for code, products in _positions(ctx).items():
        rec = _account_at(ctx, code)
        if rec is None:
            continue
        days = trc.exchange_setting(ctx, code, "report_within_days")
        for product, row in products.items():
            market, _, prod = product.partition(":")
            for crossing in row.get("crossings", []):
                day = dt.date.fromisoformat(crossing["date"])
                due = day + dt.timedelta(days=days)
                ok = any(
                    r.get("exchange") == code
                    and r.get("market") == market
                    and r.get("product") == prod
                    and (trc.day(r.get("position_date")) or dt.date.min) >= day
                    and (trc.day(r.get("submitted_on")) or dt.date.max) <= due
                    for r in reports
                )
                if ok:
                    continue
                late = ctx.as_of > due
                yield rec.issue(
                    "exchange",
                    f"{product} holdings at {code} reached {crossing['holding']:,} t on {crossing['date']} "
                    f"(threshold {row['threshold']:,} t): no large-holder report submitted by {due.isoformat()}",
                    hint="submit the large-holder report to the exchange and record it as a large_holder_report",
                    severity=None if late else "warning",
                )

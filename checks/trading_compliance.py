"""ETS compliance (8.2.2 c, B.8.2.3 b): surrender in full and on time, CCER within its share.

Reads ctx.results["assets"]["compliance"] (checks/assets.py). The position of an
obligation is worked out in cms_build/calc/compliance.py.
"""
from __future__ import annotations

import datetime as dt

from cms_build.api import check
from cms_build.calc import trading_records as trc


def _compliance(ctx) -> dict:
    res = ctx.results.get("assets")
    return (res or {}).get("compliance") or {} if isinstance(res, dict) else {}


def _t(value) -> str:
    return f"{value:,.0f} t" if isinstance(value, (int, float)) else "? t"


@check("trading.surrender-short", title="足额清缴 Surrender at least the amount due",
       clauses=["8.2.2 c", "B.8.2.3 b"], severity="error", kinds=["ets_compliance"])
def surrender_short(record, ctx):
    """8.2.2 c, B.8.2.3 b: surrender in full and on time — allowances plus CCER (counted up to
    their share) at least the amount due, which is the sum of the verified emissions unless
    the authority stated another amount. After the deadline a shortfall is an error; in the
    last trading.surrender_warning_days days before it (default 60) a warning that names
    the deadline and what is still due."""
    pos = _compliance(ctx).get(record.id)
    if not pos:
        return
    due = pos["due"]["value"]
    counted = pos["surrendered"]["value"]
    remaining = pos["remaining"]["value"]
    deadline = dt.date.fromisoformat(pos["deadline"])
    if pos["closed"] and pos["short"]:
        yield record.issue("deadline", f"{_t(counted)} surrendered for {pos.get('period')} against {_t(due)} due: "
                                       f"{_t(remaining)} short after the deadline {pos['deadline']}",
                           hint="surrender the rest at once and record the authority's decision and any penalty "
                                "(penalties) in this record")
    elif not pos["closed"] and remaining > 0:
        days = (deadline - ctx.as_of).days
        if days <= trc.setting(ctx, "surrender_warning_days"):
            yield record.issue("deadline", f"{_t(remaining)} of {_t(due)} still to surrender for {pos.get('period')} "
                                           f"by {pos['deadline']} ({days} day(s) left); eligible holdings available "
                                           f"{_t(pos['cover']['value'])}",
                               hint="plan the surrender (and any purchase) now; record it as a surrender record",
                               severity="warning")


@check("trading.surrender-late", title="按期清缴 Surrender by the deadline",
       clauses=["8.2.2 c", "B.8.2.3 b"], severity="error", kinds=["surrender"])
def surrender_late(record, ctx):
    """8.2.2 c, B.8.2.3 b: surrender on time. A compliance surrender dated after its
    obligation's deadline is late (a surrender on the deadline itself is on time)."""
    if record.get("purpose") != "compliance":
        return
    obligation = ctx.get(record.get("obligation")) if isinstance(record.get("obligation"), str) else None
    if obligation is None:
        if record.get("obligation") is None:
            yield record.issue("purpose", "a compliance surrender names no obligation (ets_compliance)",
                               hint="set obligation to the ets_compliance record this surrender is for")
        return
    day, deadline = trc.day(record.get("date")), trc.day(obligation.get("deadline"))
    if day is not None and deadline is not None and day > deadline and day <= ctx.as_of:
        yield record.issue("date", f"surrendered on {day.isoformat()}, {(day - deadline).days} day(s) after the "
                                   f"deadline {deadline.isoformat()} of {obligation.id}",
                           hint="record the reason and any penalty in the obligation; plan surrenders ahead of the deadline (8.2.2 c)")


@check("trading.ccer-over-limit", title="CCER 抵消不超过比例上限 CCER within the offset share",
       clauses=["B.8.2.3 b", "B.8.2.2.2 f"], severity="error", kinds=["ets_compliance"])
def ccer_over_limit(record, ctx):
    """B.8.2.3 b, B.8.2.2.2 f: CCER surrendered may cover at most the share of the amount due
    that the rules allow (setting trading.ccer_max_share, 5 % by default after order 19
    Art. 29, or the obligation's own ccer_max_share). CCER above it do not count."""
    pos = _compliance(ctx).get(record.id)
    if not pos or pos.get("ccer_over_limit", 0) <= 0:
        return
    yield record.issue("emissions", f"{_t(pos['ccer_surrendered'])} CCER surrendered, above the limit "
                                    f"{_t(pos['ccer_limit']['value'])} ({pos['ccer_share']:.0%} of {_t(pos['due']['value'])} due): "
                                    f"{_t(pos['ccer_over_limit'])} do not count",
                       hint="surrender allowances for the excess; CCER beyond the share do not meet the obligation")


@check("trading.ccer-from-ets-project", title="抵消用 CCER 不来自全国碳市场覆盖的项目 Offset CCER come from outside the national ETS",
       clauses=["B.8.2.2.2 f"], severity="error", kinds=["surrender"])
def ccer_from_ets(record, ctx):
    """B.8.2.2.2 f (order 19 Art. 29): CCER from projects inside the national ETS may not be
    used to offset (setting of the library: ccer_from_ets_projects_allowed = false)."""
    if record.get("purpose") != "compliance":
        return
    for i, item in enumerate(record.get("items") or []):
        if item.get("market") == "ccer" and item.get("project_in_national_ets") is True:
            yield record.issue(("items", i, "project_in_national_ets"),
                               f"{_t(item.get('quantity'))} CCER from a project inside the national ETS used for compliance",
                               hint="use CCER from projects outside the national ETS (order 19 Art. 29)")


@check("trading.obligation-years-incomplete", title="每个履约年度有排放量 Every year of the period has its emissions",
       clauses=["8.2.2 c", "B.8.2.3 b"], severity="error", kinds=["ets_compliance"])
def years_incomplete(record, ctx):
    """8.2.2 c: the amount due is the sum of the emissions of every year of the period; a
    year without its emissions row makes the obligation too small."""
    have = {e.get("year") for e in record.get("emissions") or []}
    missing = [y for y in record.get("years") or [] if y not in have]
    extra = [y for y in have if y not in (record.get("years") or [])]
    if missing:
        yield record.issue("emissions", f"no emissions for {', '.join(map(str, missing))} of the period {record.get('compliance_period')}",
                           hint="add a row per year with its verified (or, until verified, estimated) emissions")
    if extra:
        yield record.issue("emissions", f"emissions given for {', '.join(map(str, sorted(extra)))}, outside the period's years",
                           hint="keep only the years of this compliance period")


@check("trading.verified-mismatch", title="履约排放量与核查陈述一致 Obligation emissions match the verification",
       clauses=["8.2.2 c", "A.6.5.2"], severity="error", kinds=["ets_compliance"])
def verified_mismatch(record, ctx):
    """8.2.2 c: the amount due rests on the verified emissions. Where the emissions
    computation has a verification statement for the same year, the figure in the
    obligation must agree with it (setting trading.emissions_match_tolerance_pct, default 0)."""
    pos = _compliance(ctx).get(record.id)
    tol = trc.setting(ctx, "emissions_match_tolerance_pct")
    for row in (pos or {}).get("verified_check", []):
        stated, verified = row["stated"], row["verified"]
        if verified and abs(stated - verified) > tol / 100 * verified:
            yield trc.issue_at(ctx, row["source"], f"{row['year']}: {stated:,.0f} tCO2 here, but the verification "
                                                    f"statement {row.get('verification')} says {verified:,.0f} tCO2",
                               hint="use the figure of the verification statement (or correct the verification record)")

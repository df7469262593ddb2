"""ETS compliance (8.2.2 c, B.8.2.3 b): surrender in full and on time, CCER within its share.

Reads ctx.results["assets"]["compliance"] (checks/assets/compute.py). The position of an
obligation is worked out in checks/trading/compliance.py.
"""

from __future__ import annotations

import datetime as dt
import re

from cms_build.api import check, factors
from ..emissions.unapproved import DraftsUsed
from . import compliance as cp
from . import records as trc


def _compliance(ctx) -> dict:
    res = ctx.results.get("assets")
    return (res or {}).get("compliance") or {} if isinstance(res, dict) else {}


def _t(value) -> str:
    return f"{value:,.0f} t" if isinstance(value, (int, float)) else "? t"


@check(
    "trading.surrender-short", title="足额清缴 Surrender at least the amount due", clauses=["8.2.2 c", "B.8.2.3 b"], severity="error", kinds=["ets_compliance"]
)
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
        yield record.issue(
            "deadline",
            f"{_t(counted)} surrendered for {pos.get('period')} against {_t(due)} due: {_t(remaining)} short after the deadline {pos['deadline']}",
            hint="surrender the rest at once and record the authority's decision and any penalty (penalties) in this record",
        )
    elif not pos["closed"] and remaining > 0:
        days = (deadline - ctx.as_of).days
        if days <= trc.setting(ctx, "surrender_warning_days"):
            yield record.issue(
                "deadline",
                f"{_t(remaining)} of {_t(due)} still to surrender for {pos.get('period')} "
                f"by {pos['deadline']} ({days} day(s) left); eligible holdings available "
                f"{_t(pos['cover']['value'])}",
                hint="plan the surrender (and any purchase) now; record it as a surrender record",
                severity="warning",
            )


@check("trading.surrender-late", title="按期清缴 Surrender by the deadline", clauses=["8.2.2 c", "B.8.2.3 b"], severity="error", kinds=["surrender"])
def surrender_late(record, ctx):
    """8.2.2 c, B.8.2.3 b: surrender on time. A compliance surrender dated after its
    obligation's deadline is late (a surrender on the deadline itself is on time)."""
    if record.get("purpose") != "compliance":
        return
    obligation = ctx.get(record.get("obligation")) if isinstance(record.get("obligation"), str) else None
    if obligation is None:
        if record.get("obligation") is None:
            yield record.issue(
                "purpose",
                "a compliance surrender names no obligation (ets_compliance)",
                hint="set obligation to the ets_compliance record this surrender is for",
            )
        return
    day, deadline = trc.day(record.get("date")), trc.day(obligation.get("deadline"))
    if day is not None and deadline is not None and day > deadline and day <= ctx.as_of:
        yield record.issue(
            "date",
            f"surrendered on {day.isoformat()}, {(day - deadline).days} day(s) after the deadline {deadline.isoformat()} of {obligation.id}",
            hint="record the reason and any penalty in the obligation; plan surrenders ahead of the deadline (8.2.2 c)",
        )


_OFFICIAL_KEY = re.compile(r"compliance_(\d{4})_(\d{4})(?:_all_units)?$")


def official_deadlines() -> list[tuple[frozenset, dt.date, str, str]]:
    """The national ETS surrender deadlines the factor library knows (cms_build/data/factors/
    ets_cn.yaml, compliance_<first year>_<last year>, the deadline for all units): (years,
    deadline, key, source). Only these: a period whose deadline the library lacks is not judged."""
    out = []
    for key in factors.ets_keys():
        m = _OFFICIAL_KEY.match(key)
        fig = factors.ets(key)
        if m is None or fig.unit != "date":
            continue
        try:
            day = dt.date.fromisoformat(str(fig.value))
        except ValueError:
            continue
        out.append((frozenset(range(int(m.group(1)), int(m.group(2)) + 1)), day, key, fig.source))
    return out


@check(
    "trading.deadline-after-official",
    title="清缴截止日不晚于主管部门规定的截止日 The surrender deadline is not later than the official one",
    clauses=["8.2.2 c", "B.8.2.3 b"],
    severity="error",
    kinds=["ets_compliance"],
)
def deadline_after_official(record, ctx):
    """8.2.2 c, B.8.2.3 b: surrender on time, that is by the deadline the authority set. Where
    the factor library knows the national ETS deadline for the obligation's years (the 2019-2020
    period and the 2021 and 2022 years, cms_build/data/factors/ets_cn.yaml; not the 2023 and
    later years, whose official text was not found), a national ETS obligation whose `deadline`
    is later than it is an error: the later date shows late surrenders as on time and keeps the
    obligation open. The message names each compliance surrender dated after the official
    deadline (late by it). An earlier deadline (a province may ask for one) is not judged."""
    if record.get("scheme") != "national_ets":
        return
    deadline = trc.day(record.get("deadline"))
    years = {y for y in record.get("years") or [] if isinstance(y, int) and not isinstance(y, bool)}
    if deadline is None or not years:
        return
    for span, official, key, source in official_deadlines():
        if not years <= span or deadline <= official:
            continue
        late = []
        for srec in sorted(ctx.referring(record.id, "surrender"), key=lambda r: (str(r.get("date")), r.id)):
            day = trc.day(srec.get("date"))
            if trc.active(srec) and srec.get("purpose") == "compliance" and srec.get("obligation") == record.id and day is not None and official < day:
                q = sum(i.get("quantity") for i in srec.get("items") or [] if isinstance(i, dict) and isinstance(i.get("quantity"), int))
                late.append(f"{srec.id} on {day.isoformat()} ({_t(q)}, {(day - official).days} day(s) late)")
        yield record.issue(
            "deadline",
            f"deadline {deadline.isoformat()}, {(deadline - official).days} day(s) later than the official deadline "
            f"{official.isoformat()} for {', '.join(map(str, sorted(years)))} ({key} of the factor library: {source})"
            + (f"; surrendered after the official deadline: {'; '.join(late)}" if late else ""),
            hint="set deadline to the official deadline and record any late surrender's reason and penalty in this record; "
            "an earlier deadline of the province may be kept",
        )


@check(
    "trading.surrender-vintage-ineligible",
    title="清缴的配额年份可用于该履约期 Allowances surrendered are of an eligible vintage",
    clauses=["8.2.2 c", "B.8.2.3 b"],
    severity="error",
    kinds=["surrender"],
)
def surrender_vintage_ineligible(record, ctx):
    """8.2.2 c, B.8.2.3 b: allowances surrendered for an obligation are of a vintage that may
    be used for it: one of the obligation's eligible_vintages when it lists them, else a
    vintage no later than the period's last year (a later year's allowances are not yet for
    this period). Such allowances do not count towards the amount due (the position leaves
    them out, so trading.surrender-short follows once the deadline has passed). CCER and an
    item of another market are not judged here."""
    if record.get("purpose") != "compliance":
        return
    obligation = ctx.get(record.get("obligation")) if isinstance(record.get("obligation"), str) else None
    if obligation is None or obligation.kind != "ets_compliance":
        return
    market = "national_ets" if obligation.get("scheme") == "national_ets" else "local_pilot"
    eligible = obligation.get("eligible_vintages") or None
    years = obligation.get("years") or []
    for i, item in enumerate(record.get("items") or []):
        if not isinstance(item, dict) or item.get("market") != market or cp.eligible_vintage(item.get("vintage"), eligible, years):
            continue
        allowed = ", ".join(str(v) for v in eligible) if eligible else f"up to {max((y for y in years if isinstance(y, int)), default='?')}"
        yield record.issue(
            ("items", i, "vintage"),
            f"{_t(item.get('quantity'))} of vintage {item.get('vintage')} surrendered for {obligation.id}, whose eligible vintages are {allowed}: they do not count",
            hint="surrender allowances of an eligible vintage, or, if the authority allowed this vintage, list it under the obligation's eligible_vintages with the rule in deadline_source or ccer_rule",
        )


@check(
    "trading.ccer-over-limit",
    title="CCER 抵消不超过比例上限 CCER within the offset share",
    clauses=["B.8.2.3 b", "B.8.2.2.2 f"],
    severity="error",
    kinds=["ets_compliance"],
)
def ccer_over_limit(record, ctx):
    """B.8.2.3 b, B.8.2.2.2 f: CCER surrendered may cover at most the share of the amount due
    that the rules allow (setting trading.ccer_max_share, 5 % by default after order 19
    Art. 29, or the obligation's own ccer_max_share). CCER above it do not count."""
    pos = _compliance(ctx).get(record.id)
    if not pos or pos.get("ccer_over_limit", 0) <= 0:
        return
    yield record.issue(
        "emissions",
        f"{_t(pos['ccer_surrendered'])} CCER surrendered, above the limit "
        f"{_t(pos['ccer_limit']['value'])} ({pos['ccer_share']:.0%} of {_t(pos['due']['value'])} due): "
        f"{_t(pos['ccer_over_limit'])} do not count",
        hint="surrender allowances for the excess; CCER beyond the share do not meet the obligation",
    )


@check(
    "trading.ccer-from-ets-project",
    title="抵消用 CCER 不来自全国碳市场覆盖的项目 Offset CCER come from outside the national ETS",
    clauses=["B.8.2.2.2 f"],
    severity="error",
    kinds=["surrender"],
    scope="record",
)
def ccer_from_ets(record, ctx):
    """B.8.2.2.2 f (order 19 Art. 29): CCER from projects inside the national ETS may not be
    used to offset (setting of the library: ccer_from_ets_projects_allowed = false)."""
    if record.get("purpose") != "compliance":
        return
    for i, item in enumerate(record.get("items") or []):
        if item.get("market") == "ccer" and item.get("project_in_national_ets") is True:
            yield record.issue(
                ("items", i, "project_in_national_ets"),
                f"{_t(item.get('quantity'))} CCER from a project inside the national ETS used for compliance",
                hint="use CCER from projects outside the national ETS (order 19 Art. 29)",
            )


@check(
    "trading.obligation-years-incomplete",
    title="每个履约年度有排放量 Every year of the period has its emissions",
    clauses=["8.2.2 c", "B.8.2.3 b"],
    severity="error",
    kinds=["ets_compliance"],
    scope="record",
)
def years_incomplete(record, ctx):
    """8.2.2 c: the amount due is the sum of the emissions of every year of the period; a
    year without its emissions row makes the obligation too small."""
    have = {e.get("year") for e in record.get("emissions") or []}
    missing = [y for y in record.get("years") or [] if y not in have]
    extra = [y for y in have if y not in (record.get("years") or [])]
    if missing:
        yield record.issue(
            "emissions",
            f"no emissions for {', '.join(map(str, missing))} of the period {record.get('compliance_period')}",
            hint="add a row per year with its verified (or, until verified, estimated) emissions",
        )
    if extra:
        yield record.issue(
            "emissions",
            f"emissions given for {', '.join(map(str, sorted(extra)))}, outside the period's years",
            hint="keep only the years of this compliance period",
        )


@check(
    "trading.verified-mismatch",
    title="应清缴量等于核证排放量 The amount due is the verified emissions",
    clauses=["8.2.2 c", "B.8.2.3 b"],
    severity="error",
    kinds=["ets_compliance"],
)
def verified_mismatch(record, ctx):
    """8.2.2 c (obligations met in time), B.8.2.3 b (compliance in time and in full): the amount
    due rests on the verified emissions (MEE order No. 19, 碳排放权交易管理办法（试行）, Art. 28:
    surrender at least the emissions the authority's verification confirmed). Where the
    emissions computation has a verification statement for a year, the obligation's figure for
    that year agrees with it (setting trading.emissions_match_tolerance_pct, default 0); an
    amount due stated by the authority (obligation_tco2e) that differs from the sum of the
    verified figures states its basis (obligation_basis: a cap of the allocation plan)."""
    pos = _compliance(ctx).get(record.id)
    tol = trc.setting(ctx, "emissions_match_tolerance_pct")
    checked = pos.get("verified_check", []) if pos else []
    for row in checked:
        stated, verified = row["stated"], row["verified"]
        if verified and abs(stated - verified) > tol / 100 * verified:
            yield trc.issue_at(
                ctx,
                row["source"],
                f"{row['year']}: {stated:,.0f} tCO2 here, but the verification statement {row.get('verification')} says {verified:,.0f} tCO2",
                hint="use the figure of the verification statement (or correct the verification record)",
            )
    years = [y for y in record.get("years") or [] if isinstance(y, int)]
    stated = record.get("obligation_tco2e")
    if isinstance(stated, int) and checked and {r["year"] for r in checked} >= set(years) and not record.get("obligation_basis"):
        verified = sum(r["verified"] for r in checked)
        if abs(stated - verified) > tol / 100 * verified:
            yield record.issue(
                "obligation_tco2e",
                f"amount due {stated:,} t, but the verified emissions of {', '.join(map(str, years))} sum to {verified:,.0f} tCO2",
                hint="the amount due is the verified emissions (order 19 Art. 28); where the allocation "
                "plan caps it, state the cap and its source in obligation_basis",
            )


def _statement_day(rec, as_of: dt.date) -> dt.date | None:
    """The date of a verification's statement when the record holds one known by `as_of`."""
    st = rec.get("statement")
    day = trc.day(st.get("date")) if isinstance(st, dict) else None
    if day is None or day > as_of or rec.status in ("draft", "withdrawn", "superseded") or not rec.known_by(as_of):
        return None
    return day


@check(
    "trading.verified-figure-unsupported",
    title="核证排放量有核查记录支持 A verified figure rests on its verification record",
    clauses=["8.2.2 c", "B.8.2.3 b"],
    severity="error",
    kinds=["ets_compliance"],
)
def verified_figure_unsupported(record, ctx):
    """8.2.2 c, B.8.2.3 b: the amount due rests on the verified emissions (order 19 Art. 28),
    and trading.verified-mismatch compares a verified figure with the verification statement of
    its year. A row shown verified (figure: verified, the default) is checked against the
    verification record it names: one of another year, or one without a verification statement
    dated by the as-of date (a draft, withdrawn or superseded record has none), is an error, the
    figure is not verified by it. A verified row naming no verification record while a
    verification of its year holds its statement is a warning naming that record (it could be
    named; until it is, nothing ties the figure to it). A verified row of a year no verification
    record holds (verified before the records begin, as the example's 2021 and 2022) is
    accepted when it gives the authority's confirmation date (confirmed_on); without it a
    warning: nothing shows the figure was verified. An obligation not yet approved or in effect
    by the as-of date is not judged (it did not exist then)."""
    if not trc.active(record) or not record.known_by(ctx.as_of):
        return
    verifications = [r for r in ctx.records("verification") if isinstance(r.get("year"), int)]
    for i, row in enumerate(record.get("emissions") or []):
        if not isinstance(row, dict) or (row.get("figure") or "verified") != "verified" or not isinstance(row.get("year"), int):
            continue
        year, named = row["year"], row.get("verification")
        if isinstance(named, str):
            ver = ctx.get(named)
            if ver is None or ver.kind != "verification":
                continue  # an unknown reference is reported by the reference check
            if ver.get("year") != year:
                yield record.issue(
                    ("emissions", i, "verification"),
                    f"{year}: shown verified by {ver.id}, which is the verification of {ver.get('year')}",
                    hint=f"name the verification record of {year}",
                )
            elif _statement_day(ver, ctx.as_of) is None:
                yield record.issue(
                    ("emissions", i, "verification"),
                    f"{year}: shown verified by {ver.id}, which holds no verification statement by {ctx.as_of.isoformat()}"
                    + (f" (it is {ver.status})" if ver.status in ("draft", "withdrawn", "superseded") else ""),
                    hint="until the statement is issued and recorded, give the figure as estimated or reported (figure: estimated)",
                )
            continue
        found = sorted((r for r in verifications if r.get("year") == year and _statement_day(r, ctx.as_of) is not None), key=lambda r: r.id)
        where = ("emissions", i, "figure") if "figure" in row else ("emissions", i)
        if found:
            names = ", ".join(f"{r.id} (statement of {_statement_day(r, ctx.as_of)})" for r in found)
            yield record.issue(
                where,
                f"{year}: shown verified, but names no verification record, though {names} holds the verification statement of {year}",
                hint=f"name it (verification: {found[0].id}) so that the figure is tied to the statement it comes from",
                severity="warning",
            )
        elif trc.day(row.get("confirmed_on")) is None:
            yield record.issue(
                where,
                f"{year}: shown verified, but names no verification record and no date the authority confirmed it (confirmed_on); "
                f"no verification record of {year} holds a statement",
                hint=f"record the verification of {year} and name it, or give confirmed_on with the authority's confirmation",
                severity="warning",
            )


@check(
    "trading.due-not-ets-boundary",
    title="未核查年度的应清缴量等于全国碳市场边界排放量 An unverified year's amount due is the ETS-boundary emissions",
    clauses=["8.2.2 c", "B.8.2.3 b"],
    severity="error",
    kinds=["ets_compliance"],
)
def due_not_ets_boundary(record, ctx):
    """8.2.2 c, B.8.2.3 b: until a year is verified, its amount due is estimated from the
    emissions of the national ETS accounting boundary (MEE order No. 19, Art. 28: surrender for
    the emissions the verification will confirm, which are those of the boundary the sector
    guideline sets; for a power generation facility fossil fuel combustion and purchased
    electricity, checks.emissions.inventory.ETS_POWER_CATEGORIES, boundary clause read second-hand),
    not from the full inventory of Annex A. A stated figure that differs from the ETS-boundary
    figure recomputed from the records by more than rounding (0.5 t, or setting
    trading.emissions_match_tolerance_pct) is a finding; the message shows both and the figure of
    every source outside the boundary."""
    pos = _compliance(ctx).get(record.id)
    tol_pct = trc.setting(ctx, "emissions_match_tolerance_pct")
    for row in pos.get("ets_check", []) if pos else []:
        stated, ets = row["stated"], row["ets"]
        tol = max(0.5, tol_pct / 100 * abs(ets))
        if abs(stated - ets) <= tol:
            continue
        outside = [
            f"{s['source']} ({s['category']}) {s['difference']:,.2f}" for s in sorted(row["by_source"].values(), key=lambda s: s["source"]) if s["difference"]
        ]
        full = row.get("inventory")
        note = (
            f"; {stated:,.0f} is the full inventory (Annex A), which holds sources outside the boundary"
            if isinstance(full, (int, float)) and abs(stated - full) <= tol
            else ""
        )
        yield trc.issue_at(
            ctx,
            row["source"],
            f"{row['year']} is not verified yet: {stated:,.0f} tCO2 here, but the national ETS boundary "
            f"recomputed from the records gives {ets:,.2f} tCO2 (difference {stated - ets:+,.2f}); "
            f"outside the boundary by source: {'; '.join(outside) or 'none'}{note}",
            hint="state the ETS-boundary figure (round to the tonne) until the verification statement gives the verified one",
        )


def _market(rec) -> str:
    return "national_ets" if rec.get("scheme") == "national_ets" else "local_pilot"


def _counted_day(rec, obligation) -> dt.date | None:
    """The first day a surrender or allocation counts in an obligation's position: the
    surrender's date, or the allocation's first entry for a year of the obligation."""
    if rec.kind == "surrender":
        return trc.day(rec.get("date"))
    years = obligation.get("years") or []
    days = [trc.day(e.get("date")) for e in rec.get("entries") or [] if isinstance(e, dict) and e.get("year") in years]
    return min((d for d in days if d is not None), default=None)


def _position_resting(ctx, obligation, pos: dict, day: dt.date | None) -> list:
    """What rests on an obligation's compliance position as far as it counts a record first
    counted on `day`: the obligation itself once it is closed (shown met, met late or short,
    C.8.1.1), and each approved asset statement (G.2, G.3) of a year from the obligation's first
    year to the year of its deadline whose year end (or the as-of date) is on or after `day`."""
    out: list = []
    deadline = trc.day(obligation.get("deadline"))
    if pos.get("closed"):
        state = "short" if pos.get("short") else "met late" if pos.get("late") else "met"
        out.append(("obligation", obligation, f"the obligation {obligation.id} (shown {state}, deadline {pos.get('deadline')})"))
    years = [y for y in obligation.get("years") or [] if isinstance(y, int) and not isinstance(y, bool)]
    if not years or deadline is None:
        return out
    for st in sorted(ctx.records("asset_statement"), key=lambda r: r.id):
        year = st.get("year")
        if st.status != "approved" or not isinstance(year, int) or not st.known_by(ctx.as_of):
            continue
        if not min(years) <= year <= deadline.year:
            continue
        if day is not None and day > min(dt.date(year, 12, 31), ctx.as_of):
            continue
        out.append(("statement", st, f"the approved asset statement {st.id}"))
    return out


@check(
    "trading.unapproved-data-used",
    title="履约头寸依据的配额分配和清缴记录已经评审批准 The allocations and surrenders a compliance position rests on are approved",
    clauses=["7.4.2 c", "8.2.2 c", "B.8.2.3 b"],
    severity="error",
)
def unapproved_data_used(ctx):
    """7.4.2 c): documented information is reviewed and approved for its suitability and
    adequacy; 8.2.2 c, B.8.2.3 b: the obligation is shown met on the strength of these records.
    The compliance position of an ETS obligation counts every surrender for it and every
    allocation of its years (or named by it) that is not superseded or withdrawn, a draft too
    (leaving it out would change the figures). When the obligation is shown closed (met, met
    late or short after its deadline), or an approved asset statement of a year from its first
    year to the year of its deadline rests on the position, each such surrender or allocation
    that is still a draft, and that counts by that time (its date, or its first entry for a year
    of the obligation), is reported at its status. The draft stays in the position (the figures
    do not change); the same rule as emissions.unapproved-data-used for the inventory."""
    positions = _compliance(ctx)
    drafts = DraftsUsed()
    obligations = {}
    for rec in ctx.records("ets_compliance"):
        pos = positions.get(rec.id)
        if not trc.active(rec) or not pos:
            continue
        obligations[rec.id] = (rec, pos)
        for srec in ctx.referring(rec.id, "surrender"):
            day = trc.day(srec.get("date"))
            if trc.active(srec) and srec.get("purpose") == "compliance" and srec.get("obligation") == rec.id and day is not None and day <= ctx.as_of:
                drafts.add(srec, rec.id)
        years = rec.get("years") or []
        for arec in ctx.records("allocation"):
            if not trc.active(arec) or _market(arec) != _market(rec):
                continue
            day = _counted_day(arec, rec)
            if arec.id == rec.get("allocation") or (day is not None and day <= ctx.as_of and any(y in years for y in arec.get("years") or [])):
                drafts.add(arec, rec.id)

    def resting(oid, draft):
        rec, pos = obligations[oid]
        return _position_resting(ctx, rec, pos, _counted_day(draft, rec))

    yield from drafts.issues(
        resting,
        lambda r: r[2],
        lambda oid: f"the compliance position of {oid}",
        "correct them, and the obligation and asset statement that rest on them",
    )


def _covered(ctx) -> bool:
    """A covered entity: the organization profile lists an ETS among its mandatory schemes, or
    the records hold an ETS obligation."""
    org = next(iter(ctx.records("organization")), None)
    schemes = (org.get("mandatory_schemes") or []) if org is not None else []
    return any(s in ("national_ets", "local_pilot_ets") for s in schemes) or bool(ctx.records("ets_compliance"))


def _emission_years(ctx) -> dict[int, object]:
    """year -> the record that shows the year's emissions were reported or verified (a
    reported_inventory, else a verification with its statement), known by the as-of date."""
    out: dict[int, object] = {}
    for kind in ("reported_inventory", "verification"):
        for rec in ctx.records(kind):
            year = rec.get("year")
            if rec.status in ("draft", "withdrawn", "superseded") or not isinstance(year, int) or year in out:
                continue
            if kind == "verification" and not (rec.get("statement") or {}).get("date"):
                continue
            day = trc.day(rec.get("submitted_on") or rec.get("statement.date") or rec.get("effective"))
            if day is None or day <= ctx.as_of:
                out[year] = rec
    return out


@check(
    "trading.obligation-missing",
    title="每个有排放报告的年度都有清缴义务 Every reported year has its compliance obligation",
    clauses=["8.2.2 c", "B.8.2.3 b", "6.1.3 e"],
    severity="error",
)
def obligation_missing(ctx):
    """8.2.2 c, B.8.2.3 b: a covered entity surrenders allowances for every year's emissions
    (order 19 Art. 28), so every year whose emissions it has reported or had verified has an
    ets_compliance record whose years include it. Without one, nothing checks the surrender
    and the balance sheet counts the allowances held as a surplus."""
    if not _covered(ctx):
        return
    covered = {y for r in ctx.records("ets_compliance") if trc.active(r) for y in r.get("years") or []}
    for year, rec in sorted(_emission_years(ctx).items()):
        if year not in covered:
            yield rec.issue(
                "year",
                f"emissions of {year} are {'reported' if rec.kind == 'reported_inventory' else 'verified'} "
                f"({rec.id}), but no ETS compliance obligation covers {year}",
                hint=f"add an ets_compliance record for {year} (years: [{year}], the emissions, the "
                "deadline and its source), with estimated figures until verified",
            )


@check(
    "trading.emission-report-late",
    title="按期报送年度排放报告 The annual emission report is submitted in time",
    clauses=["B.8.3 c", "A.9.1.1", "8.2.2 c"],
    severity="error",
)
def emission_report_late(ctx):
    """B.8.3 c (emission and verification reports submitted to the authorities), A.9.1.1: a
    covered entity submits the year's emission report by the setting trading.emission_report_due
    (month-day of the following year). 碳排放权交易管理暂行条例 (State Council Order No. 775, in
    force 2024-05-01) Art. 11 asks for the annual report "按照规定" without a date; the date is
    the MEE's: order No. 19 碳排放权交易管理办法（试行） Art. 25 (每年3月31日前报省级生态环境主管部门)
    and, for power companies' 2023-2025 reports, 环办气候函〔2023〕43号 (3月31日前 through the
    management platform). Hence the default 03-31; all three texts were read in reprints and
    summaries, not checked against the originals, and a province may set an earlier date (set it).
    Each year that has ended and that the entity accounts for (the computed inventory) or filed
    monthly evidence for (evidence_filing records, checks/emissions/filing.py) needs a
    reported_inventory submitted (submitted_on) by then: none after the due day, or one submitted
    later, is an error; the due day itself is not late."""
    if not _covered(ctx):
        return
    due_md = str(trc.setting(ctx, "emission_report_due") or "03-31")
    years = {int(y) for y in ((ctx.results.get("emissions") or {}).get("years") or {}) if str(y).isdigit()}
    # a year with monthly evidence filed is a year in the market, whether or not its activity is recorded here
    years |= {
        r.get("year")
        for r in ctx.records("evidence_filing")
        if r.status == "approved" and isinstance(r.get("year"), int) and not isinstance(r.get("year"), bool)
    }
    years = sorted(years)
    reports: dict[int, list] = {}
    for rec in ctx.records("reported_inventory"):
        if rec.status not in ("draft", "withdrawn", "superseded") and isinstance(rec.get("year"), int):
            reports.setdefault(rec.get("year"), []).append(rec)
    org = next(iter(ctx.records("organization")), None)
    for year in years:
        try:
            due = dt.date(year + 1, int(due_md[:2]), int(due_md[3:5]))
        except ValueError:
            due = dt.date(year + 1, 3, 31)
        recs = reports.get(year, [])
        submitted = [(trc.day(r.get("submitted_on")), r) for r in recs]
        known = [(d, r) for d, r in submitted if d is not None and d <= ctx.as_of]
        if known:
            first, rec = min(known, key=lambda x: x[0])
            if first > due:
                yield rec.issue(
                    "submitted_on",
                    f"the {year} emission report was submitted on {first}, {(first - due).days} day(s) after it was due ({due})",
                    hint="record the reason and any notice of the authority; plan the report ahead of the due day (setting trading.emission_report_due)",
                )
        elif ctx.as_of > due:
            target = recs[0] if recs else org
            if target is None:
                continue
            yield target.issue(
                "submitted_on" if recs else "mandatory_schemes",
                f"the {year} emission report was due by {due} and {'has no submission date' if recs else 'is not recorded'} "
                "(trading.emission_report_due; 碳排放权交易管理暂行条例 Art. 11, 环办气候函〔2023〕43号)",
                hint=f"record the submitted report as a reported_inventory for {year} with submitted_on",
                key=not recs,
            )

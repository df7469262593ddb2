"""Carbon neutrality (Annex D): a claim's balance, its certificate grade, its status on a date.

Pure functions, no records: checks/neutrality*.py feeds them values read from records and
settings. The readings of the standard they implement (shared/standard/README.md) are
parameters with the README's reading as default, so that an organization's settings can
change them:

- reading 1 (D.10): a claim is valid for at most ``max_years`` = 1 year: last valid day =
  first valid day + 1 year - 1 day (2025-03-01 -> 2026-02-28; 2024-02-29 -> 2025-02-28);
- reading 2 (D.10): a corrective action must take effect within ``window_months`` = 3
  calendar months of an invalidating event, clamped to the month's end (2025-05-31 ->
  2025-08-31; 2025-11-30 -> 2026-02-28), the deadline day included; otherwise the claim is
  withdrawn from the day after the deadline;
- reading 3 (D.8.2.5, D.8.2.6): removal credits give Gold; destruction or avoidance credits
  give Silver when their vintage year is at most ``silver_years`` = 5 years before the year
  neutrality was achieved, else Bronze; a claim gets the lowest grade of its credits;
- reading 4 (D.8.2.4): one kind of offset, or a combination of ``max_kinds`` = 2;
- reading 5: to offset = footprint (+ emissions found later) - achieved reductions counted
  inside that footprint; credits retired for the claim must cover it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cms_build.api import dates
from cms_build.api import Traced

UNIT = "tCO2e"

# -- offset types ----------------------------------------------------------------------
# Project types of D.8.2.5 (removal, note: afforestation, CCUS, other negative-emission
# types) and D.8.2.6 (destruction: landfill gas, coal-mine methane, agricultural methane
# and other direct destruction; avoidance: renewable and low-emission power, efficiency,
# waste heat and tail-gas recovery, building and transport savings).
CATEGORY_OF_TYPE = {
    "afforestation": "removal",
    "reforestation": "removal",
    "forest_management": "removal",
    "ccus": "removal",
    "other_removal": "removal",
    "landfill_gas": "destruction",
    "coal_mine_methane": "destruction",
    "agricultural_methane": "destruction",
    "industrial_gas_destruction": "destruction",
    "other_destruction": "destruction",
    "renewable_power": "avoidance",
    "low_emission_power": "avoidance",
    "energy_efficiency": "avoidance",
    "waste_heat_recovery": "avoidance",
    "building_energy_saving": "avoidance",
    "transport_energy_saving": "avoidance",
    "fuel_switch": "avoidance",
    "other_avoidance": "avoidance",
}
PROJECT_TYPES = tuple(CATEGORY_OF_TYPE)
CATEGORIES = ("removal", "destruction", "avoidance")

# The kinds of offset D.8.2.4 names: forest carbon sinks, CCUS, voluntary reductions
# (domestic or foreign, one kind). A removal that is neither is a kind of its own.
D824_KIND_OF_TYPE = {
    "afforestation": "forest_sink",
    "reforestation": "forest_sink",
    "forest_management": "forest_sink",
    "ccus": "ccus",
    "other_removal": "other_removal",
}
KIND_BASES = ("d824", "category", "standard")

GRADES = ("Gold", "Silver", "Bronze")  # best first


def category(project_type: str) -> str | None:
    """removal, destruction or avoidance; None for an unknown type."""
    return CATEGORY_OF_TYPE.get(project_type)


def offset_kind(project_type: str, standard: str = "", basis: str = "d824") -> str:
    """The kind of offset a credit is, for counting the kinds a claim combines (D.8.2.4).

    basis "d824" (default): forest_sink, ccus, other_removal, or voluntary_reduction for
    every destruction or avoidance credit, domestic or foreign; "category": removal,
    destruction or avoidance; "standard": the issuing standard (CCER, VCS, ...).
    """
    if basis == "category":
        return category(project_type) or "unknown"
    if basis == "standard":
        return standard or "unknown"
    if project_type in D824_KIND_OF_TYPE:
        return D824_KIND_OF_TYPE[project_type]
    return "voluntary_reduction" if project_type in CATEGORY_OF_TYPE else "unknown"


# -- grade -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Grade:
    grade: str | None  # Gold, Silver, Bronze, or None when no grade can be given
    reason: str

    def as_dict(self) -> dict:
        return {"grade": self.grade, "reason": self.reason}


def credit_grade(
    project_type: str, vintage_year: int | None, achieved_year: int | None, *, standard: str = "", graded_standards=None, silver_years: int = 5
) -> Grade:
    """The certificate grade one credit gives (D.8.2.5, D.8.2.6; reading 3).

    Silver when achieved_year - vintage_year <= silver_years (vintage 2021 for neutrality
    achieved in 2026 is 5 years before: Silver; 2020 is 6: Bronze).
    """
    if graded_standards is not None and standard not in graded_standards:
        return Grade(
            None, f"standard {standard or '?'} is not a national or international emission-reduction standard recognised for grading (D.8.2.5, D.8.2.6)"
        )
    cat = category(project_type)
    if cat is None:
        return Grade(None, f"unknown project type {project_type!r}")
    if cat == "removal":
        return Grade("Gold", f"清除类减排量 removal credit ({project_type}) (D.8.2.5)")
    if vintage_year is None or achieved_year is None:
        return Grade(None, f"{cat} credit without a vintage year or an achievement date: Silver or Bronze cannot be decided (D.8.2.6)")
    age = achieved_year - vintage_year
    if age <= silver_years:
        return Grade(
            "Silver",
            f"{_CAT_ZH.get(cat, cat)}，产生年份 {vintage_year}，早于实现年份 {age} 年（≤ {silver_years}）· "
            f"{cat} credit ({project_type}), vintage {vintage_year}, {age} year(s) before "
            f"{achieved_year} <= {silver_years} (D.8.2.6)",
        )
    return Grade(
        "Bronze",
        f"{_CAT_ZH.get(cat, cat)}，产生年份 {vintage_year}，早于实现年份 {age} 年（> {silver_years}）· "
        f"{cat} credit ({project_type}), vintage {vintage_year}, {age} years before "
        f"{achieved_year} > {silver_years} (D.8.2.6)",
    )


_CAT_ZH = {"avoidance": "避免或减少排放类减排量", "removal": "清除类减排量", "destruction": "销毁类减排量"}


def claim_grade(credits: list[tuple[str, Grade]]) -> Grade:
    """The lowest grade among the credits a claim uses (reading 3).

    credits: (label, Grade) for each credit retired for the claim. A credit without a grade
    leaves the claim without one: a certificate cannot be rated above what it rests on.
    """
    if not credits:
        return Grade(None, "no credits retired for the claim")
    ungraded = [label for label, g in credits if g.grade is None]
    parts = "; ".join(f"{label}: {g.grade or 'no grade'} ({g.reason})" for label, g in credits)
    if ungraded:
        return Grade(None, f"no grade: {', '.join(ungraded)} cannot be graded — {parts}")
    worst = max((g.grade for _, g in credits), key=GRADES.index)
    if len(credits) == 1:
        return Grade(worst, parts)
    return Grade(worst, f"取所用减排量中的最低等级 lowest grade among the credits used — {parts}")


# -- dates -----------------------------------------------------------------------------
def last_valid_day(valid_from: dt.date, years: int = 1) -> dt.date:
    """The latest last valid day a claim valid from `valid_from` may have (reading 1).

    A period starting on 29 February ends on 28 February (its anniversary rolls over to
    1 March in a common year), as cms_build.dates.one_year_less_a_day does for one year.
    """
    if years == 1:
        return dates.one_year_less_a_day(valid_from)
    end = dates.add_years(valid_from, years)
    if valid_from.month == 2 and valid_from.day == 29 and end.day == 28:
        return end  # anniversary is 1 March: the day before is 28 February
    return end - dt.timedelta(days=1)


def correction_deadline(event_date: dt.date, months: int = 3) -> dt.date:
    """The last day a corrective action may take effect (reading 2), month-end clamped."""
    return dates.add_months(event_date, months)


@dataclass
class EventState:
    """Where an invalidating event stands on the as-of date.

    state: "corrected" (a correction took effect by the deadline and by the as-of date),
    "open" (none yet, deadline not passed), "lapsed" (deadline passed without one),
    "not_invalidating" (assessed as not invalidating the claim), "after_validity" (dated
    after the claim's last valid day: there is no validity left to restore).
    """

    event: str
    date: dt.date
    deadline: dt.date | None
    state: str
    corrected_on: dt.date | None = None
    late_corrections: list = field(default_factory=list)  # effective dates after the deadline

    def as_dict(self) -> dict:
        return {
            "event": self.event,
            "date": self.date.isoformat(),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "state": self.state,
            "corrected_on": self.corrected_on.isoformat() if self.corrected_on else None,
            "late_corrections": [d.isoformat() for d in self.late_corrections],
        }


def event_state(
    event: str, date: dt.date, corrections: list[dt.date], as_of: dt.date, *, months: int = 3, invalidates: bool = True, claim_last_day: dt.date | None = None
) -> EventState:
    """The state of one event: corrections are the dates each corrective action took effect."""
    if not invalidates:
        return EventState(event, date, None, "not_invalidating")
    if claim_last_day is not None and date > claim_last_day:
        return EventState(event, date, None, "after_validity")
    deadline = correction_deadline(date, months)
    in_time = sorted(d for d in corrections if d <= deadline and d <= as_of)
    late = sorted(d for d in corrections if d > deadline and d <= as_of)
    if in_time:
        return EventState(event, date, deadline, "corrected", in_time[0], late)
    return EventState(event, date, deadline, "open" if as_of <= deadline else "lapsed", None, late)


# -- status ----------------------------------------------------------------------------
STATUSES = ("draft", "withdrawn", "superseded", "expired", "not_yet_valid", "correction_pending", "expiring", "valid")


@dataclass
class Status:
    status: str
    reason: str
    last_valid_day: dt.date | None = None  # the day validity ends (capped by reading 1)
    deadline: dt.date | None = None  # correction_pending: the correction deadline
    days_left: int | None = None  # valid/expiring/correction_pending: days to last_valid_day
    withdraw_from: dt.date | None = None  # withdrawn because a correction window lapsed

    def as_dict(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "status": self.status,
            "reason": self.reason,
            "last_valid_day": iso(self.last_valid_day),
            "deadline": iso(self.deadline),
            "days_left": self.days_left,
            "withdraw_from": iso(self.withdraw_from),
        }


def effective_last_day(valid_from: dt.date | None, valid_until: dt.date | None, years: int = 1) -> dt.date | None:
    """The claim's last valid day: its own, but never later than reading 1 allows."""
    if valid_from is None:
        return valid_until
    cap = last_valid_day(valid_from, years)
    return cap if valid_until is None or valid_until > cap else valid_until


def claim_status(
    *,
    as_of: dt.date,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    recorded: str = "approved",
    withdrawn_on: dt.date | None = None,
    superseded_on: dt.date | None = None,
    superseded_by: str = "",
    events: list[EventState] = (),
    max_years: int = 1,
    expiring_days: int = 60,
) -> Status:
    """A claim's status on the as-of date.

    Precedence: draft; withdrawn (recorded, or a correction window lapsed while the claim
    was still valid: withdrawn from the day after the deadline, reading 2); superseded (by
    a later claim in force); expired (after the last valid day, capped by reading 1); not
    yet valid; correction pending (an open event: the earliest deadline); expiring (at
    most expiring_days to the last valid day); valid.
    """
    last = effective_last_day(valid_from, valid_until, max_years)
    if recorded == "draft":
        return Status("draft", "草稿，未生效 · the claim is a draft: not in force", last)
    if recorded == "withdrawn" or (withdrawn_on is not None and withdrawn_on <= as_of):
        when = f" on {withdrawn_on.isoformat()}" if withdrawn_on else ""
        return Status("withdrawn", f"已撤回{('于 ' + withdrawn_on.isoformat()) if withdrawn_on else ''} · withdrawn{when}", last)
    lapsed = sorted((e for e in events if e.state == "lapsed"), key=lambda e: e.deadline)
    for e in lapsed:
        start = e.deadline + dt.timedelta(days=1)
        if last is None or start <= last:
            return Status(
                "withdrawn",
                f"事件 {e.event}（{e.date.isoformat()}）未在 {e.deadline.isoformat()} 前采取有效纠正措施，"
                f"声明须自 {start.isoformat()} 起撤回 · "
                f"event {e.event} of {e.date.isoformat()} had no corrective action in "
                f"effect by {e.deadline.isoformat()}: the claim must be withdrawn from "
                f"{start.isoformat()} (D.10)",
                last,
                e.deadline,
                withdraw_from=start,
            )
    if superseded_on is not None and superseded_on <= as_of:
        return Status(
            "superseded",
            f"自 {superseded_on.isoformat()} 起被 {superseded_by or '后续声明'} 替代 · "
            f"superseded by {superseded_by or 'a later claim'} from "
            f"{superseded_on.isoformat()}",
            last,
        )
    if last is None or valid_from is None:
        return Status("draft", "未给出有效期，未生效 · the claim has no validity period: not in force", last)
    if as_of > last:
        return Status("expired", f"已于 {last.isoformat()} 后失效 · expired after {last.isoformat()}", last)
    if as_of < valid_from:
        return Status("not_yet_valid", f"自 {valid_from.isoformat()} 起有效 · valid from {valid_from.isoformat()}", last)
    days_left = (last - as_of).days
    open_events = sorted((e for e in events if e.state == "open"), key=lambda e: e.deadline)
    if open_events:
        e = open_events[0]
        return Status(
            "correction_pending",
            f"事件 {e.event}（{e.date.isoformat()}）的纠正措施须于 {e.deadline.isoformat()} 前生效，"
            f"否则须撤回声明 · "
            f"event {e.event} of {e.date.isoformat()} awaits a corrective action "
            f"in effect by {e.deadline.isoformat()}, else the claim must be "
            f"withdrawn (D.10)",
            last,
            e.deadline,
            days_left,
        )
    if days_left <= expiring_days:
        return Status(
            "expiring",
            f"有效至 {last.isoformat()}，剩余 {days_left} 天 · valid through {last.isoformat()}: {days_left} day(s) left (<= {expiring_days})",
            last,
            None,
            days_left,
        )
    return Status(
        "valid", f"有效期 {valid_from.isoformat()} 至 {last.isoformat()} · valid {valid_from.isoformat()} to {last.isoformat()}", last, None, days_left
    )


# -- balance ---------------------------------------------------------------------------
def balance(footprint: Traced, additions: list[Traced], reductions: list[Traced], retired: list[Traced]) -> dict[str, Traced]:
    """The claim's balance (D.6.5.2.4 c-e, reading 5), every figure traced.

    E = footprint + Σ emissions found after it (events); R = Σ achieved reductions counted
    inside that footprint; B = E - R, what credits must offset; C = Σ credits retired for
    the claim; S = C - B, the surplus (negative: a shortfall).
    """
    emissions = Traced(footprint.value + sum(a.value for a in additions), UNIT, "全链条碳排放 Whole-chain emissions", "E = E_fp + Σ ΔE_event", "D.6.5.2.4 c")
    emissions.step(footprint)
    emissions.steps.extend(additions)
    reduced = Traced(sum(r.value for r in reductions), UNIT, "足迹内已实现减排量 Achieved reductions inside the footprint", "R = Σ R_i", "D.6.5.2.4 d")
    reduced.steps.extend(reductions)
    to_offset = Traced(emissions.value - reduced.value, UNIT, "被抵消排放量 Emissions to offset", "B = E - R", "D.6.5.2.4 e")
    to_offset.step(emissions).step(reduced)
    credits = Traced(sum(c.value for c in retired), UNIT, "为本声明注销的核证减排量 Credits retired for the claim", "C = Σ C_j", "D.6.5.2.4 f")
    credits.steps.extend(retired)
    surplus = Traced(
        credits.value - to_offset.value, UNIT, "余量 Surplus (negative: shortfall)", "S = C - B", "D.8.2.4"
    )  # offsetting covers the balance (our reading 5 of shared/standard/README.md)
    surplus.step(credits).step(to_offset)
    return {"emissions": emissions, "reductions": reduced, "to_offset": to_offset, "retired": credits, "surplus": surplus}


def reduction_share(emissions: Traced, counted: list[Traced], reflected: list[Traced]) -> Traced:
    """Reductions achieved as a share of the original footprint (D.6.1.1 b, D.6.2 a).

    The original footprint is what the subject would have emitted without the reductions:
    E (gross of the reductions counted inside it) + Σ reductions the footprint already
    reflects. share = (Σ counted + Σ reflected) / (E + Σ reflected) × 100 %.
    """
    achieved = sum(r.value for r in counted) + sum(r.value for r in reflected)
    original = emissions.value + sum(r.value for r in reflected)
    share = Traced(
        100.0 * achieved / original if original > 0 else 0.0,
        "%",
        "已实现减排量占原始碳足迹的比例 Reductions as a share of the original footprint",
        "share = (R_in + R_out) / (E + R_out) × 100",
        "D.6.1.1 b",
    )
    share.add("R_in", "足迹内已实现减排量 reductions counted inside the footprint", sum(r.value for r in counted), UNIT)
    share.add("R_out", "足迹已体现的减排量 reductions the footprint already reflects", sum(r.value for r in reflected), UNIT)
    share.add("E", "碳足迹 footprint (with emissions found later)", emissions.value, UNIT)
    share.steps.extend(list(counted) + list(reflected))
    if original <= 0:
        share.notes.append("no original footprint: the share is not defined")
    return share


def covered(surplus: float, tolerance: float = 1e-6) -> bool:
    """Credits cover the balance (floating-point sums are compared with a tiny tolerance)."""
    return surplus >= -tolerance


def reduction_efficiency(counted: list[Traced], reflected: list[Traced], output: float, output_unit: str, output_source: dict | None = None) -> Traced:
    """Carbon-reduction efficiency (D.6.2 b): the reductions achieved in a period per unit of
    the product, service or output value of that period.

    efficiency = (Σ counted + Σ reflected) / Q, in tCO2e per unit of Q. Every achieved reduction
    counts, whether or not the footprint includes it (that choice matters for the balance, not
    for how much was reduced). Q ≤ 0 gives no efficiency (value None, with a note).
    """
    achieved = sum(r.value for r in counted) + sum(r.value for r in reflected)
    value = achieved / output if output > 0 else None
    eff = Traced(value, f"{UNIT}/{output_unit}", "碳减排效率 Carbon-reduction efficiency", "efficiency = (R_in + R_out) / Q", "D.6.2 b")
    eff.add("R_in", "足迹内已实现减排量 reductions counted inside the footprint", sum(r.value for r in counted), UNIT)
    eff.add("R_out", "足迹已体现的减排量 reductions the footprint already reflects", sum(r.value for r in reflected), UNIT)
    eff.add("Q", "同期产出 output in the period", output, output_unit, output_source)
    eff.steps.extend(list(counted) + list(reflected))
    if value is None:
        eff.notes.append("no output in the period: the efficiency is not defined")
    return eff

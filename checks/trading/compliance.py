"""The compliance position of one ETS obligation (8.2.2 c, B.8.2.3 b).

Figures, all in tonnes (one allowance or one CCER = 1 tCO2e):

    due         D  = the amount due: stated by the authority, or Σ verified emissions of the years
    CCER limit  Lc = s × D, s the CCER share (5 % by default; order 19 Art. 29)
    surrendered S  = A + min(C, Lc)   allowances A plus CCER C counted up to the limit
                     (CCER above the limit do not count towards compliance)
    remaining   R  = max(0, D − S)
    cover       V  = eligible allowances held and unencumbered
                     + min(CCER held, max(0, Lc − C))
    position    P  = S + V − D        (open obligation: before or on the deadline)
                P  = S − D            (closed obligation: after the deadline holdings no longer
                                       help; surrenders after the deadline count but are late)
    value       P × price             (surplus if P ≥ 0, shortfall if P < 0)

Pure: numbers in, Traced out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cms_build.api import Traced


@dataclass
class Surrendered:
    day: dt.date
    quantity: int
    is_ccer: bool
    source: dict = field(default_factory=dict)


def eligible_vintage(vintage, eligible, years) -> bool:
    """Whether allowances of `vintage` may be surrendered for an obligation of `years`: one of
    its eligible_vintages when it lists them, else any vintage up to the period's last year
    (ets_compliance.eligible_vintages). An item without a vintage is not judged (True)."""
    if not isinstance(vintage, int) or isinstance(vintage, bool):
        return True
    if eligible:
        return vintage in eligible
    last = max((y for y in years or [] if isinstance(y, int)), default=None)
    return last is None or vintage <= last


def due_amount(emissions: list[tuple[int, float, dict]], stated: int | None = None, stated_source: dict | None = None) -> Traced:
    """D: the stated amount due, or the sum of the years' emissions [(year, tCO2, source)]."""
    if stated is not None:
        t = Traced(value=stated, unit="t", label="应清缴量 amount due", formula="D = stated by the authority", method="B.8.2.3 b")
        t.add("D", "通知的应清缴量 amount due as notified", stated, "t", stated_source or {})
        t.notes.append("Σ emissions = " + str(sum(e for _, e, _ in emissions)))
        return t
    t = Traced(value=sum(e for _, e, _ in emissions), unit="t", label="应清缴量 amount due", formula="D = Σ E_year (verified emissions)", method="B.8.2.3 b")
    for year, value, source in emissions:
        t.add(f"E_{year}", f"{year} 年排放量 emissions {year}", value, "tCO2", source)
    return t


def position(
    due: float,
    surrendered: list[Surrendered],
    deadline: dt.date,
    as_of: dt.date,
    ccer_share: float,
    allowances_held: int = 0,
    ccer_held: int = 0,
    price: float | None = None,
    price_source: dict | None = None,
    share_source: dict | None = None,
) -> dict:
    """Every figure of the position as Traced dicts, plus the flags the rules read."""
    upto = [s for s in surrendered if s.day <= as_of]
    on_time = [s for s in upto if s.day <= deadline]
    late = [s for s in upto if s.day > deadline]
    closed = as_of > deadline
    counted = upto

    a = sum(s.quantity for s in counted if not s.is_ccer)
    c = sum(s.quantity for s in counted if s.is_ccer)
    limit = Traced(value=round(ccer_share * due, 6), unit="t", label="CCER 抵消上限 CCER limit", formula="Lc = s × D", method="B.8.2.3 b")
    limit.add("s", "CCER 比例上限 CCER share", ccer_share, "1", share_source or {})
    limit.add("D", "应清缴量 amount due", due, "t")
    c_counted = min(c, limit.value)
    s_total = Traced(value=a + c_counted, unit="t", label="已清缴（计入）surrendered, counted", formula="S = A + min(C, Lc)", method="B.8.2.3 b")
    s_total.add("A", "清缴配额 allowances surrendered", a, "t")
    s_total.add("C", "清缴 CCER CCER surrendered", c, "t")
    s_total.add("Lc", "CCER 上限 CCER limit", limit.value, "t")
    if late:
        s_total.notes.append(f"{sum(x.quantity for x in late)} t surrendered after the deadline {deadline.isoformat()} (late)")
    remaining = Traced(value=max(0.0, due - s_total.value), unit="t", label="尚需清缴 remaining", formula="R = max(0, D − S)")
    remaining.add("D", "应清缴量 amount due", due, "t")
    remaining.add("S", "已清缴（计入） surrendered, counted", s_total.value, "t")

    if closed:
        cover_value = 0.0
        cover = Traced(value=0.0, unit="t", label="可用于清缴的持有量 cover", formula="V = 0 (obligation closed)")
    else:
        ccer_room = max(0.0, limit.value - c)
        cover_value = allowances_held + min(ccer_held, ccer_room)
        cover = Traced(value=cover_value, unit="t", label="可用于清缴的持有量 cover", formula="V = H_a + min(H_c, max(0, Lc − C))")
        cover.add("H_a", "可用配额持有量 eligible allowances held, unencumbered", allowances_held, "t")
        cover.add("H_c", "CCER 持有量 CCER held", ccer_held, "t")
        cover.add("Lc − C", "CCER 剩余额度 CCER room left", ccer_room, "t")
    pos = Traced(
        value=s_total.value + cover_value - due, unit="t", label="履约头寸 position (surplus + / shortfall −)", formula="P = S + V − D", method="B.8.2.3 b"
    )
    pos.add("S", "已清缴（计入） surrendered, counted", s_total.value, "t")
    pos.add("V", "可用持有量 cover", cover_value, "t")
    pos.add("D", "应清缴量 amount due", due, "t")
    value = None
    if price is not None:
        value = Traced(value=round(pos.value * price, 2), unit="CNY", label="头寸估值 value of the position", formula="P × price", method="G.2, G.3")
        value.add("P", "履约头寸 position", pos.value, "t")
        value.add("price", "估值价格 price", price, "CNY/t", price_source or {})
    return {
        "closed": closed,
        "deadline": deadline.isoformat(),
        "due": due,
        "ccer_limit": limit.as_dict(),
        "surrendered": s_total.as_dict(),
        "remaining": remaining.as_dict(),
        "cover": cover.as_dict(),
        "position": pos.as_dict(),
        "value": value.as_dict() if value else None,
        "allowances_surrendered": a,
        "ccer_surrendered": c,
        "ccer_over_limit": max(0.0, c - limit.value),
        "late": [{"date": s.day.isoformat(), "quantity": s.quantity, "source": s.source} for s in late],
        "on_time": sum(s.quantity for s in on_time),
        "short": s_total.value < due,
    }

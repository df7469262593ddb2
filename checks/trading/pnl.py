"""Trade profit and loss per product and period (B.9 trading performance; G.2/G.3 gains and
losses from secondary-market trading).

Each asset (market, product, vintage) of the organization is one cost pool:
- allocation adds units at zero cost (free allowances are not recognized at a cost:
  MOF, 碳排放权交易有关会计处理暂行规定, 财会〔2019〕22号);
- a purchase adds units at price × quantity + fees;
- a sale removes units at their cost, and realizes
      P&L = price × quantity − fees − cost of the units sold;
- a surrender or retirement removes units at their cost (a compliance cost, not P&L).

The cost of units removed is their moving weighted average cost, or first-in-first-out
(setting trading.cost_method). Units removed beyond what the pool holds (e.g. units held
from before the ledger starts, or borrowed units sold) have no known cost: they are costed
at zero and the result says so in a note.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from dataclasses import dataclass, field

from cms_build.api import Traced

from .rows import Asset


@dataclass
class PoolEvent:
    asset: Asset
    day: dt.date
    kind: str  # allocation | purchase | sale | surrender | retirement
    quantity: int  # positive
    price: float = 0.0
    fees: float = 0.0
    source: dict = field(default_factory=dict)
    order: tuple = ()
    label: str = ""


class _Pool:
    def __init__(self, method: str):
        self.method = method
        self.qty = 0
        self.cost = 0.0
        self.lots: deque = deque()  # [qty, unit cost] for fifo

    def add(self, qty: int, cost: float) -> None:
        self.qty += qty
        self.cost += cost
        if self.method == "fifo":
            self.lots.append([qty, cost / qty if qty else 0.0])

    def remove(self, qty: int) -> tuple[float, int]:
        """(cost of the units removed, units without a known cost)."""
        known = min(qty, self.qty)
        if known <= 0:
            return 0.0, qty
        if self.method == "fifo":
            cost, left = 0.0, known
            while left:
                lot = self.lots[0]
                take = min(left, lot[0])
                cost += take * lot[1]
                lot[0] -= take
                left -= take
                if not lot[0]:
                    self.lots.popleft()
        else:
            cost = self.cost * known / self.qty
        self.qty -= known
        self.cost -= cost
        if self.qty == 0:
            self.cost = 0.0
        return cost, qty - known


def pnl(events: list[PoolEvent], method: str = "moving_average") -> dict:
    """Realized P&L per sale, per product and year, and each pool's closing quantity and cost.

    Returns {"sales": [{"asset", "date", "quantity", "record", "source",
                        "value": {"proceeds", "cost", "pnl": Traced}}], "by_product": {"<market>:<product>": {"<year>": Traced dict}},
             "pools": {asset key: {"quantity", "cost", "average"}}, "compliance_cost": {...}}.
    """
    pools: dict[Asset, _Pool] = {}
    sales: list[dict] = []
    per: dict[tuple, list[Traced]] = defaultdict(list)
    compliance_cost: dict[tuple, float] = defaultdict(float)
    for ev in sorted(events, key=lambda e: (e.day, e.order, 0 if e.kind in ("allocation", "purchase") else 1)):
        pool = pools.setdefault(ev.asset, _Pool(method))
        if ev.kind == "allocation":
            pool.add(ev.quantity, 0.0)
        elif ev.kind == "purchase":
            pool.add(ev.quantity, ev.price * ev.quantity + ev.fees)
        elif ev.kind == "sale":
            cost, unknown = pool.remove(ev.quantity)
            proceeds = ev.price * ev.quantity - ev.fees
            t = Traced(
                value=round(proceeds - cost, 2), unit="CNY", label=f"{ev.asset.key} {ev.label}".strip(), formula="P&L = price × q − fees − cost", method="B.9"
            )
            t.add("price", "成交价 price", ev.price, "CNY/t", ev.source)
            t.add("q", "数量 quantity", ev.quantity, "t", ev.source)
            t.add("fees", "手续费 fees", ev.fees, "CNY", ev.source)
            t.add("cost", f"成本（{method}）cost ({method})", round(cost, 2), "CNY")
            if unknown:
                t.notes.append(f"{unknown} t sold beyond the units recorded in the pool: costed at zero")
            # money figures under "value": a public build blanks the value of a row from an unpublished record
            sales.append(
                {
                    "asset": ev.asset.key,
                    "date": ev.day.isoformat(),
                    "quantity": ev.quantity,
                    "record": ev.source.get("record"),
                    "source": ev.source,
                    "value": {"proceeds": round(proceeds, 2), "cost": round(cost, 2), "pnl": t.as_dict()},
                }
            )
            per[(f"{ev.asset.market}:{ev.asset.product}", ev.day.year)].append(t)
        elif ev.kind in ("surrender", "retirement"):
            cost, _ = pool.remove(ev.quantity)
            compliance_cost[(ev.asset.key, ev.day.year)] += cost
    by_product: dict[str, dict] = defaultdict(dict)
    for (product, year), parts in sorted(per.items()):
        total = Traced(
            value=round(sum(p.value for p in parts), 2),
            unit="CNY",
            label=f"{product} {year} 已实现损益 realized P&L",
            formula="Σ P&L of the sales",
            method="B.9",
        )
        total.steps.extend(parts)
        by_product[product][str(year)] = total.as_dict()
    return {
        "method": method,
        "sales": sales,
        "by_product": dict(by_product),
        "pools": {
            a.key: {"quantity": p.qty, "cost": round(p.cost, 2), "average": round(p.cost / p.qty, 4) if p.qty else None}
            for a, p in sorted(pools.items(), key=lambda kv: kv[0].key)
        },
        "compliance_cost": {f"{k}|{y}": round(v, 2) for (k, y), v in sorted(compliance_cost.items())},
    }

"""Performance of the neutrality subsystem from the two angles of D.9.

D.9: 碳管理体系……其最终目的是使组织能够以最低成本实现碳减排及碳中和目标，这是碳管理绩效评价的一项重要
指标。宜从其对社会的贡献、本身履约成本两个角度来进行绩效评价。

The computation "neutrality_performance" (after "neutrality" and "assets") gives, for each claim
issued and not withdrawn (recorded status approved, or superseded by a claim of another period: a
claim re-validated for the same period is counted once, as the later claim) and for each year (the
year the claim period ends):

- contribution (对社会的贡献, tCO2e): what the claims took out of the atmosphere's account, the
  achieved reductions inside their footprint plus the credits retired for them (the claim balance
  of "neutrality": reductions + retired);
- credit cost (本身履约成本 of neutrality, CNY): each retirement for the claim at its credit's
  purchase price per tonne (offset_credit.purchase.price, CNY only: no currency is converted; a
  retirement of a credit without a CNY price leaves the cost unknown, never zero);
- per year beside it, the ETS compliance cost the assets domain computes (assets.pnl.compliance_cost:
  units surrendered or retired in that year at their pool cost, checks/trading/pnl.py), and the
  total cost of the year: credit cost + ETS compliance cost;
- cost per tonne: credit cost / contribution (CNY per tCO2e neutralised).

D.9 says 宜 (should): the figures are evidence for the management review's "performance of the
neutrality subsystem" (D.9.4 a); no rule judges them.
"""

from __future__ import annotations

from cms_build.api import Traced, computation, record_source

from . import credit_records
from .results import NeutralityPerformanceResult

METHOD = "D.9"


def _num(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def contribution(label: str, reductions: float, retired: float, source: dict | None = None) -> Traced:
    """Contribution of one claim: achieved reductions + credits retired (tCO2e)."""
    t = Traced(value=round(reductions + retired, 4), unit="tCO2e", label=label, formula="contribution = reductions + retired", method=METHOD)
    t.add("reductions", "已实现减排量 achieved reductions", reductions, "tCO2e", source)
    t.add("retired", "为声明注销的减排量 credits retired for the claim", retired, "tCO2e", source)
    return t


def credit_cost(label: str, parts: list[tuple[str, float, float | None, dict]]) -> Traced | None:
    """Σ quantity × price per tonne of the retirements: parts are (what, quantity t, price CNY/t or
    None, source of the price). None when a price is unknown (a cost is never guessed)."""
    if not parts or any(price is None for _, _, price, _ in parts):
        return None
    t = Traced(value=round(sum(q * p for _, q, p, _ in parts if p is not None), 2), unit="CNY", label=label, formula="Σ quantity × price", method=METHOD)
    for i, (what, q, p, source) in enumerate(parts, 1):
        t.add(f"q{i}", f"{what} 注销量 retired", q, "t", source)
        t.add(f"p{i}", f"{what} 单价 price per tonne", p, "CNY/t", source)
    return t


def ratio(label: str, cost: Traced | None, tonnes: Traced) -> Traced | None:
    if cost is None or not tonnes.value:
        return None
    t = Traced(value=round(cost.value / tonnes.value, 2), unit="CNY/tCO2e", label=label, formula="cost per tonne = cost / contribution", method=METHOD)
    t.add("cost", "成本 cost", cost.value, "CNY", {"step": cost.label})
    t.add("contribution", "贡献 contribution", tonnes.value, "tCO2e", {"step": tonnes.label})
    t.step(cost).step(tonnes)
    return t


def total(label: str, parts: list[Traced | None], unit: str, formula: str) -> Traced | None:
    """The sum of traced parts; None when any is unknown."""
    if not parts or any(p is None for p in parts):
        return None
    known = [p for p in parts if p is not None]
    t = Traced(value=round(sum(p.value for p in known), 4 if unit == "tCO2e" else 2), unit=unit, label=label, formula=formula, method=METHOD)
    for i, p in enumerate(known, 1):
        t.add(f"x{i}", p.label, p.value, unit, {"step": p.label})
        t.step(p)
    return t


def _price(credit) -> float | None:
    return credit_records.read(credit).price_cny if credit is not None else None


def _ets_cost(year: int, compliance_cost: dict) -> Traced | None:
    """The assets domain's compliance cost of the year: Σ of assets.pnl.compliance_cost['<asset>|<year>']."""
    keys = sorted(k for k in compliance_cost if isinstance(k, str) and k.rsplit("|", 1)[-1] == str(year))
    t = Traced(
        value=round(sum(_num(compliance_cost[k]) or 0.0 for k in keys), 2),
        unit="CNY",
        label=f"{year} 碳排放权交易履约成本 ETS compliance cost",
        formula="Σ assets.pnl.compliance_cost of the year",
        method=METHOD,
    )
    for i, k in enumerate(keys, 1):
        t.add(f"c{i}", f"assets.pnl.compliance_cost[{k}]", _num(compliance_cost[k]), "CNY")
    if not keys:
        t.notes.append("no surrender or retirement at cost in the assets ledger this year")
    return t


@computation(
    "neutrality_performance",
    title="碳中和绩效：贡献与履约成本 Neutrality performance: contribution and cost",
    clauses=["D.9 s2"],
    after=["neutrality", "assets"],
    subsystem="D",
)
def neutrality_performance(ctx):
    claims = (ctx.results.get("neutrality") or {}).get("claims") or {}
    pnl = (ctx.results.get("assets") or {}).get("pnl") or {}
    compliance_cost = pnl.get("compliance_cost") or {}
    out_claims: dict[str, dict] = {}
    per_year: dict[int, list] = {}
    for cid in sorted(claims):
        record = ctx.get(cid)
        res = claims[cid]
        end = ((res.get("period") or {}).get("end") or "")[:4]
        if record is None or record.status not in ("approved", "superseded") or not end.isdigit():
            continue
        later = claims.get(res.get("superseded_by") or "") or {}
        if record.status == "superseded" and later.get("period") == res.get("period"):
            continue  # re-validated for the same period: the later claim counts it
        balance = res.get("balance") or {}
        reductions = _num((balance.get("reductions") or {}).get("value")) or 0.0
        retired = _num((balance.get("retired") or {}).get("value")) or 0.0
        given = contribution(f"{cid} 贡献 contribution", reductions, retired, record_source(record))
        parts = []
        for r in res.get("retirements") or []:
            credit = ctx.get(r.get("credit")) if isinstance(r.get("credit"), str) else None
            q = _num(r.get("quantity"))
            if credit is None or q is None:
                continue
            parts.append((f"{credit.id}[{r.get('index')}]", q, _price(credit), record_source(credit, ("purchase", "price"))))
        cost = credit_cost(f"{cid} 减排量成本 credit cost", parts)
        out_claims[cid] = {
            "record": cid,
            "year": int(end),
            "contribution": given.as_dict(),
            "credit_cost": cost.as_dict() if cost else None,
            "cost_per_tonne": (lambda t: t.as_dict() if t else None)(ratio(f"{cid} 每吨成本 cost per tonne", cost, given)),
        }
        per_year.setdefault(int(end), []).append((cid, given, cost))
    years = {}
    for year, rows in sorted(per_year.items()):
        given_y = total(f"{year} 贡献 contribution", [g for _, g, _ in rows], "tCO2e", "Σ contribution of the claims")
        cost_y = total(f"{year} 减排量成本 credit cost", [c for _, _, c in rows], "CNY", "Σ credit cost of the claims")
        ets = _ets_cost(year, compliance_cost)
        all_cost = total(f"{year} 总成本 total cost", [cost_y, ets], "CNY", "credit cost + ETS compliance cost")
        years[str(year)] = {
            "year": year,
            "claims": [cid for cid, _, _ in rows],
            "contribution": given_y.as_dict() if given_y else None,
            "credit_cost": cost_y.as_dict() if cost_y else None,
            "ets_compliance_cost": ets.as_dict() if ets else None,
            "total_cost": all_cost.as_dict() if all_cost else None,
            "cost_per_tonne": (lambda t: t.as_dict() if t else None)(ratio(f"{year} 每吨成本 cost per tonne", cost_y, given_y) if given_y else None),
        }
    return NeutralityPerformanceResult.model_validate({"as_of": ctx.as_of.isoformat(), "claims": out_claims, "years": years})

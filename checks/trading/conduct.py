"""Conduct surveillance of B.8.2.2.1 a-l across all the organization's accounts.

The detections run in the "trading" computation (checks/trading/conduct_scan.py) over
every ledger at once; the rules below report its hits, one rule per kind of hit. All share
one shape (a hit is a located finding), so they are rows of a table, not copies of a
function. The computation "surveillance" assembles the per-item table the site and
`cms export` show: for each item what was checked, on which data, with which parameters,
every hit, and what could not be checked for lack of data.
"""

from __future__ import annotations

from cms_build.api import check, computation
from . import conduct_scan as conduct
from . import records as trc
from .results import SurveillanceResult

# rule id -> (title, clause, severity, hint, documentation)
HIT_RULES = {
    "trading.wash-trade": (
        "不自买自卖、不在控制的账户间对倒 No self-trades or trades between controlled accounts",
        "B.8.2.2.1 a",
        "error",
        "move units between own accounts as transfers, never as trades; if the two trades had different true "
        "counterparties, record counterparty_account from the exchange's confirmations",
        "B.8.2.2.1 a: no buying from and selling to oneself, nor trading between accounts the organization "
        "controls. Without counterparty numbers (exports usually lack them), a buy and a sell of one product by "
        "controlled accounts (the same one included) at most trading.wash_window_seconds apart (default 60), at "
        "the same price and quantity (wash_price_tolerance, wash_quantity_tolerance, default 0) are such a pair. "
        "Trades without a time are not matched; the surveillance table counts them.",
    ),
    "trading.price-off-latest": (
        "申报价格不明显偏离最新成交价 Orders not markedly off the latest traded price",
        "B.8.2.2.1 b",
        "warning",
        "record why the order was priced so (B.9.1); a large or repeated order far from the market may mislead other traders",
        "B.8.2.2.1 b: no large, continuous or intensive orders at prices markedly off the latest traded price at "
        "the time of the order. The latest traded price is the newer of the organization's last trade of the "
        "product before the order and the previous trading day's close (market_price), no older than "
        "trading.latest_price_max_age_trading_days (default 1); older or missing prices leave the order "
        "unassessed (counted in the surveillance table, never passed as fine). A listed order more than "
        "order_price_deviation_max (default 5 %) off it, of at least large_order_t (default 10,000 t) or one of "
        "at least intensive_orders_min (3) orders of one account, product and side within "
        "intensive_window_seconds (300), is reported. Block agreement orders are item h.",
    ),
    "trading.loss-round-trips": (
        "不多次高买低卖 No repeated buying high and selling low",
        "B.8.2.2.1 c",
        "warning",
        "record the business reason for each round trip (B.9.1); repeated round trips at a loss may mislead other traders",
        "B.8.2.2.1 c: no large or repeated buying high and selling low. A buy followed within "
        "trading.loss_round_trip_window_minutes (default 30) by a sale of the same product at a lower price (or a "
        "sale then a buy-back higher), in the controlled accounts taken together, is a round trip at a loss; a "
        "product with at least loss_round_trip_min_count (default 2) on one day is reported, each round trip.",
    ),
    "trading.order-burst": (
        "不以程序快速批量下单 No programmatic or rapid bulk ordering",
        "B.8.2.2.1 e",
        "warning",
        "check whether a program placed the orders and whether the exchange allows it; record the review (B.9.1)",
        "B.8.2.2.1 e: no automatic bulk or rapid ordering by computer programs that may affect the exchange's "
        "systems or order. An account placing more than trading.burst_orders_per_second_max (default 3) orders "
        "within one second or more than burst_orders_per_minute_max (default 20) within 60 seconds is reported, "
        "once per account and day, from the order times.",
    ),
    "trading.closing-window": (
        "不在收盘价形成时段影响收盘价 No moving the close in the closing window",
        "B.8.2.2.1 f",
        "warning",
        "record why a large order was placed just before the close (B.9.1)",
        "B.8.2.2.1 f: no pushing up, pressing down or holding the closing or a reference price at the time it is "
        "computed. A listed order (or a trade without its order) of at least trading.closing_window_min_t (default "
        "10,000 t) within closing_window_minutes (default 15) before close_time (default 15:00), both per exchange "
        "in trading.exchanges, is reported.",
    ),
    "trading.market-statement-unverified": (
        "涉市场信息发布前经核实 Market statements checked before release",
        "B.8.2.2.1 g",
        "warning",
        "have the statement checked against its basis records before release and set verified_by and verified_on",
        "B.8.2.2.1 g: no fabricating or spreading false information that affects prices or misleads. A "
        "market_statement of the organization that was not checked before release (verified_on on or before its "
        "date), within trading.statement_window_trading_days (default 3) of the organization's own trades in a "
        "product it is about, is reported.",
    ),
    "trading.market-statement-corrected": (
        "不在不实信息前后交易 No trading around an untrue statement",
        "B.8.2.2.1 g",
        "error",
        "investigate the statement and the trades as a nonconformity (10.2) and report as the exchange requires",
        "B.8.2.2.1 g: a market_statement later corrected as untrue or misleading (corrected_on), within "
        "trading.statement_window_trading_days of the organization's trades in its products, is an error.",
    ),
    "trading.block-declared-vs-executed": (
        "大宗协议与单向竞价申报与成交一致 Block and auction declarations match their execution",
        "B.8.2.2.1 h",
        "error",
        "correct the declaration or the ledger; a declaration whose terms were not those executed is a false declaration",
        "B.8.2.2.1 h: no false or disorderly declarations in block agreement trades and one-way auctions. A "
        "block order whose trades differ from its declared (filled) quantity or price, a block_declaration "
        "recorded as executed without a trade in the ledgers, or whose trades differ from it (block: the same "
        "quantity and price; one-way auction: at most the declared quantity, never beyond the limit price), is "
        "reported.",
    ),
    "trading.block-withdrawn": (
        "不随意撤回大宗或单向竞价申报 Block and auction declarations not withdrawn at will",
        "B.8.2.2.1 h",
        "warning",
        "record the reason for each withdrawal in the block_declaration",
        "B.8.2.2.1 h: a block or one-way auction declaration withdrawn without a recorded reason, and more "
        "withdrawals in a year than trading.block_withdrawals_max (default 2; cancelled block orders that no "
        "declaration explains count too), are reported.",
    ),
    "trading.side-agreement": (
        "不以补充协议掩盖交易实质 No side agreements hiding the substance of trades",
        "B.8.2.2.1 j",
        "error",
        "book the arrangement as what it is (a financing_contract) or disclose it to the exchange or authority",
        "B.8.2.2.1 j: no supplementary agreements that hide an unlawful purpose or evade supervision. A "
        "side_agreement whose terms make trades in substance a financing or a nominee holding (buy-back, "
        "guaranteed price, return swap, nominee holding, financing), while the trades stay booked as purchases "
        "and sales and the agreement was disclosed to no one, is an error.",
    ),
    "trading.repo-booked-as-sale": (
        "卖出回购不记为买卖 A repo is not booked as a sale",
        "B.8.2.2.1 j",
        "warning",
        "remove the sale (the financing_contract moves the units) or link it to the repo and explain",
        "B.8.2.2.1 j, B.8.2.2.4 a: a sale from the account of a repo (financing_contract type repo) on its start "
        "day of the same product and quantity books the repo's first leg as a sale, hiding a financing.",
    ),
    "trading.insider-trade": (
        "不利用内幕信息交易 No trading on inside information",
        "B.8.2.2.1 k",
        "error",
        "suspend the insiders' trading until disclosure; investigate the trade as a nonconformity (10.2)",
        "B.8.2.2.1 k: no trading on inside information or letting others do so. A trade in a product of an "
        "inside_information record, from the day it became known until trading.insider_days_after_disclosure "
        "(default 1) trading days after its disclosure (or still undisclosed), by an account whose controller in "
        "office is an insider (a listed person or a holder of a listed role) or that is itself listed, is an "
        "error.",
    ),
    "trading.conduct-pattern": (
        "组织自定义的交易行为模式 Organization-defined conduct patterns",
        "B.8.2.2.1 l",
        "warning",
        "review the rows against the rule the pattern cites and record the outcome (B.9.1)",
        "B.8.2.2.1 l: other conduct the exchange's rules or the organization's procedures forbid, as patterns in "
        "trading.conduct_patterns (rows, side, status, trade type, product, size, time of day, fewest count in a "
        "window); each run found is reported at the pattern's severity.",
    ),
}


def _make(rule_id: str, title: str, clause: str, severity: str, hint: str, doc: str):
    def fn(ctx):
        for hit in _hits(ctx, rule_id):
            yield trc.issue_at(ctx, hit.get("source"), hit.get("text", ""), hint=hint, severity=hit.get("severity"))

    fn.__doc__ = doc
    fn.__name__ = rule_id.split(".", 1)[1].replace("-", "_")
    return check(rule_id, title=title, clauses=[clause], severity=severity)(fn)


def _hits(ctx, rule_id: str) -> list:
    res = ctx.results.get("trading")
    items = ((res or {}).get("conduct") or {}) if isinstance(res, dict) else {}
    return [h for item in items.values() for h in item.get("hits", []) if h.get("rule") == rule_id]


for _rid, _meta in HIT_RULES.items():
    globals()["rule_" + _rid.split(".", 1)[1].replace("-", "_")] = _make(_rid, *_meta)


# -- the surveillance table ---------------------------------------------------------------
# hits of rules that live in checks/trading/compute.py, as the table shows them
_LEGACY = {
    "self_trades": ("a", "trading.self-trade"),
    "price_band": ("b", "trading.price-out-of-band"),
    "cancel_ratios": ("c", "trading.cancel-ratio"),
    "reverse_pairs": ("d", "trading.reverse-trades"),
    "type_mismatch": ("l", "trading.order-type-mismatch"),
}


@computation("surveillance", title="交易行为监测表 Conduct surveillance per item of B.8.2.2.1", clauses=["B.8.2.2.1", "B.9.1"], after=["trading", "assets"])
def surveillance(ctx):
    """Per item a-l: its rules, parameters (settings in force), the data read, whether it
    could be checked and why not, and every hit; per ledger and year, the hits that touch
    it. Item i takes its hits from the asset ledger (checks/assets/compute.py)."""
    res = ctx.results.get("trading")
    if not isinstance(res, dict):
        return None
    found = res.get("conduct") or {}
    assets = ctx.results.get("assets") if isinstance(ctx.results.get("assets"), dict) else {}
    items = {}
    for letter in conduct.ITEMS:
        got = dict(found.get(letter) or {})
        hits = list(got.get("hits") or [])
        for key, (item, rule) in _LEGACY.items():
            if item != letter:
                continue
            for row in res.get(key) or []:
                if key == "cancel_ratios" and not row.get("flagged"):
                    continue
                src = row.get("source") or (row.get("sources") or [{}])[0]
                hits.append(
                    {
                        "item": letter,
                        "rule": rule,
                        "date": row.get("date") or (row.get("value") or {}).get("second", {}).get("date"),
                        "ledgers": [src.get("record")] if src.get("record") else [],
                        "record": src.get("record"),
                        "source": src,
                        "ids": [x for x in (row.get("trade_id"), row.get("id")) if x],
                        "text": _legacy_text(key, row),
                    }
                )
        if letter == "i":
            enc = [p for p in (assets or {}).get("problems") or [] if p.get("type") == "encumbered"]
            n_co = len([r for r in ctx.records("co_ownership") if trc.active(r)])
            got = {
                "checked": assets is not None and bool(assets),
                "why_not": None if assets else "no asset ledger computed",
                "data": {
                    "co_ownerships": n_co,
                    "pledges": len([r for r in ctx.records("financing_contract") if r.get("type") == "pledge"]),
                    "holding_statements": len(ctx.records("holding_statement")),
                },
            }
            hits += [
                {
                    "item": "i",
                    "rule": "trading.encumbered-asset-traded",
                    "date": p.get("date"),
                    "ledgers": [p["source"].get("record")] if (p.get("source") or {}).get("csv") else [],
                    "record": (p.get("source") or {}).get("record"),
                    "source": p.get("source"),
                    "ids": [],
                    "text": f"{p.get('movement')} of {p.get('quantity')} t {p.get('asset')} on {p.get('date')} needs "
                    f"units pledged, frozen or co-owned in account {p.get('account')}",
                }
                for p in enc
            ]
        items[letter] = {
            "clause": f"B.8.2.2.1 {letter}",
            "rules": conduct.RULES[letter],
            "parameters": {n: trc.setting(ctx, n) for n in conduct.PARAMETERS[letter]},
            "data_needed": conduct.DATA[letter],
            "checked": bool(got.get("checked")),
            "why_not": got.get("why_not"),
            "note": got.get("note"),
            "data": got.get("data") or {},
            "hits": sorted(hits, key=lambda h: (str(h.get("date")), str(h.get("rule")))),
        }
    ledgers = {}
    for rec in ctx.records("trade_ledger"):
        p = rec.get("period") or {}
        years = sorted({d.year for d in (trc.day(p.get("start")), trc.day(p.get("end"))) if d})
        years = list(range(years[0], years[-1] + 1)) if years else []
        ledgers[rec.id] = {"account": rec.get("account"), "years": years}
    # B.8.2.2.1 a-l per ledger and year, as the site's surveillance pages show it: in the result,
    # so that `cms export` carries it without naming this computation (issue 13, section 2)
    by_ledger = conduct.by_ledger_year({"items": items, "ledgers": ledgers})
    return SurveillanceResult.model_validate({"items": items, "ledgers": ledgers, "by_ledger_year": by_ledger})


def _legacy_text(key: str, row: dict) -> str:
    if key == "self_trades":
        return f"trade {row['trade_id']} of {row['date']} on account {row['account']}: counterparty is own account {row['counterparty']}"
    if key == "price_band":
        return f"{row['what']} {row['id']} of {row['date']} outside the {row['class']} band ±{row['band']:.0%} of the previous close"
    if key == "cancel_ratios":
        return f"account {row['account']} cancelled {row['cancelled']} of {row['placed']} orders on {row['date']}"
    if key == "reverse_pairs":
        v = row.get("value") or {}
        return (
            f"{(v.get('second') or {}).get('trade_id')} on {(v.get('second') or {}).get('date')} reverses "
            f"{(v.get('first') or {}).get('trade_id')} of {(v.get('first') or {}).get('date')} ({row['asset']})"
        )
    if key == "type_mismatch":
        return f"{row['what']} {row['id']} of {row['date']} declared {row['declared']} but is a {row['class']} order"
    return ""

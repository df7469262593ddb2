"""The conduct surveillance of B.8.2.2.1 a-l over every ledger of the organization at once.

checks/trading/compute.py reads the ledgers once and hands this module plain rows of all the
organization's accounts; `detect` runs one detection per item and returns, per item, what
was checked, on which data, with which parameters, and every hit. The rules of
checks/trading/conduct.py report the hits; the site and `cms export` show the table
(ctx.results["surveillance"], assembled in checks/trading/conduct.py).

Rows (dicts, built in checks/trading/compute.py):
    trade: id, trade_id, order_id, account, controlled, asset (key), market, product,
           vintage, side, quantity, price, time (datetime or None), day, trade_type,
           exchange, ledger, source
    order: id, order_id, account, controlled, asset, market, product, vintage, side,
           quantity, price, time, day, trade_type, status, filled_quantity, exchange,
           ledger, source
Only rows of accounts the organization controls are surveilled (all rows of its ledgers
are its own; an account marked controlled: false is an affiliate's it does not control).

Every hit is {"item", "rule", "date", "ledgers", "record", "source", "ids", "text",
"value"}: "text" says what was found without prices, "value" holds the figures (prices are
internal), so a public build that blanks the values of unpublished records shows no price.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from . import records as trc
from . import rows as tr
from . import surveillance as sv

ITEMS = "abcdefghijkl"
# item -> rules reporting it (checks/trading/compute.py, checks/trading/conduct.py, checks/assets/rules.py)
RULES = {
    "a": ["trading.self-trade", "trading.wash-trade"],
    "b": ["trading.price-off-latest", "trading.price-out-of-band"],
    "c": ["trading.cancel-ratio", "trading.loss-round-trips"],
    "d": ["trading.reverse-trades"],
    "e": ["trading.order-burst"],
    "f": ["trading.closing-window"],
    "g": ["trading.market-statement-unverified", "trading.market-statement-corrected"],
    "h": ["trading.block-declared-vs-executed", "trading.block-withdrawn"],
    "i": ["trading.encumbered-asset-traded"],
    "j": ["trading.side-agreement", "trading.repo-booked-as-sale"],
    "k": ["trading.insider-trade"],
    "l": ["trading.conduct-pattern", "trading.order-type-mismatch"],
}
PARAMETERS = {
    "a": ["wash_window_seconds", "wash_price_tolerance", "wash_quantity_tolerance", "self_trade_max_count"],
    "b": [
        "order_price_deviation_max",
        "latest_price_max_age_trading_days",
        "large_order_t",
        "intensive_orders_min",
        "intensive_window_seconds",
        "price_band_listed",
        "price_band_block",
        "block_threshold_t",
        "price_tick",
    ],
    "c": ["cancel_ratio_max", "cancel_min_orders", "loss_round_trip_window_minutes", "loss_round_trip_min_count"],
    "d": ["reverse_trade_price_tolerance", "reverse_trade_max_gap_days", "reverse_trade_min_pairs", "closed_days"],
    "e": ["burst_orders_per_second_max", "burst_orders_per_minute_max"],
    "f": ["close_time", "closing_window_minutes", "closing_window_min_t"],
    "g": ["statement_window_trading_days"],
    "h": ["block_withdrawals_max"],
    "i": [],
    "j": [],
    "k": ["insider_days_after_disclosure"],
    "l": ["conduct_patterns", "block_threshold_t"],
}
# what each item reads; the kinds are where the organization records what no exchange export holds
DATA = {
    "a": "trades with times (all controlled accounts); counterparty_account where the export has it",
    "b": "orders (or trades without their order), own earlier trades, market_price closes",
    "c": "orders with status; trades with times",
    "d": "trades (all controlled accounts), trading.closed_days",
    "e": "order times to the second",
    "f": "order and trade times, the exchange's close time",
    "g": "market_statement records, trades",
    "h": "block_declaration records, block orders and their trades",
    "i": "financing_contract pledges, holding_statement frozen lines, co_ownership records, the asset ledger",
    "j": "side_agreement records, financing_contract repos, trades",
    "k": "inside_information records, trading_account controllers, role holders, trades",
    "l": "settings trading.conduct_patterns, orders, trades",
}
# why an organization cannot take these from an exchange (shown when no record exists)
OWN_RECORDS = {
    "g": "exchanges publish no record of what the organization said; record its own statements as market_statement",
    "h": "an order export carries neither the negotiation nor the announcement; record declarations as block_declaration",
    "j": "no exchange data shows side agreements; record the ones signed as side_agreement",
    "k": "insider lists are the organization's own; record inside information and its insiders as inside_information",
}


def _closed(ctx) -> frozenset:
    return frozenset(d for d in (trc.day(x) for x in trc.setting(ctx, "closed_days") or []) if d)


def _hit(item, rule, row, text, value=None, ledgers=None, ids=None, date=None, severity=None, also=()) -> dict:
    """A hit at row's source; `also` are the other rows it rests on (the buy of a wash pair)."""
    src = row["source"] if "source" in row else row
    hit = {
        "item": item,
        "rule": rule,
        "date": date or row.get("day").isoformat(),
        "ledgers": sorted(set(ledgers or [row.get("ledger")]) - {None}),
        "record": src.get("record"),
        "source": src,
        "also": [a for a in also if a],
        "ids": ids or [row.get("id")],
        "text": text,
        "value": value or {},
    }
    if severity:
        hit["severity"] = severity
    return hit


def _prod_match(row, market, product, vintage=None) -> bool:
    return row["market"] == market and row["product"] == product and (vintage is None or row.get("vintage") == vintage)


def detect(ctx, trades: list[dict], orders: list[dict], prices: dict, accts: dict) -> dict:
    """{item: {"checked", "why_not", "data": {...counts}, "hits": [...]}} for a-h, j-l (i is
    assembled from the asset ledger in checks/trading/conduct.py)."""
    closed = _closed(ctx)
    S = lambda n: trc.setting(ctx, n)  # noqa: E731
    figures: dict = {}

    def figure(exchange, name):  # an exchange's figure, read once per run
        if (exchange, name) not in figures:
            figures[(exchange, name)] = trc.exchange_setting(ctx, exchange, name, name)
        return figures[(exchange, name)]

    trades = [t for t in trades if t["controlled"]]
    orders = [o for o in orders if o["controlled"]]
    timed = [t for t in trades if t["time"] is not None]
    out: dict[str, dict] = {}

    # a. self-dealing, without counterparty numbers
    hits = []
    trade_ledger = {t["id"]: t["ledger"] for t in timed}
    for p in sv.wash_pairs(timed, S("wash_window_seconds"), S("wash_price_tolerance"), S("wash_quantity_tolerance")):
        b, s = p["buy"], p["sell"]
        same = p["buy_account"] == p["sell_account"]
        text = (
            f"buy {b['trade_id']} ({p['buy_account']}) and sell {s['trade_id']} ({p['sell_account']}) of "
            f"{s['quantity']} t {p['asset']} {p['seconds_apart']} s apart at the same price and quantity: "
            + ("a trade with itself" if same else "a trade between accounts the organization controls")
        )
        ledgers = [trade_ledger.get(b["trade_id"]), trade_ledger.get(s["trade_id"])]
        hits.append(
            _hit(
                "a",
                "trading.wash-trade",
                {"source": p["source"], "day": dt.date.fromisoformat(s["date"])},
                text,
                {"buy": b, "sell": s},
                ledgers,
                [b["trade_id"], s["trade_id"]],
                also=[p["other"]],
            )
        )
    out["a"] = {
        "checked": bool(timed),
        "why_not": None if timed else "no trade has a time to the second",
        "data": {"trades": len(trades), "trades_with_time": len(timed)},
        "hits": hits,
    }

    # b. orders markedly off the latest traded price (listed class; blocks are item h)
    own = defaultdict(list)
    for t in timed:
        own[t["asset"]].append((t["time"].timestamp(), t["day"], t["price"], t["trade_id"]))
    for v in own.values():
        v.sort()
    ordered = {o["order_id"] for o in orders}
    subjects = [o for o in orders] + [t for t in timed if t.get("order_id") not in ordered]
    subjects = [
        r
        for r in subjects
        if r["time"] is not None
        and r.get("trade_type") in ("listed", None)
        and r["market"] != "derivatives"
        and r["quantity"] < figure(r.get("exchange"), "block_threshold_t")
    ]
    in_run = sv.runs([o for o in subjects if o.get("order_id") and "status" in o], S("intensive_orders_min"), S("intensive_window_seconds"))
    priced = stale = unpriced = 0
    hits = []
    limit, large, age = S("order_price_deviation_max"), S("large_order_t"), S("latest_price_max_age_trading_days")
    series: dict = {}  # asset -> (closes, their days, own trade stamps): built once per asset
    gaps: dict = {}
    for r in subjects:
        if r["asset"] not in series:
            closes = [(d, c) for d, c, _ in trc.closes_for(prices, tr.Asset(r["market"], r["product"], r.get("vintage")))]
            series[r["asset"]] = (closes, [d for d, _ in closes], [o[0] for o in own.get(r["asset"], [])])
        closes, days, stamps = series[r["asset"]]
        ref = sv.latest_price(own.get(r["asset"], []), closes, r["time"], stamps, days)
        if ref is None:
            unpriced += 1
            continue
        if (ref[0], r["day"]) not in gaps:
            gaps[(ref[0], r["day"])] = sv.trading_days_between(ref[0], r["day"], closed)
        if gaps[(ref[0], r["day"])] > age:
            stale += 1
            continue
        priced += 1
        if not ref[1]:
            continue
        dev = abs(sv._d(r["price"]) - sv._d(ref[1])) / sv._d(ref[1])
        big, run = r["quantity"] >= large, r.get("order_id") in in_run and "status" in r
        if dev > sv._d(limit) and (big or run):
            what = "order" if "status" in r else "trade"
            why = " and ".join(x for x, y in (("large", big), ("one of a run of orders", run)) if y)
            hits.append(
                _hit(
                    "b",
                    "trading.price-off-latest",
                    r,
                    f"{what} {r['id']} of {r['day'].isoformat()} ({r['quantity']} t, {why}) is {float(dev):.1%} off the latest traded price ({ref[2]})",
                    {"price": r["price"], "latest": ref[1], "latest_from": ref[2], "deviation": float(dev)},
                )
            )
    out["b"] = {
        "checked": priced > 0,
        "why_not": None if priced else f"no order had a latest traded price within {age} trading day(s): import market data (market_price) or own trades",
        "data": {"assessed": len(subjects), "priced": priced, "stale_price": stale, "no_price": unpriced},
        "hits": hits,
    }

    # c. buying high and selling low (cancellations: trading.cancel-ratio, from the day counts)
    hits = []
    trips = sv.loss_round_trips(timed, S("loss_round_trip_window_minutes"))
    per_day = defaultdict(list)
    for rt in trips:
        per_day[(rt["asset"], rt["date"])].append(rt)
    by_id = {t["id"]: t for t in timed}
    for (asset, day), rts in sorted(per_day.items()):
        if len(rts) < S("loss_round_trip_min_count"):
            continue
        for rt in rts:
            f, s = rt["first"], rt["second"]
            hits.append(
                _hit(
                    "c",
                    "trading.loss-round-trips",
                    {"source": rt["source"], "day": dt.date.fromisoformat(day)},
                    f"{f['side']} {f['trade_id']} then {s['side']} {s['trade_id']} of {asset} {rt['minutes']} min "
                    f"apart at a loss ({len(rts)} such round trips on {day}, accounts {', '.join(rt['accounts'])})",
                    {"first": f, "second": s, "loss": rt["loss"]},
                    [by_id[x]["ledger"] for x in (f["trade_id"], s["trade_id"]) if x in by_id],
                    [f["trade_id"], s["trade_id"]],
                    also=[f.get("source")],
                )
            )
    out["c"] = {
        "checked": bool(orders) or bool(timed),
        "why_not": None if (orders or timed) else "no orders or timed trades",
        "data": {
            "orders": len(orders),
            "cancelled": sum(1 for o in orders if o["status"] == "cancelled"),
            "trades_with_time": len(timed),
            "round_trips_at_a_loss": len(trips),
        },
        "hits": hits,
    }

    # d. next-day reverse trades: paired in checks/trading/compute.py (reverse_pairs), across the controlled accounts
    out["d"] = {"checked": bool(trades), "why_not": None if trades else "no trades in the ledgers", "data": {"trades": len(trades)}, "hits": []}

    # e. bursts
    hits = []
    ledger_of = {o["order_id"]: o["ledger"] for o in orders}
    for b in sv.bursts([o for o in orders if o["time"] is not None], S("burst_orders_per_second_max"), S("burst_orders_per_minute_max")):
        src = b["source"]
        hits.append(
            _hit(
                "e",
                "trading.order-burst",
                {"source": src, "day": dt.date.fromisoformat(b["date"])},
                f"account {b['account']} placed {b['per_minute']} orders within 60 s and {b['per_second']} within "
                f"one second on {b['date']} (from {b['from']}, order {b['first']}; {b['orders']} that day)",
                {k: b[k] for k in ("per_second", "per_minute", "orders")},
                [ledger_of.get(b["first"])],
                [b["first"]],
            )
        )
    out["e"] = {"checked": bool(orders), "why_not": None if orders else "no orders in the ledgers", "data": {"orders": len(orders)}, "hits": hits}

    # f. the closing window
    hits, assessed = [], 0
    min_t = S("closing_window_min_t")
    for r in subjects:
        close, minutes = figure(r.get("exchange"), "close_time"), figure(r.get("exchange"), "closing_window_minutes")
        assessed += 1
        if sv.in_window(r["time"], sv.hhmm(close), minutes) and r["quantity"] >= min_t:
            what = "order" if "status" in r else "trade"
            hits.append(
                _hit(
                    "f",
                    "trading.closing-window",
                    r,
                    f"{what} {r['id']}: {r['side']} {r['quantity']} t at {r['time'].strftime('%H:%M:%S')}, within "
                    f"{minutes} min before the close at {close} on {r['day'].isoformat()}",
                    {"price": r["price"]},
                )
            )
    out["f"] = {"checked": assessed > 0, "why_not": None if assessed else "no listed orders or trades with times", "data": {"assessed": assessed}, "hits": hits}

    out["g"] = _statements(ctx, trades, closed)
    out["h"] = _blocks(ctx, trades, orders)
    out["j"] = _side(ctx, trades)
    out["k"] = _insiders(ctx, trades, accts, closed)

    # l. organization-defined patterns
    hits = []
    patterns = S("conduct_patterns") or []
    for pat in patterns:
        rows = orders if pat.get("rows") == "orders" else trades
        for h in sv.pattern_hits(rows, pat):
            row = h.pop("row")
            hits.append(
                _hit(
                    "l",
                    "trading.conduct-pattern",
                    row,
                    f"pattern {pat['id']} ({pat['title']}): {h['count']} {pat['rows']} of account {h['account']} "
                    f"from {h['from']} (first {h['first']})" + (f"; {pat['source']}" if pat.get("source") else ""),
                    {"pattern": pat["id"], "count": h["count"]},
                    severity=pat.get("severity") or "warning",
                )
            )
    out["l"] = {
        "checked": bool(patterns),
        "why_not": None
        if patterns
        else "no organization-defined pattern in trading.conduct_patterns (the size threshold of listed and block orders is still checked)",
        "data": {"patterns": len(patterns)},
        "hits": hits,
    }
    return out


def _near(day: dt.date, other: dt.date, days: int, closed) -> bool:
    a, b = (day, other) if day <= other else (other, day)
    return sv.trading_days_between(a, b, closed) <= days


def _statements(ctx, trades, closed) -> dict:
    recs = [r for r in ctx.records("market_statement") if trc.active(r)]
    days = trc.setting(ctx, "statement_window_trading_days")
    hits = []
    for rec in recs:
        d = trc.day(rec.get("date"))
        if d is None or d > ctx.as_of:
            continue
        prods = [(p.get("market"), p.get("product"), p.get("vintage")) for p in rec.get("products") or []]
        near = [t for t in trades if any(_prod_match(t, *p) for p in prods) and _near(d, t["day"], days, closed)]
        if not near:
            continue
        ids = [t["id"] for t in near]
        corrected, verified = trc.day(rec.get("corrected_on")), trc.day(rec.get("verified_on"))
        listing = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        if corrected is not None and corrected <= ctx.as_of:
            hits.append(
                _hit(
                    "g",
                    "trading.market-statement-corrected",
                    {"source": trc.where(rec, ("corrected_on",)), "day": d},
                    f"statement {rec.id} of {d.isoformat()} was corrected as untrue or misleading on "
                    f"{corrected.isoformat()}, and the organization traded the product within {days} trading "
                    f"day(s) of it ({listing})",
                    ledgers=[t["ledger"] for t in near],
                    ids=[rec.id] + ids,
                )
            )
        elif verified is None or verified > d:
            hits.append(
                _hit(
                    "g",
                    "trading.market-statement-unverified",
                    {"source": trc.where(rec, ("date",)), "day": d},
                    f"statement {rec.id} of {d.isoformat()} about {', '.join(f'{m}:{p}' for m, p, _ in prods)} was "
                    f"not checked before release, and the organization traded the product within {days} trading "
                    f"day(s) of it ({listing})",
                    ledgers=[t["ledger"] for t in near],
                    ids=[rec.id] + ids,
                )
            )
    return {"checked": True, "why_not": None, "data": {"market_statements": len(recs)}, "hits": hits, "note": None if recs else OWN_RECORDS["g"]}


def _blocks(ctx, trades, orders) -> dict:
    hits = []
    by_order, by_trade = defaultdict(list), {t["trade_id"]: t for t in trades}
    for t in trades:
        if t.get("order_id"):
            by_order[t["order_id"]].append(t)
    # declared (the order) against executed (its trades), for block orders in the ledgers
    block_orders = [o for o in orders if o.get("trade_type") == "block"]
    for o in block_orders:
        done = by_order.get(o["order_id"], [])
        if o["status"] in ("filled", "partially_filled") and done:
            qty = sum(t["quantity"] for t in done)
            want = o["filled_quantity"] if o.get("filled_quantity") is not None else (o["quantity"] if o["status"] == "filled" else None)
            off_price = [t["id"] for t in done if sv._d(t["price"]) != sv._d(o["price"])]
            if (want is not None and qty != want) or off_price:
                hits.append(
                    _hit(
                        "h",
                        "trading.block-declared-vs-executed",
                        o,
                        f"block order {o['id']} declared {o['quantity']} t (filled {want}) but its trades "
                        f"{', '.join(t['id'] for t in done)} total {qty} t" + (f"; {', '.join(off_price)} at another price than declared" if off_price else ""),
                        {"declared_price": o["price"], "trade_prices": [t["price"] for t in done]},
                        ids=[o["id"]] + [t["id"] for t in done],
                    )
                )
    decls = [r for r in ctx.records("block_declaration") if trc.active(r)]
    withdrawn = defaultdict(list)
    declared_orders = set()
    for rec in decls:
        when = tr.parse_time(rec.get("declared_at"))
        if when is None or when.date() > ctx.as_of:
            continue
        if rec.get("order_id"):
            declared_orders.add(rec.get("order_id"))
        outcome = rec.get("outcome")
        if outcome == "withdrawn":
            withdrawn[when.year].append(rec)
            if not rec.get("reason"):
                hits.append(
                    _hit(
                        "h",
                        "trading.block-withdrawn",
                        {"source": trc.where(rec, ("outcome",)), "day": when.date()},
                        f"declaration {rec.id} ({rec.get('declaration_type')}, {rec.get('quantity')} t) was withdrawn without a recorded reason",
                        ids=[rec.id],
                        severity="warning",
                    )
                )
            continue
        if outcome != "executed":
            continue
        done = [by_trade[x] for x in rec.get("trade_ids") or [] if x in by_trade] or by_order.get(rec.get("order_id") or "", [])
        if not done:
            hits.append(
                _hit(
                    "h",
                    "trading.block-declared-vs-executed",
                    {"source": trc.where(rec, ("outcome",)), "day": when.date()},
                    f"declaration {rec.id} is recorded as executed, but no trade of it is in the ledgers "
                    f"(trade_ids {', '.join(rec.get('trade_ids') or []) or 'none'}, order {rec.get('order_id') or 'none'})",
                    ids=[rec.id],
                )
            )
            continue
        qty = sum(t["quantity"] for t in done)
        price, side = rec.get("price"), rec.get("side")
        if rec.get("declaration_type") == "block":
            bad = qty != rec.get("quantity") or any(sv._d(t["price"]) != sv._d(price) for t in done)
        else:  # one-way auction: part may be sold; never beyond the declared limit price
            bad = qty > rec.get("quantity") or any((sv._d(t["price"]) < sv._d(price)) if side == "sell" else (sv._d(t["price"]) > sv._d(price)) for t in done)
        bad = bad or any(t["side"] != side or t["product"] != rec.get("product") for t in done)
        if bad:
            hits.append(
                _hit(
                    "h",
                    "trading.block-declared-vs-executed",
                    {"source": trc.where(rec, ("quantity",)), "day": when.date()},
                    f"declaration {rec.id} ({rec.get('declaration_type')}) declared {side} {rec.get('quantity')} t "
                    f"{rec.get('product')}; executed {qty} t in {', '.join(t['id'] for t in done)}"
                    + (f" (reason recorded: {rec.get('reason')})" if rec.get("reason") else ""),
                    {"declared_price": price, "trade_prices": [t["price"] for t in done]},
                    [t["ledger"] for t in done],
                    [rec.id] + [t["id"] for t in done],
                )
            )
    for o in block_orders:  # a cancelled block order no declaration explains is a withdrawal too
        if o["status"] == "cancelled" and o["order_id"] not in declared_orders:
            withdrawn[o["day"].year].append(o)
    limit = trc.setting(ctx, "block_withdrawals_max")
    for year, items in sorted(withdrawn.items()):
        if len(items) > limit:
            last = items[-1]
            src = trc.where(last, ("outcome",)) if hasattr(last, "id") else last["source"]
            ident = last.id if hasattr(last, "id") else last["id"]
            hits.append(
                _hit(
                    "h",
                    "trading.block-withdrawn",
                    {"source": src, "day": dt.date(year, 12, 31)},
                    f"{len(items)} block or one-way auction declarations withdrawn in {year} (more than {limit}); the last {ident}",
                    ids=[ident],
                    date=f"{year}-12-31",
                    severity="warning",
                )
            )
    return {
        "checked": True,
        "why_not": None,
        "data": {"block_orders": len(block_orders), "block_declarations": len(decls)},
        "hits": hits,
        "note": None if decls else OWN_RECORDS["h"],
    }


def _side(ctx, trades) -> dict:
    hits = []
    recs = [r for r in ctx.records("side_agreement") if trc.active(r)]
    by_trade = {t["trade_id"]: t for t in trades}
    hidden = ("buy_back", "guaranteed_price", "return_swap", "nominee_holding", "financing")
    for rec in recs:
        d = trc.day(rec.get("date"))
        if d is None or d > ctx.as_of:
            continue
        terms = [t for t in rec.get("terms") or [] if t in hidden]
        covered = [by_trade[x] for x in rec.get("covers_trades") or [] if x in by_trade]
        if terms and rec.get("booked_as") != "financing" and not rec.get("disclosed_to"):
            hits.append(
                _hit(
                    "j",
                    "trading.side-agreement",
                    {"source": trc.where(rec, ("terms",)), "day": d},
                    f"side agreement {rec.id} of {d.isoformat()} adds {', '.join(terms)} terms to "
                    + (f"trades {', '.join(t['id'] for t in covered)}" if covered else "trades")
                    + ", which stay booked as purchases and sales, and it was disclosed to no one",
                    ledgers=[t["ledger"] for t in covered],
                    ids=[rec.id] + [t["id"] for t in covered],
                )
            )
    # a repo booked as a sale: a sale of the repo's units on its start day from its account
    repos = [r for r in ctx.records("financing_contract") if trc.active(r) and r.get("type") == "repo"]
    accts = trc.accounts(ctx)
    for rec in repos:
        start = trc.day(rec.get("start"))
        if start is None or start > ctx.as_of:
            continue
        ledger_of = accts.get(rec.get("account"), {}).get("ledger", rec.get("account"))
        for i, lot in enumerate(rec.get("assets") or []):
            for t in trades:
                if (
                    t["day"] == start
                    and t["side"] == "sell"
                    and t["quantity"] == lot.get("quantity")
                    and _prod_match(t, lot.get("market"), lot.get("product"), lot.get("vintage"))
                    and accts.get(t["account"], {}).get("ledger", t["account"]) == ledger_of
                ):
                    hits.append(
                        _hit(
                            "j",
                            "trading.repo-booked-as-sale",
                            t,
                            f"trade {t['id']} sells {t['quantity']} t on {start.isoformat()}, the start of repo "
                            f"{rec.id} for the same units: the repo's first leg is booked as a sale as well",
                            ids=[t["id"], rec.id],
                        )
                    )
    return {
        "checked": True,
        "why_not": None,
        "data": {"side_agreements": len(recs), "repos": len(repos)},
        "hits": hits,
        "note": None if recs else OWN_RECORDS["j"],
    }


def _holders(ctx, role_id: str, day: dt.date) -> set:
    role = ctx.get(role_id)
    out = set()
    for h in (role.get("holders") or []) if role is not None else []:
        start, end = trc.day(h.get("from")), trc.day(h.get("until"))
        if h.get("person") and (start is None or start <= day) and (end is None or day <= end):
            out.add(h["person"])
    return out


def _controllers(rec, day: dt.date) -> set:
    out = set()
    for c in rec.get("controllers") or []:
        start, end = trc.day(c.get("from")), trc.day(c.get("to"))
        if c.get("person") and (start is None or start <= day) and (end is None or day <= end):
            out.add(c["person"])
    return out


def _insiders(ctx, trades, accts, closed) -> dict:
    hits = []
    recs = [r for r in ctx.records("inside_information") if trc.active(r)]
    after = trc.setting(ctx, "insider_days_after_disclosure")
    account_recs = {r.id: r for r in ctx.records("trading_account")}
    for rec in recs:
        known, disclosed = trc.day(rec.get("known_on")), trc.day(rec.get("disclosed_on"))
        if known is None or known > ctx.as_of:
            continue
        prods = [(p.get("market"), p.get("product"), p.get("vintage")) for p in rec.get("products") or []]
        for t in trades:
            if t["day"] < known or not any(_prod_match(t, *p) for p in prods):
                continue
            if disclosed is not None and t["day"] > disclosed and sv.trading_days_between(disclosed, t["day"], closed) > after:
                continue
            people = set(rec.get("insiders") or [])
            for role in rec.get("insider_roles") or []:
                people |= _holders(ctx, role, t["day"])
            acc = account_recs.get(t["account"])
            via = sorted(_controllers(acc, t["day"]) & people) if acc is not None else []
            if t["account"] in (rec.get("insider_accounts") or []):
                via = via + ["the account itself"]
            if not via:
                continue
            until = "not yet disclosed" if disclosed is None else f"disclosed {disclosed.isoformat()}"
            hits.append(
                _hit(
                    "k",
                    "trading.insider-trade",
                    t,
                    f"trade {t['id']} ({t['side']} {t['quantity']} t {t['asset']} on {t['day'].isoformat()}) by "
                    f"account {t['account']}, controlled by insider(s) {', '.join(via)} of {rec.id} "
                    f"(known {known.isoformat()}, {until})",
                    ids=[t["id"], rec.id],
                )
            )
    return {"checked": True, "why_not": None, "data": {"inside_information": len(recs)}, "hits": hits, "note": None if recs else OWN_RECORDS["k"]}


ORG_WIDE = "*"  # hits tied to no ledger (a declaration without trades, an undisclosed side agreement)
ITEM_FIELDS = ("clause", "rules", "parameters", "data_needed", "checked", "why_not", "note", "data")


def by_ledger_year(surv: dict) -> dict:
    """The surveillance table per ledger and year, as the site's pages and `cms export` show it:
    {ledger id or "*": {year: {item: {clause, rules, parameters, data_needed, checked, why_not,
    note, data, hits}}}}. A hit belongs to every ledger it touches, in the year of its date;
    hits that touch no ledger are under "*". The item's data counts are those of the whole
    organization (the detections run across all controlled accounts at once)."""
    items = (surv or {}).get("items") or {}
    years: dict = defaultdict(set)
    for lid, info in ((surv or {}).get("ledgers") or {}).items():
        years[lid].update(str(y) for y in info.get("years") or [])
    for item in items.values():
        for h in item.get("hits") or []:
            y = str(h.get("date") or "")[:4]
            for lid in h.get("ledgers") or [ORG_WIDE]:
                if y.isdigit():
                    years[lid].add(y)
    out: dict = {}
    for lid in sorted(years, key=lambda k: (k == ORG_WIDE, k)):
        for y in sorted(years[lid]):
            out.setdefault(lid, {})[y] = {
                letter: {
                    **{k: item.get(k) for k in ITEM_FIELDS},
                    "hits": [
                        h
                        for h in item.get("hits") or []
                        if str(h.get("date") or "")[:4] == y and (lid in (h.get("ledgers") or []) or (lid == ORG_WIDE and not h.get("ledgers")))
                    ],
                }
                for letter, item in sorted(items.items())
            }
    return out

"""Carbon assets (Annexes B, C, G): the asset ledger, serial numbers, the compliance position
of each ETS obligation, trade profit and loss, and the balance sheet of tables G.1 / G.2.

The computation "assets" (after "trading") turns allocations, trades, transfers,
surrenders, financing contracts, the credits bought and retired for neutrality
(offset_credit, read by checks/neutrality/credit_records.py) and registry holding
statements into movements and replays them (checks/assets/ledger.py). It leaves in ctx.results["assets"]:

    {"as_of": "2026-06-30",
     "settings": {valuation_price, cost_method, ccer_max_share, balance_tolerance_t,
                  max_price_age_days},
     "ledger": {<ledger account id>: {<asset key>: {
         "asset": {key, market, product, vintage}, "account",
         "periods": [{"year", "start", "end", "opening", "allocation", "purchases", "sales",
                      "surrenders", "retirements", "transfers", "financing",
                      "closing": Traced}],          # one row per calendar year up to as_of
         "balance", "own", "books": {book: units}, "away": {lent|repo|custody: units},
         "encumbered", "available", "min": {"value", "date"},
         "status": {available, pledged, frozen, lent, repo, in_custody, borrowed,
                    custody_in, surrendered, retired, sold}}}},   # on the as-of date
     "problems": [{"type": "negative" | "encumbered" | "not_own" | "pledge_exceeds",
                   "account", "asset", "date", "quantity", "available", "source", ...}],
     "serials": [{"block", "first", "last", "text", "use", "date", "record", "path",
                  "account"}],                      # every use of a serial range
     "serial_clashes": [{"type": "acquired_twice" | "disposed_twice" | "after_terminal" |
                         "held_elsewhere", "range": {block, first, last, label, size},
                         "first": use, "second": use, "source", "first_source"}],
     "compliance": {<ets_compliance id>: {"record", "period", "years", "due": Traced,
                    "deadline", "closed", "ccer_share", "ccer_limit", "surrendered",
                    "remaining", "cover", "position", "value", "price": {value, date,
                    source}, "allowances_surrendered", "ccer_surrendered", "ccer_over_limit",
                    "late": [...], "on_time", "short", "shared_cover": [ids]}},
     "pnl": {"method", "sales": [...], "by_product": {"<market>:<product>": {"<year>": Traced}},
             "pools": {asset key: {quantity, cost, average}}, "compliance_cost": {...}},
     "balance_sheets": {"<year>": {"valuation_date", "positive": [line], "negative": [line],
                        "unvalued": [...], "total_positive", "total_negative", "net"}},
                        # a line valued at a price has price_date, the day of the close; one
                        # older than trading.max_price_age_days has a note saying so
                        # negative lines include compliance_purchases (units bought and held
                        # for an open obligation, at cost) and compliance_cost (bought units
                        # surrendered that year), C.6.2.2 a, b
     "statements": {"<year>": {"record": id | None, "due", "required"}},
     "reconciliation": [{"what": "holding_statement" | "asset_statement", "record",
                         "account", "asset", "date", "stated", "computed", "source"}],
     "exchange_positions": {<exchange>: {<market:product>: {"max", "max_date",
                            "over_limit": [date], "crossings": [date], "limit",
                            "threshold"}}},
     "books": [{"contract", "type", "book", "start", "source"}]}   # borrowed / custodied units

The serial map ("serials") is what the neutrality checks read (reading 5 of
shared/standard/README.md): a serial retired for a neutrality claim must never appear
here as "surrendered" or "sold". Uses are: allocated, purchased, sold, transferred_in,
transferred_out, surrendered, retired, pledged, frozen, held, lent, returned, borrowed,
returned_to_lender, repo, custody_out, custody_in.

Only what is dated on or before the as-of date counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from cms_build.api import computation, not_yet
from . import balance_sheet as bs
from ..trading import compliance as cp
from . import ledger as lg
from . import serial_ranges
from . import serials_map as sm
from ..trading import pnl as pl
from ..trading import records as trc
from ..trading import surveillance as sv
from ..trading.rows import Asset
from ..neutrality import credit_records
from cms_build.api import setting_source

from .statuses import STATUSES
from .results import AssetsResult

FIN_FLOWS = {  # contract type -> (kind at start, kind at close)
    "repo": ("repo_out", "repo_back"),
    "borrow": ("borrow_in", "borrow_return"),
    "lend": ("lend_out", "lend_back"),
    "custody_out": ("custody_out", "custody_back"),
    "custody_in": ("custody_in", "custody_in_return"),
}
FIN_SERIAL_USE = {"pledge": "pledged", "repo": "repo", "borrow": "borrowed", "lend": "lent", "custody_out": "custody_out", "custody_in": "custody_in"}
FIN_SERIAL_BACK = {"repo": "returned", "borrow": "returned_to_lender", "lend": "returned", "custody_out": "returned", "custody_in": "returned_to_lender"}
IN_ACCOUNT = ("available", "pledged", "frozen", "borrowed", "custody")  # statement lines held in the account


class _Build:
    """Collects movements and everything else while reading the records."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.as_of = ctx.as_of
        self.accts = trc.accounts(ctx)
        self.moves: list[lg.Movement] = []
        self.encs: list[lg.Encumbrance] = []
        self.pledges: list[lg.Pledge] = []
        self.pledge_encs: dict[str, lg.Encumbrance] = {}
        self.uses: list[sm.SerialUse] = []
        self.pool: list[pl.PoolEvent] = []
        self.problems: list[dict] = []
        self.books: list[dict] = []
        self.auction: list[dict] = []

    def ledger_of(self, account) -> str | None:
        if not isinstance(account, str):
            return None
        return self.accts.get(account, {}).get("ledger", account)

    def use(self, raw_serials, use, day, place, account, order=0):
        for j, raw in enumerate(raw_serials or []):
            r = serial_ranges.parse(raw)
            if r is None:
                continue
            path = place.get("path", "")
            sub = f"{path}.serials[{j}]" if path and not place.get("csv") else path
            self.uses.append(sm.SerialUse(r, use, day, place.get("record", ""), sub, account, {**place, "path": sub} if not place.get("csv") else place, order))

    def move(self, account, asset, day, q, kind, place, time=None, book=None, label=""):
        if day is None or day > self.as_of or account is None or asset is None or not q:
            return
        self.moves.append(lg.Movement(account, asset, day, q, kind, place, time, book, label))

    # -- readers --------------------------------------------------------------------
    def allocations(self):
        for rec in self.ctx.records("allocation"):
            if not trc.active(rec):
                continue
            account = self.ledger_of(rec.get("registry_account"))
            market = "national_ets" if rec.get("scheme") == "national_ets" else "local_pilot"
            for i, e in enumerate(rec.get("entries") or []):
                day, q, year = trc.day(e.get("date")), e.get("quantity"), e.get("year")
                if day is None or not isinstance(q, int) or day > self.as_of:
                    continue
                asset = Asset(e.get("market") or market, e.get("product") or "CEA", year if isinstance(year, int) else None)
                place = trc.where(rec, ("entries", i))
                self.move(account, asset, day, q, "allocation", place, label=f"{e.get('stage')} {year}")
                if q > 0:
                    self.use(e.get("serials"), "allocated", day, place, account)
                    self.pool.append(pl.PoolEvent(asset, day, "allocation", q, source=place))
                else:
                    self.pool.append(pl.PoolEvent(asset, day, "retirement", -q, source=place))

    def trades(self):
        for rec in self.ctx.records("trade_ledger"):
            if not trc.active(rec):
                continue
            rows = trc.ledger_rows(self.ctx, rec)
            for t in rows["trades"]:
                if t.day > self.as_of:
                    continue
                account = self.ledger_of(t.account or rec.get("account"))
                order = (t.time.hour * 3600 + t.time.minute * 60 + t.time.second) if t.time else 0
                sign, kind = (1, "purchase") if t.side == "buy" else (-1, "sale")
                self.pool.append(pl.PoolEvent(t.asset, t.day, kind, t.quantity, t.price, t.fees, t.where, (order,), label=t.trade_id))
                if t.trade_type == "auction" and t.side == "buy":
                    self.auction.append({"asset": t.asset, "day": t.day, "amount": t.price * t.quantity + t.fees, "quantity": t.quantity, "source": t.where})
                if t.asset.market == "derivatives":
                    continue  # derivatives are not units: in P&L only
                self.move(account, t.asset, t.day, sign * t.quantity, kind, t.where, t.time, label=t.trade_id)
                self.use(t.serials, "purchased" if sign > 0 else "sold", t.day, t.where, account, order)
            for tf in rows["transfers"]:
                src, dst = self.ledger_of(tf["from"]), self.ledger_of(tf["to"])
                if src == dst or tf["day"] > self.as_of:
                    continue
                self.move(src, tf["asset"], tf["day"], -tf["quantity"], "transfer_out", tf["where"])
                self.move(dst, tf["asset"], tf["day"], tf["quantity"], "transfer_in", tf["where"])
                self.use(tf["serials"], "transferred_out", tf["day"], tf["where"], src)
                self.use(tf["serials"], "transferred_in", tf["day"], tf["where"], dst)

    def surrenders(self):
        for rec in self.ctx.records("surrender"):
            if not trc.active(rec):
                continue
            day = trc.day(rec.get("date"))
            if day is None or day > self.as_of:
                continue
            account = self.ledger_of(rec.get("account"))
            kind = "surrender" if rec.get("purpose") == "compliance" else "retirement"
            for i, item in enumerate(rec.get("items") or []):
                asset, q = trc.asset_of(item), item.get("quantity")
                if asset is None or not isinstance(q, int):
                    continue
                place = trc.where(rec, ("items", i))
                self.move(account, asset, day, -q, kind, place, label=rec.id)
                self.use(item.get("serials"), "surrendered" if kind == "surrender" else "retired", day, place, account)
                self.pool.append(pl.PoolEvent(asset, day, kind, q, source=place))
                contract = self.ctx.get(item.get("from_contract")) if isinstance(item.get("from_contract"), str) else None
                if contract is not None and contract.get("type") in ("borrow", "custody_in"):
                    self.problems.append(
                        {
                            "type": "not_own",
                            "account": account,
                            "asset": asset.key,
                            "date": day.isoformat(),
                            "quantity": q,
                            "available": None,
                            "movement": kind,
                            "contract": contract.id,
                            "source": trc.where(rec, ("items", i, "from_contract")),
                        }
                    )

    def contracts(self):
        for rec in self.ctx.records("financing_contract"):
            if not trc.active(rec):
                continue
            ctype, start, end = rec.get("type"), trc.day(rec.get("start")), trc.day(rec.get("closed_on"))
            account = self.ledger_of(rec.get("account"))
            if start is None or account is None:
                continue
            if ctype in ("borrow", "custody_in"):
                self.books.append(
                    {
                        "contract": rec.id,
                        "type": ctype,
                        "book": rec.get("book"),
                        "start": start.isoformat(),
                        "source": trc.where(rec, ("book",) if rec.get("book") else ()),
                    }
                )
            source_contract = self.ctx.get(rec.get("source_contract")) if isinstance(rec.get("source_contract"), str) else None
            for i, lot in enumerate(rec.get("assets") or []):
                asset, q = trc.asset_of(lot), lot.get("quantity")
                if asset is None or not isinstance(q, int):
                    continue
                place = trc.where(rec, ("assets", i))
                if ctype == "pledge":
                    enc = lg.Encumbrance(account, asset, q, start, end, "pledged", place)
                    self.encs.append(enc)
                    key = f"{rec.id}#{i}"
                    self.pledge_encs[key] = enc
                    self.pledges.append(lg.Pledge(account, asset, q, start, key, place))
                    if start <= self.as_of:
                        self.use(lot.get("serials"), "pledged", start, place, account)
                    if source_contract is not None and source_contract.get("type") in ("borrow", "custody_in"):
                        self.problems.append(
                            {
                                "type": "not_own",
                                "account": account,
                                "asset": asset.key,
                                "date": start.isoformat(),
                                "quantity": q,
                                "available": None,
                                "movement": "pledge",
                                "contract": source_contract.id,
                                "source": trc.where(rec, ("source_contract",)),
                            }
                        )
                    continue
                flows = FIN_FLOWS.get(ctype)
                if flows is None:
                    continue
                book = (rec.get("book") or rec.id) if ctype in ("borrow", "custody_in") else None
                sign = 1 if ctype in ("borrow", "custody_in") else -1
                self.move(account, asset, start, sign * q, flows[0], place, book=book, label=rec.id)
                if start <= self.as_of:
                    self.use(lot.get("serials"), FIN_SERIAL_USE[ctype], start, place, account)
                if end is not None and end <= self.as_of:
                    self.move(account, asset, end, -sign * q, flows[1], trc.where(rec, ("closed_on",)), book=book, label=rec.id)
                    self.use(lot.get("serials"), FIN_SERIAL_BACK[ctype], end, place, account)

    def statements(self):
        """Frozen lines become encumbrances; every listed serial is a 'held' (or status) use."""
        for rec in self.ctx.records("holding_statement"):
            if not trc.active(rec):
                continue
            day = trc.day(rec.get("date"))
            account = self.ledger_of(rec.get("account"))
            if day is None or account is None:
                continue
            for i, line in enumerate(rec.get("lines") or []):
                asset, q = trc.asset_of(line), line.get("quantity")
                if asset is None or not isinstance(q, int):
                    continue
                place = trc.where(rec, ("lines", i))
                status = line.get("status")
                if status == "frozen":
                    since = trc.day(line.get("since")) or day
                    self.encs.append(lg.Encumbrance(account, asset, q, since, trc.day(line.get("until")), "frozen", place))
                if day <= self.as_of and status in IN_ACCOUNT:
                    use = status if status in ("pledged", "frozen") else "held"
                    self.use(line.get("serials"), use, day, place, account, order=86401)

    def credits(self):
        """Credits bought for neutrality (offset_credit, Annex D) are carbon assets of the
        organization held in the registry account they name (C.8.1.1, G.2): the batch is a
        purchase into that account on purchase.date, each retirement an outflow on its date.
        registry.account is a trading_account id or its account_number; a batch whose account
        is not named or names no trading_account is left out (assets.credit-account-unknown
        says so: an annual statement could not list it, and the name is no record id). Read by checks/neutrality/credit_records.py, as the
        neutrality domain reads them. Not in the cost pools: the units were not bought to
        trade or to surrender (their cost is the neutrality performance's credit cost, D.9),
        so they are neither earmarked for an ETS obligation nor counted in its compliance cost.

        The same units may be booked in a trade_ledger (the purchase) or a surrender of
        purpose retirement too: when every serial of the batch (of a retirement) is already
        purchased (retired) in the same ledger account by another record, that record's
        movement is the one counted and this one is skipped; a partial overlap is counted and
        found by assets.serial-clash."""
        for c in credit_records.credits(self.ctx):
            rec = c.record
            account = self.ledger_of(trc.account_id(self.accts, c.account))
            if not trc.active(rec) or c.asset is None or account is None:
                continue
            if c.bought_on is not None and c.quantity and c.bought_on <= self.as_of and not self._booked(c.ranges, "purchased", account):
                self.move(account, c.asset, c.bought_on, c.quantity, "purchase", trc.where(rec, ("purchase", "date")), label=rec.id)
                for j, r in c.serials:
                    self._use_at(r, "purchased", c.bought_on, rec, ("serials", j), account)
            for ret in c.retirements:
                if ret.day is None or not ret.quantity or ret.day > self.as_of or self._booked(ret.ranges, "retired", account):
                    continue
                self.move(account, c.asset, ret.day, -ret.quantity, "retirement", trc.where(rec, ("retirements", ret.index)), label=rec.id)
                for j, r in ret.serials:
                    self._use_at(r, "retired", ret.day, rec, ("retirements", ret.index, "serials", j), account)

    def _booked(self, ranges, use, account) -> bool:
        """Every range already has this use in this account (booked by another record)."""
        if not ranges:
            return False
        others = [u.range for u in self.uses if u.use == use and u.account == account]
        return bool(others) and not serial_ranges.covered_by(ranges, others)

    def _use_at(self, r, use, day, rec, path, account):
        place = trc.where(rec, path)
        self.uses.append(sm.SerialUse(r, use, day, rec.id, place.get("path", ""), account, place))

    def co_owned(self):
        """Co-owned units (co_ownership, B.8.2.2.1 i) are encumbered like pledged ones until the
        co-ownership ends or all co-owners consent to a transfer."""
        for rec in self.ctx.records("co_ownership"):
            start = trc.day(rec.get("start"))
            account = self.ledger_of(rec.get("account"))
            if not trc.active(rec) or start is None or account is None:
                continue
            ends = [d for d in (trc.day(rec.get("end")), trc.day(rec.get("consent_on"))) if d]
            for i, lot in enumerate(rec.get("assets") or []):
                asset, q = trc.asset_of(lot), lot.get("quantity")
                if asset is not None and isinstance(q, int):
                    self.encs.append(lg.Encumbrance(account, asset, q, start, min(ends) if ends else None, "co_owned", trc.where(rec, ("assets", i))))


# -- prices -----------------------------------------------------------------------------
class _Prices:
    def __init__(self, ctx):
        self.ctx = ctx
        self.table, _ = trc.price_table(ctx)
        self.mode = trc.setting(ctx, "valuation_price")
        self.stated: dict[int, dict] = {}
        for rec in ctx.records("asset_statement"):
            if trc.active(rec) and isinstance(rec.get("year"), int):
                for i, p in enumerate(rec.get("prices") or []):
                    a = trc.asset_of(p)
                    if a is not None and trc.num(p.get("price")) is not None:
                        self.stated.setdefault(rec.get("year"), {})[a] = (p["price"], trc.day(p.get("date")), trc.where(rec, ("prices", i, "price")))

    def price(self, asset: Asset, day: dt.date) -> tuple[float | None, str | None, dict]:
        """(price, price date, source) of an asset on a valuation day."""
        if self.mode == "statement":
            stated = self.stated.get(day.year, {})
            for a in (asset, Asset(asset.market, asset.product, None)):
                if a in stated:
                    p, d, src = stated[a]
                    return p, (d or day).isoformat(), src
        closes = trc.closes_for(self.table, asset)
        got = sv.latest_close([(d, c) for d, c, _ in closes], day)
        if got is None:
            return None, None, {}
        src = next(w for d, c, w in closes if d == got[0])
        return got[1], got[0].isoformat(), src


# -- compliance -------------------------------------------------------------------------
def _compliance(ctx, b: _Build, replayed: dict, prices: _Prices) -> dict:
    out = {}
    default_share = trc.setting(ctx, "ccer_max_share")
    emissions = (ctx.results.get("emissions") or {}).get("years") or {}
    open_ids = []
    for rec in ctx.records("ets_compliance"):
        if not trc.active(rec):
            continue
        deadline = trc.day(rec.get("deadline"))
        years = [y for y in rec.get("years") or [] if isinstance(y, int)]
        if deadline is None or not years:
            continue
        rows = []
        for i, e in enumerate(rec.get("emissions") or []):
            if isinstance(e.get("year"), int) and trc.num(e.get("emissions_tco2e")) is not None:
                rows.append((e["year"], e["emissions_tco2e"], trc.where(rec, ("emissions", i, "emissions_tco2e"))))
        # a year of the period with no figure on the record: the verified figure, else the figure
        # of the national ETS boundary recomputed from the records (checks.emissions.inventory
        # ets_inventory), never the full inventory of Annex A (order 19 Art. 28 surrenders for the
        # emissions of the ETS boundary); trading.obligation-years-incomplete still asks for the row
        filled = []
        national = rec.get("scheme") == "national_ets"  # a local pilot sets its own boundary
        for y in years:
            if any(r[0] == y for r in rows):
                continue
            inv = emissions.get(str(y)) if isinstance(emissions.get(str(y)), dict) else {}
            ver, ets = inv.get("verified"), inv.get("ets")
            if isinstance(ver, dict) and trc.num(ver.get("value")) is not None:
                value, basis, src = ver["value"], "verified", {"record": ver.get("record"), "step": f"emissions.years.{y}.verified"}
            elif national and isinstance(ets, dict) and trc.num((ets.get("total") or {}).get("value")) is not None:
                value, basis, src = ets["total"]["value"], "ets_recomputed", {"step": f"emissions.years.{y}.ets.total"}
            else:
                continue
            rows.append((y, value, src))
            filled.append({"year": y, "value": value, "basis": basis})
        stated = rec.get("obligation_tco2e")
        due = cp.due_amount(rows, stated if isinstance(stated, int) else None, trc.where(rec, ("obligation_tco2e",)))
        share = rec.get("ccer_max_share")
        share_source = (
            trc.where(rec, ("ccer_max_share",))
            if trc.num(share) is not None
            else setting_source("trading.ccer_max_share", "碳排放权交易管理办法（试行）第二十九条 (ets_cn.yaml ccer_max_share)")
        )
        share = share if trc.num(share) is not None else default_share
        market = "national_ets" if rec.get("scheme") == "national_ets" else "local_pilot"
        vintages = rec.get("eligible_vintages") or None
        surrendered = []
        for srec in ctx.referring(rec.id, "surrender"):
            if not trc.active(srec) or srec.get("purpose") != "compliance" or srec.get("obligation") != rec.id:
                continue
            day = trc.day(srec.get("date"))
            for i, item in enumerate(srec.get("items") or []):
                if item.get("market") == market and not cp.eligible_vintage(item.get("vintage"), vintages, years):
                    continue  # allowances of a vintage not eligible do not meet the obligation (trading.surrender-vintage-ineligible)
                if day is not None and isinstance(item.get("quantity"), int):
                    surrendered.append(cp.Surrendered(day, item["quantity"], item.get("market") == "ccer", trc.where(srec, ("items", i))))
        last_year = max(years)
        allowances = ccer = 0
        product = "CEA"
        biggest = -1
        for account, assets in replayed["accounts"].items():
            for key, led in assets.items():
                a = led["asset"]
                if a["market"] == market:
                    v = a.get("vintage")
                    if (vintages and v in vintages) or (not vintages and (v is None or v <= last_year)):
                        allowances += led["available"]
                    if led["balance"] > biggest:
                        biggest, product = led["balance"], a["product"]
                elif a["market"] == "ccer":
                    ccer += led["available"]
        price, price_day, price_src = prices.price(Asset(market, product, None), ctx.as_of)
        pos = cp.position(due.value, surrendered, deadline, ctx.as_of, share, allowances, ccer, price, price_src, share_source)
        pos["due"] = due.as_dict()
        pos.update(
            {
                "record": rec.id,
                "period": rec.get("compliance_period"),
                "years": years,
                "ccer_share": share,
                "price": {"value": price, "date": price_day, "source": price_src},
                "shared_cover": [],
            }
        )
        # the verified figure against the emissions computation (8.2.2 c)
        pos["filled"] = filled
        pos["verified_check"], pos["ets_check"] = [], []
        for year, value, src in rows:
            if any(f["year"] == year for f in filled):
                continue
            ver = (emissions.get(str(year)) or {}).get("verified") if isinstance(emissions.get(str(year)), dict) else None
            if isinstance(ver, dict) and trc.num(ver.get("value")) is not None:
                pos["verified_check"].append({"year": year, "stated": value, "verified": ver["value"], "verification": ver.get("record"), "source": src})
                continue
            # not verified yet: the stated figure against the ETS boundary recomputed (8.2.2 c)
            inv = emissions.get(str(year)) if isinstance(emissions.get(str(year)), dict) else {}
            ets = inv.get("ets")
            if national and isinstance(ets, dict) and trc.num((ets.get("total") or {}).get("value")) is not None:
                pos["ets_check"].append(
                    {
                        "year": year,
                        "stated": value,
                        "ets": ets["total"]["value"],
                        "inventory": (inv.get("total") or {}).get("value"),
                        "by_source": ets.get("by_source") or {},
                        "source": src,
                    }
                )
        if not pos["closed"]:
            open_ids.append(rec.id)
        out[rec.id] = pos
    for rid in open_ids:  # holdings counted as cover by more than one open obligation
        out[rid]["shared_cover"] = [o for o in open_ids if o != rid]
    return out


# -- balance sheet ----------------------------------------------------------------------
def _allocated(ctx, year: int, market: str) -> tuple[int, list]:
    total, sources = 0, []
    for rec in ctx.records("allocation"):
        if not trc.active(rec):
            continue
        m = "national_ets" if rec.get("scheme") == "national_ets" else "local_pilot"
        if m != market:
            continue
        for i, e in enumerate(rec.get("entries") or []):
            d = trc.day(e.get("date"))
            if e.get("year") == year and isinstance(e.get("quantity"), int) and d is not None and d <= ctx.as_of:
                total += e["quantity"]
                sources.append(trc.where(rec, ("entries", i)))
    return total, sources


def _balance_sheet(ctx, b: _Build, prices: _Prices, pnl: dict, year: int) -> dict:
    v = min(dt.date(year, 12, 31), ctx.as_of)
    state = lg.replay(b.moves, b.encs, (), v)
    lines: list[bs.Line] = []
    held: dict[Asset, int] = defaultdict(int)
    for account, assets in state["accounts"].items():
        for key, led in assets.items():
            a = led["asset"]
            held[Asset(a["market"], a["product"], a.get("vintage"))] += led["own"] + sum(led["away"].values())
    # allowances: what open obligations still need at v, per market
    needed: dict[str, float] = defaultdict(float)
    shortfalls: list[tuple] = []
    for rec in ctx.records("ets_compliance"):
        years = [y for y in rec.get("years") or [] if isinstance(y, int)]
        if not trc.active(rec) or not years or min(years) > year:
            continue
        market = "national_ets" if rec.get("scheme") == "national_ets" else "local_pilot"
        rows = [
            e.get("emissions_tco2e")
            for e in rec.get("emissions") or []
            if trc.num(e.get("emissions_tco2e")) is not None and isinstance(e.get("year"), int) and e["year"] <= year
        ]
        stated = rec.get("obligation_tco2e")
        due = stated if isinstance(stated, int) and max(years) <= year else sum(rows)
        done = 0
        for srec in ctx.referring(rec.id, "surrender"):
            d = trc.day(srec.get("date"))
            if trc.active(srec) and srec.get("purpose") == "compliance" and d is not None and d <= v:
                done += sum(i.get("quantity") for i in srec.get("items") or [] if isinstance(i.get("quantity"), int))
        needed[market] += max(0, due - done)
        # G.2: emissions of the year above its allocation (C.6.2.2: what must still be bought)
        for i, e in enumerate(rec.get("emissions") or []):
            if e.get("year") != year or trc.num(e.get("emissions_tco2e")) is None:
                continue
            alloc, alloc_sources = _allocated(ctx, year, market)
            if not alloc_sources:  # no allocation recorded yet: the gap is unknown, not the whole emissions
                lines.append(
                    bs.Line(
                        "negative",
                        "allowance_shortfall",
                        f"{year}: {e['emissions_tco2e']:.0f} t, allocation for {year} not recorded by {v.isoformat()}",
                        quantity=None,
                        source=trc.where(rec, ("emissions", i)),
                    )
                )
                continue
            gap = e["emissions_tco2e"] - alloc
            if gap > 0:
                shortfalls.append((market, year, e, gap, alloc, trc.where(rec, ("emissions", i))))
        for i, pen in enumerate(rec.get("penalties") or []):
            d = trc.day(pen.get("date"))
            amount = (pen.get("amount") or {}).get("value")
            if d is not None and d.year == year and trc.num(amount) is not None:
                lines.append(bs.Line("negative", "penalty", pen.get("reason", "")[:80], amount=amount, source=trc.where(rec, ("penalties", i))))
    # C.6.2.2 a, b: units bought (at a cost: allocated units cost nothing) and still held while an
    # obligation of their market is open are negative assets at cost, up to what is still due; the
    # emissions above the allocation not yet covered by them stay a shortfall at the market price
    pools = pl.pnl([e for e in b.pool if e.day <= v], trc.setting(ctx, "cost_method"))["pools"]
    bought: dict[str, float] = defaultdict(float)
    earmarked: dict[str, float] = defaultdict(float)  # asset key -> units held for an obligation (not G.1)
    for market in sorted(needed):
        left = needed[market]
        for key, pool in sorted(pools.items()):
            m = key.split(":")[0]
            if left <= 0 or pool["quantity"] <= 0 or pool["cost"] <= 0 or not (m == market or (m == "ccer" and market == "national_ets")):
                continue
            q = min(pool["quantity"], left)
            left -= q
            bought[market] += q
            earmarked[key] += q
            lines.append(
                bs.Line(
                    "negative",
                    "compliance_purchases",
                    f"{key}: {q:.0f} t bought for the open obligations",
                    amount=round(pool["cost"] * q / pool["quantity"], 2),
                )
            )
    for market, y, e, gap, alloc, src in shortfalls:
        covered = min(gap, bought.get(market, 0.0))
        bought[market] = bought.get(market, 0.0) - covered
        if gap - covered > 0:
            price, pday, psrc = prices.price(Asset(market, "CEA" if market == "national_ets" else _main_product(held, market), None), v)
            lines.append(
                bs.Line(
                    "negative",
                    "allowance_shortfall",
                    f"{y}: {e['emissions_tco2e']:.0f} − {alloc} allocated" + (f" − {covered:.0f} bought" if covered else ""),
                    quantity=gap - covered,
                    price=price,
                    source=src,
                    price_source=psrc,
                    price_date=pday,
                )
            )
    for key_year, cost in sorted((pnl.get("compliance_cost") or {}).items()):
        key, _, y = key_year.rpartition("|")
        if y == str(year) and cost > 0:
            lines.append(bs.Line("negative", "compliance_cost", f"{key}: surrendered in {year}", amount=cost))
    for market in sorted({a.market for a in held if a.asset_class == "allowance"}):
        total = sum(q for a, q in held.items() if a.market == market)
        surplus = max(0.0, total - needed.get(market, 0.0))
        price, pday, psrc = prices.price(Asset(market, _main_product(held, market), None), v)
        line = bs.Line(
            "positive",
            "surplus_allowances",
            f"{market}: {total} held − {needed.get(market, 0):.0f} still due",
            quantity=surplus,
            price=price,
            price_source=psrc,
            price_date=pday,
        )
        lines.append(line)
    for a in sorted((a for a in held if a.asset_class != "allowance" and held[a] > 0), key=lambda a: a.key):
        category = {"ccer": "ccer", "international": "international_credits"}.get(a.asset_class, "other_positive")
        if a.asset_class == "derivative":
            continue
        free = held[a] - earmarked.get(a.key, 0)
        if free <= 0:
            continue
        price, pday, psrc = prices.price(a, v)
        lines.append(bs.Line("positive", category, a.key, quantity=free, price=price, price_source=psrc, price_date=pday))
    for row in b.auction:
        if row["day"].year == year:
            lines.append(bs.Line("positive", "auction_assets", f"{row['asset'].key} {row['quantity']} t", amount=round(row["amount"], 2), source=row["source"]))
    for product, years in pnl.get("by_product", {}).items():
        got = years.get(str(year))
        if got is None or not got["value"]:
            continue
        side, cat = ("positive", "secondary_market_gain") if got["value"] > 0 else ("negative", "secondary_market_loss")
        lines.append(bs.Line(side, cat, product, amount=abs(got["value"])))
    for rec in ctx.records("asset_statement"):
        if not trc.active(rec) or rec.get("year") != year:
            continue
        for i, s in enumerate(rec.get("stated_lines") or []):
            amount = (s.get("amount") or {}).get("value")
            if trc.num(amount) is not None and s.get("category") in bs.CATEGORIES:
                lines.append(
                    bs.Line(s.get("side"), s["category"], s.get("description", ""), amount=amount, source=trc.where(rec, ("stated_lines", i)), computed=False)
                )
    sheet = bs.sheet(lines)
    sheet["valuation_date"] = v.isoformat()
    most = trc.setting(ctx, "max_price_age_days")
    for entry in sheet["positive"] + sheet["negative"]:
        age = price_age(entry, v)
        if age is not None and isinstance(most, int) and age > most:
            entry["value"]["notes"].append(
                f"price of {entry['price_date']}, {age} days before the valuation date {v.isoformat()} (trading.max_price_age_days: {most})"
            )
    return sheet


def price_age(entry: dict, valuation_day: dt.date) -> int | None:
    """Days from the close a balance sheet line is valued at to the valuation day (None when the
    line is not valued at a price, or values nothing: quantity 0)."""
    day = trc.day(entry.get("price_date"))
    if day is None or not entry.get("quantity"):
        return None
    return (valuation_day - day).days


def _main_product(held: dict, market: str) -> str:
    best = max((a for a in held if a.market == market), key=lambda a: held[a], default=None)
    return best.product if best is not None else "CEA"


# -- statements and reconciliation ---------------------------------------------------------
def _statements(ctx, b: _Build) -> dict:
    due_md = trc.setting(ctx, "statement_due")
    active_years = {m.day.year for m in b.moves}
    have = {}
    for rec in ctx.records("asset_statement"):
        # a statement approved, in effect or prepared only after the as-of date did not exist then
        prepared = trc.day(rec.get("prepared_on"))
        if trc.active(rec) and isinstance(rec.get("year"), int) and not not_yet(rec, ctx.as_of) and not (prepared and prepared > ctx.as_of):
            have.setdefault(rec.get("year"), rec.id)
    out = {}
    for year in sorted(active_years | set(have)):
        month, dayn = (int(x) for x in due_md.split("-"))
        try:
            due = dt.date(year + 1, month, dayn)
        except ValueError:  # 02-29 in a common year
            due = dt.date(year + 1, month, 28)
        out[str(year)] = {"record": have.get(year), "due": due.isoformat(), "required": year in active_years and due < ctx.as_of}
    return out


def _reconcile(ctx, b: _Build) -> list[dict]:
    out = []
    tolerance = trc.setting(ctx, "balance_tolerance_t")

    def differs(what, rec, account, a: Asset, day: dt.date, stated: int, source: dict) -> None:
        """A statement's figure for an account and asset on a day against the ledger's."""
        computed = lg.balance_on(b.moves, account, a, day)
        if abs(computed - stated) > tolerance:
            out.append(
                {
                    "what": what,
                    "record": rec.id,
                    "account": account,
                    "asset": a.key,
                    "date": day.isoformat(),
                    "stated": stated,
                    "computed": computed,
                    "source": source,
                }
            )

    for rec in ctx.records("holding_statement"):
        day = trc.day(rec.get("date"))
        account = b.ledger_of(rec.get("account"))
        if not trc.active(rec) or day is None or day > ctx.as_of or account is None:
            continue
        stated: dict[Asset, int] = defaultdict(int)
        where_of: dict[Asset, dict] = {}
        for i, line in enumerate(rec.get("lines") or []):
            a = trc.asset_of(line)
            if a is not None and isinstance(line.get("quantity"), int) and line.get("status") in IN_ACCOUNT:
                stated[a] += line["quantity"]
                where_of.setdefault(a, trc.where(rec, ("lines", i, "quantity")))
        assets = set(stated)
        if rec.get("complete") is not False:
            assets |= {m.asset for m in b.moves if m.account == account and m.day <= day}
        for a in sorted(assets, key=lambda x: x.key):
            differs("holding_statement", rec, account, a, day, stated.get(a, 0), where_of.get(a) or trc.where(rec, ("lines",)))
    for rec in ctx.records("asset_statement"):
        year = rec.get("year")
        if not trc.active(rec) or not isinstance(year, int) or dt.date(year, 12, 31) > ctx.as_of:
            continue
        end = dt.date(year, 12, 31)
        listed: set[tuple[str, Asset]] = set()
        for i, h in enumerate(rec.get("holdings") or []):
            a, account = trc.asset_of(h), b.ledger_of(h.get("account"))
            if a is None or account is None or not isinstance(h.get("quantity"), int):
                continue
            listed.add((account, a))
            differs("asset_statement", rec, account, a, end, h["quantity"], trc.where(rec, ("holdings", i, "quantity")))
        # C.8.1.1: a statement that lists holdings lists every carbon asset held at the year end,
        # in every account of the ledger; a position it leaves out is stated as 0 (as a holding
        # statement's is). A statement without holdings states none, and is not compared.
        if not listed:
            continue
        held = sorted({(m.account, m.asset) for m in b.moves if m.day <= end} - listed, key=lambda x: (x[0], x[1].key))
        for account, a in held:
            differs("asset_statement", rec, account, a, end, 0, trc.where(rec, ("holdings",)))
    return out


def _exchange_positions(ctx, b: _Build) -> dict:
    """End-of-day holdings per configured exchange and product: maxima, days over the limit,
    days the large-holder threshold was reached (from below)."""
    configured = trc.setting(ctx, "exchanges") or {}
    ledgers_of = trc.exchanges_of_ledger(b.accts)
    out = {}
    for code, figures in sorted(configured.items()):
        limit, threshold = figures.get("position_limit_t"), figures.get("large_holder_threshold_t")
        if not limit and not threshold:
            continue
        per_day: dict[str, dict] = defaultdict(lambda: defaultdict(int))
        moves = [m for m in b.moves if code in ledgers_of.get(m.account, set())]
        for m in moves:
            per_day[f"{m.asset.market}:{m.asset.product}"][m.day] += m.quantity
        result = {}
        for product, days in sorted(per_day.items()):
            running, best, best_day, over, crossings, prev = 0, 0, None, [], [], 0
            for d in sorted(days):
                running += days[d]
                if running > best:
                    best, best_day = running, d
                if limit and running > limit:
                    over.append(d.isoformat())
                if threshold and running >= threshold > prev:
                    crossings.append({"date": d.isoformat(), "holding": running})
                prev = running
            result[product] = {
                "max": best,
                "max_date": best_day.isoformat() if best_day else None,
                "over_limit": over,
                "crossings": crossings,
                "limit": limit,
                "threshold": threshold,
            }
        out[code] = result
    return out


@computation(
    "assets",
    title="碳资产台账、履约头寸与资产负债表 Asset ledger, compliance position and balance sheet",
    clauses=["C.8.1.1", "8.2.3 a", "B.8.2.3 b", "G.2", "G.3"],
    after=["trading", "emissions"],
    statuses=STATUSES,
    consolidation="._group:CONSOLIDATION",  # imported by a group only (issue 19)
)
def assets(ctx):
    b = _Build(ctx)
    b.allocations()
    b.trades()
    b.surrenders()
    b.contracts()
    b.credits()
    b.statements()
    b.co_owned()
    replayed = lg.replay(b.moves, b.encs, b.pledges, ctx.as_of, b.pledge_encs)
    prices = _Prices(ctx)
    pnl = pl.pnl([e for e in b.pool if e.day <= ctx.as_of], trc.setting(ctx, "cost_method"))
    statements = _statements(ctx, b)
    years = sorted(int(y) for y in statements)
    # validated here, so a result of the wrong shape is a crash of this computation (results.py)
    return AssetsResult.model_validate(
        {
            "as_of": ctx.as_of.isoformat(),
            "settings": {n: trc.setting(ctx, n) for n in ("valuation_price", "cost_method", "ccer_max_share", "balance_tolerance_t", "max_price_age_days")},
            "ledger": replayed["accounts"],
            "problems": replayed["problems"] + b.problems,
            "serials": [u.as_dict() for u in sorted(b.uses, key=sm.SerialUse.sort_key)],
            "serial_clashes": sm.clashes(b.uses),
            "compliance": _compliance(ctx, b, replayed, prices),
            "pnl": pnl,
            "balance_sheets": {str(y): _balance_sheet(ctx, b, prices, pnl, y) for y in years},
            "statements": statements,
            "reconciliation": _reconcile(ctx, b),
            "exchange_positions": _exchange_positions(ctx, b),
            "books": b.books,
        }
    )

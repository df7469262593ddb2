"""The carbon asset ledger: balances per account and product, period by period.

For each ledger account and asset (market, product, vintage) the movements are replayed in
time order. A period's row is

    closing = opening + allocation + purchases − sales − surrenders − retirements
              + transfers (net) + financing (net)

where "financing" is what carbon-financing contracts move in and out of the account
(borrowed or custodied units in and back, units lent, repo'd or entrusted out and back).
Allocation may be negative for a withdrawal.

Two further quantities are kept while replaying:
- books: units held for others, per book (borrowed from a lender, held in custody for a
  client, B.8.2.2.4 b). Own units = balance − Σ books.
- encumbrances: units pledged or frozen on a day (B.8.2.2.1 i); they stay in the balance
  but may not be sold, and own units not encumbered are what may be surrendered or pledged.

Replaying finds what the rules need:
- a balance below zero (no balance may go negative);
- an outflow by trade (sale, transfer, lending, repo, custody) that needs encumbered units
  (B.8.2.2.1 i: trading assets that are pledged or frozen);
- a surrender, retirement or pledge that needs units that are not the organization's own,
  i.e. borrowed or custodied units (B.8.2.2.4 b), or pledged ones.

Ordering within a day: movements with a time come at that time; without one, inflows at the
start of the day and outflows at its end, so a purchase and a sale on the same day without
times never make a false negative balance.

Pure: inputs are `Movement`, `Encumbrance` and `Pledge` values; outputs are plain dicts and
`Traced` values.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from cms_build.api import Traced

from ..trading.rows import Asset

# movement kinds and the period column they add to
COLUMNS = ("allocation", "purchases", "sales", "surrenders", "retirements", "transfers", "financing")
KIND_COLUMN = {
    "allocation": "allocation",
    "purchase": "purchases",
    "sale": "sales",
    "surrender": "surrenders",
    "retirement": "retirements",
    "transfer_in": "transfers",
    "transfer_out": "transfers",
    "borrow_in": "financing",
    "borrow_return": "financing",
    "custody_in": "financing",
    "custody_in_return": "financing",
    "lend_out": "financing",
    "lend_back": "financing",
    "repo_out": "financing",
    "repo_back": "financing",
    "custody_out": "financing",
    "custody_back": "financing",
}
# columns shown as positive numbers that are subtracted
SUBTRACTED = ("sales", "surrenders", "retirements")
# outflows that are trading in the sense of B.8.2.2.1 i (moving the units to someone else)
TRADING_OUT = ("sale", "transfer_out", "lend_out", "repo_out", "custody_out")
# outflows that may use only the organization's own, unencumbered units (B.8.2.2.4 b)
OWN_ONLY_OUT = ("surrender", "retirement")
# inflows and outflows of books held for others
BOOK_IN = ("borrow_in", "custody_in")
BOOK_OUT = ("borrow_return", "custody_in_return")
# units of the organization that are outside the account for a while (still its assets)
AWAY_OUT = {"lend_out": "lent", "repo_out": "repo", "custody_out": "custody"}
AWAY_BACK = {"lend_back": "lent", "repo_back": "repo", "custody_back": "custody"}
# cumulative disposals shown in an asset's status
DISPOSED = {"sale": "sold", "surrender": "surrendered", "retirement": "retired"}

END_OF_DAY = 86400


@dataclass
class Movement:
    account: str
    asset: Asset
    day: dt.date
    quantity: int  # signed: the change of the account's balance
    kind: str
    source: dict = field(default_factory=dict)
    time: dt.datetime | None = None
    book: str | None = None  # the lender's or client's book, for borrowed and custodied units
    label: str = ""

    def order_key(self):
        if self.time is not None:
            t = self.time.hour * 3600 + self.time.minute * 60 + self.time.second
        else:
            t = -1 if self.quantity > 0 else END_OF_DAY
        return (self.day, t, 0 if self.quantity > 0 else 1)


@dataclass
class Encumbrance:
    """Units that stay in the account but may not be traded: pledged or frozen."""

    account: str
    asset: Asset
    quantity: int
    start: dt.date
    end: dt.date | None  # first day no longer encumbered; None = still
    kind: str  # pledged | frozen | co_owned
    source: dict = field(default_factory=dict)

    def active(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass
class Pledge:
    """A pledge to be checked at its start: it may use only own, unencumbered units."""

    account: str
    asset: Asset
    quantity: int
    day: dt.date
    contract: str
    source: dict = field(default_factory=dict)


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _encumbered(encs: list[Encumbrance], day: dt.date, exclude: Encumbrance | None = None) -> int:
    return sum(e.quantity for e in encs if e is not exclude and e.active(day))


def replay(
    movements: list[Movement],
    encumbrances: list[Encumbrance] = (),
    pledges: list[Pledge] = (),
    as_of: dt.date | None = None,
    pledge_encumbrances: dict | None = None,
) -> dict:
    """Replay every movement up to as_of; return balances, period rows and problems.

    pledge_encumbrances maps a pledge's contract id to its Encumbrance, so that a pledge is
    not counted against itself when checked at its start.

    Returns {"accounts": {account: {asset key: <asset ledger>}}, "problems": [...]} where an
    asset ledger is {"asset", "periods": [row], "balance", "own", "books", "away",
    "encumbered", "available", "status", "min": {"value", "date"}}; "status" splits the
    holding on the as-of date: available, pledged, frozen (in the account), lent, repo,
    in_custody (the organization's, outside the account), borrowed, custody_in (held for
    others), and the cumulative surrendered, retired, sold; a problem is
    {"type": "negative" | "encumbered" | "not_own" | "pledge_exceeds", ...}.
    """
    pledge_encumbrances = pledge_encumbrances or {}
    moves = [m for m in movements if as_of is None or m.day <= as_of]
    by_key: dict[tuple, list] = defaultdict(list)
    for m in moves:
        by_key[(m.account, m.asset)].append(("move", m))
    for p in pledges:
        if as_of is None or p.day <= as_of:
            by_key[(p.account, p.asset)].append(("pledge", p))
    encs_by_key: dict[tuple, list] = defaultdict(list)
    for e in encumbrances:
        encs_by_key[(e.account, e.asset)].append(e)

    accounts: dict[str, dict] = defaultdict(dict)
    problems: list[dict] = []
    for (account, asset), events in sorted(by_key.items(), key=lambda kv: (kv[0][0], kv[0][1].key)):
        encs = encs_by_key.get((account, asset), [])
        # a pledge is checked after the day's inflows without a time, before its untimed outflows
        events.sort(key=lambda ev: ev[1].order_key() if ev[0] == "move" else (ev[1].day, END_OF_DAY - 1, 0))
        ledger, found = _replay_one(account, asset, events, encs, as_of, pledge_encumbrances)
        accounts[account][asset.key] = ledger
        problems.extend(found)
    return {"accounts": dict(accounts), "problems": problems}


def _replay_one(account, asset, events, encs, as_of, pledge_encumbrances):
    balance = 0
    books: dict[str, int] = defaultdict(int)
    book_kind: dict[str, str] = {}
    disposed: dict[str, int] = defaultdict(int)
    away: dict[str, int] = defaultdict(int)
    problems: list[dict] = []
    minimum = {"value": 0, "date": None}
    years = sorted({ev[1].day.year for ev in events if ev[0] == "move"})
    last_year = max(years + ([as_of.year] if as_of else []))
    rows: dict[int, dict] = {}
    for y in range(years[0], last_year + 1) if years else []:
        rows[y] = {c: 0 for c in COLUMNS}
        rows[y]["sources"] = []

    for what, ev in events:
        if what == "pledge":
            own = balance - sum(books.values())
            mine = pledge_encumbrances.get(ev.contract)
            other = _encumbered(encs, ev.day, exclude=mine)
            if ev.quantity > balance - other:
                problems.append(
                    _problem(
                        "pledge_exceeds",
                        account,
                        asset,
                        ev.day,
                        ev.quantity,
                        balance - other,
                        ev.source,
                        contract=ev.contract,
                        balance=balance,
                        encumbered=other,
                    )
                )
            elif ev.quantity > own - other:
                problems.append(
                    _problem("not_own", account, asset, ev.day, ev.quantity, own - other, ev.source, movement="pledge", contract=ev.contract, books=dict(books))
                )
            continue
        m: Movement = ev
        before = balance
        q = m.quantity
        if q < 0:
            out = -q
            enc = _encumbered(encs, m.day)
            own = before - sum(books.values())
            if out > before:
                pass  # reported below as a negative balance
            elif m.kind in TRADING_OUT and enc and out > before - enc:
                problems.append(
                    _problem("encumbered", account, asset, m.day, out, before - enc, m.source, movement=m.kind, encumbered=enc, balance=before, label=m.label)
                )
            elif m.kind in OWN_ONLY_OUT and out > own:
                problems.append(
                    _problem("not_own", account, asset, m.day, out, own, m.source, movement=m.kind, books={k: v for k, v in books.items() if v}, label=m.label)
                )
            elif m.kind in OWN_ONLY_OUT and enc and out > own - enc:
                problems.append(
                    _problem("encumbered", account, asset, m.day, out, own - enc, m.source, movement=m.kind, encumbered=enc, balance=before, label=m.label)
                )
        balance += q
        if m.kind in BOOK_IN and m.book:
            books[m.book] += q
            book_kind[m.book] = "borrowed" if m.kind == "borrow_in" else "custody_in"
        elif m.kind in BOOK_OUT and m.book:
            books[m.book] += q  # q is negative
        if m.kind in AWAY_OUT:
            away[AWAY_OUT[m.kind]] -= q
        elif m.kind in AWAY_BACK:
            away[AWAY_BACK[m.kind]] -= q
        if balance < 0 and q < 0:  # an outflow that leaves it below zero; an inflow that only lessens the hole is no fault
            problems.append(_problem("negative", account, asset, m.day, -q, before, m.source, movement=m.kind, balance=balance, label=m.label))
        if balance < minimum["value"]:
            minimum = {"value": balance, "date": m.day.isoformat()}
        if m.kind in DISPOSED:
            disposed[DISPOSED[m.kind]] -= q
        row = rows[m.day.year]
        column = KIND_COLUMN.get(m.kind, "financing")
        row[column] += -q if column in SUBTRACTED else q
        row["sources"].append(m.source)

    periods = []
    opening = 0
    for y in sorted(rows):
        row = rows[y]
        closing = opening + row["allocation"] + row["purchases"] - row["sales"] - row["surrenders"] - row["retirements"] + row["transfers"] + row["financing"]
        end = dt.date(y, 12, 31)
        if as_of is not None and as_of < end:
            end = as_of
        trace = Traced(
            value=closing,
            unit="t",
            label=f"{asset.key} {account} {y}",
            formula="closing = opening + allocation + purchases − sales − surrenders − retirements + transfers + financing",
            method="C.8.1.1",
        )
        for sym, name in (
            ("opening", "期初 opening"),
            ("allocation", "分配 allocation"),
            ("purchases", "买入 purchases"),
            ("sales", "卖出 sales"),
            ("surrenders", "清缴 surrenders"),
            ("retirements", "注销 retirements"),
            ("transfers", "划转净额 transfers (net)"),
            ("financing", "融资类净额 financing (net)"),
        ):
            trace.add(sym, name, opening if sym == "opening" else row[sym], "t")
        trace.notes.append(f"{len(row['sources'])} movement(s) from {y}-01-01 to {end.isoformat()}")
        periods.append(
            {"year": y, "start": f"{y}-01-01", "end": end.isoformat(), "opening": opening, **{c: row[c] for c in COLUMNS}, "closing": trace.as_dict()}
        )
        opening = closing
    enc_now = _encumbered(encs, as_of) if as_of else 0
    held_for_others = sum(books.values())
    status = {
        "available": max(0, balance - held_for_others - enc_now),
        "pledged": sum(e.quantity for e in encs if e.kind == "pledged" and as_of and e.active(as_of)),
        "frozen": sum(e.quantity for e in encs if e.kind == "frozen" and as_of and e.active(as_of)),
        "lent": away.get("lent", 0),
        "repo": away.get("repo", 0),
        "in_custody": away.get("custody", 0),
        "borrowed": sum(v for k, v in books.items() if book_kind.get(k) == "borrowed"),
        "custody_in": sum(v for k, v in books.items() if book_kind.get(k) == "custody_in"),
        "surrendered": disposed.get("surrendered", 0),
        "retired": disposed.get("retired", 0),
        "sold": disposed.get("sold", 0),
    }
    return (
        {
            "asset": asset.as_dict(),
            "account": account,
            "periods": periods,
            "balance": balance,
            "own": balance - sum(books.values()),
            "books": {k: v for k, v in sorted(books.items()) if v},
            "away": {k: v for k, v in sorted(away.items()) if v},
            "encumbered": enc_now,
            "available": status["available"],
            "status": status,
            "min": minimum,
        },
        problems,
    )


def _problem(kind, account, asset, day, quantity, available, source, **extra) -> dict:
    return {"type": kind, "account": account, "asset": asset.key, "date": _iso(day), "quantity": quantity, "available": available, "source": source, **extra}


def balance_on(movements: list[Movement], account: str, asset: Asset, day: dt.date) -> int:
    """The account's end-of-day balance of an asset."""
    return sum(m.quantity for m in movements if m.account == account and m.asset == asset and m.day <= day)

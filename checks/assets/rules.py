"""Rules on the carbon asset ledger (8.2.3 a, C.8.1.1, C.8.1.2), encumbered and borrowed
assets (B.8.2.2.1 i, B.8.2.2.4), serial numbers, annual statements and the asset review
(6.1.4). Most read ctx.results["assets"] (checks/assets/compute.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from cms_build.api import DONE, check, dates, known_by
from ..neutrality import credit_records
from ..trading import records as trc


def _assets(ctx) -> dict:
    res = ctx.results.get("assets")
    return res if isinstance(res, dict) else {}


def _problems(ctx, kind: str):
    return [p for p in _assets(ctx).get("problems", []) if p.get("type") == kind]


@check("assets.balance-negative", title="台账余额不为负 No ledger balance goes negative", clauses=["8.2.3 a", "C.8.1.1"], severity="error")
def balance_negative(ctx):
    """8.2.3 a, C.8.1.1: the asset statements rest on a ledger that holds together: an
    account's balance of a product never goes below zero. A negative balance means a
    movement is missing (an allocation, a purchase, a transfer in) or one is recorded twice."""
    for p in _problems(ctx, "negative"):
        yield trc.issue_at(
            ctx,
            p["source"],
            f"{p['movement']} of {p['quantity']:,} t {p['asset']} on {p['date']} takes "
            f"account {p['account']} to {p['balance']:,} t (it held {p['available']:,} t)",
            hint="record the missing inflow (allocation, purchase, transfer) or correct the quantity",
        )


@check(
    "trading.encumbered-asset-traded",
    title="不交易共有、质押或冻结的碳资产 No trading of co-owned, pledged or frozen assets",
    clauses=["B.8.2.2.1 i"],
    severity="error",
)
def encumbered(ctx):
    """B.8.2.2.1 i: no trading of carbon assets that are jointly owned, pledged or under a
    preservation order. A sale, transfer, loan or repo that needs more than the account's
    units not pledged (financing_contract), frozen (holding_statement) nor co-owned
    (co_ownership, until it ends or the co-owners consent) on that day is reported; so is a
    surrender that needs pledged units."""
    for p in _problems(ctx, "encumbered"):
        yield trc.issue_at(
            ctx,
            p["source"],
            f"{p['movement']} of {p['quantity']:,} t {p['asset']} on {p['date']}: account "
            f"{p['account']} held {p['balance']:,} t, of which {p['encumbered']:,} t pledged, "
            f"frozen or co-owned, so only {max(0, p['available']):,} t could be used",
            hint="release the pledge or freeze first (record closed_on / until), or use other units",
        )


@check(
    "trading.borrowed-asset-used",
    title="借入或托管的碳资产不用于质押或清缴 Borrowed or custodied assets not pledged or surrendered",
    clauses=["B.8.2.2.4 b"],
    severity="error",
)
def borrowed_used(ctx):
    """B.8.2.2.4 b: borrowed or custodied carbon assets are not used for a pledge or for
    compliance. A surrender, retirement or pledge that names a borrowing or custody
    contract, or that needs more than the account's own units (balance less the books
    held for lenders and clients), is reported."""
    for p in _problems(ctx, "not_own"):
        what = "pledge" if p.get("movement") == "pledge" else p.get("movement", "use")
        if p.get("available") is None:
            msg = f"{what} of {p['quantity']:,} t {p['asset']} on {p['date']} uses units of contract {p.get('contract')}"
        else:
            books = ", ".join(f"{k} {v:,} t" for k, v in (p.get("books") or {}).items())
            msg = (
                f"{what} of {p['quantity']:,} t {p['asset']} on {p['date']} needs more than the {max(0, p['available']):,} t "
                f"the organization owns in account {p['account']}" + (f" (held for others: {books})" if books else "")
            )
        yield trc.issue_at(ctx, p["source"], msg, hint="surrender and pledge only the organization's own units; return borrowed units to their lender")


@check("trading.pledge-exceeds-holdings", title="质押的碳资产权属明确 Pledged assets are held", clauses=["B.8.2.2.4 a"], severity="error")
def pledge_exceeds(ctx):
    """B.8.2.2.4 a: the pledged carbon assets are clearly the pledgor's: a pledge larger than
    the account's units not already pledged or frozen on its start day is reported."""
    for p in _problems(ctx, "pledge_exceeds"):
        yield trc.issue_at(
            ctx,
            p["source"],
            f"pledge of {p['quantity']:,} t {p['asset']} from {p['date']}, but account "
            f"{p['account']} held {p['balance']:,} t of which {p['encumbered']:,} t already "
            "pledged or frozen",
            hint="pledge only units the account holds free of other pledges; correct the quantity or the account",
        )


@check(
    "trading.borrowed-books-not-separate",
    title="借入和托管资产分账管理 Borrowed and custodied assets on separate books",
    clauses=["B.8.2.2.4 b"],
    severity="warning",
)
def books_separate(ctx):
    """B.8.2.2.4 b: the assets of different lenders and clients should be kept on separate
    books. Each borrowing or custody-in contract names its book, and one book serves one
    counterparty only."""
    owners: dict[str, set] = defaultdict(set)
    contracts: dict[str, list] = defaultdict(list)
    for row in _assets(ctx).get("books", []):
        rec = ctx.get(row["contract"])
        if rec is None:
            continue
        if not row.get("book"):
            yield rec.issue(
                "type",
                f"{row['type']} contract {rec.id} names no separate book for its units",
                key=True,
                hint="set book to the separate ledger kept for this lender or client",
            )
            continue
        owners[row["book"]].add(rec.get("counterparty"))
        contracts[row["book"]].append(rec)
    for book, parties in owners.items():
        if len(parties) > 1:
            for rec in contracts[book][1:]:
                yield rec.issue(
                    "book",
                    f"book {book} also holds the units of {contracts[book][0].id} from another counterparty ({len(parties)} counterparties in one book)",
                    hint="keep one book per lender or client",
                )


@check(
    "trading.pledge-registration-late",
    title="在约定时间内办理质押登记 Pledges registered in time",
    clauses=["B.8.2.2.4 a"],
    severity="error",
    kinds=["financing_contract"],
    scope="record",
)
def pledge_registration(record, ctx):
    """B.8.2.2.4 a: the pledgor registers the pledge within the agreed time. Registered after
    the agreed deadline, or not registered when the deadline has passed, is an error (on
    the deadline itself is in time); a started pledge with no registration recorded at all
    is a warning."""
    if record.get("type") != "pledge" or not trc.active(record):
        return
    start = trc.day(record.get("start"))
    reg = record.get("registration") or {}
    deadline, done = trc.day(reg.get("deadline")), trc.day(reg.get("registered_on"))
    if deadline is not None and done is not None and done > deadline:
        yield record.issue(
            ("registration", "registered_on"),
            f"registered on {done.isoformat()}, after the agreed deadline {deadline.isoformat()}",
            hint="register pledges within the agreed time; record the reason for the delay",
        )
    elif deadline is not None and done is None and deadline < ctx.as_of:
        yield record.issue(
            ("registration", "deadline"),
            f"not registered, and the agreed deadline {deadline.isoformat()} has passed",
            hint="register the pledge with the registry and record registered_on",
        )
    elif not reg and start is not None and start <= ctx.as_of:
        yield record.issue(
            "type",
            "the pledge has started but its registration is not recorded",
            key=True,
            hint="record registration: deadline, registered_on, number, registry",
            severity="warning",
        )


@check(
    "trading.pledge-without-decision",
    title="出质经内部决策 Pledges follow the internal decision procedure",
    clauses=["B.8.2.2.4 a"],
    severity="warning",
    kinds=["financing_contract"],
    scope="record",
)
def pledge_decision(record, ctx):
    """B.8.2.2.4 a: the pledgor should follow its internal decision procedure before pledging
    carbon assets; the decision (body, date) is recorded and not later than the start."""
    if record.get("type") != "pledge" or not trc.active(record):
        return
    dec = record.get("internal_decision")
    start = trc.day(record.get("start"))
    if not isinstance(dec, dict):
        yield record.issue("type", "no internal decision recorded for this pledge", key=True, hint="record internal_decision: body, date, reference")
    elif start is not None and trc.day(dec.get("date")) is not None and trc.day(dec.get("date")) > start:
        yield record.issue(
            ("internal_decision", "date"), f"decided on {dec.get('date')}, after the pledge started on {start.isoformat()}", hint="decide before pledging"
        )


@check("assets.serial-clash", title="序列号不同时出现在两处 No serial number in two places", clauses=["C.8.1.2"], severity="error")
def serial_clash(ctx):
    """C.8.1.2: carbon assets correspond one to one with the activities. A serial number (or a
    part of a range) acquired twice without being disposed of in between, disposed of twice
    (sold twice, sold and surrendered), used after it was surrendered or retired, or held
    in two accounts at once is reported, with the overlapping range."""
    text = {
        "acquired_twice": "acquired again while still held",
        "disposed_twice": "disposed of twice",
        "after_terminal": "used after it was surrendered or retired",
        "held_elsewhere": "shown held where it is not",
    }
    for c in _assets(ctx).get("serial_clashes", []):
        first = c["first"]
        yield trc.issue_at(
            ctx,
            c["source"],
            f"serials {c['range']['label']} ({c['range']['size']:,} unit(s)) are {text.get(c['type'], c['type'])}: "
            f"{c['second']['use']} here on {c['second']['date']}, {first['use']} in {first['record']} "
            f"{first['path']} on {first['date']}",
            hint="a serial number is in one place at a time: correct the serials of one of the records",
        )


@check(
    "assets.ledger-not-reconciled", title="台账与持仓单和年度报表相符 The ledger agrees with the statements", clauses=["C.8.1.1", "8.2.3 a"], severity="error"
)
def not_reconciled(ctx):
    """C.8.1.1, 8.2.3 a: the annual carbon asset statement and the registry's holding
    statements agree with the ledger computed from allocations, trades, surrenders,
    contracts and the credits bought and retired for neutrality (offset_credit), within trading.balance_tolerance_t (default 0). A statement lists every
    position the ledger holds on its date: a holding statement unless it says complete:
    false, an annual statement whenever it lists holdings at all (one it leaves out is
    stated as 0 t, located at its holdings)."""
    for r in _assets(ctx).get("reconciliation", []):
        where = "registry statement" if r["what"] == "holding_statement" else "annual statement"
        yield trc.issue_at(
            ctx,
            r["source"],
            f"{where} {r['record']} shows {r['stated']:,} t {r['asset']} in account "
            f"{r['account']} on {r['date']}, the ledger computes {r['computed']:,} t "
            f"(difference {r['stated'] - r['computed']:+,} t)",
            hint="find the missing or extra movement (allocation, trade, surrender, contract, offset_credit purchase or retirement) and record it",
        )


@check(
    "assets.credit-account-unknown",
    title="核证减排量所在账户已登记 Credits bought are held in a recorded account",
    clauses=["C.8.1.1"],
    severity="warning",
    kinds=["offset_credit"],
)
def credit_account_unknown(record, ctx):
    """C.8.1.1: the asset ledger holds every carbon asset of the organization, the credits
    bought for neutrality too; it books a batch in the trading_account its registry.account
    names (the account's id or its account_number). A batch whose account is not named, or
    names no trading_account, is left out of the ledger, the balance sheet and the statements'
    reconciliation. Only where the organization keeps accounts (a trading_account exists)."""
    accts = ctx.derived("assets.credit-account-unknown:accounts", trc.accounts)
    if not accts or not trc.active(record):
        return
    credit = credit_records.read(record)
    if credit.account is None:
        yield record.issue(
            "registry",
            "the registry account holding these credits is not named: they are not in the carbon asset ledger",
            hint="add registry.account: the id or account number of the trading_account that holds them",
        )
    elif trc.account_id(accts, credit.account) is None:
        yield record.issue(
            ("registry", "account"),
            f"registry account {credit.account} is no trading_account's id or account number: the credits are not in the carbon asset ledger",
            hint="record the account as a trading_account (with its account_number), or name the one that holds them",
        )


@check("assets.statement-missing", title="按年度编制碳资产管理报表 An asset statement for every year", clauses=["C.8.1.1", "8.2.3 a"], severity="warning")
def statement_missing(ctx):
    """C.8.1.1, 8.2.3 a: a carbon asset statement with its budgets is prepared each year.
    Every year with carbon asset movements needs one once its due date (setting
    trading.statement_due, default 31 March of the next year) has passed. A statement
    approved, in effect or prepared (prepared_on) only after the as-of date was not there on
    it, so it does not count."""
    statements = _assets(ctx).get("statements", {})
    anchor = ctx.records("asset_statement") or ctx.records("allocation") or ctx.records("trade_ledger") or ctx.records("trading_account")
    if not anchor:
        return
    for year, row in sorted(statements.items()):
        if row.get("required") and not row.get("record"):
            yield anchor[0].issue(
                "kind",
                f"no carbon asset statement for {year} (due {row['due']})",
                hint=f"add an asset_statement for {year} with its emissions, trading and reduction budgets",
            )


@check(
    "assets.statement-budget-missing",
    title="碳资产报表含三项预算 The statement has the three budgets",
    clauses=["C.8.1.1", "8.2.3 e"],
    severity="warning",
    kinds=["asset_statement"],
    scope="record",
)
def statement_budgets(record, ctx):
    """C.8.1.1, 8.2.3 e: the annual statement includes the emissions budget, the trading
    budget and the reduction budget."""
    budgets = record.get("budgets") or {}
    missing = [b for b in ("emissions", "trading", "reduction") if not budgets.get(b)]
    if missing:
        yield record.issue(
            "budgets" if budgets else "year",
            f"the {record.get('year')} statement has no {', '.join(missing)} budget",
            key=True,
            hint="add budgets: emissions, trading, reduction",
        )


@check(
    "assets.budget-after-year",
    title="预算在其年度开始前编制 A budget is prepared before the year it budgets",
    clauses=["C.8.1.1", "8.2.3 e"],
    severity="warning",
    kinds=["asset_statement"],
    scope="record",
)
def budget_after_year(record, ctx):
    """C.8.1.1 (annual carbon asset statements with the emissions, trading and reduction
    budgets), 8.2.3 e (the asset budget mechanism): a budget plans a year, so it is prepared
    before that year begins. The statement's budgets.prepared_on (else its prepared_on) is
    before 1 January of its year. A should-item of C.8.1.1: a warning."""
    year = record.get("year")
    if not isinstance(year, int) or not record.get("budgets") or record.status in ("draft", "withdrawn"):
        return
    given = (record.get("budgets") or {}).get("prepared_on")
    day = trc.day(given or record.get("prepared_on"))
    if day is not None and day >= dt.date(year, 1, 1):
        yield record.issue(
            ("budgets", "prepared_on") if given else "prepared_on",
            f"the {year} budgets were prepared on {day.isoformat()}, {(day - dt.date(year, 1, 1)).days + 1} day(s) into or after the year they budget",
            hint=f"prepare the {year} budgets before {year}-01-01 and record the day in budgets.prepared_on; "
            "a plan written afterwards is a report, not a budget",
        )


@check(
    "assets.outsourcing-risk-uncontrolled",
    title="外包的碳资产管理活动风险受控 Outsourced asset management activities have their risks controlled",
    clauses=["C.6.3.1.2 s2"],
    severity="error",
    kinds=["outsourced_activity"],
)
def outsourcing_risk(record, ctx):
    """C.6.3.1.2 s2: when carbon asset management activities are outsourced, the system
    includes the control and management of their risks. An outsourcing in force at the
    as-of date (started, not ended before it) must name a risk register that is approved
    (or superseded) and known at the as-of date, and codes of that register's entries;
    each named entry must exist, be a risk and have treatment actions. A draft register or
    an entry without actions is not a control."""
    started, ended = dates.parse(record.get("started_on")), dates.parse(record.get("ended_on"))
    if started is None or started > ctx.as_of or (ended is not None and ended < ctx.as_of):
        return
    what = f"outsourced {record.get('activity')} to {record.get('provider')}"
    reg_id = record.get("risk_register")
    reg = ctx.get(reg_id) if isinstance(reg_id, str) else None
    if reg is None or reg.get("status") not in DONE or not known_by(reg, ctx.as_of):
        state = "names no risk register" if reg is None else f"names risk register {reg_id}, not approved by {ctx.as_of.isoformat()}"
        yield record.issue(
            "risk_register" if reg_id else "provider",
            f"{what} {state}",
            hint="register the outsourcing's risks with their controls in an approved risk_register and name it",
        )
        return
    codes = record.get("risks") or []
    if not codes:
        yield record.issue(
            "risk_register",
            f"{what} names no risk of {reg_id}",
            hint="list under risks the codes of the register's entries that control the outsourcing's risks",
        )
        return
    entries = {e.get("code"): e for e in reg.get("entries") or [] if isinstance(e, dict)}
    for i, code in enumerate(codes):
        entry = entries.get(code)
        if entry is None:
            yield record.issue(f"risks[{i}]", f"{what}: risk {code} is not an entry of {reg_id}", hint=f"add the risk to {reg_id} or correct the code")
        elif entry.get("type") != "risk" or not ((entry.get("treatment") or {}).get("actions") or "").strip():
            why = "is an opportunity" if entry.get("type") != "risk" else "has no treatment actions"
            yield record.issue(
                f"risks[{i}]",
                f"{what}: entry {code} of {reg_id} {why}, so the outsourcing's risk has no control",
                hint=f"give {code} in {reg_id} its controls under treatment.actions",
            )


@check(
    "assets.statement-dated-after-approval",
    title="报表和持仓单在其所述日期之后编制和批准 Statements are made after the day they report, and approved after they are made",
    clauses=["C.8.1.1", "8.2.3 a"],
    severity="error",
    kinds=["holding_statement", "asset_statement"],
    scope="record",
)
def statement_dates(record, ctx):
    """C.8.1.1, 8.2.3 a: a statement reports what was held on a day, so it is made on or after
    that day, and approved (approved_on, effective) on or after it is made: a registry
    holding statement is approved no earlier than its date; an annual statement is prepared
    (prepared_on) no earlier than the last day of its year when it lists year-end holdings,
    and approved no earlier than it was prepared. A statement that breaks this order reports
    a day that had not come, or was approved before it was written; it is used as it stands
    (the dates are the error, and the statement is not known before its approval)."""
    if record.status in ("draft", "withdrawn"):
        return
    approvals = [(name, trc.day(record.get(name))) for name in ("approved_on", "effective")]
    if record.kind == "holding_statement":
        day, what, path = trc.day(record.get("date")), "reports the holdings of", "date"
    else:
        day, what, path = trc.day(record.get("prepared_on")), "was prepared on", "prepared_on"
        year = record.get("year")
        if day is not None and isinstance(year, int) and record.get("holdings") and day < dt.date(year, 12, 31):
            yield record.issue(
                "prepared_on",
                f"the {year} statement lists the holdings at {year}-12-31 but was prepared on {day.isoformat()}, before that day",
                hint=f"prepare the statement after the year end and record prepared_on (on or after {year}-12-31)",
            )
    if day is None:
        return
    for name, approved in approvals:
        if approved is not None and approved < day:
            yield record.issue(
                path,
                f"{what} {day.isoformat()}, but was {'approved' if name == 'approved_on' else 'in effect'} on "
                f"{approved.isoformat()}, {(day - approved).days} day(s) before",
                hint=f"correct {path} or {name}: a statement is approved after the day it reports and after it is prepared",
            )
            return

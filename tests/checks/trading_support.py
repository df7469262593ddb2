"""Small trading organizations for the tests of checks/trading*.py and checks/assets*.py.

`trading_org(org)` writes two accounts (a registry account REG and an exchange trading
account TRD that settles in it, exchange code SEEE) and a price series with closes of
50.00 on 2025-09-12 (a Friday) and 2025-09-15; tests add what they need. `line_of` finds
the line of a text in a written file, so that expected lines are found independently of
the engine.
"""

from __future__ import annotations


import yaml

from tests.lines import line_of  # noqa: F401  (re-exported for the tests of this area)

CLOSES = [
    {"date": "2025-09-11", "close": 49.00},
    {"date": "2025-09-12", "close": 50.00},
    {"date": "2025-09-15", "close": 50.00},
    {"date": "2025-12-31", "close": 60.00},
]


def account(org, rid, role, number, **extra):
    fields = {
        "role": role,
        "markets": ["national_ets"],
        "institution": "测试机构",
        "account_number": number,
        "holder": "测试组织",
        "opened_on": "2025-01-01",
        "controllers": [{"name": "张三", "role": "account_manager", "from": "2025-01-01"}],
        "security_controls": {"procedure": "账户安全管理办法 P-1", "dual_authorization": True, "no_lending": True},
    }
    fields.update(extra)
    return org.record("trading_account", rid, **fields)


def trading_org(org, closes=None):
    org.add("trading/REG.yaml", account(org, "REG", "registry", "R-001"))
    org.add("trading/TRD.yaml", account(org, "TRD", "trading", "T-001", exchange="SEEE", settles_in="REG"))
    org.add(
        "trading/PX.yaml", org.record("market_price", "PX", market="national_ets", product="CEA", exchange="SEEE", source="交易所行情", prices=closes or CLOSES)
    )
    return org


def allocation(org, rid="AL", quantity=10_000, year=2025, day="2025-03-01"):
    return org.record(
        "allocation",
        rid,
        scheme="national_ets",
        compliance_period=str(year),
        years=[year],
        registry_account="REG",
        entries=[{"year": year, "stage": "final", "date": day, "quantity": quantity}],
    )


def trade(tid, side, quantity, price, when="2025-09-15T10:00:00+08:00", **extra):
    row = {
        "trade_id": tid,
        "time": when,
        "market": "national_ets",
        "product": "CEA",
        "vintage": 2025,
        "side": side,
        "quantity": quantity,
        "price": price,
        "trade_type": "listed",
    }
    row.update(extra)
    return row


def order(oid, quantity, price, when="2025-09-15T10:00:00+08:00", status="filled", trade_type="listed", side="buy"):
    return {
        "order_id": oid,
        "time": when,
        "market": "national_ets",
        "product": "CEA",
        "vintage": 2025,
        "side": side,
        "quantity": quantity,
        "price": price,
        "trade_type": trade_type,
        "status": status,
    }


def ledger(org, rid="TL", trades=(), orders=(), **extra):
    return org.record(
        "trade_ledger", rid, account="TRD", period={"start": "2025-01-01", "end": "2025-12-31"}, trades=list(trades), orders=list(orders), **extra
    )


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

"""Credits bought for neutrality (offset_credit) in the carbon asset ledger, the balance sheet
and the statements' reconciliation (checks/assets/compute.py, C.8.1.1, G.2).

The organization: the trading_org accounts (REG, TRD), a CCER registry account CC (number
CC-001), CCER reference closes of 70.00 (2025-06-30) and 80.00 (2025-12-31), and a batch OC-1
of 600 CCER of vintage 2023 (serials B1 1..600) bought on 2025-12-10 at 88.00 into CC-001.
"""

from __future__ import annotations

import pytest

from checks.neutrality import credit_records
from tests.checks.neutrality_org import credit, retirement
from tests.checks.trading_support import account, allocation, line_of, trading_org

AS_OF = "2026-06-30"


def ccer_setup(org, retirements, registry_account="CC-001", **over):
    trading_org(org)
    org.add("trading/CC.yaml", account(org, "CC", "ccer_registry", "CC-001", markets=["ccer"]))
    org.add(
        "trading/PXC.yaml",
        org.record(
            "market_price",
            "PXC",
            market="ccer",
            product="CCER",
            source="CCER 协议转让成交均价",
            prices=[{"date": "2025-06-30", "close": 70.00}, {"date": "2025-12-31", "close": 80.00}],
        ),
    )
    c = credit(
        retirements=retirements,
        registry={"name": "全国温室气体自愿减排注册登记系统", "account": registry_account},
        purchase={"date": "2025-12-10", "price": {"value": 88.0, "currency": "CNY"}},
        **over,
    )
    org.add("neutrality/OC-1.yaml", org.record("offset_credit", "OC-1", **c))


def _row(led, year):
    return next(p for p in led["periods"] if p["year"] == year)


def _ccer_lines(sheet):
    return [(line["description"], line["quantity"], line["value"]["value"]) for line in sheet["positive"] if line["category"] == "ccer"]


def test_a_credit_bought_and_not_yet_retired_is_held_at_the_year_end(org):
    # bought 600 on 2025-12-10, 500 retired on 2026-02-10
    ccer_setup(org, [retirement(quantity=500, date="2026-02-10")])
    a = org.run(AS_OF).results["assets"]
    led = a["ledger"]["CC"]["ccer:CCER:2023"]  # CC-001 is the account number of CC
    # 2025: 0 + 600 purchased = 600; 2026: 600 − 500 retired = 100
    assert (_row(led, 2025)["purchases"], _row(led, 2025)["retirements"], _row(led, 2025)["closing"]["value"]) == (600, 0, 600)
    assert (_row(led, 2026)["opening"], _row(led, 2026)["retirements"], _row(led, 2026)["closing"]["value"]) == (600, 500, 100)
    assert led["balance"] == 100 and led["status"]["retired"] == 500
    # G.1 CCER at the latest close: 2025-12-31 600 × 80.00 = 48,000.00; 2026-06-30 100 × 80.00 = 8,000.00
    assert _ccer_lines(a["balance_sheets"]["2025"]) == [("ccer:CCER:2023", 600, pytest.approx(48_000.00))]
    assert a["balance_sheets"]["2025"]["total_positive"]["value"] == pytest.approx(48_000.00)
    assert _ccer_lines(a["balance_sheets"]["2026"]) == [("ccer:CCER:2023", 100, pytest.approx(8_000.00))]
    # not in the cost pools: neither earmarked for an ETS obligation nor an ETS compliance cost
    assert "ccer:CCER:2023" not in a["pnl"]["pools"] and not a["pnl"]["compliance_cost"]
    uses = [(u["use"], u["first"], u["last"], u["record"], u["path"], u["account"]) for u in a["serials"] if u["block"] == "B1"]
    assert uses == [
        ("purchased", 1, 600, "OC-1", "serials[0]", "CC"),
        ("retired", 1, 500, "OC-1", "retirements[0].serials[0]", "CC"),
    ]


def test_retired_before_the_year_end_it_is_not_held(org):
    # bought 600 on 2025-12-10, all retired on 2025-12-20: 600 − 600 = 0 at 2025-12-31, no G.1 line
    ccer_setup(org, [retirement(quantity=600, date="2025-12-20")])
    a = org.run(AS_OF).results["assets"]
    led = a["ledger"]["CC"]["ccer:CCER:2023"]
    assert (_row(led, 2025)["purchases"], _row(led, 2025)["retirements"], _row(led, 2025)["closing"]["value"]) == (600, 600, 0)
    assert _ccer_lines(a["balance_sheets"]["2025"]) == []


def test_part_retired_before_the_year_end(org):
    # 450 retired on 2025-12-20, 150 on 2026-01-15: 600 − 450 = 150 held at 2025-12-31, × 80.00 = 12,000.00
    ccer_setup(org, [retirement(quantity=450, date="2025-12-20"), retirement(quantity=150, first=451, date="2026-01-15")])
    a = org.run(AS_OF).results["assets"]
    assert _ccer_lines(a["balance_sheets"]["2025"]) == [("ccer:CCER:2023", 150, pytest.approx(12_000.00))]
    assert a["ledger"]["CC"]["ccer:CCER:2023"]["balance"] == 0


def _statement(org, holdings):
    return org.record(
        "asset_statement",
        "AS-2025",
        year=2025,
        prepared_on="2026-03-01",
        budgets={"emissions": {"planned_emissions_tco2e": 1}, "trading": {"planned_sales_t": 0}, "reduction": {"planned_reduction_tco2e": 1}},
        holdings=holdings,
    )


def test_a_statement_leaving_the_credits_out_is_not_reconciled(org):
    ccer_setup(org, [retirement(quantity=500, date="2026-02-10")])
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    cea = {"account": "REG", "market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": 1_000}
    org.add("assets/AS-2025.yaml", _statement(org, [cea]))
    [r] = org.of(org.run(AS_OF), "assets.ledger-not-reconciled")
    assert (r.file, r.line) == ("assets/AS-2025.yaml", line_of(org, "assets/AS-2025.yaml", "- account: REG"))
    assert "annual statement AS-2025 shows 0 t ccer:CCER:2023 in account CC on 2025-12-31, the ledger computes 600 t (difference -600 t)" in r.message
    # stated with the wrong quantity: located at it
    org.add("assets/AS-2025.yaml", _statement(org, [cea, {"account": "CC", "market": "ccer", "product": "CCER", "vintage": 2023, "quantity": 120}]))
    [r] = org.of(org.run(AS_OF), "assets.ledger-not-reconciled")
    assert r.line == line_of(org, "assets/AS-2025.yaml", "quantity: 120") and "the ledger computes 600 t (difference -480 t)" in r.message
    org.add("assets/AS-2025.yaml", _statement(org, [cea, {"account": "CC", "market": "ccer", "product": "CCER", "vintage": 2023, "quantity": 600}]))
    assert org.of(org.run(AS_OF), "assets.ledger-not-reconciled") == []


def test_a_registry_statement_of_the_account_sees_the_credits(org):
    ccer_setup(org, [retirement(quantity=500, date="2026-02-10")])
    # on 2026-03-31 CC holds 600 − 500 = 100 (the retirement of 2026-02-10 is out)
    line = {"market": "ccer", "product": "CCER", "vintage": 2023, "quantity": 600, "status": "available"}
    hs = org.record("holding_statement", "HS", account="CC", date="2026-03-31", lines=[line])
    org.add("assets/HS.yaml", hs)
    [r] = org.of(org.run(AS_OF), "assets.ledger-not-reconciled")
    assert "registry statement HS shows 600 t ccer:CCER:2023 in account CC on 2026-03-31, the ledger computes 100 t (difference +500 t)" in r.message
    line["quantity"] = 100
    org.add("assets/HS.yaml", hs)
    assert org.of(org.run(AS_OF), "assets.ledger-not-reconciled") == []


@pytest.mark.parametrize("named", ["CC", "CC-001"])
def test_the_account_is_named_by_id_or_by_number(org, named):
    ccer_setup(org, [], registry_account=named)
    assert org.run(AS_OF).results["assets"]["ledger"]["CC"]["ccer:CCER:2023"]["balance"] == 600


def test_an_account_no_trading_account_has_is_left_out_and_said(org):
    ccer_setup(org, [], registry_account="OLD-9")
    result = org.run(AS_OF)
    assert result.results["assets"]["ledger"].keys() == set()  # the name is no record id: no ledger account of it
    [f] = org.of(result, "assets.credit-account-unknown")
    assert (f.file, f.line, f.path, f.severity) == (
        "neutrality/OC-1.yaml",
        line_of(org, "neutrality/OC-1.yaml", "account: OLD-9"),
        "registry.account",
        "warning",
    )
    assert "registry account OLD-9 is no trading_account's id or account number" in f.message
    for named in ("CC", "CC-001"):
        ccer_setup(org, [], registry_account=named)
        assert org.of(org.run(AS_OF), "assets.credit-account-unknown") == []


def test_an_account_not_named_is_said_where_accounts_are_kept(org):
    ccer_setup(org, [])
    org.add("neutrality/OC-1.yaml", org.record("offset_credit", "OC-1", **credit(registry={"name": "全国温室气体自愿减排注册登记系统"})))
    [f] = org.of(org.run(AS_OF), "assets.credit-account-unknown")
    assert f.path == "registry" and "not named" in f.message


def test_before_the_purchase_or_without_an_account_nothing_moves(org):
    ccer_setup(org, [retirement(quantity=500, date="2026-02-10")])
    assert "CC" not in org.run("2025-12-09").results["assets"]["ledger"]  # bought on 2025-12-10
    assert org.run("2026-02-09").results["assets"]["ledger"]["CC"]["ccer:CCER:2023"]["balance"] == 600
    org.add("neutrality/OC-1.yaml", org.record("offset_credit", "OC-1", **credit(registry={"name": "全国温室气体自愿减排注册登记系统"})))
    assert "CC" not in org.run(AS_OF).results["assets"]["ledger"]


def test_the_same_purchase_and_retirement_booked_elsewhere_are_counted_once(org):
    # the 600 bought also in a trade ledger of CC, the 500 retired also by a surrender of purpose
    # retirement: 600 − 500 = 100, not 1,200 − 1,000, and no serial clash
    ccer_setup(org, [retirement(quantity=500, date="2026-02-10")])
    trade = {
        "trade_id": "B1",
        "date": "2025-12-10",
        "market": "ccer",
        "product": "CCER",
        "vintage": 2023,
        "side": "buy",
        "quantity": 600,
        "price": 88.0,
        "trade_type": "otc",
        "serials": [{"block": "B1", "first": 1, "last": 600}],
    }
    org.add("trading/TLC.yaml", org.record("trade_ledger", "TLC", account="CC", period={"start": "2025-01-01", "end": "2025-12-31"}, trades=[trade]))
    item = {"market": "ccer", "product": "CCER", "vintage": 2023, "quantity": 500, "serials": [{"block": "B1", "first": 1, "last": 500}]}
    org.add("trading/R.yaml", org.record("surrender", "R", purpose="retirement", date="2026-02-10", account="CC", items=[item]))
    result = org.run(AS_OF)
    led = result.results["assets"]["ledger"]["CC"]["ccer:CCER:2023"]
    assert (_row(led, 2025)["purchases"], _row(led, 2026)["retirements"], led["balance"]) == (600, 500, 100)
    assert org.of(result, "assets.serial-clash") == []
    # only part of the batch booked in the trade ledger: the batch is counted, and the overlap found
    trade.update(quantity=100, serials=[{"block": "B1", "first": 1, "last": 100}])
    org.add("trading/TLC.yaml", org.record("trade_ledger", "TLC", account="CC", period={"start": "2025-01-01", "end": "2025-12-31"}, trades=[trade]))
    result = org.run(AS_OF)
    assert result.results["assets"]["ledger"]["CC"]["ccer:CCER:2023"]["balance"] == 200  # 100 + 600 − 500
    [clash] = org.of(result, "assets.serial-clash")
    assert "B1 1..100" in clash.message


@pytest.mark.parametrize(
    "standard, key",
    [("CCER", "ccer:CCER:2023"), ("VCS", "vcs:VCU:2023"), ("GS", "gs:VER:2023"), ("CDM", "cdm:CER:2023"), ("GCC", "other_credit:GCC:2023")],
)
def test_the_asset_a_batch_is(standard, key):
    assert credit_records.asset_of(standard, 2023).key == key
    assert credit_records.asset_of(None, 2023) is None

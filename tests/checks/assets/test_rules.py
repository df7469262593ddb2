"""Ledger, encumbrance, borrowing, serial, statement and review rules (checks/assets/rules.py)."""

import pytest

from tests.checks.trading_support import allocation, ledger, line_of, trade, trading_org

AS_OF = "2025-12-31"


def contract(org, rid, ctype, quantity, start="2025-04-01", closed_on=None, **extra):
    fields = dict(
        type=ctype,
        counterparty=extra.pop("counterparty", "某银行"),
        account="REG",
        assets=[{"market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": quantity}],
        start=start,
    )
    if closed_on:
        fields["closed_on"] = closed_on
    if ctype == "pledge":
        fields.update(registration={"deadline": start, "registered_on": start}, internal_decision={"body": "总经理办公会", "date": start})
    fields.update(extra)
    return org.record("financing_contract", rid, **fields)


def test_negative_balance(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "sell", 1_001, 50.0)]))
    [f] = org.of(org.run(AS_OF), "assets.balance-negative")
    assert (f.file, f.line) == ("trading/TL.yaml", line_of(org, "trading/TL.yaml", "trade_id: T1"))
    assert "sale of 1,001 t national_ets:CEA:2025 on 2025-09-15 takes account REG to -1 t (it held 1,000 t)" in f.message
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "sell", 1_000, 50.0)]))
    assert org.of(org.run(AS_OF), "assets.balance-negative") == []


def test_a_purchase_into_a_negative_balance_is_not_the_fault(org):
    """The sale of 1,500 t from 1,000 t takes the account to -500 t: that sale is reported; a
    purchase of 200 t later (-300 t) only lessens the hole and is not, nor is it "a purchase of
    -200 t" (the message read the inflow's sign backwards); a second sale of 100 t (-400 t) is."""
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    trades = [
        trade("T1", "sell", 1_500, 50.0),
        trade("T2", "buy", 200, 50.0, when="2025-10-15T10:00:00+08:00"),
        trade("T3", "sell", 100, 50.0, when="2025-11-14T10:00:00+08:00"),
    ]
    org.add("trading/TL.yaml", ledger(org, trades=trades))
    found = org.of(org.run(AS_OF), "assets.balance-negative")
    assert [f.line for f in found] == [line_of(org, "trading/TL.yaml", "trade_id: T1"), line_of(org, "trading/TL.yaml", "trade_id: T3")]
    assert "sale of 1,500 t national_ets:CEA:2025 on 2025-09-15 takes account REG to -500 t (it held 1,000 t)" in found[0].message
    assert "sale of 100 t national_ets:CEA:2025 on 2025-11-14 takes account REG to -400 t (it held -300 t)" in found[1].message


def test_selling_pledged_units(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("assets/FC.yaml", contract(org, "FC", "pledge", 600, closed_on="2025-10-01"))
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "sell", 401, 50.0)]))
    [f] = org.of(org.run(AS_OF), "trading.encumbered-asset-traded")
    assert f.file == "trading/TL.yaml" and "of which 600 t pledged, frozen or co-owned, so only 400 t could be used" in f.message
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "sell", 400, 50.0)]))
    assert org.of(org.run(AS_OF), "trading.encumbered-asset-traded") == []


def test_selling_frozen_units_from_a_registry_statement(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add(
        "assets/HS.yaml",
        org.record(
            "holding_statement",
            "HS",
            account="REG",
            date="2025-06-30",
            lines=[
                {"market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": 700, "status": "available"},
                {
                    "market": "national_ets",
                    "product": "CEA",
                    "vintage": 2025,
                    "quantity": 300,
                    "status": "frozen",
                    "since": "2025-06-01",
                    "until": "2025-09-16",
                },
            ],
        ),
    )
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "sell", 701, 50.0)]))  # 2025-09-15: still frozen
    assert len(org.of(org.run(AS_OF), "trading.encumbered-asset-traded")) == 1
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "sell", 701, 50.0, "2025-09-16T10:00:00+08:00")]))
    assert org.of(org.run(AS_OF), "trading.encumbered-asset-traded") == []  # released that day


def test_surrendering_borrowed_units(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("assets/FB.yaml", contract(org, "FB", "borrow", 500, book="BOOK-A"))
    org.add(
        "trading/ETS.yaml",
        org.record(
            "ets_compliance",
            "ETS",
            scheme="national_ets",
            compliance_period="2025",
            years=[2025],
            registry_account="REG",
            emissions=[{"year": 2025, "emissions_tco2e": 1_001}],
            deadline="2026-12-31",
        ),
    )

    def surrender(q, **item):
        return org.record(
            "surrender",
            "S",
            purpose="compliance",
            obligation="ETS",
            date="2025-11-01",
            account="REG",
            items=[{"market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": q, **item}],
        )

    org.add("trading/S.yaml", surrender(1_001))
    [f] = org.of(org.run(AS_OF), "trading.borrowed-asset-used")
    assert "needs more than the 1,000 t the organization owns in account REG (held for others: BOOK-A 500 t)" in f.message
    org.add("trading/S.yaml", surrender(1_000))
    assert org.of(org.run(AS_OF), "trading.borrowed-asset-used") == []
    org.add("trading/S.yaml", surrender(10, from_contract="FB"))  # names the borrowing contract itself
    [f] = org.of(org.run(AS_OF), "trading.borrowed-asset-used")
    assert f.line == line_of(org, "trading/S.yaml", "from_contract: FB") and "uses units of contract FB" in f.message


def test_pledging_borrowed_units_and_pledge_beyond_holdings(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("assets/FB.yaml", contract(org, "FB", "borrow", 500, book="BOOK-A"))
    org.add("assets/FC.yaml", contract(org, "FC", "pledge", 1_200, start="2025-05-01"))
    assert len(org.of(org.run(AS_OF), "trading.borrowed-asset-used")) == 1
    org.add("assets/FC.yaml", contract(org, "FC", "pledge", 1_600, start="2025-05-01"))
    [f] = org.of(org.run(AS_OF), "trading.pledge-exceeds-holdings")
    assert "pledge of 1,600 t national_ets:CEA:2025 from 2025-05-01, but account REG held 1,500 t" in f.message
    org.add("assets/FC.yaml", contract(org, "FC", "pledge", 1_000, start="2025-05-01"))
    result = org.run(AS_OF)
    assert org.of(result, "trading.borrowed-asset-used") == [] and org.of(result, "trading.pledge-exceeds-holdings") == []
    org.add("assets/FC.yaml", contract(org, "FC", "pledge", 10, start="2025-05-01", source_contract="FB"))
    [f] = org.of(org.run(AS_OF), "trading.borrowed-asset-used")
    assert f.line == line_of(org, "assets/FC.yaml", "source_contract: FB")


def test_separate_books(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("assets/F1.yaml", contract(org, "F1", "borrow", 10, counterparty="甲", book="BOOK-1"))
    org.add("assets/F2.yaml", contract(org, "F2", "custody_in", 10, counterparty="乙", book="BOOK-2"))
    assert org.of(org.run(AS_OF), "trading.borrowed-books-not-separate") == []
    org.add("assets/F2.yaml", contract(org, "F2", "custody_in", 10, counterparty="乙", book="BOOK-1"))
    org.add("assets/F3.yaml", contract(org, "F3", "borrow", 10, counterparty="丙"))
    found = org.of(org.run(AS_OF), "trading.borrowed-books-not-separate")
    assert sorted((f.file, f.message[:25]) for f in found) == [("assets/F2.yaml", "book BOOK-1 also holds th"), ("assets/F3.yaml", "borrow contract F3 names ")]


@pytest.mark.parametrize(
    "registered,as_of,expected",
    [
        ("2025-04-10", AS_OF, None),  # on the agreed deadline
        ("2025-04-11", AS_OF, "after the agreed deadline 2025-04-10"),
        (None, "2025-04-10", None),  # not yet, deadline today
        (None, "2025-04-11", "not registered, and the agreed deadline 2025-04-10 has passed"),
    ],
)
def test_pledge_registration(org, registered, as_of, expected):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    reg = {"deadline": "2025-04-10", **({"registered_on": registered} if registered else {})}
    org.add("assets/FC.yaml", contract(org, "FC", "pledge", 100, registration=reg))
    found = org.of(org.run(as_of), "trading.pledge-registration-late")
    assert [f.message for f in found if expected and expected in f.message] == [f.message for f in found]
    assert len(found) == (1 if expected else 0)


def test_pledge_decision(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("assets/FC.yaml", contract(org, "FC", "pledge", 100, internal_decision={"body": "董事会", "date": "2025-04-02"}))
    [f] = org.of(org.run(AS_OF), "trading.pledge-without-decision")
    assert "decided on 2025-04-02, after the pledge started on 2025-04-01" in f.message
    org.add("assets/FC.yaml", contract(org, "FC", "pledge", 100, internal_decision={"body": "董事会", "date": "2025-04-01"}))
    assert org.of(org.run(AS_OF), "trading.pledge-without-decision") == []


def ccer_org(org, surrender_serials, sell_serials=None):
    trading_org(org)
    org.add(
        "trading/CC.yaml",
        org.record(
            "trading_account",
            "CC",
            role="ccer_registry",
            markets=["ccer"],
            institution="x",
            controllers=[{"name": "张三", "role": "trader"}],
            security_controls={"procedure": "P"},
        ),
    )
    trades = [
        {
            "trade_id": "B1",
            "date": "2025-02-01",
            "market": "ccer",
            "product": "CCER",
            "vintage": 2017,
            "side": "buy",
            "quantity": 5_000,
            "price": 50.0,
            "trade_type": "otc",
            "serials": [{"block": "CCER-1-2017", "first": 1, "last": 5_000}],
        }
    ]
    if sell_serials:
        trades.append(
            {
                "trade_id": "S1",
                "date": "2025-03-01",
                "market": "ccer",
                "product": "CCER",
                "vintage": 2017,
                "side": "sell",
                "quantity": 2_000,
                "price": 55.0,
                "trade_type": "otc",
                "serials": sell_serials,
            }
        )
    org.add("trading/TLC.yaml", org.record("trade_ledger", "TLC", account="CC", period={"start": "2025-01-01", "end": "2025-12-31"}, trades=trades))
    org.add(
        "trading/R.yaml",
        org.record(
            "surrender",
            "R",
            purpose="retirement",
            date="2025-04-01",
            account="CC",
            items=[{"market": "ccer", "product": "CCER", "vintage": 2017, "quantity": 3_000, "serials": surrender_serials}],
        ),
    )


def test_serial_sold_and_retired(org):
    ccer_org(org, ["CCER-1-2017-1501-4500"], sell_serials=["CCER-1-2017-0001-2000"])
    [f] = org.of(org.run(AS_OF), "assets.serial-clash")
    assert (f.file, f.line) == ("trading/R.yaml", line_of(org, "trading/R.yaml", "CCER-1-2017-1501-4500"))
    assert "serials CCER-1-2017 1501..2000 (500 unit(s)) are disposed of twice: retired here on 2025-04-01, sold in TLC" in f.message


def test_serials_without_overlap_pass_and_feed_the_map(org):
    ccer_org(org, ["CCER-1-2017-2001-5000"], sell_serials=["CCER-1-2017-0001-2000"])
    result = org.run(AS_OF)
    assert org.of(result, "assets.serial-clash") == []
    uses = {(u["use"], u["first"], u["last"], u["record"]) for u in result.results["assets"]["serials"]}
    assert uses == {("purchased", 1, 5000, "TLC"), ("sold", 1, 2000, "TLC"), ("retired", 2001, 5000, "R")}


def test_registry_statement_reconciliation(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("trading/TL.yaml", ledger(org, trades=[trade("T1", "sell", 100, 50.0)]))
    hs = org.record(
        "holding_statement",
        "HS",
        account="REG",
        date="2025-12-31",
        lines=[{"market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": 901, "status": "available"}],
    )
    org.add("assets/HS.yaml", hs)
    [f] = org.of(org.run(AS_OF), "assets.ledger-not-reconciled")
    assert f.line == line_of(org, "assets/HS.yaml", "quantity: 901")
    assert "shows 901 t national_ets:CEA:2025 in account REG on 2025-12-31, the ledger computes 900 t (difference +1 t)" in f.message
    hs["lines"][0]["quantity"] = 900
    org.add("assets/HS.yaml", hs)
    assert org.of(org.run(AS_OF), "assets.ledger-not-reconciled") == []


def test_complete_statement_missing_a_product_and_tolerance(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("trading/AL2.yaml", allocation(org, "AL2", quantity=5, year=2024, day="2025-03-01"))
    org.add(
        "assets/HS.yaml",
        org.record(
            "holding_statement",
            "HS",
            account="REG",
            date="2025-12-31",
            lines=[{"market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": 1_000, "status": "available"}],
        ),
    )
    [f] = org.of(org.run(AS_OF), "assets.ledger-not-reconciled")
    assert "shows 0 t national_ets:CEA:2024" in f.message
    org.settings(subsystems=["A", "B", "C", "D"], trading={"balance_tolerance_t": 5})
    assert org.of(org.run(AS_OF), "assets.ledger-not-reconciled") == []


def statement(org, year, **fields):
    base = dict(
        year=year,
        prepared_on=f"{year + 1}-03-01",
        budgets={"emissions": {"planned_emissions_tco2e": 1}, "trading": {"planned_sales_t": 0}, "reduction": {"planned_reduction_tco2e": 1}},
    )
    base.update(fields)
    return org.record("asset_statement", f"AS-{year}", **base)


@pytest.mark.parametrize("as_of,missing", [("2026-03-31", False), ("2026-04-01", True)])
def test_statement_missing_edges(org, as_of, missing):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    found = org.of(org.run(as_of), "assets.statement-missing")
    assert bool(found) is missing
    if missing:
        assert found[0].message == "no carbon asset statement for 2025 (due 2026-03-31)"
        org.add("assets/AS-2025.yaml", statement(org, 2025))
        assert org.of(org.run(as_of), "assets.statement-missing") == []


@pytest.mark.parametrize("approved_on, missing", [("2026-04-01", False), ("2026-04-02", True)])
def test_statement_approved_after_the_as_of_date_is_missing_then(org, approved_on, missing):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    st = statement(org, 2025)
    st.update(approved_on=approved_on, effective=approved_on)
    org.add("assets/AS-2025.yaml", st)
    found = org.of(org.run("2026-04-01"), "assets.statement-missing")
    assert [f.message for f in found] == (["no carbon asset statement for 2025 (due 2026-03-31)"] if missing else [])


def test_statement_budgets_and_holdings(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add(
        "assets/AS-2025.yaml",
        statement(
            org,
            2025,
            budgets={"emissions": {"planned_emissions_tco2e": 1}},
            holdings=[{"account": "TRD", "market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": 999}],
        ),
    )
    result = org.run("2026-04-01")
    [b] = org.of(result, "assets.statement-budget-missing")
    assert "the 2025 statement has no trading, reduction budget" in b.message
    [r] = org.of(result, "assets.ledger-not-reconciled")  # TRD settles in REG, which holds 1,000
    assert "annual statement AS-2025 shows 999 t" in r.message and "the ledger computes 1,000 t" in r.message


def _holding(vintage, quantity, account="REG"):
    return {"account": account, "market": "national_ets", "product": "CEA", "vintage": vintage, "quantity": quantity}


def test_statement_leaving_out_a_held_position(org):
    # REG holds 1,000 of vintage 2025 and 5 of vintage 2024 at 2025-12-31; the statement lists the 1,000 only
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("trading/AL2.yaml", allocation(org, "AL2", quantity=5, year=2024, day="2025-03-01"))
    org.add("assets/AS-2025.yaml", statement(org, 2025, holdings=[_holding(2025, 1_000)]))
    [r] = org.of(org.run("2026-04-01"), "assets.ledger-not-reconciled")
    assert (r.file, r.line) == ("assets/AS-2025.yaml", line_of(org, "assets/AS-2025.yaml", "- account: REG"))  # the holdings listed
    assert "annual statement AS-2025 shows 0 t national_ets:CEA:2024 in account REG on 2025-12-31, the ledger computes 5 t (difference -5 t)" in r.message
    # listing it (or a tolerance of 5 t) settles it
    org.add("assets/AS-2025.yaml", statement(org, 2025, holdings=[_holding(2025, 1_000), _holding(2024, 5)]))
    assert org.of(org.run("2026-04-01"), "assets.ledger-not-reconciled") == []
    org.add("assets/AS-2025.yaml", statement(org, 2025, holdings=[_holding(2025, 1_000)]))
    org.settings(subsystems=["A", "B", "C", "D"], trading={"balance_tolerance_t": 5})
    assert org.of(org.run("2026-04-01"), "assets.ledger-not-reconciled") == []


def test_statement_needs_not_list_a_position_sold_out_or_one_without_holdings(org):
    # vintage 2024: 5 allocated and 5 sold in 2025, so 0 held at the year end; a statement listing no holdings states none
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("trading/AL2.yaml", allocation(org, "AL2", quantity=5, year=2024, day="2025-03-01"))
    org.add("trading/TL.yaml", ledger(org, trades=[trade("S1", "sell", 5, 60.0, vintage=2024)]))
    org.add("assets/AS-2025.yaml", statement(org, 2025, holdings=[_holding(2025, 1_000)]))
    assert org.of(org.run("2026-04-01"), "assets.ledger-not-reconciled") == []
    org.add("assets/AS-2025.yaml", statement(org, 2025))
    assert org.of(org.run("2026-04-01"), "assets.ledger-not-reconciled") == []


def test_asset_review(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    [f] = org.of(org.run(AS_OF), "assets.review-overdue")
    assert "there is no carbon asset management review (asset_review, 6.1.4) dated on or before" in f.message
    org.add(
        "assets/ARV.yaml",
        org.record(
            "asset_review",
            "ARV",
            date="2025-01-15",
            categories={"positive": ["配额"], "negative": ["缺口"]},
            regulations=["办法"],
            risks=[{"risk": "价格"}],
            project_process="流程",
            valuation={"date": "2025-01-15", "method": "收盘价"},
        ),
    )
    result = org.run("2026-01-15")
    assert org.of(result, "assets.review-overdue") == []
    [inc] = org.of(result, "assets.review-incomplete")
    assert inc.message == "the asset review does not cover derivatives_model (6.1.4 e)"
    assert len(org.of(org.run("2026-01-16"), "assets.review-overdue")) == 1


def test_sparse_records_never_crash(org):
    """Only the required fields, dangling references and odd combinations: findings, no crash."""
    org.add("trading/A.yaml", org.record("trading_account", "A", role="trading", markets=["national_ets"], institution="x", settles_in="A", exchange="NOWHERE"))
    org.add(
        "trading/TL.yaml",
        org.record(
            "trade_ledger",
            "TL",
            account="MISSING",
            period={"start": "2025-01-01", "end": "2025-12-31"},
            trades=[{"trade_id": "T", "market": "derivatives", "product": "CEA-FWD", "side": "sell", "quantity": 1, "price": 0, "date": "2025-01-02"}],
            orders=[
                {
                    "order_id": "O",
                    "time": "2025-01-02T10:00:00",
                    "market": "national_ets",
                    "product": "CEA",
                    "side": "buy",
                    "quantity": 1,
                    "price": 1,
                    "status": "open",
                }
            ],
        ),
    )
    org.add(
        "trading/E.yaml",
        org.record(
            "ets_compliance",
            "E",
            scheme="local_pilot",
            compliance_period="x",
            years=[2024],
            registry_account="A",
            emissions=[{"year": 2024, "emissions_tco2e": 0}],
            deadline="2025-06-30",
            eligible_vintages=[2020],
        ),
    )
    org.add(
        "trading/S.yaml",
        org.record("surrender", "S", purpose="compliance", date="2025-01-01", account="A", items=[{"market": "local_pilot", "product": "SHEA", "quantity": 1}]),
    )
    org.add(
        "assets/F.yaml",
        org.record(
            "financing_contract",
            "F",
            type="repo",
            counterparty="x",
            account="A",
            assets=[{"market": "vcs", "product": "VCU", "quantity": 3}],
            start="2025-02-01",
        ),
    )
    org.add(
        "assets/H.yaml",
        org.record(
            "holding_statement",
            "H",
            account="A",
            date="2025-03-01",
            complete=False,
            lines=[{"market": "gs", "product": "VER", "quantity": 0, "status": "lent"}],
        ),
    )
    org.add(
        "assets/AS.yaml",
        org.record(
            "asset_statement", "AS", year=2025, prepared_on="2026-01-01", stated_lines=[{"side": "negative", "category": "penalty", "amount": {"value": 1}}]
        ),
    )
    org.add("trading/PX.yaml", org.record("market_price", "PX", market="national_ets", product="CEA", source="x", prices_file="missing.csv"))
    result = org.run("2026-06-30")
    assert org.of(result, "rules.crashed") == []
    assert not any(f.rule.endswith(".compute") for f in result.findings)
    assert result.results["assets"]["balance_sheets"]["2025"]["total_negative"]["value"] == 1


@pytest.mark.parametrize(
    "budgets_on, prepared_on, days",
    [
        ("2024-12-31", "2026-03-16", None),  # the budgets the day before their year: fine
        ("2025-01-01", "2026-03-16", 1),  # the first day of the year: 1 day into it
        (None, "2026-03-16", 440),  # no date of their own: the statement's, 2026-03-16 = day 440 from 2025-01-01
    ],
)
def test_budget_is_prepared_before_its_year(org, budgets_on, prepared_on, days):
    # C.8.1.1: AS-2025 as in the example before the fix (prepared 2026-03-16, budgets for 2025)
    budgets = {"emissions": {"planned_emissions_tco2e": 1}, "trading": {"planned_sales_t": 0}, "reduction": {"planned_reduction_tco2e": 1}}
    if budgets_on:
        budgets["prepared_on"] = budgets_on
    org.add("assets/AS-2025.yaml", statement(org, 2025, prepared_on=prepared_on, budgets=budgets))
    result = org.run("2026-06-30")
    found = org.of(result, "assets.budget-after-year")
    if days is None:
        assert found == []
        return
    [f] = found
    assert (f.severity, f.file, f.clauses) == ("warning", "assets/AS-2025.yaml", ("C.8.1.1", "8.2.3 e"))
    assert f"{days} day(s) into or after the year they budget" in f.message
    assert f.path == ("budgets.prepared_on" if budgets_on else "prepared_on")


@pytest.mark.parametrize("approved_on, flagged", [("2025-12-31", False), ("2025-12-30", True)])
def test_holding_statement_approved_before_its_date(org, approved_on, flagged):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    line = {"market": "national_ets", "product": "CEA", "vintage": 2025, "quantity": 1_000, "status": "available"}
    hs = org.record("holding_statement", "HS", account="REG", date="2025-12-31", lines=[line], approved_on=approved_on, effective="2026-01-06")
    org.add("assets/HS.yaml", hs)
    found = org.of(org.run("2026-06-30"), "assets.statement-dated-after-approval")
    assert bool(found) == flagged
    if flagged:
        [f] = found
        assert (f.line, f.path) == (line_of(org, "assets/HS.yaml", "date: '2025-12-31'"), "date")
        assert "reports the holdings of 2025-12-31, but was approved on 2025-12-30, 1 day(s) before" in f.message


@pytest.mark.parametrize(
    "prepared_on, message",
    [
        ("2026-03-16", None),  # prepared after the year end, approved 2026-03-20
        ("2026-03-20", None),  # approved the day it was prepared
        ("2026-03-21", "was prepared on 2026-03-21, but was approved on 2026-03-20, 1 day(s) before"),
        ("2025-12-30", "the 2025 statement lists the holdings at 2025-12-31 but was prepared on 2025-12-30, before that day"),
    ],
)
def test_asset_statement_prepared_after_approval_or_before_the_year_end(org, prepared_on, message):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    rec = statement(org, 2025, prepared_on=prepared_on, approved_on="2026-03-20", effective="2026-03-20", holdings=[_holding(2025, 1_000)])
    org.add("assets/AS-2025.yaml", rec)
    found = org.of(org.run("2026-06-30"), "assets.statement-dated-after-approval")
    assert [f.message for f in found] == ([message] if message else [])
    if message:
        assert found[0].line == line_of(org, "assets/AS-2025.yaml", "prepared_on:")


def test_a_statement_prepared_after_the_as_of_date_is_not_there(org):
    # approved 2026-03-20 but prepared 2026-08-01: as of 2026-06-30 the 2025 statement (due 2026-03-31) is missing
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000))
    org.add("assets/AS-2025.yaml", statement(org, 2025, prepared_on="2026-08-01", approved_on="2026-03-20", effective="2026-03-20"))
    result = org.run("2026-06-30")
    [f] = org.of(result, "assets.statement-missing")
    assert f.message == "no carbon asset statement for 2025 (due 2026-03-31)"
    assert result.results["assets"]["statements"]["2025"]["record"] is None
    assert len(org.of(result, "assets.statement-dated-after-approval")) == 1

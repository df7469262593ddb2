"""Reading trade ledgers (checks/trading/records.py): rows read once per run, never stale."""

from tests.checks.trading_support import ledger, trading_org

AS_OF = "2025-12-31"
HEAD = "trade_id,time,market,product,vintage,side,quantity,price,trade_type\n"


def test_a_new_run_reads_changed_rows(org):
    # the rows of a ledger are cached for one run only: a second run on a changed file sees the change
    trading_org(org)
    org.add("trading/data/t.csv", HEAD + "T1,2025-09-16T10:00:00+08:00,national_ets,CEA,2025,buy,10,50.00,listed\n")
    org.add("trading/TL.yaml", ledger(org, trades_file="data/t.csv"))
    first = org.run(AS_OF)
    assert first.results["trading"]["counts"]["trades"] == 1
    assert first.results["assets"] is not None  # the asset ledger read the same rows in the same run
    org.add(
        "trading/data/t.csv",
        HEAD + "T1,2025-09-16T10:00:00+08:00,national_ets,CEA,2025,buy,10,50.00,listed\n"
        "T2,2025-09-16T10:00:00+08:00,national_ets,CEA,2025,buy,10,99.00,listed\n",
    )
    second = org.run(AS_OF)
    assert second.results["trading"]["counts"]["trades"] == 2
    assert [f.message.split()[1] for f in org.of(second, "trading.price-out-of-band")] == ["T2"]

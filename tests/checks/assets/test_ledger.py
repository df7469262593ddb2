"""The asset ledger replay (checks/assets/ledger.py), with every figure worked out by hand."""

import datetime as dt

from checks.assets.ledger import Encumbrance, Movement, Pledge, balance_on, replay
from checks.trading.rows import Asset

CEA22 = Asset("national_ets", "CEA", 2022)
D = dt.date


def mv(day, q, kind, account="R", asset=CEA22, time=None, book=None, src=None):
    return Movement(account, asset, day, q, kind, {"record": src or kind}, time, book)


def test_period_rows_follow_the_formula():
    moves = [
        mv(D(2023, 4, 20), 4_012_330, "allocation"),
        mv(D(2023, 6, 14), -30_000, "sale"),
        mv(D(2023, 10, 25), 1_719_570, "allocation"),
        mv(D(2023, 11, 28), -5_670_885, "surrender"),
        mv(D(2024, 4, 23), -20_000, "sale"),
        mv(D(2024, 5, 6), 7_000, "purchase"),
    ]
    out = replay(moves, as_of=D(2024, 12, 31))
    led = out["accounts"]["R"][CEA22.key]
    y23, y24 = led["periods"]
    # 2023: 0 + (4,012,330 + 1,719,570) + 0 − 30,000 − 5,670,885 = 31,015
    assert (y23["opening"], y23["allocation"], y23["sales"], y23["surrenders"]) == (0, 5_731_900, 30_000, 5_670_885)
    assert y23["closing"]["value"] == 31_015
    # 2024: 31,015 + 7,000 − 20,000 = 18,015
    assert (y24["opening"], y24["purchases"], y24["sales"], y24["closing"]["value"]) == (31_015, 7_000, 20_000, 18_015)
    assert led["balance"] == 18_015 and out["problems"] == []
    assert [i["symbol"] for i in y24["closing"]["inputs"]][:3] == ["opening", "allocation", "purchases"]


def test_rows_run_to_the_as_of_year_and_ignore_later_movements():
    moves = [mv(D(2023, 1, 5), 100, "purchase"), mv(D(2026, 7, 1), -100, "sale")]
    out = replay(moves, as_of=D(2025, 6, 30))
    led = out["accounts"]["R"][CEA22.key]
    assert [p["year"] for p in led["periods"]] == [2023, 2024, 2025]
    assert led["periods"][-1]["end"] == "2025-06-30"
    assert led["balance"] == 100  # the sale of 2026-07-01 is after the as-of date


def test_negative_balance_is_found_and_same_day_untimed_inflow_comes_first():
    # sale without a time and a purchase on the same day: inflow first, no negative balance
    ok = replay([mv(D(2024, 3, 1), -50, "sale"), mv(D(2024, 3, 1), 50, "purchase")], as_of=D(2024, 12, 31))
    assert ok["problems"] == []
    # with times, the sale at 09:40 comes before the purchase at 14:00: 0 − 50 = −50
    t = dt.datetime
    bad = replay(
        [mv(D(2024, 3, 1), -50, "sale", time=t(2024, 3, 1, 9, 40)), mv(D(2024, 3, 1), 50, "purchase", time=t(2024, 3, 1, 14, 0))], as_of=D(2024, 12, 31)
    )
    [p] = bad["problems"]
    assert (p["type"], p["balance"], p["available"], p["quantity"]) == ("negative", -50, 0, 50)
    assert bad["accounts"]["R"][CEA22.key]["min"] == {"value": -50, "date": "2024-03-01"}


def test_sale_of_pledged_units_and_its_near_miss():
    alloc = mv(D(2023, 4, 20), 4_012_330, "allocation")
    pledge = Encumbrance("R", CEA22, 2_000_000, D(2023, 5, 12), D(2023, 11, 20), "pledged", {"record": "FC"})
    # 4,012,330 − 2,000,000 = 2,012,330 free: selling exactly that is allowed
    fine = replay([alloc, mv(D(2023, 6, 14), -2_012_330, "sale")], [pledge], as_of=D(2023, 12, 31))
    assert fine["problems"] == []
    # one more tonne needs a pledged one
    bad = replay([alloc, mv(D(2023, 6, 14), -2_012_331, "sale")], [pledge], as_of=D(2023, 12, 31))
    [p] = bad["problems"]
    assert (p["type"], p["available"], p["encumbered"]) == ("encumbered", 2_012_330, 2_000_000)
    # on the release day the pledge no longer binds
    after = replay([alloc, mv(D(2023, 11, 20), -4_012_330, "sale")], [pledge], as_of=D(2023, 12, 31))
    assert after["problems"] == []


def test_surrender_of_borrowed_units_and_pledge_checks():
    own = mv(D(2024, 1, 2), 1_000, "allocation")
    borrowed = mv(D(2024, 2, 1), 500, "borrow_in", book="LENDER-A")
    # own 1,000: surrendering 1,000 is fine, 1,001 needs a borrowed unit
    assert replay([own, borrowed, mv(D(2024, 3, 1), -1_000, "surrender")], as_of=D(2024, 12, 31))["problems"] == []
    [p] = replay([own, borrowed, mv(D(2024, 3, 1), -1_001, "surrender")], as_of=D(2024, 12, 31))["problems"]
    assert (p["type"], p["available"], p["books"]) == ("not_own", 1_000, {"LENDER-A": 500})
    # a pledge of 1,200 on a balance of 1,500 (500 borrowed) uses borrowed units
    [p] = replay([own, borrowed], pledges=[Pledge("R", CEA22, 1_200, D(2024, 3, 1), "FC-1")], as_of=D(2024, 12, 31))["problems"]
    assert (p["type"], p["movement"], p["available"]) == ("not_own", "pledge", 1_000)
    # a pledge of 1,600 is more than the account holds at all
    [p] = replay([own, borrowed], pledges=[Pledge("R", CEA22, 1_600, D(2024, 3, 1), "FC-1")], as_of=D(2024, 12, 31))["problems"]
    assert (p["type"], p["available"]) == ("pledge_exceeds", 1_500)


def test_books_and_units_away():
    moves = [
        mv(D(2024, 1, 2), 1_000, "allocation"),
        mv(D(2024, 2, 1), 300, "borrow_in", book="B1"),
        mv(D(2024, 3, 1), -200, "lend_out"),
        mv(D(2024, 6, 1), -300, "borrow_return", book="B1"),
    ]
    led = replay(moves, as_of=D(2024, 12, 31))["accounts"]["R"][CEA22.key]
    # balance 1,000 + 300 − 200 − 300 = 800; books emptied; 200 lent away (still own)
    assert (led["balance"], led["own"], led["books"], led["away"]) == (800, 800, {}, {"lent": 200})
    # financing column: +300 − 200 − 300 = −200
    assert led["periods"][0]["financing"] == -200


def test_balance_on_a_day():
    moves = [mv(D(2024, 1, 2), 10, "purchase"), mv(D(2024, 1, 3), -4, "sale")]
    assert balance_on(moves, "R", CEA22, D(2024, 1, 2)) == 10
    assert balance_on(moves, "R", CEA22, D(2024, 1, 3)) == 6


def test_status_of_a_holding_on_the_as_of_date():
    moves = [
        mv(D(2024, 1, 2), 1_000, "allocation"),
        mv(D(2024, 2, 1), 300, "borrow_in", book="B1"),
        mv(D(2024, 3, 1), -200, "lend_out"),
        mv(D(2024, 4, 1), -100, "sale"),
        mv(D(2024, 5, 1), -50, "surrender"),
    ]
    pledge = Encumbrance("R", CEA22, 400, D(2024, 6, 1), None, "pledged")
    frozen = Encumbrance("R", CEA22, 50, D(2024, 6, 1), D(2024, 7, 1), "frozen")
    led = replay(moves, [pledge, frozen], as_of=D(2024, 12, 31))["accounts"]["R"][CEA22.key]
    # balance 1,000 + 300 − 200 − 100 − 50 = 950; own 950 − 300 borrowed = 650; pledged 400 (freeze ended)
    # available = 650 − 400 = 250
    assert led["status"] == {
        "available": 250,
        "pledged": 400,
        "frozen": 0,
        "lent": 200,
        "repo": 0,
        "in_custody": 0,
        "borrowed": 300,
        "custody_in": 0,
        "surrendered": 50,
        "retired": 0,
        "sold": 100,
    }

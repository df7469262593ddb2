"""The example organization's carbon assets at 2026-06-30, against figures worked out by hand
from its records (records/trading, records/assets), and the settings' defaults against the
ETS library (cms_build/data/factors/ets_cn.yaml)."""

import datetime as dt
import json

import pytest

from cms_build import factors
from cms_build.engine import run
from tests.conftest import EXAMPLE

MINE = ("trading", "assets")


@pytest.fixture(scope="module")
def result():
    return run(EXAMPLE, dt.date(2026, 6, 30))


def test_no_trading_or_asset_finding_in_the_example(result):
    mine = [f for f in result.findings if f.rule.split(".")[0] in MINE or f.file.startswith(("trading/", "assets/"))]
    assert [(f.rule, f.location(), f.message) for f in mine if f.severity != "info"] == []


def test_ledger_of_the_2022_vintage(result):
    led = result.results["assets"]["ledger"]["ACC-REG-CEA"]["national_ets:CEA:2022"]
    rows = {p["year"]: p for p in led["periods"]}
    # 2023: allocation 4,012,330 + 1,719,570 = 5,731,900; sold 30,000; surrendered 5,670,885
    #       closing 5,731,900 − 30,000 − 5,670,885 = 31,015
    assert (rows[2023]["allocation"], rows[2023]["sales"], rows[2023]["surrenders"]) == (5_731_900, 30_000, 5_670_885)
    assert rows[2023]["closing"]["value"] == 31_015
    # 2024: 31,015 − 20,000 = 11,015, unchanged since
    assert rows[2024]["closing"]["value"] == 11_015 and led["balance"] == 11_015


def test_ledger_of_the_2024_vintage_includes_the_trading_account(result):
    led = result.results["assets"]["ledger"]["ACC-REG-CEA"]["national_ets:CEA:2024"]
    y25 = next(p for p in led["periods"] if p["year"] == 2025)
    # 4,128,250 (pre-allocated 2024) + 1,769,250 + purchases 4 × 5,000 + 100,000 − surrender 6,017,500 = 0
    assert (y25["opening"], y25["allocation"], y25["purchases"], y25["surrenders"]) == (4_128_250, 1_769_250, 120_000, 6_017_500)
    assert y25["closing"]["value"] == 0


def test_compliance_positions(result):
    comp = result.results["assets"]["compliance"]
    c = comp["ETS-2021-2022"]
    # due 5,962,310 + 5,804,775 = 11,767,085; CCER limit 5% = 588,354.25; CCER 250,000 counted in full
    assert c["due"]["value"] == 11_767_085
    assert c["ccer_limit"]["value"] == pytest.approx(588_354.25)
    assert (c["allowances_surrendered"], c["ccer_surrendered"]) == (11_517_085, 250_000)
    assert c["position"]["value"] == 0 and c["closed"] and not c["short"]
    # valued at the close of 2026-06-30 (68.90): 0 × 68.90 = 0
    assert c["price"]["value"] == 68.90 and c["price"]["date"] == "2026-06-30"
    assert comp["ETS-2024"]["surrendered"]["value"] == 6_018_858  # 6,017,500 + 1,358


def test_balance_sheet_2025(result):
    sheet = result.results["assets"]["balance_sheets"]["2025"]
    surplus = next(line for line in sheet["positive"] if line["category"] == "surplus_allowances")
    # held 11,015 (2022) + 61,100 (2023) = 72,115, but ETS-2025 still needs 5,933,589: no surplus
    assert surplus["quantity"] == 0 and surplus["value"]["value"] == 0
    # the 2025 allocation is not recorded: the shortfall is listed unvalued, not 5,933,589 × price
    short = next(line for line in sheet["negative"] if line["category"] == "allowance_shortfall")
    assert short["value"]["value"] is None and "allocation for 2025 not recorded" in short["description"]
    # C.6.2.2 a: the 120,000 t CEA 2024 bought in 2025 and surrendered: their cost 6,952,945.23 (see below)
    cost = next(line for line in sheet["negative"] if line["category"] == "compliance_cost")
    assert cost["value"]["value"] == pytest.approx(6_952_945.23)
    # G.1 CCER: the credits bought for neutrality still held on 2025-12-31 (records/neutrality/OC-*.yaml,
    # retired only on 2026-02-10), at the latest CCER close on or before it, 81.20 (PX-CCER-2025-2026 2025-12-31):
    #   OC-2024-FS 1,450 − 1,400 − 40 = 10 t × 81.20 = 812.00 (vintage 2016)
    #   OC-2025-FS 600 t × 81.20 = 48,720.00 (vintage 2023); OC-2025-WIND 600 t × 81.20 = 48,720.00 (vintage 2024)
    ccer = [(line["description"], line["quantity"], line["value"]["value"]) for line in sheet["positive"] if line["category"] == "ccer"]
    assert ccer == [
        ("ccer:CCER:2016", 10, pytest.approx(812.00)),
        ("ccer:CCER:2023", 600, pytest.approx(48_720.00)),
        ("ccer:CCER:2024", 600, pytest.approx(48_720.00)),
    ]
    # each valued at a close of its valuation day: no line has a stale-price note
    assert all(line.get("price_date") == "2025-12-31" for line in sheet["positive"] if line["category"] == "ccer")
    assert not any(line["value"]["notes"] for line in sheet["positive"])
    # positive: 650,000 (potential PV project) + 812 + 48,720 + 48,720 = 748,252 (ARV-2025 states it)
    # negative: 9,600,000 (retrofit) + 6,952,945.23 = 16,552,945.23; net 748,252 − 16,552,945.23 = −15,804,693.23
    assert sheet["total_positive"]["value"] == pytest.approx(748_252)
    assert sheet["total_negative"]["value"] == pytest.approx(16_552_945.23)
    assert sheet["net"]["value"] == pytest.approx(-15_804_693.23)


def test_credits_bought_for_neutrality_in_the_ledger(result):
    led = result.results["assets"]["ledger"]["ACC-CCER"]  # registry.account BJP-CCER-0021 is ACC-CCER's number
    rows = {key: {p["year"]: p for p in led[key]["periods"]} for key in ("ccer:CCER:2016", "ccer:CCER:2023", "ccer:CCER:2024")}
    # OC-2024-FS: bought 1,450 on 2025-01-20, retired 1,400 (2025-02-18) + 40 (2025-07-15): 10 at the end of 2025 and since
    assert (rows["ccer:CCER:2016"][2025]["purchases"], rows["ccer:CCER:2016"][2025]["retirements"]) == (1_450, 1_440)
    assert rows["ccer:CCER:2016"][2025]["closing"]["value"] == 10 and led["ccer:CCER:2016"]["balance"] == 10
    # OC-2025-FS and OC-2025-WIND: 600 each bought on 2025-12-10, retired on 2026-02-10: 600 − 600 = 0
    for key in ("ccer:CCER:2023", "ccer:CCER:2024"):
        assert (rows[key][2025]["purchases"], rows[key][2025]["closing"]["value"]) == (600, 600)
        assert (rows[key][2026]["retirements"], rows[key][2026]["closing"]["value"]) == (600, 0)
    # the 2026 sheet (valued on 2026-06-30): only the 10 t left, 10 × 84.10 (close of 2026-06-30) = 841.00
    s2026 = result.results["assets"]["balance_sheets"]["2026"]
    assert [(line["quantity"], line["value"]["value"]) for line in s2026["positive"] if line["category"] == "ccer"] == [(10, pytest.approx(841.00))]


def test_balance_sheet_2022_ccer_bought_for_compliance_is_negative(result):
    sheet = result.results["assets"]["balance_sheets"]["2022"]
    # C.6.2.2 b: 250,000 CCER bought in 2022 for ETS-2021-2022 (open on 2022-12-31) at a cost of
    # 14,501,450.00 (the compliance cost when surrendered in 2023): a negative asset at cost, no G.1 line
    held = [line for line in sheet["negative"] if line["category"] == "compliance_purchases"]
    assert [line["value"]["value"] for line in held] == [pytest.approx(14_501_450.00)]
    assert not [line for line in sheet["positive"] if line["category"] == "ccer"]
    # the 72,875 t above the 2022 allocation (5,804,775 − 5,731,900) are covered by them: no shortfall left
    assert not [line for line in sheet["negative"] if line["category"] == "allowance_shortfall"]
    s2023 = result.results["assets"]["balance_sheets"]["2023"]
    [surrendered] = [line for line in s2023["negative"] if line["category"] == "compliance_cost"]
    assert surrendered["value"]["value"] == pytest.approx(14_501_450.00)


def test_balance_sheet_2024_shortfall_and_gain(result):
    sheet = result.results["assets"]["balance_sheets"]["2024"]
    short = next(line for line in sheet["negative"] if line["category"] == "allowance_shortfall")
    # 6,018,858 verified − 5,897,500 allocated for 2024 = 121,358; × 97.49 (close 2024-12-31) = 11,831,191.42
    assert short["quantity"] == 121_358 and short["value"]["value"] == pytest.approx(11_831_191.42)
    gain = next(line for line in sheet["positive"] if line["category"] == "secondary_market_gain")
    # 20,000 × 98.50 − 197.00 fees − 0 cost (free allocation) = 1,969,803.00
    assert gain["value"]["value"] == pytest.approx(1_969_803.00)


def test_profit_and_loss_by_product_and_year(result):
    pnl = result.results["assets"]["pnl"]["by_product"]["national_ets:CEA"]
    # 2023: 30,000 × 59.20 − 177.60 = 1,775,822.40
    assert pnl["2023"]["value"] == pytest.approx(1_775_822.40)
    assert set(pnl) == {"2023", "2024"}  # 2025 only bought
    pools = result.results["assets"]["pnl"]["pools"]
    # 2025 purchases: 5,000 × (58.40 + 58.55 + 58.70 + 58.80) + fees 117.23 + 100,000 × 57.80 + 578.00
    #               = 1,172,250.00 + 117.23 + 5,780,000.00 + 578.00 = 6,952,945.23, all surrendered
    assert pools["national_ets:CEA:2024"] == {"quantity": 0, "cost": 0.0, "average": None}
    cost = result.results["assets"]["pnl"]["compliance_cost"]["national_ets:CEA:2024|2025"]
    assert cost == pytest.approx(6_952_945.23)


def test_serial_map_for_the_neutrality_checks(result):
    uses = [u for u in result.results["assets"]["serials"] if u["block"] == "CCER-0286-2017"]
    assert [(u["use"], u["first"], u["last"], u["record"]) for u in uses] == [
        ("purchased", 100001, 350000, "TL-CCER-2022"),
        ("held", 100001, 350000, "HS-CCER-2022-12-31"),
        ("surrendered", 100001, 350000, "SUR-2023-11-CCER"),
    ]
    json.dumps(result.results["assets"])  # serializable, for cms export
    json.dumps(result.results["trading"])


def test_settings_defaults_are_the_library_figures():
    schema = json.loads((EXAMPLE.parent / "schemas" / "settings-trading.schema.json").read_text(encoding="utf-8"))
    props = schema["properties"]
    assert props["ccer_max_share"]["default"] == factors.ets("ccer_max_share").value
    assert props["price_band_listed"]["default"] == factors.ets("listed_price_band").value
    assert props["price_band_block"]["default"] == factors.ets("block_price_band").value
    assert props["block_threshold_t"]["default"] == factors.ets("block_threshold").value
    assert props["price_tick"]["default"] == factors.ets("price_tick").value
    assert props["exchanges"]["default"] == {}  # no national position limit or large-holder threshold

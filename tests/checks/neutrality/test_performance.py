"""D.9: the neutrality subsystem's contribution and its own cost (checks/neutrality/performance.py)."""

from __future__ import annotations

import pytest

from tests.checks.neutrality_org import claim, credit, line_of, neutrality_findings, put, retirement, setup


def _perf(result):
    return result.results["neutrality_performance"]


def _two_credits(org, price2=95.0):
    """NC-1 offset by OC-1 (300 t at 70 CNY/t) and OC-2 (200 t at price2)."""
    setup(
        org,
        OC_1=credit(purchase={"date": "2025-12-10", "price": {"value": 70.0, "currency": "CNY"}}, retirements=[retirement(quantity=300)]),
    )
    purchase = {"date": "2025-12-10"} if price2 is None else {"date": "2025-12-10", "price": {"value": price2, "currency": "CNY"}}
    return put(
        org,
        "offset_credit",
        "OC-2",
        credit(block="B2", quantity=200, purchase=purchase, retirements=[retirement(block="B2", quantity=200)]),
    )


def test_contribution_and_credit_cost_by_hand(org):
    rel = _two_credits(org)
    result = org.run("2026-06-30")
    assert neutrality_findings(result) == []
    c = _perf(result)["claims"]["NC-1"]
    # contribution = reductions 0 (the setup's 20 t are not counted inside the footprint) + retired 300 + 200 = 500 tCO2e
    assert (c["record"], c["year"], c["contribution"]["value"], c["contribution"]["unit"]) == ("NC-1", 2025, 500, "tCO2e")
    # credit cost = 300 × 70 + 200 × 95 = 21 000 + 19 000 = 40 000 CNY
    assert c["credit_cost"]["value"] == pytest.approx(40000) and c["credit_cost"]["unit"] == "CNY"
    # cost per tonne = 40 000 / 500 = 80 CNY/tCO2e
    assert c["cost_per_tonne"]["value"] == pytest.approx(80) and c["cost_per_tonne"]["unit"] == "CNY/tCO2e"
    # each price is traced to the credit's purchase.price line
    p2 = next(i for i in c["credit_cost"]["inputs"] if i["value"] == 95.0)
    assert (p2["source"]["record"], p2["source"]["line"]) == ("OC-2", line_of(org, rel, "value: 95"))  # a mapping is located at its first key
    y = _perf(result)["years"]["2025"]
    # no trading records: the ETS compliance cost of 2025 is 0, so the total is the credit cost, 40 000
    assert y["claims"] == ["NC-1"] and y["ets_compliance_cost"]["value"] == 0 and y["total_cost"]["value"] == pytest.approx(40000)
    assert y["cost_per_tonne"]["value"] == pytest.approx(80)


def test_an_unknown_price_leaves_the_cost_unknown_never_zero(org):
    _two_credits(org, price2=None)
    c = _perf(org.run("2026-06-30"))["claims"]["NC-1"]
    assert c["contribution"]["value"] == 500
    assert c["credit_cost"] is None and c["cost_per_tonne"] is None
    y = _perf(org.run("2026-06-30"))["years"]["2025"]
    assert y["credit_cost"] is None and y["total_cost"] is None


def test_a_draft_or_withdrawn_claim_is_not_counted(org):
    setup(org, NC_1=claim(status="draft"))
    assert _perf(org.run("2026-06-30")) == {"as_of": "2026-06-30", "claims": {}, "years": {}}


def test_ets_compliance_cost_of_a_year_from_the_assets_figures():
    from checks.neutrality.performance import _ets_cost

    cost = {"national_ets:CEA:2024|2025": 1000.5, "ccer:CCER:2017|2025": 200.0, "national_ets:CEA:2023|2024": 7.0}
    # 2025: 1000.5 + 200.0 = 1200.5; 2024: 7.0; 2023: nothing surrendered at cost, 0 with a note
    assert _ets_cost(2025, cost).value == pytest.approx(1200.5)
    assert _ets_cost(2024, cost).value == pytest.approx(7.0)
    none = _ets_cost(2023, cost)
    assert none.value == 0 and none.notes


def test_the_example_figures():
    """records/: NCL-HQ-2025 retired 600 t of OC-2025-FS at 88 CNY/t and 600 t of OC-2025-WIND at
    79.5: 52 800 + 47 700 = 100 500 CNY for 1 200 tCO2e, 83.75 CNY/t; NCL-HQ-2024 retired 1 400 + 40 t
    of OC-2024-FS at 62.5: 1 440 × 62.5 = 90 000 CNY, 62.5 CNY/t. The 2025 ETS compliance cost is the
    assets domain's (surrenders of 2025 at pool cost), added to the credit cost."""
    import datetime as dt

    from cms_build.engine import run
    from tests.conftest import EXAMPLE

    result = run(EXAMPLE, dt.date(2026, 6, 30))
    perf = result.results["neutrality_performance"]
    c25, c24 = perf["claims"]["NCL-HQ-2025"], perf["claims"]["NCL-HQ-2024"]
    assert (c25["contribution"]["value"], c25["credit_cost"]["value"], c25["cost_per_tonne"]["value"]) == pytest.approx((1200, 100500, 83.75))
    assert (c24["contribution"]["value"], c24["credit_cost"]["value"], c24["cost_per_tonne"]["value"]) == pytest.approx((1440, 90000, 62.5))
    ets = sum(v for k, v in result.results["assets"]["pnl"]["compliance_cost"].items() if k.endswith("|2025"))
    y = perf["years"]["2025"]
    assert y["ets_compliance_cost"]["value"] == pytest.approx(ets) and y["total_cost"]["value"] == pytest.approx(100500 + ets)


def test_performance_on_the_neutrality_page(org, tmp_path):
    from cms_build.site.build import build_site

    _two_credits(org)
    result = org.run("2026-06-30")
    work = tmp_path / "work"
    build_site(org.root, result.as_of, out=tmp_path / "site", work=work, result=result)
    page = (work / "docs" / "neutrality/index.md").read_text(encoding="utf-8")
    assert "碳中和绩效：贡献与履约成本（D.9）" in page
    [row] = [line for line in page.splitlines() if line.startswith("| 2025 |")]
    # 500 tCO2e, 40 000 CNY, ETS 0, total 40 000, 80 CNY/tCO2e (the site escapes dots and separates thousands)
    assert row == "| 2025 | [NC-1](../records/neutrality_claim/NC-1.md) | 500&#46;00 tCO2e | 40,000 CNY | 0 CNY | 40,000 CNY | 80 CNY/tCO2e |"

"""checks/neutrality/credits.py: credits bought and retired for neutrality (D.8.2.1, D.6.1.1 c, reading 5)."""

from __future__ import annotations

import datetime as dt

import pytest

from cms_build.api import Context
from cms_build.engine import load_rules, rule_folders
from tests.checks.neutrality_org import claim, credit, line_of, put, retirement, setup


def test_retirement_without_certificate(org):
    ret = retirement()
    del ret["certificate_ref"]
    paths = setup(org, OC_1=credit(retirements=[ret]))
    [f] = org.of(org.run(), "neutrality.credit-retirement-without-proof")
    assert (f.file, f.line, f.path) == (paths["OC-1"], line_of(org, paths["OC-1"], "- date: '2026-02-10'"), "retirements[0]")
    assert "no retirement certificate" in f.message and f.clauses == ("D.6.5.2.4 f",)


def test_retirement_without_serials(org):
    ret = retirement()
    del ret["serials"]
    setup(org, OC_1=credit(retirements=[ret]))
    [f] = org.of(org.run(), "neutrality.credit-retirement-without-proof")
    assert "serial numbers" in f.message


def test_without_registry_and_documents(org):
    c = credit()
    del c["registry"]
    del c["project"]["documents_url"]
    paths = setup(org, OC_1=c)
    found = sorted(org.of(org.run(), "neutrality.credit-without-registry"), key=lambda f: f.severity)
    assert [(f.severity, f.clauses) for f in found] == [("error", ("D.8.2.1 f",)), ("warning", ("D.8.2.1 e",))]
    assert all(f.file == paths["OC-1"] for f in found)


def test_without_verification(org):
    c = credit()
    del c["verification"]
    paths = setup(org, OC_1=c)
    [f] = org.of(org.run(), "neutrality.credit-without-verification")
    assert f.file == paths["OC-1"] and f.clauses == ("D.8.2.1 c",)


@pytest.mark.parametrize(
    "issued, period_end, flagged",
    [
        ("2023-12-31", "2023-12-31", True),  # issued on the last day of the monitoring period
        ("2024-01-01", "2023-12-31", False),  # the day after
        ("2022-12-31", None, True),  # no monitoring period: before the vintage year
        ("2023-01-01", None, False),
    ],
)
def test_issued_before_reduction(org, issued, period_end, flagged):
    c = credit(vintage=2023, issued_on=issued)
    if period_end is None:
        del c["reduction_period"]
    else:
        c["reduction_period"]["end"] = period_end
    paths = setup(org, OC_1=c)
    found = [f for f in org.of(org.run(), "neutrality.credit-issued-before-reduction") if f.path == "issued_on"]
    assert bool(found) == flagged
    if flagged:
        assert (found[0].file, found[0].line) == (paths["OC-1"], line_of(org, paths["OC-1"], "issued_on:"))


def test_procurement_criteria(org):
    c = credit()
    del c["procurement_criteria"]["d_issued_after_reduction"]
    c["procurement_criteria"]["b_project_criteria"]["met"] = False
    c["procurement_criteria"]["g_priority"] = {"met": True}
    setup(org, OC_1=c)
    found = org.of(org.run(), "neutrality.credit-procurement-criteria")
    got = sorted((f.clauses, f.severity) for f in found)
    assert got == [(("D.8.2.1 b",), "error"), (("D.8.2.1 d",), "error"), (("D.8.2.1 g",), "warning")]


def test_complete_criteria_are_not_flagged(org):
    setup(org)
    assert org.of(org.run(), "neutrality.credit-procurement-criteria") == []


def test_retired_more_than_bought(org):
    # 600 bought; 500 + 101 = 601 retired (serials 1..500 and 500..600 also overlap within the batch)
    rets = [retirement(), retirement(claim="NC-1", quantity=101, first=500, date="2026-02-11")]
    paths = setup(org, OC_1=credit(retirements=rets))
    result = org.run()
    found = org.of(result, "neutrality.credit-quantities")
    assert any(f.path == "retirements" and "601 credits retired, only 600 bought" in f.message for f in found)
    # the overlap (serial 500 twice) is a double retirement
    [twice] = org.of(result, "neutrality.serial-retired-twice")
    assert twice.file == paths["OC-1"] and twice.path == "retirements[1].serials[0]" and "serials B1-500 (1 credit(s))" in twice.message


def test_serial_counts_and_ranges_outside_the_batch(org):
    rets = [retirement(quantity=500, first=1, last=499), retirement(quantity=10, first=601, date="2026-02-11")]
    setup(org, OC_1=credit(retirements=rets))
    found = org.of(org.run(), "neutrality.credit-quantities")
    msgs = sorted(f.message for f in found)
    assert any("count 499 credits, the retirement says 500" in m for m in msgs)
    assert any("not bought in this batch: B1 601..610" in m for m in msgs)


def test_batch_serials_must_count_the_quantity(org):
    c = credit()
    c["serials"] = [{"block": "B1", "first": 1, "last": 599}]
    c["retirements"] = [retirement(quantity=500)]
    setup(org, OC_1=c)
    [f] = [f for f in org.of(org.run(), "neutrality.credit-quantities") if f.path == "serials"]
    assert f.severity == "warning" and "599" in f.message and "600" in f.message


# -- reading 5: one claim per serial ---------------------------------------------------------------
def second_claim(org):
    put(org, "neutrality_claim", "NC-2", claim(subject="NS-1", disclosures=[]))


@pytest.mark.parametrize("first, flagged", [(501, False), (500, True), (1, True)])
def test_serial_retired_for_two_claims(org, first, flagged):
    setup(org)
    second_claim(org)
    rel = put(org, "offset_credit", "OC-2", credit(block="B1", first=first, quantity=100, retirements=[retirement("NC-2", quantity=100, first=first)]))
    found = org.of(org.run(), "neutrality.serial-retired-twice")
    assert bool(found) == flagged
    if flagged:
        [f] = found
        assert (f.file, f.path) == (rel, "retirements[0].serials[0]")
        assert "claim NC-2" in f.message and "claim NC-1" in f.message and f.severity == "error"


def test_text_serials_are_compared_as_ranges(org):
    r1 = retirement()
    r1["serials"] = ["CCER-1001-2021-000001-000500"]
    c1 = credit(retirements=[r1])
    c1["serials"] = ["CCER-1001-2021-000001-000600"]
    setup(org, OC_1=c1)
    second_claim(org)
    r2 = retirement("NC-2", quantity=1)
    r2["serials"] = ["CCER-1001-2021-000450"]
    c2 = credit(quantity=1, retirements=[r2])
    c2["serials"] = ["CCER-1001-2021-000450"]
    put(org, "offset_credit", "OC-2", c2)
    [f] = org.of(org.run(), "neutrality.serial-retired-twice")
    assert "CCER-1001-2021-450" in f.message


# -- reading 5: never also surrendered or sold -----------------------------------------------------
def run_used_elsewhere(org, assets):
    """Run the engine, then the check with ctx.results["assets"] as the asset ledger gives it."""
    result = org.run()
    ctx = Context(
        root=result.root,
        settings=result.settings,
        schemas=result.schemas,
        index=result.index,
        as_of=dt.date(2026, 6, 30),
        results={**result.results, "assets": assets},
    )
    checks, _ = load_rules(rule_folders(result.root))
    [chk] = [c for c in checks if c.id == "neutrality.serial-used-elsewhere"]
    return list(chk.fn(ctx))


def test_serial_also_surrendered(org):
    paths = setup(org)
    issues = run_used_elsewhere(org, {"serials": [{"block": "B1", "first": 400, "last": 700, "use": "surrendered", "record": "SUR-2025", "path": "units[0]"}]})
    [i] = issues
    assert (i.file, i.path) == (paths["OC-1"], "retirements[0].serials[0]")
    assert "B1 400..500" in i.message and "surrendered in SUR-2025" in i.message


def test_serial_sold_given_as_text(org):
    setup(org)
    [i] = run_used_elsewhere(org, {"serials": [{"text": "B1-000100", "use": "sold", "record": "TL-9", "date": "2026-03-02"}]})
    assert "B1-100 (1 credit(s))" in i.message and "sold on 2026-03-02 in TL-9" in i.message


def test_other_serials_or_uses_are_not_flagged(org):
    setup(org)
    assert run_used_elsewhere(org, {"serials": [{"block": "B1", "first": 501, "last": 600, "use": "sold", "record": "TR-1"}]}) == []
    # held in the registry, or the same retirement recorded in the asset ledger: no conflict
    for use in ("held", "retired", "purchased"):
        assert run_used_elsewhere(org, {"serials": [{"block": "B1", "first": 1, "last": 10, "use": use, "record": "X-1"}]}) == []
    assert run_used_elsewhere(org, None) == []


def test_surrender_record_of_the_asset_ledger(org):
    """End to end: a compliance surrender (checks/assets/compute.py) of serials retired for a claim."""
    paths = setup(org)
    org.add(
        "trading/ACC-1.yaml", org.record("trading_account", "ACC-1", role="ccer_registry", markets=["ccer"], institution="全国温室气体自愿减排注册登记系统")
    )
    item = {"market": "ccer", "product": "CCER", "vintage": 2023, "quantity": 50, "serials": [{"block": "B1", "first": 451, "last": 500}]}
    org.add("trading/SUR-1.yaml", org.record("surrender", "SUR-1", purpose="compliance", date="2026-03-20", account="ACC-1", items=[item]))
    result = org.run()
    [f] = org.of(result, "neutrality.serial-used-elsewhere")
    assert (f.file, f.path) == (paths["OC-1"], "retirements[0].serials[0]")
    assert "B1 451..500 (50 credit(s))" in f.message and "surrendered on 2026-03-20 in SUR-1" in f.message
    # a voluntary retirement in the ledger (the same neutrality retirement recorded there) is not a conflict
    org.add("trading/SUR-1.yaml", org.record("surrender", "SUR-1", purpose="retirement", date="2026-02-10", account="ACC-1", items=[item]))
    assert org.of(org.run(), "neutrality.serial-used-elsewhere") == []


# -- D.6.5.2.4 f: credits retired before the achievement is declared ---------------------------------
@pytest.mark.parametrize(
    "retired_on, flagged",
    [
        ("2026-02-16", False),  # on the day the claim says neutrality was achieved
        ("2026-02-17", True),  # the day after: the claim was declared before its offsets existed
        ("2026-07-01", False),  # after the as-of date 2026-06-30: not counted yet (the balance says short)
    ],
)
def test_retired_after_achievement(org, retired_on, flagged):
    paths = setup(org, OC_1=credit(retirements=[retirement(date=retired_on)]))
    found = org.of(org.run("2026-06-30"), "neutrality.retired-after-achievement")
    assert bool(found) == flagged
    if flagged:
        [f] = found
        # 2026-02-17 - 2026-02-16 = 1 day
        assert (f.file, f.line, f.path) == (paths["OC-1"], line_of(org, paths["OC-1"], "- date: '2026-02-17'"), "retirements[0].date")
        assert "1 day(s) after" in f.message and "NC-1" in f.message and f.severity == "error"


def _event(credits, date="2026-04-01"):
    return dict(
        claim="NC-1",
        date=date,
        event_type="footprint_recalculation",
        description="漏计",
        additional_tco2e=10,
        corrections=[{"description": "追加注销", "effective_on": "2026-04-20", "credits": credits}],
    )


def test_corrective_retirement_after_an_event_is_allowed(org):
    # 500 retired before the achievement, 10 more after an event of 2026-04-01 that found 10 t missed
    rets = [retirement(), retirement(quantity=10, first=501, date="2026-04-20")]
    setup(org, OC_1=credit(retirements=rets))
    put(org, "claim_event", "CE-1", _event(["OC-1"]))
    assert org.of(org.run("2026-06-30"), "neutrality.retired-after-achievement") == []


@pytest.mark.parametrize(
    "credits, event_date",
    [
        (["OC-9"], "2026-04-01"),  # the correction names another credit
        (["OC-1"], "2026-04-21"),  # the event is recorded after the retirement it would justify
    ],
)
def test_late_retirement_not_justified_by_an_event(org, credits, event_date):
    rets = [retirement(), retirement(quantity=10, first=501, date="2026-04-20")]
    paths = setup(org, OC_1=credit(retirements=rets))
    put(org, "claim_event", "CE-1", _event(credits, event_date))
    [f] = org.of(org.run("2026-06-30"), "neutrality.retired-after-achievement")
    assert (f.file, f.path) == (paths["OC-1"], "retirements[1].date") and "63 day(s) after" in f.message


@pytest.mark.parametrize("bought, flagged", [("2026-02-11", True), ("2026-02-10", False)])
def test_retired_before_bought(org, bought, flagged):
    # retired 2026-02-10; bought 2026-02-11 is one day later; bought the same day is fine
    paths = setup(org, OC_1=credit(purchase={"date": bought}))
    found = [f for f in org.of(org.run(), "neutrality.credit-quantities") if "before they were bought" in f.message]
    assert bool(found) == flagged
    if flagged:
        [f] = found
        assert (f.file, f.path, f.line) == (paths["OC-1"], "retirements[0].date", line_of(org, paths["OC-1"], "- date: '2026-02-10'"))
        assert "500 credit(s) retired on 2026-02-10 for claim NC-1, 1 day(s) before they were bought (2026-02-11)" in f.message

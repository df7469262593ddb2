"""trading.unapproved-data-used (7.4.2 c, 8.2.2 c, B.8.2.3 b): an obligation shown closed, or an
approved asset statement, rests on no draft surrender or allocation. The setup of
test_compliance_rules.base: obligation ETS for 2024 (1,000,000 t due by 2025-12-31), allocation
AL of 1,000,000 t of 2024 on 2025-03-01."""

from __future__ import annotations

from tests.checks.trading.test_compliance_rules import base, cea, surrender
from tests.checks.trading_support import allocation

RULE = "trading.unapproved-data-used"


def test_a_draft_surrender_of_a_closed_obligation(org):
    # the probe T21: the surrender that meets the obligation set back to draft
    base(org)
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [cea(1_000_000)], status="draft"))
    result = org.run("2026-01-01")
    [f] = org.of(result, RULE)
    assert (f.file, f.path, f.severity) == ("trading/S1.yaml", "status", "error")
    assert f.message == (
        "S1 is a draft, not reviewed and approved, but the obligation ETS (shown met, deadline 2025-12-31) "
        "rests on the compliance position of ETS computed from it"
    )
    assert "7.4.2 c" in f.clauses
    # reported, not dropped: 1,000,000 surrendered against 1,000,000 due, nothing short
    pos = result.results["assets"]["compliance"]["ETS"]
    assert pos["surrendered"]["value"] == 1_000_000 and pos["short"] is False
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [cea(1_000_000)]))
    assert org.of(org.run("2026-01-01"), RULE) == []


def test_an_open_obligation_with_nothing_resting_on_it(org):
    # before the deadline and no asset statement: the surrender may still be a draft
    base(org)
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [cea(1_000_000)], status="draft"))
    assert org.of(org.run("2025-12-31"), RULE) == []


def _statement(org, year, **extra):
    return org.record("asset_statement", f"AS-{year}", year=year, prepared_on=f"{year + 1}-01-15", approved_on=f"{year + 1}-01-20", **extra)


def test_a_draft_allocation_under_an_approved_asset_statement(org):
    # the probe T18: the allocation set back to draft, the obligation still open on 2025-06-30
    base(org)
    org.add("trading/AL.yaml", _draft_allocation(org))
    org.add("assets/AS-2024.yaml", _statement(org, 2024))
    org.add("assets/AS-2023.yaml", _statement(org, 2023))
    # AS-2024 shows the year end 2024-12-31, before the allocation's entry of 2025-03-01; AS-2023 a year before the obligation's
    assert org.of(org.run("2025-06-30"), RULE) == []
    org.add("assets/AS-2025.yaml", {**_statement(org, 2025), "approved_on": "2025-06-30", "effective": "2025-06-30"})
    [f] = org.of(org.run("2025-06-30"), RULE)
    assert (f.file, f.path) == ("trading/AL.yaml", "status")
    assert f.message == (
        "AL is a draft, not reviewed and approved, but the approved asset statement AS-2025 rests on the compliance position of ETS computed from it"
    )


def test_a_draft_allocation_under_a_closed_obligation_and_a_statement(org):
    base(org)
    org.add("trading/AL.yaml", _draft_allocation(org))
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [cea(1_000_000)]))
    org.add("assets/AS-2025.yaml", _statement(org, 2025))
    [f] = org.of(org.run("2026-03-01"), RULE)
    assert "the obligation ETS (shown met, deadline 2025-12-31) and the approved asset statement AS-2025 rest on" in f.message


def _draft_allocation(org) -> dict:
    return {**allocation(org, quantity=1_000_000, year=2024, day="2025-03-01"), "status": "draft"}

"""emissions.unapproved-data-used (7.4.2 c, A.9.1.1 a): an approved emission report or a
verification statement rests on no draft activity or factor record. The setup of
tests/checks/emissions_org.py: RI-2024 and RI-2025 approved, VER-2024 with its statement,
VER-2025 without one; the totals worked out there (2024 1,890.363 tCO2e, 2025 2,079.399)."""

from __future__ import annotations

import pytest

from tests.checks.emissions.test_rules import only
from tests.checks.emissions_org import TOTAL, activity, coal_line, elec_line, put, setup

RULE = "emissions.unapproved-data-used"


def test_every_input_approved(org):
    setup(org)
    assert only(org.run(), RULE) == []


def test_a_draft_activity_record_under_an_approved_report(org):
    # the probe p21: the 2025 electricity record set back to draft
    setup(org)
    activity(org, 2025, "SRC-ELEC", elec_line(2025), status="draft")
    result = org.run()
    [f] = only(result, RULE)
    assert (f.file, f.path, f.severity) == ("activity/AD-2025-SRC-ELEC.yaml", "status", "error")
    assert f.message == (
        "AD-2025-SRC-ELEC is a draft, not reviewed and approved, but the approved emission report RI-2025 rests on the 2025 inventory computed from it"
    )
    assert "7.4.2 c" in f.clauses
    # reported, not dropped: 22 TJ × 91.666… + 110 MWh × 0.5703 = 2,079.399 tCO2e as before
    assert result.results["emissions"]["years"]["2025"]["total"]["value"] == pytest.approx(TOTAL[2025])


def test_a_draft_under_a_report_and_a_verification(org):
    setup(org)
    activity(org, 2024, "SRC-COAL", coal_line(2024), status="draft")
    [f] = only(org.run(), RULE)
    assert f.file == "activity/AD-2024-SRC-COAL.yaml"
    assert "the approved emission report RI-2024 and the verification statement of VER-2024 rest on the 2024 inventory" in f.message


def test_nothing_rests_on_a_draft_yet(org):
    # the report of 2025 still a draft and no statement for 2025: the data may still be drafts
    setup(org)
    activity(org, 2025, "SRC-ELEC", elec_line(2025), status="draft")
    put(org, "inventory", org.record("reported_inventory", "RI-2025", year=2025, total={"value": round(TOTAL[2025], 2), "unit": "tCO2"}, status="draft"))
    assert only(org.run(), RULE) == []


def test_a_draft_factor_record(org):
    setup(org)
    factor = dict(parameter="carbon_content", fuel="coal", applies_to=["SRC-COAL"], year=2024, value=25, unit="tC/TJ", basis="calculated", source="GB/T 476")
    put(org, "factors", org.record("emission_factor", "EF-CC", status="draft", **factor))
    activity(org, 2024, "SRC-COAL", coal_line(2024, carbon_content={"record": "EF-CC"}))
    [f] = only(org.run(), RULE)
    assert (f.file, f.path) == ("factors/EF-CC.yaml", "status")
    assert "EF-CC is a draft" in f.message and "the 2024 inventory computed from it (through AD-2024-SRC-COAL)" in f.message
    put(org, "factors", org.record("emission_factor", "EF-CC", **factor))
    assert only(org.run(), RULE) == []

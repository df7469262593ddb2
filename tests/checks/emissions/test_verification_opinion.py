"""emissions.verification-opinion (A.4.2, A.6.5.2.4 h, 10.2): what a verification statement's
opinion verifies. The setup of tests/checks/emissions_org.py: VER-2024 verifies 1,890 tCO2
(the 2024 total 1,890.363 tCO2e, rounded) with an unqualified opinion."""

from __future__ import annotations

import pytest

from tests.checks.emissions.test_rules import only
from tests.checks.emissions_org import TOTAL, put, setup

RULE = "emissions.verification-opinion"
REL = "verification/VER-2024.yaml"


def _opinion(org, opinion):
    verifier = {"name": "V Co", "accreditation": "listed", "competence": "experienced"}
    vplan = {"scope": "all", "objectives": "verify", "requirements": ["guide"], "assurance_level": "reasonable", "materiality_pct": 5}
    statement = {"date": "2025-07-01", "opinion": opinion, "verified_emissions": {"value": round(TOTAL[2024]), "unit": "tCO2"}}
    put(org, "verification", org.record("verification", "VER-2024", year=2024, scheme="national_ets", plan=vplan, verifier=verifier, statement=statement))


def _verified(result):
    return result.results["emissions"]["years"]["2024"]["verified"]


def test_an_unqualified_opinion_verifies_the_figure(org):
    setup(org)
    result = org.run()
    assert only(result, RULE) == []
    assert _verified(result)["value"] == 1890 and _verified(result)["opinion"] == "unqualified"


def test_a_qualified_opinion_is_a_warning(org):
    # the probe p08: 保留意见 was treated exactly like 无保留意见
    setup(org)
    _opinion(org, "qualified")
    result = org.run()
    [f] = only(result, RULE)
    assert (f.file, f.path, f.severity) == (REL, "statement.opinion", "warning")
    assert f.message == (
        "the verification statement of VER-2024 (2025-07-01) for 2024 gives a qualified opinion (保留意见): "
        "its emissions are verified with reservations, and no nonconformity takes them up"
    )
    # still the verified figure, with its opinion
    assert _verified(result)["value"] == 1890 and _verified(result)["opinion"] == "qualified"


def test_a_qualified_opinion_taken_up_in_a_nonconformity(org):
    setup(org)
    _opinion(org, "qualified")
    nc = dict(source="verification", detected_on="2025-07-01", description="the verifier's reservation on the coal scale", corrective_action_needed=True)
    put(org, "improvement", org.record("nonconformity", "NC-1", source_ref="VER-2024", **nc))
    assert only(org.run(), RULE) == []
    # a nonconformity of another verification does not take these reservations up
    put(org, "improvement", org.record("nonconformity", "NC-1", source_ref="VER-2025", **nc))
    assert [f.severity for f in only(org.run(), RULE)] == ["warning"]


@pytest.mark.parametrize("opinion,words", [("adverse", "an adverse opinion (否定意见)"), ("disclaimer", "a disclaimer of opinion (无法表示意见)")])
def test_an_adverse_opinion_or_a_disclaimer_verifies_nothing(org, opinion, words):
    setup(org)
    _opinion(org, opinion)
    result = org.run()
    [f] = only(result, RULE)
    assert (f.file, f.path, f.severity) == (REL, "statement.opinion", "error")
    assert (
        f.message == f"the verification statement of VER-2024 (2025-07-01) for 2024 gives {words}: it verifies no emissions, so the year counts as not verified"
    )
    assert _verified(result) is None  # was 1,890 tCO2 counted as verified

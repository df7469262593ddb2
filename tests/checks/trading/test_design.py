"""B.9 s1: designs consider trading performance (checks/trading/design.py)."""

from tests.lines import line_of

RULE = "trading.design-without-trading-consideration"


def _review(org, subsystems=("A", "B"), **fields):
    org.settings(subsystems=list(subsystems))
    org.add(
        "facilities/F.yaml",
        org.record("facility", "F", site="S", facility_type="gas_fired_unit", operating_status="under_construction", planned_start="2027-10-31"),
    )
    base = dict(subject="F", subject_type="facility", review_date="2025-01-01", emission_consideration="比选机型，预计排放")
    base.update(fields)
    org.add("design/DR.yaml", org.record("design_review", "DR", **base))
    result = org.run("2026-06-30")
    assert not [f for f in result.findings if f.rule in ("schema.invalid", "rules.crashed")]
    return org.of(result, RULE)


def test_a_design_review_without_trading_consideration_is_an_error_under_annex_b(org):
    [f] = _review(org)
    assert f.severity == "error" and f.clauses == ("B.9 s1",) and f.file == "design/DR.yaml"
    assert f.line == line_of(org, "design/DR.yaml", "emission_consideration:")
    assert "design review DR of F records its emission consideration but not how the design considers trading performance" in f.message


def test_with_its_trading_consideration_or_without_annex_b_or_as_a_draft_no_finding(org):
    assert _review(org, trading_consideration="预测配额缺口与履约成本，纳入交易计划") == []
    assert _review(org, subsystems=("A",)) == []  # B not adopted: the rule does not run
    assert _review(org, status="draft") == []  # a draft is no design review that took place
    assert _review(org, approved_on="2026-07-01", effective="2026-07-01") == []  # not yet known on 2026-06-30


def test_the_example_design_reviews_consider_trading(org):
    org.copy_example()
    result = org.run("2026-06-30")
    assert org.of(result, RULE) == []
    assert all(str(r.get("trading_consideration") or "").strip() for r in result.records if r.kind == "design_review")

"""B.8.2.3 a: trading information published with authorisation, exchange marks with permission
(checks/trading/information.py)."""

from tests.lines import line_of

RULE = "trading.information-unauthorised"


def _comm(org, info, direction="external_out", **fields):
    base = dict(date="2026-03-12", direction=direction, comm_type="disclosure", subject="年度披露", trading_information=info)
    base.update(fields)
    org.add("communication/COMM-1.yaml", org.record("communication", "COMM-1", **base))
    result = org.run("2026-06-30")
    assert not [f for f in result.findings if f.rule in ("schema.invalid", "rules.crashed")]
    return org.of(result, RULE)


def test_outgoing_trading_information_without_authorisation_is_a_warning(org):
    [f] = _comm(org, {"items": "成交量和价格"})
    assert f.severity == "warning" and f.clauses == ("B.8.2.3",)
    assert f.line == line_of(org, "communication/COMM-1.yaml", "trading_information:") + 1  # a mapping is located at its first key
    assert "COMM-1 passed trading information (成交量和价格) outside the organization on 2026-03-12 without naming who authorised it" in f.message


def test_authorised_after_it_went_out(org):
    # authorised 2026-03-13, one day after the communication of 2026-03-12; on the day itself it counts
    [f] = _comm(org, {"items": "持仓", "authorised_by": "总经理", "authorised_on": "2026-03-13"})
    assert "went out on 2026-03-12 but its trading information was authorised only on 2026-03-13" in f.message
    assert _comm(org, {"items": "持仓", "authorised_by": "总经理", "authorised_on": "2026-03-12"}) == []


def test_exchange_marks_need_a_permission(org):
    [f] = _comm(org, {"authorised_by": "总经理", "exchange_marks": True})
    assert f.line == line_of(org, "communication/COMM-1.yaml", "exchange_marks: true")
    assert _comm(org, {"authorised_by": "总经理", "exchange_marks": True, "exchange_mark_permission": "交易所函 2026-07"}) == []


def test_internal_use_needs_no_publication_authorisation_and_drafts_are_not_judged(org):
    assert _comm(org, {"items": "成交量"}, direction="internal") == []
    assert _comm(org, {"items": "成交量"}, status="draft") == []
    assert _comm(org, {"items": "成交量"}, approved_on="2026-07-01", effective="2026-07-01") == []


def test_the_example_disclosure_names_its_authorisation(org):
    org.copy_example()
    result = org.run("2026-06-30")
    assert org.of(result, RULE) == []
    [c] = [r for r in result.records if r.id == "COMM-2026-01"]
    assert c.get("trading_information")["authorised_by"].startswith("总经理")

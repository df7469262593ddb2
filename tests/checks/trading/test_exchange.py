"""Cooperation with the exchange, B.8.2.3 b (checks/trading/exchange.py)."""

from tests.lines import line_of


def _matter(org, **fields):
    base = dict(
        exchange="SEEE",
        matter_type="special_investigation",
        duty="agreed",
        received_on="2026-05-01",
        description="专项调查：说明2026年4月的大额交易",
        response_due="2026-05-15",
    )
    base.update(fields)
    base = {k: v for k, v in base.items() if v is not None}
    return org.record("exchange_matter", "EXM-1", **base)


def test_investigation_without_response_by_its_deadline(org):
    org.add("trading/EXM-1.yaml", _matter(org))
    result = org.run("2026-06-30")
    assert not [f for f in result.findings if f.rule == "schema.invalid"]
    [f] = org.of(result, "trading.exchange-matter-unanswered")
    assert f.severity == "error" and f.file == "trading/EXM-1.yaml"
    assert f.line == line_of(org, "trading/EXM-1.yaml", "response_due:")
    assert "was due 2026-05-15: no response recorded by 2026-06-30" in f.message


def test_response_on_the_due_day_is_a_near_miss(org):
    org.add("trading/EXM-1.yaml", _matter(org, responses=[{"date": "2026-05-15", "action": "提交交易说明和资金来源材料"}]))
    assert org.of(org.run("2026-06-30"), "trading.exchange-matter-unanswered") == []


def test_late_response_and_unknown_response(org):
    # 2026-05-18 - 2026-05-15 = 3 days late
    org.add("trading/EXM-1.yaml", _matter(org, responses=[{"date": "2026-05-18", "action": "提交材料"}]))
    [f] = org.of(org.run("2026-06-30"), "trading.exchange-matter-unanswered")
    assert "first response recorded on 2026-05-18, 3 days late" in f.message
    # a response after the as-of date is not yet known: at 2026-05-17 the matter is unanswered
    [f] = org.of(org.run("2026-05-17"), "trading.exchange-matter-unanswered")
    assert "no response recorded by 2026-05-17" in f.message


def test_deadline_still_running_or_absent(org):
    org.add("trading/EXM-1.yaml", _matter(org))
    assert org.of(org.run("2026-05-15"), "trading.exchange-matter-unanswered") == []  # the due day is not late
    org.add("trading/EXM-1.yaml", _matter(org, response_due=None))
    result = org.run("2026-06-30")
    assert not [f for f in result.findings if f.rule == "schema.invalid"]
    assert org.of(result, "trading.exchange-matter-unanswered") == []


def test_the_example_records_an_inspection_answered_in_time():
    """The example's routine inspection (records/trading/EXM-2025-01.yaml) was answered on
    2025-11-14, before its deadline 2025-11-17: the item B.8.2.3 b is verified by the rule."""
    import datetime as dt

    from cms_build.engine import run
    from cms_build.matrix import build_matrix
    from tests.conftest import EXAMPLE

    result = run(EXAMPLE, dt.date(2026, 6, 30))
    assert [f for f in result.findings if f.rule == "trading.exchange-matter-unanswered"] == []
    row = next(r for r in build_matrix(result)["clauses"] if r["number"] == "B.8.2.3")
    b = next(i for i in row["provisions"] if i["item"] == "b")
    assert "trading.exchange-matter-unanswered" in b["rules"] and "EXM-2025-01" in b["records"]

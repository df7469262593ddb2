"""Outsourced asset management activities have their risks controlled, C.6.3.1.2 s2
(assets.outsourcing-risk-uncontrolled in checks/assets/rules.py)."""

from tests.lines import line_of

RULE = "assets.outsourcing-risk-uncontrolled"


def _register(org, actions="托管协议约定对账频次，每月与注册登记系统核对持有量", status="approved", type_="risk"):
    entry = {
        "code": "R-OUT",
        "type": type_,
        "category": "operational",
        "subsystem": "C",
        "description": "托管方操作失误或违约导致碳资产损失",
        "likelihood": 2,
        "impact": 4,
    }
    if actions:
        entry["treatment"] = {"actions": actions}
    return org.record(
        "risk_register",
        "RR",
        assessed_on="2025-01-01",
        method="5×5 矩阵",
        status=status,
        criteria={"likelihood": "1–5", "impact": "1–5", "significance": "可能性×影响≥12 为重大"},
        entries=[entry],
    )


def _outsourcing(org, **fields):
    base = dict(provider="某碳资产管理公司", activity="custody", started_on="2025-03-01", risk_register="RR", risks=["R-OUT"])
    base.update(fields)
    return org.record("outsourced_activity", "OUT-1", **{k: v for k, v in base.items() if v is not None})


def _run(org, as_of="2026-06-30"):
    result = org.run(as_of)
    assert not [f for f in result.findings if f.rule in ("schema.invalid", "ref.dangling")], result.findings
    return org.of(result, RULE)


def test_controlled_outsourcing_is_a_near_miss(org):
    org.add("risks/RR.yaml", _register(org))
    org.add("assets/OUT-1.yaml", _outsourcing(org))
    assert _run(org) == []


def test_risk_without_treatment_actions(org):
    org.add("risks/RR.yaml", _register(org, actions=None))
    org.add("assets/OUT-1.yaml", _outsourcing(org))
    [f] = _run(org)
    assert f.severity == "error" and "entry R-OUT of RR has no treatment actions" in f.message
    assert (f.file, f.line) == ("assets/OUT-1.yaml", line_of(org, "assets/OUT-1.yaml", "- R-OUT"))


def test_opportunity_or_unknown_code_is_no_control(org):
    org.add("risks/RR.yaml", _register(org, type_="opportunity"))
    org.add("assets/OUT-1.yaml", _outsourcing(org))
    [f] = _run(org)
    assert "is an opportunity" in f.message
    org.add("risks/RR.yaml", _register(org))
    org.add("assets/OUT-1.yaml", _outsourcing(org, risks=["R-99"]))
    [f] = _run(org)
    assert "risk R-99 is not an entry of RR" in f.message


def test_no_register_or_a_draft_one(org):
    org.add("assets/OUT-1.yaml", _outsourcing(org, risk_register=None, risks=None))
    [f] = _run(org)
    assert "names no risk register" in f.message
    assert f.line == line_of(org, "assets/OUT-1.yaml", "provider:")
    org.add("risks/RR.yaml", _register(org, status="draft"))
    org.add("assets/OUT-1.yaml", _outsourcing(org))
    [f] = _run(org)
    assert "names risk register RR, not approved by 2026-06-30" in f.message


def test_ended_or_not_yet_started_is_not_checked(org):
    org.add("assets/OUT-1.yaml", _outsourcing(org, risk_register=None, risks=None, ended_on="2026-06-29"))
    assert _run(org) == []
    org.add("assets/OUT-1.yaml", _outsourcing(org, risk_register=None, risks=None, started_on="2026-07-01"))
    assert _run(org) == []
    # the last day of the outsourcing is still in force
    org.add("assets/OUT-1.yaml", _outsourcing(org, risk_register=None, risks=None, ended_on="2026-06-30"))
    assert len(_run(org)) == 1


def test_the_example_outsourcing_is_controlled():
    """records/assets/OUT-2026-01.yaml names RR-2026 R-08, a risk with treatment actions: no
    finding, and the item C.6.3.1.2 s2 is verified by the rule with that record."""
    import datetime as dt

    from cms_build.engine import run
    from cms_build.matrix import build_matrix
    from tests.conftest import EXAMPLE

    result = run(EXAMPLE, dt.date(2026, 6, 30))
    assert [f for f in result.findings if f.rule == RULE] == []
    row = next(r for r in build_matrix(result)["clauses"] if r["number"] == "C.6.3.1.2")
    s2 = next(i for i in row["provisions"] if i["item"] == "s2")
    assert (s2["status"], s2["rules"]) == ("verified", [RULE]) and "OUT-2026-01" in s2["records"]

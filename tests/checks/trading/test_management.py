"""Accounts, plan, reviews, performance, position limits and large-holder reports
(checks/trading/management.py)."""

import pytest

from tests.checks.trading_support import account, allocation, line_of, trading_org


def test_account_without_controller_or_security_controls(org):
    org.add("trading/A.yaml", org.record("trading_account", "A", role="registry", markets=["national_ets"], institution="中碳登"))
    found = org.of(org.run("2026-06-30"), "trading.account-controls-missing")
    assert sorted(f.message[:40] for f in found) == ["account A does not state its security co", "account A has no named controller in off"]
    assert all(f.file == "trading/A.yaml" and f.line == line_of(org, "trading/A.yaml", "role:") for f in found)


def test_controller_left_office_and_near_miss(org):
    org.add("trading/A.yaml", account(org, "A", "registry", "1", controllers=[{"name": "张三", "role": "trader", "from": "2020-01-01", "to": "2026-06-29"}]))
    [f] = org.of(org.run("2026-06-30"), "trading.account-controls-missing")
    assert "no named controller in office on 2026-06-30" in f.message
    org.add("trading/A.yaml", account(org, "A", "registry", "1", controllers=[{"name": "张三", "role": "trader", "from": "2020-01-01", "to": "2026-06-30"}]))
    assert org.of(org.run("2026-06-30"), "trading.account-controls-missing") == []


def test_closed_account_is_not_checked(org):
    org.add("trading/A.yaml", org.record("trading_account", "A", role="registry", markets=["national_ets"], institution="中碳登", closed_on="2026-01-01"))
    assert org.of(org.run("2026-06-30"), "trading.account-controls-missing") == []


def test_membership_disclosure(org):
    org.add("trading/A.yaml", account(org, "A", "trading", "1", membership={"is_member": True, "member_of": "某交易所"}))
    [f] = org.of(org.run("2026-06-30"), "trading.membership-not-disclosed")
    assert "member of 某交易所" in f.message and f.severity == "error"  # B.8.2.1: 应披露 (a shall-item)
    org.add("trading/A.yaml", account(org, "A", "trading", "1", membership={"is_member": True, "disclosed": True, "disclosure": "年度报告"}))
    assert org.of(org.run("2026-06-30"), "trading.membership-not-disclosed") == []


def test_registration_update(org):
    org.add(
        "trading/A.yaml",
        account(
            org,
            "A",
            "registry",
            "1",
            registration={"changes": [{"date": "2026-03-01", "change": "法定代表人变更"}, {"date": "2026-07-01", "change": "地址变更"}]},
        ),
    )
    [f] = org.of(org.run("2026-06-30"), "trading.registration-not-updated")  # the change after as-of is not yet due
    assert "2026-03-01" in f.message


def plan(org, **fields):
    base = dict(
        period={"start": "2026-01-01", "end": "2026-12-31"},
        departments=[{"department": "碳资产管理部", "duties": "交易"}],
        resources={"human": "2 人"},
        objectives=[{"objective": "按期履约"}],
        activities={"trading": "a", "reporting_verification": "b", "compliance": "c", "supervision": "d"},
    )
    base.update(fields)
    return org.record("trading_plan", "TP", **base)


def test_plan_missing_and_covering_the_as_of_date(org):
    trading_org(org)
    [f] = org.of(org.run("2026-06-30"), "trading.plan-missing")
    assert "no approved trading management plan covers 2026-06-30" in f.message
    org.add("trading/TP.yaml", plan(org))
    assert org.of(org.run("2026-12-31"), "trading.plan-missing") == []
    assert len(org.of(org.run("2027-01-01"), "trading.plan-missing")) == 1


def test_plan_incomplete(org):
    trading_org(org)
    org.add("trading/TP.yaml", plan(org, resources={}, activities={"trading": "a"}))
    found = org.of(org.run("2026-06-30"), "trading.plan-incomplete")
    assert sorted(f.message for f in found) == [
        "the plan does not cover reporting_verification, compliance, supervision (B.6.2.2)",
        "the plan states no resources (B.8.1 b)",
    ]


def review(org, rid="TRV", day="2025-06-30", **items):
    full = {k: {"findings": "无异常", "conclusion": "conforming"} for k in ("national_ets", "voluntary", "local", "derivatives", "compliance")}
    full.update(items)
    return org.record("trading_review", rid, date=day, period={"start": "2025-01-01", "end": day}, **full)


@pytest.mark.parametrize("as_of,overdue", [("2026-06-30", False), ("2026-07-01", True)])
def test_review_overdue_edges(org, as_of, overdue):
    trading_org(org)
    org.add("trading/TRV.yaml", review(org))
    found = org.of(org.run(as_of), "trading.review-overdue")
    assert bool(found) is overdue
    if overdue:
        assert "is of 2025-06-30; with a 12-month interval the next was due by 2026-06-30" in found[0].message
        assert found[0].line == line_of(org, "trading/TRV.yaml", "date: '2025-06-30'")


def test_review_interval_is_a_setting(org):
    trading_org(org)
    org.settings(subsystems=["A", "B", "C", "D"], trading={"review_interval_months": 6})
    org.add("trading/TRV.yaml", review(org))
    assert len(org.of(org.run("2026-01-01"), "trading.review-overdue")) == 1


def test_review_incomplete(org):
    trading_org(org)
    org.add("trading/TRV.yaml", review(org, local={"applicable": False}, derivatives={"applicable": False, "reason": "无"}))
    import yaml

    path = org.root / "trading/TRV.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["voluntary"]
    org.add("trading/TRV.yaml", data)
    found = org.of(org.run("2025-12-31"), "trading.review-incomplete")
    assert sorted(f.message for f in found) == [
        "local (6.1.3 c) is marked not applicable without a reason",
        "the trading review does not cover voluntary (6.1.3 b)",
    ]


def test_performance_overdue_and_criteria(org):
    trading_org(org)
    org.add(
        "trading/TPE.yaml",
        org.record(
            "trading_performance",
            "TPE",
            date="2025-01-20",
            period={"start": "2024-01-01", "end": "2024-12-31"},
            criteria=[{"criterion": "按期履约", "target_value": 20}],
        ),
    )
    result = org.run("2026-01-21")
    [over] = org.of(result, "trading.performance-overdue")
    assert "next was due by 2026-01-20" in over.message
    crit = org.of(result, "trading.performance-criteria-missing")
    assert sorted(f.message[:30] for f in crit) == ["no criterion has both a target", "the date the criteria were las"]
    org.add(
        "trading/TPE.yaml",
        org.record(
            "trading_performance",
            "TPE",
            date="2025-01-20",
            criteria_reviewed_on="2024-12-20",
            period={"start": "2024-01-01", "end": "2024-12-31"},
            criteria=[{"criterion": "按期履约", "target_value": 20, "actual_value": 23}],
        ),
    )
    result = org.run("2026-01-20")
    assert org.of(result, "trading.performance-overdue") == [] and org.of(result, "trading.performance-criteria-missing") == []


def exchange_org(org, report=None, **figures):
    trading_org(org)
    org.settings(subsystems=["A", "B", "C", "D"], trading={"exchanges": {"SEEE": figures}})
    org.add("trading/AL.yaml", allocation(org, quantity=900, day="2025-03-03"))
    if report:
        org.add("trading/LHR.yaml", org.record("large_holder_report", "LHR", exchange="SEEE", market="national_ets", product="CEA", holding=900, **report))


def test_position_limit(org):
    exchange_org(org, position_limit_t=899)
    [f] = org.of(org.run("2025-12-31"), "trading.position-limit")
    assert f.file == "trading/TRD.yaml" and "above the position limit 899 t on 1 day(s), first 2025-03-03" in f.message
    exchange_org(org, position_limit_t=900)
    assert org.of(org.run("2025-12-31"), "trading.position-limit") == []


def test_no_position_limit_by_default(org):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=10_000_000))
    assert org.of(org.run("2025-12-31"), "trading.position-limit") == []


@pytest.mark.parametrize(
    "report,as_of,severity",
    [
        (None, "2025-03-04", "warning"),  # due 2025-03-04: still running
        (None, "2025-03-05", "error"),
        ({"position_date": "2025-03-03", "submitted_on": "2025-03-04"}, "2025-12-31", None),  # on the last day
        ({"position_date": "2025-03-03", "submitted_on": "2025-03-05"}, "2025-12-31", "error"),
    ],
)
def test_large_holder_report(org, report, as_of, severity):
    exchange_org(org, report=report, large_holder_threshold_t=900, report_within_days=1)
    found = org.of(org.run(as_of), "trading.large-holder-unreported")
    assert [f.severity for f in found] == ([severity] if severity else [])
    if found:
        assert "reached 900 t on 2025-03-03 (threshold 900 t): no large-holder report submitted by 2025-03-04" in found[0].message

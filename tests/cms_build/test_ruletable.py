"""Rule tables (cms_build/ruletable.py): the four repeated rule shapes, declared as data."""

from __future__ import annotations

import textwrap

import pytest

from cms_build.rules import RuleError, load_rules
from tests.lines import line_of

PERIODIC = textwrap.dedent("""
    periodic:
      - id: org.review-overdue
        title: 评审 Review held
        clauses: ["9.3.1"]
        severity: error
        kind: cms_review
        date: review_date
        interval: management.cms_review_interval_months
        what: test review
        hint: hold it
        {extra}
    """)


def _table(org, text):
    org.add("checks/own.rules.yaml", text)


def _review(org, rid, day, **fields):
    fields = {"review_type": "periodic", "method_and_criteria": "m", "conclusions": "c", **fields}
    org.add(f"mr/{rid}.yaml", org.record("cms_review", rid, review_date=day, **fields))


def _found(org, as_of="2026-06-30"):
    return [(f.file, f.line, f.message) for f in org.run(as_of).findings if f.rule == "org.review-overdue"]


def test_periodic_due_day_is_not_late_the_day_after_is(org):
    _table(org, PERIODIC.format(extra=""))
    _review(org, "MR-1", "2025-06-30")  # + 12 months (the setting's default) = 2026-06-30
    assert _found(org, "2026-06-30") == []
    [(file, line, message)] = _found(org, "2026-07-01")
    assert (file, line) == ("mr/MR-1.yaml", line_of(org, "mr/MR-1.yaml", "review_date:"))
    assert message == "the latest test review is of 2025-06-30; with a 12-month interval the next was due by 2026-06-30"


def test_periodic_counts_superseded_and_ignores_what_was_not_yet_known(org):
    _table(org, PERIODIC.format(extra=""))
    _review(org, "MR-1", "2025-01-10", status="superseded")
    # dated in time but approved only after the as-of date: not known then
    _review(org, "MR-2", "2026-03-01", approved_on="2026-09-01")
    [(file, _, message)] = _found(org, "2026-06-30")
    assert file == "mr/MR-1.yaml" and "due by 2026-01-10" in message
    _review(org, "MR-2", "2026-03-01", status="draft")
    assert len(_found(org, "2026-06-30")) == 1  # a draft does not count either


def test_periodic_none_at_all_is_at_the_settings(org):
    _table(org, PERIODIC.format(extra=""))
    [(file, line, message)] = _found(org)
    assert (file, message) == ("cms.yaml", "there is no test review dated on or before 2026-06-30")


def test_periodic_grace_and_activity(org):
    _table(org, PERIODIC.format(extra="active_when: [trading_account]\n    grace: [{kind: trading_account, field: opened_on}]"))
    assert _found(org) == []  # no trading activity: the rule does not apply
    from tests.checks.trading_support import account

    org.add("acc/TA.yaml", account(org, "TA-1", "registry", "R-1", opened_on="2025-08-01"))
    assert not [f for f in org.run().findings if f.rule == "schema.invalid"]
    assert _found(org, "2026-06-30") == []  # first review due 2026-08-01
    [(file, _, message)] = _found(org, "2026-08-02")
    assert file == "cms.yaml" and message.endswith("the first was due by 2026-08-01")


def test_covers_and_required(org):
    _table(
        org,
        textwrap.dedent("""
        covers:
          - id: org.review-incomplete
            title: 覆盖 Covers
            clauses: ["9.3.2"]
            severity: error
            kind: trading_review
            what: review
            assessed: true
            items:
              - {field: national_ets, item: 6.1.3 a}
              - {field: voluntary, item: 6.1.3 b}
        required:
          - id: org.conclusion-missing
            title: 结论 Conclusion
            clauses: ["9.3.3"]
            severity: warning
            kind: cms_review
            when: {review_type: [periodic]}
            fields: [{field: reviewers, clause: 6.1.1}]
        """),
    )
    org.add(
        "tr/TR.yaml",
        org.record(
            "trading_review",
            "TR-1",
            date="2026-01-10",
            period={"start": "2025-01-01", "end": "2025-12-31"},
            national_ets={"applicable": False},
            voluntary={"findings": "f", "conclusion": "conforming"},
        ),
    )
    _review(org, "MR-1", "2026-01-10")
    run = org.run()
    assert not [f for f in run.findings if f.rule == "schema.invalid"]
    got = {(f.rule, f.path, f.message, f.clauses) for f in run.findings if f.rule.startswith("org.")}
    assert got == {
        ("org.review-incomplete", "national_ets", "national_ets (6.1.3 a) is marked not applicable without a reason", ("6.1.3 a",)),
        ("org.conclusion-missing", "id", "reviewers is required (6.1.1)", ("6.1.1",)),
    }
    org.add(
        "tr/TR.yaml",
        org.record(
            "trading_review",
            "TR-1",
            date="2026-01-10",
            period={"start": "2025-01-01", "end": "2025-12-31"},
            national_ets={"applicable": False, "reason": "not covered"},
            voluntary={"findings": "f", "conclusion": "conforming"},
        ),
    )
    _review(org, "MR-1", "2026-01-10", review_type="initial")
    assert not [f for f in org.run().findings if f.rule.startswith("org.")]


def test_a_bad_table_is_located(org):
    _table(org, PERIODIC.format(extra="").replace("severity: error", "severity: fatal"))
    errors: list = []
    load_rules([org.root / "checks"], errors)
    [err] = errors
    assert (err.path.name, err.line, err.col) == ("own.rules.yaml", 6, 15)
    assert "periodic.0.severity" in err.message and "'fatal' is not one of" in err.message
    run = org.run()
    [f] = [f for f in run.findings if f.rule == "rules.invalid"]
    assert (f.file, f.line) == ("checks/own.rules.yaml", 6)


def test_a_table_rule_may_not_take_a_bundled_id(org):
    _table(org, PERIODIC.format(extra="").replace("org.review-overdue", "plan.cms-review-overdue"))
    with pytest.raises(RuleError, match="'plan.cms-review-overdue' is already used by management/reviews.rules.yaml"):
        load_rules([__import__("cms_build.paths").paths.bundled("checks"), org.root / "checks"])


def test_overdue_due_day_is_not_late_the_day_after_is_and_done_is_not_late(org):
    """An action_plan due 2026-06-30 and still in_progress: not late that day; on 2026-07-10 it is
    10 days overdue, at its deadline line. Completed, or withdrawn, it is not."""
    _table(
        org,
        textwrap.dedent("""
            overdue:
              - id: org.plan-late
                title: 计划按期 Plans on time
                clauses: ["6.4.4"]
                severity: warning
                kind: action_plan
                due: deadline
                state: plan_status
                open: [planned, in_progress]
                what: the plan
                hint: finish it
            """),
    )
    org.add(
        "ap/AP.yaml",
        org.record(
            "action_plan", "AP", targets=["T"], measures=[{"what": "m"}], responsible="r", evaluation="e", deadline="2026-06-30", plan_status="in_progress"
        ),
    )

    def late(as_of):
        return [(f.file, f.line, f.severity, f.message) for f in org.run(as_of).findings if f.rule == "org.plan-late"]

    assert late("2026-06-30") == []
    assert late("2026-07-10") == [
        (
            "ap/AP.yaml",
            line_of(org, "ap/AP.yaml", "deadline:"),
            "warning",
            "the plan was due on 2026-06-30 and is still in_progress (10 days overdue as of 2026-07-10)",
        )
    ]
    org.add(
        "ap/AP.yaml",
        org.record(
            "action_plan", "AP", targets=["T"], measures=[{"what": "m"}], responsible="r", evaluation="e", deadline="2026-06-30", plan_status="completed"
        ),
    )
    assert late("2026-07-10") == []
    org.add(
        "ap/AP.yaml",
        org.record(
            "action_plan",
            "AP",
            targets=["T"],
            measures=[{"what": "m"}],
            responsible="r",
            evaluation="e",
            deadline="2026-06-30",
            plan_status="in_progress",
            status="withdrawn",
        ),
    )
    assert late("2026-07-10") == []

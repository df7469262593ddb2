"""Planning: system reviews (6.1.1), significant changes (6.1.1, 6.3), risk register (6.5)."""

from tests.checks.management_org import line_of, only


def _review(org, rid, day, **fields):
    rel = f"reviews/{rid}.yaml"
    fields = {"review_type": "periodic", "method_and_criteria": "按程序", "conclusions": "ok", **fields}
    org.add(rel, org.record("cms_review", rid, review_date=day, **fields))
    return rel


def _change(org, day="2026-04-01", **fields):
    rel = "changes/SCH-1.yaml"
    org.add(rel, org.record("significant_change", "SCH-1", change_date=day, change_type="raw_materials", description="改用进口煤", **fields))
    return rel


def test_no_system_review_at_all(org):
    [f] = only(org.run(), "plan.cms-review-overdue")
    assert (f.file, f.line) == ("cms.yaml", line_of(org, "cms.yaml", "- A"))  # the settings' subsystems list
    assert "no carbon management system review" in f.message


def test_system_review_due_after_the_interval(org):
    rel = _review(org, "R1", "2025-06-30")  # + 12 months = 2026-06-30
    assert only(org.run("2026-06-30"), "plan.cms-review-overdue") == []
    [f] = only(org.run("2026-07-01"), "plan.cms-review-overdue")
    assert (f.file, f.line) == (rel, line_of(org, rel, "review_date"))
    assert "next was due by 2026-06-30" in f.message


def test_draft_review_does_not_count(org):
    _review(org, "R1", "2026-01-01", status="draft")
    assert len(only(org.run(), "plan.cms-review-overdue")) == 1


def test_significant_change_without_later_review_warns_then_errs(org):
    rel = _change(org, baseline_review={"date": "2026-04-01", "outcome": "no_adjustment_needed", "justification": "x"})
    _review(org, "R0", "2026-04-01")  # same day as the change: not after it (reading 6)
    # 2026-04-01 + 90 days = 2026-06-30
    [w] = only(org.run("2026-06-30"), "plan.change-without-review")
    assert (w.severity, w.file, w.line) == ("warning", rel, line_of(org, rel, "change_date"))
    assert "due by 2026-06-30 (0 days left)" in w.message
    [e] = only(org.run("2026-07-01"), "plan.change-without-review")
    assert e.severity == "error" and "due by 2026-06-30" in e.message and e.clauses == ("6.1.1",)


def test_review_after_the_change_satisfies_it(org):
    _change(org)
    _review(org, "R1", "2026-04-02", review_type="significant_change", triggered_by=["SCH-1"])
    assert only(org.run("2026-07-01"), "plan.change-without-review") == []


def test_change_marked_not_significant_or_after_as_of(org):
    _change(org, significant=False)
    assert only(org.run("2026-12-31"), "plan.change-without-review") == []
    org.add("changes/SCH-1.yaml", org.record("significant_change", "SCH-1", change_date="2026-07-01", change_type="output", description="x"))
    assert only(org.run("2026-06-30"), "plan.change-without-review") == []


def test_significant_change_needs_a_baseline_review(org):
    rel = _change(org)
    [e] = only(org.run("2026-07-01"), "plan.change-without-baseline-review")
    assert (e.severity, e.line, e.clauses) == ("error", line_of(org, rel, "change_date"), ("6.3",))
    assert "no baseline review after it" in e.message


def test_baseline_review_on_the_change_or_a_later_adjustment(org):
    _change(org, baseline_review={"date": "2026-04-01", "outcome": "adjusted", "justification": "边界变化"})
    assert only(org.run("2026-07-01"), "plan.change-without-baseline-review") == []
    _change(org)
    org.add(
        "performance/BL-1.yaml",
        org.record(
            "baseline",
            "BL-1",
            indicator="IND-1",
            basis="previous_year",
            years=[2023],
            rationale="r",
            adjustments=[{"date": "2026-04-02", "reason": "static_factor_change", "description": "边界变化"}],
        ),
    )
    assert only(org.run("2026-07-01"), "plan.change-without-baseline-review") == []


CRITERIA = {"likelihood": "1-5", "impact": "1-5", "significance": "L×I"}


def _entry(code, category, likelihood=1, impact=1, **fields):
    return {"code": code, "type": "risk", "category": category, "description": "d", "likelihood": likelihood, "impact": impact, **fields}


def _register(org, entries, assessed="2026-01-15"):
    rel = "risks/RR.yaml"
    org.add(rel, org.record("risk_register", "RR", assessed_on=assessed, criteria=CRITERIA, entries=entries))
    return rel


ALL = ["strategic", "operational", "financial", "market", "legal", "credit"]


def test_risk_register_missing_categories(org):
    rel = _register(
        org,
        [_entry(f"R{i}", c) for i, c in enumerate(ALL[:4])]
        + [{"code": "O1", "type": "opportunity", "category": "legal", "description": "d", "likelihood": 1, "impact": 1}],
    )
    [f] = only(org.run(), "plan.risk-category-missing")
    assert (f.file, f.line, f.severity) == (rel, line_of(org, rel, "entries:"), "warning")
    assert "e) 法律风险 legal" in f.message and "f) 信用风险 credit" in f.message and "a)" not in f.message  # opportunities do not count


def test_risk_register_with_every_category(org):
    _register(org, [_entry(f"R{i}", c) for i, c in enumerate(ALL)])
    assert only(org.run(), "plan.risk-category-missing") == []


def test_no_register_or_an_old_one(org):
    [f] = only(org.run(), "plan.risk-assessment-overdue")
    assert f.file == "cms.yaml"
    _register(org, [_entry("R0", "legal")], assessed="2025-06-30")  # + 12 months = 2026-06-30
    assert only(org.run("2026-06-30"), "plan.risk-assessment-overdue") == []
    [f] = only(org.run("2026-07-01"), "plan.risk-assessment-overdue")
    assert f.file == "risks/RR.yaml" and "the next was due by 2026-06-30" in f.message


def test_significant_risk_needs_treatment_and_owner(org):
    # 4 x 3 = 12 reaches the default threshold 12; 2 x 5 = 10 does not
    rel = _register(org, [_entry("R1", "legal", 4, 3), _entry("R2", "credit", 2, 5)])
    found = only(org.run(), "plan.significant-risk-untreated")
    assert sorted(f.message for f in found) == [
        "risk R1 (4 x 3 = 12, threshold 12) is significant but has no owner",
        "risk R1 (4 x 3 = 12, threshold 12) is significant but has no treatment",
    ]
    assert {f.line for f in found} == {line_of(org, rel, "code: R1")}
    assert {f.clauses for f in found} == {("6.5.2",), ("6.5.2 c",)}


def test_threshold_is_a_setting(org):
    org.settings(subsystems=["A"], management={"risk_significance_threshold": 13})
    _register(org, [_entry("R1", "legal", 4, 3)])
    assert only(org.run(), "plan.significant-risk-untreated") == []


def test_effectiveness_needed_once_the_treatment_is_due(org):
    treatment = {"actions": "a", "due": "2026-06-30"}  # no status: due, so it should have been evaluated
    rel = _register(org, [_entry("R1", "legal", 4, 4, owner="PER-1", treatment=treatment)])
    assert only(org.run("2026-06-30"), "plan.significant-risk-untreated") == []
    [f] = only(org.run("2026-07-01"), "plan.significant-risk-untreated")
    assert f.line == line_of(org, rel, "treatment:") and "was due on 2026-06-30" in f.message
    assert "effectiveness has not been evaluated" in f.message


def test_a_treatment_past_due_and_not_implemented_is_overdue(org):
    """6.5.2 c 1): the actions are built in and implemented. The example's R-01 set back to
    planned after its due date 2026-03-31 (and evaluated 'effective') checked clean."""
    for status in ("planned", "in_progress"):
        treatment = {"actions": "a", "due": "2026-03-31", "status": status}
        rel = _register(org, [_entry("R1", "legal", 4, 4, owner="PER-1", treatment=treatment, effectiveness={"date": "2026-04-15", "result": "effective"})])
        assert only(org.run("2026-03-31"), "plan.significant-risk-untreated") == []
        [f] = only(org.run("2026-06-30"), "plan.significant-risk-untreated")  # 2026-03-31 + 91 days
        assert f.message == f"risk R1 (4 x 4 = 16, threshold 12): the treatment was due on 2026-03-31 and is still {status} (91 days overdue as of 2026-06-30)"
        assert f.line == line_of(org, rel, "status: " + status) and f.clauses == ("6.5.2 c",) and f.severity == "error"


def test_implemented_treatment_needs_evaluation_and_evaluated_one_passes(org):
    done = {"actions": "a", "status": "implemented"}
    _register(
        org,
        [
            _entry("R1", "legal", 4, 4, owner="PER-1", treatment=done),
            _entry("R2", "credit", 5, 5, owner="PER-1", treatment=done, effectiveness={"date": "2026-03-01", "result": "effective"}),
        ],
    )
    [f] = only(org.run(), "plan.significant-risk-untreated")
    assert "risk R1" in f.message and "is implemented" in f.message


def _plan(org, pid, deadline, schedule=(), **fields):
    rel = f"performance/{pid}.yaml"
    fields = {"targets": ["TGT-1"], "measures": [{"what": "通流改造"}], "responsible": "发电部", "evaluation": "性能试验", **fields}
    org.add(rel, org.record("action_plan", pid, deadline=deadline, schedule=list(schedule), **fields))
    return rel


def test_action_plan_past_its_deadline(org):
    late = _plan(org, "AP-1", "2026-06-29", plan_status="in_progress")
    _plan(org, "AP-2", "2026-06-30")  # due today: not late
    _plan(org, "AP-3", "2026-01-31", plan_status="completed")
    _plan(org, "AP-4", "2026-01-31", plan_status="cancelled")
    _plan(org, "AP-5", "2026-01-31", status="superseded")
    [f] = only(org.run("2026-06-30"), "plan.action-plan-overdue")
    assert (f.file, f.line, f.severity, f.clauses) == (late, line_of(org, late, "deadline:"), "error", ("6.4.4",))
    assert "to be completed by 2026-06-29 and is still in_progress (1 days overdue as of 2026-06-30)" in f.message
    assert {g.record for g in only(org.run("2026-07-01"), "plan.action-plan-overdue")} == {"AP-1", "AP-2"}


def test_action_plan_milestone_past_due_is_a_warning(org):
    steps = [
        {"milestone": "采购", "due": "2026-03-31", "done": "2026-03-20"},
        {"milestone": "改造", "due": "2026-05-31"},
        {"milestone": "试验", "due": "2026-06-15", "done": "2026-07-10"},  # done only after the as-of date
        {"milestone": "验收", "due": "2026-08-31"},
    ]
    rel = _plan(org, "AP-1", "2026-08-31", steps, plan_status="in_progress")
    found = only(org.run("2026-06-30"), "plan.action-plan-overdue")
    assert [(f.severity, f.line) for f in found] == [("warning", line_of(org, rel, "due: '2026-05-31'")), ("warning", line_of(org, rel, "due: '2026-06-15'"))]
    assert "milestone '改造' was due on 2026-05-31 and is not done as of 2026-06-30 (30 days overdue)" in found[0].message
    assert [f.message.split("'")[1] for f in only(org.run("2026-07-10"), "plan.action-plan-overdue")] == ["改造"]


def _target(org, tid, **fields):
    rel = f"performance/{tid}.yaml"
    org.add(rel, org.record("target", tid, objective="2026 年单位发电量碳排放下降 1 %", **fields))
    return rel


def test_target_not_communicated(org):
    silent = _target(org, "TGT-1")
    later = _target(org, "TGT-2", communicated=[{"date": "2026-07-01", "audience": "全体员工", "channel": "内网"}])
    _target(org, "TGT-3", communicated=[{"date": "2026-02-01", "audience": "各部门", "channel": "会议"}])
    _target(org, "TGT-4", target_status="cancelled")
    _target(org, "TGT-5", status="draft")
    found = {f.record: f for f in only(org.run("2026-06-30"), "plan.target-not-communicated")}
    assert set(found) == {"TGT-1", "TGT-2"}
    assert (found["TGT-1"].file, found["TGT-1"].line, found["TGT-1"].clauses) == (silent, line_of(org, silent, "objective:"), ("6.4.2 g",))
    assert (found["TGT-2"].file, found["TGT-2"].line) == (later, line_of(org, later, "communicated:"))
    assert "has not been communicated (no communicated entry dated on or before 2026-06-30)" in found["TGT-1"].message
    assert {f.record for f in only(org.run("2026-07-01"), "plan.target-not-communicated")} == {"TGT-1"}

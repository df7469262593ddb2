"""Management review (9.3; A.9.4, B.9.3, C.9.3, D.9.4)."""

from tests.checks.management_org import line_of, only, person, role

INPUTS = [
    "previous_actions",
    "context_changes",
    "nonconformity_trends",
    "monitoring_trends",
    "audit_trends",
    "compliance_trends",
    "resources",
    "interested_party_communication",
    "improvement_opportunities",
    "policy",
    "objectives_achievement",
    "performance",
    "action_plan_status",
]
OUTPUTS = [
    "improvement_opportunities",
    "policy",
    "indicators_baselines",
    "objectives_targets_plans",
    "business_integration",
    "resource_allocation",
    "competence_awareness_communication",
]
SUB_IN = [
    "previous_followup",
    "policy_review",
    "performance_review",
    "compliance_and_changes",
    "objectives_achievement",
    "communication",
    "audit_results",
    "corrective_actions",
    "next_period_planning",
    "improvement_suggestions",
]
SUB_OUT = ["overall_evaluation", "policy_changes", "objectives_adjustments", "improvement_decisions", "change_decisions"]


def items(keys, leave_out=()):
    return {k: {"summary": "已考虑"} for k in keys if k not in leave_out}


def section(leave_in=(), leave_out=()):
    return {"summary": "s", "inputs": items(SUB_IN, leave_in), "outputs": items(SUB_OUT, leave_out)}


def _review(org, day="2026-01-15", mid="MR-1", subsystems=None, inputs=None, outputs=None, **fields):
    rel = f"reviews/{mid}.yaml"
    subs = subsystems if subsystems is not None else {s: section() for s in "ACD"} | {"B": {"summary": "s"}}
    org.add(
        rel,
        org.record(
            "management_review",
            mid,
            review_date=day,
            chaired_by="PER-1",
            inputs=items(INPUTS) if inputs is None else inputs,
            outputs=items(OUTPUTS) if outputs is None else outputs,
            subsystems=subs,
            **fields,
        ),
    )
    return rel


def test_review_interval(org):
    [f] = only(org.run(), "mr.overdue")
    assert f.file == "cms.yaml"
    rel = _review(org, "2025-06-30")  # + 12 months = 2026-06-30
    assert only(org.run("2026-06-30"), "mr.overdue") == []
    [f] = only(org.run("2026-07-01"), "mr.overdue")
    assert (f.file, f.line, f.clauses) == (rel, line_of(org, rel, "review_date"), ("9.3.1",))


def test_complete_review_has_no_findings(org):
    _review(org)
    result = org.run()
    assert [f for f in result.findings if f.rule.startswith("mr.")] == []


def test_missing_common_input_names_its_clause(org):
    rel = _review(org, inputs=items(INPUTS, ("policy", "performance")))
    found = sorted(only(org.run(), "mr.input-missing"), key=lambda f: f.message)
    assert [(f.clauses, f.line) for f in found] == [(("9.3.3",), line_of(org, rel, "inputs:")), (("9.3.2 g",), line_of(org, rel, "inputs:"))]
    assert "does not consider performance (9.3.3)" in found[0].message
    assert "does not consider policy (9.3.2 g)" in found[1].message


def test_subsystem_inputs_and_outputs_only_when_adopted(org):
    subs = {"A": section(leave_in=("compliance_and_changes",)), "B": {"summary": "s"}, "C": section(leave_out=("policy_changes",)), "D": section()}
    rel = _review(org, subsystems=subs)
    [i] = only(org.run(), "mr.input-missing")
    assert (i.clauses, i.line) == (("A.9.4 a",), line_of(org, rel, "A:"))
    assert "subsystem A: the review does not consider compliance_and_changes (A.9.4 a)" in i.message
    [o] = only(org.run(), "mr.output-missing")
    assert o.clauses == ("C.9.3 b",) and "policy_changes" in o.message
    org.settings(subsystems=["B", "D"])
    result = org.run()
    assert only(result, "mr.input-missing") == [] and only(result, "mr.output-missing") == []


def test_missing_output(org):
    _review(org, outputs=items(OUTPUTS, ("resource_allocation",)))
    [f] = only(org.run(), "mr.output-missing")
    assert f.clauses == ("9.3.4",) and "gives no output on resource_allocation" in f.message


def test_adopted_subsystem_without_a_section(org):
    org.settings(subsystems=["A", "B"])
    rel = _review(org, subsystems={"A": section()})
    [f] = only(org.run(), "mr.subsystem-not-reviewed")
    assert (f.clauses, f.line) == (("B.9.3",), line_of(org, rel, "subsystems:"))
    assert "subsystem B is adopted but the management review of 2026-01-15 has no section on it" in f.message


def test_only_the_latest_review_is_checked_for_content(org):
    _review(org, "2025-01-15", "MR-0", inputs={})
    _review(org, "2026-01-15", "MR-1")
    assert only(org.run(), "mr.input-missing") == []
    assert len(only(org.run("2026-01-14"), "mr.input-missing")) == len(INPUTS)  # MR-1 not yet held


def test_chaired_by_top_management(org):
    person(org, "PER-1")
    person(org, "PER-2")
    role(org, "ROLE-GM", "top_management", [("PER-2", "2020-01-01", "2026-01-14"), ("PER-1", "2026-01-15", None)])
    _review(org, "2026-01-15")
    assert only(org.run(), "mr.not-by-top-management") == []
    rel = _review(org, "2026-01-14")
    [f] = only(org.run(), "mr.not-by-top-management")
    assert f.line == line_of(org, rel, "chaired_by") and "PER-1 did not hold a top management role on 2026-01-14" in f.message


def test_review_action_overdue(org):
    rel = _review(
        org, actions=[{"code": "A1", "decision": "d", "due": "2026-06-30"}, {"code": "A2", "decision": "d", "due": "2026-03-31", "done_on": "2026-03-30"}]
    )
    assert only(org.run("2026-06-30"), "mr.action-overdue") == []
    [f] = only(org.run("2026-07-01"), "mr.action-overdue")
    assert (f.severity, f.line) == ("warning", line_of(org, rel, "due: '2026-06-30'"))
    assert "action A1 of the review of 2026-01-15 was due on 2026-06-30" in f.message

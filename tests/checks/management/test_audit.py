"""Internal audit (9.2; A.9.3, B.9.2, C.9.2, D.9.3)."""

from tests.checks.management_org import competence, line_of, only, person

PLAN = {
    "objectives": "评价符合性",
    "criteria": ["本标准"],
    "scope": "全部过程",
    "subsystems": ["common", "A", "B", "C", "D"],
    "lead_auditor": "PER-1",
    "schedule": [{"date": "2026-05-10", "area": "燃料部", "auditors": ["PER-1"]}],
}
REPORT = {
    "date": "2026-05-20",
    "process_overview": "按计划审核",
    "nonconformity_statement": "无不符合",
    "conclusion": "有效",
    "distributed_to": [{"recipient": "总经理", "date": "2026-05-20"}],
}


def _audit(org, aid="AUD-1", plan=None, report=None, status="completed", **fields):
    rel = f"audits/{aid}.yaml"
    data = {"audit_status": status, "plan": PLAN if plan is None else plan}
    if report is not False:
        data["report"] = REPORT if report is None else report
    org.add(rel, org.record("audit", aid, **data, **fields))
    return rel


def _programme(org, due="2026-06-30"):
    rel = "audits/APG.yaml"
    org.add(
        rel,
        org.record(
            "audit_programme",
            "APG",
            period={"start": "2026-01-01", "end": "2026-12-31"},
            objectives="o",
            frequency="每年",
            methods="m",
            responsibilities="r",
            considerations="c",
            audits=[{"code": "IA-1", "due": due, "scope": "全部"}],
        ),
    )
    return rel


def test_planned_audit_overdue(org):
    rel = _programme(org)
    assert only(org.run("2026-06-30"), "audit.programme-overdue") == []
    [f] = only(org.run("2026-07-01"), "audit.programme-overdue")
    assert (f.file, f.line, f.clauses) == (rel, line_of(org, rel, "due:"), ("9.2.2 a",))
    assert "audit IA-1 (全部) was due by 2026-06-30 and has not been done (1 days overdue" in f.message


def test_planned_audit_done_or_done_for_another_entry(org):
    _programme(org)
    _audit(org, programme="APG", programme_entry="IA-1")
    assert only(org.run("2026-07-01"), "audit.programme-overdue") == []
    _audit(org, programme="APG", programme_entry="IA-2")
    assert len(only(org.run("2026-07-01"), "audit.programme-overdue")) == 1
    _audit(org, programme="APG", programme_entry="IA-1", status="in_progress")
    assert len(only(org.run("2026-07-01"), "audit.programme-overdue")) == 1


def test_audit_interval(org):
    [f] = only(org.run(), "audit.interval-exceeded")
    assert f.file == "cms.yaml"
    rel = _audit(org, report=dict(REPORT, date="2025-06-30"))  # + 12 months = 2026-06-30
    assert only(org.run("2026-06-30"), "audit.interval-exceeded") == []
    [f] = only(org.run("2026-07-01"), "audit.interval-exceeded")
    assert (f.file, f.line) == (rel, line_of(org, rel, "audit_status")) and "next was due by 2026-06-30" in f.message


def test_report_after_as_of_is_not_yet_done(org):
    _audit(org, report=dict(REPORT, date="2026-07-01"))
    assert len(only(org.run("2026-06-30"), "audit.interval-exceeded")) == 1


def test_each_adopted_subsystem_audited(org):
    org.settings(subsystems=["A", "B"])
    _audit(org, plan=dict(PLAN, subsystems=["common", "A"]))
    [f] = only(org.run(), "audit.subsystem-not-audited")
    assert f.clauses == ("B.9.2",) and "subsystem B is adopted but no internal audit covering it" in f.message
    _audit(org, plan=dict(PLAN, subsystems=["common", "A", "B"]))
    assert only(org.run(), "audit.subsystem-not-audited") == []


def test_plan_without_criteria_or_scope(org):
    rel = _audit(org, plan={"objectives": "o", "lead_auditor": "PER-1", "schedule": PLAN["schedule"]})
    found = only(org.run(), "audit.no-criteria-or-scope")
    assert sorted(f.message for f in found) == ["the audit plan defines no audit criteria (plan.criteria)", "the audit plan defines no scope (plan.scope)"]
    assert {f.line for f in found} == {line_of(org, rel, "plan:")}
    _audit(org, plan={"scope": "s"}, status="cancelled")
    assert only(org.run(), "audit.no-criteria-or-scope") == []


def test_plan_of_annex_a(org):
    _audit(org, plan={"criteria": ["本标准"], "scope": "s"})
    found = only(org.run(), "audit.plan-incomplete")
    assert len(found) == 3 and {f.clauses for f in found} == {("A.9.3 b",)}
    org.settings(subsystems=["B"])
    assert only(org.run(), "audit.plan-incomplete") == []  # A not adopted


def test_auditor_auditing_own_department(org):
    person(org, "PER-1", department="燃料部")
    person(org, "PER-2", department="综合管理部")
    schedule = [{"date": "2026-05-10", "area": "燃料部", "auditors": ["PER-2", "PER-1"]}, {"date": "2026-05-11", "area": "综合管理部", "auditors": ["PER-1"]}]
    rel = _audit(org, plan=dict(PLAN, schedule=schedule))
    [f] = only(org.run(), "audit.auditor-own-area")
    assert (f.file, f.line, f.path) == (rel, line_of(org, rel, "- PER-1"), "plan.schedule[0].auditors[1]")
    assert "PER-1 (张三) of 燃料部 is scheduled on 2026-05-10 to audit 燃料部, their own department" in f.message


def test_report_contents(org):
    rel = _audit(org, report={"date": "2026-05-20", "process_overview": "x", "distributed_to": REPORT["distributed_to"]})
    found = only(org.run(), "audit.report-incomplete")
    assert sorted(f.message for f in found) == [
        "the audit report has no conclusion (审核结论)",
        "the audit report has no statement of nonconformities (不符合项说明)",
    ]
    assert {(f.line, f.clauses) for f in found} == {(line_of(org, rel, "report:"), ("A.9.3 c", "C.9.2 c"))}
    org.settings(subsystems=["B", "D"])
    assert only(org.run(), "audit.report-incomplete") == []  # contents are asked by A.9.3 c and C.9.2 c
    _audit(org, report=False)
    [f] = only(org.run(), "audit.report-incomplete")
    assert f.message == "the audit is completed but has no report"


def test_results_communicated(org):
    rel = _audit(org, report={k: v for k, v in REPORT.items() if k != "distributed_to"})
    [f] = only(org.run(), "audit.results-not-communicated")
    assert f.line == line_of(org, rel, "report:") and f.clauses == ("9.2.2 d", "A.9.3 d")
    _audit(org)
    assert only(org.run(), "audit.results-not-communicated") == []


def test_nonconformity_found_is_recorded(org):
    rel = _audit(
        org,
        findings=[
            {"code": "F-1", "type": "nonconformity", "description": "d"},
            {"code": "F-2", "type": "observation", "description": "d"},
            {"code": "F-3", "type": "nonconformity", "description": "d", "nonconformity": "NC-1"},
        ],
    )
    [f] = only(org.run(), "audit.finding-without-nonconformity")
    assert f.line == line_of(org, rel, "code: F-1") and "finding F-1 is a nonconformity" in f.message


def test_auditors_hold_internal_audit_competence_on_the_first_day(org):
    person(org, "PER-1")
    person(org, "PER-2", name="李四")
    competence(org, "C-1", "PER-1", "internal_audit", obtained="2024-01-01", until="2027-01-01")
    competence(org, "C-2", "PER-2", "internal_audit", obtained="2026-05-11")  # one day after the audit began
    schedule = [{"date": "2026-05-10", "area": "燃料部", "auditors": ["PER-1", "PER-2"]}, {"date": "2026-05-11", "area": "计划部", "auditors": ["PER-2"]}]
    rel = _audit(org, plan=dict(PLAN, team=["PER-1", "PER-2"], schedule=schedule))
    [f] = only(org.run(), "audit.auditor-without-competence")
    assert (f.file, f.path) == (rel, "plan.team[1]")  # reported once, where PER-2 is first named
    assert f.line == line_of(org, rel, "team:") + 2  # team: / - PER-1 / - PER-2
    assert "PER-2 (李四) audits from 2026-05-10, but their evidence (C-2) is not valid on that day" in f.message
    assert f.clauses == ("7.2.1 b", "7.2.1 d")


def test_auditor_without_any_internal_audit_competence(org):
    person(org, "PER-1")
    competence(org, "C-1", "PER-1", "carbon_accounting")  # the wrong area
    _audit(org, conducted={"start": "2026-05-09", "end": "2026-05-12"})
    [f] = only(org.run(), "audit.auditor-without-competence")
    assert f.path == "plan.lead_auditor"
    assert "PER-1 (张三) audits from 2026-05-09, but there is no competence_record of area internal_audit for them" in f.message


def test_competent_auditor_passes(org):
    person(org, "PER-1")
    competence(org, "C-1", "PER-1", "internal_audit", obtained="2026-05-10")  # obtained on the first day counts
    _audit(org)
    assert only(org.run(), "audit.auditor-without-competence") == []

"""Nonconformity and corrective action (10.2)."""

from tests.checks.management_org import line_of, only


def _nc(org, nid="NC-1", detected="2026-06-01", **fields):
    rel = f"improvement/{nid}.yaml"
    org.add(rel, org.record("nonconformity", nid, source="internal_audit", detected_on=detected, description="皮带秤超期", **fields))
    return rel


def _ca(org, cid="CA-1", nid="NC-1", status="in_progress", due="2026-06-30", **fields):
    rel = f"improvement/{cid}.yaml"
    org.add(rel, org.record("corrective_action", cid, nonconformity=nid, action="建立到期提醒", owner="PER-1", due=due, action_status=status, **fields))
    return rel


CAUSE = {"root_cause": "台账未联动"}


def test_nonconformity_without_corrective_action_warns_then_errs(org):
    rel = _nc(org, cause_analysis=CAUSE)
    # 2026-06-01 + 30 days = 2026-07-01: warnings up to that day, an error from the next
    [w] = only(org.run("2026-07-01"), "nc.no-corrective-action")
    assert (w.severity, w.file, w.line) == ("warning", rel, line_of(org, rel, "detected_on"))
    assert "has no corrective action yet; due by 2026-07-01 (0 days left)" in w.message
    [e] = only(org.run("2026-07-02"), "nc.no-corrective-action")
    assert e.severity == "error" and e.clauses == ("10.2 b", "10.2 c")


def test_corrective_action_or_justified_none(org):
    _nc(org, cause_analysis=CAUSE)
    _ca(org, due="2026-09-30")
    assert only(org.run("2026-07-02"), "nc.no-corrective-action") == []
    _nc(org, "NC-2", corrective_action_needed=False, no_action_justification="孤立事件，已纠正")
    assert only(org.run("2026-07-02"), "nc.no-corrective-action") == []


def test_nonconformity_detected_after_as_of(org):
    _nc(org, detected="2026-07-01")
    assert only(org.run("2026-06-30"), "nc.no-corrective-action") == []


def test_cause_analysis_by_the_deadline(org):
    rel = _nc(org)
    _ca(org, due="2026-09-30")
    assert only(org.run("2026-07-01"), "nc.cause-not-analysed") == []
    [f] = only(org.run("2026-07-02"), "nc.cause-not-analysed")
    assert f.line == line_of(org, rel, "detected_on") and "no cause analysis recorded by 2026-07-01" in f.message


def test_corrective_action_past_due(org):
    _nc(org, cause_analysis=CAUSE)
    rel = _ca(org, due="2026-06-30")
    assert only(org.run("2026-06-30"), "ca.overdue") == []
    [f] = only(org.run("2026-07-01"), "ca.overdue")
    assert (f.file, f.line, f.clauses) == (rel, line_of(org, rel, "due:"), ("10.2 c",))
    assert "was due on 2026-06-30 and is still in_progress (1 days overdue as of 2026-07-01)" in f.message
    _ca(org, due="2026-06-30", status="implemented", implemented_on="2026-06-20")
    assert only(org.run("2026-07-01"), "ca.overdue") == []


def test_closed_without_effectiveness_review(org):
    _nc(org, cause_analysis=CAUSE)
    rel = _ca(org, status="closed")
    [f] = only(org.run(), "ca.closed-without-effectiveness")
    assert (f.line, f.clauses) == (line_of(org, rel, "action_status"), ("10.2 d",))
    assert f.message == "the corrective action is closed without a review of its effectiveness"


def test_effectiveness_review_not_effective_or_not_yet_held(org):
    _nc(org, cause_analysis=CAUSE)
    rel = _ca(org, status="closed", effectiveness_review={"date": "2026-05-01", "result": "not_effective"})
    [f] = only(org.run(), "ca.closed-without-effectiveness")
    assert f.line == line_of(org, rel, "result: not_effective") and "found it not_effective" in f.message
    _ca(org, status="closed", effectiveness_review={"date": "2026-07-01", "result": "effective"})
    assert len(only(org.run("2026-06-30"), "ca.closed-without-effectiveness")) == 1
    assert only(org.run("2026-07-01"), "ca.closed-without-effectiveness") == []


def test_nonconformity_closed_with_open_actions(org):
    rel = _nc(org, cause_analysis=CAUSE, nc_status="closed")
    _ca(org, status="in_progress", due="2026-09-30")
    [f] = only(org.run(), "nc.closed-with-open-actions")
    assert f.line == line_of(org, rel, "nc_status") and "its corrective actions CA-1 are not" in f.message
    _ca(org, status="closed", effectiveness_review={"date": "2026-05-01", "result": "effective"})
    assert only(org.run(), "nc.closed-with-open-actions") == []


def test_states_reached_after_as_of_are_not_yet_known(org):
    _nc(org, cause_analysis=CAUSE, nc_status="closed", closed_on="2026-07-10")
    # implemented 2026-07-05, closed 2026-07-10: on 2026-07-01 it was still open and past its due date
    _ca(
        org,
        status="closed",
        due="2026-06-30",
        implemented_on="2026-07-05",
        closed_on="2026-07-10",
        effectiveness_review={"date": "2026-07-09", "result": "effective"},
    )
    result = org.run("2026-07-01")
    [f] = only(result, "ca.overdue")
    assert "is still open (1 days overdue" in f.message
    assert only(result, "ca.closed-without-effectiveness") == [] and only(result, "nc.closed-with-open-actions") == []
    assert only(org.run("2026-07-10"), "ca.overdue") == []


def test_records_approved_after_as_of_are_left_out(org):
    _nc(org, approved_on="2026-07-01", effective="2026-07-01")
    assert only(org.run("2026-12-31"), "nc.no-corrective-action") != []
    assert only(org.run("2026-06-30"), "nc.no-corrective-action") == []


def _imp(org, iid, identified="2026-01-10", status="proposed", **fields):
    rel = f"improvement/{iid}.yaml"
    org.add(rel, org.record("improvement", iid, identified_on=identified, source="monitoring", opportunity="燃机启停优化", improvement_status=status, **fields))
    return rel


def _mr(org, day):
    org.add("reviews/MR-1.yaml", org.record("management_review", "MR-1", review_date=day, chaired_by="PER-1", inputs={}, outputs={}))


def test_proposal_a_management_review_passed_over_is_undecided(org):
    before = _imp(org, "IMP-1", identified="2026-03-01")
    _imp(org, "IMP-2", identified="2026-03-01", status="approved")
    _imp(org, "IMP-3", identified="2026-03-02")  # identified after the review
    assert only(org.run("2026-06-30"), "imp.undecided") == []  # no review yet
    _mr(org, "2026-03-01")  # a review on the day it was identified could decide on it
    [f] = only(org.run("2026-06-30"), "imp.undecided")
    assert (f.file, f.line, f.clauses) == (before, line_of(org, before, "improvement_status"), ("10.1", "9.3.4"))
    assert "identified on 2026-03-01 is still only proposed after the management review of 2026-03-01" in f.message
    assert only(org.run("2026-02-28"), "imp.undecided") == []  # neither known yet


def test_improvement_past_its_due_date(org):
    late = _imp(org, "IMP-1", status="in_progress", due="2026-06-29")
    _imp(org, "IMP-2", status="approved", due="2026-06-30")
    _imp(org, "IMP-3", status="rejected", due="2026-01-31")
    _imp(org, "IMP-4", status="completed", due="2026-01-31", completed_on="2026-01-20", results="启停次数减半")
    [f] = only(org.run("2026-06-30"), "imp.overdue")
    assert (f.file, f.line, f.severity) == (late, line_of(org, late, "due:"), "error")
    assert "due on 2026-06-29 and is still in_progress (1 days overdue as of 2026-06-30)" in f.message
    assert {g.record for g in only(org.run("2026-07-01"), "imp.overdue")} == {"IMP-1", "IMP-2"}
    assert only(org.run("2026-06-30"), "imp.completed-without-results") == []


def test_completed_improvement_says_when_and_what(org):
    bare = _imp(org, "IMP-1", status="completed")
    _imp(org, "IMP-2", status="completed", completed_on="2026-07-05", results="启停次数减半")
    found = {f.record: f for f in only(org.run("2026-06-30"), "imp.completed-without-results")}
    assert set(found) == {"IMP-1", "IMP-2"}
    assert (found["IMP-1"].file, found["IMP-1"].line) == (bare, line_of(org, bare, "improvement_status"))
    assert "does not say when it was completed (completed_on on or before 2026-06-30) or what it achieved (results)" in found["IMP-1"].message
    assert "or what it achieved" not in found["IMP-2"].message
    assert {f.record for f in only(org.run("2026-07-05"), "imp.completed-without-results")} == {"IMP-1"}

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

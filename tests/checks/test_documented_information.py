"""Documented information (7.4) and the policy (5.2)."""
from tests.checks.management_org import line_of, only, role, person


def test_approved_record_without_approver_or_date_is_flagged(org):
    rel = "policy/P.yaml"
    data = org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True)
    del data["approved_by"], data["approved_on"]
    org.add(rel, data)
    found = only(org.run(), "doc.approval-incomplete", rel)
    assert [f.line for f in found] == [line_of(org, rel, "status:")] * 2
    assert {f.clauses for f in found} == {("7.4.2 c",)}
    assert sorted(f.message for f in found) == ["status is approved, but approved_by does not say who approved it",
                                                "status is approved, but approved_on does not say when"]


def test_draft_or_complete_approval_is_not_flagged(org):
    draft = org.record("policy", "D", statement="s", issued_by="GM", status="draft")
    del draft["approved_by"], draft["approved_on"]
    org.add("policy/D.yaml", draft)
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True))
    assert only(org.run(), "doc.approval-incomplete") == []


def test_policy_not_approved_by_top_management(org):
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=False))
    org.add("policy/R.yaml", org.record("policy", "R", statement="s", issued_by="GM", status="draft"))
    f, g = only(org.run(), "ms.policy-not-by-top-management")
    assert (f.file, f.line) == ("policy/P.yaml", line_of(org, "policy/P.yaml", "approved_by:"))
    assert "approved_by ('Approver') names no person record" in f.message and f.clauses == ("5.2", "C.5.2")
    assert g.path == "issued_by" and "issued_by ('GM') names no person record" in g.message


def test_policy_boolean_is_deprecated(org):
    org.add("policy/Q.yaml", org.record("policy", "Q", statement="s", issued_by="GM", approved_by_top_management=True))
    [f] = only(org.run(), "ms.policy-not-by-top-management")
    assert f.severity == "warning" and f.line == line_of(org, "policy/Q.yaml", "approved_by_top_management")
    assert "approved_by_top_management is deprecated" in f.message


def _top(org):
    person(org, "PER-GM", name="陈总")
    person(org, "PER-X", name="李四")
    # PER-GM is top management from 2025-01-01; PER-X held it until 2024-12-31
    role(org, "ROLE-GM", "top_management", [("PER-GM", "2025-01-01", None), ("PER-X", "2020-01-01", "2024-12-31")])


def test_policy_approved_and_issued_by_a_top_manager_in_office(org):
    _top(org)
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", approved_by="PER-GM", issued_by="PER-GM",
                                        approved_on="2025-01-08", effective="2025-01-10"))
    assert only(org.run(), "ms.policy-not-by-top-management") == []


def test_policy_approver_not_in_office_on_the_approval_day(org):
    _top(org)
    # PER-X left top management on 2024-12-31; approving on 2025-01-08 is after that.
    # PER-GM only from 2025-01-01: issuing on 2024-12-20 (effective) is before that.
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", approved_by="PER-X", issued_by="PER-GM",
                                        approved_on="2025-01-08", effective="2024-12-20"))
    found = only(org.run(), "ms.policy-not-by-top-management")
    assert sorted(f.message for f in found) == [
        "PER-GM (陈总) did not hold a top management role on 2024-12-20",
        "PER-X (李四) did not hold a top management role on 2025-01-08"]
    assert {f.path for f in found} == {"approved_by", "issued_by"}


def test_policy_issued_by_free_text_is_flagged(org):
    _top(org)
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", approved_by="PER-GM", issued_by="总经理",
                                        approved_on="2025-01-08"))
    [f] = only(org.run(), "ms.policy-not-by-top-management")
    assert f.path == "issued_by" and "issued_by ('总经理') names no person record" in f.message


def test_policy_review_due_twelve_months_after_the_last(org):
    # last reviewed 2025-06-30 + 12 months = due 2026-06-30: not late that day, late the next
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True,
                                        last_reviewed="2025-06-30", review_interval_months=12))
    assert only(org.run("2026-06-30"), "ms.policy-review-overdue") == []
    [f] = only(org.run("2026-07-01"), "ms.policy-review-overdue")
    assert f.line == line_of(org, "policy/P.yaml", "last_reviewed")
    assert "next review was due by 2026-06-30 (1 days ago" in f.message


def test_policy_reviews_list_counts_as_a_review(org):
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True,
                                        last_reviewed="2024-06-30", reviews=[{"date": "2025-12-01", "outcome": "ok"}]))
    assert only(org.run("2026-07-01"), "ms.policy-review-overdue") == []


def test_record_past_next_review(org):
    rel = person(org, "PER-1", next_review="2026-06-30")
    assert only(org.run("2026-06-30"), "doc.review-overdue") == []
    [f] = only(org.run("2026-07-01"), "doc.review-overdue")
    assert (f.file, f.line) == (rel, line_of(org, rel, "next_review"))
    assert "next_review 2026-06-30 has passed (1 days ago as of 2026-07-01)" in f.message


def test_review_grace_days_setting(org):
    org.settings(subsystems=["A"], management={"review_grace_days": 5})
    person(org, "PER-1", next_review="2026-06-30")
    assert only(org.run("2026-07-05"), "doc.review-overdue") == []  # 5 days late, within 5 days' grace
    [f] = only(org.run("2026-07-06"), "doc.review-overdue")
    assert "plus 5 days' grace" in f.message


def test_superseded_record_still_marked_current(org):
    org.add("policy/P1.yaml", org.record("policy", "P1", statement="s", issued_by="GM", approved_by_top_management=True))
    org.add("policy/P2.yaml", org.record("policy", "P2", statement="s", issued_by="GM", approved_by_top_management=True,
                                         supersedes="P1", approved_on="2026-01-01", effective="2026-01-01"))
    assert only(org.run("2025-12-31"), "doc.superseded-still-current") == []  # P2 not yet in effect
    [f] = only(org.run("2026-06-30"), "doc.superseded-still-current")
    assert (f.file, f.line) == ("policy/P1.yaml", line_of(org, "policy/P1.yaml", "status:"))
    assert "P2 (policy/P2.yaml) supersedes P1 since 2026-01-01" in f.message


def test_superseded_record_marked_superseded_is_fine(org):
    org.add("policy/P1.yaml", org.record("policy", "P1", statement="s", issued_by="GM", status="superseded"))
    org.add("policy/P2.yaml", org.record("policy", "P2", statement="s", issued_by="GM", approved_by_top_management=True,
                                         supersedes="P1", effective="2026-01-01"))
    assert only(org.run("2026-06-30"), "doc.superseded-still-current") == []


def _roles_with_successor(org, b_approved):
    role(org, "ROLE-A1", "management_representative", [], status="superseded")
    role(org, "ROLE-A2", "management_representative", [], supersedes="ROLE-A1", approved_on="2026-01-01", effective="2026-01-01")
    role(org, "ROLE-B", "internal_auditor", [], reports_to="ROLE-A1", approved_on=b_approved, effective=b_approved)


def test_record_made_after_a_new_version_names_the_old_one(org):
    _roles_with_successor(org, "2026-01-01")  # on the day the new version took effect
    [f] = only(org.run("2026-06-30"), "doc.current-refers-to-superseded")
    assert (f.file, f.line, f.severity) == ("roles/ROLE-B.yaml", line_of(org, "roles/ROLE-B.yaml", "reports_to"), "warning")
    assert "names ROLE-A1, which ROLE-A2 superseded on 2026-01-01" in f.message


def test_record_made_before_the_new_version_may_name_the_old_one(org):
    _roles_with_successor(org, "2025-12-31")
    assert only(org.run("2026-06-30"), "doc.current-refers-to-superseded") == []


def test_reviews_may_name_superseded_records(org):
    _roles_with_successor(org, "2025-12-31")
    org.add("reviews/MR.yaml", org.record("management_review", "MR", review_date="2026-03-01", chaired_by="ROLE-A1",
                                          inputs={"policy": {"summary": "x", "refs": ["ROLE-A1"]}}, outputs={},
                                          approved_on="2026-03-01"))
    assert [f.record for f in only(org.run("2026-06-30"), "doc.current-refers-to-superseded")] == []


TOTAL = {"value": 1, "unit": "tCO2"}


def _in_ets(org):
    org.add("organization/ORG.yaml", org.record("organization", "ORG", legal_name="某电厂", uscc="91320000000000000X",
                                                 mandatory_schemes=["national_ets"]))


def test_retention_below_the_legal_minimum(org):
    _in_ets(org)
    rel = "inventory/RI.yaml"
    org.add(rel, org.record("reported_inventory", "RI", year=2025, total=TOTAL, retention_years=3))
    org.add("inventory/RI5.yaml", org.record("reported_inventory", "RI5", year=2024, total=TOTAL, retention_years=5))  # exactly 5 is enough
    org.add("people/P.yaml", org.record("person", "P", name="张三", retention_years=1))  # not a record of the report
    [f] = only(org.run(), "doc.retention-below-legal-minimum")
    assert (f.file, f.line) == (rel, line_of(org, rel, "retention_years"))
    assert "retention_years is 3, below the legal minimum of 5 years" in f.message and f.clauses == ("7.4.3",)


def test_retention_minimum_is_a_setting_and_only_in_the_ets(org):
    org.add("inventory/RI.yaml", org.record("reported_inventory", "RI", year=2025, total=TOTAL, retention_years=3))
    assert only(org.run(), "doc.retention-below-legal-minimum") == []  # not in the national ETS
    _in_ets(org)
    org.settings(subsystems=["A"], management={"legal_retention_years": 3})
    assert only(org.run(), "doc.retention-below-legal-minimum") == []
    org.settings(subsystems=["A"], management={"legal_retention_years": 4})
    [f] = only(org.run(), "doc.retention-below-legal-minimum")
    assert "below the legal minimum of 4 years" in f.message


def test_policy_approved_by_the_top_management_role(org):
    _top(org)
    role(org, "ROLE-ACC", "accounting_staff", [("PER-X", "2020-01-01", None)])
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", approved_by="ROLE-GM", issued_by="ROLE-ACC",
                                        approved_on="2025-01-08"))
    # ROLE-GM is top management, held by PER-GM on 2025-01-08; ROLE-ACC is not top management
    [f] = only(org.run(), "ms.policy-not-by-top-management")
    assert f.path == "issued_by" and "ROLE-ACC (accounting_staff role) is not a top management role held by anyone" in f.message

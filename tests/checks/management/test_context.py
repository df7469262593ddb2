"""Compliance obligations reviewed in time (4.2)."""

from tests.checks.management_org import line_of, only


def _obligation(org, cid="CO-1", **fields):
    rel = f"obligations/{cid}.yaml"
    org.add(
        rel,
        org.record(
            "compliance_obligation", cid, name="碳排放权交易管理暂行条例", source_type="administrative_regulation", requirements="报告排放，清缴配额", **fields
        ),
    )
    return rel


def test_obligation_review_due_after_the_default_twelve_months(org):
    rel = _obligation(org, last_reviewed="2025-06-30")
    # 2025-06-30 + 12 months = 2026-06-30
    assert only(org.run("2026-06-30"), "ms.obligation-review-overdue") == []
    [f] = only(org.run("2026-07-01"), "ms.obligation-review-overdue")
    assert (f.file, f.line, f.clauses) == (rel, line_of(org, rel, "last_reviewed"), ("4.2",))
    assert "due for review by 2026-06-30, 1 days before 2026-07-01" in f.message


def test_obligation_own_interval_and_history(org):
    # own interval 6 months: 2025-12-31 + 6 months = 2026-06-30
    _obligation(org, "CO-1", last_reviewed="2025-01-01", review_interval_months=6, review_history=[{"date": "2025-12-31", "result": "仍有效"}])
    assert only(org.run("2026-06-30"), "ms.obligation-review-overdue") == []
    assert len(only(org.run("2026-07-01"), "ms.obligation-review-overdue")) == 1


def test_setting_changes_the_interval(org):
    org.settings(subsystems=["A"], management={"obligation_review_months": 24})
    _obligation(org, last_reviewed="2025-01-01")
    assert only(org.run("2026-12-31"), "ms.obligation-review-overdue") == []
    assert len(only(org.run("2027-01-02"), "ms.obligation-review-overdue")) == 1


def test_registration_counts_as_the_first_review(org):
    # registered (approved) 2025-01-01 and never reviewed since: due 2026-01-01
    rel = _obligation(org, approved_on="2025-01-01", effective="2025-01-01")
    assert only(org.run("2026-01-01"), "ms.obligation-review-overdue") == []
    [f] = only(org.run("2026-01-02"), "ms.obligation-review-overdue")
    assert f.line == line_of(org, rel, "name:")
    assert "registered on 2025-01-01 and not reviewed since; with a 12-month interval it was due for review by 2026-01-01" in f.message


def test_obligation_without_any_date(org):
    data = org.record("compliance_obligation", "CO-1", name="法规", source_type="law", requirements="r")
    del data["approved_on"], data["effective"]
    org.add("obligations/CO-1.yaml", data)
    [f] = only(org.run(), "ms.obligation-review-overdue")
    assert "has no review date" in f.message


def test_repealed_obligation_and_future_review_dates(org):
    _obligation(org, "CO-1", obligation_status="repealed", last_reviewed="2020-01-01")
    # a review after the as-of date is not yet known: registration (2025-01-01) is the last review then
    _obligation(org, "CO-2", last_reviewed="2026-07-01")
    [f] = only(org.run("2026-06-30"), "ms.obligation-review-overdue")
    assert f.record == "CO-2" and "registered on 2025-01-01 and not reviewed since" in f.message
    assert only(org.run("2026-07-01"), "ms.obligation-review-overdue") == []


def test_obligation_registered_after_as_of_is_not_known(org):
    _obligation(org, approved_on="2026-07-01", effective="2026-07-01")
    assert only(org.run("2026-06-30"), "ms.obligation-review-overdue") == []


def test_need_that_becomes_an_obligation_names_one(org):
    rel = "parties/IP-1.yaml"
    org.add(
        rel,
        org.record(
            "interested_party",
            "IP-1",
            name="生态环境部",
            party_type="external",
            needs=[
                {"text": "按期清缴", "becomes_obligation": True},
                {"text": "报告排放", "becomes_obligation": True, "obligation": "CO-1"},
                {"text": "沟通", "becomes_obligation": False},
            ],
        ),
    )
    _obligation(org, "CO-1", last_reviewed="2026-01-01")
    [f] = only(org.run(), "ms.need-without-obligation")
    assert (f.file, f.line, f.severity) == (rel, line_of(org, rel, "becomes_obligation: true"), "warning")
    assert f.message.startswith("needs[0] becomes a compliance obligation")

"""checks/neutrality/planning.py: subjects, footprints, plans, reduction actions and reviews."""

from __future__ import annotations

import pytest

from tests.checks.neutrality_org import ORG, action, footprint, line_of, plan, put, review, setup, subject


# -- subject (D.6.5.2.2) ---------------------------------------------------------------------------
def test_subject_without_code(org):
    s = subject()
    del s["subject_code"]
    paths = setup(org, NS_1=s)
    [f] = org.of(org.run(), "neutrality.subject-not-identified")
    assert f.file == paths["NS-1"] and f.clauses == ("D.6.5.2.2 b",)


def test_subject_code_used_twice(org):
    setup(org)
    rel = put(org, "neutrality_subject", "NS-2", subject())
    found = org.of(org.run(), "neutrality.subject-not-identified")
    assert {f.file for f in found} == {rel, "neutrality/NS-1.yaml"}
    put(org, "neutrality_subject", "NS-2", subject(status="superseded"))  # history: not a clash
    assert org.of(org.run(), "neutrality.subject-not-identified") == []


def test_characteristics_and_rationale(org):
    s = subject(recurring=False)
    for k in ("characteristics", "rationale", "method_rationale"):
        del s[k]
    paths = setup(org, NS_1=s)
    result = org.run()
    assert sorted(f.clauses for f in org.of(result, "neutrality.subject-characteristics-missing")) == [("D.6.5.2.2 c",), ("D.8.2.2.3",)]
    assert sorted(f.clauses for f in org.of(result, "neutrality.subject-rationale-missing")) == [("D.6.1.1 a",), ("D.6.5.2.2 e",)]
    assert all(f.file == paths["NS-1"] for f in org.of(result, "neutrality.subject-rationale-missing"))


def test_material_change_needs_a_new_definition(org):
    changes = [{"date": "2026-01-01", "description": "扩建", "material": True}, {"date": "2026-02-01", "description": "换灯", "material": False}]
    paths = setup(org, NS_1=subject(changes=changes))
    [f] = org.of(org.run(), "neutrality.subject-change-not-redefined")
    assert (f.file, f.path, f.line) == (paths["NS-1"], "changes[0]", line_of(org, paths["NS-1"], "- date: '2026-01-01'"))
    changes[0]["redefined_as"] = "NS-2"
    setup(org, NS_1=subject(changes=changes))
    put(org, "neutrality_subject", "NS-2", subject(subject_code="S-2"))
    put(org, "neutrality_plan", "NP-2", plan(subject="NS-2"))
    assert org.of(org.run(), "neutrality.subject-change-not-redefined") == []


def test_subject_without_plan(org):
    a = action()
    del a["plan"]
    paths = setup(org, skip=("NP-1",), RA_1=a)
    result = org.run()
    [f] = org.of(result, "neutrality.subject-without-plan")
    assert f.file == paths["NS-1"] and f.clauses == ("D.6.4.2",)


# -- plan (D.6.4.2) --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "missing, clause",
    [
        ("commitment", "D.6.4.2 a"),
        ("timeline", "D.6.4.2 b"),
        ("reduction_targets", "D.6.4.2 c"),
        ("means", "D.6.4.2 d"),
        ("strategy", "D.6.4.2 e"),
        ("maintenance_period", "D.6.4.1 f"),
    ],
)
def test_plan_content_missing(org, missing, clause):
    p = plan()
    del p[missing]
    paths = setup(org, NP_1=p)
    [f] = org.of(org.run(), "neutrality.plan-content-missing")
    assert (f.file, f.clauses) == (paths["NP-1"], (clause,))


def test_plan_means_and_estimate(org):
    p = plan(means={"description": "LED"}, strategy={"methods": ["forest_sink"]})
    setup(org, NP_1=p)
    found = org.of(org.run(), "neutrality.plan-content-missing")
    assert sorted(f.path for f in found) == ["means", "strategy"]


# -- footprint (D.6.5.2.3) -------------------------------------------------------------------------
def test_footprint_without_sources_uses_the_reported_total(org):
    fp = footprint()
    del fp["lines"]
    paths = setup(org, CF_2025=fp)
    result = org.run()
    found = org.of(result, "neutrality.footprint-incomplete")
    assert [(f.severity, f.clauses) for f in found] == [("warning", ("D.6.5.2.3 b",))]
    assert found[0].file == paths["CF-2025"]
    total = result.results["neutrality"]["footprints"]["CF-2025"]["total"]
    assert total["value"] == 500 and total["inputs"][0]["source"]["path"] == "declared_total_tco2e"


def test_footprint_without_report_or_with_a_different_total(org):
    fp = footprint(declared_total_tco2e=501)
    del fp["report"]
    paths = setup(org, CF_2025=fp)
    found = org.of(org.run(), "neutrality.footprint-incomplete")
    by_clause = {f.clauses: f for f in found}
    assert by_clause[("D.6.5.2.3 g",)].severity == "error"
    mismatch = by_clause[("D.6.5.2.3 f",)]
    # 501 stated, 1000 × 0.5 = 500 computed: difference +1 > 0.5
    assert mismatch.severity == "warning" and "+1.000" in mismatch.message
    assert mismatch.line == line_of(org, paths["CF-2025"], "declared_total_tco2e:")


# -- reduction actions (D.8.2.2) -------------------------------------------------------------------
@pytest.mark.parametrize("as_of, flagged", [("2026-01-15", False), ("2026-01-16", True)])
def test_evaluation_overdue(org, as_of, flagged):
    # started 2025-01-15, never evaluated: due 2025-01-15 + 12 months = 2026-01-15
    paths = setup(org, RA_1=action(evaluations=[]))
    found = org.of(org.run(as_of), "neutrality.reduction-evaluation-overdue")
    assert bool(found) == flagged
    if flagged:
        assert (found[0].file, found[0].line) == (paths["RA-1"], line_of(org, paths["RA-1"], "started_on:"))
        assert "due by 2026-01-15" in found[0].message


def test_evaluation_interval_of_the_record(org):
    # last evaluation 2026-01-15, every 3 months: due 2026-04-15
    setup(org, RA_1=action(evaluation_interval_months=3))
    assert org.of(org.run("2026-04-15"), "neutrality.reduction-evaluation-overdue") == []
    assert len(org.of(org.run("2026-04-16"), "neutrality.reduction-evaluation-overdue")) == 1


def test_off_track_without_corrective_action(org):
    ev = [{"date": "2026-01-15", "period": {"start": "2025-01-15", "end": "2025-12-31"}, "achieved_tco2e": 5, "target_tco2e": 20, "on_track": False}]
    setup(org, RA_1=action(evaluations=ev))
    [f] = org.of(org.run(), "neutrality.reduction-evaluation-overdue")
    assert f.path == "evaluations[0]" and "no corrective action" in f.message
    ev[0]["corrective_action"] = "更换控制器"
    setup(org, RA_1=action(evaluations=ev))
    assert org.of(org.run(), "neutrality.reduction-evaluation-overdue") == []


def non_recurring_org(org, before=True, after=None):
    s = subject(subject_type="event", recurring=False, event_period={"start": "2026-05-10", "end": "2026-05-12"})
    nr = {}
    if before:
        nr["before"] = {"assessed_on": "2026-04-20", "methods": "绿电、无纸化", "expected_tco2e": 3}
    if after:
        nr["after"] = {"reviewed_on": after, "achieved_tco2e": 2.8, "met_expectation": False}
    return setup(org, NS_1=s, RA_1=action(evaluations=[], non_recurring=nr))


@pytest.mark.parametrize(
    "as_of, after, warned",
    [
        ("2026-05-12", None, False),  # the last day of the activity
        ("2026-05-13", None, True),  # the day after, no review yet
        ("2026-05-20", "2026-05-18", False),
    ],
)
def test_non_recurring_review_after(org, as_of, after, warned):
    non_recurring_org(org, after=after)
    found = org.of(org.run(as_of), "neutrality.non-recurring-not-assessed")
    assert [f.severity for f in found] == (["warning"] if warned else [])
    # a non-recurring subject's actions are not due periodic evaluation
    assert org.of(org.run(as_of), "neutrality.reduction-evaluation-overdue") == []


def test_non_recurring_without_assessment_before(org):
    paths = non_recurring_org(org, before=False, after="2026-05-18")
    [f] = org.of(org.run("2026-05-20"), "neutrality.non-recurring-not-assessed")
    assert (f.severity, f.file) == ("error", paths["RA-1"]) and "before the activity" in f.message


# -- reviews ---------------------------------------------------------------------------------------
def test_trade_review_required_for_importers(org):
    paths = setup(org, ORG=dict(ORG, imports_exports=True))
    result = org.run()
    [f] = org.of(result, "neutrality.trade-review-missing")
    assert f.file == paths["ORG"] and f.path == "imports_exports"
    tr = dict(
        organization="ORG",
        reviewed_on="2026-01-10",
        partners=[{"country": "印度尼西亚", "direction": "import", "items": ["energy"]}],
        regimes=[{"country": "欧盟", "regime": "CBAM", "applies": False}],
        recognition=[{"item": "电力", "standard": "ISO 14067", "recognized": False}],
        procedures={"procedure_doc": "P-1", "knowledge_update": "每季度"},
    )
    put(org, "trade_review", "TR-1", tr)
    result = org.run()
    assert org.of(result, "neutrality.trade-review-missing") == []
    assert org.of(result, "neutrality.trade-review-incomplete") == []
    assert len(org.of(org.run("2027-01-11"), "neutrality.trade-review-missing")) == 1  # older than 12 months


def test_trade_review_incomplete(org):
    setup(org)
    rel = put(org, "trade_review", "TR-1", dict(organization="ORG", reviewed_on="2026-01-10"))
    found = org.of(org.run(), "neutrality.trade-review-incomplete")
    assert sorted(f.clauses for f in found) == [("D.6.1.2 a",), ("D.6.1.2 b",), ("D.6.1.2 c",)]
    assert all(f.file == rel for f in found)


@pytest.mark.parametrize("reviewed_on, flagged", [("2025-06-30", False), ("2025-06-29", True)])
def test_review_overdue(org, reviewed_on, flagged):
    paths = setup(org, NR_1=review(reviewed_on=reviewed_on))
    found = org.of(org.run("2026-06-30"), "neutrality.review-overdue")
    assert bool(found) == flagged
    if flagged:
        assert found[0].file == paths["NR-1"] and "the next was due by 2026-06-29" in found[0].message


def test_no_review_at_all(org):
    setup(org, skip=("NR-1",))
    [f] = org.of(org.run(), "neutrality.review-overdue")
    assert (f.file, f.path) == ("cms.yaml", "subsystems")  # an absence is reported at the settings (ruletable.py)


def test_event_recorded_in_the_review(org):
    setup(org)
    ev = dict(claim="NC-1", date="2026-03-31", event_type="other", description="d", corrections=[{"description": "c", "effective_on": "2026-04-01"}])
    rel = put(org, "claim_event", "CE-1", ev)
    [f] = org.of(org.run(), "neutrality.event-not-reviewed")
    assert f.file == rel and "2026-04-01" in f.message
    put(org, "neutrality_review", "NR-2", review(reviewed_on="2026-04-02", events=["CE-1"]))
    assert org.of(org.run(), "neutrality.event-not-reviewed") == []

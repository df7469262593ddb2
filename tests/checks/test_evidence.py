"""An applicable requirement with no evidence (ms.no-evidence, 7.4.1 a)."""
from tests.checks.management_org import line_of, only


def _clauses(result):
    return {f.clauses[0] for f in only(result, "ms.no-evidence")}


def test_requirement_without_evidence_is_a_warning_at_the_settings(org):
    org.settings(subsystems=["A"])
    result = org.run()
    found = {f.clauses[0]: f for f in only(result, "ms.no-evidence")}
    f = found["4.1"]
    assert (f.file, f.line, f.severity) == ("cms.yaml", line_of(org, "cms.yaml", "- A"), "warning")
    assert "clause 4.1 理解组织及其所处环境 (Understanding the organization and its context) applies" in f.message
    assert "A.5.2" in found                     # annex A adopted: its requirements need evidence
    assert not any(c.startswith("B.") for c in found)  # annex B not adopted
    assert "6.5.1.2" not in found and "7.2.3" not in found  # a recommendation and a permission are not asked for


def test_a_record_of_a_kind_citing_the_clause_is_evidence(org):
    org.settings(subsystems=["A"])
    org.add("context/CTX.yaml", org.record("context", "CTX", determined_on="2026-01-01",
                                           issues=[{"type": "external", "description": "政策"}]))
    assert "4.1" not in _clauses(org.run())


def test_a_records_own_clauses_count(org):
    org.settings(subsystems=["B"])
    assert "B.8.2.1" in _clauses(org.run())
    org.add("people/P.yaml", org.record("person", "P", name="张三", clauses=["B.8.2.1"]))
    assert "B.8.2.1" not in _clauses(org.run())


def test_drafts_and_records_approved_after_as_of_are_not_evidence(org):
    org.settings(subsystems=["A"])
    ctx = dict(determined_on="2026-01-01", issues=[{"type": "external", "description": "政策"}])
    org.add("context/CTX.yaml", org.record("context", "CTX", status="draft", **ctx))
    assert "4.1" in _clauses(org.run())
    org.add("context/CTX.yaml", org.record("context", "CTX", approved_on="2026-07-01", effective="2026-07-01", **ctx))
    assert "4.1" in _clauses(org.run("2026-06-30"))
    assert "4.1" not in _clauses(org.run("2026-07-01"))


def test_a_check_that_ran_on_records_is_evidence(org):
    org.settings(subsystems=["A"])
    assert "10.2" in _clauses(org.run())  # the 10.2 checks have no nonconformity to look at
    org.add("improvement/NC.yaml", org.record("nonconformity", "NC", source="internal_audit", detected_on="2026-06-01",
                                              description="d", corrective_action_needed=False, no_action_justification="j"))
    assert "10.2" not in _clauses(org.run())
    assert "9.3.1" not in _clauses(org.run())  # mr.overdue runs without records (and finds the review missing)


def test_excluded_clause_needs_no_evidence(org):
    org.settings(subsystems=["B"], management={"exclusions": [{"clause": "B.8.2.2.4", "reason": "不从事碳金融衍生品交易"}]})
    assert "B.8.2.2.4" not in _clauses(org.run())


def test_exclusion_of_a_missing_or_a_common_clause(org):
    org.settings(subsystems=["B"], management={"exclusions": [{"clause": "B.8.2.9", "reason": "x"},
                                                              {"clause": "9.2.1", "reason": "不做内审"},
                                                              {"clause": "B.8.2.2.4", "reason": "不从事衍生品"}]})
    found = sorted(only(org.run(), "ms.exclusion-invalid"), key=lambda f: f.line)
    assert [(f.severity, f.file) for f in found] == [("error", "cms.yaml"), ("warning", "cms.yaml")]
    assert "no clause B.8.2.9 in the standard" in found[0].message
    assert found[1].message.startswith("exclusions[1] excludes clause 9.2.1")
    assert found[0].line == line_of(org, "cms.yaml", "B.8.2.9")

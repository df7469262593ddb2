"""An applicable requirement with no evidence (ms.no-evidence, 7.4.1 a)."""

from tests.checks.management_org import line_of, only


def _clauses(result):
    return {f.clauses[0] for f in only(result, "ms.no-evidence")}


def test_requirement_without_evidence_is_an_error_at_the_settings(org):
    """7.4.1 a says the system shall include the documented information the standard
    requires: a requirement with nothing to show for it is an error (it was a warning)."""
    org.settings(subsystems=["A"])
    result = org.run()
    found = {f.clauses[0]: f for f in only(result, "ms.no-evidence")}
    f = found["4.2"]
    assert (f.file, f.line, f.severity) == ("cms.yaml", line_of(org, "cms.yaml", "- A"), "error")
    assert "clause 4.2 理解相关方需求和期望 (Understanding the needs and expectations of interested parties) applies" in f.message
    # 4.1 is checked by doc.required-missing (the context record), which reports its absence item by item
    assert "4.1" not in found and "4.1 s1" in {g.clauses[0] for g in only(result, "doc.required-missing")}
    assert "A.5.2" in found  # annex A adopted: its requirements need evidence
    assert not any(c.startswith("B.") for c in found)  # annex B not adopted
    assert "6.5.1.2" not in found and "7.2.3" not in found  # a recommendation and a permission are not asked for


PARTY = dict(name="生态环境部", party_type="external", needs=[{"text": "按期履约", "becomes_obligation": False}])


def test_a_record_of_a_kind_citing_the_clause_is_evidence(org):
    org.settings(subsystems=["A"])
    assert "4.2" in _clauses(org.run())
    org.add("parties/IP.yaml", org.record("interested_party", "IP", **PARTY))
    assert "4.2" not in _clauses(org.run())


def test_a_records_own_clauses_count(org):
    org.settings(subsystems=["B"])
    assert "B.8.2.1" in _clauses(org.run())
    org.add("people/P.yaml", org.record("person", "P", name="张三", clauses=["B.8.2.1"]))
    assert "B.8.2.1" not in _clauses(org.run())


def test_drafts_and_records_approved_after_as_of_are_not_evidence(org):
    org.settings(subsystems=["A"])
    # 4.4 is cited by operational_control, a kind no check reads (a check of a kind runs even on drafts)
    control = dict(process="general", requirements=["r"], criteria=["c"], controls=[{"control": "x"}])
    org.add("operations/OC.yaml", org.record("operational_control", "OC", status="draft", **control))
    assert "4.4" in _clauses(org.run())
    org.add("operations/OC.yaml", org.record("operational_control", "OC", approved_on="2026-07-01", effective="2026-07-01", **control))
    assert "4.4" in _clauses(org.run("2026-06-30"))
    assert "4.4" not in _clauses(org.run("2026-07-01"))


def test_a_check_that_ran_on_records_is_evidence(org):
    org.settings(subsystems=["A"])
    assert "10.2" in _clauses(org.run())  # the 10.2 checks have no nonconformity to look at
    org.add(
        "improvement/NC.yaml",
        org.record(
            "nonconformity",
            "NC",
            source="internal_audit",
            detected_on="2026-06-01",
            description="d",
            corrective_action_needed=False,
            no_action_justification="j",
        ),
    )
    assert "10.2" not in _clauses(org.run())
    assert "9.3.1" not in _clauses(org.run())  # mr.overdue runs without records (and finds the review missing)


def test_excluded_clause_needs_no_evidence(org):
    org.settings(subsystems=["B"], management={"exclusions": [{"clause": "B.8.2.2.4", "reason": "不从事碳金融衍生品交易"}]})
    assert "B.8.2.2.4" not in _clauses(org.run())


def test_exclusion_of_a_missing_or_a_common_clause(org):
    org.settings(
        subsystems=["B"],
        management={
            "exclusions": [{"clause": "B.8.2.9", "reason": "x"}, {"clause": "9.2.1", "reason": "不做内审"}, {"clause": "B.8.2.2.4", "reason": "不从事衍生品"}]
        },
    )
    found = sorted(only(org.run(), "ms.exclusion-invalid"), key=lambda f: f.line)
    assert [(f.severity, f.file) for f in found] == [("error", "cms.yaml"), ("warning", "cms.yaml")]
    assert "no clause B.8.2.9 in the standard" in found[0].message
    assert found[1].message.startswith("exclusions[1] excludes clause 9.2.1")
    assert found[0].line == line_of(org, "cms.yaml", "B.8.2.9")


def test_a_shall_item_without_evidence_in_a_clause_with_some_is_an_error_at_its_evidence(org):
    """Issue 21: 10.2 has evidence (a nonconformity, which its rules read), but 10.2 a names
    nonconformity.correction and 10.2 e corrective_action.system_change: without them the
    matrix shows both missing, and ms.item-no-evidence names each, at the settings (an error at
    a record would change its status), so that "0 findings" and the matrix agree."""
    org.settings(subsystems=["A"])
    nc = dict(
        source="internal_audit",
        detected_on="2026-01-10",
        description="ledger not updated",
        corrective_action_needed=False,
        no_action_justification="an isolated slip",
    )
    org.add("improvement/NC-1.yaml", org.record("nonconformity", "NC-1", **nc))
    found = {f.clauses[0]: f for f in only(org.run(), "ms.item-no-evidence")}
    f = found["10.2 a"]
    assert (f.file, f.line, f.severity, f.record) == ("cms.yaml", line_of(org, "cms.yaml", "- A"), "error", None)
    assert "item 10.2 a (应) of clause 10.2" in f.message and "10.2" not in _clauses(org.run())  # the clause has evidence
    # near miss: the correction recorded, 10.2 a has its evidence; a reviewer-only item (10.2 s2) is never reported
    org.add("improvement/NC-1.yaml", org.record("nonconformity", "NC-1", correction={"action": "ledger updated"}, **nc))
    found = {f.clauses[0] for f in only(org.run(), "ms.item-no-evidence")}
    assert "10.2 a" not in found and "10.2 s2" not in found


def test_an_item_whose_condition_does_not_hold_is_not_asked_for(org):
    """D.6.1.2 applies to an organization that imports or exports (applies_if:
    organization.imports_exports): not asked for without it, asked for with it."""
    org.settings(subsystems=["D"])
    base = dict(legal_name="测试", uscc="913211007545678X9Q", industry_code="4411")
    org.add("organization/ORG.yaml", org.record("organization", "ORG", imports_exports=False, **base))
    result = org.run()
    assert not any(c.startswith("D.6.1.2") for f in result.findings for c in f.clauses)
    org.add("organization/ORG.yaml", org.record("organization", "ORG", imports_exports=True, **base))
    [f] = only(org.run(), "neutrality.trade-review-missing")
    assert f.clauses == ("D.6.1.2",) and f.severity == "error"


def test_a_clause_whose_items_do_not_apply_is_not_asked_for(org):
    """8.2.2 (applies_if: subsystem:B) is the trading process: with annex A only and no evidence
    for it, it is not applicable, not ms.no-evidence; 6.1.4 is not conditional."""
    org.settings(subsystems=["A"])
    found = _clauses(org.run())
    assert "8.2.2" not in found and "6.1.3" not in found and "6.1.4" in found


def test_the_two_evidence_rules_work_the_matrix_out_once_a_run_with_the_same_findings(org, monkeypatch):
    # issue 19: ms.no-evidence and ms.item-no-evidence both asked for the evidence, the enforcing
    # checks and the conditions of every record (twice each, about a second at 4,600 records)
    from cms_build import matrix

    org.copy_example()
    before = [(f.rule, f.location(), f.message) for f in org.run().findings]
    calls = {"evidence_records": 0, "enforcing_checks": 0, "conditions_met": 0}
    for name in calls:
        real = getattr(matrix, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(matrix, name, counted)
    after = [(f.rule, f.location(), f.message) for f in org.run().findings]
    assert after == before
    assert calls == {"evidence_records": 1, "enforcing_checks": 1, "conditions_met": 1}

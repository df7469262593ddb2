"""Documented information (7.4) and the policy (5.2)."""

import re

from tests.checks.emissions_org import ets_obligation
from tests.checks.management_org import line_of, only, role, person


def test_approved_record_without_approver_or_date_is_flagged(org):
    rel = "policy/P.yaml"
    data = org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True)
    del data["approved_by"], data["approved_on"]
    org.add(rel, data)
    found = only(org.run(), "doc.approval-incomplete", rel)
    assert [f.line for f in found] == [line_of(org, rel, "status:")] * 2
    assert {f.clauses for f in found} == {("7.4.2 c",)}
    assert sorted(f.message for f in found) == [
        "status is approved, but approved_by does not say who approved it",
        "status is approved, but approved_on does not say when",
    ]


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
    org.add(
        "policy/P.yaml", org.record("policy", "P", statement="s", approved_by="PER-GM", issued_by="PER-GM", approved_on="2025-01-08", effective="2025-01-10")
    )
    assert only(org.run(), "ms.policy-not-by-top-management") == []


def test_policy_approver_not_in_office_on_the_approval_day(org):
    _top(org)
    # PER-X left top management on 2024-12-31; approving on 2025-01-08 is after that.
    # PER-GM only from 2025-01-01: issuing on 2024-12-20 (effective) is before that.
    org.add(
        "policy/P.yaml", org.record("policy", "P", statement="s", approved_by="PER-X", issued_by="PER-GM", approved_on="2025-01-08", effective="2024-12-20")
    )
    found = only(org.run(), "ms.policy-not-by-top-management")
    assert sorted(f.message for f in found) == [
        "PER-GM (陈总) did not hold a top management role on 2024-12-20",
        "PER-X (李四) did not hold a top management role on 2025-01-08",
    ]
    assert {f.path for f in found} == {"approved_by", "issued_by"}


def test_policy_issued_by_free_text_is_flagged(org):
    _top(org)
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", approved_by="PER-GM", issued_by="总经理", approved_on="2025-01-08"))
    [f] = only(org.run(), "ms.policy-not-by-top-management")
    assert f.path == "issued_by" and "issued_by ('总经理') names no person record" in f.message


def test_policy_review_due_twelve_months_after_the_last(org):
    # last reviewed 2025-06-30 + 12 months = due 2026-06-30: not late that day, late the next
    org.add(
        "policy/P.yaml",
        org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True, last_reviewed="2025-06-30", review_interval_months=12),
    )
    assert only(org.run("2026-06-30"), "ms.policy-review-overdue") == []
    [f] = only(org.run("2026-07-01"), "ms.policy-review-overdue")
    assert f.line == line_of(org, "policy/P.yaml", "last_reviewed")
    assert "next review was due by 2026-06-30 (1 days ago" in f.message


def test_policy_reviews_list_counts_as_a_review(org):
    org.add(
        "policy/P.yaml",
        org.record(
            "policy",
            "P",
            statement="s",
            issued_by="GM",
            approved_by_top_management=True,
            last_reviewed="2024-06-30",
            reviews=[{"date": "2025-12-01", "outcome": "ok"}],
        ),
    )
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
    org.add(
        "policy/P2.yaml",
        org.record(
            "policy", "P2", statement="s", issued_by="GM", approved_by_top_management=True, supersedes="P1", approved_on="2026-01-01", effective="2026-01-01"
        ),
    )
    assert only(org.run("2025-12-31"), "doc.superseded-still-current") == []  # P2 not yet in effect
    [f] = only(org.run("2026-06-30"), "doc.superseded-still-current")
    assert (f.file, f.line) == ("policy/P1.yaml", line_of(org, "policy/P1.yaml", "status:"))
    assert "P2 (policy/P2.yaml) supersedes P1 since 2026-01-01" in f.message


def test_superseded_record_marked_superseded_is_fine(org):
    org.add("policy/P1.yaml", org.record("policy", "P1", statement="s", issued_by="GM", status="superseded"))
    org.add(
        "policy/P2.yaml", org.record("policy", "P2", statement="s", issued_by="GM", approved_by_top_management=True, supersedes="P1", effective="2026-01-01")
    )
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
    org.add(
        "reviews/MR.yaml",
        org.record(
            "management_review",
            "MR",
            review_date="2026-03-01",
            chaired_by="ROLE-A1",
            inputs={"policy": {"summary": "x", "refs": ["ROLE-A1"]}},
            outputs={},
            approved_on="2026-03-01",
        ),
    )
    assert [f.record for f in only(org.run("2026-06-30"), "doc.current-refers-to-superseded")] == []


def test_invisible_and_bidirectional_characters_are_a_warning_at_the_character(org):
    import yaml

    org.settings(subsystems=["A"], site={"title": "站\u202e点"})
    text = yaml.safe_dump(
        org.record("policy", "POL-1", statement="x\u200by", issued_by="z", tags=["ok", "a\u2066b\u2069"]), allow_unicode=True, sort_keys=False
    )
    text = text.replace("title: policy POL-1", 'title: "a\\u202eb"')  # escaped: not in the file as such
    org.add("policy/POL-1.yaml", text)
    lines = text.splitlines()
    found = sorted((f.file, f.line, f.col, f.path, f.severity, f.message) for f in org.run().findings if f.rule == "doc.invisible-characters")
    assert lines[2] == 'title: "a\\u202eb"' and lines[13] == "statement: x\u200by"
    assert found == [
        # cms.yaml line 6 is "  title: 站\u202e点": the value starts at column 10, the character is the 11th
        (
            "cms.yaml",
            6,
            11,
            "site.title",
            "warning",
            "the value holds 1 invisible or bidirectional character (U+202E RIGHT-TO-LEFT OVERRIDE), first at character 2: it may display other than it reads",
        ),
        # written as an escape, so located at its value: "title: " is 7 columns
        (
            "policy/POL-1.yaml",
            3,
            8,
            "title",
            "warning",
            "the value holds 1 invisible or bidirectional character (U+202E RIGHT-TO-LEFT OVERRIDE), first at character 2: it may display other than it reads",
        ),
        # "statement: x" is 12 columns: the zero-width space is the 13th
        (
            "policy/POL-1.yaml",
            14,
            13,
            "statement",
            "warning",
            "the value holds 1 invisible or bidirectional character (U+200B ZERO WIDTH SPACE), first at character 2: it may display other than it reads",
        ),
        (
            "policy/POL-1.yaml",
            line_of(org, "policy/POL-1.yaml", "- a\u2066b"),
            4,
            "tags[1]",
            "warning",
            "the value holds 2 invisible "
            "or bidirectional characters (U+2066 LEFT-TO-RIGHT ISOLATE, U+2069 POP DIRECTIONAL ISOLATE), first at "
            "character 2: it may display other than it reads",
        ),
    ]


def test_text_without_invisible_characters_is_not_flagged(org):
    org.settings(subsystems=["A"], site={"title": "滨江　发电 Ünïcode – 中文"})  # full-width space, accents, dash
    org.add("policy/POL-1.yaml", org.record("policy", "POL-1", statement="推进燃料清洁化。\n第二行", issued_by="z"))
    assert [f for f in org.run().findings if f.rule == "doc.invisible-characters"] == []


def test_an_attachment_may_not_be_a_record_a_hidden_file_or_a_more_confidential_records_file(org):
    org.settings(subsystems=["A"])
    org.add("policy/secret.pdf", b"%PDF secret")
    org.add("policy/.env", "TOKEN=1")
    org.add("policy/open.pdf", b"%PDF open")
    org.add(
        "policy/POL-C.yaml", org.record("policy", "POL-C", statement="s", issued_by="z", confidentiality="confidential", attachments=[{"path": "secret.pdf"}])
    )
    org.add(
        "policy/POL-1.yaml",
        org.record(
            "policy",
            "POL-1",
            statement="s",
            issued_by="z",
            confidentiality="public",
            attachments=[{"path": "secret.pdf"}, {"path": ".env"}, {"path": "POL-C.yaml"}, {"path": "../cms.yaml"}, {"path": "open.pdf"}],
        ),
    )
    first = line_of(org, "policy/POL-1.yaml", "- path: secret.pdf")
    found = [(f.file, f.line, f.col, f.path, f.severity, f.message) for f in org.run().findings if f.rule == "doc.attachment-not-allowed"]
    assert found == [  # "- path: " is 8 columns: each value starts at column 9
        (
            "policy/POL-1.yaml",
            first,
            9,
            "attachments[0].path",
            "error",
            "attaches policy/secret.pdf, which POL-C (confidential) also attaches: published with this public record, it would publish POL-C's evidence",
        ),
        ("policy/POL-1.yaml", first + 1, 9, "attachments[1].path", "error", "attaches policy/.env, a hidden file or a file in a hidden folder"),
        (
            "policy/POL-1.yaml",
            first + 2,
            9,
            "attachments[2].path",
            "error",
            "attaches policy/POL-C.yaml, the record file of POL-C: a record is published field by field through its profile, its YAML would be published whole",
        ),
        (
            "policy/POL-1.yaml",
            first + 3,
            9,
            "attachments[3].path",
            "error",
            "attaches cms.yaml, the settings file: it is the organization's configuration, not evidence",
        ),
    ]  # open.pdf, attached by POL-1 alone, is fine; so is POL-C's own secret.pdf


# --- doc.required-missing: documented information the standard requires


def _missing(result):
    return {f.clauses[0]: f for f in only(result, "doc.required-missing")}


def test_required_documents_missing_are_errors_at_cms_yaml(org):
    org.settings(subsystems=["A"])
    found = _missing(org.run())
    # clauses 4-10: located at organization:, annex A: at subsystems: (adopting it makes the item apply)
    for ref in ("4.1 s1", "4.3 s2", "5.2 s2", "6.1.1 s3", "6.3 s3", "7.2.1 d", "9.1.2 s3", "9.2.2 f", "9.3.4 s1"):
        assert (found[ref].file, found[ref].line, found[ref].severity) == ("cms.yaml", line_of(org, "cms.yaml", "name:"), "error"), (
            ref
        )  # where the value of organization: begins
    assert (found["A.6.5.2.2 s1"].line, found["A.6.5.2.2 s1"].severity) == (line_of(org, "cms.yaml", "- A"), "error")
    assert found["A.6.5.2.3 s1"].severity == "warning"  # 宜考虑下列事项并形成文件: a recommendation
    assert not any(ref.startswith(("B.", "C.", "D.")) for ref in found)  # annexes not adopted
    f = found["4.3 s2"]
    assert f.message == (
        "clause 4.3 s2 (确定碳管理体系范围 Determining the scope of the carbon management system) requires "
        "documented information, but there is no approved record of scope in effect by 2026-06-30"
    )
    assert "cms new scope" in f.hint


def test_an_approved_record_in_effect_with_the_field_is_the_document(org):
    org.settings(subsystems=["A"])
    issues = [{"type": "external", "description": "政策"}]
    org.add("context/D.yaml", org.record("context", "D", status="draft", determined_on="2026-01-01", issues=issues))
    org.add("context/L.yaml", org.record("context", "L", approved_on="2026-07-01", effective="2026-07-01", determined_on="2026-07-01", issues=issues))
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True))
    found = _missing(org.run("2026-06-30"))
    assert "4.1 s1" in found and "5.2 s2" not in found  # a draft and a later context are not; the policy is
    assert "4.1 s1" not in _missing(org.run("2026-07-01"))
    # a field the catalogue names must be filled in: an indicator without values keeps 6.2 s5 open
    org.add("performance/I.yaml", org.record("indicator", "I", level="organization", measure="total", unit="t", method="x"))
    found = _missing(org.run("2026-07-01"))
    assert "6.2 s2" not in found and "6.2 s5" in found


def test_an_excluded_clause_needs_no_document(org):
    org.settings(subsystems=["B"], management={"exclusions": [{"clause": "B.9", "reason": "x"}]})
    found = _missing(org.run())
    assert "B.9 b" not in found and "B.9.1 s1" not in found and "B.6.2.2 s2" in found


# Items whose text requires documented information but that doc.required-missing does not
# ask for, each with the reason; and items it asks for that the text does not say so literally.
CONDITIONAL = {
    "9.1.1 s6": "the investigation of a serious deviation: only when there is one (mon.deviation-not-investigated)",
    "10.2 s3": "the nonconformities and their actions: only when there are any (nc.* rules)",
    "D.10 s4": "the details of a change or event: only when there is one (neutrality.event-not-reviewed)",
    "7.4.1 a": "the documented information this standard requires: the whole table itself",
    "7.4.1 b": "what the organization itself decides it needs: nothing the standard can name",
    "7.4.3 s1": "controlling documented information: the control, not a document (doc.* rules)",
    "7.4.3 s2": "controlling documented information: the control, not a document (doc.* rules)",
    "7.4.3 s3": "external documented information: only when there is some",
    "7.4.2 s1": "how documented information is made (identification, format, review): the envelope of every record",
    "A.6.5.2.2 e": "the form of the monitoring records: content of the monitoring plan (A.6.5.2.2 s1, asked for)",
    "A.6.5.2.4 f": "emission records complete and findable: the records themselves, not a document of their own",
    "C.6.3.1 s2": "the asset management plan: no record kind holds it yet (a gap, not evidence)",
}
READINGS = {
    "4.1 s1": "4.1 asks to determine the context; the context record shows it (issue 14)",
    "A.6.5.2.2 s1": "进行碳排放监测策划并予以保持: the monitoring plan maintained",
}
DOCUMENTED = re.compile(r"文件化信息|形成文件|形成记录|记录")


def test_the_table_follows_the_text():
    from cms_build.standard import clause
    from checks.management.documented_information import required_documents
    from tests.test_standard import _clauses_in_text, provision_texts

    asked = {f"{c.number} {p.item}" for c, p in required_documents()}
    says = set()
    for entry in _clauses_in_text():
        c = clause(entry["number"])
        for item, text in provision_texts(entry).items():
            p = c.provision(item)
            if p is not None and p.modal in ("应", "宜") and DOCUMENTED.search(text) and re.search(r"保持|保留|保存|形成|记录|是可获取", text):
                says.add(f"{c.number} {item}")
    not_asked = says - asked - {k for k, v in CONDITIONAL.items() if v}
    assert not not_asked, f"the text requires documented information here, but the table does not ask for it: {sorted(not_asked)}"
    unsaid = asked - says - set(READINGS)
    assert not unsaid, f"the table asks for documented information the text does not require: {sorted(unsaid)}"


TOTAL = {"value": 1, "unit": "tCO2"}


def _in_ets(org):
    org.add("organization/ORG.yaml", org.record("organization", "ORG", legal_name="某电厂", uscc="91320000000000000X", mandatory_schemes=["national_ets"]))


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


def test_retention_minimum_follows_the_profile_not_the_obligations(org):
    """In the national ETS is the one reading of emissions.inventory.in_national_ets, the
    profile. Before, any ets_compliance record counted, so a local pilot market's obligation
    alone demanded the national regulations' 5 years; a national obligation the profile does not
    back is now an error of its own (emissions.national-ets-not-in-profile), at the obligation."""
    org.add("inventory/RI.yaml", org.record("reported_inventory", "RI", year=2025, total=TOTAL, retention_years=3))
    ets_obligation(org, "trading/ETS.yaml", "ETS", "local_pilot")
    found = org.run()
    assert only(found, "doc.retention-below-legal-minimum") == [] and only(found, "emissions.national-ets-not-in-profile") == []
    ets_obligation(org, "trading/ETS.yaml", "ETS", "national_ets")
    found = org.run()
    assert only(found, "doc.retention-below-legal-minimum") == []
    [f] = only(found, "emissions.national-ets-not-in-profile")
    assert f.record == "ETS"
    _in_ets(org)
    [f] = only(org.run(), "doc.retention-below-legal-minimum")
    assert f.record == "RI" and "below the legal minimum of 5 years" in f.message


def test_policy_approved_by_the_top_management_role(org):
    _top(org)
    role(org, "ROLE-ACC", "accounting_staff", [("PER-X", "2020-01-01", None)])
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", approved_by="ROLE-GM", issued_by="ROLE-ACC", approved_on="2025-01-08"))
    # ROLE-GM is top management, held by PER-GM on 2025-01-08; ROLE-ACC is not top management
    [f] = only(org.run(), "ms.policy-not-by-top-management")
    assert f.path == "issued_by" and "ROLE-ACC (accounting_staff role) is not a top management role held by anyone" in f.message


def test_a_draft_overall_policy_is_not_made_good_by_approved_subsystem_policies(org):
    """5.2: 最高管理者应制定碳管理方针. The overall policy is a draft; the emissions policy
    (A.5.2) is approved: the organization has no carbon management policy in force."""
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True, status="draft"))
    org.add("policy/A.yaml", org.record("policy", "A", statement="s", issued_by="GM", approved_by_top_management=True, scope_of_policy="emissions"))
    [f] = only(org.run(), "ms.policy-missing")
    assert (f.file, f.severity, f.clauses) == ("cms.yaml", "error", ("5.2 s1", "5.2 s2"))
    assert "the overall policy (P) is not approved and in effect by 2026-06-30; the subsystem policies (A) do not stand for it" in f.message
    assert not [f for f in only(org.run(), "doc.required-missing") if f.clauses[0].startswith("5.2")]  # which counts any policy: hence this rule


def test_an_approved_policy_naming_no_scope_is_the_overall_one(org):
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True))
    assert only(org.run(), "ms.policy-missing") == []
    # in effect only from a later day: not yet set on the as-of date
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True, effective="2026-07-01"))
    [f] = only(org.run("2026-06-30"), "ms.policy-missing")
    assert "the overall policy (P) is not approved and in effect by 2026-06-30" in f.message
    assert only(org.run("2026-07-01"), "ms.policy-missing") == []


def test_only_subsystem_policies_is_no_overall_policy(org):
    org.add("policy/B.yaml", org.record("policy", "B", statement="s", issued_by="GM", approved_by_top_management=True, scope_of_policy="trading"))
    [f] = only(org.run(), "ms.policy-missing")
    assert "no policy record is the overall one (scope_of_policy: carbon_management); the subsystem policies (B) do not stand for it" in f.message


def test_the_overall_scope_is_the_schemas_default():
    import json
    from pathlib import Path

    from checks.management.documented_information import OVERALL_POLICY

    schema = json.loads((Path(__file__).resolve().parents[3] / "schemas/policy.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["scope_of_policy"]["default"] == OVERALL_POLICY


def test_policy_not_communicated_within_the_organization(org):
    silent = "policy/POL-1.yaml"
    org.add(silent, org.record("policy", "POL-1", statement="持续降低碳排放强度", issued_by="PER-1"))
    later = "policy/POL-A.yaml"
    org.add(
        later,
        org.record(
            "policy",
            "POL-A",
            scope_of_policy="emissions",
            statement="准确核算",
            issued_by="PER-1",
            communication=[{"date": "2026-07-01", "audience": "全体员工"}],
        ),
    )
    org.add(
        "policy/POL-B.yaml",
        org.record(
            "policy",
            "POL-B",
            scope_of_policy="trading",
            statement="合规交易",
            issued_by="PER-1",
            communication=[{"date": "2025-01-05", "audience": "交易岗位"}],
        ),
    )
    org.add("policy/POL-0.yaml", org.record("policy", "POL-0", statement="旧方针", issued_by="PER-1", status="superseded"))
    found = {f.record: f for f in only(org.run("2026-06-30"), "ms.policy-not-communicated")}
    assert set(found) == {"POL-1", "POL-A"}
    assert (found["POL-1"].file, found["POL-1"].line, found["POL-1"].clauses) == (silent, line_of(org, silent, "statement:"), ("5.2 s2",))
    assert (found["POL-A"].file, found["POL-A"].line) == (later, line_of(org, later, "communication:"))
    assert "the policy POL-1 in effect has not been communicated within the organization" in found["POL-1"].message
    assert {f.record for f in only(org.run("2026-07-01"), "ms.policy-not-communicated")} == {"POL-1"}

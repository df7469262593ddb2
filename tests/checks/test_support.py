"""Roles and competence (5.1 i, 5.3, 7.2.1; B.5.1, C.5.1)."""
from tests.checks.management_org import competence, line_of, only, person, role


def test_internal_auditor_without_evidence(org):
    person(org, "PER-1")
    rel = role(org, "ROLE-IA", "internal_auditor", [("PER-1", "2025-01-01", None)])
    [f] = only(org.run(), "sup.holder-without-competence")
    assert (f.file, f.line) == (rel, line_of(org, rel, "person: PER-1"))
    assert "needs competence in internal_audit, but there is no competence_record for it (as of 2026-06-30)" in f.message
    assert f.clauses == ("7.2.1 b", "7.2.1 d")


def test_evidence_valid_through_its_last_day(org):
    person(org, "PER-1")
    role(org, "ROLE-ACC", "accounting_staff", [("PER-1", "2025-01-01", None)])
    competence(org, "C-1", "PER-1", "carbon_accounting", until="2026-06-30")
    assert only(org.run("2026-06-30"), "sup.holder-without-competence") == []
    [f] = only(org.run("2026-07-01"), "sup.holder-without-competence")
    assert "the evidence C-1 expired on 2026-06-30" in f.message


def test_evidence_in_another_area_or_obtained_later_does_not_count(org):
    person(org, "PER-1")
    role(org, "ROLE-T", "trader", [("PER-1", "2025-01-01", None)])
    competence(org, "C-1", "PER-1", "carbon_accounting")
    competence(org, "C-2", "PER-1", "carbon_trading", obtained="2026-07-01")
    [f] = only(org.run("2026-06-30"), "sup.holder-without-competence")
    assert "competence in carbon_trading" in f.message
    assert only(org.run("2026-07-01"), "sup.holder-without-competence") == []


def test_roles_not_needing_competence_and_former_holders(org):
    person(org, "PER-1")
    role(org, "ROLE-M", "metrology_staff", [("PER-1", "2025-01-01", None)])  # not in management.competence_roles
    role(org, "ROLE-IA", "internal_auditor", [("PER-1", "2024-01-01", "2026-06-29")])  # term ended
    assert only(org.run("2026-06-30"), "sup.holder-without-competence") == []


def test_role_and_setting_can_name_the_competence(org):
    org.settings(subsystems=["A"], management={"competence_roles": {"metrology_staff": ["metrology"]}})
    person(org, "PER-1")
    role(org, "ROLE-M", "metrology_staff", [("PER-1", "2025-01-01", None)])
    role(org, "ROLE-IA", "internal_auditor", [("PER-1", "2025-01-01", None)])  # no longer in the setting
    role(org, "ROLE-X", "other", [("PER-1", "2025-01-01", None)], competence_required=["carbon_neutrality"])
    found = only(org.run(), "sup.holder-without-competence")
    assert sorted((f.record, f.message.split("competence in ")[1].split(",")[0]) for f in found) == [
        ("ROLE-M", "metrology"), ("ROLE-X", "carbon_neutrality")]


def test_holder_who_left(org):
    person(org, "PER-1", left="2026-06-29")
    person(org, "PER-2", left="2026-06-30")
    rel = role(org, "ROLE-M", "metrology_staff", [("PER-1", "2025-01-01", None), ("PER-2", "2025-01-01", None)])
    [f] = only(org.run("2026-06-30"), "sup.holder-has-left")
    assert (f.line, f.clauses) == (line_of(org, rel, "person: PER-1"), ("5.3.1",))
    assert "PER-1 (张三) left on 2026-06-29" in f.message


def test_management_representative_and_team(org):
    found = {f.rule: f for f in org.run().findings if f.rule.startswith("sup.no-")}
    assert set(found) == {"sup.no-management-representative", "sup.no-carbon-management-team",
                          "sup.no-subsystem-supervisor"}
    assert found["sup.no-management-representative"].file == "cms.yaml"
    person(org, "PER-1")
    rel = role(org, "ROLE-MR", "management_representative", [("PER-1", "2025-01-01", "2026-06-29")])
    role(org, "ROLE-CMT", "carbon_management_team", [("PER-1", "2025-01-01", None)])
    result = org.run("2026-06-30")
    [f] = only(result, "sup.no-management-representative")
    assert (f.file, f.line) == (rel, line_of(org, rel, "holders:")) and "nobody holds the management representative" in f.message
    assert only(result, "sup.no-carbon-management-team") == []
    assert only(org.run("2026-06-29"), "sup.no-management-representative") == []


def test_subsystem_supervisors(org):
    org.settings(subsystems=["A", "B", "C"])
    person(org, "PER-1")
    role(org, "ROLE-T", "trading_supervisor", [("PER-1", "2025-01-01", None)])
    [f] = only(org.run(), "sup.no-subsystem-supervisor")
    assert f.clauses == ("C.5.1",) and "carbon asset management system" in f.message
    org.settings(subsystems=["A"])
    assert only(org.run(), "sup.no-subsystem-supervisor") == []  # B and C not adopted: the rule does not run

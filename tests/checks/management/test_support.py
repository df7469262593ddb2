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
    assert sorted((f.record, f.message.split("competence in ")[1].split(",")[0]) for f in found) == [("ROLE-M", "metrology"), ("ROLE-X", "carbon_neutrality")]


def test_holder_who_left(org):
    person(org, "PER-1", left="2026-06-29")
    person(org, "PER-2", left="2026-06-30")
    rel = role(org, "ROLE-M", "metrology_staff", [("PER-1", "2025-01-01", None), ("PER-2", "2025-01-01", None)])
    [f] = only(org.run("2026-06-30"), "sup.holder-has-left")
    assert (f.line, f.clauses) == (line_of(org, rel, "person: PER-1"), ("5.3.1",))
    assert "PER-1 (张三) left on 2026-06-29" in f.message


def test_management_representative_and_team(org):
    found = {f.rule: f for f in org.run().findings if f.rule.startswith("sup.no-")}
    assert set(found) == {"sup.no-management-representative", "sup.no-carbon-management-team", "sup.no-subsystem-supervisor"}
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


# -- people as references: the verifier's team, traders ---------------------------------------
def _verification(org, team, statement_date="2025-07-26"):
    rel = "verification/VER.yaml"
    org.add(
        rel,
        org.record(
            "verification",
            "VER",
            year=2024,
            scheme="national_ets",
            plan={"scope": "s", "objectives": "o", "requirements": ["r"], "assurance_level": "reasonable", "materiality_pct": 5},
            verifier={"name": "苏碳核查", "accreditation": "a", "competence": "c", "team": team},
            statement={"date": statement_date, "opinion": "unqualified", "verified_emissions": {"value": 1, "unit": "tCO2"}},
        ),
    )
    return rel


def test_verifier_team_of_the_verifiers_people_passes(org):
    person(org, "PER-V", name="方志远", external=True, employer="苏碳核查")
    _verification(org, [{"person": "PER-V", "name": "方志远", "role": "核查组长"}])
    result = org.run()
    assert only(result, "emissions.verifier-not-independent") == [] and only(result, "emissions.verifier-team-unknown") == []


def test_verifier_team_member_of_the_organization_is_not_independent(org):
    person(org, "PER-5", name="刘洋")  # the organization's own trader, not external
    person(org, "PER-E", name="外聘", external=True, employer="苏碳核查")
    role(org, "ROLE-TR", "trader", [("PER-E", "2025-01-01", None)])  # external, but holds our role on 2025-07-26
    person(org, "PER-O", name="别家", external=True, employer="别的核查机构")
    rel = _verification(
        org,
        [
            {"person": "PER-5", "name": "刘洋", "role": "核查组长"},
            {"person": "PER-E", "name": "外聘", "role": "核查员"},
            {"person": "PER-O", "name": "别家", "role": "技术评审"},
            {"name": "无名", "role": "核查员"},
        ],
    )
    result = org.run()
    found = only(result, "emissions.verifier-not-independent")
    assert [f.path for f in found] == ["verifier.team[0].person", "verifier.team[1].person", "verifier.team[2].person"]
    assert found[0].line == line_of(org, rel, "person: PER-5")
    assert "PER-5 (刘洋), 核查组长 of the verifier's team, is a person of the organization itself: is not marked external" in found[0].message
    assert "holds the organization's role ROLE-TR on 2025-07-26" in found[1].message
    assert "PER-O (别家) works for 别的核查机构, not for the verifier 苏碳核查" in found[2].message
    assert found[0].clauses == ("A.4.2", "A.6.5.2")
    [u] = only(result, "emissions.verifier-team-unknown")
    assert u.path == "verifier.team[3]" and "team member 无名 (核查员) names no person record" in u.message


def _account(org, controllers):
    rel = "trading/ACC.yaml"
    org.add(rel, org.record("trading_account", "ACC", role="trading", markets=["national_ets"], institution="SEEE", controllers=controllers))
    return rel


def test_trader_holding_the_trader_role_passes(org):
    person(org, "PER-5")
    role(org, "ROLE-TR", "trader", [("PER-5", "2025-01-10", None)])
    _account(org, [{"person": "PER-5", "role": "trader", "from": "2021-07-05"}])
    assert only(org.run("2026-06-30"), "trading.trader-without-role") == []


def test_trader_without_the_trader_role(org):
    person(org, "PER-5")
    person(org, "PER-6")
    role(org, "ROLE-TR", "trader", [("PER-5", "2025-01-10", "2025-12-31")])
    rel = _account(
        org,
        [
            {"person": "PER-5", "role": "trader", "from": "2021-07-05"},
            {"person": "PER-6", "role": "reviewer", "from": "2021-07-05"},
            {"name": "王五", "role": "trader", "from": "2021-07-05"},
        ],
    )
    # PER-5's trader role ended 2025-12-31: fine on 2025-12-31, not on 2026-01-01; reviewers are not traders
    found = only(org.run("2025-12-31"), "trading.trader-without-role")
    assert [f.path for f in found] == ["controllers[2]"] and "the trader 王五 of account ACC names no person record" in found[0].message
    found = only(org.run("2026-01-01"), "trading.trader-without-role")
    assert [f.path for f in found] == ["controllers[0].person", "controllers[2]"]
    assert found[0].line == line_of(org, rel, "person: PER-5")
    assert "PER-5 (张三) trades on account ACC but holds no role of type trader on 2026-01-01" in found[0].message


def test_evidence_index_agrees_with_the_scan_it_replaces():
    """_evidence_of gives exactly the records the per-role scan gave: equal person and area, in the
    order of ctx.records, including values no dictionary key can be (a list) and None."""
    import datetime as dt
    from types import SimpleNamespace

    from checks.management.support import _evidence_by_person_area, _evidence_of

    def rec(rid, person, area, status="approved"):
        data = {"person": person, "area": area, "status": status}
        return SimpleNamespace(id=rid, status=status, get=lambda k, d=None, data=data: data.get(k, d))

    recs = [
        rec("C-1", "PER-1", "audit"),
        rec("C-2", "PER-1", "audit"),
        rec("C-3", "PER-1", "trading"),
        rec("C-4", ["PER-1"], "audit"),
        rec("C-5", None, "audit"),
        rec("C-6", "PER-1", None),
        rec("C-7", "PER-1", "audit", status="withdrawn"),
        rec("C-8", {"p": 1}, ["audit"]),
    ]
    ctx = SimpleNamespace(records=lambda kind: list(recs), as_of=dt.date(2026, 6, 30))
    found = _evidence_by_person_area(ctx)
    evidence = [c for c in recs if c.status != "withdrawn"]
    for who in ["PER-1", ["PER-1"], None, "PER-9", {"p": 1}]:
        for area in ["audit", "trading", None, ["audit"]]:
            scan = [c.id for c in evidence if c.get("person") == who and c.get("area") == area]
            assert [c.id for c in _evidence_of(found, who, area)] == scan, (who, area)
    assert [c.id for c in _evidence_of(found, "PER-1", "audit")] == ["C-1", "C-2"]


def test_role_nobody_holds(org):
    person(org, "PER-1")
    ended = role(org, "ROLE-M", "metrology_staff", [("PER-1", "2025-01-01", "2026-06-29")])
    empty = role(org, "ROLE-D", "data_manager", [])
    role(org, "ROLE-A", "accounting_staff", [("PER-1", "2026-07-01", None)])  # appointed from tomorrow
    role(org, "ROLE-X", "other", [], status="draft")  # not yet in force
    role(org, "ROLE-MR", "management_representative", [])  # sup.no-management-representative's
    found = {f.record: f for f in only(org.run("2026-06-30"), "sup.role-vacant")}
    assert set(found) == {"ROLE-M", "ROLE-D", "ROLE-A"}
    f = found["ROLE-M"]
    assert (f.file, f.line, f.clauses) == (ended, line_of(org, ended, "holders:"), ("5.3.1",))
    assert "nobody holds the role 'metrology_staff role' (metrology_staff) as of 2026-06-30: the last term ended on 2026-06-29" in f.message
    assert found["ROLE-D"].file == empty and "names no holder in office" in found["ROLE-D"].message
    # the last day of a term is still in office; the new holder's first day ends the vacancy
    assert "ROLE-M" not in {f.record for f in only(org.run("2026-06-29"), "sup.role-vacant")}
    assert "ROLE-A" not in {f.record for f in only(org.run("2026-07-01"), "sup.role-vacant")}


def test_role_responsibilities_not_communicated(org):
    person(org, "PER-1")
    silent = role(org, "ROLE-M", "metrology_staff", [("PER-1", "2025-01-01", None)], responsibilities=[{"text": "计量器具管理"}])
    later = role(org, "ROLE-D", "data_manager", [("PER-1", "2025-01-01", None)], communicated=[{"date": "2026-07-01", "channel": "内网"}])
    role(org, "ROLE-T", "trader", [("PER-1", "2025-01-01", None)], communicated=[{"date": "2025-01-05", "channel": "公司发文"}])
    role(org, "ROLE-X", "other", [("PER-1", "2025-01-01", None)], status="draft")
    found = {f.record: f for f in only(org.run("2026-06-30"), "sup.role-not-communicated")}
    assert set(found) == {"ROLE-M", "ROLE-D"}
    assert (found["ROLE-M"].file, found["ROLE-M"].line) == (silent, line_of(org, silent, "responsibilities:"))
    assert (found["ROLE-D"].file, found["ROLE-D"].line) == (later, line_of(org, later, "communicated:"))
    assert found["ROLE-M"].clauses == ("5.3.1",)
    assert "the role 'metrology_staff role' (metrology_staff) have not been communicated" in found["ROLE-M"].message
    assert {f.record for f in only(org.run("2026-07-01"), "sup.role-not-communicated")} == {"ROLE-M"}


def _training(org, tid, day, topics, **fields):
    rel = f"training/{tid}.yaml"
    org.add(rel, org.record("training", tid, training_type="awareness", topics=list(topics), date=day, **fields))
    return rel


def _unaware(result):
    return sorted(f.clauses[0] for f in only(result, "sup.awareness-not-covered"))


def test_awareness_of_each_item_of_7_2_2(org):
    assert _unaware(org.run()) == ["7.2.2 a", "7.2.2 b", "7.2.2 c", "7.2.2 d"]
    assert {f.file for f in only(org.run(), "sup.awareness-not-covered")} == {"cms.yaml"}  # no training at all
    _training(org, "TRN-1", "2025-03-01", ["policy_awareness", "laws_policy"])
    late = _training(org, "TRN-2", "2026-05-01", ["contribution", "impact_of_work"])
    _training(org, "TRN-3", "2026-07-01", ["consequences_of_nonconformity"])  # held only after the as-of date
    _training(org, "TRN-4", "2026-01-01", ["consequences_of_nonconformity"], status="draft")
    [f] = only(org.run("2026-06-30"), "sup.awareness-not-covered")
    assert (f.file, f.line, f.clauses) == (late, line_of(org, late, "topics:"), ("7.2.2 d",))
    assert "made people aware of the consequences of not conforming to the system's requirements (7.2.2 d, topic consequences_of_nonconformity)" in f.message
    assert _unaware(org.run("2026-07-01")) == []

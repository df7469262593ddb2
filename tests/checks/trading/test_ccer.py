"""Voluntary emission reduction trading conduct, B.8.2.2.2 a-e (checks/trading/ccer.py)."""

from tests.lines import line_of

RULES = (
    "trading.ccer-filing-incomplete",
    "trading.ccer-verifier-not-filed",
    "trading.ccer-monitoring-report-missing",
    "trading.ccer-body-out-of-scope",
    "trading.ccer-exchange-not-filed",
)


def _body(org, id, roles, code=None, sectors=None, **filing):
    fields = dict(name=f"{id} 机构", roles=roles, filing={"authority": "国家主管部门", "reference": f"备案 {id}", "filed_on": "2024-01-10", **filing})
    if code:
        fields["code"] = code
    if sectors is not None:
        fields["scope_sectors"] = sectors
    return org.record("filed_body", id, **fields)


def _project(org, **over):
    fields = dict(
        name="示例风电项目",
        registry_id="CCER-9001",
        sector="能源工业（可再生/不可再生）",
        filing={
            "submitted_on": "2024-03-01",
            "materials": [
                {"type": "project_design_document", "document": "PDD v1", "provided": True},
                {"type": "validation_report", "document": "VAL-1", "provided": True},
            ],
        },
        validation={"validator": "FB-V", "report": "VAL-1", "date": "2024-02-20"},
        monitoring_periods=[{"period": {"start": "2024-04-01", "end": "2025-03-31"}, "monitoring_report": {"reference": "MR-1", "submitted_on": "2025-04-20"}}],
        verifications=[
            {"period": {"start": "2024-04-01", "end": "2025-03-31"}, "verifier": "FB-V", "report": "VER-1", "date": "2025-06-10", "quantity_tco2e": 12000}
        ],
    )
    fields.update(over)
    return org.record("ccer_project", "CP-1", **fields)


def _clean(org):
    org.add("trading/FB-V.yaml", _body(org, "FB-V", ["validator", "verifier"], sectors=["能源工业（可再生/不可再生）"]))
    org.add("trading/CP-1.yaml", _project(org))


def _findings(result):
    assert not [f for f in result.findings if f.rule in ("schema.invalid", "rules.crashed", "index.dangling")], result.findings
    return {r: [f for f in result.findings if f.rule == r] for r in RULES}


def test_a_complete_project_by_a_filed_verifier_in_scope_is_clean(org):
    _clean(org)
    assert all(v == [] for v in _findings(org.run("2026-06-30")).values())


def test_filing_without_a_required_material_or_with_one_not_provided(org):
    _clean(org)
    org.add(
        "trading/CP-1.yaml",
        _project(org, filing={"submitted_on": "2024-03-01", "materials": [{"type": "project_design_document", "document": "PDD v1", "provided": False}]}),
    )
    found = _findings(org.run("2026-06-30"))["trading.ccer-filing-incomplete"]
    assert [f.severity for f in found] == ["error", "error"]
    [absent] = [f for f in found if "has no validation_report" in f.message]
    [unprovided] = [f for f in found if "lists project_design_document PDD v1 as not provided" in f.message]
    assert unprovided.line == line_of(org, "trading/CP-1.yaml", "provided: false")
    assert absent.line == line_of(org, "trading/CP-1.yaml", "materials:") + 1  # a list is located at its first item
    # the filing submitted after the as-of date is not yet known
    assert _findings(org.run("2024-02-28"))["trading.ccer-filing-incomplete"] == []


def test_filing_materials_follow_the_setting(org):
    _clean(org)
    org.settings(trading={"ccer_filing_materials": ["project_design_document", "validation_report", "eia_approval"]})
    [f] = _findings(org.run("2026-06-30"))["trading.ccer-filing-incomplete"]
    assert "has no eia_approval" in f.message


def test_verification_by_a_body_not_filed_or_no_longer_filed(org):
    _clean(org)
    # a body filed as validator only is not a filed verifier
    org.add("trading/FB-V.yaml", _body(org, "FB-V", ["validator"], sectors=["能源工业（可再生/不可再生）"]))
    [f] = _findings(org.run("2026-06-30"))["trading.ccer-verifier-not-filed"]
    assert f.severity == "error" and f.line == line_of(org, "trading/CP-1.yaml", "verifier: FB-V")
    assert "FB-V is not filed as verifier" in f.message
    # revoked on the report's day (2025-06-10): no longer filed that day; revoked the day after: still filed
    org.add("trading/FB-V.yaml", _body(org, "FB-V", ["validator", "verifier"], sectors=["能源工业（可再生/不可再生）"], revoked_on="2025-06-10"))
    [f] = _findings(org.run("2026-06-30"))["trading.ccer-verifier-not-filed"]
    assert "is not in force on 2025-06-10" in f.message
    org.add("trading/FB-V.yaml", _body(org, "FB-V", ["validator", "verifier"], sectors=["能源工业（可再生/不可再生）"], revoked_on="2025-06-11"))
    assert _findings(org.run("2026-06-30"))["trading.ccer-verifier-not-filed"] == []
    # filed after the report: not filed on its date
    org.add(
        "trading/FB-V.yaml",
        _body(org, "FB-V", ["validator", "verifier"], sectors=["能源工业（可再生/不可再生）"])
        | {"filing": {"authority": "a", "reference": "r", "filed_on": "2025-06-11"}},
    )
    [f] = _findings(org.run("2026-06-30"))["trading.ccer-verifier-not-filed"]
    assert "filed 2025-06-11" in f.message


def test_verification_without_a_monitoring_report_submitted_before_it(org):
    _clean(org)
    late = [{"period": {"start": "2024-04-01", "end": "2025-03-31"}, "monitoring_report": {"reference": "MR-1", "submitted_on": "2025-06-11"}}]
    org.add("trading/CP-1.yaml", _project(org, monitoring_periods=late))
    [f] = _findings(org.run("2026-06-30"))["trading.ccer-monitoring-report-missing"]
    assert f.severity == "error" and "VER-1 of CP-1 (2024-04-01 to 2025-03-31, dated 2025-06-10) rests on no monitoring report" in f.message
    # submitted on the verification's day: a near miss
    late[0]["monitoring_report"]["submitted_on"] = "2025-06-10"
    org.add("trading/CP-1.yaml", _project(org, monitoring_periods=late))
    assert _findings(org.run("2026-06-30"))["trading.ccer-monitoring-report-missing"] == []


def test_an_ended_monitoring_period_without_report_is_a_warning(org):
    _clean(org)
    periods = [
        {"period": {"start": "2024-04-01", "end": "2025-03-31"}, "monitoring_report": {"reference": "MR-1", "submitted_on": "2025-04-20"}},
        {"period": {"start": "2025-04-01", "end": "2026-03-31"}},
    ]
    org.add("trading/CP-1.yaml", _project(org, monitoring_periods=periods))
    [f] = _findings(org.run("2026-06-30"))["trading.ccer-monitoring-report-missing"]
    assert f.severity == "warning" and "ended 2026-03-31 has no monitoring report submitted by 2026-06-30" in f.message
    # on its last day the period has not ended yet
    assert _findings(org.run("2026-03-31"))["trading.ccer-monitoring-report-missing"] == []


def test_validator_or_verifier_outside_its_accreditation_scope(org):
    _clean(org)
    org.add("trading/FB-V.yaml", _body(org, "FB-V", ["validator", "verifier"], sectors=["化工行业"]))
    found = _findings(org.run("2026-06-30"))["trading.ccer-body-out-of-scope"]
    assert [f.severity for f in found] == ["error", "error"]  # the validation and the verification
    assert found[0].line == line_of(org, "trading/CP-1.yaml", "validator: FB-V")
    assert "acted as validator of CP-1 (sector '能源工业（可再生/不可再生）') on 2024-02-20, outside its accreditation scope ['化工行业']" in found[0].message
    assert "acted as verifier" in found[1].message


def _ledger(org, trades):
    org.add(
        "trading/ACC-C.yaml",
        org.record(
            "trading_account",
            "ACC-C",
            role="ccer_registry",
            markets=["ccer"],
            institution="注册登记系统",
            account_number="C-1",
            holder="测试组织",
            controlled=True,
            opened_on="2020-01-01",
        ),
    )
    return org.record("trade_ledger", "TL-1", account="ACC-C", period={"start": "2025-01-01", "end": "2025-12-31"}, trades=trades)


def _trade(id, exchange="CBGEX", market="ccer", product="CCER"):
    t = {
        "trade_id": id,
        "date": "2025-09-01",
        "market": market,
        "product": product,
        "vintage": 2024,
        "side": "buy",
        "quantity": 100,
        "price": 60.0,
        "trade_type": "otc",
    }
    if exchange:
        t["exchange"] = exchange
    return t


def test_ccer_traded_through_an_exchange_not_filed(org):
    org.add("trading/FB-X.yaml", _body(org, "FB-X", ["exchange"], code="CBGEX", valid_until="2025-08-31"))
    org.add(
        "trading/TL-1.yaml",
        _ledger(
            org,
            [_trade("T1"), _trade("T2", exchange=None), _trade("T3", exchange="OTHER"), _trade("T4", market="national_ets", product="CEA", exchange="OTHER")],
        ),
    )
    found = _findings(org.run("2026-06-30"))["trading.ccer-exchange-not-filed"]
    # T1: CBGEX valid until 2025-08-31, traded 2025-09-01; T2: no exchange; T3: no such body; T4 is not CCER
    assert [f.message.split(" of ")[0] for f in found] == ["CCER trade T1", "CCER trade T2", "CCER trade T3"]
    assert all(f.severity == "error" and f.file == "trading/TL-1.yaml" for f in found)
    assert "valid until 2025-08-31" in found[0].message and "names no exchange" in found[1].message
    assert "OTHER: no filed_body has that code" in found[2].message
    assert found[0].line == line_of(org, "trading/TL-1.yaml", "trade_id: T1")


def test_ccer_traded_through_a_filed_exchange_is_clean(org):
    # valid through its last day (inclusive): the trade of 2025-09-01 is inside
    org.add("trading/FB-X.yaml", _body(org, "FB-X", ["exchange"], code="CBGEX", valid_until="2025-09-01"))
    org.add("trading/TL-1.yaml", _ledger(org, [_trade("T1")]))
    assert _findings(org.run("2026-06-30"))["trading.ccer-exchange-not-filed"] == []


def test_the_example_trades_ccer_through_a_filed_exchange():
    """The example bought CCER on SEEE in 2022 (records/trading/TL-CCER-2022.yaml); FB-SEEE records
    the exchange's filing, so B.8.2.2.2 e is verified by the rule; the example owns no CCER project."""
    import datetime as dt

    from cms_build.engine import run
    from cms_build.matrix import build_matrix
    from tests.conftest import EXAMPLE

    result = run(EXAMPLE, dt.date(2026, 6, 30))
    assert [f for f in result.findings if f.rule in RULES] == []
    row = next(r for r in build_matrix(result)["clauses"] if r["number"] == "B.8.2.2.2")
    e = next(i for i in row["provisions"] if i["item"] == "e")
    assert e["status"] == "verified" and "trading.ccer-exchange-not-filed" in e["rules"] and "FB-SEEE" in e["records"]


def _organization(org, owner):
    fields = dict(legal_name="测试组织有限公司", uscc="91110000MA00000000")
    if owner is not None:
        fields["ccer_project_owner"] = owner
    org.add("organization/ORG-T.yaml", org.record("organization", "ORG-T", **fields))


def _owner_findings(result):
    assert not [f for f in result.findings if f.rule in ("schema.invalid", "rules.crashed", "index.dangling")], result.findings
    return [f for f in result.findings if f.rule == "trading.ccer-project-owner-undeclared"]


def test_a_project_of_an_organization_that_does_not_declare_itself_its_owner(org):
    """B.8.2.2.2 a-d apply where organization.ccer_project_owner is true (the catalogue's
    applies_if): a project record while the organization says false, or says nothing, would show
    them not applicable although the records say they apply."""
    _clean(org)
    _organization(org, False)
    [f] = _owner_findings(org.run("2026-06-30"))
    assert f.file.endswith("CP-1.yaml") and "ORG-T declares ccer_project_owner: false" in f.message
    _organization(org, None)
    [f] = _owner_findings(org.run("2026-06-30"))
    assert "no organization record declares ccer_project_owner: true" in f.message
    _organization(org, True)
    assert _owner_findings(org.run("2026-06-30")) == []


def test_project_duties_apply_only_to_a_declared_owner(org):
    """The matrix: an organization that only buys CCER (ccer_project_owner: false) has
    B.8.2.2.2 a-d not applicable and e still applicable; one that owns a project has a-d apply."""
    from cms_build.matrix import build_matrix

    def items(result):
        [row] = [r for r in build_matrix(result)["clauses"] if r["number"] == "B.8.2.2.2"]
        return {i["item"]: i["status"] for i in row["provisions"]}

    _organization(org, False)
    got = items(org.run("2026-06-30"))
    assert {got[i] for i in "abcd"} == {"not_applicable"} and got["e"] != "not_applicable"
    _clean(org)
    _organization(org, True)
    got = items(org.run("2026-06-30"))
    assert "not_applicable" not in {got[i] for i in "abcd"}

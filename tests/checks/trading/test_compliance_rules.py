"""Surrender in full, on time, with CCER within the share (checks/trading/compliance_rules.py)."""

import shutil
from pathlib import Path

import pytest

from tests.checks.trading_support import account, allocation, line_of, trading_org

EXAMPLE = Path(__file__).resolve().parents[3] / "records"


def obligation(org, due_emissions=1_000_000, deadline="2025-12-31", **extra):
    return org.record(
        "ets_compliance",
        "ETS",
        scheme="national_ets",
        compliance_period="2024",
        years=[2024],
        registry_account="REG",
        emissions=[{"year": 2024, "emissions_tco2e": due_emissions}],
        deadline=deadline,
        **extra,
    )


def surrender(org, rid, day, items, account_id="REG", **extra):
    return org.record("surrender", rid, purpose="compliance", obligation="ETS", date=day, account=account_id, items=items, **extra)


def cea(q):
    return {"market": "national_ets", "product": "CEA", "vintage": 2024, "quantity": q}


def ccer(q, **extra):
    return {"market": "ccer", "product": "CCER", "vintage": 2017, "quantity": q, **extra}


def base(org, ccer_units=0):
    trading_org(org)
    org.add("trading/AL.yaml", allocation(org, quantity=1_000_000, year=2024, day="2025-03-01"))
    org.add("trading/CCER.yaml", account(org, "CCERACC", "ccer_registry", "C-1", markets=["ccer"]))
    if ccer_units:
        org.add(
            "trading/TLC.yaml",
            org.record(
                "trade_ledger",
                "TLC",
                account="CCERACC",
                period={"start": "2025-01-01", "end": "2025-12-31"},
                trades=[
                    {
                        "trade_id": "C1",
                        "date": "2025-04-01",
                        "market": "ccer",
                        "product": "CCER",
                        "vintage": 2017,
                        "side": "buy",
                        "quantity": ccer_units,
                        "price": 50.0,
                        "trade_type": "otc",
                    }
                ],
            ),
        )
    org.add("trading/ETS.yaml", obligation(org))


def test_short_after_the_deadline_is_an_error(org):
    base(org)
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [cea(999_999)]))
    [f] = org.of(org.run("2026-01-01"), "trading.surrender-short")
    assert (f.file, f.line, f.severity) == ("trading/ETS.yaml", line_of(org, "trading/ETS.yaml", "deadline:"), "error")
    assert "999,999 t surrendered for 2024 against 1,000,000 t due: 1 t short after the deadline 2025-12-31" in f.message


def test_full_surrender_passes(org):
    base(org)
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [cea(1_000_000)]))
    result = org.run("2026-01-01")
    assert org.of(result, "trading.surrender-short") == [] and org.of(result, "trading.surrender-late") == []


@pytest.mark.parametrize(
    "as_of,expected",
    [
        ("2025-10-31", None),  # 61 days before the deadline: not yet
        ("2025-11-01", "warning"),  # 60 days before
        ("2025-12-31", "warning"),  # on the deadline: still open
        ("2026-01-01", "error"),  # the day after
    ],
)
def test_open_obligation_warning_window(org, as_of, expected):
    base(org)
    found = org.of(org.run(as_of), "trading.surrender-short")
    assert [f.severity for f in found] == ([expected] if expected else [])
    if expected == "warning":
        assert "1,000,000 t of 1,000,000 t still to surrender for 2024 by 2025-12-31" in found[0].message


@pytest.mark.parametrize("day,late", [("2025-12-31", False), ("2026-01-01", True)])
def test_surrender_late_edges(org, day, late):
    base(org)
    org.add("trading/S1.yaml", surrender(org, "S1", day, [cea(1_000_000)]))
    found = org.of(org.run("2026-03-01"), "trading.surrender-late")
    assert bool(found) is late
    if late:
        assert (found[0].file, found[0].line) == ("trading/S1.yaml", line_of(org, "trading/S1.yaml", "date: '2026-01-01'"))
        assert "1 day(s) after the deadline 2025-12-31 of ETS" in found[0].message


def test_ccer_over_the_share_and_near_miss(org):
    # due 1,000,000: 5% = 50,000 CCER at most
    base(org, ccer_units=60_000)
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [cea(949_999)]))
    org.add("trading/S2.yaml", surrender(org, "S2", "2025-12-01", [ccer(50_001)], account_id="CCERACC"))
    result = org.run("2026-01-01")
    [f] = org.of(result, "trading.ccer-over-limit")
    assert f.file == "trading/ETS.yaml" and "50,001 t CCER surrendered, above the limit 50,000 t (5% of 1,000,000 t due)" in f.message
    # the one CCER above the limit does not count: 949,999 + 50,000 = 999,999 -> 1 t short
    assert "1 t short" in org.of(result, "trading.surrender-short")[0].message


def test_ccer_at_the_share_passes(org):
    base(org, ccer_units=60_000)
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [cea(950_000)]))
    org.add("trading/S2.yaml", surrender(org, "S2", "2025-12-01", [ccer(50_000)], account_id="CCERACC"))
    result = org.run("2026-01-01")
    assert org.of(result, "trading.ccer-over-limit") == [] and org.of(result, "trading.surrender-short") == []


def test_ccer_share_is_a_setting_and_an_obligation_may_override_it(org):
    base(org, ccer_units=60_000)
    org.settings(subsystems=["A", "B", "C", "D"], trading={"ccer_max_share": 0.10})
    org.add("trading/S2.yaml", surrender(org, "S2", "2025-12-01", [ccer(60_000)], account_id="CCERACC"))
    assert org.of(org.run("2026-01-01"), "trading.ccer-over-limit") == []
    org.add("trading/ETS.yaml", obligation(org, ccer_max_share=0.05, ccer_rule="主管部门通知 5%"))
    assert len(org.of(org.run("2026-01-01"), "trading.ccer-over-limit")) == 1


def test_ccer_from_a_project_inside_the_ets(org):
    base(org, ccer_units=100)
    org.add(
        "trading/S2.yaml",
        surrender(org, "S2", "2025-12-01", [ccer(10, project_in_national_ets=True), ccer(10, project_in_national_ets=False)], account_id="CCERACC"),
    )
    [f] = org.of(org.run("2026-01-01"), "trading.ccer-from-ets-project")
    assert f.line == line_of(org, "trading/S2.yaml", "project_in_national_ets: true")


def test_years_without_emissions(org):
    base(org)
    org.add(
        "trading/ETS.yaml",
        org.record(
            "ets_compliance",
            "ETS",
            scheme="national_ets",
            compliance_period="2023-2024",
            years=[2023, 2024],
            registry_account="REG",
            emissions=[{"year": 2024, "emissions_tco2e": 10}],
            deadline="2025-12-31",
        ),
    )
    [f] = org.of(org.run("2025-06-30"), "trading.obligation-years-incomplete")
    assert "no emissions for 2023" in f.message


def copy_example(tmp_path) -> Path:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root)
    return root


def test_verified_figure_must_match_the_verification(tmp_path):
    from cms_build.engine import run
    import datetime as dt

    root = copy_example(tmp_path)
    result = run(root, dt.date(2026, 6, 30))
    assert [f for f in result.findings if f.rule == "trading.verified-mismatch"] == []  # the example agrees
    path = root / "trading" / "ETS-2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("emissions_tco2e: 5871942", "emissions_tco2e: 5871000"), encoding="utf-8")
    [f] = [f for f in run(root, dt.date(2026, 6, 30)).findings if f.rule == "trading.verified-mismatch"]
    assert f.file == "trading/ETS-2023.yaml" and "5,871,000 tCO2 here, but the verification statement VER-2023 says 5,871,942" in f.message
    assert f.severity == "error" and f.clauses == ("8.2.2 c", "B.8.2.3 b")  # not A.6.5.2: a full surrender


def _run(root, as_of="2026-06-30"):
    import datetime as dt

    from cms_build.engine import run

    return run(root, dt.date.fromisoformat(as_of))


def test_amount_due_must_be_the_verified_figure_unless_its_basis_is_stated(tmp_path):
    root = copy_example(tmp_path)
    path = root / "trading" / "ETS-2023.yaml"
    text = path.read_text(encoding="utf-8")
    # verified 5,871,942 (VER-2023); stated amount due 5,800,000: 71,942 t less, no basis given
    path.write_text(text.replace("deadline: 2024-12-31", "obligation_tco2e: 5800000\ndeadline: 2024-12-31"), encoding="utf-8")
    [f] = [f for f in _run(root).findings if f.rule == "trading.verified-mismatch"]
    assert f.path == "obligation_tco2e" and "amount due 5,800,000 t" in f.message and "5,871,942" in f.message
    path.write_text(text.replace("deadline: 2024-12-31", "obligation_tco2e: 5800000\nobligation_basis: 配额缺口上限\ndeadline: 2024-12-31"), encoding="utf-8")
    assert [f for f in _run(root).findings if f.rule == "trading.verified-mismatch"] == []


def test_every_reported_year_has_its_obligation(tmp_path):
    root = copy_example(tmp_path)
    assert [f for f in _run(root).findings if f.rule == "trading.obligation-missing"] == []
    (root / "trading" / "ETS-2025.yaml").unlink()
    result = _run(root)
    [f] = [f for f in result.findings if f.rule == "trading.obligation-missing"]
    assert (f.file, f.severity) == ("inventory/RI-2025.yaml", "error")
    assert "emissions of 2025 are reported (RI-2025), but no ETS compliance obligation covers 2025" in f.message
    # without it the 2025 balance sheet counts the 72,115 t held as surplus (11,015 + 61,100)
    surplus = next(x for x in result.results["assets"]["balance_sheets"]["2025"]["positive"] if x["category"] == "surplus_allowances")
    assert surplus["quantity"] == 72_115


@pytest.mark.parametrize(
    "submitted, due_setting, expected",
    [
        ("2026-03-28", None, None),  # the example: 3 days early
        ("2026-03-31", None, None),  # on the due day (03-31, order 19 Art. 25)
        ("2026-04-01", None, "1 day(s) after it was due (2026-03-31)"),
        ("2026-03-28", "03-15", "13 day(s) after it was due (2026-03-15)"),  # 03-28 − 03-15 = 13
    ],
)
def test_annual_emission_report_deadline(tmp_path, submitted, due_setting, expected):
    root = copy_example(tmp_path)
    ri = root / "inventory" / "RI-2025.yaml"
    ri.write_text(ri.read_text(encoding="utf-8").replace("submitted_on: '2026-03-28'", f"submitted_on: '{submitted}'"), encoding="utf-8")
    if due_setting:
        cms = root / "cms.yaml"
        text = cms.read_text(encoding="utf-8")
        assert "\ntrading:" not in text
        cms.write_text(text + f"trading:\n  emission_report_due: '{due_setting}'\n", encoding="utf-8")
    found = [
        f for f in _run(root).findings if f.rule == "trading.emission-report-late" and f.file == "inventory/RI-2025.yaml"
    ]  # with 03-15, RI-2023 (03-26) and RI-2024 (03-27) are late too
    if expected is None:
        assert found == []
        return
    [f] = found
    assert (f.file, f.severity, f.path) == ("inventory/RI-2025.yaml", "error", "submitted_on") and expected in f.message


def test_annual_report_not_recorded_after_the_due_day(tmp_path):
    root = copy_example(tmp_path)
    ri = root / "inventory" / "RI-2025.yaml"
    ri.write_text(ri.read_text(encoding="utf-8").replace("submitted_on: '2026-03-28'\n", ""), encoding="utf-8")
    assert [f for f in _run(root, "2026-03-31").findings if f.rule == "trading.emission-report-late"] == []
    [f] = [f for f in _run(root, "2026-04-01").findings if f.rule == "trading.emission-report-late"]
    assert "the 2025 emission report was due by 2026-03-31 and has no submission date" in f.message


def test_a_year_with_monthly_evidence_filed_needs_its_annual_report(org):
    """A year with an evidence_filing record is a year in the market even with no activity recorded
    here: its report is due by 03-31 of the next year (the due day is not late, the day after is)."""
    org.settings(subsystems=["A", "B"], emissions={"evidence_filing_due_days": 40})
    org.add("organization/ORG.yaml", org.record("organization", "ORG", legal_name="测试电厂", uscc="913200000000000000", mandatory_schemes=["national_ets"]))
    org.add(
        "filing/EVF-2025.yaml",
        org.record("evidence_filing", "EVF-2025", year=2025, months=[{"month": m, "status": "not_applicable", "note": "停运"} for m in range(1, 13)]),
    )
    assert org.of(org.run("2026-03-31"), "trading.emission-report-late") == []
    [f] = org.of(org.run("2026-04-01"), "trading.emission-report-late")
    assert f.file == "organization/ORG.yaml" and f.message.startswith("the 2025 emission report was due by 2026-03-31 and is not recorded")
    org.add("inventory/RI-2025.yaml", org.record("reported_inventory", "RI-2025", year=2025, total={"value": 0, "unit": "tCO2"}, submitted_on="2026-03-31"))
    assert org.of(org.run("2026-04-01"), "trading.emission-report-late") == []


def _ets_2025(root) -> dict:
    """2025 of the example, computed: the full inventory, the ETS boundary, SRC-BJ1-FGD."""
    year = _run(root).results["emissions"]["years"]["2025"]
    return {"ets": year["ets"]["total"]["value"], "full": year["total"]["value"], "fgd": year["ets"]["by_source"]["SRC-BJ1-FGD"]["inventory"]}


def test_a_year_without_its_figure_is_due_at_the_ets_boundary_figure(tmp_path):
    """2025 is not verified yet (VER-2025 has no statement). ETS-2024 widened to 2024-2025 with no
    2025 row: 2024 keeps its row (6,018,858, verified), 2025 is filled with the ETS-boundary figure
    recomputed from the records (fuel combustion + purchased electricity), not the full inventory,
    which also holds the desulfurization CO2 of SRC-BJ1-FGD."""
    root = copy_example(tmp_path)
    fig = _ets_2025(root)
    assert fig["fgd"] > 0 and abs((fig["full"] - fig["ets"]) - fig["fgd"]) < 1e-6  # the only source outside
    path = root / "trading" / "ETS-2024.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("years: [2024]", "years: [2024, 2025]"), encoding="utf-8")
    result = _run(root)
    pos = result.results["assets"]["compliance"]["ETS-2024"]
    assert pos["filled"] == [{"year": 2025, "value": fig["ets"], "basis": "ets_recomputed"}]
    assert pos["due"]["value"] == 6018858 + fig["ets"]  # D = E_2024 (stated, verified) + E_2025 (ETS boundary)
    assert {i["source"].get("step") for i in pos["due"]["inputs"]} >= {"emissions.years.2025.ets.total"}
    assert [r["year"] for r in pos["verified_check"]] == [2024] and pos["ets_check"] == []
    [f] = [f for f in result.findings if f.rule == "trading.obligation-years-incomplete" and f.file == "trading/ETS-2024.yaml"]
    assert "no emissions for 2025" in f.message  # the record still needs its row


def test_an_unverified_figure_must_be_the_ets_boundary_figure(tmp_path):
    """The example states 2025 at the ETS boundary, rounded to the tonne (5,933,589, within the
    0.5 t rounding of the recomputed figure). Stating the full inventory instead (5,945,832, the
    reported Annex A total of RI-2025) is the error: 5,945,832 − 5,933,588.98 = +12,243.02, which is
    the desulfurization CO2 of SRC-BJ1-FGD (12,243.07) less the rounding."""
    root = copy_example(tmp_path)
    fig = _ets_2025(root)
    assert round(fig["ets"]) == 5933589 and round(fig["full"]) == 5945832
    assert [f for f in _run(root).findings if f.rule == "trading.due-not-ets-boundary"] == []
    path = root / "trading" / "ETS-2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("emissions_tco2e: 5933589", "emissions_tco2e: 5945832"), encoding="utf-8")
    [f] = [f for f in _run(root).findings if f.rule == "trading.due-not-ets-boundary"]
    assert f.file == "trading/ETS-2025.yaml" and f.severity == "error"
    assert f"5,945,832 tCO2 here, but the national ETS boundary recomputed from the records gives {fig['ets']:,.2f}" in f.message
    assert f"difference {5945832 - fig['ets']:+,.2f}" in f.message and f"SRC-BJ1-FGD (desulfurization) {fig['fgd']:,.2f}" in f.message
    assert "is the full inventory (Annex A)" in f.message
    # a local pilot sets its own boundary: the national one is not applied to it
    path.write_text(path.read_text(encoding="utf-8").replace("scheme: national_ets", "scheme: local_pilot"), encoding="utf-8")
    assert _run(root).results["assets"]["compliance"]["ETS-2025"]["ets_check"] == []


def _vintage(q, vintage):
    return {**cea(q), "vintage": vintage}


def test_allowances_of_a_later_vintage_do_not_count(org):
    # a 2024 obligation of 1,000,000 t: 990,000 of vintage 2024 and 10,000 of vintage 2025
    base(org)
    org.add("trading/AL2.yaml", allocation(org, rid="AL2", quantity=10_000, year=2025, day="2025-03-01"))
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [cea(990_000), _vintage(10_000, 2025)]))
    result = org.run("2026-01-01")
    [f] = org.of(result, "trading.surrender-vintage-ineligible")
    assert (f.file, f.line, f.path) == ("trading/S1.yaml", line_of(org, "trading/S1.yaml", "vintage: 2025"), "items[1].vintage")
    assert "10,000 t of vintage 2025 surrendered for ETS, whose eligible vintages are up to 2024" in f.message
    # counted S = 990,000 of 1,000,000 due: 10,000 t short
    assert result.results["assets"]["compliance"]["ETS"]["surrendered"]["value"] == 990_000
    assert "10,000 t short" in org.of(result, "trading.surrender-short")[0].message


@pytest.mark.parametrize("vintage", [2024, 2023])
def test_vintages_up_to_the_last_year_count(org, vintage):
    base(org)
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [_vintage(1_000_000, vintage)]))
    result = org.run("2026-01-01")
    assert org.of(result, "trading.surrender-vintage-ineligible") == []
    assert result.results["assets"]["compliance"]["ETS"]["surrendered"]["value"] == 1_000_000


def test_the_obligation_lists_its_eligible_vintages(org):
    base(org)
    org.add("trading/ETS.yaml", obligation(org, eligible_vintages=[2025]))
    org.add("trading/AL2.yaml", allocation(org, rid="AL2", quantity=10_000, year=2025, day="2025-03-01"))
    org.add("trading/S1.yaml", surrender(org, "S1", "2025-12-01", [cea(990_000), _vintage(10_000, 2025)]))
    result = org.run("2026-01-01")
    # now the 2025 item counts and the 990,000 of vintage 2024 do not: S = 10,000
    [f] = org.of(result, "trading.surrender-vintage-ineligible")
    assert f.path == "items[0].vintage" and "eligible vintages are 2025" in f.message
    assert result.results["assets"]["compliance"]["ETS"]["surrendered"]["value"] == 10_000


def test_a_deadline_later_than_the_official_one(tmp_path):
    # the probe T26: ETS-2021-2022's deadline moved a month on, the allowance surrender moved past
    # the official 2023-12-31 (factor library compliance_2021_2022): late, but shown on time
    root = copy_example(tmp_path)
    ets, sur = root / "trading" / "ETS-2021-2022.yaml", root / "trading" / "SUR-2023-11.yaml"
    ets.write_text(ets.read_text(encoding="utf-8").replace("deadline: 2023-12-31", "deadline: 2024-01-31"), encoding="utf-8")
    sur.write_text(sur.read_text(encoding="utf-8").replace("date: 2023-11-28", "date: 2024-01-15"), encoding="utf-8")
    findings = _run(root).findings
    assert [f for f in findings if f.rule == "trading.surrender-late"] == []  # by the record's own deadline
    [f] = [f for f in findings if f.rule == "trading.deadline-after-official"]
    assert (f.file, f.path, f.severity) == ("trading/ETS-2021-2022.yaml", "deadline", "error")
    # 2024-01-31 − 2023-12-31 = 31 days; 2024-01-15 − 2023-12-31 = 15 days; 5,846,200 + 5,670,885 = 11,517,085 t
    assert f.message.startswith(
        "deadline 2024-01-31, 31 day(s) later than the official deadline 2023-12-31 for 2021, 2022 (compliance_2021_2022 of the factor library"
    )
    assert f.message.endswith("; surrendered after the official deadline: SUR-2023-11 on 2024-01-15 (11,517,085 t, 15 day(s) late)")


@pytest.mark.parametrize("deadline", ["2023-12-31", "2023-12-15"])
def test_the_official_deadline_or_an_earlier_one(tmp_path, deadline):
    root = copy_example(tmp_path)
    ets = root / "trading" / "ETS-2021-2022.yaml"
    ets.write_text(ets.read_text(encoding="utf-8").replace("deadline: 2023-12-31", f"deadline: {deadline}"), encoding="utf-8")
    assert [f for f in _run(root).findings if f.rule == "trading.deadline-after-official"] == []


def test_a_period_the_library_has_no_deadline_for_is_not_judged(org):
    # 2024: the factor library holds no official deadline for it (none is invented)
    base(org)
    org.add("trading/ETS.yaml", obligation(org, deadline="2026-06-30"))
    assert org.of(org.run("2026-01-01"), "trading.deadline-after-official") == []


def _edit(root, rel, old, new):
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_verified_figure_rests_on_its_verification_record(tmp_path):
    # the probe T19 and its neighbours, in one run of the example as of 2026-06-30
    root = copy_example(tmp_path)
    _edit(root, "trading/ETS-2023.yaml", " verification: VER-2023,", "")  # VER-2023 could be named
    _edit(root, "trading/ETS-2025.yaml", "figure: estimated", "figure: verified")  # VER-2025 has no statement yet
    _edit(root, "trading/ETS-2024.yaml", "verification: VER-2024", "verification: VER-2023")  # the verification of 2023
    _edit(root, "trading/ETS-2021-2022.yaml", ", confirmed_on: 2022-09-30", "")  # 2021: no record, no confirmation
    found = sorted((f.file, f.path, f.severity, f.message) for f in _run(root).findings if f.rule == "trading.verified-figure-unsupported")
    assert found == [
        (
            "trading/ETS-2021-2022.yaml",
            "emissions[0].figure",
            "warning",
            "2021: shown verified, but names no verification record and no date the authority confirmed it (confirmed_on); "
            "no verification record of 2021 holds a statement",
        ),
        (
            "trading/ETS-2023.yaml",
            "emissions[0].figure",
            "warning",
            "2023: shown verified, but names no verification record, though VER-2023 (statement of 2024-07-26) holds the verification statement of 2023",
        ),
        ("trading/ETS-2024.yaml", "emissions[0].verification", "error", "2024: shown verified by VER-2023, which is the verification of 2023"),
        (
            "trading/ETS-2025.yaml",
            "emissions[0].verification",
            "error",
            "2025: shown verified by VER-2025, which holds no verification statement by 2026-06-30",
        ),
    ]
    # 2022 of ETS-2021-2022 (verified before the verification records begin, confirmed_on 2023-09-28) is accepted

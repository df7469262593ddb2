"""Monitoring and measurement (9.1.1, A.9.1), compliance evaluation (9.1.2, A.9.2, D.9.2)."""

from tests.checks.management_org import line_of, only


def _instrument(org, calibrations, **fields):
    rel = "instruments/MI-1.yaml"
    base = {"instrument_type": "belt_scale", "measures": "入炉煤量", "accuracy_class": "0.5级", "calibration_method": "calibration"}
    base.update(fields)
    org.add(rel, org.record("measuring_instrument", "MI-1", calibrations=calibrations, **base))
    return rel


def test_calibration_due_date_from_the_certificate(org):
    rel = _instrument(org, [{"date": "2025-07-01", "type": "calibration", "result": "pass", "next_due": "2026-06-30"}])
    assert only(org.run("2026-06-30"), "mon.calibration-overdue") == []
    [f] = only(org.run("2026-07-01"), "mon.calibration-overdue")
    assert (f.file, f.line) == (rel, line_of(org, rel, "next_due"))
    assert "MI-1 was due for calibration by 2026-06-30 (last calibration 2025-07-01); 1 days overdue" in f.message
    assert f.clauses == ("9.1.1", "A.9.1 c")


def test_due_date_from_the_interval_and_the_latest_record(org):
    # 2025-12-31 + 6 months = 2026-06-30; the record of 2026-07-01 is not yet known on 2026-06-30
    _instrument(
        org,
        [{"date": "2025-12-31", "type": "calibration", "result": "pass"}, {"date": "2026-07-01", "type": "calibration", "result": "pass"}],
        interval_months=6,
    )
    assert only(org.run("2026-06-30"), "mon.calibration-overdue") == []
    assert only(org.run("2026-07-02"), "mon.calibration-overdue") == []  # recalibrated on 2026-07-01, due 2027-01-01
    _instrument(org, [{"date": "2025-12-31", "type": "calibration", "result": "pass"}], interval_months=6)
    assert len(only(org.run("2026-07-01"), "mon.calibration-overdue")) == 1


def test_instrument_without_records_or_due_date(org):
    rel = _instrument(org, [])
    [f] = only(org.run(), "mon.calibration-overdue")
    assert f.line == line_of(org, rel, "calibration_method") and "has no verification or calibration record" in f.message
    _instrument(org, [{"date": "2025-12-31", "type": "calibration", "result": "pass"}])
    [f] = only(org.run(), "mon.calibration-overdue")
    assert "its due date is unknown" in f.message


def test_instruments_out_of_service_are_not_checked(org):
    _instrument(org, [], service_status="retired")
    assert only(org.run(), "mon.calibration-overdue") == []
    _instrument(org, [], in_service_from="2026-07-01")
    assert only(org.run("2026-06-30"), "mon.calibration-overdue") == []


def test_failed_instrument_still_in_service(org):
    rel = _instrument(org, [{"date": "2026-05-01", "type": "verification", "result": "fail", "next_due": "2027-04-30"}])
    [f] = only(org.run(), "mon.instrument-failed")
    assert f.line == line_of(org, rel, "result: fail") and "failed its verification on 2026-05-01" in f.message
    _instrument(org, [{"date": "2026-05-01", "type": "verification", "result": "fail"}], service_status="out_of_service")
    assert only(org.run(), "mon.instrument-failed") == []


def _deviation(org, expected, actual, **fields):
    rel = "deviations/DEV-1.yaml"
    org.add(
        rel,
        org.record(
            "performance_deviation",
            "DEV-1",
            indicator="IND-1",
            period={"start": "2026-01-01", "end": "2026-03-31"},
            detected_on="2026-06-01",
            expected=expected,
            actual=actual,
            **fields,
        ),
    )
    return rel


def test_significant_deviation_warns_then_errs(org):
    # (110 - 100) / 100 x 100 = +10.0 %: reaches the 10 % threshold; due 2026-06-01 + 30 days = 2026-07-01
    rel = _deviation(org, 100, 110)
    [w] = only(org.run("2026-07-01"), "mon.deviation-not-investigated")
    assert (w.severity, w.line) == ("warning", line_of(org, rel, "detected_on"))
    assert "IND-1 deviates by +10.0% (threshold ±10%) in 2026-01-01–2026-03-31: no investigation and response yet; due by 2026-07-01 (0 days left)" in w.message
    [e] = only(org.run("2026-07-02"), "mon.deviation-not-investigated")
    assert e.severity == "error" and e.clauses == ("9.1.1", "A.9.1 b")


def test_deviation_below_threshold_or_investigated(org):
    _deviation(org, 100, 109.9)  # +9.9 %
    assert only(org.run("2026-12-31"), "mon.deviation-not-investigated") == []
    _deviation(org, 0.82, 0.738)  # (0.738 - 0.82) / 0.82 x 100 = -10.0 %
    assert len(only(org.run("2026-12-31"), "mon.deviation-not-investigated")) == 1
    _deviation(org, 0.82, 0.738, investigation={"date": "2026-06-10", "cause": "低负荷"}, response={"date": "2026-06-20", "actions": "优化"})
    assert only(org.run("2026-12-31"), "mon.deviation-not-investigated") == []


def test_deviation_given_as_a_percentage_and_setting(org):
    org.settings(subsystems=["A"], management={"deviation_threshold_percent": 20})
    org.add(
        "deviations/DEV-1.yaml",
        org.record(
            "performance_deviation",
            "DEV-1",
            indicator="IND-1",
            detected_on="2026-06-01",
            period={"start": "2026-01-01", "end": "2026-03-31"},
            deviation_percent=-19.5,
        ),
    )
    assert only(org.run("2026-12-31"), "mon.deviation-not-investigated") == []
    org.settings(subsystems=["A"])
    [f] = only(org.run("2026-12-31"), "mon.deviation-not-investigated")
    assert "deviates by -19.5% (threshold ±10%)" in f.message and "no investigation and response" in f.message


def test_deviation_that_cannot_be_computed(org):
    org.add(
        "deviations/DEV-1.yaml",
        org.record(
            "performance_deviation",
            "DEV-1",
            indicator="IND-1",
            detected_on="2026-06-01",
            period={"start": "2026-01-01", "end": "2026-03-31"},
            expected=0,
            actual=5,
        ),
    )
    [f] = only(org.run(), "mon.deviation-not-investigated")
    assert f.severity == "warning" and "cannot be worked out" in f.message


def _obligation(org, cid, subsystems=("common",)):
    org.add(
        f"obligations/{cid}.yaml",
        org.record(
            "compliance_obligation",
            cid,
            name=f"法规 {cid}",
            source_type="law",
            requirements="r",
            effective_from="2020-01-01",
            last_reviewed="2026-01-01",
            subsystems=list(subsystems),
        ),
    )


def _evaluation(org, day, results, eid="CEV-1"):
    rel = f"compliance/{eid}.yaml"
    org.add(rel, org.record("compliance_evaluation", eid, evaluation_date=day, results=results, conclusion="总体合规"))
    return rel


def test_compliance_evaluation_frequency(org):
    [f] = only(org.run(), "mon.compliance-evaluation-overdue")
    assert f.file == "cms.yaml"
    _obligation(org, "CO-1")
    rel = _evaluation(org, "2025-06-30", [{"obligation": "CO-1", "status": "compliant"}])  # + 12 months = 2026-06-30
    assert only(org.run("2026-06-30"), "mon.compliance-evaluation-overdue") == []
    [f] = only(org.run("2026-07-01"), "mon.compliance-evaluation-overdue")
    assert (f.file, f.line) == (rel, line_of(org, rel, "evaluation_date")) and f.clauses == ("9.1.2 b",)


def test_each_obligation_is_evaluated(org):
    org.settings(subsystems=["A", "D"])
    _obligation(org, "CO-1", ("A", "D"))
    _obligation(org, "CO-2")
    _evaluation(org, "2025-06-30", [{"obligation": "CO-1", "status": "compliant"}])
    # CO-2 registered 2025-01-01 (approved_on) and never evaluated: due 2026-01-01
    [f] = only(org.run("2026-06-30"), "mon.obligation-not-evaluated")
    assert f.record == "CO-2" and "never evaluated; an evaluation was due by 2026-01-01" in f.message
    assert f.line == line_of(org, "obligations/CO-2.yaml", "name:")
    found = {f.record: f for f in only(org.run("2026-07-01"), "mon.obligation-not-evaluated")}
    assert found["CO-1"].clauses == ("9.1.2 a", "A.9.2", "D.9.2")
    assert "last evaluated on 2025-06-30" in found["CO-1"].message


def test_noncompliance_needs_action(org):
    _obligation(org, "CO-1")
    _obligation(org, "CO-2")
    rel = _evaluation(
        org, "2026-06-01", [{"obligation": "CO-1", "status": "noncompliant"}, {"obligation": "CO-2", "status": "partially_compliant", "action": "已整改"}]
    )
    [f] = only(org.run(), "mon.noncompliance-without-action")
    assert (f.file, f.line) == (rel, line_of(org, rel, "status: noncompliant")) and "CO-1 is noncompliant" in f.message


def _plan(org, pid="MP-1", **fields):
    from tests.checks.emissions_org import plan

    rel = f"monitoring/{pid}.yaml"
    org.add(rel, org.record("monitoring_plan", pid, **plan(**fields)))
    return rel


def test_plan_without_evaluation_timing(org):
    """9.1.1 e: the plan in force says when the results are analysed and evaluated."""
    org.settings(subsystems=["A"])
    rel = _plan(org)
    [f] = only(org.run(), "mon.evaluation-timing-missing")
    assert (f.file, f.line, f.severity, f.record) == (rel, line_of(org, rel, "id: MP-1"), "error", "MP-1")
    assert f.clauses == ("9.1.1 e",) and "when the monitoring and measurement results are analysed" in f.message


def test_plan_with_evaluation_timing_or_superseded(org):
    org.settings(subsystems=["A"])
    _plan(org, evaluation=[{"results": "monthly emissions", "when": "by the 10th of the next month", "responsible": "carbon office"}])
    _plan(org, "MP-0", status="superseded")  # history: not judged
    _plan(org, "MP-9", status="draft")  # not in force
    result = org.run()
    assert only(result, "mon.evaluation-timing-missing") == []
    # the item is verified in the matrix: the rule ran on the plan in force and found nothing
    from cms_build.matrix import build_matrix

    [row] = [r for r in build_matrix(result)["clauses"] if r["number"] == "9.1.1"]
    [e] = [i for i in row["provisions"] if i["item"] == "e"]
    assert (e["status"], e["rules"], e["records"]) == ("verified", ["mon.evaluation-timing-missing"], ["MP-1"])


def _online_plan(org, system="OMS-1", floor=95.0, online_elec=True):
    from tests.checks.emissions_org import plan, plan_sources

    sources = plan_sources()
    sources[0]["items"][0].update(online=True, instrument=["MI-BS"])  # coal activity by the belt scale
    if online_elec:
        sources[1]["items"][0].update(online=True, instrument=["MI-EM"])
    spec = {"system": system, "availability_min_percent": floor} if system else None
    fields = dict(sources=sources, evaluation=[{"results": "r", "when": "monthly"}])
    if spec:
        fields["online_monitoring"] = spec
    org.add("monitoring/MP-1.yaml", org.record("monitoring_plan", "MP-1", **plan(**fields)))
    return "monitoring/MP-1.yaml"


def _system(org, sources=("SRC-COAL", "SRC-ELEC"), instruments=("MI-BS", "MI-EM"), availability=()):
    rel = "monitoring/OMS-1.yaml"
    org.add(
        rel,
        org.record(
            "monitoring_system",
            "OMS-1",
            name="SIS",
            system_type="dcs_sis",
            acquires={"sources": list(sources), "instruments": list(instruments)},
            availability=list(availability),
        ),
    )
    return rel


def _gaps(org, as_of="2026-06-30"):
    return only(org.run(as_of), "mon.online-monitoring-gap")


def test_online_items_without_a_system(org):
    """A.9.1 c: the plan says items are acquired online but names no system."""
    org.settings(subsystems=["A"])
    rel = _online_plan(org, system=None)
    [f] = _gaps(org)
    assert (f.file, f.line, f.path) == (rel, line_of(org, rel, "online: true"), "sources[0].items[0].online")
    assert "2 monitored item(s) are acquired online" in f.message and f.clauses == ("A.9.1 c",)


def test_a_source_or_meter_the_system_does_not_acquire(org):
    org.settings(subsystems=["A"])
    rel = _online_plan(org)
    _system(org, sources=("SRC-COAL",), instruments=("MI-BS",))  # the electricity source and meter are not acquired
    found = _gaps(org)
    assert [(f.file, f.line, f.path) for f in found] == [(rel, line_of(org, rel, "online: true", nth=2), "sources[1].items[0].online")] * 2
    messages = sorted(f.message for f in found)
    assert "does not acquire instrument(s) MI-EM" in messages[0] and "does not acquire source SRC-ELEC" in messages[1]
    # near miss: the electricity item not online, nothing to cover
    _online_plan(org, online_elec=False)
    assert _gaps(org) == []


def test_availability_below_the_plans_floor(org):
    """A period that ended by the as-of date, in the plan's years (2024-2026), below 95 %: 94.9 < 95
    is a finding; 95.0 is not (not below); a period ending after the as-of date is not judged yet;
    one of 2023 is another plan's."""
    org.settings(subsystems=["A"])
    _online_plan(org)
    periods = [
        {"period": {"start": "2023-01-01", "end": "2023-12-31"}, "percent": 80.0},
        {"period": {"start": "2025-01-01", "end": "2025-06-30"}, "percent": 95.0},
        {"period": {"start": "2025-07-01", "end": "2025-12-31"}, "percent": 94.9},
        {"period": {"start": "2026-01-01", "end": "2026-12-31"}, "percent": 50.0},
    ]
    rel = _system(org, availability=periods)
    [f] = _gaps(org)
    assert (f.file, f.record, f.path) == (rel, "OMS-1", "availability[2].percent")
    assert f.line == line_of(org, rel, "percent: 94.9")
    assert "was 94.9 %, below the 95.0 % plan MP-1 states" in f.message
    assert [g.path for g in _gaps(org, "2027-01-01")] == ["availability[2].percent", "availability[3].percent"]

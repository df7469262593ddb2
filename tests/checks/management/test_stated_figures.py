"""Stated figures (checks/management/stated_figures.py): each stated number or fact against the computed one."""

import textwrap

from tests.checks.management_org import line_of, only

# A computation of the fixture organization's own, so that each computed value is known by hand.
COMPUTED = textwrap.dedent("""
    from cms_build.api import computation

    @computation("orgcalc", title="fixed results for the test")
    def orgcalc(ctx):
        return {
            "coal": {"2024": {"value": 295.9, "unit": "gce/kWh", "formula": "recorded"},
                     "2025": {"value": 293.1, "unit": "gce/kWh", "formula": "recorded"}},
            "net": {"value": -4248102.0, "unit": "CNY", "formula": "P - N"},
            "targets": {"T.1": {"status": "behind", "achieved_pct": -0.9031837970540721, "short": False, "count": 1}},
            "rows": [{"value": 57.94, "unit": "CNY/t"}],
            "periods": [{"year": 2024, "closing": {"value": 11015, "unit": "t"}}, {"year": 2025, "closing": {"value": 61100, "unit": "t"}}],
            "cost": 6952945.23, "bought": {"value": 120000, "unit": "t"},
            "ccer": {"value": 250000, "unit": "t"}, "due": {"value": 11767085, "unit": "t"},
        }
""")


def _review(org, figures, date="2025-12-26", **fields):
    org.add("checks/org_calc.py", COMPUTED)
    rel = "assets/ARV.yaml"
    org.add(rel, org.record("asset_review", "ARV", date=date, stated_figures=figures, **fields))
    return rel


def test_figure_within_its_rounding_passes(org):
    # 295.9 - 293.1 = 2.8 exactly; stated 2.8 to 1 decimal: |2.8 - 2.8| = 0 <= 0.05
    # net -4,248,102 CNY = -424.8102 万元; stated -424.8 万元 to 1 decimal: |0.0102| <= 0.05
    _review(
        org,
        [
            {"result": "orgcalc.coal.2024", "minus": "orgcalc.coal.2025", "value": 2.8, "unit": "gce/kWh"},
            {"result": "orgcalc.net", "value": -424.8, "unit": "万元"},
            {"result": "orgcalc.targets.T.1.status", "value": "behind"},
            {"result": "orgcalc.targets.T.1.achieved_pct", "value": -0.9, "unit": "%"},
            {"result": "orgcalc.rows.0", "value": 57.94, "unit": "CNY/t", "decimals": 2},
        ],
    )
    result = org.run()
    assert only(result, "figures.stated-mismatch") == [] and only(result, "figures.unresolved") == []


def test_figure_outside_its_rounding_fails_with_both_values(org):
    # stated drop 2.1, computed 295.9 - 293.1 = 2.8: |2.8 - 2.1| = 0.7 > 0.05
    rel = _review(org, [{"result": "orgcalc.coal.2024", "minus": "orgcalc.coal.2025", "value": 2.1, "unit": "gce/kWh", "text": "供电煤耗下降 2.1 gce/kWh"}])
    [f] = only(org.run(), "figures.stated-mismatch")
    assert (f.file, f.line) == (rel, line_of(org, rel, "value: 2.1"))
    assert "states 2.1 gce/kWh ('供电煤耗下降 2.1 gce/kWh')" in f.message
    assert "computed value is 2.8 gce/kWh (2.8 to 1 decimals); they differ by 0.7" in f.message


def test_rounding_edge_and_decimals(org):
    # 57.94 stated 57.97 to 2 decimals: differs by 0.03 > 0.005; stated 58 with decimals 0: |57.94 - 58| = 0.06 <= 0.5
    _review(org, [{"result": "orgcalc.rows.0", "value": 57.97, "unit": "CNY/t"}, {"result": "orgcalc.rows.0", "value": 58, "unit": "CNY/t", "decimals": 0}])
    [f] = only(org.run(), "figures.stated-mismatch")
    assert f.path == "stated_figures[0].value" and "computed value is 57.94 CNY/t" in f.message


def test_units_are_converted(org):
    # -4,248,102 CNY = -424.8102 万元; stated -425.8 万元 is 1 万元 off (> 0.05): fails, in 万元
    _review(org, [{"result": "orgcalc.net", "value": -425.8, "unit": "万元"}, {"result": "orgcalc.net", "value": 3, "unit": "t"}])
    found = only(org.run(), "figures.stated-mismatch")
    assert len(found) == 2
    assert "computed value is -424.8102 万元" in found[0].message
    assert "cannot convert CNY to t" in found[1].message and found[1].path == "stated_figures[1].unit"


def test_text_status_must_be_equal(org):
    _review(org, [{"result": "orgcalc.targets.T.1.status", "value": "on_track", "text": "目标基本实现"}])
    [f] = only(org.run(), "figures.stated-mismatch")
    assert "states 'on_track' ('目标基本实现') for orgcalc.targets.T.1.status, but it is 'behind'" in f.message


def test_unknown_result_path_is_unresolved(org):
    rel = _review(org, [{"result": "orgcalc.coal.2026", "value": 290}, {"result": "nosuch.x", "value": 1}])
    found = only(org.run(), "figures.unresolved")
    assert [f.path for f in found] == ["stated_figures[0]", "stated_figures[1]"]
    assert "nothing was computed at orgcalc.coal.2026 (the path matches up to 'orgcalc.coal')" in found[0].message
    assert "no computation is called 'nosuch'" in found[1].message and found[0].file == rel


def test_record_field_and_event_after_the_record(org):
    org.add(
        "improvement/CA.yaml",
        org.record(
            "corrective_action",
            "CA",
            nonconformity="NC",
            action="a",
            owner="P",
            due="2026-03-31",
            action_status="implemented",
            approved_on="2025-11-20",
            implemented_on="2026-01-20",
        ),
    )
    rel = _review(
        org,
        [
            {"record": "CA", "field": "implemented_on", "value": "2026-01-20"},
            {"record": "CA", "field": "implemented_on", "value": "2026-01-20", "planned": True},
        ],
        date="2025-12-18",
    )
    result = org.run()
    assert only(result, "figures.stated-mismatch") == []
    # 2025-12-18 -> 2026-01-20: 13 + 20 = 33 days; the planned one is not an event
    [f] = only(result, "figures.event-after-record")
    assert f.path == "stated_figures[0]" and f.file == rel
    assert "the record of 2025-12-18 reports CA.implemented_on on 2026-01-20, 33 days after the record itself" in f.message


def test_event_on_or_before_the_record_passes_and_a_wrong_date_fails(org):
    org.add(
        "improvement/CA.yaml",
        org.record(
            "corrective_action",
            "CA",
            nonconformity="NC",
            action="a",
            owner="P",
            due="2026-03-31",
            action_status="implemented",
            approved_on="2025-11-20",
            implemented_on="2025-12-01",
        ),
    )
    _review(
        org,
        [{"record": "CA", "field": "implemented_on", "value": "2025-12-01"}, {"record": "CA", "field": "implemented_on", "value": "2025-11-30"}],
        date="2025-12-18",
    )
    result = org.run()
    assert only(result, "figures.event-after-record") == []
    [f] = only(result, "figures.stated-mismatch")
    assert f.path == "stated_figures[1].value" and "but it is '2025-12-01'" in f.message


def test_fact_of_a_record_approved_after_the_review(org):
    org.add(
        "improvement/CA.yaml",
        org.record(
            "corrective_action", "CA", nonconformity="NC", action="a", owner="P", due="2026-03-31", action_status="implemented", approved_on="2026-02-16"
        ),
    )
    _review(org, [{"record": "CA", "field": "status", "value": "approved"}], date="2025-12-18")
    [f] = only(org.run(), "figures.event-after-record")
    assert "but CA was approved only on 2026-02-16" in f.message


def test_ratio_per(org):
    # 6,952,945.23 (a bare number) / 120,000 t = 57.9412, compared as a bare number (no unit to convert):
    # 57.94 agrees, 57.97 is 0.0288 off (> 0.005)
    # 250,000 t / 11,767,085 t = 0.0212457 = 2.12457 %: 2.1 % to 1 decimal agrees (0.0246 <= 0.05)
    _review(
        org,
        [
            {"result": "orgcalc.cost", "per": "orgcalc.bought", "value": 57.94, "unit": "CNY/t"},
            {"result": "orgcalc.ccer", "per": "orgcalc.due", "value": 2.1, "unit": "%"},
            {"result": "orgcalc.cost", "per": "orgcalc.bought", "value": 57.97, "unit": "元/t"},
        ],
    )
    [f] = only(org.run(), "figures.stated-mismatch")
    assert f.path == "stated_figures[2].value"
    assert "computed value is 57.94121 元/t (57.94 to 2 decimals); they differ by 0.02879" in f.message


def test_list_item_by_key(org):
    # periods.year=2025 is the second item (61,100 t = 6.11 万t); year=2026 does not exist
    _review(
        org,
        [
            {"result": "orgcalc.periods.year=2025.closing", "value": 6.11, "unit": "万t"},
            {"result": "orgcalc.periods.year=2026.closing", "value": 1, "unit": "t"},
        ],
    )
    result = org.run()
    assert only(result, "figures.stated-mismatch") == []
    [f] = only(result, "figures.unresolved")
    assert "matches up to 'orgcalc.periods'" in f.message


def test_citing_a_review_approved_later(org):
    org.add("neutrality/NR.yaml", org.record("neutrality_review", "NR", reviewed_on="2026-01-20", approved_on="2026-01-22", laws=["l"], subjects=[]))
    org.add(
        "reviews/CR.yaml",
        org.record(
            "cms_review",
            "CR",
            review_date="2025-11-25",
            review_type="periodic",
            method_and_criteria="m",
            conclusions="c",
            related_reviews=["NR"],
            actions=[{"action": "a", "owner": "P", "due": "2026-03-31"}],
        ),
    )
    # 2025-11-25 -> 2026-01-22: 5 + 31 + 22 = 58 days
    [f] = only(org.run(), "figures.event-after-record", "reviews/CR.yaml")
    assert f.path == "related_reviews[0]"
    assert "cites NR (neutrality_review NR), approved only on 2026-01-22, 58 days after the record itself" in f.message


def test_relative_change_minus_then_per(org):
    # (295.9 − 293.1) / 295.9 = 2.8 / 295.9 = 0.0094627 = 0.95 % (2 decimals); 1.2 % is 0.25 off
    _review(
        org,
        [
            {"result": "orgcalc.coal.2024", "minus": "orgcalc.coal.2025", "per": "orgcalc.coal.2024", "value": 0.95, "unit": "%"},
            {"result": "orgcalc.coal.2024", "minus": "orgcalc.coal.2025", "per": "orgcalc.coal.2024", "value": 1.2, "unit": "%"},
        ],
    )
    [f] = only(org.run(), "figures.stated-mismatch")
    assert f.path == "stated_figures[1].value"
    assert "for (orgcalc.coal.2024 − orgcalc.coal.2025) ÷ orgcalc.coal.2024, but the computed value is 0.946266 %" in f.message


def test_the_example_states_what_it_computes(org):
    # the shipped MR-2025 states the coal-rate drop against 2024: 295.9 − 293.1 = 2.8 gce/kWh.
    # Restating the old 2.1 is found, on the example's own computation, with both values.
    org.copy_example()
    path = org.root / "reviews/MR-2025.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("  value: 2.8\n") == 1
    path.write_text(text.replace("  value: 2.8\n", "  value: 2.1\n"), encoding="utf-8")
    [f] = only(org.run(), "figures.stated-mismatch")
    assert f.file == "reviews/MR-2025.yaml"
    assert "states 2.1 gce/kWh ('较 2024 年下降 2.8 gce/kWh')" in f.message
    assert "computed value is 2.8 gce/kWh (2.8 to 1 decimals); they differ by 0.7" in f.message


def test_boolean_is_not_a_number(org):
    _review(org, [{"result": "orgcalc.targets.T.1.short", "value": False}, {"result": "orgcalc.targets.T.1.count", "value": True}])
    [f] = only(org.run(), "figures.stated-mismatch")
    assert f.path == "stated_figures[1].value" and "states True for orgcalc.targets.T.1.count, but it is 1" in f.message

"""A.8.2.2: new facilities and retrofits have a design review of their emissions (checks/emissions/design.py)."""

RULE = "emissions.design-without-emission-review"


def _org(org, *, review=None, measure_type="equipment_upgrade"):
    org.settings(subsystems=["A"])
    org.add(
        "facilities/F.yaml",
        org.record("facility", "F", site="S", facility_type="gas_fired_unit", operating_status="under_construction", planned_start="2027-10-31"),
    )
    org.add(
        "performance/AP.yaml",
        org.record(
            "action_plan", "AP", targets=["T"], measures=[{"what": "通流改造", "type": measure_type}], responsible="R", deadline="2026-12-31", evaluation="试验"
        ),
    )
    if review:
        org.add(
            "design/DR.yaml",
            org.record("design_review", "DR", subject_type="retrofit", review_date="2025-01-01", emission_consideration="比选方案，预计减排", **review),
        )
    return org.of(org.run(), RULE)


def test_a_new_facility_and_a_retrofit_without_a_design_review_are_errors(org):
    found = {f.record: f for f in _org(org)}
    assert set(found) == {"F", "AP"} and {f.severity for f in found.values()} == {"error"}
    assert found["F"].clauses == ("A.8.2.2",) and found["F"].file == "facilities/F.yaml"
    assert found["AP"].message == ("the retrofit AP has no design review recording how its design considers emissions (A.8.2.2)")


def test_a_design_review_naming_the_retrofit_answers_it(org):
    assert [f.record for f in _org(org, review={"subject": "AP"})] == ["F"]


def test_a_draft_or_future_review_does_not_count_and_efficiency_measures_are_no_retrofit(org):
    assert {f.record for f in _org(org, review={"subject": "AP", "status": "draft"})} == {"F", "AP"}
    assert {f.record for f in _org(org, review={"subject": "AP", "approved_on": "2027-01-01"})} == {"F", "AP"}
    assert [f.record for f in _org(org, measure_type="energy_efficiency")] == ["F"]


def test_the_example_reviews_its_turbine_retrofits_and_new_unit(org):
    org.copy_example()
    result = org.run()
    assert org.of(result, RULE) == []
    reviews = {r.get("subject") for r in result.records if r.kind == "design_review"}
    assert {"AP-2024-01", "AP-2025-01", "FAC-BJ2-CCGT2"} <= reviews

"""4.3: a facility or source outside the boundary is a named scope exclusion (checks/management/scope.py)."""

RULE = "ms.outside-boundary-not-excluded"


def _org(org, exclusions=None, in_boundary=False):
    org.settings(subsystems=["A"])
    org.add("facilities/F.yaml", org.record("facility", "F", site="S", facility_type="boiler", in_boundary=in_boundary))
    org.add(
        "scope/SC.yaml",
        org.record(
            "scope",
            "SC",
            organization="O",
            subsystems=["A"],
            organizational_boundary="b",
            operational_boundary="o",
            activities=["发电"],
            exclusions=exclusions or [],
        ),
    )
    return org.of(org.run(), RULE)


def test_a_facility_outside_the_boundary_without_an_exclusion_is_an_error(org):
    [f] = _org(org, exclusions=[{"what": "员工通勤", "reason": "不在运营控制范围内"}])
    assert f.severity == "error" and f.record == "F" and f.clauses == ("4.3 s1",) and f.file == "facilities/F.yaml"
    assert f.message == "F is marked outside the boundary, but no approved scope names it as an exclusion with a reason (4.3)"


def test_an_exclusion_naming_it_answers_it_and_an_inside_facility_needs_none(org):
    assert _org(org, exclusions=[{"what": "出租的锅炉", "reason": "已出租，由承租方运营控制", "excludes": ["F"]}]) == []
    assert _org(org, in_boundary=True) == []


def test_without_a_scope_the_boundary_is_not_determined(org):
    org.settings(subsystems=["A"])
    [f] = org.of(org.run(), RULE)
    assert f.severity == "error" and f.file == "cms.yaml" and "no approved scope record" in f.message

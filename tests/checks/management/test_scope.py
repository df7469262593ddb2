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


def _sites(org, scope_sites, facility_site, profile_sites=("S1", "S2"), in_boundary=True):
    org.settings(subsystems=["A"])
    org.add(
        "organization/O.yaml", org.record("organization", "O", legal_name="o", uscc="91320000MA1XXXXXX1", sites=[{"code": c, "name": c} for c in profile_sites])
    )
    org.add("facilities/F.yaml", org.record("facility", "F", site=facility_site, facility_type="boiler", in_boundary=in_boundary))
    scope = dict(organization="O", subsystems=["A"], organizational_boundary="b", operational_boundary="o", activities=["发电"], exclusions=[])
    if scope_sites is not None:
        scope["sites"] = list(scope_sites)
    org.add("scope/SC.yaml", org.record("scope", "SC", **scope))
    result = org.run()
    return org.of(result, "ms.site-outside-scope"), org.of(result, "ms.site-unknown")


def test_a_facility_in_the_boundary_at_a_site_the_scope_leaves_out(org):
    """The example's scope with BJ-2 dropped from its sites checked clean although three
    facilities there stayed in the boundary and in the inventory."""
    [f], unknown = _sites(org, ["S1"], "S2")
    assert unknown == [] and (f.file, f.severity, f.clauses, f.path) == ("facilities/F.yaml", "error", ("4.3 s1",), "site")
    assert f.message == "F is inside the boundary at site S2, which no approved scope includes (scope sites: S1)"


def test_a_site_of_the_scope_an_excluded_facility_or_a_scope_naming_no_sites_is_fine(org):
    assert _sites(org, ["S1", "S2"], "S2") == ([], [])
    assert _sites(org, ["S1"], "S2", in_boundary=False)[0] == []  # ms.outside-boundary-not-excluded asks for the exclusion
    assert _sites(org, None, "S2") == ([], [])  # the scope does not draw its boundary by sites


def test_a_site_code_no_profile_has_is_an_error(org):
    outside, [f] = _sites(org, ["S1", "S9"], "S1")
    assert outside == [] and (f.file, f.path, f.clauses) == ("scope/SC.yaml", "sites[1]", ("4.3",))
    assert f.message == "site 'S9' is no site of the organization profile (its sites: S1, S2)"
    outside, [g] = _sites(org, ["S1"], "S7")
    assert outside == [] and (g.file, g.path) == ("facilities/F.yaml", "site")  # unknown, so not also "outside the scope"
    # without sites in the profile there is nothing to judge codes against
    assert _sites(org, ["S1"], "S7", profile_sites=())[1] == []

"""emissions.intensity-boundary-mismatch (6.2 b, c): an intensity's emissions and its
production denominator cover the same facilities (or sites). On a copy of the example, whose
IND-U1-INT (FAC-BJ1-U1 / FAC-BJ1-U1) and IND-BJ2-INT (site BJ-2 / BJ-2) agree."""

from __future__ import annotations

RULE = "emissions.intensity-boundary-mismatch"


def _edit(org, rel, old, new):
    path = org.root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_production_of_other_facilities(org):
    # the probe p07: unit 1's emissions over unit 2's output
    org.copy_example()
    assert org.of(org.run(), RULE) == []
    _edit(org, "performance/IND-U1-INT.yaml", "  product: electricity\n  facilities:\n  - FAC-BJ1-U1", "  product: electricity\n  facilities:\n  - FAC-BJ1-U2")
    _edit(org, "performance/IND-BJ2-INT.yaml", "  product: electricity\n  sites:\n  - BJ-2", "  product: electricity\n  sites:\n  - BJ-1\n  - BJ-2")
    found = sorted((f.file, f.path, f.severity, f.message) for f in org.of(org.run(), RULE))
    assert found == [
        (
            "performance/IND-BJ2-INT.yaml",
            "denominator.sites",
            "warning",
            "IND-BJ2-INT divides the emissions of the sites BJ-2 by the electricity output of the sites BJ-1, BJ-2: the sites differ",
        ),
        (
            "performance/IND-U1-INT.yaml",
            "denominator.facilities",
            "warning",
            "IND-U1-INT divides the emissions of the facilities FAC-BJ1-U1 by the electricity output of the facilities FAC-BJ1-U2: the facilities differ",
        ),
    ]


def test_a_facility_goes_with_its_parent(org):
    # the desulfurization plant's emissions belong to unit 1's output once it names the unit as its parent
    org.copy_example()
    _edit(org, "performance/IND-U1-INT.yaml", "emissions:\n  facilities:\n  - FAC-BJ1-U1", "emissions:\n  facilities:\n  - FAC-BJ1-U1\n  - FAC-BJ1-FGD")
    [f] = org.of(org.run(), RULE)
    assert "the emissions of the facilities FAC-BJ1-FGD, FAC-BJ1-U1 by the electricity output of the facilities FAC-BJ1-U1" in f.message
    _edit(org, "facilities/FAC-BJ1-FGD.yaml", "site: BJ-1\n", "site: BJ-1\nparent: FAC-BJ1-U1\n")
    assert org.of(org.run(), RULE) == []

"""The bundled rules' declarations say nothing the engine derives itself."""
import dataclasses

from cms_build.paths import bundled
from cms_build.rules import load_rules


def test_no_check_names_the_subsystem_its_clauses_give():
    # Check.subsystems derives the subsystem from the clauses (B.8.2.3 -> B; a common clause ->
    # runs always); an explicit subsystem= is for a rule whose clauses do not say it
    checks, _ = load_rules([bundled("checks")])
    redundant = []
    for c in checks:
        if not c.subsystem:
            continue
        explicit = set() if c.subsystem == "common" else {c.subsystem}
        if dataclasses.replace(c, subsystem="").subsystems == explicit:
            redundant.append(c.id)
    assert redundant == []

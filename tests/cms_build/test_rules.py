"""The rule loader (cms_build/rules.py): a rule folder is a package whose modules import each other."""

from __future__ import annotations

import textwrap

from cms_build.rules import RuleError, load_rules, module_files

RULE = textwrap.dedent("""
    from cms_build.api import check
    from . import calc

    @check("org.too-big", title="Too big", clauses=["7.4.2"], severity="warning", kinds=["policy"])
    def too_big(record, ctx):
        if calc.double(len(record.id)) > 4:
            yield record.issue("id", f"id is long: {calc.double(len(record.id))}")
    """)


def _domain(org, rule=RULE):
    org.add("checks/mydomain/__init__.py", "")
    org.add("checks/mydomain/calc.py", "def double(n):\n    return 2 * n\n")
    org.add("checks/mydomain/rules.py", rule)
    org.add("policy/POL-1.yaml", org.record("policy", "POL-1", statement="s", issued_by="Top"))


def test_a_domain_package_imports_its_own_modules(org):
    _domain(org)
    checks, _ = load_rules([org.root / "checks"])
    (mine,) = [c for c in checks if c.id == "org.too-big"]
    assert mine.module == "mydomain/rules"
    found = org.of(org.run(), "org.too-big")
    # len("POL-1") = 5, doubled = 10 > 4
    assert [(f.file, f.message) for f in found] == [("policy/POL-1.yaml", "id is long: 10")]


def test_a_rule_imported_into_a_sibling_is_counted_once(org):
    _domain(org)
    org.add("checks/mydomain/more.py", "from .rules import too_big  # re-exported, not a second rule\n")
    checks, _ = load_rules([org.root / "checks"])
    assert [c.id for c in checks].count("org.too-big") == 1


def test_private_modules_are_not_scanned_but_can_be_imported(org):
    org.add("checks/_helpers.py", "LIMIT = 3\n")
    org.add("checks/own.py", "from ._helpers import LIMIT\n")
    assert [p.name for p in module_files(org.root / "checks")] == ["own.py"]
    load_rules([org.root / "checks"])  # imports without error


def test_an_error_in_a_domain_module_is_located_in_that_module(org):
    _domain(org)
    org.add("checks/mydomain/calc.py", "def double(n):\n    return 2 *\n")
    errors: list = []
    load_rules([org.root / "checks"], errors)
    assert [(e.path.name, e.line) for e in errors] == [("calc.py", 2)], errors
    assert all(isinstance(e, RuleError) for e in errors)


def test_a_changed_module_is_imported_again(org):
    _domain(org)
    load_rules([org.root / "checks"])
    org.add("checks/mydomain/calc.py", "def double(n):\n    return 0  # a longer body: the size changes\n")
    result = org.run()
    assert org.of(result, "org.too-big") == []


def test_two_organizations_in_one_process_do_not_share_modules(tmp_path):
    from tests.conftest import OrgRepo

    a, b = OrgRepo(tmp_path / "a"), OrgRepo(tmp_path / "b")
    for repo, factor in ((a, 2), (b, 0)):
        repo.add("checks/mydomain/__init__.py", "")
        repo.add("checks/mydomain/calc.py", f"def double(n):\n    return {factor} * n\n")
        repo.add("checks/mydomain/rules.py", RULE)
        repo.add("policy/POL-1.yaml", repo.record("policy", "POL-1", statement="s", issued_by="Top"))
    assert len(a.of(a.run(), "org.too-big")) == 1
    assert b.of(b.run(), "org.too-big") == []

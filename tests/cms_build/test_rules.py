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


OWN_RULE = textwrap.dedent("""
    from cms_build.api import check

    @check("org.own-{name}", title="Own rule {name}", clauses=["7.4.2"], severity="warning", kinds=["policy"])
    def own(record, ctx):
        yield record.issue("id", "entity {name}'s own rule")
    """)


def test_a_worker_keeps_the_bundled_rules_and_loads_each_entitys_own(tmp_path):
    """Issue 20 §3: a group's worker loads the bundled rules once for all its entities, and an
    entity's own checks/ for that entity only. Two entities with different own rules, run one
    after the other in one worker process, each get only theirs."""
    import os
    import shutil
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path

    from cms_build import group as grp

    hq = Path(__file__).resolve().parents[2] / "examples" / "group" / "hq"
    roots = []
    for name in ("a", "b"):
        root = tmp_path / name
        shutil.copytree(hq, root)
        (root / "checks").mkdir()
        (root / "checks" / "org_rules.py").write_text(OWN_RULE.replace("{name}", name), encoding="utf-8")
        roots.append(root)
    with ProcessPoolExecutor(max_workers=1) as pool:
        pids = {pool.submit(os.getpid).result()}
        docs = [pool.submit(grp._export_entity, (str(r), "2026-06-30", False)).result() for r in roots]
        pids.add(pool.submit(os.getpid).result())
    assert len(pids) == 1  # one worker ran both
    for name, doc in zip(("a", "b"), docs):
        own = sorted({(f["rule"], f["message"]) for f in doc["findings"] if f["rule"].startswith("org.own-")})
        # examples/group/hq has one policy record, POL-HQ-001: one finding of its own rule, none of the other's
        assert own == [(f"org.own-{name}", f"entity {name}'s own rule")]


def test_the_bundled_rules_are_loaded_once_per_process(tmp_path):
    """The second load returns the very objects of the first (rule tables not parsed again), and
    an organization's folder is loaded per call: its rule is absent from a load without it."""
    from cms_build.paths import bundled

    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "org_rules.py").write_text(OWN_RULE.replace("{name}", "x"), encoding="utf-8")
    first, _ = load_rules([bundled("checks"), tmp_path / "checks"])
    second, _ = load_rules([bundled("checks")])
    by_id = {c.id: c for c in second}
    tables = [c for c in first if c.module.endswith(".rules.yaml")]
    assert tables and all(by_id[c.id] is c for c in tables)
    assert "org.own-x" in {c.id for c in first} and "org.own-x" not in by_id

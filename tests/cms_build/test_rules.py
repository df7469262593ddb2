"""The rule loader (cms_build/rules.py): a rule folder is a package whose modules import each other."""

from __future__ import annotations

import textwrap

import pytest

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


# -- an organization's folder runs from its source only ------------------------------------------
# Each file of this folder holds the word 'reviewed'; a planted bytecode file holds 'planted!'
# instead (the same length, so a timestamp pyc's recorded size matches the reviewed source too).
REVIEWED = {
    "checks/__init__.py": "INIT = 'reviewed'\n",
    "checks/_helpers.py": "HELPER = 'reviewed'\n",
    "checks/mydomain/__init__.py": "",
    "checks/mydomain/calc.py": "CALC = 'reviewed'\n",
    "checks/own.py": textwrap.dedent("""
        from cms_build.api import check
        from . import INIT
        from ._helpers import HELPER
        from .mydomain import calc

        OWN = 'reviewed'

        @check("org.words", title="Words", clauses=["7.4.2"], severity="warning", kinds=["policy"])
        def words(record, ctx):
            yield record.issue("id", f"{OWN} {INIT} {HELPER} {calc.CALC}")
        """),
}


def _reviewed(org):
    for rel, text in REVIEWED.items():
        org.add(rel, text)
    org.add("policy/POL-1.yaml", org.record("policy", "POL-1", statement="s", issued_by="Top"))


def _words(org) -> list[str]:
    return [f.message for f in org.of(org.run(), "org.words")]


def test_checking_writes_no_bytecode_into_the_repository(org, monkeypatch):
    """With bytecode writing on (as PYTHONDONTWRITEBYTECODE unset leaves it), a check of a
    repository with its own rules (a package __init__, a helper imported by `from . import`, a
    module of a sub-package) leaves no __pycache__ and no .pyc anywhere in the repository."""
    import os
    import sys

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    _reviewed(org)
    assert _words(org) == ["reviewed reviewed reviewed reviewed"]
    written = [os.path.join(d, n) for d, dirs, files in os.walk(org.root) for n in dirs + files if n == "__pycache__" or n.endswith(".pyc")]
    assert written == []


@pytest.mark.parametrize("mode", ["unchecked-hash", "timestamp"])
@pytest.mark.parametrize("rel", ["checks/__init__.py", "checks/_helpers.py", "checks/own.py", "checks/mydomain/calc.py"])
def test_a_planted_pyc_does_not_run_instead_of_the_reviewed_source(org, monkeypatch, rel, mode):
    """A __pycache__/<module>.cpython-XY.pyc committed beside a rule file, compiled from other
    source, is never run: the reviewed .py is. Python's own loader runs an unchecked-hash pyc
    (PEP 552) without looking at the source, and a timestamp pyc whose recorded modification
    time and size are the source's."""
    import importlib.util
    import os
    import py_compile
    import sys

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    _reviewed(org)
    path = org.root / rel
    planted = REVIEWED[rel].replace("'reviewed'", "'planted!'")
    cfile = importlib.util.cache_from_source(str(path))  # where Python's loader looks
    if mode == "unchecked-hash":
        other = org.root.parent / "planted.py"
        other.write_text(planted, encoding="utf-8")
        py_compile.compile(str(other), cfile=cfile, dfile=str(path), doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    else:
        path.write_text(planted, encoding="utf-8")
        st = path.stat()
        py_compile.compile(str(path), cfile=cfile, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)
        path.write_text(REVIEWED[rel], encoding="utf-8")
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # the pyc's header matches the reviewed file
        assert path.stat().st_size == st.st_size
    assert os.path.isfile(cfile)
    messages = _words(org)
    assert messages == ["reviewed reviewed reviewed reviewed"], messages


def test_a_file_changed_in_the_same_second_at_the_same_size_runs_its_new_source(org, monkeypatch):
    """Bytecode on: a rule file edited within the same second and to the same size (a timestamp
    pyc records whole seconds and the size) runs its new source, not the bytecode of the old."""
    import os
    import sys

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    _reviewed(org)
    own = org.root / "checks" / "own.py"
    second = (own.stat().st_mtime_ns // 1_000_000_000) * 1_000_000_000
    os.utime(own, ns=(second, second + 100_000_000))
    assert _words(org) == ["reviewed reviewed reviewed reviewed"]
    own.write_text(REVIEWED["checks/own.py"].replace("OWN = 'reviewed'", "OWN = 'changed!'"), encoding="utf-8")
    os.utime(own, ns=(second, second + 200_000_000))  # the same second, another nanosecond count
    assert _words(org) == ["changed! reviewed reviewed reviewed"]


def test_a_module_that_is_only_bytecode_is_not_imported(org):
    """`from . import _gone` finds a .py file or nothing: a _gone.pyc beside the rules (which
    Python's own finder would load) is not imported, and the rule that needs it is reported."""
    import py_compile

    _reviewed(org)
    source = org.root.parent / "_gone.py"
    source.write_text("GONE = 'planted!'\n", encoding="utf-8")
    py_compile.compile(str(source), cfile=str(org.root / "checks" / "_gone.pyc"), doraise=True)
    org.add("checks/uses_gone.py", "from ._gone import GONE\n")
    errors: list = []
    load_rules([org.root / "checks"], errors)
    assert [(e.path.name, e.line) for e in errors] == [("uses_gone.py", 1)], errors
    assert "No module named" in errors[0].message and "_gone" in errors[0].message


def test_the_organization_finder_answers_for_its_packages_only(org):
    """It stands before PathFinder (which would otherwise find an organization's submodules with
    the ordinary loaders) and answers None for every other name."""
    import importlib.machinery
    import sys

    from cms_build import rules

    _reviewed(org)
    load_rules([org.root / "checks"])
    assert sys.meta_path.index(rules._OrgFinder) < sys.meta_path.index(importlib.machinery.PathFinder)
    for name in ("json", "cms_checks", "cms_checks.emissions", "cms_org_x", "cms_organic"):
        assert rules._OrgFinder.find_spec(name) is None
    package = rules.package_name(org.root / "checks")
    assert isinstance(sys.modules[package + ".own"].__loader__, rules._SourceOnlyLoader)
    assert isinstance(sys.modules[package + "._helpers"].__loader__, rules._SourceOnlyLoader)


def test_a_helper_linked_from_outside_the_repository_is_not_imported(org):
    """A module imported by `from . import` is a rule file like the scanned ones: a link to a file
    outside the repository is refused at that link, not run."""
    _reviewed(org)
    outside = org.root.parent / "elsewhere.py"
    outside.write_text("LINKED = 'planted!'\n", encoding="utf-8")
    (org.root / "checks" / "_linked.py").symlink_to(outside)
    org.add("checks/uses_link.py", "from ._linked import LINKED\n")
    errors: list = []
    load_rules([org.root / "checks"], errors)
    assert [(e.path.name, e.line) for e in errors] == [("_linked.py", 1)], errors
    assert "outside the repository" in errors[0].message

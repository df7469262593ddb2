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


def test_bundled_rules_use_only_the_api():
    # cms_build/api.py is what a rule may use (its __all__); the bundled rules keep to it, so
    # that the engine's internals can change without breaking them (and an organization's
    # rules can copy them as models)
    import ast

    from tests.conftest import REPO

    outside = []
    for path in sorted((REPO / "checks").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            outside += [(path.relative_to(REPO).as_posix(), node.lineno, n) for n in names if n.split(".")[0] == "cms_build" and n != "cms_build.api"]
    assert outside == []


def test_no_engine_module_names_a_computation_id():
    # issue 13: a domain lives in one place: what its result says (statuses, a group's
    # consolidation, pages, sheets) is declared by the domain (api.Statuses, api.Consolidation,
    # @page, @sheet), so no module of cms_build/ names a bundled computation's id as a string.
    # The one exception: the site's folder of static files is called "assets" (mkdocs), named
    # once in cms_build/site/urls.py as STATIC; it is not the assets computation.
    import ast

    from tests.conftest import REPO

    _, comps = load_rules([bundled("checks")])
    ids = {c.id for c in comps}
    assert {"emissions", "assets", "neutrality", "trading"} <= ids  # the test sees the bundled ids
    allowed = {("cms_build/site/urls.py", "assets")}
    named = []
    for path in sorted((REPO / "cms_build").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ids and (rel, node.value) not in allowed:
                named.append(f"{rel}:{node.lineno}: {node.value!r}")
    assert named == [], "engine modules name computation ids (declare it in the domain instead):\n" + "\n".join(named)


def test_no_workbook_header_is_written_twice():
    # issue 13: a sheet's column headers are data, one table of column id -> (中文, English) a
    # domain (checks/<domain>/sheets.py HEADERS), the engine's sheets' in cms_build/workflow/
    # xlsx.py, and the columns shared by more than one of them once, in COMMON_HEADERS. So no
    # pair of words stands in two tables (nor twice in one), and no domain gives a common
    # column words of its own.
    import sys

    from cms_build.workflow import xlsx

    sheets: list = []
    load_rules([bundled("checks")], sheets=sheets)
    tables = {"COMMON_HEADERS": xlsx.COMMON_HEADERS, "xlsx._HEADERS": xlsx._HEADERS}
    for spec in sheets:
        headers = getattr(sys.modules[spec.origin], "HEADERS", None)
        if headers is not None:
            tables[spec.origin] = headers
    assert {"cms_checks.emissions.sheets", "cms_checks.assets.sheets", "cms_checks.neutrality.sheets"} <= set(tables)
    where: dict = {}
    for name, table in tables.items():
        for column, pair in table.items():
            where.setdefault(pair, []).append(f"{name}[{column!r}]")
    assert {pair: places for pair, places in where.items() if len(places) > 1} == {}
    redefined = [(name, c) for name, table in tables.items() if name != "COMMON_HEADERS" for c in table if c in xlsx.COMMON_HEADERS]
    assert redefined == []

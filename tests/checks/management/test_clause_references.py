"""Clause numbers cited anywhere (schemas, checks, records) exist in the standard."""

import json

from cms_build.engine import load_rules, rule_folders
from cms_build.standard import normalise
from tests.conftest import REPO


def test_a_record_citing_a_missing_clause_is_flagged(org):
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="x", clauses=["5.2", "6.4.5", "6.1.2 z"]))
    result = org.run()
    found = org.of(result, "doc.unknown-clause")
    assert [f.path for f in found] == ["clauses[1]", "clauses[2]"]
    assert found[0].hint.startswith("did you mean '6.4.")
    assert all(f.clauses == ("7.4.2",) for f in found)


def test_real_clauses_with_items_are_accepted(org):
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="x", clauses=["5.2", "B.8.2.2.1 b", "D.10", "6.1.2 d)"]))
    assert org.of(org.run(), "doc.unknown-clause") == []


def test_every_clause_cited_by_a_schema_or_a_check_exists():
    bad = []
    for path in sorted((REPO / "schemas").glob("*.schema.json")):
        meta = json.loads(path.read_text(encoding="utf-8")).get("x-cms") or {}
        for ref in meta.get("clauses", []):
            try:
                normalise(ref)
            except ValueError as exc:
                bad.append(f"{path.name}: {exc}")
    checks, comps = load_rules(rule_folders(REPO / "records"))
    for rule in [*checks, *comps]:
        for ref in rule.clauses:
            try:
                normalise(ref)
            except ValueError as exc:
                bad.append(f"{rule.module}:{rule.id}: {exc}")
    assert bad == []

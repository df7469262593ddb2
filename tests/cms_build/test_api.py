"""The rule API (cms_build/api.py): what an organization's rule may use."""

from __future__ import annotations

import datetime as dt
import textwrap

import cms_build.api as api


def test_every_exported_name_exists():
    assert sorted(api.__all__) == sorted(set(api.__all__))
    for name in api.__all__:
        assert hasattr(api, name), name


RULE = textwrap.dedent("""
    from cms_build.api import check

    @check("org.probe", title="probe", clauses=["7.4.3"], severity="info")
    def probe(ctx):
        refs = ctx.references("PER-1")
        yield ctx.issue_at("data/x.csv", 3, f"refs to PER-1: {[(r.source, '.'.join(map(str, r.path))) for r in refs]}")
        yield ctx.issue_at("data/x.csv", 4, f"rules: {'org.probe' in {c.id for c in ctx.rules}}")
        pol = ctx.get("POL-1")
        yield ctx.issue_at("data/x.csv", 5, f"attached: {ctx.attached(pol, 'att.txt') is not None}, "
                                            f"outside: {ctx.attached(pol, '../../etc/passwd')}")
    """)


def test_context_references_rules_attachments_and_issue_at(org):
    org.add("checks/probe.py", RULE)
    org.add("people/PER-1.yaml", org.record("role", "PER-1", role_type="top_management", name="总经理"))
    org.add("people/ROLE-2.yaml", org.record("role", "ROLE-2", role_type="data_manager", name="碳管理员", reports_to="PER-1"))
    org.add("policy/POL-1.yaml", org.record("policy", "POL-1", statement="s", issued_by="Top"))
    org.add("policy/att.txt", "attached")
    found = {f.line: f.message for f in org.run().findings if f.rule == "org.probe"}
    assert found[4] == "rules: True"
    assert found[5] == "attached: True, outside: None"
    assert found[3] == "refs to PER-1: [('ROLE-2', 'reports_to')]"
    assert all(f.file == "data/x.csv" for f in org.run().findings if f.rule == "org.probe")


def test_record_envelope_helpers(org):
    org.add("policy/POL-1.yaml", org.record("policy", "POL-1", statement="s", issued_by="Top", approved_on="2026-03-01", status="superseded"))
    result = org.run("2026-06-30")
    rec = result.index.get("POL-1")
    assert rec.is_current is False and rec.date("approved_on") == dt.date(2026, 3, 1)
    assert rec.known_by(dt.date(2026, 3, 1)) and not rec.known_by(dt.date(2026, 2, 28))
    assert rec.number("version") is None and rec.number("missing") is None
    assert api.known_by({"effective": "2027-01-01"}, dt.date(2026, 12, 31)) is False

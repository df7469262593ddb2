"""The rule API (cms_build/api.py): what an organization's rule may use."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

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


def test_derived_is_computed_once_and_every_call_counts_its_reads():
    import datetime as dt
    from types import SimpleNamespace

    from cms_build.api import Context

    recs = [SimpleNamespace(id="C-1", kind="competence_record", valid=True), SimpleNamespace(id="C-2", kind="competence_record", valid=True)]
    index = SimpleNamespace(of_kind=lambda *kinds: list(recs), get=lambda rid: None, by_id={r.id: r for r in recs})
    ctx = Context(root=".", settings=None, schemas=None, index=index, as_of=dt.date(2026, 6, 30), results={"comp.a": 1})
    calls = []

    def compute(c):
        calls.append(1)
        c.results.get("comp.a")
        return [r.id for r in c.records("competence_record")]

    ctx.start_reading()
    ctx._read.add("OUTER")  # what the running rule read before: kept
    assert ctx.derived("t:ids", compute) == ["C-1", "C-2"]
    assert ctx._read == {"OUTER", "C-1", "C-2"} and ctx._read_results == {"comp.a"}
    ctx.start_reading()  # the next computation: the value is shared, the reads are counted again
    assert ctx.derived("t:ids", compute) == ["C-1", "C-2"]
    assert calls == [1]
    assert ctx._read == {"C-1", "C-2"} and ctx._read_results == {"comp.a"}
    ctx.results.get("comp.b")  # reading goes on into the current computation's sets after it
    assert ctx._read_results == {"comp.a", "comp.b"}


def test_derived_that_raises_leaves_the_reads_as_they_were_and_is_tried_again():
    import datetime as dt
    from types import SimpleNamespace

    from cms_build.api import Context

    index = SimpleNamespace(of_kind=lambda *kinds: [SimpleNamespace(id="C-1", valid=True)], get=lambda rid: None, by_id={})
    ctx = Context(root=".", settings=None, schemas=None, index=index, as_of=dt.date(2026, 6, 30))
    ctx.start_reading()
    outer = ctx._read

    def broken(c):
        c.records("competence_record")
        raise ZeroDivisionError

    for _ in range(2):
        with pytest.raises(ZeroDivisionError):
            ctx.derived("t:broken", broken)
    assert ctx._read is outer and ctx.results.reads is ctx._read_results
    assert ctx.derived("t:broken", lambda c: 7) == 7

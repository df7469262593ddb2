"""Helpers for the management system tests: records of the kinds of clauses 4-10 and a way
to find the line a finding must point at (the line of a key in the fixture's file)."""

from __future__ import annotations

from tests.lines import line_of  # noqa: F401  (re-exported for the tests of this area)


def person(org, pid: str, name: str = "张三", department: str = "碳管理办公室", **fields):
    rel = f"people/{pid}.yaml"
    org.add(rel, org.record("person", pid, name=name, department=department, **fields))
    return rel


def role(org, rid: str, role_type: str, holders, **fields):
    """holders: [(person id, from, until or None)]"""
    rel = f"roles/{rid}.yaml"
    hs = [{k: v for k, v in {"person": p, "from": f, "until": u}.items() if v} for p, f, u in holders]
    org.add(rel, org.record("role", rid, role_type=role_type, name=f"{role_type} role", holders=hs, **fields))
    return rel


def competence(org, cid: str, person_id: str, area: str, obtained: str = "2024-01-01", until: str | None = None):
    rel = f"competence/{cid}.yaml"
    fields = {"person": person_id, "area": area, "evidence_type": "certificate", "obtained_on": obtained}
    if until:
        fields["valid_until"] = until
    org.add(rel, org.record("competence_record", cid, **fields))
    return rel


def only(result, rule: str, file: str | None = None):
    return [f for f in result.findings if f.rule == rule and (file is None or f.file == file)]

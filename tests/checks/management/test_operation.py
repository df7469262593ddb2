"""Operation (8.1): each adopted subsystem's process has an operational control."""

from tests.checks.management_org import line_of, only


def _control(org, cid, process, **fields):
    rel = f"operations/{cid}.yaml"
    fields = {"requirements": ["按指南核算"], "criteria": ["计量器具在有效期内"], "controls": [{"control": "月度审核"}], **fields}
    org.add(rel, org.record("operational_control", cid, process=process, **fields))
    return rel


def _missing(result):
    return sorted(f.message.split(" ")[1] for f in only(result, "ops.process-without-control"))


def test_each_adopted_process_needs_a_control_in_force(org):
    org.settings(subsystems=["A", "B", "C"])
    _control(org, "OPC-E", "emissions")
    _control(org, "OPC-T", "trading", status="withdrawn")
    _control(org, "OPC-A", "assets", approved_on="2026-07-01", effective="2026-07-01")  # in effect only tomorrow
    _control(org, "OPC-N", "neutrality")  # D not adopted: neither needed nor counted
    result = org.run("2026-06-30")
    assert _missing(result) == ["B", "C"]
    f = only(result, "ops.process-without-control")[0]
    assert (f.file, f.line, f.clauses) == ("cms.yaml", line_of(org, "cms.yaml", "- A"), ("8.1 s1", "8.1 d"))
    assert "subsystem B is adopted, but no operational control of the trading process (8.2.2) is approved and in effect as of 2026-06-30" in f.message
    assert _missing(org.run("2026-07-01")) == ["B"]


def test_a_general_control_covers_every_process(org):
    org.settings(subsystems=["A", "D"])
    _control(org, "OPC-G", "general")
    assert _missing(org.run("2026-06-30")) == []

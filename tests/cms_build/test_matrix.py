"""The conformity matrix: statuses, derived evidence, findings by clause, the example organization."""
import datetime as dt
import json

from cms_build.engine import run
from cms_build.findings import Finding
from cms_build.matrix import build_matrix, evidence_records, findings_by_clause, render_text
from cms_build.standard import load_catalogue
from tests.conftest import EXAMPLE, EXAMPLE_AS_OF


def _rows(matrix):
    return {row["number"]: row for row in matrix["clauses"]}


def _small(org):
    org.settings(subsystems=["A"])
    org.add("context/CTX.yaml", org.record("context", "CTX", title="2026 内外部因素", determined_on="2026-01-01",
                                           issues=[{"type": "external", "description": "政策"}]))
    return build_matrix(org.run())


def test_every_clause_of_the_catalogue_with_a_status(org):
    matrix = _small(org)
    assert [r["number"] for r in matrix["clauses"]] == [c.number for c in load_catalogue()]
    assert sum(matrix["summary"].values()) == len(matrix["clauses"])
    assert matrix["as_of"] == "2026-06-30" and matrix["subsystems"] == ["A"]
    json.dumps(matrix, ensure_ascii=False)  # serialisable as it is


def test_statuses(org):
    rows = _rows(_small(org))
    assert (rows["B.5.2"]["status"], rows["B.5.2"]["note"]) == ("not_applicable", "annex B not adopted")
    assert (rows["F.2"]["status"], rows["F.2"]["note"]) == ("informative", "annex F is informative")
    assert rows["F.2"]["note_zh"] == "附录 F 为资料性附录" and rows["B.5.2"]["note_zh"] == "未采用附录 B（分体系）"
    assert rows["4"]["status"] == "informative" and rows["A.7"]["status"] == "informative"
    assert rows["4.1"]["status"] == "conforming"
    assert rows["4.1"]["evidence"] == [{"id": "CTX", "kind": "context", "title": "2026 内外部因素", "file": "context/CTX.yaml"}]
    assert rows["4.2"]["status"] == "no_evidence" and rows["4.2"]["evidence"] == []
    # no management review: mr.overdue is an error naming 9.3.1
    assert rows["9.3.1"]["status"] == "nonconforming"
    assert [f["rule"] for f in rows["9.3.1"]["findings"]] == ["mr.overdue"]
    assert "mr.overdue" in rows["9.3.1"]["checks"]


def test_warnings_do_not_make_a_clause_nonconforming(org):
    org.settings(subsystems=["A"])
    org.add("risks/RR.yaml", org.record("risk_register", "RR", assessed_on="2026-01-15",
                                        criteria={"likelihood": "1-5", "impact": "1-5", "significance": "L×I"},
                                        entries=[{"code": "R1", "type": "risk", "category": "legal", "description": "d",
                                                  "likelihood": 1, "impact": 1}]))
    row = _rows(build_matrix(org.run()))["6.5.1.2"]
    assert [f["severity"] for f in row["findings"]] == ["warning"]
    assert row["status"] == "conforming" and [e["id"] for e in row["evidence"]] == ["RR"]


def test_exclusion_with_reason_covers_sub_clauses(org):
    org.settings(subsystems=["B"], management={"exclusions": [{"clause": "B.8.2.2", "reason": "不从事该类交易"}]})
    rows = _rows(build_matrix(org.run()))
    for number in ("B.8.2.2", "B.8.2.2.3", "B.8.2.2.4"):
        assert (rows[number]["status"], rows[number]["note"]) == ("not_applicable", "不从事该类交易")
    assert rows["B.8.2.1"]["status"] != "not_applicable"
    assert build_matrix(org.run())["exclusions"] == [{"clause": "B.8.2.2", "reason": "不从事该类交易"}]


def test_draft_and_future_records_are_not_evidence(org):
    org.settings(subsystems=["A"])
    issues = [{"type": "external", "description": "政策"}]
    org.add("context/C1.yaml", org.record("context", "C1", status="draft", determined_on="2026-01-01", issues=issues))
    org.add("context/C2.yaml", org.record("context", "C2", approved_on="2026-07-01", effective="2026-07-01",
                                          determined_on="2026-07-01", issues=issues))
    assert _rows(build_matrix(org.run("2026-06-30")))["4.1"]["status"] == "no_evidence"
    assert [e["id"] for e in _rows(build_matrix(org.run("2026-07-01")))["4.1"]["evidence"]] == ["C2"]


class _Rec:
    def __init__(self, rid, clauses):
        self.id, self.kind, self.valid, self.status = rid, "person", True, "approved"
        self.data = {"clauses": clauses}

    def get(self, key, default=None):
        return self.data.get(key, default)


class _Schemas:
    kinds = {}


def test_sub_clause_evidence_and_findings_count_for_the_enclosing_clause():
    recs = [_Rec("P1", ["A.6.5.2.1"]), _Rec("P2", ["B.8.2.2.1 b"])]
    ev = evidence_records(recs, _Schemas(), dt.date(2026, 6, 30))
    assert [r.id for r in ev["A.6.5.2"]] == ["P1"] and [r.id for r in ev["A.6.5"]] == ["P1"]
    assert [r.id for r in ev["B.8.2"]] == ["P2"] and "B.8.2.1" not in ev
    f = Finding("x.rule", "error", "m", "f.yaml", clauses=("A.9.1.1 a", "A.9.1 c"))
    by = findings_by_clause([f])
    assert by["A.9.1"] == [f] and by["A.9.1.1"] == [f] and by["A.9"] == [f]  # once per clause, not twice
    assert "A.9.2" not in by


def test_example_matrix_lists_every_applicable_clause_with_evidence():
    result = run(EXAMPLE, dt.date.fromisoformat(EXAMPLE_AS_OF))
    matrix = build_matrix(result)
    rows = _rows(matrix)
    assert matrix["subsystems"] == ["A", "B", "C", "D"]
    assert not any(r["status"] == "not_applicable" for r in matrix["clauses"] if r["subsystem"] in ("common", "A", "B", "C", "D"))
    management = ["4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3.1", "5.3.2", "6.1.1", "6.5.1.1", "6.5.2", "7.1", "7.2.1",
                  "7.2.2", "7.3.1", "7.3.2", "8.1", "9.1.1", "9.1.2", "9.2.1", "9.2.2", "9.3.1", "9.3.2", "9.3.3", "9.3.4",
                  "10.1", "10.2", "10.3", "A.5.2", "A.9.2", "A.9.3", "A.9.4", "B.5.1", "B.5.2", "B.9.2", "B.9.3",
                  "C.5.1", "C.9.2", "C.9.3", "D.5.2", "D.9.2", "D.9.3", "D.9.4"]
    assert {n: rows[n]["status"] for n in management} == {n: "conforming" for n in management}
    assert "AUD-2025-01" in [e["id"] for e in rows["9.2.2"]["evidence"]]
    assert "MR-2025" in [e["id"] for e in rows["9.3.4"]["evidence"]]
    text = render_text(matrix)
    assert text.startswith("Conformity matrix as of 2026-06-30, subsystems A, B, C, D")
    assert any(line.startswith("9.3.4 ") and "conforming" in line for line in text.splitlines())
    summary = text.rstrip().splitlines()[-1]
    assert summary == "  ".join(f"{s}: {matrix['summary'][s]}" for s in
                                ("conforming", "nonconforming", "no_evidence", "not_applicable", "informative"))

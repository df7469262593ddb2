"""cms_build/statuses.py: every status shown is derived from the computation and the findings on it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from cms_build.findings import Finding
from cms_build.statuses import MEANING, derive


def finding(rule, record, severity="error", path=""):
    return Finding(rule=rule, severity=severity, message="m", file=f"{record}.yaml", record=record, path=path, title=f"title of {rule}")


def rec(kind, rid, status="approved", **data):
    return SimpleNamespace(id=rid, kind=kind, status=status, get=lambda k, d=None: data.get(k, d))


AS_OF = dt.date(2026, 6, 30)
CLAIM = {
    "status": {"status": "valid", "reason": "valid"},
    "grade": {"grade": "Gold"},
    "footprint": "CF-1",
    "retirements": [{"credit": "OC-1", "index": 0}, {"credit": "OC-2", "index": 1}],
}


def claims(**over):
    return {"neutrality": {"claims": {"NC-1": {**CLAIM, **over}}}}


def test_a_valid_claim_without_findings_is_green_with_its_grade():
    s = derive(claims(), [], {}, AS_OF)["NC-1"]
    assert (s["status"], s["tone"], s["grade"], s["reasons"]) == ("valid", "good", "Gold", [])


def test_an_error_on_the_claim_its_footprint_or_a_retirement_for_it_makes_it_invalid():
    for f in (
        finding("neutrality.claim-balance-not-covered", "NC-1"),
        finding("neutrality.footprint-incomplete", "CF-1"),
        finding("neutrality.serial-retired-twice", "OC-2", path="retirements[1].serials[0]"),
        finding("neutrality.credit-without-registry", "OC-1", path="registry"),
    ):
        s = derive(claims(), [f], {}, AS_OF)["NC-1"]
        assert (s["status"], s["computed"], s["tone"], s["grade"], s["computed_grade"]) == ("invalid", "valid", "bad", None, "Gold"), f.rule
        assert s["reasons"] == [{"rule": f.rule, "title": f"title of {f.rule}", "severity": "error", "record": f.record}]


def test_an_error_on_another_claims_retirement_or_a_warning_does_not_invalidate():
    other = finding("neutrality.serial-retired-twice", "OC-2", path="retirements[0].serials[0]")  # index 0 of OC-2
    assert derive(claims(), [other], {}, AS_OF)["NC-1"]["status"] == "valid"
    warned = derive(claims(), [finding("neutrality.claim-offset-mismatch", "NC-1", "warning")], {}, AS_OF)["NC-1"]
    assert (warned["status"], warned["tone"], warned["grade"]) == ("valid", "warn", "Gold")


def test_expired_withdrawn_superseded_claims_show_no_current_grade():
    for status in ("expired", "withdrawn", "superseded", "draft", "not_yet_valid"):
        s = derive(claims(status={"status": status}), [], {}, AS_OF)["NC-1"]
        assert s["grade"] is None and s["computed_grade"] == "Gold" and s["tone"] != "good", status


def test_obligation_met_with_an_error_is_nonconforming():
    results = {
        "assets": {
            "compliance": {
                "ETS-1": {"closed": True, "short": False, "late": []},
                "ETS-2": {"closed": True, "short": True, "late": []},
                "ETS-3": {"closed": False, "short": True, "late": []},
            }
        }
    }
    s = derive(results, [finding("trading.verified-mismatch", "ETS-1")], {}, AS_OF)
    assert (s["ETS-1"]["computed"], s["ETS-1"]["status"], s["ETS-1"]["tone"]) == ("met", "nonconforming", "bad")
    assert (s["ETS-2"]["status"], s["ETS-2"]["tone"]) == ("short", "bad")
    assert (s["ETS-3"]["status"], s["ETS-3"]["tone"]) == ("open", "neutral")


def test_surrender_late_from_the_position_and_corrective_action_overdue_from_its_due_date():
    results = {
        "assets": {
            "compliance": {"ETS-1": {"closed": True, "short": False, "late": [{"source": {"record": "SUR-2"}}]}},
            "statements": {"2025": {"record": "AS-2025"}},
        }
    }
    records = {
        "SUR-1": rec("surrender", "SUR-1", purpose="compliance"),
        "SUR-2": rec("surrender", "SUR-2", purpose="compliance"),
        "SUR-3": rec("surrender", "SUR-3", purpose="retirement"),
        "AS-2025": rec("asset_statement", "AS-2025"),
        "CA-1": rec("corrective_action", "CA-1", action_status="in_progress", due="2026-06-29"),
        "CA-2": rec("corrective_action", "CA-2", action_status="in_progress", due="2026-06-30"),
        "CA-3": rec("corrective_action", "CA-3", action_status="closed", due="2026-01-01"),
    }
    s = derive(results, [finding("ca.closed-without-effectiveness", "CA-3"), finding("assets.budget-after-year", "AS-2025", "warning")], records, AS_OF)
    assert [s[r]["status"] for r in ("SUR-1", "SUR-2", "SUR-3")] == ["on_time", "late", "retirement"]
    # due 2026-06-29 < as-of 2026-06-30: overdue; due on the as-of date: not yet
    assert [s[r]["status"] for r in ("CA-1", "CA-2", "CA-3")] == ["overdue", "in_progress", "nonconforming"]
    assert (s["AS-2025"]["status"], s["AS-2025"]["tone"]) == ("prepared", "warn")


def test_every_status_has_a_meaning():
    for kind, names in MEANING.items():
        assert names and all(isinstance(v, str) and v for v in names.values()), kind
    assert "invalid" in MEANING["claim"] and all("nonconforming" in MEANING[k] for k in MEANING if k != "claim")


def test_the_example_statuses():
    from cms_build.engine import run
    from tests.conftest import EXAMPLE

    s = run(EXAMPLE, AS_OF).statuses
    assert (s["NCL-HQ-2025"]["status"], s["NCL-HQ-2025"]["grade"]) == ("valid", "Silver")
    assert (s["NCL-HQ-2024"]["status"], s["NCL-HQ-2024"]["grade"]) == ("superseded", None)
    assert (s["TGT-2026-ORG"]["status"], s["TGT-2026-ORG"]["tone"]) == ("behind", "warn")
    assert s["ETS-2025"]["status"] == "open" and s["ETS-2024"]["status"] == "met"
    assert s["CA-2025-02"]["status"] == "in_progress"  # due 2026-09-30


def test_workbook_has_the_statuses_sheet(tmp_path):
    from openpyxl import load_workbook

    from cms_build.engine import run
    from cms_build.workflow.xlsx import write_workbook
    from tests.conftest import EXAMPLE

    path = tmp_path / "t.xlsx"
    write_workbook(run(EXAMPLE, AS_OF), path)
    ws = load_workbook(path)["状态 Statuses"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    # labels in the workbook's language (site/strings.yaml), the codes in the cells' comments
    assert rows["NCL-HQ-2025"][1:5] == ("声明状态", "有效", "有效", "银级")
    cells = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "NCL-HQ-2025")
    assert [c.comment.text for c in cells[1:5]] == ["code: claim", "code: valid", "code: valid", "code: Silver"]
    assert rows["NCL-HQ-2024"][4] is None  # superseded: no current grade

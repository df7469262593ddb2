"""The statuses a neutrality result gives (cms_build/statuses.py holds the rule): a claim's,
from its computed status and the errors on the claim and on the evidence it rests on (D.10),
and its certificate grade while it is in force (D.8.2.4-D.8.2.6)."""

from __future__ import annotations

import re

from cms_build.api import Statuses

CURRENT_GRADE = {"valid", "expiring", "correction_pending"}
_RET = re.compile(r"^retirements\[(\d+)\]")


def _claim_findings(cid: str, claim: dict, on) -> list:
    """Findings on the claim and on the evidence it rests on: its footprint, and each credit
    it retires (a finding on one retirement of a credit counts for that retirement's claim
    only; one on the credit as a whole, for every claim it serves)."""
    found = on.findings(cid)
    if claim.get("footprint"):
        found += on.findings(claim["footprint"])
    mine: dict[str, set] = {}
    for r in claim.get("retirements") or []:
        if isinstance(r.get("credit"), str):
            mine.setdefault(r["credit"], set()).add(r.get("index"))
    for credit, indexes in sorted(mine.items()):
        for f in on.findings(credit):
            m = _RET.match(f.path or "")
            if m is None or int(m.group(1)) in indexes:
                found.append(f)
    return found


def derive(result: dict, on) -> dict:
    out = {}
    for cid, claim in sorted((result.get("claims") or {}).items()):
        st = claim.get("status") or {}
        computed = st.get("computed", st.get("status", ""))
        entry = on.status("claim", cid, computed, _claim_findings(cid, claim, on), st.get("reason", ""))
        grade = claim.get("grade") or {}
        computed_grade = grade.get("computed_grade", grade.get("grade"))
        entry["computed_grade"] = computed_grade
        entry["grade"] = computed_grade if entry["status"] in CURRENT_GRADE else None
        out[cid] = entry
    return out


def write(result: dict, statuses: dict) -> None:
    """A claim's "status" and "grade" as the status table says."""
    for cid, claim in (result.get("claims") or {}).items():
        s = statuses.get(cid)
        if s is None:
            continue
        st = dict(claim.get("status") or {})
        st.setdefault("computed", st.get("status"))
        st.update(status=s["status"], tone=s["tone"], reasons=s["reasons"])
        if s["status"] != s["computed"]:
            st["reason"] = s["reason"]
        claim["status"] = st
        grade = dict(claim.get("grade") or {})
        grade.setdefault("computed_grade", grade.get("grade"))
        grade.update(grade=s["grade"], current=s["grade"] is not None)
        claim["grade"] = grade


STATUSES = Statuses(derive, write)

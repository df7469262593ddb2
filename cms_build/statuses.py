"""Every status the site, `cms export` and the workbook show, derived in one place.

A computation says where an object stands (a claim is valid on the as-of date, a target is
on track, an obligation met, a surrender on time); the checks then say what is wrong with it.
A status shown to an auditor must follow from both: a claim whose credits do not cover its
balance is not "valid" because its dates are, and an obligation "met" with an amount due that
differs from the verified emissions is not met. `derive` takes the computed results and the
findings and gives, per record id:

    {"kind": "claim" | "target" | "obligation" | "surrender" | "asset_statement" |
             "corrective_action",
     "record": id, "computation": the result it rests on (None: the record's own fields),
     "status": the status shown, "computed": what the computation (or the record) said,
     "tone": "good" | "warn" | "bad" | "neutral"   (the badge colour: green only for "good"),
     "reason": a sentence, "reasons": [{"rule", "title", "severity", "record"}],
     "grade": (claims) the certificate grade when it is current, else None,
     "computed_grade": (claims) the grade the credits would give}

The rule, for every kind: a status that says "fine" (GOOD) becomes the kind's DEMOTED status
when an error is found on the object or on the evidence it rests on (for a claim: the claim,
its footprint and the credits retired for it). Warnings keep the status but colour it "warn".
A claim's grade is current only while the claim is in force (CURRENT_GRADE): an invalid,
expired, withdrawn or superseded claim shows none. `apply` writes the status into the
computed results as well (a claim's "status" and "grade", a target's "status", an
obligation's "status"), so the exported results say the same as the status table.

Messages of findings are not copied into the reasons (a public build may withhold the
finding while it publishes the claim): the reasons name the rule and its title, and the
findings themselves are where the profile allows them.
"""

from __future__ import annotations

import datetime as dt
import re

from . import dates

KINDS = ("claim", "target", "obligation", "surrender", "asset_statement", "corrective_action")
RECORD_KIND = {
    "neutrality_claim": "claim",
    "target": "target",
    "ets_compliance": "obligation",
    "surrender": "surrender",
    "asset_statement": "asset_statement",
    "corrective_action": "corrective_action",
}
# Computed statuses that say "fine" and the status they become when an error is found.
GOOD = {
    "claim": {"valid", "expiring", "correction_pending", "not_yet_valid"},
    "target": {"achieved", "on_track", "behind"},
    "obligation": {"met", "open"},
    "surrender": {"on_time", "retirement"},
    "asset_statement": {"prepared"},
    "corrective_action": {"open", "in_progress", "implemented", "closed"},
}
DEMOTED = {"claim": "invalid"}  # every other kind: "nonconforming"
GREEN = {
    "claim": {"valid", "expiring"},
    "target": {"achieved", "on_track"},
    "obligation": {"met"},
    "surrender": {"on_time", "retirement"},
    "asset_statement": {"prepared"},
    "corrective_action": {"implemented", "closed"},
}
BAD = {"invalid", "nonconforming", "withdrawn", "expired", "missed", "short", "late", "overdue", "missing"}
CURRENT_GRADE = {"valid", "expiring", "correction_pending"}

# What each status means (the README's table is this, and the site's legend).
MEANING = {
    "claim": {
        "valid": "in force on the as-of date, no error on the claim, its footprint or its credits",
        "expiring": "valid, with at most neutrality.expiring_soon_days left",
        "correction_pending": "an invalidating event awaits its correction; valid until the deadline",
        "not_yet_valid": "its validity starts after the as-of date",
        "invalid": "its dates say valid, but an error was found on its balance, serials, evidence or offsetting",
        "withdrawn": "withdrawn (recorded, or a correction window lapsed)",
        "superseded": "replaced by a later claim in force",
        "expired": "past its last valid day",
        "draft": "not in force",
    },
    "target": {
        "achieved": "the latest value reached the target",
        "on_track": "achieved share ≥ time elapsed",
        "behind": "achieved share below the share of time elapsed (a warning)",
        "missed": "deadline passed, not achieved",
        "no_data": "no value to compare yet",
        "nonconforming": "an error was found on the target",
    },
    "obligation": {
        "open": "the surrender deadline has not passed",
        "met": "surrendered in full by the deadline",
        "late": "surrendered in full, part of it after the deadline",
        "short": "deadline passed, not surrendered in full",
        "nonconforming": "an error was found on the obligation (e.g. an amount due not the verified figure)",
    },
    "surrender": {
        "on_time": "a compliance surrender on or before its obligation's deadline",
        "late": "a compliance surrender after the deadline",
        "retirement": "a voluntary retirement",
        "nonconforming": "an error was found on the surrender",
    },
    "asset_statement": {"prepared": "prepared, no error found", "nonconforming": "an error was found (holdings, budget date ...)"},
    "corrective_action": {
        "open": "planned, not yet due",
        "in_progress": "under way, not yet due",
        "implemented": "implemented",
        "closed": "closed after its effectiveness review",
        "overdue": "past its due date and not implemented",
        "nonconforming": "an error was found on the corrective action",
    },
}

_RET = re.compile(r"^retirements\[(\d+)\]")


def _errors_and_warnings(found: list) -> tuple[list, list]:
    return [f for f in found if f.severity == "error"], [f for f in found if f.severity == "warning"]


def _reason_list(found: list) -> list[dict]:
    seen, out = set(), []
    for f in sorted(found, key=lambda f: (f.severity != "error", f.rule, f.record or "")):
        key = (f.rule, f.record, f.severity)
        if key not in seen:
            seen.add(key)
            out.append({"rule": f.rule, "title": f.title, "severity": f.severity, "record": f.record})
    return out


def _status(kind: str, rid: str, computed: str, found: list, computation: str | None, reason: str = "") -> dict:
    errors, warnings = _errors_and_warnings(found)
    status = computed
    if errors and computed in GOOD.get(kind, ()):
        status = DEMOTED.get(kind, "nonconforming")
    if status in BAD:
        tone = "bad"
    elif errors or warnings or status in ("behind", "correction_pending"):
        tone = "warn"
    elif status in GREEN.get(kind, ()):
        tone = "good"
    else:
        tone = "neutral"
    if status != computed:
        rules = ", ".join(dict.fromkeys(f.rule for f in errors))
        reason = f"{MEANING[kind].get(status, status)}: {rules}" + (f" (computed: {computed}{' — ' + reason if reason else ''})" if computed else "")
    return {
        "kind": kind,
        "record": rid,
        "computation": computation,
        "status": status,
        "computed": computed,
        "tone": tone,
        "reason": reason,
        "reasons": _reason_list(errors + warnings),
    }


def _by_record(findings) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in findings:
        if f.record:
            out.setdefault(f.record, []).append(f)
    return out


def _claim_findings(cid: str, claim: dict, by_record: dict) -> list:
    """Findings on the claim and on the evidence it rests on: its footprint, and each credit
    it retires (a finding on one retirement of a credit counts for that retirement's claim
    only; one on the credit as a whole, for every claim it serves)."""
    found = list(by_record.get(cid, []))
    if claim.get("footprint"):
        found += by_record.get(claim["footprint"], [])
    mine: dict[str, set] = {}
    for r in claim.get("retirements") or []:
        if isinstance(r, dict) and isinstance(r.get("credit"), str):
            mine.setdefault(r["credit"], set()).add(r.get("index"))
    for credit, indexes in sorted(mine.items()):
        for f in by_record.get(credit, []):
            m = _RET.match(f.path or "")
            if m is None or int(m.group(1)) in indexes:
                found.append(f)
    return found


def _position_state(pos: dict) -> str:
    if pos.get("closed") and pos.get("short"):
        return "short"
    if pos.get("closed") and pos.get("late"):
        return "late"
    return "met" if pos.get("closed") else "open"


def derive(results: dict, findings: list, records: dict, as_of: dt.date) -> dict[str, dict]:
    """Status per record id (see the module docstring). `records`: id -> Record."""
    by_record = _by_record(findings)
    out: dict[str, dict] = {}
    neutrality = results.get("neutrality") if isinstance(results.get("neutrality"), dict) else {}
    for cid, claim in sorted((neutrality.get("claims") or {}).items()):
        if not isinstance(claim, dict):
            continue
        st = claim.get("status") or {}
        computed = st.get("computed", st.get("status", "")) if isinstance(st, dict) else str(st)
        entry = _status("claim", cid, computed, _claim_findings(cid, claim, by_record), "neutrality", st.get("reason", "") if isinstance(st, dict) else "")
        grade = claim.get("grade") or {}
        computed_grade = grade.get("computed_grade", grade.get("grade"))
        entry["computed_grade"] = computed_grade
        entry["grade"] = computed_grade if entry["status"] in CURRENT_GRADE else None
        out[cid] = entry
    emissions = results.get("emissions") if isinstance(results.get("emissions"), dict) else {}
    for tid, tg in sorted((emissions.get("targets") or {}).items()):
        if isinstance(tg, dict):
            computed = tg.get("computed_status", tg.get("status", ""))
            out[tid] = _status("target", tid, computed, by_record.get(tid, []), "emissions")
    assets = results.get("assets") if isinstance(results.get("assets"), dict) else {}
    late_surrenders: set = set()
    for oid, pos in sorted((assets.get("compliance") or {}).items()):
        if not isinstance(pos, dict):
            continue
        out[oid] = _status("obligation", oid, _position_state(pos), by_record.get(oid, []), "assets")
        late_surrenders |= {(x.get("source") or {}).get("record") for x in pos.get("late") or [] if isinstance(x, dict)}
    statement_years = {str(s.get("record")): y for y, s in (assets.get("statements") or {}).items() if isinstance(s, dict)}
    for rid, rec in sorted(records.items()):
        kind = RECORD_KIND.get(rec.kind)
        if kind is None or rid in out or rec.status in ("draft", "withdrawn", "superseded"):
            continue
        if kind == "surrender" and assets:
            computed = "retirement" if rec.get("purpose") != "compliance" else "late" if rid in late_surrenders else "on_time"
            out[rid] = _status("surrender", rid, computed, by_record.get(rid, []), "assets")
        elif kind == "asset_statement" and assets and rid in statement_years:
            out[rid] = _status("asset_statement", rid, "prepared", by_record.get(rid, []), "assets")
        elif kind == "corrective_action":
            state = rec.get("action_status") or "open"
            due = dates.parse(rec.get("due"))
            if state in ("open", "in_progress") and due is not None and due < as_of:
                state = "overdue"
            out[rid] = _status("corrective_action", rid, state, by_record.get(rid, []), None)
    return out


def apply(results: dict, findings: list, records: dict, as_of: dt.date) -> dict[str, dict]:
    """derive, then write each status into the computed result it belongs to, so that a
    result read on its own (an export, a page) says the same. Returns the statuses."""
    statuses = derive(results, findings, records, as_of)
    neutrality = results.get("neutrality") if isinstance(results.get("neutrality"), dict) else {}
    for cid, claim in (neutrality.get("claims") or {}).items():
        s = statuses.get(cid)
        if s is None or not isinstance(claim, dict):
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
    emissions = results.get("emissions") if isinstance(results.get("emissions"), dict) else {}
    for tid, tg in (emissions.get("targets") or {}).items():
        s = statuses.get(tid)
        if s is not None and isinstance(tg, dict):
            tg.setdefault("computed_status", tg.get("status"))
            tg.update(status=s["status"], tone=s["tone"], reasons=s["reasons"])
    assets = results.get("assets") if isinstance(results.get("assets"), dict) else {}
    for oid, pos in (assets.get("compliance") or {}).items():
        s = statuses.get(oid)
        if s is not None and isinstance(pos, dict):
            pos.update(status=s["status"], computed_status=s["computed"], tone=s["tone"], reasons=s["reasons"])
    return statuses


def of(statuses: dict, record_id: str) -> dict | None:
    """The status of one record, or None when it has none."""
    return statuses.get(record_id) if isinstance(statuses, dict) else None

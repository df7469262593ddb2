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
A claim's grade is current only while the claim is in force (checks/neutrality/statuses.py): an invalid,
expired, withdrawn or superseded claim shows none. `apply` writes the status into the
computed results as well (a claim's "status" and "grade", a target's "status", an
obligation's "status"), so the exported results say the same as the status table.

What a result says is its domain's: a computation declares it with `statuses=` (api.Statuses:
checks/neutrality/statuses.py for claims, checks/emissions/statuses.py for targets,
checks/assets/statuses.py for obligations, surrenders and asset statements); this module
names no computation and holds only the rule above and the kinds' words. A corrective
action's status comes from its own fields (10.2).

Messages of findings are not copied into the reasons (a public build may withhold the
finding while it publishes the claim): the reasons name the rule and its title, and the
findings themselves are where the profile allows them.
"""

from __future__ import annotations

import datetime as dt
from . import dates

KINDS = ("claim", "target", "obligation", "surrender", "asset_statement", "corrective_action")
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


class StatusInput:
    """What a domain's `derive` (api.Statuses) is given: `status(kind, record id, computed,
    found=None, reason="")` makes a status by the rule above (`found`: the findings that count
    for it, by default those on the record), `findings(record id)` the findings on a record,
    `records` (id -> Record), `as_of`, and the computation's id it is filed under."""

    def __init__(self, computation: str, by_record: dict, records: dict, as_of: dt.date):
        self.computation, self._by_record, self.records, self.as_of = computation, by_record, records, as_of

    def findings(self, record_id: str) -> list:
        return list(self._by_record.get(record_id, []))

    def status(self, kind: str, rid: str, computed: str, found: list | None = None, reason: str = "") -> dict:
        return _status(kind, rid, computed, self.findings(rid) if found is None else found, self.computation, reason)


def _computations(computations):
    """The computations whose results give statuses: the ones given, or the bundled ones."""
    if computations is None:
        from .paths import bundled
        from .rules import load_rules

        computations = load_rules([bundled("checks")])[1]
    return [c for c in computations if getattr(c, "statuses", None) is not None]


def derive(results: dict, findings: list, records: dict, as_of: dt.date, computations=None) -> dict[str, dict]:
    """Status per record id (see the module docstring). `records`: id -> Record; `computations`:
    those of the run (their api.Statuses say what their results give; None: the bundled ones)."""
    by_record = _by_record(findings)
    out: dict[str, dict] = {}
    for comp in _computations(computations):
        result = results.get(comp.id)
        if isinstance(result, dict):  # absent when the computation failed (rules.crashed says why)
            for rid, entry in comp.statuses.derive(result, StatusInput(comp.id, by_record, records, as_of)).items():
                out.setdefault(rid, entry)
    # a corrective action's status is its own fields' (10.2): no computation gives it
    for rid, rec in sorted(records.items()):
        if rec.kind != "corrective_action" or rid in out or rec.status in ("draft", "withdrawn", "superseded"):
            continue
        state = rec.get("action_status") or "open"
        due = dates.parse(rec.get("due"))
        if state in ("open", "in_progress") and due is not None and due < as_of:
            state = "overdue"
        out[rid] = _status("corrective_action", rid, state, by_record.get(rid, []), None)
    return dict(sorted(out.items()))


def apply(results: dict, findings: list, records: dict, as_of: dt.date, computations=None) -> dict[str, dict]:
    """derive, then write each status into the computed result it belongs to, so that a
    result read on its own (an export, a page) says the same. Returns the statuses."""
    comps = _computations(computations)
    statuses = derive(results, findings, records, as_of, comps)
    for comp in comps:
        result = results.get(comp.id)
        if comp.statuses.write is not None and isinstance(result, dict):
            comp.statuses.write(result, statuses)
    return statuses


def of(statuses: dict, record_id: str) -> dict | None:
    """The status of one record, or None when it has none."""
    return statuses.get(record_id) if isinstance(statuses, dict) else None

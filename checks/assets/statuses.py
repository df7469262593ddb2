"""The statuses an assets result gives (cms_build/statuses.py holds the rule): an ETS
obligation's, from its compliance position (C.8.1.1); a surrender's, on time or late by that
position; an asset statement's, prepared when the result holds it (G.2, G.3)."""

from __future__ import annotations

from cms_build.api import Statuses


def _position_state(pos: dict) -> str:
    if pos.get("closed") and pos.get("short"):
        return "short"
    if pos.get("closed") and pos.get("late"):
        return "late"
    return "met" if pos.get("closed") else "open"


def derive(result: dict, on) -> dict:
    out = {}
    late_surrenders: set = set()
    for oid, pos in sorted((result.get("compliance") or {}).items()):
        out[oid] = on.status("obligation", oid, _position_state(pos))
        late_surrenders |= {(x.get("source") or {}).get("record") for x in pos.get("late") or []}
    if not result:
        return out
    statement_records = {str(s.get("record")) for s in (result.get("statements") or {}).values()}
    for rid, rec in sorted(on.records.items()):
        if rid in out or rec.status in ("draft", "withdrawn", "superseded"):
            continue
        if rec.kind == "surrender":
            computed = "retirement" if rec.get("purpose") != "compliance" else "late" if rid in late_surrenders else "on_time"
            out[rid] = on.status("surrender", rid, computed)
        elif rec.kind == "asset_statement" and rid in statement_records:
            out[rid] = on.status("asset_statement", rid, "prepared")
    return out


def write(result: dict, statuses: dict) -> None:
    """An obligation's "status" as the status table says (its own in "computed_status")."""
    for oid, pos in (result.get("compliance") or {}).items():
        s = statuses.get(oid)
        if s is not None:
            pos.update(status=s["status"], computed_status=s["computed"], tone=s["tone"], reasons=s["reasons"])


STATUSES = Statuses(derive, write)

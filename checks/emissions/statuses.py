"""The statuses an emissions result gives (cms_build/statuses.py holds the rule): a target's,
from its computed status and the errors on it (6.2)."""

from __future__ import annotations

from cms_build.api import Statuses


def derive(result: dict, on) -> dict:
    out = {}
    for tid, tg in sorted((result.get("targets") or {}).items()):
        out[tid] = on.status("target", tid, tg.get("computed_status", tg.get("status", "")))
    return out


def write(result: dict, statuses: dict) -> None:
    """A target's "status" as the status table says (its own in "computed_status")."""
    for tid, tg in (result.get("targets") or {}).items():
        s = statuses.get(tid)
        if s is not None:
            tg.setdefault("computed_status", tg.get("status"))
            tg.update(status=s["status"], tone=s["tone"], reasons=s["reasons"])


STATUSES = Statuses(derive, write)

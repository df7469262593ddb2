"""What the neutrality result adds to a group (cms_build/group.py, README: Groups): each
entity's claims by subject with the status its own site shows (D.10); their block of the
group's overview page."""

from __future__ import annotations

from cms_build.api import Consolidation, JsonValue, ReadModel, RecordId, ResultModel


class ReadStatus(ReadModel):
    computed: str | None = None


class ReadClaim(ReadModel):
    status: str | ReadStatus | None = None
    subject: str | None = None
    period: JsonValue = None


class NeutralityReads(ReadModel):
    """What the group reads of an entity's neutrality (digest, sections)."""

    claims: dict[str, ReadClaim] = {}


class GroupClaim(ResultModel):
    """A neutrality claim of an entity, with the status its own site shows."""

    claim: RecordId
    status: str | None
    period: JsonValue


def sections(g) -> dict:
    out: dict = {}
    for ent in g.entities:
        for cid, c in sorted(g.result(ent).claims.items()):
            computed = c.status.computed if isinstance(c.status, ReadStatus) else c.status
            out.setdefault(f"{ent['id']}:{c.subject}", []).append({"claim": cid, "status": g.status(ent, cid, computed), "period": c.period})
    return {"neutrality": out}


def _period(p) -> str:
    if isinstance(p, dict):
        return f"{p.get('start', '')} – {p.get('end', '')}"
    return "" if p is None else str(p)


def render(cons, page, withheld: bool) -> list[dict]:
    """The claims by subject of the group's overview, from the consolidation's model."""
    g, t, md = page.g, page.t, page.md
    if withheld:
        return []
    rows = [
        [md(subject), md(c.claim), md(t["claim_status_names"].get(c.status, c.status)), md(_period(c.period))]
        for subject, claims in sorted((cons.neutrality or {}).items())
        for c in claims
    ]
    return [{"title": g["neutrality"], "body": page.table([g["subject"], g["claim"], t["status"], g["period"]], rows, empty=t["none"])}]


CONSOLIDATION = Consolidation(sections, render=render, models={"neutrality": dict[str, list[GroupClaim]]}, reads=NeutralityReads)

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
        claims = g.result(ent).get("claims", {}) or {}
        for cid, c in sorted(claims.items()):
            computed = c.get("status")
            computed = computed.get("computed") if isinstance(computed, dict) else computed
            out.setdefault(f"{ent['id']}:{c.get('subject')}", []).append({"claim": cid, "status": g.status(ent, cid, computed), "period": c.get("period")})
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


def digest(res: dict) -> dict:
    """What the group reads of an entity's neutrality (sections): each claim's status, subject
    and period."""
    return {"claims": {cid: {k: c.get(k) for k in ("status", "subject", "period")} for cid, c in (res.get("claims") or {}).items() if isinstance(c, dict)}}


CONSOLIDATION = Consolidation(sections, render=render, digest=digest, models={"neutrality": dict[str, list[GroupClaim]]}, reads=NeutralityReads)

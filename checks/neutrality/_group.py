"""What the neutrality result adds to a group (cms_build/group.py, README: Groups): each
entity's claims by subject with the status its own site shows (D.10); their block of the
group's overview page. Each claim names its record in the entity's export (`source`), so the
public profile restricts a claim the entity's public export does not show, its subject's id
with it (publish.group_results)."""

from __future__ import annotations

from cms_build.api import Consolidation, JsonValue, ReadModel, RecordId, ResultModel, Source, is_restricted


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

    subject: RecordId | None
    claim: RecordId
    status: str | None
    period: JsonValue
    source: Source


def sections(g) -> dict:
    """{entity id: its claims, by subject then id}."""
    out: dict = {}
    for ent in g.entities:
        claims = []
        for cid, c in sorted(g.result(ent).claims.items()):
            computed = c.status.computed if isinstance(c.status, ReadStatus) else c.status
            claims.append(
                {
                    "subject": c.subject,
                    "claim": cid,
                    "status": g.status(ent, cid, computed),
                    "period": c.period,
                    "source": {"entity": ent["id"], "record": cid},
                }
            )
        if claims:
            out[ent["id"]] = sorted(claims, key=lambda c: (str(c["subject"]), c["claim"]))
    return {"neutrality": out}


def _period(p) -> str:
    if isinstance(p, dict):
        return f"{p.get('start', '')} – {p.get('end', '')}"
    return "" if p is None else str(p)


def render(cons, page, withheld: bool) -> list[dict]:
    """The claims by subject of the group's overview, from the consolidation's model; a claim
    the public profile restricted shows as such, its subject and id too."""
    g, t, md = page.g, page.t, page.md
    if withheld:
        return []
    restricted = t["restricted"]
    rows = [
        [
            md(f"{eid}:{c.subject if not is_restricted(c) else restricted}"),
            md(c.claim or restricted),
            md(t["claim_status_names"].get(c.status, c.status) if c.status else ""),
            md(_period(c.period)),
        ]
        for eid, claims in sorted((cons.neutrality or {}).items())
        for c in claims
    ]
    return [{"title": g["neutrality"], "body": page.table([g["subject"], g["claim"], t["status"], g["period"]], rows, empty=t["none"])}]


CONSOLIDATION = Consolidation(sections, render=render, models={"neutrality": dict[str, list[GroupClaim]]}, reads=NeutralityReads)

"""`cms export`: the whole dataset as one JSON document, for other tools and for auditors.

Everything goes through a publish.View, so a public export holds nothing a public site
would not show.
"""

from __future__ import annotations

from . import __version__
from .publish import View


def export_document(result, profile: str = "internal") -> dict:
    view = View(result, profile)
    settings = result.settings.data
    doc = {
        "generator": {"name": "cms", "version": __version__},
        "as_of": result.as_of.isoformat(),
        "profile": profile,
        # profile and uscc: a group reads them to match its entities with its boundary (group.py)
        "organization": {
            k: settings.get("organization", {}).get(k)
            for k in ("name", "name_en", "uscc", "profile")
            if k in ("name", "name_en") or settings.get("organization", {}).get(k)
        },
        "subsystems": sorted(result.settings.subsystems),
        "gwp_set": settings.get("gwp_set"),
        "records": [
            {
                "id": r.id,
                "kind": r.kind,
                "file": r.rel,
                "title": r.title,
                "status": r.status,
                "confidentiality": r.confidentiality,
                "valid": r.valid,
                "data": view.data(r),
            }
            for r in view.records
        ],
        "results": view.results(),
        # computations left out whole: computed from records this profile does not publish
        "withheld_results": view.withheld(),
        # the status of each claim, target, obligation, surrender, asset statement and corrective
        # action, derived from the results and the findings (cms_build/statuses.py)
        "statuses": view.statuses(),
        "findings": [f.as_dict() for f in view.findings],
        "summary": {s: sum(1 for f in view.findings if f.severity == s) for s in ("error", "warning", "info")},
    }
    matrix = conformity_matrix(result, view)
    if matrix is not None:
        doc["matrix"] = matrix
    if profile != "internal":
        doc = _hide_unpublished_ids(doc, result, view)
    return doc


def _hide_unpublished_ids(doc: dict, result, view: View) -> dict:
    """A public export names no unpublished record at all, as the public site does: references
    to one become "restricted", and ids in results (values, texts, map keys) and the labels of
    restricted values are withheld by the view's Hider."""
    from .schemas import values_at

    for rec in doc["records"]:
        kind = result.schemas.kinds.get(rec["kind"])
        for pattern, _ in kind.refs if kind else []:
            for path, value in list(values_at(rec["data"], pattern)):
                if isinstance(value, str) and not view.visible(value):
                    node = rec["data"]
                    for part in path[:-1]:
                        node = node[part]
                    node[path[-1]] = "restricted"
    return view.hider(doc, view.document_type())


def conformity_matrix(result, view: View):
    """The matrix as the view may show it, computed from what it publishes: its records are
    the evidence and its findings the findings, so no status rests on what the reader cannot
    see (a clause nonconforming with no finding shown, because of an unpublished record)."""
    from .matrix import build_matrix

    if view.profile == "internal":
        return build_matrix(result)
    return build_matrix(result, records=[r for r in result.records if view.visible(r.id)], findings=view.findings)

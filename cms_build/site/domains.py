"""The domain pages: emissions, trading and assets, neutrality.

Each page shows what the domain's computations produced (ctx.results) as the View lets
this profile see it, and stays a working page when a domain has no results (an
organization may not adopt every subsystem). Returns, per page, the navigation entry and
a headline block for the home page.
"""
from __future__ import annotations

from . import urls
from .escape import Md, md
from .render import ResultRenderer

DOMAINS = (
    # (key in strings, page, subsystems, result ids)
    ("emissions", urls.EMISSIONS, ("A",), ("emissions",)),
    ("trading", urls.TRADING, ("B", "C"), ("trading", "assets")),
    ("neutrality", urls.NEUTRALITY, ("D",), ("neutrality",)),
)


def write(pages, model, docs) -> list[dict]:
    sections = []
    for key, page, subsystems, result_ids in DOMAINS:
        sections.append(generic(pages, model, key, page, subsystems, result_ids))
    return sections


def generic(pages, model, key, page, subsystems, result_ids) -> dict:
    t = model.t
    adopted = bool(set(subsystems) & model.settings.subsystems)
    blocks = []
    for rid in result_ids:
        value = model.results.get(rid)
        if value is None:
            continue
        body = "\n".join(ResultRenderer(model, page, rid).render(value, level=3))
        blocks.append({"title": rid, "level": 2, "anchor": urls.anchor("result", rid), "body": Md(body)})
    intro = md(t["not_adopted"]) if not adopted else (md(t["no_results"]) if not blocks else "")
    pages.render("section.md.j2", page, title=t[key], intro=intro, blocks=blocks)
    return {"nav": t[key], "page": page, "title": t[key], "headline": None}

"""What the assets result adds to a group (cms_build/group.py, README: Groups): the ETS
obligations of each covered entity (C.8.1.1; the regulator's account holder: listed per entity
and summed at 100 % for the group, never by equity share), and the Annex G balance sheets
(G.2 positive, G.3 negative lines) per entity and year with the group's, each entity counted by
its factor; their blocks of the group's overview page."""

from __future__ import annotations

from cms_build.api import Classifier, Consolidation, Label, Number, ReadModel, ReadValue, RecordId, ResultModel


class ReadObligation(ReadModel):
    due: ReadValue | None = None
    allowances_surrendered: Number = 0
    ccer_surrendered: Number = 0
    computed_status: str | None = None
    deadline: str | None = None


class ReadLine(ReadModel):
    category: str | None = None
    label_zh: str | None = None
    label_en: str | None = None
    value: ReadValue | None = None


class ReadSheet(ReadModel):
    total_positive: ReadValue | None = None
    total_negative: ReadValue | None = None
    positive: list[ReadLine] = []
    negative: list[ReadLine] = []


class AssetsReads(ReadModel):
    """What the group reads of an entity's assets (digest, sections)."""

    compliance: dict[str, ReadObligation] = {}
    balance_sheets: dict[str, ReadSheet] = {}


class EtsRow(ResultModel):
    """An ETS obligation of a covered entity, at 100 %."""

    obligation: RecordId
    due: Number | None
    surrendered: Number
    status: str | None
    deadline: str | None


class EtsTotals(ResultModel):
    due: Number
    surrendered: Number
    open: list[str]


class GroupEts(ResultModel):
    by_entity: dict[str, list[EtsRow]]
    group: EtsTotals


class GroupBalanceLine(ResultModel):
    side: Classifier
    category: Classifier | None
    label_zh: Label | None
    label_en: Label | None
    value: Number | None


class EntityBalanceSheet(ResultModel):
    """An entity's Annex G balance sheet of a year, counted by its factor."""

    factor: Number
    why: Label
    positive: Number
    negative: Number
    net: Number
    lines: list[GroupBalanceLine]


class GroupBalanceSheet(ResultModel):
    by_entity: dict[str, EntityBalanceSheet]
    positive: Number
    negative: Number
    net: Number


def sections(g) -> dict:
    return {"ets": _ets(g), "assets": _balance_sheets(g)}


def _ets(g) -> dict:
    per, due, surrendered = {}, 0.0, 0.0
    for ent in g.entities:
        rows = []
        for oid, ob in sorted(g.result(ent).compliance.items()):
            d = ob.due.value if ob.due else None
            s = ob.allowances_surrendered + ob.ccer_surrendered
            rows.append({"obligation": oid, "due": d, "surrendered": s, "status": g.status(ent, oid, ob.computed_status), "deadline": ob.deadline})
            due += d or 0
            surrendered += s or 0
        if rows:
            per[ent["id"]] = rows
    return {
        "by_entity": per,
        "group": {
            "due": due,
            "surrendered": surrendered,
            "open": sorted(f"{e}:{r['obligation']}" for e, rs in per.items() for r in rs if r["status"] not in ("met",)),
        },
    }


def _balance_sheets(g) -> dict:
    years: dict = {}
    for ent in g.entities:
        f, why = g.factor(ent)
        for year, bs in g.result(ent).balance_sheets.items():
            cell = years.setdefault(year, {"by_entity": {}, "positive": 0.0, "negative": 0.0})
            pos = (bs.total_positive.value if bs.total_positive else None) or 0.0
            neg = (bs.total_negative.value if bs.total_negative else None) or 0.0
            cell["by_entity"][ent["id"]] = {
                "factor": f,
                "why": why,
                "positive": f * pos,
                "negative": f * neg,
                "net": f * (pos - neg),
                "lines": [
                    {
                        "side": side,
                        "category": ln.category,
                        "label_zh": ln.label_zh,
                        "label_en": ln.label_en,
                        "value": None if ln.value is None or ln.value.value is None else f * ln.value.value,
                    }
                    for side, lines in (("positive", bs.positive), ("negative", bs.negative))
                    for ln in lines
                ],
            }
            cell["positive"] += f * pos
            cell["negative"] += f * neg
    for cell in years.values():
        cell["net"] = cell["positive"] - cell["negative"]
    return dict(sorted(years.items()))


def render(cons, page, withheld: bool) -> list[dict]:
    """The ETS positions and the balance sheets of the group's overview, from the consolidation's
    model (its `ets` a GroupEts, its `assets` GroupBalanceSheets by year)."""
    g, t, md, num, table = page.g, page.t, page.md, page.num, page.table
    if withheld:
        return [{"title": g["ets"], "body": md(g["withheld"])}]
    ets = cons.ets
    rows = [
        [md(eid), md(r.obligation), num(r.due), num(r.surrendered), md(t["verdict_names"].get(r.status, r.status)), md(r.deadline or "")]
        for eid, rs in sorted((ets.by_entity if ets else {}).items())
        for r in rs
    ]
    if rows and ets is not None:
        rows.append([page.bold(g["group_total"]), "", num(ets.group.due), num(ets.group.surrendered), md(", ".join(ets.group.open)), ""])
        ets_body = table(
            [g["entity"], g["obligation"], g["due"], g["surrendered"], t["status"], g["deadline"]], rows, ["left", "left", "right", "right", "left", "left"]
        )
    else:
        ets_body = md(g["no_ets"])
    years = cons.assets or {}
    if years:
        rows = []
        for y, cell in years.items():
            for eid, a in cell.by_entity.items():
                rows.append([md(y), md(eid), num(a.positive), num(a.negative), num(a.net)])
            rows.append([md(y), page.bold(g["group_total"]), num(cell.positive), num(cell.negative), num(cell.net)])
        assets_body = table([g["year"], g["entity"], g["positive"], g["negative"], g["net"]], rows, ["left", "left", "right", "right", "right"])
    else:
        assets_body = md(g["no_assets"])
    return [{"title": g["ets"], "body": ets_body}, {"title": g["assets"], "body": assets_body}]


CONSOLIDATION = Consolidation(
    sections,
    render=render,
    rests_on=("trading",),
    models={"ets": GroupEts, "assets": dict[str, GroupBalanceSheet]},
    reads=AssetsReads,
)

"""What the assets result adds to a group (cms_build/group.py, README: Groups): the ETS
obligations of each covered entity (C.8.1.1; the regulator's account holder: listed per entity
and summed at 100 % for the group, never by equity share), and the Annex G balance sheets
(G.2 positive, G.3 negative lines) per entity and year with the group's, each entity counted by
its factor; their blocks of the group's overview page."""

from __future__ import annotations

from cms_build.api import Classifier, Consolidation, Label, Number, ReadModel, ReadValue, RecordId, ResultModel, Source, TracedValue, is_restricted


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
    """An ETS obligation of a covered entity, at 100 % (C.8.1.1: the entity, not the group, is
    the regulator's account holder). `source` names the obligation's record in the entity's
    export, and its figures are traced to the entity's figures (Source.result), so the public
    profile restricts the row of an obligation the entity's public export does not show
    (publish.group_results), its id included."""

    obligation: RecordId
    due: TracedValue
    surrendered: TracedValue
    status: str | None
    deadline: str | None
    source: Source


class EtsOpen(ResultModel):
    """An obligation of the group not met yet: its record in the entity's export."""

    obligation: RecordId
    source: Source


class EtsTotals(ResultModel):
    """The group's ETS position: every covered entity's obligations summed at 100 %."""

    due: TracedValue
    surrendered: TracedValue
    open: dict[str, list[EtsOpen]]  # by entity


class GroupEts(ResultModel):
    by_entity: dict[str, list[EtsRow]]
    group: EtsTotals


class GroupBalanceLine(ResultModel):
    side: Classifier
    category: Classifier | None
    label_zh: Label | None
    label_en: Label | None
    value: TracedValue | None


class EntityBalanceSheet(ResultModel):
    """An entity's Annex G balance sheet of a year, counted by its factor: P_g = f × P,
    N_g = f × N (G.2 positive, G.3 negative lines), each traced to the entity's own totals."""

    factor: Number
    why: Label
    positive: TracedValue
    negative: TracedValue
    net: TracedValue
    lines: list[GroupBalanceLine]


class GroupBalanceSheet(ResultModel):
    """A year of the group's balance sheet: the entities' parts summed (P = Σ P_g, N = Σ N_g)."""

    by_entity: dict[str, EntityBalanceSheet]
    positive: TracedValue
    negative: TracedValue
    net: TracedValue


def sections(g) -> dict:
    return {"ets": _ets(g), "assets": _balance_sheets(g)}


def _figure(v: ReadValue | None) -> float:
    """A figure the group adds up: 0 where the entity's result has none."""
    return (v.value if v else None) or 0.0


def _ets(g) -> dict:
    per: dict = {}
    dues: list = []
    surrendered: list = []
    open_: dict = {}
    for ent in g.entities:
        eid, rows = ent["id"], []
        for oid, ob in sorted(g.result(ent).compliance.items()):
            at = f"assets.compliance.{oid}"
            record = {"entity": eid, "record": oid}
            d = ob.due.value if ob.due else None  # none stated nor verified yet: no figure, not 0
            due = g.trace(
                f"{eid} {oid} due",
                "D_g = D",
                d,
                "t",
                inputs=[{"symbol": "D", "name": f"{eid} {oid} amount due", "value": d, "unit": "t", "source": {**record, "result": f"{at}.due"}}],
            )
            s_a, s_c = ob.allowances_surrendered, ob.ccer_surrendered
            done = g.trace(
                f"{eid} {oid} surrendered",
                "S = S_A + S_CCER",
                s_a + s_c,
                "t",
                inputs=[
                    {
                        "symbol": "S_A",
                        "name": "allowances surrendered",
                        "value": s_a,
                        "unit": "t",
                        "source": {**record, "result": f"{at}.allowances_surrendered"},
                    },
                    {"symbol": "S_CCER", "name": "CCER surrendered", "value": s_c, "unit": "t", "source": {**record, "result": f"{at}.ccer_surrendered"}},
                ],
            )
            status = g.status(ent, oid, ob.computed_status)
            rows.append({"obligation": oid, "due": due, "surrendered": done, "status": status, "deadline": ob.deadline, "source": record})
            dues.append(due)
            surrendered.append(done)
            if status != "met":
                open_.setdefault(eid, []).append({"obligation": oid, "source": record})
        if rows:
            per[eid] = rows
    return {
        "by_entity": per,
        "group": {
            "due": g.trace("group ETS due", "D = Σ D_g", sum((t["value"] or 0.0 for t in dues), 0.0), "t", steps=dues),
            "surrendered": g.trace("group ETS surrendered", "S = Σ S_g", sum((t["value"] for t in surrendered), 0.0), "t", steps=surrendered),
            "open": open_,
        },
    }


def _balance_sheets(g) -> dict:
    years: dict = {}
    for ent in g.entities:
        eid = ent["id"]
        f, why = g.factor(ent)
        for year, bs in g.result(ent).balance_sheets.items():
            at = f"assets.balance_sheets.{year}"
            cell = years.setdefault(year, {"by_entity": {}})

            def part(symbol, name, value, path, label):
                return g.trace(
                    label,
                    f"{symbol}_g = f × {symbol}",
                    f * value,
                    "CNY",
                    inputs=[
                        {"symbol": "f", "name": why, "value": f, "unit": "1", "source": {"entity": eid, "setting": "group.entities"}},
                        {"symbol": symbol, "name": name, "value": value, "unit": "CNY", "source": {"entity": eid, "result": path}},
                    ],
                )

            pos = part("P", f"{eid} positive carbon assets", _figure(bs.total_positive), f"{at}.total_positive", f"{eid} {year} positive")
            neg = part("N", f"{eid} negative carbon assets", _figure(bs.total_negative), f"{at}.total_negative", f"{eid} {year} negative")
            lines = []
            for side, side_lines in (("positive", bs.positive), ("negative", bs.negative)):
                for i, ln in enumerate(side_lines):
                    v = ln.value.value if ln.value is not None else None
                    value = None
                    if v is not None:
                        label = f"{eid} {year} {ln.label_en or ln.category or side}"
                        value = part("V", label, v, f"{at}.{side}.{i}.value", label)
                    lines.append({"side": side, "category": ln.category, "label_zh": ln.label_zh, "label_en": ln.label_en, "value": value})
            cell["by_entity"][eid] = {
                "factor": f,
                "why": why,
                "positive": pos,
                "negative": neg,
                "net": g.trace(f"{eid} {year} net", "P_g − N_g", pos["value"] - neg["value"], "CNY", steps=[pos, neg]),
                "lines": lines,
            }
    out = {}
    for year, cell in sorted(years.items()):
        parts = list(cell["by_entity"].values())
        pos = g.trace(f"group {year} positive", "P = Σ P_g", sum(p["positive"]["value"] for p in parts), "CNY", steps=[p["positive"] for p in parts])
        neg = g.trace(f"group {year} negative", "N = Σ N_g", sum(p["negative"]["value"] for p in parts), "CNY", steps=[p["negative"] for p in parts])
        net = g.trace(f"group {year} net", "P − N", pos["value"] - neg["value"], "CNY", steps=[pos, neg])
        out[year] = {"by_entity": cell["by_entity"], "positive": pos, "negative": neg, "net": net}
    return out


def render(cons, page, withheld: bool) -> list[dict]:
    """The ETS positions and the balance sheets of the group's overview, from the consolidation's
    model (its `ets` a GroupEts, its `assets` GroupBalanceSheets by year). A row or figure the
    public profile restricted (publish.group_results) says so, its obligation's id with it."""
    g, t, md, num, table = page.g, page.t, page.md, page.num, page.table
    if withheld:
        return [{"title": g["ets"], "body": md(g["withheld"])}]

    def fig(v):  # a TracedValue; None: in a row the profile restricted
        if v is None or is_restricted(v):
            return md(t["restricted"])
        return md("") if v.value is None else num(v.value)

    def rid(r):
        return md(r or t["restricted"])

    ets = cons.ets
    rows = [
        [md(eid), rid(r.obligation), fig(r.due), fig(r.surrendered), md(t["verdict_names"].get(r.status, r.status) if r.status else ""), md(r.deadline or "")]
        for eid, rs in sorted((ets.by_entity if ets else {}).items())
        for r in rs
    ]
    if rows and ets is not None:
        open_ = ", ".join(f"{eid}:{o.obligation or t['restricted']}" for eid, os_ in sorted(ets.group.open.items()) for o in os_)
        rows.append([page.bold(g["group_total"]), "", fig(ets.group.due), fig(ets.group.surrendered), md(open_), ""])
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
                rows.append([md(y), md(eid), fig(a.positive), fig(a.negative), fig(a.net)])
            rows.append([md(y), page.bold(g["group_total"]), fig(cell.positive), fig(cell.negative), fig(cell.net)])
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

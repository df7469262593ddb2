"""What the emissions result adds to a group (cms_build/group.py, README: Groups): each year's
consolidated inventory, every entity counted by its factor (operational or financial control:
100 % or 0 %; equity share: its share), less what is bought inside the group from another
entity (GHG Protocol ch. 3-4: no double counting inside the boundary); its block of the
group's overview page and of the text output of `cms group`."""

from __future__ import annotations

from cms_build.api import Classifier, Consolidation, Md, Number, ReadEntry, ReadModel, ReadValue, ResultModel, TracedValue


class ReadYear(ReadModel):
    total: ReadValue | None = None
    by_category: dict[str, ReadValue] = {}
    entries: dict[str, ReadEntry] = {}


class EmissionsReads(ReadModel):
    """What the group reads of an entity's emissions (digest, sections, purchase)."""

    years: dict[str, ReadYear] = {}


class GroupCategory(ResultModel):
    """A source category of a group year: each entity's part (its factor applied, less what is
    eliminated), traced to the entity's category figure (Source.result), and their sum, traced
    to the parts, so the public profile restricts a part whose figure the entity's public export
    does not show, and the sum with it (publish.group_results)."""

    by_entity: dict[str, TracedValue]
    value: TracedValue


class GroupEmissionsYear(ResultModel):
    """A year of the group's inventory (E = Σ E_g + Σ ΔE)."""

    by_entity: dict[str, TracedValue]
    by_category: dict[Classifier, GroupCategory]
    eliminations: list[TracedValue]
    gross: Number
    total: TracedValue


def purchase(result: EmissionsReads, year, record: str) -> ReadEntry | None:
    """The buyer's computed entry of a purchase (its activity_data record) in a year, or None."""
    y = result.years.get(str(year))
    return y.entries.get(record) if y else None


def sections(g) -> dict:
    years = sorted({y for e in g.entities for y in g.result(e).years})
    return {"emissions": {y: _year(g, y) for y in years}}


def _value(v: ReadValue | None) -> float:
    """A figure the group adds up: 0 where the entity's result has none."""
    return (v.value if v else None) or 0.0


def _year(g, year: str) -> dict:
    by_entity, by_category = {}, {}
    for ent in g.entities:
        y = g.result(ent).years.get(year)
        if not y:
            continue
        f, why = g.factor(ent)
        total = _value(y.total)
        by_entity[ent["id"]] = g.trace(
            f"{ent['id']} {year}",
            "E_g = f × E",
            f * total,
            "tCO2e",
            inputs=[
                {"symbol": "f", "name": why, "value": f, "unit": "1", "source": {"entity": ent["id"], "setting": "group.entities"}},
                {
                    "symbol": "E",
                    "name": f"{ent['id']} total",
                    "value": total,
                    "unit": "tCO2e",
                    "source": {"entity": ent["id"], "result": f"emissions.years.{year}.total"},
                },
            ],
        )
        for cat, tr in y.by_category.items():
            by_category.setdefault(cat, {})[ent["id"]] = {"f": f, "why": why, "E": _value(tr), "eliminated": []}
    eliminations = []
    for t in g.transfers:
        if str(t["year"]) != year or not g.has(t["buyer"]):
            continue
        entry = g.purchase(t)
        if not entry or entry.category != g.purchase_category(t["energy"]):
            continue  # group.transfer says why; nothing is eliminated on a record that is not there
        unit = entry.activity.unit if entry.activity else None
        if unit not in (None, g.transfer_unit(t["energy"])):
            continue  # quantities in two units: group.transfer says so
        act = (entry.activity.value if entry.activity else None) or 0.0
        emitted = _value(entry.total)
        buyer = next(e for e in g.entities if e["id"] == t["buyer"])
        seller = next((e for e in g.entities if e["id"] == t["seller"]), None)
        f, why = g.factor(buyer)
        ef = emitted / act if act else 0.0
        removed = f * min(t["quantity"], act) * ef
        eliminations.append(
            g.trace(
                f"intra-group {t['energy']} {t['seller']} → {t['buyer']} {year}",
                "ΔE = f × Q × EF",
                -removed,
                "tCO2e",
                inputs=[
                    {"symbol": "f", "name": why, "value": f, "unit": "1", "source": {"entity": t["buyer"]}},
                    {
                        "symbol": "Q",
                        "name": "quantity sold inside the group",
                        "value": t["quantity"],
                        "unit": unit,
                        "source": {"setting": "group.transfers", "record": t["seller_record"], "entity": t["seller"]},
                    },
                    {
                        "symbol": "EF",
                        "name": f"the buyer's factor: {emitted} tCO2e / {act} in {t['buyer_record']}",
                        "value": ef,
                        "unit": "tCO2e per unit",
                        "source": {"entity": t["buyer"], "record": t["buyer_record"]},
                    },
                ],
                notes=[
                    f"the {t['energy']} is generated by {t['seller']}, whose direct emissions already count in the group total"
                    + (f" ({g.factor(seller)[1]})" if seller else "")
                    + f"; {t['buyer']}'s indirect emissions for the same {t['quantity']} would count it twice, so they are removed"
                ],
                method="GHG Protocol ch. 3-4 (consolidation; no double counting inside the boundary)",
            )
        )
        cell = by_category.setdefault(g.purchase_category(t["energy"]), {})
        cell.setdefault(t["buyer"], {"f": f, "why": why, "E": None, "eliminated": []})["eliminated"].append(eliminations[-1])
    gross = sum(t["value"] for t in by_entity.values())
    eliminated = sum(e["value"] for e in eliminations)
    total = g.trace(f"group total {year}", "E = Σ E_g + Σ ΔE", gross + eliminated, "tCO2e", steps=list(by_entity.values()) + eliminations)
    return {
        "by_entity": by_entity,
        "by_category": {c: _category(g, year, c, v) for c, v in sorted(by_category.items())},
        "eliminations": eliminations,
        "gross": gross,
        "total": total,
    }


def _category(g, year: str, cat: str, parts: dict) -> dict:
    """A category's cells, each E_g,c = f × E_c (+ Σ ΔE where the group eliminates a purchase
    in it; E_c left out where the entity reports none in the category), and their sum."""
    by_entity = {}
    for eid, p in parts.items():
        inputs, formula, value = [], "E_g,c = Σ ΔE", 0.0
        if p["E"] is not None:
            inputs = [
                {"symbol": "f", "name": p["why"], "value": p["f"], "unit": "1", "source": {"entity": eid, "setting": "group.entities"}},
                {
                    "symbol": "E_c",
                    "name": f"{eid} {cat}",
                    "value": p["E"],
                    "unit": "tCO2e",
                    "source": {"entity": eid, "result": f"emissions.years.{year}.by_category.{cat}"},
                },
            ]
            formula, value = "E_g,c = f × E_c", p["f"] * p["E"]
        if p["eliminated"]:
            formula = formula + " + Σ ΔE" if p["E"] is not None else formula
            value += sum(el["value"] for el in p["eliminated"])
        by_entity[eid] = g.trace(f"{eid} {cat} {year}", formula, value, "tCO2e", inputs=inputs, steps=list(p["eliminated"]))
    total = sum(t["value"] for t in by_entity.values())
    return {"by_entity": by_entity, "value": g.trace(f"group {cat} {year}", "E_c = Σ E_g,c", total, "tCO2e", steps=list(by_entity.values()))}


def _plain(v) -> str:
    return f"{v:,.6g}" if isinstance(v, float) else str(v)


def render(cons, page, withheld: bool) -> list[dict]:
    """The group's inventory on its overview, from the consolidation's model (its `emissions`
    GroupEmissionsYears by year, its `entities` why each is counted so)."""
    g, md, num, table = page.g, page.md, page.num, page.table
    if withheld:
        return [{"title": g["emissions"], "body": md(g["withheld"])}]
    by_year = cons.emissions or {}
    years = sorted(by_year)
    if not years:
        return [{"title": g["emissions"], "body": md(g["no_emissions"])}]

    def fig(value):  # a figure the public profile restricted (publish.group_results) says so
        return md(page.t["restricted"]) if value is None else num(value)

    rows = []
    for y in years:
        e = by_year[y]
        eliminated = None if e.total.value is None or e.gross is None else e.total.value - e.gross
        rows.append([md(y), fig(e.gross), fig(eliminated), fig(e.total.value)])
    parts = [table([g["year"], g["gross"], g["eliminated"], g["total"]], rows, ["left", "right", "right", "right"])]
    y = years[-1]
    e = by_year[y]
    parts.append(Md(f"\n\n**{md(g['by_entity'])} {md(y)}**\n\n"))
    parts.append(
        table(
            [g["entity"], g["approach"], g["factor"], "tCO2e"],
            [[md(eid), md(cons.entities[eid].why), fig(tr.inputs[0].value if tr.inputs else None), fig(tr.value)] for eid, tr in e.by_entity.items()],
            ["left", "left", "right", "right"],
        )
    )
    parts.append(Md(f"\n\n**{md(g['by_category'])} {md(y)}**\n\n"))
    cats = page.labels("emission_source.schema.json", "properties", "category")
    parts.append(table([g["category"], "tCO2e"], [[md(page.label(cats, c)), fig(v.value.value)] for c, v in e.by_category.items()], ["left", "right"]))
    if e.eliminations:
        parts.append(Md(f"\n\n**{md(g['eliminations'])} {md(y)}**\n\n"))
        rows = []
        for el in e.eliminations:
            inputs = "; ".join(f"{i.symbol} = {_plain(i.value)} {i.unit or ''} ({i.name})" for i in el.inputs or [])
            rows.append([md(el.label or page.t["restricted"]), md(el.formula), md(inputs), fig(el.value), md(" ".join(el.notes or []))])
        parts.append(table([g["transfer"], g["formula"], g["inputs"], "tCO2e", g["why"]], rows, ["left", "left", "left", "right", "left"]))
    return [{"title": g["emissions"], "body": Md("".join(str(p) for p in parts))}]


def text(cons) -> list[str]:
    """The latest year's group total and each entity's part, for `cms group`."""
    lines: list[str] = []
    by_year = cons.emissions or {}
    latest = sorted(by_year)
    if latest:
        y = latest[-1]
        e = by_year[y]
        lines.append(f"\ngroup {y}: {e.total.value:.1f} tCO2e ({e.gross:.1f} before eliminating {-(e.total.value - e.gross):.1f} intra-group)")
        for eid, tr in e.by_entity.items():
            lines.append(f"  {eid:<12} {tr.value:>16.1f}  {cons.entities[eid].why}")
    return lines


CONSOLIDATION = Consolidation(sections, render=render, text=text, purchase=purchase, models={"emissions": dict[str, GroupEmissionsYear]}, reads=EmissionsReads)

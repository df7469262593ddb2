"""The domain pages: emissions (A, Annex E/F), trading and assets (B, C, Annex G), neutrality (D).

Each page shows what the domain's computation left in the results (checks/emissions/compute.py,
checks/trading/compute.py, checks/assets/compute.py, checks/neutrality/compute.py document the structures), taken
from the View, so a public build shows what the View lets it show ("restricted" where a
value came from an unpublished record). Every part tolerates absent results and absent
keys: an organization may adopt only some subsystems, and a computation that failed leaves
None (its failure is a finding). Each page also gives the home page a headline block.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..results import dump, shape_error
from . import charts, urls
from .escape import Md, fmt_value, join, md, text
from .render import ResultRenderer, TraceRenderer, badge, is_trace, restricted, result_key, status_badge, status_legend

EMISSIONS_YEAR = "emissions/{year}.md"
SURVEILLANCE = "trading/surveillance-{name}-{year}.md"  # /trading/*.md: outside the nav, like the other detail pages
ANNEX_E = "emissions/annex-e.md"
CLAIM_STATUS_CLASS = {"valid": "valid", "expiring": "valid", "withdrawn": "withdrawn", "expired": "expired",
                      "superseded": "expired", "correction_pending": "pending", "not_yet_valid": "pending",
                      "draft": "pending", "invalid": "invalid"}


def claim_class(st: dict) -> str:
    """The badge class of a claim's derived status: green ("valid") only when its tone is good."""
    status = str(st.get("status", ""))
    cls = CLAIM_STATUS_CLASS.get(status, "pending")
    if cls == "valid" and "tone" in st and st.get("tone") != "good":
        cls = "invalid" if st.get("tone") == "bad" else "pending"
    return cls


def write(pages, model, docs: Path) -> list[dict]:
    """Write the three domain pages; returns their navigation entries and home headlines.

    The results are typed: each computation validates its own (checks/<domain>/results.py), so
    a page that fails on them is a bug in the page. It fails the build, naming the page, rather
    than falling back to a generic layout that would hide it behind a warning.
    """
    out = []
    for cls in (Emissions, Trading, Neutrality):
        domain = cls(pages, model, docs)
        try:
            out.append(domain.write())
        except Exception as exc:  # noqa: BLE001 - named, then the build stops
            from .build import BuildError
            what = shape_error(exc) if isinstance(exc, ValidationError) else f"{type(exc).__name__}: {exc}"
            raise BuildError(f"the {domain.key} page could not be written ({what}); "
                             "this is a bug in cms, not in your records: please report it") from exc
    return out


def trace_links(model) -> dict[str, list[tuple[str, str, str, str]]]:
    """record id -> [(label, page, anchor, domain)] of the calculations the record feeds, for its page."""
    out: dict[str, list] = {}
    emissions = model.results.get("emissions") or {}
    for year, inv in sorted((emissions.get("years") or {}).items()):
        for rid in sorted((inv or {}).get("entries") or {}):
            if model.visible(rid):
                out.setdefault(rid, []).append((f"{model.t['emissions']} {year}", EMISSIONS_YEAR.format(year=year),
                                                urls.id_anchor("entry", rid), "emissions"))
    neutrality = model.results.get("neutrality") or {}
    for cid in sorted(neutrality.get("claims") or {}):
        if model.visible(cid):
            out.setdefault(cid, []).append((model.t["neutrality"], urls.NEUTRALITY, urls.id_anchor("claim", cid),
                                            "neutrality"))
    for fid in sorted(neutrality.get("footprints") or {}):
        if model.visible(fid):
            out.setdefault(fid, []).append((model.t["neutrality"], urls.NEUTRALITY, urls.id_anchor("footprint", fid),
                                            "neutrality"))
    assets = model.results.get("assets") or {}
    for eid in sorted(assets.get("compliance") or {}):
        if model.visible(eid):
            out.setdefault(eid, []).append((model.t["trading"], urls.TRADING, urls.id_anchor("compliance", eid),
                                            "trading"))
    return out


class Domain:
    key = ""
    page = ""
    subsystems: tuple = ()
    result_ids: tuple = ()

    def __init__(self, pages, model, docs: Path):
        self.pages, self.m, self.t, self.docs = pages, model, model.t, docs
        self.adopted = bool(set(self.subsystems) & model.settings.subsystems)
        self.link = urls.Linker(self.page)
        self.home = urls.Linker(urls.HOME)  # the headline block is shown on the home page
        self.traces = TraceRenderer(model, self.page, self.key)

    # -- small pieces -------------------------------------------------------------------
    def word(self, value) -> Md:
        """An enum value (offset kind, category, market key) in the words of the site language."""
        return md(self.m.value_words(value) or value)

    def num(self, value, unit: str = "") -> Md:
        if value is None:
            return md("—")
        if isinstance(value, bool):
            return md(self.t["bool_yes"] if value else self.t["bool_no"])
        if isinstance(value, (int, float)):
            return md(fmt_value(value, unit))  # the site's one number format (escape.fmt_value)
        return md(value)

    def tv(self, traced) -> Md:
        """The value of a Traced dict with its unit; 'restricted' when the View withheld it."""
        if not isinstance(traced, dict):
            return self.num(traced)
        if traced.get("value") is None and traced.get("restricted"):
            return restricted(self.t)
        return self.num(traced.get("value"), traced.get("unit", ""))

    def pct(self, value) -> Md:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return md("—")
        return md(f"{value:+.2f} %")

    def s(self, value) -> Md:
        """Text from the results; the View's 'restricted' marker as the placeholder."""
        return restricted(self.t) if value == "restricted" else md(value if value is not None else "")

    def rec(self, rid, link: urls.Linker | None = None, with_title: bool = False) -> Md:
        L = link or self.link
        if isinstance(rid, str) and self.m.visible(rid):
            r = self.m.by_id[rid]
            return L.to(self.m.page_of(rid), f"{rid} {r.title}" if with_title and r.title != rid else rid)
        if rid is None:
            return md("")
        return restricted(self.t) if self.m.public or rid == "restricted" else md(rid)

    def chart(self, name: str, svg: str | None, alt: str, link: urls.Linker | None = None) -> Md:
        if not svg:
            return Md("")
        rel = f"charts/{urls.safe_name(name)}.svg"
        path = self.docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
        return Md(f"![{md(alt)}]({(link or self.link).url(rel)}){{ .cms-chart }}")

    def pages_table(self, headers, rows, align=None) -> Md:
        from .pages import table
        return table(headers, rows, align)

    def section(self, title: str, body, level: int = 2, anchor_id: str = "") -> dict:
        return {"title": title, "level": level, "anchor": anchor_id, "body": body if isinstance(body, Md) else md(body)}

    def finish(self, blocks: list[dict], headline=None, intro=None) -> dict:
        t = self.t
        if intro is None:
            withheld = any(r in self.m.withheld for r in self.result_ids)
            intro = (md(t["not_adopted"]) if not self.adopted else md(t["withheld_result"]) if withheld and not blocks
                     else md(t["no_results"]) if not blocks else Md(""))
        self.pages.render("section.md.j2", self.page, title=t[self.key], intro=intro, blocks=blocks)
        return {"nav": t[self.key], "page": self.page, "title": t[self.key], "headline": headline}


# -- emissions ---------------------------------------------------------------------------
class Emissions(Domain):
    key, page, subsystems, result_ids = "emissions", urls.EMISSIONS, ("A",), ("emissions", "annex_e")

    def write(self) -> dict:
        m, t = self.m, self.t
        res = m.results.get("emissions")
        if not isinstance(res, dict) or not res.get("years"):
            return self.finish([])
        years = sorted((res.get("years") or {}).items(), key=lambda kv: str(kv[0]))
        blocks = []
        rows = []
        for year, inv in years:
            inv = inv or {}
            reported, verified = inv.get("reported") or {}, inv.get("verified") or {}
            changes = (inv.get("changes") or {}).get("total") or {}
            intensity = (inv.get("intensity") or {}).get("per_output_value")
            rows.append((self.link.to(EMISSIONS_YEAR.format(year=year), str(year)), self.tv(inv.get("total")),
                         self.pct(changes.get("change_pct")),
                         join([self.rec(reported.get("record")), self.num(reported.get("value"))], " ") if reported else md("—"),
                         join([self.rec(verified.get("record")), md(verified.get("opinion", ""))], " ") if verified else md("—"),
                         self.tv(intensity) if intensity else md("—")))
        head = [t["year"], t["total_emissions"], t["change_vs_previous"], t["reported"], t["verified"],
                t["intensity_output_value"]]
        totals = {int(y): (inv or {}).get("total", {}).get("value") for y, inv in years}
        chart = self.chart("emissions-total", charts.line_chart(t["total_emissions"], "tCO2e",
                                                                [(t["total_emissions"], totals)]), t["total_emissions"])
        blocks.append(self.section(t["inventory_by_year"], join([
            md(t["gwp_set"] + ": " + str(res.get("gwp_set", ""))), Md("\n\n"), self.pages_table(head, rows),
            Md("\n\n"), chart, Md("\n\n"), self.link.to(ANNEX_E, t["annex_e_tables"])], ""), anchor_id="inventory"))
        blocks += self.indicators(res)
        blocks += self.targets(res)
        for label, key in ((t["not_computed"], "not_computed"), (t["excluded"], "excluded")):
            ids = [i for i in res.get(key) or [] if isinstance(i, str)]
            if ids:
                blocks.append(self.section(label, join([self.rec(i) for i in ids], ", ")))
        for year, inv in years:
            self.year_page(str(year), inv or {})
        self.annex_e(m.results.get("annex_e"))
        latest_year, latest = years[-1]
        headline = join([text(f"{latest_year}: "), self.tv((latest or {}).get("total")), text(" · "),
                         self.home.to(self.page, t["emissions"])] + self.target_summary(res), "")
        return self.finish(blocks, headline=headline)

    def indicators(self, res) -> list[dict]:
        t = self.t
        out = []
        for iid, ind in sorted((res.get("indicators") or {}).items()):
            if not isinstance(ind, dict):
                continue
            unit = ind.get("unit", "")
            values = {y: v.get("value") for y, v in (ind.get("values") or {}).items() if isinstance(v, dict)}
            hl, pts = [], []
            base, bench = ind.get("baseline") or {}, ind.get("benchmark") or {}
            if isinstance(base.get("value"), (int, float)):
                hl.append((t["baseline"], base["value"]))
            if isinstance(bench.get("value"), (int, float)):
                hl.append((t["benchmark"], bench["value"]))
            for tg in (res.get("targets") or {}).values():
                if isinstance(tg, dict) and tg.get("indicator") == iid and str(tg.get("deadline", ""))[:4].isdigit():
                    pts.append((f"{t['target']} {tg.get('id', '')}", int(str(tg["deadline"])[:4]), tg.get("target")))
            title = t["restricted"] if ind.get("title") == "restricted" else str(ind.get("title", iid))
            svg = charts.line_chart(title, unit, [(title, {int(y): v for y, v in values.items() if str(y).isdigit()})],
                                    hlines=hl, points=pts)
            rows = []
            comparison = ind.get("comparison") or {}
            for y, v in sorted((ind.get("values") or {}).items()):
                c = comparison.get(y) or {}
                rows.append((md(y), self.tv(v), self.pct(c.get("vs_baseline_pct")), self.pct(c.get("vs_benchmark_pct"))))
            body = [join([self.rec(iid), text(f" · {t['unit']}: {unit}"),
                          text(f" · {t['baseline']}: ") if base else Md(""),
                          join([self.num(base.get("value"), base.get("unit", "")), self.rec(base.get("record"))], " ")
                          if base else Md(""),
                          text(f" · {t['benchmark']}: ") if bench else Md(""),
                          join([self.num(bench.get("value"), bench.get("unit", "")), md(bench.get("source", ""))], " ")
                          if bench else Md("")], ""),
                    self.pages_table([t["year"], t["value"], t["vs_baseline"], t["vs_benchmark"]], rows),
                    self.chart(f"indicator-{iid}", svg, title)]
            problems = [md(p) for p in ind.get("problems") or []]
            if problems:
                body.append(join(problems, Md("<br>")))
            out.append(self.section(title, join(body, Md("\n\n")), level=3, anchor_id=urls.id_anchor("indicator", iid)))
        if out:
            out.insert(0, self.section(self.t["indicators"], Md(""), anchor_id="indicators"))
        return out

    def targets(self, res) -> list[dict]:
        t = self.t
        rows = []
        for tid, tg in sorted((res.get("targets") or {}).items()):
            if not isinstance(tg, dict):
                continue
            rows.append((self.rec(tid), self.s(tg.get("title", "")), self.rec(tg.get("indicator")),
                         self.num(tg.get("baseline"), tg.get("unit", "")), self.num(tg.get("target"), tg.get("unit", "")),
                         md(tg.get("deadline", "")), join([md(tg.get("latest_year", "")), self.num(tg.get("latest"))], ": "),
                         md(f"{tg['achieved_pct']:.1f} %") if isinstance(tg.get("achieved_pct"), (int, float)) else md("—"),
                         status_badge(t, {"kind": "target", **tg})))
        if not rows:
            return []
        return [self.section(t["targets"], join([self.pages_table(
            [t["id"], t["title"], t["indicator"], t["baseline"], t["target"], t["deadline"], t["latest"],
             t["achieved"], t["status"]], rows), status_legend(t, "target")], Md("\n\n")), anchor_id="targets")]

    def target_summary(self, res) -> list:
        t = self.t
        statuses = [(str(tg.get("status")), str(tg.get("tone"))) for tg in (res.get("targets") or {}).values()
                    if isinstance(tg, dict)]
        if not statuses:
            return []
        counts = {s: statuses.count(s) for s in dict.fromkeys(statuses)}
        return [text(f" · {t['targets']}: ")] + [join([status_badge(t, {"kind": "target", "status": s, "tone": tone}),
                                                        md(n)], " ") for (s, tone), n in counts.items()]

    def year_page(self, year: str, inv: dict) -> None:
        t, m = self.t, self.m
        rel = EMISSIONS_YEAR.format(year=year)
        L = urls.Linker(rel)
        traces = TraceRenderer(m, rel, "e")
        blocks = []
        total = inv.get("total")
        summary = [join([text(t["total_emissions"] + ": "), self.tv(total)], "")]
        if isinstance(total, dict) and total.get("formula"):
            summary.append(join([text(t["trace_formula"] + ": "), md(total["formula"])], ""))
        blocks.append(self.section("", join(summary, Md("<br>"))))
        entries = inv.get("entries") or {}
        sources = inv.get("sources") or {}
        rows = []
        for sid, src in sorted(sources.items(), key=lambda kv: -(kv[1] or {}).get("value", 0) if isinstance((kv[1] or {}).get("value"), (int, float)) else 0):
            src = src or {}
            recs = [r for r in src.get("records") or [] if isinstance(r, str)]
            drill = join([L.to(rel, r, urls.id_anchor("entry", r)) if m.visible(r) and r in entries else self.rec(r, L)
                          for r in recs], ", ")
            rows.append((self.rec(sid, L), self.s(src.get("title", "")), self.rec(src.get("facility"), L), self.s(src.get("site") or ""),
                         md(t["category_names"].get(src.get("category"), src.get("category") or "")),
                         md(t["method_names"].get(src.get("method"), src.get("method") or "")),
                         self.num(src.get("value"), "tCO2e"), drill))
        blocks.append(self.section(t["by_source"], self.pages_table(
            [t["source"], t["title"], t["facility"], t["site"], t["category"], t["method"], t["value"], t["trace"]],
            rows, ["left"] * 6 + ["right", "left"]), anchor_id="by-source"))
        blocks += self.ets_boundary(inv, traces, L)
        for key, label in (("by_facility", t["facility"]), ("by_site", t["site"]), ("by_category", t["category"]),
                           ("by_method", t["method"]), ("by_gas", t["gas"]), ("by_process", t["process"])):
            part = inv.get(key) or {}
            if not part:
                continue
            names = t["category_names"] if key == "by_category" else t["method_names"] if key == "by_method" else {}
            prow = [((self.rec(k, L) if key == "by_facility" else md(names.get(k, k))), self.tv(v)) for k, v in sorted(part.items())]
            blocks.append(self.section(f"{t['breakdown']}: {label}", self.pages_table([label, t["value"]], prow,
                                                                                       ["left", "right"]), level=3))
        intensity = inv.get("intensity") or {}
        intensity_traces = []
        if isinstance(intensity.get("per_output_value"), dict):
            intensity_traces.append(intensity["per_output_value"])
        intensity_traces += [v for _, v in sorted((intensity.get("per_product") or {}).items()) if isinstance(v, dict)]
        if intensity_traces:
            body = "\n".join(line for tr in intensity_traces for line in traces.render(tr, 3, "", ("intensity", tr.get("label", ""))))
            blocks.append(self.section(t["intensity"], Md(body), anchor_id="intensity"))
        gaps = [g for g in inv.get("gaps") or [] if isinstance(g, dict)]
        if gaps:
            grow = [(self.rec(g.get("record"), L), md(g.get("period", "")), md(g.get("status", "")),
                     self.num(g.get("value")), traces.source(g.get("source"))) for g in gaps]
            blocks.append(self.section(t["gaps"], self.pages_table([t["record"], t["period"], t["status"], t["value"],
                                                                     t["trace_source"]], grow)))
        lines = []
        for rid, entry in sorted(entries.items()):
            if not isinstance(entry, dict):
                continue
            visible = m.visible(rid)
            ident = urls.id_anchor("entry", rid)
            title = f"{rid} {sources.get(entry.get('source'), {}).get('title', '')}" if visible else t["restricted"]
            lines += [f"### {md(title)} {{#{ident}}}", ""]
            meta = [self.rec(rid, L), self.rec(entry.get("source"), L), self.rec(entry.get("facility"), L),
                    md(t["category_names"].get(entry.get("category"), entry.get("category") or "")),
                    md(t["method_names"].get(entry.get("method"), entry.get("method") or "")),
                    md(entry.get("clause", "")), md(entry.get("data_source", ""))]
            lines += [str(join([x for x in meta if str(x)], " · ")), ""]
            if isinstance(entry.get("total"), dict):
                lines += traces.render(entry["total"], 4, "", ("entry", rid))
        if lines:
            blocks.append(self.section(t["calculation_traces"], Md("\n".join(lines)), anchor_id="traces"))
        self.pages.render("section.md.j2", rel, L=L, title=f"{t['emissions']} {year}",
                          intro=join([L.to(self.page, t["emissions"]), L.to(ANNEX_E, t["annex_e_tables"])], " · "),
                          blocks=blocks)

    def ets_boundary(self, inv: dict, traces, L) -> list[dict]:
        """The national ETS figure beside the full inventory (checks/emissions/compute.py _ets,
        checks/emissions/inventory.py ets_inventory): per source both figures and the difference, then
        the traces of the ETS total and of the difference."""
        t, ets = self.t, inv.get("ets")
        if not isinstance(ets, dict):
            return []
        rows = []
        for sid, s in sorted((ets.get("by_source") or {}).items()):
            if not isinstance(s, dict):
                continue
            rows.append((self.rec(sid, L), md(t["category_names"].get(s.get("category"), s.get("category") or "")),
                         join([self.num(bool(s.get("in_ets"))), self.s(s.get("why") or "")], " · "),
                         self.num(s.get("inventory"), "tCO2e"), self.num(s.get("ets"), "tCO2e"),
                         self.num(s.get("difference"), "tCO2e")))
        diff = ets.get("difference") if isinstance(ets.get("difference"), dict) else {}
        rows.append((md("Σ"), md(""), md(""), self.tv(inv.get("total")), self.tv(ets.get("total")), self.tv(diff or None)))
        body = [self.pages_table([t["source"], t["category"], t["ets_in"], t["ets_inventory"], t["ets_figure"],
                                  t["ets_difference"]], rows, ["left"] * 3 + ["right"] * 3)]
        lines = []
        for key, tr in (("total", ets.get("total")), ("difference", diff)):
            if isinstance(tr, dict) and tr:
                lines += traces.render(tr, 3, "", ("ets", key))
        if lines:
            body.append(Md("\n".join(lines)))
        return [self.section(t["ets_boundary"], join(body, Md("\n\n")), anchor_id="ets-boundary")]

    def annex_e(self, res) -> None:
        """The tables of the annex_e computation (checks/emissions/annex_e.py), as the view publishes them."""
        t, m = self.t, self.m
        L = urls.Linker(ANNEX_E)
        blocks = []
        data = (res or {}).get("tables") or {} if isinstance(res, dict) else {}
        for tid, table_data in sorted(data.items()):
            if not isinstance(table_data, dict):
                continue
            columns = [c for c in table_data.get("columns") or [] if isinstance(c, dict)]
            headers = [c.get(m.lang) or c.get("zh") or c.get("key", "") for c in columns]
            rows = []
            for row in table_data.get("rows") or []:
                if isinstance(row, dict):
                    rows.append([self.cell(row.get(c.get("key"))) for c in columns])
            notes = [md(n.get(m.lang) or n.get("zh", "")) if isinstance(n, dict) else md(n)
                     for n in table_data.get("notes") or []]
            title = table_data.get("title") or {}
            body = [self.pages_table(headers, rows)]
            if notes:
                body.append(join(notes, Md("<br>")))
            blocks.append(self.section(title.get(m.lang) or title.get("zh") or tid if isinstance(title, dict) else str(title),
                                       join(body, Md("\n\n")), anchor_id=urls.anchor("table", tid)))
        self.pages.render("section.md.j2", ANNEX_E, L=L, title=t["annex_e_tables"],
                          intro=join([L.to(self.page, t["emissions"]), md(t["annex_e_intro"])], " · "),
                          blocks=blocks or [self.section("", md(t["withheld_result" if "annex_e" in self.m.withheld
                                                                    else "no_results"]))])

    def cell(self, value) -> Md:
        if isinstance(value, dict):
            if "zh" in value or "en" in value:
                return md(value.get(self.m.lang) or value.get("zh") or value.get("en") or "")
            if value.get("restricted"):
                return restricted(self.t)
            return md(", ".join(f"{k}: {v}" for k, v in value.items()))
        return self.num(value)


# -- trading and assets ------------------------------------------------------------------
class Trading(Domain):
    key, page, subsystems, result_ids = "trading", urls.TRADING, ("B", "C"), ("assets", "trading", "surveillance")

    def write(self) -> dict:
        t = self.t
        assets = self.m.results.get("assets")
        trading = self.m.results.get("trading")
        blocks: list[dict] = []
        headline_parts = []
        if isinstance(assets, dict):
            comp = self.compliance(assets)
            blocks += comp
            blocks += self.balance_sheets(assets)
            blocks += self.ledger(assets)
            blocks += self.listed(t["asset_problems"], assets.get("problems"), "asset-problems")
            blocks += self.listed(t["serial_clashes"], assets.get("serial_clashes"), "serial-clashes")
            positions = [c for c in (assets.get("compliance") or {}).values()
                         if isinstance(c, dict) and self.m.visible(c.get("record"))]
            if positions:
                latest = sorted(positions, key=lambda c: str(c.get("deadline", "")))[-1]
                headline_parts = [self.rec(latest.get("record") or "", self.home), text(" "),
                                  self.position_badge(latest), text(f" · {t['deadline']}: {latest.get('deadline', '')}")]
            sheets = assets.get("balance_sheets") or {}
            if sheets:
                year = sorted(sheets)[-1]
                headline_parts += [text(f" · {t['net_assets']} {year}: "), self.tv((sheets[year] or {}).get("net"))]
        if isinstance(trading, dict):
            blocks += self.surveillance(trading)
        headline = join(headline_parts + [text(" · "), self.home.to(self.page, t["trading"])], "") if headline_parts else None
        return self.finish(blocks, headline=headline)

    def position_badge(self, c: dict) -> Md:
        t = self.t
        if c.get("status") and c.get("tone"):  # derived (cms_build/statuses.py): findings count too
            return status_badge(t, {"kind": "obligation", **c})
        if c.get("short"):
            state = "short"
        elif c.get("closed") and c.get("late"):
            state = "late"
        elif c.get("closed"):
            state = "met"
        else:
            state = "open"
        return badge("position", state, t["position_names"].get(state, state))

    def compliance(self, assets) -> list[dict]:
        t = self.t
        out = []
        for cid, c in sorted((assets.get("compliance") or {}).items()):
            if not isinstance(c, dict):
                continue
            rows = [(md(t["record"]), self.rec(c.get("record") or cid, with_title=True)),
                    (md(t["period"]), md(c.get("period") if not isinstance(c.get("period"), dict)
                                          else f"{c['period'].get('start', '')} – {c['period'].get('end', '')}")),
                    (md(t["deadline"]), md(c.get("deadline", ""))),
                    (md(t["status"]), self.position_badge(c))]
            for key in ("due", "ccer_limit", "surrendered", "remaining", "cover", "position", "value"):
                if key in c:
                    rows.append((md(t["compliance_names"].get(key, key)), self.tv(c.get(key))))
            for key in ("ccer_share", "allowances_surrendered", "ccer_surrendered"):
                if key in c and not isinstance(c.get(key), (dict, list)):
                    rows.append((md(t["compliance_names"].get(key, key)), self.num(c.get(key))))
            body = [self.pages_table([t["field"], t["value"]], rows)]
            trace_lines = []
            for key in ("due", "surrendered", "remaining", "position"):
                if is_trace(c.get(key)):
                    trace_lines += self.traces.render(c[key], 4, "", ("compliance", cid, key))
            if trace_lines:
                body.append(Md("\n".join(trace_lines)))
            out.append(self.section(f"{cid}", join(body, Md("\n\n")), level=3, anchor_id=urls.id_anchor("compliance", cid)))
        if out:
            out.insert(0, self.section(t["compliance_position"], status_legend(t, "obligation"), anchor_id="compliance"))
        return out

    def balance_sheets(self, assets) -> list[dict]:
        t, lang = self.t, self.m.lang
        out = []
        for year, sheet in sorted((assets.get("balance_sheets") or {}).items()):
            if not isinstance(sheet, dict):
                continue
            body = [md(f"{t['valuation_date']}: {sheet.get('valuation_date', '')}")]
            for side, table_id in (("positive", "G.1"), ("negative", "G.2")):
                rows = []
                for line in sheet.get(side) or []:
                    if not isinstance(line, dict):
                        continue
                    value = line.get("value") or {}
                    inputs = value.get("inputs") if isinstance(value, dict) else None
                    sources = join([self.traces.source(i.get("source")) for i in inputs or [] if isinstance(i, dict)
                                    and i.get("source")], Md("<br>"))
                    rows.append((md(line.get(f"group_{lang}") or line.get("group_zh", "")),
                                 md(line.get(f"label_{lang}") or line.get("label_zh", "")), self.word(line.get("description", "")),
                                 self.num(line.get("quantity"), "t" if line.get("quantity") is not None else ""),
                                 self.tv(value), sources))
                total = sheet.get(f"total_{side}")
                body += [md(f"{t['table']} {table_id} {t['assets_' + side]}"),
                         self.pages_table([t["group"], t["item"], t["description"], t["quantity"], t["value"],
                                           t["trace_source"]], rows, ["left"] * 3 + ["right", "right", "left"]),
                         join([text(t["total"] + ": "), self.tv(total)], "")]
            body.append(Md(f"**{md(t['net_assets'])}: {self.tv(sheet.get('net'))}**"))
            if is_trace(sheet.get("net")):
                body.append(Md("\n".join(self.traces.render(sheet["net"], 4, "", ("balance", year, "net")))))
            out.append(self.section(f"{t['balance_sheet']} {year}", join(body, Md("\n\n")), level=3,
                                    anchor_id=urls.anchor("balance", year)))
        if out:
            out.insert(0, self.section(t["balance_sheet"], md(t["balance_sheet_intro"]), anchor_id="balance-sheet"))
        return out

    def ledger(self, assets) -> list[dict]:
        t = self.t
        rows = []
        for account, by_asset in sorted((assets.get("ledger") or {}).items()):
            if not isinstance(by_asset, dict):
                continue
            for key, entry in sorted(by_asset.items()):
                if not isinstance(entry, dict):
                    continue
                for p in entry.get("periods") or []:
                    if not isinstance(p, dict):
                        continue
                    rows.append((self.rec(account), self.word(key), md(p.get("year", "")),
                                 *[self.num(p.get(k)) for k in ("opening", "allocation", "purchases", "sales",
                                                                "surrenders", "retirements", "transfers", "financing")],
                                 self.tv(p.get("closing"))))
        if not rows:
            return []
        headers = [t["account"], t["asset"], t["year"], *[t["ledger_names"].get(k, k) for k in (
            "opening", "allocation", "purchases", "sales", "surrenders", "retirements", "transfers", "financing",
            "closing")]]
        return [self.section(t["asset_ledger"], self.pages_table(headers, rows, ["left"] * 3 + ["right"] * 9),
                             anchor_id="ledger")]

    def surveillance(self, trading) -> list[dict]:
        t = self.t
        counts = trading.get("counts") or {}
        body = [self.pages_table([t["field"], t["value"]],
                                 [(md(result_key(self.m, k)), self.num(v)) for k, v in sorted(counts.items())])] \
            if counts else []
        body += self.conduct_pages()
        out = [self.section(t["trading_surveillance"], join(body, Md("\n\n")) if body else Md(""), anchor_id="surveillance")]
        for key in ("self_trades", "price_band", "type_mismatch", "cancel_ratios", "reverse_pairs", "problems"):
            out += self.listed(t["surveillance_names"].get(key, key), trading.get(key), f"surveillance-{key}", level=3)
        return out

    # -- conduct surveillance of B.8.2.2.1 a-l: one page per ledger and year -------------------
    def conduct_pages(self) -> list:
        """Write the per-ledger, per-year surveillance pages; the table that links them."""
        from ..rules import bundled_module
        scan = bundled_module("trading.conduct_scan")
        ORG_WIDE, by_ledger_year = scan.ORG_WIDE, scan.by_ledger_year
        sv, t = self.m.results.get("surveillance"), self.t["surveillance_page"]
        if not isinstance(sv, dict) or not isinstance(sv.get("items"), dict):
            return []
        rows = []
        for lid, years in by_ledger_year(sv).items():
            if lid != ORG_WIDE and not self.m.visible(lid):
                continue  # a public build names no unpublished ledger
            for year, items in years.items():
                rel = SURVEILLANCE.format(name=urls.safe_name("all" if lid == ORG_WIDE else lid), year=urls.safe_name(year))
                self.conduct_page(rel, lid, year, items)
                n = sum(len(i.get("hits") or []) for i in items.values())
                unchecked = "".join(k for k, i in items.items() if not i.get("checked"))
                rows.append((md(t["org_wide"]) if lid == ORG_WIDE else self.rec(lid), self.link.to(rel, year),
                             self.num(n), md(", ".join(unchecked) or "—")))
        if not rows:
            return []
        return [md(t["pages"]), self.pages_table([t["ledger"], t["year"], t["hits"], t["not_checked"]], rows,
                                                 ["left", "left", "right", "left"])]

    def conduct_page(self, rel: str, lid: str, year: str, items: dict) -> None:
        t, L = self.t["surveillance_page"], urls.Linker(rel)
        traces = TraceRenderer(self.m, rel, "sv")
        summary, blocks = [], []
        for letter, item in items.items():
            hits = [h for h in item.get("hits") or [] if isinstance(h, dict)]
            kind = "unchecked" if not item.get("checked") else "no-records" if item.get("note") else "checked"
            state = badge("surveillance", kind, t[kind.replace("-", "_")])
            summary.append((L.to(rel, f"{letter})", urls.anchor("item", letter)), md(t["items"].get(letter, "")), state,
                            self.num(len(hits))))
            params = [join([md(k), text(" = "), md(_plain(v))], "") for k, v in (item.get("parameters") or {}).items()]
            data = [f"{k}: {v}" for k, v in (item.get("data") or {}).items()]
            found = {f.rule for f in self.m.findings}  # a rule has a page only when it has findings
            facts = [(md(t["rules"]), join([L.to(urls.rule_page(r), r) if r in found else md(r)
                                            for r in item.get("rules") or []], ", ")),
                     (md(t["data_needed"]), md(item.get("data_needed") or "")),
                     (md(t["data"]), md("; ".join(data) or "—")),
                     (md(t["parameters"]), join(params, Md("<br>")) if params else md("—")),
                     (md(t["state"]), join([state, md(item.get("why_not") or item.get("note") or "")], " "))]
            body = [self.pages_table([t["field"], t["value"]], facts)]
            if hits:
                body.append(self.pages_table([t["date"], t["rule"], t["what"], t["where"]],
                                             [(md(h.get("date") or ""), md(h.get("rule") or ""), self.s(h.get("text")),
                                               join([traces.source(x) for x in [h.get("source"), *(h.get("also") or [])]
                                                     if isinstance(x, dict)], Md("<br>"))) for h in hits]))
            else:
                body.append(md(t["no_hits"] if item.get("checked") else t["no_hits_unchecked"]))
            blocks.append(self.section(f"{letter}) {t['items'].get(letter, '')} ({item.get('clause', '')})",
                                       join(body, Md("\n\n")), level=2, anchor_id=urls.anchor("item", letter)))
        head = self.pages_table([t["item"], t["behaviour"], t["state"], t["hits"]], summary, ["left", "left", "left", "right"])
        blocks.insert(0, self.section(t["summary"], join([md(t["intro"]), head], Md("\n\n")), anchor_id="summary"))
        who = md(t["org_wide"]) if lid == "*" else self.rec(lid, L, with_title=True)
        self.pages.render("section.md.j2", rel, L=L, title=f"{t['title']} {year}",
                          intro=join([L.to(self.page, self.t["trading"]), who], " · "), blocks=blocks)

    def listed(self, title: str, items, anchor_id: str, level: int = 2) -> list[dict]:
        """Any list of findings-like dicts from the results, generically."""
        items = [i for i in items or [] if isinstance(i, dict)]
        if not items:
            return []
        body = "\n".join(ResultRenderer(self.m, self.page, anchor_id).render(items, level=level + 1))
        return [self.section(title, Md(body), level=level, anchor_id=anchor_id)]


def _plain(value) -> str:
    """A setting's value as text (lists joined), for the surveillance pages."""
    if isinstance(value, list):
        return ", ".join(str(v.get("id", v)) if isinstance(v, dict) else str(v) for v in value) or "—"
    return str(value)


# -- neutrality --------------------------------------------------------------------------
class Neutrality(Domain):
    """The neutrality page reads the typed result (checks/neutrality/results.py): a claim's
    fields are there by its type, so the page tests none of them; a result of another shape
    fails the build (write above), it is not shown as a partial page."""
    key, page, subsystems, result_ids = "neutrality", urls.NEUTRALITY, ("D",), ("neutrality",)

    def write(self) -> dict:
        from ..rules import bundled_module
        t = self.t
        raw = self.m.results.get("neutrality")
        if raw is None:  # not adopted, withheld, or the computation failed (its failure is a finding)
            return self.finish([])
        res = bundled_module("neutrality.results").NeutralityResult.model_validate(raw)
        blocks = []
        claims = sorted(res.claims.items())
        rows = []
        for cid, c in claims:
            rows.append((self.link.to(self.page, cid if self.m.visible(cid) else t["restricted"], urls.id_anchor("claim", cid)),
                         # the grade is None unless current (cms_build/statuses.py)
                         self.rec(c.subject), self.status_badge(dump(c.status)), md(c.grade.grade or "—"),
                         md(f"{c.valid_from} – {c.valid_until}")))
        if rows:
            blocks.append(self.section(t["claims"], join([self.pages_table([t["claim"], t["subject"], t["status"], t["grade"],
                                                                            t["validity"]], rows),
                                                          status_legend(t, "claim")], Md("\n\n")), anchor_id="claims"))
        for cid, c in claims:
            blocks.append(self.claim(cid, c))
        footprints = sorted(res.footprints.items())
        if footprints:
            blocks.append(self.section(t["footprints"], Md(""), anchor_id="footprints"))
        for fid, f in footprints:
            body = [join([text(t["subject"] + ": "), self.rec(f.subject), text(" · " + t["period"] + ": "),
                          md(self.period(f.period))], "")]
            if f.declared is not None:
                body.append(join([text(t["declared"] + ": "), self.num(f.declared, "tCO2e")], ""))
            if f.total is not None:
                body.append(Md("\n".join(self.traces.render(dump(f.total), 4, "", ("footprint", fid)))))
            blocks.append(self.section(fid, join(body, Md("\n\n")), level=3, anchor_id=urls.id_anchor("footprint", fid)))
        current = [(cid, c) for cid, c in claims if c.status.status not in ("draft", "superseded")]
        headline = None
        if current:
            cid, c = current[-1]
            headline = join([self.home.to(self.page, cid if self.m.visible(cid) else t["restricted"],
                                          urls.id_anchor("claim", cid)), text(" "),
                             self.status_badge(dump(c.status)),
                             text(f" · {t['grade']}: {c.grade.grade or '—'}"),
                             text(f" · {c.status.reason}") if c.status.reason else Md("")], "")
        return self.finish(blocks, headline=headline)

    def period(self, p) -> str:
        return "" if p is None else f"{p.start} – {p.end}"

    def status_badge(self, st: dict) -> Md:
        status = str(st.get("status", ""))
        name = self.t["claim_status_names"].get(status) or self.t["verdict_names"].get(status, status)
        return Md(f'<span class="cms-badge cms-claim-{claim_class(st)}">{md(name)}</span>')

    def claim(self, cid: str, c) -> dict:
        """One claim (a ClaimResult of checks/neutrality/results.py)."""
        t = self.t
        st = c.status
        cls = claim_class(dump(st))
        # an expired, withdrawn or invalid claim says so first and loudly, never as valid
        name = t["claim_status_names"].get(st.status) or t["verdict_names"].get(st.status, st.status)
        banner = Md(f'<div class="cms-claim-banner cms-claim-{cls}">{md(name)}'
                    + (f" — {md(st.reason)}" if st.reason else "") + "</div>")
        grade = c.grade
        rows = [(md(t["claim"]), self.rec(cid, with_title=True)), (md(t["subject"]), self.rec(c.subject)),
                (md(t["footprint"]), self.rec(c.footprint)), (md(t["period"]), md(self.period(c.period))),
                (md(t["achieved_on"]), md(c.achieved_on)),
                (md(t["validity"]), md(f"{c.valid_from} – {c.valid_until}")),
                (md(t["max_last_valid_day"]), md(c.max_last_valid_day)),
                (md(t["status"]), self.status_badge(dump(st))),
                (md(t["grade"]), join([md(grade.grade or "—")]
                                      # a grade the credits would give, shown as not current (cms_build/statuses.py)
                                      + ([md(f"({grade.computed_grade}: {t['grade_not_current']})")]
                                         if grade.current is False and grade.computed_grade else [])
                                      + ([md(grade.reason)] if grade.reason else []), " — ")),
                (md(t["offset_kinds"]), md(", ".join(str(self.m.value_words(k) or k) for k in c.offset_kinds))),
                (md(t["covered"]), self.num(c.covered)),
                (md(t["reduction_share"]), self.tv(dump(c.reduction_share)))]
        for key in ("last_valid_day", "deadline", "days_left", "withdraw_from"):
            if getattr(st, key) not in (None, ""):
                rows.append((md(t["claim_status_fields"].get(key, key)), md(getattr(st, key))))
        if c.superseded_by:
            rows.append((md(t["superseded_by"]), self.rec(c.superseded_by)))
        body = [banner, self.pages_table([t["field"], t["value"]], rows)]
        balance = c.balance
        brow = [(md(t["balance_names"].get(k, k)), self.tv(dump(getattr(balance, k))))
                for k in ("emissions", "reductions", "to_offset", "retired", "surplus")]
        body += [md(t["balance"]), self.pages_table([t["field"], t["value"]], brow, ["left", "right"])]
        if c.retirements:
            body += [md(t["retirements"]), self.pages_table(
                [t["credit"], t["date"], t["quantity"], t["certificate"]],
                [(self.rec(r.credit), md(r.date), self.num(r.quantity, "tCO2e"), md(r.certificate_ref))
                 for r in c.retirements])]
        if grade.credits:
            body += [md(t["credit_grades"]), self.pages_table(
                [t["credit"], t["grade"], t["reason"], t["category"], t["offset_kind"], t["vintage"], t["quantity"]],
                [(self.rec(g.credit), md(g.grade or "—"), md(g.reason), self.word(g.category),
                  self.word(g.offset_kind), md(g.vintage_year), self.num(g.quantity)) for g in grade.credits])]
        if c.events:
            body += [md(t["events"]), self.pages_table(
                [t["event"], t["date"], t["deadline"], t["state"], t["corrected_on"]],
                [(self.rec(e.event), md(e.date), md(e.deadline), md(e.state), md(e.corrected_on or ""))
                 for e in c.events])]
        body.append(Md("\n".join(self.traces.render(dump(balance.surplus), 4, "", ("claim", cid, "surplus")))))
        title = f"{cid} {self.m.by_id[cid].title}" if self.m.visible(cid) else t["restricted"]
        return self.section(title, join(body, Md("\n\n")), level=3, anchor_id=urls.id_anchor("claim", cid))

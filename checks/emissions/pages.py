"""The emissions pages (A, Annex E/F): the inventory by year, indicators, targets, Annex E.

Registered with the site (cms_build.api.page): `emissions/index.md` in the navigation, a page
per year with the calculation traces, and the Annex E tables. Each shows what the emissions
and annex_e computations (compute.py, annex_e.py document the structures) left in the
results as the View of the build's profile shows them ("restricted" where a value came from
an unpublished record), read as their typed models (results.py: EmissionsResult,
AnnexEResult; site.typed): None when the result is absent (an organization may adopt only some
subsystems; a computation that failed leaves None, its failure is a finding), an entry the View
restricted marked (site.is_restricted). The year pages read the typed year (EmissionsYear); the
generic trace renderer is given each trace's JSON (site.json), as it is for any computation.
"""

from __future__ import annotations

from cms_build.api import DerivedStatus, Md, TracedValue, join, md, page, text

from .results import AnnexEResult, Bilingual, EmissionsResult, EmissionsYear, EtsSourceComparison

EMISSIONS_YEAR = "emissions/{year}.md"
ANNEX_E = "emissions/annex-e.md"


@page("emissions", title="碳排放 Emissions", computations=["emissions", "annex_e"], subsystems=["A"], order=10)
def emissions_page(site):
    """The emissions pages; the headline for the home page."""
    res = site.typed("emissions", EmissionsResult)
    for year, inv in sorted(res.years.items() if res is not None else []):  # each record's page links to its trace
        for rid in sorted(inv.entries):
            site.link_record(rid, f"{site.t['emissions']} {year}", EMISSIONS_YEAR.format(year=year), site.id_anchor("entry", rid))
    return Emissions(site).write()


class Emissions:
    def __init__(self, site):
        self.site, self.t, self.traces = site, site.t, site.traces()

    def write(self) -> dict:
        t = self.t
        res = self.site.typed("emissions", EmissionsResult)
        if res is None or not res.years:
            self.site.write([])
            return None
        years = sorted(res.years.items(), key=lambda kv: str(kv[0]))
        blocks = []
        rows = []
        for year, inv in years:
            reported, verified, changes = inv.reported, inv.verified, inv.changes.total
            intensity = inv.intensity.per_output_value
            rows.append(
                (
                    self.site.link.to(EMISSIONS_YEAR.format(year=year), str(year)),
                    self.site.tv(inv.total),
                    self.site.pct(changes.change_pct if changes is not None else None),
                    join([self._restricted_or(reported, reported.record), self.site.num(reported.value)], " ") if reported is not None else md("—"),
                    join([self._restricted_or(verified, verified.record), md(verified.opinion)], " ") if verified is not None else md("—"),
                    self.site.tv(intensity) if intensity is not None else md("—"),
                )
            )
        head = [t["year"], t["total_emissions"], t["change_vs_previous"], t["reported"], t["verified"], t["intensity_output_value"]]
        totals = {int(y): inv.total.value for y, inv in years}
        chart = self.site.chart("emissions-total", self.site.line_chart(t["total_emissions"], "tCO2e", [(t["total_emissions"], totals)]), t["total_emissions"])
        blocks.append(
            self.site.section(
                t["inventory_by_year"],
                join(
                    [
                        md(t["gwp_set"] + ": " + str(res.gwp_set)),
                        Md("\n\n"),
                        self.site.table(head, rows),
                        Md("\n\n"),
                        chart,
                        Md("\n\n"),
                        self.site.link.to(ANNEX_E, t["annex_e_tables"]),
                    ],
                    "",
                ),
                anchor_id="inventory",
            )
        )
        blocks += self.indicators(res)
        blocks += self.targets(res)
        for label, ids in ((t["not_computed"], res.not_computed), (t["excluded"], res.excluded)):
            ids = [i for i in ids if i is not None]
            if ids:
                blocks.append(self.site.section(label, join([self.site.rec(i) for i in ids], ", ")))
        for year, inv in years:
            self.year_page(str(year), inv)
        self.annex_e(self.site.typed("annex_e", AnnexEResult))
        latest_year, latest = years[-1]
        headline = join(
            [text(f"{latest_year}: "), self.site.tv(latest.total), text(" · "), self.site.home.to(self.site.path, t["emissions"])] + self.target_summary(res),
            "",
        )
        self.site.write(blocks)
        return headline

    def indicators(self, res: EmissionsResult) -> list[dict]:
        t = self.t
        out = []
        for iid, ind in sorted(res.indicators.items()):
            anchor_id = self.site.id_anchor("indicator", iid)
            if self.site.is_restricted(ind):  # about an unpublished record: only that it exists
                out.append(self.site.section(iid, self.site.restricted(), level=3, anchor_id=anchor_id))
                continue
            unit = ind.unit
            values = {y: v.value for y, v in ind.values.items()}
            hl, pts = [], []
            base, bench = ind.baseline, ind.benchmark
            if base is not None and base.value is not None:
                hl.append((t["baseline"], base.value))
            if bench is not None and bench.value is not None:
                hl.append((t["benchmark"], bench.value))
            for tg in res.targets.values():
                if tg.indicator == iid and str(tg.deadline or "")[:4].isdigit():
                    pts.append((f"{t['target']} {tg.id}", int(str(tg.deadline)[:4]), tg.target))
            title = t["restricted"] if ind.title == "restricted" else str(ind.title)
            svg = self.site.line_chart(title, unit, [(title, {int(y): v for y, v in values.items() if str(y).isdigit()})], hlines=hl, points=pts)
            rows = []
            for y, v in sorted(ind.values.items()):
                c = ind.comparison.get(y)
                rows.append((md(y), self.site.tv(v), self.site.pct(c.vs_baseline_pct if c else None), self.site.pct(c.vs_benchmark_pct if c else None)))
            body = [
                join(
                    [
                        self.site.rec(iid),
                        text(f" · {t['unit']}: {unit}"),
                        text(f" · {t['baseline']}: ") if base is not None else Md(""),
                        join([self.site.num(base.value, base.unit), self._restricted_or(base, base.record)], " ") if base is not None else Md(""),
                        text(f" · {t['benchmark']}: ") if bench is not None else Md(""),
                        join([self.site.num(bench.value, bench.unit), md(bench.source)], " ") if bench is not None else Md(""),
                    ],
                    "",
                ),
                self.site.table([t["year"], t["value"], t["vs_baseline"], t["vs_benchmark"]], rows),
                self.site.chart(f"indicator-{iid}", svg, title),
            ]
            problems = [md(p) for p in ind.problems]
            if problems:
                body.append(join(problems, Md("<br>")))
            out.append(self.site.section(title, join(body, Md("\n\n")), level=3, anchor_id=anchor_id))
        if out:
            out.insert(0, self.site.section(self.t["indicators"], Md(""), anchor_id="indicators"))
        return out

    def _restricted_or(self, entry, rid, link=None) -> Md:
        """A record's link, or the placeholder when the View restricted the entry naming it."""
        return self.site.restricted() if self.site.is_restricted(entry) else self.site.rec(rid, link)

    def targets(self, res: EmissionsResult) -> list[dict]:
        t = self.t
        rows = []
        for tid, tg in sorted(res.targets.items()):
            rows.append(
                (
                    self.site.rec(tid),
                    self.site.s(tg.title),
                    self.site.rec(tg.indicator),
                    self.site.num(tg.baseline, tg.unit),
                    self.site.num(tg.target, tg.unit),
                    md(tg.deadline),
                    join([md(tg.latest_year), self.site.num(tg.latest)], ": "),
                    md(f"{tg.achieved_pct:.1f} %") if tg.achieved_pct is not None else md("—"),
                    self.site.status_badge(DerivedStatus(kind="target", status=tg.status, tone=tg.tone)),
                )
            )
        if not rows:
            return []
        return [
            self.site.section(
                t["targets"],
                join(
                    [
                        self.site.table(
                            [t["id"], t["title"], t["indicator"], t["baseline"], t["target"], t["deadline"], t["latest"], t["achieved"], t["status"]], rows
                        ),
                        self.site.status_legend("target"),
                    ],
                    Md("\n\n"),
                ),
                anchor_id="targets",
            )
        ]

    def target_summary(self, res: EmissionsResult) -> list:
        t = self.t
        statuses = [(str(tg.status), str(tg.tone)) for tg in res.targets.values()]
        if not statuses:
            return []
        counts = {s: statuses.count(s) for s in dict.fromkeys(statuses)}
        return [text(f" · {t['targets']}: ")] + [
            join([self.site.status_badge(DerivedStatus(kind="target", status=s, tone=tone)), md(n)], " ") for (s, tone), n in counts.items()
        ]

    def year_page(self, year: str, typed: EmissionsYear) -> None:
        t = self.t
        rel = EMISSIONS_YEAR.format(year=year)
        L = self.site.linker(rel)
        traces = self.site.traces(rel, "e")
        blocks = []
        total = typed.total
        summary = [join([text(t["total_emissions"] + ": "), self.site.tv(total)], "")]
        if total is not None and total.formula:  # kept when the View restricted the total (a Shape)
            summary.append(join([text(t["trace_formula"] + ": "), md(total.formula)], ""))
        blocks.append(self.site.section("", join(summary, Md("<br>"))))
        entries, sources = typed.entries, typed.sources
        rows = []
        # largest first; a value the View withheld (None) sorts as 0, the order kept stable by id
        for sid, src in sorted(sources.items(), key=lambda kv: -kv[1].value if kv[1].value is not None else 0):
            recs = [r for r in src.records or [] if isinstance(r, str)]
            drill = join([L.to(rel, r, self.site.id_anchor("entry", r)) if self.site.visible(r) and r in entries else self.site.rec(r, L) for r in recs], ", ")
            rows.append(
                (
                    self.site.rec(sid, L),
                    self.site.s(src.title),
                    self.site.rec(src.facility, L),
                    self.site.s(src.site or ""),
                    md(t["category_names"].get(src.category, src.category or "")),
                    md(t["method_names"].get(src.method, src.method or "")),
                    self.site.num(src.value, "tCO2e"),
                    drill,
                )
            )
        blocks.append(
            self.site.section(
                t["by_source"],
                self.site.table(
                    [t["source"], t["title"], t["facility"], t["site"], t["category"], t["method"], t["value"], t["trace"]],
                    rows,
                    ["left"] * 6 + ["right", "left"],
                ),
                anchor_id="by-source",
            )
        )
        blocks += self.ets_boundary(typed, traces, L)
        for key, label in (
            ("by_facility", t["facility"]),
            ("by_site", t["site"]),
            ("by_category", t["category"]),
            ("by_method", t["method"]),
            ("by_gas", t["gas"]),
            ("by_process", t["process"]),
        ):
            part = getattr(typed, key)
            if not part:
                continue
            names = t["category_names"] if key == "by_category" else t["method_names"] if key == "by_method" else {}
            prow = [((self.site.rec(k, L) if key == "by_facility" else md(names.get(k, k))), self.site.tv(v)) for k, v in sorted(part.items())]
            blocks.append(self.site.section(f"{t['breakdown']}: {label}", self.site.table([label, t["value"]], prow, ["left", "right"]), level=3))
        intensity = typed.intensity
        intensity_traces: list[TracedValue] = []
        if intensity is not None and intensity.per_output_value is not None:
            intensity_traces.append(intensity.per_output_value)
        if intensity is not None and intensity.per_product:
            intensity_traces += [v for _, v in sorted(intensity.per_product.items()) if v is not None]
        if intensity_traces:
            # the traces renderer reads the View's JSON (cms_build/site/render.py)
            body = "\n".join(line for tr in intensity_traces for line in traces.render(self.site.json(tr), 3, "", ("intensity", tr.label or "")))
            blocks.append(self.site.section(t["intensity"], Md(body), anchor_id="intensity"))
        if typed.gaps:
            grow = [
                (
                    self._restricted_or(g, g.record, L),
                    md(g.period),
                    md(g.status),
                    self.site.num(g.value),
                    traces.source(self.site.json(g.source)),
                )
                for g in typed.gaps
            ]
            blocks.append(self.site.section(t["gaps"], self.site.table([t["record"], t["period"], t["status"], t["value"], t["trace_source"]], grow)))
        lines = []
        for rid, entry in sorted(entries.items()):
            visible = self.site.visible(rid)
            ident = self.site.id_anchor("entry", rid)
            src = sources.get(entry.source) if entry.source is not None else None
            title = f"{rid} {src.title if src is not None and src.title is not None else ''}" if visible else t["restricted"]
            lines += [f"### {md(title)} {{#{ident}}}", ""]
            meta = [
                self.site.rec(rid, L),
                self.site.rec(entry.source, L),
                self.site.rec(entry.facility, L),
                md(t["category_names"].get(entry.category, entry.category or "")),
                md(t["method_names"].get(entry.method, entry.method or "")),
                md(entry.clause),
                md(entry.data_source),
            ]
            lines += [str(join([x for x in meta if str(x)], " · ")), ""]
            if entry.total is not None:  # None: the View restricted the entry
                lines += traces.render(self.site.json(entry.total), 4, "", ("entry", rid))
        if lines:
            blocks.append(self.site.section(t["calculation_traces"], Md("\n".join(lines)), anchor_id="traces"))
        self.site.render(
            rel,
            L=L,
            title=f"{t['emissions']} {year}",
            intro=join([L.to(self.site.path, t["emissions"]), L.to(ANNEX_E, t["annex_e_tables"])], " · "),
            blocks=blocks,
        )

    def ets_boundary(self, inv: EmissionsYear, traces, L) -> list[dict]:
        """The national ETS figure beside the full inventory (checks/emissions/compute.py _ets,
        checks/emissions/inventory.py ets_inventory): per source both figures and the difference, then
        the traces of the ETS total and of the difference."""
        t, ets = self.t, inv.ets
        if ets is None:
            return []
        rows = []
        for sid, s in sorted(ets.by_source.items()):
            rows.append(
                (
                    self.site.rec(sid, L),
                    md(t["category_names"].get(s.category, s.category or "")),
                    join([self.site.num(bool(s.in_ets)), self.site.s(self.ets_why(s))], " · "),
                    self.site.num(s.inventory, "tCO2e"),
                    self.site.num(s.ets, "tCO2e"),
                    self.site.num(s.difference, "tCO2e"),
                )
            )
        rows.append((md("Σ"), md(""), md(""), self.site.tv(inv.total), self.site.tv(ets.total), self.site.tv(ets.difference)))
        body = [
            self.site.table(
                [t["source"], t["category"], t["ets_in"], t["ets_inventory"], t["ets_figure"], t["ets_difference"]], rows, ["left"] * 3 + ["right"] * 3
            )
        ]
        lines = []
        for key, tr in (("total", ets.total), ("difference", ets.difference)):
            lines += traces.render(tr, 3, "", ("ets", key))
        if lines:
            body.append(Md("\n".join(lines)))
        return [self.site.section(t["ets_boundary"], join(body, Md("\n\n")), anchor_id="ets-boundary")]

    def ets_why(self, source: EtsSourceComparison) -> str:
        """Why a source is inside the ETS boundary or not, in the site's language: the sentence of
        its reason code (site/strings.yaml ets_why), the category in the site's words. An entry
        with no code (the View withheld it beside a restricted value), or a code the site's words
        have no sentence for (an organization's own ets_why), shows the result's text as it is."""
        words = self.t["ets_why"]  # an organization's site/strings.yaml may replace the table
        sentence = words.get(source.reason) if isinstance(words, dict) and source.reason is not None else None
        if not isinstance(sentence, str):
            return source.why or ""
        names, category = self.t["category_names"], source.reason_category or ""
        return sentence.replace("{category}", names.get(category, category) if isinstance(names, dict) else category)

    def annex_e(self, res: AnnexEResult | None) -> None:
        """The tables of the annex_e computation (checks/emissions/annex_e.py), as the view publishes them."""
        t, lang = self.t, self.site.lang
        L = self.site.linker(ANNEX_E)
        blocks = []
        tables = res.tables if res is not None and not self.site.is_restricted(res) else {}
        for tid, table in sorted(tables.items()):
            columns = table.columns
            headers = [getattr(c, lang) or c.zh or c.key for c in columns]
            rows = [[self.cell(row.get(c.key) if c.key is not None else None) for c in columns] for row in table.rows]
            notes = [md(getattr(n, lang) or n.zh) for n in table.notes]
            body = [self.site.table(headers, rows)]
            if notes:
                body.append(join(notes, Md("<br>")))
            blocks.append(
                self.site.section(
                    getattr(table.title, lang) or table.title.zh or tid,
                    join(body, Md("\n\n")),
                    anchor_id=self.site.anchor("table", tid),
                )
            )
        self.site.render(
            ANNEX_E,
            L=L,
            title=t["annex_e_tables"],
            intro=join([L.to(self.site.path, t["emissions"]), md(t["annex_e_intro"])], " · "),
            blocks=blocks or [self.site.section("", md(t["withheld_result" if "annex_e" in self.site.withheld else "no_results"]))],
        )

    def cell(self, value: Bilingual | str | int | float | None) -> Md:
        if isinstance(value, Bilingual):
            if self.site.is_restricted(value):
                return self.site.restricted()
            return md(getattr(value, self.site.lang) or value.zh or value.en or "")
        return self.site.num(value)

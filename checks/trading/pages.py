"""The trading and assets pages (B, C, Annex G): compliance positions, balance sheets, the
asset ledger, and the conduct surveillance of B.8.2.2.1 a-l (a page per ledger and year).

Registered with the site (cms_build.api.page): `trading/index.md` in the navigation, the
surveillance pages beside it. They show what the assets, trading and surveillance
computations left in the results as the View of the build's profile shows them, as their
typed models (checks/assets/results.py: AssetsResult; checks/trading/results.py: TradingResult,
SurveillanceResult); an entry the View restricted is shown as restricted.
"""

from __future__ import annotations

from cms_build.api import DerivedStatus, Md, join, md, page, text

from ..assets.results import AssetsResult, BalanceSheet, CompliancePosition
from .conduct_scan import ORG_WIDE
from .results import SurveillanceItem, SurveillanceResult, TradingResult

SURVEILLANCE = "trading/surveillance-{name}-{year}.md"  # /trading/*.md: outside the nav, like the other detail pages


@page("trading", title="碳交易与碳资产 Trading and assets", computations=["assets", "trading", "surveillance"], subsystems=["B", "C"], order=20)
def trading_page(site):
    """The trading and assets pages; the headline for the home page."""
    assets = site.typed("assets", AssetsResult)
    for eid in sorted(assets.compliance if assets else {}):  # each obligation's page links to its position
        site.link_record(eid, site.t["trading"], site.path, site.id_anchor("compliance", eid))
    return Trading(site, assets).write()


class Trading:
    def __init__(self, site, assets: AssetsResult | None):
        self.site, self.t, self.traces, self.assets = site, site.t, site.traces(), assets

    def write(self) -> Md | None:
        t, assets = self.t, self.assets
        trading = self.site.typed("trading", TradingResult)
        blocks: list[dict] = []
        headline_parts = []
        if assets is not None:
            blocks += self.compliance(assets)
            blocks += self.balance_sheets(assets)
            blocks += self.ledger(assets)
            blocks += self.listed(t["asset_problems"], assets.problems, "asset-problems")
            blocks += self.listed(t["serial_clashes"], assets.serial_clashes, "serial-clashes")
            positions = [c for c in assets.compliance.values() if self.site.visible(c.record)]
            if positions:
                latest = sorted(positions, key=lambda c: str(c.deadline))[-1]
                headline_parts = [
                    self.site.rec(latest.record or "", self.site.home),
                    text(" "),
                    self.position_badge(latest),
                    text(f" · {t['deadline']}: {latest.deadline}"),
                ]
            sheets = assets.balance_sheets
            if sheets:
                year = sorted(sheets)[-1]
                headline_parts += [text(f" · {t['net_assets']} {year}: "), self.site.tv(sheets[year].net)]
        if trading is not None:
            blocks += self.surveillance(trading)
        headline = join(headline_parts + [text(" · "), self.site.home.to(self.site.path, t["trading"])], "") if headline_parts else None
        self.site.write(blocks)
        return headline

    def position_badge(self, c: CompliancePosition) -> Md:
        t = self.t
        if c.status and c.tone:  # derived (statuses.py): findings count too
            return self.site.status_badge(DerivedStatus(kind="obligation", status=c.status, tone=c.tone))
        if c.short:
            state = "short"
        elif c.closed and c.late:
            state = "late"
        elif c.closed:
            state = "met"
        else:
            state = "open"
        return self.site.badge("position", state, t["position_names"].get(state, state))

    def compliance(self, assets: AssetsResult) -> list[dict]:
        t = self.t
        out = []
        for cid, c in sorted(assets.compliance.items()):
            if self.site.is_restricted(c):
                out.append(self.site.section(f"{cid}", self.site.restricted(), level=3, anchor_id=self.site.id_anchor("compliance", cid)))
                continue
            rows = [
                (md(t["record"]), self.site.rec(c.record or cid, with_title=True)),
                (md(t["period"]), md(c.period)),
                (md(t["deadline"]), md(c.deadline)),
                (md(t["status"]), self.position_badge(c)),
            ]
            for key in ("due", "ccer_limit", "surrendered", "remaining", "cover", "position", "value"):
                rows.append((md(t["compliance_names"].get(key, key)), self.site.tv(getattr(c, key))))
            for key in ("ccer_share", "allowances_surrendered", "ccer_surrendered"):
                rows.append((md(t["compliance_names"].get(key, key)), self.site.num(getattr(c, key))))
            body = [self.site.table([t["field"], t["value"]], rows)]
            trace_lines = []
            for key in ("due", "surrendered", "remaining", "position"):
                if self.site.is_trace(getattr(c, key)):
                    trace_lines += self.traces.render(getattr(c, key), 4, "", ("compliance", cid, key))
            if trace_lines:
                body.append(Md("\n".join(trace_lines)))
            out.append(self.site.section(f"{cid}", join(body, Md("\n\n")), level=3, anchor_id=self.site.id_anchor("compliance", cid)))
        if out:
            out.insert(0, self.site.section(t["compliance_position"], self.site.status_legend("obligation"), anchor_id="compliance"))
        return out

    def balance_sheets(self, assets: AssetsResult) -> list[dict]:
        t, lang = self.t, self.site.lang
        out = []
        for year, sheet in sorted(assets.balance_sheets.items()):
            anchor_id = self.site.anchor("balance", year)
            if self.site.is_restricted(sheet):
                out.append(self.site.section(f"{t['balance_sheet']} {year}", self.site.restricted(), level=3, anchor_id=anchor_id))
                continue
            out.append(self.site.section(f"{t['balance_sheet']} {year}", self.balance_sheet(year, sheet, lang), level=3, anchor_id=anchor_id))
        if out:
            out.insert(0, self.site.section(t["balance_sheet"], md(t["balance_sheet_intro"]), anchor_id="balance-sheet"))
        return out

    def balance_sheet(self, year: str, sheet: BalanceSheet, lang: str) -> Md:
        t = self.t
        body = [md(f"{t['valuation_date']}: {sheet.valuation_date}")]
        for side, table_id in (("positive", "G.1"), ("negative", "G.2")):
            rows = []
            for line in getattr(sheet, side):
                sources = join([self.traces.source(src) for i in line.value.inputs or [] if (src := self.site.json(i.source))], Md("<br>"))
                rows.append(
                    (
                        md(getattr(line, f"group_{lang}") or line.group_zh),
                        md(getattr(line, f"label_{lang}") or line.label_zh),
                        self.site.word(line.description),
                        self.site.num(line.quantity, "t" if line.quantity is not None else ""),
                        self.site.tv(line.value),
                        sources,
                    )
                )
            body += [
                md(f"{t['table']} {table_id} {t['assets_' + side]}"),
                self.site.table(
                    [t["group"], t["item"], t["description"], t["quantity"], t["value"], t["trace_source"]], rows, ["left"] * 3 + ["right", "right", "left"]
                ),
                join([text(t["total"] + ": "), self.site.tv(getattr(sheet, f"total_{side}"))], ""),
            ]
        body.append(Md(f"**{md(t['net_assets'])}: {self.site.tv(sheet.net)}**"))
        if self.site.is_trace(sheet.net):
            body.append(Md("\n".join(self.traces.render(sheet.net, 4, "", ("balance", year, "net")))))
        return join(body, Md("\n\n"))

    def ledger(self, assets: AssetsResult) -> list[dict]:
        t = self.t
        flows = ("opening", "allocation", "purchases", "sales", "surrenders", "retirements", "transfers", "financing")
        rows = []
        for account, by_asset in sorted(assets.ledger.items()):
            for key, entry in sorted(by_asset.items()):
                if self.site.is_restricted(entry):
                    continue  # withheld: nothing of it to show
                for p in entry.periods:
                    rows.append(
                        (self.site.rec(account), self.site.word(key), md(p.year), *[self.site.num(getattr(p, k)) for k in flows], self.site.tv(p.closing))
                    )
        if not rows:
            return []
        headers = [t["account"], t["asset"], t["year"], *[t["ledger_names"].get(k, k) for k in (*flows, "closing")]]
        return [self.site.section(t["asset_ledger"], self.site.table(headers, rows, ["left"] * 3 + ["right"] * 9), anchor_id="ledger")]

    def surveillance(self, trading: TradingResult) -> list[dict]:
        t = self.t
        if self.site.is_restricted(trading):
            return [self.site.section(t["trading_surveillance"], self.site.restricted(), anchor_id="surveillance")]
        counts = self.site.json(trading.counts)
        body = [self.site.table([t["field"], t["value"]], [(md(self.site.result_key(k)), self.site.num(v)) for k, v in sorted(counts.items())])]
        body += self.conduct_pages()
        out = [self.site.section(t["trading_surveillance"], join(body, Md("\n\n")) if body else Md(""), anchor_id="surveillance")]
        for key in ("self_trades", "price_band", "type_mismatch", "cancel_ratios", "reverse_pairs", "problems"):
            out += self.listed(t["surveillance_names"].get(key, key), getattr(trading, key), f"surveillance-{key}", level=3)
        return out

    # -- conduct surveillance of B.8.2.2.1 a-l: one page per ledger and year -------------------
    def conduct_pages(self) -> list:
        """Write the per-ledger, per-year surveillance pages; the table that links them."""
        sv, t = self.site.typed("surveillance", SurveillanceResult), self.t["surveillance_page"]
        if sv is None or self.site.is_restricted(sv):
            return []
        rows = []
        for lid, years in by_ledger_year(sv).items():
            if lid != ORG_WIDE and not self.site.visible(lid):
                continue  # a public build names no unpublished ledger
            for year, items in years.items():
                rel = SURVEILLANCE.format(name=self.site.safe_name("all" if lid == ORG_WIDE else lid), year=self.site.safe_name(year))
                self.conduct_page(rel, lid, year, items)
                n = sum(len(i.hits) for i in items.values())
                unchecked = "".join(k for k, i in items.items() if not i.checked)
                rows.append(
                    (
                        md(t["org_wide"]) if lid == ORG_WIDE else self.site.rec(lid),
                        self.site.link.to(rel, year),
                        self.site.num(n),
                        md(", ".join(unchecked) or "—"),
                    )
                )
        if not rows:
            return []
        return [md(t["pages"]), self.site.table([t["ledger"], t["year"], t["hits"], t["not_checked"]], rows, ["left", "left", "right", "left"])]

    def conduct_page(self, rel: str, lid: str, year: str, items: dict[str, SurveillanceItem]) -> None:
        t, L = self.t["surveillance_page"], self.site.linker(rel)
        traces = self.site.traces(rel, "sv")
        summary, blocks = [], []
        for letter, item in items.items():
            hits = item.hits  # a hit the View restricted has no date: it is in no year's page
            kind = "unchecked" if not item.checked else "no-records" if item.note else "checked"
            state = self.site.badge("surveillance", kind, t[kind.replace("-", "_")])
            summary.append((L.to(rel, f"{letter})", self.site.anchor("item", letter)), md(t["items"].get(letter, "")), state, self.site.num(len(hits))))
            params = [join([md(k), text(" = "), md(_plain(v))], "") for k, v in item.parameters.items()]
            data = [f"{k}: {v}" for k, v in item.data.items()]
            found = self.site.finding_rules  # a rule has a page only when it has findings
            facts = [
                (md(t["rules"]), join([L.to(self.site.rule_page(r), r) if r in found else md(r) for r in item.rules], ", ")),
                (md(t["data_needed"]), md(item.data_needed or "")),
                (md(t["data"]), md("; ".join(data) or "—")),
                (md(t["parameters"]), join(params, Md("<br>")) if params else md("—")),
                (md(t["state"]), join([state, md(item.why_not or item.note or "")], " ")),
            ]
            body = [self.site.table([t["field"], t["value"]], facts)]
            if hits:
                body.append(
                    self.site.table(
                        [t["date"], t["rule"], t["what"], t["where"]],
                        [
                            (
                                md(h.date or ""),
                                md(h.rule or ""),
                                self.site.s(h.text),
                                join([traces.source(self.site.json(x)) for x in [h.source, *(h.also or [])]], Md("<br>")),
                            )
                            for h in hits
                        ],
                    )
                )
            else:
                body.append(md(t["no_hits"] if item.checked else t["no_hits_unchecked"]))
            blocks.append(
                self.site.section(
                    f"{letter}) {t['items'].get(letter, '')} ({item.clause or ''})",
                    join(body, Md("\n\n")),
                    level=2,
                    anchor_id=self.site.anchor("item", letter),
                )
            )
        head = self.site.table([t["item"], t["behaviour"], t["state"], t["hits"]], summary, ["left", "left", "left", "right"])
        blocks.insert(0, self.site.section(t["summary"], join([md(t["intro"]), head], Md("\n\n")), anchor_id="summary"))
        who = md(t["org_wide"]) if lid == ORG_WIDE else self.site.rec(lid, L, with_title=True)
        self.site.render(rel, L=L, title=f"{t['title']} {year}", intro=join([L.to(self.site.path, self.t["trading"]), who], " · "), blocks=blocks)

    def listed(self, title: str, items, anchor_id: str, level: int = 2) -> list[dict]:
        """A list of a typed result (its models), generically: the models' types decide what
        is a trace and what a source (render.ResultRenderer)."""
        if not items:
            return []
        body = "\n".join(self.site.results_layout(self.site.path, anchor_id).render(items, level=level + 1))
        return [self.site.section(title, Md(body), level=level, anchor_id=anchor_id)]


def by_ledger_year(sv: SurveillanceResult) -> dict[str, dict[str, dict[str, SurveillanceItem]]]:
    """The surveillance table per ledger and year as the View shows it: each item with the hits of
    that ledger in that year (checks/trading/conduct_scan.py by_ledger_year, the same grouping on
    the typed result). A hit belongs to every ledger it touches, in the year of its date; hits
    that touch no ledger are under ORG_WIDE ("*"). Grouped here from the View's items and
    ledgers, not read from the stored `by_ledger_year`, whose keys the View would read as record
    ids (cms_build/publish.py knows no "*")."""
    years: dict[str, set[str]] = {}
    for lid, info in sv.ledgers.items():
        years.setdefault(lid, set()).update(str(y) for y in (info.years or []))
    for item in sv.items.values():
        for h in item.hits:
            y = str(h.date or "")[:4]
            for lid in h.ledgers or [ORG_WIDE]:
                if y.isdigit() and lid is not None:
                    years.setdefault(lid, set()).add(y)
    out: dict[str, dict[str, dict[str, SurveillanceItem]]] = {}
    for lid in sorted(years, key=lambda k: (k == ORG_WIDE, k)):
        for y in sorted(years[lid]):
            out.setdefault(lid, {})[y] = {
                letter: item.model_copy(
                    update={"hits": [h for h in item.hits if str(h.date or "")[:4] == y and (lid in h.ledgers or (lid == ORG_WIDE and not h.ledgers))]}
                )
                for letter, item in sorted(sv.items.items())
            }
    return out


def _plain(value) -> str:
    """A setting's value as text (lists joined), for the surveillance pages."""
    if isinstance(value, list):
        return ", ".join(str(v.get("id", v)) if isinstance(v, dict) else str(v) for v in value) or "—"
    return str(value)

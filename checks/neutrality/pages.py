"""The neutrality page (D): claims with their status and grade, footprints with their traces.

Registered with the site (cms_build.api.page): `neutrality/index.md` in the navigation. It
reads the neutrality result as its typed model (results.py: NeutralityResult) as the View of
the build's profile shows it; a claim's status comes first and loudly (statuses.py), never
shown as valid when it is not. A claim the View restricted is listed as restricted, without
a page of its own (its fields are withheld).
"""

from __future__ import annotations

from cms_build.api import Md, join, md, page, text, text_in, title_in

from .results import ClaimResult, ClaimStatus, FootprintResult, NeutralityPerformanceResult, NeutralityResult, Period

CLAIM_STATUS_CLASS = {
    "valid": "valid",
    "expiring": "valid",
    "withdrawn": "withdrawn",
    "expired": "expired",
    "superseded": "expired",
    "correction_pending": "pending",
    "not_yet_valid": "pending",
    "draft": "pending",
    "invalid": "invalid",
}


def claim_class(st: ClaimStatus | None) -> str:
    """The badge class of a claim's derived status: green ("valid") only when its tone is good."""
    cls = CLAIM_STATUS_CLASS.get(str(st.status), "pending") if st is not None else "pending"
    if cls == "valid" and st is not None and st.tone is not None and st.tone != "good":
        cls = "invalid" if st.tone == "bad" else "pending"
    return cls


@page("neutrality", title="碳中和 Neutrality", computations=["neutrality", "neutrality_performance"], subsystems=["D"], order=30)
def neutrality_page(site):
    """The neutrality page; the headline for the home page."""
    res = site.typed("neutrality", NeutralityResult)
    if res is not None:
        for rid, c in sorted(res.claims.items()):  # each record's page links here: a claim to its own page
            if not site.is_restricted(c):
                site.link_record(rid, site.t["neutrality"], claim_page(site, rid), site.id_anchor("claim", rid))
        for rid in sorted(res.footprints):
            site.link_record(rid, site.t["neutrality"], site.path, site.id_anchor("footprint", rid))
    return Neutrality(site, res).write()


def claim_page(site, cid: str) -> str:
    """A claim's own page (issue 17 item 7: one page per claim, the overview links to them)."""
    return f"{site.folder}/{site.safe_name(cid)}.md"


class Neutrality:
    def __init__(self, site, res: NeutralityResult | None):
        self.site, self.t, self.traces, self.res = site, site.t, site.traces(), res

    def write(self) -> Md | None:
        t, res = self.t, self.res
        if res is None:
            self.site.write([])
            return None
        blocks = []
        claims = sorted(res.claims.items())
        rows = []
        for cid, c in claims:
            if self.site.is_restricted(c):
                rows.append((self.site.restricted(), self.site.restricted(), self.status_badge(None), md("—"), md("")))
                continue
            rows.append(
                (
                    self.site.link.to(claim_page(self.site, cid), cid if self.site.visible(cid) else t["restricted"], self.site.id_anchor("claim", cid)),
                    self.site.rec(c.subject),
                    self.status_badge(c.status),
                    self.grade(c.grade.grade),  # None unless current (statuses.py)
                    md(f"{c.valid_from} – {c.valid_until}"),
                )
            )
        if rows:
            blocks.append(
                self.site.section(
                    t["claims"],
                    join(
                        [self.site.table([t["claim"], t["subject"], t["status"], t["grade"], t["validity"]], rows), self.site.status_legend("claim")],
                        Md("\n\n"),
                    ),
                    anchor_id="claims",
                )
            )
        shown = [(cid, c) for cid, c in claims if not self.site.is_restricted(c)]
        for cid, c in shown:  # each claim on its own page, its traces linked from there
            rel = claim_page(self.site, cid)
            self.traces = self.site.traces(rel)
            section = self.claim(cid, c)
            self.site.render(rel, title=section["title"], intro=Md(""), blocks=[{**section, "level": 2}])
        self.traces = self.site.traces()
        footprints = sorted(res.footprints.items())
        if footprints:
            blocks.append(self.site.section(t["footprints"], Md(""), anchor_id="footprints"))
        for fid, f in footprints:
            blocks.append(self.site.section(fid, self.footprint(fid, f), level=3, anchor_id=self.site.id_anchor("footprint", fid)))
        blocks += self.performance()
        current = [(cid, c) for cid, c in shown if c.status.status not in ("draft", "superseded")]
        headline = None
        if current:
            cid, c = current[-1]
            st = c.status
            headline = join(
                [
                    self.site.home.to(claim_page(self.site, cid), cid if self.site.visible(cid) else t["restricted"], self.site.id_anchor("claim", cid)),
                    text(" "),
                    self.status_badge(st),
                    text(f" · {t['grade']}: "),
                    self.grade(c.grade.grade),
                    text(f" · {text_in(st.reason, self.site.lang)}") if st.reason else Md(""),
                ],
                "",
            )
        self.site.write(blocks)
        return headline

    def grade(self, grade: str | None) -> Md:
        """A certificate grade (D.8.2.5-D.8.2.6) in the site's words (金级 / Gold), "—" when none."""
        return self.site.word(grade) if grade else md("—")

    def performance(self) -> list[dict]:
        """D.9: the subsystem's contribution and its own cost, by year (performance.py), with traces."""
        t = self.t
        res = self.site.typed("neutrality_performance", NeutralityPerformanceResult)
        years = sorted(res.years.items()) if res is not None else []
        years = [(y, v) for y, v in years if not self.site.is_restricted(v)]
        if not years:
            return []
        keys = ("contribution", "credit_cost", "ets_compliance_cost", "total_cost", "cost_per_tonne")
        rows = [(md(y), join([self.site.rec(c) for c in v.claims], ", "), *(self.site.tv(getattr(v, k)) for k in keys)) for y, v in years]
        names = t["performance_names"]
        body = [
            md(t["performance_intro"]),
            self.site.table([t["year"], t["claims"], *(names[k] for k in keys)], rows, ["left", "left", "right", "right", "right", "right", "right"]),
        ]
        for y, v in years:
            for k in ("contribution", "total_cost", "cost_per_tonne"):
                if self.site.is_trace(getattr(v, k)):
                    body.append(Md("\n".join(self.traces.render(getattr(v, k), 4, "", ("performance", y, k)))))
        return [self.site.section(t["performance"], join(body, Md("\n\n")), anchor_id="performance")]

    def footprint(self, fid: str, f: FootprintResult) -> Md:
        t = self.t
        if self.site.is_restricted(f):
            return self.site.restricted()
        body = [join([text(t["subject"] + ": "), self.site.rec(f.subject), text(" · " + t["period"] + ": "), md(self.period(f.period))], "")]
        if f.declared is not None:
            body.append(join([text(t["declared"] + ": "), self.site.num(f.declared, "tCO2e")], ""))
        if f.total is not None and not self.site.is_restricted(f.total):
            body.append(Md("\n".join(self.traces.render(f.total, 4, "", ("footprint", fid)))))
        return join(body, Md("\n\n"))

    def period(self, p: Period | None) -> str:
        return f"{p.start} – {p.end}" if p is not None else ""

    def status_name(self, st: ClaimStatus | None) -> str:
        status = str(st.status) if st is not None else ""
        return self.t["claim_status_names"].get(status) or self.t["verdict_names"].get(status, status)

    def status_badge(self, st: ClaimStatus | None) -> Md:
        return Md(f'<span class="cms-badge cms-claim-{claim_class(st)}">{md(self.status_name(st))}</span>')

    def claim(self, cid: str, c: ClaimResult) -> dict:
        t = self.t
        st = c.status
        # an expired, withdrawn or invalid claim says so first and loudly, never as valid
        banner = Md(
            f'<div class="cms-claim-banner cms-claim-{claim_class(st)}">{md(self.status_name(st))}'
            + (f" — {md(text_in(st.reason, self.site.lang))}" if st.reason else "")
            + "</div>"
        )
        grade = c.grade
        rows = [
            (md(t["claim"]), self.site.rec(cid, with_title=True)),
            (md(t["subject"]), self.site.rec(c.subject)),
            (md(t["footprint"]), self.site.rec(c.footprint)),
            (md(t["period"]), md(self.period(c.period))),
            (md(t["achieved_on"]), md(c.achieved_on)),
            (md(t["validity"]), md(f"{c.valid_from} – {c.valid_until}")),
            (md(t["max_last_valid_day"]), md(c.max_last_valid_day)),
            (md(t["status"]), self.status_badge(st)),
            (
                md(t["grade"]),
                join(
                    [self.grade(grade.grade)]
                    # a grade the credits would give, shown as not current (statuses.py)
                    + (
                        [md(f"({self.site.value_words(grade.computed_grade) or grade.computed_grade}: {t['grade_not_current']})")]
                        if grade.current is False and grade.computed_grade
                        else []
                    )
                    + ([md(title_in(grade.reason, self.site.lang))] if grade.reason else []),
                    " — ",
                ),
            ),
            (md(t["offset_kinds"]), md(", ".join(str(self.site.value_words(k) or k) for k in c.offset_kinds))),
            (md(t["covered"]), self.site.num(c.covered)),
            (md(t["reduction_share"]), self.site.tv(c.reduction_share)),
        ]
        if c.reduction_efficiency is not None:  # D.6.2 b, beside the share of D.6.2 a, when the claim states its output
            rows.append((md(t["reduction_efficiency"]), self.site.tv(c.reduction_efficiency)))
        for key in ("last_valid_day", "deadline", "days_left", "withdraw_from"):
            if getattr(st, key) not in (None, ""):
                rows.append((md(t["claim_status_fields"].get(key, key)), md(getattr(st, key))))
        if c.superseded_by:
            rows.append((md(t["superseded_by"]), self.site.rec(c.superseded_by)))
        body = [banner, self.site.table([t["field"], t["value"]], rows)]
        balance = c.balance
        brow = [(md(t["balance_names"].get(k, k)), self.site.tv(getattr(balance, k))) for k in ("emissions", "reductions", "to_offset", "retired", "surplus")]
        body += [md(t["balance"]), self.site.table([t["field"], t["value"]], brow, ["left", "right"])]
        if c.retirements:
            body += [
                md(t["retirements"]),
                self.site.table(
                    [t["credit"], t["date"], t["quantity"], t["certificate"]],
                    [(self.site.rec(r.credit), md(r.date), self.site.num(r.quantity, "tCO2e"), md(r.certificate_ref)) for r in c.retirements],
                ),
            ]
        if grade.credits:
            body += [
                md(t["credit_grades"]),
                self.site.table(
                    [t["credit"], t["grade"], t["reason"], t["category"], t["offset_kind"], t["vintage"], t["quantity"]],
                    [
                        (
                            self.site.rec(g.credit),
                            self.grade(g.grade),
                            md(title_in(g.reason, self.site.lang)),
                            self.site.word(g.category),
                            self.site.word(g.offset_kind),
                            md(g.vintage_year),
                            self.site.num(g.quantity),
                        )
                        for g in grade.credits
                    ],
                ),
            ]
        if c.events:
            body += [
                md(t["events"]),
                self.site.table(
                    [t["event"], t["date"], t["deadline"], t["state"], t["corrected_on"]],
                    [(self.site.rec(e.event), md(e.date), md(e.deadline), md(e.state), md(e.corrected_on or "")) for e in c.events],
                ),
            ]
        if not self.site.is_restricted(balance.surplus):
            body.append(Md("\n".join(self.traces.render(balance.surplus, 4, "", ("claim", cid, "surplus")))))
        title = f"{cid} {self.site.title_of(cid)}" if self.site.visible(cid) else t["restricted"]
        return self.site.section(title, join(body, Md("\n\n")), level=3, anchor_id=self.site.id_anchor("claim", cid))

"""The neutrality page (D): claims with their status and grade, footprints with their traces.

Registered with the site (cms_build.api.page): `neutrality/index.md` in the navigation. It
shows what the neutrality computation (compute.py documents the structure) left in the
results as the View of the build's profile shows them; a claim's status comes first and
loudly (cms_build/statuses.py), never shown as valid when it is not.
"""

from __future__ import annotations

from cms_build.api import Md, join, md, page, text

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


def claim_class(st: dict) -> str:
    """The badge class of a claim's derived status: green ("valid") only when its tone is good."""
    status = str(st.get("status", ""))
    cls = CLAIM_STATUS_CLASS.get(status, "pending")
    if cls == "valid" and "tone" in st and st.get("tone") != "good":
        cls = "invalid" if st.get("tone") == "bad" else "pending"
    return cls


@page("neutrality", title="碳中和 Neutrality", computations=["neutrality", "neutrality_performance"], subsystems=["D"], order=30)
def neutrality_page(site):
    """The neutrality page; the headline for the home page."""
    res = site.results.get("neutrality") or {}
    for rid in sorted(res.get("claims") or {}):  # each record's page links here: a claim to its own page
        site.link_record(rid, site.t["neutrality"], claim_page(site, rid), site.id_anchor("claim", rid))
    for rid in sorted(res.get("footprints") or {}):
        site.link_record(rid, site.t["neutrality"], site.path, site.id_anchor("footprint", rid))
    return Neutrality(site).write()


def claim_page(site, cid: str) -> str:
    """A claim's own page (issue 17 item 7: one page per claim, the overview links to them)."""
    return f"{site.folder}/{site.safe_name(cid)}.md"


class Neutrality:
    def __init__(self, site):
        self.site, self.t, self.traces = site, site.t, site.traces()

    def write(self) -> dict:
        t = self.t
        res = self.site.results.get("neutrality")
        if not isinstance(res, dict):
            self.site.write([])
            return None
        blocks = []
        claims = [(cid, c) for cid, c in sorted((res.get("claims") or {}).items()) if isinstance(c, dict)]
        rows = []
        for cid, c in claims:
            grade = (c.get("grade") or {}).get("grade")  # None unless current (cms_build/statuses.py)
            rows.append(
                (
                    self.site.link.to(claim_page(self.site, cid), cid if self.site.visible(cid) else t["restricted"], self.site.id_anchor("claim", cid)),
                    self.site.rec(c.get("subject")),
                    self.status_badge(c.get("status") or {}),
                    md(grade or "—"),
                    md(f"{c.get('valid_from', '')} – {c.get('valid_until', '')}"),
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
        for cid, c in claims:  # each claim on its own page, its traces linked from there
            rel = claim_page(self.site, cid)
            self.traces = self.site.traces(rel)
            section = self.claim(cid, c)
            self.site.render(rel, title=section["title"], intro=Md(""), blocks=[{**section, "level": 2}])
        self.traces = self.site.traces()
        footprints = [(fid, f) for fid, f in sorted((res.get("footprints") or {}).items()) if isinstance(f, dict)]
        if footprints:
            blocks.append(self.site.section(t["footprints"], Md(""), anchor_id="footprints"))
        for fid, f in footprints:
            body = [join([text(t["subject"] + ": "), self.site.rec(f.get("subject")), text(" · " + t["period"] + ": "), md(self.period(f.get("period")))], "")]
            if f.get("declared") is not None:
                body.append(join([text(t["declared"] + ": "), self.site.num(f.get("declared"), "tCO2e")], ""))
            if self.site.is_trace(f.get("total")):
                body.append(Md("\n".join(self.traces.render(f["total"], 4, "", ("footprint", fid)))))
            blocks.append(self.site.section(fid, join(body, Md("\n\n")), level=3, anchor_id=self.site.id_anchor("footprint", fid)))
        blocks += self.performance()
        current = [(cid, c) for cid, c in claims if (c.get("status") or {}).get("status") not in ("draft", "superseded")]
        headline = None
        if current:
            cid, c = current[-1]
            st = c.get("status") or {}
            headline = join(
                [
                    self.site.home.to(claim_page(self.site, cid), cid if self.site.visible(cid) else t["restricted"], self.site.id_anchor("claim", cid)),
                    text(" "),
                    self.status_badge(st),
                    text(f" · {t['grade']}: {(c.get('grade') or {}).get('grade') or '—'}"),
                    text(f" · {st.get('reason', '')}") if st.get("reason") else Md(""),
                ],
                "",
            )
        self.site.write(blocks)
        return headline

    def performance(self) -> list[dict]:
        """D.9: the subsystem's contribution and its own cost, by year (performance.py), with traces."""
        t = self.t
        res = self.site.results.get("neutrality_performance")
        years = [(y, v) for y, v in sorted(((res or {}).get("years") or {}).items()) if isinstance(v, dict)] if isinstance(res, dict) else []
        if not years:
            return []
        keys = ("contribution", "credit_cost", "ets_compliance_cost", "total_cost", "cost_per_tonne")
        rows = [(md(y), join([self.site.rec(c) for c in v.get("claims") or []], ", "), *(self.site.tv(v.get(k)) for k in keys)) for y, v in years]
        names = t["performance_names"]
        body = [
            md(t["performance_intro"]),
            self.site.table([t["year"], t["claims"], *(names[k] for k in keys)], rows, ["left", "left", "right", "right", "right", "right", "right"]),
        ]
        for y, v in years:
            for k in ("contribution", "total_cost", "cost_per_tonne"):
                if self.site.is_trace(v.get(k)):
                    body.append(Md("\n".join(self.traces.render(v[k], 4, "", ("performance", y, k)))))
        return [self.site.section(t["performance"], join(body, Md("\n\n")), anchor_id="performance")]

    def period(self, p) -> str:
        return f"{p.get('start', '')} – {p.get('end', '')}" if isinstance(p, dict) else str(p or "")

    def status_badge(self, st) -> Md:
        st = st if isinstance(st, dict) else {"status": st}
        status = str(st.get("status", ""))
        name = self.t["claim_status_names"].get(status) or self.t["verdict_names"].get(status, status)
        return Md(f'<span class="cms-badge cms-claim-{claim_class(st)}">{md(name)}</span>')

    def claim(self, cid: str, c: dict) -> dict:
        t = self.t
        st = c.get("status") or {}
        status = str(st.get("status", ""))
        cls = claim_class(st)
        # an expired, withdrawn or invalid claim says so first and loudly, never as valid
        name = t["claim_status_names"].get(status) or t["verdict_names"].get(status, status)
        banner = Md(f'<div class="cms-claim-banner cms-claim-{cls}">{md(name)}' + (f" — {md(st.get('reason'))}" if st.get("reason") else "") + "</div>")
        grade = c.get("grade") or {}
        rows = [
            (md(t["claim"]), self.site.rec(cid, with_title=True)),
            (md(t["subject"]), self.site.rec(c.get("subject"))),
            (md(t["footprint"]), self.site.rec(c.get("footprint"))),
            (md(t["period"]), md(self.period(c.get("period")))),
            (md(t["achieved_on"]), md(c.get("achieved_on", ""))),
            (md(t["validity"]), md(f"{c.get('valid_from', '')} – {c.get('valid_until', '')}")),
            (md(t["max_last_valid_day"]), md(c.get("max_last_valid_day", ""))),
            (md(t["status"]), self.status_badge(st)),
            (
                md(t["grade"]),
                join(
                    [md(grade.get("grade") or "—")]
                    # a grade the credits would give, shown as not current (cms_build/statuses.py)
                    + ([md(f"({grade['computed_grade']}: {t['grade_not_current']})")] if grade.get("current") is False and grade.get("computed_grade") else [])
                    + ([md(grade.get("reason", ""))] if grade.get("reason") else []),
                    " — ",
                ),
            ),
            (md(t["offset_kinds"]), md(", ".join(str(self.site.value_words(k) or k) for k in c.get("offset_kinds") or []))),
            (md(t["covered"]), self.site.num(c.get("covered"))),
            (md(t["reduction_share"]), self.site.tv(c.get("reduction_share"))),
        ]
        if c.get("reduction_efficiency"):  # D.6.2 b, beside the share of D.6.2 a, when the claim states its output
            rows.append((md(t["reduction_efficiency"]), self.site.tv(c.get("reduction_efficiency"))))
        for key in ("last_valid_day", "deadline", "days_left", "withdraw_from"):
            if st.get(key) not in (None, ""):
                rows.append((md(t["claim_status_fields"].get(key, key)), md(st.get(key))))
        if c.get("superseded_by"):
            rows.append((md(t["superseded_by"]), self.site.rec(c.get("superseded_by"))))
        body = [banner, self.site.table([t["field"], t["value"]], rows)]
        balance = c.get("balance") or {}
        brow = [
            (md(t["balance_names"].get(k, k)), self.site.tv(balance.get(k)))
            for k in ("emissions", "reductions", "to_offset", "retired", "surplus")
            if k in balance
        ]
        if brow:
            body += [md(t["balance"]), self.site.table([t["field"], t["value"]], brow, ["left", "right"])]
        retirements = [r for r in c.get("retirements") or [] if isinstance(r, dict)]
        if retirements:
            body += [
                md(t["retirements"]),
                self.site.table(
                    [t["credit"], t["date"], t["quantity"], t["certificate"]],
                    [
                        (self.site.rec(r.get("credit")), md(r.get("date", "")), self.site.num(r.get("quantity"), "tCO2e"), md(r.get("certificate_ref", "")))
                        for r in retirements
                    ],
                ),
            ]
        credits = [g for g in grade.get("credits") or [] if isinstance(g, dict)]
        if credits:
            body += [
                md(t["credit_grades"]),
                self.site.table(
                    [t["credit"], t["grade"], t["reason"], t["category"], t["offset_kind"], t["vintage"], t["quantity"]],
                    [
                        (
                            self.site.rec(g.get("credit")),
                            md(g.get("grade") or "—"),
                            md(g.get("reason", "")),
                            self.site.word(g.get("category", "")),
                            self.site.word(g.get("offset_kind", "")),
                            md(g.get("vintage_year", "")),
                            self.site.num(g.get("quantity")),
                        )
                        for g in credits
                    ],
                ),
            ]
        events = [e for e in c.get("events") or [] if isinstance(e, dict)]
        if events:
            body += [
                md(t["events"]),
                self.site.table(
                    [t["event"], t["date"], t["deadline"], t["state"], t["corrected_on"]],
                    [
                        (
                            self.site.rec(e.get("event")),
                            md(e.get("date", "")),
                            md(e.get("deadline", "")),
                            md(e.get("state", "")),
                            md(e.get("corrected_on") or ""),
                        )
                        for e in events
                    ],
                ),
            ]
        if self.site.is_trace(balance.get("surplus")):
            body.append(Md("\n".join(self.traces.render(balance["surplus"], 4, "", ("claim", cid, "surplus")))))
        title = f"{cid} {self.site.title_of(cid)}" if self.site.visible(cid) else t["restricted"]
        return self.site.section(title, join(body, Md("\n\n")), level=3, anchor_id=self.site.id_anchor("claim", cid))

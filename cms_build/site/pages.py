"""The site's pages as Markdown files: data prepared here, laid out by the templates in site/.

Each page is rendered by one jinja2 template with a context built from the SiteModel
(so from the publish.View). The environment escapes every `{{ expression }}` for Markdown
and HTML (escape.md); only fragments the site built itself (escape.Md: links from known
ids, badges, tables of escaped cells) pass through as they are.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import jinja2

from ..export import conformity_matrix, export_document
from ..matrix import PROVISION_STATUSES, STATUSES, clause_group, group_order
from ..matrix_model import MatrixClause, MatrixFinding, MatrixProvision, read_matrix
from ..findings import text_in, title_in
from ..paths import template_loader
from ..results import RESTRICTED, DerivedStatus, TracedValue, is_restricted, viewed
from ..schemas import values_at
from . import urls
from .escape import Md, join, md
from .model import SEVERITY_ORDER, SUBSYSTEMS
from ..record_results import RecordResults, results_index
from .render import NO_MODEL, RecordRenderer, ResultRenderer, TraceRenderer, badge, restricted, result_key, status_badge, status_banner

_ALIGN = {"left": "---", "right": "--:", "center": ":-:"}
# Long lists are split over pages, and the matrix shows the first items of each clause and
# links to the rest: no page grows with the size of the organization.
PER_PAGE = 500
MATRIX_EVIDENCE = 30
MATRIX_FINDINGS = 20
META_FIELDS = (
    "doc_no",
    "version",
    "status",
    "confidentiality",
    "author",
    "owner",
    "reviewed_by",
    "approved_by",
    "approved_on",
    "effective",
    "next_review",
    "retention_years",
    "clauses",
    "supersedes",
    "tags",
    "confidential_fields",
    "clause",
)  # a nonconformity's clause: linked to the matrix with the others (issue 17 item 12)
# Envelope fields shown elsewhere on the page or not at all (kind, id and title are the heading).
NOT_CONTENT = {"kind", "id", "title", "notes", "attachments", *META_FIELDS}


def environment(template_dirs: list[Path], model) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=template_loader(template_dirs),  # no template through a link out of the repository
        autoescape=False,  # escaping is for Markdown + HTML, done by finalize below
        finalize=md,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    t = model.t
    env.filters["md"] = md
    env.globals.update(
        t=t,  # the templates see words and prepared fragments only: never the raw result
        table=lambda headers, rows, align=None, empty=None: table(headers, rows, align, t["none"] if empty is None else empty),
        findings_table=lambda rows, L, with_record=True: findings_table(model, rows, L, with_record),
        heading_id=lambda a: Md(f"{{#{urls.anchor(a)}}}"),
        hashes=lambda n: Md("#" * max(1, min(int(n), 6))),
        align_cell=lambda a: Md(_ALIGN.get(a, "---")),
        severity_badge=lambda s: badge("severity", s, t["severity_names"].get(s, s)),
        record_cell=lambda f, L: record_cell(model, f, L),
        finding_text=finding_text,
    )
    return env


def table(headers, rows, align=None, empty="") -> Md:
    """A Markdown table; every header and cell is escaped unless the site built it (Md)."""
    if not rows:
        return md(empty)
    align = align or ["left"] * len(headers)
    lines = ["| " + " | ".join(str(md(h)) for h in headers) + " |", "|" + "|".join(_ALIGN.get(a, "---") for a in align) + "|"]
    for row in rows:
        cells = [str(md(c)) for c in row]
        cells += [""] * (len(headers) - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
    return Md("\n".join(lines))


def findings_table(model, rows, L, with_record: bool = True) -> Md:
    t = model.t
    if not rows:
        return md(t["no_findings"])
    headers = [t["severity"], t["rule"], t["clauses"], *([t["record"]] if with_record else []), t["line"], t["message_hint"]]
    out = []
    for f in rows:
        sev = _get(f, "severity")
        cells = [badge("severity", sev, t["severity_names"].get(sev, sev)), md(_get(f, "rule")), md(", ".join(map(str, _get(f, "clauses", ()) or ())))]
        if with_record:
            cells.append(record_cell(model, f, L))
        cells += [line_cell(model, f, L), finding_text(f)]
        out.append(cells)
    align = ["left", "left", "left", *(["left"] if with_record else []), "right", "left"]
    return table(headers, out, align)


def line_cell(model, f, L) -> Md:
    """A finding's line, linked to that line of the record's source view where the build has one."""
    line, file = _get(f, "line"), _get(f, "file")
    rid = _get(f, "record") or (model.by_rel[file].id if file in model.by_rel else None)
    target = model.cited_line(rid, file, line) if rid else None
    return L.to(target[0], str(line), target[1]) if target else md(line)


def finding_text(f) -> Md:
    message = _get(f, "message")
    hint = _get(f, "hint")
    if hint:
        return Md(f'{md(message)}<br><span class="cms-hint">{md(hint)}</span>')
    return md(message)


def _get(f, name, default=""):
    return f.get(name, default) if isinstance(f, dict) else getattr(f, name, default)


def record_cell(model, f, L) -> Md:
    """The record a finding is about: a link when published, else the file as text (internal
    only: a public View keeps only findings on published records)."""
    rid = _get(f, "record") or None
    if rid is None:
        rec = model.by_rel.get(_get(f, "file"))
        rid = rec.id if rec else None
    if rid and model.visible(rid):
        return L.to(model.page_of(rid), rid)
    if model.public:
        return restricted(model.t)
    return md(_get(f, "file"))


def template_failure(exc: Exception, name: str, env: jinja2.Environment, root: Path) -> Exception:
    """A BuildError naming the template's file and line: an organization's own template
    (site/templates, its code) by its path in the repository, a bundled one as a bug in cms."""
    from .build import BuildError

    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)  # a syntax error
    if filename is None:
        try:
            filename = env.get_template(name).filename
        except jinja2.TemplateError:
            filename = None
    if filename and line is None:  # a runtime error: jinja2 maps the frames to the template's lines
        import traceback

        lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == Path(filename).resolve()]
        line = lines[-1] if lines else None
    what = f"{type(exc).__name__}: {exc}"
    path = Path(filename).resolve() if filename else None
    root = root.resolve()
    if path is not None and path.is_relative_to(root):
        return BuildError(
            f"{path.relative_to(root).as_posix()}:{line or 1}: the organization's template {name} "
            f"failed: {what}; correct it, or remove it to use the bundled one"
        )
    where = f" ({path.name}:{line or 1})" if path else ""
    return BuildError(f"the bundled template {name}{where} failed: {what}; this is a bug in cms, not in your records: please report it with this message")


class Pages:
    def __init__(self, model, env: jinja2.Environment, docs: Path):
        self.m = model
        self.t = model.t
        self.env = env
        self.docs = docs
        self.written: list[str] = []
        # computation id -> (page, title) of the registered domain page that shows its result
        # (site/registry.py): its computation page links there instead of the generic layout
        self.result_pages: dict[str, tuple[str, str]] = {}
        # the matrix as this View shows it, read as its model (cms_build/matrix_model.py)
        self.matrix = read_matrix(model.hider(conformity_matrix(model.result, model.view)))
        self.clause_anchors: set[str] = set()
        self._results_index: dict | None = None  # record id -> what was computed from it (record_results)
        if self.matrix is not None:
            self.clause_anchors = {c.number for c in self.matrix.clauses}

    # -- writing --------------------------------------------------------------------------
    def write(self, rel: str, text: str) -> None:
        path = self.docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.written.append(rel)

    def render(self, template: str, rel: str, **context) -> None:
        context.setdefault("L", urls.Linker(rel))
        try:
            text = self.env.get_template(template).render(**context)
        except Exception as exc:  # noqa: BLE001 - a template is code: name its file and line
            raise template_failure(exc, template, self.env, Path(self.m.result.root)) from None
        self.write(rel, text)

    # -- shared pieces --------------------------------------------------------------------
    def clause_links(self, clauses, L) -> Md:
        """Clause numbers, linked to the clause on its group's page of the matrix where the matrix has it."""
        out = []
        for c in clauses or []:
            number = str(c).split(" ")[0]
            if number in self.clause_anchors:  # on its group's page of the matrix
                out.append(L.to(urls.matrix_group_page(clause_group(number)), c, urls.anchor("clause", number)))
            else:
                out.append(md(c))
        return join(out, ", ")

    def severity_summary(self, findings, L, link: bool = True) -> Md:
        counts = Counter(_get(f, "severity") for f in findings)
        cells = []
        for s in SEVERITY_ORDER:
            label = badge("severity", s, self.t["severity_names"].get(s, s))
            n = md(counts.get(s, 0))
            cells.append(L.to(urls.FINDINGS, f"{counts.get(s, 0)}", urls.anchor("severity", s)) if link and counts.get(s) else n)
            cells[-1] = join([label, cells[-1]], " ")
        return join(cells, " · ")

    # -- pages ----------------------------------------------------------------------------
    def record(self, record) -> None:
        m, t = self.m, self.t
        rel = urls.record_page(record.kind, record.id)
        L = urls.Linker(rel)
        data = m.data(record)
        rr = RecordRenderer(m, record, rel)
        status = record.status
        badges = [
            badge("kind", "kind", m.kind_title(record.kind)),
            badge("status", status, t["status_names"].get(status, status)),
            badge("conf", record.confidentiality, t["confidentiality_names"].get(record.confidentiality, record.confidentiality)),
        ]
        if not record.valid:
            badges.append(badge("severity", "error", t["severity_names"]["error"]))
        meta = [(md(t["id"]), md(record.id)), (md(t["kind"]), L.to(urls.kind_page(record.kind), m.kind_title(record.kind)))]
        for key in META_FIELDS:
            if key not in data or (key == "confidential_fields" and m.public):
                continue
            value = rr.inline((key,), data[key])
            if key == "status":
                value = badge("status", str(data[key]), t["status_names"].get(str(data[key]), data[key]))
            elif key == "confidentiality":
                value = badge("conf", str(data[key]), t["confidentiality_names"].get(str(data[key]), data[key]))
            elif key == "clauses" and isinstance(data[key], list):
                value = self.clause_links(data[key], L)
            elif key == "clause" and isinstance(data[key], (str, int, float)):
                value = self.clause_links([str(data[key])], L)
            meta.append((rr.field_label((key,)), value))
        source = m.sources.get(record.id)  # the YAML with line anchors (internal builds only)
        meta.append((md(t["file"]), L.to(source["page"], record.rel) if source else md(record.rel)))
        blocks = rr.blocks(data, NOT_CONTENT)
        attachments = []
        if isinstance(data.get("attachments"), list):
            for i, a in enumerate(data["attachments"]):
                if isinstance(a, dict) and isinstance(a.get("path"), str):
                    attachments.append((rr.inline(("attachments", i, "path"), a["path"]), md(a.get("title", "")), md(a.get("sha256", ""))))
        refs_out = []
        for path, target in m.refs_out(record):
            label = rr.field_label(path)
            index = [str(p + 1) for p in path if isinstance(p, int)]
            if index:
                label = join([label, md("#" + ".".join(index))], " ")
            refs_out.append((label, rr.ref(target)))
        refs_in = []
        seen = set()
        for ref in m.result.index.referrers.get(record.id, []):
            src = m.by_id.get(ref.source)
            if src is None or (src.id, ref.path) in seen:
                continue
            # only when the referrer's published data still names this record
            if _at(m.data(src), ref.path) != record.id:
                continue
            seen.add((src.id, ref.path))
            refs_in.append(
                (
                    L.to(m.page_of(src.id), f"{src.id} {src.title}" if src.title != src.id else src.id),
                    md(m.kind_title(src.kind)),
                    md(m.label(src.kind, ref.path)),
                )
            )
        refs_in.sort(key=lambda row: str(row[0]))
        computed = [L.to(target, label, anchor_id) for label, target, anchor_id, _ in m.trace_links.get(record.id, [])]
        history_rows, history_message, headers = self.history(record)
        notes = data.get("notes")
        derived = viewed(DerivedStatus, m.statuses.get(record.id))  # a claim, target, obligation ... says where it stands first
        results = self.record_results(record, rel, L)
        self.render(
            "record.md.j2",
            rel,
            L=L,
            invalid=not record.valid,
            results=results,
            title=f"{record.id} {record.title}" if record.title != record.id else record.id,
            badges=join([join(badges, " "), status_banner(t, derived, self.m.lang)], "\n\n") if derived else join(badges, " "),
            meta=meta,
            blocks=blocks,
            notes=md(notes) if isinstance(notes, str) and notes.strip() else "",
            notes_label=rr.field_label(("notes",)),
            attachments=attachments,
            refs_out=refs_out,
            refs_in=refs_in,
            computed=join(computed, " · "),
            findings=m.findings_by_record.get(record.id, []),
            history_rows=history_rows,
            history_message=history_message,
            history_headers=headers,
            history_note=md(t["history_note"] + (" " + t["history_public_note"] if m.public else "")),
        )

    def record_results(self, record, rel: str, L) -> Md:
        """What was computed from the record (issue 17 item 5), as cms_build/record_results
        finds it in the results this profile publishes: its derived status, each entry about
        it (details, figures and their traces), then the figures that rest on it."""
        m, t = self.m, self.t
        if self._results_index is None:  # one walk of the results for every record page
            self._results_index = results_index(m.results, m.statuses, m.by_id, m.view.result_types)
        rr = self._results_index.get(record.id) or RecordResults(record.id)
        if not rr:
            return Md("")
        out: list[str] = []
        cells = ResultRenderer(m, rel, "rr")
        traces = TraceRenderer(m, rel, "rr")
        titles = {c.id: title_in(c.title, m.lang) for c in m.result.computations}

        def where(computation: str, path: tuple) -> Md:
            words = [md(result_key(m, p)) if isinstance(p, str) else md(f"#{p + 1}") for p in path]
            return join([L.to(urls.computation_page(computation), titles.get(computation, computation)), *words], " › ")

        s = viewed(DerivedStatus, rr.status or None)
        if s is not None:
            rows = [(md(t["status"]), join([status_badge(t, s), md(text_in(s.reason or "", m.lang))], " "))]
            if "grade" in s.model_fields_set:  # a claim's (checks/neutrality/statuses.py)
                rows.append((md(t["grade"]), md(m.value_words(s.grade) or s.grade or t["none"])))
                rows.append((md(t["computed_grade"]), md(m.value_words(s.computed_grade) or s.computed_grade or t["none"])))
            out += [str(table([t["field"], t["value"]], rows)), ""]
        for e in rr.entries:
            out += [f"### {where(e.computation, e.path)}", ""]
            if e.details:  # scalars and lists of scalars (record_results._entry): no trace, no source, whatever the type
                rows = [
                    (
                        md(" › ".join(result_key(m, p) for p in at if isinstance(p, str))),
                        join([cells.cell(v) for v in value], ", ") if isinstance(value, list) else cells.cell(value),
                    )
                    for at, value in e.details
                ]
                out += [str(table([t["field"], t["value"]], rows)), ""]
            body: list[str] = []
            for at, tr in e.roots:  # each calculation once: a figure that is a step of another is shown in it
                body += traces.render(tr, level=4, ident=traces.unique("fig", *e.path, *at))
            rows = []
            for at, tr in e.figures:
                ident = next((i for x, i in traces.rendered if x is tr), None) or next((i for x, i in traces.rendered if x == tr), "")
                label = _figure_label(m, at, tr)
                tv = viewed(TracedValue, tr)
                rows.append((L.to(rel, label, ident) if ident else md(label), traces.value(tv.value, tv.unit or ""), md(tv.formula or "")))
            if rows:
                out += [str(table([t["record_figure"], t["value"], t["trace_formula"]], rows, ["left", "right", "left"])), ""]
            out += body
        if rr.figures:
            rows = []
            for f in rr.figures:
                tv = viewed(TracedValue, f.trace)
                label = RESTRICTED if is_restricted(tv) else tv.label or ""  # the View's word for a withheld label
                rows.append((where(f.computation, f.path), md(m.value_words(label) or label), traces.value(tv.value, tv.unit or "")))
            if rr.more:
                rows.append((md(f"+{rr.more}"), md(""), md("")))
            out += [
                f"### {md(t['record_figures_from'])}",
                "",
                str(table([t["record_where"], t["trace_name"], t["value"]], rows, ["left", "left", "right"])),
                "",
            ]
        return Md("\n".join(out))

    def sources(self) -> None:
        """The source view of each record (internal builds only, model.collect_sources): its
        YAML, every line escaped as HTML text and anchored L1, L2 ..., the anchor a trace's
        file:line links to."""
        import html as _html
        from .. import invisible

        m, t = self.m, self.t
        for rid, src in sorted(m.sources.items()):
            record = m.by_id[rid]
            L = urls.Linker(src["page"])
            lines = []
            for n, line in enumerate(src["lines"], start=1):
                a = urls.line_anchor(n)
                text = "".join(ch for ch in line if ch == "\t" or not (ord(ch) < 32 or 127 <= ord(ch) < 160))
                lines.append(
                    f'<span class="cms-src-line" id="{a}"><a class="cms-src-no" href="#{a}">{n}</a>{_html.escape(invisible.visible(text), quote=True)}</span>'
                )
            code = Md('<div class="cms-source"><pre><code>' + "\n".join(lines) + "</code></pre></div>")
            self.render(
                "source.md.j2",
                src["page"],
                L=L,
                title=f"{record.rel}",
                code=code,
                record=L.to(m.page_of(rid), f"{rid} {record.title}" if record.title != rid else rid),
                note=md(t["source_note"]),
            )

    def tables(self) -> None:
        """Each published CSV attachment as pages of rows, each row anchored by its line in the
        file (model.collect_tables), the columns as this profile publishes them."""
        m, t = self.m, self.t
        for target, tab in sorted(m.tables.items()):
            chunks = tab["chunks"]
            record = m.by_id[tab["record"]]
            for n, chunk in enumerate(chunks, start=1):
                here = urls.numbered(tab["page"], n)
                L = urls.Linker(here)
                pager = []
                if len(chunks) > 1:
                    pager.append(md(f"{t['page']} {n}/{len(chunks)}"))
                    if n > 1:
                        pager.append(L.to(urls.numbered(tab["page"], n - 1), t["prev_page"]))
                    if n < len(chunks):
                        pager.append(L.to(urls.numbered(tab["page"], n + 1), t["next_page"]))
                rows = [
                    [
                        Md(f'<span class="cms-row" id="{urls.line_anchor(line)}">{int(line)}</span>'),
                        *(self.table_cell(tab, column, value) for column, value in zip(tab["header"], cells)),
                    ]
                    for line, cells in chunk
                ]
                self.render(
                    "table.md.j2",
                    here,
                    L=L,
                    title=tab["rel"],
                    headers=[t["line"], *tab["header"]],
                    rows=rows,
                    record=L.to(m.page_of(record.id), f"{record.id} {record.title}" if record.title != record.id else record.id),
                    download=L.to(tab["file"], t["table_download"]),
                    pager=join(pager, " · "),
                    problem=md(tab["problem"]),
                )

    def table_cell(self, tab: dict, column: str, value: str) -> Md:
        """A cell as the file has it; an enum value of the row schema (x-rows) also in words
        (national_ets: 全国碳排放权交易市场), the file's value beside them."""
        if tab.get("row_base") is None or not value:
            return md(value)
        label = self.m.enum_label(tab["kind"], tuple(tab["row_base"]) + (column,), value.strip())
        return md(value) if label == value.strip() else join([md(label), Md(f"<code>{md(value)}</code>")], " ")

    def history(self, record):
        m, t = self.m, self.t
        h = m.history
        if not h.available:
            key = "history_disabled" if h.reason == "disabled" else "history_unavailable"
            return [], md(t[key]), []
        commits = h.of(record.rel)
        message = []
        if record.rel in h.dirty:
            message.append(Md(f'<span class="cms-warning">{md(t["history_dirty"])}</span>'))
        if not commits:
            message.append(md(t["history_none"]))
        if m.public:  # authors and messages may name what the public edition leaves out
            headers = [t["commit"], t["date"]]
            rows = [(md(c.short), md(c.day)) for c in commits]
        else:
            headers = [t["commit"], t["date"], t["author"], t["message"]]
            rows = [(md(c.short), md(c.day), md(c.author), md(c.subject)) for c in commits]
        return rows, join(message, Md("\n\n")), headers

    def paged(self, template: str, rel: str, rows: list, **context) -> None:
        """A list over pages of PER_PAGE rows: rel, then rel with .p2, .p3 ... (same folder)."""
        chunks = [rows[i : i + PER_PAGE] for i in range(0, len(rows), PER_PAGE)] or [[]]
        for n, chunk in enumerate(chunks, start=1):
            here = urls.numbered(rel, n)
            L = urls.Linker(here)
            pager = Md("")
            if len(chunks) > 1:
                parts = [md(f"{self.t['page']} {n}/{len(chunks)}")]
                if n > 1:
                    parts.append(L.to(urls.numbered(rel, n - 1), self.t["prev_page"]))
                if n < len(chunks):
                    parts.append(L.to(urls.numbered(rel, n + 1), self.t["next_page"]))
                pager = join(parts, " · ")
            self.render(template, here, L=L, rows=chunk, pager=pager, total=len(rows), **context)

    def kind(self, kind_name: str) -> None:
        m, t = self.m, self.t
        rel = urls.kind_page(kind_name)
        L = urls.Linker(rel)  # every page of the list is in the same folder: same links
        kind = m.schemas.kinds.get(kind_name)
        records = m.by_kind.get(kind_name, [])
        headers = [
            t["id"],
            t["title"],
            t["status"],
            m.label(kind_name, ("doc_no",)),
            m.label(kind_name, ("version",)),
            m.label(kind_name, ("effective",)),
            t["findings"],
        ]
        rows = []
        for r in records:
            data = m.data(r)
            fs = m.findings_by_record.get(r.id, [])
            worst = next((s for s in SEVERITY_ORDER if any(f.severity == s for f in fs)), None)
            found = badge("severity", worst, f"{len(fs)}") if worst else md("")
            status = badge("status", r.status, t["status_names"].get(r.status, r.status))
            rows.append(
                (
                    L.to(m.page_of(r.id), r.id),
                    md(r.title),
                    status,
                    md(data.get("doc_no", "")),
                    md(data.get("version", "")),
                    md(data.get("effective", "")),
                    found,
                )
            )
        desc = ""
        if kind:
            desc = kind.description_en if m.lang == "en" and kind.description_en else kind.description_zh
        self.paged(
            "kind.md.j2",
            rel,
            rows,
            kind_title=m.kind_title(kind_name),
            kind_description=desc,
            kind_clauses=self.clause_links(kind.clauses if kind else (), L),
            headers=headers,
        )

    def records_index(self, kinds: list[str]) -> None:
        m, t = self.m, self.t
        rel = urls.RECORDS
        L = urls.Linker(rel)
        groups = []
        for sub in SUBSYSTEMS:
            rows = []
            for k in kinds:
                if m.kind_subsystem(k) != sub:
                    continue
                kind = m.schemas.kinds.get(k)
                rows.append((L.to(urls.kind_page(k), m.kind_title(k)), self.clause_links(kind.clauses if kind else (), L), md(len(m.by_kind.get(k, [])))))
            if rows:
                groups.append({"title": t["subsystem_names"].get(sub, sub), "rows": rows})
        self.render("records_index.md.j2", rel, L=L, groups=groups)

    def findings(self) -> None:
        """A summary by severity and rule; each rule's findings on a page (or pages) of its own."""
        m, t = self.m, self.t
        rel = urls.FINDINGS
        L = urls.Linker(rel)
        checks = {c.id: c for c in m.result.checks}
        by_rule: dict[str, list] = {}
        for f in m.findings:
            by_rule.setdefault(f.rule, []).append(f)
        groups = []
        for s in SEVERITY_ORDER:
            rows, count = [], 0
            for rule in sorted(r for r, fs in by_rule.items() if any(f.severity == s for f in fs)):
                fs = [f for f in by_rule[rule] if f.severity == s]
                check = checks.get(rule)
                rows.append(
                    (
                        L.to(urls.rule_page(rule), rule),
                        md(title_in(check.title if check else fs[0].title, m.lang)),
                        md(", ".join(check.clauses if check else fs[0].clauses)),
                        md(len(fs)),
                    )
                )
                count += len(fs)
            groups.append({"title": t["severity_names"].get(s, s), "anchor": urls.anchor("severity", s), "rows": rows, "count": count})
        self.render("findings.md.j2", rel, L=L, groups=groups, summary=self.severity_summary(m.findings, L, link=False))
        for rule, fs in sorted(by_rule.items()):
            check = checks.get(rule)
            severities = sorted({f.severity for f in fs}, key=SEVERITY_ORDER.index)
            self.paged(
                "rule.md.j2",
                urls.rule_page(rule),
                fs,
                rule=rule,
                title=title_in(check.title if check else fs[0].title, m.lang),
                severity=join([badge("severity", x, t["severity_names"].get(x, x)) for x in severities], " "),
                clauses=self.clause_links(check.clauses if check else fs[0].clauses, L),
                description=check.description if check else "",
            )

    def matrix_page(self) -> None:
        """The conformity matrix as an overview (urls.MATRIX: the summary, one row per clause
        group with its clause statuses, items and findings) and one page per clause group
        (urls.matrix_group_page; cms_build/matrix.CLAUSE_GROUPS): its applicable clauses with
        status, evidence and findings, then its clauses that do not apply or are informative,
        each with its anchor. Every clause of the matrix is on exactly one group page."""
        m, t = self.m, self.t
        rel = urls.MATRIX
        L = urls.Linker(rel)
        if self.matrix is None:
            self.render("matrix.md.j2", rel, L=L, available=False, groups=[], summary="", public_note="")
            return
        by_group: dict[str, list[MatrixClause]] = {}
        for c in self.matrix.clauses:
            by_group.setdefault(clause_group(c.number), []).append(c)
        keys = sorted(by_group, key=group_order)
        statuses = t["clause_status_names"]
        order = _status_order(Counter(c.status for c in self.matrix.clauses))
        rows = []
        for i, key in enumerate(keys):
            page = urls.matrix_group_page(key)
            clauses = by_group[key]
            counts = Counter(c.status for c in clauses)
            items: Counter = Counter()
            findings: dict[tuple, MatrixFinding] = {}  # a finding citing two clauses of the group is counted once
            for c in clauses:
                if c.status not in ("not_applicable", "informative"):
                    items.update(c.item_counts.model_dump())
                for f in c.findings:
                    findings.setdefault(_finding_key(f), f)
            title = self.group_title(key, clauses)
            rows.append(
                (
                    L.to(page, title),
                    *[md(counts.get(s, 0)) for s in order],
                    md(_item_counts(items)) if items else md(""),
                    self.severity_summary(list(findings.values()), L, link=False) if findings else md(0),
                )
            )
            neighbours = {
                "previous": (keys[i - 1], self.group_title(keys[i - 1], by_group[keys[i - 1]])) if i > 0 else None,
                "next": (keys[i + 1], self.group_title(keys[i + 1], by_group[keys[i + 1]])) if i + 1 < len(keys) else None,
            }
            self.matrix_group(key, title, clauses, neighbours)
        self.render(
            "matrix.md.j2",
            rel,
            L=L,
            available=True,
            headers=[t["matrix_group"], *[statuses.get(s, s) for s in order], t["matrix_items"], t["findings"]],
            align=["left", *["right"] * len(order), "right", "left"],
            groups=rows,
            summary=self.matrix_summary(L),
            public_note=md(t["matrix_public_note"]) if m.public else Md(""),
        )

    def group_title(self, key: str, clauses: list[MatrixClause]) -> str:
        """A clause group's title in the site's language: the site's words (matrix_group_names),
        else the group's own clause as the catalogue titles it ('4 组织所处环境'), else its key."""
        names = self.t["matrix_group_names"]
        if isinstance(names, dict) and isinstance(names.get(key), str):
            return names[key]
        own = next((c for c in clauses if c.number == key), None)
        if own:
            return f"{key} {own.title(self.m.lang)}".strip()
        return key

    def matrix_group(self, key: str, title: str, clauses: list[MatrixClause], neighbours: dict) -> None:
        """One clause group's page: every applicable clause (status, items, evidence,
        findings), then the group's clauses that do not apply or are informative."""
        m, t = self.m, self.t
        rel = urls.matrix_group_page(key)
        L = urls.Linker(rel)
        overview, not_applicable, sections = [], [], []
        statuses, obligations = t["clause_status_names"], t["obligation_names"]
        for c in clauses:
            number, title_c, status = c.number, c.title(m.lang), c.status
            if status in ("not_applicable", "informative"):  # listed at the end, each with its anchor
                cell = Md(f'<span id="{urls.anchor("clause", number)}"></span>') + md(number)
                note = c.note_zh if m.lang == "zh" and c.note_zh else c.note or ""
                not_applicable.append((cell, md(title_c), badge("clause", status, statuses.get(status, status)), md(note)))
                continue
            shown = [e for e in c.evidence if m.visible(e.id)]
            evidence = [L.to(m.page_of(e.id), f"{e.id} {e.title or ''}".strip()) for e in shown[:MATRIX_EVIDENCE]]
            if len(shown) > MATRIX_EVIDENCE:
                kinds = sorted({m.by_id[e.id].kind for e in shown[MATRIX_EVIDENCE:]})
                evidence.append(
                    join([md(t["more_evidence"].format(n=len(shown) - MATRIX_EVIDENCE)), *[L.to(urls.kind_page(k), m.kind_title(k)) for k in kinds]], " ")
                )
            findings = c.findings
            more = Md("")
            if len(findings) > MATRIX_FINDINGS:
                rules = sorted({f.rule for f in findings[MATRIX_FINDINGS:]})
                more = join([md(t["more_findings"].format(n=len(findings) - MATRIX_FINDINGS)), *[L.to(urls.rule_page(r), r) for r in rules]], " ")
            status_badge = badge("clause", status, statuses.get(status, status))
            obligation = obligations.get(c.obligation, c.obligation)
            anchor_id = urls.anchor("clause", number)
            items = c.provisions
            overview.append(
                (
                    L.to(rel, number, anchor_id),
                    md(title_c),
                    md(obligation),
                    status_badge,
                    md(_item_counts(c.item_counts)) if items else md(""),
                    md(len(shown)),
                    self.severity_summary(findings, L, link=False) if findings else md(""),
                )
            )
            sections.append(
                {
                    "number": number,
                    "title": title_c,
                    "anchor": anchor_id,
                    "status": status_badge,
                    "obligation": obligation,
                    "note": c.note or "",
                    "evidence": join(evidence, ", "),
                    "findings": findings[:MATRIX_FINDINGS],
                    "more_findings": more,
                    "item_table": self.item_table(items, L),
                    "checks": join([md(x) for x in c.checks], ", "),
                }
            )
        counts = Counter(c.status for c in clauses)
        summary = join([join([badge("clause", s, statuses.get(s, s)), md(counts[s])], " ") for s in _status_order(counts)], " · ")
        around = [L.to(urls.MATRIX, t["matrix_all_groups"])]
        if neighbours.get("previous"):
            around.insert(0, join([md("←"), L.to(urls.matrix_group_page(neighbours["previous"][0]), neighbours["previous"][1])], " "))
        if neighbours.get("next"):
            around.append(join([L.to(urls.matrix_group_page(neighbours["next"][0]), neighbours["next"][1]), md("→")], " "))
        self.render(
            "matrix_group.md.j2",
            rel,
            L=L,
            heading=str(t["matrix_group_heading"]).replace("{title}", title),
            around=join(around, " · "),
            summary=summary,
            overview=overview,
            clauses=sections,
            not_applicable=not_applicable,
            public_note=md(t["matrix_public_note"]) if m.public else Md(""),
        )

    def item_table(self, items: list[MatrixProvision], L) -> Md:
        """A clause's items: reference, modal verb, status, the rules that verified it, its records."""
        m, names = self.m, self.t["item_status_names"]
        rows = []
        for i in items:
            status = i.status
            records = [x for x in i.records if m.visible(x)]
            rows.append(
                (
                    md(i.ref),
                    md(i.modal),
                    badge("item", status, names.get(status, status)),
                    md(", ".join(i.rules) or i.reviewer or ""),  # rule pages exist for rules with findings only; else why a reviewer judges it
                    join(
                        [L.to(m.page_of(x), x) for x in records[:MATRIX_EVIDENCE]]
                        + ([md(f"+{len(records) - MATRIX_EVIDENCE}")] if len(records) > MATRIX_EVIDENCE else []),
                        ", ",
                    ),
                )
            )
        t = self.t
        return table([t["matrix_item"], t["obligation"], t["status"], t["matrix_item_rules"], t["matrix_item_records"]], rows) if rows else Md("")

    def matrix_summary(self, L) -> Md:
        """Clause statuses, then item statuses (shall-items and all), counted from the matrix as this View shows it."""
        if self.matrix is None:
            return Md("")
        statuses, item_names = self.t["clause_status_names"], self.t["item_status_names"]
        counts = Counter(c.status for c in self.matrix.clauses)
        cells = [join([badge("clause", s, statuses.get(s, s)), md(counts[s])], " ") for s in _status_order(counts) if counts.get(s)]
        summary = self.matrix.item_summary

        def items(scope):
            got = summary.shall if scope == "shall" else summary.all
            return str(join([join([badge("item", s, item_names.get(s, s)), md(got.get(s))], " ") for s in PROVISION_STATUSES], " · "))

        parts = re.split(r"(\{shall\}|\{all\})", self.t["matrix_item_summary"])  # words escaped, counts built here
        line = Md("".join(items(p[1:-1]) if p in ("{shall}", "{all}") else str(md(p)) for p in parts))
        return Md(str(join(cells, " · ")) + "\n\n" + str(line))

    def computations(self) -> None:
        m, t = self.m, self.t
        rel = urls.COMPUTATIONS
        L = urls.Linker(rel)
        rows = []
        for comp in sorted(m.result.computations, key=lambda c: c.id):
            page = urls.computation_page(comp.id)
            rows.append((L.to(page, comp.id), md(title_in(comp.title, m.lang)), md(", ".join(comp.clauses))))
            value = m.results.get(comp.id)
            body = Md("")
            domain_page = self.result_pages.get(comp.id)
            if value is not None and domain_page:  # shown, with its traces, on the domain's page
                body = urls.Linker(page).to(*domain_page)
            elif value is not None:
                # by its model where it has one; NO_MODEL: an organization's own plain-JSON result
                tp = m.view.result_types.get(comp.id, NO_MODEL)
                body = Md("\n".join(ResultRenderer(m, page, "r").render(value, level=2, tp=tp)))
            elif comp.id in m.withheld:
                body = md(t["withheld_result"])
            self.render("computation.md.j2", page, title=f"{comp.id} — {title_in(comp.title, m.lang)}", body=body, clauses=md(", ".join(comp.clauses)))
        self.render("computations_index.md.j2", rel, L=L, rows=rows)

    def home(self, sections: list[dict]) -> None:
        m = self.m
        rel = urls.HOME
        L = urls.Linker(rel)
        headlines = [{"title": s["title"], "body": s["headline"]} for s in sections if s.get("headline")]
        self.render(
            "home.md.j2",
            rel,
            L=L,
            site_title=m.site_title(),
            facts=home_facts(m, L, self),
            profile_note="",
            matrix_summary=self.matrix_summary(L),
            findings_summary=self.severity_summary(m.findings, L),
            sections=headlines,
        )

    def export(self) -> None:
        doc = export_document(self.m.result, self.m.profile)
        doc.pop("generator", None)
        _scrub_refs(doc, self.m)
        doc = self.m.hider(doc, self.m.view.document_type())
        path = self.docs / urls.EXPORT
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")


def _figure_label(model, at: tuple, trace: dict) -> str:
    """A figure of an entry by its place in the entry (balance › emissions), else its label."""
    words = [result_key(model, p) for p in at if isinstance(p, str)]
    tv = viewed(TracedValue, trace)
    label = tv.label if tv.label and tv.label != RESTRICTED else ""
    label = model.value_words(label) or label  # a total labelled by its key (fuel_combustion): in words
    return " › ".join(words) + (f" — {label}" if label and words else label) if words or label else "—"


def _item_counts(counts) -> str:
    """'3/1/0/1/2': verified / documented / nonconforming / reviewer-only / missing items of a clause."""
    return "/".join(str(counts.get(s, 0)) for s in PROVISION_STATUSES)


def _status_order(counts) -> list[str]:
    """The clause statuses in the matrix's order (cms_build/matrix.STATUSES), then any other one."""
    return [*STATUSES, *sorted(set(counts) - set(STATUSES))]


def _finding_key(f: MatrixFinding) -> tuple:
    """One finding of the matrix, however many of a group's clauses it cites."""
    return (f.rule, f.severity, str(f.record), f.file, str(f.line), f.message)


def _scrub_refs(doc: dict, model) -> None:
    """References to records this profile does not publish name no id in the export either
    (the pages show them as 'restricted'; publish.View leaves the ids in the data)."""
    kinds = model.schemas.kinds
    for rec in doc.get("records", []):
        kind = kinds.get(rec.get("kind"))
        if kind is None:
            continue
        for pattern, _targets in kind.refs:
            for path, value in list(values_at(rec["data"], pattern)):
                if isinstance(value, str) and not model.visible(value):
                    _set(rec["data"], path, "restricted")


def _set(data, path: tuple, value) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def home_facts(model, L, pages: Pages) -> list:
    m, t = model, model.t
    org = m.settings.data.get("organization") or {}
    name = md(m.org_name())
    if org.get("profile") and m.visible(org["profile"]):
        name = L.to(m.page_of(org["profile"]), m.org_name())
    subs = [t["subsystem_names"].get(s, s) for s in sorted(m.settings.subsystems)]
    return [
        (md(t["organization"]), name),
        (md(t["subsystems"]), md(", ".join(subs))),
        (md(t["as_of"]), md(m.result.as_of.isoformat())),
        (md(t["profile"]), md(t["profile_names"].get(m.profile, m.profile))),
        (md(t["records"]), L.to(urls.RECORDS, str(len(m.records)))),
        (md(t["data_export"]), L.to(urls.EXPORT, "export.json")),
    ]


def _at(data, path: tuple):
    """The value at a concrete path (keys and list indexes, as the index records a reference)."""
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data

"""`cms build` of a group (README: Groups): the group's overview and each entity's own site, in one run.

1. Every entity is run here with its own settings and rules (engine.run), as `cms check` of the group
   does; its internal export feeds the group rules and the consolidation (group.finish), exactly as
   on the command line.
2. Each entity's own evidence site is built by build_site (the same code as `cms build` in its
   folder, with the same profile) into docs/entities/<id>/ of the group's work folder.
3. The overview page (templates/group.md.j2) links to those sites; mkdocs then builds it in strict
   mode with the entities' sites as static files of the same docs folder, so every link from the
   overview into an entity's pages is checked to exist. The result is swapped in atomically like an
   organization's site.

The public profile: each entity's site is its public site (publish.View), and the overview shows,
per entity, only what that entity's public export holds; a consolidated block is shown only when
no entity withholds the results it is made of, and within it a traced figure only when the
entities' public exports show every figure and record it rests on (publish.group_results, by
the sources of its inputs); the group rules' findings (computed from internal records) are not
published.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..export_schema import ExportParts, export_parts, located
from ..group import consolidating
from ..paths import bundled, safe_copytree
from ..publish import group_results
from ..results import dump, viewed
from . import security
from .build import MARKER, BuildError, _locked, _work_folder, base_config_path, build_site, check_out, run_mkdocs, swap, EPOCH_FIRST, EPOCH_LAST
from .escape import Md, html_text, md
from .model import Strings, load_strings
from .pages import table
from .render import badge
from .urls import STATIC

PAGE = "index.md"
ENTITIES = "entities"
# the clause-by-clause matrix side by side only while it stays a readable page
SIDE_BY_SIDE_MAX = 12
FINDINGS_PER_ENTITY = 20
MATRIX_KEYS = ("nonconforming", "no_evidence", "documented", "conforming", "not_applicable", "informative")


@dataclass
class GroupBuildReport:
    out: Path
    profile: str
    entities: int
    pages: int
    seconds: float
    timings: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


def entity_home(eid: str) -> str:
    """Entity ids are [A-Za-z0-9._-] (settings-group.schema.json): safe in a path as they are."""
    return f"{ENTITIES}/{eid}/index.html"


def entity_page(eid: str, page: str) -> str:
    """An entity's page as the built site names it (use_directory_urls: false): x.md -> x.html."""
    return f"{ENTITIES}/{eid}/{page[:-3]}.html"


def build_group_site(
    root: Path, as_of: dt.date, profile: str = "internal", out: Path | None = None, language: str | None = None, fetch: bool = False
) -> GroupBuildReport:
    from .. import group as grp
    from ..engine import run
    from ..export import export_document

    started = time.perf_counter()
    timings: dict[str, float] = {}
    root = Path(root).resolve()
    out = Path(out or "_site").resolve()
    check_out(out, root)
    if not EPOCH_FIRST <= as_of <= EPOCH_LAST:
        raise BuildError(f"a site can be built as of {EPOCH_FIRST} to {EPOCH_LAST}, not {as_of.isoformat()}")
    try:
        group = grp.load_group(root)
    except grp.GroupError as exc:
        raise BuildError(str(exc)) from None
    group.as_of = as_of
    located = grp.locate_entities(group, fetch)
    for _, eroot in located:
        check_out(out, eroot)  # an entity's records are sources too
    with _locked(out):  # one build at a time into --out, from the work folder to the swap
        work = _work_folder(root, out, profile)
        docs = work / "docs"
        if docs.exists():
            shutil.rmtree(docs)
        docs.mkdir(parents=True)
        public: dict[str, dict] = {}
        warnings: list[str] = []
        pages = 1
        for eid, eroot in located:
            t0 = time.perf_counter()
            result = run(eroot, as_of)
            group.exports[eid] = export_document(result, "internal")
            if profile == "public":
                public[eid] = export_document(result, "public")
            try:
                report = build_site(eroot, as_of, profile=profile, out=docs / ENTITIES / eid, language=language, result=result)
            except BuildError as exc:
                raise BuildError(f"entity {eid} ({eroot}): {exc}") from None
            pages += report.pages
            warnings.extend(f"{eid}: {w}" for w in report.warnings)
            timings[eid] = time.perf_counter() - t0
        grp.finish(group)
        t0 = time.perf_counter()
        lang = language or group.settings.get("language") or "zh"
        t = Strings(load_strings(str(bundled("site")))[lang])
        title = (group.settings.get("site") or {}).get("title") or f"{group.settings['organization']['name']} {t['group']['site_title']}"
        (docs / PAGE).write_text(overview(group, profile, t, title, public, located, lang), encoding="utf-8")
        safe_copytree(bundled("site").parent, bundled("site") / STATIC, docs / STATIC)  # extra.css, as an entity's site
        config = _config(work, docs, out, lang, title, t)
        tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        try:
            run_mkdocs(config, tmp, as_of)
            (tmp / MARKER).write_text(f"cms evidence site of a group\nprofile: {profile}\nas_of: {as_of.isoformat()}\n", encoding="utf-8")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        swap(tmp, out)
        timings["overview"] = time.perf_counter() - t0
        return GroupBuildReport(
            out=out, profile=profile, entities=len(located), pages=pages, seconds=time.perf_counter() - started, timings=timings, warnings=warnings
        )


def _config(work: Path, docs: Path, out: Path, lang: str, title: str, t) -> Path:
    config = yaml.safe_load(base_config_path().read_text(encoding="utf-8"))
    config["site_name"] = html_text(title)
    config["docs_dir"] = str(docs)
    config["site_dir"] = str(out)
    config["nav"] = [{html_text(t["group"]["overview"]): PAGE}]
    theme = config.setdefault("theme", {})
    theme["language"] = lang
    theme["custom_dir"] = str(bundled("site") / "theme")
    config.setdefault("extra", {})["cms_csp"] = security.CSP
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "search" in plugin:
            plugin["search"] = {**(plugin["search"] or {}), "lang": lang}
    path = work / "mkdocs.yml"
    path.write_text(
        "# Written by cms build (a group) from the project's mkdocs.yml; do not edit.\n" + yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return path


# -- the overview page ---------------------------------------------------------------------------
def _link(text, target: str) -> Md:
    """A Markdown link the site builds: the text escaped, the target from entity ids and page names."""
    return Md(f"[{md(text)}]({target})")


def _num(value) -> Md:
    return md(round(value, 2)) if isinstance(value, (int, float)) else md(value)


class GroupPage:
    """What a domain's `render` (api.Consolidation) is given for the group's overview: the
    group's words `g`, the site's `t`, the language, and the markup: `md`, `num`, `table`,
    `bold`, `labels(schema, *path)` (an enum's labels in a bundled schema), `label(labels, value)`."""

    md, num, table = staticmethod(md), staticmethod(_num), staticmethod(table)

    def __init__(self, g, t, lang: str):
        self.g, self.t, self.lang = g, t, lang

    @staticmethod
    def bold(text) -> Md:
        return Md(f"**{md(text)}**")

    @staticmethod
    def labels(schema: str, *path: str) -> dict:
        return _labels(schema, *path)

    def label(self, titles: dict, value) -> str:
        return _label(titles, value, self.lang)


def overview(group, profile: str, t, title: str, public: dict, located, lang: str = "zh") -> str:
    """The group's overview as Markdown: every value escaped (escape.md), links only to pages that exist."""
    from ..paths import template_loader
    import jinja2

    g = t["group"]
    cons = group.consolidation  # group_model: the consolidation's model
    shown = public if profile == "public" else group.exports
    if profile == "public" and cons is not None:
        # by provenance: a figure the entities' public exports do not show is restricted, and so
        # is every group figure computed from it (publish.group_results)
        model = type(cons)
        cons = viewed(model, group_results(dump(cons), model, public))
    # each entity's export read once, as the models of export_schema (its findings, counts, matrix)
    parts = {eid: entity_parts(eid, doc) for eid, doc in shown.items() if doc is not None}
    docs_for = parts.get
    run_ids = [eid for eid, _ in located]
    withheld = {k for eid in run_ids if eid in parts for k in parts[eid].withheld_results} if profile == "public" else set()

    entity_rows = []
    for ent in group.entities:
        eid = ent["id"]
        doc = docs_for(eid)
        if doc is None:
            entity_rows.append([md(eid), md(ent["name"]), md(g["not_run"]), "", "", ""])
            continue
        summary = doc.matrix.summary if doc.matrix is not None else None
        counts = doc.summary
        row = [_link(eid, entity_home(eid)), md(ent["name"])]
        if profile != "public":
            info = cons.entities.get(eid) if cons is not None else None
            row.append(md(info.why if info is not None else ""))
        row.append(
            _link(" · ".join(f"{t['clause_status_names'].get(k, k)} {summary.get(k) if summary else 0}" for k in MATRIX_KEYS), entity_page(eid, "matrix.md"))
        )
        row.append(
            _link(
                " · ".join(f"{t['severity_names'].get(s, s)} {counts.get(s, 0)}" for s in ("error", "warning", "info")), entity_page(eid, "findings/index.md")
            )
        )
        row.append(md(len(doc.records)))
        entity_rows.append(row)
    entity_headers = [g["entity"], g["name"], *([g["approach"]] if profile != "public" else []), t["matrix_summary"], t["findings"], t["records"]]

    sections = []
    page = GroupPage(g, t, lang)
    for comp in consolidating():  # each domain's blocks (checks/<domain>/_group.py)
        hook = comp.consolidation
        if hook.render is not None and cons is not None:
            sections.extend(hook.render(cons, page, bool(withheld & {comp.id, *hook.rests_on})))
    if len(run_ids) <= SIDE_BY_SIDE_MAX:
        sections.append({"title": g["matrix_side_by_side"], "body": _side_by_side(run_ids, docs_for, t, lang)})

    by_entity = []
    for eid in run_ids:
        doc = docs_for(eid)
        open_ = [f for f in (doc.findings if doc else []) if f.severity in ("error", "warning")]
        rows = [
            [
                badge("severity", f.severity, t["severity_names"].get(f.severity, f.severity)),
                md(f.rule),
                md(f"{f.file}:{f.line}"),
                md(f.message),
            ]
            for f in open_[:FINDINGS_PER_ENTITY]
        ]
        more = len(open_) - len(rows)
        by_entity.append(
            {
                "id": eid,
                "link": _link(g["all_findings"], entity_page(eid, "findings/index.md")),
                "table": table([t["severity"], t["rule"], t["file"], g["message"]], rows, empty=t["no_findings"]),
                "more": more,
            }
        )
    if profile == "public":
        group_findings = md(g["group_findings_withheld"])
    else:
        rows = [
            [
                badge("severity", f.severity, t["severity_names"].get(f.severity, f.severity)),
                md(f.rule),
                md(", ".join(f.clauses)),
                md(f.location()),
                md(f.message),
            ]
            for f in group.findings
            if f.rule.startswith("group.")
        ]
        group_findings = table([t["severity"], t["rule"], t["clauses"], t["file"], g["message"]], rows, empty=t["no_findings"])

    facts = [
        [g["as_of"], md(group.as_of.isoformat() if group.as_of else "")],
        [t["profile"], md(t["profile_names"].get(profile, profile))],
        [g["entities"], md(len(group.entities))],
    ]
    if profile != "public":
        facts.append(
            [
                g["default_approach"],
                md(
                    _label(
                        _labels("settings-group.schema.json", "properties", "approach"), group.settings["group"].get("approach", "operational_control"), lang
                    )
                ),
            ]
        )
    env = jinja2.Environment(
        loader=template_loader([bundled("site") / "templates"]),
        autoescape=False,
        finalize=md,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("group.md.j2").render(
        title=title,
        g=g,
        t=t,
        facts=table([t["field"], t["value"]], facts),
        entities=table(entity_headers, entity_rows),
        sections=sections,
        by_entity=by_entity,
        group_findings=group_findings,
        public=profile == "public",
    )


def entity_parts(eid: str, doc: dict) -> ExportParts:
    """An entity's export document as the models of export_schema; one of another shape (an
    engine of another version, an edited file) is a BuildError naming the entity and where."""
    try:
        return export_parts(doc)
    except ValidationError as exc:
        raise BuildError(f"entity {eid}: its export is not of the shape 'cms export' writes: {located(exc)}") from None


def _labels(schema: str, *path: str) -> dict:
    """value -> label of an enum in a bundled schema (x-enum-titles), e.g. the approaches."""
    import json

    node = json.loads((bundled("schemas") / schema).read_text(encoding="utf-8"))
    for key in path:
        node = node.get(key, {})
    return node.get("x-enum-titles", {})


def _label(titles: dict, value, lang: str) -> str:
    entry = titles.get(value)
    return entry.get(lang) or entry.get("zh") or str(value) if isinstance(entry, dict) else str(value)


def _side_by_side(run_ids, docs_for, t, lang: str) -> Md:
    rows: dict = {}
    for eid in run_ids:
        doc = docs_for(eid)
        for c in doc.matrix.clauses if doc and doc.matrix else []:
            rows.setdefault(c.number, {"title": c.title_en if lang == "en" else c.title_zh, "status": {}})
            rows[c.number]["status"][eid] = c.status
    out = []
    for number in sorted(rows, key=_clause_key):
        row = rows[number]
        if set(row["status"].values()) <= {"informative"}:
            continue  # headings and informative clauses: nothing to compare
        cells = [md(number), md(row["title"] or "")]
        for eid in run_ids:
            s = row["status"].get(eid)
            cells.append(badge("clause", s, t["clause_status_names"].get(s, s)) if s else md(""))
        out.append(cells)
    return table([t["clauses"], t["title"], *run_ids], out)


def _clause_key(number: str):
    parts = []
    for p in str(number).replace(" ", ".").split("."):
        parts.append((0, int(p), "") if p.isdigit() else (1, 0, p))
    return parts

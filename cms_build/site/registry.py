"""The domain pages: written by the pages the rule folders register (`cms_build.api.page`).

A domain registers its pages beside its rules (`checks/<domain>/pages.py`); the site knows
no domain. Each page gets a PageContext: the results, words and helpers of this build,
taken from the publish.View of its profile, so a page shows what that profile may show
("restricted" where a value came from an unpublished record). It writes its folder
`<id>/` of the site and returns the home page's headline.

A page is code of its rule folder and runs in every build, the public one too, as the
organization's checks and computations do (README, "Security model"): it is reviewed as
code. What it is given is the View of the build's profile, so a page built only from its
context publishes nothing above the profile; it is guarded like a rule (cms_build/guard.py:
a print, an exit, a loop past checks.time_limit_seconds), and a page that raises stops the
build with an error at its own file and line (the previous site stays): no generic layout
hides a failure.
"""

from __future__ import annotations

import posixpath
import traceback
from pathlib import Path

from ..findings import title_in
from ..guard import DEFAULT_TIME_LIMIT, guarded, what_happened
from ..paths import bundled
from ..results import DerivedStatus, TracedValue, as_json, is_restricted, viewed
from . import charts, urls
from .escape import Md, fmt_value, join, md, text
from .render import ResultRenderer, TraceRenderer, as_status, badge, is_trace, restricted, result_key, status_badge, status_legend


class PageContext:
    """What a registered page may use to write its folder of the site.

    Data (all as this profile's View shows it): `typed(id, Model)` (a result as its domain's
    typed model; `is_restricted(entry)` for an entry the View restricted), `results`
    (computation id -> result as JSON, for the generic layout),
    `withheld` (computation ids this profile leaves out whole), `findings` (the findings
    shown), `lang` ("zh"|"en"), `public`, `as_of`, `t` (the site's words; a missing key
    shows itself), `visible(id)`, `title_of(id)`, `page_of(id)`, `value_words(value)`,
    `result_key(key)`, `setting(dotted)`, `adopts(subsystem)`, `adopted` (the page's
    subsystems are adopted).

    Links (relative, so mkdocs checks each in strict mode): `link` (from the main page),
    `home` (from the home page), `linker(rel)`, `anchor(...)`, `id_anchor(prefix, id)`,
    `safe_name`, `rule_page(rule)`, `rec(id)` (a record's link, 'restricted' when not shown),
    `link_record(id, label, rel, anchor)` (a link on the record's page to where it is computed).

    Markup (every value escaped unless built here: `Md`): `md`, `text`, `join`, `table`,
    `section`, `num`, `tv` (a Traced dict's value), `pct`, `s`, `word`, `badge`,
    `status_badge`, `status_legend`, `restricted()`, `is_trace`, `traces(rel, prefix)` and
    `results_layout(rel, prefix)` (the generic renderers), `chart(name, svg, alt)` with
    `line_chart(...)` (charts.line_chart).

    Writing: `write(blocks, intro=None)` the main page, `render(rel, title, intro, blocks)`
    another page of the folder.
    """

    Md, md, text, join, fmt_value, is_trace = Md, staticmethod(md), staticmethod(text), staticmethod(join), staticmethod(fmt_value), staticmethod(is_trace)
    is_restricted = staticmethod(is_restricted)
    anchor, id_anchor, safe_name, rule_page = (
        staticmethod(urls.anchor),
        staticmethod(urls.id_anchor),
        staticmethod(urls.safe_name),
        staticmethod(urls.rule_page),
    )
    badge, line_chart = staticmethod(badge), staticmethod(charts.line_chart)

    def __init__(self, spec, pages, model, docs: Path):
        self._spec, self._pages, self._m, self._docs = spec, pages, model, docs
        self.id, self.path, self.folder = spec.id, spec.path, posixpath.dirname(spec.path)
        # the site's words may name the page (site/strings.yaml, an organization's own too)
        self.title = model.t[spec.id] if spec.id in model.t else title_in(spec.title, model.lang)
        self.t, self.lang, self.public, self.as_of = model.t, model.lang, model.public, model.result.as_of
        self.results, self.withheld, self.findings = model.results, model.withheld, model.findings
        self.finding_rules = frozenset(f.rule for f in model.findings)
        self.adopted = not spec.subsystems or bool(set(spec.subsystems) & model.settings.subsystems)
        self.link = urls.Linker(self.path)
        self.home = urls.Linker(urls.HOME)  # the headline block is shown on the home page
        self.trace_links: list[tuple[str, str, str, str]] = []
        self.written: set[str] = set()

    # -- data ---------------------------------------------------------------------------
    def visible(self, record_id) -> bool:
        return self._m.visible(record_id)

    def title_of(self, record_id: str) -> str:
        """The title of a record this profile shows ('' for one it does not)."""
        return self._m.by_id[record_id].title if self.visible(record_id) else ""

    def page_of(self, record_id: str) -> str:
        return self._m.page_of(record_id)

    def typed(self, computation_id: str, model):
        """A result as its domain's typed model (checks/<domain>/results.py), as this profile's
        View shows it: None when it is absent or withheld; an entry the View restricted is
        marked (`is_restricted`). A result of another shape is an error of the page."""
        return viewed(model, self.results.get(computation_id))

    @staticmethod
    def json(value):
        """A typed result's part as JSON, for the generic renderers (results_layout, a source)."""
        return as_json(value)

    def value_words(self, value):
        return self._m.value_words(value)

    def result_key(self, key) -> str:
        return result_key(self._m, key)

    def setting(self, dotted: str, default=None):
        return self._m.settings.get(dotted, default)

    def adopts(self, subsystem: str) -> bool:
        return subsystem in self._m.settings.subsystems

    # -- links ----------------------------------------------------------------------------
    def linker(self, rel: str) -> urls.Linker:
        return urls.Linker(rel)

    def link_record(self, record_id: str, label: str, rel: str, anchor_id: str = "") -> None:
        """Show on the record's page a link to where it is computed (only for a shown record)."""
        if self.visible(record_id):
            self.trace_links.append((record_id, label, rel, anchor_id))

    def rec(self, rid, link: urls.Linker | None = None, with_title: bool = False) -> Md:
        L = link or self.link
        if isinstance(rid, str) and self.visible(rid):
            r = self._m.by_id[rid]
            return L.to(self.page_of(rid), f"{rid} {r.title}" if with_title and r.title != rid else rid)
        if rid is None:
            return md("")
        return restricted(self.t) if self.public or rid == "restricted" else md(rid)

    # -- markup ---------------------------------------------------------------------------
    def word(self, value) -> Md:
        """An enum value (offset kind, category, market key) in the words of the site language."""
        return md(self.value_words(value) or value)

    def num(self, value, unit: str = "") -> Md:
        if value is None:
            return md("—")
        if isinstance(value, bool):
            return md(self.t["bool_yes"] if value else self.t["bool_no"])
        if isinstance(value, (int, float)):
            return md(fmt_value(value, unit))  # the site's one number format (escape.fmt_value)
        return md(value)

    def tv(self, traced) -> Md:
        """The value of a traced number (a TracedValue, or its JSON form) with its unit;
        'restricted' when the View withheld it."""
        if isinstance(traced, TracedValue):
            return restricted(self.t) if is_restricted(traced) else self.num(traced.value, traced.unit)
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

    def restricted(self) -> Md:
        return restricted(self.t)

    def status_badge(self, status: DerivedStatus | dict) -> Md:
        """A derived status's badge: the model, or its JSON (read as the model)."""
        return status_badge(self.t, as_status(status))

    def status_legend(self, kind: str) -> Md:
        return status_legend(self.t, kind)

    def table(self, headers, rows, align=None) -> Md:
        from .pages import table

        return table(headers, rows, align)

    def section(self, title: str, body, level: int = 2, anchor_id: str = "") -> dict:
        return {"title": title, "level": level, "anchor": anchor_id, "body": body if isinstance(body, Md) else md(body)}

    def traces(self, rel: str | None = None, prefix: str | None = None) -> TraceRenderer:
        """Calculation traces (a Traced dict with its inputs and sources) for a page of the folder."""
        return TraceRenderer(self._m, rel or self.path, prefix or self.id)

    def results_layout(self, rel: str | None = None, prefix: str = "r") -> ResultRenderer:
        """Any result in the generic layout (its shape decides: a table, a grid, a trace)."""
        return ResultRenderer(self._m, rel or self.path, prefix)

    def chart(self, name: str, svg: str | None, alt: str, link: urls.Linker | None = None) -> Md:
        """An SVG chart as a file charts/<name>.svg, and the image that shows it."""
        if not svg:
            return Md("")
        rel = f"charts/{urls.safe_name(name)}.svg"
        path = self._docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
        return Md(f"![{md(alt)}]({(link or self.link).url(rel)}){{ .cms-chart }}")

    # -- writing --------------------------------------------------------------------------
    def render(self, rel: str, *, title: str, intro, blocks: list[dict], L: urls.Linker | None = None) -> None:
        """Write a page of the folder (section.md.j2: a title, an intro, sections)."""
        inside = posixpath.normpath(rel)
        if inside != rel or not rel.endswith(".md") or not rel.startswith(self.folder + "/"):
            raise ValueError(f"page {self.id} may write only pages in its folder {self.folder}/, not {rel!r}")
        if rel in self.written or rel in self._pages.written:
            raise ValueError(f"page {self.id} writes {rel} twice")
        self.written.add(rel)
        self._pages.render("section.md.j2", rel, L=L or urls.Linker(rel), title=title, intro=intro, blocks=blocks)

    def write(self, blocks: list[dict], intro=None) -> None:
        """The main page: its title, an intro (when none is given: the subsystems are not adopted,
        the results are withheld from this profile, or there are none yet) and the sections."""
        t = self.t
        if intro is None:
            withheld = any(r in self.withheld for r in self._spec.computations)
            intro = (
                md(t["not_adopted"])
                if not self.adopted
                else md(t["withheld_result"])
                if withheld and not blocks
                else md(t["no_results"])
                if not blocks
                else Md("")
            )
        self.render(self.path, title=self.title, intro=intro, blocks=blocks)


def write_pages(pages, model, docs: Path, registered: list, warnings: list) -> list[dict]:
    """Run every registered page; returns their navigation entries and home headlines, and
    sets model.trace_links from the pages that succeeded (the record pages are written after)."""
    limit = model.settings.get("checks.time_limit_seconds", DEFAULT_TIME_LIMIT)
    out, links = [], {}
    for spec in registered:
        site = PageContext(spec, pages, model, docs)
        outcome = guarded(lambda: spec.fn(site), limit)
        error = outcome.error
        if error is None and spec.path not in site.written:
            error = RuntimeError(f"it did not write its page {spec.path} (call site.write)")
        if error is not None:
            # the results are typed (each computation validates its own), so a page that fails
            # on them is a bug in the page: the build stops and names it, at its own line,
            # rather than showing a generic layout that would hide it behind a warning
            from pydantic import ValidationError

            from ..results import shape_error
            from .build import BuildError

            where = _where(spec, error, Path(model.result.root))
            what = shape_error(error) if isinstance(error, ValidationError) else what_happened(error, limit)
            raise BuildError(f"the {spec.id} page ({where}) could not be written: {what}")
        if outcome.output.strip():
            warnings.append(
                f"{spec.id} page ({_where(spec, None, Path(model.result.root))}) printed "
                f"{outcome.output.strip()[:200]!r}; a page shows what it writes, it prints nothing"
            )
        for rid, label, rel, anchor_id in site.trace_links:
            links.setdefault(rid, []).append((label, rel, anchor_id, spec.id))
        # an Md is markup the page built; plain text is escaped like every value
        value = outcome.value
        headline = (value if isinstance(value, Md) else md(value) if isinstance(value, str) else None) or None
        out.append({"nav": site.title, "page": spec.path, "title": site.title, "headline": headline})
    model.trace_links = {rid: items for rid, items in sorted(links.items())}
    pages.result_pages = {cid: (s["page"], s["nav"]) for spec, s in zip(registered, out) for cid in spec.computations}
    return out


def _where(spec, exc: BaseException | None, root: Path) -> str:
    """file:line of the page's own code where it failed: the last frame in its rule folder."""
    code = getattr(spec.fn, "__code__", None)
    file = Path(code.co_filename).resolve() if code else None
    line = code.co_firstlineno if code else 1
    folder = _rule_folder(file) if file else None
    if exc is not None and folder is not None and exc.__traceback__ is not None:
        own = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve().is_relative_to(folder)]
        if own:
            file, line = Path(own[-1].filename).resolve(), own[-1].lineno or line
    if file is None:
        return spec.module or spec.id
    for base in (root.resolve(), bundled("checks").resolve().parent):
        if file.is_relative_to(base):
            return f"{file.relative_to(base).as_posix()}:{line}"
    return f"{file}:{line}"


def _rule_folder(file: Path) -> Path | None:
    """The checks/ folder holding a page's module."""
    for parent in file.parents:
        if parent.name == "checks":
            return parent
    return None

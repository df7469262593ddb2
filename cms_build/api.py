"""What a rule module in checks/ is written against.

A module declares computations and checks with two decorators::

    from cms_build.api import check, computation

    @computation("emissions", title="Emissions inventory", clauses=["6.1.2 f", "F.2"])
    def inventory(ctx):               # runs once, before every check
        return {...}                  # JSON-serializable; in ctx.results["emissions"]

    @check("doc.approver-missing", title="Approved records name approver and date",
           clauses=["7.4.2 c"], severity="error", kinds=["*"])
    def approver(record, ctx):        # kinds given: called for each valid record of those kinds
        if record.status == "approved" and not record.get("approved_by"):
            yield record.issue("status", "approved, but no approved_by", hint="add approved_by")

    @check("doc.review-overdue", title="...", clauses=["7.4.2 c"], kinds=["*"], scope="record")
    def review_overdue(record, ctx):  # record-local: reads only the record, settings, as-of date
        ...                           # (.cms-cache/ keeps its findings per record; CONTRIBUTING)

    @check("ms.risk-categories", title="...", clauses=["6.5.1.2"], severity="warning")
    def categories(ctx):              # no kinds: called once, looks across records
        ...

A module may also register a site page of its domain (cms_build/site/registry.py)::

    from cms_build.api import page

    @page("toy", title="玩具 Toy", computations=["toy"], subsystems=["A"], order=50)
    def toy_page(site):               # site: a PageContext of the View of this build's profile
        value = site.results.get("toy")
        site.write([site.section(site.t["total"], site.tv(value))])
        return site.tv(value)         # the home page's headline for the domain, or None

The page lives at ``<id>/index.md`` and is in the navigation under its title (in the site's
language, split like a rule title); further pages go in the same folder (``site.render``).

The engine adds the rule id, title, clauses and severity to each issue. A check may give an
issue its own severity (a deadline still open is a warning, past it an error). A None
yielded is skipped: a helper that places an issue at a location (a record's field, a CSV
line) returns None when the location no longer exists, and the check need not test for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

import re

from . import csvfile, dates, factors, invisible, units
from .findings import SEVERITIES, Issue, format_path
from .dates import Deadline, days_after, months_after, on_or_before
from .records import DONE, INACTIVE, Record, known_by, not_yet, parse_path
from .errors import CmsProblem
from .findings import text_in, title_in
from .results import Classifier, DerivedStatus, JsonValue, Label, Number, RecordId, ResultModel, Shape, Source, StatusReason, TracedValue, is_restricted
from .site.escape import Md, fmt_value, join, md, text
from .site.urls import STATIC
from .trace import Input, Traced, library_source, record_source, setting_source

if TYPE_CHECKING:  # at run time through __getattr__ below
    from .group_model import ReadActivity, ReadEntry, ReadModel, ReadValue
    from .site.registry import PageContext

# What a rule module may use. Anything else of cms_build is the engine's and may change.
__all__ = [
    "text_in",
    "title_in",
    "check",
    "computation",
    "Context",
    "Check",
    "Computation",
    "Statuses",
    "Consolidation",
    "is_restricted",
    "page",
    "Page",
    "PageContext",
    "sheet",
    "Sheet",
    "Md",
    "md",
    "join",
    "text",
    "fmt_value",
    "Issue",
    "Record",
    "DONE",
    "INACTIVE",
    "known_by",
    "not_yet",
    "Deadline",
    "days_after",
    "months_after",
    "on_or_before",
    "catalogue",
    "clause",
    "normalise_clause",
    "dates",
    "units",
    "factors",
    "csvfile",
    "invisible",
    "format_path",
    "parse_path",
    "ResultModel",
    "TracedValue",
    "ReadModel",
    "ReadActivity",
    "ReadEntry",
    "ReadValue",
    "Source",
    "StatusReason",
    "DerivedStatus",
    "RecordId",
    "Label",
    "Classifier",
    "Shape",
    "Number",
    "JsonValue",
    "Traced",
    "Input",
    "record_source",
    "setting_source",
    "library_source",
    "SEVERITIES",
    "CmsProblem",
]


class _ReadResults(dict):
    """ctx.results, noting which computations' results are read."""

    def __init__(self, data, reads: set):
        super().__init__(data)
        self.reads = reads

    def __getitem__(self, key):
        self.reads.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.reads.add(key)
        return super().get(key, default)


def clause_subsystem(clause: str) -> str:
    """'B.8.2.2.1 b' -> 'B'; '7.4.2' -> 'common'."""
    head = clause.strip()[:1]
    return head if head in "ABCDEFG" and head.isalpha() else "common"


def catalogue() -> list:
    """Every clause of the standard, in its order (cms_build/standard.py Clause)."""
    from .standard import load_catalogue

    return load_catalogue()


def clause(number: str):
    """The clause with exactly this number, or None."""
    from .standard import clause as find

    return find(number)


def normalise_clause(ref: str) -> str:
    """'6.1.2 d)' -> '6.1.2 d' ... the bare clause number; ValueError when it is not one."""
    from .standard import normalise

    return normalise(ref)


@dataclass
class Check:
    id: str
    title: str
    clauses: tuple
    severity: str
    fn: Callable
    kinds: tuple = ()
    subsystem: str = ""  # "" = derived from the clauses
    description: str = ""
    module: str = ""  # where it is defined, relative to its rule folder (set by the loader)
    origin: str = ""  # the Python module that defined it (set by the decorator)
    # "record": record-local, its findings on a record depend only on that record's own bytes and
    # path, its kind's schema, the settings and the as-of date, so .cms-cache/ keeps them per record
    # (cms_build/cache.py; CONTRIBUTING "Record-local rules"). "" (the default): it reruns every run.
    scope: str = ""
    source: str = ""  # digest of every file of its rule folder (set by the loader; the cache's key)

    @property
    def subsystems(self) -> set[str]:
        """Subsystems this check belongs to; empty means common (always runs)."""
        if self.subsystem:
            return set() if self.subsystem == "common" else {self.subsystem}
        subs = {clause_subsystem(c) for c in self.clauses} - {"common", "E", "F", "G"}
        # a check citing a common clause too is common: it applies whatever is adopted
        if any(clause_subsystem(c) == "common" for c in self.clauses):
            return set()
        return subs


@dataclass(frozen=True)
class Statuses:
    """How a domain's result gives the statuses the site, `cms export` and the workbook show
    (cms_build/statuses.py holds the rule they all follow, the domain what its result says):
    `derive(result, on)` returns {record id: on.status(kind, record id, computed, ...)} for the
    objects of its result (on: cms_build.statuses.StatusInput); `write(result, statuses)`, when
    given, writes each status back into the result, so the result read alone says the same."""

    derive: Callable
    write: Callable | None = None


@dataclass(frozen=True)
class Consolidation:
    """What a domain's result adds to a group (cms_build/group.py, README: Groups): `sections(g)`
    returns {section: value} of the group's consolidation from the entities' exports (g:
    cms_build.group.GroupInput, whose `result(entity)` is the entity's result as the `reads`
    model); `render(consolidation, page, withheld)` (the consolidation's
    model, cms_build/group_model.py, its sections of the types `models` names) the group overview's
    sections of it, [{"title", "body"}] (page: cms_build.site.group_site.GroupPage; withheld:
    the public overview withholds it, because an entity withholds this result or one of
    `rests_on`); `text(consolidation)` (the model) lines for the text output of `cms group`; `purchase(result,
    year, record)` (result: the `reads` model) an entity's computed entry of an energy purchase,
    a group_model.ReadEntry (the group rules on transfers read it);
    `models` the type of each section it adds ({section: type}, cms_build/group_model.py): the
    consolidation is validated by them where it is made, and the export's schema says them;
    `reads` the part of its result that `sections` and `purchase` read (a group_model.ReadModel),
    which an export read from an entity's job is validated by first, and whose JSON is the digest a
    large group keeps in place of the whole export (issue 20 §3: values, not traces;
    group.reads_of)."""

    sections: Callable
    render: Callable | None = None
    text: Callable | None = None
    purchase: Callable | None = None
    rests_on: tuple = ()
    models: Mapping[str, Any] = field(default_factory=dict)
    reads: Any = None


@dataclass
class Computation:
    id: str
    title: str
    clauses: tuple
    fn: Callable
    after: tuple = ()
    subsystem: str = ""
    module: str = ""
    origin: str = ""
    statuses: Statuses | None = None  # the statuses its result gives (cms_build/statuses.py)
    # what it adds to a group (cms_build/group.py): a Consolidation, or where one is
    # (".group:CONSOLIDATION", relative to the rule's module) so that an organization's check,
    # which never consolidates, does not import the group's models (issue 19)
    consolidates: Consolidation | str | None = None
    _consolidation: Consolidation | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def consolidation(self) -> Consolidation | None:
        """What it adds to a group, its module imported on first use."""
        if self._consolidation is None and self.consolidates is not None:
            self._consolidation = _consolidation_at(self.id, self.consolidates, self.fn.__module__)
        return self._consolidation


SCOPES = ("", "record")


def check(id: str, *, title: str, clauses, severity: str = "error", kinds=(), subsystem: str = "", scope: str = ""):
    if severity not in SEVERITIES:
        raise ValueError(f"check {id}: severity must be one of {SEVERITIES}")
    if not clauses:
        raise ValueError(f"check {id}: name the clauses of the standard it enforces")
    if scope not in SCOPES:
        raise ValueError(
            f'check {id}: scope is "record" (its findings on a record depend on nothing but that record, its schema, the settings and the as-of date) or left out'
        )
    if scope and not kinds:
        raise ValueError(f'check {id}: scope="record" needs kinds: a record-local check is called once per record')

    def wrap(fn: Callable) -> Check:
        doc = (fn.__doc__ or "").strip()
        return Check(
            id=id,
            title=title,
            clauses=tuple(clauses),
            severity=severity,
            fn=fn,
            kinds=tuple(kinds),
            subsystem=subsystem,
            description=doc,
            module=fn.__module__,
            origin=fn.__module__,
            scope=scope,
        )

    return wrap


def _consolidation_at(id: str, where: Consolidation | str, module: str) -> Consolidation:
    """The Consolidation `where` names ("module:NAME", a module relative to the rule's)."""
    if isinstance(where, Consolidation):
        return where
    import importlib

    name, _, attr = where.partition(":")
    found = getattr(importlib.import_module(name, package=module.rpartition(".")[0] or None), attr, None)
    if not isinstance(found, Consolidation):
        raise ValueError(f'computation {id}: consolidation {where!r} names no cms_build.api.Consolidation (write "module:NAME", e.g. ".group:CONSOLIDATION")')
    return found


def computation(
    id: str, *, title: str, clauses=(), after=(), subsystem: str = "", statuses: Statuses | None = None, consolidation: Consolidation | str | None = None
):
    if statuses is not None and not isinstance(statuses, Statuses):
        raise ValueError(f"computation {id}: statuses is a cms_build.api.Statuses(derive, write)")
    if consolidation is not None and not isinstance(consolidation, Consolidation):
        if not isinstance(consolidation, str) or not consolidation.partition(":")[2]:
            raise ValueError(
                f'computation {id}: consolidation is a cms_build.api.Consolidation(sections, ...) or where one is, "module:NAME" (e.g. ".group:CONSOLIDATION")'
            )

    def wrap(fn: Callable) -> Computation:
        return Computation(
            id=id,
            title=title,
            clauses=tuple(clauses),
            fn=fn,
            after=tuple(after),
            subsystem=subsystem,
            module=fn.__module__,
            origin=fn.__module__,
            statuses=statuses,
            consolidates=consolidation,
        )

    return wrap


# Folders of the site that are not a domain's: a page id may not take them.
RESERVED_PAGE_IDS = frozenset(
    {"index", "records", "findings", "computations", "matrix", "files", "data", "charts", STATIC, "search", "javascripts", "stylesheets", "404"}
)
_PAGE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


@dataclass
class Registered:
    """What a domain registers beside its rules for an output of the build: a site page
    (`page`) or a workbook sheet (`sheet`). `fn` writes it; `computations` are the results it
    reads; `subsystems` empty: always adopted; they come in `order`, then id."""

    id: str
    title: str
    fn: Callable
    computations: tuple = ()
    subsystems: tuple = ()
    order: int = 100
    module: str = ""
    origin: str = ""


@dataclass
class Page(Registered):
    """A site page a domain registers: its own folder ``<id>/`` of the site, its main page
    ``<id>/index.md`` in the navigation. `fn(site)` writes it (site: cms_build.site.registry
    .PageContext) and returns the home page's headline (an Md) or None. `computations` are
    the results the page shows: their computation pages link here. `subsystems` empty:
    always adopted."""

    @property
    def path(self) -> str:
        return f"{self.id}/index.md"


@dataclass
class Sheet(Registered):
    """A workbook sheet a domain registers for `cms export --format xlsx`, as a page is for the
    site. `fn(book)` (book: cms_build.workflow.xlsx.SheetContext: the published results, the
    language, labels) returns the rows, the first the header, values typed (dt.date, int, float,
    str), or a dict {sheet title: rows} for several sheets (Annex E: a sheet per table), or
    nothing when there is nothing to show. `computations` are the results it reads: when the
    view withholds one of them the sheet is left out. Sheets come in order, then id."""


def _registrar(cls: type, what: str, id: str, title: str, computations, subsystems, order: int, *, reserved=frozenset(), tab: str = ""):
    """The decorator registering an output of the build (`cls`: Page or Sheet), after checking
    its declaration: an id naming its folder or tab, a title, lists of ids."""
    if not isinstance(id, str) or not _PAGE_ID.match(id) or id in reserved:
        others = f", and none of {', '.join(sorted(reserved))}" if reserved else ""
        raise ValueError(
            f"{what} {id!r}: "
            + ("the id names the page's folder of the site: " if reserved else "")
            + f"lower case letters, digits, '_' and '-', starting with a letter{others}"
        )
    if not str(title or "").strip():
        raise ValueError(f'{what} {id}: give it a title, "中文 English"{tab}')
    if isinstance(computations, str) or isinstance(subsystems, str):
        raise ValueError(f'{what} {id}: computations and subsystems are lists of ids, e.g. ["{id}"]')

    def wrap(fn: Callable):
        return cls(
            id=id,
            title=str(title).strip(),
            fn=fn,
            computations=tuple(computations),
            subsystems=tuple(subsystems),
            order=int(order),
            module=fn.__module__,
            origin=fn.__module__,
        )

    return wrap


def page(id: str, *, title: str, computations=(), subsystems=(), order: int = 100) -> Callable[[Callable], Page]:
    return _registrar(Page, "page", id, title, computations, subsystems, order, reserved=RESERVED_PAGE_IDS)


def sheet(id: str, *, title: str, computations=(), subsystems=(), order: int = 100) -> Callable[[Callable], Sheet]:
    return _registrar(Sheet, "sheet", id, title, computations, subsystems, order, tab=" (the sheet's tab shows it)")


_GROUP_MODEL_NAMES = frozenset({"ReadActivity", "ReadEntry", "ReadModel", "ReadValue"})


def __getattr__(name: str):
    # the page context is the site's (it renders); imported on first use so that a rule
    # module importing this one does not load the site machinery
    if name == "PageContext":
        from .site.registry import PageContext

        return PageContext
    # the group's read models are pydantic models built at import: only a group's consolidation
    # (and a domain's group module, checks/*/_group.py) reads them, never an organization's check
    if name in _GROUP_MODEL_NAMES:
        from . import group_model

        return getattr(group_model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Context:
    """Everything a check or computation may read; nothing in it may be changed."""

    root: object
    settings: object  # cms_build.settings.Settings
    schemas: object  # cms_build.schemas.SchemaSet
    index: object  # cms_build.index.Index
    as_of: dt.date
    results: dict = field(default_factory=dict)
    rules: list = field(default_factory=list)  # every Check loaded for this run (read-only), e.g. for the matrix
    _issues: list = field(default_factory=list)  # issues reported by computations
    # What the running computation has read (record ids, other computations' ids): a public
    # build publishes a result only when everything it was computed from is public.
    _read: set = field(default_factory=set)
    _read_results: set = field(default_factory=set)
    _derived: dict = field(default_factory=dict)  # key -> (value, records read, results read)

    def __post_init__(self):
        self.results = _ReadResults(self.results, self._read_results)

    def start_reading(self) -> None:
        self._read, self._read_results = set(), set()
        self.results.reads = self._read_results

    def derived(self, key: str, compute: Callable[["Context"], Any]) -> Any:
        """compute(ctx), worked out once per run and then shared: for what a check derives alike
        for every record it looks at (the current competence records, for each of 400 roles).
        Every later call counts the same reads as the first, so that a public build still knows
        what a result was computed from. Name the key after the rule ("sup.holder-...:evidence");
        the value is shared, so do not change it."""
        hit = self._derived.get(key)
        if hit is None:
            outer, outer_results = self._read, self._read_results
            self._read, self._read_results = set(), set()
            self.results.reads = self._read_results
            try:
                value = compute(self)
            finally:
                read, read_results = self._read, self._read_results
                self._read, self._read_results = outer, outer_results
                self.results.reads = outer_results
            hit = self._derived[key] = (value, frozenset(read), frozenset(read_results))
        self._read.update(hit[1])
        self._read_results.update(hit[2])
        return hit[0]

    def _seen(self, records):
        self._read.update(r.id for r in records)
        return records

    def records(self, *kinds: str):
        """Valid records of the given kinds (all kinds if none), sorted by id."""
        if not kinds:
            return self._seen(sorted((r for r in self.index.by_id.values() if r.valid), key=lambda r: r.id))
        return self._seen(self.index.of_kind(*kinds))

    def get(self, record_id: str):
        record = self.index.get(record_id)
        if record is not None and record.valid:
            self._read.add(record.id)
            return record
        return None

    def referring(self, record_id: str, kind: str | None = None):
        return self._seen([r for r in self.index.referring(record_id, kind) if r.valid])

    def references(self, record_id: str | None = None, kind: str | None = None) -> list:
        """Every reference a valid record makes (index.Ref: source id, field path, target id),
        optionally only those to `record_id` and/or from records of `kind`, sorted."""
        out = []
        for ref in self.index.refs:
            source = self.index.get(ref.source)
            if source is None or not source.valid or (record_id is not None and ref.target != record_id):
                continue
            if kind is not None and source.kind != kind:
                continue
            self._read.add(source.id)
            out.append(ref)
        return sorted(out, key=lambda r: (r.source, r.path, r.target))

    def attached(self, record, value):
        """The file a record attaches (a repository-relative or record-relative path), resolved
        inside the repository, or None when it would leave it or does not exist."""
        path = record.resolve_file(self.root, value)
        return path if path is not None and path.is_file() else None

    def rel(self, path) -> str:
        """A path inside the repository as findings name it (POSIX, relative to the root)."""
        from pathlib import Path

        return Path(path).resolve().relative_to(Path(self.root).resolve()).as_posix()

    def issue_at(
        self,
        file: str,
        line: int,
        message: str,
        *,
        col: int = 1,
        record: str | None = None,
        path: str = "",
        hint: str = "",
        severity: str | None = None,
        clauses=(),
    ) -> Issue:
        """An issue at a line of a file other than a record's YAML (a CSV row, an attached table)."""
        return Issue(message, file, line, col, record, path, hint, severity, tuple(clauses))

    # -- the standard and the conformity matrix, for the rules about evidence (7.4) ----------
    def exclusions(self) -> dict:
        """{clause number: reason} of management.exclusions."""
        from .matrix import exclusions

        return exclusions(self.settings)

    def applies(self, clause) -> bool:
        """Whether a clause applies: its subsystem is adopted and it is not excluded."""
        from .matrix import applies

        return applies(clause, set(self.settings.subsystems), self.exclusions())

    def _of_records(self, what: str, records, compute: Callable[[], Any]) -> Any:
        # Worked out once per run for the same records (by id, in order): ms.no-evidence and
        # ms.item-no-evidence both ask for the evidence, the enforcing checks and the conditions
        # of every record (twice each: about a second of a profiled re-check at 4,600 records,
        # issue 19). The matrix functions read through no context, so there are no reads to share.
        ids = "\0".join(r.id for r in records).encode("utf-8", "surrogatepass")
        return self.derived(f"cms.matrix:{what}:{hashlib.sha256(ids).hexdigest()}", lambda _ctx: compute())

    def evidence(self, records) -> dict:
        """{clause number: records that are evidence for it}, as the matrix counts them."""
        from .matrix import evidence_records

        shared = self._of_records("evidence", records, lambda: evidence_records(records, self.schemas, self.as_of))
        return {number: list(recs) for number, recs in shared.items()}  # the caller's own to change

    def enforced(self, records) -> dict:
        """{clause number: ids of this run's checks that cite it and run on these records}."""
        from .matrix import enforcing_checks

        shared = self._of_records("enforced", records, lambda: enforcing_checks(self.rules, self.settings, records))
        return {number: list(ids) for number, ids in shared.items()}

    def conditions(self, records) -> set:
        """The catalogue's applies_if: conditions that hold (cms_build/matrix.py, conditions_met)."""
        from .matrix import conditions_met

        return set(self._of_records("conditions", records, lambda: conditions_met(records, self.as_of, set(self.settings.subsystems))))

    def missing_items(self, records) -> list:
        """The applicable shall-items the matrix shows missing, as (clause, provision), in clauses
        with some evidence (cms_build/matrix.py, missing_items)."""
        from .matrix import missing_items

        valid = [r for r in records if r.valid]  # what missing_items derives from
        return missing_items(
            self.rules,
            self.settings,
            valid,
            self.schemas,
            self.as_of,
            evidence=self.evidence(valid),
            enforced=self.enforced(valid),
            met=self.conditions(valid),
        )

    def attachment_problems(self, records) -> dict:
        """(record id, path) -> why no record may attach that file (cms_build/publish.py)."""
        from .publish import attachment_problems

        return attachment_problems(records, self.schemas, self.root)

    def adopts(self, subsystem: str) -> bool:
        return subsystem in self.settings.subsystems

    def setting(self, dotted: str, default=None):
        return self.settings.get(dotted, default)

    def settings_issue(self, dotted: str, message: str, hint: str = "", severity: str | None = None) -> Issue:
        line, col = self.settings.where(dotted)
        return Issue(message, self.settings.rel, line, col, None, dotted, hint, severity)

    def report(self, issue: Issue) -> None:
        """For computations: an input that cannot be computed (e.g. a unit that cannot be
        converted). It becomes a finding of the rule '<computation id>.compute'."""
        self._issues.append(issue)

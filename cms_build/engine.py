"""The pipeline: load -> validate -> index -> compute -> check.

One function, `run`, does it all and returns a Result that the CLI, the exports and the
site read. Nothing a user can put in a record may raise out of here: bad input becomes
findings, and a rule (check or computation) that raises, hangs, prints, exits or yields
something that is not an Issue becomes a 'rules.crashed' finding at its own file and line,
while every other rule still runs (see _guarded). 'rules.crashed' replaces the earlier id
'engine.check-crashed'; like every rule of the engine it cannot be switched off.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .api import Check, Computation, Context, Page, Sheet
from .engine_rules import ENGINE_RULES  # the engine's own rules: (id, title, clauses, severity)
from .findings import SEVERITIES, Finding, Issue, at_or_above
from .index import Index
from .guard import DEFAULT_TIME_LIMIT, NotJSON, Outcome, guarded, line_in, what_happened
from .paths import UnsafeFile, folders_resolved_once, repo_file
from .records import Record, discover, id_problem, valid_id
from .results import ResultModel, dump

# the rule loader lives in rules.py; these names stay importable from here for rule modules and tests
from .rules import RuleError, _def_line, load_rules, rule_folders, schema_folders  # noqa: F401
from .schemas import SchemaSet
from .settings import Settings, load_settings
from .validate import validate
from . import cache as _cache
from .cache import RunCache
from .yamlsafe import Budget, LoadError, load_file, parse_bytes, read_file  # noqa: F401

if TYPE_CHECKING:
    from .wholerun import Digests


@dataclass
class Result:
    root: Path
    as_of: dt.date
    settings: Settings
    schemas: SchemaSet
    index: Index
    records: list[Record]
    findings: list[Finding]
    results: dict
    checks: list[Check]
    computations: list[Computation]
    # per computation: the record ids and the other computations' results it read
    reads: dict = field(default_factory=dict)
    # per computation that returned a typed result (a ResultModel): the model's class, whose field
    # types say which values name records, quote titles or only classify (cms_build/publish.py)
    result_types: dict = field(default_factory=dict)
    # per record id: the status shown for it, derived from results and findings (cms_build/statuses.py)
    statuses: dict = field(default_factory=dict)
    # the site pages the rule folders register (api.page), in navigation order
    pages: list[Page] = field(default_factory=list)
    # the workbook sheets they register (api.sheet), in order (cms_build/workflow/xlsx.py)
    sheets: list[Sheet] = field(default_factory=list)
    # record files whose parse (and schema errors) came from .cms-cache/ (cms_build/cache.py)
    cache_hits: int = 0
    # findings of record-local checks (scope="record") on one record that came from .cms-cache/
    finding_hits: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failing(self, threshold: str) -> list[Finding]:
        return [f for f in self.findings if at_or_above(f.severity, threshold)]


# -- the pipeline -----------------------------------------------------------------------
def load_records(
    root: Path, schemas: SchemaSet, settings: Settings, progress=None, cache: RunCache | None = None, digests: Digests | None = None
) -> tuple[list[Record], list[tuple[str, Issue]]]:
    """The records of the repository and the issues of loading them. With a cache, a file whose
    SHA-256 `digests` holds for its present status (wholerun.Digests: the whole-run key's walk
    hashed it) and whose entry the cache holds is neither read nor hashed again."""
    issues: list[tuple[str, Issue]] = []
    records: list[Record] = []
    unreadable: list[UnsafeFile] = []
    with folders_resolved_once():  # each folder's real path once, not once a file (cms_build/paths.py)
        return _load_records(root, schemas, settings, progress, cache, issues, records, unreadable, digests if cache is not None else None)


def _known_digest(digests: Digests, cache: RunCache, root: Path, path: Path, max_bytes: int) -> tuple[str, int] | None:
    """(digest, size) of a record file the cache holds an entry for, from the key's walk, when
    the file is the one the walk hashed (its status unchanged); None: read it."""
    try:
        real = str(repo_file(root, path))
        st = os.stat(real)
    except (UnsafeFile, OSError):
        return None  # read_file says why, as without the digests
    if st.st_size > max_bytes:
        return None
    known = digests.get(real, st)
    if known is None or not cache.holds(known):
        return None
    return known, st.st_size


def _load_records(root, schemas, settings, progress, cache, issues, records, unreadable, digests=None):
    files = discover(root, settings.data.get("exclude"), unreadable)
    root_real = root.resolve()  # once, not per file (each resolve is an lstat per component)
    issues.extend(("yaml.invalid", Issue(u.message, u.rel, 1, 1, hint=u.hint)) for u in unreadable)
    budget = Budget(settings.get("limits.max_run_bytes"), settings.get("limits.max_run_nodes"))
    max_nodes = settings.get("limits.max_nodes")
    root_real = root.resolve()  # once, not once a file (issue 20 §3)
    for n, path in enumerate(files):
        if progress:
            progress(n, len(files))
        rel = path.relative_to(root_real).as_posix()
        entry = content = None
        try:
            max_bytes = settings.get("limits.max_file_bytes")
            known = _known_digest(digests, cache, root, path, max_bytes) if digests is not None else None
            if known is None:
                raw = read_file(path, max_bytes=max_bytes, root=root, budget=budget, rel=rel)
            else:  # counted against the budget as read_file counts the bytes it reads
                raw = None
                budget.refuse()
                budget.current = rel
                budget.take_bytes(known[1], rel)
            doc = None
            if cache is not None:
                content = _digest(raw) if known is None else known[0]
                doc, entry = _cached_doc(cache, content, budget, max_nodes)
            if doc is None:
                if raw is None:  # the cached entry does not fit what is left of the budget: parse
                    raw = read_file(path, max_bytes=max_bytes, root=root, rel=rel)
                spent, nodes_before = budget.spent_at, budget.nodes
                try:
                    doc = parse_bytes(raw, max_nodes=max_nodes, budget=budget)
                except LoadError as exc:
                    # an error that depends on what was left of the run's budget is not the file's own
                    if cache is not None and budget.spent_at == spent and nodes_before > max_nodes:
                        cache.store(content, _cache.error_entry(exc))
                    raise
                if cache is not None:
                    entry = _cache.doc_entry(doc)
                    cache.handed(content)
        except LoadError as exc:
            issues.append(("yaml.invalid", Issue(exc.message, rel, exc.line, exc.col, hint=exc.hint)))
            continue
        data = doc.data
        if not isinstance(data, dict):
            issues.append(
                (
                    "yaml.invalid",
                    Issue(
                        f"a record must be a mapping of 'key: value' lines, not {'a list' if isinstance(data, list) else 'a single value'}",
                        rel,
                        1,
                        1,
                        hint="start the file with 'kind: ...' and 'id: ...'",
                    ),
                )
            )
            _remember(cache, content, entry)
            continue
        kind_name = data.get("kind")
        if not isinstance(kind_name, str) or not kind_name:
            line, col = doc.where(("kind",))
            issues.append(
                (
                    "record.kind",
                    Issue("the record does not say its kind", rel, line, col, hint="add 'kind: <name>' as the first line; 'cms kinds' lists the kinds"),
                )
            )
            _remember(cache, content, entry)
            continue
        kind = schemas.kinds.get(kind_name)
        if kind is None:
            import difflib

            close = difflib.get_close_matches(kind_name, list(schemas.kinds), n=1, cutoff=0.6)
            line, col = doc.where(("kind",))
            issues.append(
                (
                    "record.kind",
                    Issue(
                        f"unknown kind '{kind_name}'",
                        rel,
                        line,
                        col,
                        path="kind",
                        hint=f"did you mean '{close[0]}'?" if close else "'cms kinds' lists the kinds",
                    ),
                )
            )
            _remember(cache, content, entry)
            continue
        record_id = data.get("id")
        if not valid_id(record_id):
            line, col = doc.where(("id",))
            what = id_problem(record_id)
            issues.append(
                (
                    "record.id",
                    Issue(
                        f"the record {what}",
                        rel,
                        line,
                        col,
                        path="id",
                        hint=f"give it an id of letters, digits, '.', '_' or '-', e.g. {kind.id_prefix or kind.name.upper()}-001",
                    ),
                )
            )
            _remember(cache, content, entry)
            continue
        record = Record(id=record_id, kind=kind_name, data=data, rel=rel, path=path, doc=doc, content=content or "")
        schema_issues = None
        if entry is not None and "schema" in entry:
            schema_issues = _cache.entry_issues(entry["schema"], rel)
        if schema_issues is None:
            schema_issues = validate(doc, kind, schemas, rel, record_id)
            if entry is not None:
                entry = {**entry, "schema": _cache.issues_entry(schema_issues)}
        _remember(cache, content, entry)
        if schema_issues:
            record.valid = False
            issues.extend(("schema.invalid", i) for i in schema_issues)
        records.append(record)
    return records, issues


def _digest(raw: bytes) -> str:
    return _cache.digest(raw)


def _cached_doc(cache: RunCache, content: str, budget: Budget, max_nodes: int):
    """(Document, entry) from the cache, or (None, None) to parse. Raises the cached LoadError.
    A cached record takes its values from the run's budget as parsing would; one that would not
    fit what is left is parsed afresh, to fail exactly as it does without the cache."""
    entry = cache.lookup(content)
    if entry is None:
        return None, None
    if "error" in entry:
        error = _cache.entry_error(entry)
        if error is None or budget.nodes <= max_nodes:  # the budget, not the file, may decide now
            return None, None
        cache.hits += 1
        raise error
    doc = _cache.entry_doc(entry)
    if doc is None or doc.count > min(max_nodes, budget.nodes):
        return None, None
    budget.nodes -= doc.count
    cache.hits += 1
    return doc, entry


def _remember(cache: RunCache | None, content: str | None, entry: dict | None) -> None:
    if cache is not None and content is not None and entry is not None:
        cache.store(content, entry)


def run(root: Path, as_of: dt.date | None = None, *, stages: str = "check", progress=None, cache: bool = False, digests: Digests | None = None) -> Result:
    """Run the pipeline on an organization's records repository.

    stages: "validate" (load, validate, index), or "check" (also compute and check).
    cache: keep parsed records, their schema errors and the schema checks in .cms-cache/ between
    runs (cms_build/cache.py; the CLI's default, off with --no-cache). Findings are the same.
    digests: the SHA-256 of the repository's files that the whole-run cache's key computed just
    before (cms_build/wholerun.py, Digests), reused for the files whose status is unchanged.
    """
    root = Path(root).resolve()
    as_of = as_of or dt.date.today()
    store = RunCache.open(root) if cache else None
    schemas = SchemaSet.load(schema_folders(root), checked=store)
    settings, settings_issues = load_settings(root, schemas)
    tagged: list[tuple[str, Issue]] = [("settings.invalid", i) for i in settings_issues]
    if store is not None:
        store.set_namespace(
            schemas.digest(),
            _cache.digest(_cache._canonical([settings.rel, settings.data, settings.defaults, [(i.message, i.line, i.col) for i in settings_issues]])),
        )
    records, record_issues = load_records(root, schemas, settings, progress, store, digests)
    tagged.extend(record_issues)
    index = Index(records, schemas, root)
    tagged.extend(index.issues)
    rule_errors: list[RuleError] = []
    limit = settings.get("checks.time_limit_seconds", DEFAULT_TIME_LIMIT)
    pages: list[Page] = []
    sheets: list[Sheet] = []
    checks, comps = load_rules(rule_folders(root), rule_errors, limit, pages, sheets)
    ctx = Context(root=root, settings=settings, schemas=schemas, index=index, as_of=as_of, rules=list(checks))
    tagged.extend(("rules.invalid", Issue(e.message, _rel(e.path, root), e.line, e.col, hint=e.hint)) for e in rule_errors)
    if not settings_issues and not rule_errors:  # a rule file that did not load may define the id
        tagged.extend(("settings.invalid", i) for i in _unknown_rules(settings, checks, comps))
    findings = [_finding(rule, issue, *ENGINE_RULES[rule]) for rule, issue in tagged]
    disabled = set(settings.get("checks.disable", []) or [])
    overrides = settings.get("checks.severity", {}) or {}

    reads: dict = {}
    result_types: dict = {}
    if stages == "check":
        for comp in comps:
            if comp.subsystem and comp.subsystem not in settings.subsystems:
                continue
            ctx._issues = []
            ctx.start_reading()
            outcome = guarded(lambda: _json_checked(dump(_typed(comp, comp.fn(ctx), result_types))), limit)
            ctx.results[comp.id] = outcome.value
            findings.extend(_crashes(comp, outcome, root, settings, limit))
            reads[comp.id] = (frozenset(ctx._read), frozenset(ctx._read_results - {comp.id}))
            strays = [i for i in ctx._issues if not _is_issue(i)]
            for issue in ctx._issues:
                if _is_issue(issue):
                    findings.append(_finding(f"{comp.id}.compute", issue, f"{comp.title}: inputs can be computed", comp.clauses, "error"))
            if strays:
                findings.append(_stray_finding(comp, strays, root, settings))
        for chk in checks:
            if chk.id in disabled or (chk.subsystems and not (chk.subsystems & settings.subsystems)):
                continue
            severity = overrides.get(chk.id, chk.severity)
            yielded: list = []
            memo = _Memo(store, chk, as_of) if store is not None and chk.scope == "record" and chk.source else None
            outcome = guarded(lambda: _run_check(chk, ctx, yielded, memo), limit)
            if memo is not None and outcome.error is None and not outcome.output:
                memo.commit()  # a check that crashed or printed is run again next time, to say so again
            findings.extend(_crashes(chk, outcome, root, settings, limit))
            strays = []
            for issue in yielded:
                if issue is None:  # see cms_build/api.py: nothing to report
                    continue
                if not _is_issue(issue):
                    strays.append(issue)
                    continue
                findings.append(_finding(chk.id, issue, chk.title, chk.clauses, severity, keep_own_severity=chk.id not in overrides))
            if strays:
                findings.append(_stray_finding(chk, strays, root, settings))
    # a new repository's unfilled starter drafts: one to-do each (workflow/todo.py). Only where
    # cms.yaml says so (cms init writes it): otherwise a pull request could add a draft holding
    # the placeholder to turn the error "no approved policy" into an info finding.
    if stages == "check" and settings.get("management.starter_drafts") is True:
        from .workflow.todo import group_starters

        findings = group_starters(findings, records, schemas)
    findings = sorted(set(findings), key=Finding.sort_key)
    result = Result(
        root, as_of, settings, schemas, index, records, findings, dict(ctx.results), checks, comps, reads, result_types=result_types, pages=pages, sheets=sheets
    )
    if stages == "check":  # statuses follow from the results and the findings on them, in one place
        from .statuses import apply

        result.statuses = apply(result.results, findings, index.by_id, as_of, comps)
    result.cache_hits = store.hits if store is not None else 0
    result.finding_hits = store.finding_hits if store is not None else 0
    if store is not None:
        store.save()
    return result


def _typed(comp, value, types: dict):
    """A computation's result, its model's class noted when it is typed (Result.result_types)."""
    if isinstance(value, ResultModel):
        types[comp.id] = type(value)
    return value


def _is_issue(value) -> bool:
    """An Issue whose fields the formats can write: a message, a file, whole line and column
    numbers, a known severity (or none), clauses as text. Anything else is not a finding."""
    if not isinstance(value, Issue):
        return False
    number = lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**31  # noqa: E731
    return (
        isinstance(value.message, str)
        and isinstance(value.file, str)
        and number(value.line)
        and number(value.col)
        and (value.severity is None or value.severity in SEVERITIES)
        and isinstance(value.record, (str, type(None)))
        and isinstance(value.path, str)
        and isinstance(value.hint, str)
        and isinstance(value.clauses, (tuple, list))
        and all(isinstance(c, str) for c in value.clauses)
    )


def _stray_finding(rule, strays: list, root: Path, settings: Settings) -> Finding:
    first = strays[0]
    what = (
        f"an Issue with a field of the wrong type or an unknown severity, {_short(first)}"
        if isinstance(first, Issue)
        else f"{_short(first)} ({type(first).__name__})"
    )
    return _rule_finding(
        rule,
        root,
        settings,
        _def_line(rule.fn),
        f"{'reported' if isinstance(rule, Computation) else 'yielded'} {len(strays)} value(s) that are not findings, the first {what}",
        "yield record.issue(...) or an Issue (cms_build.findings), or None for nothing",
    )


def _json_checked(value):
    """A computation's result goes into exports, the site and other rules: it must be JSON."""
    try:  # NaN and infinities pass: the exports write them as Python's json does
        json.dumps(value)
    except (TypeError, ValueError, RecursionError) as exc:
        raise NotJSON(str(exc)) from None
    return value


class _Memo:
    """The cached findings of one record-local check (scope="record") in one run: looked up per
    record file by finding_key; what the check yields on a record not found is kept aside and
    stored only once the whole check has run without a crash and without printing."""

    def __init__(self, store: RunCache, chk: Check, as_of: dt.date):
        self.store, self.chk, self.as_of = store, chk, as_of.isoformat()
        self.pending: list[tuple[str, list]] = []

    def key(self, record: Record) -> str | None:
        if not record.content:
            return None
        return _cache.finding_key(self.chk.id, self.chk.source, self.as_of, record.content, record.rel)

    def get(self, key: str) -> list[Issue] | None:
        stored = self.store.findings(key)
        return _cache.entry_check_issues(stored) if stored is not None else None

    def put(self, key: str, got: list) -> None:
        issues = [i for i in got if i is not None]
        if all(_is_issue(i) for i in issues):  # anything else is reported as a stray: not kept
            self.pending.append((key, _cache.check_issues_entry(issues)))

    def commit(self) -> None:
        for key, issues in self.pending:
            self.store.store_findings(key, issues)


def _run_check(chk: Check, ctx: Context, into: list, memo: _Memo | None = None) -> None:
    """Everything a check yields, into `into` (kept when the check crashes half-way). A
    record-local check's findings on a record come from the cache when it holds them."""
    if chk.kinds:
        targets = ctx.records() if "*" in chk.kinds else ctx.records(*chk.kinds)
        for record in targets:
            key = memo.key(record) if memo is not None else None
            if key is None:
                into.extend(chk.fn(record, ctx) or ())
                continue
            assert memo is not None
            cached = memo.get(key)
            if cached is not None:
                into.extend(cached)
                continue
            got: list = []
            try:
                got.extend(chk.fn(record, ctx) or ())
            finally:
                into.extend(got)
            memo.put(key, got)
    else:
        into.extend(chk.fn(ctx) or ())


def _rel(path: Path, root: Path) -> str:
    try:  # the path as written first: a link out of the repository is named by its own name
        return Path(os.path.abspath(path)).relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        pass
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def _rule_file(rule) -> Path | None:
    code = getattr(rule.fn, "__code__", None)
    return Path(code.co_filename).resolve() if code else None


def _short(value, limit: int = 80) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a rule's object whose repr fails
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _crashes(rule, outcome: Outcome, root: Path, settings: Settings, limit: float) -> list[Finding]:
    """The rules.crashed findings of one call of a rule: what it raised, what it printed."""
    out: list[Finding] = []
    if outcome.error is None and not outcome.output:
        return out  # the common case, without resolving the rule's file
    path = _rule_file(rule)
    if outcome.error is not None:
        line = line_in(outcome.error, path) or _def_line(rule.fn)
        out.append(_rule_finding(rule, root, settings, line, what_happened(outcome.error, limit), "the other rules ran and their findings are reported"))
    if outcome.output:
        first = outcome.output.strip().splitlines()[0] if outcome.output.strip() else outcome.output
        out.append(
            _rule_finding(
                rule,
                root,
                settings,
                _def_line(rule.fn),
                f"it wrote {len(outcome.output)} characters to standard output or error (first line {_short(first)}), which cms discarded",
                "report through yield record.issue(...), not print()",
                severity="warning",
            )
        )
    return out


def _rule_finding(rule, root: Path, settings: Settings, line: int, what: str, hint: str, severity: str | None = None) -> Finding:
    """A rules.crashed finding. An organization's rule is located in its own file (checks/x.py:
    line); a bundled rule's crash is a bug in cms, located at cms.yaml:1:1 (a place in the
    repository CI can annotate) and naming the bundled file and line in the message."""
    title, clauses, default = ENGINE_RULES["rules.crashed"]
    kind = "computation" if isinstance(rule, Computation) else "check"
    path = _rule_file(rule)
    rel = _rel(path, root) if path else None
    if path is not None and path.is_relative_to(root):
        return Finding(
            "rules.crashed",
            severity or default,
            f"{kind} '{rule.id}' failed: {what}",
            rel,
            line,
            1,
            clauses,
            hint=f"{hint}; the rule is the organization's own code in {rel}: correct it, or switch it off with checks.disable in cms.yaml",
            title=title,
        )
    where = f"{Path(rel).name}:{line}" if rel else "?"
    return Finding(
        "rules.crashed",
        severity or default,
        f"bundled {kind} '{rule.id}' ({where}) failed: {what}",
        settings.rel,
        1,
        1,
        clauses,
        hint=f"this is a bug in cms, not in your records ({hint}); please report it with this message",
        title=title,
    )


def _unknown_rules(settings: Settings, checks: list[Check], comps: list[Computation]) -> list[Issue]:
    """checks.disable / checks.severity naming a rule that does not exist (or one of the
    engine's, which cannot be changed): a typo there would silently leave a rule on, or at its
    severity, that the organization meant to change."""
    known = {c.id for c in checks}
    engine = set(ENGINE_RULES) | {f"{c.id}.compute" for c in comps}
    issues = []
    named = [(("checks", "disable", n), r) for n, r in enumerate(settings.get("checks.disable", []) or [])]
    named += [(("checks", "severity", r), r) for r in (settings.get("checks.severity", {}) or {})]
    for where, rule in named:
        if rule in known:
            continue
        line, col = settings.doc.where_key(where) if where[1] == "severity" else settings.doc.where(where)
        if rule in engine:
            issues.append(
                Issue(
                    f"checks.{where[1]} names {rule!r}, a rule of the engine, which cannot be "
                    f"{'switched off' if where[1] == 'disable' else 'given another severity'}: "
                    "its findings mean records or rules could not be read or run",
                    settings.rel,
                    line,
                    col,
                    path=".".join(str(p) for p in where),
                    hint="remove it; correct what the findings say instead",
                )
            )
            continue
        close = difflib.get_close_matches(rule, sorted(known), n=3, cutoff=0.6)
        issues.append(
            Issue(
                f"checks.{where[1]} names {rule!r}, which is not a rule",
                settings.rel,
                line,
                col,
                path=".".join(str(p) for p in where),
                hint=(f"did you mean {', '.join(repr(c) for c in close)}? " if close else "") + "'cms checks' lists the rules",
            )
        )
    return issues


def _finding(rule: str, issue: Issue, title: str, clauses, severity: str, keep_own_severity: bool = True) -> Finding:
    return Finding(
        rule=rule,
        severity=(issue.severity if keep_own_severity and issue.severity else severity),
        message=issue.message,
        file=issue.file,
        line=issue.line,
        col=issue.col,
        clauses=tuple(issue.clauses or clauses),
        record=issue.record,
        path=issue.path,
        hint=issue.hint,
        title=title,
    )

"""The pipeline: load -> validate -> index -> compute -> check.

One function, `run`, does it all and returns a Result that the CLI, the exports and the
site read. Nothing a user can put in a record may raise out of here: bad input becomes
findings, and a check that crashes becomes an 'engine.check-crashed' finding that names it.
"""
from __future__ import annotations

import datetime as dt
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .api import Check, Computation, Context
from .findings import Finding, Issue, at_or_above
from .index import Index
from .records import Record, discover, valid_id
# the rule loader lives in rules.py; these names stay importable from here for rule modules and tests
from .rules import RuleError, load_rules, rule_folders, schema_folders  # noqa: F401
from .schemas import SchemaSet
from .settings import Settings, load_settings
from .validate import validate
from .yamlsafe import LoadError, load_file

# Rules of the engine itself: (id, title, clauses, severity)
ENGINE_RULES = {
    "yaml.invalid": ("The file is well-formed, safe YAML", ("7.4.2 b",), "error"),
    "record.kind": ("Every record names a known kind", ("7.4.2 a",), "error"),
    "record.id": ("Every record has a valid id, unique in the repository", ("7.4.2 a",), "error"),
    "schema.invalid": ("Every record matches its kind's schema", ("7.4.2",), "error"),
    "ref.invalid": ("References name an existing record of the right kind; attached files exist in the repository", ("7.4.3",), "error"),
    "settings.invalid": ("The settings file is valid", ("4.3",), "error"),
    "engine.check-crashed": ("A check or computation failed on this data (a bug to report)", ("7.4.3",), "error"),
    "rules.invalid": ("The organization's own rule files load", ("7.4.3",), "error"),
}


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

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failing(self, threshold: str) -> list[Finding]:
        return [f for f in self.findings if at_or_above(f.severity, threshold)]


# -- the pipeline -----------------------------------------------------------------------
def load_records(root: Path, schemas: SchemaSet, settings: Settings, progress=None) -> tuple[list[Record], list[tuple[str, Issue]]]:
    issues: list[tuple[str, Issue]] = []
    records: list[Record] = []
    limits = settings.data.get("limits", {})
    files = discover(root, settings.data.get("exclude"))
    for n, path in enumerate(files):
        if progress:
            progress(n, len(files))
        rel = path.relative_to(root.resolve()).as_posix()
        try:
            doc = load_file(path, max_bytes=limits.get("max_file_bytes", 5242880),
                            max_nodes=limits.get("max_nodes", 200000))
        except LoadError as exc:
            issues.append(("yaml.invalid", Issue(exc.message, rel, exc.line, exc.col, hint=exc.hint)))
            continue
        data = doc.data
        if not isinstance(data, dict):
            issues.append(("yaml.invalid", Issue("a record must be a mapping of 'key: value' lines, not "
                                                 f"{'a list' if isinstance(data, list) else 'a single value'}",
                                                 rel, 1, 1, hint="start the file with 'kind: ...' and 'id: ...'")))
            continue
        kind_name = data.get("kind")
        if not isinstance(kind_name, str) or not kind_name:
            line, col = doc.where(("kind",))
            issues.append(("record.kind", Issue("the record does not say its kind", rel, line, col,
                                                hint="add 'kind: <name>' as the first line; 'cms kinds' lists the kinds")))
            continue
        kind = schemas.kinds.get(kind_name)
        if kind is None:
            import difflib
            close = difflib.get_close_matches(kind_name, list(schemas.kinds), n=1, cutoff=0.6)
            line, col = doc.where(("kind",))
            issues.append(("record.kind", Issue(f"unknown kind '{kind_name}'", rel, line, col, path="kind",
                                                hint=f"did you mean '{close[0]}'?" if close else "'cms kinds' lists the kinds")))
            continue
        record_id = data.get("id")
        if not valid_id(record_id):
            line, col = doc.where(("id",))
            what = "has no id" if record_id is None else f"has an invalid id {record_id!r}"
            issues.append(("record.id", Issue(f"the record {what}", rel, line, col, path="id",
                                              hint="give it an id of letters, digits, '.', '_' or '-', e.g. "
                                                   f"{kind.id_prefix or kind.name.upper()}-001")))
            continue
        record = Record(id=record_id, kind=kind_name, data=data, rel=rel, path=path, doc=doc,
                        schema_title=kind.title_zh)
        schema_issues = validate(doc, kind, schemas, rel, record_id)
        if schema_issues:
            record.valid = False
            issues.extend(("schema.invalid", i) for i in schema_issues)
        records.append(record)
    return records, issues


def run(root: Path, as_of: dt.date | None = None, *, stages: str = "check", progress=None) -> Result:
    """Run the pipeline on an organization's records repository.

    stages: "validate" (load, validate, index), or "check" (also compute and check).
    """
    root = Path(root).resolve()
    as_of = as_of or dt.date.today()
    schemas = SchemaSet.load(schema_folders(root))
    settings, settings_issues = load_settings(root, schemas)
    tagged: list[tuple[str, Issue]] = [("settings.invalid", i) for i in settings_issues]
    records, record_issues = load_records(root, schemas, settings, progress)
    tagged.extend(record_issues)
    index = Index(records, schemas, root)
    tagged.extend(index.issues)
    rule_errors: list[RuleError] = []
    checks, comps = load_rules(rule_folders(root), rule_errors)
    ctx = Context(root=root, settings=settings, schemas=schemas, index=index, as_of=as_of, rules=list(checks))
    tagged.extend(("rules.invalid", Issue(e.message, _rel(e.path, root), e.line, e.col, hint=e.hint))
                  for e in rule_errors)
    findings = [_finding(rule, issue, *ENGINE_RULES[rule]) for rule, issue in tagged]
    disabled = set(settings.get("checks.disable", []) or [])
    overrides = settings.get("checks.severity", {}) or {}

    reads: dict = {}
    if stages == "check":
        for comp in comps:
            if comp.subsystem and comp.subsystem not in settings.subsystems:
                continue
            ctx._issues = []
            ctx.start_reading()
            try:
                ctx.results[comp.id] = comp.fn(ctx)
            except Exception as exc:  # a bug in a computation must not hide the other findings
                findings.append(_crash(comp.id, exc, settings))
                ctx.results[comp.id] = None
            reads[comp.id] = (frozenset(ctx._read), frozenset(ctx._read_results - {comp.id}))
            for issue in ctx._issues:
                findings.append(_finding(f"{comp.id}.compute", issue, f"{comp.title}: inputs can be computed",
                                         comp.clauses, "error"))
        for chk in checks:
            if chk.id in disabled or (chk.subsystems and not (chk.subsystems & settings.subsystems)):
                continue
            severity = overrides.get(chk.id, chk.severity)
            for issue in _run_check(chk, ctx, findings, settings):
                if issue is None:  # see cms_build/api.py: nothing to report
                    continue
                findings.append(_finding(chk.id, issue, chk.title, chk.clauses, severity,
                                         keep_own_severity=chk.id not in overrides))
    findings = sorted(set(findings), key=Finding.sort_key)
    return Result(root, as_of, settings, schemas, index, records, findings, dict(ctx.results), checks, comps, reads)


def _run_check(chk: Check, ctx: Context, findings: list, settings: Settings):
    try:
        if chk.kinds:
            targets = ctx.records() if "*" in chk.kinds else ctx.records(*chk.kinds)
            for record in targets:
                yield from (chk.fn(record, ctx) or ())
        else:
            yield from (chk.fn(ctx) or ())
    except Exception as exc:
        findings.append(_crash(chk.id, exc, settings))


def _rel(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def _crash(rule_id: str, exc: Exception, settings: Settings) -> Finding:
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    title, clauses, severity = ENGINE_RULES["engine.check-crashed"]
    return Finding("engine.check-crashed", severity,
                   f"'{rule_id}' failed: {type(exc).__name__}: {exc}{where}", settings.rel, 1, 1, clauses,
                   hint="this is a bug in the rule, not in your records; please report it with this message",
                   title=title)


def _finding(rule: str, issue: Issue, title: str, clauses, severity: str, keep_own_severity: bool = True) -> Finding:
    return Finding(rule=rule, severity=(issue.severity if keep_own_severity and issue.severity else severity),
                   message=issue.message, file=issue.file, line=issue.line, col=issue.col,
                   clauses=tuple(issue.clauses or clauses), record=issue.record, path=issue.path,
                   hint=issue.hint, title=title)

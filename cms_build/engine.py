"""The pipeline: load -> validate -> index -> compute -> check.

One function, `run`, does it all and returns a Result that the CLI, the exports and the
site read. Nothing a user can put in a record may raise out of here: bad input becomes
findings, and a check that crashes becomes an 'engine.check-crashed' finding that names it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .api import Check, Computation, Context
from .findings import Finding, Issue, at_or_above
from .index import Index
from .paths import UnsafeFile, bundled, repo_file
from .records import Record, discover, id_problem, valid_id
from .schemas import SchemaSet
from .settings import Settings, load_settings
from .validate import validate
from .yamlsafe import Budget, LoadError, load_file

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


class RuleError(Exception):
    """A rule file that cannot be loaded: a syntax error, an error while it runs, a bad
    decorator argument or an id used twice. Located in that file."""

    def __init__(self, path: Path, message: str, line: int = 1, col: int = 1, hint: str = ""):
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path, self.message, self.line, self.col, self.hint = path, message, line, col, hint


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


# -- rule modules -----------------------------------------------------------------------
_MODULE_CACHE: dict[tuple, object] = {}


def _load_module(path: Path):
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key in _MODULE_CACHE:
        return _MODULE_CACHE[key]
    name = "cms_rules_" + hashlib.sha1(str(path).encode()).hexdigest()[:10] + "_" + path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        raise RuleError(path, f"Python syntax error: {exc.msg}", exc.lineno or 1, exc.offset or 1,
                        "correct the line; run 'python3 -m py_compile' on the file to check it") from None
    except Exception as exc:  # the module's own code failed while loading (an import, a decorator argument)
        sys.modules.pop(name, None)
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
        line = frames[-1].lineno if frames else 1
        raise RuleError(path, f"the file failed to load: {type(exc).__name__}: {exc}", line or 1, 1,
                        "see cms_build/api.py for what @check and @computation accept") from None
    _MODULE_CACHE[key] = module
    return module


def load_rules(folders: list[Path], errors: list | None = None) -> tuple[list[Check], list[Computation]]:
    """Checks and computations defined in the *.py files of the given folders.

    The bundled checks/ first, then the organization's own checks/ folder. Ids must be unique.
    A file that cannot be loaded raises RuleError, or, when `errors` is a list, is left out
    and its RuleError appended there (the engine reports it and runs the other rules).
    """
    checks: dict[str, Check] = {}
    comps: dict[str, Computation] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        if not os.access(folder, os.R_OK | os.X_OK):  # glob() would find nothing, in silence
            unreadable = RuleError(folder, "the folder cannot be read: Permission denied; its rules are not run",
                                   1, 1, "make it readable to the user who runs cms (chmod a+rx)")
            if errors is None:
                raise unreadable
            errors.append(unreadable)
            continue
        for path in sorted(folder.glob("*.py")):
            if path.name.startswith("_"):
                continue
            try:
                _safe_rule_file(folder, path)
                found = _rules_of(path, checks, comps)
            except RuleError as exc:
                if errors is None:
                    raise
                errors.append(exc)
                continue
            for value in found:
                (checks if isinstance(value, Check) else comps)[value.id] = value
    return sorted(checks.values(), key=lambda c: c.id), _order(comps)


def _safe_rule_file(folder: Path, path: Path) -> None:
    """A rule file is imported only from inside its repository (folder.parent: the records
    repository of checks/, the bundle of the bundled checks), and only a regular file: a FIFO
    named x.py would hang the import, a link could run code from anywhere on the machine."""
    try:
        repo_file(folder.parent, path)
    except UnsafeFile as exc:
        raise RuleError(path, exc.message, 1, 1, exc.hint) from None


def _rules_of(path: Path, checks: dict, comps: dict) -> list:
    """The checks and computations one file defines, none of their ids already taken."""
    found = []
    for value in vars(_load_module(path)).values():
        if isinstance(value, (Check, Computation)):
            taken = checks if isinstance(value, Check) else comps
            if value.id in taken and taken[value.id].fn is not value.fn:
                what = "check" if isinstance(value, Check) else "computation"
                raise RuleError(path, f"{what} id {value.id!r} is already used by {taken[value.id].module}.py",
                                _def_line(value.fn), 1, "give the rule an id of its own, e.g. prefixed 'org.'")
            value.module = path.stem
            found.append(value)
    return found


def _def_line(fn) -> int:
    code = getattr(fn, "__code__", None)
    return code.co_firstlineno if code else 1


def _order(comps: dict[str, Computation]) -> list[Computation]:
    """Computations in dependency order ('after'), ties by id: deterministic."""
    done: list[Computation] = []
    seen: set[str] = set()

    def visit(c: Computation, stack: tuple):
        if c.id in seen:
            return
        if c.id in stack:
            raise RuntimeError(f"computations depend on each other in a circle: {' -> '.join(stack + (c.id,))}")
        for dep in sorted(c.after):
            if dep in comps:
                visit(comps[dep], stack + (c.id,))
        seen.add(c.id)
        done.append(c)

    for cid in sorted(comps):
        visit(comps[cid], ())
    return done


def schema_folders(root: Path) -> list[Path]:
    return [bundled("schemas"), root / "schemas"]


def rule_folders(root: Path) -> list[Path]:
    return [bundled("checks"), root / "checks"]


# -- the pipeline -----------------------------------------------------------------------
def load_records(root: Path, schemas: SchemaSet, settings: Settings, progress=None) -> tuple[list[Record], list[tuple[str, Issue]]]:
    issues: list[tuple[str, Issue]] = []
    records: list[Record] = []
    unreadable: list[UnsafeFile] = []
    files = discover(root, settings.data.get("exclude"), unreadable)
    issues.extend(("yaml.invalid", Issue(u.message, u.rel, 1, 1, hint=u.hint)) for u in unreadable)
    budget = Budget(settings.get("limits.max_run_bytes"), settings.get("limits.max_run_nodes"))
    for n, path in enumerate(files):
        if progress:
            progress(n, len(files))
        rel = path.relative_to(root.resolve()).as_posix()
        try:
            doc = load_file(path, max_bytes=settings.get("limits.max_file_bytes"),
                            max_nodes=settings.get("limits.max_nodes"), root=root, budget=budget, rel=rel)
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
            what = id_problem(record_id)
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
    ctx = Context(root=root, settings=settings, schemas=schemas, index=index, as_of=as_of)
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
    try:  # the path as written first: a link out of the repository is named by its own name
        return Path(os.path.abspath(path)).relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        pass
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

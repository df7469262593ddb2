"""Loading rule folders: the bundled checks/ and an organization's own checks/.

A rule folder is imported as a Python package, so that the modules of a domain import each
other normally (``from . import calc`` inside ``checks/emissions/``) instead of routing shared
code through the engine. The folder may hold plain modules (``checks/org_rules.py``, the usual
shape of an organization's folder) and packages (``checks/emissions/__init__.py`` with the
domain's modules beside it); every module in it is imported, and every ``@check`` and
``@computation`` defined at the top of a module is a rule, and every ``@page`` a site page of the
domain (a registry: the site's navigation and domain pages come from it, cms_build/site/registry.py). Names starting with ``_`` are
imported only when another module imports them (private helpers).

Each folder gets a package name of its own: the bundled one ``cms_checks``, an organization's
``cms_org_<hash of its path>`` (two organizations checked in one process, as tests do, must not
share modules). A folder is imported again when any of its files changed (mtime or size).

An organization's folder is imported from its source only (_SourceOnlyLoader, _OrgFinder): no
``__pycache__`` is read or written in its repository. Python's own loader would write bytecode
there (a check changes no file of the user's), and would run a ``.pyc`` found there instead of
the ``.py`` beside it: one committed with the source (an unchecked-hash pyc, PEP 552, or one whose
recorded time and size match the source's) would run in place of the reviewed code, and a file
changed within the same second at the same size would run its stale bytecode.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import os
import re
import sys
import traceback
from pathlib import Path
from types import CodeType, ModuleType
from typing import Sequence

from .errors import CmsProblem
from .guard import DEFAULT_TIME_LIMIT, guarded, what_happened
from .api import Check, Computation, Page, Sheet
from .paths import UnsafeFile, bundled, folders_resolved_once, repo_file
from .ruletable import load_table

BUNDLED_PACKAGE = "cms_checks"
ORG_PREFIX = "cms_org_"  # every organization's package name starts so (package_name)
_ORG_NAME = re.compile(r"cms_org_[0-9a-f]{12}")  # and is that prefix and 12 hex digits


class RuleError(CmsProblem):
    """A rule file that cannot be loaded: a syntax error, an error while it runs, a bad
    decorator argument or an id used twice. Located in that file."""

    def __init__(self, path: Path, message: str, line: int = 1, col: int = 1, hint: str = ""):
        super().__init__(message, file=str(path), line=line, col=col, hint=hint)
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


def schema_folders(root: Path) -> list[Path]:
    return [bundled("schemas"), root / "schemas"]


def rule_folders(root: Path) -> list[Path]:
    return [bundled("checks"), root / "checks"]


def bundled_module(dotted: str) -> ModuleType:
    """A module of the bundled rule package, ``cms_checks.<dotted>``: the engine's few readers that
    a domain owns (`cms import` reads trade rows with checks/trading/rows.py, activity rows with
    checks/emissions/activity_rows.py). The same module objects as the rules use, imported once;
    the bundled folder is the project's own code (an organization's folder is never reached so),
    imported by Python's own loader with its bytecode, as cms_build is (see _package)."""
    folder = bundled("checks").resolve()
    if BUNDLED_PACKAGE not in sys.modules:
        _package(folder, BUNDLED_PACKAGE, DEFAULT_TIME_LIMIT)
    return importlib.import_module(f"{BUNDLED_PACKAGE}.{dotted}")


def package_name(folder: Path) -> str:
    folder = folder.resolve()
    if folder == bundled("checks").resolve():
        return BUNDLED_PACKAGE
    return ORG_PREFIX + hashlib.sha1(str(folder).encode()).hexdigest()[:12]


class _SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """A module of an organization's rule folder, compiled from its .py file at every import.

    get_code is SourceLoader's without the bytecode: no __pycache__ is looked up (so a .pyc in
    the repository never runs in place of its source, and a stale one never runs after an edit
    that kept the time and size) and none is written (set_data is never reached)."""

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        return compile(self.get_data(path), path, "exec", dont_inherit=True)


_ORG_FOLDERS: dict[str, Path] = {}  # organization package name -> its (resolved) rule folder


class _OrgFinder:
    """The finder of the organization packages (names starting with ORG_PREFIX) and only of them:
    `from . import calc` inside an organization's folder, and any import of its submodules, are
    loaded by _SourceOnlyLoader. For every other name it answers None at once, so where it stands
    in sys.meta_path changes nothing for them. It must stand before PathFinder, which would
    otherwise find the submodules through the package's __path__ with the ordinary loaders.

    It is the only finder of those names: a module it does not find as a .py file (or a folder)
    is not found, rather than left to PathFinder, which would load a .pyc or a compiled extension
    of that name from the folder (code no reviewer reads). A module file is a rule file: inside
    its repository and a regular file (_safe_rule_file), for the helpers no scan reaches too."""

    @classmethod
    def find_spec(cls, fullname: str, path: Sequence[str] | None = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(ORG_PREFIX):
            return None
        top, _, rest = fullname.partition(".")
        if not _ORG_NAME.fullmatch(top):
            return None
        folder = _ORG_FOLDERS.get(top)
        if folder is None:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        if not rest:
            return _org_spec(top, folder, folder, package=True)
        last = fullname.rpartition(".")[2]
        entries = [str(p) for p in path] if path is not None else []  # the parent's __path__
        namespace = None
        for entry in entries:  # in FileFinder's order: a package, a module, else a bare folder
            candidate = Path(entry) / last
            if os.path.lexists(candidate / "__init__.py"):
                return _org_spec(fullname, folder, candidate, package=True)
            if os.path.lexists(candidate.parent / (last + ".py")):
                return _org_spec(fullname, folder, candidate.parent / (last + ".py"), package=False)
            if namespace is None and candidate.is_dir():
                namespace = candidate
        if namespace is not None:
            return _org_spec(fullname, folder, namespace, package=True)
        raise ModuleNotFoundError(f"No module named {fullname!r} (a rule folder's modules are its .py files)", name=fullname)

    @classmethod
    def invalidate_caches(cls) -> None:
        pass  # it keeps no cache: each look-up reads the folder


def _org_spec(fullname: str, folder: Path, where: Path, package: bool) -> importlib.machinery.ModuleSpec:
    """The spec of a module of the organization's rule folder `folder`: a package at the folder
    `where` (its __init__.py, or none: a package with no code of its own) or the module file `where`."""
    file = where / "__init__.py" if package else where
    if package and not os.path.lexists(file):
        spec = importlib.machinery.ModuleSpec(fullname, None, is_package=True)
        spec.submodule_search_locations = [str(where)]
        return spec
    _safe_rule_file(folder, file)
    found = importlib.util.spec_from_file_location(
        fullname, file, loader=_SourceOnlyLoader(fullname, str(file)), submodule_search_locations=[str(where)] if package else None
    )
    assert found is not None
    return found


def _install_org_finder() -> None:
    if _OrgFinder in sys.meta_path:
        return
    at = sys.meta_path.index(importlib.machinery.PathFinder) if importlib.machinery.PathFinder in sys.meta_path else 0
    sys.meta_path.insert(at, _OrgFinder)


def module_files(folder: Path) -> list[Path]:
    """The rule modules of a folder, sorted: its *.py files and those of its packages
    (sub-folders with an __init__.py), leaving out names that start with '_'."""
    found: list[Path] = []

    def walk(current: Path, top: bool) -> None:
        for entry in sorted(current.iterdir(), key=lambda p: p.name):
            if entry.name.startswith(("_", ".")):
                continue
            if entry.is_dir() and not entry.is_symlink() and (entry / "__init__.py").is_file():
                found.append(entry / "__init__.py")
                walk(entry, False)
            elif entry.suffix == ".py" and not entry.is_dir():  # a FIFO or a link is refused by name below
                found.append(entry)

    walk(folder, True)
    return found


def table_files(folder: Path) -> list[Path]:
    """The rule tables of a folder (cms_build/ruletable.py): *.rules.yaml, in its packages too."""
    return sorted(p for p in folder.rglob("*.rules.yaml") if not p.is_dir() and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts))


def _table_rules(folder: Path, path: Path, checks: dict[str, Check]) -> list[Check]:
    _safe_rule_file(folder, path)
    try:
        found = load_table(path)
    except CmsProblem as exc:
        raise RuleError(path, exc.message, exc.line, exc.col, exc.hint) from None
    module = path.relative_to(folder).as_posix()
    for chk in found:
        if chk.id in checks:
            raise RuleError(
                path,
                f"check id {chk.id!r} is already used by {_file_of(checks[chk.id])}",
                getattr(chk, "line", 1),
                1,
                "give the rule an id of its own, e.g. prefixed 'org.'",
            )
        chk.module = module
    return found


def _dotted(folder: Path, path: Path) -> str:
    """checks/emissions/targets.py -> 'emissions.targets'; checks/emissions/__init__.py -> 'emissions'."""
    parts = list(path.relative_to(folder).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


_LOADED: dict[str, tuple[tuple[str, int, int], ...]] = {}  # package name -> signature of the files it was imported from


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    files = sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)
    out = []
    for p in files:
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


def folder_digest(folder: Path) -> str:
    """SHA-256 over the path and bytes of every file of a rule folder (its modules, their helpers,
    its rule tables, any data file beside them): a record-local check's findings are cached under
    it (cms_build/cache.py), so an edit to any file a rule could import or read is another rule."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if "__pycache__" not in p.parts):
        try:
            if not path.is_file():
                continue
            data = path.read_bytes()
        except OSError:
            data = b"\0unreadable"
        rel = path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape")
        h.update(len(rel).to_bytes(4, "big") + rel + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def _package(folder: Path, name: str, time_limit: float) -> None:
    """Register the folder as the package `name` (its __init__.py runs, if it has one)."""
    init = folder / "__init__.py"
    if init.exists() or init.is_symlink():
        _safe_rule_file(folder, init)
    signature = _signature(folder)
    if _LOADED.get(name) == signature and name in sys.modules:
        return
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]
    importlib.invalidate_caches()
    if name != BUNDLED_PACKAGE:
        _ORG_FOLDERS[name] = folder
        _install_org_finder()
    if init.is_file():
        if name == BUNDLED_PACKAGE:
            # the installation's own code, beside the engine's: Python's loader and its bytecode,
            # as for cms_build itself (its __pycache__ is the installation's, written when the
            # installation is writable); an organization's folder never gets this loader
            spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(folder)])
        else:
            spec = _org_spec(name, folder, folder, package=True)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        loader = spec.loader
        # the package's own code is rule code too: guarded (a print, an exit, a loop at import)
        outcome = guarded(lambda: loader.exec_module(module), time_limit)
        if outcome.error is not None:
            sys.modules.pop(name, None)
            raise _located(init, outcome.error, time_limit) from None
    else:  # a plain folder of modules: a package with no code of its own
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
    _LOADED[name] = signature


def _import(folder: Path, name: str, path: Path, time_limit: float) -> ModuleType:
    dotted = _dotted(folder, path)
    full = f"{name}.{dotted}" if dotted else name
    if full in sys.modules:
        return sys.modules[full]
    outcome = guarded(lambda: importlib.import_module(full), time_limit)
    if outcome.error is not None:
        for key in [k for k in sys.modules if k == full or k.startswith(full + ".")]:
            del sys.modules[key]
        raise _located(path, outcome.error, time_limit) from None
    module: ModuleType = outcome.value  # type: ignore[assignment]
    return module


def _located(path: Path, exc: BaseException, time_limit: float) -> RuleError:
    """The error of a module that failed to import, placed in the file where it happened."""
    if isinstance(exc, SyntaxError):
        where = Path(exc.filename) if exc.filename else path
        return RuleError(
            where, f"Python syntax error: {exc.msg}", exc.lineno or 1, exc.offset or 1, "correct the line; run 'python3 -m py_compile' on the file to check it"
        )
    if isinstance(exc, RuleError):
        return exc
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if Path(f.filename) == path]
    line = own[-1].lineno if own else 1
    what = f"the file failed to load: {what_happened(exc, time_limit)}"
    return RuleError(path, what, line or 1, 1, "see cms_build/api.py for what @check and @computation accept")


def _safe_rule_file(folder: Path, path: Path) -> None:
    """A rule file is imported only from inside its repository (folder.parent: the records
    repository of checks/, the bundle of the bundled checks), and only a regular file: a FIFO
    named x.py would hang the import, a link could run code from anywhere on the machine."""
    try:
        repo_file(folder.parent, path)
    except UnsafeFile as exc:
        raise RuleError(path, exc.message, 1, 1, exc.hint) from None


def _file_of(rule: Check | Computation | Page | Sheet) -> str:
    return rule.module if rule.module.endswith(".yaml") else f"{rule.module}.py"


def _def_line(fn: object) -> int:
    code = getattr(fn, "__code__", None)
    return code.co_firstlineno if code else 1


def load_rules(
    folders: list[Path],
    errors: list[RuleError] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    pages: list[Page] | None = None,
    sheets: list[Sheet] | None = None,
) -> tuple[list[Check], list[Computation]]:
    """Checks and computations defined in the given rule folders.

    The bundled checks/ first, then the organization's own checks/ folder. Ids must be unique.
    A module that cannot be loaded raises RuleError, or, when `errors` is a list, is left out
    and its RuleError appended there (the engine reports it and runs the other rules).
    When `pages` is a list, the site pages the folders register are added to it, in their
    navigation order (order, then id); page ids are unique like rule ids. `sheets` likewise
    collects the workbook sheets they register (api.sheet).
    """
    checks: dict[str, Check] = {}
    comps: dict[str, Computation] = {}
    found_pages: dict[str, Page] = {}
    found_sheets: dict[str, Sheet] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        if not os.access(folder, os.R_OK | os.X_OK):  # the walk would find nothing, in silence
            unreadable = RuleError(
                folder, "the folder cannot be read: Permission denied; its rules are not run", 1, 1, "make it readable to the user who runs cms (chmod a+rx)"
            )
            if errors is None:
                raise unreadable
            errors.append(unreadable)
            continue
        folder = folder.resolve()
        name = package_name(folder)
        if name == BUNDLED_PACKAGE and not (checks or comps or found_pages or found_sheets):
            kept = _bundled_rules(folder, time_limit)
            if kept is not None:
                checks.update(kept[0])
                comps.update(kept[1])
                found_pages.update(kept[2])
                found_sheets.update(kept[3])
                continue
        _load_folder(folder, name, time_limit, checks, comps, found_pages, found_sheets, errors)
    if pages is not None:
        pages.extend(sorted(found_pages.values(), key=lambda p: (p.order, p.id)))
    if sheets is not None:
        sheets.extend(sorted(found_sheets.values(), key=lambda p: (p.order, p.id)))
    return sorted(checks.values(), key=lambda c: c.id), _order(comps)


# The bundled folder's rules, kept for the life of the process (issue 20 §3: a group's worker runs
# entity after entity, and re-walking, re-checking and re-parsing the bundled modules and rule
# tables for each cost about a sixth of an entity's CPU). Only the bundled folder, the project's
# own code, is kept; an organization's folder is loaded for each run, as before, into dicts of
# that run only. Kept under the stat signature (path, mtime, size) of every file of the folder,
# so an edit to any of them loads it again, as _package re-imports changed modules.
_BUNDLED_KEPT: dict[str, tuple[tuple[tuple[str, int, int], ...], tuple[dict[str, Check], dict[str, Computation], dict[str, Page], dict[str, Sheet]]]] = {}


def _stat_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for p in sorted(folder.rglob("*")):
        if "__pycache__" in p.parts:
            continue
        try:
            st = p.lstat()
        except OSError:
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


def _bundled_rules(folder: Path, time_limit: float) -> tuple[dict[str, Check], dict[str, Computation], dict[str, Page], dict[str, Sheet]] | None:
    """The checks, computations, pages and sheets of the bundled folder (resolved), loaded once
    per process while its files are unchanged; None when it has a load error (the caller then
    loads it the ordinary way, which reports or raises that error, and nothing is kept)."""
    key = str(folder)
    signature = _stat_signature(folder)
    kept = _BUNDLED_KEPT.get(key)
    if kept is not None and kept[0] == signature and BUNDLED_PACKAGE in sys.modules:
        return kept[1]
    found: tuple[dict[str, Check], dict[str, Computation], dict[str, Page], dict[str, Sheet]] = ({}, {}, {}, {})
    errs: list[RuleError] = []
    _load_folder(folder, BUNDLED_PACKAGE, time_limit, *found, errs)
    if errs:
        _BUNDLED_KEPT.pop(key, None)
        return None
    _BUNDLED_KEPT[key] = (signature, found)
    return found


def _load_folder(
    folder: Path,
    name: str,
    time_limit: float,
    checks: dict[str, Check],
    comps: dict[str, Computation],
    found_pages: dict[str, Page],
    found_sheets: dict[str, Sheet],
    errors: list[RuleError] | None,
) -> None:
    """Import one (resolved) rule folder as the package `name` and add its rules, pages and
    sheets to the dicts (ids already there are taken); errors as load_rules says."""
    try:
        _package(folder, name, time_limit)
        files = module_files(folder)
    except (RuleError, OSError) as exc:
        if errors is None:
            raise
        errors.append(exc if isinstance(exc, RuleError) else RuleError(folder, f"the folder cannot be read: {exc}"))
        return
    source = ""
    # each folder's real path found once, not once a file, as for the record files (cms_build/paths.py)
    with folders_resolved_once():
        for path in files:
            try:
                _safe_rule_file(folder, path)
                found = _rules_of(folder, name, path, checks, comps, time_limit, found_pages, found_sheets)
            except RuleError as exc:
                if errors is None:
                    raise
                # a module that fails breaks the siblings importing it too: report it once
                if not any((e.path, e.line, e.col, e.message) == (exc.path, exc.line, exc.col, exc.message) for e in errors):
                    errors.append(exc)
                continue
            for value in found:
                if isinstance(value, Check):
                    if value.scope:
                        source = source or folder_digest(folder)
                        value.source = source
                    checks[value.id] = value
                elif isinstance(value, Page):
                    found_pages[value.id] = value
                elif isinstance(value, Sheet):
                    found_sheets[value.id] = value
                else:
                    comps[value.id] = value
    for path in table_files(folder):
        try:
            for chk in _table_rules(folder, path, checks):
                if chk.scope:
                    source = source or folder_digest(folder)
                    chk.source = source
                checks[chk.id] = chk
        except RuleError as exc:
            if errors is None:
                raise
            errors.append(exc)


def _rules_of(
    folder: Path,
    name: str,
    path: Path,
    checks: dict[str, Check],
    comps: dict[str, Computation],
    time_limit: float,
    pages: dict[str, Page] | None = None,
    sheets: dict[str, Sheet] | None = None,
) -> list[Check | Computation | Page | Sheet]:
    """The checks, computations, pages and sheets one module defines, none of their ids already taken."""
    module = _import(folder, name, path, time_limit)
    found: list[Check | Computation | Page | Sheet] = []
    for value in vars(module).values():
        if not isinstance(value, (Check, Computation, Page, Sheet)):
            continue
        if (value.origin or getattr(value.fn, "__module__", None)) != module.__name__:
            continue  # imported from a sibling module: it is that module's rule
        taken: dict[str, Check] | dict[str, Computation] | dict[str, Page] | dict[str, Sheet]
        if isinstance(value, Sheet):
            taken, what, hint = (sheets if sheets is not None else {}), "sheet", "give the sheet an id of its own"
        elif isinstance(value, Page):
            taken, what, hint = (pages if pages is not None else {}), "page", "give the page an id of its own (it names the page's folder of the site)"
        elif isinstance(value, Check):
            taken, what, hint = checks, "check", "give the rule an id of its own, e.g. prefixed 'org.'"
        else:
            taken, what, hint = comps, "computation", "give the rule an id of its own, e.g. prefixed 'org.'"
        if value.id in taken and taken[value.id].fn is not value.fn:
            raise RuleError(path, f"{what} id {value.id!r} is already used by {_file_of(taken[value.id])}", _def_line(value.fn), 1, hint)
        value.module = path.relative_to(folder).with_suffix("").as_posix()
        found.append(value)
    return found


def _order(comps: dict[str, Computation]) -> list[Computation]:
    """Computations in dependency order ('after'), ties by id: deterministic."""
    done: list[Computation] = []
    seen: set[str] = set()

    def visit(c: Computation, stack: tuple[str, ...]) -> None:
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

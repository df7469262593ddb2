"""`cms build`: records -> Markdown (jinja2) -> HTML (mkdocs-material), atomically.

1. Run the pipeline (or take a Result) and look at it through a publish.View.
2. Write the pages as real Markdown files into a work folder under the records folder
   (<records>/.cms-build/<site>-<hash>-<profile>/docs, else the system temp folder), never
   beside --out: --out may sit in a web root, and the internal build's Markdown holds
   everything. Templates come from site/templates (an organization's own site/templates first).
3. Write the mkdocs configuration there (mkdocs.yml at the project root, filled in) and run
   mkdocs in strict mode into a temporary folder next to --out (same file system: the swap
   is a rename).
4. Only when that succeeded, swap the temporary folder in: a failed build leaves the last
   good site untouched. One build at a time per --out (a lock beside it); the next build
   removes what a killed one left behind, and puts back a site a kill left half-swapped.

Same inputs and as-of date give the same bytes: SOURCE_DATE_EPOCH is the as-of date, pages
and files are written in sorted order, and the charts carry no time stamp.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import errno
import gc
import hashlib
import io
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import markupsafe
import yaml

from ..errors import CmsProblem
from ..paths import bundled, safe_copytree
from ..publish import write_table
from . import incremental, security, urls
from .escape import html_text
from .history import History, read_history
from .model import SiteModel
from .pages import Pages, environment

MARKER = ".cms-site"  # written into every site we build: only such a folder is ever replaced
_HERE = Path(__file__).resolve().parent


# gzip stores the sitemap's date as unsigned 32-bit Unix seconds
EPOCH_FIRST, EPOCH_LAST = dt.date(1970, 1, 2), dt.date(2106, 2, 6)


class BuildError(CmsProblem):
    """The site could not be built; the previous site (if any) is untouched."""


# the stages of a build, as build_site reports them to on_stage
STAGES = ("records", "history", "pages", "html")


@dataclass
class BuildReport:
    out: Path
    work: Path
    profile: str
    pages: int
    records: int
    seconds: float
    timings: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)  # a page that printed (a page that fails stops the build)
    notices: list = field(default_factory=list)  # what the renderer announced (renderer_notices), shown by cms build
    rendered: int = 0  # pages mkdocs rendered; the others kept the last build's HTML (incremental.py)


def base_config_path() -> Path:
    """mkdocs.yml at the project root (source checkout), or the copy an installed package ships."""
    for candidate in (_HERE.parent / "bundled" / "config" / "mkdocs.yml", _HERE.parents[1] / "mkdocs.yml"):
        if candidate.is_file():
            return candidate
    raise BuildError("the base mkdocs.yml is missing from this installation")


def site_dirs(root: Path) -> list[Path]:
    """Where templates, assets and words come from: the organization's site/ first."""
    return [d for d in (Path(root) / "site", bundled("site")) if d.is_dir()]


def check_out(out: Path, root: Path) -> None:
    """Refuse an output folder whose replacement could destroy sources."""
    out, root = out.resolve(), Path(root).resolve()
    protected = [root, bundled("schemas"), bundled("checks"), bundled("site"), _HERE.parents[1] / "cms_build"]
    for p in protected:
        if out == p or p.is_relative_to(out) or (p != root and out.is_relative_to(p)):
            raise BuildError(f"--out {out} would overwrite sources ({p}); choose an output folder of its own, e.g. _site")
    if out.is_relative_to(root) and out.relative_to(root).parts[0] not in ("_site", "_build") and not out.relative_to(root).parts[0].startswith("."):
        raise BuildError(f"--out {out} is inside the records folder; use {root / '_site'} or a folder outside it")
    if out.is_relative_to(root / ".cms-build"):
        raise BuildError(f"--out {out} is inside {root / '.cms-build'}, where builds keep their work; use {root / '_site'} or a folder outside the records")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise BuildError(f"--out {out} exists and is not a site built by cms; remove it or choose another folder")


def build_site(
    root: Path,
    as_of: dt.date,
    profile: str = "internal",
    out: Path | None = None,
    work: Path | None = None,
    language: str | None = None,
    result=None,
    log=None,
    cache: bool = False,
    on_stage=None,
    full: bool = False,
) -> BuildReport:
    """Build the evidence site of the records repository at root into out (cache: engine.run's).

    A page whose Markdown and site-wide inputs did not change since the last build into out keeps
    that build's HTML (incremental.py: the same bytes a cold build writes); full renders every page.

    on_stage(name), if given, is called as each stage starts (STAGES, in order): `cms build`'s
    progress bar on a terminal."""
    on_stage = on_stage or (lambda _name: None)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    root = Path(root).resolve()
    out = Path(out or "_site").resolve()
    check_out(out, root)
    if not EPOCH_FIRST <= as_of <= EPOCH_LAST:  # the site's timestamps (sitemap, gzip) are Unix seconds
        raise BuildError(
            f"a site can be built as of {EPOCH_FIRST} to {EPOCH_LAST}, not {as_of.isoformat()}: its pages and sitemap are dated with the as-of date"
        )
    on_stage("records")
    if result is None:
        from ..engine import run

        result = run(root, as_of, cache=cache)
    bad_settings = [f for f in result.findings if f.rule == "settings.invalid"]
    if bad_settings:  # a site under a placeholder name and default subsystems would mislead its readers
        raise BuildError(
            "the settings are invalid, so the site would show defaults, not the organization: "
            + "; ".join(f"{f.file}:{f.line}:{f.col} {f.message}" for f in bad_settings[:3])
        )
    timings["pipeline"] = time.perf_counter() - started
    try:
        with _locked(out):
            from .charts import caching  # a chart is drawn only for data it was not drawn for (charts.py)

            with caching(cache):
                # Handed over in a list, not held here: _build_locked lets go of the run's result once
                # the Markdown is written, so mkdocs (most of a build's memory) can reuse its memory.
                held, result = [result], None
                return _build_locked(root, held, profile, out, work, language, log, started, timings, on_stage, full)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            raise BuildError(f"the disk is full ({exc.strerror}: {exc.filename or out}); free some space and build again") from None
        raise


def _work_folder(root: Path, out: Path, profile: str) -> Path:
    """Where the Markdown and mkdocs.yml of a build go: under the records folder (hidden, so
    never read as records), one per --out and profile; the system temp folder if that cannot
    be written. Never beside --out."""
    name = f"{out.name}-{hashlib.sha1(str(out).encode()).hexdigest()[:8]}-{profile}"
    try:
        base = root / ".cms-build"
        base.mkdir(exist_ok=True)
        if os.access(base, os.W_OK):
            return base / name
    except OSError:
        pass
    base = Path(tempfile.gettempdir()) / f"cms-build-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    base.mkdir(mode=0o700, exist_ok=True)
    return base / name


@contextlib.contextmanager
def _locked(out: Path):
    """One build at a time into --out: an exclusive lock on a file beside it (held by the
    kernel, so a killed build never leaves it locked). The lock file stays: deleting it would
    let a third build lock a different file."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock; builds into one --out must not overlap
        yield
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = out.parent / f".{out.name}.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another cms build is writing into {out} (it holds {lock}); wait for it to end, or build into another --out") from None
        _clean_leftovers(out)
        yield
    finally:
        os.close(fd)


def _clean_leftovers(out: Path) -> None:
    """What a killed build left beside --out (we hold the lock, so no build is running):
    its temporary folders, and the last good site if the kill fell between the two renames
    of a swap that could not exchange them atomically."""
    olds = sorted(out.parent.glob(f".{out.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if not out.exists() and olds and (olds[-1] / MARKER).is_file():
        os.replace(olds[-1], out)
        olds = olds[:-1]
    for leftover in [*out.parent.glob(f".{out.name}.tmp-*"), *olds]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def _build_locked(root, held, profile, out, work, language, log, started, timings, on_stage=lambda _n: None, full=False) -> BuildReport:
    work = Path(work).resolve() if work else _work_folder(root, out, profile)
    docs = work / "docs"
    with _removed_meanwhile(work, docs):
        docs.mkdir(parents=True)
        return _build_docs(root, held, work, docs, profile, out, language, log, started, timings, on_stage, full)


@contextlib.contextmanager
def _removed_meanwhile(work: Path, docs: Path):
    """The last build's Markdown folder moved aside and removed while this build writes its own
    (a thread: removing 2,500 files is waiting on the disk, which the rendering need not do), and
    what a killed build left aside removed with it. The build waits for it before it returns."""
    leftovers = sorted(work.glob(".docs.old-*")) if work.is_dir() else []
    if docs.exists():
        aside = work / f".docs.old-{os.getpid()}"
        if aside.exists():
            shutil.rmtree(aside)
        os.replace(docs, aside)
        leftovers.append(aside)
    remover = threading.Thread(target=lambda: [shutil.rmtree(p, ignore_errors=True) for p in leftovers], name="cms-remove-docs")
    remover.start()
    try:
        yield
    finally:
        remover.join()


def _build_docs(root, held, work, docs, profile, out, language, log, started, timings, on_stage, full) -> BuildReport:
    result = held.pop()  # build_site's reference: this frame holds the only one it gave (see below)
    on_stage("history")
    t0 = time.perf_counter()
    settings = result.settings.data
    show_history = (settings.get("site") or {}).get("history", True)
    history = read_history(root) if show_history else History(False, "disabled")
    timings["history"] = time.perf_counter() - t0

    on_stage("pages")
    t0 = time.perf_counter()
    lang = language or settings.get("language") or "zh"
    dirs = site_dirs(root)
    model = SiteModel(result, profile, lang, history, dirs)
    model.collect_attachments()
    model.collect_tables()  # published CSVs as pages with row anchors (issue 17 item 8)
    model.collect_sources()  # the records' YAML with line anchors: internal builds only
    env = environment([d / "templates" for d in dirs if (d / "templates").is_dir()], model)
    pages = Pages(model, env, docs)
    warnings: list[str] = []
    nav = write_pages(pages, model, docs, dirs, warnings)
    timings["markdown"] = time.perf_counter() - t0

    config = write_config(work, docs, model, nav, out)
    on_stage("html")
    t0 = time.perf_counter()
    plan = incremental.plan(work, docs, config, out, build=f"as_of {result.as_of.isoformat()} profile {profile}", full=full)
    incremental.forget(work)  # until this build has succeeded, the next one is a full one
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    from .search import index_docs, remembered_segments

    with remembered_segments(work, reuse=not full):  # a text the last build cut is not cut again
        search_docs = index_docs(model, docs, pages.written)
    as_of, n_pages, n_records = result.as_of, len(pages.written), len(model.records)
    # mkdocs needs none of the run's records, findings and results, nor the model and templates of
    # the pages: let them go before it holds every page's HTML (the build's peak memory). Unless the
    # caller passed its own result (the group site), nothing else holds them.
    del result, model, pages, env, settings, history
    gc.collect()
    try:
        try:
            notices = run_mkdocs(config, tmp, as_of, log=log, search_docs=search_docs, plan=plan)
        except incremental.Fallback:  # a reused page links into a changed page's lost anchor
            shutil.rmtree(tmp, ignore_errors=True)
            plan.disable()
            notices = run_mkdocs(config, tmp, as_of, log=log, search_docs=search_docs, plan=plan)
        from .search import finish as finish_search  # ids searchable exactly; the index precompressed

        warnings.extend(finish_search(tmp))
        (tmp / MARKER).write_text(f"cms evidence site\nprofile: {profile}\nas_of: {as_of.isoformat()}\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    timings["mkdocs"] = time.perf_counter() - t0
    swap(tmp, out)
    incremental.save(work, plan)
    return BuildReport(
        out=out,
        work=work,
        profile=profile,
        pages=n_pages,
        records=n_records,
        seconds=time.perf_counter() - started,
        timings=timings,
        warnings=warnings,
        notices=notices,
        rendered=plan.rendered,
    )


def write_pages(pages: Pages, model: SiteModel, docs: Path, dirs: list[Path], warnings: list | None = None) -> list:
    """Every page and file of the site; returns the navigation (top-level sections only)."""
    from . import registry

    t = model.t
    kinds = sorted(set(model.schemas.kinds) | set(model.by_kind))
    # the domain pages the rule folders register first: record pages link to the traces on
    # the domain pages (registry.write_pages sets model.trace_links; a page that fails stops the build)
    failed: list[str] = []
    sections = registry.write_pages(pages, model, docs, list(getattr(model.result, "pages", ()) or ()), failed)
    if warnings is not None:
        warnings.extend(failed)
    for record in model.records:
        pages.record(record)
    pages.sources()
    pages.tables()
    for kind in kinds:
        pages.kind(kind)
    pages.records_index(kinds)
    pages.findings()
    pages.matrix_page()
    pages.computations()
    pages.home(sections)
    pages.export()
    for target, attachment in sorted(model.attachment_sources.items()):
        dest = docs / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        if attachment.publish == "table":  # only the columns this profile shows (publish.View)
            write_table(attachment.file, dest, attachment.columns)
        else:
            shutil.copyfile(attachment.file, dest)
    for d in reversed(dirs):  # the organization's assets override the bundled ones
        if (d / urls.STATIC).is_dir():
            safe_copytree(d.parent, d / urls.STATIC, docs / urls.STATIC)  # no link out of the repository, no FIFO
    # navigation labels reach the theme's HTML unescaped (nav and tabs): HTML text (escape.html)
    kinds_in_nav = [{html_text(model.kind_title(k)): urls.kind_page(k)} for k in kinds if model.by_kind.get(k)]
    nav = [
        {html_text(t["home"]): urls.HOME},
        {html_text(t["matrix"]): urls.MATRIX},
        {html_text(t["findings"]): urls.FINDINGS},
        {html_text(t["records"]): [urls.RECORDS, *kinds_in_nav]},
    ]
    for section in sections:
        nav.append({html_text(section["nav"]): section["page"]})
    nav.append({html_text(t["computations"]): urls.COMPUTATIONS})
    return nav


def write_config(work: Path, docs: Path, model: SiteModel, nav: list, out: Path) -> Path:
    config = yaml.safe_load(base_config_path().read_text(encoding="utf-8"))
    # site_name is written into <title>, the header and aria-label attributes as it is (the
    # theme does not escape it): HTML text, safe in text and in quoted attributes alike
    config["site_name"] = html_text(model.site_title())
    # Relative to this file: mkdocs resolves them from the config's folder, and Zensical (the
    # successor of mkdocs-material, which reads the same file) accepts only folders inside it, so
    # `zensical build -f <work>/mkdocs.yml` builds the same Markdown into <work>/site.
    # run_mkdocs gives mkdocs the real (temporary) output folder.
    config["docs_dir"] = os.path.relpath(docs, work)
    config["site_dir"] = "site"
    config["nav"] = nav
    # a domain page's folder (site/registry.py) holds its detail pages, outside the nav
    domains = [f"/{p.id}/{x}" for p in getattr(model.result, "pages", ()) or () for x in ("*/", "*.md")]
    config["not_in_nav"] = "\n".join(
        ["/records/*/", "/records/*.md", "/computations/*.md", *domains, "/files/", "/data/", "/findings/*.md", "/matrix/", "/sources/", "/tables/"]
    )
    url = ((model.settings.data.get("site") or {}).get("urls") or {}).get(model.profile)
    if isinstance(url, str):  # cms.yaml site.urls.<profile>: the sitemap's and canonical links' base
        config["site_url"] = url
    theme = config.setdefault("theme", {})
    theme["language"] = model.lang
    # the CSP meta, the escaped page title and the theme's inline scripts as files (site/theme)
    theme["custom_dir"] = str(bundled("site") / "theme")
    config.setdefault("extra", {})["cms_csp"] = security.CSP
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "search" in plugin:
            plugin["search"] = {**(plugin["search"] or {}), "lang": model.lang}
    path = work / "mkdocs.yml"
    path.write_text(
        "# Written by cms build from the project's mkdocs.yml; do not edit.\n" + yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return path


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _epoch(as_of: dt.date):
    """SOURCE_DATE_EPOCH = the as-of date: the sitemap's dates are the as-of date, not today."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(as_of.timetuple()))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_theme_notice: list[str] = []  # the theme's start-up notice, printed once per process: kept for every build


def _plain(text: str) -> list[str]:
    """A renderer's printed text as plain lines: colour codes and other control characters
    removed (it reaches the user's terminal and CI logs), blank edges dropped."""
    lines = [_CONTROL.sub("", _ANSI.sub("", line)).rstrip() for line in text.splitlines()]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _load_theme_notice() -> None:
    """mkdocs-material prints its notices (e.g. its end of life on 2027-05-05 and Zensical as its
    successor) when its theme module is imported by the `mkdocs` command, judged by sys.argv[0].
    cms runs mkdocs in this process, where argv[0] is `cms`, so the notice would never be seen:
    import the theme as the mkdocs command would and keep what it prints. The theme's own opt-out
    (NO_MKDOCS_2_WARNING) is respected; the variable it sets for later imports is put back."""
    if "material.templates" in sys.modules:
        return
    argv0, had = sys.argv[0] if sys.argv else None, "NO_MKDOCS_2_WARNING" in os.environ
    printed = io.StringIO()
    try:
        if sys.argv:
            sys.argv[0] = str(Path(argv0 or "").with_name("mkdocs"))
        with contextlib.redirect_stderr(printed), contextlib.redirect_stdout(printed):
            import material.templates  # noqa: F401
    except ImportError:  # another theme: mkdocs reports it when it loads the config
        return
    finally:
        if sys.argv and argv0 is not None:
            sys.argv[0] = argv0
        if not had:
            os.environ.pop("NO_MKDOCS_2_WARNING", None)
    _theme_notice[:] = _plain(printed.getvalue())


def run_mkdocs(config_file: Path, site_dir: Path, as_of: dt.date, log=None, search_docs: list | None = None, plan=None) -> list[str]:
    """mkdocs build, strict, in this process; warnings become a BuildError that lists them.
    Returns the renderer's notices: what the theme announces at start-up and whatever mkdocs
    or a plugin printed during the build, as plain lines (never hidden: an end-of-life notice
    is news the organization needs).

    search_docs, if given, are the documents of the search index (site/search.py): the theme's
    search plugin then indexes no page (its configuration, worker and search box stay) and the
    index is written from them with the plugin's configuration.

    plan (incremental.Plan), if given, names the pages whose HTML is copied from the last site
    instead of rendered, and records what this build wrote; Fallback if it cannot be used."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    logging.getLogger("jieba").setLevel(logging.WARNING)
    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
    except ImportError:  # pragma: no cover - jieba is a dependency; without it search is word-based
        pass
    if search_docs is None:  # the theme's plugin cuts the pages: with the terms, in every process
        from .search import jieba_with_terms

        jieba_with_terms()
    _load_theme_notice()
    mk_log = logging.getLogger("mkdocs")
    collect = _Collect()
    mk_log.addHandler(collect)
    extra = [log] if log else []
    for h in extra:
        mk_log.addHandler(h)
    old_propagate = mk_log.propagate
    mk_log.propagate = False  # our handler reports; no duplicate lines on stderr
    printed = io.StringIO()
    try:
        with _epoch(as_of), contextlib.redirect_stderr(printed), contextlib.redirect_stdout(printed):
            cfg = load_config(config_file=str(config_file), site_dir=str(site_dir))
            # written as HTML text (write_config); Markup keeps the theme's own `| e` from
            # escaping it twice where it does escape
            cfg["site_name"] = markupsafe.Markup(cfg["site_name"])
            if search_docs is not None:
                _own_search_index(cfg, search_docs)
            cfg.plugins.on_startup(command="build", dirty=False)
            try:
                with incremental.hooks(plan) if plan is not None else contextlib.nullcontext():
                    build(cfg)
            finally:
                cfg.plugins.on_shutdown()
    except (Abort, MkDocsException, SystemExit) as exc:
        details = "\n".join(f"  {m}" for m in [*collect.messages[:50], *_plain(printed.getvalue())[:20]])
        raise BuildError(f"mkdocs failed: {exc}" + (f"\n{details}" if details else "")) from None
    finally:
        mk_log.removeHandler(collect)
        for h in extra:
            mk_log.removeHandler(h)
        mk_log.propagate = old_propagate
    if collect.messages:  # strict mode should have aborted; be sure
        raise BuildError("mkdocs reported problems:\n" + "\n".join(f"  {m}" for m in collect.messages[:50]))
    notices = list(_theme_notice)
    during = _plain(printed.getvalue())
    if during:
        notices += ([""] if notices else []) + during
    return notices


_SEARCH_ATTRS = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


def _own_search_index(cfg, docs: list) -> None:
    """The search plugin's two page-by-page hooks replaced: a page's HTML keeps only the
    removal of its data-search-* attributes (what the plugin does to every page besides indexing
    it), and after the build the index is written from `docs` with the configuration the plugin
    settled in on_config (language, separator, pipeline, fields). Without the plugin, nothing."""
    from . import search as search_index

    plugin = cfg.plugins.get("material/search") or cfg.plugins.get("search")
    if plugin is None or not hasattr(plugin, "search_index_prev"):  # not mkdocs-material's plugin
        return

    def strip_attributes(context, *, page, config, nav):
        page.content = _SEARCH_ATTRS.sub("", page.content)
        return context

    def write_index(*, config):
        if not plugin.config.enabled:
            return
        keys = ("lang", "separator", "pipeline", "fields")
        settled = {key: plugin.config[key] for key in keys}
        path = Path(config.site_dir) / search_index.INDEX
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(search_index.index_json(settled, docs), encoding="utf-8")

    events = cfg.plugins.events
    ours = {"page_context": strip_attributes, "post_build": write_index}
    for name, replacement in ours.items():
        events[name] = [replacement if getattr(m, "__self__", None) is plugin else m for m in events[name]]


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where it is not
    available (another system, an old kernel, a file system without it)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap(tmp: Path, out: Path) -> None:
    """Put the new site in place of the old one. Where the system can, the two folders are
    exchanged in one step, so there is no moment without a site; elsewhere two renames (a
    build killed between them leaves the old site as .<out>.old-*, put back by the next build)."""
    if out.is_dir() and not out.is_symlink() and _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous site
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        os.replace(out, old)
    try:
        os.replace(tmp, out)
    except OSError:
        if old.exists():  # put the last good site back
            os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)

"""What every `cms` command shares: exit codes, the usage error, finding the records
repository, the as-of date, the common options, running the engine, and writing output.

Command modules import from here and from the engine, never from each other: what two
commands share (the group run of check and export, too) lives here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import click

# Exit codes of every command (README: Exit codes): nothing at or above --fail-on; findings at
# or above it (or rejected rows of an import); a usage or internal error.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class CmsError(click.ClickException):
    """A usage problem explained to the user; exit code 2."""

    exit_code = EXIT_USAGE


def find_root(path: str | None) -> Path:
    """The records repository: PATH, or the nearest folder upward holding cms.yaml."""
    if path:
        root = Path(path)
        if not root.is_dir():
            raise CmsError(f"{path}: not a folder. Give the folder that holds cms.yaml and the records.")
        return root
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "cms.yaml").is_file():
            return folder
    raise CmsError("no cms.yaml here or in any parent folder. Give the records folder (e.g. 'cms check records') or start one with 'cms init DIR'.")


def has_root() -> bool:
    """Whether the current folder or one above it holds cms.yaml."""
    here = Path.cwd()
    return any((f / "cms.yaml").is_file() for f in (here, *here.parents))


def parse_as_of(value: str | None) -> dt.date:
    """--as-of YYYY-MM-DD, today when not given."""
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CmsError(f"--as-of {value!r} is not a date: write it YYYY-MM-DD, e.g. --as-of 2026-06-30") from None


def as_date(as_of) -> dt.date:
    """A date passed through, a string or None parsed as --as-of."""
    return as_of if isinstance(as_of, dt.date) else parse_as_of(as_of)


def use_color(stream=None) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR turns it
    on where output is piped (a CI log that renders ANSI). NO_COLOR wins when both are set."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return (stream or sys.stdout).isatty()


def color_setting() -> bool | None:
    """click's colour for every line a command prints (ctx.color): off with NO_COLOR, on with
    FORCE_COLOR even when piped, else None (click colours a terminal only)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return None


def interactive() -> bool:
    """stderr is a terminal and this is not CI: only then a progress counter or bar."""
    return sys.stderr.isatty() and not os.environ.get("CI")


# -q / -v of the group (commands/__init__.py): -1 only findings and errors, 0 as usual,
# 1 also the stages and their timings on stderr
QUIET, NORMAL, VERBOSE = -1, 0, 1


def verbosity() -> int:
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().meta.get("cms.verbosity", NORMAL) if ctx else NORMAL


def say(text: str, **kwargs) -> None:
    """A status line ('wrote ...', 'built ...'): not under -q, which keeps only findings and errors."""
    if verbosity() > QUIET:
        click.echo(text, **kwargs)


def note(text: str) -> None:
    """A line for -v, on stderr so that the report on stdout stays as it is."""
    if verbosity() >= VERBOSE:
        click.echo(f"cms: {text}", err=True)


@contextlib.contextmanager
def stage(name: str):
    """Time a stage and say so under -v."""
    note(f"{name} ...")
    started = time.perf_counter()
    yield
    note(f"{name}: {time.perf_counter() - started:.2f} s")


def progress():
    """A one-line progress counter on a terminal; silent in CI, when piped and under -q."""
    if not interactive() or verbosity() == QUIET:
        return None

    def show(n: int, total: int):
        if total >= 200 and (n % 100 == 0 or n == total - 1):
            click.echo(f"\rreading records {n + 1}/{total}", err=True, nl=(n == total - 1))

    return show


def _no_cache(ctx, _param, value):
    if value:
        ctx.meta["cms.no_cache"] = True


# --no-cache on check, build and export: the only CLI part of the cache (cms_build/cache.py);
# every command that runs the engine reads use_cache().
no_cache_option = click.option(
    "--no-cache", is_flag=True, expose_value=False, callback=_no_cache, help="Neither read nor write the cache of parsed records in .cms-cache/."
)


def use_cache() -> bool:
    ctx = click.get_current_context(silent=True)
    return not (ctx is not None and ctx.meta.get("cms.no_cache"))


def not_a_group(root, verb: str) -> None:
    """A group folder is no organization: its records are its entities' (README: Groups)."""
    from ..grouproot import is_group

    if is_group(root):
        raise CmsError(f"{root} is a group: 'cms {verb}' works on one entity's folder; 'cms build' of the group builds its overview and every entity's site")


def run_engine(path, as_of, stages="check", digests=None):
    """The pipeline on the repository at PATH (cms_build/engine.py); a broken schema is a usage error.
    digests: the whole-run key's digests of the repository's files (cms_build/wholerun.py)."""
    from ..engine import run
    from ..schemas import SchemaError

    root = find_root(path)
    try:
        with stage(f"{'load, validate, index' if stages == 'validate' else 'load, validate, index, compute, check'} {root}"):
            result = run(root, as_date(as_of), stages=stages, progress=progress(), cache=use_cache(), digests=digests)
    except SchemaError as exc:
        raise CmsError(f"a schema is broken: {exc}") from None
    note(
        f"{len(result.records)} records, {len(result.findings)} findings, {len(result.checks)} checks, "
        f"{len(result.computations)} computations, as of {result.as_of.isoformat()}"
    )
    return result


def os_error(what: str, exc: OSError) -> str:
    """An OSError as a user reads it; a full disk says so, and what to do."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"cannot write {what}: the disk is full ({exc.strerror}); nothing was written: free some space and run again"
    return f"cannot write {what}: {exc.strerror or exc}"


def write_atomic(output: str | Path, write) -> None:
    """Write a file all at once or not at all: write(tmp_path) fills a temporary file in the
    same folder, which then replaces `output` (os.replace). A full disk or a kill half-way
    leaves no truncated report that the next run would refuse as existing."""
    path = Path(output)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; a report gets the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_output(text: str, output: str | None) -> None:
    """A command's report: into --output (atomically), or to standard output."""
    if output:
        data = text.encode("utf-8", errors="replace")  # a lone surrogate from a file name
        try:
            write_atomic(output, lambda tmp: tmp.write_bytes(data))
        except OSError as exc:
            raise CmsError(os_error(output, exc)) from None
    else:  # click strips ANSI codes when piped; FORCE_COLOR asked for them
        click.echo(text, nl=False, color=True if (os.environ.get("FORCE_COLOR") and not os.environ.get("NO_COLOR")) else None)


def check_output(output: str | None, force: bool) -> None:
    """Before any work: an --output file is never written over unless asked (--force), and
    its folder must exist. A record, cms.yaml or an earlier report is a user's file."""
    if not output:
        return
    path = Path(output)
    if not path.parent.is_dir():
        raise CmsError(f"cannot write {output}: the folder {path.parent} does not exist; create it first")
    if path.exists() and not force:
        raise CmsError(f"{output} exists: cms does not write over a file without being asked; give another name, or --force to replace it")


def output_option(fn):
    """--output/-o FILE and --force, checked before the command runs."""

    @functools.wraps(fn)
    def wrapper(*args, output=None, force=False, **kwargs):
        check_output(output, force)
        return fn(*args, output=output, **kwargs)

    wrapper = click.option("--force", is_flag=True, help="Replace the --output file if it exists.")(wrapper)
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of standard output (never over an existing file without --force)."
    )(wrapper)


def as_of_option_with(help: str):
    return click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help=help)


as_of_option = as_of_option_with("Evaluate date rules as of this day (default: today). Repeat a past run exactly.")
# the site's commands say what the date means for a site
site_as_of_option = as_of_option_with("Evaluate date rules as of this day (default: today). Same day, same site.")

# the site's commands, build and serve
profile_option = click.option(
    "--profile",
    type=click.Choice(["internal", "public"]),
    default="internal",
    show_default=True,
    help="public: only records marked public, without their confidential fields.",
)
out_option = click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default="_site",
    show_default=True,
    help="The folder to write the site into (replaced only when the build succeeds).",
)
site_language_option = click.option("--language", type=click.Choice(["zh", "en"]), help="Site language (default: cms.yaml's language).")


def site_options(fn):
    """PATH, --as-of, --profile, --out and --language of `cms build` and `cms serve`."""
    return with_options([click.argument("path", required=False), site_as_of_option, profile_option, out_option, site_language_option])(fn)


def format_option(*choices: str, help: str | None = None):
    """--format with these choices, the first the default."""
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=choices[0], show_default=True, help=help)


def language_option(help: str, default: str | None = None):
    return click.option("--language", type=click.Choice(["zh", "en"]), default=default, show_default=default is not None, help=help)


def path_option(fn):
    """--path, for commands whose arguments are something else (an id, a kind, revisions)."""
    return click.option("--path", "path", help="The records repository (default: nearest cms.yaml upward).")(fn)


def with_options(options):
    """Apply a list of click decorators in the order written (the first is the first in help)."""

    def apply(fn):
        for option in reversed(options):
            fn = option(fn)
        return fn

    return apply


def run_if_group(path, as_of, fmt, fail_on, output, jobs, fetch, verb) -> bool:
    """A group's folder (cms.yaml with 'group'): run its entities and consolidate (cms_build/group.py),
    for `cms check` and `cms export`. False for an organization's folder, which the command then
    handles as before."""
    from ..findings import SEVERITIES
    from ..grouproot import is_group

    root = find_root(path)
    if not is_group(root):
        return False
    from .. import group as grp  # here: an organization's check needs none of the group's models

    try:
        g = grp.run_group(root, as_date(as_of), jobs=jobs, fetch=fetch, full=verb == "export")  # check keeps digests only
    except grp.GroupError as exc:
        raise CmsError(str(exc)) from None
    write_group(g, fmt if verb == "check" else "json", output, verb)
    if verb == "check":
        sys.exit(1 if any(f for f in g.findings if SEVERITIES.index(f.severity) <= SEVERITIES.index(fail_on)) else 0)
    return True


def write_group(g, fmt, output, verb):
    """A group's consolidated findings (text or json), or its export (json)."""
    import json

    from .. import group as grp

    if fmt == "json" and verb == "export" and g.sources:  # streamed, an entity's export at a time (issue 20 §3)
        if output:

            def fill(tmp):
                with open(tmp, "w", encoding="utf-8", errors="replace") as fh:
                    grp.write_export(g, fh)

            try:
                write_atomic(output, fill)
            except OSError as exc:
                raise CmsError(os_error(output, exc)) from None
        else:
            buf = io.StringIO()
            grp.write_export(g, buf)
            write_output(buf.getvalue(), None)
    elif fmt == "json":
        doc = grp.export_group(g) if verb == "export" else {"findings": [f.as_dict() for f in g.findings], "consolidation": grp.dump(g.consolidation)}
        write_output(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n", output)
    elif fmt == "text":
        write_output(grp.render_text(g), output)
    else:
        raise CmsError(f"--format {fmt}: a group's check writes text or json")

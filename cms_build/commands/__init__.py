"""The `cms` command: the click group, and every command added from its own module.

One module a command (`build.py` is `cms build`; `import_.py` and `list_.py` carry an underscore
because `import` is a keyword and `list` a builtin); what commands share is in `common.py`.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 a usage or
internal error (bad option, no records repository, a broken schema or rule module).
"""

from __future__ import annotations

import gc
import os
import sys

import click

from .. import version_text
from ..errors import CmsProblem
from . import build, check, checks, diff, export, group, import_, init, kinds, list_, matrix, new, pack, serve, show, todo, validate
from .common import NORMAL, QUIET, VERBOSE, CmsError, color_setting
from .help_zh import help_language, localize


class CmsGroup(click.Group):
    """The `cms` group: help in the terminal's language (Chinese where the locale is zh_*)."""

    def main(self, *args, **kwargs):
        localize(self, help_language())
        return super().main(*args, **kwargs)


@click.group(cls=CmsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    help="Show the version (and the git commit when not a release) and exit.",
    callback=lambda ctx, _param, value: (click.echo(f"cms, version {version_text()}"), ctx.exit()) if value else None,
)
@click.option("-q", "--quiet", is_flag=True, help="Only findings and errors: no summary, no 'wrote ...' lines.")
@click.option("-v", "--verbose", is_flag=True, help="Also each stage and its time, on standard error.")
@click.pass_context
def cli(ctx, quiet, verbose):
    """Carbon management system as code (T/CIECCPA 《碳管理体系 要求及使用指南》).

    Records are YAML files in a git repository with a cms.yaml at its root. PATH defaults to
    the nearest folder upward that holds cms.yaml.

    \b
    Example: cms -q check records --as-of 2026-06-30
    """
    if quiet and verbose:
        raise click.UsageError("-q and -v contradict each other: give one of them")
    ctx.meta["cms.verbosity"] = QUIET if quiet else VERBOSE if verbose else NORMAL
    ctx.color = color_setting()  # NO_COLOR / FORCE_COLOR for every line, inherited by the command's context


for _command in (
    validate.validate,
    check.check,
    checks.list_checks,
    kinds.kinds,
    export.export,
    matrix.matrix,
    todo.todo,
    todo.status_command,
    list_.list_records,
    show.show,
    new.new,
    group.group_cmd,
    build.build,
    serve.serve,
    pack.pack,
    init.init,
    import_.import_group,
    diff.diff,
):
    cli.add_command(_command)


# The cyclic garbage collector's thresholds for a `cms` process. A run makes hundreds of thousands
# of small containers (parsed records, rule modules, model classes) that reference counting frees or
# that live to the end; CPython's defaults (700, 10, 10) scan the young ones every 700 allocations and
# every long-lived one at each full collection: some 30 ms of the 0.4 s a new repository's check takes
# (issue 19). Ten thousand between young collections and twenty between older ones cut that to a
# third; a cycle of garbage only waits a little longer to be freed, so memory stays bounded.
GC_THRESHOLDS = (10_000, 20, 20)


def main():
    """Entry point: never a traceback for a user's mistake; CMS_DEBUG=1 shows one for bugs."""
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if not isinstance(exc, CmsError) else exc.exit_code)
    except SystemExit:
        raise
    except CmsProblem as exc:  # a problem with the user's input or machine that a command did not catch itself
        click.echo(f"cms: {exc.text()}", err=True)
        sys.exit(2)
    except Exception as exc:  # a bug: say so plainly, keep the traceback for CMS_DEBUG
        if os.environ.get("CMS_DEBUG"):
            raise
        click.echo(
            f"cms: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in cms, not in your records. Run again with CMS_DEBUG=1 for details and report it.",
            err=True,
        )
        sys.exit(2)


__all__ = ["CmsError", "cli", "main"]

"""`cms check`: everything, with an exit code for CI (an organization, or a group's entities)."""

from __future__ import annotations

import sys

import click

from ..findings import SEVERITIES
from ..formats import FORMATS
from .common import (
    QUIET,
    CmsError,
    as_date,
    as_of_option,
    find_root,
    format_option,
    no_cache_option,
    note,
    output_option,
    run_engine,
    run_if_group,
    use_cache,
    use_color,
    verbosity,
    write_output,
)


@click.command()
@click.argument("path", required=False)
@as_of_option
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="error", show_default=True, help="Exit 1 when there are findings of this severity or worse.")
@format_option(*FORMATS)
@click.option("--changed-since", "changed_since", metavar="REF", help="Report only findings a change since this git revision is answerable for.")
@click.option("--jobs", type=click.IntRange(1, 64), help="A group: check this many entities at once (README: Groups).")
@click.option("--fetch", is_flag=True, help="A group: clone entities given by git URL at their pinned commit into .cms-cache/.")
@click.option(
    "--language", type=click.Choice(["zh", "en"]), default=None, help="Show each finding's rule title in this language (messages and hints are English)."
)
@no_cache_option
@output_option
def check(path, as_of, fail_on, fmt, changed_since, output, jobs=None, fetch=False, language=None):
    """Everything: schemas, references, computations and every rule of the standard.

    \b
    Example: cms check records --as-of 2026-06-30 --fail-on warning
    """
    from ..formats import render

    if run_if_group(path, as_of, fmt, fail_on, output, jobs, fetch, "check"):
        return
    result = _checked(path, as_of, whole_run=not changed_since and use_cache())
    if changed_since:
        from ..gitutil import GitError, changed_files
        from ..workflow.changed import affected_findings, removed_record_ids

        try:
            changed = changed_files(result.root, changed_since)
            result.findings = affected_findings(result, changed, removed_record_ids(result.root, changed_since, changed))
        except GitError as exc:
            raise CmsError(f"--changed-since: {exc}") from None
    write_output(
        render(fmt, result, fail_on=fail_on, color=(fmt == "text" and not output and use_color()), language=language, summary=verbosity() > QUIET), output
    )
    sys.exit(1 if result.failing(fail_on) else 0)


def _checked(path, as_of, whole_run: bool):
    """The engine's result, or, when nothing it would read changed since a check kept in
    .cms-cache/check.json, that check's findings (cms_build/wholerun.py: the key, what is kept)."""
    if not whole_run:
        return run_engine(path, as_of)
    from .. import wholerun

    root, day = find_root(path), as_date(as_of)
    cached, probe = wholerun.lookup(root, day)
    if cached is not None:
        note(f"nothing changed since a check kept in {wholerun.cachefile.FOLDER}/{wholerun.NAME}: its findings, as of {day.isoformat()}")
        return cached
    if probe is None:  # no usable key: no cache
        return run_engine(path, day)
    with wholerun.Recording(root) as recording:
        result = run_engine(path, day, digests=probe.digests)
    wholerun.store(probe, recording, result)
    return result

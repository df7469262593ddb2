"""`cms diff REF1 [REF2]`: what changed between two revisions."""

from __future__ import annotations

import json

import click

from .common import CmsError, as_of_option, find_root, format_option, output_option, parse_as_of, path_option, write_output


@click.command()
@click.argument("ref1")
@click.argument("ref2", default="HEAD")
@path_option
@as_of_option
@format_option("text", "json")
@output_option
def diff(ref1, ref2, path, as_of, fmt, output):
    """What changed between two git revisions: records field by field, computed results, findings.

    \b
    Example: cms diff main HEAD --path records --as-of 2026-06-30
    """
    from ..gitutil import GitError
    from ..workflow.diff import diff_revisions, render_text

    root = find_root(path)
    try:
        data = diff_revisions(root, ref1, ref2, parse_as_of(as_of))
    except GitError as exc:
        raise CmsError(f"git: {exc}") from None
    write_output(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n" if fmt == "json" else render_text(data), output)

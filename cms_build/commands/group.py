"""`cms group ...`: a group of entities (README: Groups); `cms check` and `cms export` on a group's
folder run its entities through common.run_if_group."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..findings import SEVERITIES
from .common import CmsError, as_of_option, find_root, output_option, parse_as_of, write_group


@click.group("group")
def group_cmd():
    """A group of entities, each its own records repository (README: Groups).

    \b
    Example: cms group consolidate group --from-exports exports
    """


@group_cmd.command("consolidate")
@click.argument("path", required=False)
@click.option(
    "--from-exports",
    "from_exports",
    required=True,
    type=click.Path(file_okay=False),
    help="The folder of the entities' exports, <entity id>.json each (written by 'cms export').",
)
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="error", show_default=True)
@output_option
def group_consolidate(path, from_exports, as_of, fmt, fail_on, output):
    """Consolidate the entities' exports without running the entities (a CI matrix's last job).

    \b
    Example: cms group consolidate group --from-exports exports --format json -o group.json
    """
    from .. import group as grp

    root = find_root(path)
    if not grp.is_group(root):
        raise CmsError(f"{root}/cms.yaml has no 'group' section: this is an organization, not a group")
    try:
        g = grp.consume_exports(root, Path(from_exports), parse_as_of(as_of) if as_of else None, full=False)  # digests; JSON streams the files
    except grp.GroupError as exc:
        raise CmsError(str(exc)) from None
    write_group(g, fmt, output, "export" if fmt == "json" else "check")
    sys.exit(1 if any(SEVERITIES.index(f.severity) <= SEVERITIES.index(fail_on) for f in g.findings) else 0)

"""`cms pack`: the audit pack, as PDF and HTML."""

from __future__ import annotations

from pathlib import Path

import click

from .common import not_a_group, CmsError, find_root, parse_as_of, say, site_as_of_option, stage


@click.command()
@click.argument("path", required=False)
@site_as_of_option
@click.option("--clauses", default="", metavar="LIST", help="Comma-separated clauses (6.1 selects 6.1.x and its items); default: every clause.")
@click.option("--profile", type=click.Choice(["internal", "public"]), default="internal", show_default=True, help="public: only what the public site shows.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False),
    default="audit-pack.pdf",
    show_default=True,
    help="The PDF to write; the same pack as one HTML file is written beside it (.html).",
)
def pack(path, as_of, clauses, profile, out):
    """Write the audit pack: cover, contents, matrix, findings, records and results, as PDF and HTML.

    \b
    Example: cms pack records --as-of 2026-06-30 --clauses 6.4,9.1 --out audit-pack.pdf
    """
    from ..site.pack import PackError, write_pack

    root = find_root(path)
    not_a_group(root, "pack")
    try:
        with stage("audit pack"):
            pdf, html = write_pack(root, parse_as_of(as_of), Path(out), [c for c in clauses.split(",") if c.strip()], profile=profile)
    except PackError as exc:
        raise CmsError(f"the audit pack was not written: {exc.message}" + (f" ({exc.hint})" if exc.hint else "")) from None
    say(f"wrote {pdf} and {html}")

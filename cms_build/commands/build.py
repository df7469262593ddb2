"""`cms build`: the evidence site."""
from __future__ import annotations

import click

from .common import CmsError, find_root, out_option, parse_as_of, profile_option, site_as_of_option, site_language_option


@click.command()
@click.argument("path", required=False)
@site_as_of_option
@profile_option
@out_option
@site_language_option
def build(path, as_of, profile, out, language):
    """Build the evidence site: Markdown by jinja2, HTML by mkdocs-material (strict, offline)."""
    from ..paths import UnsafeFile
    from ..site.build import BuildError, build_site
    root = find_root(path)
    try:
        report = build_site(root, parse_as_of(as_of), profile=profile, out=out, language=language)
    except (BuildError, UnsafeFile) as exc:
        raise CmsError(f"the site was not built (the previous one is untouched): {exc}") from None
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"built {report.pages} pages ({report.records} records, {profile}) into {report.out} "
               f"in {report.seconds:.1f} s")

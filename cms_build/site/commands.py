"""`cms build` and `cms serve`, added to the cms command by cli._register_optional_commands."""
from __future__ import annotations

from pathlib import Path

import click

profile_option = click.option("--profile", type=click.Choice(["internal", "public"]), default="internal",
                              show_default=True,
                              help="public: only records marked public, without their confidential fields.")
out_option = click.option("--out", "out", type=click.Path(file_okay=False), default="_site", show_default=True,
                          help="The folder to write the site into (replaced only when the build succeeds).")
as_of_option = click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
                            help="Evaluate date rules as of this day (default: today). Same day, same site.")


def register(cli) -> None:
    from ..cli import CmsError, _as_of, _find_root

    def _not_a_group(root, verb: str) -> None:
        """A group folder is no organization: its records are its entities' (README: Groups)."""
        from ..group import is_group
        if is_group(root):
            raise CmsError(f"{root} is a group: 'cms {verb}' works on one entity's folder; "
                           "'cms build' of the group builds its overview and every entity's site")

    @cli.command()
    @click.argument("path", required=False)
    @as_of_option
    @profile_option
    @out_option
    @click.option("--language", type=click.Choice(["zh", "en"]), help="Site language (default: cms.yaml's language).")
    @click.option("--fetch", is_flag=True, help="A group: clone entities given by git URL at their pinned commit into .cms-cache/.")
    def build(path, as_of, profile, out, language, fetch=False):
        """Build the evidence site: Markdown by jinja2, HTML by mkdocs-material (strict, offline)."""
        from ..paths import UnsafeFile
        from .build import BuildError, build_site
        root = _find_root(path)
        from ..group import is_group
        if is_group(root):  # the group's overview and every entity's own site, in one run (group_site.py)
            from .group_site import build_group_site
            try:
                g = build_group_site(root, _as_of(as_of), profile=profile, out=out, language=language, fetch=fetch)
            except (BuildError, UnsafeFile) as exc:
                raise CmsError(f"the site was not built (the previous one is untouched): {exc}") from None
            for warning in g.warnings:
                click.echo(f"warning: {warning}", err=True)
            entities = sum(v for k, v in g.timings.items() if k != "overview")
            click.echo(f"built the group's site: {g.entities} entities, {g.pages} pages ({profile}) into {g.out} "
                       f"in {g.seconds:.1f} s ({entities:.1f} s the entities' runs and sites, "
                       f"{g.timings.get('overview', 0):.1f} s the overview)")
            return
        try:
            report = build_site(root, _as_of(as_of), profile=profile, out=out, language=language)
        except (BuildError, UnsafeFile) as exc:
            raise CmsError(f"the site was not built (the previous one is untouched): {exc}") from None
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(f"built {report.pages} pages ({report.records} records, {profile}) into {report.out} "
                   f"in {report.seconds:.1f} s")

    @cli.command()
    @click.argument("path", required=False)
    @as_of_option
    @profile_option
    @out_option
    @click.option("--language", type=click.Choice(["zh", "en"]), help="Site language (default: cms.yaml's language).")
    @click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
                  help="Port on 127.0.0.1 (0: any free port).")
    def serve(path, as_of, profile, out, language, port):
        """Build the site, serve it on localhost, and rebuild when records, schemas, checks or templates change."""
        from .serve import serve as run_server
        root = _find_root(path)
        _not_a_group(root, "serve")
        run_server(root, _as_of(as_of) if as_of else None, profile=profile, out=out, language=language, port=port)

    @cli.command()
    @click.argument("path", required=False)
    @as_of_option
    @click.option("--clauses", default="", metavar="LIST",
                  help="Comma-separated clauses (6.1 selects 6.1.x and its items); default: every clause.")
    @click.option("--profile", type=click.Choice(["internal", "public"]), default="internal", show_default=True,
                  help="public: only what the public site shows.")
    @click.option("--out", "out", type=click.Path(dir_okay=False), default="audit-pack.pdf", show_default=True,
                  help="The PDF to write; the same pack as one HTML file is written beside it (.html).")
    def pack(path, as_of, clauses, profile, out):
        """Write the audit pack: cover, contents, matrix, findings, records and results, as PDF and HTML."""
        from .pack import PackError, write_pack
        root = _find_root(path)
        _not_a_group(root, "pack")
        try:
            pdf, html = write_pack(root, _as_of(as_of), Path(out), [c for c in clauses.split(",") if c.strip()],
                                   profile=profile)
        except PackError as exc:
            raise CmsError(f"the audit pack was not written: {exc.message}" + (f" ({exc.hint})" if exc.hint else "")) from None
        click.echo(f"wrote {pdf} and {html}")

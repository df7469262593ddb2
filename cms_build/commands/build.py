"""`cms build`: the evidence site."""

from __future__ import annotations

import contextlib
import sys

import click

from .common import QUIET, CmsError, no_cache_option, use_cache, find_root, interactive, note, parse_as_of, say, site_options, verbosity


@contextlib.contextmanager
def progress_bar():
    """A bar over the build's stages on stderr, only where stderr is a terminal and this is not
    CI (and not under -q): a log or a pipe gets no carriage returns. Yields on_stage for build_site."""
    from ..site.build import STAGES

    if not interactive() or verbosity() == QUIET:
        yield None
        return
    with click.progressbar(length=len(STAGES), label="building the site", file=sys.stderr, item_show_func=lambda name: name, show_eta=False) as bar:
        done: list[str] = []

        def on_stage(name: str) -> None:
            bar.update(1 if done else 0, name)  # a stage starting means the one before ended
            done.append(name)

        yield on_stage
        bar.update(len(STAGES) - bar.pos, "done")


@click.command()
@site_options
@no_cache_option
@click.option("--fetch", is_flag=True, help="A group: clone entities given by git URL at their pinned commit into .cms-cache/.")
@click.option("--full", is_flag=True, help="Render every page, even those whose HTML the last build into --out can give unchanged.")
def build(path, as_of, profile, out, language, fetch=False, full=False):
    """Build the evidence site: Markdown by jinja2, HTML by mkdocs-material (strict, offline).

    A rebuild into the same --out renders only the pages whose Markdown changed and copies the
    others' HTML from the last build (the same bytes a full build writes); --full renders all.
    A progress bar on standard error when it is a terminal (never in CI or a pipe).

    \b
    Example: cms build records --as-of 2026-06-30 --profile public --out _site
    """
    from ..paths import UnsafeFile
    from ..site.build import BuildError, build_site

    root = find_root(path)
    from ..grouproot import is_group

    if is_group(root):  # the group's overview and every entity's own site, in one run (group_site.py)
        build_group(root, as_of, profile, out, language, fetch)
        return
    try:
        with progress_bar() as on_stage:
            report = build_site(root, parse_as_of(as_of), profile=profile, out=out, language=language, on_stage=on_stage, cache=use_cache(), full=full)
    except (BuildError, UnsafeFile) as exc:
        raise CmsError(f"the site was not built (the previous one is untouched): {exc}") from None
    for stage, seconds in report.timings.items():
        note(f"{stage}: {seconds:.2f} s")
    for line in report.notices:  # the renderer's own notices (an end of life), never hidden
        click.echo(line, err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    kept = f", {report.pages - report.rendered} unchanged from the last build" if report.rendered < report.pages else ""
    say(f"built {report.pages} pages ({report.records} records, {profile}{kept}) into {report.out} in {report.seconds:.1f} s")


def build_group(root, as_of, profile, out, language, fetch) -> None:
    from ..paths import UnsafeFile
    from ..site.build import BuildError
    from ..site.group_site import build_group_site

    try:
        g = build_group_site(root, parse_as_of(as_of), profile=profile, out=out, language=language, fetch=fetch)
    except (BuildError, UnsafeFile) as exc:
        raise CmsError(f"the site was not built (the previous one is untouched): {exc}") from None
    for warning in g.warnings:
        click.echo(f"warning: {warning}", err=True)
    entities = sum(v for k, v in g.timings.items() if k != "overview")
    say(
        f"built the group's site: {g.entities} entities, {g.pages} pages ({profile}) into {g.out} "
        f"in {g.seconds:.1f} s ({entities:.1f} s the entities' runs and sites, "
        f"{g.timings.get('overview', 0):.1f} s the overview)"
    )

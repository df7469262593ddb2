"""`cms serve`: the site on localhost, rebuilt on every change."""

from __future__ import annotations

import click

from .common import not_a_group, find_root, parse_as_of, site_options


@click.command()
@site_options
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
def serve(path, as_of, profile, out, language, port):
    """Build the site, serve it on localhost, and rebuild when records, schemas, checks or templates change.

    \b
    Example: cms serve records --port 8000
    """
    from ..site.serve import serve as run_server

    root = find_root(path)
    not_a_group(root, "serve")
    run_server(root, parse_as_of(as_of) if as_of else None, profile=profile, out=out, language=language, port=port)

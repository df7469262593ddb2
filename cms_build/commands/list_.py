"""`cms list`: the records (the module is list_ so as not to shadow the builtin)."""

from __future__ import annotations

import datetime as dt

import click

from .common import CmsError, run_engine


@click.command("list")
@click.argument("path", required=False)
@click.option("--kind", "kind", help="Only records of this kind.")
def list_records(path, kind):
    """The records: id, kind, status, title, file.

    \b
    Example: cms list records --kind target
    """
    result = run_engine(path, dt.date.today(), stages="validate")
    if kind and kind not in result.schemas.kinds:
        raise CmsError(f"unknown kind {kind!r}; 'cms kinds' lists them")
    rows = [r for r in sorted(result.index.by_id.values(), key=lambda r: (r.kind, r.id)) if not kind or r.kind == kind]
    for r in rows:
        click.echo(f"{r.id:<24} {r.kind:<22} {r.status:<10} {r.title}  ({r.rel})")
    click.echo(f"\n{len(rows)} records")

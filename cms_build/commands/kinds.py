"""`cms kinds`: the record kinds."""

from __future__ import annotations

import json

import click

from .common import find_root, format_option, has_root


@click.command()
@click.argument("path", required=False)
@format_option("text", "json")
def kinds(path, fmt):
    """The record kinds, from the schemas.

    \b
    Example: cms kinds
    """
    from ..engine import schema_folders
    from ..paths import bundled
    from ..schemas import SchemaSet

    folders = schema_folders(find_root(path)) if path or has_root() else [bundled("schemas")]
    schemas = SchemaSet.load(folders)
    rows = [
        {"kind": k.name, "subsystem": k.subsystem, "title_zh": k.title_zh, "title_en": k.title_en, "clauses": list(k.clauses), "id_prefix": k.id_prefix}
        for k in sorted(schemas.kinds.values(), key=lambda k: k.name)
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max((len(r["kind"]) for r in rows), default=10)
    for r in rows:
        click.echo(f"{r['kind']:<{width}}  {r['subsystem']:<6}  {r['title_zh']} / {r['title_en']}")

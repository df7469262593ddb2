"""`cms checks`: the rules and computations that would run."""

from __future__ import annotations

import json

import click

from .common import CmsError, find_root, format_option, has_root


@click.command("checks")
@click.argument("path", required=False)
@format_option("text", "json")
def list_checks(path, fmt):
    """The rules: id, title, severity and the clauses each enforces.

    \b
    Example: cms checks records --format json
    """
    from ..engine import RuleError, load_rules, rule_folders
    from ..paths import bundled

    folders = rule_folders(find_root(path)) if path or has_root() else [bundled("checks")]
    try:
        checks, comps = load_rules(folders)
    except RuleError as exc:
        raise CmsError(f"{exc}" + (f"\n  hint: {exc.hint}" if exc.hint else "")) from None
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "severity": c.severity,
            "clauses": list(c.clauses),
            "kinds": list(c.kinds),
            "module": c.module,
            "description": c.description,
        }
        for c in checks
    ]
    if fmt == "json":
        click.echo(
            json.dumps(
                {"checks": rows, "computations": [{"id": c.id, "title": c.title, "clauses": list(c.clauses), "module": c.module} for c in comps]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    width = max((len(r["id"]) for r in rows), default=10)
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['severity']:<7}  {', '.join(r['clauses']):<22}  {r['title']}")
    click.echo(f"\n{len(rows)} checks, {len(comps)} computations")

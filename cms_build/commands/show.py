"""`cms show ID`: one record, its references, its findings, and the figures computed from it."""

from __future__ import annotations

import click

from .common import CmsError, as_of_option, path_option, run_engine


@click.command()
@click.argument("record_id")
@path_option
@as_of_option
def show(record_id, path, as_of):
    """One record: its file, content, references both ways, and findings on it.

    \b
    Example: cms show AD-2025-BJ1-U1-COAL --path records
    """
    result = run_engine(path, as_of)
    record = result.index.get(record_id)
    if record is None:
        import difflib

        ids = list(result.index.by_id)
        same_case = [i for i in ids if i.lower() == record_id.lower()]  # ids are case-sensitive; people are not
        close = same_case or difflib.get_close_matches(record_id, ids, n=3, cutoff=0.6)
        unread = sorted({f.file for f in result.findings if f.rule in ("yaml.invalid", "record.id", "record.kind")})
        raise CmsError(
            f"no record with id {record_id!r}"
            + (f"; did you mean {', '.join(close)}?" if close else "")
            + (
                f"\n  {len(unread)} file(s) could not be read as records and may hold it: "
                + ", ".join(unread[:5])
                + ("..." if len(unread) > 5 else "")
                + " ('cms validate' says why)"
                if unread
                else ""
            )
        )
    click.echo(f"# {record.id} ({record.kind}) — {record.rel}")
    click.echo(record.path.read_text(encoding="utf-8").rstrip())
    refs_out = sorted({r.target for r in result.index.refs if r.source == record.id})
    refs_in = [r.id for r in result.index.referring(record.id)]
    click.echo(f"\nrefers to: {', '.join(refs_out) or '-'}")
    click.echo(f"referred to by: {', '.join(refs_in) or '-'}")
    mine = [f for f in result.findings if f.record == record.id or f.file == record.rel]
    click.echo(f"findings ({len(mine)}):")
    for f in mine:
        click.echo(f"  {f.line}:{f.col} {f.severity} {f.rule}: {f.message}")
    from ..record_results import record_results, text_lines  # issue 17 item 5: what the record page shows

    for line in text_lines(record_results(result.results, getattr(result, "statuses", {}), record.id, result.result_types)):
        click.echo(line)

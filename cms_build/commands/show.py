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
        raise CmsError(f"no record with id {record_id!r}" + (f"; did you mean {', '.join(close)}?" if close else "")
                       + (f"\n  {len(unread)} file(s) could not be read as records and may hold it: "
                          + ", ".join(unread[:5]) + ("..." if len(unread) > 5 else "") + " ('cms validate' says why)"
                          if unread else ""))
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
    traces = _computed_for(result.results, record.id)
    click.echo(f"computed from it ({len(traces)}):" if traces else "computed from it: -")
    for where, trace in traces[:_SHOW_TRACES]:
        _echo_trace(where, trace, record.id)
    if len(traces) > _SHOW_TRACES:
        click.echo(f"  ... {len(traces) - _SHOW_TRACES} more (cms export --format json has them all)")


_SHOW_TRACES = 20


def _is_trace(node) -> bool:
    return isinstance(node, dict) and "value" in node and ("formula" in node or "inputs" in node)


def _cites(trace: dict, record_id: str) -> bool:
    """The trace itself (not a nested step) takes an input from the record."""
    return any(isinstance(i, dict) and isinstance(i.get("source"), dict) and i["source"].get("record") == record_id
               for i in trace.get("inputs") or [])


def _computed_for(results: dict, record_id: str) -> list[tuple[str, dict]]:
    """Every computed figure (a trace, cms_build/trace.py) that reads the record directly or is
    filed under its id, with where it sits in the results: what `cms show` explains."""
    found: list[tuple[str, dict]] = []

    def walk(node, where: list[str], under: bool) -> None:
        if _is_trace(node):
            if under or _cites(node, record_id):
                found.append((".".join(where), node))
            for step in node.get("steps") or []:
                walk(step, where + ["steps"], under)
            return
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, where + [str(key)], under or key == record_id)
        elif isinstance(node, list):
            for n, value in enumerate(node):
                walk(value, where + [str(n)], under)

    walk(results, [], False)
    seen: set[int] = set()
    unique = [(w, t) for w, t in found if not (id(t) in seen or seen.add(id(t)))]

    def others(item) -> int:  # the record's own figures first, then the totals it enters
        inputs = [i for i in item[1].get("inputs") or [] if isinstance(i, dict)]
        return sum(1 for i in inputs if not (isinstance(i.get("source"), dict) and i["source"].get("record") == record_id))
    return sorted(unique, key=others)


def _echo_trace(where: str, trace: dict, record_id: str) -> None:
    value, unit = trace.get("value"), trace.get("unit") or ""
    click.echo(f"  {where}: {value} {unit}".rstrip() + (f"  — {trace['label']}" if trace.get("label") else ""))
    if trace.get("formula"):
        click.echo(f"      {trace['formula']}" + (f"  (method {trace['method']})" if trace.get("method") else ""))
    for i in trace.get("inputs") or []:
        if not isinstance(i, dict):
            continue
        src = i.get("source") if isinstance(i.get("source"), dict) else {}
        origin = (f"{src.get('record')}.{src.get('path')} ({src.get('file')}:{src.get('line')})"
                  + (" <- this record" if src.get("record") == record_id else "")) if src.get("record") else (
            src.get("citation") or src.get("key") or src.get("setting") or "")
        click.echo(f"      {i.get('symbol') or ''} {i.get('name') or ''} = {i.get('value')} {i.get('unit') or ''}  [{origin}]"
                   .replace("  = ", " = "))
    for note in trace.get("notes") or []:
        click.echo(f"      note: {note}")

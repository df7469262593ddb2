"""`cms matrix`: the conformity matrix."""

from __future__ import annotations

import json

import click

from .common import as_of_option, format_option, output_option, run_engine, write_output


@click.command()
@click.argument("path", required=False)
@as_of_option
@format_option("text", "json")
@output_option
def matrix(path, as_of, fmt, output):
    """The clause-by-clause conformity matrix at the as-of date, item by item (README:
    Conformity statuses); --format json gives each clause's items with status, rules, records.

    \b
    Example: cms matrix records --as-of 2026-06-30
    """
    from ..matrix import build_matrix, render_text

    result = run_engine(path, as_of)
    data = build_matrix(result)
    write_output(json.dumps(data, ensure_ascii=False, indent=2) + "\n" if fmt == "json" else render_text(data), output)

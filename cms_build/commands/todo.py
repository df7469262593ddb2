"""`cms todo` and its other name `cms status`: what the organization still lacks."""

from __future__ import annotations

import json

import click

from .common import as_of_option, format_option, run_engine, with_options

_OPTIONS = with_options(
    [
        click.argument("path", required=False),
        as_of_option,
        format_option("text", "json"),
        click.option("--language", type=click.Choice(["zh", "en"]), default=None, help="Language of the clause titles (default: cms.yaml's language)."),
    ]
)


def _todo(path, as_of, fmt, language):
    from ..workflow.todo import render_todo, todo_list

    result = run_engine(path, as_of)
    rows = todo_list(result)
    language = language or result.settings.get("language", "zh")
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2) if fmt == "json" else render_todo(rows, language), nl=fmt == "json")


@click.command()
@_OPTIONS
def todo(path, as_of, fmt, language):
    """What the organization still lacks, clause by clause, in the order a new team fills it
    (the standard's order), with the starter drafts of `cms init` to fill for each.

    \b
    Example: cms todo . --language en"""
    _todo(path, as_of, fmt, language)


@click.command("status")
@_OPTIONS
def status_command(path, as_of, fmt, language):
    """The same list as `cms todo`.

    \b
    Example: cms status ."""
    _todo(path, as_of, fmt, language)

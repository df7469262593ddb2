"""`cms validate`: schema and reference errors only."""

from __future__ import annotations

import datetime as dt
import sys

import click

from ..formats import FORMATS
from .common import QUIET, format_option, output_option, run_engine, use_color, verbosity, write_output


@click.command()
@click.argument("path", required=False)
@format_option(*FORMATS)
@output_option
def validate(path, fmt, output):
    """Schema and reference errors only (fast; no computations, no date rules).

    \b
    Example: cms validate records
    """
    from ..formats import render

    result = run_engine(path, dt.date.today(), stages="validate")
    write_output(render(fmt, result, fail_on="error", color=(fmt == "text" and not output and use_color()), summary=verbosity() > QUIET), output)
    sys.exit(1 if result.failing("error") else 0)

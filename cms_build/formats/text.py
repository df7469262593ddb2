"""Findings for a terminal: grouped by file, in file order, with hints and clauses."""
from __future__ import annotations

import click

from . import display_path

_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def render(result, *, fail_on: str = "error", color: bool = False) -> str:
    def style(text, **kw):
        return click.style(text, **kw) if color else text

    lines: list[str] = []
    current = None
    for f in result.findings:
        if f.file != current:
            current = f.file
            if lines:
                lines.append("")
            lines.append(style(display_path(result, f.file), bold=True))
        sev = style(f"{f.severity:<7}", fg=_COLORS[f.severity])
        clauses = f" [{', '.join(f.clauses)}]" if f.clauses else ""
        lines.append(f"  {f.line:>4}:{f.col:<3} {sev} {f.message}  {style(f.rule, dim=True)}{clauses}")
        if f.hint:
            lines.append(f"              {style('hint:', dim=True)} {f.hint}")
    if lines:
        lines.append("")
    counts = {s: result.count(s) for s in ("error", "warning", "info")}
    summary = (f"{len(result.records)} records, {len(result.findings)} findings: {counts['error']} errors, "
               f"{counts['warning']} warnings, {counts['info']} info (as of {result.as_of.isoformat()})")
    failing = len(result.failing(fail_on))
    verdict = (style("FAIL", fg="red", bold=True) + f": {failing} at or above '{fail_on}'" if failing
               else style("OK", fg="green", bold=True) + f": nothing at or above '{fail_on}'")
    lines.append(summary)
    lines.append(verdict)
    return "\n".join(lines) + "\n"

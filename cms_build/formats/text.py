"""Findings for a terminal: one line per finding that starts with its `path:line:col:`, so
terminals and editors jump to it and grep finds it; grouped by file, in file order, with
hints and clauses.

What a record or a rule wrote reaches the terminal: control characters (an ESC that would
clear the screen or fake a line, a CR, a right-to-left override) are shown as escapes, and a message's own line
breaks continue indented under it, so every finding's first line is its location.
"""

from __future__ import annotations

import re

import click

from . import display_path

_COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}
# C0/C1 controls but newline and tab, lone surrogates, and the bidirectional and zero-width
# format characters that would reorder or hide part of a line on a terminal
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _visible(ch: str) -> str:
    if "\ud800" <= ch <= "\udfff":  # an undecodable byte in a file name: shown as a terminal would
        return "\ufffd"
    return ch.encode("unicode_escape").decode("ascii")  # \x1b, \r, \x00


def terminal_safe(text: str, indent: str = "") -> str:
    """Text that cannot move the cursor or recolor the terminal; newlines continue at indent."""
    return _CONTROL.sub(lambda m: _visible(m.group()), text).replace("\t", " ").replace("\n", "\n" + indent)


def render(result, *, fail_on: str = "error", color: bool = False, titles: bool = False, summary: bool = True) -> str:
    """The findings, then (unless summary=False: `cms -q`) the counts and the verdict."""

    def style(text, **kw):
        return click.style(text, **kw) if color else text

    lines: list[str] = []
    current = None
    for f in result.findings:
        if f.file != current and lines:
            lines.append("")  # a blank line between files
        current = f.file
        where = terminal_safe(f"{display_path(result, f.file)}:{f.line}:{f.col}:").replace("\n", "\\n")  # one token
        sev = style(f.severity, fg=_COLORS[f.severity])
        clauses = f" [{', '.join(f.clauses)}]" if f.clauses else ""
        lines.append(f"{style(where, bold=True)} {sev} {style(f.rule, dim=True)} {terminal_safe(f.message, '    ')}{clauses}")
        if titles and f.title:  # `cms check --language`: the rule's title in that language
            lines.append(f"    {style('rule:', dim=True)} {terminal_safe(f.title, '    ')}")
        if f.hint:
            lines.append(f"    {style('hint:', dim=True)} {terminal_safe(f.hint, '    ')}")
    if not summary:  # only the findings; the exit code still gives the verdict
        return "\n".join(lines) + "\n" if lines else ""
    if lines:
        lines.append("")
    counts = {s: result.count(s) for s in ("error", "warning", "info")}
    summary = (
        f"{len(result.records)} records, {len(result.findings)} findings: {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['info']} info (as of {result.as_of.isoformat()})"
    )
    failing = len(result.failing(fail_on))
    verdict = (
        style("FAIL", fg="red", bold=True) + f": {failing} at or above '{fail_on}'"
        if failing
        else style("OK", fg="green", bold=True) + f": nothing at or above '{fail_on}'"
    )
    lines.append(summary)
    lines.append(verdict)
    return "\n".join(lines) + "\n"

"""GitHub Actions workflow commands: annotations on the changed lines, and a step summary.

GitHub shows at most 10 error and 10 warning annotations per step (and 10 notices), so the
worst ones are annotated and every finding is listed in the step summary
($GITHUB_STEP_SUMMARY, up to its 1 MiB limit). Values are escaped as the runner expects:
'%', CR and LF in messages; also ':' and ',' in properties.
"""

from __future__ import annotations

import os
import re

from . import display_path

PER_STEP = 10
SUMMARY_LIMIT = 1024 * 1024 - 4096
_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_SURROGATE = re.compile("[\ud800-\udfff]")  # e.g. an undecodable byte in a file name


def _writable(text: str) -> str:
    """Text that can be written as UTF-8: a lone surrogate becomes U+FFFD, as a terminal shows it."""
    return _SURROGATE.sub("\ufffd", text)


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(result, f) -> str:
    title = f"{f.rule} [{', '.join(f.clauses)}]" if f.clauses else f.rule
    message = f.message + (f"\nhint: {f.hint}" if f.hint else "")
    props = f"file={escape_property(display_path(result, f.file))},line={f.line},col={f.col},title={escape_property(title)}"
    return f"::{_LEVEL[f.severity]} {props}::{escape_data(message)}"


def summary_markdown(result, fail_on: str) -> str:
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")

    counts = {s: result.count(s) for s in ("error", "warning", "info")}
    head = (
        f"### cms check: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info\n\n"
        f"As of {result.as_of.isoformat()}, {len(result.records)} records; the merge gate fails on "
        f"'{fail_on}' and above.\n\n"
    )
    if not result.findings:
        return head + "No findings.\n"
    rows = ["| severity | location | rule | clauses | message |", "|---|---|---|---|---|"]
    size = len(head)
    for n, f in enumerate(result.findings):
        row = _writable(
            f"| {f.severity} | `{cell(display_path(result, f.file))}:{f.line}` | `{cell(f.rule)}` | {cell(', '.join(f.clauses))} | {cell(f.message)} |"
        )
        size += len(row.encode()) + 1
        if size > SUMMARY_LIMIT:
            rows.append(f"\n… and {len(result.findings) - n} more findings: run `cms check` locally.")
            break
        rows.append(row)
    return head + "\n".join(rows) + "\n"


def render(result, *, fail_on: str = "error", color: bool = False) -> str:
    shown = {"error": 0, "warning": 0, "info": 0}
    lines: list[str] = []
    for f in result.findings:  # already sorted; errors first would hide file order, so count per level
        if shown[f.severity] < PER_STEP:
            lines.append(annotation(result, f))
            shown[f.severity] += 1
    hidden = len(result.findings) - sum(shown.values())
    if hidden:
        lines.append(f"::notice title=cms check::{hidden} more findings are listed in the step summary")
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as fh:
            fh.write(summary_markdown(result, fail_on))
    counts = {s: result.count(s) for s in ("error", "warning", "info")}
    lines.append(f"cms check: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info (as of {result.as_of.isoformat()})")
    return _writable("\n".join(lines)) + "\n"

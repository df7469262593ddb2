"""Output formats of `cms check`: text for people, json for tools, github/junit/sarif for CI."""

from __future__ import annotations

import os
from pathlib import Path

FORMATS = ("text", "json", "github", "junit", "sarif")
_MODULES = {"text": "text", "json": "json_", "github": "github", "junit": "junit", "sarif": "sarif"}  # format -> module


def display_path(result, rel: str) -> str:
    """A finding's file as the user (or CI, at the repository's top) knows it: relative to
    the current directory when the records live below it, else repository-relative."""
    full = Path(result.root) / rel
    try:
        return Path(os.path.relpath(full)).as_posix() if full.is_relative_to(Path.cwd()) else rel
    except ValueError:
        return rel


def render(fmt: str, result, *, fail_on: str = "error", color: bool = False, language: str | None = None, summary: bool = True) -> str:
    """Findings in a format; with a language, rule titles in that language only
    (findings.title_in: titles are "中文 English"; messages and hints are English). summary=False
    leaves out the text format's counts and verdict (`cms -q`); the other formats are data."""
    from importlib import import_module

    # only the format asked for: junit and sarif bring XML, uuid and platform with them
    module = import_module(f"{__name__}.{_MODULES[fmt]}")
    if language:
        from ..findings import title_in
        import copy
        import dataclasses

        result = copy.copy(result)  # the run's findings stay as they are: a copy with one language
        result.findings = [dataclasses.replace(f, title=title_in(f.title, language)) for f in result.findings]
        if fmt == "text":
            return module.render(result, fail_on=fail_on, color=color, titles=True, summary=summary)
    if fmt == "text":
        return module.render(result, fail_on=fail_on, color=color, summary=summary)
    return module.render(result, fail_on=fail_on, color=color)


def rule_table(result) -> dict[str, dict]:
    """Every rule that can produce a finding: the checks, the engine's, the computations'."""
    from ..engine_rules import ENGINE_RULES

    rules: dict[str, dict] = {}
    for rid, (title, clauses, severity) in ENGINE_RULES.items():
        rules[rid] = {"id": rid, "title": title, "clauses": list(clauses), "severity": severity, "description": ""}
    for comp in result.computations:
        rules[f"{comp.id}.compute"] = {
            "id": f"{comp.id}.compute",
            "title": f"{comp.title}: inputs can be computed",
            "clauses": list(comp.clauses),
            "severity": "error",
            "description": "",
        }
    for chk in result.checks:
        rules[chk.id] = {"id": chk.id, "title": chk.title, "clauses": list(chk.clauses), "severity": chk.severity, "description": chk.description}
    for f in result.findings:  # e.g. a crashed rule reported under its own id
        rules.setdefault(f.rule, {"id": f.rule, "title": f.title, "clauses": list(f.clauses), "severity": f.severity, "description": ""})
    return dict(sorted(rules.items()))

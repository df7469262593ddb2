"""Findings as JSON, for other tools."""

from __future__ import annotations

import json

from . import display_path


def document(result, fail_on: str = "error") -> dict:
    return {
        "as_of": result.as_of.isoformat(),
        "records": len(result.records),
        "summary": {s: result.count(s) for s in ("error", "warning", "info")},
        "fail_on": fail_on,
        "failed": bool(result.failing(fail_on)),
        "findings": [dict(f.as_dict(), display_path=display_path(result, f.file)) for f in result.findings],
    }


def render(result, *, fail_on: str = "error", color: bool = False) -> str:
    return json.dumps(document(result, fail_on), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

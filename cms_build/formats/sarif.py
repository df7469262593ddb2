"""SARIF 2.1.0, for code scanning (GitHub) and other SARIF viewers."""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

from .. import __version__
from . import display_path, rule_table

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# A lone surrogate (an undecodable byte in a file name, say) cannot be written as UTF-8;
# json.dumps escapes control characters itself.
_SURROGATE = re.compile("[\ud800-\udfff]")


def document(result, fail_on: str = "error") -> dict:
    rules = rule_table(result)
    rule_ids = list(rules)
    driver_rules = []
    for rid in rule_ids:
        meta = rules[rid]
        clauses = ", ".join(meta["clauses"])
        driver_rules.append(
            {
                "id": rid,
                "name": rid.replace(".", "_").replace("-", "_"),
                "shortDescription": {"text": meta["title"] or rid},
                "fullDescription": {"text": (meta["description"] or meta["title"] or rid) + (f" (T/CIECCPA clauses {clauses})" if clauses else "")},
                "defaultConfiguration": {"level": _LEVEL[meta["severity"]]},
                "properties": {"clauses": meta["clauses"], "tags": ["carbon-management"] + meta["clauses"]},
            }
        )
    results = []
    for f in result.findings:
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": rule_ids.index(f.rule),
                "level": _LEVEL[f.severity],
                "message": {"text": f.message + (f" Hint: {f.hint}" if f.hint else "")},
                "locations": [
                    {
                        "physicalLocation": {
                            # a URI reference (SARIF 3.10.2): percent-encode spaces, CJK, '#', '%' in file names
                            "artifactLocation": {"uri": quote(display_path(result, f.file), safe="/"), "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": max(1, f.line), "startColumn": max(1, f.col)},
                        }
                    }
                ],
                # code scanning matches a result across commits by these; many findings share rule
                # and line (one per reporting year, per missing item), so the message and field are in it
                "partialFingerprints": {"cmsFinding/v1": _fingerprint(f)},
                "properties": {"clauses": list(f.clauses), "record": f.record, "path": f.path},
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cms",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/cms-as-code/cms-as-code",
                        "rules": driver_rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
                "properties": {"asOf": result.as_of.isoformat()},
            }
        ],
    }


def _fingerprint(f) -> str:
    """Stable across commits that move the finding's line: rule, file, record, field, message."""
    key = "\x1f".join([f.rule, f.file, f.record or "", f.path or "", f.message])
    return hashlib.sha256(_SURROGATE.sub("\ufffd", key).encode("utf-8")).hexdigest()[:32]


def render(result, *, fail_on: str = "error", color: bool = False) -> str:
    return _SURROGATE.sub("\ufffd", json.dumps(document(result, fail_on), ensure_ascii=False, indent=2)) + "\n"

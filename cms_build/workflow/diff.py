"""`cms diff REF1 REF2`: what changed between two revisions, for an auditor.

Both revisions are checked out of git into temporary folders and run through the same
pipeline with the same as-of date; then records (added, removed, changed field by field),
computed results (every number that changed) and findings (new, resolved) are compared.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..engine import run
from ..findings import format_path
from ..gitutil import materialize


def _flatten(obj, prefix=()):
    if isinstance(obj, dict):
        for key in sorted(obj, key=str):
            yield from _flatten(obj[key], prefix + (key,))
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _flatten(item, prefix + (i,))
    else:
        yield prefix, obj


def _finding_key(f) -> tuple:
    return (f.rule, f.record or f.file, f.path, f.message)


def compare(old, new) -> dict:
    old_ids, new_ids = set(old.index.by_id), set(new.index.by_id)
    changed = []
    for rid in sorted(old_ids & new_ids):
        a, b = dict(_flatten(old.index.by_id[rid].data)), dict(_flatten(new.index.by_id[rid].data))
        fields = [
            {"field": format_path(p), "old": a.get(p), "new": b.get(p)}
            for p in sorted(set(a) | set(b), key=lambda p: tuple(map(str, p)))
            if a.get(p, _MISSING) != b.get(p, _MISSING)
        ]
        if fields:
            changed.append({"id": rid, "kind": new.index.by_id[rid].kind, "file": new.index.by_id[rid].rel, "fields": fields})
    ra, rb = dict(_flatten(old.results)), dict(_flatten(new.results))
    results = [
        {"path": format_path(p), "old": ra.get(p), "new": rb.get(p)}
        for p in sorted(set(ra) | set(rb), key=lambda p: tuple(map(str, p)))
        if isinstance(ra.get(p, rb.get(p)), (int, float)) and not isinstance(ra.get(p, rb.get(p)), bool) and ra.get(p) != rb.get(p)
    ]
    fa = {_finding_key(f): f for f in old.findings}
    fb = {_finding_key(f): f for f in new.findings}
    return {
        "added": [{"id": i, "kind": new.index.by_id[i].kind, "file": new.index.by_id[i].rel} for i in sorted(new_ids - old_ids)],
        "removed": [{"id": i, "kind": old.index.by_id[i].kind, "file": old.index.by_id[i].rel} for i in sorted(old_ids - new_ids)],
        "changed": changed,
        "results": results,
        "new_findings": [fb[k].as_dict() for k in sorted(set(fb) - set(fa), key=str)],
        "resolved_findings": [fa[k].as_dict() for k in sorted(set(fa) - set(fb), key=str)],
    }


_MISSING = object()


def diff_revisions(root: Path, ref1: str, ref2: str, as_of) -> dict:
    with tempfile.TemporaryDirectory(prefix="cms-diff-") as tmp:
        old_root = materialize(root, ref1, Path(tmp) / "old")
        new_root = materialize(root, ref2, Path(tmp) / "new")
        old, new = run(old_root, as_of), run(new_root, as_of)
        out = compare(old, new)
    out.update({"from": ref1, "to": ref2, "as_of": as_of.isoformat()})
    return out


def render_text(d: dict, limit: int = 200) -> str:
    lines = [f"cms diff {d['from']} {d['to']} (as of {d['as_of']})", ""]
    lines.append(f"records: {len(d['added'])} added, {len(d['removed'])} removed, {len(d['changed'])} changed")
    for r in d["added"]:
        lines.append(f"  + {r['id']} ({r['kind']}) {r['file']}")
    for r in d["removed"]:
        lines.append(f"  - {r['id']} ({r['kind']}) {r['file']}")
    for r in d["changed"]:
        lines.append(f"  ~ {r['id']} ({r['kind']}) {r['file']}")
        for f in r["fields"][:limit]:
            lines.append(f"      {f['field']}: {f['old']!r} -> {f['new']!r}")
    lines.append("")
    lines.append(f"computed results: {len(d['results'])} values changed")
    for r in d["results"][:limit]:
        lines.append(f"  {r['path']}: {r['old']!r} -> {r['new']!r}")
    if len(d["results"]) > limit:
        lines.append(f"  … {len(d['results']) - limit} more (use --format json)")
    lines.append("")
    lines.append(f"findings: {len(d['new_findings'])} new, {len(d['resolved_findings'])} resolved")
    for f in d["new_findings"]:
        lines.append(f"  + {f['severity']} {f['rule']} {f['file']}:{f['line']} {f['message']}")
    for f in d["resolved_findings"]:
        lines.append(f"  - {f['severity']} {f['rule']} {f['file']}:{f['line']} {f['message']}")
    return "\n".join(lines) + "\n"

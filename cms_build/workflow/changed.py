"""`cms check --changed-since REF`: the findings a change is answerable for.

The whole pipeline still runs (totals and balances need every record), but only these
findings are reported: those in files changed since REF (committed, staged, unstaged or
untracked), those on records that a changed record references or that reference it (their
cross-record results may have moved), and those on records whose attached files (a CSV of
meter data) changed. A change to the settings, the organization's own schemas or checks
affects everything, so then every finding is reported. A rule that crashed or did not load
is always reported.
"""

from __future__ import annotations

from ..records import SETTINGS_FILE
from ..schemas import values_at


# A rule that crashed or did not load has no verdict on anything, the change included: always
# reported (its location is the rule's file, which the change need not touch).
ALWAYS = frozenset({"rules.crashed", "rules.invalid"})


def affected_findings(result, changed: set[str], removed_ids: set[str] = frozenset()) -> list:
    """removed_ids: ids of records whose files the change deleted (their referrers are affected)."""
    if SETTINGS_FILE in changed or any(p.startswith(("schemas/", "checks/")) for p in changed):
        return list(result.findings)
    root = result.root.resolve()
    ids = set()
    for record in result.index.by_id.values():
        if record.rel in changed:
            ids.add(record.id)
            continue
        kind = result.schemas.kinds.get(record.kind)
        for pattern in kind.files if kind else []:
            for _, value in values_at(record.data, pattern):
                resolved = record.resolve_file(root, value) if isinstance(value, str) else None
                if resolved is not None and resolved.relative_to(root).as_posix() in changed:
                    ids.add(record.id)
    ids |= set(removed_ids)
    related = set(ids)
    for ref in result.index.refs:
        if ref.source in ids:
            related.add(ref.target)
        if ref.target in ids:
            related.add(ref.source)
    return [f for f in result.findings if f.file in changed or (f.record and f.record in related) or f.rule in ALWAYS]


def removed_record_ids(root, ref: str, changed: set[str]) -> set[str]:
    """Ids of the records in files that existed at ref and are gone now."""
    from ..gitutil import file_at
    from ..yamlsafe import LoadError, load_text

    out = set()
    for rel in changed:
        if rel.endswith((".yaml", ".yml")) and not (root / rel).exists():
            text = file_at(root, ref, rel)
            try:
                data = load_text(text).data if text else None
            except LoadError:
                continue
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                out.add(data["id"])
    return out

"""Clause references in records name clauses that exist (7.4.2 a: identification).

A record's `clauses:` list says which requirements it is evidence for; the conformity
matrix counts it there. A mistyped number ("6.4.5", "A.9.9") would silently give no
evidence, so it is reported with the nearest real clause.
"""

from __future__ import annotations

import difflib

from cms_build.api import catalogue, check, normalise_clause


@check(
    "doc.unknown-clause",
    title="记录引用的条款须存在 Clause references name clauses of the standard",
    clauses=["7.4.2"],
    severity="error",
    kinds=["*"],
    scope="record",
)
def unknown_clause(record, ctx):
    """Each entry of `clauses:` is a clause of T/CIECCPA (optionally with its list item)."""
    numbers = [c.number for c in catalogue()]
    for i, ref in enumerate(record.get("clauses") or []):
        if not isinstance(ref, str):
            continue
        try:
            normalise_clause(ref)
        except ValueError as exc:
            head = ref.split(" ")[0]
            close = difflib.get_close_matches(head, numbers, n=1, cutoff=0.6)
            yield record.issue(
                ("clauses", i),
                f"clauses[{i}]: {exc}",
                hint=(f"did you mean '{close[0]}'? " if close else "") + "'cms matrix' lists the clauses of the standard",
            )

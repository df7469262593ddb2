"""The clause-by-clause conformity matrix of an organization at an as-of date.

``build_matrix(result)`` lists every clause of the catalogue (cms_build/data/clauses.yaml)
with its status, the records that are evidence for it, the findings against it and the
checks that enforce it. ``render_text(matrix)`` prints it as a table for a terminal.

Evidence is derived, never kept by hand:
- a record is evidence for the clauses its kind cites (x-cms.clauses of its schema) and the
  clauses in its own ``clauses:`` field (list items such as "6.1.2 d" count for 6.1.2);
  only valid records count, with status approved or superseded (drafts and withdrawn
  records are not evidence), and none approved or effective after the as-of date;
- a check is evidence for the clauses it cites when it ran (not switched off in
  checks.disable, its subsystem adopted) and, for a check of record kinds, at least one
  valid record of those kinds existed for it to look at;
- a clause is also covered by the evidence and checks of its sub-clauses ("6.5" by "6.5.2").

Status of a clause, in this order:
0. ``informative``: the clause belongs to an informative annex (E-G, 资料性附录): guidance
   and examples to use, nothing to conform to.
1. ``not_applicable``: the clause belongs to an annex (A-D) the organization does not adopt
   (settings ``subsystems``, clause 1 e), or it (or a clause enclosing it) is listed in
   ``management.exclusions`` with the reason.
2. ``informative``: the catalogue marks the clause informative (a heading, definitions,
   "no additional guidance").
3. ``nonconforming``: an ERROR finding names the clause or one of its sub-clauses.
   Warnings do not make a clause nonconforming: they are deadlines still open or
   recommendations (宜) not followed, i.e. observations; they are listed with the clause.
4. ``conforming``: there is evidence (records, or a check that ran) and no such error.
5. ``no_evidence``: otherwise. For an applicable requirement (应) this is also a finding,
   ``ms.no-evidence`` (checks/evidence.py), a warning.
"""
from __future__ import annotations

from collections import Counter

from . import dates
from .standard import clause as find_clause
from .standard import load_catalogue, normalise

STATUSES = ("conforming", "nonconforming", "no_evidence", "not_applicable", "informative")
EVIDENCE_STATUSES = ("approved", "superseded")


def _number(ref) -> str | None:
    """The bare clause number of a reference, or None if it names no clause of the catalogue."""
    try:
        return normalise(ref)
    except (ValueError, TypeError):
        return None


def _with_ancestors(number: str) -> list[str]:
    """The clause and every clause that encloses it: '6.5.2' -> ['6.5.2', '6.5', '6']."""
    out, current = [], find_clause(number)
    while current is not None:
        out.append(current.number)
        current = find_clause(current.parent) if current.parent else None
    return out


def _known(record, as_of) -> bool:
    """A record is evidence at the as-of date if it was approved and in effect by then."""
    if not record.valid or record.status not in EVIDENCE_STATUSES:
        return False
    for name in ("approved_on", "effective"):
        day = dates.parse(record.get(name))
        if day is not None and day > as_of:
            return False
    return True


def record_clauses(record, schemas) -> set[str]:
    """The clause numbers a record is direct evidence for (its kind's and its own)."""
    kind = schemas.kinds.get(record.kind)
    refs = list(getattr(kind, "clauses", ()) or ()) + [c for c in (record.get("clauses") or []) if isinstance(c, str)]
    return {n for n in (_number(r) for r in refs) if n}


def evidence_records(records, schemas, as_of) -> dict[str, list]:
    """{clause number: [records that are evidence for it or a sub-clause]}, each list by id."""
    out: dict[str, dict] = {}
    for record in records:
        if not _known(record, as_of):
            continue
        for number in record_clauses(record, schemas):
            for n in _with_ancestors(number):
                out.setdefault(n, {})[record.id] = record
    return {n: sorted(recs.values(), key=lambda r: r.id) for n, recs in out.items()}


def ran(check, settings, kinds_present: set[str]) -> bool:
    """Whether a check ran and had something to look at (see the module docstring)."""
    if check.id in set(settings.get("checks.disable", []) or []):
        return False
    if check.subsystems and not (check.subsystems & settings.subsystems):
        return False
    if check.kinds:
        return "*" in check.kinds and bool(kinds_present) or bool(set(check.kinds) & kinds_present)
    return True


def enforcing_checks(checks, settings, records) -> dict[str, list[str]]:
    """{clause number: [ids of checks that ran and cite it or a sub-clause]}."""
    present = {r.kind for r in records if r.valid}
    out: dict[str, set] = {}
    for chk in checks:
        if not ran(chk, settings, present):
            continue
        for ref in chk.clauses:
            number = _number(ref)
            for n in _with_ancestors(number) if number else ():
                out.setdefault(n, set()).add(chk.id)
    return {n: sorted(ids) for n, ids in out.items()}


def exclusions(settings) -> dict[str, str]:
    """{clause number: reason} from management.exclusions (unknown numbers are left out)."""
    out = {}
    for entry in settings.get("management.exclusions", []) or []:
        if isinstance(entry, dict):
            number = _number(entry.get("clause"))
            if number:
                out[number] = str(entry.get("reason") or "")
    return out


def _excluded(number: str, excluded: dict[str, str]) -> str | None:
    for n in _with_ancestors(number):
        if n in excluded:
            return excluded[n] or "excluded"
    return None


def findings_by_clause(findings) -> dict[str, list]:
    """{clause number: [findings naming it or a sub-clause]}."""
    out: dict[str, list] = {}
    for f in findings:
        seen = set()
        for ref in f.clauses:
            number = _number(ref)
            for n in _with_ancestors(number) if number else ():
                if n not in seen:
                    seen.add(n)
                    out.setdefault(n, []).append(f)
    return out


def applies(c, adopted: set[str], excluded: dict[str, str]) -> bool:
    """Whether a clause applies to the organization (the first rule of the status)."""
    if c.subsystem != "common" and c.subsystem not in adopted:
        return False
    return _excluded(c.number, excluded) is None


def build_matrix(result, records=None, findings=None) -> dict:
    """The conformity matrix of an engine Result (JSON-serialisable).

    `records` and `findings` (default: all of the result) are what the matrix is computed
    from: a public build passes only what it publishes (export.conformity_matrix), so that
    each status follows from the evidence and findings the reader can see."""
    settings, as_of = result.settings, result.as_of
    adopted = set(settings.subsystems)
    excluded = exclusions(settings)
    records = [r for r in (result.records if records is None else records) if r.valid]
    evidence = evidence_records(records, result.schemas, as_of)
    checks = enforcing_checks(result.checks, settings, records)
    against = findings_by_clause(result.findings if findings is None else findings)
    rows = []
    for c in load_catalogue():
        recs, rules, found = evidence.get(c.number, []), checks.get(c.number, []), against.get(c.number, [])
        note = note_zh = ""
        if c.subsystem in ("E", "F", "G"):  # informative annexes: guidance, nothing to conform to
            status, note, note_zh = "informative", f"annex {c.subsystem} is informative", f"附录 {c.subsystem} 为资料性附录"
        elif c.subsystem != "common" and c.subsystem not in adopted:
            status, note, note_zh = "not_applicable", f"annex {c.subsystem} not adopted", f"未采用附录 {c.subsystem}（分体系）"
        elif _excluded(c.number, excluded) is not None:
            status, note = "not_applicable", _excluded(c.number, excluded)
        elif c.obligation == "informative":
            status = "informative"
        elif any(f.severity == "error" for f in found):
            status = "nonconforming"
        elif recs or rules:
            status = "conforming"
        else:
            status = "no_evidence"
        row = {
            "number": c.number, "title_zh": c.title_zh, "title_en": c.title_en, "obligation": c.obligation,
            "subsystem": c.subsystem, "parent": c.parent, "status": status,
            "evidence": [{"id": r.id, "kind": r.kind, "title": r.title, "file": r.rel} for r in recs],
            "findings": [{"rule": f.rule, "severity": f.severity, "file": f.file, "line": f.line, "message": f.message,
                          "clauses": list(f.clauses), "record": f.record, "hint": f.hint} for f in found],
            "checks": rules,
        }
        if note:
            row["note"] = note
        if note_zh:
            row["note_zh"] = note_zh
        rows.append(row)
    summary = Counter(r["status"] for r in rows)
    return {
        "as_of": as_of.isoformat(),
        "subsystems": sorted(adopted),
        "exclusions": [{"clause": k, "reason": v} for k, v in sorted(excluded.items())],
        "summary": {s: summary.get(s, 0) for s in STATUSES},
        "clauses": rows,
    }


# -- text -------------------------------------------------------------------------------
_MARK = {"conforming": "OK", "nonconforming": "NC", "no_evidence": "--", "not_applicable": "n/a", "informative": "i"}
_OBLIGATION = {"requirement": "应", "recommendation": "宜", "permission": "可", "informative": ""}


def _cut(text: str, cols: int) -> str:
    out, used = "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E80 else 1
        if used + w > cols:
            return out[:-1] + "…" if out else ""
        out, used = out + ch, used + w
    return out + " " * (cols - used)


def render_text(matrix: dict, *, show_informative: bool = False) -> str:
    """A table for a terminal: clause, obligation, status, evidence and findings counts, title.

    Informative and not-applicable clauses are counted in the summary but left out of the
    table unless show_informative is True.
    """
    lines = [f"Conformity matrix as of {matrix.get('as_of')}, subsystems {', '.join(matrix.get('subsystems') or []) or '-'}", ""]
    header = f"{'clause':<12} {'':<2} {'status':<15} {'evid.':>5} {'chk':>4} {'find.':>5}  title"
    lines += [header, "-" * 100]
    for row in matrix.get("clauses", []):
        if row["status"] in ("informative", "not_applicable") and not show_informative:
            continue
        errors = sum(1 for f in row["findings"] if f["severity"] == "error")
        warnings = sum(1 for f in row["findings"] if f["severity"] == "warning")
        found = f"{errors}E" if errors else (f"{warnings}W" if warnings else "")
        title = f"{row['title_zh']} {row['title_en']}"
        ob = _OBLIGATION.get(row["obligation"], "") or "  "  # one CJK character is two columns wide
        lines.append(f"{row['number']:<12} {ob} {_MARK[row['status']]:<3} {row['status']:<11} {len(row['evidence']):>5} "
                     f"{len(row['checks']):>4} {found:>5}  {_cut(title, 60).rstrip()}")
        for f in row["findings"]:
            if f["severity"] == "error":
                lines.append(f"{'':<14}  {f['rule']} {f['file']}:{f['line']} {f['message'][:120]}")
    lines.append("")
    summary = matrix.get("summary", {})
    lines.append("  ".join(f"{s}: {summary.get(s, 0)}" for s in STATUSES))
    for ex in matrix.get("exclusions") or []:
        lines.append(f"excluded {ex['clause']}: {ex['reason']}")
    return "\n".join(lines) + "\n"

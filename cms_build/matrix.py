"""The clause-by-clause conformity matrix of an organization at an as-of date, item by item.

``build_matrix(result)`` lists every clause of the catalogue (cms_build/data/clauses.yaml)
with its status, its provisions (the items an organization conforms to: lettered items
"5.2 a" and sentences "4.3 s2", each with its modal verb 应/宜/可), the records that are
evidence for it, the findings against it and the checks that enforce it.
``render_text(matrix)`` prints it as a table for a terminal.

Evidence of a provision is derived, never kept by hand:
- a **rule** (a check, or a rule of the engine itself such as record.id) checks it when
  the rule cites the item ("5.2 a"), or cites the bare clause
  and the clause has this one provision only, or the catalogue names the rule under the
  provision (``rules:``, for rules that cite a clause of several items). It counts when it
  ran (not switched off in checks.disable, its subsystem adopted, and for a rule of record
  kinds at least one record of those kinds in force, approved or superseded by the as-of
  date, existed for it to look at: drafts verify nothing). A rule citing a
  clause of several items without the catalogue saying which verifies none of them: it is
  listed with the clause, but it is no evidence that every item is met;
- a **record** records it when the catalogue names its kind (or kind.field, non-empty)
  under the provision (``records:``); otherwise when its kind's schema (x-cms.clauses) or
  its own ``clauses:`` cite the item or the bare clause. Only valid records count, with
  status approved or superseded (drafts and withdrawn records are not evidence), none
  approved or effective after the as-of date.

Status of a provision (of an applicable clause):
- ``nonconforming``: an ERROR finding names it: the finding cites the item, or cites the
  bare clause by a rule that checks this provision;
- ``verified``: a rule that checks it ran and found no error;
- ``documented``: records record it, but no rule checks it;
- ``reviewer`` (reviewer-only): no rule checks it and no record records it, and the catalogue
  says why only a reviewer can judge it and what to look at (``reviewer:``, issue 21);
- ``missing``: nothing. An applicable shall-item (应) shown missing in a clause that has other
  evidence is a finding, ``ms.item-no-evidence`` (checks/management/evidence.py), an error
  that leaves the item ``missing`` (as ms.no-evidence leaves its clause ``no_evidence``), so
  that "0 findings" and the matrix agree (issue 21);
- ``not_applicable``: the catalogue says the item applies only where a field of a record is
  true (``applies_if: organization.imports_exports``, D.6.1.2) and no record in force has it
  true. Such an item is not counted; a clause all of whose items are so is ``not_applicable``.
Warnings never make a provision nonconforming: a warning is advice (a deadline still open,
a recommendation 宜 not followed, a pattern that suggests but does not prove a violation).

Status of a clause, in this order:
0. ``informative``: the clause belongs to an informative annex (E-G, 资料性附录).
1. ``not_applicable``: the clause belongs to an annex (A-D) the organization does not adopt
   (settings ``subsystems``, clause 1 e), or it (or a clause enclosing it) is listed in
   ``management.exclusions`` with the reason. The rules of an excluded clause still run and
   are listed; when one of them finds an error, the clause is ``nonconforming`` all the
   same (the note says it is excluded): an exclusion does not hide a violation.
2. ``informative``: the catalogue marks the clause informative (a heading, definitions,
   "no additional guidance": no provision).
3. ``nonconforming``: an ERROR finding names the clause, one of its items or a sub-clause
   (other than ms.no-evidence, whose error is the no_evidence status below).
4. ``conforming``: every shall-item (应) is verified (a clause with none: every item).
5. ``documented``: there is evidence (a record or a rule that ran, for the clause, an item
   or a sub-clause) but not every shall-item is verified: the item counts say how many are
   only documented and how many are missing. Weaker than conforming, and shown so.
6. ``no_evidence``: nothing at all. For an applicable requirement (应) this is also a
   finding, ``ms.no-evidence`` (checks/management/evidence.py), an error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import dates
from .standard import clause as find_clause
from .standard import load_catalogue, normalise, parse

STATUSES = ("conforming", "documented", "nonconforming", "no_evidence", "not_applicable", "informative")
PROVISION_STATUSES = ("verified", "documented", "nonconforming", "reviewer", "missing")
#: The rule that reports a requirement with no evidence at all: its error says no_evidence,
#: which is what the clause is shown as (any other error makes it nonconforming).
NO_EVIDENCE_RULE = "ms.no-evidence"
#: The rule that reports an applicable shall-item with no evidence in a clause that has some:
#: its error leaves the item missing (any other error makes it nonconforming).
ITEM_NO_EVIDENCE_RULE = "ms.item-no-evidence"
NO_EVIDENCE_RULES = frozenset({NO_EVIDENCE_RULE, ITEM_NO_EVIDENCE_RULE})
EVIDENCE_STATUSES = ("approved", "superseded")

#: The clause groups of the matrix, one page of the site each (issue 17 item 7), in the
#: standard's order: (key, the clauses it holds, each with every clause below it). Clauses 1-3
#: (scope, normative references, terms: informative); each of the clauses 4-10 of the common
#: management system, 6 (planning) in two (6.1 the reviews; 6.2-6.5 indicators, baseline,
#: objectives, risks); each normative annex A-D (a subsystem, clause 1 e) in three: X.1-X.6
#: (scope to planning), X.7-X.8 (support, operation), X.9-X.10 (evaluation, improvement);
#: the informative annexes E-G together. Sized so that no page of the example is longer than
#: an auditor can work through (tests/site/test_browser.py measures them at 1280 px).
CLAUSE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1-3", ("1", "2", "3")),
    ("4", ("4",)),
    ("5", ("5",)),
    ("6.1", ("6", "6.1")),
    ("6.2-6.5", ("6.2", "6.3", "6.4", "6.5")),
    *((n, (n,)) for n in ("7", "8", "9", "10")),
    *(
        group
        for a in ("A", "B", "C", "D")
        for group in (
            (f"{a}.1-{a}.6", (a, *(f"{a}.{n}" for n in range(1, 7)))),
            (f"{a}.7-{a}.8", (f"{a}.7", f"{a}.8")),
            (f"{a}.9-{a}.10", (f"{a}.9", f"{a}.10")),
        )
    ),
    ("E-G", ("E", "F", "G")),
)


def clause_group(number) -> str:
    """The group of a clause or item number, by the longest clause of CLAUSE_GROUPS that is it
    or encloses it: '9.1.1 a' -> '9', '6' -> '6.1', 'B.8.2.2.1' -> 'B.7-B.8', '3.4' -> '1-3'.
    A clause no group holds is a group of its own top-level clause ('11.2' -> '11')."""
    n = str(number).strip().split(" ")[0]
    best, length = n.split(".")[0], -1
    for key, clauses in CLAUSE_GROUPS:
        for c in clauses:
            if (n == c or n.startswith(c + ".")) and len(c) > length:
                best, length = key, len(c)
    return best


def group_order(key: str) -> tuple[int, str]:
    """Sort key of a group: CLAUSE_GROUPS' order, then any other group by its key."""
    keys = [k for k, _ in CLAUSE_GROUPS]
    return (keys.index(key), "") if key in keys else (len(keys), key)


def _item(ref) -> tuple[str, str | None] | None:
    """(number, item) of a reference, or None if it names no clause of the catalogue."""
    try:
        return parse(ref)
    except (ValueError, TypeError):
        return None


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
    ancestors: dict[str, list[str]] = {}  # number -> _with_ancestors(number): a few dozen numbers, thousands of records
    for record in records:
        if not _known(record, as_of):
            continue
        for number in record_clauses(record, schemas):
            up = ancestors.get(number)
            if up is None:
                up = ancestors[number] = _with_ancestors(number)
            for n in up:
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


@dataclass(frozen=True)
class _EngineRule:
    """A rule of the engine itself (engine.ENGINE_RULES): it runs on every record, always."""

    id: str
    clauses: tuple
    kinds: tuple = ()
    subsystems: frozenset = frozenset()


def _engine_rules() -> list[_EngineRule]:
    from .engine import ENGINE_RULES  # the engine imports this module's users; import late

    return [_EngineRule(rid, tuple(clauses)) for rid, (_title, clauses, _severity) in sorted(ENGINE_RULES.items())]


def _present(value) -> bool:
    return value not in (None, "", [], {})


def provision_rules(checks) -> dict[tuple[str, str], set[str]]:
    """{(number, item): ids of the rules that check the provision} (see the module docstring)."""
    out: dict[tuple[str, str], set[str]] = {}
    for chk in checks:
        for ref in chk.clauses:
            parsed = _item(ref)
            if parsed is None:
                continue
            number, item = parsed
            c = find_clause(number)
            if item is not None and c.provision(item) is not None:
                out.setdefault((number, item), set()).add(chk.id)
            elif item is None and len(c.provisions) == 1:
                out.setdefault((number, c.provisions[0].item), set()).add(chk.id)
    for c in load_catalogue():
        for p in c.provisions:
            for rule in p.rules:
                out.setdefault((c.number, p.item), set()).add(rule)
    return out


def provision_records(records, schemas, as_of) -> dict[tuple[str, str], list]:
    """{(number, item): [records that record the provision]}, each list by id (see the module docstring)."""
    named: dict[str, list] = {}  # kind -> [(number, item, field or None)] named in the catalogue
    for c in load_catalogue():
        for p in c.provisions:
            for spec in p.records:
                kind, _, field = spec.partition(".")
                named.setdefault(kind, []).append((c.number, p.item, field or None))
    out: dict[tuple[str, str], dict] = {}
    for record in records:
        if not _known(record, as_of):
            continue
        kind = schemas.kinds.get(record.kind)
        refs = list(getattr(kind, "clauses", ()) or ()) + [c for c in (record.get("clauses") or []) if isinstance(c, str)]
        for parsed in filter(None, (_item(r) for r in refs)):
            number, item = parsed
            c = find_clause(number)
            for p in c.provisions:
                if p.records or (item is not None and p.item != item):
                    continue  # the catalogue says what records it, or the reference names another item
                out.setdefault((number, p.item), {})[record.id] = record
        for number, item, field in named.get(record.kind, ()):
            if field is None or _present(record.get(field)):
                out.setdefault((number, item), {})[record.id] = record
    return {key: sorted(recs.values(), key=lambda r: r.id) for key, recs in out.items()}


# workflow/todo.py: the errors of a starter draft of cms init, grouped into one info finding
TODO_RULE = "todo.starter"


def provision_waiting(findings) -> set[tuple[str, str]]:
    """The provisions a to-do (todo.starter) stands for: its clauses are those of the errors it
    holds back, so the rules that found them did not find the item met. Such an item is never
    `verified` (cms todo starting at 4.2 came from the context's to-do counting 4.1 as verified).
    A bare clause stands for each of its items."""
    out: set[tuple[str, str]] = set()
    for f in findings:
        if f.rule != TODO_RULE:
            continue
        for parsed in filter(None, (_item(r) for r in f.clauses)):
            number, item = parsed
            c = find_clause(number)
            if item is not None and c.provision(item) is not None:
                out.add((number, item))
            elif item is None:
                out.update((number, p.item) for p in c.provisions)
    return out


def provision_errors(findings, rules: dict[tuple[str, str], set[str]]) -> dict[tuple[str, str], list]:
    """{(number, item): [error findings against the provision]}: the finding cites the item, or
    cites the bare clause by a rule that checks the provision."""
    out: dict[tuple[str, str], list] = {}
    for f in findings:
        if f.severity != "error" or f.rule in NO_EVIDENCE_RULES:  # an absence, shown as missing
            continue
        keys = []
        for parsed in filter(None, (_item(r) for r in f.clauses)):
            number, item = parsed
            c = find_clause(number)
            if item is not None and c.provision(item) is not None:
                keys.append((number, item))
            elif item is None:
                keys += [(number, p.item) for p in c.provisions if f.rule in rules.get((number, p.item), ())]
        for key in dict.fromkeys(keys):
            out.setdefault(key, []).append(f)
    return out


def conditions_met(records, as_of, adopted=frozenset()) -> set[str]:
    """The conditions (applies_if:) that hold: "subsystem:B" when annex B is adopted; "kind.field"
    when a record of the kind in force at the as-of date (approved or superseded, known by
    then) has the field true."""
    wanted = {p.applies_if for c in load_catalogue() for p in c.provisions if p.applies_if}
    out = {f"subsystem:{s}" for s in adopted}
    for record in records:
        if not _known(record, as_of):
            continue
        for spec in wanted:
            kind, _, name = spec.partition(".")
            if name and record.kind == kind and record.get(name) is True:
                out.add(spec)
    return out


def missing_items(checks, settings, records, schemas, as_of, evidence=None, enforced=None, met=None) -> list[tuple]:
    """The applicable shall-items (应) the matrix shows missing, as (clause, provision), in a clause
    that has some evidence (one with none is ms.no-evidence's): no rule that checks the item ran,
    no record records it, the catalogue gives no reviewer: reason, and its applies_if: holds.
    The matrix's own derivation (build_matrix), without the findings: an error naming the item
    makes it nonconforming instead, and a rule that could raise one has run, so it is not here.
    evidence, enforced, met: evidence_records, enforcing_checks and conditions_met of the valid
    records, when the caller already has them (api.Context shares them with ms.no-evidence)."""
    adopted, excluded = set(settings.subsystems), exclusions(settings)
    records = [r for r in records if r.valid]
    in_force = {r.kind for r in records if _known(r, as_of)}
    rules_run = [*checks, *_engine_rules()]
    ran_ids = {chk.id for chk in rules_run if ran(chk, settings, in_force)}
    by_provision = provision_rules(rules_run)
    recs = provision_records(records, schemas, as_of)
    if met is None:
        met = conditions_met(records, as_of, adopted)
    if evidence is None:
        evidence = evidence_records(records, schemas, as_of)
    if enforced is None:
        enforced = enforcing_checks(checks, settings, records)
    out = []
    for c in load_catalogue():
        if c.obligation != "requirement" or c.subsystem in ("E", "F", "G") or not applies(c, adopted, excluded):
            continue
        rows = [(p, _item_status(c, p, by_provision, ran_ids, recs, {}, met)) for p in c.provisions]
        if rows and all(status == "not_applicable" for _, status in rows):
            continue  # its applies_if: does not hold: the clause is not applicable
        if c.number not in evidence and c.number not in enforced:
            continue  # nothing at all: ms.no-evidence names the clause (the same test as its)
        out += [(c, p) for p, status in rows if p.shall and status == "missing"]
    return out


def _item_status(c, p, rules, ran_ids, recs, errors, met, waiting=frozenset()) -> str:
    key = (c.number, p.item)
    if p.applies_if and p.applies_if not in met:
        return "not_applicable"
    return (
        "nonconforming"
        if errors.get(key)
        else "verified"
        if rules.get(key, set()) & ran_ids and key not in waiting
        else "documented"
        if recs.get(key)
        else "reviewer"
        if p.reviewer
        else "missing"
    )


def _provision_rows(c, rules, ran_ids, recs, errors, waiting=frozenset(), met=frozenset()) -> list[dict]:
    rows = []
    for p in c.provisions:
        key = (c.number, p.item)
        checked = sorted(rules.get(key, set()) & ran_ids)
        found = errors.get(key, [])
        status = _item_status(c, p, rules, ran_ids, recs, errors, met, waiting)
        row = {
            "item": p.item,
            "ref": f"{c.number} {p.item}",
            "modal": p.modal,
            "status": status,
            "rules": checked,
            "records": [r.id for r in recs.get(key, [])],
            "errors": [{"rule": f.rule, "file": f.file, "line": f.line} for f in found],
        }
        if p.reviewer:
            row["reviewer"] = p.reviewer
        if status == "not_applicable":
            row["note"] = f"applies only where {p.applies_if} is true"
            row["note_zh"] = f"仅当 {p.applies_if} 为真时适用"
        rows.append(row)
    return rows


def _clause_status(items: list[dict], any_evidence: bool) -> str:
    items = [i for i in items if i["status"] != "not_applicable"]
    shall = [i for i in items if i["modal"] == "应"] or items
    if shall and all(i["status"] == "verified" for i in shall):
        return "conforming"
    if any_evidence or any(i["status"] != "missing" for i in items):
        return "documented"
    return "no_evidence"


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
    findings = result.findings if findings is None else findings
    against = findings_by_clause(findings)
    # a rule of record kinds verifies an item only if it looked at a record in force (approved
    # or superseded, known by the as-of date): one that saw only drafts verified nothing
    in_force = {r.kind for r in records if _known(r, as_of)}
    rules_run = [*result.checks, *_engine_rules()]  # yaml.invalid, record.id … verify 7.4.2 a, b
    ran_ids = {chk.id for chk in rules_run if ran(chk, settings, in_force)}
    by_provision = provision_rules(rules_run)
    provision_recs = provision_records(records, result.schemas, as_of)
    errors = provision_errors(findings, by_provision)
    waiting = provision_waiting(findings)
    met = conditions_met(records, as_of, adopted)
    rows = []
    items_total = {"shall": Counter(), "all": Counter()}
    for c in load_catalogue():
        recs, rules, found = evidence.get(c.number, []), checks.get(c.number, []), against.get(c.number, [])
        items = _provision_rows(c, by_provision, ran_ids, provision_recs, errors, waiting, met)
        conditional = bool(items) and all(i["status"] == "not_applicable" for i in items)
        note = note_zh = ""
        if c.subsystem in ("E", "F", "G"):  # informative annexes: guidance, nothing to conform to
            status, note, note_zh = "informative", f"annex {c.subsystem} is informative", f"附录 {c.subsystem} 为资料性附录"
        elif c.subsystem != "common" and c.subsystem not in adopted:
            status, note, note_zh = "not_applicable", f"annex {c.subsystem} not adopted", f"未采用附录 {c.subsystem}（分体系）"
        elif _excluded(c.number, excluded) is not None and any(f.severity == "error" and f.rule not in NO_EVIDENCE_RULES for f in found):
            # the rules of an excluded clause still run: an exclusion does not hide what they find
            status = "nonconforming"
            note = f"excluded ({_excluded(c.number, excluded)}), but an error names it"
            note_zh = f"已删减（{_excluded(c.number, excluded)}），但有错误发现指向该条款"
        elif _excluded(c.number, excluded) is not None:
            status, note = "not_applicable", _excluded(c.number, excluded)
        elif c.obligation == "informative":
            status = "informative"
        elif conditional and not any(f.severity == "error" and f.rule not in NO_EVIDENCE_RULES for f in found):
            status, note, note_zh = "not_applicable", items[0]["note"], items[0]["note_zh"]
        elif any(f.severity == "error" and f.rule not in NO_EVIDENCE_RULES for f in found):
            status = "nonconforming"
        elif items:
            status = _clause_status(items, bool(recs or rules))
        elif recs or rules:  # a requirement without provisions cannot be (the catalogue test), kept for safety
            status = "documented"
        else:
            status = "no_evidence"
        if status in ("not_applicable", "informative"):
            for i in items:
                i["status"] = status
        else:
            for i in items:
                if i["status"] == "not_applicable":  # applies_if: does not hold; not counted
                    continue
                items_total["all"][i["status"]] += 1
                if i["modal"] == "应":
                    items_total["shall"][i["status"]] += 1
        row = {
            "number": c.number,
            "title_zh": c.title_zh,
            "title_en": c.title_en,
            "obligation": c.obligation,
            "subsystem": c.subsystem,
            "parent": c.parent,
            "status": status,
            "evidence": [{"id": r.id, "kind": r.kind, "title": r.title, "file": r.rel} for r in recs],
            "findings": [
                {
                    "rule": f.rule,
                    "severity": f.severity,
                    "file": f.file,
                    "line": f.line,
                    "message": f.message,
                    "clauses": list(f.clauses),
                    "record": f.record,
                    "hint": f.hint,
                }
                for f in found
            ],
            "checks": rules,
            "provisions": items,
            "item_counts": {s: sum(1 for i in items if i["status"] == s) for s in PROVISION_STATUSES},
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
        "item_summary": {scope: {s: counts.get(s, 0) for s in PROVISION_STATUSES} for scope, counts in items_total.items()},
        "clauses": rows,
    }


# -- text -------------------------------------------------------------------------------
_MARK = {"conforming": "OK", "documented": "doc", "nonconforming": "NC", "no_evidence": "--", "not_applicable": "n/a", "informative": "i"}
_OBLIGATION = {"requirement": "应", "recommendation": "宜", "permission": "可", "informative": ""}


def _cut(text: str, cols: int) -> str:
    out, used = "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E80 else 1
        if used + w > cols:
            return out[:-1] + "…" if out else ""
        out, used = out + ch, used + w
    return out + " " * (cols - used)


def _items(counts: dict) -> str:
    """'3/1/0/1/2': verified / documented / nonconforming / reviewer-only / missing items."""
    return "/".join(str(counts.get(s, 0)) for s in PROVISION_STATUSES)


def render_text(matrix: dict, *, show_informative: bool = False) -> str:
    """A table for a terminal: clause, obligation, status, items (verified/documented/
    nonconforming/reviewer-only/missing), evidence and findings counts, title.

    Informative and not-applicable clauses are counted in the summary but left out of the
    table unless show_informative is True.
    """
    lines = [f"Conformity matrix as of {matrix.get('as_of')}, subsystems {', '.join(matrix.get('subsystems') or []) or '-'}", ""]
    header = f"{'clause':<12} {'':<2} {'status':<17} {'items v/d/n/r/m':>15} {'evid.':>5} {'chk':>4} {'find.':>5}  title"
    lines += [header, "-" * 110]
    for row in matrix.get("clauses", []):
        if row["status"] in ("informative", "not_applicable") and not show_informative:
            continue
        errors = sum(1 for f in row["findings"] if f["severity"] == "error")
        warnings = sum(1 for f in row["findings"] if f["severity"] == "warning")
        found = f"{errors}E" if errors else (f"{warnings}W" if warnings else "")
        title = f"{row['title_zh']} {row['title_en']}"
        ob = _OBLIGATION.get(row["obligation"], "") or "  "  # one CJK character is two columns wide
        items = _items(row.get("item_counts") or {}) if row.get("provisions") else ""
        lines.append(
            f"{row['number']:<12} {ob} {_MARK[row['status']]:<3} {row['status']:<13} {items:>15} "
            f"{len(row['evidence']):>5} {len(row['checks']):>4} {found:>5}  {_cut(title, 50).rstrip()}"
        )
        for f in row["findings"]:
            if f["severity"] == "error":
                lines.append(f"{'':<14}  {f['rule']} {f['file']}:{f['line']} {f['message'][:120]}")
    lines.append("")
    summary = matrix.get("summary", {})
    lines.append("clauses: " + "  ".join(f"{s}: {summary.get(s, 0)}" for s in STATUSES))
    items = matrix.get("item_summary", {})
    for scope, label in (("shall", "shall-items (应)"), ("all", "all items")):
        counts = items.get(scope, {})
        lines.append(f"{label}: " + "  ".join(f"{s}: {counts.get(s, 0)}" for s in PROVISION_STATUSES))
    for ex in matrix.get("exclusions") or []:
        lines.append(f"excluded {ex['clause']}: {ex['reason']}")
    return "\n".join(lines) + "\n"

"""A clean start: the starter drafts of `cms init` as a to-do list, not as a wall of errors.

`cms init` writes one draft of each kind the adopted subsystems need, with placeholders
"待填写 to be completed" (scaffold.PLACEHOLDER). Until a person fills one in, the rules find
everything wrong with it (a unit that is not a unit, a target with no deadline, no monitoring
plan for the past years) and, on cms.yaml, everything the organization lacks. That is true,
but it is one fact — "this is still to be done" — said 75 times, and it makes the generated
pre-commit hook refuse the first commit.

So a *starter draft* (status draft, and a placeholder still in it) turns the findings that
wait for it into one info finding "todo.starter" per draft, naming the rules and clauses:
- the findings located in the draft itself;
- the findings on the repository as a whole (cms.yaml, no record) whose clause is one the
  draft's kind documents: "no management review" waits for the management_review draft.
Nothing else changes: a finding of the engine itself (the file is not YAML, the schema
rejects it, a reference is broken) is never grouped, and once the placeholders are replaced
(or the status is no longer draft) every finding comes back at its own severity. A clause
that no starter draft covers keeps its error. The conformity matrix still counts every item
without a record in force as missing: `cms todo` lists them (todo_list below).
"""

from __future__ import annotations

from ..findings import Finding
from ..scaffold import PLACEHOLDER

TODO_RULE = "todo.starter"
# the engine's own rules say the file itself is broken: never hidden behind a to-do
_ENGINE_PREFIXES = ("yaml.", "record.", "schema.", "ref.", "settings.", "rules.")


def _has_placeholder(node) -> bool:
    if isinstance(node, str):
        return PLACEHOLDER in node
    if isinstance(node, dict):
        return any(_has_placeholder(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_placeholder(v) for v in node)
    return False


def is_starter(record) -> bool:
    """A draft `cms init` wrote that nobody has filled in yet."""
    return record.valid and record.status == "draft" and _has_placeholder(record.data)


def _number(clause: str) -> str:
    return str(clause).split()[0] if str(clause).split() else ""


def _related(a: str, b: str) -> bool:
    """Same clause, or one is a sub-clause of the other (6.4 and 6.4.2): the meaning _Covered
    answers by set lookups (tests/cms_build/workflow/test_todo.py compares the two)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _dotted_prefixes(number: str) -> list[str]:
    """Every c, not empty, with number.startswith(c + "."): the clauses number is a sub-clause of."""
    return [number[:i] for i, ch in enumerate(number) if ch == "." and i > 0]


class _Covered:
    """The clause numbers a starter draft documents, asked "is any of these related to one of
    yours" (_related) by set lookups: the repository's findings times the drafts times their
    clauses is tens of thousands of string tests on a fresh repository, most of its check."""

    def __init__(self, clauses: list[str]):
        self.own = {c for c in clauses if c}
        self.parents = {p for c in self.own for p in _dotted_prefixes(c)}  # n is one: some c is a sub-clause of n

    def related(self, number: str) -> bool:
        return bool(number) and (number in self.own or number in self.parents or any(p in self.own for p in _dotted_prefixes(number)))


def group_starters(findings: list[Finding], records, schemas) -> list[Finding]:
    starters = {r.rel: r for r in records if is_starter(r)}
    if not starters:
        return findings
    record_files = {r.rel for r in records}
    from ..matrix import record_clauses

    covers = {rel: _Covered(sorted(record_clauses(r, schemas))) for rel, r in starters.items()}
    in_order = sorted(starters)
    # the first draft (in order) whose clauses are related to a number, asked once per number: the
    # repository's findings cite the same few clauses, and each used to ask every draft again
    first: dict[str, int | None] = {}

    def first_draft(number: str) -> int | None:
        if number not in first:
            first[number] = next((i for i, rel in enumerate(in_order) if covers[rel].related(number)), None)
        return first[number]

    waiting: dict[str, list[Finding]] = {}
    kept: list[Finding] = []
    for f in findings:
        target = None
        if f.severity in ("error", "warning") and not f.rule.startswith(_ENGINE_PREFIXES):
            if f.file in starters:
                target = f.file
            elif f.file not in record_files:  # cms.yaml or the repository: what the organization lacks
                # the first draft related to any of its clauses: the least of each clause's first
                found = [i for i in (first_draft(_number(c)) for c in f.clauses) if i is not None]
                target = in_order[min(found)] if found else None
        if target is None:
            kept.append(f)
        else:
            waiting.setdefault(target, []).append(f)
    for rel, found in sorted(waiting.items()):
        r = starters[rel]
        kind = schemas.kinds.get(r.kind)
        clauses = tuple(dict.fromkeys(c for f in found for c in f.clauses))
        rules = sorted({f.rule for f in found})
        errors = sum(1 for f in found if f.severity == "error")
        title = f"{kind.title_zh} {kind.title_en}" if kind else r.kind
        kept.append(
            Finding(
                TODO_RULE,
                "info",
                f"to do / 待办: {title} ({r.id}) is a draft still holding '待填写 to be completed' (cms init, cms new --method); {len(found)} finding(s) "
                f"({errors} error(s)) wait for it: {', '.join(rules)}",
                rel,
                1,
                1,
                clauses,
                r.id,
                "",
                "replace every '待填写 to be completed' and the placeholder values; the findings then come back "
                "in full (`cms todo` lists what is still lacking, clause by clause)",
                "A starter draft of cms init still to be filled in",
            )
        )
    return kept


def todo_list(result) -> list[dict]:
    """What the organization still lacks, clause by clause, in the standard's order (context,
    leadership, planning, support, operation, evaluation, improvement: the order a new team
    fills them): every applicable provision whose matrix status is not 'verified', with the
    starter drafts that would document it."""
    from ..matrix import build_matrix, record_clauses

    matrix = build_matrix(result)
    starters = [r for r in result.records if is_starter(r)]
    rows = []
    for c in matrix["clauses"]:
        if c["status"] in ("informative", "not_applicable", "conforming"):
            continue
        items = [i for i in c["provisions"] if i["status"] in ("missing", "nonconforming", "documented")]
        if not items:
            continue
        drafts = sorted(r.rel for r in starters if any(_related(c["number"], k) for k in record_clauses(r, result.schemas)))
        rows.append(
            {
                "clause": c["number"],
                "title_zh": c["title_zh"],
                "title_en": c["title_en"],
                "status": c["status"],
                "items": [{"ref": i["ref"], "modal": i["modal"], "status": i["status"]} for i in items],
                "drafts": drafts,
            }
        )
    return rows


def render_todo(rows: list[dict], language: str = "zh") -> str:
    if not rows:
        return "Nothing left to do: every applicable provision is verified.\n"
    lines = []
    for row in rows:
        title = row["title_zh"] if language == "zh" else row["title_en"]
        lines.append(f"{row['clause']} {title} [{row['status']}]")
        for i in row["items"]:
            lines.append(f"    {i['ref']:<14} {i['modal'] or ' '} {i['status']}")
        for d in row["drafts"]:
            lines.append(f"    -> fill in {d}")
    missing = sum(1 for r in rows for i in r["items"] if i["status"] == "missing")
    lines.append("")
    lines.append(f"{len(rows)} clause(s) to do, {missing} provision(s) with no record in force")
    return "\n".join(lines) + "\n"

"""An applicable requirement with no evidence (7.4.1 a).

Rule
- ms.no-evidence (7.4.1 a, error): a requirement (应) that applies to the organization
  (its subsystem adopted, not excluded in management.exclusions) has no evidence: no record
  approved by the as-of date that cites it or a sub-clause, and no check citing it that ran
  on something (cms_build/matrix.py explains both). One finding per clause, located at the
  settings' subsystems, since the absence of a record has no other place.

- ms.item-no-evidence (7.4.1 a, error): a shall-item (应) of an applicable clause that has
  some evidence has none of its own: no rule that checks the item ran, no record in force
  records it, and the catalogue gives no reason why only a reviewer can judge it. The matrix
  shows it missing (issue 21): a merge gate that said "0 findings" beside a matrix that shows
  evidence missing would contradict itself. One finding per item, located at the settings'
  subsystems (as ms.no-evidence: an error at a record would change that record's status),
  citing the item.

- ms.exclusion-invalid (4.3): each entry of management.exclusions names a clause of the
  standard (error); an exclusion of a clause of 4-10, the management system every organization
  keeps whatever it adopts, is a warning.

The no-evidence rule is an error: 7.4.1 a says the system shall include the documented
information the standard requires, and a requirement with nothing at all to show for it is
not met as far as anyone can tell (the matrix shows such clauses as no_evidence). A clause
with some evidence but not every item verified is "documented" in the matrix; an item of it
that is documented or reviewer-only is not a finding, but a shall-item with nothing at all is
(ms.item-no-evidence). doc.required-missing
(checks/management/documented_information.py) names the documents the standard requires item by item.
"""

from __future__ import annotations

from cms_build.api import catalogue, check, clause, normalise_clause


@check("ms.no-evidence", title="适用的要求有证据 Every applicable requirement has evidence", clauses=["7.4.1 a"], severity="error")
def no_evidence(ctx):
    """7.4.1 a: the system includes the documented information this standard requires."""
    records = ctx.records()
    evidence = ctx.evidence(records)
    enforced = ctx.enforced(records)  # the checks of this run (a file that failed to load is reported by the engine)
    met = ctx.conditions(records)
    for c in catalogue():
        if c.obligation != "requirement" or not ctx.applies(c):
            continue
        if c.provisions and all(p.applies_if and p.applies_if not in met for p in c.provisions):
            continue  # applies_if: does not hold for any item (D.6.1.2 without imports or exports)
        if c.number in evidence or c.number in enforced:
            continue
        issue = ctx.settings_issue(
            "subsystems",
            f"clause {c.number} {c.title_zh} ({c.title_en}) applies, but no record approved by {ctx.as_of} and no check gives evidence for it",
            hint=f"keep the evidence as a record of a kind that cites {c.number}, or add "
            f"'clauses: [\"{c.number}\"]' to the record that is evidence; if it does not apply, "
            "list it in management.exclusions with the reason",
        )
        issue.clauses = (c.number,)
        yield issue


@check(
    "ms.item-no-evidence",
    title="适用的应项均有证据 Every applicable shall-item has evidence",
    clauses=["7.4.1 a"],
    severity="error",
)
def item_no_evidence(ctx):
    """7.4.1 a: each shall-item of an applicable clause has evidence: a rule, a record, or the
    catalogue's reason why only a reviewer can judge it."""
    records = ctx.records()
    for c, p in ctx.missing_items(records):
        ref = f"{c.number} {p.item}"
        message = f"item {ref} ({p.modal}) of clause {c.number} {c.title_zh} ({c.title_en}) applies, but no rule checks it, no record approved by {ctx.as_of} records it and no reviewer is named for it"
        hint = f"keep the record the catalogue names for {ref} (cms matrix --format json lists them), or cite '{ref}' in the clauses: of the record that is its evidence"
        # at the settings, as ms.no-evidence: an absence has no record of its own, and an error
        # on a record of the clause would change that record's status (a claim's, a target's)
        issue = ctx.settings_issue("subsystems", message, hint=hint)
        issue.clauses = (ref,)
        yield issue


@check("ms.exclusion-invalid", title="删减的条款存在且可删减 Excluded clauses exist and may be excluded", clauses=["4.3"], severity="error")
def exclusion_invalid(ctx):
    """4.3: the scope says what the system applies to; an exclusion names a real clause and its reason."""
    for i, entry in enumerate(ctx.setting("management.exclusions") or []):
        if not isinstance(entry, dict):
            continue
        where = f"management.exclusions.{i}"
        try:
            number = normalise_clause(entry.get("clause"))
        except (ValueError, TypeError) as exc:
            yield ctx.settings_issue(where, f"exclusions[{i}]: {exc}", hint="name a clause of the standard; 'cms matrix' lists them")
            continue
        if clause(number).subsystem == "common":
            yield ctx.settings_issue(
                where,
                f"exclusions[{i}] excludes clause {number}, a clause of the management system (4-10) that applies whatever subsystems are adopted",
                hint="exclude only annex clauses of activities the organization does not carry out",
                severity="warning",
            )

"""An applicable requirement with no evidence (7.4.1 a).

Rule
- ms.no-evidence (7.4.1 a, warning): a requirement (应) that applies to the organization
  (its subsystem adopted, not excluded in management.exclusions) has no evidence: no record
  approved by the as-of date that cites it or a sub-clause, and no check citing it that ran
  on something (cms_build/matrix.py explains both). One finding per clause, located at the
  settings' subsystems, since the absence of a record has no other place.

It is a warning, not an error: a clause without evidence is not yet shown to be met, which
an auditor would still have to ask about; the matrix shows such clauses as no_evidence.
"""
from __future__ import annotations

from cms_build.api import check
from cms_build.engine import load_rules, rule_folders
from cms_build.matrix import applies, enforcing_checks, evidence_records, exclusions
from cms_build.standard import load_catalogue


@check("ms.no-evidence", title="适用的要求有证据 Every applicable requirement has evidence",
       clauses=["7.4.1 a"], severity="warning")
def no_evidence(ctx):
    """7.4.1 a: the system includes the documented information this standard requires."""
    records = ctx.records()
    evidence = evidence_records(records, ctx.schemas, ctx.as_of)
    checks, _ = load_rules(rule_folders(ctx.root))
    enforced = enforcing_checks(checks, ctx.settings, records)
    excluded = exclusions(ctx.settings)
    adopted = set(ctx.settings.subsystems)
    for c in load_catalogue():
        if c.obligation != "requirement" or not applies(c, adopted, excluded):
            continue
        if c.number in evidence or c.number in enforced:
            continue
        issue = ctx.settings_issue("subsystems", f"clause {c.number} {c.title_zh} ({c.title_en}) applies, but no record "
                                                 f"approved by {ctx.as_of} and no check gives evidence for it",
                                   hint=f"keep the evidence as a record of a kind that cites {c.number}, or add "
                                        f"'clauses: [\"{c.number}\"]' to the record that is evidence; if it does not apply, "
                                        "list it in management.exclusions with the reason")
        issue.clauses = (c.number,)
        yield issue

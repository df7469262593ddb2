"""Objectives and targets are complete enough to be monitored and achieved (6.4.2, 6.4.4)."""
from __future__ import annotations

from cms_build.api import check

INACTIVE = ("superseded", "withdrawn")


@check("emissions.target-incomplete", title="目标和指标有绩效参数、基准、量化值、期限、责任人和措施计划 Targets name indicator, baseline, value, deadline, responsible and action plans",
       clauses=["6.4.2", "6.4.4"], severity="error", kinds=["target"])
def target_incomplete(record, ctx):
    """6.4.2 b), f): an objective is measurable and a target quantified, and both are
    monitored: so a target names the indicator that measures it, a baseline to compare
    with (its own, or one recorded for the indicator), and a target value or a reduction from
    the baseline. 6.4.4: the action plan says who is responsible and when it is done, so the
    target names a responsible party, a deadline and its action plans."""
    if record.status in INACTIVE or record.get("target_status") == "cancelled":
        return
    ind = record.get("indicator")
    if not ind:
        yield record.issue("objective", "the target names no performance indicator to measure it (6.4.2 b, f)",
                           hint="add indicator: <indicator id>")
    has_baseline = bool(record.get("baseline")) or (
        isinstance(ind, str) and any(b.status not in INACTIVE for b in ctx.referring(ind, "baseline")))
    if not has_baseline:
        yield record.issue("indicator" if ind else "objective",
                           "the target has no baseline: neither its own nor one recorded for its indicator (6.3, 6.4.2)",
                           hint="add baseline: <baseline id>, or record a baseline for the indicator")
    if record.get("target_value") is None and record.get("reduction_pct") is None:
        yield record.issue("objective", "the target is not quantified: no target_value and no reduction_pct (6.4.2 b)",
                           hint="add target_value: {value: ..., unit: ...} or reduction_pct: ...")
    if not record.get("deadline"):
        yield record.issue("objective", "the target has no deadline (6.4.4: when it will be completed)",
                           hint="add deadline: YYYY-MM-DD")
    if not record.get("responsible"):
        yield record.issue("objective", "the target names no responsible party (6.4.4: who is responsible)",
                           hint="add responsible: <person or department>")
    if not record.get("action_plans"):
        yield record.issue("objective", "the target has no action plan (6.4.4)",
                           hint="add action_plans: [<action_plan id>] saying what will be done, with what resources, by whom, when")

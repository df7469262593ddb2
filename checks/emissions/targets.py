"""Objectives and targets are complete enough to be monitored and achieved (6.4.2, 6.4.4), and
their computed progress has consequences (6.4.2 f, 9.1.1, 9.3.3, 9.3.4, A.9.1 b): a target
behind schedule or missed, and a significant deviation of an indicator, need a
performance_deviation record (and, for a missed target, a corrective action); the management
review's performance inputs reference the computed results they discuss."""

from __future__ import annotations

import datetime as dt

from cms_build.api import check

INACTIVE = ("superseded", "withdrawn")


@check(
    "emissions.target-incomplete",
    title="目标和指标有绩效参数、基准、量化值、期限、责任人和措施计划 Targets name indicator, baseline, value, deadline, responsible and action plans",
    clauses=["6.4.2", "6.4.4"],
    severity="error",
    kinds=["target"],
)
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
        yield record.issue("objective", "the target names no performance indicator to measure it (6.4.2 b, f)", hint="add indicator: <indicator id>")
    has_baseline = bool(record.get("baseline")) or (isinstance(ind, str) and any(b.status not in INACTIVE for b in ctx.referring(ind, "baseline")))
    if not has_baseline:
        yield record.issue(
            "indicator" if ind else "objective",
            "the target has no baseline: neither its own nor one recorded for its indicator (6.3, 6.4.2)",
            hint="add baseline: <baseline id>, or record a baseline for the indicator",
        )
    if record.get("target_value") is None and record.get("reduction_pct") is None:
        yield record.issue(
            "objective",
            "the target is not quantified: no target_value and no reduction_pct (6.4.2 b)",
            hint="add target_value: {value: ..., unit: ...} or reduction_pct: ...",
        )
    if not record.get("deadline"):
        yield record.issue("objective", "the target has no deadline (6.4.4: when it will be completed)", hint="add deadline: YYYY-MM-DD")
    if not record.get("responsible"):
        yield record.issue("objective", "the target names no responsible party (6.4.4: who is responsible)", hint="add responsible: <person or department>")
    if not record.get("action_plans"):
        yield record.issue(
            "objective",
            "the target has no action plan (6.4.4)",
            hint="add action_plans: [<action_plan id>] saying what will be done, with what resources, by whom, when",
        )


@check(
    "emissions.target-baseline-mismatch",
    title="目标的基准是其绩效参数的基准 A target's baseline is a baseline of its indicator",
    clauses=["6.4.2", "6.3", "9.1.1"],
    severity="error",
    kinds=["target"],
)
def target_baseline_mismatch(record, ctx):
    """6.4.2 b) and 9.1.1: a target's progress is the indicator's value compared with the
    indicator's baseline (6.3). A target naming a baseline recorded for another indicator
    (1 号机组 intensity measured against 2 号机组's 2023 value) is judged against a figure of
    something else: its computed status and achievement mean nothing."""
    if record.status in INACTIVE or record.get("target_status") == "cancelled":
        return
    ind, bl_id = record.get("indicator"), record.get("baseline")
    if not isinstance(ind, str) or not isinstance(bl_id, str):
        return  # emissions.target-incomplete says what is missing
    bl = ctx.get(bl_id)
    if bl is None or bl.kind != "baseline":
        return  # ref.invalid
    other = bl.get("indicator")
    if isinstance(other, str) and other != ind:
        yield record.issue(
            "baseline",
            f"the target measures {ind} but its baseline {bl_id} is the baseline of {other}",
            hint=f"name a baseline of {ind}, or correct indicator: if the target is about {other}",
        )


# -- computed performance has consequences (6.4.2 f, 9.1.1, 9.3.3, A.9.1 b) ---------------------
def _known(value, as_of) -> bool:
    from cms_build.api import dates

    d = dates.parse(value)
    return d is not None and d <= as_of


def _deviations_for(ctx, target_id: str) -> list:
    """performance_deviation records about a target (expected_ref names it), known by the as-of date."""
    return [
        d
        for d in ctx.referring(target_id, "performance_deviation")
        if d.status not in INACTIVE and d.get("expected_ref") == target_id and _known(d.get("detected_on"), ctx.as_of)
    ]


def _responded(dev, ctx) -> bool:
    inv, resp = dev.get("investigation") or {}, dev.get("response") or {}
    return _known(inv.get("date"), ctx.as_of) and _known(resp.get("date"), ctx.as_of)


def _corrective_actions(dev, ctx) -> list:
    """Corrective actions (10.2 c) of the nonconformity the deviation's response names."""
    nc = (dev.get("response") or {}).get("nonconformity")
    if not isinstance(nc, str):
        return []
    return [a for a in ctx.referring(nc, "corrective_action") if a.status not in INACTIVE and _known(a.get("effective") or a.get("approved_on"), ctx.as_of)]


def _target_results(ctx) -> dict:
    res = ctx.results.get("emissions")
    return (res or {}).get("targets") or {} if isinstance(res, dict) else {}


@check(
    "emissions.target-behind",
    title="进度落后的目标得到分析和响应 A target behind schedule is analysed and responded to",
    clauses=["6.4.2 f", "9.1.1"],
    severity="warning",
    kinds=["target"],
)
def target_behind(record, ctx):
    """6.4.2 f (targets are monitored), 9.1.1 (deviations investigated and responded to): a
    target whose computed progress is behind (the share of the planned improvement achieved
    is below the share of the time elapsed, less emissions.target_behind_margin_pct) is a
    finding until a performance_deviation record names it (expected_ref) with an
    investigation and a response known by the as-of date. Severity: the setting
    emissions.target_behind_severity (default warning)."""
    tg = _target_results(ctx).get(record.id)
    if not isinstance(tg, dict) or tg.get("status") != "behind" or record.get("target_status") == "cancelled":
        return
    if any(_responded(d, ctx) for d in _deviations_for(ctx, record.id)):
        return
    achieved, expected = tg.get("achieved_pct"), tg.get("expected_pct")
    figures = (
        f"{achieved:.1f} % of the planned improvement achieved by {tg.get('latest_year')} against {expected:.1f} % of the time elapsed"
        if isinstance(achieved, (int, float)) and isinstance(expected, (int, float))
        else "progress behind schedule"
    )
    yield record.issue(
        "deadline" if record.get("deadline") else "objective",
        f"target {record.id} is behind: {figures} (latest {tg.get('latest')} {tg.get('unit') or ''} against target {tg.get('target')} by {tg.get('deadline')})",
        hint="record the deviation as a performance_deviation (expected_basis: target, expected_ref: "
        f"{record.id}) with its investigation and response, and report it to the management review",
        severity=ctx.setting("emissions.target_behind_severity"),
    )


@check(
    "emissions.target-missed",
    title="未实现的目标有偏离记录和纠正措施 A missed target has a deviation record and a corrective action",
    clauses=["6.4.2 f", "9.1.1", "9.3.4", "10.2"],
    severity="error",
    kinds=["target"],
)
def target_missed(record, ctx):
    """9.1.1, 9.3.4 (measures when targets are not achieved), 10.2: a target computed
    'missed' (its deadline passed, the value of the deadline year not at the target) needs a
    performance_deviation naming it (expected_ref) with an investigation and a response
    that names a nonconformity with a corrective action. Severity: the setting
    emissions.target_missed_severity (default error)."""
    tg = _target_results(ctx).get(record.id)
    if not isinstance(tg, dict) or tg.get("status") != "missed" or record.get("target_status") == "cancelled":
        return
    devs = _deviations_for(ctx, record.id)
    if any(_responded(d, ctx) and _corrective_actions(d, ctx) for d in devs):
        return
    what = (
        f"target {record.id} was missed: {tg.get('latest')} {tg.get('unit') or ''} in {tg.get('latest_year')} "
        f"against {tg.get('target')} by {tg.get('deadline')}"
    )
    if not devs:
        why, hint = (
            "no performance_deviation records it",
            (f"record a performance_deviation (expected_ref: {record.id}) with investigation, response and the nonconformity raised"),
        )
    elif not any(_responded(d, ctx) for d in devs):
        why, hint = f"{devs[0].id} has no investigation and response yet", "record the investigation and the response"
    else:
        why, hint = (
            f"{devs[0].id} names no nonconformity with a corrective action",
            "raise a nonconformity (response.nonconformity) and record its corrective_action (10.2 c)",
        )
    yield record.issue(
        "deadline" if record.get("deadline") else "objective", f"{what}; {why}", hint=hint, severity=ctx.setting("emissions.target_missed_severity")
    )


def _deviation_recorded(ctx, indicator: str, year: int) -> bool:
    from cms_build.api import dates

    for d in ctx.referring(indicator, "performance_deviation"):
        p = d.get("period") or {}
        start, end = dates.parse(p.get("start")), dates.parse(p.get("end"))
        if d.status not in INACTIVE and _known(d.get("detected_on"), ctx.as_of) and start and end and start.year <= year <= end.year:
            return True
    return False


@check(
    "emissions.deviation-not-recorded",
    title="绩效参数的严重偏离有记录 A significant deviation of an indicator is recorded",
    clauses=["9.1.1", "9.3.3", "A.9.1 b"],
    severity="error",
    kinds=["indicator"],
)
def deviation_not_recorded(record, ctx):
    """9.1.1 (significant deviations investigated and responded to, with documented
    information), A.9.1 b (a significant deviation found in the analysis is analysed and
    responded to), 9.3.3 (the review's performance input): a year's computed value of an
    indicator that deviates from its baseline by at least management.deviation_threshold_percent
    (default 10, either way), or from a target of it in the target's deadline year or later
    (in the unfavourable direction), has a performance_deviation record of the indicator whose
    period covers that year. Deviation % = (value − reference) / reference × 100."""
    res = ctx.results.get("emissions")
    ind = ((res or {}).get("indicators") or {}).get(record.id) if isinstance(res, dict) else None
    if not isinstance(ind, dict):
        return
    threshold = float(ctx.setting("management.deviation_threshold_percent"))
    lower = (ind.get("direction") or "lower") == "lower"
    seen = set()
    for y, c in sorted((ind.get("comparison") or {}).items()):
        pct = (c or {}).get("vs_baseline_pct")
        if str(y).isdigit() and isinstance(pct, (int, float)) and abs(pct) >= threshold:
            seen.add(int(y))
            if not _deviation_recorded(ctx, record.id, int(y)):
                yield record.issue(
                    "id",
                    f"{record.id} in {y} deviates {pct:+.1f} % from its baseline "
                    f"({(ind.get('baseline') or {}).get('record')}; threshold ±{threshold:g} %) "
                    "and no performance_deviation records it",
                    hint=f"record a performance_deviation of {record.id} for {y} with its investigation and response (9.1.1)",
                )
    for tid, tg in sorted(_target_results(ctx).items()):
        if not isinstance(tg, dict) or tg.get("indicator") != record.id or not isinstance(tg.get("target"), (int, float)):
            continue
        deadline_year = int(str(tg.get("deadline"))[:4]) if str(tg.get("deadline", ""))[:4].isdigit() else None
        for y, v in sorted((ind.get("values") or {}).items()):
            value = (v or {}).get("value")
            if (
                not str(y).isdigit()
                or deadline_year is None
                or int(y) < deadline_year
                or int(y) in seen
                or not isinstance(value, (int, float))
                or not tg["target"]
            ):
                continue
            pct = (value - tg["target"]) / tg["target"] * 100.0
            if (pct if lower else -pct) >= threshold and not _deviation_recorded(ctx, record.id, int(y)):
                yield record.issue(
                    "id",
                    f"{record.id} in {y} is {pct:+.1f} % from target {tid} ({tg['target']:.6g}; "
                    f"threshold {threshold:g} %) and no performance_deviation records it",
                    hint=f"record a performance_deviation of {record.id} for {y} (expected_basis: target, "
                    f"expected_ref: {tid}) with its investigation and response",
                )


def resolves(results, path: str) -> bool:
    """Whether a dotted result path ("emissions.targets.TGT-2026-ORG") names something in the
    results. Keys may contain dots themselves (record ids may): the longest key that fits wins."""
    node, rest = results, path
    while rest:
        if isinstance(node, dict):
            key = next((k for k in sorted((k for k in node if isinstance(k, str)), key=len, reverse=True) if rest == k or rest.startswith(k + ".")), None)
            if key is None:
                return False
            node, rest = node[key], rest[len(key) + 1 :]
        elif isinstance(node, list):
            head, _, tail = rest.partition(".")
            if not head.isdigit() or int(head) >= len(node):
                return False
            node, rest = node[int(head)], tail
        else:
            return False
    return True


@check(
    "mr.performance-inputs-unreferenced",
    title="管理评审的绩效输入引用计算结果 The review's performance inputs reference the computed results",
    clauses=["9.3.3"],
    severity="error",
    kinds=["management_review"],
)
def performance_inputs_unreferenced(record, ctx):
    """9.3.3: the review's inputs include the extent to which targets are met and the
    performance based on monitoring and measurement results. So that what the review says can
    be checked against what was computed, inputs.objectives_achievement.results names the
    computed result of every target in force on the review date (emissions.targets.<id>:
    effective by then, deadline not before the reviewed period), inputs.performance.results
    names at least one indicator result (emissions.indicators.<id>), and every path named
    under any input's results exists in the computed results."""
    from cms_build.api import dates

    review_day = dates.parse(record.get("review_date"))
    if record.status in INACTIVE or review_day is None or review_day > ctx.as_of:
        return
    inputs = record.get("inputs") or {}
    for key, item in sorted(inputs.items()):
        for i, path in enumerate((item or {}).get("results") or [] if isinstance(item, dict) else []):
            if isinstance(path, str) and not resolves(ctx.results, path):
                yield record.issue(
                    ("inputs", key, "results", i),
                    f"inputs.{key} names the result {path}, which was not computed",
                    hint="name a path under results of 'cms export' (e.g. emissions.targets.<target id>)",
                )
    if "emissions" not in ctx.results:
        return
    start = dates.parse(record.get("period.start")) or dt.date(review_day.year, 1, 1)
    named = set((inputs.get("objectives_achievement") or {}).get("results") or [])
    for tgt in ctx.records("target"):
        effective, deadline = dates.parse(tgt.get("effective") or tgt.get("approved_on")), dates.parse(tgt.get("deadline"))
        if (
            tgt.status in INACTIVE
            or tgt.status == "draft"
            or tgt.get("target_status") == "cancelled"
            or effective is None
            or effective > review_day
            or (deadline is not None and deadline < start)
        ):
            continue
        if f"emissions.targets.{tgt.id}" not in named:
            yield record.issue(
                ("inputs", "objectives_achievement") if "objectives_achievement" in inputs else "inputs",
                f"the review does not reference the computed progress of target {tgt.id} (emissions.targets.{tgt.id}), in force on {review_day}",
                hint=f"add emissions.targets.{tgt.id} to inputs.objectives_achievement.results and state what it shows",
            )
    perf = (inputs.get("performance") or {}).get("results") or []
    if (ctx.results.get("emissions") or {}).get("indicators") and not any(isinstance(p, str) and p.startswith("emissions.indicators.") for p in perf):
        yield record.issue(
            ("inputs", "performance") if "performance" in inputs else "inputs",
            "the performance input references no computed indicator result (emissions.indicators.<id>)",
            hint="add the indicators discussed to inputs.performance.results",
        )

"""Stated figures: what a narrative record says, checked against what was computed (7.3.1, 9.1, 9.3).

Management reviews, compliance evaluations, asset and trading reviews and asset statements
state numbers and facts in prose ("供电煤耗下降 2.1 gce/kWh", "目标基本实现"). Prose cannot
be checked, so each such record lists what it states under `stated_figures`
(schemas/stated-figures.schema.json): what the figure refers to, either a computed result
(`result: emissions.targets.TGT-2026-ORG.status`; `minus:` a second result for a change,
`per:` one to divide by for a ratio, both for a relative change) or a field of a record
(`record: CA-2025-01, field: implemented_on`), and the value with its unit and rounding.

Rules
- figures.unresolved (7.3.1, 9.1.1): a stated figure names a result path or a record field
  that does not exist (or was not computed). It states something nobody can check.
- figures.stated-mismatch (7.3.1, 9.1.1, 9.3.3): the stated value differs from the computed
  one. A number agrees when it is within half a unit of its last stated decimal of the
  computed value, after converting the computed value to the stated unit (cms_build/units.py);
  a text or a boolean must be equal. The message gives both values.
- figures.event-after-record (7.3.1, 9.1.1, 9.3.3): the record reports an event dated after
  its own date: a stated date (not marked planned) later than the record; a stated fact of a
  record approved only after it; or a record of an event (EVENT_KINDS: a claim, a surrender,
  a review) cited anywhere in it except its decisions (outputs, actions) and approved only
  after it. A review of 2025-12-18 cannot report a corrective action implemented on
  2026-01-20, nor cite a claim approved on 2026-02-16.

A record's own date is the field KINDS names (review_date, evaluation_date, ...), else its
approved_on. Results are computed as of the run's date: a record should state figures that
do not change with it (a year's value, a year-end balance), not a status of the day.
"""

from __future__ import annotations

import math
import re

from cms_build.api import dates, units
from cms_build.api import check

# kind -> (the field that dates the record, the clauses its statements serve)
KINDS = {
    "management_review": ("review_date", ("9.3.3", "7.3.1")),
    "compliance_evaluation": ("evaluation_date", ("9.1.2", "7.3.1")),
    "cms_review": ("review_date", ("6.1.1", "7.3.1")),
    "asset_review": ("date", ("6.1.4", "7.3.1")),
    "asset_statement": ("prepared_on", ("C.8.1.1", "7.3.1")),
    "trading_review": ("date", ("6.1.3", "7.3.1")),
    "trading_performance": ("date", ("B.9", "7.3.1")),
    "trade_review": ("reviewed_on", ("D.6.1.2", "7.3.1")),
    "neutrality_review": ("reviewed_on", ("6.1.5", "7.3.1")),
}
STATING = tuple(KINDS)
MISSING = object()
# Kinds whose record is made when the event happens (a claim, a surrender, a review): citing one
# approved after the citing record reports an event that had not happened. Records of standing
# things (accounts, people, roles) are often documented after the thing existed, so they are not.
EVENT_KINDS = (
    "neutrality_claim",
    "claim_event",
    "surrender",
    "verification",
    "audit",
    "management_review",
    "cms_review",
    "neutrality_review",
    "compliance_evaluation",
    "asset_review",
    "trading_review",
    "trading_performance",
    "asset_statement",
    "holding_statement",
    "performance_deviation",
)
# A review's decisions may name what it decided to create: those refs look forward by design.
DECISIONS = ("outputs", "actions")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- resolving what a figure refers to ----------------------------------------------------
def walk(data, path: str):
    """The value at a dot-separated path in nested dicts and lists, or MISSING.

    Keys may themselves contain dots (record ids may): at each level the longest key that
    matches the rest of the path is taken. List positions are numbers, or key=value for the
    first item whose key has that value (periods.year=2025), which does not shift when an
    earlier item is added.
    Returns (value, the part of the path that was found) so that an error can say where
    the path stopped matching.
    """
    parts = path.split(".")
    found: list[str] = []
    i = 0
    while i < len(parts):
        if isinstance(data, dict):
            for j in range(len(parts), i, -1):
                key = ".".join(parts[i:j])
                if key in data:
                    data, i = data[key], j
                    found.append(key)
                    break
            else:
                return MISSING, ".".join(found)
        elif isinstance(data, list) and parts[i].isdigit() and int(parts[i]) < len(data):
            data = data[int(parts[i])]
            found.append(parts[i])
            i += 1
        elif isinstance(data, list) and "=" in parts[i]:  # periods.year=2025: the item whose year is 2025
            key, _, want = parts[i].partition("=")
            match = [x for x in data if isinstance(x, dict) and key in x and str(x[key]) == want]
            if not match:
                return MISSING, ".".join(found)
            data = match[0]
            found.append(parts[i])
            i += 1
        else:
            return MISSING, ".".join(found)
    return data, ".".join(found)


def resolve_result(ctx, path: str):
    """(value, unit, where it stopped) of a result path in ctx.results.

    A traced number ({value, unit, formula, ...}) gives its value and unit; a bare number
    or text has no unit of its own (None). The first segment names the computation; read
    through ctx.results so that the public build knows what the check rests on.
    """
    head = path.split(".", 1)[0]
    if head not in ctx.results or ctx.results.get(head) is None:
        return MISSING, None, ""
    value, found = walk({head: ctx.results[head]}, path)
    if isinstance(value, dict) and "value" in value:
        return value.get("value"), value.get("unit"), found
    return value, None, found


def _resolve_field(ctx, figure: dict):
    target = ctx.get(figure.get("record") or "")
    if target is None:
        return MISSING, None, "", None  # the index reports an unknown record id
    value, found = walk(target.data, str(figure.get("field")))
    unit = None
    if isinstance(value, dict) and "value" in value:
        value, unit = value.get("value"), value.get("unit")
    return value, unit, found, target


def _decimals(figure: dict) -> int:
    if isinstance(figure.get("decimals"), int):
        return figure["decimals"]
    value = figure.get("value")
    if isinstance(value, float) and not value.is_integer():
        text = repr(value)
        return len(text.split(".")[1]) if "." in text and "e" not in text else 6
    return 0


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _show(x: float) -> str:
    return f"{x:,.6f}".rstrip("0").rstrip(".")


def _own_day(record):
    field, _ = KINDS.get(record.kind, ("", ()))
    return dates.parse(record.get(field)) or dates.parse(record.get("approved_on"))


def _clauses(record):
    return KINDS.get(record.kind, ("", ("9.1.1", "7.3.1")))[1]


def _what(figure: dict) -> str:
    if "result" in figure:
        text = figure["result"] + (f" − {figure['minus']}" if figure.get("minus") else "")
        if figure.get("per"):
            text = (f"({text})" if figure.get("minus") else text) + f" ÷ {figure['per']}"
        return text
    return f"{figure.get('record')}.{figure.get('field')}"


def _live(record, ctx) -> bool:
    return record.status != "withdrawn"


def _figures(record):
    for i, figure in enumerate(record.get("stated_figures") or []):
        if isinstance(figure, dict):
            yield i, figure


def computed(ctx, figure: dict):
    """The computed counterpart of a stated figure: (value, unit, problem or None)."""
    if "result" in figure:
        value, unit, found = resolve_result(ctx, figure["result"])
        if value is MISSING:
            return MISSING, None, _unresolved(ctx, figure["result"], found)
        if figure.get("minus"):
            other, other_unit, found2 = resolve_result(ctx, figure["minus"])
            if other is MISSING:
                return MISSING, None, _unresolved(ctx, figure["minus"], found2)
            if not (_number(value) and _number(other)):
                return MISSING, None, f"{figure['result']} − {figure['minus']}: both must be numbers to subtract"
            try:
                if unit and other_unit:
                    other = units.convert(other, other_unit, unit)
            except units.UnitError as exc:
                return MISSING, None, f"{figure['result']} − {figure['minus']}: {exc.args[0]}"
            value = value - other
        if figure.get("per"):  # after minus: (result − minus) ÷ per, a relative change
            other, other_unit, found2 = resolve_result(ctx, figure["per"])
            if other is MISSING:
                return MISSING, None, _unresolved(ctx, figure["per"], found2)
            if not (_number(value) and _number(other)) or other == 0:
                return MISSING, None, f"{figure['result']} ÷ {figure['per']}: both must be numbers, the divisor not 0"
            if unit and other_unit:  # both with units: units divide; else the ratio is compared as a bare number
                ratio = units.quantity(value, unit) / units.quantity(other, other_unit)
                ratio = ratio.to_reduced_units()
                return float(ratio.magnitude), f"{ratio.units:~}" if not ratio.dimensionless else "1", None
            value, unit = value / other, None
        return value, unit, None
    value, unit, found, target = _resolve_field(ctx, figure)
    if target is None:
        return MISSING, None, None
    if value is MISSING:
        return MISSING, None, (f"{target.id} ({target.rel}) has no field {figure.get('field')}" + (f" (found up to {found})" if found else ""))
    return value, unit, None


def _unresolved(ctx, path: str, found: str) -> str:
    head = path.split(".", 1)[0]
    if head not in ctx.results:
        return f"no computation is called '{head}' (computed: {', '.join(sorted(ctx.results)) or 'none'})"
    if ctx.results.get(head) is None:
        return f"the computation '{head}' did not produce a result (see its own findings)"
    return f"nothing was computed at {path} (the path matches up to '{found}')"


# -- the rules ----------------------------------------------------------------------------
@check(
    "figures.unresolved",
    title="陈述的数据指向存在的计算结果或记录 Stated figures name something computed or recorded",
    clauses=["7.3.1", "9.1.1"],
    severity="error",
    kinds=list(STATING),
)
def unresolved(record, ctx):
    """7.3.1, 9.1.1: a figure stated in a review or evaluation can be traced to what it rests on."""
    if not _live(record, ctx):
        return
    for i, figure in _figures(record):
        value, _, problem = computed(ctx, figure)
        if value is MISSING and problem:
            yield record.issue(
                ("stated_figures", i),
                f"stated figure {i + 1} ({_what(figure)}): {problem}",
                hint="correct the path (cms export --format json lists the results), or state the figure of a record with record: and field:",
                clauses=_clauses(record),
            )


@check(
    "figures.stated-mismatch",
    title="陈述的数据与计算值一致 Stated figures agree with the computed ones",
    clauses=["7.3.1", "9.1.1", "9.3.3"],
    severity="error",
    kinds=list(STATING),
)
def stated_mismatch(record, ctx):
    """7.3.1, 9.1.1, 9.3.3: what a review or evaluation states is true: each stated figure
    agrees with the computed one to its stated rounding."""
    if not _live(record, ctx):
        return
    for i, figure in _figures(record):
        value, unit, _ = computed(ctx, figure)
        if value is MISSING:
            continue  # figures.unresolved
        stated = figure.get("value")
        where = ("stated_figures", i, "value")
        said = f" ('{figure['text']}')" if figure.get("text") else ""
        if _number(stated):
            if not _number(value):
                yield record.issue(
                    where,
                    f"states {stated} for {_what(figure)}{said}, but the computed value is {value!r}, not a number",
                    hint="state what was computed",
                    clauses=_clauses(record),
                )
                continue
            stated_unit = figure.get("unit")
            shown_unit = stated_unit or unit or ""
            if unit and stated_unit:
                try:
                    value = units.convert(value, unit, stated_unit)
                except units.UnitError as exc:
                    yield record.issue(
                        ("stated_figures", i, "unit"),
                        f"states {_what(figure)} in {stated_unit}, but it is computed in {unit}: {exc.args[0]}",
                        hint=exc.hint or f"state it in {unit} or a unit that converts to it",
                        clauses=_clauses(record),
                    )
                    continue
            places = _decimals(figure)
            tolerance = 0.5 * 10 ** (-places) * (1 + 1e-9) + 1e-12 * abs(value)
            if abs(value - stated) > tolerance:
                rounded = round(value, places)
                yield record.issue(
                    where,
                    f"states {_show(stated)} {shown_unit}{said} for {_what(figure)}, but the "
                    f"computed value is {_show(value)} {shown_unit} ({_show(rounded)} to "
                    f"{places} decimals); they differ by {_show(abs(value - stated))}",
                    hint=f"state {_show(rounded)}, or correct the data the computation reads",
                    clauses=_clauses(record),
                )
        else:
            if isinstance(stated, str) and ISO_DATE.match(stated) and dates.parse(value) is not None:
                same = dates.parse(value) == dates.parse(stated)
            else:
                same = stated == value and isinstance(stated, bool) == isinstance(value, bool)  # True is not 1
            if not same:
                yield record.issue(
                    where,
                    f"states {stated!r}{said} for {_what(figure)}, but it is {value!r}",
                    hint=f"state {value!r}, or correct the data",
                    clauses=_clauses(record),
                )


@check(
    "figures.event-after-record",
    title="不陈述晚于记录日期的事件 No event reported that is dated after the record",
    clauses=["7.3.1", "9.1.1", "9.3.3"],
    severity="error",
    kinds=list(STATING),
)
def event_after_record(record, ctx):
    """7.3.1, 9.3.3: a review reports what had happened by its date; an event dated later
    (a claim, a retirement, a corrective action) cannot have been known to it."""
    if not _live(record, ctx):
        return
    day = _own_day(record)
    if day is None:
        return
    for i, figure in _figures(record):
        if figure.get("planned") is True:
            continue
        stated = dates.parse(figure.get("value")) if isinstance(figure.get("value"), str) else None
        if stated is not None and stated > day:
            yield record.issue(
                ("stated_figures", i),
                f"the record of {day} reports {_what(figure)} on {stated}, {(stated - day).days} days after the record itself",
                hint="report only what had happened by the record's date (a later event belongs in "
                "the next review), or mark a plan or deadline with planned: true",
                clauses=_clauses(record),
            )
            continue
        target = ctx.get(figure.get("record")) if isinstance(figure.get("record"), str) else None
        made = dates.parse(target.get("approved_on")) if target is not None else None
        if made is not None and made > day:
            yield record.issue(
                ("stated_figures", i),
                f"the record of {day} states {_what(figure)}, but {target.id} was approved only on {made}",
                hint="report only what existed by the record's date",
                clauses=_clauses(record),
            )
    for ref in ctx.index.refs:  # records of events it cites elsewhere (inputs.*.refs, related_reviews, claims)
        if ref.source != record.id or ref.path[:1] in (("stated_figures",), ("supersedes",)) or any(part in DECISIONS for part in ref.path):
            continue
        target = ctx.get(ref.target)
        if target is None or target.kind not in EVENT_KINDS:
            continue
        made = dates.parse(target.get("approved_on"))
        if made is not None and made > day:
            yield record.issue(
                ref.path,
                f"the record of {day} cites {target.id} ({target.title}), approved only on {made}, {(made - day).days} days after the record itself",
                hint="cite only what existed by the record's date; a later record belongs in the next review",
                clauses=_clauses(record),
            )

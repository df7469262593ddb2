"""Rules of a repeated shape, declared as data: ``*.rules.yaml`` files in a rule folder.

Four shapes recur across the standard, and each has one implementation here:

``periodic``
    "The last X was too long ago" (6.1.1, 6.5.2 a, 9.1.2 b, 9.2.1, 9.3.1, 6.1.3, 6.1.4, 6.1.5, B.9 …).
    A record of ``kind`` counts when its status is in ``counts`` (default approved and
    superseded: a superseded review still took place), it was known at the as-of date
    (approved and effective by then) and its ``date`` field is on or before the as-of date.
    The latest one's date plus ``interval`` months (a setting) is the due date; the due day
    itself is not late, the day after is. With ``active_when`` the rule applies only once a
    record of one of those kinds is known (a subsystem's activity has started); with
    ``grace`` the first such activity date plus the interval is when the first one is due.
    A late record gets the finding at its date field; when there is none, the finding is at
    the settings' ``subsystems`` (an absence has no line of its own).

``covers``
    "The review covers items a-f" (6.1.2 a-j, 6.1.3 a-e, 6.1.4 a-f …). Each item is a field of
    the record; it is covered when present and not empty. With ``assessed: true`` an item is
    a mapping that either says ``applicable: false`` with a ``reason``, or records
    ``findings`` and a ``conclusion``.

``required``
    "Field F is required on kind K (clause c)", optionally only when another field has one of
    some values. An absent field is reported at the record's id (it has no line of its own).

``overdue``
    "X was due on a day and is still not done" (10.1, ...). A record of ``kind`` (of ``statuses``,
    default any but withdrawn; known at the as-of date) whose ``state`` field is one of ``open``
    and whose ``due`` date is before the as-of date gets the finding at its due field, with the
    days overdue; the due day itself is not late.

A table entry names the rule's id, title, clauses and severity like a ``@check``, and the
message parts that differ; the loader validates each entry against
``cms_build/data/ruletable.schema.json`` and reports a bad one at its file, line and column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator

from . import dates
from .api import Check, Context
from .errors import CmsProblem
from .dates import months_after
from .records import not_yet
from .findings import Issue
from .records import Record
from .yamlsafe import LoadError, load_file

Spec = dict[str, Any]  # one validated table entry
_SCHEMA = json.loads((Path(__file__).parent / "data" / "ruletable.schema.json").read_text(encoding="utf-8"))
_validators: list[Any] = []  # the jsonschema_rs validator (or None): made on the first table a run reads


def _entry_errors(data: Any) -> list[Any]:
    """The schema errors of a rule table, in path order. The Rust validator decides (one is
    enough for every table, with no formats asserted, like the Python one here); jsonschema,
    imported only then, explains a table it rejects."""
    if not _validators:
        try:
            import jsonschema_rs

            _validators.append(jsonschema_rs.validator_for(_SCHEMA, validate_formats=False))
        except ImportError:  # pragma: no cover - jsonschema alone decides and explains
            _validators.append(None)
    fast = _validators[0]
    if fast is not None and fast.is_valid(data):
        return []
    from jsonschema import Draft202012Validator

    return sorted(Draft202012Validator(_SCHEMA).iter_errors(data), key=lambda e: list(e.absolute_path))


DONE = ("approved", "superseded")


class RuleTableError(CmsProblem):
    """A rule table that cannot be read, at a line and column of it (rules.py names the file)."""


def load_table(path: Path) -> list[Check]:
    """The checks declared in one rule table file."""
    try:
        doc = load_file(path, max_bytes=1_048_576, max_nodes=50_000)
    except LoadError as exc:
        raise RuleTableError(exc.message, line=exc.line, col=exc.col, hint=exc.hint) from None
    errors = _entry_errors(doc.data)
    if errors:
        err = errors[0]
        line, col = doc.where(tuple(err.absolute_path))
        where = ".".join(str(p) for p in err.absolute_path) or "the file"
        raise RuleTableError(f"{where}: {err.message}", line=line, col=col, hint="see cms_build/data/ruletable.schema.json for what a rule table entry holds")
    checks = []
    table: dict[str, list[Spec]] = doc.data if isinstance(doc.data, dict) else {}
    for shape, build in _SHAPES.items():
        for i, spec in enumerate(table.get(shape) or []):
            fn = build(spec)
            fn.__name__ = spec["id"].replace(".", "_").replace("-", "_")
            chk = Check(
                id=spec["id"],
                title=spec["title"],
                clauses=tuple(spec["clauses"]),
                severity=spec["severity"],
                fn=fn,
                kinds=(spec["kind"],) if shape != "periodic" else (),
                subsystem=spec.get("subsystem", ""),
                description=spec.get("description") or _describe(shape, spec),
                # covers, required and overdue read only the record and the as-of date: record-local
                scope="" if shape == "periodic" else "record",
            )
            chk.line = doc.where((shape, i))[0]  # type: ignore[attr-defined]
            checks.append(chk)
    return checks


def _describe(shape: str, spec: Spec) -> str:
    clauses = ", ".join(spec["clauses"])
    if shape == "periodic":
        return (
            f"{clauses}: the latest {spec['what']} is no older than the setting {spec['interval']} "
            f"(months, counting records {', '.join(spec.get('counts', DONE))} known at the as-of date)."
        )
    if shape == "covers":
        items = ", ".join(f"{i['field']} ({i['item']})" for i in spec["items"])
        return f"{clauses}: each {spec['kind']} covers {items}."
    if shape == "overdue":
        return f"{clauses}: a {spec['kind']} whose {spec['state']} is {' or '.join(spec['open'])} is done by its {spec['due']} date."
    fields = ", ".join(f"{f['field']} ({f.get('clause', clauses)})" for f in spec["fields"])
    return f"{clauses}: each {spec['kind']} records {fields}."


# -- periodic ------------------------------------------------------------------------------
def _known(record: Record, ctx: Context, field: str, counts: tuple[str, ...]) -> bool:
    return record.status in counts and not not_yet(record, ctx.as_of) and (day := dates.parse(record.get(field))) is not None and day <= ctx.as_of


def _periodic(spec: Spec) -> Callable[[Context], Iterator[Issue]]:
    kind, field, counts = spec["kind"], spec["date"], tuple(spec.get("counts", DONE))
    what, hint = spec["what"], spec["hint"]

    def rule(ctx: Context) -> Iterator[Issue]:
        months = int(ctx.setting(spec["interval"]))
        if spec.get("active_when") and not any(r.status in DONE and not not_yet(r, ctx.as_of) for r in ctx.records(*spec["active_when"])):
            return
        done = [r for r in ctx.records(kind) if _known(r, ctx, field, counts)]
        if not done:
            starts = [
                d
                for g in spec.get("grace", [])
                for r in ctx.records(g["kind"])
                if not not_yet(r, ctx.as_of) and (d := dates.parse(r.get(g["field"]))) is not None and d <= ctx.as_of
            ]
            if starts:
                deadline = months_after(min(starts), months, ctx.as_of)
                if deadline is None or not deadline.late:
                    return
                message = f"there is no {what} dated on or before {ctx.as_of}; the first was due by {deadline.due}"
            else:
                message = f"there is no {what} dated on or before {ctx.as_of}"
            yield ctx.settings_issue("subsystems", message, hint=str(spec.get("hint_none", hint)))
            return
        last = max(done, key=lambda r: (dates.parse(r.get(field)), r.id))
        deadline = months_after(last.get(field), months, ctx.as_of)
        if deadline is not None and deadline.late:
            yield last.issue(field, f"the latest {what} is of {last.get(field)}; with a {months}-month interval the next was due by {deadline.due}", hint=hint)

    return rule


# -- covers --------------------------------------------------------------------------------
def _covers(spec: Spec) -> Callable[[Record, Context], Iterator[Issue]]:
    statuses = tuple(spec.get("statuses", ("approved",)))

    def rule(record: Record, ctx: Context) -> Iterator[Issue]:
        if record.status not in statuses or not_yet(record, ctx.as_of):
            return
        for item in spec["items"]:
            name, clause = item["field"], item["item"]
            value = record.get(name)
            label = f"{name} ({clause})"
            if value in (None, "", [], {}):
                yield record.issue("id", f"the {spec['what']} does not cover {label}", key=True, clauses=(clause,), hint=item.get("hint", f"add {name}"))
            elif spec.get("assessed"):
                if not isinstance(value, dict):
                    yield record.issue(
                        name,
                        f"{label} must say applicable: false with a reason, or record findings and a conclusion",
                        clauses=(clause,),
                        hint=item.get("hint", ""),
                    )
                elif value.get("applicable") is False:
                    if not value.get("reason"):
                        yield record.issue(name, f"{label} is marked not applicable without a reason", clauses=(clause,), hint="say why it does not apply")
                elif not (value.get("findings") and value.get("conclusion")):
                    yield record.issue(name, f"{label} has no findings or conclusion", clauses=(clause,), hint="record what was reviewed and the conclusion")

    return rule


# -- required ------------------------------------------------------------------------------
def _required(spec: Spec) -> Callable[[Record, Context], Iterator[Issue]]:
    statuses = spec.get("statuses")
    when = spec.get("when") or {}

    def rule(record: Record, ctx: Context) -> Iterator[Issue]:
        if statuses and record.status not in statuses:
            return
        if any(record.get(field) not in values for field, values in when.items()):
            return
        for item in spec["fields"]:
            value = record.get(item["field"])
            if value in (None, "", [], {}):
                clause = item.get("clause")
                yield record.issue(
                    "id",
                    item.get("message", f"{item['field']} is required ({clause or spec['clauses'][0]})"),
                    key=True,
                    clauses=(clause,) if clause else (),
                    hint=item.get("hint", f"add {item['field']}"),
                )

    return rule


# -- overdue -------------------------------------------------------------------------------
def _overdue(spec: Spec) -> Callable[[Record, Context], Iterator[Issue]]:
    statuses = tuple(spec.get("statuses", ("draft", "in_review", "approved", "superseded")))
    field, state, open_ = spec["due"], spec["state"], tuple(spec["open"])

    def rule(record: Record, ctx: Context) -> Iterator[Issue]:
        if record.status not in statuses or not_yet(record, ctx.as_of) or record.get(state) not in open_:
            return
        due = dates.parse(record.get(field))
        if due is not None and due < ctx.as_of:
            yield record.issue(
                field,
                f"{spec['what']} was due on {due} and is still {record.get(state)} ({(ctx.as_of - due).days} days overdue as of {ctx.as_of})",
                hint=spec["hint"],
            )

    return rule


_SHAPES: dict[str, Callable[[Spec], Any]] = {"periodic": _periodic, "covers": _covers, "required": _required, "overdue": _overdue}

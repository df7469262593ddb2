"""What was computed from one record: the results about it and the figures that rest on it.

Issue 17 item 5: a record's page (and `cms show ID`) shows what was computed from the record.
Issue 13: the entries are found by the roles of the results' fields, from each computation's
result type (`Result.result_types`, cms_build/results.py), in the same walk of typed results
cms_build/publish.py's Hider uses (results.resolve, value_type, roles ...), never by a key's name:

- an entry *about* a record is a mapping of the results that names it in a field typed
  ``RecordId`` (an emissions entry, a reported total beside its recomputation, a claim's
  balance: whatever the field is called) or is filed under its id in a mapping keyed by
  ``RecordId`` (claims, footprints, obligations, by_source ...);
- a figure *rests on* a record when it is a computed number (a ``TracedValue``) an input of
  which, or of one of its steps, has its ``Source`` in that record, outside the record's own
  entries: the totals, indicators and balances the record enters.
- a ``Source`` is where a value came from, not an entry: it is not walked into. JSON of no
  known type (a computation that returns no ResultModel) has no roles, so nothing is found in
  it (give the computation a model: the public profile needs one too).

The status shown beside them is the derived one (cms_build/statuses.py, from the results and
the findings), never a state a computation left in its result: an entry's ``status`` is left
out, and the claim's grade is the status's (current only while the claim is in force).

The site gives this the results and statuses of its publish.View (what the profile may show);
`cms show` gives it the run's own (it shows everything, as the internal profile does).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .results import RECORD, is_model, is_source_type, is_traced_type, item_type, keys_are_records, resolve, roles, value_type

# Keys of an entry that are not shown as its details: the record itself, the unit (the figures
# carry theirs), and the status and grade a computation left before the findings were known
# (statuses.py derives the ones shown).
NOT_DETAILS = {"record", "unit", "status", "computed_status", "tone", "reasons", "restricted"}
MAX_FIGURES = 200  # per record: a record feeding more totals than this is listed in part (cms export has all)
MAX_DEPTH = 40
MAX_STEP_DEPTH = 12  # steps `cms show` prints below a figure


@dataclass
class Figure:
    """A computed figure: the trace at `path` in the results of computation `computation`."""

    computation: str
    path: tuple
    trace: dict

    @property
    def where(self) -> str:
        return ".".join(str(p) for p in (self.computation, *self.path))


@dataclass
class Entry:
    """A mapping of the results about the record: its figures (outermost traces, at a path
    inside the entry) and its details (short values: ids, dates, words, flags, counts)."""

    computation: str
    path: tuple
    figures: list = field(default_factory=list)  # [(path inside the entry, trace)]
    details: list = field(default_factory=list)  # [(path inside the entry, scalar or list of scalars)]
    nested: list = field(default_factory=list)  # per figure: True when it is a step of another figure of the entry

    @property
    def roots(self) -> list:
        """The figures that are no step of another: their traces show all the entry's figures."""
        return [f for f, inner in zip(self.figures, self.nested or [False] * len(self.figures)) if not inner]

    @property
    def where(self) -> str:
        return ".".join(str(p) for p in (self.computation, *self.path))


@dataclass
class RecordResults:
    record: str
    status: dict | None = None  # statuses.py: the derived status of the record, when it has one
    entries: list = field(default_factory=list)  # [Entry]
    figures: list = field(default_factory=list)  # [Figure] resting on the record, outside its entries
    more: int = 0  # figures left out past MAX_FIGURES

    def __bool__(self) -> bool:
        return bool(self.status or self.entries or self.figures)


def _scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, bool))


def _entry(computation: str, path: tuple, node: dict, tp, status: dict | None) -> Entry:
    """The entry at `path`: `node`, of type `tp`."""
    entry = Entry(computation, path)
    if is_traced_type(tp):
        entry.figures.append(((), node))
        return entry

    def walk(value, vtype, at: tuple, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        if is_traced_type(vtype) and isinstance(value, dict):
            entry.figures.append((at, value))
            return
        if isinstance(value, dict):
            for k, v in value.items():
                t = resolve(value_type(vtype, k), v)[0]
                if depth == 0 and k in NOT_DETAILS:
                    continue
                if depth == 0 and k == "grade" and status is not None and "grade" in status:
                    continue  # the derived grade is shown with the status
                if is_source_type(t) or (isinstance(v, list) and is_source_type(resolve(item_type(t), v[0] if v else None)[0])):
                    continue  # where a value came from: shown in the traces
                if v is None:
                    continue
                if depth < 2 and (_scalar(v) or (isinstance(v, list) and v and all(_scalar(x) for x in v))):
                    entry.details.append((at + (k,), v))  # floats are figures only inside a trace (with their unit)
                    continue
                walk(v, t, at + (k,), depth + 1)
        elif isinstance(value, list):
            item = item_type(vtype)
            for n, v in enumerate(value):
                if isinstance(v, (dict, list)):
                    walk(v, resolve(item, v)[0], at + (n,), depth + 1)

    walk(node, tp, (), 0)
    # a figure that is a step of another one of the entry (an emissions line's activity data
    # inside its total, a claim's balance inside its surplus) is listed, and its trace shown
    # where it is a step: each calculation once
    nested = [sub for _, tr in entry.figures for sub in _steps(tr)]
    entry.nested = [any(tr == sub for sub in nested) for _, tr in entry.figures]
    return entry


def _steps(trace: dict, depth: int = 0):
    """Every step of a trace, at any depth."""
    if depth > MAX_DEPTH:
        return
    for s in trace.get("steps") or []:
        if isinstance(s, dict):
            yield s
            yield from _steps(s, depth + 1)


def cited(trace: dict, depth: int = 0) -> set:
    """The records the inputs of a trace and of its steps take values from."""
    if depth > MAX_DEPTH or not isinstance(trace, dict):
        return set()
    out = {
        i["source"]["record"]
        for i in trace.get("inputs") or []
        if isinstance(i, dict) and isinstance(i.get("source"), dict) and isinstance(i["source"].get("record"), str)
    }
    for s in trace.get("steps") or []:
        out |= cited(s, depth + 1)
    return out


def _about_ids(node: dict, tp, filed_under, ids) -> set:
    """The records (of `ids`) a typed mapping of the results is about: those its RecordId fields
    name, the one it is filed under (`filed_under`: its key in a mapping keyed by RecordId)."""
    out = {filed_under} if filed_under in ids else set()
    if is_model(tp) and not is_source_type(tp):
        for key, role in roles(tp, node).items():
            if role == RECORD.name and isinstance(node[key], str) and node[key] in ids:
                out.add(node[key])
    return out


def results_index(results: dict, statuses: dict | None, ids, types: dict | None = None) -> dict[str, RecordResults]:
    """What was computed from each record of `ids`, in one walk of the results (in their order,
    so deterministic): record id -> RecordResults (records nothing was computed from are absent).
    `types`: computation id -> the model of its result (Result.result_types, View.result_types);
    a result without one has no roles and gives nothing."""
    ids = set(ids)
    types = types or {}
    statuses = statuses if isinstance(statuses, dict) else {}
    out: dict[str, RecordResults] = {}

    def get(rid: str) -> RecordResults:
        if rid not in out:
            status = statuses.get(rid)
            out[rid] = RecordResults(rid, status=status if isinstance(status, dict) else None)
        return out[rid]

    def walk(node, tp, computation: str, path: tuple, depth: int, excluded: frozenset, filed_under) -> None:
        if depth > MAX_DEPTH or tp is None or is_source_type(tp):
            return  # no known type (no roles), or where a value came from
        if isinstance(node, dict):
            about = _about_ids(node, tp, filed_under, ids) - excluded
            for rid in sorted(about):
                rr = get(rid)
                rr.entries.append(_entry(computation, path, node, tp, rr.status))
            if is_traced_type(tp):
                for rid in sorted((cited(node) & ids) - excluded - about):
                    rr = get(rid)
                    if len(rr.figures) < MAX_FIGURES:
                        rr.figures.append(Figure(computation, path, node))
                    else:
                        rr.more += 1
                return  # its steps are part of it
            inner = excluded | about  # inside an entry about X, X's figures are the entry's
            by_record = keys_are_records(tp)
            for k, v in node.items():
                walk(v, resolve(value_type(tp, k), v)[0], computation, path + (k,), depth + 1, inner, k if by_record else None)
        elif isinstance(node, list):
            item = item_type(tp)
            for n, v in enumerate(node):
                walk(v, resolve(item, v)[0], computation, path + (n,), depth + 1, excluded, None)

    for computation, value in (results or {}).items():
        walk(value, types.get(computation), str(computation), (), 0, frozenset(), None)
    for rid, status in statuses.items():  # a derived status alone (a corrective action's) is shown too
        if rid in ids and isinstance(status, dict):
            get(rid)
    return out


def record_results(results: dict, statuses: dict | None, record_id: str, types: dict | None = None) -> RecordResults:
    """Everything computed from one record (results_index for that record alone)."""
    found = results_index(results, statuses, {record_id}, types).get(record_id)
    return found if found is not None else RecordResults(record_id)


# -- as text, for `cms show` -------------------------------------------------------------------
def _fmt(value, unit: str = "") -> str:
    from .site.escape import fmt_value

    if value is None:
        return "-"  # not computed (or withheld)
    return fmt_value(value, unit) if isinstance(value, (int, float)) and not isinstance(value, bool) else f"{value} {unit}".strip()


def _origin(src, record_id: str) -> str:
    if not isinstance(src, dict):
        return ""
    if src.get("record"):
        where = f"{src.get('file')}:{src.get('line')}" if src.get("file") and src.get("line") else ""
        path = src.get("path") if src.get("path") and src.get("path") != where else ""
        text = " ".join(p for p in (f"{src['record']}", path, f"({where})" if where else "") if p)
        if src.get("column"):
            text += f" column {src['column']}"
        return text + (" <- this record" if src.get("record") == record_id else "")
    if src.get("step"):
        return f"step {src['step']}"
    return str(src.get("citation") or src.get("library") or src.get("setting") or "")


def trace_lines(where: str, trace: dict, record_id: str, indent: str = "  ", depth: int = 0) -> list[str]:
    """A figure as `cms show` prints it: value in the site's number format, formula, inputs
    with where each came from (file:line), notes."""
    lines = [f"{indent}{where}: {_fmt(trace.get('value'), trace.get('unit') or '')}" + (f"  — {trace['label']}" if trace.get("label") else "")]
    if trace.get("formula"):
        lines.append(f"{indent}    {trace['formula']}" + (f"  (method {trace['method']})" if trace.get("method") else ""))
    for i in trace.get("inputs") or []:
        if not isinstance(i, dict):
            continue
        name = " ".join(str(x) for x in (i.get("symbol"), i.get("name")) if x)
        note = f" ({i['note']})" if i.get("note") else ""
        lines.append(f"{indent}    {name}{note} = {_fmt(i.get('value'), i.get('unit') or '')}  [{_origin(i.get('source'), record_id)}]")
    for note in trace.get("notes") or []:
        lines.append(f"{indent}    note: {note}")
    if depth < MAX_STEP_DEPTH:  # the steps, each under the figure it gives an input to
        for n, step in enumerate(trace.get("steps") or [], start=1):
            if isinstance(step, dict):
                lines.extend(trace_lines(f"step {n}", step, record_id, indent + "    ", depth + 1))
    return lines


def text_lines(rr: RecordResults, max_figures: int = 20) -> list[str]:
    """What `cms show` prints of the results: the derived status, each entry about the record
    with its details and figures, then the figures resting on it."""
    lines: list[str] = []
    s = rr.status
    if s:
        lines.append(f"status ({s.get('kind')}): {s.get('status')}" + (f" — {s['reason']}" if s.get("reason") else ""))
        if "grade" in s:
            lines.append(f"  grade: {s.get('grade') or '-'} (computed from the credits: {s.get('computed_grade') or '-'})")
        for r in s.get("reasons") or []:
            if isinstance(r, dict):
                lines.append(f"  because of {r.get('rule')} ({r.get('severity')})")
    lines.append(f"results about it ({len(rr.entries)}):" if rr.entries else "results about it: -")
    for e in rr.entries:
        lines.append(f"  {e.where}")
        for at, value in e.details:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            lines.append(f"    {'.'.join(map(str, at))}: {shown}")
        for (at, trace), inner in list(zip(e.figures, e.nested or [False] * len(e.figures)))[:max_figures]:
            where = ".".join(map(str, (e.where, *at)))
            if inner:  # a step of another figure, printed with it
                lines.append(
                    f"    {where}: {_fmt(trace.get('value'), trace.get('unit') or '')}"
                    + (f"  — {trace['label']}" if trace.get("label") else "")
                    + "  (a step of another figure of it, printed there)"
                )
            else:
                lines.extend(trace_lines(where, trace, rr.record, indent="    "))
        if len(e.figures) > max_figures:
            lines.append(f"    ... {len(e.figures) - max_figures} more figures (cms export --format json has them all)")
    total = len(rr.figures) + rr.more
    lines.append(f"computed from it ({total}):" if total else "computed from it: -")
    for f in rr.figures[:max_figures]:
        lines.extend(trace_lines(f.where, f.trace, rr.record))
    if total > max_figures:
        lines.append(f"  ... {total - max_figures} more (cms export --format json has them all)")
    return lines

"""Record content and computed results as Markdown fragments, laid out from the schemas.

Nothing here knows a record kind: every kind is shown from its schema (labels from the
titles in the site language, references as links, attached files as downloads), and every
computed result is shown from its shape (a computed number as a calculation trace, a mapping
as a table, a list of mappings as a grid). Whether a value is a computed number or a source
is decided by its type where the result has a model (issue 13: a dict with the keys of a trace
in a plain-JSON field is data, not a trace), and by its keys only in JSON no model describes.
Every value goes through escape.md; every link is built by urls from an id the index knows.
"""

from __future__ import annotations

import json

from ..findings import text_in
from ..publish import RESTRICTED
from ..results import DerivedStatus, ResultModel, TracedValue, as_json, viewed, is_source_type, is_traced_type, item_type, resolve, value_type
from .escape import Md, fmt_number, fmt_unit, fmt_value, join, md
from .urls import Linker, anchor

MAX_DEPTH = 8
LONG_TEXT = 120  # characters: longer text gets a section of its own, not a table cell


def restricted(t) -> Md:
    return Md(f'<span class="cms-restricted" title="{md(t["restricted_note"])}">{md(t["restricted"])}</span>')


def badge(kind: str, value: str, text) -> Md:
    """A coloured label; kind and value are chosen by the site (classes are [a-z-])."""
    cls = "".join(c for c in f"{kind}-{value}".lower().replace("_", "-") if c.isascii() and (c.isalnum() or c == "-"))
    return Md(f'<span class="cms-badge cms-{cls}">{md(text)}</span>')


def is_trace(value) -> bool:
    """A computed number of a typed result (a TracedValue the View did not restrict: a
    restricted one keeps only its shape, no trace to show). What a domain's page asks of a field
    of its model; JSON is never a trace here (ResultRenderer decides JSON by its type)."""
    return isinstance(value, TracedValue) and not value._restricted


class _NoModel:
    """The type of JSON no model describes (ResultRenderer's `tp`)."""

    def __repr__(self) -> str:
        return "NO_MODEL"


# A result no model describes: an organization's own computation (checks/ of its repository)
# that returns plain JSON, so Result.result_types has no type for it. Only there are a trace and
# a source recognised by their keys (looks_like_trace, looks_like_source): the generic pages
# show such a result as well as they can. In a typed result the type decides, and JSON under a
# JsonValue field (resolve gives None) is data whatever its keys.
NO_MODEL = _NoModel()


def looks_like_trace(value) -> bool:
    """The JSON form of a trace, by its keys (JSON of no model only: NO_MODEL)."""
    return isinstance(value, dict) and "formula" in value and "inputs" in value and "value" in value


def is_scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def result_key(model, name) -> str:
    """A result key in the site language (strings.yaml result_keys), else the key itself."""
    names = model.t["result_keys"] if isinstance(model.t.get("result_keys"), dict) else {}
    if names.get(name):
        return str(names[name])
    words = model.value_words(name) if hasattr(model, "value_words") else None
    return words or (str(name).replace("_", " ") if model.lang == "en" else str(name))


_SOURCE_KEYS = {"record", "kind", "path", "file", "line", "col", "csv", "column"}


def looks_like_source(value) -> bool:
    """Where a computed figure was read (a record's field or a row of an attached table), by its
    keys (JSON of no model only: NO_MODEL)."""
    return (
        isinstance(value, dict) and bool(value) and set(value) <= _SOURCE_KEYS and (isinstance(value.get("record"), str) or isinstance(value.get("file"), str))
    )


def _of_type(tp, value) -> tuple:
    """A value the generic renderers are given as JSON and its type: a viewed model (or a list
    of models of one type, a typed result's list field) gives its own."""
    if isinstance(value, ResultModel):
        return as_json(value), type(value)
    if isinstance(value, list) and value and all(isinstance(v, ResultModel) for v in value):
        kinds = {type(v) for v in value}
        return as_json(value), (list[next(iter(kinds))] if len(kinds) == 1 else tp)
    return value, tp


def _field(tp, key, value):
    """The type of `value` under `key` of a mapping of type `tp` (results.value_type, resolved)."""
    return NO_MODEL if tp is NO_MODEL else resolve(value_type(tp, key), value)[0]


def _item(tp, value):
    """The type of `value`, an item of a list of type `tp`."""
    return NO_MODEL if tp is NO_MODEL else resolve(item_type(tp), value)[0]


def traced(value, tp) -> bool:
    """Whether JSON `value` of type `tp` is shown as a calculation trace: a TracedValue's JSON
    with its inputs. One the View withheld whole (publish._restricted) keeps only the shape
    fields, no inputs: shown as a mapping (its formula and unit, the value restricted)."""
    if tp is NO_MODEL:
        return looks_like_trace(value)
    return is_traced_type(tp) and isinstance(value, dict) and "inputs" in value


def sourced(value, tp) -> bool:
    """Whether JSON `value` of type `tp` is shown as where a figure came from (a Source)."""
    if tp is NO_MODEL:
        return looks_like_source(value)
    return is_source_type(tp) and isinstance(value, dict) and bool(value)


def _quantity_like(value: dict) -> bool:
    keys = set(value)
    return "value" in keys and keys <= {"value", "unit", "currency"} and is_scalar(value.get("value"))


class RecordRenderer:
    """One record's fields as Markdown, for the page at `page`."""

    def __init__(self, model, record, page: str):
        self.m = model
        self.t = model.t
        self.record = record
        self.link = Linker(page)

    # -- inline values --------------------------------------------------------------------
    def ref(self, target) -> Md:
        """A link to a referenced record, or 'restricted' when this profile hides it."""
        m = self.m
        if isinstance(target, str) and m.visible(target):
            r = m.by_id[target]
            text = r.id if r.title == r.id else f"{r.id} {r.title}"
            return self.link.to(m.page_of(r.id), text)
        if m.public or not isinstance(target, str):
            return restricted(self.t)
        return Md(f'{md(target)} <span class="cms-missing">⚠</span>')  # dangling: a ref.invalid finding says so

    def file(self, path: tuple, value) -> Md:
        target = self.m.attachments.get((self.record.id, path))
        if target:
            tab = self.m.tables.get(target)  # a CSV: also as a page with a row anchor per line
            return join([self.link.to(target, value), self.link.to(tab["page"], f"({self.t['table_view']})")], " ") if tab else self.link.to(target, value)
        if (self.record.id, path) in self.m.withheld_files:  # not published: publish.View.attachments
            return join([md(value), restricted(self.t)], " ")
        return Md(f'{md(value)} <span class="cms-missing">({md(self.t["attachment_missing"])})</span>')

    def inline(self, path: tuple, value, depth: int = 0) -> Md:
        """A value on one line (a table cell)."""
        m, rec = self.m, self.record
        if depth > MAX_DEPTH:
            return md(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))
        if isinstance(value, str) and m.is_restricted_item(rec, path, value):
            return restricted(self.t)
        if isinstance(value, str) and m.is_ref_path(rec, path):
            return self.ref(value)
        if isinstance(value, str) and m.is_file_path(rec, path):
            return self.file(path, value)
        if value is None:
            return Md("")
        if isinstance(value, bool):
            return md(self.t["bool_yes"] if value else self.t["bool_no"])
        if isinstance(value, (int, float)):
            return md(fmt_number(value) if isinstance(value, float) else value)
        if isinstance(value, str):
            return md(m.enum_label(rec.kind, path, value))
        if isinstance(value, dict):
            if _quantity_like(value):
                amount = value.get("value")
                unit = value.get("unit", value.get("currency", ""))
                if isinstance(amount, (int, float)) and not isinstance(amount, bool):  # the site's one number format
                    return md(fmt_value(amount, unit))
                return join([self.inline(path + ("value",), amount, depth + 1), md(unit)], " ")
            parts = [Md(f"{md(m.label(rec.kind, path + (k,)))}: ") + self.inline(path + (k,), v, depth + 1) for k, v in value.items()]
            return join(parts, Md("<br>"))
        if isinstance(value, list):
            items = [self.inline(path + (i,), v, depth + 1) for i, v in enumerate(value)]
            sep = Md("<br>") if any(not is_scalar(v) for v in value) else Md(", ")
            return join(items, sep)
        return md(value)

    # -- blocks ---------------------------------------------------------------------------
    def blocks(self, data: dict, skip: set) -> list[dict]:
        """Top-level fields as page blocks, in schema order, then any others.

        A block is {"type": "rows", rows: [(label, value)]} for the short fields, gathered in
        one table, {"type": "text", ...} for long text, {"type": "table", ...} for a nested
        mapping, {"type": "grid", ...} for a list of mappings.
        """
        out: list[dict] = []
        rows: list = []
        for key in self._ordered(data, ()):
            if key in skip:
                continue
            value = data[key]
            block = self.block((key,), value)
            if block is None:
                rows.append((self.field_label((key,)), self.inline((key,), value)))
            else:
                out.append(block)
        # short fields first, in one table; then the sections, in schema order
        return ([{"type": "rows", "rows": rows}] if rows else []) + out

    def field_label(self, path: tuple) -> Md:
        return md(self.m.label(self.record.kind, path))

    def block(self, path: tuple, value) -> dict | None:
        """A block for a field that does not fit a table cell, or None."""
        label = self.field_label(path)
        help_text = md(self.m.description(self.record.kind, path))
        if isinstance(value, str):
            if ("\n" in value.strip() or len(value) > LONG_TEXT) and not self.m.is_ref_path(self.record, path):
                return {"type": "text", "label": label, "help": help_text, "text": md(value)}
            return None
        if isinstance(value, dict) and value and not _quantity_like(value):
            rows = [(self.field_label(path + (k,)), self.inline(path + (k,), value[k])) for k in self._ordered(value, path)]
            return {"type": "table", "label": label, "help": help_text, "rows": rows}
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            columns: list = []
            for item in value:
                for k in self._ordered(item, path + (0,)):
                    if k not in columns:
                        columns.append(k)
            ordered = self._ordered({k: None for k in columns}, path + (0,))
            headers = [self.field_label(path + (0, k)) for k in ordered]
            grid = [[self.inline(path + (i, k), item.get(k)) if k in item else Md("") for k in ordered] for i, item in enumerate(value)]
            return {"type": "grid", "label": label, "help": help_text, "headers": headers, "rows": grid}
        return None

    def _ordered(self, data: dict, path: tuple) -> list:
        """Keys of data: first as the schema lists its properties, then the rest sorted."""
        schema = self.m.field_schema(self.record.kind, path) if path else self._top_schema()
        order = list(schema.get("properties", {}) or {})
        keys = [k for k in order if k in data]
        keys += sorted((k for k in data if k not in order), key=str)
        return keys

    def _top_schema(self) -> dict:
        kind = self.m.schemas.kinds.get(self.record.kind)
        return kind.schema if kind else {}


class TraceRenderer:
    """Calculation traces, recursively: formula, inputs with their sources, nested steps."""

    def __init__(self, model, page: str, id_prefix: str = "t"):
        self.m = model
        self.t = model.t
        self.link = Linker(page)
        self.prefix = id_prefix
        self._ids: set = set()
        self.rendered: list = []  # (trace, its heading's id), in the order written

    def unique(self, *parts) -> str:
        base = anchor(self.prefix, *parts)
        out, n = base, 1
        while out in self._ids:
            n += 1
            out = f"{base}-{n}"
        self._ids.add(out)
        return out

    def value(self, v, unit="") -> Md:
        if v is None:
            return restricted(self.t)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return join([md(v), md(unit)], " ") if unit else md(v)
        return md(fmt_value(v, unit))  # the site's one number format (escape.fmt_value)

    def number(self, v, unit="") -> tuple[Md, Md]:
        """A value and its unit for the two columns of an input: the number as escape.fmt_value
        formats it in that unit (tCO2e with two decimals, a share as a percentage)."""
        if v is None:
            return restricted(self.t), md(unit)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return md(v), md(unit)
        text, shown = fmt_value(v, unit), fmt_unit(unit)
        if text.endswith(" %") and not shown.endswith("%"):
            return md(text), Md("")  # a share shown as a percentage carries its unit
        if shown and text.endswith(" " + shown):
            text = text[: -len(shown) - 1]
        return md(text), md(shown)

    def source(self, src) -> Md:
        t = self.t
        if not isinstance(src, dict) or not src:
            return Md("")
        if "record" in src:
            rid = src.get("record")
            if rid == RESTRICTED or not self.m.visible(rid):
                return restricted(t)
            r = self.m.by_id[rid]
            parts = [self.link.to(self.m.page_of(rid), rid)]
            cited = f"{src.get('file', r.rel)}:{src.get('line')}" if src.get("line") else ""
            if src.get("path") and str(src["path"]) != cited:
                parts.append(md(src["path"]))
            if cited:
                parts.append(self.cited(rid, src.get("file", r.rel), src.get("line"), cited, src.get("column")))
            elif isinstance(src.get("rows"), int) and isinstance(src.get("file"), str):
                parts.append(self.counted(rid, src["file"], src["rows"], src.get("column")))
            return join([parts[0], join(parts[1:], " · ")], " ") if len(parts) > 1 else parts[0]
        if "library" in src:
            parts = [md(t["source_library"]), md(src.get("library")), md(src.get("citation", ""))]
            # one neutral line per factor: its source and whether it was checked against the
            # original (factors.py second_hand), never a warning box
            if "second_hand" in src:
                parts.append(md(t["factor_unchecked"] if src.get("second_hand") else t["factor_checked"]))
            return join([p for p in parts if str(p)], " · ")
        if "step" in src:
            return md(f"{t['trace_steps']} {src.get('step')}")
        if "setting" in src:
            return join([md(t["source_setting"]), md(src.get("setting")), md(src.get("citation", ""))], " · ")
        if isinstance(src.get("file"), str):  # a row of an attached table (CSV) with no record named
            if not src.get("line"):
                return md(src["file"])
            return self.cited(None, src["file"], src.get("line"), f"{src['file']}:{src['line']}", src.get("column"))
        return md(json.dumps(src, ensure_ascii=False, sort_keys=True, default=str))

    def counted(self, record_id, file: str, rows: int, column=None) -> Md:
        """rows of an attached table cited together (Σ of a CSV's measured rows), linked to the
        table's first page where this build shows it."""
        page = self.m.cited_table(record_id, file)
        shown = self.link.to(page, file) if page else md(file)
        what = f"{column}, {rows} rows" if isinstance(column, str) and column else f"{rows} rows"
        return join([shown, md(f"({what})")], " ")

    def cited(self, record_id, file, line, text: str, column=None) -> Md:
        """A file:line a trace cites, linked to the line of the record's source view or to the row
        of its attached table (issue 17 item 8); as text where this build shows neither."""
        target = self.m.cited_line(record_id, file, line)
        shown = self.link.to(target[0], text, target[1]) if target else md(text)
        return join([shown, md(f"({column})")], " ") if isinstance(column, str) and column else shown

    def render(self, trace: dict, level: int = 3, number: str = "", key_path: tuple = (), ident: str = "") -> list[str]:
        """Markdown lines of a trace (its JSON form, or a TracedValue) and its steps; headings
        go no deeper than h6."""
        trace = as_json(trace)
        t = self.t
        lines: list[str] = []
        ident = ident or (self.unique(*key_path) if key_path else self.unique(number or "root"))
        self.rendered.append((trace, ident))
        steps = [s for s in trace.get("steps") or [] if isinstance(s, dict)]
        numbers = [f"{number}.{k}" if number else str(k) for k in range(1, len(steps) + 1)]
        step_ids = [self.unique(*(key_path + (str(k),))) if key_path else self.unique(numbers[k - 1]) for k in range(1, len(steps) + 1)]
        # an input computed in a step names it ({"step": "AD"}): link to that step
        by_label = {str(s.get("label")): (n, i) for s, n, i in zip(steps, numbers, step_ids) if s.get("label")}
        heading = "#" * min(level, 6)
        label = trace.get("label") or trace.get("formula") or ""
        title = md(t["restricted"] if label == RESTRICTED else (self.m.value_words(label) or label))
        numbered = f"{md(number)} " if number else ""
        lines.append(f"{heading} {numbered}{title} {{#{ident}}}")
        lines.append("")
        summary = [Md(f"**= {self.value(trace.get('value'), trace.get('unit', ''))}**")]
        if trace.get("formula"):
            summary.append(Md(f'{md(t["trace_formula"])}: <span class="cms-formula">{md(trace["formula"])}</span>'))
        if trace.get("method"):
            summary.append(Md(f"{md(t['trace_method'])}: {md(self.m.value_words(trace['method']) or trace['method'])}"))
        if trace.get("restricted"):
            summary.append(restricted(t))
        lines.append(str(join(summary, Md(" · "))))
        lines.append("")
        inputs = [i for i in trace.get("inputs") or [] if isinstance(i, dict)]
        if inputs:
            lines.append(f"| {md(t['trace_symbol'])} | {md(t['trace_name'])} | {md(t['value'])} | {md(t['trace_unit'])} | {md(t['trace_source'])} |")
            lines.append("|---|---|--:|---|---|")
            for i in inputs:
                name = restricted(t) if i.get("name") == RESTRICTED else md(i.get("name", ""))
                if i.get("note"):
                    name = join([name, md(f"({i['note']})")], " ")
                src = i.get("source")
                if isinstance(src, dict) and set(src) == {"step"} and str(src["step"]) in by_label:
                    n, target = by_label[str(src["step"])]
                    source = self.link.to(self.link.src, f"→ {t['trace_steps']} {n}", target)
                else:
                    source = self.source(src)
                shown, unit = self.number(i.get("value"), i.get("unit", ""))
                lines.append(f"| {md(i.get('symbol', ''))} | {name} | {shown} | {unit} | {source} |")
            lines.append("")
        notes = [n for n in trace.get("notes") or []]
        for n in notes:
            lines.append(f"- {md(n)}")
        if notes:
            lines.append("")
        for k, step in enumerate(steps, start=1):
            lines.extend(self.render(step, level + 1, numbers[k - 1], key_path + (str(k),) if key_path else (), ident=step_ids[k - 1]))
        if number:
            # a step (every level below the first) is collapsed: the reader sees its name and
            # value and opens it (issue 17 item 7); a plain <details> (md_in_html parses the
            # Markdown inside), no script (the CSP forbids inline scripts). A link to a step's
            # heading opens it: browsers expand a <details> that holds the fragment's target.
            head = join([md(number), title, Md("="), self.value(trace.get("value"), trace.get("unit", ""))], " ")
            lines = ['<details class="cms-trace-step" markdown="1">', f"<summary>{head}</summary>", "", *lines, "</details>", ""]
        return lines


class ResultRenderer:
    """Any computed result (JSON), generically: traces, tables, grids, nested sections."""

    def __init__(self, model, page: str, id_prefix: str = "r"):
        self.m = model
        self.t = model.t
        self.traces = TraceRenderer(model, page, id_prefix)
        self.link = Linker(page)

    def key(self, name) -> str:
        return result_key(self.m, name)

    def cell(self, value, depth: int = 0, tp=NO_MODEL) -> Md:
        """A value in a table cell: numbers formatted, record ids and sources linked. `tp`: the
        value's type (cms_build/results.py), NO_MODEL for a result no model describes."""
        value, tp = _of_type(tp, value)
        if traced(value, tp):
            return self.traces.value(value.get("value"), value.get("unit", ""))
        if isinstance(value, dict) and value.get("restricted") and set(value) <= {"record", "restricted", "id", "title"}:
            return restricted(self.t)
        if sourced(value, tp):
            return self.traces.source(value)
        if isinstance(value, list) and value and all(sourced(v, _item(tp, v)) for v in value):
            return join([self.traces.source(v) for v in value[:20]], ", ")
        if isinstance(value, dict) and depth < 3:
            return join([Md(f"{md(k)}: ") + self.cell(v, depth + 1, _field(tp, k, v)) for k, v in value.items()], Md("<br>"))
        if isinstance(value, list) and depth < 3 and all(is_scalar(v) for v in value):
            return join([self.cell(v, depth + 1, _item(tp, v)) for v in value], ", ")
        if isinstance(value, (dict, list)):
            return md(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)[:500])
        if isinstance(value, float):
            return md(fmt_number(value))
        if isinstance(value, bool):
            return md(self.t["bool_yes"] if value else self.t["bool_no"])
        if isinstance(value, str) and value != RESTRICTED and self.m.visible(value):
            return self.link.to(self.m.page_of(value), value)  # a record id: link it
        if value == RESTRICTED:
            return restricted(self.t)
        words = self.m.value_words(value)  # an enum value (method, category, market key) as words
        return md(words if words else value)

    def render(self, value, level: int = 2, path: tuple = (), title: str = "", tp=NO_MODEL) -> list[str]:
        """A result as Markdown lines. `tp`: its type (a model, a typing form of the models'
        annotations: cms_build/results.py), NO_MODEL for a result no model describes; a viewed
        model brings its own."""
        value, tp = _of_type(tp, value)
        lines: list[str] = []
        heading = "#" * min(level, 6)
        if traced(value, tp):
            lines.extend(self.traces.render(value, level, "", path or ("root",)))
            return lines
        if title:
            lines += [f"{heading} {md(title)}", ""]
            level += 1
        if isinstance(value, dict):
            scalars = [k for k, v in value.items() if not isinstance(v, (dict, list)) or (isinstance(v, list) and all(is_scalar(x) for x in v))]
            if scalars:
                lines += [f"| {md(self.t['field'])} | {md(self.t['value'])} |", "|---|---|"]
                lines += [f"| {md(self.key(k))} | {self.cell(value[k], tp=_field(tp, k, value[k]))} |" for k in scalars]
                lines.append("")
            for k, v in value.items():
                if k in scalars:
                    continue
                lines.extend(self.render(v, level, path + (str(k),), title=self.key(k), tp=_field(tp, k, v)))
            return lines
        if isinstance(value, list):
            items = [(x, _item(tp, x)) for x in value]
            if (
                value
                and all(isinstance(x, dict) and not traced(x, xt) for x, xt in items)
                and all(all(is_scalar(v) or traced(v, _field(xt, k, v)) or isinstance(v, list) for k, v in x.items()) for x, xt in items)
            ):
                columns: list = []
                for x in value:
                    columns += [k for k in x if k not in columns]
                lines += ["| " + " | ".join(str(md(self.key(c))) for c in columns) + " |", "|" + "---|" * len(columns)]
                lines += ["| " + " | ".join(str(self.cell(x.get(c), tp=_field(xt, c, x.get(c)))) for c in columns) + " |" for x, xt in items]
                lines.append("")
                return lines
            for i, (x, xt) in enumerate(items, start=1):
                if is_scalar(x):
                    lines.append(f"- {self.cell(x, tp=xt)}")
                else:
                    lines.extend(self.render(x, level, path + (str(i),), title=str(i), tp=xt))
            lines.append("")
            return lines
        lines += [str(self.cell(value, tp=tp)), ""]
        return lines


TONES = ("good", "warn", "bad", "neutral")


def as_status(value) -> DerivedStatus:
    """A derived status as its model: a DerivedStatus as it is, a status's JSON (the View's
    statuses, an organization's page) read through `viewed`."""
    return value if isinstance(value, DerivedStatus) else viewed(DerivedStatus, value)


def status_name(t, s: DerivedStatus) -> str:
    """The name of a derived status (cms_build/statuses.py) in the site language."""
    status = s.status or ""
    own = {"claim": "claim_status_names", "target": "target_status_names", "obligation": "position_names"}.get(str(s.kind))
    names = {**t["verdict_names"], **(t[own] if own else {})}
    return str(names.get(status) or status)


def status_badge(t, s: DerivedStatus) -> Md:
    """A derived status as a badge coloured by its tone: green only when nothing is wrong."""
    tone = s.tone if s.tone in TONES else "neutral"
    return Md(f'<span class="cms-badge cms-tone-{tone}">{md(status_name(t, s))}</span>')


def status_banner(t, s: DerivedStatus, lang: str) -> Md:
    """The banner a record page opens with: its status, why (in the site's language), and the
    rules behind it."""
    tone = s.tone if s.tone in TONES else "neutral"
    kind = t["verdict_kinds"].get(str(s.kind), s.kind or "")
    parts = [f"{md(kind)}: {md(status_name(t, s))}"]
    if s.reason:
        parts.append(f" — {md(text_in(s.reason, lang))}")
    if s.reasons:
        parts.append(f"<br>{md(t['verdict_reasons'])}: " + "; ".join(f"{md(r.rule)} ({md(r.severity)})" for r in s.reasons))
    return Md(f'<div class="cms-status-banner cms-tone-{tone}">{"".join(parts)}</div>')


def status_legend(t, kind: str) -> Md:
    """What each status of a kind means (cms_build/statuses.py MEANING): shown beside the statuses."""
    from ..statuses import MEANING
    from .escape import md as _md

    rows = [
        f"| {status_badge(t, DerivedStatus(kind=kind, status=status, tone=_legend_tone(kind, status)))} | {_md(text)} |"
        for status, text in MEANING.get(kind, {}).items()
    ]
    if not rows:
        return Md("")
    return Md(f"**{_md(t['status_legend'])}**\n\n| {_md(t['status'])} | {_md(t['status_meaning'])} |\n|---|---|\n" + "\n".join(rows))


def _legend_tone(kind: str, status: str) -> str:
    from ..statuses import BAD, GREEN

    return "bad" if status in BAD else "good" if status in GREEN.get(kind, ()) else "warn" if status in ("behind", "correction_pending") else "neutral"

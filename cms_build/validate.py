"""Schema validation, with messages a records editor can act on.

jsonschema reports errors in the schema's terms ("'x' is a required property"); here each
error becomes: the field (as people write it), what was expected, and a hint, located at
the exact line and column of the value (or of the key, for an unknown field).
"""

from __future__ import annotations

import re

import difflib

from .findings import Issue, format_path
from .schemas import Kind, SchemaSet
from .yamlsafe import Document

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping (key: value lines)",
    "null": "empty",
}


_NO_SUCH_DAY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")  # well written, yet invalid: 02-30


def type_name(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _expected_types(t) -> str:
    types = t if isinstance(t, list) else [t]
    return " or ".join(_TYPE_NAMES.get(x, x) for x in types)


def validate(doc: Document, kind: Kind, schemas: SchemaSet, rel: str, record_id: str | None) -> list[Issue]:
    """Every schema error of one record, sorted by position, most specific first."""
    if kind.fast is not None and kind.fast.is_valid(doc.data):
        return []  # the Rust validator agrees with jsonschema on valid records; explain only failures
    issues: list[Issue] = []
    for error in kind.validator.iter_errors(doc.data):
        issues.extend(describe_error(error, doc, kind, schemas, rel, record_id))
    issues.sort(key=lambda i: (i.line, i.col, i.message))
    return issues


def _issue(doc, path, message, hint, rel, record_id, key=False) -> Issue:
    line, col = doc.where_key(path) if key else doc.where(path)
    return Issue(message=message, file=rel, line=line, col=col, record=record_id, path=format_path(path), hint=hint)


def describe_error(error, doc: Document, kind: Kind, schemas: SchemaSet, rel: str, record_id):
    path = tuple(error.absolute_path)
    field = format_path(path) or "the record"
    validator, value, expected = error.validator, error.instance, error.validator_value

    if validator in ("anyOf", "oneOf") and error.context:
        # The branch that got furthest says most: report its errors.
        best = max(error.context, key=lambda e: (len(e.absolute_path), -len(list(e.context or []))))
        yield from describe_error(best, doc, kind, schemas, rel, record_id)
        return
    if validator == "required":
        missing = [name for name in expected if not (isinstance(value, dict) and name in value)]
        for name in missing:
            prop = schemas.property_schema(kind, path + (name,))
            about = prop.get("description") or prop.get("title") or ""
            hint = f"add '{name}:'" + (f" ({about})" if about else "")
            yield _issue(doc, path, f"missing required field '{format_path(path + (name,))}'", hint, rel, record_id)
        return
    if validator in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(_allowed_properties(schemas, kind, path))
        extras = [k for k in (value or {}) if k not in allowed] if isinstance(value, dict) else []
        # When another part of the record fails, jsonschema also calls the known fields of the
        # failing part "unevaluated": only fields the schema does not declare are real news.
        for name in extras:
            close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else ("allowed fields: " + ", ".join(allowed) if allowed else "remove it")
            yield _issue(doc, path + (name,), f"unknown field '{format_path(path + (name,))}' for kind {kind.name}", hint, rel, record_id, key=True)
        return
    if validator == "type":
        yield _issue(
            doc, path, f"{field} should be {_expected_types(expected)}, not {type_name(value)} ({_short(value)})", _type_hint(expected, value), rel, record_id
        )
        return
    if validator == "enum":
        options = ", ".join(str(o) for o in expected)
        close = difflib.get_close_matches(str(value), [str(o) for o in expected], n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of: {options}"
        yield _issue(doc, path, f"{field}: {_short(value)} is not one of: {options}", hint, rel, record_id)
        return
    if validator == "const":
        yield _issue(doc, path, f"{field} must be {expected!r}, not {_short(value)}", f"set it to {expected!r}", rel, record_id)
        return
    if validator == "format" and expected == "date" and isinstance(value, str) and _NO_SUCH_DAY.match(value):
        yield _issue(
            doc,
            path,
            f"{field}: {value} is written as a date, but there is no such day in the calendar",
            "check the day and the month (e.g. February has 28 days, or 29 in a leap year)",
            rel,
            record_id,
        )
        return
    if validator == "format":
        what = {
            "date": "a date written YYYY-MM-DD",
            "date-time": "a date and time (ISO 8601, e.g. 2025-03-01T09:30:00+08:00)",
            "email": "an e-mail address",
            "uri": "a full URL",
        }.get(expected, f"in the format {expected}")
        yield _issue(
            doc, path, f"{field}: {_short(value)} is not {what}", "dates are written YYYY-MM-DD, e.g. 2025-03-01" if expected == "date" else "", rel, record_id
        )
        return
    if validator == "pattern":
        prop = schemas.property_schema(kind, path)
        about = prop.get("description", "")
        yield _issue(
            doc,
            path,
            f"{field}: {_short(value)} does not have the expected form ({expected})",
            about or "see the kind's schema for the expected form",
            rel,
            record_id,
        )
        return
    if validator in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        words = {"minimum": "at least", "exclusiveMinimum": "more than", "maximum": "at most", "exclusiveMaximum": "less than"}[validator]
        yield _issue(doc, path, f"{field} must be {words} {expected}, not {_short(value)}", "", rel, record_id)
        return
    if validator in ("minItems", "maxItems", "minLength", "maxLength", "uniqueItems", "minProperties"):
        yield _issue(doc, path, f"{field}: {error.message}", "", rel, record_id)
        return
    if validator == "not":
        yield _issue(
            doc,
            path,
            f"{field}: this combination of fields is not allowed",
            error.schema.get("description", "") if isinstance(error.schema, dict) else "",
            rel,
            record_id,
        )
        return
    yield _issue(doc, path, f"{field}: {error.message}", "", rel, record_id)


def _type_hint(expected, value) -> str:
    types = expected if isinstance(expected, list) else [expected]
    if "number" in types or "integer" in types:
        if isinstance(value, str):
            return "write the number without quotes or units (the unit has its own field)"
    if "string" in types and isinstance(value, (int, float)) and not isinstance(value, bool):
        return "put the value in quotes"
    if "array" in types:
        return "write a list: one '- item' per line"
    if "object" in types:
        return "write a mapping: one 'key: value' per line, indented"
    return ""


def _allowed_properties(schemas: SchemaSet, kind: Kind, path: tuple) -> set[str]:
    node = schemas.property_schema(kind, path)
    names: set[str] = set()
    _gather_properties(schemas, node, kind.schema["$id"], names, 0)
    return names


def _gather_properties(schemas: SchemaSet, node, base, names: set, depth: int):
    if not isinstance(node, dict) or depth > 20:
        return
    node, base = schemas._deref(node, base)  # noqa: SLF001
    names.update(node.get("properties", {}).keys())
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            _gather_properties(schemas, sub, base, names, depth + 1)

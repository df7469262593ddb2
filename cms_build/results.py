"""Typed results: the base every computation's result model builds on, and the shared types.

A computation returns a model of its domain (checks/<domain>/results.py) or validates its dict
through one before returning, so a result of the wrong shape fails at the computation
(`rules.crashed` at its line), not later in the site, the export or the workbook. The engine
stores the JSON form (`dump`): `ctx.results`, `Result.results`, `publish.View` and `cms export`
hold plain JSON, and the model's class is noted (`Result.result_types`); the site's pages and
the workbook's sheets read the View's JSON back as the model (`viewed`), and every reader that
decides by roles walks the JSON with the model's types (the walk at the end of this module).
The published schema of `cms export` is generated from these types
(`cms_build/export_schema.py`, `schemas/export/export.schema.json`).

pydantic v2, not dataclasses: constructing a model validates it (nested dicts included, which
dataclasses would not check), and `model_json_schema()` gives the export's JSON Schema from the
same types, so the schema cannot describe a shape the code does not produce.

Conventions, so that the stored JSON is what the computation wrote, neither more nor less:
- strict: no coercion (an int stays an int, "1" is not a number, True is not 1);
- extra="forbid": a key the model does not name is an error, not silently dropped (but
  `DerivedStatus`, whose domains may add keys);
- a field absent from some results has a default (None; `{}` for a mapping) and is dumped only
  when it was given (`exclude_unset`), so an absent key stays absent and a null stays null;
- `dump` writes the fields in the order they are declared, whatever order the computation gave
  them in: declare them in the order the stored JSON should have;
- NaN and infinities are numbers (pydantic's floats allow them) and `dump` keeps them, for the
  exports to write as Python's json does (the engine's check lets them pass);
  `ser_json_inf_nan` makes a model's own JSON (`model_dump_json`) write them the same way.

Roles: what a field's value is, for the public profile (cms_build/publish.py decides from them,
never from a field's name). A string field is given its role by its type, and the generated
JSON Schema says it with `x-role`:
- `RecordId` (`"x-role": "record"`): the value is a record's id: the entry is about that record
  (and `dict[RecordId, ...]`: each value is about the record it is filed under), so an entry
  about an unpublished record is withheld but for its shape, and loses its labels;
- `Label` (`"x-role": "label"`): text that may quote a record's title (a trace's label, an
  input's name, a note): withheld with the entry it describes;
- `Classifier` (`"x-role": "classifier"`): a category, group or kind that reveals nothing of a
  value: kept beside a withheld value;
- `Shape` (`"x-role": "shape"`): a symbol, unit, formula or method, the shape of the
  computation: kept beside a withheld value and in an entry withheld whole;
- a field of type `Source` says where its entry came from (`Source.record`), and a
  `TracedValue` is a computed number: restricted when one of its inputs or steps is.
Any other field is plain data: withheld beside a withheld value; ids of unpublished records are
replaced in every text whatever its role (cms_build/publish.py, Hider).
"""

import functools
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, JsonValue, PrivateAttr, StrictFloat, StrictInt, TypeAdapter, ValidationError, ValidationInfo, model_validator

__all__ = [
    "ResultModel",
    "Number",
    "JsonValue",
    "Role",
    "RecordId",
    "Label",
    "Classifier",
    "Shape",
    "ROLE_KEY",
    "Source",
    "TracedInput",
    "TracedValue",
    "StatusReason",
    "DerivedStatus",
    "dump",
    "shape_error",
    "viewed",
    "is_restricted",
    "as_json",
    "RESTRICTED",
    "field_types",
    "is_model",
    "is_traced_type",
    "is_source_type",
    "resolve",
    "value_type",
    "keys_are_records",
    "item_type",
    "roles",
    "named_records",
]

# A number as the computations write it: an int stays an int and a float a float (1 and 1.0
# print differently in the export); a bool is not a number.
Number = Union[StrictInt, StrictFloat]


ROLE_KEY = "x-role"  # where the generated JSON Schema says a field's role


@dataclass(frozen=True)
class Role:
    """The role of a result field (see the module's docstring): metadata of `Annotated`, shown
    in the JSON Schema as `x-role`."""

    name: str

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        schema[ROLE_KEY] = self.name
        return schema


RECORD, LABEL, CLASSIFIER, SHAPE = Role("record"), Role("label"), Role("classifier"), Role("shape")
RecordId = Annotated[str, RECORD]  # names a record: its value is a record's id
Label = Annotated[str, LABEL]  # text that may quote a record's title
Classifier = Annotated[str, CLASSIFIER]  # a category, group, kind ...: reveals nothing of a value
Shape = Annotated[str, SHAPE]  # a symbol, unit, formula or method: the shape of the computation


class ResultModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, ser_json_inf_nan="constants", defer_build=True)
    # Read through a profile's View (`viewed`): each model keeps the JSON the View gave (for
    # the generic renderers, `as_json`); an entry the View restricted (publish.py: the shape of
    # the computation kept, "restricted": true) is this model, marked, its fields None. Never
    # set by a computation.
    _restricted: bool = PrivateAttr(default=False)
    _json: Any = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _restricted_entry(cls, data: Any, handler: Any, info: ValidationInfo) -> Any:
        if not (info.context and info.context.get("view")):
            return handler(data)
        if isinstance(data, dict) and data.get("restricted") is True:
            entry = cls._restricted_shape(data, info)
            entry._restricted = True
        else:
            try:
                entry = handler(data)
            except ValidationError as exc:
                entry = cls._beside_restricted(data, exc, info)
        entry._json = data  # what the View gave, for the generic renderers (as_json)
        return entry

    @classmethod
    def _restricted_shape(cls, data: dict[Any, Any], info: ValidationInfo) -> "ResultModel":
        """An entry the View restricted: the public Hider (cms_build/publish.py) kept the fields
        whose role is Shape or Classifier (the shape of the computation: unit, formula, method,
        symbol, category), so the model keeps them too, validated; every other field is None."""
        fields = field_types(cls)
        kept = {SHAPE.name, CLASSIFIER.name}
        values: dict[str, Any] = {name: None for name in cls.model_fields}
        for key, role in roles(cls, {k: v for k, v in data.items() if k in fields}).items():
            if role in kept and data[key] is not None:
                name = next(n for n, f in cls.model_fields.items() if (f.alias or n) == key)
                values[name] = _adapter(cls, key).validate_python(data[key], strict=True, context=info.context)
        return cls.model_construct(**values)

    @classmethod
    def _beside_restricted(cls, data: Any, exc: ValidationError, info: ValidationInfo) -> "ResultModel":
        """A mapping that holds a restricted value, read through a View: the public Hider
        (cms_build/publish.py) withheld its other data beside it, a number as None and a text
        as "restricted", whatever the model says of the field (a non-null Number, a Literal).
        Those fields are None in the model; every other field is validated as usual, and any
        other error is raised."""
        withheld_here = isinstance(data, dict) and any(isinstance(v, dict) and v.get("restricted") is True for v in data.values())
        fields = field_types(cls)
        bad = set()
        for error in exc.errors(include_url=False):
            loc = error.get("loc") or ()
            key = loc[0] if loc else None
            withheld = error.get("input") is None or error.get("input") == RESTRICTED
            if not (withheld_here and key in fields and withheld and data.get(key) == error.get("input")):
                raise exc
            bad.add(key)
        values = {k: _adapter(cls, k).validate_python(v, strict=True, context=info.context) for k, v in data.items() if k not in bad}
        values.update({k: None for k in bad})
        return cls.model_construct(_fields_set=set(data), **values)


class Source(ResultModel):
    """Where a value came from (cms_build/trace.py): a field of a record (record, kind, path,
    file, line), a CSV cell (csv, column, rows), the factor library (library, citation,
    second_hand), a setting (setting, citation), another step of the same trace (step), the
    year of an indicator (indicator_year), or, in a group's consolidation (cms_build/group.py),
    an entity's export: the entity (its id in the group's cms.yaml) with the figure's path in
    that export's results (result, dotted: "emissions.years.2025.total") or one of its records
    (record), or the group's own setting about it (setting). Only the keys given are stored.
    The public profile of a group decides from these whether the figure is shown
    (cms_build/publish.py, group_results): a figure the entity's own public export does not
    show is restricted, and so is every group figure computed from it."""

    record: RecordId | None = None
    kind: Classifier | None = None
    path: str | None = None
    file: str | None = None
    csv: bool | None = None
    line: StrictInt | None = None
    column: str | None = None
    rows: StrictInt | None = None
    library: str | None = None
    setting: str | None = None
    citation: str | None = None
    second_hand: bool | None = None
    step: str | None = None
    indicator_year: StrictInt | None = None
    entity: str | None = None
    result: str | None = None


class TracedInput(ResultModel):
    """One input of a traced number (trace.Input.as_dict())."""

    symbol: Shape
    name: Label
    value: Number | str | None
    unit: Shape
    source: Source
    note: Label


class TracedValue(ResultModel):
    """A computed number with its formula, inputs and intermediate steps (trace.Traced.as_dict())."""

    value: Number | None
    unit: Shape
    label: Label
    formula: Shape
    method: Shape
    inputs: list[TracedInput]
    steps: list["TracedValue"]
    notes: list[str]


class StatusReason(ResultModel):
    """A finding that set a status (cms_build/statuses.py writes the status into the result)."""

    rule: str
    title: Label
    severity: str
    record: RecordId | None


class DerivedStatus(ResultModel):
    """A record's derived status as the View publishes it (cms_build/statuses.py says its keys),
    read by the site's record pages and badges. Other keys are allowed (a domain's statuses may
    add some). Only `record` and `reasons` have a role; the texts have none, as when they were
    untyped, so the public profile treats them as before."""

    model_config = ConfigDict(extra="allow")
    kind: str | None = None
    record: RecordId | None = None
    computation: str | None = None
    status: str | None = None
    computed: str | None = None
    tone: str | None = None
    reason: str | None = None
    reasons: list[StatusReason] | None = None
    grade: str | None = None  # claims: the certificate grade while the claim is in force
    computed_grade: str | None = None  # claims: the grade the credits would give


@functools.lru_cache(maxsize=None)
def _adapter(model: Any, key: str) -> TypeAdapter[Any]:
    """A validator of one field of a model (ResultModel._beside_restricted)."""
    return TypeAdapter(field_types(model)[key])


def shape_error(exc: ValidationError) -> str:
    """A short sentence for a result of the wrong shape: the model and the first wrong fields."""
    errors = exc.errors(include_url=False)
    where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:3])
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    msg = f"its result does not have the shape of {exc.title} (checks/<domain>/results.py): {where}{more}"
    return msg if len(msg) <= 400 else msg[:399] + "…"


def dump(value: Any) -> Any:
    """The JSON form the engine stores: a model's fields in declaration order, only those given."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True, by_alias=True)
    return value


def viewed(model: type[ResultModel], value: Any) -> Any:
    """A result as a profile's View gives it (JSON, cms_build/publish.py) read as its typed model:
    the site and the workbook read fields, not keys. An entry the View restricted is the model
    marked restricted (`is_restricted`); anything else of the wrong shape is a ValidationError
    (the build names the page that read it). None stays None (the result is absent or withheld)."""
    return None if value is None else model.model_validate(value, context={"view": True})


def is_restricted(value: Any) -> bool:
    """Whether the View restricted this entry (a model from `viewed`, or its JSON form)."""
    if isinstance(value, ResultModel):
        return value._restricted
    return isinstance(value, dict) and value.get("restricted") is True


def as_json(value: Any) -> Any:
    """The JSON form of a viewed model (for the generic renderers): what the View gave."""
    if isinstance(value, ResultModel):
        return value._json if value._json is not None else dump(value)
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


# -- the walk of typed results -------------------------------------------------------------
# One walk for every reader that decides by roles or types (cms_build/publish.py's Hider and
# _scrub, cms_build/record_results.py, cms_build/site/render.py's ResultRenderer): a type is a pydantic model, a typing form of the models'
# annotations (Annotated, Optional, Union, list[...], dict[...]), a plain dict of known keys and
# their types (a document: {"results": {computation id: model}}), or None (JSON of no known type).
RESTRICTED = "restricted"  # what the public profile shows for a withheld value or id


@functools.lru_cache(maxsize=None)
def field_types(model: Any) -> dict[str, Any]:
    """A model's fields by the key they are stored under, each with its annotation in full."""
    out = {}
    for name, info in model.model_fields.items():
        ann = info.annotation
        if info.metadata:
            args = (ann, *info.metadata)
            ann = Annotated[args]
        out[info.alias or name] = ann
    return out


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def is_traced_type(tp: Any) -> bool:
    """Whether a type (as `resolve` gives it) is a computed number's: TracedValue."""
    return is_model(tp) and issubclass(tp, TracedValue)


def is_source_type(tp: Any) -> bool:
    """Whether a type (as `resolve` gives it) says where a value came from: Source."""
    return is_model(tp) and issubclass(tp, Source)


def resolve(tp: Any, value: Any) -> tuple[Any, frozenset[str]]:
    """(the type of `value` under annotation `tp`, its roles): Annotated unwrapped, the member of
    a Union that fits the value chosen."""
    found: set[str] = set()
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            found.update(m.name for m in getattr(tp, "__metadata__", ()) if isinstance(m, Role))
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            tp = next((m for m in typing.get_args(tp) if _fits(m, value)), None)
        elif tp is JsonValue or tp is typing.Any:
            return None, frozenset(found)  # any JSON: no known type
        else:
            return tp, frozenset(found)


def _fits(tp: Any, value: Any) -> bool:
    base = typing.get_args(tp)[0] if typing.get_origin(tp) is Annotated else tp
    origin = typing.get_origin(base) or base
    if value is None:
        return base is type(None)
    if isinstance(value, dict):
        return is_model(base) or origin is dict
    if isinstance(value, list):
        return origin is list
    if isinstance(value, bool):
        return base is bool
    if isinstance(value, str):
        return base is str
    return isinstance(value, (int, float)) and base is not str and base is not bool and base is not type(None)


def value_type(tp: Any, key: Any) -> Any:
    """The type of the value under `key` of a mapping of type `tp` (None: not known)."""
    if is_model(tp):
        return field_types(tp).get(key)
    if isinstance(tp, dict):
        return tp.get(key)
    if typing.get_origin(tp) is dict:
        return typing.get_args(tp)[1]
    return None


def keys_are_records(tp: Any) -> bool:
    """Whether a mapping of type `tp` is filed by record id (dict[RecordId, ...])."""
    if typing.get_origin(tp) is not dict:
        return False
    return RECORD.name in resolve(typing.get_args(tp)[0], "")[1]


def item_type(tp: Any) -> Any:
    return typing.get_args(tp)[0] if typing.get_origin(tp) is list and typing.get_args(tp) else None


def roles(tp: Any, obj: dict[Any, Any]) -> dict[Any, str]:
    """The role of each key of a typed mapping: "record", "label", "classifier", "shape", or
    "source" (a field of type Source), "" (plain data)."""
    out = {}
    for key, value in obj.items():
        t, found = resolve(value_type(tp, key), value)
        out[key] = next(iter(found), "source" if is_source_type(t) else "")
    return out


def named_records(tp: Any, obj: dict[Any, Any]) -> list[str]:
    """The records a typed mapping names: its RecordId fields, and the record its Source came from."""
    out = []
    for key, role in roles(tp, obj).items():
        value = obj[key]
        if role == RECORD.name and isinstance(value, str):
            out.append(value)
        elif role == "source" and isinstance(value, dict) and isinstance(value.get("record"), str):
            out.append(value["record"])
    return [r for r in out if r != RESTRICTED]

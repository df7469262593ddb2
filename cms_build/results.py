"""Typed results: the base every computation's result model builds on, and the shared types.

A computation returns a model of its domain (checks/<domain>/results.py) or validates its dict
through one before returning, so a result of the wrong shape fails at the computation
(`rules.crashed` at its line), not later in the site, the export or the workbook. The engine
stores the JSON form (`dump`), so `ctx.results`, `Result.results`, `publish.View`, `cms export`
and the site read plain JSON as before. The published schema of `cms export` is generated
from these types (`cms_build/export_schema.py`, `schemas/export/export.schema.json`).

pydantic v2, not dataclasses: constructing a model validates it (nested dicts included, which
dataclasses would not check), and `model_json_schema()` gives the export's JSON Schema from the
same types, so the schema cannot describe a shape the code does not produce.

Conventions, so that the stored JSON is what the computations returned before they were typed:
- strict: no coercion (an int stays an int, "1" is not a number, True is not 1);
- extra="forbid": a key the model does not name is an error, not silently dropped;
- a field absent from some results has a default of None and is dumped only when it was given
  (`exclude_unset`), so an absent key stays absent and a null stays null;
- fields are declared in the order the computations write them (the stored key order);
- NaN and infinities pass as Python's json writes them, as before (`ser_json_inf_nan`).

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

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, JsonValue, PrivateAttr, StrictFloat, StrictInt, ValidationError, ValidationInfo, model_validator

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
    model_config = ConfigDict(extra="forbid", strict=True, ser_json_inf_nan="constants")
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
            entry = cls.model_construct(**{name: None for name in cls.model_fields})
            entry._restricted = True
        else:
            entry = handler(data)
        entry._json = data  # what the View gave, for the generic renderers (as_json)
        return entry


class Source(ResultModel):
    """Where a value came from (cms_build/trace.py): a field of a record (record, kind, path,
    file, line), a CSV cell (csv, column, rows), the factor library (library, citation,
    second_hand), a setting (setting, citation), another step of the same trace (step), or the
    year of an indicator (indicator_year). Only the keys given are stored."""

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
    steps: list[TracedValue]
    notes: list[str]


class StatusReason(ResultModel):
    """A finding that set a status (cms_build/statuses.py writes the status into the result)."""

    rule: str
    title: Label
    severity: str
    record: RecordId | None


class DerivedStatus(ResultModel):
    """A record's derived status as the View publishes it (cms_build/statuses.py says its keys):
    typed here for its roles only, so other keys are allowed."""

    model_config = ConfigDict(extra="allow")
    record: RecordId | None = None
    reasons: list[StatusReason] | None = None


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

"""Column mappings: an exchange's export read as the rows of a trade ledger or a price series.

Exchanges export differently (column names, date formats, words for buy and sell, units,
encodings), so `cms import trades|orders|prices --mapping FILE` reads the export through a
mapping: a small YAML file, validated against cms_build/data/mappings/mapping.schema.json
(every error located as file:line:col). Shipped mappings live in cms_build/data/mappings/
and are named without their extension (`--mapping cms-native`); each says whether its
column names are documented and lists the assumptions it makes.

A mapping turns one source row into the target fields (trading-defs.schema.json trade,
order or price_row): each target field takes one source column, or several joined by a
space (a date column and a time column), through a date format, a table of values (买入 ->
buy) and a unit factor (万吨 -> t); constants fill fields the export lacks (market,
product). Source columns no field takes are reported as unmapped, so nothing is dropped
silently.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jsonschema import Draft202012Validator

from ..yamlsafe import LoadError, load_file

MAPPINGS = "cms_build/data/mappings"
TARGETS = ("trades", "orders", "prices")


class MappingError(Exception):
    """A mapping that cannot be used, with its location."""


@dataclass
class Mapping:
    name: str
    rows: str
    columns: dict  # target field -> source column or [columns]
    encoding: str = "auto"
    delimiter: str = ","
    formats: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)
    timezone: str = "+08:00"
    documented: bool = False
    assumptions: list = field(default_factory=list)

    def sources(self) -> set[str]:
        out = set()
        for src in self.columns.values():
            out.update(src if isinstance(src, list) else [src])
        return out


def _folder() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "mappings"


def shipped() -> list[str]:
    return sorted(p.stem for p in _folder().glob("*.yaml"))


def find(name_or_path: str) -> Path:
    """A mapping file: a path, else a shipped mapping's name."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    candidate = _folder() / f"{name_or_path}.yaml"
    if "/" not in name_or_path and candidate.is_file():
        return candidate
    raise MappingError(f"{name_or_path}: no such mapping file, and no shipped mapping of that name (shipped: {', '.join(shipped())})")


def load(name_or_path: str) -> Mapping:
    path = find(name_or_path)
    try:
        doc = load_file(path)
    except LoadError as exc:
        raise MappingError(str(exc)) from None
    schema = json.loads((_folder() / "mapping.schema.json").read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(schema).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = []
        for e in errors:
            at = tuple(e.absolute_path)
            line, col = doc.where(at) if at else (1, 1)
            if e.validator == "additionalProperties" and isinstance(e.instance, dict):
                extra = [k for k in e.instance if k not in (e.schema.get("properties") or {})]
                if extra:  # point at the unexpected key itself
                    line, col = doc.where_key(at + (extra[0],))
            where = ".".join(map(str, e.absolute_path)) or "(top level)"
            quote = " (quote the column name: a bare yes/no/on/off is read as true/false)" if isinstance(e.instance, bool) else ""
            lines.append(f"{path}:{line}:{col}: {where}: {e.message}{quote}")
        raise MappingError("the mapping is not valid:\n  " + "\n  ".join(lines) + "\n  (cms_build/data/mappings/mapping.schema.json documents every key)")
    d = doc.data
    for target, fmt in (d.get("formats") or {}).items():
        try:
            dt.datetime.strptime(dt.datetime(2025, 1, 2, 3, 4, 5).strftime(fmt), fmt)
        except ValueError as exc:
            line, col = doc.where(("formats", target))
            raise MappingError(f"{path}:{line}:{col}: formats.{target}: {fmt!r} is not a usable date format ({exc})") from None
    for target in set(d.get("constants") or {}) & set(d["columns"]):
        line, col = doc.where(("constants", target))
        raise MappingError(f"{path}:{line}:{col}: constants.{target}: the field is also taken from a column; keep one")
    return Mapping(
        name=path.stem,
        rows=d["rows"],
        columns=d["columns"],
        encoding=d.get("encoding", "auto"),
        delimiter=d.get("delimiter", ","),
        formats=d.get("formats") or {},
        values=d.get("values") or {},
        units=d.get("units") or {},
        constants=d.get("constants") or {},
        timezone=d.get("timezone", "+08:00"),
        documented=bool(d.get("documented")),
        assumptions=list(d.get("assumptions") or []),
    )


@dataclass
class Applied:
    rows: list  # (row number, {target field: text})
    rejected: list  # (row number, source column, value, reason)
    notes: list


def apply(mapping: Mapping, headers: list[str], rows: list) -> Applied:
    """The source rows as target rows; a cell that cannot be converted is a rejection."""
    notes = []
    missing = sorted(s for s in mapping.sources() if s not in headers)
    if missing:
        raise MappingError(f"mapping {mapping.name}: the file has no column(s) {', '.join(missing)} (its columns: {', '.join(headers)})")
    unmapped = [h for h in headers if h and h not in mapping.sources()]
    if unmapped:
        notes.append(f"unmapped columns (not imported): {', '.join(unmapped)}")
    if not mapping.documented:
        notes.append(
            f"mapping {mapping.name} is not checked against the exchange's documentation"
            + (": " + "; ".join(mapping.assumptions) if mapping.assumptions else "")
        )
    out, rejected = [], []
    for number, row in rows:
        target, bad = dict(mapping.constants), False
        for name, src in mapping.columns.items():
            cols = src if isinstance(src, list) else [src]
            raw = " ".join(str(row.get(c, "")).strip() for c in cols).strip()
            if raw == "":
                continue
            try:
                target[name] = _convert(mapping, name, raw)
            except ValueError as exc:
                rejected.append((number, "+".join(cols), raw, str(exc)))
                bad = True
        if not bad:
            out.append((number, target))
    return Applied(out, rejected, notes)


def _convert(m: Mapping, name: str, raw: str) -> str:
    table = m.values.get(name)
    if table is not None:
        if raw not in table:
            raise ValueError(f"not a value the mapping knows for {name} ({', '.join(map(str, table))})")
        raw = str(table[raw])
    fmt = m.formats.get(name)
    if fmt:
        try:
            when = dt.datetime.strptime(raw, fmt)
        except ValueError:
            raise ValueError(f"not a date in the format {fmt}") from None
        if name == "date" or "%H" not in fmt:
            return when.date().isoformat()
        return when.isoformat() + m.timezone
    factor = m.units.get(name)
    if factor is not None:
        try:
            value = Decimal(raw.replace(",", "")) * Decimal(str(factor))
        except InvalidOperation:
            raise ValueError("not a number") from None
        return format(value.normalize(), "f") if value != value.to_integral() else str(int(value))
    return raw

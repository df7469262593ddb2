"""Calculation traces: every computed number with its formula and every input's source.

An auditor must be able to recompute any figure by hand, so computations do not return
bare floats: they return `Traced` values, serialised as plain dicts into results, exports
and the evidence site::

    {"value": 2456.3, "unit": "tCO2e", "label": "...", "formula": "E = AD × EF × GWP",
     "method": "F.2", "inputs": [{"symbol": "AD", "name": "...", "value": 1.2, "unit": "TJ",
     "source": {"record": "AD-2024-COAL", "path": "quantity", "file": "...", "line": 12}}],
     "steps": [ ...nested traces of intermediate results... ], "notes": ["..."]}

Sources are either a record (id, field path, file, line) or the built-in library (key and
citation), so the site can link to the one or quote the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .findings import format_path


def record_source(record, path=()) -> dict:
    """Where an input came from: a field of a record."""
    from .records import parse_path

    p = parse_path(path)
    line, _ = record.where(p)
    return {"record": record.id, "kind": record.kind, "path": format_path(p), "file": record.rel, "line": line}


def library_source(key: str, citation: str, second_hand: bool = False) -> dict:
    """Where an input came from: the built-in factor library."""
    return {"library": key, "citation": citation, "second_hand": bool(second_hand)}


def setting_source(dotted: str, value_note: str = "") -> dict:
    return {"setting": dotted, "citation": value_note}


@dataclass
class Input:
    symbol: str
    name: str
    value: float | str | None
    unit: str = ""
    source: dict = field(default_factory=dict)
    note: str = ""

    def as_dict(self) -> dict:
        return {"symbol": self.symbol, "name": self.name, "value": self.value, "unit": self.unit, "source": self.source, "note": self.note}


@dataclass
class Traced:
    value: float
    unit: str
    label: str = ""
    formula: str = ""
    method: str = ""
    inputs: list = field(default_factory=list)  # [Input]
    steps: list = field(default_factory=list)  # [Traced]
    notes: list = field(default_factory=list)  # [str]

    def add(self, symbol: str, name: str, value, unit: str = "", source: dict | None = None, note: str = "") -> "Traced":
        self.inputs.append(Input(symbol, name, value, unit, source or {}, note))
        return self

    def step(self, sub: "Traced") -> "Traced":
        self.steps.append(sub)
        return self

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "unit": self.unit,
            "label": self.label,
            "formula": self.formula,
            "method": self.method,
            "inputs": [i.as_dict() for i in self.inputs],
            "steps": [s.as_dict() for s in self.steps],
            "notes": list(self.notes),
        }


def total(label: str, unit: str, parts: list[Traced], formula: str = "E = Σ E_i") -> Traced:
    """The sum of several traced values, each kept as a step."""
    t = Traced(value=sum(p.value for p in parts), unit=unit, label=label, formula=formula)
    t.steps.extend(parts)
    return t

"""Standalone draft-07 copies of the kind schemas, for editors.

The YAML language server (VS Code's YAML extension and the editors built on it) implements
JSON Schema draft-07 only: it ignores `unevaluatedProperties` and cannot follow our relative
`$ref`s to an https `$id` offline. So each kind is written as one self-contained draft-07
schema: every `$ref` inlined, the envelope's `allOf` merged into the kind's own properties,
and `unevaluatedProperties: false` turned into `additionalProperties: false` (equivalent once
the properties are merged). The engine itself keeps validating with the 2020-12 originals;
tests check that both agree on the example records.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from .schemas import Kind, SchemaSet

DRAFT7 = "http://json-schema.org/draft-07/schema#"
_DROP = {"$id", "$schema", "$defs", "$comment"}


def _inline(schemas: SchemaSet, node, base: str, depth: int = 0):
    if depth > 50:
        raise RecursionError("schema nesting too deep to inline (a recursive $ref?)")
    if isinstance(node, list):
        return [_inline(schemas, x, base, depth + 1) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target, target_base = schemas.resolve(node["$ref"], base)
        merged = {**_inline(schemas, target, target_base, depth + 1),
                  **{k: _inline(schemas, v, base, depth + 1) for k, v in node.items() if k != "$ref"}}
        return {k: v for k, v in merged.items() if k not in _DROP}
    out = {}
    for key, value in node.items():
        if key in _DROP:
            continue
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {name: _inline(schemas, sub, base, depth + 1) for name, sub in value.items()}
        else:
            out[key] = _inline(schemas, value, base, depth + 1)
    titles = out.get("x-enum-titles")
    if isinstance(out.get("enum"), list) and isinstance(titles, dict):
        # hover text: each value with its label in both languages (x-enum-titles)
        words = [f"{v}: {(titles.get(v) or {}).get('zh', '')} / {(titles.get(v) or {}).get('en', '')}"
                 for v in out["enum"] if isinstance(v, str)]
        out["enumDescriptions"] = [w.split(": ", 1)[1] for w in words]
        out["description"] = "\n".join(([str(out["description"])] if out.get("description") else []) + words)
    return out


def _flatten_all_of(node: dict) -> dict:
    """Merge allOf branches that only add properties/required into the node itself."""
    branches = node.pop("allOf", [])
    keep = []
    for branch in branches:
        if set(branch) <= {"type", "properties", "required", "title", "description", "x-title-en", "x-description-en"}:
            props = dict(branch.get("properties", {}))
            props.update(node.get("properties", {}))  # the kind's own definition wins (e.g. kind: const)
            for name, sub in branch.get("properties", {}).items():
                if name in node.get("properties", {}):
                    props[name] = {**sub, **node["properties"][name]}
            node["properties"] = props
            node["required"] = list(dict.fromkeys(branch.get("required", []) + node.get("required", [])))
        else:
            keep.append(branch)
    if keep:
        node["allOf"] = keep
    return node


def _unevaluated_to_additional(node):
    if isinstance(node, list):
        return [_unevaluated_to_additional(x) for x in node]
    if not isinstance(node, dict):
        return node
    node = {k: _unevaluated_to_additional(v) for k, v in node.items()}
    if "allOf" in node:
        node = _flatten_all_of(node)
    if "unevaluatedProperties" in node:
        value = node.pop("unevaluatedProperties")
        if "allOf" not in node:  # only equivalent when nothing else contributes properties
            node.setdefault("additionalProperties", value)
    return node


def draft7(schemas: SchemaSet, kind: Kind) -> dict:
    doc = _inline(schemas, copy.deepcopy(kind.schema), kind.schema["$id"])
    doc = _unevaluated_to_additional(doc)
    return {"$schema": DRAFT7, **doc}


def write_all(schemas: SchemaSet, folder: Path) -> list[Path]:
    """Write <kind>.schema.json for every kind into folder; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, kind in sorted(schemas.kinds.items()):
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(draft7(schemas, kind), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written

"""`cms new`: a new record written from its kind's schema.

Every required field is present (empty where the user must fill it in, so that `cms check`
points at it), optional fields are listed as comments, and each line carries the field's
title and description from the schema, in Chinese or English. An existing file or id is
never overwritten.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .engine import schema_folders
from .records import discover, id_key, valid_id
from .schemas import SchemaSet
from .yamlsafe import LoadError, load_file


def _label(prop: dict, language: str) -> str:
    title = prop.get("x-title-en") if language == "en" else prop.get("title")
    desc = prop.get("x-description-en") if language == "en" else prop.get("description")
    title = title or prop.get("title") or ""
    text = title + (f": {desc}" if desc and desc != title else "")
    return text.replace("\n", " ")


def _scalar_placeholder(prop: dict) -> str:
    if "const" in prop:
        return json.dumps(prop["const"], ensure_ascii=False)
    if "default" in prop and not isinstance(prop["default"], (dict, list)):
        return json.dumps(prop["default"], ensure_ascii=False)
    return ""


def _properties(schemas: SchemaSet, node: dict, base: str) -> tuple[dict, list]:
    """Properties (name -> (schema, base URI it resolves against)) and required names of an
    object schema, through $ref and allOf."""
    node, base = schemas._deref(node, base)  # noqa: SLF001
    props: dict = {}
    required: list = []
    for sub in node.get("allOf", []):
        p, r = _properties(schemas, sub, base)
        props.update(p)
        required += r
    for name, prop in node.get("properties", {}).items():
        merged, merged_base = schemas._deref(prop, base)  # noqa: SLF001
        earlier = props.get(name, ({}, base))[0]
        props[name] = ({**earlier, **merged}, merged_base)
    required += node.get("required", [])
    return props, required


def render_skeleton(schemas: SchemaSet, kind_name: str, record_id: str, language: str = "zh",
                    schema_ref: str | None = None) -> str:
    kind = schemas.kinds[kind_name]
    props, required = _properties(schemas, kind.schema, kind.schema["$id"])
    title = kind.title_en if language == "en" else kind.title_zh
    lines = []
    if schema_ref:
        lines.append(f"# yaml-language-server: $schema={schema_ref}")
    lines.append(f"# {title} ({kind.name}); clauses: {', '.join(kind.clauses) or '-'}")
    desc = kind.description_en if language == "en" else kind.description_zh
    if desc:
        lines.append(f"# {desc}")
    fixed = {"kind": json.dumps(kind.name), "id": record_id, "status": "draft"}
    order = ["kind", "id", "title"] + [n for n in required if n not in ("kind", "id", "title")]
    order += [n for n in props if n not in order]
    for name in order:
        prop = props.get(name, ({}, None))[0]
        label = _label(prop, language)
        comment = f"  # {label}" if label else ""
        choices = _choices(prop, language)
        if choices:  # the values an enum field takes, each with its label (x-enum-titles)
            comment = (comment or "  #") + f" [{choices}]"
        if name in fixed:
            lines.append(f"{name}: {fixed[name]}{comment}")
        elif name in required:
            lines.append(f"{name}: {_scalar_placeholder(prop)}".rstrip() + f"{comment} (required)")
        else:
            lines.append(f"# {name}: {_scalar_placeholder(prop)}".rstrip() + comment)
    return "\n".join(lines) + "\n"


def next_id(existing: set[str], prefix: str) -> str:
    numbers = [int(m.group(1)) for i in existing if (m := re.fullmatch(re.escape(prefix) + r"-(\d+)", i))]
    return f"{prefix}-{(max(numbers) + 1 if numbers else 1):03d}"


def existing_ids(root: Path) -> set[str]:
    return set(existing_records(root))


def existing_records(root: Path) -> dict[str, str]:
    """The ids of the records under root, each with the kind it says (or "")."""
    ids: dict[str, str] = {}
    for path in discover(root):
        try:
            data = load_file(path, root=root).data
        except LoadError:
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            kind = data.get("kind")
            ids.setdefault(data["id"], kind if isinstance(kind, str) else "")
    return ids


def skeleton_ids(schemas: SchemaSet, kinds: list[str], existing: dict[str, str] | None = None) -> dict[str, str]:
    """An id for the draft of each kind, unique across every kind: PREFIX-001, or the first
    number after it that no other kind's draft and no existing record of another kind holds
    (two kinds may share a prefix, e.g. NC for nonconformity and neutrality_claim). An id that
    an existing record of the same kind holds is kept, so that `cms init --existing` finds its
    own drafts again. Common kinds come first, then subsystems A to D, so that adopting a
    subsystem later does not renumber the drafts already written."""
    existing = existing or {}
    order = ("common", "A", "B", "C", "D")
    rank = {s: i for i, s in enumerate(order)}
    taken = set(existing)
    ids: dict[str, str] = {}
    for name in sorted(kinds, key=lambda k: (rank.get(schemas.kinds[k].subsystem, len(order)), k)):
        prefix = schemas.kinds[name].id_prefix or name.upper()
        number = 1
        while True:
            candidate = f"{prefix}-{number:03d}"
            if candidate not in taken or existing.get(candidate) == name:
                break
            number += 1
        ids[name] = candidate
        taken.add(candidate)
    return ids


def new_record(root: Path, kind_name: str, record_id: str | None = None, language: str = "zh",
               schema_ref: str | None = None) -> Path:
    root = Path(root).resolve()
    schemas = SchemaSet.load(schema_folders(root))
    if kind_name not in schemas.kinds:
        import difflib
        close = difflib.get_close_matches(kind_name, list(schemas.kinds), n=1, cutoff=0.6)
        raise ValueError(f"unknown kind {kind_name!r}" + (f"; did you mean {close[0]!r}?" if close else "; 'cms kinds' lists them"))
    kind = schemas.kinds[kind_name]
    ids = existing_ids(root)
    record_id = record_id or next_id(ids, kind.id_prefix or kind.name.upper())
    if not valid_id(record_id):
        raise ValueError(f"{record_id!r} is not a valid id: use letters, digits, '.', '_' or '-'")
    taken = next((i for i in ids if id_key(i) == id_key(record_id)), None)  # as the index compares
    if taken is not None:
        raise FileExistsError(f"a record with id {taken!r} already exists; choose another id")
    target = root / (kind.folder or kind.name) / f"{record_id}.yaml"
    if target.exists():
        raise FileExistsError(f"{target} already exists; cms new never overwrites a record")
    text = render_skeleton(schemas, kind_name, record_id, language, schema_ref)
    folder = next((f for f in [target.parent, *target.parent.parents] if f.exists()), None)
    if folder is not None and not folder.is_dir():
        rel = folder.relative_to(root) if folder.is_relative_to(root) else folder
        raise FileExistsError(f"{rel} is a file, not a folder: {kind_name} records go in the folder "
                              f"{target.parent.relative_to(root)}/; rename or move that file")
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:  # 'x': fail rather than overwrite, even in a race
        fh.write(text)
    return target


# -- valid draft skeletons for `cms init` ------------------------------------------------
PLACEHOLDER = "待填写 to be completed"


def minimal_instance(schemas: SchemaSet, kind_name: str, record_id: str, ids_by_kind: dict[str, str],
                     today: str, missing: set[str] | None = None) -> dict:
    """The smallest record of a kind that the schema accepts, marked draft.

    Required fields get placeholders (text "待填写 to be completed", 0, false, today's date,
    the first allowed value); a reference names the skeleton of the referenced kind. Used by
    `cms init` so that a new repository starts as a checklist of drafts that validate.
    A required reference to a kind that has no skeleton in ids_by_kind gets the placeholder,
    and that kind is added to `missing` when given.
    """
    kind = schemas.kinds[kind_name]
    data = _instance(schemas, kind.schema, kind.schema["$id"], ids_by_kind, today, 0, missing)
    data.update({"kind": kind_name, "id": record_id, "status": "draft",
                 "title": f"{kind.title_zh or kind_name}（草稿） {kind.title_en or ''} (draft): {PLACEHOLDER}"})
    return data


def _instance(schemas, node, base, ids_by_kind, today, depth, missing=None):
    node, base = schemas._deref(node, base)  # noqa: SLF001
    if depth > 12:
        return None
    if "const" in node:
        return node["const"]
    if "default" in node and not isinstance(node["default"], (dict, list)):
        return node["default"]
    if "examples" in node and node["examples"]:
        return node["examples"][0]
    if "enum" in node:
        return node["enum"][0]
    for key in ("oneOf", "anyOf"):
        if node.get(key):
            branch, branch_base = schemas._deref(node[key][0], base)  # noqa: SLF001
            if "properties" in node or "required" in node:
                # an object whose alternatives add requirements: satisfy the first alternative too
                merged = {k: v for k, v in node.items() if k not in ("oneOf", "anyOf")}
                merged["properties"] = {**node.get("properties", {}), **branch.get("properties", {})}
                merged["required"] = list(dict.fromkeys(node.get("required", []) + branch.get("required", [])))
                return _instance(schemas, merged, base, ids_by_kind, today, depth + 1, missing)
            return _instance(schemas, branch, branch_base, ids_by_kind, today, depth + 1, missing)
    ref = node.get("x-ref")
    if ref:
        kinds = [ref] if isinstance(ref, str) else list(ref)
        for k in kinds:
            if k in ids_by_kind:
                return ids_by_kind[k]
        if missing is not None and kinds and kinds[0] in schemas.kinds:
            missing.add(kinds[0])
        return PLACEHOLDER
    types = node.get("type", "object" if "properties" in node or "allOf" in node else "string")
    t = types[0] if isinstance(types, list) else types
    if t == "object":
        props, required = _properties(schemas, node, base)
        data = {name: _instance(schemas, *props.get(name, ({}, base)), ids_by_kind, today, depth + 1, missing)
                for name in required}
        # conditional requirements (allOf: if/then), e.g. the method decides the inputs
        from jsonschema import Draft202012Validator
        for branch in node.get("allOf", []):
            if isinstance(branch, dict) and "if" in branch and isinstance(branch.get("then"), dict):
                if Draft202012Validator(branch["if"]).is_valid(data):
                    for name in branch["then"].get("required", []):
                        if name not in data:
                            data[name] = _instance(schemas, *props.get(name, ({}, base)), ids_by_kind, today, depth + 1, missing)
        return data
    if t == "array":
        item = node.get("items", {})
        return [_instance(schemas, item, base, ids_by_kind, today, depth + 1, missing)
                for _ in range(max(1, node.get("minItems", 0)) if node.get("minItems") else 0)]
    if t in ("number", "integer"):
        low = node.get("minimum", node.get("exclusiveMinimum", 0))
        value = low + (1 if "exclusiveMinimum" in node else 0)
        return int(value) if t == "integer" else float(value)
    if t == "boolean":
        return False
    if t == "null":
        return None
    fmt = node.get("format")
    if fmt == "date":
        return today
    if fmt == "date-time":
        return today + "T00:00:00+08:00"
    if fmt == "email":
        return "someone@example.org"
    pattern = node.get("pattern")
    if pattern:
        import re
        for candidate in (PLACEHOLDER, "DRAFT", "draft", "draft_1", "X-1", "0000", "TODO-1"):
            if re.search(pattern, candidate):
                return candidate
    return PLACEHOLDER


def _choices(prop: dict, language: str) -> str:
    """ "coal = 煤, gas = 天然气" for an enum field (or a list of enum values), in the language."""
    from .schemas import enum_title
    node = prop.get("items") if isinstance(prop.get("items"), dict) and "enum" not in prop else prop
    values = node.get("enum") if isinstance(node, dict) else None
    if not isinstance(values, list) or not isinstance(node.get("x-enum-titles"), dict):
        return ""
    return ", ".join(f"{v} = {enum_title(node, v, language) or v}" for v in values if isinstance(v, str))

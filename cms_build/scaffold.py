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


def render_skeleton(schemas: SchemaSet, kind_name: str, record_id: str, language: str = "zh", schema_ref: str | None = None) -> str:
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


def new_record(
    root: Path,
    kind_name: str,
    record_id: str | None = None,
    language: str = "zh",
    schema_ref: str | None = None,
    method: str | None = None,
    fuel: str | None = None,
    today: str | None = None,
) -> Path:
    """Write a new record of a kind; with `method` (and `fuel`), the variant's full calculation
    block with example values (render_variant), else the schema's skeleton (render_skeleton)."""
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
    if method or fuel:
        import datetime as dt

        if not method:
            raise VariantError("--fuel needs --method emission_factor")
        data = variant_instance(schemas, kind_name, record_id, method, fuel, existing_records(root), today or dt.date.today().isoformat())
        errors = sorted(kind.validator.iter_errors(plain(data)), key=lambda e: list(e.absolute_path))
        if errors:  # a bug of the variant table, never the user's: say where
            e = errors[0]
            raise AssertionError(f"the {method} skeleton of {kind_name} does not validate at {'/'.join(map(str, e.absolute_path))}: {e.message}")
        text = render_variant(schemas, kind_name, data, method, language)
    else:
        text = render_skeleton(schemas, kind_name, record_id, language, schema_ref)
    folder = next((f for f in [target.parent, *target.parent.parents] if f.exists()), None)
    if folder is not None and not folder.is_dir():
        rel = folder.relative_to(root) if folder.is_relative_to(root) else folder
        raise FileExistsError(
            f"{rel} is a file, not a folder: {kind_name} records go in the folder {target.parent.relative_to(root)}/; rename or move that file"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:  # 'x': fail rather than overwrite, even in a race
        fh.write(text)
    return target


# -- valid draft skeletons for `cms init` ------------------------------------------------
PLACEHOLDER = "待填写 to be completed"


def minimal_instance(schemas: SchemaSet, kind_name: str, record_id: str, ids_by_kind: dict[str, str], today: str, missing: set[str] | None = None) -> dict:
    """The smallest record of a kind that the schema accepts, marked draft.

    Required fields get placeholders (text "待填写 to be completed", 0, false, today's date,
    the first allowed value); a reference names the skeleton of the referenced kind. Used by
    `cms init` so that a new repository starts as a checklist of drafts that validate.
    A required reference to a kind that has no skeleton in ids_by_kind gets the placeholder,
    and that kind is added to `missing` when given.
    """
    kind = schemas.kinds[kind_name]
    data = _instance(schemas, kind.schema, kind.schema["$id"], ids_by_kind, today, 0, missing)
    data.update(
        {"kind": kind_name, "id": record_id, "status": "draft", "title": f"{kind.title_zh or kind_name}（草稿） {kind.title_en or ''} (draft): {PLACEHOLDER}"}
    )
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
        data = {name: _instance(schemas, *props.get(name, ({}, base)), ids_by_kind, today, depth + 1, missing) for name in required}
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
        return [
            _instance(schemas, item, base, ids_by_kind, today, depth + 1, missing)
            for _ in range(max(1, node.get("minItems", 0)) if node.get("minItems") else 0)
        ]
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


# -- skeletons that teach: `cms new activity_data --method M [--fuel F]` --------------------
# The kinds whose calculation block has variants, and the property holding it.
VARIANT_FIELD = {"activity_data": "line"}
EXAMPLE_NOTE = {"zh": "示例值，请替换", "en": "example value: replace it"}


class Example:
    """A value written to show the shape and scale of a field, to be replaced by the user's own;
    the skeleton marks it so in a comment."""

    def __init__(self, value):
        self.value = value


class VariantError(ValueError):
    """The method or fuel asked for does not exist, or does not fit the kind."""


def methods(schemas: SchemaSet, kind_name: str) -> list[str]:
    field = VARIANT_FIELD.get(kind_name)
    if not field:
        return []
    node = schemas.property_schema(kind_name, (field, "method"))
    return [m for m in node.get("enum", []) if isinstance(m, str)]


def variant_block(schemas: SchemaSet, kind_name: str, method: str, fuel: str | None = None) -> dict:
    """The calculation block of a method (Annex F; README "Accounting methods"), every input the
    computation reads present: the built-in library's key where the library holds the figure
    (not an example: a cited default), an Example where the organization must give its own
    (activity data, measured parameters)."""
    from . import factors

    known = methods(schemas, kind_name)
    if not known:
        raise VariantError(f"{kind_name} has no --method variants; they are for: {', '.join(sorted(VARIANT_FIELD))}")
    if method not in known:
        raise VariantError(f"unknown --method {method!r} for {kind_name}; one of: {', '.join(known)}")
    if fuel and method != "emission_factor":
        raise VariantError(f"--fuel goes with --method emission_factor, not {method}")

    def amount(value, unit, source):
        return {"quantity": {"value": Example(value), "unit": unit}, "data_source": Example(source)}

    def measured(value, unit, source, standard):
        return {"value": Example(value), "unit": unit, "basis": "measured", "source": Example(source), "test_standard": Example(standard)}

    if method == "emission_factor":
        if not fuel:
            raise VariantError("--method emission_factor needs --fuel, one of: " + ", ".join(factors.fuel_keys()))
        try:
            f = factors.fuel(fuel)
        except factors.FactorKeyError as exc:
            raise VariantError(str(exc)) from None
        block = {
            "method": method,
            "gas": "CO2",
            "fuel": f.key,
            "activity": amount(100000 if f.activity_unit == "t" else 5000, f.activity_unit, "入厂/入炉计量（燃料统计月报） fuel statistics, monthly"),
        }
        # a fuel the library gives no default for is measured (coal: GB/T 213 and GB/T 476)
        block["ncv"] = (
            {"library": f"fuel:{f.key}:ncv"}
            if f.ncv
            else measured(20.5, "GJ/t", "每日入炉煤化验，按入炉量加权的月平均 daily samples, weighted by coal fired", "GB/T 213")
        )
        block["carbon_content"] = (
            {"library": f"fuel:{f.key}:carbon_content"}
            if f.carbon_content
            else measured(26.0, "tC/TJ", "每月缩分样元素碳检测 monthly composite sample, elemental carbon", "GB/T 476")
        )
        block["oxidation"] = {"library": "default:coal_oxidation" if f.key == "coal" else f"fuel:{f.key}:oxidation"}
        return block
    if method == "measurement":
        return {
            "method": method,
            "gas": "CO2",
            "measured": amount(500000, "t", "CEMS 小时数据的年度汇总 annual sum of the CEMS hourly data"),
            "measurement_method": Example("CEMS（HJ 75-2017），流量 × CO2 浓度 flow × CO2 concentration"),
        }
    if method == "mass_balance":

        def flow(name, value, cc):
            return {
                "name": Example(name),
                "amount": amount(value, "t", "入库/出库计量 weighbridge"),
                "carbon_content": measured(cc, "tC/t", "每批次化验 each batch", "GB/T 476"),
            }

        return {"method": method, "gas": "CO2", "inputs": [flow("原料 raw material", 10000, 0.12)], "outputs": [flow("产品 product", 8000, 0.02)]}
    if method == "desulfurization":
        return {
            "method": method,
            "material": "CaCO3",
            "activity": amount(30000, "t", "石灰石入厂汽车衡计量 limestone weighbridge"),
            "purity": measured(90.0, "%", "每批次 CaCO3 含量化验 each batch", "GB/T 3286.1"),
            "ef": {"library": "carbonate:CaCO3"},
        }
    if method == "clinker_calcination":
        # cement: every content measured, no default (the guideline's could not be checked; lines.CLINKER_CITATION)
        def oxide(value, what):
            return measured(value, "%", f"熟料化学全分析，按熟料产量加权 {what}", "GB/T 176")

        return {
            "method": method,
            "gas": "CO2",
            "activity": amount(600000, "t", "熟料入库计量，年末盘点校核 clinker scale, checked by stocktaking"),
            "cao": oxide(65.0, "CaO of clinker"),
            "cao_non_carbonate": oxide(0.5, "CaO not from carbonates"),
            "mgo": oxide(2.0, "MgO of clinker"),
            "mgo_non_carbonate": oxide(0.2, "MgO not from carbonates"),
        }
    if method == "purchased_electricity":
        return {"method": method, "activity": amount(1000000, "kWh", "关口计量表，与电费结算单核对 meter, checked against the bills")}
    return {
        "method": method,  # purchased_heat
        "activity": amount(10000, "GJ", "热量表，与结算单核对 heat meter, checked against the bills"),
    }


def plain(node):
    """The data without the Example marks."""
    if isinstance(node, Example):
        return plain(node.value)
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def variant_instance(schemas: SchemaSet, kind_name: str, record_id: str, method: str, fuel: str | None, existing: dict[str, str], today: str) -> dict:
    """A draft record of the variant: the envelope as `cms init` writes it (placeholders to fill),
    references to the first existing record of the kind (marked as examples: choose yours), the
    year before this one, and the method's calculation block."""
    first: dict[str, str] = {}
    for rid, kind in sorted(existing.items()):
        first.setdefault(kind, rid)
    data: dict = minimal_instance(schemas, kind_name, record_id, first, today)
    kind = schemas.kinds[kind_name]
    props, _required = _properties(schemas, kind.schema, kind.schema["$id"])
    for name, value in list(data.items()):
        prop = props.get(name, ({}, None))[0]
        if prop.get("x-ref") and isinstance(value, str) and value != PLACEHOLDER:
            data[name] = Example(value)
    if "year" in props:
        data["year"] = Example(int(today[:4]) - 1)
    data[VARIANT_FIELD[kind_name]] = variant_block(schemas, kind_name, method, fuel)
    return data


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML string


def _comment(schemas: SchemaSet, kind_name: str, path: tuple, example: bool, language: str) -> str:
    prop = schemas.property_schema(kind_name, path) if path else {}
    parts = [p for p in (_label(prop, language),) if p]
    choices = _choices(prop, language)
    if choices:
        parts.append(f"[{choices}]")
    if example:
        parts.append(f"({EXAMPLE_NOTE[language]})")
    return ("  # " + " ".join(parts)) if parts else ""


def _emit(schemas, kind_name, key, value, path, indent, lines, language) -> None:
    example = isinstance(value, Example)
    value = plain(value) if example else value
    pad = "  " * indent
    head = f"{pad}{key}:"
    note = _comment(schemas, kind_name, path, example, language)
    if len(note) > 100:  # a long description reads better above its line than after it
        lines.append(f"{pad}# {note[4:]}")
        note = f"  # ({EXAMPLE_NOTE[language]})" if example else ""
    if isinstance(value, dict) and value:
        lines.append(head + note)
        for k, v in value.items():
            _emit(schemas, kind_name, k, v, (*path, k), indent + 1, lines, language)
    elif isinstance(value, list) and value:
        lines.append(head + note)
        for i, item in enumerate(value):
            if isinstance(item, dict) and item:
                sub: list[str] = []
                for k, v in item.items():
                    _emit(schemas, kind_name, k, v, (*path, i, k), indent + 2, sub, language)
                sub[0] = f"{pad}  - " + sub[0][len(pad) + 4 :]
                lines.extend(sub)
            else:
                lines.append(f"{pad}  - {_scalar(plain(item))}" + _comment(schemas, kind_name, (*path, i), isinstance(item, Example), language))
    else:
        text = "{}" if value == {} else "[]" if value == [] else _scalar(value)
        lines.append(f"{head} {text}{note}")


def render_variant(schemas: SchemaSet, kind_name: str, data: dict, method: str, language: str = "zh") -> str:
    kind = schemas.kinds[kind_name]
    title = kind.title_en if language == "en" else kind.title_zh
    m_node = schemas.property_schema(kind_name, (VARIANT_FIELD[kind_name], "method"))
    from .schemas import enum_title

    lines = [
        f"# {title} ({kind.name}); clauses: {', '.join(kind.clauses) or '-'}",
        f"# {VARIANT_FIELD[kind_name]}.method: {method} = {enum_title(m_node, method, language) or method}"
        + (" — 写入了该方法所需的每个字段" if language == "zh" else " — every field this method needs is here"),
        "# "
        + (
            "标注“示例值”的须替换为本组织的数据；“待填写 to be completed”为待填项；填好后改 status: approved。"
            if language == "zh"
            else "Replace every value marked 'example value' with your own and each \"待填写 to be completed\"; then set status: approved."
        ),
    ]
    for key, value in data.items():
        _emit(schemas, kind_name, key, value, (key,), 0, lines, language)
    props, _ = _properties(schemas, kind.schema, kind.schema["$id"])
    for name, (prop, _base) in props.items():  # the optional fields not written, as comments
        if name not in data:
            lines.append(f"# {name}:" + _comment(schemas, kind_name, (name,), False, language))
    return "\n".join(lines) + "\n"

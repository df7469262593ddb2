"""The schemas as editors read them: the 2020-12 originals, in `.cms/schemas/` of a repository.

The YAML language server (VS Code's YAML extension and the editors built on it) validates
JSON Schema 2019-09 and 2020-12 since its 1.20.0 (its CHANGELOG: "Support JSON Schema 2019-09
and 2020-12", #478), `unevaluatedProperties` included, so the kinds are given to it as they are:
no draft-07 conversion, which could drift from what `cms check` judges. Three changes only, none
of which changes what a schema accepts:

- `$id` becomes the file's own name and every `$ref` names the sibling file
  (`defs.schema.json#/$defs/id`): references resolve in the folder, offline, in every version of
  the server (before 1.21 it fetched a relative `$ref` from the https `$id`).
- `markdownDescription`, which the server's hover and completion show under the (Chinese) title:
  the English title, then the description in both languages, and for an enum each value with
  both labels (`x-enum-titles`; also as `enumDescriptions`).
- `records.schema.json` chooses the kind's schema by the record's own `kind:` (`if`/`then` per
  kind), so that a record is checked wherever it lies below its folder (`activity/2025/`) and
  whatever its file is called; `.vscode/settings.json` maps every record folder to it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import urldefrag, urljoin

from .schemas import SchemaSet

DRAFT202012 = "https://json-schema.org/draft/2020-12/schema"
DISPATCH = "records.schema.json"


def _file_names(schemas: SchemaSet) -> dict[str, str]:
    """$id -> the copy's file name (the original's name; a clash gets a numbered name)."""
    names: dict[str, str] = {}
    used = {DISPATCH}
    for uri, (_doc, path) in sorted(schemas.documents.items()):
        name, n = path.name, 1
        while name in used:
            n += 1
            name = f"{path.name.removesuffix('.schema.json')}-{n}.schema.json"
        used.add(name)
        names[uri] = name
    return names


def hover_text(node: dict) -> str:
    """What the editor shows under a field's title: English title, both descriptions, enum labels."""
    parts = []
    title_zh, title_en = node.get("title"), node.get("x-title-en")
    if title_en and title_en != title_zh:
        parts.append(f"**{title_en}**")
    for key in ("description", "x-description-en"):
        if node.get(key) and node.get(key) not in parts:
            parts.append(str(node[key]))
    titles = node.get("x-enum-titles")
    if isinstance(node.get("enum"), list) and isinstance(titles, dict):
        parts.append("\n".join(f"- `{v}`: {_enum_words(titles, v)}" for v in node["enum"] if isinstance(v, str)))
    return "\n\n".join(parts)


def _enum_words(titles: dict, value: str) -> str:
    label = titles.get(value) if isinstance(titles.get(value), dict) else {}
    return " / ".join(w for w in (label.get("zh"), label.get("en")) if w) or value


def _editor_node(node, base: str, names: dict[str, str]):
    if isinstance(node, list):
        return [_editor_node(x, base, names) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            target, fragment = urldefrag(urljoin(base, value))
            if target == base:  # inside the document: "#/$defs/..."
                out[key] = f"#{fragment}"
            elif target in names:  # another document of the set: its copy beside this one
                out[key] = names[target] + (f"#{fragment}" if fragment else "")
            else:
                out[key] = value
        elif key.startswith("x-") or key in ("const", "default", "examples", "enum"):
            out[key] = copy.deepcopy(value)  # data, not schemas: a value may well be called "title"
        elif key in ("properties", "patternProperties", "$defs") and isinstance(value, dict):
            out[key] = {name: _editor_node(sub, base, names) for name, sub in value.items()}
        else:
            out[key] = _editor_node(value, base, names)
    if any(k in node for k in ("title", "x-title-en", "description", "x-description-en", "x-enum-titles")):
        text = hover_text(node)
        if text:
            out["markdownDescription"] = text
        titles = node.get("x-enum-titles")
        if isinstance(node.get("enum"), list) and isinstance(titles, dict):
            out["enumDescriptions"] = [_enum_words(titles, v) if isinstance(v, str) else "" for v in node["enum"]]
    return out


def editor_documents(schemas: SchemaSet) -> dict[str, dict]:
    """file name -> the editor's copy of every schema document, and the kind dispatcher."""
    names = _file_names(schemas)
    docs: dict[str, dict] = {}
    for uri, (doc, _path) in sorted(schemas.documents.items()):
        copy_ = _editor_node(copy.deepcopy(doc), uri, names)
        copy_["$id"] = names[uri]
        docs[names[uri]] = copy_
    kinds = sorted(schemas.kinds.items())
    kind_enum = [name for name, _ in kinds]
    kind_words = [f"{k.title_zh} / {k.title_en}" for _, k in kinds]
    docs[DISPATCH] = {
        "$schema": DRAFT202012,
        "$id": DISPATCH,
        "title": "碳管理体系记录",
        "x-title-en": "A record of the carbon management system",
        "markdownDescription": "**A record of the carbon management system**\n\n`kind` 选择记录类型的模式 / `kind` chooses the record's schema (`cms kinds`).",
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {
                "enum": kind_enum,
                "enumDescriptions": kind_words,
                "markdownDescription": "记录类型 / Record kind\n\n" + "\n".join(f"- `{n}`: {w}" for n, w in zip(kind_enum, kind_words)),
            }
        },
        "allOf": [{"if": {"properties": {"kind": {"const": name}}, "required": ["kind"]}, "then": {"$ref": names[kind.schema["$id"]]}} for name, kind in kinds],
    }
    return docs


def settings_file(schemas: SchemaSet) -> str | None:
    """The copy of the settings schema (cms.yaml), if the set has one."""
    names = _file_names(schemas)
    return next((names[u] for u, (_d, p) in schemas.documents.items() if p.name == "settings.schema.json"), None)


def write_all(schemas: SchemaSet, folder: Path) -> list[Path]:
    """Write the editor copies into folder (the tool's own folder: a copy no longer made, such as
    the draft-07 ones of earlier versions, is removed); returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = editor_documents(schemas)
    for stale in folder.glob("*.schema.json"):
        if stale.name not in docs and stale.is_file() and not stale.is_symlink():
            stale.unlink()
    written = []
    for name, doc in sorted(docs.items()):
        path = folder / name
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written

"""The organization's settings file (cms.yaml), validated by schemas/settings.schema.json.

Defaults live in the schema (``default``), so the documentation users read and the value the
checks use are one and the same.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Issue
from .records import SETTINGS_FILE
from .schemas import SCHEMA_BASE, SchemaSet
from .schemas import Kind
from .validate import describe_error
from .yamlsafe import Document, LoadError, load_file

SETTINGS_SCHEMA = SCHEMA_BASE + "settings.schema.json"


@dataclass
class Settings:
    data: dict
    doc: Document | None
    rel: str = SETTINGS_FILE
    defaults: dict = field(default_factory=dict)  # every default of the settings schema

    def get(self, dotted: str, default=None):
        """A setting, else the schema's documented default for it, else `default`."""
        for source in (self.data, self.defaults):
            node = source
            for part in dotted.split("."):
                if not isinstance(node, dict) or part not in node:
                    node = None
                    break
                node = node[part]
            if node is not None:
                return node
        return default

    @property
    def subsystems(self) -> set[str]:
        return set(self.data.get("subsystems") or [])

    def where(self, dotted: str = "") -> tuple[int, int]:
        if self.doc is None:
            return 1, 1
        return self.doc.where(tuple(p for p in dotted.split(".") if p))


def apply_defaults(schemas: SchemaSet, schema: dict, data, base: str):
    """Fill schema defaults into data, recursively into objects, without overwriting."""
    schema, base = schemas._deref(schema, base)  # noqa: SLF001
    if not isinstance(data, dict):
        return data
    for name, sub in schema.get("properties", {}).items():
        sub_d, sub_base = schemas._deref(sub, base)  # noqa: SLF001
        if name not in data and "default" in sub_d:
            data[name] = copy.deepcopy(sub_d["default"])
        if name in data and isinstance(data[name], dict):
            apply_defaults(schemas, sub_d, data[name], sub_base)
    return data


def load_settings(root: Path, schemas: SchemaSet) -> tuple[Settings, list[Issue]]:
    """Read and validate cms.yaml; on any problem return findings and usable defaults."""
    path = root / SETTINGS_FILE
    schema = schemas.by_id(SETTINGS_SCHEMA)
    defaults = apply_defaults(schemas, schema, {}, SETTINGS_SCHEMA)
    fallback = Settings(
        apply_defaults(schemas, schema, {"organization": {"name": "?"}, "subsystems": ["A", "B", "C", "D"]}, SETTINGS_SCHEMA), None, defaults=defaults
    )
    if not os.path.lexists(path):  # a FIFO or a link out is not 'missing': load_file says what it is
        return fallback, [
            Issue(
                f"no settings file {SETTINGS_FILE} at the root of the records repository",
                SETTINGS_FILE,
                hint="create cms.yaml with at least 'organization: {name: ...}' and 'subsystems: [A, B, C, D]', or start a repository with 'cms init'",
            )
        ]
    try:
        doc = load_file(path, root=root)
    except LoadError as exc:
        hint = exc.hint
        if exc.message == "the file is empty":  # the loader's hint is for records, not for the settings
            hint = "write at least 'organization: {name: ...}' and 'subsystems: [A, B, C, D]' ('cms init' writes a complete one)"
        return fallback, [Issue(exc.message, SETTINGS_FILE, exc.line, exc.col, hint=hint)]
    if not isinstance(doc.data, dict):
        return fallback, [Issue("the settings file must be a mapping of 'key: value' lines", SETTINGS_FILE, 1, 1)]
    issues: list[Issue] = []
    fast = schemas.fast_validator(schema)
    if fast is None or not fast.is_valid(doc.data):  # as records: the Rust validator decides, jsonschema explains
        pseudo = Kind(name="settings", schema=schema, file=path, schemas=schemas)
        for error in pseudo.validator.iter_errors(doc.data):
            issues.extend(describe_error(error, doc, pseudo, schemas, SETTINGS_FILE, None))
    if issues:
        return fallback, issues
    data = apply_defaults(schemas, schema, copy.deepcopy(doc.data), SETTINGS_SCHEMA)
    return Settings(data, doc, defaults=defaults), []

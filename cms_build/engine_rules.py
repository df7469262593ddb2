"""The rules of the engine itself, which no setting can switch off (cms_build/engine.py)."""

# Rules of the engine itself: (id, title, clauses, severity)
ENGINE_RULES = {
    "yaml.invalid": ("The file is well-formed, safe YAML", ("7.4.2 b",), "error"),
    "record.kind": ("Every record names a known kind", ("7.4.2 a",), "error"),
    "record.id": ("Every record has a valid id, unique in the repository", ("7.4.2 a",), "error"),
    "schema.invalid": ("Every record matches its kind's schema", ("7.4.2",), "error"),
    "ref.invalid": ("References name an existing record of the right kind; attached files exist in the repository", ("7.4.3",), "error"),
    "settings.invalid": ("The settings file is valid", ("4.3",), "error"),
    "rules.crashed": ("Every check and computation runs to its end and reports only findings", ("7.4.3",), "error"),
    "rules.invalid": ("The organization's own rule files load", ("7.4.3",), "error"),
}

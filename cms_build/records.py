"""Records: one YAML file each, with a kind, an id and the envelope of clause 7.4.

Discovery walks the organization's repository for *.yaml / *.yml files, in sorted order
(deterministic output), skipping what is not a record: the settings file, hidden folders,
the organization's own checks and schemas, and build output.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import dates

from .findings import Issue, format_path
from .yamlsafe import Document

SETTINGS_FILE = "cms.yaml"
SKIP_DIRS = {"checks", "schemas", "site", "_build", "_site", "node_modules", "__pycache__"}
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
_ID_RE = re.compile(ID_PATTERN)
_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(path) -> tuple:
    """"targets[0].value" -> ("targets", 0, "value"); tuples pass through."""
    if isinstance(path, tuple):
        return path
    if isinstance(path, list):
        return tuple(path)
    if not path:
        return ()
    out = []
    for name, index in _PATH_TOKEN.findall(path):
        out.append(int(index) if index else name)
    return tuple(out)


# The envelope's statuses (schemas/envelope.schema.json), in the two senses rules need.
INACTIVE = frozenset({"superseded", "withdrawn"})  # no longer in force: leave out of current figures
DONE = frozenset({"approved", "superseded"})  # an activity (review, assessment) that took place


def known_by(record, as_of: dt.date) -> bool:
    """Whether a record was known at the as-of date: neither approved nor effective after it.

    A check run at an earlier as-of date leaves later records out, so that the same run
    repeated later gives the same result. (record: a Record or anything with .get.)
    """
    for name in ("approved_on", "effective"):
        day = dates.parse(record.get(name))
        if day is not None and day > as_of:
            return False
    return True


def valid_id(value) -> bool:
    return isinstance(value, str) and bool(_ID_RE.match(value))


@dataclass
class Record:
    id: str
    kind: str
    data: dict
    rel: str  # repository-relative POSIX path
    path: Path
    doc: Document
    valid: bool = True  # False once the schema rejected it: checks then leave it alone
    schema_title: str = ""
    extra: dict = field(default_factory=dict)

    # -- reading -------------------------------------------------------------------------
    def get(self, path: Any, default: Any = None) -> Any:
        node = self.data
        for part in parse_path(path):
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    return default
            elif not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    @property
    def title(self) -> str:
        return str(self.data.get("title") or self.id)

    @property
    def status(self) -> str:
        return str(self.data.get("status") or "draft")

    @property
    def confidentiality(self) -> str:
        return str(self.data.get("confidentiality") or "internal")

    @property
    def is_current(self) -> bool:
        """Not superseded or withdrawn (a draft is current, though not yet approved)."""
        return self.status not in INACTIVE

    def known_by(self, as_of: dt.date) -> bool:
        return known_by(self, as_of)

    def date(self, path) -> dt.date | None:
        """A date field as a date (None when absent or not a date)."""
        return dates.parse(self.get(path))

    def number(self, path) -> float | None:
        """A numeric field as a number (None when absent or not a number; booleans are not numbers)."""
        value = self.get(path)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def where(self, path=()) -> tuple[int, int]:
        return self.doc.where(parse_path(path))

    # -- reporting -----------------------------------------------------------------------
    def issue(self, path, message: str, hint: str = "", severity: str | None = None,
              clauses=(), key: bool = False) -> Issue:
        """An issue located at the field `path` of this record (its key if key=True)."""
        p = parse_path(path)
        line, col = self.doc.where_key(p) if key else self.doc.where(p)
        return Issue(message=message, file=self.rel, line=line, col=col, record=self.id,
                     path=format_path(p), hint=hint, severity=severity, clauses=tuple(clauses))

    def resolve_file(self, root: Path, value: str) -> Path | None:
        """An attached file named in this record, relative to the record's folder.

        Returns None when it would leave the repository (absolute, '..', or a link out).
        """
        if not isinstance(value, str) or not value or value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value):
            return None
        candidate = (self.path.parent / value)
        try:
            resolved = candidate.resolve()
            resolved.relative_to(root.resolve())
        except (ValueError, OSError):
            return None
        return resolved


def discover(root: Path, exclude: list[str] | None = None) -> list[Path]:
    """Every record file under root, sorted by repository-relative path."""
    exclude = list(exclude or [])
    found: list[Path] = []
    root = root.resolve()

    def walk(folder: Path):
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError:
            return
        for entry in entries:
            rel = entry.relative_to(root).as_posix()
            if entry.name.startswith(".") or any(Path(rel).match(pat) for pat in exclude):
                continue
            if entry.is_dir():
                if entry.is_symlink() or (folder == root and entry.name in SKIP_DIRS):
                    continue
                walk(entry)
            elif entry.suffix in (".yaml", ".yml") and rel != SETTINGS_FILE:
                found.append(entry)

    walk(root)
    return found

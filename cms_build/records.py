"""Records: one YAML file each, with a kind, an id and the envelope of clause 7.4.

Discovery walks the organization's repository for *.yaml / *.yml files, in sorted order
(deterministic output), skipping what is not a record: the settings file, hidden folders,
the organization's own checks and schemas, and build output.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import dates

from .findings import Issue, format_path
from .paths import UnsafeFile, notice, rel_to, repo_dir, repo_file
from .yamlsafe import Document

SETTINGS_FILE = "cms.yaml"
SKIP_DIRS = {"checks", "schemas", "site", "_build", "_site", "node_modules", "__pycache__"}
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
_ID_RE = re.compile(ID_PATTERN)
_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


# Parsed path strings, kept: the rules ask for the same few paths of every record (about half a
# million Record.get calls in a check of 4,600 records), and parsing one costs more than the walk.
# Bounded, since a rule may build paths from data ("holders[12].person").
_PARSED: dict[str, tuple] = {}
_PARSED_MAX = 4096


def parse_path(path) -> tuple:
    """ "targets[0].value" -> ("targets", 0, "value"); tuples pass through."""
    if isinstance(path, tuple):
        return path
    if isinstance(path, list):
        return tuple(path)
    if not path:
        return ()
    if type(path) is str:
        parsed = _PARSED.get(path)
        if parsed is None:
            parsed = _parse_text(path)
            if len(_PARSED) < _PARSED_MAX:
                _PARSED[path] = parsed
        return parsed
    return _parse_text(path)


def _parse_text(path) -> tuple:
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


def not_yet(record, as_of: dt.date) -> bool:
    """Whether a record was approved or took effect only after the as-of date (not known_by)."""
    return not known_by(record, as_of)


def valid_id(value) -> bool:
    # fullmatch, not match: the pattern's '$' also matches before a final newline ("POL-001\n")
    return isinstance(value, str) and bool(_ID_RE.fullmatch(value))


def id_problem(value) -> str | None:
    """What is wrong with an id, in words (None when it is valid)."""
    if valid_id(value):
        return None
    if value is None:
        return "has no id"
    if not isinstance(value, str):
        return f"has an id that is not text ({value!r}): quote it"
    if value == "":
        return "has an empty id"
    bad = next((ch for ch in value if not (ch.isascii() and (ch.isalnum() or ch in "._-"))), None)
    if bad is not None:
        if bad in "\n\r":
            what = "a line break (a block scalar '|' or '>' adds one at its end)"
        elif not bad.isprintable():
            what = f"a control or invisible character (U+{ord(bad):04X})"
        elif bad in "/\\":
            what = f"a path separator ({bad!r})"
        elif not bad.isascii():
            what = f"the character {bad!r} (U+{ord(bad):04X}): ids are written in ASCII letters and digits"
        else:
            what = f"the character {bad!r}"
        return f"has an invalid id {value!r}: it holds {what}"
    if len(value) > 128:
        return f"has an invalid id {value[:20]!r}...: it is {len(value)} characters long, more than 128"
    return f"has an invalid id {value!r}: it must start with a letter or a digit"


def id_key(value: str) -> str:
    """The form in which two ids are compared: ids that differ only in case or in full-width /
    half-width forms name the same record for a reader, so they may not both exist."""
    return unicodedata.normalize("NFKC", value).casefold()


@dataclass
class Record:
    id: str
    kind: str
    data: dict
    rel: str  # repository-relative POSIX path
    path: Path
    doc: Document
    valid: bool = True  # False once the schema rejected it: checks then leave it alone
    content: str = ""  # SHA-256 of the file's bytes, when the run keeps a cache (cms_build/cache.py)

    # -- reading -------------------------------------------------------------------------
    def get(self, path: Any, default: Any = None) -> Any:
        node = self.data
        parts = parse_path(path)
        if len(parts) == 1 and type(parts[0]) is str and type(node) is dict:
            # A top-level field, most of the calls: the same answer as the walk below, in one step.
            return node.get(parts[0], default)
        for part in parts:
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
    def issue(self, path, message: str, hint: str = "", severity: str | None = None, clauses=(), key: bool = False) -> Issue:
        """An issue located at the field `path` of this record (its key if key=True)."""
        p = parse_path(path)
        line, col = self.doc.where_key(p) if key else self.doc.where(p)
        return Issue(
            message=message, file=self.rel, line=line, col=col, record=self.id, path=format_path(p), hint=hint, severity=severity, clauses=tuple(clauses)
        )

    def resolve_file(self, root: Path, value: str) -> Path | None:
        """An attached file named in this record, relative to the record's folder.

        Returns None when it would leave the repository (absolute, '..', or a link out).
        """
        if not isinstance(value, str) or not value or value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value):
            return None
        candidate = self.path.parent / value
        notice(candidate)
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13)
            return candidate  # not a file: callers skip it, and the index says why (paths.repo_file)
        notice(resolved)
        try:
            resolved.relative_to(root.resolve())
        except ValueError:
            return None
        return resolved


RECORD_SUFFIXES = (".yaml", ".yml")  # compared lower-cased: x.YAML and x.Yml are records too


def discover(root: Path, exclude: list[str] | None = None, problems: list | None = None) -> list[Path]:
    """Every record file under root, sorted by repository-relative path.

    What cannot be read as a record is never skipped in silence: a folder that cannot be listed,
    a record file that is a link out of the repository, a dangling link or a loop, a FIFO, device
    or socket named *.yaml each become a paths.UnsafeFile in `problems` (when given). Links to
    folders are not walked (their records are read where they really are, or, outside the
    repository, not at all: that is a problem too).
    """
    exclude = list(exclude or [])
    found: list[Path] = []
    root = root.resolve()
    problems = problems if problems is not None else []

    def walk(folder: Path):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(
                UnsafeFile(
                    rel_to(root, folder) if folder != root else ".",
                    f"the folder cannot be read: {exc.strerror}; its records are not checked",
                    "make it readable to the user who runs cms (chmod a+rx), or remove it",
                )
            )
            return
        for entry in entries:
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            if entry.name.startswith(".") or any(Path(rel).match(pat) for pat in exclude):
                continue
            bad = next((ch for ch in entry.name if not ch.isprintable()), None)
            if bad is not None:  # a line break, a control, format (U+202E) or undecodable character
                shown = "".join(
                    ch
                    if ch.isprintable()
                    else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                    if ord(ch) < 0xD800 or ord(ch) > 0xDFFF
                    else f"\\u{ord(ch):04x}"
                    for ch in rel
                )
                problems.append(
                    UnsafeFile(
                        shown,
                        f"the name holds a character that cannot be shown (U+{ord(bad):04X}): it is not read",
                        "rename it with letters, digits, '.', '_' or '-'",
                    )
                )
                continue
            if folder == root and entry.name in SKIP_DIRS:
                continue  # checks/, schemas/, site/: their own loaders refuse a link out (paths)
            if entry.is_symlink() and path.suffix.lower() not in RECORD_SUFFIXES:
                try:
                    repo_dir(root, path)
                except UnsafeFile as exc:
                    if os.path.isdir(path):
                        problems.append(UnsafeFile(rel, exc.message + "; its records are not read", exc.hint))
                continue  # a folder link inside the repository: read where it really is
            if entry.is_dir(follow_symlinks=False):
                walk(path)
            elif path.suffix.lower() in RECORD_SUFFIXES and rel != SETTINGS_FILE:
                # the walk starts at the real root and enters no link: a regular file that is no
                # link (the listing's own type, no call) is inside the repository by construction,
                # what repo_file would accept when readable. Anything else goes through repo_file,
                # which says what is wrong; the read itself (paths.read_repo_bytes) checks again.
                if entry.is_file(follow_symlinks=False) and os.access(path, os.R_OK):
                    found.append(path)
                    continue
                try:
                    repo_file(root, path)
                except UnsafeFile as exc:
                    problems.append(exc)
                    continue
                found.append(path)

    walk(root)
    return found

"""The index: records by id and by kind, typed references both ways, attached files.

Built once after validation; reports duplicate ids, dangling or mistyped references and
attached-file paths that leave the repository or do not exist.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .findings import Issue, format_path
from .paths import UnsafeFile, repo_file
from .records import Record, id_key
from .schemas import SchemaSet, values_at


@dataclass(frozen=True)
class Ref:
    source: str  # record id
    path: tuple
    target: str
    kinds: tuple  # acceptable kinds ("*" for any)


class Index:
    def __init__(self, records: list[Record], schemas: SchemaSet, root: Path):
        self.root = root
        self.schemas = schemas
        self.by_id: dict[str, Record] = {}
        self.by_kind: dict[str, list[Record]] = defaultdict(list)
        self.refs: list[Ref] = []
        self.referrers: dict[str, list[Ref]] = defaultdict(list)
        self.issues: list[tuple[str, Issue]] = []  # (engine rule, issue)
        by_key: dict[str, Record] = {}  # ids compared NFKC-casefolded (records.id_key)
        for record in records:
            first = by_key.get(id_key(record.id))
            if first is not None:
                self._duplicate(record, first)
                record.valid = False
                continue
            by_key[id_key(record.id)] = record
            self.by_id[record.id] = record
            self.by_kind[record.kind].append(record)
        for kind_records in self.by_kind.values():
            kind_records.sort(key=lambda r: r.id)
        for record in self.by_id.values():
            self._index_refs(record)
            self._check_files(record)

    def _duplicate(self, record: Record, first: Record) -> None:
        """One finding at each of the two records (a reader of either file must learn of the other)."""
        same = "" if record.id == first.id else " (ids that differ only in case or full-width forms are the same id)"
        hint = "every record needs an id of its own: rename one of them"
        line, col = record.where(("id",))
        fl, fc = first.where(("id",))
        self.issues.append(
            (
                "record.id",
                Issue(
                    f"duplicate id '{record.id}': also used by {first.rel}:{fl}:{fc}" + (f" as '{first.id}'" if same else "") + same,
                    record.rel,
                    line,
                    col,
                    record.id,
                    "id",
                    hint=hint,
                ),
            )
        )
        self.issues.append(
            (
                "record.id",
                Issue(
                    f"duplicate id '{first.id}': also used by {record.rel}:{line}:{col}" + (f" as '{record.id}'" if same else "") + same,
                    first.rel,
                    fl,
                    fc,
                    first.id,
                    "id",
                    hint=hint,
                ),
            )
        )

    def _bad(self, issue: Issue) -> None:
        self.issues.append(("ref.invalid", issue))

    def _index_refs(self, record: Record) -> None:
        kind = self.schemas.kinds.get(record.kind)
        if kind is None:
            return
        for pattern, targets in kind.refs:
            for path, value in values_at(record.data, pattern):
                if not isinstance(value, str):
                    continue  # the schema reports the wrong type
                ref = Ref(record.id, path, value, targets)
                self.refs.append(ref)
                target = self.by_id.get(value)
                if target is None:
                    close = difflib.get_close_matches(value, list(self.by_id), n=1, cutoff=0.7)
                    want = "a record" if "*" in targets else " or ".join(targets) + " record"
                    hint = f"did you mean '{close[0]}'?" if close else f"create the {want} '{value}', or correct the id"
                    self._bad(record.issue(path, f"{format_path(path)} names '{value}', but no record has that id", hint=hint))
                    continue
                if "*" not in targets and target.kind not in targets:
                    self._bad(
                        record.issue(
                            path,
                            f"{format_path(path)} names '{value}', which is a {target.kind} record ({target.rel}); expected {' or '.join(targets)}",
                            hint=f"name a {' or '.join(targets)} record here",
                        )
                    )
                    continue
                self.referrers[value].append(ref)

    def _check_files(self, record: Record) -> None:
        kind = self.schemas.kinds.get(record.kind)
        if kind is None:
            return
        for pattern in kind.files:
            for path, value in values_at(record.data, pattern):
                if not isinstance(value, str):
                    continue
                resolved = record.resolve_file(self.root, value)
                if not value.strip():
                    self._bad(
                        record.issue(
                            path, f"{format_path(path)}: the path is empty", hint="name the file, relative to this record's folder, or remove the entry"
                        )
                    )
                elif resolved is None:
                    self._bad(
                        record.issue(
                            path,
                            f"{format_path(path)}: the path '{value}' leaves the repository",
                            hint="name a file inside the repository, relative to this record's folder, without '..' or a leading '/'",
                        )
                    )
                else:
                    try:  # the one place that decides what a repository file may be (no FIFO, loop ...)
                        repo_file(self.root, record.path.parent / value)
                    except UnsafeFile as exc:
                        if exc.message == "the file does not exist":
                            self._bad(
                                record.issue(
                                    path,
                                    f"{format_path(path)}: the file '{value}' does not exist",
                                    hint=f"add the file next to {record.rel}, or correct the path",
                                )
                            )
                        else:
                            self._bad(record.issue(path, f"{format_path(path)}: '{value}': {exc.message}", hint=exc.hint))

    # -- queries used by checks, computations and the site -------------------------------
    def get(self, record_id: str) -> Record | None:
        return self.by_id.get(record_id)

    def of_kind(self, *kinds: str, valid_only: bool = True) -> list[Record]:
        out: list[Record] = []
        for kind in kinds:
            out.extend(r for r in self.by_kind.get(kind, []) if r.valid or not valid_only)
        return out if len(kinds) < 2 else sorted(out, key=lambda r: r.id)

    def referring(self, record_id: str, kind: str | None = None) -> list[Record]:
        """Records that name record_id in a typed reference (optionally only of a kind)."""
        seen, out = set(), []
        for ref in self.referrers.get(record_id, []):
            src = self.by_id[ref.source]
            if src.id not in seen and (kind is None or src.kind == kind):
                seen.add(src.id)
                out.append(src)
        return sorted(out, key=lambda r: r.id)

"""What one build of the site knows: the run's result seen through a publish.View.

Everything a page shows is taken from here, and everything here is taken from the View:
the records it may show (and their fields as it may show them), its findings and its
computed results. The raw result is used only for the schemas (labels) and the index
(which references exist), never for content.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

from ..paths import UnsafeFile, bundled, read_repo_bytes
from ..publish import RESTRICTED, STATUSES, View
from ..schemas import SCHEMA_BASE, enum_title, values_at
from . import urls
from .history import History

SUBSYSTEMS = ("common", "A", "B", "C", "D")
# The line breaks PyYAML counts (its marks give the lines a trace cites): \r\n once, then each of these.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
TABLE_ROWS_PER_PAGE = 500
SEVERITY_ORDER = ("error", "warning", "info")
# Attachments keep their type only when the browser cannot run them as a page or script.
SAFE_EXTENSIONS = {
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "bmp",
    "tif",
    "tiff",
    "csv",
    "tsv",
    "txt",
    "xlsx",
    "xls",
    "xlsm",
    "docx",
    "doc",
    "pptx",
    "ppt",
    "odt",
    "ods",
    "zip",
    "7z",
    "gz",
    "ofd",
    "p7s",
    "sig",
    "asc",
}


@lru_cache(maxsize=4)
def load_strings(site_dir: str) -> dict:
    return yaml.safe_load(Path(site_dir, "strings.yaml").read_text(encoding="utf-8"))


class Strings(dict):
    """Page chrome in the site language; a missing key shows itself (never a crash)."""

    def __missing__(self, key):
        return key


def site_words(site_dirs: list[Path], language: str) -> Strings:
    """The site's words (site/strings.yaml) in a language, an organization's own site/strings.yaml
    (in site_dirs) overriding the bundled ones key by key: what the pages say, and the labels of
    statuses the workbook shows (cms_build/workflow/xlsx.py)."""
    strings = load_strings(str(bundled("site")))
    for folder in site_dirs:  # an organization's site/strings.yaml may override words
        if (folder / "strings.yaml").is_file() and folder != bundled("site"):
            extra = yaml.safe_load(read_repo_bytes(folder.parent, folder / "strings.yaml", 1 << 20).decode("utf-8")) or {}
            strings = {lang: {**strings.get(lang, {}), **(extra.get(lang) or {})} for lang in strings}
    return Strings(strings["en" if language == "en" else "zh"])


class SiteModel:
    def __init__(self, result, profile: str, language: str, history: History, site_dirs: list[Path]):
        self.result = result
        self.view = View(result, profile)
        self.profile = profile
        self.public = profile == "public"
        self.lang = language if language in ("zh", "en") else "zh"
        self.t = site_words(site_dirs, self.lang)
        self.history = history
        self.schemas = result.schemas
        self.records = self.view.records  # sorted by id
        self.by_id = {r.id: r for r in self.records}
        self.by_rel = {r.rel: r for r in self.records}
        self.by_kind: dict[str, list] = defaultdict(list)
        for r in self.records:
            self.by_kind[r.kind].append(r)
        self.hider = self.view.hider
        self.withheld = set(self.view.withheld())  # computations this profile leaves out whole
        self.findings = sorted((self.hider.finding(f) for f in self.view.findings), key=_finding_order)
        self.findings_by_record: dict[str, list] = defaultdict(list)
        for f in self.findings:
            owner = f.record if f.record in self.by_id else (self.by_rel[f.file].id if f.file in self.by_rel else None)
            if owner:
                self.findings_by_record[owner].append(f)
        self.results = self.hider(self.view.results(), self.view.result_types)
        self.statuses = self.hider(self.view.statuses(), STATUSES)  # record id -> derived status (cms_build/statuses.py)
        self._data = {r.id: self.hider(self.view.data(r)) for r in self.records}
        self.trace_links: dict = {}  # record id -> [(label, page, anchor)], filled by domains
        self._labels: dict = {}
        self.envelope = list(self.schemas.by_id(SCHEMA_BASE + "envelope.schema.json").get("properties", {}))
        self.attachments: dict[tuple, str] = {}  # (record id, path tuple) -> docs path
        self.attachment_sources: dict = {}  # docs path -> publish.Attachment to copy (or to cut to its columns)
        self.withheld_files: dict[tuple, str] = {}  # (record id, path tuple) -> why this profile does not publish it
        self.sources: dict[str, dict] = {}  # record id -> its source view: {"page", "rel", "lines"} (internal only)
        self.tables: dict[str, dict] = {}  # attachment target -> its table page (a published CSV, row anchors)
        self._table_of: dict[tuple, str] = {}  # (record id, file rel) and (None, file rel) -> attachment target

    # -- labels -------------------------------------------------------------------------
    def kind_title(self, kind: str) -> str:
        k = self.schemas.kinds.get(kind)
        return k.title(self.lang) if k else kind

    def kind_subsystem(self, kind: str) -> str:
        k = self.schemas.kinds.get(kind)
        return k.subsystem if k else "common"

    def field_schema(self, kind: str, path: tuple) -> dict:
        """The schema of a field (list indexes folded: every item shares one schema)."""
        key = (kind, tuple(0 if isinstance(p, int) else p for p in path))
        if key not in self._labels:
            schema = {}
            if kind in self.schemas.kinds:
                try:
                    schema = self.schemas.property_schema(kind, key[1])
                except Exception:  # noqa: BLE001 - an unresolvable $ref in an organization's schema: no label
                    schema = {}
            self._labels[key] = schema if isinstance(schema, dict) else {}
        return self._labels[key]

    def label(self, kind: str, path: tuple) -> str:
        schema = self.field_schema(kind, path)
        name = path[-1] if path else kind
        if self.lang == "en":
            return str(schema.get("x-title-en") or schema.get("title") or name)
        return str(schema.get("title") or schema.get("x-title-en") or name)

    def description(self, kind: str, path: tuple) -> str:
        schema = self.field_schema(kind, path)
        if self.lang == "en":
            return str(schema.get("x-description-en") or "")
        return str(schema.get("description") or "")

    def enum_label(self, kind: str, path: tuple, value) -> str:
        """An enum value as the words of the site language (schemas.enum_title), else the value."""
        return enum_title(self.field_schema(kind, path), value, self.lang) or value

    def value_words(self, value):
        """A computed value or key that is an enum value, as words: a method, a category, a
        gas origin, a code of a result's own (site/strings.yaml result_values: why a source is in
        the national ETS boundary); a market key such as ``national_ets:CEA:2021`` labels its scheme
        (全国碳排放权交易市场 · CEA · 2021). None when it is no enum value."""
        if not isinstance(value, str) or not value:
            return None
        words = self.schemas.enum_words(self.lang)
        if value in words:
            return words[value]
        codes = self.t.get("result_values")  # codes a result defines, not a schema (strings.yaml)
        if isinstance(codes, dict) and isinstance(codes.get(value), str):
            return codes[value]
        head, sep, rest = value.partition(":")
        if sep and head in words and rest:
            return " · ".join([words[head], *rest.split(":")])
        return None

    # -- records --------------------------------------------------------------------------
    def data(self, record) -> dict:
        """The record's fields as the View shows them (ids of unpublished records hidden)."""
        return self._data[record.id]

    def visible(self, record_id) -> bool:
        return isinstance(record_id, str) and self.view.visible(record_id)

    def page_of(self, record_id: str) -> str:
        r = self.by_id[record_id]
        return urls.record_page(r.kind, r.id)

    def is_restricted_item(self, record, path: tuple, value) -> bool:
        """A list item the View replaced by the 'restricted' marker in this profile."""
        return value == RESTRICTED and self.public and self.view.is_restricted_path(record, path)

    def refs_out(self, record) -> list[tuple[tuple, str]]:
        """(path, target id) of the record's typed references, as its published data has them."""
        kind = self.schemas.kinds.get(record.kind)
        if kind is None:
            return []
        data = self.data(record)
        out = []
        for pattern, _targets in kind.refs:
            for path, value in values_at(data, pattern):
                if isinstance(value, str):
                    out.append((path, value))
        return sorted(out, key=lambda pv: (str(pv[0]), pv[1]))

    def refs_in(self, record) -> list:
        return [r for r in self.result.index.referring(record.id) if self.visible(r.id)]

    def is_ref_path(self, record, path: tuple) -> bool:
        return "x-ref" in self.field_schema(record.kind, path)

    def is_file_path(self, record, path: tuple) -> bool:
        return bool(self.field_schema(record.kind, path).get("x-file"))

    def collect_attachments(self) -> None:
        """Attached files of the published records, under names the site chooses, as the View
        publishes them (publish.View.attachments): whole, as a table of the columns this
        profile shows, or not at all (shown as restricted)."""
        for record in self.records:
            n = 0
            for a in self.view.attachments(record):
                if a.publish == "no":
                    self.withheld_files[(record.id, a.path)] = a.reason
                if a.publish not in ("copy", "table"):
                    continue
                n += 1
                ext = a.file.suffix.lower().lstrip(".")
                ext = ext if ext in SAFE_EXTENSIONS else "bin"
                target = f"files/{record.id}/{n}.{ext}"
                self.attachments[(record.id, a.path)] = target
                self.attachment_sources[target] = a

    def collect_sources(self) -> None:
        """The YAML of every record, for its source view (issue 17 item 8): internal builds only.

        The public edition publishes a record field by field through the View; its file would
        publish every field, key and comment at once, and a projection of the published fields
        would not have the lines a trace cites. So a public build has no source view, and its
        traces cite a record's file:line as text beside the link to the record's page."""
        if self.public:
            return
        root = self.result.root
        limit = self.settings.get("limits.max_file_bytes")
        for r in self.records:
            try:  # through cms_build.paths, bounded as the engine read it
                raw = read_repo_bytes(root, r.path, limit)
            except UnsafeFile:
                continue  # changed since the run into something not to read: no source view, no link
            text = raw.decode("utf-8", "replace").lstrip("\ufeff")
            lines = _LINE_BREAK.split(text)
            if lines and lines[-1] == "":
                lines.pop()
            self.sources[r.id] = {"page": urls.source_page(r.kind, r.id), "rel": r.rel, "lines": lines}

    def collect_tables(self) -> None:
        """Each published CSV attachment as a page of rows, each row anchored by its line in the
        file (the line a trace cites), with the columns this profile publishes (publish.View:
        a "table" attachment keeps only its allowed columns, as the CSV the site copies)."""
        from ..csvfile import TableProblem, read_csv, table_limits

        root = Path(self.result.root).resolve()
        limits = table_limits(self.settings.get)
        for target, a in sorted(self.attachment_sources.items()):
            if a.file is None or a.file.suffix.lower() != ".csv":
                continue
            try:
                rel = Path(a.file).resolve().relative_to(root).as_posix()
            except ValueError:
                continue
            problem, rows = "", []
            try:
                rows = list(read_csv(root, a.file, rel, limits))
            except TableProblem as exc:  # the rule that reads the table reports it as a finding too
                problem, rows = f"{exc.file}:{exc.line}: {exc.message}", []
            header = rows[0][1] if rows else []
            keep = list(range(len(header))) if a.publish == "copy" else [header.index(c) for c in a.columns if c in header]
            body = [(line, [cells[i] if i < len(cells) else "" for i in keep]) for line, cells in rows[1:]]
            base = urls.table_page(a.record, int(Path(target).stem) if Path(target).stem.isdigit() else 0)
            chunks = [body[i : i + TABLE_ROWS_PER_PAGE] for i in range(0, len(body), TABLE_ROWS_PER_PAGE)] or [[]]
            line_page = {}
            for n, chunk in enumerate(chunks, start=1):
                for line, _ in chunk:
                    line_page[line] = urls.numbered(base, n)
            kind = self.by_id[a.record].kind
            rows_of = self.field_schema(kind, a.path).get("x-rows")  # the array property whose items are its rows
            row_base = a.path[:-1] + (rows_of, 0) if isinstance(rows_of, str) else None
            self.tables[target] = {
                "page": base,
                "record": a.record,
                "rel": rel,
                "file": target,
                "kind": kind,
                "row_base": row_base,
                "header": [header[i] for i in keep],
                "chunks": chunks,
                "line_page": line_page,
                "problem": problem,
            }
            self._table_of.setdefault((a.record, rel), target)
            self._table_of.setdefault((None, rel), target)

    def table_of(self, record_id, path: tuple) -> dict | None:
        """The table page of a record's attachment at a field path, or None."""
        target = self.attachments.get((record_id, path))
        return self.tables.get(target) if target else None

    def cited_line(self, record_id, file, line) -> tuple[str, str] | None:
        """(page, anchor) for a file:line a trace cites: the line of the record's YAML in its
        source view, or the row of its attached table; None when this build shows neither
        (a public build, an unpublished table, a line the file does not have)."""
        if not isinstance(line, int) or isinstance(line, bool) or line < 1 or not isinstance(file, str):
            return None
        src = self.sources.get(record_id) if isinstance(record_id, str) else None
        if src is not None and file == src["rel"]:
            return (src["page"], urls.line_anchor(line)) if line <= len(src["lines"]) else None
        target = self._table_of.get((record_id if isinstance(record_id, str) else None, file))
        page = self.tables[target]["line_page"].get(line) if target else None
        return (page, urls.line_anchor(line)) if page else None

    def cited_table(self, record_id, file) -> str | None:
        """The first page of the attached table a trace cites as a whole (a CSV's measured rows,
        counted: checks/emissions/lines.py), or None when this build shows no such table."""
        if not isinstance(file, str):
            return None
        target = self._table_of.get((record_id if isinstance(record_id, str) else None, file))
        return self.tables[target]["page"] if target else None

    # -- settings -------------------------------------------------------------------------
    @property
    def settings(self):
        return self.result.settings

    def org_name(self) -> str:
        org = self.settings.data.get("organization") or {}
        if self.lang == "en" and org.get("name_en"):
            return str(org["name_en"])
        return str(org.get("name") or "")

    def site_title(self) -> str:
        site = self.settings.data.get("site") or {}
        return str(site.get("title") or self.t["site_title"])


def _finding_order(f):
    rank = SEVERITY_ORDER.index(f.severity) if f.severity in SEVERITY_ORDER else 9
    return (rank, f.file, f.line, f.col, f.rule, f.message)

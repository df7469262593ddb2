"""What one build of the site knows: the run's result seen through a publish.View.

Everything a page shows is taken from here, and everything here is taken from the View:
the records it may show (and their fields as it may show them), its findings and its
computed results. The raw result is used only for the schemas (labels) and the index
(which references exist), never for content.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

from ..paths import bundled, read_repo_bytes
from ..publish import RESTRICTED, View
from ..schemas import SCHEMA_BASE, enum_title, values_at
from . import urls
from .history import History

SUBSYSTEMS = ("common", "A", "B", "C", "D")
SEVERITY_ORDER = ("error", "warning", "info")
# Attachments keep their type only when the browser cannot run them as a page or script.
SAFE_EXTENSIONS = {"pdf", "png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "csv", "tsv", "txt",
                   "xlsx", "xls", "xlsm", "docx", "doc", "pptx", "ppt", "odt", "ods", "zip", "7z", "gz",
                   "ofd", "p7s", "sig", "asc"}


@lru_cache(maxsize=4)
def load_strings(site_dir: str) -> dict:
    return yaml.safe_load(Path(site_dir, "strings.yaml").read_text(encoding="utf-8"))


class Strings(dict):
    """Page chrome in the site language; a missing key shows itself (never a crash)."""

    def __missing__(self, key):
        return key


class SiteModel:
    def __init__(self, result, profile: str, language: str, history: History, site_dirs: list[Path]):
        self.result = result
        self.view = View(result, profile)
        self.profile = profile
        self.public = profile == "public"
        self.lang = language if language in ("zh", "en") else "zh"
        strings = load_strings(str(bundled("site")))
        for folder in site_dirs:  # an organization's site/strings.yaml may override words
            if (folder / "strings.yaml").is_file() and folder != bundled("site"):
                extra = yaml.safe_load(read_repo_bytes(folder.parent, folder / "strings.yaml", 1 << 20).decode("utf-8")) or {}
                strings = {lang: {**strings.get(lang, {}), **(extra.get(lang) or {})} for lang in strings}
        self.t = Strings(strings[self.lang])
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
        self.results = self.hider(self.view.results())
        self.statuses = self.hider(self.view.statuses())  # record id -> derived status (cms_build/statuses.py)
        self._data = {r.id: self.hider(self.view.data(r)) for r in self.records}
        self.trace_links: dict = {}  # record id -> [(label, page, anchor)], filled by domains
        self._labels: dict = {}
        self.envelope = list(self.schemas.by_id(SCHEMA_BASE + "envelope.schema.json").get("properties", {}))
        self.attachments: dict[tuple, str] = {}  # (record id, path tuple) -> docs path
        self.attachment_sources: dict = {}  # docs path -> publish.Attachment to copy (or to cut to its columns)
        self.withheld_files: dict[tuple, str] = {}  # (record id, path tuple) -> why this profile does not publish it

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
        gas origin; a market key such as ``national_ets:CEA:2021`` labels its scheme
        (全国碳排放权交易市场 · CEA · 2021). None when it is no enum value."""
        if not isinstance(value, str) or not value:
            return None
        words = self.schemas.enum_words(self.lang)
        if value in words:
            return words[value]
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


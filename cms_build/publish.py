"""What a build profile may publish: the one place confidentiality is decided.

Profiles: ``internal`` shows everything (auditors inside the organization and third-party
auditors under confidentiality agreements); ``public`` shows only records marked
``confidentiality: public``, and of those leaves out every field their schema marks
``x-confidentiality`` and every field the record lists in ``confidential_fields``.

Everything that leaves the engine for a profile (the site's pages and search index, the
exported JSON) is taken from a `View`, never from the raw result, so that nothing left out
can appear by accident:
- records not published are absent; a reference to one is shown as "restricted";
- computed results are copied with every entry about an unpublished record (one whose
  ``record`` or ``source.record`` names it) reduced to the shape of the computation (symbol,
  unit, formula, method) and marked ``"restricted": true``: its values, labels and nested
  data are withheld. Results that aggregate unpublished inputs (a total) stay: a computation
  that must not publish a figure at all says so by naming its record;
- findings are kept only for published records, and only when they do not point into a
  restricted field (their messages quote field values).
"""
from __future__ import annotations

import copy

from .records import parse_path
from .schemas import values_at

LEVELS = {"public": 0, "internal": 1, "confidential": 2}
PROFILES = {"public": 0, "internal": 2}
RESTRICTED = "restricted"


class View:
    def __init__(self, result, profile: str = "internal"):
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
        self.result = result
        self.profile = profile
        self.level = PROFILES[profile]
        self.records = [r for r in sorted(result.index.by_id.values(), key=lambda r: r.id)
                        if self._may_show(r)]
        self.ids = {r.id for r in self.records}
        self._data = {r.id: self._redact(r) for r in self.records}

    # -- records ---------------------------------------------------------------------
    def _may_show(self, record) -> bool:
        return LEVELS.get(record.confidentiality, 1) <= self.level

    def visible(self, record_id: str) -> bool:
        return record_id in self.ids

    def data(self, record) -> dict:
        """The record's fields as this profile may show them."""
        return self._data[record.id]

    def restricted_paths(self, record) -> list[tuple]:
        """Concrete data paths of the record left out in this profile."""
        if self.level >= LEVELS["confidential"]:
            return []
        out: list[tuple] = []
        kind = self.result.schemas.kinds.get(record.kind)
        if kind is not None:
            for pattern, level in kind.restricted:
                if LEVELS[level] > self.level:
                    out.extend(path for path, _ in values_at(record.data, pattern))
        for dotted in record.data.get("confidential_fields") or []:
            if isinstance(dotted, str):
                out.append(parse_path(dotted))
        return out

    def _redact(self, record) -> dict:
        data = copy.deepcopy(record.data)
        for path in sorted(self.restricted_paths(record), key=len, reverse=True):
            _delete(data, path)
        return data

    def is_restricted_path(self, record, path) -> bool:
        p = parse_path(path) if not isinstance(path, tuple) else path
        return any(p[: len(r)] == r for r in self.restricted_paths(record))

    # -- findings and results --------------------------------------------------------
    @property
    def findings(self) -> list:
        out = []
        for f in self.result.findings:
            if self.level >= LEVELS["confidential"]:
                out.append(f)
                continue
            if not f.record or f.record not in self.ids:
                continue
            if f.path and self.is_restricted_path(self.result.index.by_id[f.record], f.path):
                continue
            out.append(f)
        return out

    def results(self) -> dict:
        """The computed results, with inputs from unpublished records restricted."""
        if self.level >= LEVELS["confidential"]:
            return self.result.results
        return _scrub(copy.deepcopy(self.result.results), self)


def _delete(data, path: tuple) -> None:
    node = data
    for part in path[:-1]:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return
        elif not isinstance(node, dict) or part not in node:
            return
        node = node[part]
    last = path[-1] if path else None
    if isinstance(node, dict) and last in node:
        del node[last]
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = RESTRICTED


# Keys a restricted entry keeps: they describe the computation, not the record's content.
_STRUCTURE = {"symbol", "unit", "formula", "method"}


def _restricted(obj: dict) -> dict:
    out = {k: v for k, v in obj.items() if k in _STRUCTURE and not isinstance(v, (dict, list))}
    out.update({"record": RESTRICTED, "value": None, "restricted": True})
    return out


def _names_unpublished(obj: dict, view: View) -> bool:
    source = obj.get("source")
    if isinstance(source, dict) and isinstance(source.get("record"), str) and source["record"] != RESTRICTED:
        if not view.visible(source["record"]):
            return True
    named = obj.get("record")
    return isinstance(named, str) and named != RESTRICTED and not view.visible(named)


def _scrub(obj, view: View):
    """Walk computed results: a dict that names an unpublished record (as its `record` or its
    `source.record`) is about that record, so all of it but the shape of the computation
    (symbol, unit, formula, method) is withheld, nested values included."""
    if isinstance(obj, list):
        return [_scrub(x, view) for x in obj]
    if not isinstance(obj, dict):
        return obj
    if _names_unpublished(obj, view):
        return _restricted(obj)
    return {k: _scrub(v, view) for k, v in obj.items()}

"""What a build profile may publish: the one place confidentiality is decided.

Profiles: ``internal`` shows everything (auditors inside the organization and third-party
auditors under confidentiality agreements); ``public`` shows only records marked
``confidentiality: public``, and of those leaves out every field their schema marks
``x-confidentiality`` and every field the record lists in ``confidential_fields``.

Everything that leaves the engine for a profile (the site's pages and search index, the
exported JSON) is taken from a `View`, never from the raw result, so that nothing left out
can appear by accident:
- records not published are absent; a reference to one is shown as "restricted";
- computed results are copied with every entry about an unpublished record (one that names it
  in a field typed ``RecordId``, or whose ``Source`` came from it) reduced to the shape of the
  computation (its ``Shape`` fields: symbol, unit, formula, method) and marked
  ``"restricted": true``: its values, labels and nested data are withheld. Results that
  aggregate unpublished inputs (a total) stay: a computation that must not publish a figure at
  all says so by naming its record. Which field names a record is said by the result's type
  (cms_build/results.py, the model the computation returned: `Result.result_types`), never by
  the field's name; a result of plain JSON only has the ids of unpublished records replaced;
- findings are kept only for published records, and only when they do not point into a
  restricted field (their messages quote field values);
- attached files (`attachments`): a file another record attaches at a level this profile
  does not show is not published, nor, in any profile, a record's YAML or a hidden file
  (rule doc.attachment-not-allowed says so at the field); a table whose rows the schema
  describes (`x-rows` on the file field: the array property whose items are its rows) is
  published as a CSV of the columns this profile shows, an allow-list: a column the row
  schema marks `x-confidentiality` above the profile, or does not know, is left out. A
  spreadsheet (xlsx ...) of such rows is not published at all ("restricted"): its sheets,
  hidden columns, comments and formulas cannot be redacted column by column.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import re
from pathlib import Path


from .paths import is_repo_file
from .records import SETTINGS_FILE, parse_path
from .results import CLASSIFIER, LABEL, RECORD, RESTRICTED, SHAPE, DerivedStatus, RecordId
from .results import is_traced_type as _is_traced_type
from .results import item_type as _item_type
from .results import keys_are_records as _keys_are_records
from .results import named_records as _named_records
from .results import resolve as _resolve
from .results import roles as _roles
from .results import value_type as _value_type
from .schemas import ANY, values_at

LEVELS = {"public": 0, "internal": 1, "confidential": 2}
PROFILES = {"public": 0, "internal": 2}
STATUSES = dict[RecordId, DerivedStatus]  # the type of View.statuses(), for the Hider


class View:
    def __init__(self, result, profile: str = "internal"):
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
        self.result = result
        self.profile = profile
        self.level = PROFILES[profile]
        self.records = [r for r in sorted(result.index.by_id.values(), key=lambda r: r.id) if self._may_show(r)]
        self.ids = {r.id for r in self.records}
        self._attachments = None  # (record id, path) -> AttachmentProblem, computed when first asked
        self._field_reads: dict[str, bool] = {}  # computation id -> rests on a field this profile leaves out
        self._data = {r.id: self._redact(r) for r in self.records}
        # Public output names no unpublished record at all (internal hides nothing).
        self.hider = Hider(set(result.index.by_id) - self.ids if self.level == 0 else set(), visible=self.ids)

    # -- records ---------------------------------------------------------------------
    def _may_show(self, record) -> bool:
        return LEVELS.get(record.confidentiality, 1) <= self.level

    def visible(self, record_id: str) -> bool:
        return record_id in self.ids

    def shows(self, tp, obj: dict) -> bool:
        """Whether a typed mapping of a result may be shown: every record it names (a RecordId
        field, the record of its Source) is published (_scrub)."""
        return all(self.visible(r) for r in _named_records(tp, obj))

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

    # -- attached files --------------------------------------------------------------
    def attachments(self, record) -> list["Attachment"]:
        """Every file the record attaches (in the fields this profile shows) and how this
        profile may publish it."""
        if self._attachments is None:
            self._attachments = attachment_problems(self.result.index.by_id.values(), self.result.schemas, self.result.root)
        root = self.result.root
        kind = self.result.schemas.kinds.get(record.kind)
        out = []
        for pattern in kind.files if kind else []:
            for path, value in values_at(self.data(record), pattern):
                if not isinstance(value, str):
                    continue
                resolved = record.resolve_file(root, value)
                if resolved is None or not is_repo_file(root, resolved):  # no FIFO, device or link out; the index says why
                    out.append(Attachment(record.id, path, value, None, "missing"))
                    continue
                problem = self._attachments.get((record.id, path))
                if problem and (problem.other is None or not self.visible(problem.other)):
                    out.append(Attachment(record.id, path, value, resolved, "no", reason=problem.message))
                    continue
                out.append(self._table(record, kind, pattern, path, value, resolved))
        return out

    def _table(self, record, kind, pattern: tuple, path: tuple, value: str, resolved: Path) -> "Attachment":
        """A file as this profile publishes it: whole, or a table of the columns it shows."""
        rows = self.result.schemas.property_schema(kind, tuple(0 if p == ANY else p for p in pattern)).get("x-rows")
        if not isinstance(rows, str) or self.level >= LEVELS["confidential"]:
            return Attachment(record.id, path, value, resolved, "copy")
        row_pattern = pattern[:-1] + (rows, ANY)
        hidden = {
            p[len(row_pattern)]
            for p, level in kind.restricted
            if len(p) == len(row_pattern) + 1 and p[: len(row_pattern)] == row_pattern and LEVELS[level] > self.level
        }
        hidden |= {
            c for c in record.data.get("confidential_fields") or [] if isinstance(c, str) and parse_path(c)[:1] == (rows,) and len(parse_path(c)) == 1
        }  # the whole table listed
        if not hidden:
            return Attachment(record.id, path, value, resolved, "copy")
        known = self.result.schemas.property_schema(kind, tuple(0 if p == ANY else p for p in row_pattern))
        columns = tuple(c for c in (known.get("properties") or {}) if c not in hidden)
        if resolved.suffix.lower() != ".csv" or rows in hidden:
            return Attachment(record.id, path, value, resolved, "no", reason=f"its rows hold {', '.join(sorted(hidden))}, which this edition leaves out")
        return Attachment(record.id, path, value, resolved, "table", columns=columns)

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

    def publishable(self, computation_id: str, _seen: frozenset = frozenset()) -> bool:
        """Whether this profile may show a computation's result: everything it read (records,
        and other computations' results, in turn) is shown. A figure computed from a record
        is information from that record; totals, products and differences can be worked back
        to their inputs, so a result is published whole or not at all."""
        if self.level >= LEVELS["confidential"]:
            return True
        reads = self.result.reads.get(computation_id)
        if reads is None or computation_id in _seen:
            return reads is not None
        records, results = reads
        return (
            all(self.visible(r) for r in records)
            and not self._rests_on_restricted_field(computation_id)
            and all(self.publishable(c, _seen | {computation_id}) for c in results if c in self.result.results)
        )

    def _rests_on_restricted_field(self, computation_id: str) -> bool:
        """Whether an input of the result has its source in a field of a shown record that this
        profile leaves out (a public credit's internal purchase price): the figure would publish
        the field."""
        cache = self._field_reads
        if computation_id not in cache:
            found = False
            stack = [self.result.results.get(computation_id)]
            while stack and not found:
                node = stack.pop()
                if isinstance(node, dict):
                    source = node.get("source")
                    if isinstance(source, dict) and isinstance(source.get("record"), str) and isinstance(source.get("path"), str) and source["path"]:
                        record = self.result.index.by_id.get(source["record"])
                        if record is not None and self.visible(record.id) and self._restricted_source(record, source["path"]):
                            found = True
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)
            cache[computation_id] = found
        return cache[computation_id]

    def _restricted_source(self, record, path: str) -> bool:
        try:
            return self.is_restricted_path(record, path)
        except (ValueError, TypeError):
            return False

    def statuses(self) -> dict:
        """The derived statuses (cms_build/statuses.py) of the records this profile shows, when
        the computation each rests on is published too (a target's "behind" is a figure).
        Reasons name rules, titles and record ids, never a finding's message: the Hider
        replaces the ids of unpublished records as everywhere else."""
        out = {}
        for rid, s in sorted(getattr(self.result, "statuses", {}).items()):
            if self.visible(rid) and (s.get("computation") is None or self.publishable(s["computation"])):
                out[rid] = s  # reasons name rules and records only; the Hider hides unpublished ids
        return out

    @property
    def result_types(self) -> dict:
        """The type of each computation's result (its model, when the computation returned one):
        the roles of its fields decide what the profile withholds (see Hider)."""
        return dict(getattr(self.result, "result_types", {}) or {})

    def document_type(self) -> dict:
        """The type of `cms export`'s document, for the Hider: the records' envelope, the results'
        models, the statuses and the findings (the records' data are JSON of their kinds)."""
        from .export_schema import ExportFinding, ExportRecord

        return {
            "records": list[ExportRecord],
            "results": self.result_types,
            "statuses": STATUSES,
            "findings": list[ExportFinding],
        }

    def withheld(self) -> list[str]:
        """Computations whose results this profile leaves out (see publishable)."""
        return sorted(c for c in self.result.results if not self.publishable(c))

    def results(self) -> dict:
        """The computed results this profile may show, with every entry about an unpublished
        record restricted as well (a second line of defence)."""
        if self.level >= LEVELS["confidential"]:
            return self.result.results
        shown = {c: r for c, r in self.result.results.items() if self.publishable(c)}
        return _scrub(copy.deepcopy(shown), self, self.result_types)


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


# -- roles of result fields ----------------------------------------------------------------
# Which field of a result names a record, quotes a title or only classifies is said by its type
# (cms_build/results.py: RecordId, Label, Classifier, Shape, Source, TracedValue), never by its
# name. A type here is a pydantic model, a typing form of the models' annotations (Annotated,
# Optional, Union, list[...], dict[...]), a plain dict of known keys and their types (a
# document: {"results": {computation id: model}}), or None: JSON of no known type, in which only
# the ids of unpublished records are replaced (an organization's own computation that returns
# plain JSON: give it a ResultModel to have its figures restricted by role).


def _restricted(obj: dict, tp) -> dict:
    """An entry withheld whole: only the shape of the computation (its Shape fields) stays."""
    roles = _roles(tp, obj)
    out = {k: v for k, v in obj.items() if roles[k] == SHAPE.name and not isinstance(v, (dict, list))}
    out.update({"record": RESTRICTED, "value": None, "restricted": True})
    return out


def _scrub(obj, view, tp):
    """Walk computed results: a typed mapping that names an unpublished record (a RecordId
    field, or the record of its Source) is about that record, so all of it but the shape of the
    computation (its Shape fields: symbol, unit, formula, method) is withheld, nested values
    included."""
    if isinstance(obj, list):
        item = _item_type(tp)
        return [_scrub(x, view, _resolve(item, x)[0]) for x in obj]
    if not isinstance(obj, dict):
        return obj
    if tp is not None and not isinstance(tp, dict) and not view.shows(tp, obj):
        return _restricted(obj, tp)
    return {k: _scrub(v, view, _resolve(_value_type(tp, k), v)[0]) for k, v in obj.items()}


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_KEPT = {CLASSIFIER.name, SHAPE.name}  # kept beside a restricted value: they only classify it


def _is_restricted(value) -> bool:
    return isinstance(value, dict) and value.get("restricted") is True


class Hider:
    """For the public profile, on top of the View's redaction:
    - an id of an unpublished record is replaced by "restricted" wherever it appears: as a
      value, inside a text ("E[AD-2024-01]", a finding's message) or as a mapping key (results
      keyed by record id get "restricted-1", "restricted-2" ...);
    - an entry the View restricted loses its label too (labels of computed values quote the
      titles of the records they come from);
    - so does a mapping about an unpublished record (filed under its id in a mapping keyed by
      RecordId, or naming it in a RecordId field): a result that repeats an indicator's or a
      source's title;
    - a computed value (a TracedValue) with a restricted input or step is restricted too, and
      so, in turn, is every value computed from it: a product reveals its restricted factor
      (E = AD × EF with EF public), a sum with one restricted term reveals it by subtraction
      (total − the rest). Only the shape stays (formula, unit, the inputs as restricted or
      public), not the value nor the notes that spell out the arithmetic;
    - a mapping that holds a restricted value loses its other figures and texts too (a
      balance-sheet line's quantity and description say what its value was computed from);
      what only classifies it (its Classifier and Shape fields: category, group, kind, unit ...)
      stays.
    Which field is a record id, a label or a classifier is said by the type the caller gives
    (cms_build/results.py); JSON of no known type only has the ids replaced.
    """

    def __init__(self, hidden: set, visible=(), restricting: bool = False):
        self.hidden = hidden
        # restricted entries may be there although no id is hidden (a group's consolidation,
        # group_results): walk them all the same
        self.restricting = restricting
        self.keys: dict[str, str] = {}
        # compared casefolded: "oc-2025" in a file name is the record OC-2025 all the same
        self._hidden = {h.casefold() for h in hidden}
        self._visible = {v.casefold() for v in visible} - self._hidden

    def _token(self, match) -> str:
        """A word of id characters with every unpublished id in it replaced: the whole word
        ("OC-2025"), or a part of it between separators ("OC-2025-FS.pdf", "X_v2",
        "report_OC-2025"). The longest id that fits wins, so a published "OC-2025-FS" stays
        itself although an unpublished "OC-2025" begins it."""
        token = match.group(0)
        low = token.casefold()
        if low in self._visible:
            return token
        if low in self._hidden:
            return RESTRICTED
        cuts = [i for i, ch in enumerate(token) if ch in "._-"]
        starts, ends = [0, *(i + 1 for i in cuts)], [*cuts, len(token)]
        out, pos = [], 0
        for start in starts:
            if start < pos:
                continue
            for end in reversed(ends):
                if end <= start:
                    break
                part = low[start:end]
                if part in self._hidden or part in self._visible:
                    out.append(token[pos:start])
                    out.append(RESTRICTED if part in self._hidden else token[start:end])
                    pos = end
                    break
        out.append(token[pos:])
        return "".join(out)

    def text(self, value):
        if not isinstance(value, str) or not self.hidden:
            return value
        return _TOKEN.sub(self._token, value)

    def __call__(self, obj, tp=None, about_hidden: bool = False):
        """`obj` as the public profile shows it; `tp` its type (see above; None: not known)."""
        if isinstance(obj, list):
            item = _item_type(tp)
            return [self(x, _resolve(item, x)[0], about_hidden) for x in obj]
        if isinstance(obj, str):
            return self.text(obj)
        if not isinstance(obj, dict):
            return obj
        if not self.hidden and not self.restricting:
            return obj
        typed = tp is not None and not isinstance(tp, dict)
        roles = _roles(tp, obj) if typed else {}
        about_hidden = about_hidden or any(roles.get(k) == RECORD.name and isinstance(v, str) and v in self.hidden for k, v in obj.items())
        by_record = _keys_are_records(tp)
        out = {}
        for key, value in obj.items():
            hidden_key = isinstance(key, str) and key in self.hidden
            if hidden_key:
                self.keys.setdefault(key, f"{RESTRICTED}-{len(self.keys) + 1}")
            vtype = _resolve(_value_type(tp, key), value)[0]
            out[self.keys[key] if hidden_key else self.text(key)] = self(
                value, vtype, about_hidden or (hidden_key and by_record)
            )  # all of it is about that record
        if not typed:
            return out
        if _is_traced_type(tp) and any(_is_restricted(x) for part in ("inputs", "steps") for x in (out.get(part) or [])):
            out["value"], out["restricted"], out["notes"] = None, True, []
        if out.get("restricted") is not True and any(_is_restricted(v) for v in out.values()):
            for key, value in list(out.items()):
                if roles.get(key) in _KEPT or key == "restricted" or value is None or isinstance(value, (bool, dict, list)):
                    continue
                out[key] = RESTRICTED if isinstance(value, str) else None
        if out.get("restricted") is True or about_hidden:
            for key, value in out.items():
                if roles.get(key) == LABEL.name and isinstance(value, str):
                    out[key] = RESTRICTED
        return out

    def finding(self, f):
        return dataclasses.replace(f, message=self.text(f.message), hint=self.text(f.hint), path=self.text(f.path))


# -- a group's consolidation ---------------------------------------------------------------
class GroupView:
    """What the public profile of a group (cms_build/site/group_site.py) may show of its
    consolidation, which the group computes from its entities' internal exports: a group figure's
    inputs say where they came from (results.Source: the entity and the figure's path in its
    export, or its record, or the group's own setting), and an input is shown only when the
    entity's own public export shows that figure or record. The public exports decide, by
    provenance, never by the names of the consolidation's keys."""

    def __init__(self, public: dict[str, dict]):
        self.public = public  # entity id -> its export document of the public profile
        self._records = {eid: {r.get("id") for r in doc.get("records") or [] if isinstance(r, dict)} for eid, doc in public.items()}

    def shows(self, tp, obj: dict) -> bool:
        roles = _roles(tp, obj)
        return all(self.shows_source(v) for k, v in obj.items() if roles[k] == "source" and isinstance(v, dict))

    def shows_source(self, source: dict) -> bool:
        """A source of the group's own settings is shown; a figure or record of an entity only
        as that entity's public export shows it (an entity that did not run shows none)."""
        figure, record, eid = source.get("result"), source.get("record"), source.get("entity")
        if figure is None and record is None:
            return True
        doc = self.public.get(eid) if isinstance(eid, str) else None
        if doc is None:
            return False
        if figure is not None and not (isinstance(figure, str) and _figure_shown(doc, figure)):
            return False
        return record is None or record in self._records[eid]


def _figure_shown(doc: dict, path: str) -> bool:
    """Whether an export shows the figure at `path` of its results (dotted, as Source.result
    writes it; a key may hold dots itself, so the longest key that fits is taken): its
    computation is not withheld and neither the figure nor a mapping above it is restricted. A
    part that is a number picks an item of a list ("assets.balance_sheets.2025.positive.0.value")."""
    parts = path.split(".")
    if parts[0] in (doc.get("withheld_results") or []):
        return False
    node = doc.get("results")
    while parts:
        if isinstance(node, list) and parts[0].isdigit() and parts[0].isascii():
            index = int(parts.pop(0))
            if index >= len(node):
                return False
            node = node[index]
            continue
        if not isinstance(node, dict) or _is_restricted(node):
            return False
        key = next((".".join(parts[:n]) for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in node), None)
        if key is None:
            return False
        node, parts = node[key], parts[len(key.split(".")) :]
    if isinstance(node, dict):
        return not _is_restricted(node) and node.get("value", 0) is not None
    return node is not None and node != RESTRICTED


def group_results(consolidation: dict, tp, public: dict[str, dict]) -> dict:
    """A group's consolidation (its JSON, of type `tp`) as the public profile shows it: every
    input whose source the entities' public exports do not show is restricted (GroupView), and
    so, as in an organization's results (Hider), is every traced figure computed from it, the
    group's totals included, and the plain figures beside a restricted one."""
    return Hider(set(), restricting=True)(_scrub(copy.deepcopy(consolidation), GroupView(public), tp), tp)


# -- attached files ------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Attachment:
    """One attached file of a record and how a profile publishes it: "copy" (as it is),
    "table" (a CSV of `columns` only), "no" (restricted, `reason` says why) or "missing"."""

    record: str
    path: tuple
    value: str
    file: Path | None
    publish: str
    columns: tuple = ()
    reason: str = ""


@dataclasses.dataclass(frozen=True)
class AttachmentProblem:
    message: str
    hint: str
    other: str | None = None  # the record whose attachment it also is, at a higher level


class _RecordFiles:
    """{real path of a record's file: the record}, the last by id where two files are one (a link),
    resolving only the files that can be the one asked about. Resolving all 4,600 of them cost a
    third of a second per check and the attachments are few. A record file whose own name is not a
    link has the real path's last part for its name (links in the folders above change only the
    folders), so only the records of that name, and those whose file is itself a link, can be it."""

    def __init__(self, records) -> None:
        self._by_name: dict[str, list] = {}
        self._links: list = []
        for r in records:
            path = Path(r.path)
            self._by_name.setdefault(path.name, []).append(r)
            try:
                link = path.is_symlink()
            except OSError:
                link = True  # cannot tell: resolve it when asked, as before
            if link:
                self._links.append(r)
        self._resolved: dict = {}

    def get(self, resolved: Path):
        owner = None
        for r in self._candidates(resolved.name):
            real = self._resolved.get(r.id)
            if real is None:
                real = self._resolved[r.id] = Path(r.path).resolve()
            if real == resolved:
                owner = r if owner is None or r.id > owner.id else owner
        return owner

    def _candidates(self, name: str) -> list:
        return self._by_name.get(name, []) + self._links  # one twice is only compared twice


def attachment_problems(records, schemas, root: Path) -> dict:
    """(record id, data path) -> AttachmentProblem, for every attachment no record may have:
    a record's YAML or cms.yaml (a record is published through its profile, field by field:
    its file would publish it whole), a hidden file or one in a hidden folder (.git, .env),
    and a file another record attaches at a higher confidentiality level (publishing it
    with this record would publish that record's evidence). Used by the View (such a file
    is not published) and by the rule doc.attachment-not-allowed (the finding)."""
    root = Path(root).resolve()
    records = sorted(records, key=lambda r: r.id)
    record_files = _RecordFiles(records)
    settings_file = (root / SETTINGS_FILE).resolve()
    attached: list[tuple] = []  # (record, path, resolved)
    for record in records:
        kind = schemas.kinds.get(record.kind)
        for pattern in kind.files if kind else []:
            for path, value in values_at(record.data, pattern):
                resolved = record.resolve_file(root, value) if isinstance(value, str) else None
                if resolved is not None and resolved.is_file():
                    attached.append((record, path, resolved))
    by_file: dict = {}
    for record, path, resolved in attached:
        by_file.setdefault(resolved, []).append(record)
    out = {}
    for record, path, resolved in attached:
        rel = resolved.relative_to(root).as_posix()
        owner = record_files.get(resolved)
        if owner is not None or resolved == settings_file:
            what = (
                (f"the record file of {owner.id}: a record is published field by field through its profile, its YAML would be published whole")
                if owner is not None
                else "the settings file: it is the organization's configuration, not evidence"
            )
            out[(record.id, path)] = AttachmentProblem(
                f"attaches {rel}, {what}", "attach the evidence itself (a PDF, a CSV), or refer to a record by its id in a reference field"
            )
            continue
        if any(part.startswith(".") for part in Path(rel).parts):
            out[(record.id, path)] = AttachmentProblem(
                f"attaches {rel}, a hidden file or a file in a hidden folder",
                "attach evidence from a visible folder of the repository; hidden files (.git, .env ...) are never published",
            )
            continue
        mine = LEVELS.get(record.confidentiality, 1)
        higher = [r for r in by_file[resolved] if LEVELS.get(r.confidentiality, 1) > mine]
        if higher:
            other = max(higher, key=lambda r: (LEVELS.get(r.confidentiality, 1), r.id))
            out[(record.id, path)] = AttachmentProblem(
                f"attaches {rel}, which {other.id} ({other.confidentiality}) also attaches: published with this "
                f"{record.confidentiality} record, it would publish {other.id}'s evidence",
                f"mark this record {other.confidentiality}, or attach a copy that may be published at its level",
                other=other.id,
            )
    return out


def write_table(source: Path, dest: Path, columns: tuple) -> None:
    """The CSV at source as a CSV of `columns` only, in that order (those its header has).

    Read as UTF-8 (with or without BOM), written with '\n' line ends: same input, same bytes."""
    text = source.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    keep = [header.index(c) for c in columns if c in header]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([header[i] for i in keep])
    for row in reader:
        writer.writerow([row[i] if i < len(row) else "" for i in keep])
    dest.write_text(buf.getvalue(), encoding="utf-8")

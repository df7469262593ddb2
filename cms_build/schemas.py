"""Record kinds as data: each kind is a JSON Schema (2020-12) file in schemas/.

A kind schema carries, besides standard JSON Schema, a few annotations the engine reads:
- ``x-cms``: {kind, subsystem, clauses, id_prefix, title_en, description_en, folder, search_boost}
- ``x-title-en`` / ``x-description-en`` on properties: the English labels (``title`` and
  ``description`` are Chinese, the default language of the evidence site);
- ``x-ref``: on a string property, the kind (or list of kinds) of record it names; the
  index checks that the record exists and is of that kind;
- ``x-file``: on a string property, a path to a file in the repository (evidence, CSV);
- ``x-rows``: beside ``x-file``, the array property (a sibling) whose item schema describes the
  file's rows: a public build publishes such a table with only the columns it shows (publish.py);
- ``x-confidentiality``: on a property, the lowest build profile that may publish it
  (``internal`` or ``confidential``); public builds leave such fields out.
- ``x-enum-titles``: beside an ``enum`` of strings, ``{value: {"zh": "中文", "en": "English"}}``:
  the words the site, ``cms show``, ``cms new`` and the editor show for each value (read by
  ``enum_title``; tests/cms_build/test_schemas.py requires both labels for every value).

Schemas refer to the shared definitions (envelope, common types) by relative ``$ref``,
resolved through one registry built from every schema file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urldefrag, urljoin

from .paths import UnsafeFile, bundled, folders_resolved_once, read_repo_bytes

if TYPE_CHECKING:  # the pure-Python jsonschema is imported on first use (Kind.validator): it only
    from jsonschema import Draft202012Validator, FormatChecker  # explains records the Rust one rejects

MAX_SCHEMA_BYTES = 5 * 1024 * 1024  # the largest bundled schema is a few tens of kB

try:  # Rust validator: hundreds of times faster on valid records (the common case)
    import jsonschema_rs
except ImportError:  # pragma: no cover - the pure-Python validator explains and decides alone
    jsonschema_rs = None
from .errors import CmsProblem

if TYPE_CHECKING:  # referencing, for the pure-Python validator and the $refs resolve() cannot follow alone
    from referencing import Registry

SCHEMA_BASE = "https://cms-as-code.org/schemas/"

ANY = "*"  # pattern element: every item of an array
VALUES = "{}"  # pattern element: every value of an object used as a map


class SchemaError(CmsProblem):
    """A schema file itself is broken: this is the organization's or the project's bug."""


_CACHE: dict = {}


def _check_schema(doc: dict, path: Path) -> None:
    """The schema itself is valid 2020-12 (the Rust metaschema check is ~1000x faster)."""
    try:
        if jsonschema_rs is not None:
            jsonschema_rs.meta.validate(doc)
        else:  # pragma: no cover
            from jsonschema import Draft202012Validator

            Draft202012Validator.check_schema(doc)
    except Exception as exc:  # noqa: BLE001 - jsonschema(_rs) ValidationError / SchemaError
        message = getattr(exc, "message", None) or str(exc).splitlines()[0]
        raise SchemaError(f"{path}: invalid JSON Schema: {message}") from None


@dataclass
class Kind:
    name: str
    schema: dict
    file: Path
    subsystem: str = "common"
    clauses: tuple = ()
    title_zh: str = ""
    title_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    id_prefix: str = ""
    folder: str = ""
    # the SchemaSet that builds `validator` on first use (none for a Kind made by hand: set it)
    schemas: SchemaSet | None = field(default=None, repr=False, compare=False)
    _validator: Draft202012Validator | None = field(default=None, init=False, repr=False, compare=False)
    # `fast` and the annotations (`refs`, `files`, `restricted`): made when the set is loaded, or,
    # for a kind of the bundled schemas, when first asked for (SchemaSet._add_kind says why)
    _fast: object = field(default=None, init=False, repr=False, compare=False)
    _fast_later: bool = field(default=False, init=False, repr=False, compare=False)
    _annotations: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _annotate: bool = field(default=False, init=False, repr=False, compare=False)  # a kind of the set: walk its schema

    def title(self, language: str = "zh") -> str:
        return (self.title_en if language == "en" else self.title_zh) or self.name

    @property
    def fast(self) -> object:
        """The jsonschema_rs validator: decides quickly whether there is any error (None without
        jsonschema_rs)."""
        if self._fast_later:
            self._fast_later = False
            self._fast = self.schemas.fast_validator(self.schema) if self.schemas is not None else None
        return self._fast

    @fast.setter
    def fast(self, value: object) -> None:
        self._fast, self._fast_later = value, False

    def _annotated(self) -> tuple:
        if self._annotations is None:
            refs: list = []
            files: list = []
            restricted: list = []
            self._annotations = (refs, files, restricted)
            if self._annotate and self.schemas is not None:
                _collect(self.schemas, self.schema, (), self, depth=0, base=self.schema["$id"])
        return self._annotations

    @property
    def refs(self) -> list:
        """[(pattern tuple, (kinds...))]: where the kind's records refer to others (x-ref)."""
        return self._annotated()[0]

    @property
    def files(self) -> list:
        """[pattern tuple]: where the kind's records name attached files (x-file)."""
        return self._annotated()[1]

    @property
    def restricted(self) -> list:
        """[(pattern tuple, level)]: the kind's internal or confidential fields (x-confidentiality)."""
        return self._annotated()[2]

    @property
    def validator(self) -> Draft202012Validator:
        """The pure-Python validator, which explains errors field by field. Built when first asked
        for: a run whose records all pass `fast` never needs it, nor imports jsonschema (tens
        of milliseconds of a small repository's check). Building it checks nothing, so asking late changes
        nothing."""
        if self._validator is None:
            if self.schemas is None:
                raise AttributeError(f"kind {self.name!r} has no validator")
            self._validator = self.schemas.python_validator(self.schema)
        return self._validator

    @validator.setter
    def validator(self, value: Draft202012Validator) -> None:
        self._validator = value


def _unresolved(documents: dict, exc: Exception) -> str:
    """Which schema file's $ref points at nothing: a relative $ref resolves against the file's
    own $id, so a schema whose $id is not under SCHEMA_BASE cannot reach defs.schema.json by
    a relative name."""
    text = str(exc)
    missing = text.split("'")[1] if text.count("'") >= 2 else ""
    base = missing.rsplit("/", 1)[0] + "/" if "/" in missing else ""
    files = sorted(str(path) for uri, (_, path) in documents.items() if base and uri.startswith(base))
    where = f"{', '.join(files)}: " if files else ""
    return (
        f"{where}a $ref points at {missing or 'a schema'}, which is no schema of this run (nothing is "
        f"fetched from the network). A relative $ref resolves against the file's own $id: give the "
        f"file an $id under {SCHEMA_BASE} (e.g. {SCHEMA_BASE}<kind>.schema.json), or refer to the "
        f"bundled definitions by their full URL ({SCHEMA_BASE}defs.schema.json#/$defs/...)"
    )


class SchemaSet:
    """All schemas of a run: the bundled ones plus the organization's own."""

    def __init__(self, documents: dict[str, tuple[dict, Path]], checked=None):
        self.documents = documents  # $id -> (schema, file)
        self._checked = checked  # a cache.RunCache: schema documents already found valid 2020-12
        self._registry: Registry | None = None
        self._format_checker: FormatChecker | None = None
        self._resolved: dict[tuple[str, str], tuple[dict, str]] = {}
        self._fast: dict[int, tuple[dict, object]] = {}
        self._rs_registry = None
        if jsonschema_rs is not None:
            try:
                self._rs_registry = jsonschema_rs.Registry([(uri, doc) for uri, (doc, _) in documents.items()])
            except ValueError as exc:  # a $ref that resolves to no schema of the run (nothing is fetched)
                raise SchemaError(_unresolved(documents, exc)) from None
        self.kinds: dict[str, Kind] = {}
        for uri, (doc, path) in sorted(documents.items()):
            meta = doc.get("x-cms")
            if isinstance(meta, dict) and meta.get("kind"):
                self._add_kind(doc, path, meta)

    @property
    def registry(self) -> Registry:
        """Every document of the set as a referencing registry, for the pure-Python validators
        (made on first use: resolve() follows a JSON pointer into a document by itself)."""
        if self._registry is None:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012

            resources = [(uri, Resource.from_contents(doc, default_specification=DRAFT202012)) for uri, (doc, _) in self.documents.items()]
            self._registry = Registry().with_resources(resources)
        return self._registry

    @property
    def format_checker(self) -> FormatChecker:
        """The formats the pure-Python validators assert (date, date-time, ...), made on first use."""
        if self._format_checker is None:
            from jsonschema import FormatChecker

            self._format_checker = FormatChecker()
        return self._format_checker

    def python_validator(self, schema: dict) -> Draft202012Validator:
        """A pure-Python validator of `schema` within this set (its $refs, its formats)."""
        from jsonschema import Draft202012Validator

        return Draft202012Validator(schema, registry=self.registry, format_checker=self.format_checker)

    def fast_validator(self, schema: dict):
        """A jsonschema_rs validator of `schema` within this set, or None without jsonschema_rs.
        Made once per schema object of the set (the settings' is asked for by every run)."""
        if self._rs_registry is None:
            return None
        kept = self._fast.get(id(schema))
        if kept is None or kept[0] is not schema:  # the schema is kept too: its id stays its own
            kept = self._fast[id(schema)] = (schema, jsonschema_rs.validator_for(schema, registry=self._rs_registry, validate_formats=True))
        return kept[1]

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, folders: list[Path], checked=None) -> "SchemaSet":
        """The schemas of these folders; one SchemaSet per set of unchanged files per process
        (building 60 validators is most of a small run's time, and tests run thousands).
        checked: a cache.RunCache whose schemas_ok lists the documents (by hash) that passed the
        metaschema check in an earlier run; the ones checked now are added to it."""
        files = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.schema.json")))
        cached = _CACHE.get(files)
        if cached is None:
            cached = _CACHE[files] = cls._load(folders, checked)
            cached._checked = None
            while len(_CACHE) > 8:
                _CACHE.pop(next(iter(_CACHE)))
        return cached

    def digest(self) -> str:
        """The hash of every schema document and its file name: what the cache's entries hold for."""
        if "_digest" not in self.__dict__:
            from .cache import _canonical, digest

            self._digest = digest(_canonical(sorted((uri, Path(path).name, doc) for uri, (doc, path) in self.documents.items())))
        return self._digest

    @classmethod
    def _load(cls, folders: list[Path], checked=None) -> "SchemaSet":
        documents: dict[str, tuple[dict, Path]] = {}
        with folders_resolved_once():  # each folder's real path once, not once a file (cms_build/paths.py)
            for folder in folders:
                if not folder.is_dir():
                    continue
                for path in sorted(folder.glob("*.schema.json")):
                    try:
                        doc = json.loads(read_repo_bytes(folder.parent, path, MAX_SCHEMA_BYTES).decode("utf-8"))
                    except UnsafeFile as exc:  # a link out of the repository, a FIFO, a device
                        raise SchemaError(f"{path}: {exc.message}") from None
                    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                        raise SchemaError(f"{path}: not a readable JSON schema: {exc}") from None
                    uri = doc.get("$id") or SCHEMA_BASE + path.name
                    doc.setdefault("$id", uri)
                    if uri in documents and documents[uri][1] != path:
                        raise SchemaError(f"{path}: $id {uri} is also used by {documents[uri][1]}")
                    documents[uri] = (doc, path)
        return cls(documents, checked)

    def _add_kind(self, doc: dict, path: Path, meta: dict) -> None:
        if self._checked is None:
            _check_schema(doc, path)
        else:  # the check depends only on the document (and the engine, part of the cache's key)
            from .cache import schema_digest

            key = schema_digest(doc)
            if key not in self._checked.schemas_ok:
                _check_schema(doc, path)
                self._checked.schema_checked(key)
        kind = Kind(
            name=meta["kind"],
            schema=doc,
            file=path,
            subsystem=meta.get("subsystem", "common"),
            clauses=tuple(meta.get("clauses", ())),
            title_zh=doc.get("title", ""),
            title_en=doc.get("x-title-en", ""),
            description_zh=doc.get("description", ""),
            description_en=doc.get("x-description-en", ""),
            id_prefix=meta.get("id_prefix", ""),
            folder=meta.get("folder", meta["kind"]),
            schemas=self,
        )
        kind._annotate = True
        if self._rs_registry is not None and self._is_bundled(path):
            # A bundled schema's validator and annotations depend only on the bundled documents
            # (its $refs name only them; an organization's schema cannot take a bundled $id) and
            # the engine, and tests/cms_build/test_schemas.py builds every one: made when first
            # asked for, so a run pays only for the kinds its records have (issue 19).
            kind._fast_later = True
        else:  # an organization's schema: now, so a schema that cannot compile fails the load
            kind.fast = self.fast_validator(doc)
            kind._annotated()
        if kind.name in self.kinds:
            raise SchemaError(f"{path}: kind {kind.name!r} is also defined by {self.kinds[kind.name].file}")
        self.kinds[kind.name] = kind

    def _is_bundled(self, path: Path) -> bool:
        if "_bundled" not in self.__dict__:
            try:
                self._bundled = os.path.realpath(bundled("schemas"))
            except FileNotFoundError:
                self._bundled = None
        return self._bundled is not None and os.path.realpath(Path(path).parent) == self._bundled

    # -- lookups -------------------------------------------------------------------------
    def enum_words(self, language: str = "zh") -> dict:
        """value -> label of every enum value of every schema, for computed results whose keys or
        values are enum values (a method, a category, a market) and carry no field path. A value
        labelled differently by two schemas takes the label most schemas give (ties: sorted)."""
        cache = self.__dict__.setdefault("_enum_words", {})
        if language not in cache:
            votes: dict = {}
            for _uri, (doc, _path) in sorted(self.documents.items()):
                for node in _enum_nodes(doc, 0):
                    for value in node["enum"]:
                        if not isinstance(value, str) or len(value) <= 2:  # "a", "A", "en": too short to
                            continue  # be known as an enum value outside its field
                        text = enum_title(node, value, language)
                        if text:
                            votes.setdefault(value, {}).setdefault(text, 0)
                            votes[value][text] += 1
            cache[language] = {v: sorted(c.items(), key=lambda tc: (-tc[1], tc[0]))[0][0] for v, c in votes.items()}
        return cache[language]

    def resolve(self, ref: str, base: str) -> tuple[dict, str]:
        # remembered: the kinds' annotation walk (_collect) asks for the same few shared
        # definitions over a thousand times, and the documents of a set never change
        key = (ref, base)
        hit = self._resolved.get(key)
        if hit is None:
            contents = self._pointed(ref, base)
            if contents is None:  # an anchor, an inner $id, a pointer to nowhere: referencing decides (or raises)
                contents = self.registry.resolver(base_uri=base).lookup(ref).contents
            hit = self._resolved[key] = (contents, urljoin(base, ref).split("#", 1)[0] or base)
        return hit

    def _pointed(self, ref: str, base: str) -> dict | None:
        """What a $ref of a document and a JSON pointer in it ("defs.schema.json#/$defs/date",
        "#/$defs/x") names, found as referencing's lookup finds it (the fragment unquoted, then
        ~1 and ~0 unescaped, an index into a list); None for anything else, and for a pointer
        that leads nowhere or through a value other than an object or a list."""
        uri, fragment = (base, ref[1:]) if ref.startswith("#") else urldefrag(urljoin(base, ref))
        entry = self.documents.get(uri)
        if entry is None or (fragment and not fragment.startswith("/")):
            return None
        node = entry[0]
        if fragment:
            for segment in unquote(fragment[1:]).split("/"):
                try:
                    if isinstance(node, list):
                        node = node[int(segment)]
                    elif isinstance(node, dict):
                        node = node[segment.replace("~1", "/").replace("~0", "~")]
                    else:
                        return None
                except (LookupError, ValueError):
                    return None
        return node if isinstance(node, dict) else None

    def by_id(self, uri: str) -> dict:
        return self.documents[uri][0]

    def property_schema(self, kind: "Kind | str", path: tuple) -> dict:
        """The (merged) schema of the property at a data path, for labels and descriptions."""
        kind = self.kinds[kind] if isinstance(kind, str) else kind
        node, base = kind.schema, kind.schema["$id"]
        for part in path:
            node, base = self._deref(node, base)
            nxt = None
            if isinstance(part, int):
                nxt = node.get("items")
            else:
                nxt = _find_property(self, node, base, part)
                if isinstance(nxt, tuple):
                    nxt, base = nxt
            if not isinstance(nxt, dict):
                return {}
            node = nxt
        node, _ = self._deref(node, base)
        return node

    def _deref(self, node: dict, base: str) -> tuple[dict, str]:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            extra = {k: v for k, v in node.items() if k != "$ref"}
            target, base = self.resolve(node["$ref"], base)
            node = {**target, **extra}
            seen += 1
        return node, base


def _find_property(schemas: SchemaSet, node: dict, base: str, name: str):
    props = node.get("properties", {})
    if name in props:
        return props[name], base
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            sub, sub_base = schemas._deref(sub, base)  # noqa: SLF001
            found = _find_property(schemas, sub, sub_base, name)
            if found:
                return found
    add = node.get("additionalProperties")
    if isinstance(add, dict):
        return add, base
    return None


def _collect(schemas: SchemaSet, node, pattern: tuple, kind: Kind, depth: int, base: str) -> None:
    """Find x-ref, x-file and x-confidentiality annotations and the data paths they sit at."""
    if not isinstance(node, dict) or depth > 40:
        return
    if "$ref" in node:
        target, target_base = schemas.resolve(node["$ref"], base)
        _collect(schemas, target, pattern, kind, depth + 1, target_base)
    if "x-ref" in node:
        targets = node["x-ref"]
        kind.refs.append((pattern, tuple([targets] if isinstance(targets, str) else targets)))
    if node.get("x-file"):
        kind.files.append(pattern)
    if node.get("x-confidentiality") in ("internal", "confidential"):
        kind.restricted.append((pattern, node["x-confidentiality"]))
    for name, sub in node.get("properties", {}).items():
        _collect(schemas, sub, pattern + (name,), kind, depth + 1, base)
    if isinstance(node.get("additionalProperties"), dict):
        _collect(schemas, node["additionalProperties"], pattern + (VALUES,), kind, depth + 1, base)
    if isinstance(node.get("items"), dict):
        _collect(schemas, node["items"], pattern + (ANY,), kind, depth + 1, base)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            _collect(schemas, sub, pattern, kind, depth + 1, base)
    for key in ("then", "else"):
        if isinstance(node.get(key), dict):
            _collect(schemas, node[key], pattern, kind, depth + 1, base)


def _enum_nodes(node, depth: int):
    if isinstance(node, dict) and depth < 60:
        if isinstance(node.get("enum"), list) and isinstance(node.get("x-enum-titles"), dict):
            yield node
        for v in node.values():
            yield from _enum_nodes(v, depth + 1)
    elif isinstance(node, list) and depth < 60:
        for v in node:
            yield from _enum_nodes(v, depth + 1)


def enum_title(schema: dict, value, language: str = "zh"):
    """The label of an enum value in a language (x-enum-titles), or None when the schema has none.

    The array items of a list field share the item schema: pass the item's schema."""
    if not isinstance(schema, dict) or not isinstance(value, str):
        return None
    titles = schema.get("x-enum-titles")
    if not isinstance(titles, dict) and isinstance(schema.get("items"), dict):
        titles = schema["items"].get("x-enum-titles")
    entry = titles.get(value) if isinstance(titles, dict) else None
    if not isinstance(entry, dict):
        return None
    text = entry.get("en" if language == "en" else "zh") or entry.get("zh") or entry.get("en")
    return str(text) if text else None


def values_at(data, pattern: tuple, prefix: tuple = ()):
    """Yield (path, value) for every value matching a pattern in data."""
    if not pattern:
        yield prefix, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == ANY:
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from values_at(item, rest, prefix + (i,))
    elif head == VALUES:
        if isinstance(data, dict):
            for key, item in data.items():
                yield from values_at(item, rest, prefix + (key,))
    elif isinstance(data, dict) and head in data:
        yield from values_at(data[head], rest, prefix + (head,))

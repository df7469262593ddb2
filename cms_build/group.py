"""Groups: a group's records folder names its entities, each its own records repository, and
consolidates them (README: Groups).

One path for both ways of working: every entity becomes its `cms export` document (internal
profile), either by running the engine on it here (`cms check` / `cms export` of the group, a
process pool with --jobs) or by reading the export a CI job wrote (`cms group consolidate
--from-exports DIR`). The group rules and the consolidation read only those documents, so the
two ways give the same figures.

Consolidation approaches (GHG Protocol Corporate Standard, revised edition, ch. 3): equity share
counts an entity's emissions times the group's share of its equity; operational and financial
control count 100 % of an entity the group controls in that sense and 0 % of one it does not.
Clause 5.3.2 b lets the group's carbon management body be a specialised company of the group;
Annex G (G.1-G.3) gives the asset balance sheet lines that are consolidated here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError, create_model

from . import group_model
from .export_schema import export_parts, located
from .findings import Finding
from .grouproot import is_group  # noqa: F401 - `cms group` asks it of the group module (grp.is_group)
from .results import dump
from .trace import Traced
from .records import SETTINGS_FILE

APPROACHES = ("operational_control", "financial_control", "equity_share")
CACHE = ".cms-cache/entities"
# what a consolidation reads from an entity's export, checked first (read_export: then the
# records, findings, counts and matrix by the export's models)
EXPORT_KEYS = {"as_of": str, "organization": dict, "results": dict, "findings": list, "records": list, "summary": dict, "matrix": dict}

GROUP_RULES = {
    "group.invalid": ("The group's cms.yaml is valid and names reachable entities", ("4.3",), "error"),
    "group.entity-system": ("Every entity has its carbon management system in place", ("4.4", "5.3.2 b"), "error"),
    "group.transfer": ("An intra-group energy sale names both entities' records, and the buyer records the purchase", ("6.1.2 e", "7.4.3"), "error"),
    "group.parent": ("An entity's organization record names the group as its parent", ("4.3",), "warning"),
    "group.boundary": (
        "The entity list matches the organization's boundary: every legal entity of the group's scope record is an entity, and every entity is inside it",
        ("4.3", "5.3.2 b"),
        "error",
    ),
}
# documents every entity's system needs: its scope (4.3) and its carbon policy (5.2)
REQUIRED_KINDS = {"scope": "4.3", "policy": "5.2"}


class GroupError(Exception):
    """A problem with the group set-up the user must fix (cms exits 2)."""


@dataclass
class Group:
    root: Path
    settings: dict
    findings: list[Finding] = field(default_factory=list)
    exports: dict = field(default_factory=dict)  # entity id -> export document
    roots: dict = field(default_factory=dict)  # entity id -> records folder (when run here)
    consolidation: BaseModel | None = None  # group_model: the consolidation's model (consolidate)
    as_of: dt.date | None = None
    sources: dict = field(default_factory=dict)  # entity id -> its export file, when exports holds digests of them

    @property
    def entities(self) -> list[dict]:
        return self.settings["group"]["entities"]

    def approach(self, entity: dict) -> str:
        return entity.get("approach") or self.settings["group"].get("approach", "operational_control")


def _finding(rule: str, message: str, file: str, line: int = 1, col: int = 1, hint: str = "", severity: str | None = None) -> Finding:
    title, clauses, default = GROUP_RULES[rule]
    return Finding(rule=rule, severity=severity or default, message=message, file=file, line=line, col=col, clauses=clauses, hint=hint, title=title)


def load_group(root: Path) -> Group:
    """Read the group's cms.yaml against the settings schema (with settings-group.schema.json)."""
    from .paths import bundled
    from .schemas import SchemaSet
    from .settings import load_settings

    root = Path(root).resolve()
    settings, issues = load_settings(root, SchemaSet.load([bundled("schemas")]))
    if issues:
        first = issues[0]
        raise GroupError("; ".join(f"{i.file}:{i.line}:{i.col}: {i.message}" for i in issues) + (f"\n  hint: {first.hint}" if first.hint else ""))
    group = Group(root=root, settings=settings.data)
    seen: set[str] = set()
    for n, ent in enumerate(group.entities):
        line, col = settings.where(f"group.entities.{n}")
        if ent["id"] in seen:
            raise GroupError(f"{SETTINGS_FILE}:{line}:{col}: entity id {ent['id']!r} twice; give each entity its own id")
        seen.add(ent["id"])
    for n, t in enumerate(group.settings["group"].get("transfers", [])):
        for side in ("seller", "buyer"):
            if t[side] not in seen:
                line, col = settings.where(f"group.transfers.{n}.{side}")
                group.findings.append(
                    _finding(
                        "group.transfer",
                        f"the {side} {t[side]!r} is not an entity of the group",
                        SETTINGS_FILE,
                        line,
                        col,
                        hint=f"entities: {', '.join(sorted(seen))}",
                    )
                )
        if t["seller"] == t["buyer"]:
            line, col = settings.where(f"group.transfers.{n}")
            group.findings.append(_finding("group.transfer", "a sale from an entity to itself is not an intra-group transfer", SETTINGS_FILE, line, col))
    group._where = settings.where  # noqa: SLF001 - the group's own file positions for its findings
    return group


def entity_root(group: Group, ent: dict, fetch: bool = False) -> Path:
    """The entity's records folder: a path (a submodule is one), or the pinned clone in the cache."""
    if "path" in ent:
        return (group.root / ent["path"]).resolve()
    git = ent["git"]
    clone = group.root / CACHE / ent["id"]
    if fetch:
        _fetch(git["url"], git["commit"], clone)
    return (clone / git.get("subdir", ".")).resolve()


def _fetch(url: str, commit: str, clone: Path) -> None:
    """git clone (once) and check out the pinned commit; never anything else of the user's."""

    def git(*args, cwd=None):
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise GroupError(f"git {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")

    if not (clone / ".git").exists():
        clone.parent.mkdir(parents=True, exist_ok=True)
        git("clone", "--quiet", "--no-checkout", "--", url, str(clone))
    else:
        git("fetch", "--quiet", "origin", cwd=clone)
    git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--force", commit, cwd=clone)


def _export_entity(args: tuple[str, str, bool]) -> dict:
    """Worker: run the engine on one entity with its own settings and rules; its export
    document, or (full=False) only what the group's rules and consolidation read of it."""
    from .engine import run
    from .export import export_document

    root, as_of, full = args
    doc = export_document(run(Path(root), dt.date.fromisoformat(as_of)), "internal")
    return doc if full else digest(doc)


def digest(doc: dict) -> dict:
    """What the group reads of an entity's export (entity_findings, group_rules, consolidate):
    its findings, summary, statuses and organization whole; of its records the id, kind and
    file, and the data of its organization and scope records (parent, uscc, group_entities);
    of its results the values consolidated, not their traces; of its matrix each clause's
    status. A 200-entity group keeps this, not 200 whole exports (issue 20 §3: the consume
    path took 1.5 GiB); tests/cms_build/test_group.py checks that the consolidation and the
    findings from digests are those from the whole exports."""
    res = doc.get("results") or {}
    results = {c.id: reads_of(c, res.get(c.id) or {}, dumped=True) for c in consolidating()}
    matrix = doc.get("matrix") or {}
    keep = {"organization", "scope"}
    return {
        **{k: doc[k] for k in ("as_of", "organization", "findings", "summary", "statuses", "profile") if k in doc},
        "records": [
            {k: r[k] for k in ("id", "kind", "file", *(("data",) if r.get("kind") in keep else ())) if k in r}
            for r in doc.get("records", [])
            if isinstance(r, dict)
        ],
        "results": results,
        "matrix": {
            "summary": matrix.get("summary"),
            "clauses": [{k: c.get(k) for k in ("number", "title_zh", "title_en", "status")} for c in matrix.get("clauses", []) if isinstance(c, dict)],
        },
    }


# -- running the entities ----------------------------------------------------------------
def run_group(root: Path, as_of: dt.date, jobs: int | None = None, fetch: bool = False, full: bool = True) -> Group:
    """Run every entity (a process pool of `jobs`) and consolidate. full=False keeps of each
    entity only its digest (what `cms check` of the group needs; `cms export` needs it whole),
    made in the worker, so that little is pickled back."""
    group = load_group(root)
    group.as_of = as_of
    todo = [(eid, str(eroot)) for eid, eroot in locate_entities(group, fetch)]
    jobs = jobs or group.settings["group"].get("jobs", 1)
    args = [(r, as_of.isoformat(), full) for _, r in todo]
    if jobs > 1 and len(todo) > 1:
        from . import engine, export  # noqa: F401  imported once here: workers forked from this process need not import them again

        # the bundled rules too (cms_build/rules.py keeps them per process), which the group's
        # consolidation loads here anyway: the forked workers inherit them loaded
        consolidating()
        from concurrent.futures import ProcessPoolExecutor  # here: `cms check` of an organization asks only is_group

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            docs = list(pool.map(_export_entity, args))
    else:
        docs = [_export_entity(a) for a in args]
    for (eid, _), doc in zip(todo, docs):
        group.exports[eid] = doc
    finish(group)
    return group


def locate_entities(group: Group, fetch: bool = False) -> list[tuple[str, Path]]:
    """Each entity's records folder (fetched at its pin with fetch); one not found is a group.invalid finding."""
    todo: list[tuple[str, Path]] = []
    for n, ent in enumerate(group.entities):
        eroot = entity_root(group, ent, fetch)
        if not (eroot / SETTINGS_FILE).is_file():
            line, col = group._where(f"group.entities.{n}")  # noqa: SLF001
            how = (
                "run 'cms check --fetch' to clone it at the pinned commit"
                if "git" in ent
                else "give the folder (relative to the group) that holds the entity's cms.yaml; for a submodule run 'git submodule update --init'"
            )
            group.findings.append(
                _finding("group.invalid", f"entity {ent['id']}: no records repository at {_rel(eroot, group.root)}", SETTINGS_FILE, line, col, hint=how)
            )
            continue
        group.roots[ent["id"]] = eroot
        todo.append((ent["id"], eroot))
    return todo


def consume_exports(root: Path, folder: Path, as_of: dt.date | None = None, full: bool = True) -> Group:
    """Consolidate exports written by the entities' own jobs: <folder>/<entity id>.json each.
    full=False keeps each one's digest only (each export read, checked, then let go), and
    `group.sources` names the files, for write_group to stream them into the group's export."""
    group = load_group(root)
    folder = Path(folder)
    if not folder.is_dir():
        raise GroupError(f"--from-exports {folder}: not a folder")
    for n, ent in enumerate(group.entities):
        path = folder / f"{ent['id']}.json"
        line, col = group._where(f"group.entities.{n}")  # noqa: SLF001
        if not path.is_file():
            group.findings.append(
                _finding(
                    "group.invalid",
                    f"entity {ent['id']}: no export {path.name} in {folder}",
                    SETTINGS_FILE,
                    line,
                    col,
                    hint=f"the entity's job writes it with 'cms export --as-of ... -o {ent['id']}.json'",
                )
            )
            continue
        doc = read_export(path)
        if as_of and doc["as_of"] != as_of.isoformat():
            group.findings.append(
                _finding(
                    "group.invalid",
                    f"entity {ent['id']}: its export is as of {doc['as_of']}, the group's run as of {as_of}",
                    SETTINGS_FILE,
                    line,
                    col,
                    hint="export every entity at the same --as-of",
                )
            )
        group.exports[ent["id"]] = doc if full else digest(doc)
        if not full:
            group.sources[ent["id"]] = path
    group.as_of = as_of or (dt.date.fromisoformat(next(iter(group.exports.values()))["as_of"]) if group.exports else None)
    finish(group)
    return group


def read_export(path: Path, max_bytes: int = 200_000_000) -> dict:
    """An entity's export, untrusted input (CONTRIBUTING: Trust): the keys the group reads checked
    (their types, the profile, the date), and its records, findings, counts and matrix validated
    by the export's models (export_schema.export_parts), so that a malformed or hostile file is
    a located error naming it, never a traceback later in the group's rules or site. Its results
    are read by each domain's digest (api.Consolidation), and what the group makes of them is
    validated by the consolidation's model (consolidate)."""
    if path.stat().st_size > max_bytes:
        raise GroupError(f"{path}: larger than {max_bytes} bytes; is it an export?")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise GroupError(f"{path}: not JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise GroupError(f"{path}: an export is a JSON object")
    for key, kind in EXPORT_KEYS.items():
        if not isinstance(doc.get(key), kind):
            raise GroupError(f"{path}: key {key!r} missing or not a {kind.__name__}; write it with 'cms export' (internal profile){_version_note(doc)}")
    if doc.get("profile") != "internal":
        raise GroupError(f"{path}: a {doc.get('profile')!r} export withholds records; consolidate internal exports")
    try:
        dt.date.fromisoformat(doc["as_of"])
    except ValueError:
        raise GroupError(f"{path}: as_of {doc['as_of']!r} is not a date") from None
    try:
        export_parts(doc)
        # the records the rules read the data of, at their places (records[n]); the others as {}
        records = [r if r.get("kind") in ("organization", "scope") else {} for r in doc["records"]]
        _READS.validate_python({**{k: doc[k] for k in ("organization", "results", "statuses") if k in doc}, "records": records})
    except ValidationError as exc:
        raise GroupError(
            f"{path}: not an export of the shape of schemas/export/export.schema.json: {_short(located(exc))}{_version_note(doc)}"
            "\n  hint: write it again with 'cms export --as-of ... -o <entity id>.json' (internal profile) from the entity's records"
        ) from None
    return doc


class _Shown(group_model.ReadModel):
    """A record's status as the entity's site shows it (statuses.py), which the group reads (_status)."""

    status: str | None = None


class _Organization(group_model.ReadModel):
    profile: str | None = None
    uscc: str | None = None


class _Listed(group_model.ReadModel):
    uscc: str | None = None
    name: str | None = None


class _RecordData(group_model.ReadModel):
    """What the group rules read of an organization record (parent, uscc) and of a scope record (group_entities)."""

    parent: str | None = None
    uscc: str | None = None
    group_entities: list[_Listed] | None = None


class _ReadRecord(group_model.ReadModel):
    data: _RecordData = _RecordData()


class _Reads(group_model.ReadModel):
    """What the group reads of an export beyond export_parts: the organization and the records'
    data its rules read, the statuses and the results each domain reads (api.Consolidation.reads)."""

    organization: _Organization
    records: list[_ReadRecord]
    statuses: dict[str, _Shown] = {}


def _reads_model() -> TypeAdapter:
    results = create_model(
        "Results",
        __base__=group_model.ReadModel,
        **{c.id: (c.consolidation.reads | None, None) for c in consolidating() if c.consolidation.reads is not None},  # type: ignore[misc]
    )
    return TypeAdapter(create_model("Reads", __base__=_Reads, results=(results, ...)))


class _LazyReads:
    """_reads_model, made once when first used (the bundled rules load then)."""

    adapter: TypeAdapter | None = None

    def validate_python(self, value: Any) -> Any:
        if self.adapter is None:
            self.adapter = _reads_model()
        return self.adapter.validate_python(value)


_READS = _LazyReads()


def _short(text: str, limit: int = 600) -> str:
    """A message about an untrusted file stays readable: its keys may be of any length."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _version_note(doc: dict) -> str:
    """When the export was written by another version of cms (an entity's CI job may run one), say so."""
    from . import __version__

    gen = doc.get("generator")
    theirs = gen.get("version") if isinstance(gen, dict) else None
    if theirs == __version__:
        return ""
    if not isinstance(theirs, str):
        return f" (the export names no cms version (generator.version); this is cms {__version__})"
    return f" (written by cms {theirs[:40]!r}, this is cms {__version__}: run the entity's job with the same version)"


def finish(group: Group) -> None:
    group.findings.extend(entity_findings(group))
    group.findings.extend(group_rules(group))
    group.consolidation = consolidate(group)
    group.findings.sort(key=lambda f: f.sort_key())


def _rel(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _prefix(group: Group, eid: str) -> str:
    """Where an entity's files are, relative to the group root."""
    if eid in group.roots:
        return _rel(group.roots[eid], group.root)
    ent = next(e for e in group.entities if e["id"] == eid)
    return ent.get("path") or f"{CACHE}/{eid}"


def entity_findings(group: Group) -> list[Finding]:
    out = []
    for eid, doc in group.exports.items():
        prefix = _prefix(group, eid)
        for f in doc["findings"]:
            out.append(
                Finding(
                    rule=f["rule"],
                    severity=f["severity"],
                    message=f"[{eid}] {f['message']}",
                    file=f"{prefix}/{f['file']}",
                    line=f.get("line", 1),
                    col=f.get("col", 1),
                    clauses=tuple(f.get("clauses", ())),
                    record=f.get("record"),
                    path=f.get("path", ""),
                    hint=f.get("hint", ""),
                    title=f.get("title", ""),
                )
            )
    return out


# -- group rules ----------------------------------------------------------------------------
def _records(doc: dict) -> dict:
    return {r["id"]: r for r in doc["records"] if isinstance(r, dict) and "id" in r}


def group_rules(group: Group) -> list[Finding]:
    out: list[Finding] = []
    group_profile = group.settings.get("organization", {}).get("profile")
    for n, ent in enumerate(group.entities):
        doc = group.exports.get(ent["id"])
        if doc is None:
            continue
        line, col = group._where(f"group.entities.{n}")  # noqa: SLF001
        eid = ent["id"]
        bad = [c["number"] for c in doc["matrix"].get("clauses", []) if c.get("status") == "nonconforming"]
        if bad:
            out.append(
                _finding(
                    "group.entity-system",
                    f"entity {eid}: its conformity matrix has nonconforming clauses: {', '.join(bad)}",
                    SETTINGS_FILE,
                    line,
                    col,
                    hint="the entity's own findings below say why; 'cms matrix' in its folder",
                )
            )
        starters = sum(1 for f in doc["findings"] if f.get("rule") == "todo.starter")
        if starters:  # cms init's drafts hold back their findings until filled in: the system is not in place yet
            out.append(
                _finding(
                    "group.entity-system",
                    f"entity {eid}: {starters} starter draft(s) of cms init not filled in yet; their findings are held back, so its system is not in place",
                    SETTINGS_FILE,
                    line,
                    col,
                    hint="'cms todo' in the entity's folder lists what is still lacking",
                )
            )
        kinds = {r.get("kind") for r in doc["records"]}
        for kind, clause in REQUIRED_KINDS.items():
            if kind not in kinds:
                out.append(
                    _finding(
                        "group.entity-system",
                        f"entity {eid}: no {kind} record (clause {clause})",
                        SETTINGS_FILE,
                        line,
                        col,
                        hint=f"'cms new {kind}' in the entity's folder",
                    )
                )
        profile = doc["organization"].get("profile")
        rec = _records(doc).get(profile) if profile else None
        parent = (rec or {}).get("data", {}).get("parent") if rec else None
        if parent and group_profile and parent != group_profile:
            out.append(
                _finding(
                    "group.parent",
                    f"entity {eid}: its organization record {profile} names {parent!r} as parent, the group is {group_profile!r}",
                    f"{_prefix(group, eid)}/{rec['file']}",
                    hint="correct 'parent' in the entity's organization record",
                )
            )
    for n, t in enumerate(group.settings["group"].get("transfers", [])):
        out.extend(_transfer_findings(group, n, t))
    out.extend(_boundary_findings(group))
    return out


def _uscc(doc: dict) -> tuple[str | None, str]:
    """An entity's unified social credit code, from its organization record (the profile), and that record's file."""
    profile = doc["organization"].get("profile")
    rec = _records(doc).get(profile) if profile else None
    if rec is None:  # the code in the entity's cms.yaml (organization.uscc), when it has no profile record
        return doc["organization"].get("uscc"), ""
    return (rec.get("data") or {}).get("uscc") or doc["organization"].get("uscc"), rec.get("file", "")


def _boundary_findings(group: Group) -> list[Finding]:
    """4.3: the scope and boundary are documented information; for a group that is its scope record
    listing the legal entities (5.3.2 b: the carbon management body may be a specialised company of
    the group). The entity list must match it both ways, by unified social credit code: an entity
    outside the boundary would be consolidated without being in the system, a legal entity of the
    boundary that is no entity would be left out of the group's figures."""
    spec = group.settings["group"].get("boundary")
    if not spec:
        line, col = group._where("group")  # noqa: SLF001
        return [
            _finding(
                "group.boundary",
                "the group names no scope record of its boundary, so its entity list cannot be checked against it",
                SETTINGS_FILE,
                line,
                col,
                severity="warning",
                hint="add 'boundary: {entity: <id>, record: <scope id>}' under group, the scope record listing group_entities (4.3)",
            )
        ]
    line, col = group._where("group.boundary")  # noqa: SLF001
    holder = group.exports.get(spec["entity"])
    if holder is None:
        known = any(e["id"] == spec["entity"] for e in group.entities)
        return (
            []
            if known
            else [
                _finding(
                    "group.boundary",
                    f"the boundary names entity {spec['entity']!r}, which is not an entity of the group",
                    SETTINGS_FILE,
                    line,
                    col,
                    hint=f"entities: {', '.join(e['id'] for e in group.entities)}",
                )
            ]
        )
        # an entity that is listed but was not run already has its group.invalid finding
    rec = _records(holder).get(spec["record"])
    if rec is None or rec.get("kind") != "scope":
        return [
            _finding(
                "group.boundary",
                f"{spec['entity']} holds no scope record {spec['record']!r}",
                SETTINGS_FILE,
                line,
                col,
                hint="name the scope record (4.3) that lists the group's legal entities under group_entities",
            )
        ]
    listed = (rec.get("data") or {}).get("group_entities")
    where = f"{_prefix(group, spec['entity'])}/{rec['file']}"
    if not listed:
        return [
            _finding(
                "group.boundary",
                f"{spec['record']} lists no group_entities: the group's boundary names none of its legal entities",
                where,
                hint="list every legal entity of the boundary: group_entities: [{uscc: ..., name: ...}]",
            )
        ]
    in_boundary = {e["uscc"]: e.get("name", "") for e in listed if isinstance(e, dict) and e.get("uscc")}
    out, seen = [], set()
    for n, ent in enumerate(group.entities):
        doc = group.exports.get(ent["id"])
        if doc is None:
            continue
        eline, ecol = group._where(f"group.entities.{n}")  # noqa: SLF001
        code, _ = _uscc(doc)
        if not code:
            out.append(
                _finding(
                    "group.boundary",
                    f"entity {ent['id']}: no unified social credit code in its organization record, so it cannot be found in the group's boundary",
                    SETTINGS_FILE,
                    eline,
                    ecol,
                    hint="set organization.profile in the entity's cms.yaml to its organization record, which gives uscc",
                )
            )
            continue
        seen.add(code)
        if code not in in_boundary:
            out.append(
                _finding(
                    "group.boundary",
                    f"entity {ent['id']} ({code}) is not inside the group's boundary: {spec['record']} does not list it",
                    SETTINGS_FILE,
                    eline,
                    ecol,
                    hint=f"add it to group_entities of {spec['record']} if it belongs to the group, else remove the entity",
                )
            )
    for code, name in sorted(in_boundary.items()):
        if code not in seen:
            out.append(
                _finding(
                    "group.boundary",
                    f"{name or code} ({code}) is inside the group's boundary ({spec['record']}) "
                    "but no entity of the group is it: its emissions are missing from the consolidation",
                    where,
                    hint="add it to group.entities with its records folder, or take it out of the boundary",
                )
            )
    return out


PURCHASE = {"electricity": "purchased_electricity", "heat": "purchased_heat"}
# the unit of a transfer's quantity (settings-group.schema.json), as the buyer's computed activity has it
TRANSFER_UNIT = {"electricity": "MWh", "heat": "GJ"}


def _buyer_entry(group: Group, t: dict) -> group_model.ReadEntry | None:
    """The buyer's computed entry of the purchase, from the domain that computes it (api.Consolidation.purchase)."""
    doc = group.exports.get(t["buyer"])
    if doc is None:
        return None
    for comp in consolidating():
        if comp.consolidation.purchase is not None:
            entry = comp.consolidation.purchase(reads_of(comp, doc["results"].get(comp.id) or {}), t["year"], t["buyer_record"])
            if entry is not None:
                return entry
    return None


def _transfer_findings(group: Group, n: int, t: dict) -> list[Finding]:
    line, col = group._where(f"group.transfers.{n}")  # noqa: SLF001
    out = []
    seller, buyer = group.exports.get(t["seller"]), group.exports.get(t["buyer"])
    if seller is not None and t["seller_record"] not in _records(seller):
        out.append(
            _finding(
                "group.transfer",
                f"the sale names the seller's record {t['seller_record']!r}, which {t['seller']} does not hold",
                SETTINGS_FILE,
                line,
                col,
                hint="name the seller's record of the sale (product output, contract)",
            )
        )
    if buyer is None:
        return out
    rec = _records(buyer).get(t["buyer_record"])
    entry = _buyer_entry(group, t)
    if rec is None or entry is None:
        out.append(
            _finding(
                "group.transfer",
                f"{t['buyer']} records no purchase {t['buyer_record']!r} in {t['year']}: the buyer must record the {t['energy']} it buys from {t['seller']}",
                SETTINGS_FILE,
                line,
                col,
                hint="name the buyer's activity_data record of the purchase, of that year",
            )
        )
        return out
    if entry.category != PURCHASE[t["energy"]]:
        out.append(
            _finding("group.transfer", f"{t['buyer_record']} of {t['buyer']} is {entry.category}, not {PURCHASE[t['energy']]}", SETTINGS_FILE, line, col)
        )
        return out
    unit = entry.activity.unit if entry.activity else None
    if unit and unit != TRANSFER_UNIT[t["energy"]]:
        out.append(
            _finding(
                "group.transfer",
                f"{t['buyer_record']} of {t['buyer']} computes its {t['energy']} in {unit}, the sale's quantity "
                f"is in {TRANSFER_UNIT[t['energy']]}: nothing is eliminated",
                SETTINGS_FILE,
                line,
                col,
                hint="report an issue: the buyer's purchase should be computed in the transfer's unit",
            )
        )
        return out
    bought = entry.activity.value if entry.activity else None
    if isinstance(bought, (int, float)) and t["quantity"] > bought + 1e-9:
        out.append(
            _finding(
                "group.transfer",
                f"the sale of {t['quantity']} is more than the {bought} {unit} {t['buyer']} records in {t['buyer_record']}",
                SETTINGS_FILE,
                line,
                col,
                hint="the buyer's record of the purchase includes what it buys inside the group",
            )
        )
    return out


# -- consolidation ---------------------------------------------------------------------------
def _trace(label, formula, value, unit, inputs=(), steps=(), notes=(), method=""):
    """A traced group figure, of the one trace type (cms_build/trace.py, results.TracedValue):
    each input's source names the entity and the figure's path in its export (`result`), its
    record or the group's setting, from which the public profile decides (publish.group_results)."""
    t = Traced(value=value, unit=unit, label=label, formula=formula, method=method, notes=list(notes))
    for i in inputs:
        t.add(i["symbol"], i["name"], i["value"], i.get("unit") or "", i.get("source") or {}, i.get("note", ""))
    return {**t.as_dict(), "steps": list(steps)}


def factor(group: Group, ent: dict) -> tuple[float, str]:
    """The fraction of an entity the group counts, and why."""
    approach = group.approach(ent)
    if approach == "equity_share":
        return float(ent.get("share", 1)), f"equity share: {ent.get('share', 1)} of the equity"
    has = ent.get(approach, True)
    return (1.0 if has else 0.0), f"{approach.replace('_', ' ')}: {'controlled, 100 %' if has else 'not controlled, 0 %'}"


def consolidating() -> list:
    """The bundled computations that add to a group's consolidation (api.Consolidation), in
    their order: each domain says what its result adds; this module names none of them."""
    global CONSOLIDATING
    if CONSOLIDATING is None:
        from .paths import bundled
        from .rules import load_rules

        CONSOLIDATING = [c for c in load_rules([bundled("checks")])[1] if c.consolidation is not None]
    return CONSOLIDATING


CONSOLIDATING: list | None = None


def reads_of(comp, result: dict, dumped: bool = False):
    """What a domain reads of an entity's result, as its `reads` model (api.Consolidation.reads:
    the keys it names, strict; the others ignored), or that model's JSON (dumped: the digest a
    large group keeps, the keys the result gave). One definition of what the group reads: the
    digest, the sections and the purchase read the same fields."""
    if comp.consolidation.reads is None:  # a domain that declares no reads reads the JSON
        return result
    try:
        model = comp.consolidation.reads.model_validate(result)
    except ValidationError as exc:  # an export read from a file was checked by _READS already
        raise GroupError(f"an entity's {comp.id} result is not of the shape the group reads: {_short(located(exc, root=comp.id))}") from None
    return model.model_dump(mode="json", exclude_unset=True) if dumped else model


class GroupInput:
    """What a domain's `sections` (api.Consolidation) is given: the `entities` whose exports
    the group holds, `result(entity)` the domain's result in an entity's export as its `reads`
    model (empty when it has none), `factor(entity)` the fraction the group counts and why, `trace(...)` a traced group
    figure, `status(entity, record id, computed)` the status the entity's own site shows,
    `transfers` (group.transfers), `has(entity id)`, `purchase(transfer)` the buyer's entry,
    `purchase_category(energy)` and `transfer_unit(energy)`."""

    def __init__(self, group: Group, ents: list[dict], comp):
        self.group, self.entities, self.comp = group, ents, comp
        self.transfers = group.settings["group"].get("transfers", [])
        self.trace = _trace
        self._results: dict = {}  # entity id -> its result as the reads model, validated once

    def result(self, ent: dict):
        if ent["id"] not in self._results:
            self._results[ent["id"]] = reads_of(self.comp, self.group.exports[ent["id"]]["results"].get(self.comp.id) or {})
        return self._results[ent["id"]]

    def factor(self, ent: dict) -> tuple[float, str]:
        return factor(self.group, ent)

    def status(self, ent: dict, rid: str, computed):
        return _status(self.group.exports[ent["id"]], rid, computed)

    def has(self, eid: str) -> bool:
        return eid in self.group.exports

    def purchase(self, t: dict):
        return _buyer_entry(self.group, t)

    @staticmethod
    def purchase_category(energy: str) -> str:
        return PURCHASE[energy]

    @staticmethod
    def transfer_unit(energy: str) -> str:
        return TRANSFER_UNIT[energy]


def consolidation_model() -> type[BaseModel]:
    """The consolidation's model: the core (group_model.py) and each domain's sections."""
    global CONSOLIDATION_MODEL
    if CONSOLIDATION_MODEL is None:
        CONSOLIDATION_MODEL = group_model.consolidation_model({k: v for c in consolidating() for k, v in c.consolidation.models.items()})
    return CONSOLIDATION_MODEL


CONSOLIDATION_MODEL: type[BaseModel] | None = None


def consolidate(group: Group) -> BaseModel:
    """The group's consolidation (README: Groups), as its model: a section of the wrong shape
    fails here, where it is made, not in the group's site or export."""
    ents = [e for e in group.entities if e["id"] in group.exports]
    out = {
        "as_of": group.as_of.isoformat() if group.as_of else None,
        "entities": {
            e["id"]: {"name": e["name"], "approach": group.approach(e), "share": e.get("share", 1), "factor": factor(group, e)[0], "why": factor(group, e)[1]}
            for e in ents
        },
    }
    out["matrix"] = _matrix(group, ents)
    out["findings"] = {e["id"]: group.exports[e["id"]]["summary"] for e in ents}
    try:
        for comp in consolidating():  # each domain's sections (checks/<domain>/group.py)
            out.update(comp.consolidation.sections(GroupInput(group, ents, comp)))
        return consolidation_model().model_validate(out)
    except ValidationError as exc:
        # an entity's export is checked where it is read (read_export); a result it holds
        # that the group reads but the export's envelope does not type ends here
        raise GroupError(f"the group's consolidation is not of its shape (cms_build/group_model.py): {located(exc, root='consolidation')}") from None


def _status(doc: dict, rid: str, computed):
    """The status the entity's own site and export show (statuses.py: the computation and the
    findings on it), else the computation's own."""
    shown = (doc.get("statuses") or {}).get(rid)
    return shown.get("status") if isinstance(shown, dict) and shown.get("status") else computed


def _matrix(group: Group, ents: list[dict]) -> dict:
    rows: dict = {}
    for ent in ents:
        for c in group.exports[ent["id"]]["matrix"].get("clauses", []):
            row = rows.setdefault(c["number"], {"title_zh": c.get("title_zh"), "title_en": c.get("title_en"), "status": {}})
            row["status"][ent["id"]] = c.get("status")
    return {"summary": {e["id"]: group.exports[e["id"]]["matrix"].get("summary") for e in ents}, "clauses": rows}


def export_group(group: Group) -> dict:
    """The group's export: its entities' export documents and the consolidation."""
    return {
        "group": {
            "organization": group.settings.get("organization"),
            "as_of": group.as_of.isoformat() if group.as_of else None,
            "entities": [{k: v for k, v in e.items()} for e in group.entities],
        },
        "entities": group.exports,
        "consolidation": dump(group.consolidation),
        "findings": [f.as_dict() for f in group.findings],
        "summary": {s: sum(1 for f in group.findings if f.severity == s) for s in ("error", "warning", "info")},
    }


def write_export(group: Group, out) -> None:
    """export_group as JSON (indent 2, keys sorted) into the text stream `out`. Where the group
    holds digests of export files (consume_exports, full=False), each entity's export is read
    again from its file when its turn comes and written through: one whole export in memory
    at a time, the same text as json.dumps of the whole document."""
    doc = export_group(group)
    if not group.sources:
        out.write(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        return
    doc["entities"] = {}
    head, sep, tail = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).partition('\n  "entities": {},\n')
    if not sep:  # the last key (never, with the keys export_group gives): no comma after it
        head, sep, tail = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).partition('\n  "entities": {}\n')
    out.write(head + '\n  "entities": {')
    for n, eid in enumerate(sorted(group.exports)):
        whole = read_export(group.sources[eid]) if eid in group.sources else group.exports[eid]
        text = json.dumps(whole, ensure_ascii=False, indent=2, sort_keys=True).replace("\n", "\n    ")
        out.write(("," if n else "") + "\n    " + json.dumps(eid, ensure_ascii=False) + ": " + text)
        del whole, text
    out.write(("\n  }" if group.exports else "}") + ("," if sep.endswith(",\n") else "") + "\n" + tail + "\n")


def render_text(group: Group) -> str:
    lines = [f"{f.location()}: {f.severity} {f.rule}: {f.message}" + (f"\n  hint: {f.hint}" if f.hint else "") for f in group.findings]
    for comp in consolidating():
        if comp.consolidation.text is not None:
            lines.extend(comp.consolidation.text(group.consolidation))
    counts = {s: sum(1 for f in group.findings if f.severity == s) for s in ("error", "warning", "info")}
    lines.append(f"\n{len(group.exports)} entities; {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info")
    return "\n".join(lines) + "\n"

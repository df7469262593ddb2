"""`cms init`: a new organization's records repository, ready for editors, pre-commit and CI.

Never overwrites a file a person may have written: in a non-empty folder it refuses unless
told `existing=True`, and then it only adds what is missing. The one exception is
`.cms/schemas/`, the editor copies of the schemas, which belong to the tool and are rewritten
so that an engine upgrade reaches the editor.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader

from ..errors import CmsProblem
from .. import ENGINE_URL, RELEASE_TAG, requirement
from ..editor_schemas import DISPATCH, settings_file, write_all
from ..engine import schema_folders
from ..scaffold import existing_records, minimal_instance, skeleton_ids
from ..schemas import SchemaSet

TEMPLATES = Path(__file__).resolve().parent / "templates"
SUBSYSTEMS = ("A", "B", "C", "D")


class InitError(CmsProblem):
    """cms init cannot write the repository as asked."""


def parse_subsystems(text: str) -> list[str]:
    items = [s.strip().upper() for s in text.replace(" ", ",").split(",") if s.strip()]
    bad = [s for s in items if s not in SUBSYSTEMS]
    if bad or not items:
        raise InitError(f"--subsystems takes letters among A, B, C, D (clause 1 e), e.g. A,B; got {text!r}")
    return sorted(set(items))


def skeleton_kinds(schemas: SchemaSet, subsystems: list[str]) -> list[str]:
    """Every kind of the common system and of the adopted subsystems."""
    return sorted(k for k, kind in schemas.kinds.items() if kind.subsystem in ("common", *subsystems))


def drafts(schemas: SchemaSet, subsystems: list[str], today: str, existing: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, dict]]:
    """The id and the data of the draft of each kind the adopted subsystems need: their own
    kinds, and any kind that one of their drafts must name (a holding statement of C names a
    trading account of B). Ids are unique across every kind and every existing record, and each
    reference names the id actually given to the referenced draft."""
    kinds = set(skeleton_kinds(schemas, subsystems))
    while True:
        ids = skeleton_ids(schemas, sorted(kinds), existing)
        missing: set[str] = set()
        data = {k: minimal_instance(schemas, k, ids[k], ids, today, missing) for k in sorted(kinds)}
        if missing <= kinds:
            return ids, data
        kinds |= missing


def init_repo(
    dest: Path,
    *,
    name: str,
    subsystems: list[str],
    existing: bool = False,
    today: dt.date | None = None,
    engine_url: str = ENGINE_URL,
    engine_ref: str = RELEASE_TAG,
) -> list[Path]:
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise InitError(f"{dest} exists and is not a folder")
    if dest.exists() and any(dest.iterdir()) and not existing:
        raise InitError(f"{dest} is not empty; run with --existing to add only what is missing (no file is ever overwritten)")
    dest.mkdir(parents=True, exist_ok=True)
    today_s = (today or dt.date.today()).isoformat()
    created: list[Path] = []

    def write(rel: str, text: str) -> None:
        path = dest / rel
        if path.exists():
            return  # never overwrite what is there
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
        created.append(path)

    # starter_drafts: the placeholders of the drafts below are to-dos, not errors, until filled
    # in (workflow/todo.py); remove it then, so that no draft can lower a finding again
    settings = {"organization": {"name": name}, "subsystems": subsystems, "gwp_set": "AR5", "language": "zh", "management": {"starter_drafts": True}}
    write(
        "cms.yaml",
        "# Settings of the carbon management system (see `cms kinds` and the engine's "
        "schemas/settings.schema.json for every setting and its default).\n" + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False),
    )
    # the engine is not on the package index: install it from its repository at a release tag
    write(
        "requirements.txt",
        "# The engine, pinned to a release tag (or a commit) of its repository: upgrade by\n"
        "# changing the tag. Once cms-as-code is on the package index: cms-as-code==<version>.\n" + requirement(engine_url, engine_ref) + "\n",
    )
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), keep_trailing_newline=True, autoescape=False)
    write("README.md", env.get_template("README.md.j2").render(name=name, subsystems=", ".join(subsystems)))
    write(".gitignore", (TEMPLATES / "gitignore").read_text(encoding="utf-8"))
    write(".github/workflows/cms.yml", (TEMPLATES / "github-workflow.yml").read_text(encoding="utf-8"))
    write(".gitlab-ci.yml", (TEMPLATES / "gitlab-ci.yml").read_text(encoding="utf-8"))
    write(".pre-commit-config.yaml", (TEMPLATES / "pre-commit-config.yaml").read_text(encoding="utf-8"))

    schemas = SchemaSet.load(schema_folders(dest))
    write_all(schemas, dest / ".cms" / "schemas")
    existing_ids = existing_records(dest)
    ids, instances = drafts(schemas, subsystems, today_s, existing_ids)
    kinds = sorted(ids)
    _assign_uncovered_clauses(schemas, subsystems, ids, instances)
    write(".vscode/settings.json", json.dumps(_vscode_settings(schemas, kinds), ensure_ascii=False, indent=2) + "\n")
    write(".vscode/extensions.json", json.dumps({"recommendations": ["redhat.vscode-yaml"]}, indent=2) + "\n")
    for kind_name in kinds:
        kind = schemas.kinds[kind_name]
        folder = kind.folder or kind_name
        if ids[kind_name] in existing_ids:
            continue  # a record of this kind already has the id: never write a second one
        data = instances[kind_name]
        # no `# yaml-language-server: $schema=` line: a path relative to the file breaks when the
        # record moves a folder down (activity/2025/); .vscode/settings.json maps every depth
        header = (
            f"# {kind.title_zh} / {kind.title_en} — clauses {', '.join(kind.clauses) or '-'}\n"
            '# A draft made by `cms init`: replace every "待填写 to be completed" and the placeholder '
            "values, then set status: approved with approved_by and approved_on.\n"
        )
        write(f"{folder}/{ids[kind_name]}.yaml", header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
    return created


def _vscode_settings(schemas: SchemaSet, kinds: list[str]) -> dict:
    """The YAML extension's mapping: every record folder, at any depth below it, to the schema
    that picks the kind's own schema by the record's `kind:` (editor_schemas.DISPATCH), so a
    folder shared by several kinds (trading/) and a file of any name are checked too; cms.yaml
    to the settings schema."""
    folders = sorted({schemas.kinds[k].folder or k for k in schemas.kinds})
    mapping: dict[str, list[str]] = {f".cms/schemas/{DISPATCH}": [f"{folder}/**/*.yaml" for folder in folders]}
    settings = settings_file(schemas)
    if settings:
        mapping[f".cms/schemas/{settings}"] = ["/cms.yaml"]
    return {
        "yaml.schemas": mapping,
        "yaml.validate": True,
        "yaml.completion": True,
        "yaml.hover": True,
        "files.encoding": "utf8",
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2},
    }


def _assign_uncovered_clauses(schemas: SchemaSet, subsystems: list[str], ids: dict[str, str], instances: dict[str, dict]) -> None:
    """A requirement clause that no drafted kind documents (7.2.2 awareness, 8.2.1 emission
    processes) would have no starter draft to fill, and its "no evidence" error would stay on a
    fresh repository. Name it in the `clauses` of the draft whose kind documents the nearest
    clause (the longest shared number prefix), so that the team fills it in there."""
    from ..standard import load_catalogue

    numbers = {k: [str(c).split()[0] for c in schemas.kinds[k].clauses if str(c).split()] for k in ids}
    covered = {n for ns in numbers.values() for n in ns}

    def related(a: str, b: str) -> bool:
        return a == b or a.startswith(b + ".") or b.startswith(a + ".")

    def shared(a: str, b: str) -> int:
        pa, pb = a.split("."), b.split(".")
        n = 0
        while n < min(len(pa), len(pb)) and pa[n] == pb[n]:
            n += 1
        return n

    for c in load_catalogue():
        if c.obligation != "requirement" or not (c.subsystem == "common" or c.subsystem in subsystems):
            continue
        if any(related(c.number, n) for n in covered):
            continue
        best = max(sorted(ids), key=lambda k: max((shared(c.number, n) for n in numbers[k]), default=0))
        extra = instances[best].setdefault("clauses", [])
        if c.number not in extra:
            extra.append(c.number)

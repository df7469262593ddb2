"""The editor's schemas are the 2020-12 originals (issue 18, item 7): they resolve among
themselves in .cms/schemas/, judge the example records as cms does, reach records at any
folder depth through the `kind:` dispatcher, and show both languages on hover."""

import datetime as dt
import json
import re

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from cms_build.editor_schemas import DISPATCH, editor_documents, write_all
from cms_build.engine import run
from cms_build.workflow.init import _vscode_settings
from tests.conftest import EXAMPLE, EXAMPLE_AS_OF


@pytest.fixture(scope="module")
def example():
    return run(EXAMPLE, dt.date.fromisoformat(EXAMPLE_AS_OF), stages="validate")


@pytest.fixture(scope="module")
def folder(example, tmp_path_factory):
    out = tmp_path_factory.mktemp("editor") / ".cms" / "schemas"
    write_all(example.schemas, out)
    return out


def registry_of(folder) -> Registry:
    """Only the files of the folder, by their names: a $ref that needs anything else fails."""
    docs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.schema.json")}
    return Registry().with_resources([(name, Resource.from_contents(doc)) for name, doc in docs.items()])


def dispatcher(folder) -> Draft202012Validator:
    doc = json.loads((folder / DISPATCH).read_text(encoding="utf-8"))
    return Draft202012Validator(doc, registry=registry_of(folder))


def test_copies_are_2020_12_and_refer_only_to_their_siblings(folder):
    names = {p.name for p in folder.glob("*.schema.json")}
    for path in folder.glob("*.schema.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema" and doc["$id"] == path.name
        Draft202012Validator.check_schema(doc)
        for ref in re.findall(r'"\$ref": "([^"]*)"', path.read_text(encoding="utf-8")):
            assert ref.startswith("#") or ref.split("#")[0] in names, (path.name, ref)
    assert "draft-07" not in "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.json"))


def test_the_dispatcher_judges_every_example_record_as_cms_does(example, folder):
    v = dispatcher(folder)
    for record in example.records:
        errors = [e.message for e in v.iter_errors(record.data)]
        assert errors == [], (record.rel, errors)


def test_the_dispatcher_rejects_what_the_originals_reject(example, folder):
    v = dispatcher(folder)
    kind = example.schemas.kinds["policy"]
    record = dict(example.index.by_id["POL-001"].data)
    # a misspelt field (unevaluatedProperties), a bad enum, a wrong type, an empty title, an unknown kind
    for bad in ({"statment": "typo"}, {"status": "aproved"}, {"approved_on": 20250101}, {"title": ""}):
        candidate = {**record, **bad}
        assert list(kind.validator.iter_errors(candidate)), bad
        assert list(v.iter_errors(candidate)), bad
    assert list(v.iter_errors({**record, "kind": "polcy"}))
    assert list(v.iter_errors({k: x for k, x in record.items() if k != "kind"}))


def glob_regex(pattern: str) -> re.Pattern:
    """The YAML language server's reading of a yaml.schemas glob: '/' stripped, '**/' put in
    front (its FilePatternAssociation), then picomatch: '**/' any folders, '*' within one."""
    pattern = "**/" + pattern.lstrip("/")
    out = ""
    for part in re.split(r"(\*\*/|\*)", pattern):
        out += {"**/": "(?:.*/)?", "*": "[^/]*"}.get(part, re.escape(part))
    return re.compile(out + r"\Z")


def test_every_record_of_the_example_is_mapped_at_any_depth(example):
    mapping = _vscode_settings(example.schemas, sorted(example.schemas.kinds))["yaml.schemas"]
    globs = [glob_regex(g) for g in mapping[f".cms/schemas/{DISPATCH}"]]
    deep = [r for r in example.records if r.rel.count("/") >= 2]
    assert deep, "the example keeps records one folder down (activity/2025/...)"
    for record in example.records:
        assert any(g.match("/home/u/repo/" + record.rel) for g in globs), record.rel
    assert any(glob_regex(g).match("/home/u/repo/cms.yaml") for g in mapping[".cms/schemas/settings.schema.json"])
    assert not any(g.match("/home/u/repo/.github/workflows/cms.yaml") for g in globs)


def test_hover_shows_both_languages(example):
    docs = editor_documents(example.schemas)
    category = docs["emission_source.schema.json"]["properties"]["category"]
    hover = category["markdownDescription"]
    assert "- `fuel_combustion`: 化石燃料燃烧 / Fossil fuel combustion" in hover
    assert category["enumDescriptions"][category["enum"].index("fuel_combustion")] == "化石燃料燃烧 / Fossil fuel combustion"
    scope = docs["policy.schema.json"]["properties"]["scope_of_policy"]
    # the server shows `title` (Chinese) as the heading, then this: English title, both descriptions
    assert scope["title"] == "方针类别"
    assert scope["markdownDescription"].startswith("**Policy of**\n\ncarbon_management 总方针")
    assert "for the overall policy (5.2)" in scope["markdownDescription"]
    # the envelope's fields too (title, status...), through the sibling file
    assert "**" in docs["envelope.schema.json"]["properties"]["status"]["markdownDescription"]


def test_write_all_removes_the_old_draft07_copies(example, tmp_path):
    out = tmp_path / "schemas"
    out.mkdir()
    (out / "policy.schema.json").write_text('{"$schema": "http://json-schema.org/draft-07/schema#"}', encoding="utf-8")
    (out / "gone_kind.schema.json").write_text("{}", encoding="utf-8")
    write_all(example.schemas, out)
    assert not (out / "gone_kind.schema.json").exists()
    assert "2020-12" in (out / "policy.schema.json").read_text(encoding="utf-8")

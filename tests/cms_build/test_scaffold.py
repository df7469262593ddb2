"""Skeletons: cms init's drafts validate for every kind; cms new's templates list every field."""
import datetime as dt

import pytest

from cms_build.engine import run
from cms_build.scaffold import minimal_instance, render_skeleton
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def schemas():
    return run(EXAMPLE, dt.date(2026, 6, 30), stages="validate").schemas


def test_every_kind_has_a_valid_draft_skeleton(schemas):
    ids = {k: f"{(v.id_prefix or k.upper())}-001" for k, v in schemas.kinds.items()}
    for name, kind in sorted(schemas.kinds.items()):
        data = minimal_instance(schemas, name, ids[name], ids, "2026-11-24")
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in kind.validator.iter_errors(data)]
        assert errors == [], name
        assert data["status"] == "draft" and data["kind"] == name


def test_new_record_template_lists_required_and_optional_fields(schemas):
    for name, kind in sorted(schemas.kinds.items()):
        text = render_skeleton(schemas, name, "X-1", "en")
        assert f'kind: "{name}"' in text and "id: X-1" in text
        for required in kind.schema.get("required", []):
            assert f"\n{required}:" in text, (name, required)


def test_every_kind_has_its_own_id_prefix(schemas):
    # issue 17 item 10: NC- was both a nonconformity and a neutrality claim
    by_prefix = {}
    for name, kind in schemas.kinds.items():
        by_prefix.setdefault(kind.id_prefix, []).append(name)
    assert {p: ks for p, ks in by_prefix.items() if len(ks) > 1} == {}
    assert (schemas.kinds["nonconformity"].id_prefix, schemas.kinds["neutrality_claim"].id_prefix) == ("NC", "NCL")


def test_skeleton_ids_never_give_an_existing_id_a_twin(schemas):
    from cms_build.scaffold import skeleton_ids
    ids = skeleton_ids(schemas, sorted(schemas.kinds))
    assert len(set(ids.values())) == len(ids)
    assert (ids["nonconformity"], ids["neutrality_claim"]) == ("NC-001", "NCL-001")
    # an existing record of another kind is never given a twin; one of the same kind is found again
    ids = skeleton_ids(schemas, ["neutrality_claim", "policy"], {"NCL-001": "nonconformity", "POL-001": "policy"})
    assert ids == {"neutrality_claim": "NCL-002", "policy": "POL-001"}


def test_cms_new_refuses_an_id_with_a_line_break_and_one_differing_only_in_case(org):
    from tests.cms_build.test_cli import cms
    code, _, err = cms("new", "policy", "POL-001\n", "--path", org.root)  # wrote 'policy/POL-001\n.yaml'
    assert code == 2 and "'POL-001\\n' is not a valid id" in err
    assert not (org.root / "policy").exists()
    assert cms("new", "policy", "POL-001", "--path", org.root)[0] == 0
    code, _, err = cms("new", "policy", "pol-001", "--path", org.root)
    assert code == 2 and "a record with id 'POL-001' already exists; choose another id" in err
    assert sorted(p.name for p in (org.root / "policy").iterdir()) == ["POL-001.yaml"]


def test_enum_fields_list_their_values_with_labels():
    """Issue 17 item 1: a cms new comment names each value of an enum field in words."""
    from cms_build.paths import bundled
    from cms_build.schemas import SchemaSet
    schemas = SchemaSet.load([bundled("schemas")])
    zh = render_skeleton(schemas, "emission_source", "ES-1", "zh")
    en = render_skeleton(schemas, "emission_source", "ES-1", "en")
    assert "fuel_combustion = 化石燃料燃烧" in zh and "purchased_electricity = 购入使用电力" in zh
    assert "fuel_combustion = Fossil fuel combustion" in en

"""Skeletons: cms init's drafts validate for every kind; cms new's templates list every field."""

import datetime as dt
import re

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


# -- skeletons that teach: cms new activity_data --method M [--fuel F] (issue 18, item 3) ---------
VARIANTS = [
    ("emission_factor", "coal"),
    ("emission_factor", "natural_gas"),
    ("emission_factor", "diesel"),
    ("measurement", None),
    ("mass_balance", None),
    ("desulfurization", None),
    ("purchased_electricity", None),
    ("purchased_heat", None),
    ("clinker_calcination", None),
]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A repository as `cms init` writes it (subsystem A), with one record of each variant."""
    from cms_build.scaffold import new_record
    from cms_build.workflow.init import init_repo

    root = tmp_path_factory.mktemp("fresh") / "org"
    init_repo(root, name="测试电厂", subsystems=["A"], today=dt.date(2026, 6, 1))
    written = {}
    for i, (method, fuel) in enumerate(VARIANTS):
        lang = "en" if i % 2 else "zh"
        written[(method, fuel)] = new_record(root, "activity_data", f"AD-V{i}", language=lang, method=method, fuel=fuel, today="2026-06-01")
    return root, written


def test_every_method_gives_a_draft_with_only_to_do_findings(fresh):
    root, written = fresh
    result = run(root, dt.date(2026, 6, 30))
    rels = {p.relative_to(root).as_posix() for p in written.values()}
    records = {r.rel: r for r in result.records}
    for rel in rels:
        assert records[rel].valid and records[rel].status == "draft", rel
    on_them = [f for f in result.findings if f.file in rels]
    # nothing but the to-do of a draft still holding "待填写 to be completed" (no schema, unit or reference error)
    assert {f.rule for f in on_them} <= {"todo.starter"} and all(f.severity == "info" for f in on_them), [
        (f.file, f.rule, f.message) for f in on_them if f.rule != "todo.starter"
    ]
    assert not [f for f in result.findings if f.severity == "error"], "cms check --fail-on error passes"


def test_the_coal_skeleton_computes_by_the_formula(fresh):
    root, written = fresh
    result = run(root, dt.date(2026, 6, 30))
    rel = written[("emission_factor", "coal")].relative_to(root).as_posix()
    lines = [t for t in _traces(result.results["emissions"]["years"]["2025"]) if "AD-V0" in str(t)]
    assert lines, rel
    # E = FC × NCV × CC × OF × 44/12 = 100000 t × 20.5 GJ/t × 26.0 tC/TJ × 0.99 × 44/12
    #   = 2050 TJ × 26.0 = 53300 tC; × 0.99 = 52767 tC; × 44/12 = 193479 tCO2
    assert any(abs(v - 193479.0) < 1e-6 for v in _numbers(lines)), lines[:1]


def _traces(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _traces(v)
    elif isinstance(node, list):
        for v in node:
            yield from _traces(v)


def _numbers(nodes):
    for n in nodes:
        for key in ("value", "total"):
            if isinstance(n.get(key), (int, float)):
                yield n[key]


def test_the_skeleton_teaches_in_the_chosen_language(fresh):
    root, written = fresh
    zh = written[("emission_factor", "coal")].read_text(encoding="utf-8")
    en = written[("emission_factor", "natural_gas")].read_text(encoding="utf-8")
    # the schema's own comments, in the language, and every example value marked
    assert "# 低位发热量 NCV" in zh and "value: 20.5  # 数值 (示例值，请替换)" in zh
    assert 'test_standard: "GB/T 213"' in zh and 'library: "default:coal_oxidation"' in zh
    assert "Net calorific value NCV" in en and "(example value: replace it)" in en
    # a fuel the library has defaults for cites them (not examples); its activity unit is the library's
    assert 'library: "fuel:natural_gas:ncv"' in en and 'unit: "10^3 Nm3"' in en
    meas = written[("measurement", None)].read_text(encoding="utf-8")
    assert "measured:" in meas and "measurement_method:" in meas


@pytest.mark.parametrize(
    "method, fuel, words",
    [
        ("emission_factor", None, "needs --fuel, one of: coal"),
        ("emission_factor", "peat", "unknown fuel 'peat'"),
        ("estimation", None, "unknown --method 'estimation'"),
        ("measurement", "coal", "--fuel goes with --method emission_factor"),
        (None, "coal", "--fuel needs --method"),
    ],
)
def test_a_wrong_variant_is_refused_in_words(fresh, method, fuel, words):
    from cms_build.scaffold import new_record

    root, _ = fresh
    with pytest.raises(ValueError, match=re.escape(words)):
        new_record(root, "activity_data", "AD-BAD", method=method, fuel=fuel)
    assert not (root / "activity" / "AD-BAD.yaml").exists()


def test_the_cli_writes_a_variant(fresh):
    from click.testing import CliRunner
    from cms_build.cli import cli

    root, _ = fresh
    out = CliRunner().invoke(cli, ["new", "activity_data", "AD-CLI", "--path", str(root), "--method", "purchased_heat"])
    assert out.exit_code == 0, out.output
    assert "purchased_heat" in (root / "activity" / "AD-CLI.yaml").read_text(encoding="utf-8")
    bad = CliRunner().invoke(cli, ["new", "policy", "--path", str(root), "--method", "measurement"])
    assert bad.exit_code == 2 and "no --method variants" in bad.output and "Traceback" not in bad.output

"""A public build shows only public records, without their confidential fields, and nothing
derived from what it leaves out."""
import json

from cms_build.export import export_document
from cms_build.publish import View

MARK = "SECRET-MARKER-7f3a"


def build(org):
    org.add("organization/ORG.yaml", org.record(
        "organization", "ORG", legal_name="公开公司", uscc="91320000000000000X", confidentiality="public",
        legal_representative=f"张三 {MARK}-legalrep",                 # x-confidentiality: internal in the schema
        contact={"name": f"李四 {MARK}-contact"}))
    org.add("policy/PUB.yaml", org.record(
        "policy", "PUB", statement="公开方针", issued_by="总经理", confidentiality="public",
        notes=f"{MARK}-notes", confidential_fields=["notes"]))        # left out by the record's own list
    org.add("policy/INT.yaml", org.record("policy", "INT", statement=f"{MARK}-internal", issued_by="x"))
    org.add("policy/CONF.yaml", org.record("policy", "CONF", statement=f"{MARK}-confidential", issued_by="x",
                                           confidentiality="confidential", supersedes="PUB"))
    org.add("scope/S.yaml", org.record("scope", "S", organization="ORG", subsystems=["A"], confidentiality="public",
                                       organizational_boundary="b", operational_boundary="b", activities=["a"]))
    org.add("checks/leak.py", (
        "from cms_build.api import check, computation\n"
        "@computation('leaky', title='leaky')\n"
        "def leaky(ctx):\n"
        "    rec = ctx.get('INT')\n"
        "    return {'inputs': [{'name': 'x', 'value': 42, 'source': {'record': 'INT', 'path': 'statement'}}],\n"
        "            'about': {'record': 'INT', 'value': 7}, 'public': {'record': 'PUB', 'value': 1}}\n"
        "@check('org.flag', title='flag', clauses=['7.4.2'], kinds=['policy'])\n"
        "def flag(r, ctx):\n"
        "    yield r.issue('statement', 'statement: ' + r.get('statement'))\n"))
    return org.run()


def test_internal_profile_shows_everything(org):
    doc = export_document(build(org), "internal")
    assert {r["id"] for r in doc["records"]} == {"ORG", "PUB", "INT", "CONF", "S"}
    assert MARK in json.dumps(doc, ensure_ascii=False)


def test_public_profile_leaves_out_records_fields_results_and_findings(org):
    result = build(org)
    doc = export_document(result, "public")
    assert {r["id"] for r in doc["records"]} == {"ORG", "PUB", "S"}
    text = json.dumps(doc, ensure_ascii=False)
    assert MARK not in text
    org_data = next(r["data"] for r in doc["records"] if r["id"] == "ORG")
    assert "legal_representative" not in org_data and "contact" not in org_data
    assert org_data["legal_name"] == "公开公司"
    leaky = doc["results"]["leaky"]
    assert leaky["inputs"][0] == {"record": "restricted", "value": None, "restricted": True}
    assert leaky["about"] == {"record": "restricted", "value": None, "restricted": True}
    assert leaky["public"] == {"record": "PUB", "value": 1}
    assert {f["record"] for f in doc["findings"]} == {"PUB"}


def test_view_hides_references_to_unpublished_records(org):
    view = View(build(org), "public")
    assert view.visible("PUB") and not view.visible("CONF") and not view.visible("INT")
    assert [r.id for r in view.records] == ["ORG", "PUB", "S"]


def test_public_export_names_no_unpublished_record(org):
    result = build(org)
    text = json.dumps(export_document(result, "public"), ensure_ascii=False)
    for hidden in ("INT", "CONF"):
        assert f'"{hidden}"' not in text and f"'{hidden}'" not in text
    doc = export_document(result, "public")
    assert doc["results"]["leaky"]["public"] == {"record": "PUB", "value": 1}


def test_hider_withholds_every_mention_of_an_unpublished_record():
    from cms_build.publish import Hider
    hide = Hider({"AD-2024-01", "IND-9"})
    assert hide("E[AD-2024-01] + E[AD-2024-02].") == "E[restricted] + E[AD-2024-02]."
    out = hide({"AD-2024-01": {"value": 3}, "AD-2024-02": {"value": 4}})
    assert out == {"restricted-1": {"value": 3}, "AD-2024-02": {"value": 4}}
    # a mapping about a hidden record loses its labels; one about a visible record keeps them
    assert hide({"indicator": "IND-9", "title": "吨熟料排放", "value": 1})["title"] == "restricted"
    assert hide({"indicator": "IND-1", "title": "吨熟料排放"})["title"] == "吨熟料排放"
    # a value that only passes one restricted input on is that input's value
    passed = hide({"formula": "x", "value": 5, "inputs": [{"restricted": True, "value": None}]})
    assert passed["value"] is None and passed["restricted"] is True
    summed = hide({"formula": "a+b", "value": 5, "inputs": [{"restricted": True}, {"value": 2}]})
    assert summed["value"] == 5


def test_internal_view_hides_nothing(org):
    view = View(build(org), "internal")
    assert view.hider.hidden == set()
    assert view.hider("INT and CONF") == "INT and CONF"

"""A public build shows only public records, without their confidential fields, and nothing
derived from what it leaves out."""

import json

from cms_build.export import export_document
from cms_build.publish import View

MARK = "SECRET-MARKER-7f3a"


def build(org):
    org.add(
        "organization/ORG.yaml",
        org.record(
            "organization",
            "ORG",
            legal_name="公开公司",
            uscc="91320000000000000X",
            confidentiality="public",
            legal_representative=f"张三 {MARK}-legalrep",  # x-confidentiality: internal in the schema
            contact={"name": f"李四 {MARK}-contact"},
        ),
    )
    org.add(
        "policy/PUB.yaml",
        org.record("policy", "PUB", statement="公开方针", issued_by="总经理", confidentiality="public", notes=f"{MARK}-notes", confidential_fields=["notes"]),
    )  # left out by the record's own list
    org.add("policy/INT.yaml", org.record("policy", "INT", statement=f"{MARK}-internal", issued_by="x"))
    org.add("policy/CONF.yaml", org.record("policy", "CONF", statement=f"{MARK}-confidential", issued_by="x", confidentiality="confidential", supersedes="PUB"))
    org.add(
        "scope/S.yaml",
        org.record(
            "scope",
            "S",
            organization="ORG",
            subsystems=["A"],
            confidentiality="public",
            organizational_boundary="b",
            operational_boundary="b",
            activities=["a"],
        ),
    )
    org.add(
        "checks/leak.py",
        (
            "from cms_build.api import check, computation\n"
            "@computation('leaky', title='leaky')\n"
            "def leaky(ctx):\n"
            "    rec = ctx.get('INT')\n"
            "    return {'inputs': [{'name': 'x', 'value': 42, 'source': {'record': 'INT', 'path': 'statement'}}],\n"
            "            'about': {'record': 'INT', 'value': 7}, 'public': {'record': 'PUB', 'value': 1}}\n"
            "@computation('open', title='open')\n"
            "def open_(ctx):\n"
            "    rec = ctx.get('PUB')\n"
            "    return {'total': {'formula': 'n', 'value': len(rec.get('statement')), 'inputs': [], 'steps': []},\n"
            "            'about': {'record': 'PUB', 'value': 1}, 'missing': ctx.get('NOPE')}\n"
            "@check('org.flag', title='flag', clauses=['7.4.2'], kinds=['policy'])\n"
            "def flag(r, ctx):\n"
            "    yield r.issue('statement', 'statement: ' + r.get('statement'))\n"
        ),
    )
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
    # a result computed from an unpublished record is left out whole (its figures could be
    # worked back to that record's); one computed from public records only is published
    assert "leaky" not in doc["results"] and doc["withheld_results"] == ["leaky"]
    assert doc["results"]["open"]["total"]["value"] == len("公开方针")
    assert doc["results"]["open"]["about"] == {"record": "PUB", "value": 1}
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
    assert "leaky" in export_document(result, "internal")["results"]


def test_hider_withholds_every_mention_of_an_unpublished_record():
    from checks.assets.results import BalanceSheetLine
    from cms_build.publish import Hider
    from cms_build.results import Label, Number, RecordId, ResultModel, TracedValue

    class About(ResultModel):
        indicator: RecordId | None = None
        title: Label | None = None
        value: Number | None = None

    hide = Hider({"AD-2024-01", "IND-9"})
    assert hide("E[AD-2024-01] + E[AD-2024-02].") == "E[restricted] + E[AD-2024-02]."
    # an id as a mapping key is replaced whatever the type (JSON of no known type too)
    out = hide({"AD-2024-01": {"value": 3}, "AD-2024-02": {"value": 4}})
    assert out == {"restricted-1": {"value": 3}, "AD-2024-02": {"value": 4}}
    # a mapping about a hidden record loses its labels; one about a visible record keeps them
    assert hide({"indicator": "IND-9", "title": "吨熟料排放", "value": 1}, About)["title"] == "restricted"
    assert hide({"indicator": "IND-1", "title": "吨熟料排放"}, About)["title"] == "吨熟料排放"
    # filed under a hidden id in a mapping keyed by RecordId: about that record; keyed by plain
    # text (a year, a gas), the same key is only a word, replaced as such
    keyed = {"IND-9": {"title": "吨熟料排放", "value": 1}}
    assert hide(keyed, dict[RecordId, About]) == {"restricted-2": {"title": "restricted", "value": 1}}
    assert hide(keyed, dict[str, About]) == {"restricted-2": {"title": "吨熟料排放", "value": 1}}
    # a value computed from a restricted input reveals it (5 − 2 = 3): restricted, notes and all
    summed = hide(
        {"formula": "a+b", "value": 5, "notes": ["3 + 2 = 5"], "inputs": [{"restricted": True, "value": None}, {"symbol": "b", "value": 2}]}, TracedValue
    )
    assert (summed["value"], summed["restricted"], summed["notes"]) == (None, True, [])
    assert summed["inputs"][1] == {"symbol": "b", "value": 2}  # the public input is still shown
    # ... and so is every value computed from that one, however deep
    net = hide(
        {
            "formula": "P − N",
            "value": 1,
            "steps": [
                {"formula": "P = Σ", "value": 5, "steps": [{"formula": "q × p", "value": 5, "inputs": [{"restricted": True}]}]},
                {"formula": "N = Σ", "value": 4, "inputs": [{"symbol": "n", "value": 4}]},
            ],
        },
        TracedValue,
    )
    assert net["value"] is None and net["steps"][0]["value"] is None and net["steps"][1]["value"] == 4
    # a line holding a restricted value loses the figures and texts beside it, not its category
    # (a Classifier of BalanceSheetLine); its description is a Label
    line = hide(
        {
            "category": "allowance_shortfall",
            "quantity": 72875,
            "description": "5804775 − 5731900",
            "value": {"formula": "q × p", "value": 4008125.0, "inputs": [{"restricted": True}]},
        },
        BalanceSheetLine,
    )
    assert line == {
        "category": "allowance_shortfall",
        "quantity": None,
        "description": "restricted",
        "value": {"formula": "q × p", "value": None, "restricted": True, "notes": [], "inputs": [{"restricted": True}]},
    }
    # nothing restricted: nothing changes
    public = {"formula": "a+b", "value": 5, "inputs": [{"value": 3}, {"value": 2}], "notes": ["3 + 2 = 5"]}
    assert hide(public, TracedValue) == public


# A result type of an organization's own computation: its record-naming field has a name the
# Hider never knew ("origin_plant"); its "id" is a batch number, not a record.
TYPED_RESULT = f"""
from cms_build.api import computation, Label, Number, RecordId, ResultModel, Shape

class PlantLine(ResultModel):
    origin_plant: RecordId
    title: Label
    unit: Shape
    tonnes: Number

class Batch(ResultModel):
    id: str
    title: Label
    tonnes: Number

class PlantResult(ResultModel):
    lines: list[PlantLine]
    batches: list[Batch]
    by_plant: dict[RecordId, Number]

@computation('plant', title='plant')
def plant(ctx):  # names records it does not read: only the roles of its fields can tell
    return PlantResult(
        lines=[PlantLine(origin_plant='CONF', title='{MARK}-plant', unit='t', tonnes=12.5),
               PlantLine(origin_plant='PUB', title='公开工厂', unit='t', tonnes=3)],
        batches=[Batch(id='INT', title='批次', tonnes=4)],
        by_plant={{'CONF': 12.5, 'PUB': 3}},
    )
"""


def test_a_field_typed_record_id_is_restricted_whatever_its_name(org):
    build(org)
    org.add("checks/plant.py", TYPED_RESULT)
    result = org.run()
    assert result.reads["plant"][0] == set()  # read nothing: the first line (publishable) lets it through
    doc = export_document(result, "public")
    plant = doc["results"]["plant"]
    # the line about the confidential plant keeps only the shape of the computation (its unit,
    # a Shape); the line about the public one is shown whole
    assert plant["lines"] == [
        {"unit": "t", "record": "restricted", "value": None, "restricted": True},
        {"origin_plant": "PUB", "title": "公开工厂", "unit": "t", "tonnes": 3},
    ]
    assert MARK not in json.dumps(doc, ensure_ascii=False)
    # keyed by RecordId: the confidential plant's key is replaced (its figure is under a key
    # that names no record)
    assert plant["by_plant"] == {"restricted-1": 12.5, "PUB": 3}
    # a field named "id" that is not a RecordId does not make its entry about a record: the
    # batch keeps its title and figure; its text is still rid of the unpublished id
    assert plant["batches"] == [{"id": "restricted", "title": "批次", "tonnes": 4}]
    # the site takes the same from the View
    from cms_build.paths import bundled
    from cms_build.site.history import History
    from cms_build.site.model import SiteModel

    site = SiteModel(result, "public", "zh", History(False), [bundled("site")])
    assert site.results["plant"]["lines"][0]["restricted"] is True and site.results["plant"]["batches"][0]["title"] == "批次"
    # the internal profile shows it all
    assert export_document(result, "internal")["results"]["plant"]["lines"][0]["title"] == f"{MARK}-plant"


# Names that once made the Hider take a key for a record (cms_build/publish.py before the roles).
_RECORD_LIKE = {"id", "record", "source", "indicator", "subject", "credit", "claim", "footprint", "event", "account", "facility", "record_id"}
# Fields reviewed and found to hold no record's id (the value, not the name, decides):
_NOT_RECORDS = {
    ("AnnexETable", "id"): "the table's number in Annex E (E.1 ...)",
    ("PriceBandHit", "id"): "an order's or trade's number in its ledger file",
    ("TypeMismatch", "id"): "a trade's number in its ledger file",
    ("SelfTrade", "trade_id"): "a trade's number in its ledger file",
    ("TradeLeg", "trade_id"): "a trade's number in its ledger file",
    ("IndicatorBenchmark", "source"): "where the benchmark figure is published (text)",
}


def _text_fields(model):
    """(field name, whether its text has a role) for each field of `model` holding text."""
    import typing

    from cms_build.results import Role

    def texts(tp, roles=()):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            yield from texts(typing.get_args(tp)[0], roles + tuple(m for m in tp.__metadata__ if isinstance(m, Role)))
        elif tp is str:
            yield bool(roles)
        elif origin is not None and origin is not dict:
            for arg in typing.get_args(tp):
                yield from texts(arg, roles)

    for name, info in model.model_fields.items():
        ann = typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        for has_role in texts(ann):
            yield name, has_role


def _all_result_models():
    import typing

    from pydantic import BaseModel

    from cms_build import results
    from cms_build.export_schema import _models

    seen, todo = set(), [*_models(), results.Source, results.TracedValue, results.StatusReason]

    def models_in(tp):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            yield tp
        for arg in typing.get_args(tp):
            yield from models_in(arg)

    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for info in model.model_fields.values():
            todo.extend(models_in(info.annotation))
    return sorted(seen, key=lambda m: m.__name__)


def test_every_text_field_named_like_a_record_says_its_role():
    """A new field that names a record must say so by its type (RecordId), or the public profile
    would not know it: a text field named like a record id (…_id, or a name the key lists of old
    took for one) without a role fails here, unless reviewed above."""
    models = _all_result_models()
    assert len(models) > 60  # every bundled domain's models, found through the export's
    unmarked = sorted(
        f"{m.__name__}.{name}"
        for m in models
        for name, has_role in _text_fields(m)
        if not has_role and (name.endswith("_id") or name in _RECORD_LIKE) and (m.__name__, name) not in _NOT_RECORDS
    )
    assert unmarked == [], f"give these fields a role (RecordId, Label, Classifier: cms_build/results.py): {unmarked}"
    # the reviewed exceptions are still plain text fields of those models (not stale)
    by_name = {m.__name__: m for m in models}
    assert all(dict(_text_fields(by_name[m]))[f] is False for m, f in _NOT_RECORDS)


def test_the_export_schema_documents_the_roles():
    from cms_build.export_schema import export_schema

    defs = export_schema()["$defs"]
    assert defs["Source"]["properties"]["record"]["anyOf"][0] == {"type": "string", "x-role": "record"}
    assert defs["TracedValue"]["properties"]["label"]["x-role"] == "label"
    assert defs["TracedValue"]["properties"]["unit"]["x-role"] == "shape"
    assert defs["BalanceSheetLine"]["properties"]["category"]["anyOf"][0]["x-role"] == "classifier"
    assert defs["EmissionsYear"]["properties"]["entries"]["propertyNames"] == {"x-role": "record"}
    assert "x-role" not in defs["AnnexETable"]["properties"]["id"]["anyOf"][0]  # a table's number, no record


def test_a_result_is_published_only_when_all_it_read_is(org):
    result = build(org)
    assert result.reads["leaky"][0] == {"INT"} and result.reads["open"][0] == {"PUB"}
    public, internal = View(result, "public"), View(result, "internal")
    assert public.withheld() == ["leaky"] and internal.withheld() == []
    assert "open" in public.results() and "leaky" not in public.results()
    assert {"leaky", "open"} <= set(internal.results())


def test_a_result_built_on_a_withheld_result_is_withheld(org):
    org.add("policy/PUB.yaml", org.record("policy", "PUB", statement="公开方针", issued_by="x", confidentiality="public"))
    org.add("policy/INT.yaml", org.record("policy", "INT", statement="内部方针", issued_by="x"))
    org.add(
        "checks/chain.py",
        (
            "from cms_build.api import computation\n"
            "@computation('base', title='base')\n"
            "def base(ctx):\n"
            "    return {'n': len(ctx.records('policy'))}\n"
            "@computation('derived', title='derived', after=['base'])\n"
            "def derived(ctx):\n"
            "    return {'twice': 2 * ctx.results['base']['n'], 'pub': ctx.get('PUB').id}\n"
        ),
    )
    result = org.run()
    assert result.reads["derived"] == ({"PUB"}, {"base"}) and result.reads["base"][0] == {"PUB", "INT"}
    assert View(result, "public").withheld() == ["base", "derived"]


def test_internal_view_hides_nothing(org):
    view = View(build(org), "internal")
    assert view.hider.hidden == set()
    assert view.hider("INT and CONF") == "INT and CONF"


def test_hider_finds_an_unpublished_id_inside_a_longer_word():
    from cms_build.publish import Hider

    hide = Hider({"OC-2025", "X", "AD-2024-01"}, visible={"OC-2025-FS", "AD-2024-010", "PUB"})
    assert hide("OC-2025-FS.pdf") == "OC-2025-FS.pdf"  # a published id that an unpublished one begins
    assert hide("OC-2025-AB.pdf") == "restricted-AB.pdf"
    assert hide("scan_OC-2025.v2.pdf") == "scan_restricted.v2.pdf"
    assert hide("X_v2 and X-ray, not Xv2 nor AX") == "restricted_v2 and restricted-ray, not Xv2 nor AX"
    assert hide("oc-2025-ab.pdf") == "restricted-ab.pdf"  # case does not hide it
    assert hide("AD-2024-010 AD-2024-01.csv AD-2024-011") == "AD-2024-010 restricted.csv AD-2024-011"
    assert hide("见OC-2025号文件") == "见restricted号文件"
    assert hide({"files": ["PUB_OC-2025.pdf"]}) == {"files": ["PUB_restricted.pdf"]}


def test_public_matrix_status_follows_from_what_it_publishes(org):
    from cms_build.export import conformity_matrix

    org.settings(subsystems=["A"])
    org.add("policy/PUB.yaml", org.record("policy", "PUB", statement="公开方针", issued_by="总经理", confidentiality="public"))
    org.add("policy/CONF.yaml", org.record("policy", "CONF", statement="保密", issued_by="x", confidentiality="confidential"))
    org.add(
        "checks/only_conf.py",
        (
            "from cms_build.api import check\n"
            "@check('org.conf-only', title='t', clauses=['9.3.1'], severity='error', kinds=['policy'])\n"
            "def flag(r, ctx):\n"
            "    if r.id == 'CONF':\n"
            "        yield r.issue('statement', 'a nonconformity of the confidential record')\n"
        ),
    )
    result = org.run()

    def clause(profile):
        matrix = conformity_matrix(result, View(result, profile))
        return next(c for c in matrix["clauses"] if c["number"] == "9.3.1"), matrix

    internal, _ = clause("internal")
    assert internal["status"] == "nonconforming" and "CONF" in [f["record"] for f in internal["findings"]]
    public, matrix = clause("public")
    # the only error is on a record the public edition leaves out: it shows no finding, so no
    # status it cannot support; the check ran on the published PUB, which is its evidence
    assert public["findings"] == [] and public["status"] == "conforming"
    assert all(c["status"] != "nonconforming" or any(f["severity"] == "error" for f in c["findings"]) for c in matrix["clauses"])
    assert all(e["id"] != "CONF" for c in matrix["clauses"] for e in c["evidence"])


def test_an_attached_table_is_published_with_the_columns_the_profile_shows(org):
    org.settings(subsystems=["B"])
    org.add("trading/t.xlsx", b"PK\x03\x04 not really a workbook")
    org.add("trading/o.csv", "order_id,price,quantity,secret\nO-1,58.4,5000,x\n")
    org.add(
        "trading/TL-1.yaml",
        org.record(
            "trade_ledger",
            "TL-1",
            confidentiality="public",
            account="ACC-1",
            period={"start": "2025-01-01", "end": "2025-12-31"},
            trades_file="t.xlsx",
            orders_file="o.csv",
        ),
    )
    result = org.run()
    record = result.index.by_id["TL-1"]
    public = {a.path: a for a in View(result, "public").attachments(record)}
    # a spreadsheet of trades (price, fees, counterparty ... are internal): not published at all
    assert public[("trades_file",)].publish == "no"
    assert public[("trades_file",)].reason == ("its rows hold counterparty, counterparty_account, fees, invoice_no, price, which this edition leaves out")
    # a CSV of orders: the order columns the public profile shows, in the schema's order; the
    # unknown column 'secret' and the internal 'price' are not among them
    orders = public[("orders_file",)]
    assert orders.publish == "table" and "price" not in orders.columns and "secret" not in orders.columns
    assert orders.columns[:3] == ("order_id", "time", "account") and "quantity" in orders.columns
    internal = {a.path: a.publish for a in View(result, "internal").attachments(record)}
    assert internal == {("trades_file",): "copy", ("orders_file",): "copy"}


def test_write_table_keeps_only_the_given_columns(tmp_path):
    from cms_build.publish import write_table

    src = tmp_path / "in.csv"
    src.write_bytes('\ufefforder_id,price,quantity,note\r\nO-1,58.4,5000,"a, b"\r\nO-2,1\r\n'.encode("utf-8"))
    write_table(src, tmp_path / "out.csv", ("order_id", "time", "quantity", "note"))
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == 'order_id,quantity,note\nO-1,5000,"a, b"\nO-2,,\n'


def test_a_result_resting_on_a_field_the_profile_leaves_out_is_withheld(org):
    """A public offset credit's purchase price is internal (x-confidentiality): the neutrality
    performance (D.9) costs the credits at that price, so the public profile withholds it, while the
    claim balance, which reads no price, stays published. Without a price the cost is not computed,
    nothing rests on the internal field, and the result is published."""
    from tests.checks import neutrality_org as n

    def public(make, **over):
        return {**make(**over), "confidentiality": "public"}

    def write(price):
        purchase = {"date": "2025-12-10", **({"price": {"value": 70.0, "currency": "CNY"}} if price else {})}
        n.setup(
            org,
            ORG={**n.ORG, "confidentiality": "public"},
            NS_1=public(n.subject),
            NP_1=public(n.plan),
            CF_2025=public(n.footprint),
            RA_1=public(n.action),
            OC_1=public(n.credit, purchase=purchase),
            NC_1=public(n.claim),
            NR_1=public(n.review),
        )
        return org.run("2026-06-30")

    result = write(price=True)
    assert result.results["neutrality_performance"]["claims"]["NC-1"]["credit_cost"]["value"] == 35000  # 500 t × 70 CNY/t
    view = View(result, "public")
    assert view.visible("OC-1") and not view.publishable("neutrality_performance") and view.publishable("neutrality")
    assert View(result, "internal").publishable("neutrality_performance")
    result = write(price=False)
    assert result.results["neutrality_performance"]["claims"]["NC-1"]["credit_cost"] is None
    assert View(result, "public").publishable("neutrality_performance")


def test_record_files_finds_the_owner_as_resolving_every_record_did(tmp_path):
    """_RecordFiles against {Path(r.path).resolve(): r}: a record file itself, one reached through a
    linked folder, a record file that is a link under another name (both records are that file:
    the last by id, as the dictionary kept), and a file that is no record's."""
    import os
    from pathlib import Path
    from types import SimpleNamespace

    from cms_build.publish import _RecordFiles

    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "POL-1.yaml").write_text("x")
    (tmp_path / "policy" / "POL-2.yaml").write_text("x")
    os.symlink(tmp_path / "policy", tmp_path / "linked")
    os.symlink(tmp_path / "policy" / "POL-2.yaml", tmp_path / "policy" / "ALIAS.yaml")
    (tmp_path / "other.pdf").write_text("x")
    records = [
        SimpleNamespace(id="POL-1", path=tmp_path / "linked" / "POL-1.yaml"),
        SimpleNamespace(id="POL-2", path=tmp_path / "policy" / "POL-2.yaml"),
        SimpleNamespace(id="POL-3", path=tmp_path / "policy" / "ALIAS.yaml"),
    ]
    slow = {Path(r.path).resolve(): r for r in records}
    fast = _RecordFiles(records)
    for asked in [tmp_path / "policy" / "POL-1.yaml", tmp_path / "policy" / "POL-2.yaml", tmp_path / "other.pdf", tmp_path / "policy" / "ALIAS.yaml"]:
        real = asked.resolve()
        assert fast.get(real) is slow.get(real), asked
    assert fast.get((tmp_path / "policy" / "POL-2.yaml").resolve()).id == "POL-3"


# -- a group's consolidation: by provenance (publish.group_results) ---------------------------
def _group_consolidation():
    """A consolidation of two entities of 2025, made by the group's own code: HQ 1 500 MWh ×
    0.5703 = 855.45 t, GS 12 000 MWh × 0.5703 = 6 843.6 t, both counted at f = 1; group total
    855.45 + 6 843.6 = 7 699.05 t."""
    from cms_build.group import _trace, consolidation_model

    def entity(eid, total):
        return _trace(
            f"{eid} 2025",
            "E_g = f × E",
            total,
            "tCO2e",
            inputs=[
                {"symbol": "f", "name": "operational control", "value": 1.0, "unit": "1", "source": {"entity": eid, "setting": "group.entities"}},
                {"symbol": "E", "name": f"{eid} total", "value": total, "unit": "tCO2e", "source": {"entity": eid, "result": "emissions.years.2025.total"}},
            ],
        )

    by_entity = {"HQ": entity("HQ", 855.45), "GS": entity("GS", 6843.6)}
    total = _trace("group total 2025", "E = Σ E_g + Σ ΔE", 855.45 + 6843.6, "tCO2e", steps=list(by_entity.values()))
    doc = {
        "as_of": "2026-06-30",
        "entities": {e: {"name": e, "approach": "operational_control", "share": 1, "factor": 1.0, "why": "controlled"} for e in ("HQ", "GS")},
        "emissions": {"2025": {"by_entity": by_entity, "by_category": {}, "eliminations": [], "gross": 855.45 + 6843.6, "total": total}},
        "matrix": {"summary": {}, "clauses": {}},
        "findings": {},
    }
    model = consolidation_model()
    return json.loads(json.dumps(model.model_validate(doc).model_dump(mode="json", exclude_unset=True))), model


def _public_export(total, withheld=()):
    return {"records": [], "withheld_results": list(withheld), "results": {"emissions": {"years": {"2025": {"total": total}}}}}


def test_a_group_figure_from_an_entitys_restricted_figure_is_restricted_and_so_is_the_total():
    from cms_build.publish import group_results

    cons, model = _group_consolidation()
    shown = {"value": 855.45, "unit": "tCO2e"}
    # GS publishes its emissions, but its 2025 total is restricted in its public export (the
    # Hider wrote it so: an input from an unpublished record)
    public = {"HQ": _public_export(shown), "GS": _public_export({"unit": "tCO2e", "record": "restricted", "value": None, "restricted": True})}
    out = group_results(cons, model, public)["emissions"]["2025"]
    assert out["by_entity"]["HQ"]["value"] == 855.45 and out["by_entity"]["HQ"].get("restricted") is None
    gs = out["by_entity"]["GS"]
    assert gs["restricted"] is True and gs["value"] is None and gs["label"] == "restricted"
    assert [i.get("restricted") for i in gs["inputs"]] == [None, True]  # f is the group's own setting
    assert out["total"]["restricted"] is True and out["total"]["value"] is None  # 7 699.05 − 855.45 would give GS's
    assert out["gross"] is None  # the plain sum beside the restricted total
    assert "6843.6" not in json.dumps(out) and "7699.05" not in json.dumps(out)
    # an entity that withholds its emissions whole, or whose export is absent, shows none of them
    for public_gs in ({"GS": _public_export(shown, withheld=["emissions"])}, {}):
        out = group_results(cons, model, {"HQ": _public_export(shown), **public_gs})["emissions"]["2025"]
        assert out["by_entity"]["GS"]["restricted"] is True and out["total"]["restricted"] is True


def test_a_group_figure_every_entity_publishes_is_shown_unchanged():
    from cms_build.publish import group_results

    cons, model = _group_consolidation()
    public = {"HQ": _public_export({"value": 855.45}), "GS": _public_export({"value": 6843.6})}
    assert group_results(cons, model, public) == cons


def _category_consolidation():
    """The group's 2025 categories, made by the group's own code (checks/emissions/_group.py
    _category), both entities at f = 1: purchased electricity HQ 1 500 MWh × 0.5703 = 855.45 t
    and GS 12 000 MWh × 0.5703 = 6 843.6 t, sum 855.45 + 6 843.6 = 7 699.05 t; GS's fuel
    combustion 156.4 t, sum 156.4 t."""
    from types import SimpleNamespace

    from checks.emissions._group import _category
    from cms_build.group import _trace

    g = SimpleNamespace(trace=_trace)
    part = lambda e: {"f": 1.0, "why": "operational control", "E": e, "eliminated": []}  # noqa: E731
    by_category = {
        "fuel_combustion": _category(g, "2025", "fuel_combustion", {"GS": part(156.4)}),
        "purchased_electricity": _category(g, "2025", "purchased_electricity", {"HQ": part(855.45), "GS": part(6843.6)}),
    }
    cons, model = _group_consolidation()
    cons["emissions"]["2025"]["by_category"] = by_category
    return json.loads(json.dumps(model.model_validate(cons).model_dump(mode="json", exclude_unset=True))), model


def _category_export(total, by_category):
    return {"records": [], "withheld_results": [], "results": {"emissions": {"years": {"2025": {"total": total, "by_category": by_category}}}}}


RESTRICTED_FIGURE = {"unit": "tCO2e", "record": "restricted", "value": None, "restricted": True}


def test_a_category_cell_from_an_entitys_restricted_category_figure_is_restricted_and_so_is_the_category():
    from cms_build.publish import group_results

    cons, model = _category_consolidation()
    # GS's purchased electricity is restricted in its public export (and with it its total, as
    # its own Hider writes it); its fuel combustion is public
    public = {
        "HQ": _category_export({"value": 855.45}, {"purchased_electricity": {"value": 855.45}}),
        "GS": _category_export(RESTRICTED_FIGURE, {"purchased_electricity": RESTRICTED_FIGURE, "fuel_combustion": {"value": 156.4}}),
    }
    cats = group_results(cons, model, public)["emissions"]["2025"]["by_category"]
    elec = cats["purchased_electricity"]
    assert elec["by_entity"]["HQ"]["value"] == 855.45 and elec["by_entity"]["HQ"].get("restricted") is None
    gs = elec["by_entity"]["GS"]
    assert gs["restricted"] is True and gs["value"] is None and gs["label"] == "restricted"
    assert [i.get("restricted") for i in gs["inputs"]] == [None, True]  # f is the group's own setting
    assert elec["value"]["restricted"] is True and elec["value"]["value"] is None  # 7 699.05 − 855.45 would give GS's
    # the same entity's public category is shown: the cell is restricted by its own figure's provenance
    assert cats["fuel_combustion"]["by_entity"]["GS"]["value"] == 156.4 and cats["fuel_combustion"]["value"]["value"] == 156.4
    assert "6843.6" not in json.dumps(cats) and "7699.05" not in json.dumps(cats)


def test_category_cells_every_entity_publishes_are_shown_unchanged():
    from cms_build.publish import group_results

    cons, model = _category_consolidation()
    public = {
        "HQ": _category_export({"value": 855.45}, {"purchased_electricity": {"value": 855.45}}),
        "GS": _category_export({"value": 6843.6}, {"purchased_electricity": {"value": 6843.6}, "fuel_combustion": {"value": 156.4}}),
    }
    out = group_results(cons, model, public)
    assert out == cons
    assert out["emissions"]["2025"]["by_category"]["purchased_electricity"]["value"]["value"] == 7699.05  # 855.45 + 6 843.6


def test_a_group_figure_from_an_entitys_record_is_shown_only_when_its_public_export_holds_the_record():
    from cms_build.publish import GroupView

    view = GroupView({"BJP": {"records": [{"id": "PO-2025"}], "results": {}}, "GS": {"records": [], "results": {}}})
    assert view.shows_source({"entity": "BJP", "record": "PO-2025", "setting": "group.transfers"})
    assert not view.shows_source({"entity": "GS", "record": "AD-2025-GS-ELEC"})
    assert not view.shows_source({"record": "PO-2025"})  # a record of no named entity: cannot tell, so not shown
    assert view.shows_source({"entity": "GS", "setting": "group.entities"})  # the group's own setting


def test_a_figure_path_may_pick_a_list_item():
    from cms_build.publish import _figure_shown

    lines = [{"value": {"value": 200.0}}, {"value": {"value": None, "restricted": True}}]
    doc = {"results": {"assets": {"balance_sheets": {"2025": {"positive": lines}}}}}
    assert _figure_shown(doc, "assets.balance_sheets.2025.positive.0.value")
    assert not _figure_shown(doc, "assets.balance_sheets.2025.positive.1.value")  # restricted
    assert not _figure_shown(doc, "assets.balance_sheets.2025.positive.2.value")  # no such line
    assert not _figure_shown(doc, "assets.balance_sheets.2025.positive.x.value")

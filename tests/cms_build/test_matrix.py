"""The conformity matrix: statuses of clauses and of their items, derived evidence, findings
by clause, rule severities against the modal verbs, the example organization."""

import datetime as dt
import json
import shutil

from cms_build.engine import ENGINE_RULES, load_rules, run
from cms_build.paths import bundled
from cms_build.findings import Finding
from cms_build.matrix import CLAUSE_GROUPS, PROVISION_STATUSES, build_matrix, clause_group, evidence_records, findings_by_clause, render_text
from cms_build.schemas import SchemaSet
from cms_build.standard import clause, load_catalogue, parse
from tests.conftest import EXAMPLE, EXAMPLE_AS_OF


def _rows(matrix):
    return {row["number"]: row for row in matrix["clauses"]}


def _small(org):
    org.settings(subsystems=["A"])
    org.add(
        "context/CTX.yaml",
        org.record("context", "CTX", title="2026 内外部因素", determined_on="2026-01-01", issues=[{"type": "external", "description": "政策"}]),
    )
    return build_matrix(org.run())


def test_every_clause_of_the_catalogue_with_a_status(org):
    matrix = _small(org)
    assert [r["number"] for r in matrix["clauses"]] == [c.number for c in load_catalogue()]
    assert sum(matrix["summary"].values()) == len(matrix["clauses"])
    assert matrix["as_of"] == "2026-06-30" and matrix["subsystems"] == ["A"]
    json.dumps(matrix, ensure_ascii=False)  # serialisable as it is


def test_statuses(org):
    rows = _rows(_small(org))
    assert (rows["B.5.2"]["status"], rows["B.5.2"]["note"]) == ("not_applicable", "annex B not adopted")
    assert (rows["F.2"]["status"], rows["F.2"]["note"]) == ("informative", "annex F is informative")
    assert rows["F.2"]["note_zh"] == "附录 F 为资料性附录" and rows["B.5.2"]["note_zh"] == "未采用附录 B（分体系）"
    assert rows["4"]["status"] == "informative" and rows["A.7"]["status"] == "informative"
    # 4.1 has one item, s1, verified by doc.required-missing (an approved context with issues)
    assert rows["4.1"]["status"] == "conforming"
    assert [(i["ref"], i["status"], i["rules"], i["records"]) for i in rows["4.1"]["provisions"]] == [("4.1 s1", "verified", ["doc.required-missing"], ["CTX"])]
    assert rows["4.1"]["item_counts"] == {"verified": 1, "documented": 0, "nonconforming": 0, "reviewer": 0, "missing": 0}
    assert rows["4.1"]["evidence"] == [{"id": "CTX", "kind": "context", "title": "2026 内外部因素", "file": "context/CTX.yaml"}]
    assert rows["4.2"]["status"] == "no_evidence" and rows["4.2"]["evidence"] == []
    # no management review: mr.overdue is an error naming 9.3.1
    assert rows["9.3.1"]["status"] == "nonconforming"
    assert [f["rule"] for f in rows["9.3.1"]["findings"]] == ["mr.overdue"]
    assert "mr.overdue" in rows["9.3.1"]["checks"]


def test_warnings_do_not_make_a_clause_nonconforming(org):
    org.settings(subsystems=["A"])
    org.add(
        "risks/RR.yaml",
        org.record(
            "risk_register",
            "RR",
            assessed_on="2026-01-15",
            criteria={"likelihood": "1-5", "impact": "1-5", "significance": "L×I"},
            entries=[{"code": "R1", "type": "risk", "category": "legal", "description": "d", "likelihood": 1, "impact": 1}],
        ),
    )
    row = _rows(build_matrix(org.run()))["6.5.1.2"]
    assert [f["severity"] for f in row["findings"]] == ["warning"]
    assert [e["id"] for e in row["evidence"]] == ["RR"]
    # s1 (宜参照以下风险分类方式) is checked by plan.risk-category-missing: a warning leaves it verified;
    # a-f are the register's content (the kind cites 6.5.1.2) that no rule checks: documented
    items = {i["item"]: i["status"] for i in row["provisions"]}
    assert items == {"s1": "verified", **{x: "documented" for x in "abcdef"}}
    assert row["status"] == "documented"


def test_exclusion_with_reason_covers_sub_clauses(org):
    org.settings(subsystems=["B"], management={"exclusions": [{"clause": "B.8.2.2", "reason": "不从事该类交易"}]})
    rows = _rows(build_matrix(org.run()))
    for number in ("B.8.2.2", "B.8.2.2.3", "B.8.2.2.4"):
        assert (rows[number]["status"], rows[number]["note"]) == ("not_applicable", "不从事该类交易")
    assert rows["B.8.2.1"]["status"] != "not_applicable"
    assert build_matrix(org.run())["exclusions"] == [{"clause": "B.8.2.2", "reason": "不从事该类交易"}]


def test_an_exclusion_does_not_hide_an_error(org):
    """The rules of an excluded clause still run: B.5.1 excluded, but sup.no-subsystem-supervisor
    finds no supervisor of the trading system (an error citing B.5.1)."""
    org.settings(
        subsystems=["B"], management={"exclusions": [{"clause": "B.5.1", "reason": "由集团监督"}, {"clause": "B.8.2.2.4", "reason": "不从事该类交易"}]}
    )
    result = org.run()
    assert "B.5.1" in {c for f in org.of(result, "sup.no-subsystem-supervisor") for c in f.clauses}
    rows = _rows(build_matrix(result))
    assert rows["B.5.1"]["status"] == "nonconforming"
    assert rows["B.5.1"]["note"] == "excluded (由集团监督), but an error names it"
    assert (rows["B.8.2.2.4"]["status"], rows["B.8.2.2.4"]["note"]) == ("not_applicable", "不从事该类交易")


def test_draft_and_future_records_are_not_evidence(org):
    org.settings(subsystems=["A"])
    issues = [{"type": "external", "description": "政策"}]
    org.add("context/C1.yaml", org.record("context", "C1", status="draft", determined_on="2026-01-01", issues=issues))
    org.add("context/C2.yaml", org.record("context", "C2", approved_on="2026-07-01", effective="2026-07-01", determined_on="2026-07-01", issues=issues))
    before = _rows(build_matrix(org.run("2026-06-30")))["4.1"]
    assert before["evidence"] == [] and [f["rule"] for f in before["findings"]] == ["doc.required-missing"]
    assert before["status"] == "nonconforming"  # the context 4.1 asks for is not there (a draft, a later one)
    after = _rows(build_matrix(org.run("2026-07-01")))["4.1"]
    assert [e["id"] for e in after["evidence"]] == ["C2"] and after["status"] == "conforming"


class _Rec:
    def __init__(self, rid, clauses):
        self.id, self.kind, self.valid, self.status = rid, "person", True, "approved"
        self.data = {"clauses": clauses}

    def get(self, key, default=None):
        return self.data.get(key, default)


class _Schemas:
    kinds = {}


def test_sub_clause_evidence_and_findings_count_for_the_enclosing_clause():
    recs = [_Rec("P1", ["A.6.5.2.1"]), _Rec("P2", ["B.8.2.2.1 b"])]
    ev = evidence_records(recs, _Schemas(), dt.date(2026, 6, 30))
    assert [r.id for r in ev["A.6.5.2"]] == ["P1"] and [r.id for r in ev["A.6.5"]] == ["P1"]
    assert [r.id for r in ev["B.8.2"]] == ["P2"] and "B.8.2.1" not in ev
    f = Finding("x.rule", "error", "m", "f.yaml", clauses=("A.9.1.1 a", "A.9.1 c"))
    by = findings_by_clause([f])
    assert by["A.9.1"] == [f] and by["A.9.1.1"] == [f] and by["A.9"] == [f]  # once per clause, not twice
    assert "A.9.2" not in by


def test_example_matrix_item_by_item():
    result = run(EXAMPLE, dt.date.fromisoformat(EXAMPLE_AS_OF))
    matrix = build_matrix(result)
    rows = _rows(matrix)
    assert matrix["subsystems"] == ["A", "B", "C", "D"]
    # D.6.1.2 applies to an organization that imports or exports; ORG-BJP does not (imports_exports: false)
    assert [r["number"] for r in matrix["clauses"] if r["status"] == "not_applicable"] == ["D.6.1.2"]
    assert matrix["summary"]["nonconforming"] == 0 and matrix["summary"]["documented"] > matrix["summary"]["conforming"]

    def items(number):
        return {i["item"]: i["status"] for i in rows[number]["provisions"]}

    # read by hand against the catalogue and the example:
    assert rows["4.1"]["status"] == "conforming"  # s1: context CTX-2025 with issues
    assert items("4.3") == {"s1": "verified", "s2": "verified"}  # s1: ms.outside-boundary-not-excluded (issue 21)
    assert rows["4.3"]["status"] == "conforming"
    assert items("5.2") == {"s1": "verified", "s2": "verified", **{x: "documented" for x in "abcdef"}}
    assert rows["5.2"]["status"] == "documented"  # what the policy says (a-f) no rule checks
    assert rows["6.1.1"]["status"] == "conforming" and rows["9.3.1"]["status"] == "conforming"
    # 7.4.2 a, b are verified by the engine's own rules (record.id, record.kind, yaml.invalid, schema.invalid)
    assert [(i["item"], i["status"], i["rules"]) for i in rows["7.4.2"]["provisions"]] == [
        ("s1", "reviewer", []),
        ("a", "verified", ["record.id", "record.kind", "schema.invalid"]),
        ("b", "verified", ["yaml.invalid"]),
        ("c", "verified", ["doc.approval-incomplete", "doc.review-overdue", "emissions.unapproved-data-used", "trading.unapproved-data-used"]),
    ]
    assert rows["D.6.1.2"]["note"] == "applies only where organization.imports_exports is true"
    assert set(items("D.6.1.2").values()) == {"not_applicable"}
    assert items("9.1.1")["e"] == "verified"  # mon.evaluation-timing-missing on MP-BJP-2023/2026 (evaluation)
    # issue 21: no applicable shall-item is missing, and none shown missing goes unnamed by a finding
    assert matrix["item_summary"]["shall"]["missing"] == 0 and unnamed_missing(result, matrix) == []
    assert items("D.10") == {"s1": "verified", "s2": "documented", "s3": "verified", "s4": "verified", "s5": "verified"}
    # the totals are the sums of the rows, for applicable clauses only
    for scope in ("shall", "all"):
        expected = {
            s: sum(
                1
                for r in matrix["clauses"]
                if r["status"] not in ("informative", "not_applicable")
                for i in r["provisions"]
                if (scope == "all" or i["modal"] == "应") and i["status"] == s
            )
            for s in PROVISION_STATUSES
        }
        assert matrix["item_summary"][scope] == expected
    # issue 21: every shall-item has a home; the example leaves those of records it does not keep missing
    assert matrix["item_summary"]["shall"]["reviewer"] > 0
    assert items("6.1.2") == {x: "verified" for x in ["s1", *"abcdefghij"]}  # CMSR-2025-02 covers a-j
    assert rows["7.4.2"]["provisions"][0]["reviewer"].startswith("a–c 的引导句")
    assert "AUD-2025-01" in [e["id"] for e in rows["9.2.2"]["evidence"]]
    assert "MR-2025" in [e["id"] for e in rows["9.3.4"]["evidence"]]
    text = render_text(matrix)
    assert text.startswith("Conformity matrix as of 2026-06-30, subsystems A, B, C, D")
    [line] = [line for line in text.splitlines() if line.startswith("4.3 ")]
    assert "conforming" in line and " 2/0/0/0/0 " in line  # verified/documented/nonconforming/reviewer/missing
    summary = text.rstrip().splitlines()
    assert summary[-3] == "clauses: " + "  ".join(
        f"{s}: {matrix['summary'][s]}" for s in ("conforming", "documented", "nonconforming", "no_evidence", "not_applicable", "informative")
    )
    assert summary[-2] == "shall-items (应): " + "  ".join(f"{s}: {matrix['item_summary']['shall'][s]}" for s in PROVISION_STATUSES)


def test_example_without_policy_scope_and_context_is_not_conforming(org):
    """Issue 14: deleting policy/, scope/ and context/ leaves 4.1, 4.3 and 5.2 nonconforming,
    with errors that cite them (they were "conforming" on the strength of other records)."""
    org.copy_example()
    for folder in ("policy", "scope", "context"):
        shutil.rmtree(org.root / folder)
    result = org.run()
    missing = {f.clauses: f for f in org.of(result, "doc.required-missing")}
    assert set(missing) == {("4.1 s1",), ("4.3 s2",), ("5.2 s2",)}
    assert all(f.severity == "error" and f.file == "cms.yaml" for f in missing.values())
    rows = _rows(build_matrix(result))
    assert {n: rows[n]["status"] for n in ("4.1", "4.3", "5.2")} == {n: "nonconforming" for n in ("4.1", "4.3", "5.2")}
    assert {i["item"]: i["status"] for i in rows["4.3"]["provisions"]} == {"s1": "nonconforming", "s2": "nonconforming"}
    assert {i["item"]: i["status"] for i in rows["4.1"]["provisions"]} == {"s1": "nonconforming"}
    # s2 (documented) and s1 (top management sets a policy: ms.policy-missing)
    assert rows["5.2"]["item_counts"]["nonconforming"] == 2 and rows["5.2"]["item_counts"]["verified"] == 0


def test_item_evidence_rules(org):
    """A rule citing an item verifies it; a rule citing a clause of several items verifies none
    unless the catalogue names it there; a kind citing the bare clause documents every item."""
    org.settings(subsystems=["B"])
    org.add(
        "scope/S.yaml", org.record("scope", "S", organization="O", subsystems=["B"], organizational_boundary="b", operational_boundary="o", activities=["发电"])
    )
    rows = _rows(build_matrix(org.run()))
    # 4.3: ms.exclusion-invalid cites the bare 4.3 (two items) and checks neither; s1 is checked by
    # ms.outside-boundary-not-excluded and ms.site-outside-scope, s2 by doc.required-missing
    assert "ms.exclusion-invalid" in rows["4.3"]["checks"]
    assert [(i["item"], i["status"], i["rules"]) for i in rows["4.3"]["provisions"]] == [
        ("s1", "verified", ["ms.outside-boundary-not-excluded", "ms.site-outside-scope"]),
        ("s2", "verified", ["doc.required-missing"]),
    ]
    # B.8.2.2.1 a is checked by trading.self-trade (it cites "B.8.2.2.1 a"), a ledger-wide check that always runs
    assert {i["item"]: i["rules"] for i in rows["B.8.2.2.1"]["provisions"]}["a"] == ["trading.self-trade", "trading.wash-trade"]
    # B.5.1 has one item: sup.no-subsystem-supervisor, citing the bare clause, checks it (and finds no supervisor)
    assert [(i["item"], i["status"]) for i in rows["B.5.1"]["provisions"]] == [("s1", "nonconforming")]


def test_the_catalogue_names_real_rules_and_kinds():
    checks, _ = load_rules([bundled("checks")])
    by_id = {c.id: c for c in checks}
    by_id.update(
        {
            rid: Finding(rid, severity, title, "", clauses=clauses)  # the engine's own rules (id, clauses)
            for rid, (title, clauses, severity) in ENGINE_RULES.items()
        }
    )
    schemas = SchemaSet.load([bundled("schemas")])
    for c in load_catalogue():
        for p in c.provisions:
            for rule in p.rules:
                assert rule in by_id, (c.number, p.item, rule)
                assert c.number in {parse(r)[0] for r in by_id[rule].clauses}, (c.number, p.item, rule)
            for spec in p.records:
                kind, _, field = spec.partition(".")
                assert kind in schemas.kinds, (c.number, p.item, spec)
                assert not field or field in schemas.kinds[kind].schema["properties"], (c.number, p.item, spec)
            if p.applies_if and not p.applies_if.startswith("subsystem:"):
                kind, _, field = p.applies_if.partition(".")
                assert schemas.kinds[kind].schema["properties"][field]["type"] == "boolean", (c.number, p.item, p.applies_if)


# A rule that finds a shall-item (应) violated reports an error; a warning is advice. Rules
# that cite only shall-items and still warn, each with the reason the finding is advice:
WARNING_ON_SHALL = {
    "neutrality.correction-pending": "D.10 s3, reading 2: the three months are still running; the deadline is named",
    "mr.action-overdue": "9.3.2 a asks the next review to consider the actions' status; a late action is news for it",
    "ms.need-without-obligation": "4.2: the organization decides which needs become obligations; the rule asks whether this one does",
    "doc.current-refers-to-superseded": "7.4.3 a: naming an old version can be deliberate; the hint asks to say why",
    "emissions.anomalous-change": "A.9.1 b: a change to be analysed, not a failure to analyse (that is mon.deviation-not-investigated)",
    "emissions.intensity-boundary-mismatch": "6.2 b, c: emissions and output on different facilities may be intended (links the records lack); both sets are named",
    "trading.cancel-ratio": "B.8.2.2.1 c: a pattern of cancellations that suggests, but does not prove, the conduct",
    "trading.reverse-trades": "B.8.2.2.1 d: a pattern of reverse trades that suggests, but does not prove, the conduct",
    "trading.order-type-mismatch": "B.8.2.2.1 l: a declared type that disagrees with the size: a recording error as likely as a breach",
    "trading.pledge-without-decision": "B.8.2.2.4 a: checks the item's 宜 part (出质人宜按规定履行内部决策程序)",
    "trading.borrowed-books-not-separate": "B.8.2.2.4 b: checks the item's 宜 part (宜对不同借出方…独立建账)",
    "doc.invisible-characters": "7.4.3 b: a bidirectional or zero-width character may be harmless; it is shown and asked about",
    "emissions.target-behind": "6.4.2 f, 9.1.1: behind before the deadline is news for the review; missed is the error",
    # B.8.2.2.1 b-l from the organization's own data: patterns that suggest the conduct, for the
    # compliance officer to look into; the exchange decides whether it was manipulation
    "trading.price-off-latest": "B.8.2.2.1 b: an order far from the latest price suggests, but does not prove, influence",
    "trading.loss-round-trips": "B.8.2.2.1 c: round trips at a loss suggest, but do not prove, price support",
    "trading.order-burst": "B.8.2.2.1 e: a burst of orders suggests, but does not prove, programmatic ordering",
    "trading.closing-window": "B.8.2.2.1 f: a large order in the closing window suggests, but does not prove, moving the close",
    "trading.market-statement-unverified": "B.8.2.2.1 g: a statement not recorded as checked is not yet a false one",
    "trading.block-withdrawn": "B.8.2.2.1 h: a withdrawal may have a reason; withdrawing 'at will' is for the reviewer",
    "trading.repo-booked-as-sale": "B.8.2.2.1 j: a sale matched by a buy-back agreement suggests a hidden repo; the contract decides",
    "trading.conduct-pattern": "B.8.2.2.1 l: the organization's own patterns; each pattern sets its severity",
    "emissions.ets-cement-method": "A.9.1 a: the cement guideline's boundary and method were read second-hand only; the warning asks, it cannot prove",
    "trading.information-unauthorised": "B.8.2.3 a: checks the item's 不宜 list (擅自发布…、擅自使用交易所的标识), cited as the clause",
}


def _shall_only(chk) -> bool:
    refs = [parse(r) for r in chk.clauses]
    modals = []
    for number, item in refs:
        c = clause(number)
        if item is None:
            modals.append(c.obligation == "requirement")
        else:
            p = c.provision(item)
            modals.append(p is not None and p.shall)
    return bool(modals) and all(modals)


def test_a_rule_on_shall_items_only_is_an_error_or_a_listed_exception():
    checks, _ = load_rules([bundled("checks")])
    warned = {c.id for c in checks if c.severity != "error" and _shall_only(c)}
    assert warned - set(WARNING_ON_SHALL) == set(), "a rule citing only shall-items warns: make it an error or list why"
    assert set(WARNING_ON_SHALL) - warned == set(), "a listed exception is no longer a warning on shall-items"
    by_id = {c.id: c for c in checks}
    for rule in (
        "neutrality.review-overdue",
        "neutrality.reduction-evaluation-overdue",
        "neutrality.event-not-reviewed",
        "ms.no-evidence",
        "doc.required-missing",
    ):
        assert by_id[rule].severity == "error", rule


def test_public_export_lists_only_published_records_under_items(org):
    from cms_build.export import export_document

    org.settings(subsystems=["A"])
    org.add(
        "policy/SECRET.yaml", org.record("policy", "SECRET", statement="s", issued_by="GM", confidentiality="confidential", approved_by_top_management=True)
    )
    org.add("policy/PUB.yaml", org.record("policy", "PUB", statement="s", issued_by="GM", confidentiality="public", approved_by_top_management=True))
    result = org.run()
    internal = {i["ref"]: i for r in export_document(result)["matrix"]["clauses"] for i in r["provisions"]}
    public = {i["ref"]: i for r in export_document(result, "public")["matrix"]["clauses"] for i in r["provisions"]}
    assert internal["5.2 a"]["records"] == ["PUB", "SECRET"] and public["5.2 a"]["records"] == ["PUB"]
    # errors named under an item are those the profile shows: the internal ones of cms.yaml are not published
    assert internal["4.3 s2"]["errors"] and public["4.3 s2"]["errors"] == []


def test_cms_matrix_json_gives_items(org):
    from click.testing import CliRunner
    from cms_build.commands import cli

    org.settings(subsystems=["A"])
    out = CliRunner().invoke(cli, ["matrix", str(org.root), "--as-of", "2026-06-30", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = _rows(json.loads(out.output))
    # nothing recorded: 4.3 s2 names the error of doc.required-missing, 4.3 s1 that of ms.outside-boundary-not-excluded
    assert [(i["ref"], i["modal"], i["status"]) for i in rows["4.3"]["provisions"]] == [("4.3 s1", "应", "nonconforming"), ("4.3 s2", "应", "nonconforming")]
    assert rows["4.3"]["provisions"][1]["errors"] == [{"rule": "doc.required-missing", "file": "cms.yaml", "line": 2}]
    text = CliRunner().invoke(cli, ["matrix", str(org.root), "--as-of", "2026-06-30"]).output
    assert "shall-items (应): verified: " in text


def test_a_rule_that_saw_only_drafts_verifies_nothing(org):
    org.settings(subsystems=["A"])
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True, status="draft"))
    items = {i["item"]: i for i in _rows(build_matrix(org.run()))["5.2"]["provisions"]}
    # ms.policy-not-by-top-management saw a draft, so it verifies nothing; ms.policy-missing says
    # no policy is set, so the item is nonconforming (it was "missing", with no finding naming it)
    assert items["s1"]["status"] == "nonconforming" and "ms.policy-not-by-top-management" not in items["s1"]["rules"]
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True))
    items = {i["item"]: i for i in _rows(build_matrix(org.run()))["5.2"]["provisions"]}
    assert items["s1"]["status"] == "verified" and items["s1"]["rules"] == ["ms.policy-missing", "ms.policy-not-by-top-management"]


def _kind_items(schemas) -> set:
    """(number, item or None) that some kind's schema cites (x-cms.clauses): evidence derived by the matrix."""
    out = set()
    for kind in schemas.kinds.values():
        for ref in getattr(kind, "clauses", ()) or ():
            out.add(parse(ref))
    return out


def test_every_shall_item_has_a_home():
    """Issue 21, "done when": every shall-item (应) of an adoptable clause has its evidence: a rule that
    checks it (citing it, or named under rules:), records (records:, or a kind whose schema cites it
    or the bare clause), or the reason only a reviewer can judge it (reviewer:)."""
    from cms_build.matrix import _engine_rules, provision_rules

    checks, _ = load_rules([bundled("checks")])
    rules = provision_rules([*checks, *_engine_rules()])
    cited = _kind_items(SchemaSet.load([bundled("schemas")]))
    homeless = [
        f"{c.number} {p.item}"
        for c in load_catalogue()
        if c.subsystem not in ("E", "F", "G")
        for p in c.provisions
        if p.shall and not (rules.get((c.number, p.item)) or p.records or p.reviewer or (c.number, p.item) in cited or (c.number, None) in cited)
    ]
    assert homeless == [], f"shall-items with no rule, no record and no reviewer: reason: {homeless}"


def test_a_reviewer_only_item_is_shown_so_until_records_document_it(org):
    """5.1 c has only a reviewer: reason: it is 'reviewer' with the reason; 5.1 b names policy and
    target: missing without them, documented by a policy (no rule checks it)."""
    org.settings(subsystems=["A"])
    items = {i["item"]: i for i in _rows(build_matrix(org.run()))["5.1"]["provisions"]}
    assert items["c"]["status"] == "reviewer" and "operational_control" in items["c"]["reviewer"]
    assert items["b"]["status"] == "missing" and "reviewer" not in items["b"]
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="GM", approved_by_top_management=True))
    row = _rows(build_matrix(org.run()))["5.1"]
    items = {i["item"]: i for i in row["provisions"]}
    assert (items["b"]["status"], items["b"]["records"]) == ("documented", ["P"])
    assert row["item_counts"]["reviewer"] == sum(1 for i in row["provisions"] if i["status"] == "reviewer")
    text = render_text(build_matrix(org.run()))
    assert "items v/d/n/r/m" in text


# Issue 21's "items only listed" and the items given rules there: each must have a home of its
# own, not merely a kind whose schema cites the bare clause (such a kind records the clause as
# a whole, not the item). A clause number alone stands for all its items.
ISSUE_21_ITEMS = [
    "4.2",
    "5.1 g",
    "5.1 j",
    "5.1 k",
    "5.1 n",
    "6.4.2 c",
    "6.4.2 e",
    "6.5.1.2 f",
    "6.5.2",
    "7.3.1",
    "8.2.1 b",
    "8.2.3 b",
    "8.2.3 c",
    "8.2.3 d",
    "9.1.1",
    "9.1.2 d",
    "10.2",
    "B.6.1",
    "B.8.2.2.1 s1",
    "B.8.2.2.1 s2",
    "C.5.1",
    "C.6",
    "C.6.3.1.1",
    "C.9",
    "D.10 s2",
    "B.8.2.3 a",
    "B.8.2.3 b",
    "C.6.3.1.2 s2",
    "D.6.2 b",
    "B.8.2.2.2 a",
    "B.8.2.2.2 b",
    "B.8.2.2.2 c",
    "B.8.2.2.2 d",
    "B.8.2.2.2 e",
    "B.8.2.2.2 f",
    "B.8.2.2.2 g",
    "B.9 s1",
    "B.9 s2",
    "D.9",
]


def test_issue_21_items_have_a_home_of_their_own():
    from cms_build.matrix import _engine_rules, provision_rules

    checks, _ = load_rules([bundled("checks")])
    rules = provision_rules([*checks, *_engine_rules()])
    cited = _kind_items(SchemaSet.load([bundled("schemas")]))
    homeless = []
    for ref in ISSUE_21_ITEMS:
        number, item = parse(ref)
        c = clause(number)
        provisions = [p for p in c.provisions if item is None or p.item == item]
        assert provisions, ref
        homeless += [f"{number} {p.item}" for p in provisions if not (rules.get((number, p.item)) or p.records or p.reviewer or (number, p.item) in cited)]
    assert homeless == [], f"items of issue 21 with no rule, record field, item-citing kind or reviewer: reason: {homeless}"


def test_the_new_rules_are_the_items_evidence():
    """B.8.2.3 b, C.6.3.1.2 s2: the rules added for them are counted as checking the item."""
    from cms_build.matrix import provision_rules

    checks, _ = load_rules([bundled("checks")])
    rules = provision_rules(checks)
    assert "trading.exchange-matter-unanswered" in rules[("B.8.2.3", "b")]
    assert rules[("C.6.3.1.2", "s2")] == {"assets.outsourcing-risk-uncontrolled"}
    # B.8.2.2.2 a-e (checks/trading/ccer.py) and B.9 s1 (checks/trading/design.py), issue 21
    for item, rule in zip("abcde", ("filing-incomplete", "verifier-not-filed", "monitoring-report-missing", "body-out-of-scope", "exchange-not-filed")):
        owner = {"trading.ccer-project-owner-undeclared"} if item in "abcd" else set()  # a-d apply to a declared owner
        assert rules[("B.8.2.2.2", item)] == {f"trading.ccer-{rule}"} | owner
    assert rules[("B.9", "s1")] == {"trading.design-without-trading-consideration"}


def test_clause_groups_hold_every_clause_of_the_catalogue_once():
    """The site's matrix pages (issue 17 item 7): a clause's group is the longest clause of
    CLAUSE_GROUPS that is it or encloses it; every clause of the catalogue falls in a group."""
    assert clause_group("9.1.1 a") == "9" and clause_group("9") == "9" and clause_group("3.4") == "1-3"
    assert clause_group("6") == "6.1" and clause_group("6.1.2") == "6.1" and clause_group("6.5.1.1") == "6.2-6.5"
    assert clause_group("B.8.2.2.1 c") == "B.7-B.8" and clause_group("A.10") == "A.9-A.10" and clause_group("A.1") == "A.1-A.6"
    assert clause_group("D") == "D.1-D.6" and clause_group("E.1") == "E-G" and clause_group("11.2") == "11"
    keys = [k for k, _ in CLAUSE_GROUPS]
    assert len(keys) == len(set(keys)) == 22
    used = {clause_group(c.number) for c in load_catalogue()}
    assert used == set(keys)  # no clause outside the groups, no group without a clause


def unnamed_missing(result, matrix=None) -> list[str]:
    """Issue 21: the applicable shall-items (应) the matrix shows missing that no finding names: a
    finding citing the item, or ms.no-evidence citing its clause (nothing at all for the clause).
    A merge gate that says "0 findings" while the matrix says evidence is missing contradicts
    itself, so this must be empty on every repository."""
    matrix = matrix or build_matrix(result)
    items, clauses = set(), set()
    for f in result.findings:
        for ref in f.clauses:
            number, item = parse(ref)
            if item is not None:
                items.add((number, item))
            elif f.rule == "ms.no-evidence":
                clauses.add(number)
    return [
        i["ref"]
        for row in matrix["clauses"]
        if row["status"] not in ("not_applicable", "informative")
        for i in row["provisions"]
        if i["modal"] == "应" and i["status"] == "missing" and (row["number"], i["item"]) not in items and row["number"] not in clauses
    ]


def test_a_missing_shall_item_is_always_named_by_a_finding(org):
    """Issue 21 on a small repository of our own: annex A, a context and a monitoring plan without
    the timing of 9.1.1 e. Many shall-items are missing; each is named (ms.item-no-evidence for an
    item of a clause with other evidence, ms.no-evidence for a clause with none), and 9.1.1 e,
    which a rule checks, is nonconforming at the plan, not missing."""
    from tests.checks.emissions_org import plan

    org.settings(subsystems=["A"])
    org.add("context/CTX.yaml", org.record("context", "CTX", determined_on="2026-01-01", issues=[{"type": "external", "description": "政策"}]))
    org.add("monitoring/MP-1.yaml", org.record("monitoring_plan", "MP-1", **plan()))
    result = org.run()
    matrix = build_matrix(result)
    missing = [
        i["ref"]
        for r in matrix["clauses"]
        if r["status"] not in ("not_applicable", "informative")
        for i in r["provisions"]
        if i["modal"] == "应" and i["status"] == "missing"
    ]
    assert len(missing) > 50 and unnamed_missing(result, matrix) == []
    item_findings = {f.clauses[0] for f in org.of(result, "ms.item-no-evidence")}
    assert "9.1.1 a" not in item_findings and "9.1.1 e" not in item_findings  # a: the plan's sources; e: its rule found it
    assert "9.1.1 s4" in item_findings  # no cms_review or management_review: 9.1.1 has the plan, s4 has nothing
    [e] = [i for i in _rows(matrix)["9.1.1"]["provisions"] if i["item"] == "e"]
    assert (e["status"], [x["rule"] for x in e["errors"]]) == ("nonconforming", ["mon.evaluation-timing-missing"])
    assert _rows(matrix)["9.1.1"]["status"] == "nonconforming"
    # an item-no-evidence error leaves the item missing and the clause not nonconforming
    [s4] = [i for i in _rows(matrix)["9.1.1"]["provisions"] if i["item"] == "s4"]
    assert s4["status"] == "missing" and s4["errors"] == []
    # the test can fail: without the item findings the missing items go unnamed
    result.findings = [f for f in result.findings if f.rule != "ms.item-no-evidence"]
    assert "9.1.1 s4" in unnamed_missing(result, matrix)


def test_an_item_applies_only_where_its_condition_holds(org):
    """D.6.1.2 (applies_if: organization.imports_exports): not applicable, and not counted, for an
    organization that does not import or export; applicable (its rule's error) for one that does.
    8.2.2 (applies_if: subsystem:B) applies only with annex B."""
    org.settings(subsystems=["D"])
    base = dict(legal_name="测试", uscc="913211007545678X9Q", industry_code="4411")
    org.add("organization/ORG.yaml", org.record("organization", "ORG", imports_exports=False, **base))
    matrix = build_matrix(org.run())
    row = _rows(matrix)["D.6.1.2"]
    assert row["status"] == "not_applicable" and {i["status"] for i in row["provisions"]} == {"not_applicable"}
    assert _rows(matrix)["8.2.2"]["status"] == "not_applicable" and _rows(matrix)["8.2.4"]["status"] != "not_applicable"
    counted = sum(matrix["item_summary"]["shall"].values())
    org.add("organization/ORG.yaml", org.record("organization", "ORG", imports_exports=True, **base))
    matrix = build_matrix(org.run())
    row = _rows(matrix)["D.6.1.2"]
    assert row["status"] == "nonconforming"  # neutrality.trade-review-missing: no trade_review
    assert [(i["item"], i["status"]) for i in row["provisions"]] == [("s1", "nonconforming"), ("a", "missing"), ("b", "missing"), ("c", "missing")]
    assert sum(matrix["item_summary"]["shall"].values()) == counted + 4  # its four shall-items now count
    assert unnamed_missing(result := org.run()) == [] and {"D.6.1.2 a", "D.6.1.2 b", "D.6.1.2 c"} <= {
        f.clauses[0] for f in org.of(result, "ms.item-no-evidence")
    }

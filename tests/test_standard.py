"""The clause catalogue (cms_build/data/clauses.yaml) against the text of the standard.

The catalogue decides which clauses a check may cite and which an organization must show
evidence for, so it is compared with the full text in ../shared/standard/: every numbered
clause there is in the catalogue, nothing in the catalogue is invented, and headings,
list items and obligations agree with the text.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from cms_build import standard
from cms_build.standard import applicable, clause, is_ancestor, load_catalogue, normalise

# next to the repository; CMS_STANDARD_DIR names another place (a git worktree elsewhere)
STANDARD_DIR = Path(os.environ.get("CMS_STANDARD_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "standard")

# A clause heading line, in the body or an annex: the number at the start of the line
# ("6.4.4", "A. 6. 5. 2. 1", "D.8.2.4"), then whitespace and the heading or the first words
# of the clause ("5.3.1 最高管理者应确保…"), or nothing (the terms 3.1-3.14 stand alone, the
# term on the next line). An annex number needs a dotted part ("附录 A" is not a clause);
# a bare number needs one too (table cells). The heading must not start with a digit or a
# dot, which keeps out lines such as "20XX年".
NUMBER = r"(?:[A-G](?:[ \t]*\.[ \t]*\d{1,2})+|\d{1,2}(?:[ \t]*\.[ \t]*\d{1,2})*)"
HEADING = re.compile(rf"^(?P<number>{NUMBER})(?:[ \t]+(?P<rest>[^\s\d.．].*)|[ \t]*$)")
ANNEX = re.compile(r"^附\s*录")
LIST_ITEM = re.compile(r"^\s*(?:-\s*)?(?P<letter>[a-z])\)", re.M)
SENTENCE = re.compile(r"[。：；，,:]")  # a heading has none; body text printed after the number has


def _standard_lines() -> list[str]:
    if not STANDARD_DIR.is_dir():
        pytest.skip(f"the standard's text is not here: {STANDARD_DIR} (it sits next to the repository)")
    texts = sorted(STANDARD_DIR.glob("*.txt"))
    if not texts:
        pytest.skip(f"no .txt file with the standard's text in {STANDARD_DIR}")
    return texts[0].read_text(encoding="utf-8").splitlines()


def _body(lines: list[str]) -> tuple[int, int]:
    """From clause 1 to the bibliography, leaving out the table of contents, whose lines
    repeat the headings followed by a tab and a page number ("1 范围\t1")."""
    start = next(i for i, line in enumerate(lines) if line.strip() == "1 范围")
    end = max(i for i, line in enumerate(lines) if line.strip() == "参 考 文 献")
    return start, end


def _clauses_in_text() -> list[dict]:
    """Each numbered clause of the text: number, heading/first line, own text, line."""
    lines = _standard_lines()
    start, end = _body(lines)
    found = []
    for i in range(start, end):
        m = HEADING.match(lines[i])
        if not m:
            continue
        number = re.sub(r"\s+", "", m["number"])
        if m["rest"] is None and "." not in number:
            continue
        found.append({"number": number, "line": i, "rest": (m["rest"] or "").strip()})
    for k, entry in enumerate(found):
        stop = found[k + 1]["line"] if k + 1 < len(found) else end
        stop = next((j for j in range(entry["line"] + 1, stop) if ANNEX.match(lines[j])), stop)
        following = "\n".join(lines[entry["line"] + 1 : stop]).strip()
        entry["following"] = following
        # a heading is a heading; text printed after the number belongs to the clause
        entry["is_heading"] = bool(entry["rest"]) and not SENTENCE.search(entry["rest"]) and len(entry["rest"]) <= 30
        entry["text"] = following if entry["is_heading"] or not entry["rest"] else entry["rest"] + "\n" + following
    return found


@pytest.fixture(scope="module")
def text_clauses() -> list[dict]:
    return _clauses_in_text()


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


# --- the catalogue against the text


def test_the_text_has_the_expected_shape(text_clauses):
    numbers = [c["number"] for c in text_clauses]
    # spaced numbers in the text are read, and the table of contents is not read twice
    for n in ("1", "3.14", "5.3.1", "6.4.2", "A.6.2", "A.6.5.2.1", "D.6.5.2.4", "D.10", "E.3.2", "G.3"):
        assert numbers.count(n) == 1, n


def test_every_clause_of_the_text_is_in_the_catalogue(text_clauses, catalogue):
    have = {c.number for c in catalogue}
    missing = [c["number"] for c in text_clauses if c["number"] not in have]
    assert not missing, f"clauses in the standard but not in the catalogue: {missing}"


def test_no_clause_is_invented(text_clauses, catalogue):
    in_text = {c["number"] for c in text_clauses}
    invented = [c.number for c in catalogue if c.number not in in_text]
    assert not invented, f"catalogue entries that are not clauses of the standard: {invented}"


def test_catalogue_follows_the_order_of_the_standard(text_clauses, catalogue):
    numbers = [c.number for c in catalogue]
    assert len(numbers) == len(set(numbers)), "duplicate numbers in the catalogue"
    assert numbers == [c["number"] for c in text_clauses]


def test_titles_are_the_printed_headings(text_clauses):
    wrong = []
    for entry in text_clauses:
        c = clause(entry["number"])
        if entry["is_heading"] and c.title_zh != entry["rest"]:
            wrong.append((entry["number"], entry["rest"], c.title_zh))
        if not entry["rest"]:  # a term: "组织 organization" on the next line
            term = entry["following"].splitlines()[0]
            if not term.startswith(c.title_zh + " ") or not term.endswith(" " + c.title_en):
                wrong.append((entry["number"], term, c.title_zh))
    assert not wrong, f"titles differ from the headings of the standard (number, text, catalogue): {wrong}"


def test_list_items_are_those_of_the_text(text_clauses):
    wrong = []
    for entry in text_clauses:
        letters = sorted(set(LIST_ITEM.findall(entry["text"])))
        items = list(clause(entry["number"]).items)
        if items != letters:
            wrong.append((entry["number"], letters, items))
    assert not wrong, f"list items differ (number, text, catalogue): {wrong}"
    assert clause("6.1.2").items == tuple("abcdefghij")
    assert clause("B.8.2.2.1").items == tuple("abcdefghijkl")


# Words that contain 应 without being 应 (shall): 应对风险 (address), 相应, 适应, 应急, 效应 …
NOT_SHALL = ("应对风险", "应对措施", "相应", "适应", "应急", "应交", "供应", "响应", "反应", "对应", "应用", "效应")
# 必须 in C.4 describes the economy ("在必须考虑环境成本的情况下"), not a duty of the organization.
SHALL_NOT_ON_THE_ORGANIZATION = {"C.4"}


def _says_shall(text: str) -> bool:
    for word in NOT_SHALL:
        text = text.replace(word, "")
    return bool(re.search(r"应|必须|不得", text))


def test_requirements_are_exactly_the_clauses_that_say_shall(text_clauses):
    """In clauses 4-10 and Annexes A-D a clause is a requirement iff its own text says 应,
    必须 or 不得 (不应 included). "应对" followed by an object ("应对上述监测结果形成记录",
    "应对不同碳中和方式分级") is 应 + 对 and counts; "应对风险和机遇" does not."""
    wrong = []
    for entry in text_clauses:
        c = clause(entry["number"])
        if c.subsystem in ("E", "F", "G") or c.number.split(".")[0] in ("1", "2", "3"):
            assert c.obligation == "informative", c.number
            continue
        says = _says_shall(entry["text"]) and c.number not in SHALL_NOT_ON_THE_ORGANIZATION
        if says != (c.obligation == "requirement"):
            wrong.append((c.number, c.obligation))
    assert not wrong, f"obligation disagrees with the text's 应/必须/不得: {wrong}"


def test_no_additional_guidance_clauses_are_informative(text_clauses):
    for entry in text_clauses:
        if entry["following"].rstrip("。") == "未给出额外指南":
            c = clause(entry["number"])
            assert c.obligation == "informative", c.number
            assert "未给出额外指南" in c.summary_zh and "No additional guidance" in c.summary_en, c.number


def test_headings_without_text_are_informative(text_clauses):
    for entry in text_clauses:
        if entry["is_heading"] and not entry["following"]:
            assert clause(entry["number"]).obligation == "informative", entry["number"]


def test_summaries_are_paraphrases_not_copies():
    """No summary repeats 20 or more characters of the standard in a row."""
    flat = re.sub(r"\s+", "", "\n".join(_standard_lines()))
    copied = []
    for c in load_catalogue():
        s = re.sub(r"\s+", "", c.summary_zh)
        for i in range(len(s) - 19):
            if s[i : i + 20] in flat:
                copied.append((c.number, s[i : i + 20]))
                break
    assert not copied, f"summaries that copy the standard's text: {copied}"


# --- the catalogue itself


def test_every_entry_is_complete(catalogue):
    for c in catalogue:
        assert c.title_zh and c.title_en and c.summary_zh and c.summary_en, c.number
        assert c.obligation in standard.OBLIGATIONS, c.number
        expected = c.number[0] if c.number[0].isalpha() else "common"
        assert c.subsystem == expected, c.number
        assert isinstance(c.items, tuple) and isinstance(c.kinds, tuple), c.number


def test_parents_exist_and_enclose_their_children(catalogue):
    for c in catalogue:
        if c.parent is None:
            assert "." not in c.number or re.fullmatch(r"[A-G]\.\d+", c.number), c.number
            continue
        parent = clause(c.parent)
        assert parent is not None, f"{c.number}: parent {c.parent} is not in the catalogue"
        assert is_ancestor(c.parent, c.number), c.number
        assert c.parent.count(".") + 1 == c.number.count("."), f"{c.number}: parent {c.parent} is not the nearest"
        assert parent.subsystem == c.subsystem, c.number


def test_clause_lookup():
    assert clause("6.4.4").title_zh.startswith("措施计划")
    assert clause("6.4.4").parent == "6.4"
    assert clause("A.1").parent is None
    assert clause("9.9") is None
    assert clause("6.1.2 d") is None  # exact numbers only; normalise() first


@pytest.mark.parametrize(
    "number, obligation",
    [
        ("D.10", "requirement"),  # 应重新审定 …
        ("A.4.3", "recommendation"),  # 宜 … 可披露
        ("A.1", "informative"),  # 未给出额外指南
        ("C.5.3", "recommendation"),  # 组织宜识别 …
        ("6.4.1", "requirement"),  # heading-less: 组织应 …
        ("7.2.1", "requirement"),
        ("6.5", "informative"),  # 应对风险和机遇 is a heading, not 应
        ("6.5.1.2", "recommendation"),  # 组织宜参照 …
        ("7.2.3", "permission"),  # 组织可采取 …
        ("9.1", "informative"),  # a statement of purpose, no 应
        ("A.6.5.2", "requirement"),  # 宜开展 … 应选择
        ("A.8.2.1", "permission"),
        ("B.6.4", "permission"),
        ("C.4", "informative"),  # 必须 is not addressed to the organization
        ("C.9.1", "requirement"),  # 宜 … 应对上述监测结果形成记录
        ("C.6.3.1.2", "requirement"),  # outsourcing: 应确保
        ("D.6.1", "requirement"),  # 宜评审 … 并应对不同碳中和方式分级
        ("D.8.2.3", "informative"),  # a heading with no text
        ("D.8.2.5", "permission"),  # 可获得碳中和证书(Gold)
        ("D.9", "recommendation"),
        ("E.1.1", "informative"),
        ("F.2", "informative"),
    ],
)
def test_obligations_checked_by_hand(number, obligation):
    assert clause(number).obligation == obligation


# --- normalise


@pytest.mark.parametrize(
    "ref, number",
    [
        ("6.1.2", "6.1.2"),
        ("6.1.2 d", "6.1.2"),
        ("6.1.2 d)", "6.1.2"),
        ("6.1.2d)", "6.1.2"),
        ("B.8.2.2.1 b)", "B.8.2.2.1"),
        ("B.8.2.2.1 b）", "B.8.2.2.1"),
        ("A. 9. 1", "A.9.1"),
        ("A. 6. 5. 2. 1", "A.6.5.2.1"),
        ("D. 6. 5. 2. 4 h", "D.6.5.2.4"),
        ("D.10", "D.10"),
        (" 10.2 ", "10.2"),
        ("6.5.2 c 1)", "6.5.2"),
        ("F.2", "F.2"),
        ("3.11", "3.11"),
    ],
)
def test_normalise(ref, number):
    assert normalise(ref) == number


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "   ",
        "clause 6.1",
        "6.1.2.",
        "A",
        "附录A",
        "6..1",
        "11",
        "6.9",
        "D.11",  # not a clause
        "6.1.2 z",  # 6.1.2 has items a-j
        "6.1.5 a",  # 6.1.5 has no lettered items
        "6.1.2 d e",
        "B.8.2.2.1 b) c)",
        None,
        6.1,
    ],
)
def test_normalise_rejects(ref):
    with pytest.raises(ValueError):
        normalise(ref)


# --- applicable and is_ancestor


def test_applicable_for_emissions_only():
    got = applicable({"A"})
    numbers = {c.number for c in got}
    assert {c.subsystem for c in got} == {"common", "A"}
    for n in ("1", "4.3", "6.1.2", "10.3", "A.1", "A.6.5.2.4", "A.9.1.1"):
        assert n in numbers, n
    for n in ("B.8.2.2.1", "C.5.3", "D.10", "E.1", "F.2", "G.3"):
        assert n not in numbers, n
    common = [c for c in load_catalogue() if c.subsystem == "common"]
    annex_a = [c for c in load_catalogue() if c.subsystem == "A"]
    assert got == common + annex_a  # in the order of the standard


def test_applicable_for_all_four_and_for_none():
    everything = applicable({"A", "B", "C", "D"})
    assert {c.subsystem for c in everything} == {"common", "A", "B", "C", "D"}
    assert "D.10" in {c.number for c in everything}
    assert not any(c.subsystem in "EFG" for c in everything)
    assert {c.subsystem for c in applicable(set())} == {"common"}


@pytest.mark.parametrize("subsystems", [{"E"}, {"A", "X"}, {"common"}])
def test_applicable_rejects_what_cannot_be_adopted(subsystems):
    with pytest.raises(ValueError):
        applicable(subsystems)


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("6.1", "6.1.2", True),
        ("6", "6.1.2", True),
        ("A.6.5", "A.6.5.2.1", True),
        ("A. 6", "A.6.5.2.1", True),
        ("6.1", "6.1", False),
        ("6.1.2", "6.1", False),
        ("6.1", "6.10", False),
        ("6.1", "6.2.1", False),
        ("A.6", "B.6.1", False),
        ("1", "10.1", False),
    ],
)
def test_is_ancestor(a, b, expected):
    assert is_ancestor(a, b) is expected


def test_catalogue_is_cached_but_not_shared_mutably():
    first, second = load_catalogue(), load_catalogue()
    assert first == second and first is not second
    assert first[0] is second[0]
    with pytest.raises(Exception):
        first[0].number = "x"


def test_the_shipped_parsed_catalogue_is_the_yaml_parsed():
    """The run reads cms_build/data/clauses.parsed.json instead of parsing the YAML: it must be
    the YAML parsed, with the hash of these bytes. After editing clauses.yaml:
    python -m cms_build.standard > cms_build/data/clauses.parsed.json"""
    import yaml

    shipped = standard.PARSED.read_text(encoding="utf-8")
    assert shipped == standard.parsed_text(), "clauses.parsed.json is stale: python -m cms_build.standard > cms_build/data/clauses.parsed.json"
    raw = standard.CATALOGUE.read_bytes()
    assert json.loads(shipped)["clauses"] == yaml.safe_load(raw.decode("utf-8"))


def test_a_parsed_catalogue_of_other_bytes_is_not_read(tmp_path):
    """The parsed file is read only while it names the hash of the YAML beside it: a YAML edited
    after the file was written is parsed itself (the title below says which one was read)."""
    yaml_path = tmp_path / "clauses.yaml"
    yaml_path.write_text('- {number: "4.4", title_zh: yaml, obligation: requirement}\n', encoding="utf-8")
    parsed = tmp_path / "clauses.parsed.json"
    kept = json.loads(standard.parsed_text(yaml_path))
    kept["clauses"][0]["title_zh"] = "parsed"
    parsed.write_text(json.dumps(kept), encoding="utf-8")
    assert standard._catalogue_data(yaml_path)[0]["title_zh"] == "parsed"
    yaml_path.write_text('- {number: "4.4", title_zh: edited, obligation: requirement}\n', encoding="utf-8")
    assert standard._catalogue_data(yaml_path)[0]["title_zh"] == "edited"
    parsed.write_text("{not json", encoding="utf-8")
    assert standard._catalogue_data(yaml_path)[0]["title_zh"] == "edited"
    parsed.unlink()
    assert standard._catalogue_data(yaml_path)[0]["title_zh"] == "edited"


# --- the provisions (items) of each clause, derived from the text

# A clause's provisions are what an organization conforms to item by item (cms_build/matrix.py):
# - its lettered list items "a" … "n" (their unlettered sub-bullets belong to them, and so do
#   the paragraphs after a lettered sub-heading such as B.8.2.2.4 "a) 融资类交易产品"; a second
#   list in one clause is named by the sentence leading into it: B.9.1 "s4.a"), and
# - its sentences outside the lettered list, numbered "s1", "s2", … in the order of the text
#   (a sentence ends with 。; a lead-in ending with ： is a sentence; the unlettered bullets
#   after a sentence belong to it; notes 注 are not provisions).
# Each provision has the modal verb of its own words, or, for a lettered item without one,
# that of the sentence leading into its list: 应 (必须, 不得, 不应: shall), 宜 (should),
# 可 (may). A sentence without any is a statement, not a provision, and is not listed (its
# number is still counted, so "s3" is always the third sentence).
_LETTERED = re.compile(r"^\s*(?:-\s*)?(?P<letter>[a-z])\)\s*(?P<rest>.*)$")
_BULLET = re.compile(r"^\s*-\s*(?P<rest>.*)$")
# 应 inside words that are not "shall"; NOT_SHALL (above) plus 应对 as "respond to" in 5.1 m
_NOT_SHALL_ITEM = NOT_SHALL + ("识别和应对",)
_NOT_SHOULD = ("适宜",)
# 可 inside words that are not "may" (可测量 measurable, 可获取 available, 可能 possibly …)
_NOT_MAY = (
    "可测量",
    "可量化",
    "可获取",
    "均可获得",
    "可能",
    "可靠",
    "可比",
    "可追溯",
    "认可",
    "许可",
    "可行",
    "可信",
    "可持续",
    "可再生",
    "可用",
    "可核查",
    "可核算",
    "可计量",
    "不可",
    "可以是",
    "可接受",
    "可重复",
    "可查找",
    "可操作",
    "可选择",
    "可通过碳交易市场",
)


def provision_modal(text: str) -> str | None:
    t = text
    for word in _NOT_SHALL_ITEM:
        t = t.replace(word, "")
    if re.search(r"应|必须|不得", t):
        return "应"
    for word in _NOT_SHOULD:
        t = t.replace(word, "")
    if "宜" in t:
        return "宜"
    for word in _NOT_MAY:
        t = t.replace(word, "")
    return "可" if "可" in t else None


def derive_provisions(text: str, lead: str | None = None) -> list[tuple[str, str | None]]:
    """[(item, modal)] of a clause's own text, in the order of the text (see above). A list
    with no lead-in of its own (D.6.1.1) continues its parent's last sentence: ``lead``."""
    return [(item, modal) for item, modal, _ in _provision_parts(text, lead)]


def _provision_parts(text: str, lead: str | None = None) -> list[tuple[str, str | None, str]]:
    """[(item, modal, the item's own text)]: see derive_provisions."""
    parts: list[list] = []  # ["s", text] or [letter, text], in order
    current, heading = None, False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("注"):
            continue
        lettered = _LETTERED.match(line)
        bullet = _BULLET.match(line)
        if lettered:
            current = [lettered["letter"], lettered["rest"]]
            parts.append(current)
            # a lettered sub-heading ("a) 融资类交易产品", B.8.2.2.4): the paragraphs after it are its text
            heading = not re.search(r"[。；;，,：:]", lettered["rest"])
        elif (bullet or heading) and current is not None and current[0] != "s" or bullet and current is not None:
            current[1] += " " + (bullet["rest"] if bullet else stripped)
        else:
            current = ["s", stripped]
            parts.append(current)
    out, n, lists, prefix, previous = [], 0, 0, "", "s"
    for kind, body in parts:
        if kind == "s":
            for sentence in (s for s in re.split(r"(?<=。)", body) if s.strip()):
                n += 1
                lead = provision_modal(sentence)
                out.append((f"s{n}", lead, sentence))
        else:
            if previous == "s":  # a new list; the second list of a clause is named by its lead-in (B.9.1 "s4.a")
                lists += 1
                prefix = f"s{n}." if lists > 1 else ""
            out.append((prefix + kind, provision_modal(body) or lead, body))
        previous = "s" if kind == "s" else "item"
    return out


# A list with no lead-in of its own: D.6.1.1 (国内) lists the evidence of the review that
# D.6.1 recommends ("宜对组织达到碳中和所采取的方式进行评审"; its "并应对…分级" is the grading).
LEAD_FROM_PARENT = {"D.6.1.1": "宜"}


def _expected_provisions(entry) -> list[tuple[str, str]]:
    c = clause(entry["number"])
    lead = LEAD_FROM_PARENT.get(c.number)
    if c.subsystem in ("E", "F", "G") or c.number.split(".")[0] in ("1", "2", "3") or c.number in SHALL_NOT_ON_THE_ORGANIZATION:
        return []
    return [(item, modal) for item, modal in derive_provisions(entry["text"], lead) if modal]


def provision_texts(entry) -> dict[str, str]:
    """{item: its text} of a clause of the text (for tests that read what an item says)."""
    return {item: body for item, _, body in _provision_parts(entry["text"], LEAD_FROM_PARENT.get(entry["number"]))}


def test_provisions_are_those_of_the_text(text_clauses):
    """Each provision of the catalogue exists in the clause's text with its modal verb, and
    every item and sentence of the text that says 应, 宜 or 可 is in the catalogue."""
    wrong = []
    for entry in text_clauses:
        have = [(p.item, p.modal) for p in clause(entry["number"]).provisions]
        if have != _expected_provisions(entry):
            wrong.append((entry["number"], _expected_provisions(entry), have))
    assert not wrong, f"provisions differ from the text (number, text, catalogue): {wrong}"
    # read by hand
    assert [(p.item, p.modal) for p in clause("4.3").provisions] == [("s1", "应"), ("s2", "应")]
    assert [p.item for p in clause("5.2").provisions] == ["s1", "a", "b", "c", "d", "e", "f", "s2"]
    assert clause("6.5.1.2").provision("s1").modal == "宜"  # 组织宜参照以下风险分类方式
    assert clause("7.4.2").provision("c").modal == "应"  # 适宜性 is not 宜; the lead-in says 应
    assert clause("8.2.1").provision("a").modal == "可"  # 建立生命周期数据库（可选）
    assert clause("B.9.1").provision("a").modal == "宜" and clause("B.9.1").provision("s4.a").modal == "应"
    assert clause("D.10").provision("s3").shall  # 应采取纠正行动，并使之在三个月内生效
    assert clause("6.1.2").provision("s1") is not None and clause("9.1").provisions == ()  # 9.1 states a purpose


def test_derive_provisions_by_hand():
    text = "组织应确定：\n- a) 甲；\n- b) 宜乙；\n注：说明。\n组织可参考某文件。本段陈述。\n组织宜：\n- a) 丙。"
    assert derive_provisions(text) == [("s1", "应"), ("a", "应"), ("b", "宜"), ("s2", "可"), ("s3", None), ("s4", "宜"), ("s4.a", "宜")]


def test_obligation_is_the_strongest_provision(catalogue):
    rank = {"应": "requirement", "宜": "recommendation", "可": "permission"}
    for c in catalogue:
        modals = [p.modal for p in c.provisions]
        strongest = next((rank[m] for m in ("应", "宜", "可") if m in modals), "informative")
        assert c.obligation == strongest, (c.number, c.obligation, modals)


@pytest.mark.parametrize(
    "ref, parsed",
    [
        ("4.3 s2", ("4.3", "s2")),
        ("B.9.1 s4.a", ("B.9.1", "s4.a")),
        ("5.2 a)", ("5.2", "a")),
        ("5.2", ("5.2", None)),
    ],
)
def test_parse_provisions(ref, parsed):
    assert standard.parse(ref) == parsed


@pytest.mark.parametrize("ref", ["4.3 s3", "9.1 s1", "B.9.1 s1.a", "4.3 s", "4.3s1"])
def test_parse_rejects_provisions_not_in_the_catalogue(ref):
    with pytest.raises(ValueError):
        standard.parse(ref)


def test_reviewer_reasons_are_read_and_checked(monkeypatch, tmp_path):
    """Issue 21: reviewer: is the reason only a reviewer can judge an item; it must be a sentence,
    and an item judged by rules is not reviewer-only."""
    import cms_build.standard as std

    assert "业务流程" in clause("5.1").provision("c").reviewer and clause("5.1").provision("a").reviewer == ""
    head = '- {number: "4.4", title_zh: t, title_en: t, summary_zh: s, summary_en: s, obligation: requirement, subsystem: common, parent: null, provisions: ['
    for bad, says in (
        ('{item: s1, modal: 应, reviewer: "look"}', "at least 20 characters"),
        ("{item: s1, modal: 应, reviewer: 3}", "at least 20 characters"),
        ('{item: s1, modal: 应, rules: [x], reviewer: "only a reviewer can judge this"}', "not by a reviewer"),
        ('{item: s1, modal: 应, records: ["-"]}', "an item nothing records needs a rule or a reviewer"),
        ("{item: s1, modal: 应, applies_if: imports}", "applies_if: is kind.field"),
        ('{item: s1, modal: 应, applies_if: "subsystem:E"}', "applies_if: is kind.field"),
    ):
        path = tmp_path / "c.yaml"
        path.write_text(head + bad + "]}\n", encoding="utf-8")
        monkeypatch.setattr(std, "CATALOGUE", path)
        std._catalogue.cache_clear()
        try:
            with pytest.raises(ValueError, match=says):
                std._catalogue()
        finally:
            std._catalogue.cache_clear()
    monkeypatch.undo()
    std._catalogue.cache_clear()
    std._by_number.cache_clear()
    assert clause("5.1").provision("c").reviewer


def test_a_kept_parse_agrees_and_a_bad_reference_raises_every_time():
    standard._PARSED.clear()
    for ref in ["6.1.2 d)", "4.3 s2", "5.2", "A. 9. 1", "B.8.2.2.1 b)"]:
        first = standard.parse(ref)
        assert first == standard._parse_checked(ref)
        assert standard.parse(ref) == first
    assert standard._PARSED["5.2"] == ("5.2", None)
    for bad in ["99.9", "5.2 z", "not a clause"]:
        for _ in range(2):
            with pytest.raises(ValueError):
                standard.parse(bad)
        assert bad not in standard._PARSED
    with pytest.raises(ValueError):  # not text: as before, a ValueError, never kept
        standard.parse(["5.2"])


def test_kept_parses_start_afresh_with_a_catalogue_read_anew():
    standard.parse("5.2")
    assert "5.2" in standard._PARSED
    standard._by_number.cache_clear()
    standard.parse("5.3")
    assert "5.2" not in standard._PARSED and "5.3" in standard._PARSED

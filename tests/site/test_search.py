"""The search index cms writes from the records (cms_build/site/search.py, issue 19 win 5)."""

from __future__ import annotations

import json

import pytest

from cms_build.site import search


def test_segment_cuts_chinese_into_words_and_keeps_the_standards_terms():
    # jieba alone cuts 碳中和 into 碳中 / 和; the standard's terms are added as words
    assert search.segment("碳中和方针") == "碳中和\u200b方针"
    assert search.segment("NC-2025-02 碳足迹") == "NC-2025-02 \u200b碳足迹"  # ids and Latin text untouched
    assert search.segment("tCO2e") == "tCO2e"


def test_page_entries_give_titles_and_anchored_headings_not_trace_steps(tmp_path):
    (tmp_path / "p.md").write_text(
        "# 碳中和\n\n正文不进入索引\n\n## 碳中和声明 {#claims}\n\n## 无锚点\n\n"
        "#### 碳足迹 Footprint CF-1 {#fp-CF-1}\n\n"
        '<details class="cms-trace-step" markdown="1">\n<summary>1 x</summary>\n\n'
        "##### 1 外购电力 {#fp-CF-1-1}\n\n"
        '<details class="cms-trace-step" markdown="1">\n<summary>1.1</summary>\n\n###### 1&#46;1 E CO2 {#fp-CF-1-1-1}\n\n</details>\n\n'
        "</details>\n\n"
        '### 4&#46;1 理解组织 &#60;b&#62; <span class="x">[链接](../x.html)</span> {#clause-4-1}\n\n'
        "## 参考 { data-search-exclude }\n",
        encoding="utf-8",
    )
    entries = search.page_entries(tmp_path, "p.md")
    assert [e["location"] for e in entries] == ["p.html", "p.html#claims", "p.html#fp-CF-1", "p.html#clause-4-1"]
    assert all(e["text"] == "" for e in entries)  # titles only: no body text, no trace tables
    # Markdown escapes and entities undone, then the text escaped as HTML for the theme
    assert entries[3]["title"].replace("\u200b", "") == "4.1 理解组织 &lt;b&gt; 链接"
    (tmp_path / "s.md").write_text("---\nsearch:\n  exclude: true\n---\n# x.yaml\n", encoding="utf-8")
    assert search.page_entries(tmp_path, "s.md") == []


def test_the_example_index_has_one_entry_per_record_and_ranks_the_claims(example_sites):
    from cms_build.engine import run
    from cms_build.publish import View
    from tests.conftest import EXAMPLE

    from .conftest import AS_OF

    index = json.loads((example_sites["internal"] / "search/search_index.json").read_text(encoding="utf-8"))
    # the configuration the theme's plugin settled (mkdocs.yml's separator, lang zh)
    assert index["config"]["lang"] == ["zh"] and "\\u200b" in index["config"]["separator"]
    assert index["config"]["fields"]["title"]["boost"] == 1000
    docs = {d["location"]: d for d in index["docs"]}
    records = View(run(EXAMPLE, AS_OF), "internal").records
    for record in records:
        entry = docs[f"records/{record.kind}/{record.id}.html"]
        assert entry["title"].startswith(record.id)
    assert len([d for d in docs if d.startswith("records/") and d.count("/") == 2]) == len(records)
    # a record ranks twice a page; a claim (x-cms.search_boost 3 in its schema) 2 × 3 = 6
    assert docs["records/neutrality_claim/NCL-HQ-2025.html"]["boost"] == 6
    assert docs["records/compliance_obligation/CO-009.html"]["boost"] == 2
    assert "boost" not in docs["neutrality/index.html"]
    # its text: the values it holds, enum values as their labels, not the pages linking to it
    text = docs["records/neutrality_claim/NCL-HQ-2025.html"]["text"].replace("\u200b", "")
    assert "NS-HQ-OPS" in text and "碳中和实现声明" in text
    assert not any("-1-1" in d for d in docs if d.startswith("neutrality/index.html#"))  # no trace steps


# -- the memo of cut texts -------------------------------------------------------------
TEXT = "碳管理体系的方针与碳中和声明"


def _fresh_cuts():
    search.jieba_with_terms.cache_clear()
    search._cut.cache_clear()


def test_a_rebuild_takes_the_cuts_the_last_build_kept(tmp_path, monkeypatch):
    with search.remembered_segments(tmp_path):
        first = search.segment(TEXT)
    assert (tmp_path / search.SEGMENTS).is_file()
    # the next build cuts nothing it was given before: the memo answers, not jieba
    monkeypatch.setattr(search, "_cut", lambda text: pytest.fail(f"cut again: {text}"))
    with search.remembered_segments(tmp_path):
        assert search.segment(TEXT) == first
    with pytest.raises(pytest.fail.Exception):  # without reuse (cms build --full) every text is cut
        with search.remembered_segments(tmp_path, reuse=False):
            search.segment(TEXT)


def test_a_memo_not_signed_by_this_user_is_not_read(tmp_path):
    with search.remembered_segments(tmp_path):
        search.segment(TEXT)
    memo = tmp_path / search.SEGMENTS
    mac, _, payload = memo.read_bytes().partition(b"\n")
    planted = json.loads(payload)
    planted["cut"][TEXT] = "篡改"
    memo.write_bytes(mac + b"\n" + json.dumps(planted, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    with search.remembered_segments(tmp_path):
        assert search.segment(TEXT).replace("\u200b", "") == TEXT


def test_new_terms_are_not_answered_by_the_memo_of_the_old_ones(tmp_path, monkeypatch):
    """TERMS is part of the memo's key: a term added since the last build cuts its texts anew, as
    a build without a memo does (this test fails when segments_key leaves TERMS out)."""
    import jieba

    with search.remembered_segments(tmp_path):
        old = search.segment(TEXT)
    assert "碳管理体系" not in old.split("\u200b")  # jieba and the old terms cut 碳管理体系 apart
    monkeypatch.setattr(search, "TERMS", (*search.TERMS, "碳管理体系"))
    _fresh_cuts()
    try:
        cold = search._cut(TEXT)
        assert "碳管理体系" in cold.split("\u200b") and cold != old
        with search.remembered_segments(tmp_path):
            assert search.segment(TEXT) == cold
    finally:
        jieba.del_word("碳管理体系")
        monkeypatch.undo()
        _fresh_cuts()
    assert search.segment(TEXT) == old


def test_text_without_chinese_needs_no_dictionary(monkeypatch):
    monkeypatch.setattr(search, "_cut", lambda text: pytest.fail(f"cut: {text}"))
    assert search.segment("\u200bNC-2025-02 tCO2e\u200b") == "NC-2025-02 tCO2e"  # as _HAN.sub(...).strip gives

"""Titles of rules and computations in one language (cms_build/findings.py)."""

import pytest

from cms_build.findings import split_title, title_in


@pytest.mark.parametrize(
    "title, zh, en",
    [
        ("按计划的时间间隔进行管理评审 Management review at planned intervals", "按计划的时间间隔进行管理评审", "Management review at planned intervals"),
        ("CCER 抵销比例不超过5% CCER offset share within 5 %", "CCER 抵销比例不超过5%", "CCER offset share within 5 %"),
        ("碳中和声明（附录D） Neutrality claim (Annex D)", "碳中和声明（附录D）", "Neutrality claim (Annex D)"),
        ("Only English", "", "Only English"),
        ("只有中文", "只有中文", ""),
    ],
)
def test_split_title_at_the_boundary(title, zh, en):
    assert split_title(title) == (zh, en)


def test_every_bundled_rule_title_splits_into_chinese_and_english():
    from cms_build.engine import run
    from tests.conftest import EXAMPLE, EXAMPLE_AS_OF
    import datetime as dt

    result = run(EXAMPLE, dt.date.fromisoformat(EXAMPLE_AS_OF))
    titles = [c.title for c in result.checks] + [c.title for c in result.computations]
    assert len(titles) > 100
    bad = []
    for title in titles:
        zh, en = split_title(title)
        if not zh or not en or any(ord(ch) > 0x2E7F for ch in en):
            bad.append(title)
    assert bad == []
    assert title_in(titles[0], "zh") and not any(ord(ch) > 0x2E7F for ch in title_in(titles[0], "en"))


def test_a_two_language_text_shows_one_language():
    """Status reasons are written "中文 · English" (checks/neutrality/balance.py): the site shows
    the part of its language; a text with no such cut, or Chinese on both sides, stays whole."""
    from cms_build.findings import text_in

    reason = "有效期 2026-03-01 至 2027-02-28 · valid 2026-03-01 to 2027-02-28"
    assert text_in(reason, "zh") == "有效期 2026-03-01 至 2027-02-28"
    assert text_in(reason, "en") == "valid 2026-03-01 to 2027-02-28"
    # a " · " inside the Chinese part is not the cut: the last one before English-only text is
    assert text_in("甲 · 乙 · event E: withdrawn", "zh") == "甲 · 乙"
    assert text_in("plain · text", "zh") == "plain · text" and text_in("中文 · 中文", "en") == "中文 · 中文"

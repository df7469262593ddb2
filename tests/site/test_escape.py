"""escape.md: hostile text comes out of Markdown + HTML as the literal text, nothing else."""

from __future__ import annotations

import html
import re

import markdown
import pytest
import yaml

from cms_build.site.escape import Md, fmt_number, join, md
from cms_build.site.build import base_config_path

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "{{ jinja }} {% raw %} {# comment #}",
    "![img](http://evil.example/x.png)",
    "<http://evil.example/>",
    "**bold** _em_ `code` ~~del~~",
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "    indented code",
    "| a | b |",
    'text {: onclick="alert(1)" }',
    "[ref]: http://evil.example/",
    "[^1] footnote",
    "*[HTML]: abbreviation",
    "&lt;script&gt; &amp; &#60;",
    '!!! danger "admonition"',
    "line one\n---\nline two",
    "a\n\n<div onclick=alert(1)>x</div>",
    "```\nfenced\n```",
    "<!-- comment -->",
    "javascript:alert(1)",
    "中文 <b>粗体</b> 碳排放",
    "a\\*b\\",
]


def site_markdown() -> markdown.Markdown:
    """A converter with the extensions the site's mkdocs.yml enables."""
    config = yaml.safe_load(base_config_path().read_text(encoding="utf-8"))
    names, configs = [], {}
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict):
            ((name, cfg),) = ext.items()
            names.append(name)
            configs[name] = cfg or {}
        else:
            names.append(ext)
    return markdown.Markdown(extensions=names, extension_configs=configs)


def text_of(rendered: str) -> str:
    """The visible text of a fragment of HTML that may only hold <p> and <br>."""
    inner = re.sub(r"^<p>|</p>$", "", rendered.strip())
    return html.unescape(inner.replace("<br>", "\n").replace("<br />", "\n"))


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_renders_as_itself(value):
    rendered = site_markdown().convert(str(md(value)))
    # the only tags are the paragraph and line breaks the escaping adds
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", rendered))
    assert tags <= {"p", "br"}, rendered
    assert "href" not in rendered and "<script" not in rendered and "<img" not in rendered
    lines = [line.strip() for line in value.split("\n") if line.strip()]
    assert [line for line in text_of(rendered).split("\n") if line] == lines


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_in_a_table_cell_stays_in_its_cell(value):
    cell = md(value)
    rendered = site_markdown().convert(f"| h | x |\n|---|---|\n| {cell} | after |\n")
    assert rendered.count("<td>") == 2, rendered  # no extra cell, no broken table
    tags = set(re.findall(r"</?([a-zA-Z0-9]+)", rendered))
    assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "br"}, rendered
    assert "<td>after</td>" in rendered


def test_md_is_idempotent_on_trusted_fragments_and_refuses_mixing():
    link = Md("[POL-001](records/policy/POL-001.md)")
    assert md(link) is link
    assert join([link, "<b>"], " ") == "[POL-001](records/policy/POL-001.md) &#60;b&#62;"
    with pytest.raises(TypeError):
        link + "<b>"  # noqa: B018 - an untrusted str must never join a trusted fragment unescaped


def test_readable_inside_a_line():
    assert md("2025-01-08") == "2025-01-08"
    assert md("BJP-CMS-010 v2.0") == "BJP-CMS-010 v2.0"
    assert md("- x") == "&#45; x"  # would start a list
    assert md("3. x") == "3&#46; x"  # would start an ordered list
    assert md(None) == "" and md(True) == "true"


def test_numbers():
    assert fmt_number(1234567) == "1,234,567"
    assert fmt_number(1234.5) == "1,234.5"
    assert fmt_number(0.1 + 0.2) == "0.3"  # 0.30000000000000004 without float noise
    assert fmt_number(0.000123456) == "0.000123456"
    assert fmt_number(2.0) == "2"
    assert fmt_number(-0.0) == "0"
    assert fmt_number(123456789.126) == "123,456,789.13"


def test_invisible_and_bidirectional_characters_are_shown():
    rendered = site_markdown().convert(md("付款\u202e123\u202c 给 A\u200bB\u2066C\u2069\ufeff"))
    assert html.unescape(rendered) == "<p>付款⟨U+202E⟩123⟨U+202C⟩ 给 A⟨U+200B⟩B⟨U+2066⟩C⟨U+2069⟩⟨U+FEFF⟩</p>"
    assert md("中文　全角空格 Ünïcode") == "中文　全角空格 Ünïcode"  # visible text is kept as it is


def test_html_text_is_safe_as_text_and_in_quoted_attributes():
    from cms_build.site.escape import html_text

    value = "站</title><script>alert(1)</script>\"><img src=x onerror='alert(2)'>\n第二行\u202e\x07"
    out = html_text(value)
    assert out == ("站&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=&#x27;alert(2)&#x27;&gt; 第二行⟨U+202E⟩")
    assert not set(out) & set("<>\"'\n\x07")


def test_chart_text_is_xml_text_and_shows_invisible_characters():
    from cms_build.site import charts

    if not charts.available():
        pytest.skip("matplotlib is not installed")
    svg = charts.line_chart("</text><script>alert(1)</script>\u202e", "t", [("<a>&", {2023: 1.0, 2024: 2.0})])
    assert "<script" not in svg and "<a>" not in svg
    assert "&lt;/text&gt;&lt;script&gt;" in svg and "⟨U+202E⟩" in svg and "\u202e" not in svg


@pytest.mark.parametrize(
    "value, unit, share, expected",
    [
        (5945832, "tCO2", False, "5,945,832.00 tCO2"),  # a tonne figure: always two decimals
        (1234.5678, "tCO2e", False, "1,234.57 tCO2e"),
        (0.333333, "", True, "33.3 %"),  # 0.333333 x 100 = 33.3333 -> 33.3 %
        (0.05, "fraction", False, "5.0 %"),
        (1520.0, "10^4 Nm3", False, "1,520 10⁴ Nm³"),
        (0.85, "tCO2e/万元", False, "0.85 tCO2e/万元"),
        (None, "tCO2", False, "None tCO2"),
    ],
)
def test_one_number_format(value, unit, share, expected):
    from cms_build.site.escape import fmt_value

    assert fmt_value(value, unit, share=share) == expected


@pytest.mark.parametrize("second_hand, expected", [(True, "转引，未与原文核对"), (False, "已与原文核对")])
def test_a_factor_citation_is_one_neutral_line(second_hand, expected):
    """Issue 17 item 11: source and whether it was checked against the original, no warning."""
    from cms_build.site.model import Strings, load_strings
    from cms_build.paths import bundled
    from cms_build.site.render import TraceRenderer

    class Model:
        t = Strings(load_strings(str(bundled("site")))["zh"])

    renderer = TraceRenderer(Model(), "emissions/index.md")
    line = str(renderer.source({"library": "MEE 2022", "citation": "表A.1", "second_hand": second_hand}))
    assert line == f"缺省值库 · MEE 2022 · 表A.1 · {expected}".replace("缺省值库", str(Model.t["source_library"]))
    assert "warning" not in line and "admonition" not in line

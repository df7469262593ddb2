"""Traces collapsed below the first level (issue 17 item 7): a step is in a closed <details>."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown

from cms_build.site.build import base_config_path


class Nesting(HTMLParser):
    """For every element with an id: the <details> around it (open or not), outermost first."""

    VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "col", "area", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.ids: dict[str, list[bool]] = {}  # id -> [is that details open, ...]
        self.summaries: list[str] = []
        self._in_summary = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] = ["open" in a for t, a in self.stack if t == "details"]
        if tag == "summary":
            self._in_summary = True
            self.summaries.append("")
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "summary":
            self._in_summary = False
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._in_summary:
            self.summaries[-1] += data


def nesting(html: str) -> Nesting:
    p = Nesting()
    p.feed(html)
    return p


def test_the_site_config_parses_markdown_inside_html():
    # md_in_html is what lets the Markdown of a step (its table, heading) render inside <details>
    assert "md_in_html" in base_config_path().read_text(encoding="utf-8")


def test_a_trace_step_is_inside_a_closed_details_and_the_first_level_is_not(example_sites):
    pages = sorted((example_sites["internal"] / "neutrality").glob("*.html"))
    assert pages
    seen_root = seen_step = seen_deep = 0
    for p in pages:
        n = nesting(p.read_text(encoding="utf-8"))
        for ident, around in n.ids.items():
            if not ident.startswith("neutrality-claim-") or not ident.endswith(("-surplus", "-surplus-1", "-surplus-1-1")):
                continue
            if ident.endswith("-surplus"):  # the first level: shown open, in no <details>
                assert around == [], ident
                seen_root += 1
            elif ident.endswith("-surplus-1"):  # the second level: in one closed <details>
                assert around == [False], ident
                seen_step += 1
            else:  # the third: in two, both closed
                assert around == [False, False], ident
                seen_deep += 1
    assert seen_root and seen_step and seen_deep


def test_a_step_summary_names_it_and_its_value_escaped(tmp_path):
    from types import SimpleNamespace

    from cms_build.site.render import TraceRenderer

    words = {
        k: k
        for k in (
            "restricted",
            "restricted_note",
            "trace_formula",
            "trace_method",
            "trace_symbol",
            "trace_name",
            "value",
            "trace_unit",
            "trace_source",
            "trace_steps",
        )
    }
    model = SimpleNamespace(t=words, value_words=lambda v: None, visible=lambda i: False)
    hostile = "<img src=x onerror=alert(1)>"
    trace = {
        "label": "total",
        "formula": "E = A + B",
        "value": 3.0,
        "unit": "t",
        "inputs": [],
        "steps": [
            {
                "label": hostile,
                "formula": "A",
                "value": 1.0,
                "unit": "t",
                "inputs": [],
                "steps": [{"label": "deep", "formula": "a", "value": 1.0, "unit": "t", "inputs": []}],
            },
            {"label": "B", "formula": "B", "value": 2.0, "unit": "t", "inputs": []},
        ],
    }
    lines = TraceRenderer(model, "x/index.md").render(trace, 3, "", ("root",))
    html = markdown.markdown("\n".join(lines), extensions=["tables", "attr_list", "md_in_html"])
    assert "<img" not in html
    n = nesting(html)
    assert n.ids["t-root"] == [] and n.ids["t-root-1"] == [False] and n.ids["t-root-2"] == [False]
    assert n.ids["t-root-1-1"] == [False, False]
    # each summary: the step's number, its name and its value (3 steps: 1, 1.1, 2)
    assert [s.split(" =")[0] for s in n.summaries] == [f"1 {hostile}", "1.1 deep", "2 B"]
    assert all(s.endswith("= 1.00 t") or s.endswith("= 2.00 t") for s in n.summaries), n.summaries

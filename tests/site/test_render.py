"""cms_build/site/render.py: a result is shown by its type where it has a model (issue 13), by
its keys only where no model describes it (an organization's own plain-JSON computation)."""

from __future__ import annotations

import html
from types import SimpleNamespace

import pytest

from cms_build.paths import bundled
from cms_build.results import JsonValue, ResultModel, Source, TracedValue, dump, viewed
from cms_build.site.model import Strings, load_strings
from cms_build.site.render import NO_MODEL, ResultRenderer, is_trace

# a dict with every key the JSON form of a trace has, and a source's keys, under fields typed as
# plain JSON: data, whatever their keys
LOOKS_LIKE_A_TRACE = {"value": 1, "unit": "t", "formula": "x = 1", "inputs": []}
LOOKS_LIKE_A_SOURCE = {"record": "REC-1", "path": "amount"}
TRACE = {"value": 2.5, "unit": "t", "label": "E", "formula": "E = A", "method": "", "inputs": [], "steps": [], "notes": []}


class Row(ResultModel):
    total: TracedValue
    extra: dict[str, JsonValue]


class Hit(ResultModel):
    name: str
    also: list[Source]
    seen: list[JsonValue]


@pytest.fixture()
def model():
    record = SimpleNamespace(id="REC-1", title="REC-1", rel="r/rec-1.yaml")
    return SimpleNamespace(
        t=Strings(load_strings(str(bundled("site")))["en"]),
        lang="en",
        visible=lambda rid: rid == "REC-1",
        page_of=lambda rid: f"records/{rid}.md",
        value_words=lambda value: None,
        by_id={"REC-1": record},
        cited_line=lambda *args: None,
    )


def shown(model, value, **kw) -> str:
    return html.unescape("\n".join(ResultRenderer(model, "x/index.md").render(value, **kw)))


def test_a_dict_that_looks_like_a_trace_in_a_json_field_is_data(model):
    data = dump(Row.model_validate({"total": TRACE, "extra": LOOKS_LIKE_A_TRACE}))
    typed = shown(model, data, tp=Row)
    # the JsonValue field: a section with a table of its keys, no trace heading, no formula line
    assert "## extra\n\n| Field | Value |\n|---|---|\n| value | 1 |\n| unit | t |\n| formula | x = 1 |" in typed
    assert "{#r-extra}" not in typed and '<span class="cms-formula">x = 1</span>' not in typed
    # the TracedValue field: a trace (2.5 t in the site's format for tonnes, two decimals)
    assert '## E {#r-total}\n\n**= 2.50 t** · Formula: <span class="cms-formula">E = A</span>' in typed
    # the same JSON with no model: recognised by its keys, both as traces
    untyped = shown(model, data, tp=NO_MODEL)
    assert "## x = 1 {#r-extra}\n\n**= 1.00 t**" in untyped and "## E {#r-total}" in untyped


def test_a_viewed_model_brings_its_type(model):
    row = viewed(Row, dump(Row.model_validate({"total": TRACE, "extra": LOOKS_LIKE_A_TRACE})))
    assert shown(model, row) == shown(model, dump(row), tp=Row)
    assert "{#r-extra}" not in shown(model, row)


def test_a_source_is_a_source_by_its_type(model):
    hits = [Hit.model_validate({"name": "a", "also": [LOOKS_LIKE_A_SOURCE], "seen": [LOOKS_LIKE_A_SOURCE]})]
    link = "[REC-1](../records/REC-1.md) amount"
    # list[Source]: linked to the record; list[JsonValue]: the JSON as text
    assert f'| a | {link} | [{{"path": "amount", "record": "REC-1"}}] |' in shown(model, hits)
    assert shown(model, hits) == shown(model, [dump(h) for h in hits], tp=list[Hit])
    # no model: both linked, by their keys
    assert f"| a | {link} | {link} |" in shown(model, [dump(h) for h in hits])


def test_is_trace_asks_the_type():
    assert is_trace(TracedValue.model_validate(TRACE))
    assert not is_trace(TRACE)  # JSON: the generic renderer decides it by its type
    assert not is_trace(viewed(TracedValue, {**TRACE, "value": None, "restricted": True}))  # only its shape is left

"""The conformity matrix as types (cms_build/matrix_model.py): the models describe what
build_matrix returns exactly, and a matrix of another shape is an error that says where."""

import copy
import datetime as dt

import pytest
from pydantic import ValidationError

from cms_build.engine import run
from cms_build.matrix import build_matrix
from cms_build.matrix_model import ConformityMatrix, read_matrix
from cms_build.results import dump
from tests.conftest import EXAMPLE, EXAMPLE_AS_OF


@pytest.fixture(scope="module")
def example_matrix():
    return build_matrix(run(EXAMPLE, dt.date.fromisoformat(EXAMPLE_AS_OF)))


def test_the_example_matrix_reads_as_the_model_and_dumps_back_the_same(example_matrix):
    m = read_matrix(example_matrix)
    assert isinstance(m, ConformityMatrix)
    assert dump(m) == example_matrix  # every key named, none added, none dropped
    assert [c.number for c in m.clauses] == [c["number"] for c in example_matrix["clauses"]]
    assert m.summary.get("not_applicable") == example_matrix["summary"]["not_applicable"] == 1
    c = next(c for c in m.clauses if c.number == "5.2")
    assert (c.title("zh"), c.title("en")) == (c.title_zh, c.title_en)
    assert c.item_counts.get("documented") == 6 and c.item_counts.get("no such status") == 0


def test_a_matrix_with_findings_notes_and_exclusions_reads_as_the_model(org):
    # B.5.1 excluded, but an error names it (test_matrix.py): findings, a note and an exclusion
    org.settings(subsystems=["B"], management={"exclusions": [{"clause": "B.5.1", "reason": "由集团监督"}]})
    matrix = build_matrix(org.run())
    m = read_matrix(matrix)
    assert dump(m) == matrix
    row = next(c for c in m.clauses if c.number == "B.5.1")
    assert row.status == "nonconforming" and row.note == "excluded (由集团监督), but an error names it"
    assert "sup.no-subsystem-supervisor" in {f.rule for f in row.findings} and all(f.severity == "error" for f in row.findings)
    assert [(e.clause, e.reason) for e in m.exclusions] == [("B.5.1", "由集团监督")]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda m: m["clauses"][3].update(status="fine"), ("clauses", 3, "status")),
        (lambda m: m["clauses"][0].pop("item_counts"), ("clauses", 0, "item_counts")),
        (lambda m: m["clauses"][0]["provisions"].append({"item": "z"}), ("clauses", 0, "provisions")),
        (lambda m: m["summary"].update(conforming="39"), ("summary", "conforming")),
        (lambda m: m.update(extra=1), ("extra",)),
    ],
)
def test_a_matrix_of_another_shape_is_an_error_at_its_place(example_matrix, change, where):
    bad = copy.deepcopy(example_matrix)
    change(bad)
    with pytest.raises(ValidationError) as exc:
        read_matrix(bad)
    assert any(tuple(e["loc"][: len(where)]) == where for e in exc.value.errors())


def test_no_matrix_is_none():
    assert read_matrix(None) is None

"""What a record's page and `cms show ID` list as computed from the record: found by the roles of
the result's fields (issue 13: RecordId, a mapping keyed by RecordId, a TracedValue's Source),
never by a key's name."""

import subprocess
import sys

import pytest

from cms_build.record_results import record_results

# An organization's own result type: the field that names the record has a name record_results
# never knew ("origin_plant"); the old finder (key "record", "source.record") missed the entry.
TOY = """
from cms_build.api import computation, Classifier, Label, Number, RecordId, ResultModel, Shape, TracedValue

class PlantLine(ResultModel):
    origin_plant: RecordId
    group: Classifier
    title: Label
    tonnes: Number  # a non-null number beside a figure
    emissions: TracedValue

class ToyResult(ResultModel):
    lines: list[PlantLine]

def traced(record, value):
    return TracedValue(value=value, unit='tCO2e', label='E', formula='E = AD × EF', method='',
        inputs=[dict(symbol='AD', name='活动数据', value=value, unit='t', note='',
                     source=dict(record=record, path='statement'))], steps=[], notes=[])

@computation('toy', title='toy')
def toy(ctx):  # names records it does not read: only the roles of its fields tell
    return ToyResult(lines=[
        PlantLine(origin_plant='PUB', group='a', title='公开工厂', tonnes=3, emissions=traced('PUB', 3)),
        PlantLine(origin_plant='PUB', group='b', title='另一条', tonnes=2.5, emissions=traced('INT', 2.5)),
    ])
"""


def toy_org(org):
    org.add("policy/PUB.yaml", org.record("policy", "PUB", statement="公开方针", issued_by="总经理", confidentiality="public"))
    org.add("policy/INT.yaml", org.record("policy", "INT", statement="内部", issued_by="x"))
    org.add("checks/toy.py", TOY)
    return org


def test_an_entry_naming_the_record_in_a_field_typed_record_id_is_listed(org):
    result = toy_org(org).run()
    assert "toy" in result.result_types
    rr = record_results(result.results, result.statuses, "PUB", result.result_types)
    # both lines name PUB in origin_plant: both are about it, whatever the field is called
    assert [e.where for e in rr.entries] == ["toy.lines.0", "toy.lines.1"]
    first = rr.entries[0]
    assert ("group",) in [at for at, _ in first.details] and [at for at, _ in first.figures] == [("emissions",)]
    assert rr.figures == []  # the figures citing PUB are inside its own entries
    # INT is named only by the Source of the second line's input: the figure rests on it
    ri = record_results(result.results, result.statuses, "INT", result.result_types)
    assert ri.entries == [] and [f.where for f in ri.figures] == ["toy.lines.1.emissions"]
    # without the result's type there are no roles: nothing is found (no guessing by key names)
    assert not record_results(result.results, {}, "PUB")


def test_cms_show_lists_the_entry(org):
    toy_org(org)
    proc = subprocess.run(
        [sys.executable, "-m", "cms_build.cli", "show", "PUB", "--path", str(org.root), "--as-of", "2026-06-30"], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "results about it (2):" in proc.stdout
    assert "  toy.lines.0\n    origin_plant: PUB\n    group: a\n    title: 公开工厂\n    tonnes: 3\n" in proc.stdout
    # its figure as the toy wrote it (3 t -> 3 tCO2e), the input's source marked as this record
    assert "    toy.lines.0.emissions: 3.00 tCO2e  — E\n" in proc.stdout and "PUB statement <- this record" in proc.stdout


def test_the_record_page_lists_the_entry(org):
    from cms_build.paths import bundled
    from cms_build.site.history import History
    from cms_build.site.model import SiteModel
    from cms_build.site.pages import Pages

    result = toy_org(org).run()
    site = SiteModel(result, "internal", "zh", History(False), [bundled("site")])
    from cms_build.record_results import results_index

    index = results_index(site.results, site.statuses, site.by_id, site.view.result_types)
    assert [e.where for e in index["PUB"].entries] == ["toy.lines.0", "toy.lines.1"]
    assert Pages is not None  # the page reads this index (cms_build/site/pages.py, record_results)


def test_a_public_build_reads_a_number_the_hider_withheld(org):
    """The second line's figure rests on INT (internal): the public View restricts the input,
    the Hider the figure, and the line's other data beside it (tonnes, title) are withheld: a
    non-null Number of the model is None there. Reading it back typed must not crash."""
    from cms_build.paths import bundled
    from cms_build.results import is_restricted, viewed
    from cms_build.site.history import History
    from cms_build.site.model import SiteModel

    result = toy_org(org).run()
    site = SiteModel(result, "public", "zh", History(False), [bundled("site")])
    line = site.results["toy"]["lines"][1]
    assert line["emissions"]["restricted"] is True and line["tonnes"] is None and line["group"] == "b"
    model = result.result_types["toy"]
    typed = viewed(model, site.results["toy"])
    second = typed.lines[1]
    assert second.tonnes is None and is_restricted(second.emissions) and second.group == "b"
    assert typed.lines[0].tonnes == 3 and typed.lines[0].title == "公开工厂"


@pytest.fixture(scope="module")
def example_result():
    import datetime as dt

    from cms_build.engine import run
    from tests.conftest import EXAMPLE, EXAMPLE_AS_OF

    return run(EXAMPLE, dt.date.fromisoformat(EXAMPLE_AS_OF))


def test_the_example_records_list_the_entries_that_name_them(example_result):
    """An activity record, a reported inventory, a claim: the same entries as when they were
    found by key names, and, by the roles, the entries naming them in other RecordId fields."""
    res, st, types = example_result.results, example_result.statuses, example_result.result_types
    where = lambda rid: [e.where for e in record_results(res, st, rid, types).entries]  # noqa: E731
    assert where("AD-2025-BJ2-GAS") == ["emissions.years.2025.entries.AD-2025-BJ2-GAS"]
    assert where("RI-2025") == ["emissions.years.2025.reported"]
    # the 2024 claim names NCL-HQ-2025 as its superseded_by, the serial uses as their claim
    assert where("NCL-HQ-2025") == [
        "neutrality.claims.NCL-HQ-2024",
        "neutrality.claims.NCL-HQ-2025",
        "neutrality.serial_uses.2",
        "neutrality.serial_uses.3",
        "neutrality_performance.claims.NCL-HQ-2025",
    ]
    # an emissions source: the activity records' entries name it in their `source` field
    src = where("SRC-BJ2-GAS")
    assert all(f"emissions.years.{y}.entries.AD-{y}-BJ2-GAS" in src for y in (2023, 2024, 2025))
    assert "emissions.years.2025.by_source.SRC-BJ2-GAS" in src  # filed under its id

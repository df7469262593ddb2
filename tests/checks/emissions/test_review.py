"""The emission-source review covers 6.1.2 a-j (checks/emissions/review.rules.yaml)."""

from tests.conftest import EXAMPLE

FULL = {
    "legal_requirements": "条例",
    "boundaries": "两个场所",
    "products_processes": "电力",
    "sources": "燃煤",
    "activity_data_factors": "实测",
    "emissions": "按指南",
    "influencing_factors": "负荷率",
    "reduction_measures": "通流改造",
    "baseline_benchmark": "2023 基准年",
    "equipment_calibration": "按期检定",
}


def _review(org, status="approved", **sources):
    org.settings(subsystems=["A"])
    org.add(
        "reviews/R.yaml",
        org.record(
            "cms_review",
            "R",
            status=status,
            review_date="2025-11-25",
            review_type="periodic",
            method_and_criteria="逐项评审",
            conclusions="结论",
            emission_sources=sources,
        ),
    )
    return org.of(org.run(), "emissions.source-review-incomplete")


def test_a_complete_review_has_no_finding(org):
    assert _review(org, **FULL) == []


def test_a_review_without_reduction_measures_is_an_error_at_6_1_2_h(org):
    found = _review(org, **{k: v for k, v in FULL.items() if k != "reduction_measures"})
    [f] = found
    assert f.severity == "error" and f.clauses == ("6.1.2 h",) and f.file == "reviews/R.yaml"
    assert f.message == ("the emission-source review (cms_review.emission_sources, 6.1.2) does not cover emission_sources.reduction_measures (6.1.2 h)")


def test_an_empty_review_misses_every_item_but_a_draft_is_not_judged(org):
    assert sorted(f.clauses[0] for f in _review(org)) == sorted(f"6.1.2 {x}" for x in "abcdefghij")
    assert _review(org, status="draft") == []


def test_the_example_review_covers_every_item():
    import yaml

    data = yaml.safe_load((EXAMPLE / "reviews" / "CMSR-2025-02.yaml").read_text(encoding="utf-8"))
    assert set(data["emission_sources"]) == set(FULL)

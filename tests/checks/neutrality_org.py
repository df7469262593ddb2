"""A small, complete neutrality setup for the check tests: no finding at 2026-06-30.

One subject (NS-1) with a plan, a 2025 footprint of 1000 MWh × 0.5 tCO2/MWh = 500 tCO2e,
one reduction action, a CCER afforestation batch of 600 credits (B1 1..600) of which 500
are retired for claim NC-1 (achieved 2026-02-16, valid 2026-03-01..2027-02-28), and a
neutrality review of 2026-01-20. Each builder returns a dict the test may change before
writing it with put().
"""

from __future__ import annotations

import copy

from tests.lines import line_of  # noqa: F401  (re-exported for the tests of this area)

ORG = dict(legal_name="测试组织", uscc="913211007545678X9Q")

CRITERIA = {
    k: {"met": True, "evidence": f"evidence {k}"}
    for k in ("a_real_additional", "b_project_criteria", "c_third_party", "d_issued_after_reduction", "e_public_documents", "f_registry", "g_priority")
}


def subject(**over):
    d = dict(
        organization="ORG",
        subject_code="S-1",
        subject_type="building_operation",
        description="办公楼运营",
        boundary="办公楼",
        characteristics=[{"name": "面积", "value": 1000, "unit": "m2"}],
        rationale="可控、边界清楚",
        method_rationale="GB/T 32150",
    )
    d.update(over)
    return d


def plan(**over):
    d = dict(
        subject="NS-1",
        commitment="每年碳中和",
        timeline=[{"date": "2026-02-28", "milestone": "2025 年碳中和"}],
        planned_achievement="2026-02-28",
        maintenance_period={"start": "2026-03-01", "end": "2030-12-31"},
        reduction_targets=[{"year": 2025, "target_percent": 10}],
        means={"description": "LED", "assumptions": "a", "technology_rationale": "r"},
        strategy={"estimated_offset_tco2e": 500, "methods": ["forest_sink", "ccus", "voluntary_reduction"]},
    )
    d.update(over)
    return d


def elec_line(mwh=1000, ef=0.5, source="外购电力", category="energy_indirect"):
    return {
        "source": source,
        "category": category,
        "calculation": {
            "method": "purchased_electricity",
            "activity": {"quantity": {"value": mwh, "unit": "MWh"}},
            "ef": {"value": ef, "unit": "tCO2/MWh", "source": "test"},
        },
    }


def footprint(year=2025, mwh=1000, **over):
    d = dict(
        subject="NS-1",
        period={"start": f"{year}-01-01", "end": f"{year}-12-31"},
        boundary="办公楼",
        method={"standards": ["GB/T 32150-2015"]},
        lines=[elec_line(mwh)],
        declared_total_tco2e=mwh * 0.5,
        report={"reference": f"R-{year}", "published_on": f"{year + 1}-01-20"},
    )
    d.update(over)
    return d


def action(**over):
    d = dict(
        subject="NS-1",
        plan="NP-1",
        measure_type="energy_efficiency",
        description="LED",
        started_on="2025-01-15",
        evaluations=[{"date": "2026-01-15", "period": {"start": "2025-01-15", "end": "2025-12-31"}, "achieved_tco2e": 20, "on_track": True}],
    )
    d.update(over)
    return d


def retirement(claim="NC-1", quantity=500, first=1, last=None, date="2026-02-10", block="B1", **over):
    last = first + quantity - 1 if last is None else last
    d = dict(date=date, quantity_tco2e=quantity, serials=[{"block": block, "first": first, "last": last}], claim=claim, certificate_ref=f"CERT-{claim}-{first}")
    d.update(over)
    return d


def credit(ptype="afforestation", vintage=2023, quantity=600, block="B1", first=1, retirements=None, **over):
    d = dict(
        standard="CCER",
        project={"name": "P", "type": ptype, "documents_url": "registry page"},
        vintage_year=vintage,
        reduction_period={"start": f"{vintage}-01-01", "end": f"{vintage}-12-31"},
        issued_on=f"{vintage + 1}-06-01",
        quantity_tco2e=quantity,
        serials=[{"block": block, "first": first, "last": first + quantity - 1}],
        registry={"name": "全国温室气体自愿减排注册登记系统"},
        verification={"body": "V"},
        purchase={"date": "2025-12-10"},
        procurement_criteria=copy.deepcopy(CRITERIA),
        retirements=[retirement(block=block, first=first)] if retirements is None else retirements,
    )
    d.update(over)
    return d


def claim(**over):
    d = dict(
        organization="ORG",
        subject="NS-1",
        footprint="CF-2025",
        plan="NP-1",
        reductions=[{"action": "RA-1", "tco2e": 20, "period": {"start": "2025-01-15", "end": "2025-12-31"}, "counted_in_footprint": False}],
        offset_tco2e=500,
        offset_emission_types=["energy_indirect"],
        evaluation={"form": "independent_third_party", "body": "V", "date": "2026-02-14", "result": "conforming", "covers_method_and_quantity": True},
        achieved_on="2026-02-16",
        valid_from="2026-03-01",
        valid_until="2027-02-28",
        disclosures=[{"channel": "网站", "from": "2026-03-05"}],
    )
    d.update(over)
    return d


def review(**over):
    d = dict(reviewed_on="2026-01-20", laws=["law"], subjects=["NS-1"])
    d.update(over)
    return d


FOLDER = {
    "organization": "organization",
    "neutrality_subject": "neutrality",
    "neutrality_plan": "neutrality",
    "carbon_footprint": "neutrality",
    "reduction_action": "neutrality",
    "offset_credit": "neutrality",
    "neutrality_claim": "neutrality",
    "claim_event": "neutrality",
    "neutrality_review": "neutrality",
    "trade_review": "neutrality",
}


def put(org, kind, rid, fields) -> str:
    """Write one record; returns its repository-relative path."""
    rel = f"{FOLDER[kind]}/{rid}.yaml"
    org.add(rel, org.record(kind, rid, **fields))
    return rel


def setup(org, *, skip=(), **replace) -> dict:
    """Write the complete setup; replace={'NC-1': {...}} swaps a record's fields, skip omits ids."""
    records = {
        "ORG": ("organization", dict(ORG)),
        "NS-1": ("neutrality_subject", subject()),
        "NP-1": ("neutrality_plan", plan()),
        "CF-2025": ("carbon_footprint", footprint()),
        "RA-1": ("reduction_action", action()),
        "OC-1": ("offset_credit", credit()),
        "NC-1": ("neutrality_claim", claim()),
        "NR-1": ("neutrality_review", review()),
    }
    paths = {}
    for rid, (kind, fields) in records.items():
        if rid in skip:
            continue
        paths[rid] = put(org, kind, rid, replace.get(rid.replace("-", "_"), fields))
    return paths


ENGINE_RULES = ("yaml.invalid", "record.kind", "record.id", "schema.invalid", "ref.invalid", "settings.invalid", "rules.crashed")


def neutrality_findings(result) -> list:
    """Findings of the neutrality rules, and of the engine (a record the schema rejects, a
    broken reference, a crashed check); other domains' rules are not this test's concern."""
    return [f for f in result.findings if f.rule.startswith("neutrality") or f.rule in ENGINE_RULES]

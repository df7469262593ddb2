"""A small organization with everything the emission rules look at, and nothing wrong with it.

Figures, worked out by hand (AR5, default grid factor 0.5703 tCO2/MWh):

    2024  coal: AD = 1,000 t × 20 GJ/t = 20,000 GJ = 20 TJ; EF = 25 tC/TJ × 100 % × 44/12 = 91.666… tCO2/TJ
                E = 20 × 91.666… = 1,833.333… tCO2
          electricity: 100,000 kWh = 100 MWh × 0.5703 = 57.03 tCO2
          total 1,890.363… tCO2e; output 2,000 MWh -> 0.945181… tCO2e/MWh; value 100 × 10^4 CNY -> 18.90363…
    2025  coal: 1,100 t × 20 GJ/t = 22 TJ × 91.666… = 2,016.666… tCO2
          electricity: 110 MWh × 0.5703 = 62.733 tCO2
          total 2,079.399… tCO2e; output 2,100 MWh -> 0.990190… tCO2e/MWh; value 105 -> 19.80380…

Each test changes one thing and looks for the one finding it should cause.
"""

from __future__ import annotations

E_COAL = {2024: 20 * 25 * 44 / 12, 2025: 22 * 25 * 44 / 12}
E_ELEC = {2024: 100 * 0.5703, 2025: 110 * 0.5703}
TOTAL = {y: E_COAL[y] + E_ELEC[y] for y in (2024, 2025)}
COAL_T = {2024: 1000, 2025: 1100}
ELEC_KWH = {2024: 100_000, 2025: 110_000}
OUTPUT_MWH = {2024: 2000, 2025: 2100}
OUTPUT_VALUE = {2024: 100, 2025: 105}

ENGINE = ("schema.invalid", "ref.invalid", "record.kind", "record.id", "yaml.invalid", "rules.crashed")


def emission_findings(result) -> list:
    return [f for f in result.findings if f.rule.startswith("emissions.") or f.rule in ENGINE]


def put(org, folder: str, record: dict) -> None:
    org.add(f"{folder}/{record['id']}.yaml", record)


def coal_line(year: int, **over) -> dict:
    line = {
        "method": "emission_factor",
        "fuel": "coal",
        "activity": {"quantity": {"value": COAL_T[year], "unit": "t"}, "data_source": "belt scale"},
        "ncv": {"value": 20, "unit": "GJ/t", "basis": "measured", "source": "lab report", "test_standard": "GB/T 213"},
        "carbon_content": {"value": 25, "unit": "tC/TJ", "basis": "measured", "source": "lab report"},
        "oxidation": {"value": 100, "unit": "%", "basis": "calculated", "source": "ash analysis"},
    }
    line.update(over)
    return line


def elec_line(year: int, **over) -> dict:
    line = {"method": "purchased_electricity", "activity": {"quantity": {"value": ELEC_KWH[year], "unit": "kWh"}, "data_source": "grid meter"}}
    line.update(over)
    return line


def activity(org, year: int, source: str, line: dict, rid: str | None = None, **extra) -> str:
    rid = rid or f"AD-{year}-{source}"
    put(org, "activity", org.record("activity_data", rid, source=source, year=year, line=line, **extra))
    return rid


def plan_sources() -> list:
    item = lambda p, basis: {
        "parameter": p,
        "basis": basis,
        "method": "m",
        "frequency": "monthly",  # noqa: E731
        "responsible": "fuel dept",
        "record_form": "ledger",
    }
    return [
        {
            "source": "SRC-COAL",
            "method": "emission_factor",
            "items": [item("activity", "measured"), item("ncv", "measured"), item("carbon_content", "measured"), item("oxidation", "calculated")],
        },
        {"source": "SRC-ELEC", "method": "purchased_electricity", "items": [item("activity", "measured"), item("ef", "default")]},
    ]


def plan(**over) -> dict:
    fields = dict(
        reporting_years=[2024, 2025, 2026],
        organization="ORG-1",
        boundary={"description": "the whole company"},
        method_choice="emission factor method",
        sources=plan_sources(),
        uncertainty=[{"item": "belt scale", "measures": "calibrated yearly"}],
        submission={"required": True, "authority": "provincial EEB", "submitted_on": "2023-12-20"},
    )
    fields.update(over)
    return fields


def setup(org, years=(2024, 2025)) -> None:
    org.settings(subsystems=["A", "B", "C", "D"], gwp_set="AR5")
    put(
        org,
        "organization",
        org.record(
            "organization",
            "ORG-1",
            legal_name="测试发电有限公司",
            uscc="913211007545678X9Q",
            legal_representative="张三",
            industry_code="4411",
            business_address="addr",
            mailing_address="addr",
            contact={"name": "李四", "phone": "1"},
            mandatory_schemes=["national_ets"],
        ),
    )
    put(org, "facilities", org.record("facility", "FAC-1", site="S1", facility_type="coal_fired_unit", process="发电", commissioned="2010-01-01"))
    put(org, "facilities", org.record("facility", "FAC-AUX", site="S1", facility_type="other", commissioned="2010-01-01"))
    put(org, "sources", org.record("emission_source", "SRC-COAL", facility="FAC-1", category="fuel_combustion", fuel="coal", method="emission_factor"))
    put(org, "sources", org.record("emission_source", "SRC-ELEC", facility="FAC-AUX", category="purchased_electricity", method="purchased_electricity"))
    for y in years:
        activity(org, y, "SRC-COAL", coal_line(y))
        activity(org, y, "SRC-ELEC", elec_line(y))
        put(
            org,
            "production",
            org.record(
                "product_output",
                f"PO-{y}",
                year=y,
                products=[
                    {
                        "product": "electricity",
                        "name": "电力",
                        "output": {"value": OUTPUT_MWH[y], "unit": "MWh"},
                        "design_capacity": {"value": 300, "unit": "MW"},
                        "facility": "FAC-1",
                    }
                ],
                output_value={"value": OUTPUT_VALUE[y], "unit": "10^4 CNY"},
            ),
        )
        put(org, "inventory", org.record("reported_inventory", f"RI-{y}", year=y, total={"value": round(TOTAL[y], 2), "unit": "tCO2"}))
    put(org, "monitoring", org.record("monitoring_plan", "MP-1", **plan()))
    verifier = {"name": "V Co", "accreditation": "listed", "competence": "experienced"}
    vplan = {"scope": "all", "objectives": "verify", "requirements": ["guide"], "assurance_level": "reasonable", "materiality_pct": 5}
    put(
        org,
        "verification",
        org.record(
            "verification",
            "VER-2024",
            year=2024,
            scheme="national_ets",
            plan=vplan,
            verifier=verifier,
            statement={"date": "2025-07-01", "opinion": "unqualified", "verified_emissions": {"value": round(TOTAL[2024]), "unit": "tCO2"}},
        ),
    )
    put(org, "verification", org.record("verification", "VER-2025", year=2025, scheme="national_ets", plan=vplan, verifier=verifier))
    put(
        org,
        "performance",
        org.record(
            "indicator",
            "IND-1",
            level="equipment",
            measure="intensity",
            emissions={"facilities": ["FAC-1"]},
            denominator={"product": "electricity", "facilities": ["FAC-1"]},
            unit="kgCO2/MWh",
            method="coal emissions / generation",
        ),
    )
    put(
        org,
        "performance",
        org.record(
            "baseline",
            "BL-1",
            indicator="IND-1",
            basis="previous_year",
            years=[2024],
            rationale="normal year",
            benchmark={"value": 0.9, "unit": "tCO2/MWh", "basis": "own_best", "source": "2021"},
        ),
    )
    put(
        org,
        "performance",
        org.record(
            "target",
            "TGT-1",
            objective="cut unit intensity 2 %",
            indicator="IND-1",
            baseline="BL-1",
            reduction_pct=2,
            deadline="2026-12-31",
            responsible="GM",
            action_plans=["AP-1"],
            communicated=[{"date": "2025-01-15", "audience": "all staff", "channel": "staff meeting"}],  # 6.4.2 g
        ),
    )
    put(
        org,
        "performance",
        org.record(
            "action_plan", "AP-1", targets=["TGT-1"], measures=[{"what": "retrofit"}], responsible="ops", deadline="2026-06-30", evaluation="heat rate test"
        ),
    )
    # TGT-1 is behind in 2025 (960.317 kg/MWh against the 916.667 baseline: -238 % of the improvement
    # achieved, 50 % of the time elapsed): recorded and responded to, so emissions.target-behind is quiet
    put(
        org,
        "deviations",
        org.record(
            "performance_deviation",
            "DEV-1",
            indicator="IND-1",
            expected_basis="target",
            expected_ref="TGT-1",
            period={"start": "2025-01-01", "end": "2025-12-31"},
            detected_on="2025-12-20",
            expected=907.5,
            actual=960.3,
            investigation={"date": "2025-12-22", "cause": "more part-load running"},
            response={"date": "2025-12-28", "actions": "load scheduling"},
        ),
    )


def ets_obligation(org, rel: str, rid: str, scheme: str, **extra) -> None:
    """An ETS obligation (ets_compliance) of 2025 of the given scheme, at rel."""
    org.add(
        rel,
        org.record(
            "ets_compliance",
            rid,
            scheme=scheme,
            compliance_period="2025",
            years=[2025],
            registry_account="REG",
            emissions=[{"year": 2025, "emissions_tco2e": 1}],
            deadline="2026-12-31",
            **extra,
        ),
    )

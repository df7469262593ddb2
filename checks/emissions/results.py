"""Result types of the emissions computations: `emissions` (inventory per year, indicators, targets:
6.1.2 e-f, 6.2, 6.3, A.9.1.1, E.1, F.2-F.4) and `annex_e` (the data collection tables of Annex E).

Each model describes exactly what the computation returns (cms_build/results.py gives the
conventions: strict, no unknown key, absent keys stay absent). A class's docstring is where it
sits in the result (`*` a key of a map, `[]` an item of a list).
"""
from __future__ import annotations

from cms_build.results import Number, ResultModel, Source, StatusReason, TracedValue


class EmissionsSettings(ResultModel):
    """emissions.settings"""
    grid: str
    heat: str
    ch4_combustion_origin: str


class EmissionsSourceTotal(ResultModel):
    """emissions.years.*.sources.*"""
    source: str
    title: str
    facility: str
    site: str
    process: str | None
    category: str
    method: str
    fuel: str | None
    material: str | None
    records: list[str]
    value: Number


class EmissionsParameter(ResultModel):
    """emissions.years.*.entries.*.parameters[]"""
    name: str
    symbol: str
    value: Number
    unit: str
    basis: str
    origin: str
    citation: str
    second_hand: bool
    source: Source
    note: str
    path: str


class EmissionsEntryGap(ResultModel):
    """emissions.years.*.entries.*.gaps[]"""
    activity: str
    period: str
    status: str
    value: Number
    source: Source


class EmissionsGasOrigin(ResultModel):
    """emissions.years.*.entries.*.gas_origin"""
    gas: str
    origin: str | None
    why: str
    key: str


class EmissionsSubstituted(ResultModel):
    """emissions.years.*.entries.*.cems.substituted[]"""
    time: str
    reason: str
    value_t: Number


class EmissionsCems(ResultModel):
    """emissions.years.*.entries.*.cems"""
    file: str
    intervals: Number
    valid: Number
    invalid: Number
    missing: Number
    substitution: str
    substituted: list[EmissionsSubstituted]


class EmissionsEntry(ResultModel):
    """emissions.years.*.entries.*"""
    record: str
    source: str
    facility: str
    site: str
    process: str | None
    category: str
    method: str
    fuel: str | None
    material: str | None
    year: Number
    record_source: Source
    clause: str
    gwp_set: str
    total: TracedValue
    gases: dict[str, TracedValue]
    gas_mass: dict[str, Number]
    activity: TracedValue
    parameters: list[EmissionsParameter]
    gaps: list[EmissionsEntryGap]
    instruments: list[str]
    data_source: str
    energy: TracedValue | None
    gas_origin: EmissionsGasOrigin | None
    cems: EmissionsCems | None


class EmissionsRecorded(ResultModel):
    """emissions.years.*.products.*.rows[].recorded"""
    value: Number
    unit: str


class EmissionsProductRow(ResultModel):
    """emissions.years.*.products.*.rows[]"""
    value: Number
    unit: str
    facility: str | None
    site: str | None
    note: str
    data_source: str
    source: Source
    recorded: EmissionsRecorded | None


class EmissionsDesignCapacity(ResultModel):
    """emissions.years.*.products.*.design_capacity[]"""
    value: Number
    unit: str
    facility: str | None
    site: str


class EmissionsProduct(ResultModel):
    """emissions.years.*.products.*"""
    product: str
    name: str
    name_en: str
    unit: str
    rows: list[EmissionsProductRow]
    design_capacity: list[EmissionsDesignCapacity]
    value: Number
    total: TracedValue


class EmissionsIntensity(ResultModel):
    """emissions.years.*.intensity"""
    per_output_value: TracedValue | None
    per_product: dict[str, TracedValue]


class EmissionsGap(ResultModel):
    """emissions.years.*.gaps[]"""
    record: str
    activity: str
    period: str
    status: str
    value: Number
    source: Source


class EmissionsChange(ResultModel):
    """emissions.years.*.changes.total"""
    previous: Number
    current: Number
    change_pct: Number


class EmissionsSourceChange(ResultModel):
    """emissions.years.*.changes.sources.*"""
    previous: Number | None
    current: Number | None
    change_pct: Number | None


class EmissionsChanges(ResultModel):
    """emissions.years.*.changes"""
    previous_year: Number | None = None
    total: EmissionsChange | None = None
    sources: dict[str, EmissionsSourceChange] | None = None
    intensity: dict[str, EmissionsChange] | None = None


class EmissionsReported(ResultModel):
    """emissions.years.*.reported"""
    record: str
    value: Number
    unit: str
    difference: Number
    difference_pct: Number


class EmissionsVerified(ResultModel):
    """emissions.years.*.verified"""
    record: str
    value: Number
    unit: str
    opinion: str
    date: str


class EtsSourceComparison(ResultModel):
    """emissions.years.*.ets.by_source.*"""
    source: str
    title: str
    category: str
    in_ets: bool
    why: str
    inventory: Number
    ets: Number
    difference: Number


class EmissionsEts(ResultModel):
    """emissions.years.*.ets"""
    total: TracedValue
    difference: TracedValue
    by_source: dict[str, EtsSourceComparison]


class EmissionsYear(ResultModel):
    """emissions.years.*"""
    year: Number
    gwp_set: str
    total: TracedValue
    gas_mass: dict[str, Number]
    by_gas: dict[str, TracedValue]
    by_source: dict[str, TracedValue]
    by_facility: dict[str, TracedValue]
    by_site: dict[str, TracedValue]
    by_process: dict[str, TracedValue]
    by_category: dict[str, TracedValue]
    by_method: dict[str, TracedValue]
    sources: dict[str, EmissionsSourceTotal]
    entries: dict[str, EmissionsEntry]
    products: dict[str, EmissionsProduct]
    output_value: TracedValue | None
    intensity: EmissionsIntensity
    gaps: list[EmissionsGap]
    changes: EmissionsChanges
    reported: EmissionsReported | None
    verified: EmissionsVerified | None
    ets: EmissionsEts | None = None


class IndicatorBaseline(ResultModel):
    """emissions.indicators.*.baseline"""
    record: str
    years: list[Number]
    value: Number | None
    unit: str
    trace: TracedValue | None


class IndicatorBenchmark(ResultModel):
    """emissions.indicators.*.benchmark"""
    record: str
    value: Number
    unit: str
    basis: str
    source: str


class IndicatorComparison(ResultModel):
    """emissions.indicators.*.comparison.*"""
    vs_baseline_pct: Number | None
    vs_benchmark_pct: Number | None


class IndicatorResult(ResultModel):
    """emissions.indicators.*"""
    id: str
    title: str
    level: str
    measure: str
    unit: str
    subject: str | None
    direction: str
    values: dict[str, TracedValue]
    baseline: IndicatorBaseline | None
    benchmark: IndicatorBenchmark | None
    comparison: dict[str, IndicatorComparison]
    problems: list[str]


class TargetProgress(ResultModel):
    """emissions.targets.*"""
    id: str
    title: str
    indicator: str | None
    baseline_record: str | None
    unit: str | None
    deadline: str | None
    action_plans: list[str]
    baseline: Number | None
    target: Number | None
    latest_year: Number | None
    latest: Number | None
    achieved_pct: Number | None
    expected_pct: Number | None
    status: str
    # written by cms_build/statuses.py after the checks (absent in the computation's own result)
    computed_status: str | None = None
    tone: str | None = None
    reasons: list[StatusReason] | None = None


class EmissionsResult(ResultModel):
    """emissions"""
    gwp_set: str
    settings: EmissionsSettings
    years: dict[str, EmissionsYear]
    not_computed: list[str]
    excluded: list[str]
    indicators: dict[str, IndicatorResult]
    targets: dict[str, TargetProgress]


class Bilingual(ResultModel):
    """annex_e.tables.*.title"""
    zh: str
    en: str


class AnnexEColumn(ResultModel):
    """annex_e.tables.*.columns[]"""
    key: str
    zh: str
    en: str


class AnnexETable(ResultModel):
    """annex_e.tables.*"""
    id: str
    title: Bilingual
    columns: list[AnnexEColumn]
    rows: list[dict[str, Bilingual | str | Number | None]]  # keyed by the columns' keys
    notes: list[Bilingual]


class AnnexEResult(ResultModel):
    """annex_e"""
    years: list[Number]
    tables: dict[str, AnnexETable]

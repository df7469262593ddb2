"""Result types of the emissions computations: `emissions` (inventory per year, indicators, targets:
6.1.2 e-f, 6.2, 6.3, A.9.1.1, E.1, F.2-F.4) and `annex_e` (the data collection tables of Annex E).

Each model describes what the computation returns: its keys, nesting, maps, lists and value
types exactly (cms_build/results.py gives the conventions: strict, no unknown key, absent keys
stay absent). Every scalar may be null: many are read from a record's optional field and are
None when it is left out; make one non-null only where the computation guarantees a value.
The models were drafted from the results of the example and of every run in tests/checks/. A
class's docstring is where it sits in the result (`*` a key of a map, `[]` an item of a list).
A field's role is in its type (cms_build/results.py): `RecordId` where the value is a record's
id (`dict[RecordId, ...]`: filed by record id), `Label` for text that may quote a record's title,
`Classifier` and `Shape` for what only classifies a value; the public profile decides by them.
"""

from typing import Literal

from cms_build.api import Classifier, Label, Number, RecordId, ResultModel, Shape, Source, StatusReason, TracedValue


class EmissionsSettings(ResultModel):
    """emissions.settings"""

    grid: str | None
    heat: str | None
    ch4_combustion_origin: str | None


class EmissionsSourceTotal(ResultModel):
    """emissions.years.*.sources.*"""

    source: RecordId | None
    title: Label | None
    facility: RecordId | None
    site: str | None
    process: str | None
    category: Classifier | None
    method: Shape | None
    fuel: str | None
    material: str | None
    records: list[RecordId | None]
    value: Number | None


class EmissionsParameter(ResultModel):
    """emissions.years.*.entries.*.parameters[]"""

    name: Label | None
    symbol: Shape | None
    value: Number | None
    unit: Shape | None
    basis: str | None
    origin: str | None
    citation: str | None
    second_hand: bool | None
    source: Source
    note: Label | None
    path: str | None


class EmissionsEntryGap(ResultModel):
    """emissions.years.*.entries.*.gaps[]"""

    activity: str | None
    period: str | None
    status: str | None
    value: Number | None
    source: Source


class EmissionsGasOrigin(ResultModel):
    """emissions.years.*.entries.*.gas_origin"""

    gas: Classifier | None
    origin: str | None
    why: str | None
    key: str | None


class EmissionsSubstituted(ResultModel):
    """emissions.years.*.entries.*.cems.substituted[]"""

    time: str | None
    reason: str | None
    value_t: Number | None


class EmissionsCems(ResultModel):
    """emissions.years.*.entries.*.cems"""

    file: str | None
    intervals: Number | None
    valid: Number | None
    invalid: Number | None
    missing: Number | None
    substitution: str | None
    substituted: list[EmissionsSubstituted]


class EmissionsEntry(ResultModel):
    """emissions.years.*.entries.*"""

    record: RecordId | None
    source: RecordId | None
    facility: RecordId | None
    site: str | None
    process: str | None
    category: Classifier | None
    method: Shape | None
    fuel: str | None
    material: str | None
    year: Number | None
    record_source: Source
    clause: str | None
    gwp_set: str | None
    total: TracedValue
    gases: dict[str, TracedValue]
    gas_mass: dict[str, Number | None]
    activity: TracedValue | None
    parameters: list[EmissionsParameter]
    gaps: list[EmissionsEntryGap]
    instruments: list[RecordId | None]
    data_source: str | None
    energy: TracedValue | None
    gas_origin: EmissionsGasOrigin | None
    cems: EmissionsCems | None


class EmissionsRecorded(ResultModel):
    """emissions.years.*.products.*.rows[].recorded"""

    value: Number | None
    unit: Shape | None


class EmissionsProductRow(ResultModel):
    """emissions.years.*.products.*.rows[]"""

    value: Number | None
    unit: Shape | None
    facility: RecordId | None
    site: str | None
    note: Label | None
    data_source: str | None
    source: Source
    recorded: EmissionsRecorded | None


class EmissionsDesignCapacity(ResultModel):
    """emissions.years.*.products.*.design_capacity[]"""

    value: Number | None
    unit: Shape | None
    facility: RecordId | None
    site: str | None


class EmissionsProduct(ResultModel):
    """emissions.years.*.products.*"""

    product: Classifier | None
    name: Label | None
    name_en: Label | None
    unit: Shape | None
    rows: list[EmissionsProductRow]
    design_capacity: list[EmissionsDesignCapacity]
    value: Number | None
    total: TracedValue


class EmissionsIntensity(ResultModel):
    """emissions.years.*.intensity"""

    per_output_value: TracedValue | None
    per_product: dict[str, TracedValue]


class EmissionsGap(ResultModel):
    """emissions.years.*.gaps[]"""

    record: RecordId | None
    activity: str | None
    period: str | None
    status: str | None
    value: Number | None
    source: Source


class EmissionsChange(ResultModel):
    """emissions.years.*.changes.total"""

    previous: Number | None
    current: Number | None
    change_pct: Number | None


class EmissionsChanges(ResultModel):
    """emissions.years.*.changes"""

    previous_year: Number | None = None
    total: EmissionsChange | None = None
    sources: dict[RecordId, EmissionsChange] | None = None
    intensity: dict[str, EmissionsChange] | None = None


class EmissionsReported(ResultModel):
    """emissions.years.*.reported"""

    record: RecordId
    value: Number | None
    unit: Shape
    difference: Number | None
    difference_pct: Number | None
    # the same figures as one trace (inventory.reported_vs_recomputed), for the record's page
    comparison: TracedValue | None = None


class EmissionsVerified(ResultModel):
    """emissions.years.*.verified"""

    record: RecordId
    value: Number | None
    unit: Shape
    opinion: str | None
    date: str | None


#: Why a source is inside the national ETS boundary or not (compute._in_ets): its own
#: `ets_boundary` says inside or outside (flag_*), or its category is inside or outside the
#: boundary of a power generation facility (category_*, A.9.1 a). The site says it from
#: site/strings.yaml `ets_why`.
EtsReason = Literal["flag_inside", "flag_outside", "category_inside", "category_outside"]


class EtsSourceComparison(ResultModel):
    """emissions.years.*.ets.by_source.*: `reason` the code of why it is inside or not, and
    `reason_category` the category it was judged by (None when its own ets_boundary says);
    `why` the same in English (inventory.ETS_WHY), for tools and the difference's notes."""

    source: RecordId | None
    title: Label | None
    category: Classifier | None
    in_ets: bool | None
    why: str | None
    reason: EtsReason | None = None
    reason_category: Classifier | None = None
    inventory: Number | None
    ets: Number | None
    difference: Number | None


class EmissionsEts(ResultModel):
    """emissions.years.*.ets"""

    total: TracedValue
    difference: TracedValue
    by_source: dict[RecordId, EtsSourceComparison]


class EmissionsYear(ResultModel):
    """emissions.years.*"""

    year: Number | None
    gwp_set: str | None
    total: TracedValue
    gas_mass: dict[str, Number | None]
    by_gas: dict[str, TracedValue]
    by_source: dict[RecordId, TracedValue]
    by_facility: dict[RecordId, TracedValue]
    by_site: dict[str, TracedValue]
    by_process: dict[str, TracedValue]
    by_category: dict[str, TracedValue]
    by_method: dict[str, TracedValue]
    sources: dict[RecordId, EmissionsSourceTotal]
    entries: dict[RecordId, EmissionsEntry]
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

    record: RecordId
    years: list[Number | None]
    value: Number | None
    unit: Shape | None
    trace: TracedValue | None


class IndicatorBenchmark(ResultModel):
    """emissions.indicators.*.benchmark"""

    record: RecordId
    value: Number | None
    unit: Shape | None
    basis: str | None
    source: str | None


class IndicatorComparison(ResultModel):
    """emissions.indicators.*.comparison.*"""

    vs_baseline_pct: Number | None
    vs_benchmark_pct: Number | None


class IndicatorResult(ResultModel):
    """emissions.indicators.*"""

    id: RecordId | None
    title: Label | None
    level: str | None
    measure: str | None
    unit: Shape | None
    subject: Label | None
    direction: str | None
    values: dict[str, TracedValue]
    baseline: IndicatorBaseline | None
    benchmark: IndicatorBenchmark | None
    comparison: dict[str, IndicatorComparison]
    problems: list[str | None]


class TargetProgress(ResultModel):
    """emissions.targets.*"""

    id: RecordId | None
    title: Label | None
    indicator: RecordId | None
    baseline_record: RecordId | None
    unit: Shape | None
    deadline: str | None
    action_plans: list[RecordId | None]
    baseline: Number | None
    target: Number | None
    latest_year: Number | None
    latest: Number | None
    achieved_pct: Number | None
    expected_pct: Number | None
    status: str | None
    # written by cms_build/statuses.py after the checks (absent in the computation's own result)
    computed_status: str | None = None
    tone: str | None = None
    reasons: list[StatusReason] | None = None


class EmissionsResult(ResultModel):
    """emissions"""

    gwp_set: str | None
    settings: EmissionsSettings
    years: dict[str, EmissionsYear]
    not_computed: list[RecordId | None]
    excluded: list[RecordId | None]
    indicators: dict[RecordId, IndicatorResult]
    targets: dict[RecordId, TargetProgress]


class Bilingual(ResultModel):
    """annex_e.tables.*.title"""

    zh: str | None
    en: str | None


class AnnexEColumn(ResultModel):
    """annex_e.tables.*.columns[]"""

    key: Classifier | None
    zh: str | None
    en: str | None


class AnnexETable(ResultModel):
    """annex_e.tables.*"""

    id: str | None
    title: Bilingual
    columns: list[AnnexEColumn]
    rows: list[dict[str, Bilingual | str | Number | None]]  # keyed by the columns' keys
    notes: list[Bilingual]


class AnnexEResult(ResultModel):
    """annex_e"""

    years: list[Number | None]
    tables: dict[str, AnnexETable]


class ValueChainPurchase(ResultModel):
    """value_chain.purchases.*"""

    record: RecordId
    item: Label | None
    supplier: RecordId | None
    year: int
    scope3_category: int
    scope3_category_name: Classifier
    iso14064_category: int
    total: TracedValue


class ValueChainYear(ResultModel):
    """value_chain.years.*"""

    total: TracedValue
    by_scope3_category: dict[str, Number]


class ValueChainResult(ResultModel):
    """value_chain: purchases' cradle-to-gate emissions, apart from the inventory (A.8.2.3)"""

    purchases: dict[RecordId, ValueChainPurchase]
    years: dict[str, ValueChainYear]

"""Result types of the trading computations: `trading` (trade ledgers, conduct per item of B.8.2.2.1,
B.6.4, B.9.1) and `surveillance` (the conduct surveillance table per item a-l).

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

from pydantic import Field

from cms_build.api import Classifier, JsonValue, Label, Number, RecordId, ResultModel, Source


class TradingSettings(ResultModel):
    """trading.settings"""

    price_band_listed: Number | None
    price_band_block: Number | None
    block_threshold_t: Number | None
    price_tick: Number | None
    self_trade_max_count: Number | None
    cancel_ratio_max: Number | None
    cancel_min_orders: Number | None
    reverse_trade_price_tolerance: Number | None
    reverse_trade_max_gap_days: Number | None
    reverse_trade_min_pairs: Number | None


class TradingAccount(ResultModel):
    """trading.accounts.*"""

    role: str | None
    exchange: str | None
    markets: list[str | None]
    controlled: bool | None
    ledger: RecordId | None


class TradingCounts(ResultModel):
    """trading.counts"""

    trades: Number | None
    orders: Number | None
    ledgers: Number | None
    priced_orders: Number | None
    unpriced_orders: Number | None


class SelfTrade(ResultModel):
    """trading.self_trades[]"""

    trade_id: str | None
    date: str | None
    account: RecordId | None
    counterparty: RecordId | None
    record: RecordId | None
    source: Source


class PriceBandValue(ResultModel):
    """trading.price_band[].value"""

    price: Number | None
    prev_close: Number | None
    prev_close_date: str | None
    low: Number | None
    high: Number | None


class PriceBandHit(ResultModel):
    """trading.price_band[]"""

    what: str | None
    id: str | None
    date: str | None
    asset: str | None
    class_: str | None = Field(alias="class")  # a Python keyword: stored as "class"
    band: Number | None
    record: RecordId | None
    source: Source
    stale_close_days: Number | None
    value: PriceBandValue


class TypeMismatch(ResultModel):
    """trading.type_mismatch[]"""

    what: str | None
    id: str | None
    date: str | None
    declared: str | None
    class_: str | None = Field(alias="class")  # a Python keyword: stored as "class"
    quantity: Number | None
    threshold: Number | None
    record: RecordId | None
    source: Source


class CancelRatio(ResultModel):
    """trading.cancel_ratios[]"""

    account: RecordId | None
    date: str | None
    placed: Number | None
    cancelled: Number | None
    ratio: Number | None
    sources: list[Source]
    flagged: bool | None


class TradeLeg(ResultModel):
    """trading.reverse_pairs[].value.first"""

    date: str | None
    side: Classifier | None
    price: Number | None
    quantity: Number | None
    trade_id: str | None
    source: Source


class ReversePairLegs(ResultModel):
    """trading.reverse_pairs[].value"""

    first: TradeLeg
    second: TradeLeg


class ReversePair(ResultModel):
    """trading.reverse_pairs[]"""

    account: RecordId | None
    second_account: RecordId | None
    asset: str | None
    price_diff_pct: Number | None
    source: Source
    value: ReversePairLegs
    record: RecordId | None


class TradingProblem(ResultModel):
    """trading.problems[]"""

    message: str | None
    source: Source


class ConductHit(ResultModel):
    """trading.conduct.*.hits[]"""

    item: str | None
    rule: str | None
    date: str | None
    ledgers: list[RecordId | None]
    record: RecordId | None
    source: Source
    also: list[Source]
    ids: list[str | None]
    text: str | None
    value: dict[str, JsonValue]
    severity: str | None = None


class ConductItem(ResultModel):
    """trading.conduct.*"""

    checked: bool | None
    why_not: str | None
    data: dict[str, JsonValue]
    hits: list[ConductHit]
    note: Label | None = None


class TradingResult(ResultModel):
    """trading"""

    settings: TradingSettings
    accounts: dict[RecordId, TradingAccount]
    counts: TradingCounts
    self_trades: list[SelfTrade]
    price_band: list[PriceBandHit]
    type_mismatch: list[TypeMismatch]
    cancel_ratios: list[CancelRatio]
    reverse_pairs: list[ReversePair]
    problems: list[TradingProblem]
    conduct: dict[str, ConductItem]


class SurveillanceHit(ResultModel):
    """surveillance.items.*.hits[]"""

    item: str | None
    rule: str | None
    date: str | None
    ledgers: list[RecordId | None]
    record: RecordId | None
    source: Source
    ids: list[str | None]
    text: str | None
    also: list[Source] | None = None
    value: dict[str, JsonValue] | None = None
    severity: str | None = None


class SurveillanceItem(ResultModel):
    """surveillance.items.*"""

    clause: str | None
    rules: list[str | None]
    parameters: dict[str, JsonValue]
    data_needed: str | None
    checked: bool | None
    why_not: str | None
    note: Label | None
    data: dict[str, JsonValue]
    hits: list[SurveillanceHit]


class SurveillanceLedger(ResultModel):
    """surveillance.ledgers.*"""

    account: RecordId | None
    years: list[Number | None]


class SurveillanceResult(ResultModel):
    """surveillance"""

    items: dict[str, SurveillanceItem]
    ledgers: dict[RecordId, SurveillanceLedger]
    # {ledger id or "*": {year: {item letter: the item with that ledger's hits of that year}}}
    by_ledger_year: dict[RecordId, dict[str, dict[str, SurveillanceItem]]] = {}

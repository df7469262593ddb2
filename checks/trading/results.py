"""Result types of the trading computations: `trading` (trade ledgers, conduct per item of B.8.2.2.1,
B.6.4, B.9.1) and `surveillance` (the conduct surveillance table per item a-l).

Each model describes what the computation returns: its keys, nesting, maps, lists and value
types exactly (cms_build/results.py gives the conventions: strict, no unknown key, absent keys
stay absent). Every scalar may be null: many are read from a record's optional field and are
None when it is left out; make one non-null only where the computation guarantees a value.
The models were drafted from the results of the example and of every run in tests/checks/. A
class's docstring is where it sits in the result (`*` a key of a map, `[]` an item of a list).
"""

from __future__ import annotations

from pydantic import Field

from cms_build.api import JsonValue, Number, ResultModel, Source


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
    ledger: str | None


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
    account: str | None
    counterparty: str | None
    record: str | None
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
    record: str | None
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
    record: str | None
    source: Source


class CancelRatio(ResultModel):
    """trading.cancel_ratios[]"""

    account: str | None
    date: str | None
    placed: Number | None
    cancelled: Number | None
    ratio: Number | None
    sources: list[Source]
    flagged: bool | None


class TradeLeg(ResultModel):
    """trading.reverse_pairs[].value.first"""

    date: str | None
    side: str | None
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

    account: str | None
    second_account: str | None
    asset: str | None
    price_diff_pct: Number | None
    source: Source
    value: ReversePairLegs
    record: str | None


class TradingProblem(ResultModel):
    """trading.problems[]"""

    message: str | None
    source: Source


class ConductHit(ResultModel):
    """trading.conduct.*.hits[]"""

    item: str | None
    rule: str | None
    date: str | None
    ledgers: list[str | None]
    record: str | None
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
    note: str | None = None


class TradingResult(ResultModel):
    """trading"""

    settings: TradingSettings
    accounts: dict[str, TradingAccount]
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
    ledgers: list[str | None]
    record: str | None
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
    note: str | None
    data: dict[str, JsonValue]
    hits: list[SurveillanceHit]


class SurveillanceLedger(ResultModel):
    """surveillance.ledgers.*"""

    account: str | None
    years: list[Number | None]


class SurveillanceResult(ResultModel):
    """surveillance"""

    items: dict[str, SurveillanceItem]
    ledgers: dict[str, SurveillanceLedger]
    # {ledger id or "*": {year: {item letter: the item with that ledger's hits of that year}}}
    by_ledger_year: dict[str, dict[str, dict[str, SurveillanceItem]]] = {}

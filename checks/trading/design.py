"""Design considers trading performance (B.9 s1).

B.9: 组织在新建和改进设施、设备、系统和过程的设计时，应考虑对碳交易管理绩效改进的机会及运行控制。
What a rule can see: the design reviews (design_review, the record of A.8.2.2 for new facilities
and retrofits) of an organization that adopts Annex B. Each must record its trading consideration;
whether the consideration is sound (and whether, where appropriate, the results of the trading
performance evaluation went into the specification, design and purchasing: B.9 s2) is for a reviewer.
"""

from __future__ import annotations

from cms_build.api import DONE, check


@check(
    "trading.design-without-trading-consideration",
    title="设施和过程的设计考虑碳交易管理绩效 Designs consider trading performance",
    clauses=["B.9 s1"],
    severity="error",
    kinds=["design_review"],
)
def design_without_trading(record, ctx):
    """B.9 s1: a design review (approved or superseded, known by the as-of date) of a new or
    improved facility, equipment, system or process records how the design considers the
    opportunities to improve trading performance and its operational control
    (trading_consideration). The rule runs only where Annex B is adopted."""
    if record.status not in DONE or not record.known_by(ctx.as_of):
        return
    if not str(record.get("trading_consideration") or "").strip():
        yield record.issue(
            "emission_consideration",
            f"design review {record.id} of {record.get('subject')} records its emission consideration but not how the design considers trading performance (B.9)",
            hint="add trading_consideration: the design's effect on the allowance position and compliance cost, and the operational control of trading data it needs",
        )

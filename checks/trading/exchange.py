"""Cooperation with the exchange (B.8.2.3 b): inspections, investigations, decisions and
temporary measures of an exchange (kind exchange_matter) are answered or carried out by the
deadline the exchange set."""

from __future__ import annotations

from cms_build.api import check, dates


@check(
    "trading.exchange-matter-unanswered",
    title="配合交易所检查调查并执行其决定 Exchange matters answered by their deadline",
    clauses=["B.8.2.3 b"],
    severity="error",
    kinds=["exchange_matter"],
    scope="record",
)
def matter_unanswered(record, ctx):
    """B.8.2.3 b: the organization cooperates with the exchange's routine inspections and
    special investigations and carries out its decisions and temporary measures. A matter
    whose response_due has passed at the as-of date needs a response dated on or before
    that day; one dated later is late and reported too. A response after the as-of date is
    not yet known. A matter without response_due has no deadline to judge (the exchange
    sets it): no finding. While the deadline is running there is no finding either: the
    due day itself is not late, the day after is."""
    due = dates.parse(record.get("response_due"))
    received = dates.parse(record.get("received_on"))
    if due is None or received is None or received > ctx.as_of or ctx.as_of <= due:
        return
    known = sorted(d for d in (dates.parse(r.get("date")) for r in record.get("responses") or []) if d and d <= ctx.as_of)
    what = f"{record.get('matter_type')} of {record.get('exchange')}"
    if not known:
        yield record.issue(
            "response_due",
            f"{what} received on {received.isoformat()} was due {due.isoformat()}: no response recorded by {ctx.as_of.isoformat()}",
            hint="answer or carry out the exchange's request and record it under responses (date, action)",
        )
    elif known[0] > due:
        yield record.issue(
            "responses",
            f"{what} was due {due.isoformat()}: first response recorded on {known[0].isoformat()}, {(known[0] - due).days} days late",
            hint="respond by the exchange's deadline; record why it was late and what was done",
        )

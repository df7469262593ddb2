"""Information duties of trading (B.8.2.3 a).

B.8.2.3 a) 法定义务：组织应客观、准确发布及使用碳交易相关信息，不宜：发布虚假或带有误导性信息；擅自
发布、使用和传播交易信息；擅自出售、转接交易信息；违反保密义务，擅自泄露保密信息；擅自使用交易所的
标识及文字用于经营活动；其他违反信息管理规定的行为。

What a rule can see: a communication that says it carries trading information
(communication.trading_information). Going out of the organization, it names who authorised it,
no later than it went out; using the exchange's marks, it names the permission. These are the
"should not" (不宜) items of the list, so a miss is a warning; the rule cites the clause, not the
item, because whether information is true, objective and accurate (the shall of item a) and
whether a confidentiality duty was kept are for a reviewer (cms_build/data/clauses.yaml; false
statements about the market are rule trading.market-statement-corrected, B.8.2.2.1 g).
"""

from __future__ import annotations

from cms_build.api import DONE, check, dates


@check(
    "trading.information-unauthorised",
    title="交易信息经授权发布，交易所标识经许可使用 Trading information published with authorisation, exchange marks with permission",
    clauses=["B.8.2.3"],
    severity="warning",
    kinds=["communication"],
)
def information_unauthorised(record, ctx):
    """B.8.2.3 a: an outgoing communication (direction external_out, approved or superseded, known
    by the as-of date) with trading_information names who authorised it (authorised_by), and an
    authorisation dated after the communication's date does not count; one using the exchange's
    marks or wording (exchange_marks) names the permission (exchange_mark_permission)."""
    info = record.get("trading_information")
    if not isinstance(info, dict) or record.status not in DONE or not record.known_by(ctx.as_of):
        return
    sent = dates.parse(record.get("date"))
    if record.get("direction") == "external_out":
        authorised = dates.parse(info.get("authorised_on"))
        if not str(info.get("authorised_by") or "").strip():
            yield record.issue(
                "trading_information",
                f"{record.id} passed trading information ({info.get('items') or 'unspecified'}) outside the organization on {sent} without naming who authorised it",
                hint="record trading_information.authorised_by and authorised_on, as the information rules require (B.8.2.3 a: not published without authorisation)",
            )
        elif authorised is not None and sent is not None and authorised > sent:
            yield record.issue(
                ("trading_information", "authorised_on"),
                f"{record.id} went out on {sent} but its trading information was authorised only on {authorised}",
                hint="authorise trading information before it is published or passed on",
            )
    if info.get("exchange_marks") is True and not str(info.get("exchange_mark_permission") or "").strip():
        yield record.issue(
            ("trading_information", "exchange_marks"),
            f"{record.id} uses the exchange's marks or wording without a recorded permission",
            hint="record the exchange's permission (exchange_mark_permission) or remove the marks (B.8.2.3 a)",
        )

"""Carbon neutrality (Annex D): rules on the credits bought and retired for claims.

D.8.2.1 a-g (procurement control), D.6.1.1 c (retirement information and proofs) and
reading 5 of shared/standard/README.md (a serial number is retired for one claim only, and
never also surrendered for ETS compliance or sold). Serial numbers are compared as ranges
(checks/assets/serial_ranges.py): "…-000001-005000" and "…-004001-006000" clash on
4001..5000 though the strings differ.
"""

from __future__ import annotations

import datetime as dt

from cms_build.api import dates
from cms_build.api import check
from ..assets import serial_ranges
from . import credit_records

CRITERIA = {
    "a_real_additional": "a) a genuine, additional reduction elsewhere",
    "b_project_criteria": "b) additionality, permanence, leakage and double counting",
    "c_third_party": "c) assessed by an independent third party",
    "d_issued_after_reduction": "d) issued only after the reduction happened",
    "e_public_documents": "e) project documents public at the registry",
    "f_registry": "f) held and retired in an independent, credible registry",
    "g_priority": "g) priority among credit types considered",
}


@check(
    "neutrality.credit-retirement-without-proof",
    title="注销有凭证 Each retirement has its proof",
    clauses=["D.6.1.1 c", "D.6.5.2.4 f"],
    severity="error",
    kinds=["offset_credit"],
    scope="record",
)
def retirement_without_proof(record, ctx):
    """D.6.1.1 a and c, D.6.5.2.4 f: every retirement of credits for a claim carries the
    retirement certificate (its number, issued by the exchange or registry) and the serial
    numbers retired."""
    for i, ret in enumerate(record.get("retirements") or []):
        if not isinstance(ret, dict):
            continue
        if not ret.get("certificate_ref"):
            yield record.issue(
                ("retirements", i),
                f"the retirement of {ret.get('date')} for claim {ret.get('claim')} has no retirement certificate",
                clauses=["D.6.5.2.4 f"],
                hint="add certificate_ref (and certificate_file) as issued by the registry or exchange",
            )
        if not ret.get("serials"):
            yield record.issue(
                ("retirements", i),
                f"the retirement of {ret.get('date')} does not name the serial numbers retired",
                clauses=["D.6.1.1 c"],
                hint="list the serial numbers (or ranges) retired under serials",
            )


@check(
    "neutrality.credit-without-registry",
    title="在独立注册处保存和撤消 Held and retired in a registry",
    clauses=["D.8.2.1 e", "D.8.2.1 f"],
    severity="error",
    kinds=["offset_credit"],
    scope="record",
)
def without_registry(record, ctx):
    """D.8.2.1 e, f: credits are held and retired in an independent, credible registry and
    supported by project documents public there."""
    if not record.get("registry.name"):
        yield record.issue(
            "id",
            "the registry holding these credits is not named",
            clauses=["D.8.2.1 f"],
            hint="add registry.name (e.g. 全国温室气体自愿减排注册登记系统, Verra Registry)",
        )
    if not record.get("project.documents_url"):
        yield record.issue(
            "project",
            "no public project documents (project, methodology, validation and verification)",
            clauses=["D.8.2.1 e"],
            severity="warning",
            hint="add project.documents_url: where the registry publishes them",
        )


@check(
    "neutrality.credit-without-verification",
    title="经独立第三方评定 Verified by an independent third party",
    clauses=["D.8.2.1 c"],
    severity="error",
    kinds=["offset_credit"],
    scope="record",
)
def without_verification(record, ctx):
    """D.8.2.1 c: the credits were assessed by an independent third party."""
    if not record.get("verification.body"):
        yield record.issue("id", "no third-party verification of the credits is recorded", hint="add verification.body, report and date")


@check(
    "neutrality.credit-issued-before-reduction",
    title="减排实现后方可发行 Issued only after the reduction",
    clauses=["D.8.2.1 d"],
    severity="error",
    kinds=["offset_credit"],
    scope="record",
)
def issued_before_reduction(record, ctx):
    """D.8.2.1 d: credits are issued only after the reduction happened: the issue date is
    after the end of the monitoring period, or, without one, not before the vintage year."""
    issued = dates.parse(record.get("issued_on"))
    if issued is None:
        return
    end = dates.parse(record.get("reduction_period.end"))
    vintage = record.get("vintage_year")
    if end is not None and issued <= end:
        yield record.issue(
            "issued_on",
            f"issued on {issued}, before the monitoring period ended ({end})",
            hint="credits for reductions not yet achieved (ex-ante) cannot be used for neutrality",
        )
    elif end is None and isinstance(vintage, int) and issued.year < vintage:
        yield record.issue(
            "issued_on",
            f"issued on {issued}, before its vintage year {vintage}",
            hint="credits for reductions not yet achieved (ex-ante) cannot be used for neutrality",
        )
    start = dates.parse(record.get("reduction_period.start"))
    if start is not None and isinstance(vintage, int) and not (start.year <= vintage <= (end or start).year):
        yield record.issue(
            "vintage_year",
            f"vintage {vintage} lies outside the monitoring period {start}..{end}",
            hint="the vintage is the year the reduction happened",
            severity="warning",
        )


@check(
    "neutrality.credit-procurement-criteria",
    title="采购核证减排量的考虑 Procurement criteria considered",
    clauses=["D.8.2.1"],
    severity="error",
    kinds=["offset_credit"],
    scope="record",
)
def procurement_criteria(record, ctx):
    """D.8.2.1 a-g: each purchase records, item by item, that the credits meet the
    procurement criteria, with evidence. A criterion missing or not met is an error; one
    marked met without evidence, a warning."""
    crit = record.get("procurement_criteria") or {}
    for key, what in CRITERIA.items():
        item = crit.get(key)
        clause = f"D.8.2.1 {key[0]}"
        if not isinstance(item, dict):
            yield record.issue(
                "procurement_criteria" if crit else "purchase",
                f"criterion {what} is not recorded",
                clauses=[clause],
                hint=f"add procurement_criteria.{key} with met and evidence",
            )
        elif item.get("met") is not True:
            yield record.issue(
                ("procurement_criteria", key, "met"), f"criterion {what} is not met", clauses=[clause], hint="credits that fail it are not used for neutrality"
            )
        elif not item.get("evidence") and not item.get("file"):
            yield record.issue(
                ("procurement_criteria", key),
                f"criterion {what} is marked met without evidence",
                clauses=[clause],
                severity="warning",
                hint="add evidence or file",
            )


@check(
    "neutrality.credit-quantities",
    title="注销数量和序列号与购买一致 Retirements stay within what was bought",
    clauses=["D.6.1.1 c"],
    severity="error",
    kinds=["offset_credit"],
    scope="record",
)
def quantities(record, ctx):
    """D.6.1.1 c: the number of credits and their serial numbers agree: the serial ranges
    bought count the quantity bought; each retirement's ranges count its quantity and lie
    within those bought; together the retirements do not exceed the quantity bought. A
    retirement is of credits already bought: one dated before purchase.date retires credits
    the organization did not hold yet (retired on the purchase day itself is allowed)."""
    credit = credit_records.read(record)
    for ret in credit.retirements:
        if ret.day is not None and credit.bought_on is not None and ret.day < credit.bought_on:
            yield record.issue(
                ("retirements", ret.index, "date"),
                f"{ret.quantity if ret.quantity is not None else 'the'} credit(s) retired on {ret.day} for claim {ret.claim}, "
                f"{(credit.bought_on - ret.day).days} day(s) before they were bought ({credit.bought_on})",
                hint="correct the retirement date or purchase.date: credits can be retired only once they are held",
            )
    bought, qty = credit.ranges, credit.quantity
    if bought and qty is not None and serial_ranges.total_size(bought) != qty:
        yield record.issue(
            "serials",
            f"the serial ranges count {serial_ranges.total_size(bought)} credits, the quantity bought is {qty}",
            severity="warning",
            hint="correct the ranges or the quantity",
        )
    total = 0
    for ret in credit.retirements:
        i, n, rs = ret.index, ret.quantity or 0, ret.ranges
        total += n
        if rs and serial_ranges.total_size(rs) != n:
            yield record.issue(
                ("retirements", i, "serials"),
                f"the serials retired count {serial_ranges.total_size(rs)} credits, the retirement says {n}",
                hint="correct the ranges or the quantity",
            )
        outside = serial_ranges.covered_by(rs, bought) if bought else []
        if outside:
            yield record.issue(
                ("retirements", i, "serials"),
                "serials retired that were not bought in this batch: " + ", ".join(r.label() for r in outside[:5]),
                hint="retire only serials listed under serials of this record",
            )
    if qty is not None and total > qty:
        yield record.issue("retirements", f"{total} credits retired, only {qty} bought", hint="a credit can be retired once: correct the quantities")


ISSUED = ("approved", "superseded", "withdrawn")  # a claim's recorded statuses once issued (compute.IN_FORCE)


def _corrective(claim_id: str, credit_id: str, day: dt.date, ctx) -> bool:
    """A retirement of this credit on `day` is the corrective action of an event of the claim:
    a claim_event of the claim, dated on or before that day, lists the credit under a
    correction's credits (D.10: credits retired additionally)."""
    for event in ctx.referring(claim_id, "claim_event"):
        when = dates.parse(event.get("date"))
        if event.get("claim") != claim_id or event.status == "withdrawn" or when is None or when > day:
            continue
        for c in event.get("corrections") or []:
            if isinstance(c, dict) and credit_id in (c.get("credits") or []):
                return True
    return False


@check(
    "neutrality.retired-after-achievement",
    title="实现碳中和前已注销抵消用的减排量 Credits are retired before neutrality is declared achieved",
    clauses=["D.6.5.2.4 f", "D.6.1.1 c"],
    severity="error",
    kinds=["offset_credit"],
)
def retired_after_achievement(record, ctx):
    """D.6.5.2.4 f, D.6.1.1 c: the achievement a claim declares rests on the retirement proofs
    of the credits that offset it, so each retirement counted for a claim is dated on or
    before the claim's achieved_on. A later retirement is the corrective action of an event
    (D.10) only when a claim_event of that claim, dated on or before the retirement, lists
    this credit under a correction's credits. Retirements after the as-of date are not yet
    counted at all (the balance leaves them out)."""
    for r in credit_records.read(record).retirements:
        i, ret, day = r.index, r.data, r.day
        claim = ctx.get(r.claim or "")
        if day is None or day > ctx.as_of or claim is None or claim.kind != "neutrality_claim" or claim.status not in ISSUED:
            continue
        achieved = dates.parse(claim.get("achieved_on"))
        if achieved is None or day <= achieved or _corrective(claim.id, record.id, day, ctx):
            continue
        yield record.issue(
            ("retirements", i, "date"),
            f"{ret.get('quantity_tco2e')} credit(s) retired on {day} for claim {claim.id}, "
            f"{(day - achieved).days} day(s) after the claim declares neutrality achieved ({achieved})",
            hint="retire the credits before declaring neutrality (move achieved_on, valid_from and the evaluation "
            "after the retirement), or, if this retirement corrects an event, record it under the claim_event's "
            "corrections with credits naming this record (D.10)",
        )


def _label(use: dict) -> str:
    return f"{use['credit']} {use['path']} (claim {use['claim']}, {use['date']})"


@check(
    "neutrality.serial-retired-twice",
    title="序列号只为一个声明注销一次 A serial is retired for one claim, once",
    clauses=["D.8.2.1 b", "D.6.1.1 c"],
    severity="error",
)
def retired_twice(ctx):
    """Reading 5, D.8.2.1 b (no double counting): a credit serial number is retired for one
    claim only, once. Ranges are compared for overlap, not only equal strings."""
    uses = (ctx.results.get("neutrality") or {}).get("serial_uses") or []
    for a_i, a in enumerate(uses):
        ra = serial_ranges.SerialRange(a["block"], a["first"], a["last"], a["text"])
        for b in uses[a_i + 1 :]:
            if a["credit"] == b["credit"] and a["retirement"] == b["retirement"]:
                continue  # the same retirement listing overlapping ranges: counted by credit-quantities
            shared = ra.overlap(serial_ranges.SerialRange(b["block"], b["first"], b["last"], b["text"]))
            if shared is None:
                continue
            later = ctx.get(b["credit"])
            if later is None:
                continue
            yield later.issue(
                b["path"],
                f"serials {shared.label()} ({shared.size} credit(s)) are retired twice: here for claim {b['claim']} and in {_label(a)}",
                hint="a serial number may be retired for one claim only (reading 5): retire other serials",
            )


def _asset_uses(ctx) -> list[dict]:
    """Uses of serial ranges in the carbon asset ledger (checks/assets/compute.py).

    ctx.results["assets"]["serials"] is a list of {"block", "first", "last", "text", "use",
    "date", "record", "path", "account"}; "surrendered" is an ETS compliance surrender,
    "retired" a voluntary retirement (possibly this same neutrality retirement, recorded in
    the ledger too: not a conflict). Tolerates the computation's absence: then nothing is
    cross-checked.
    """
    assets = ctx.results.get("assets")
    rows = assets.get("serials") if isinstance(assets, dict) else None
    out = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        if all(isinstance(row.get(k), int) for k in ("first", "last")) and isinstance(row.get("block"), str):
            r = serial_ranges.SerialRange(serial_ranges.normalize_block(row["block"]), row["first"], row["last"], str(row.get("text") or ""))
        else:
            r = serial_ranges.parse(row.get("text"))
        if r is not None:
            out.append({"range": r, "use": str(row.get("use") or ""), "record": row.get("record"), "path": row.get("path") or "", "date": row.get("date")})
    return out


CONFLICTING_USES = ("surrendered", "sold")  # reading 5: ETS compliance surrender, or sale


@check(
    "neutrality.serial-used-elsewhere",
    title="注销用于碳中和的序列号未用于履约或出售 Retired serials are not surrendered or sold",
    clauses=["D.8.2.1 b"],
    severity="error",
)
def used_elsewhere(ctx):
    """Reading 5, D.8.2.1 b: a serial number retired for a neutrality claim is never also
    surrendered for ETS compliance or sold. Cross-checks the serial map of the carbon asset
    ledger (ctx.results["assets"]) when it is there."""
    others = [o for o in _asset_uses(ctx) if o["use"] in CONFLICTING_USES]
    if not others:
        return
    uses = (ctx.results.get("neutrality") or {}).get("serial_uses") or []
    for u in uses:
        mine = serial_ranges.SerialRange(u["block"], u["first"], u["last"], u["text"])
        credit = ctx.get(u["credit"])
        if credit is None:
            continue
        for o in others:
            shared = mine.overlap(o["range"])
            if shared is not None:
                when = f" on {o['date']}" if o["date"] else ""
                yield credit.issue(
                    u["path"],
                    f"serials {shared.label()} ({shared.size} credit(s)) retired for claim "
                    f"{u['claim']} are also {o['use']}{when} in {o['record']}"
                    f"{' ' + o['path'] if o['path'] else ''}",
                    hint="a credit retired for neutrality is never surrendered or sold (reading 5)",
                )

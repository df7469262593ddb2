"""What a covered entity of the national carbon market keeps and files (A.9.1.1 b, B.8.3 c-d).

Three record kinds, each with its national source (schemas/<kind>.schema.json say it in full):

- data_quality_plan (数据质量控制计划): 碳排放权交易管理暂行条例 (State Council Order No. 775,
  2024) Art. 11 asks for a data quality control plan made and strictly applied; its content a)-e)
  is in the rule table filing.rules.yaml (shape ``covers``); here: every covered year has an
  approved plan, each datum says who obtains it and what is done when it is missing, the plan is
  reviewed within the setting emissions.dqcp_review_months, and a facility commissioned into the
  boundary after the plan's last revision means the plan must be revised.
- evidence_filing (月度信息化存证): each month's data and evidence filed on the platform within
  the setting emissions.evidence_filing_due_days after the month ends; a status per month.
- information_disclosure (信息公开): Art. 11, the emissions, facilities and methods of the annual
  report made public by the setting emissions.disclosure_due; the disclosed emissions agree with
  the verified ones.

The three deadlines have no default: the texts the project could read (reprints and
commentaries, not the originals) either give none or give one that provinces shorten, so a
figure here would be a guess. A deadline left unset while its kind is used is an error at the
settings; the annual emission report's deadline is checked by trading.emission-report-late.
"""

from __future__ import annotations

import calendar
import datetime as dt

from cms_build.api import dates
from cms_build.api import check
from cms_build.api import not_yet

from .inventory import in_national_ets

ACTIVE = ("approved",)
REG = "碳排放权交易管理暂行条例 (Order No. 775, 2024) Art. 11"
NOTICE_2022 = "the MEE notice of 2022 on emission report management, part II (4) (from a public commentary; not checked against the original)"
FILED_ITEMS = ("accounting_parameters", "production_data")  # categories 1 and 3 of the 2022 notice


def _covered(ctx) -> bool:
    """An entity of the national carbon market (inventory.in_national_ets)."""
    return in_national_ets(ctx)


def _current(ctx, kind: str) -> list:
    return [r for r in ctx.records(kind) if r.status in ACTIVE and not not_yet(r, ctx.as_of)]


def _year(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _setting_missing(ctx, name: str, kind: str, why: str):
    return ctx.settings_issue(
        f"emissions.{name}",
        f"{kind} records are used but the setting emissions.{name} is not set: {why}",
        hint=f"set emissions.{name} in cms.yaml from the authority's current notice (see the setting's description in schemas/settings-emissions.schema.json)",
    )


def _covered_years(ctx) -> list[int]:
    """Years the entity accounts for: those of the computed inventory that have ended by the as-of date."""
    years = (ctx.results.get("emissions") or {}).get("years") or {}
    return sorted(int(y) for y in years if str(y).isdigit() and dt.date(int(y), 1, 1) <= ctx.as_of)


# -- data quality control plan -------------------------------------------------------------
@check(
    "emissions.dqcp-missing",
    title="每个纳入年度都有经批准的数据质量控制计划 Every covered year has an approved data quality control plan",
    clauses=["A.9.1.1 b", "A.6.5.2.2"],
    severity="error",
)
def dqcp_missing(ctx):
    """A.9.1.1 b, A.6.5.2.2; 碳排放权交易管理暂行条例 Art. 11 (制定并严格执行温室气体排放数据质量控制方案):
    once the organization keeps data_quality_plan records, every year of the computed inventory
    from the first year a plan governs on needs an approved (or since superseded) plan, known at
    the as-of date, whose reporting_years include it."""
    # a superseded plan still governed its years (as ruletable's "counts as done")
    plans = [r for r in ctx.records("data_quality_plan") if r.status in ("approved", "superseded") and not not_yet(r, ctx.as_of)]
    every = [r for r in ctx.records("data_quality_plan") if r.status != "withdrawn"]
    if not every or not _covered(ctx):
        return
    governed = {y for p in plans for y in p.get("reporting_years") or [] if _year(y)}
    first = min((y for p in every for y in p.get("reporting_years") or [] if _year(y)), default=None)
    if first is None:
        return
    missing = [y for y in _covered_years(ctx) if y >= first and y not in governed]
    if missing:
        target = max(every, key=lambda r: (max(r.get("reporting_years") or [0]), r.id))
        yield target.issue(
            "reporting_years",
            f"no approved data quality control plan governs {', '.join(map(str, missing))} ({REG}: a plan made and strictly applied)",
            hint="approve a plan (or a new version) whose reporting_years include those years",
        )


@check(
    "emissions.dqcp-data-incomplete",
    title="数据质量控制计划写明每项数据的负责部门和缺失处理 Each datum of the plan names who obtains it and what is done when it is missing",
    clauses=["A.9.1.1 b", "A.6.5.2.2 b"],
    severity="error",
    kinds=["data_quality_plan"],
    scope="record",
)
def dqcp_data_incomplete(record, ctx):
    """A.9.1.1 b (数据缺失的应对措施), A.6.5.2.2 b (责任部门): item d) of the plan, as the 2022
    power-facility guideline refined it (关键参数、测量设备、负责部门和数据缺失处理; from a
    public commentary of the guideline, not checked against the original): every datum names its
    responsible department and its handling when missing, and a measured datum its instruments."""
    if record.status not in ACTIVE or not_yet(record, ctx.as_of):
        return
    for i, item in enumerate(record.get("data_determination") or []):
        name = item.get("parameter") or f"item {i + 1}"
        for field, what in (("responsible", "a responsible department"), ("missing_data", "what is done when it is missing")):
            if not item.get(field):
                yield record.issue(
                    f"data_determination.{i}",
                    f"data_determination: {name} does not say {what} ({field})",
                    hint=f"add {field} to this item (data quality control plan item d)",
                )
        if item.get("method") == "measured" and not item.get("instruments"):
            yield record.issue(
                f"data_determination.{i}",
                f"data_determination: {name} is measured but names no instrument",
                hint="list the measuring instruments (model, location, precision and calibration are on their records)",
            )


@check(
    "emissions.dqcp-review-overdue", title="数据质量控制计划按期评审 The data quality control plan is reviewed in time", clauses=["A.9.1.1 b"], severity="error"
)
def dqcp_review_overdue(ctx):
    """A.9.1.1 b (the plan is kept up to date; next_review is judged by doc.review-overdue, 7.4.2
    c): the latest approved plan's latest review or revision (dated on or before the as-of date)
    plus the setting emissions.dqcp_review_months is when the next review is due; the due day is
    not late, the day after is. The setting has no default (no interval was found
    in the guideline or notice texts): unset while plans exist is an error at the settings."""
    plans = _current(ctx, "data_quality_plan")
    if not plans:
        return
    months = ctx.setting("emissions.dqcp_review_months")
    if months is None:
        yield _setting_missing(ctx, "dqcp_review_months", "data_quality_plan", "the review interval is not known")
        return
    latest = max(plans, key=lambda r: (max(r.get("reporting_years") or [0]), r.id))
    known = [
        d for d in (dates.parse(r.get("date")) for r in (latest.get("reviews") or []) + (latest.get("revisions") or [])) if d is not None and d <= ctx.as_of
    ]
    last = max(known, default=None)
    if last is None:
        yield latest.issue(
            "revisions",
            f"the data quality control plan has no review or revision dated on or before {ctx.as_of}",
            hint="record its reviews (reviews: date, by, result)",
        )
        return
    deadline = dates.months_after(last, int(months), ctx.as_of)
    if deadline is not None and deadline.late:
        yield latest.issue(
            "reviews" if latest.get("reviews") else "revisions",
            f"the data quality control plan was last reviewed or revised on {last}; with a {months}-month "
            f"interval (emissions.dqcp_review_months) the next review was due by {deadline.due}",
            hint="review the plan, record the review, and issue a new version if it changed",
        )


@check(
    "emissions.dqcp-facility-not-covered",
    title="新增排放设施纳入数据质量控制计划 A new facility is brought into the data quality control plan",
    clauses=["A.9.1.1 b"],
    severity="error",
    kinds=["data_quality_plan"],
)
def dqcp_facility_not_covered(record, ctx):
    """A.9.1.1 b (新增设施的监测与统计): a facility commissioned on or before the as-of date, in a
    year the plan governs, and not in the plan's boundary.facilities means the plan must be
    revised (the revision case 排放设施发生变化 of the verification guideline (试行), from a
    public reprint). Only facilities in the boundary (in_boundary not false) that name a
    commissioning date count."""
    if record.status not in ACTIVE or not_yet(record, ctx.as_of):
        return
    listed = set(record.get("boundary.facilities") or [])
    years = {y for y in record.get("reporting_years") or [] if _year(y)}
    for fac in ctx.records("facility"):
        day = dates.parse(fac.get("commissioned"))
        if fac.status == "withdrawn" or fac.get("in_boundary") is False or fac.id in listed or day is None or day > ctx.as_of or day.year not in years:
            continue
        yield record.issue(
            "boundary.facilities",
            f"facility {fac.id} was commissioned on {day}, in a year this plan governs, and is not in its boundary",
            hint="revise the plan (revisions: reason facility_change) and add the facility and its data",
        )


# -- monthly evidence filing ----------------------------------------------------------------
def month_due(year: int, month: int, days: int) -> dt.date:
    """The due day of a month's filing: the month's last day plus `days` calendar days."""
    return dt.date(year, month, calendar.monthrange(year, month)[1]) + dt.timedelta(days=days)


def month_status(entry: dict | None, due: dt.date, as_of: dt.date) -> str:
    """on_time, late (filed after the due day), missing (not filed, due day passed), pending (not
    yet due and not filed), not_applicable, or future (a filing date after the as-of date is not
    known yet: treated as not filed)."""
    if entry is not None and entry.get("status") == "not_applicable":
        return "not_applicable"
    filed = dates.parse(entry.get("filed_on")) if entry is not None and entry.get("status") == "filed" else None
    if filed is not None and filed <= as_of:
        return "on_time" if filed <= due else "late"
    return "missing" if as_of > due else "pending"


@check(
    "emissions.evidence-filing-late", title="按期完成月度信息化存证 Each month's evidence is filed in time", clauses=["A.9.1.1 b", "B.8.3 c"], severity="error"
)
def evidence_filing_late(ctx):
    """A.9.1.1 b (信息化文件), B.8.3 c: each month of a year that has evidence_filing records is
    filed (status filed, filed_on) within emissions.evidence_filing_due_days after the month ends.
    Filed after the due day is late; not filed once the due day has passed is missing (a month
    listed in none of the year's records counts as not filed); a month not yet due is not late.
    A filing dated after the as-of date is not known yet. not_applicable needs a note. A year may
    be split over several records (one a month, or halves): their months are read together, and
    a month listed twice is an error (which entry counts would be a guess). The deadline has no
    default (see the setting)."""
    days = ctx.setting("emissions.evidence_filing_due_days")
    if days is None:
        return  # evidence-filing-setting reports it once, at the settings
    by_year: dict[int, list] = {}
    for rec in sorted(_current(ctx, "evidence_filing"), key=lambda r: r.id):
        if _year(rec.get("year")):
            by_year.setdefault(rec.get("year"), []).append(rec)
    for year, records in sorted(by_year.items()):
        yield from _judge_year(year, records, int(days), ctx.as_of)


def _judge_year(year: int, records: list, days: int, as_of: dt.date):
    entries: dict[int, tuple] = {}  # month -> (record, index, entry), the first listing
    for rec in records:
        for i, e in enumerate(rec.get("months") or []):
            m = e.get("month")
            if not isinstance(m, int):
                continue
            if m in entries:
                first = entries[m]
                yield rec.issue(f"months.{i}.month", f"{year}-{m:02d} is listed twice (also {first[0].id} months.{first[1]})", hint="keep one entry per month")
                continue
            entries[m] = (rec, i, e)
    for month in range(1, 13):
        due = month_due(year, month, days)
        record, i, entry = entries.get(month, (records[0], None, None))
        status = month_status(entry, due, as_of)
        label = f"{year}-{month:02d}"
        where = f"months.{i}" if i is not None else "months"
        if status == "late":
            filed = dates.parse(entry.get("filed_on"))
            yield record.issue(
                f"months.{i}.filed_on",
                f"{label} was filed on {filed}, {(filed - due).days} day(s) after it was due ({due}, {days} days after the month)",
                hint="record the reason and any notice of the authority",
            )
        elif status == "missing":
            state = (
                "is not listed"
                if entry is None
                else "is marked filed with no filed_on date"
                if entry.get("status") == "filed" and not dates.parse(entry.get("filed_on"))
                else "is not filed"
            )
            yield record.issue(
                where,
                f"{label} was due by {due} ({days} days after the month) and {state} as of {as_of}",
                hint="file the month's data and evidence on the platform and record filed_on, items and evidence",
            )
        elif status == "not_applicable" and not entry.get("note"):
            yield record.issue(f"months.{i}.status", f"{label} is marked not_applicable without a note", hint="say why the month needs no filing (note)")
        if status in ("on_time", "late"):
            items = set(entry.get("items") or [])
            lacking = [x for x in FILED_ITEMS if x not in items]
            if lacking:
                yield record.issue(
                    f"months.{i}.items",
                    f"{label} was filed without {', '.join(lacking)} (categories 1 and 3 of {NOTICE_2022})",
                    hint="file the accounting parameters and the production data with their stamped ledgers",
                )
            if not entry.get("evidence") and not entry.get("receipt"):
                yield record.issue(
                    f"months.{i}",
                    f"{label} is marked filed with no evidence file and no platform receipt",
                    hint="attach the filed evidence (evidence) or record the platform receipt (receipt)",
                )


@check("emissions.evidence-filing-setting", title="月度信息化存证期限已设置 The monthly filing deadline is set", clauses=["A.9.1.1 b"], severity="error")
def evidence_filing_setting(ctx):
    """A.9.1.1 b: evidence_filing records are judged against emissions.evidence_filing_due_days,
    which has no default (the national and provincial notices differ and were not checked against
    the original): unset while the kind is used is an error, so that no month passes unjudged."""
    if _current(ctx, "evidence_filing") and ctx.setting("emissions.evidence_filing_due_days") is None:
        yield _setting_missing(
            ctx,
            "evidence_filing_due_days",
            "evidence_filing",
            "the months cannot be judged on time or late (40 days in the 2022 notice as a commentary "
            "reports it; provinces set their own, e.g. 20 natural days)",
        )


@check(
    "emissions.evidence-filing-year-missing",
    title="每个纳入年度都有月度存证记录 Every covered year has its monthly filing record",
    clauses=["A.9.1.1 b", "B.8.3 c"],
    severity="error",
)
def evidence_filing_year_missing(ctx):
    """A.9.1.1 b, B.8.3 c: once the organization keeps evidence_filing records, every year of the
    computed inventory from the first such year on has one, unless none of its months is due yet."""
    records = _current(ctx, "evidence_filing")
    days = ctx.setting("emissions.evidence_filing_due_days")
    if not records or days is None:
        return
    have = {r.get("year") for r in records}
    first = min(y for y in have if _year(y))
    for year in _covered_years(ctx):
        if year >= first and year not in have and ctx.as_of > month_due(year, 1, int(days)):
            yield ctx.settings_issue(
                "subsystems",
                f"there is no evidence_filing record for {year}, whose January filing was due by {month_due(year, 1, int(days))}",
                hint=f"add an evidence_filing record for {year} with its months",
            )


# -- information disclosure -----------------------------------------------------------------
def _reported_years(ctx) -> dict[int, object]:
    """year -> the record showing the year's report was submitted or verified by the as-of date."""
    out: dict[int, object] = {}
    for rec in ctx.records("reported_inventory"):
        day = dates.parse(rec.get("submitted_on"))
        if rec.status == "approved" and _year(rec.get("year")) and day is not None and day <= ctx.as_of:
            out.setdefault(rec.get("year"), rec)
    return out


def disclosure_due(year: int, month_day: str) -> dt.date:
    return dt.date(year + 1, int(month_day[:2]), int(month_day[3:5]))


@check("emissions.disclosure-late", title="按期公开年度排放信息 The year's emission information is disclosed in time", clauses=["B.8.3 d"], severity="error")
def disclosure_late(ctx):
    """B.8.3 d; 碳排放权交易管理暂行条例 Art. 11 (向社会公开其年度排放报告中的排放量、排放设施、统计核算方法等信息):
    every year whose annual report a covered entity has submitted is disclosed (an approved
    information_disclosure with published_on) by the setting emissions.disclosure_due of the
    following year; published after it is late, none after it is missing; the due day is not
    late. The setting has no default: unset while the kind is used is an error; unset with no
    disclosure at all, a covered entity gets a warning (Art. 11 asks for it; the date is unknown)."""
    if not _covered(ctx):
        return
    md = ctx.setting("emissions.disclosure_due")
    disclosures: dict[int, list] = {}
    for rec in _current(ctx, "information_disclosure"):
        if _year(rec.get("year")):
            disclosures.setdefault(rec.get("year"), []).append(rec)
    reported = _reported_years(ctx)
    if md is None:
        if disclosures:
            yield _setting_missing(ctx, "disclosure_due", "information_disclosure", "the disclosures cannot be judged on time or late")
        else:
            for year, rec in sorted(reported.items()):
                yield rec.issue(
                    "year",
                    f"the {year} emission report is submitted but no disclosure of it is recorded ({REG}: emissions, facilities and methods made public)",
                    severity="warning",
                    hint="record the disclosure as an information_disclosure, and set emissions.disclosure_due",
                )
        return
    for year, rec in sorted(reported.items()):
        due = disclosure_due(year, str(md))
        published = [(d, r) for r in disclosures.get(year, []) if (d := dates.parse(r.get("published_on"))) is not None and d <= ctx.as_of]
        if published:
            first, drec = min(published, key=lambda x: x[0])
            if first > due:
                yield drec.issue(
                    "published_on",
                    f"the {year} emission information was published on {first}, {(first - due).days} day(s) after it was due ({due})",
                    hint="record the reason; plan the disclosure ahead of the due day (emissions.disclosure_due)",
                )
        elif ctx.as_of > due:
            target = disclosures[year][0] if disclosures.get(year) else rec
            yield target.issue(
                "published_on" if disclosures.get(year) else "year",
                f"the {year} emission information was due to be published by {due} and "
                f"{'has no publication date' if disclosures.get(year) else 'no disclosure is recorded'}",
                hint=f"publish the emissions, facilities and methods of {year} and record it as an information_disclosure",
            )


@check(
    "emissions.disclosure-differs",
    title="公开的排放量与核查确认的一致 The disclosed emissions agree with the verified ones",
    clauses=["B.8.3 d", "A.9.1.1 a"],
    severity="error",
    kinds=["information_disclosure"],
)
def disclosure_differs(record, ctx):
    """B.8.3 d, A.9.1.1 a: the emissions disclosed for a year are those the verification confirmed
    (statement.verified_emissions of the verification it names, else the year's verification
    with a statement), in the same unit, to the tonne (a figure rounded to whole tonnes agrees);
    a different figure misinforms the public."""
    if record.status not in ACTIVE or not_yet(record, ctx.as_of):
        return
    value, unit = record.get("emissions.value"), record.get("emissions.unit")
    if not isinstance(value, (int, float)):
        return
    ver = ctx.get(record.get("verification")) if isinstance(record.get("verification"), str) else None
    if ver is None:
        ver = next(
            (
                v
                for v in ctx.records("verification")
                if v.get("year") == record.get("year") and v.get("statement.verified_emissions") and v.status == "approved"
            ),
            None,
        )
    verified = ver.get("statement.verified_emissions") if ver is not None else None
    if not verified or not isinstance(verified.get("value"), (int, float)):
        return
    if verified.get("unit") != unit or abs(verified["value"] - value) > 0.5:
        yield record.issue(
            "emissions",
            f"disclosed {value:,} {unit} for {record.get('year')}, but {ver.id} verified {verified['value']:,} {verified.get('unit')}",
            hint="disclose the verified figure, or correct the disclosure and record why",
        )

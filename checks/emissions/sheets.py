"""Workbook sheets of the emissions domain (`cms export --format xlsx`, cms_build/workflow/xlsx.py):
the Annex E tables (a sheet each), the indicators by year (6.3) and the targets (6.2)."""

from cms_build.api import sheet

from .results import AnnexEResult, EmissionsResult

# The columns of this domain's sheets: column id -> (中文, English), each written once (issue 13);
# id, status, year and subject are the common ones (cms_build/workflow/xlsx.py COMMON_HEADERS).
# The Annex E tables carry their own columns (checks/emissions/annex_e_tables.py).
HEADERS = {
    "title": ("名称", "Title"),
    "level": ("层级", "Level"),
    "measure": ("类别", "Measure"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "vs_baseline": ("较基准 %", "vs baseline %"),
    "vs_benchmark": ("较标杆 %", "vs benchmark %"),
    "indicator": ("指标", "Indicator"),
    "deadline": ("期限", "Deadline"),
    "baseline": ("基准", "Baseline"),
    "target": ("目标值", "Target"),
    "latest": ("最新值", "Latest"),
    "latest_year": ("最新年份", "Latest year"),
    "achieved": ("完成 %", "Achieved %"),
    "expected": ("应完成 %", "Expected %"),
}


@sheet("annex_e", title="附录 E Annex E", computations=["annex_e"], order=10)
def annex_e_tables(book):
    """Tables E.1-E.6 as computed by checks/emissions/annex_e.py, one sheet each."""
    out = {}
    for table_id, table in book.typed("annex_e", AnnexEResult).tables.items():
        header = [{"zh": c.zh, "en": c.en} for c in table.columns]
        rows = [[book.text(row.get(c.key)) for c in table.columns] for row in table.rows]  # a row is keyed by the columns' keys
        title = (book.text(table.title) or "").replace(f"表 {table_id} ", "").replace(f"Table {table_id} ", "")
        out[f"{table_id} {title}"] = ([header, *rows], [{"zh": n.zh, "en": n.en} for n in table.notes])
    return out


@sheet("indicators", title="指标 Indicators", computations=["emissions"], order=20)
def indicators(book):
    """One row per indicator and year: the computed value, against its baseline and benchmark (6.3)."""
    columns = book.header(HEADERS, "id", "title", "level", "measure", "subject", "year", "value", "unit", "vs_baseline", "vs_benchmark")

    def by_year(iid, ind):
        rows = []
        for year, value in sorted(ind.values.items()):
            cmp = ind.comparison.get(year)
            rows.append(
                {
                    "id": iid,
                    "title": ind.title,
                    "level": book.enum("indicator", "level", ind.level),
                    "measure": book.enum("indicator", "measure", ind.measure),
                    "subject": ind.subject,
                    "year": book.year(year),
                    "value": book.value(value),
                    "unit": ind.unit,
                    "vs_baseline": cmp.vs_baseline_pct if cmp is not None else None,
                    "vs_benchmark": cmp.vs_benchmark_pct if cmp is not None else None,
                }
            )
        return rows

    return book.table(columns, book.typed("emissions", EmissionsResult).indicators, by_year)


@sheet("targets", title="目标 Targets", computations=["emissions"], order=21)
def targets(book):
    """Each target's baseline, target value, latest value and progress (6.2)."""
    columns = book.header(
        HEADERS, "id", "title", "indicator", "deadline", "baseline", "target", "latest", "latest_year", "unit", "achieved", "expected", "status"
    )
    return book.table(
        columns,
        book.typed("emissions", EmissionsResult).targets,
        lambda tid, tgt: [
            {
                "id": tid,
                "title": tgt.title,
                "indicator": tgt.indicator,
                "deadline": book.date(tgt.deadline),
                "baseline": book.value(tgt.baseline),
                "target": book.value(tgt.target),
                "latest": book.value(tgt.latest),
                "latest_year": book.year(tgt.latest_year),
                "unit": tgt.unit,
                "achieved": tgt.achieved_pct,
                "expected": tgt.expected_pct,
                "status": book.status(tgt.status, "target"),
            }
        ],
    )

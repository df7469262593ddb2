"""Workbook sheets of the emissions domain (`cms export --format xlsx`, cms_build/workflow/xlsx.py):
the Annex E tables (a sheet each), the indicators by year (6.3) and the targets (6.2)."""

from cms_build.api import sheet

from .results import AnnexEResult, EmissionsResult


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
    header = [
        book.t("编号", "Id"),
        book.t("名称", "Title"),
        book.t("层级", "Level"),
        book.t("类别", "Measure"),
        book.t("对象", "Subject"),
        book.t("年份", "Year"),
        book.t("数值", "Value"),
        book.t("单位", "Unit"),
        book.t("较基准 %", "vs baseline %"),
        book.t("较标杆 %", "vs benchmark %"),
    ]

    def by_year(iid, ind):
        rows = []
        for year, value in sorted(ind.values.items()):
            cmp = ind.comparison.get(year)
            rows.append(
                [
                    iid,
                    ind.title,
                    book.enum("indicator", "level", ind.level),
                    book.enum("indicator", "measure", ind.measure),
                    ind.subject,
                    book.year(year),
                    book.value(value),
                    ind.unit,
                    cmp.vs_baseline_pct if cmp is not None else None,
                    cmp.vs_benchmark_pct if cmp is not None else None,
                ]
            )
        return rows

    return book.table(header, book.typed("emissions", EmissionsResult).indicators, by_year)


@sheet("targets", title="目标 Targets", computations=["emissions"], order=21)
def targets(book):
    """Each target's baseline, target value, latest value and progress (6.2)."""
    header = [
        book.t("编号", "Id"),
        book.t("名称", "Title"),
        book.t("指标", "Indicator"),
        book.t("期限", "Deadline"),
        book.t("基准", "Baseline"),
        book.t("目标值", "Target"),
        book.t("最新值", "Latest"),
        book.t("最新年份", "Latest year"),
        book.t("单位", "Unit"),
        book.t("完成 %", "Achieved %"),
        book.t("应完成 %", "Expected %"),
        book.t("状态", "Status"),
    ]
    return book.table(
        header,
        book.typed("emissions", EmissionsResult).targets,
        lambda tid, tgt: [
            [
                tid,
                tgt.title,
                tgt.indicator,
                book.date(tgt.deadline),
                book.value(tgt.baseline),
                book.value(tgt.target),
                book.value(tgt.latest),
                book.year(tgt.latest_year),
                tgt.unit,
                tgt.achieved_pct,
                tgt.expected_pct,
                book.status(tgt.status, "target"),
            ]
        ],
    )

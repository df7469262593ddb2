"""Tables E.1-E.6 of Annex E (power-sector data collection) from the emissions results.

    tables(ctx.results["emissions"], 2024)            -> {"E.1": table, ..., "E.6": table}
    tables(ctx.results["emissions"], [2023, 2024, 2025])

A table is::

    {"id": "E.1", "title": {"zh": "表 E.1 碳排放强度和总量表", "en": "..."},
     "columns": [{"key": "item", "zh": "项目", "en": "Item"}, {"key": "2024", "zh": "2024年", "en": "2024"}, ...],
     "rows": [{"item": {"zh": "...", "en": "..."}, "unit": "tCO2e", "2024": 6018858.43, ...}],
     "notes": [{"zh": "...", "en": "..."}]}

A cell is a number, a string, None (not applicable / no data) or {"zh", "en"} text; the
site and the xlsx export pick the language. Years the results do not hold are columns of
None, so that a three-year layout stays a three-year layout.

Tables E.2 and E.4 give, per year, the activity data and the effective factor of each
category: fossil fuel combustion as heat (TJ) and tCO2/TJ, desulfurization as sorbent (t) and
tCO2/t sorbent, net purchased electricity as MWh and tCO2/MWh (and heat as GJ, tCO2/GJ, when
present). Tables E.3 and E.5 give the data sources of each fuel and parameter, one row per
year and fuel, in the order of the standard's template.
"""

from __future__ import annotations

from cms_build.api import units

# Fuel rows of tables E.3 and E.5, in the template's order: (library key, zh, en).
FUEL_ROWS = (
    ("coal", "燃煤", "coal"),
    ("crude_oil", "原油", "crude oil"),
    ("fuel_oil", "燃料油", "fuel oil"),
    ("gasoline", "汽油", "gasoline"),
    ("diesel", "柴油", "diesel"),
    ("refinery_dry_gas", "炼厂干气", "refinery dry gas"),
    ("other_petroleum", "其他石油制品", "other petroleum products"),
    ("natural_gas", "天然气", "natural gas"),
    ("coke_oven_gas", "焦炉煤气", "coke oven gas"),
    ("other_gas", "其他煤气", "other gas"),
)
_FUEL_ROW_KEYS = {k for k, _, _ in FUEL_ROWS}

BASIS_ZH = {"measured": "实测", "calculated": "计算", "supplier": "供应商提供", "default": "缺省值", "literature": "文献值", "unspecified": "未说明"}

NA = {"zh": "不涉及", "en": "not applicable"}


def _t(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def _years(arg) -> list[int]:
    if isinstance(arg, int):
        return [arg]
    return sorted({int(y) for y in arg})


def _year_cols(years: list[int]) -> list[dict]:
    return [{"key": str(y), "zh": f"{y}年", "en": str(y)} for y in years]


def _inv(results: dict, year: int) -> dict | None:
    return (results or {}).get("years", {}).get(str(year))


def _entries(inv: dict | None, category: str | None = None) -> list[dict]:
    if not inv:
        return []
    return [e for _, e in sorted(inv.get("entries", {}).items()) if category is None or e.get("category") == category]


def _fuel_row(entry: dict) -> str:
    fuel = entry.get("fuel")
    return fuel if fuel in _FUEL_ROW_KEYS else "other_petroleum" if fuel else "other"


def _conv(figure, unit: str) -> float | None:
    """A {value, unit} figure in unit; None when absent, withheld (public view) or not convertible."""
    if not isinstance(figure, dict) or not isinstance(figure.get("value"), (int, float)):
        return None
    try:
        return units.convert(figure["value"], figure.get("unit"), unit)
    except (units.UnitError, TypeError):
        return None


def _energy_tj(entry: dict) -> float | None:
    return _conv(entry.get("energy"), "TJ")


def _activity_in(entry: dict, unit: str) -> float | None:
    return _conv(entry.get("activity"), unit)


def _sum(values):
    vals = [v for v in values if v is not None]
    return sum(vals) if vals else None


def _param_text(p: dict | None) -> dict | None:
    if not p:
        return None
    basis = p.get("basis") or "unspecified"
    unit = "" if p.get("unit") in (None, "", "1") else f" {p.get('unit')}"  # a fraction has no unit to show
    value = f"{p.get('value'):g}{unit}" if isinstance(p.get("value"), (int, float)) else ""
    cite = p.get("citation") or ""
    if p.get("second_hand"):
        cite += "（转引 second-hand）"
    return _t(f"{BASIS_ZH.get(basis, basis)}（{value}）：{cite}".strip("："), f"{basis} ({value}): {cite}".strip(": "))


def _join(texts: list) -> dict | str | None:
    texts = [t for t in texts if t]
    if not texts:
        return None
    zh, en = [], []
    for t in texts:
        z = t["zh"] if isinstance(t, dict) else str(t)
        e = t["en"] if isinstance(t, dict) else str(t)
        if z not in zh:
            zh.append(z)
        if e not in en:
            en.append(e)
    return _t("；".join(zh), "; ".join(en))


def _params(entries: list[dict], name: str) -> list[dict]:
    out = []
    for e in entries:
        for p in e.get("parameters", []):
            if p.get("name") == name:
                out.append(p)
    return out


# ---------------------------------------------------------------------------- E.1
def table_e1(results: dict, years: list[int]) -> dict:
    rows = [
        {
            "item": _t("碳排放强度（tCO2e/万元产值）", "Emission intensity (tCO2e per 10^4 CNY of output value)"),
            "unit": "tCO2e/10^4 CNY",
            **{str(y): ((_inv(results, y) or {}).get("intensity", {}).get("per_output_value") or {}).get("value") for y in years},
        }
    ]
    products: dict = {}
    for y in years:
        for key, t in ((_inv(results, y) or {}).get("intensity", {}).get("per_product") or {}).items():
            p = _inv(results, y)["products"][key]
            products.setdefault(key, {"name": p["name"], "name_en": p.get("name_en") or key, "unit": t["unit"], "values": {}})
            products[key]["values"][str(y)] = t["value"] if t["unit"] == products[key]["unit"] else None
    for key, p in sorted(products.items()):
        rows.append(
            {
                "item": _t(f"碳排放强度（{p['unit']}，{p['name']}）", f"Emission intensity ({p['unit']}, {p['name_en']})"),
                "unit": p["unit"],
                **{str(y): p["values"].get(str(y)) for y in years},
            }
        )
    rows.append(
        {
            "item": _t("碳排放总量（tCO2e）", "Total emissions (tCO2e)"),
            "unit": "tCO2e",
            **{str(y): ((_inv(results, y) or {}).get("total") or {}).get("value") for y in years},
        }
    )
    notes = [_t(f"GWP 取值：{results.get('gwp_set')}", f"GWP set: {results.get('gwp_set')}")]
    if len(products) > 1:
        notes.append(
            _t(
                "单位产品强度为组织排放总量除以该产品产量，未在联产品之间分摊。",
                "Per-product intensities divide the organization's total by that product's output, without allocation between co-products.",
            )
        )
    return {
        "id": "E.1",
        "title": _t("表 E.1 碳排放强度和总量表", "Table E.1 Emission intensity and total emissions"),
        "columns": [{"key": "item", "zh": "项目", "en": "Item"}, {"key": "unit", "zh": "单位", "en": "Unit"}, *_year_cols(years)],
        "rows": rows,
        "notes": notes,
    }


# ---------------------------------------------------------------------------- E.2 and E.4
def _category_figures(inv: dict | None):
    """Per category: (activity, emissions) for the activity-data and factor tables."""
    comb = _entries(inv, "fuel_combustion")
    fgd = _entries(inv, "desulfurization")
    elec = _entries(inv, "purchased_electricity")
    heat = _entries(inv, "purchased_heat")
    co2 = lambda es: _sum(((e.get("gases") or {}).get("CO2") or {}).get("value") for e in es)  # noqa: E731
    return {
        "fuel_combustion": (
            _sum(_energy_tj(e) for e in comb),
            _sum(((e.get("gases") or {}).get("CO2") or {}).get("value") for e in comb if _energy_tj(e) is not None),
            bool(comb),
        ),
        "desulfurization": (_sum(_activity_in(e, "t") for e in fgd), co2(fgd), bool(fgd)),
        "purchased_electricity": (_sum(_activity_in(e, "MWh") for e in elec), co2(elec), bool(elec)),
        "purchased_heat": (_sum(_activity_in(e, "GJ") for e in heat), co2(heat), bool(heat)),
    }


_CATS = (
    ("fuel_combustion", "化石燃料燃烧", "fossil fuel combustion", "TJ", "tCO2/TJ"),
    ("desulfurization", "脱硫过程", "desulfurization", "t", "tCO2/t"),
    ("purchased_electricity", "净购入电力", "net purchased electricity", "MWh", "tCO2/MWh"),
    ("purchased_heat", "净购入热力", "net purchased heat", "GJ", "tCO2/GJ"),
)


def _cats_present(results: dict, years: list[int]) -> list[tuple]:
    figs = {y: _category_figures(_inv(results, y)) for y in years}
    keep = [c for c in _CATS if c[0] != "purchased_heat" or any(figs[y]["purchased_heat"][2] for y in years)]
    return keep, figs


def table_e2(results: dict, years: list[int]) -> dict:
    cats, figs = _cats_present(results, years)
    rows = []
    for key, zh, en, unit, _ in cats:
        rows.append({"item": _t(f"{zh}活动水平数据", f"Activity data, {en}"), "unit": unit, **{str(y): figs[y][key][0] for y in years}})
    return {
        "id": "E.2",
        "title": _t("表 E.2 活动水平数据类别表", "Table E.2 Categories of activity data"),
        "columns": [{"key": "item", "zh": "类别", "en": "Category"}, {"key": "unit", "zh": "单位", "en": "Unit"}, *_year_cols(years)],
        "rows": rows,
        "notes": [
            _t(
                "化石燃料燃烧以热量（消耗量 × 低位发热量）计；脱硫过程以脱硫剂消耗量计。",
                "Fuel combustion as heat (consumption × NCV); desulfurization as sorbent consumed.",
            )
        ],
    }


def table_e4(results: dict, years: list[int]) -> dict:
    cats, figs = _cats_present(results, years)
    rows = []
    for key, zh, en, _, ef_unit in cats:
        vals = {}
        for y in years:
            act, em, _present = figs[y][key]
            vals[str(y)] = em / act if act and em is not None else None
        rows.append({"item": _t(f"{zh}排放因子数据", f"Emission factor, {en}"), "unit": ef_unit, **vals})
    return {
        "id": "E.4",
        "title": _t("表 E.4 排放因子和计算系数类别表", "Table E.4 Categories of emission factors and parameters"),
        "columns": [{"key": "item", "zh": "类别", "en": "Category"}, {"key": "unit", "zh": "单位", "en": "Unit"}, *_year_cols(years)],
        "rows": rows,
        "notes": [
            _t(
                "各类别的综合排放因子 = 该类别 CO2 排放量 / 活动水平（表 E.2）。",
                "Effective factor of each category = its CO2 emissions / its activity data (table E.2).",
            )
        ],
    }


# ---------------------------------------------------------------------------- E.3 and E.5
def table_e3(results: dict, years: list[int]) -> dict:
    rows = []
    for y in years:
        inv = _inv(results, y)
        comb = _entries(inv, "fuel_combustion")
        for key, zh, en in FUEL_ROWS:
            es = [e for e in comb if _fuel_row(e) == key]
            rows.append(
                {
                    "year": str(y),
                    "category": _t("化石燃料燃烧", "fossil fuel combustion"),
                    "item": _t(zh, en),
                    "activity_source": _join([e.get("data_source") for e in es]) if es else NA,
                    "parameter_source": (_join([_param_text(p) for p in _params(es, "ncv")]) or _t("活动水平以热量计", "activity data given as heat"))
                    if es
                    else NA,
                }
            )
        others = [e for e in comb if _fuel_row(e) == "other"]
        if others:
            rows.append(
                {
                    "year": str(y),
                    "category": _t("化石燃料燃烧", "fossil fuel combustion"),
                    "item": _t("其他燃料", "other fuel"),
                    "activity_source": _join([e.get("data_source") for e in others]),
                    "parameter_source": _join([_param_text(p) for p in _params(others, "ncv")]),
                }
            )
        fgd = _entries(inv, "desulfurization")
        rows.append(
            {
                "year": str(y),
                "category": _t("脱硫过程", "desulfurization"),
                "item": _t("脱硫剂消耗量", "sorbent consumed"),
                "activity_source": _join([e.get("data_source") for e in fgd]) if fgd else NA,
                "parameter_source": None,
            }
        )
        elec = _entries(inv, "purchased_electricity")
        rows.append(
            {
                "year": str(y),
                "category": _t("净购入电力", "net purchased electricity"),
                "item": _t("电力净购入量", "net electricity purchased"),
                "activity_source": _join([e.get("data_source") for e in elec]) if elec else NA,
                "parameter_source": None,
            }
        )
        heat = _entries(inv, "purchased_heat")
        if heat:
            rows.append(
                {
                    "year": str(y),
                    "category": _t("净购入热力", "net purchased heat"),
                    "item": _t("热力净购入量", "net heat purchased"),
                    "activity_source": _join([e.get("data_source") for e in heat]),
                    "parameter_source": None,
                }
            )
    return {
        "id": "E.3",
        "title": _t("表 E.3 活动水平及其来源", "Table E.3 Activity data and their sources"),
        "columns": [
            {"key": "year", "zh": "年度", "en": "Year"},
            {"key": "category", "zh": "类别", "en": "Category"},
            {"key": "item", "zh": "品种", "en": "Item"},
            {"key": "activity_source", "zh": "净消耗量数据来源", "en": "Source of net consumption"},
            {"key": "parameter_source", "zh": "低位发热值数据来源", "en": "Source of net calorific value"},
        ],
        "rows": rows,
        "notes": [],
    }


def table_e5(results: dict, years: list[int]) -> dict:
    rows = []
    for y in years:
        inv = _inv(results, y)
        comb = _entries(inv, "fuel_combustion")
        for key, zh, en in FUEL_ROWS:
            es = [e for e in comb if _fuel_row(e) == key]
            direct = _params(es, "ef")
            rows.append(
                {
                    "year": str(y),
                    "category": _t("化石燃料燃烧", "fossil fuel combustion"),
                    "item": _t(zh, en),
                    "cc_source": (_join([_param_text(p) for p in _params(es, "carbon_content")]) or _join([_param_text(p) for p in direct])) if es else NA,
                    "of_source": _join([_param_text(p) for p in _params(es, "oxidation")]) if es else NA,
                }
            )
        fgd = _entries(inv, "desulfurization")
        rows.append(
            {
                "year": str(y),
                "category": _t("脱硫过程", "desulfurization"),
                "item": _t("脱硫剂消耗量", "sorbent consumed"),
                "cc_source": _join([_param_text(p) for n in ("ef", "purity", "conversion_rate") for p in _params(fgd, n)]) if fgd else NA,
                "of_source": None,
            }
        )
        elec = _entries(inv, "purchased_electricity")
        rows.append(
            {
                "year": str(y),
                "category": _t("净购入电力", "net purchased electricity"),
                "item": _t("电力净购入量", "net electricity purchased"),
                "cc_source": _join([_param_text(p) for p in _params(elec, "ef")]) if elec else NA,
                "of_source": None,
            }
        )
        heat = _entries(inv, "purchased_heat")
        if heat:
            rows.append(
                {
                    "year": str(y),
                    "category": _t("净购入热力", "net purchased heat"),
                    "item": _t("热力净购入量", "net heat purchased"),
                    "cc_source": _join([_param_text(p) for p in _params(heat, "ef")]),
                    "of_source": None,
                }
            )
    return {
        "id": "E.5",
        "title": _t("表 E.5 排放因子及其来源", "Table E.5 Emission factors and their sources"),
        "columns": [
            {"key": "year", "zh": "年度", "en": "Year"},
            {"key": "category", "zh": "类别", "en": "Category"},
            {"key": "item", "zh": "品种", "en": "Item"},
            {
                "key": "cc_source",
                "zh": "单位热值含碳量数据来源（脱硫、电力：数据来源）",
                "en": "Source of carbon content per unit heat (desulfurization, electricity: source)",
            },
            {"key": "of_source", "zh": "碳氧化率数据来源", "en": "Source of oxidation rate"},
        ],
        "rows": rows,
        "notes": [],
    }


# ---------------------------------------------------------------------------- E.6
def _capacity(caps: list[dict]):
    caps = [c for c in caps if isinstance(c, dict) and isinstance(c.get("value"), (int, float))]
    if not caps:
        return None
    unit = caps[0].get("unit")
    converted = [_conv(c, unit) for c in caps]
    if any(v is None for v in converted):
        return "; ".join(f"{c['value']:g} {c.get('unit')}" for c in caps)
    return {"value": sum(converted), "unit": unit}


def table_e6(results: dict, years: list[int]) -> dict:
    rows = []
    for y in years:
        inv = _inv(results, y) or {}
        for n, (key, p) in enumerate(sorted((inv.get("products") or {}).items()), 1):
            cap = _capacity(p.get("design_capacity") or [])
            notes = [r.get("note") for r in p.get("rows", []) if r.get("note")]
            # a value restricted in a public build is None: leave it out of the breakdown
            parts = (
                [f"{r.get('facility') or r.get('site') or ''} {r['value']:.12g}".strip() for r in p.get("rows", []) if isinstance(r.get("value"), (int, float))]
                if len(p.get("rows", [])) > 1
                else []
            )
            rows.append(
                {
                    "year": str(y),
                    "no": n,
                    "product": _t(p["name"], p.get("name_en") or key),
                    "unit": p["unit"],
                    "output": p.get("value"),
                    "design_capacity": f"{cap['value']:g} {cap['unit']}" if isinstance(cap, dict) else cap,
                    "note": "；".join(notes + (["分设施：" + "，".join(parts)] if parts else [])) or None,
                }
            )
    return {
        "id": "E.6",
        "title": _t("表 E.6 主要产品产量表", "Table E.6 Main products and output"),
        "columns": [
            {"key": "year", "zh": "年度", "en": "Year"},
            {"key": "no", "zh": "序号", "en": "No."},
            {"key": "product", "zh": "产品名称", "en": "Product"},
            {"key": "unit", "zh": "单位", "en": "Unit"},
            {"key": "output", "zh": "产量", "en": "Output"},
            {"key": "design_capacity", "zh": "设计产能", "en": "Design capacity"},
            {"key": "note", "zh": "说明", "en": "Note"},
        ],
        "rows": rows,
        "notes": [],
    }


def tables(results_emissions: dict, year) -> dict:
    """Tables E.1-E.6 for one reporting year or several (see the module docstring)."""
    years = _years(year)
    r = results_emissions or {}
    return {
        "E.1": table_e1(r, years),
        "E.2": table_e2(r, years),
        "E.3": table_e3(r, years),
        "E.4": table_e4(r, years),
        "E.5": table_e5(r, years),
        "E.6": table_e6(r, years),
    }

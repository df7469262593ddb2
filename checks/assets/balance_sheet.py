"""The carbon asset balance sheet of Annex G: positive assets (table G.1) and negative assets
(table G.2), each line valued in CNY, with totals and the net position.

    value of a line  = quantity × price      (units valued at a market price), or
                     = amount                (a stated or computed amount of money)
    positive total   P = Σ positive lines
    negative total   N = Σ negative lines
    net              P − N

The categories, their table group and their labels follow tables G.1 and G.2 word for
word, plus the two lines of C.6.2.2 a, b (units bought to meet a surrender obligation:
held, at cost, until surrendered; surrendered, the year's compliance cost). Lines whose value is unknown (no price) are listed with value None and left out of
the totals, with a note, rather than counted as zero silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cms_build.api import Traced

# (category, table group zh, group en, label zh, label en)
POSITIVE = (
    ("surplus_allowances", "交易性金融资产", "Tradable financial assets", "因减排得力剩余的碳排放配额", "Allowances left over thanks to reductions"),
    ("ccer", "交易性金融资产", "Tradable financial assets", "中国核证自愿减排量", "China certified emission reductions (CCER)"),
    ("international_credits", "交易性金融资产", "Tradable financial assets", "VCS 等国际体系下的减排量", "Credits under VCS and other international schemes"),
    ("auction_assets", "交易性金融资产", "Tradable financial assets", "参与配额拍卖取得的资产", "Assets acquired at allowance auctions"),
    ("government_subsidy", "不确定性收益", "Uncertain gains", "政府的碳排放补贴", "Government carbon subsidies"),
    ("award_or_research", "不确定性收益", "Uncertain gains", "国际组织的低碳奖项或课题研究", "Low-carbon awards or research from international organizations"),
    ("tax_relief", "不确定性收益", "Uncertain gains", "因减排获得的税收减免", "Tax relief earned by reductions"),
    ("secondary_market_gain", "不确定性收益", "Uncertain gains", "因参与二级市场交易产生的盈利", "Profit from secondary-market trading"),
    ("potential_projects", "碳金融产品创新", "Carbon finance innovation", "潜在的可开发为减排量的项目", "Projects that could be developed into credits"),
    (
        "trust_fund_gain",
        "碳金融产品创新",
        "Carbon finance innovation",
        "因碳信托、碳基金等业务创新带来的收益",
        "Gains from carbon trusts, funds and other innovations",
    ),
    ("low_carbon_product_gain", "碳金融产品创新", "Carbon finance innovation", "投资附有碳减排属性产品的收益", "Gains from products with reduction attributes"),
    ("other_positive", "其他", "Other", "其他正资产（含其他减排量）", "Other positive assets (including other credits)"),
)
NEGATIVE = (
    (
        "allowance_shortfall",
        "交易性金融资产",
        "Tradable financial assets",
        "因减排不力导致实际碳排放超出政府发放的配额部分",
        "Emissions above the allowances allocated",
    ),
    # C.6.2.2 a, b (not a row of table G.2 itself, filed under its first group): allowances and
    # credits bought to meet a surrender obligation are negative assets until surrendered, at cost;
    # once surrendered their cost is the year's compliance cost
    (
        "compliance_purchases",
        "交易性金融资产",
        "Tradable financial assets",
        "因履行清缴义务而购入、尚未清缴的配额和自愿减排量（C.6.2.2 a、b）",
        "Allowances and credits bought to meet a surrender obligation, not yet surrendered (C.6.2.2 a, b)",
    ),
    (
        "compliance_cost",
        "交易性金融资产",
        "Tradable financial assets",
        "当年清缴的购入配额和自愿减排量的成本（C.6.2.2 a、b）",
        "Cost of bought allowances and credits surrendered in the year (C.6.2.2 a, b)",
    ),
    ("penalty", "应交税费", "Taxes and charges payable", "因碳排放不达标产生的罚款", "Penalties for emissions out of compliance"),
    ("uncertain_debt", "不确定性负债", "Uncertain liabilities", "因碳排放问题给企业带来的不确定性债务", "Uncertain debts arising from emissions"),
    ("green_operation_cost", "不确定性负债", "Uncertain liabilities", "绿色运营发生的成本支出", "Costs of green operation"),
    ("retrofit_cost", "不确定性负债", "Uncertain liabilities", "设备改造发生的支出费用", "Equipment retrofit expenses"),
    ("green_power_cost", "不确定性负债", "Uncertain liabilities", "绿电采购发生成本支出", "Green power purchase costs"),
    ("secondary_market_loss", "碳金融产品创新", "Carbon finance innovation", "因参与二级市场交易产生的亏损", "Losses from secondary-market trading"),
    (
        "trust_fund_loss",
        "碳金融产品创新",
        "Carbon finance innovation",
        "因碳信托、碳基金等业务创新带来的亏损",
        "Losses from carbon trusts, funds and other innovations",
    ),
    ("other_negative", "其他", "Other", "其他负资产", "Other negative assets"),
)
CATEGORIES = {c[0]: ("positive",) + c[1:] for c in POSITIVE} | {c[0]: ("negative",) + c[1:] for c in NEGATIVE}


@dataclass
class Line:
    side: str  # positive | negative
    category: str
    description: str = ""
    quantity: float | None = None  # tonnes, when valued at a price
    price: float | None = None
    amount: float | None = None  # CNY, when stated as money
    source: dict = field(default_factory=dict)
    price_source: dict = field(default_factory=dict)
    computed: bool = True
    price_date: str | None = None  # the day of the close used (ISO), when valued at a price

    def value(self) -> Traced:
        meta = CATEGORIES.get(self.category, (self.side, "", "", self.category, self.category))
        label = f"{meta[3]} {meta[4]}" + (f" — {self.description}" if self.description else "")
        if self.amount is not None:
            t = Traced(value=round(self.amount, 2), unit="CNY", label=label, formula="amount", method="G.2" if self.side == "positive" else "G.3")
            t.add("amount", "金额 amount", self.amount, "CNY", self.source)
            return t
        if self.quantity is None or self.price is None:
            t = Traced(value=None, unit="CNY", label=label, formula="quantity × price", method="G.2" if self.side == "positive" else "G.3")
            t.add("q", "数量 quantity", self.quantity, "t", self.source)
            t.add("price", "价格 price", self.price, "CNY/t", self.price_source)
            t.notes.append("not valued: no price" if self.price is None else "not valued: no quantity")
            return t
        t = Traced(
            value=round(self.quantity * self.price, 2), unit="CNY", label=label, formula="quantity × price", method="G.2" if self.side == "positive" else "G.3"
        )
        t.add("q", "数量 quantity", self.quantity, "t", self.source)
        t.add("price", "价格 price", self.price, "CNY/t", self.price_source)
        return t


def sheet(lines: list[Line]) -> dict:
    """The balance sheet: lines grouped as in tables G.1 / G.2, totals and net (Traced dicts)."""
    out = {"positive": [], "negative": [], "unvalued": []}
    totals = {"positive": [], "negative": []}
    for line in lines:
        side = line.side if line.side in ("positive", "negative") else CATEGORIES.get(line.category, ("positive",))[0]
        meta = CATEGORIES.get(line.category, (side, "其他", "Other", line.category, line.category))
        traced = line.value()
        entry = {
            "category": line.category,
            "group_zh": meta[1],
            "group_en": meta[2],
            "label_zh": meta[3],
            "label_en": meta[4],
            "description": line.description,
            "computed": line.computed,
            "quantity": line.quantity,
            "value": traced.as_dict(),
        }
        if line.price is not None and line.price_date is not None:
            entry["price_date"] = line.price_date
        out[side].append(entry)
        if traced.value is None:
            out["unvalued"].append(line.category)
        else:
            totals[side].append(traced)
    pos = _total("正资产合计 positive assets (G.1)", totals["positive"], "P = Σ positive lines")
    neg = _total("负资产合计 negative assets (G.2)", totals["negative"], "N = Σ negative lines")
    net = Traced(value=round(pos.value - neg.value, 2), unit="CNY", label="净碳资产 net carbon assets", formula="P − N", method="G.2, G.3")
    net.step(pos).step(neg)  # steps, not bare inputs: P and N stay linked to their lines (and a
    # public build withholds the net when a line is restricted, see publish.Hider)
    if out["unvalued"]:
        net.notes.append("lines without a price are not in the totals: " + ", ".join(out["unvalued"]))
    out.update({"total_positive": pos.as_dict(), "total_negative": neg.as_dict(), "net": net.as_dict()})
    return out


def _total(label: str, parts: list[Traced], formula: str) -> Traced:
    t = Traced(value=round(sum(p.value for p in parts), 2), unit="CNY", label=label, formula=formula)
    t.steps.extend(parts)
    return t

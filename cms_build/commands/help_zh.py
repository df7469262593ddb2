"""Help in Chinese where the terminal's locale is Chinese (issue 18, 8): `LANG=zh_CN.UTF-8 cms
check --help`. English everywhere else, as before.

The texts are keyed by command path and option name, not by the English text, so that a
rewording of the English does not silently drop the Chinese; tests/cms_build/commands/
test_conventions.py requires an entry for every command and every option with help. Click's own
words (Usage, Options, default) are translated by the formatter. Messages and errors stay
English, like the findings' messages (findings.title_in).
"""

from __future__ import annotations

import os
import re
import unicodedata

import click

# POSIX order: LC_ALL overrides LC_MESSAGES, which overrides LANG
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def help_language(environ=None) -> str:
    """'zh' when the first locale variable set names Chinese (zh_CN.UTF-8, zh_TW, zh), else 'en'."""
    environ = os.environ if environ is None else environ
    for name in _LOCALE_VARIABLES:
        value = environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


# each command's help (its docstring in Chinese); the example line is the English one's command
COMMANDS = {
    "": """碳管理体系即代码（T/CIECCPA 《碳管理体系 要求及使用指南》）。

记录是 git 仓库中的 YAML 文件，仓库根目录有 cms.yaml。PATH 默认为向上最近的含 cms.yaml 的文件夹。

\b
示例：cms -q check records --as-of 2026-06-30""",
    "build": """构建证据网站：jinja2 生成 Markdown，mkdocs-material 生成 HTML（严格模式，离线）。

重新构建到同一个 --out 时，只渲染 Markdown 有变化的页面，其余页面的 HTML 从上次构建复制（与完整构建逐字节相同）；--full 渲染全部页面。
标准错误输出是终端时显示进度条（CI 或管道中从不显示）。

\b
示例：cms build records --as-of 2026-06-30 --profile public --out _site""",
    "check": """全部检查：模式、引用、计算，以及标准的每一条规则。

\b
示例：cms check records --as-of 2026-06-30 --fail-on warning""",
    "checks": """规则列表：编号、标题、严重程度及各自对应的条款。

\b
示例：cms checks records --format json""",
    "diff": """两个 git 版本之间的变化：逐字段的记录变化、计算结果、发现项。

\b
示例：cms diff main HEAD --path records --as-of 2026-06-30""",
    "export": """整个数据集导出为 JSON（记录、计算结果、发现项、符合性矩阵），或导出审核员和主管部门所需的表格为 XLSX 工作簿。

\b
示例：cms export records --as-of 2026-06-30 --format xlsx --output cms.xlsx""",
    "group": """集团：多个实体，每个实体有自己的记录仓库（README：Groups）。

\b
示例：cms group consolidate group --from-exports exports""",
    "group consolidate": """合并各实体的导出文件，不重新运行各实体（CI 矩阵的最后一个作业）。

\b
示例：cms group consolidate group --from-exports exports --format json -o group.json""",
    "import": """把电子表格（CSV 或 XLSX）导入记录所引用的数据文件。

逐行检查，逐行报告被拒绝的行；有任何一行被拒绝时，除非使用 --skip-invalid，否则不写入任何内容。已有的数据文件只有在 --overwrite 时才会被替换。

\b
示例：cms import activity AD-2025-BJ1-U1-COAL meters.xlsx --path records""",
    "import activity": """计量数据（期间、数值、状态）导入 activity_data 记录 RECORD_ID 的 CSV。

按企业常用的台账格式读取，每一步都写进导入报告：表头上方的标题行；中文或英文表头（月份/期间、用量/用气量、状态），括号中的单位（用气量（万Nm³），换算为记录的单位）；跳过合计/Total 行；期间可写 2025年1月、2025/1/1、2025.01、Excel 日期与序列号；实测/估算/补录/缺失；其他列（计量器具、备注等）保留在写出的文件中。

\b
示例：cms import activity AD-2025-BJ1-U1-COAL meters.xlsx --sheet 2025 --path records""",
    "import mappings": """随附的列映射；给出 MAPPING（名称或文件）时，校验它并显示它读取的内容。

\b
示例：cms import mappings national-ets-trades""",
    "import orders": """申报（含撤单）导入 trade_ledger 记录 LEDGER_ID 的申报 CSV。

\b
示例：cms import orders TL-CEA-2023 orders.csv --mapping national-ets-orders --path records""",
    "import prices": """行情数据（日期、收盘、开盘、最高、最低、成交量）导入 market_price 记录 PRICE_ID 的 CSV。

\b
示例：cms import prices PX-CEA-2025-2026 prices.xlsx --mapping national-ets-daily-prices --path records""",
    "import trades": """成交（或申报）导入 trade_ledger 记录 LEDGER_ID 的 CSV。

\b
示例：cms import trades TL-CEA-2023 trades.csv --mapping national-ets-trades --path records""",
    "init": """在 DIRECTORY 中新建组织的记录仓库。

\b
示例：cms init ../our-records --name 某某水泥有限公司 --subsystems A,D --engine-url https://github.com/ORG/cms-as-code

包括：设置、所采用子体系需要的每类记录的草稿、给团队的 README、.gitignore、CI 工作流（GitHub、GitLab）、pre-commit 和编辑器设置。""",
    "kinds": """记录类型，来自模式文件。

\b
示例：cms kinds""",
    "list": """记录列表：编号、类型、状态、标题、文件。

\b
示例：cms list records --kind target""",
    "matrix": """截至评价日期的逐条款、逐项符合性矩阵（README：Conformity statuses）；--format json 给出每个条款各项的状态、规则和记录。

\b
示例：cms matrix records --as-of 2026-06-30""",
    "new": """按模式新建一条 KIND 类型的记录，包含每个必填字段和注释。

从不覆盖：已存在的文件或编号会被拒绝。

\b
示例：cms new activity_data --method emission_factor --fuel coal --language en""",
    "pack": """生成审核资料包：封面、目录、矩阵、发现项、记录和结果，输出 PDF 和 HTML。

\b
示例：cms pack records --as-of 2026-06-30 --clauses 6.4,9.1 --out audit-pack.pdf""",
    "serve": """构建网站并在本机提供服务；记录、模式、规则或模板变化时重新构建。

\b
示例：cms serve records --port 8000""",
    "show": """一条记录：文件、内容、双向引用及其上的发现项。

\b
示例：cms show AD-2025-BJ1-U1-COAL --path records""",
    "status": """与 `cms todo` 相同的清单。

\b
示例：cms status .""",
    "todo": """组织还缺什么：按条款、按新团队填写的顺序（标准的顺序）列出，并给出每项要填写的 `cms init` 起始草稿。

\b
示例：cms todo . --language en""",
    "validate": """只检查模式和引用错误（快速；不计算，不运行日期规则）。

\b
示例：cms validate records""",
}

# an option's help wherever it means the same; OPTIONS_IN below where a command means more
OPTIONS = {
    "--version": "显示版本（不是正式版本时也显示 git 提交）并退出。",
    "--quiet": "只输出发现项和错误：不输出汇总，也不输出“wrote ...”之类的行。",
    "--verbose": "另外在标准错误输出中显示每个阶段及其耗时。",
    "--as-of": "按这一天评价日期规则（默认：今天）。可精确重复过去的一次运行。",
    "--output": "写入此文件而不是标准输出（不加 --force 时从不覆盖已有文件）。",
    "--force": "如果 --output 文件已存在，替换它。",
    "--path": "记录仓库（默认：向上最近的 cms.yaml 所在文件夹）。",
    "--profile": "public：只包括标为公开的记录，并去掉其保密字段。",
    "--out": "网站写入的文件夹（只有构建成功时才替换）。",
    "--language": "网站语言（默认：cms.yaml 中的语言）。",
    "--fail-on": "存在此严重程度或更严重的发现项时以 1 退出。",
    "--changed-since": "只报告自此 git 版本以来的变更所应负责的发现项。",
    "--fetch": "集团：把以 git URL 给出的实体按其固定的提交克隆到 .cms-cache/。",
    "--full": "渲染每个页面，即使上次构建到 --out 的 HTML 可以原样沿用。",
    "--no-cache": "不读也不写 .cms-cache/ 中已解析记录的缓存。",
    "--from-exports": "各实体导出文件所在的文件夹，每个实体一个 <实体编号>.json（由 'cms export' 写出）。",
    "--subsystems": "所采用的子体系（条款 1 e）：A 排放，B 交易，C 资产，D 中和。",
    "--name": "组织名称。",
    "--existing": "允许非空文件夹：只添加缺少的内容，不覆盖任何文件。",
    "--engine-url": "引擎的 git 仓库，写入 requirements.txt（设为本项目的仓库、分叉或镜像：默认值是占位符）。",
    "--engine-ref": "要安装的发布标签或提交。",
    "--kind": "只列出此类型的记录。",
    "--clauses": "逗号分隔的条款（6.1 选中 6.1.x 及其各项）；默认：全部条款。",
    "--port": "127.0.0.1 上的端口（0：任一空闲端口）。",
    "--sheet": "XLSX 工作表（默认：第一个）。",
    "--overwrite": "替换已有的数据文件。",
    "--skip-invalid": "即使有行被拒绝，也写入有效的行。",
    "--orders": "这些行是申报，写入 orders_file，而不是成交。",
    "--timezone": "电子表格中未带时区的时间所用的时区。",
    "--mapping": "列映射（YAML 文件，或随附映射的名称：cms import mappings），用于交易所导出的文件：列名、日期格式、买卖方向、单位、编码。",
}

OPTIONS_IN = {
    ("build", "--as-of"): "按这一天评价日期规则（默认：今天）。同一天，同一个网站。",
    ("serve", "--as-of"): "按这一天评价日期规则（默认：今天）。同一天，同一个网站。",
    ("pack", "--as-of"): "按这一天评价日期规则（默认：今天）。同一天，同一个网站。",
    ("check", "--jobs"): "集团：同时检查这么多个实体（README：Groups）。",
    ("check", "--language"): "以此语言显示每个发现项的规则标题（消息和提示为英文）。",
    ("export", "--format"): "json：全部内容，供工具使用；xlsx：附录 E 表格、台账、声明、发现项（需要 --output）。",
    ("export", "--language"): "xlsx：表头和标签的语言（默认：cms.yaml 中的语言）。",
    ("export", "--jobs"): "集团：同时导出这么多个实体。",
    ("export", "--fetch"): "集团：把以 git URL 给出的实体按其固定的提交克隆下来。",
    ("new", "--language"): "注释的语言。",
    ("new", "--method"): "activity_data：核算方法，按其写出每个字段并附示例值。",
    ("new", "--fuel"): "与 --method emission_factor 一起：燃料（coal、natural_gas、diesel……）。",
    ("pack", "--profile"): "public：只包括公开网站显示的内容。",
    ("pack", "--out"): "要写的 PDF；同一资料包的单个 HTML 文件写在它旁边（.html）。",
    ("status", "--language"): "条款标题的语言（默认：cms.yaml 中的语言）。",
    ("todo", "--language"): "条款标题的语言（默认：cms.yaml 中的语言）。",
}

# click's own words
_WORDS = {"Usage:": "用法：", "Options": "选项", "Commands": "命令", "Arguments": "参数", "Show this message and exit.": "显示此帮助并退出。"}
_EXTRAS = (("[default: ", "[默认："), ("; default: ", "；默认："), ("[required]", "[必填]"))


def display_width(text: str) -> int:
    """Terminal columns: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# no line starts with closing punctuation (the simple rule of Chinese line breaking)
_NO_LINE_START = set("。，、；：？！）」』》〉】…”’,.;:?!)]")
_NO_LINE_END = set("（「『《〈【“‘([")


def _pieces(text: str) -> list[str]:
    """Units a line may break between: a run of non-CJK characters up to a space (a word), or one
    CJK character; closing punctuation sticks to what precedes it, opening to what follows."""
    pieces: list[str] = []
    word = ""
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        if ch == " ":
            if word:
                pieces.append(word)
                word = ""
            pieces.append(" ")
        elif wide or ch in _NO_LINE_START:
            if word and ch not in _NO_LINE_START:
                pieces.append(word)
                word = ""
            if ch in _NO_LINE_START and (word or pieces):
                if word:
                    word += ch
                else:
                    pieces[-1] += ch
            else:
                pieces.append(ch)
        else:
            word += ch
    if word:
        pieces.append(word)
    merged: list[str] = []  # no line ends with opening punctuation: it goes with what follows
    for piece in pieces:
        if merged and merged[-1][-1] in _NO_LINE_END and piece != " ":
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def cjk_wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` terminal columns (a word longer than that stands alone), breaking
    between CJK characters and at spaces, never before closing punctuation."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(" ".join(text.split())):
        if piece == " ":
            if line:
                line += " "
            continue
        if line.strip() and display_width(line + piece) > width:
            lines.append(line.rstrip())
            line = piece
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


class ZhFormatter(click.HelpFormatter):
    """Click's help layout with its own words in Chinese, wrapped by terminal columns (a Chinese
    character takes two; click counts characters and breaks only at spaces)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else _WORDS["Usage:"])

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_WORDS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent

        def lines(paragraph: str) -> list[str]:
            if paragraph.startswith("\b\n"):  # click's mark for a paragraph kept as written (an example)
                return paragraph.splitlines()[1:]
            return cjk_wrap(" ".join(paragraph.split()), self.width - self.current_indent)

        paragraphs = [p.strip(" \n") for p in text.split("\n\n") if p.strip()]
        self.write("\n\n".join("\n".join(indent + line for line in lines(p)) for p in paragraphs))
        self.write("\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(term, _words(text)) for term, text in rows]
        first_col = min(max((display_width(term) for term, _ in rows), default=0), col_max) + col_spacing
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if display_width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = cjk_wrap(text, max(self.width - first_col - 2, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


def _words(text: str) -> str:
    text = _WORDS.get(text, text)
    for english, chinese in _EXTRAS:
        text = text.replace(english, chinese)
    return text


class ZhContext(click.Context):
    formatter_class = ZhFormatter


def _walk(command: click.Command, path: str = ""):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _walk(sub, f"{path} {name}".strip())


def option_name(param: click.Parameter) -> str:
    """The long name of an option (--output for -o/--output)."""
    longs = [o for o in param.opts if o.startswith("--")]
    return longs[0] if longs else param.opts[0]


def chinese_option_help(path: str, param: click.Parameter) -> str | None:
    return OPTIONS_IN.get((path, option_name(param)), OPTIONS.get(option_name(param)))


def _short(text: str, limit: int = 34) -> str:
    """The line in a group's list of commands: the first sentence (click shortens at ". ", a
    Chinese sentence ends at "。"), cut at a comma or at `limit` characters."""
    first = text.split("。")[0]
    if len(first) > limit:  # an aside in brackets goes first
        first = re.sub("（[^）]*）", "", first)
    if len(first) <= limit:
        return first + "。"
    cut = max(first.rfind(mark, 0, limit) for mark in "，；：、")
    return (first[:cut] if cut > 8 else first[:limit]) + "…"


def localize(cli: click.Group, language: str) -> None:
    """Put every command's help in `language` ('zh' or 'en'). The English texts are kept on the
    objects, so that a process (a test) can switch back."""
    for path, command in _walk(cli):
        if not hasattr(command, "_cms_en"):
            command._cms_en = (command.help, command.short_help, command.context_class)
            for param in command.params:
                param._cms_en = getattr(param, "help", None)
        help_en, short_en, context_en = command._cms_en
        zh = language == "zh" and path in COMMANDS
        command.help = COMMANDS[path] if zh else help_en
        command.short_help = _short(COMMANDS[path]) if zh else short_en
        command.context_class = ZhContext if language == "zh" else context_en
        for param in command.params:
            if param._cms_en is not None:
                param.help = (chinese_option_help(path, param) or param._cms_en) if language == "zh" else param._cms_en

"""Static SVG charts drawn at build time with matplotlib: emissions and intensity over the
years against baselines, benchmarks and targets.

The SVGs are byte-for-byte reproducible (no date, fixed id salt) and carry their text as
text (svg.fonttype none), so the browser draws Chinese labels with its own fonts and no
font is embedded. They are shown as <img>, where an SVG can run no script.
"""

from __future__ import annotations

import io
import warnings

from .. import invisible

_RC = {
    "svg.hashsalt": "cms-evidence-site",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", "DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}
COLORS = ["#00796b", "#1565c0", "#6a1b9a", "#ef6c00", "#2e7d32", "#c62828", "#5d4037", "#455a64"]


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:  # charts are an addition: a site without them still builds
        return False
    return True


def line_chart(title: str, unit: str, series: list[tuple[str, dict]], *, hlines=(), points=(), width: float = 7.0, height: float = 3.2) -> str | None:
    """An SVG (text) of values over the years.

    series: [(label, {year: value})]; hlines: [(label, value)] drawn dashed (baselines,
    benchmarks); points: [(label, year, value)] drawn as markers (targets at their deadline).
    None when there is nothing to draw.
    """
    if not available():
        return None
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    drawn = [(_label(label), {int(y): float(v) for y, v in values.items() if _num(v)}) for label, values in series]
    drawn = [(label, values) for label, values in drawn if values]
    hl = [(_label(label), float(v)) for label, v in hlines if _num(v)]
    pts = [(_label(label), int(y), float(v)) for label, y, v in points if _num(v) and y is not None]
    title, unit = _label(title), _label(unit)
    if not drawn and not pts:
        return None
    with matplotlib.rc_context(_RC), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing-glyph warnings for CJK metrics: the browser draws the text
        fig = Figure(figsize=(width, height), dpi=96)
        ax = fig.add_subplot(1, 1, 1)
        for i, (label, values) in enumerate(drawn):
            years = sorted(values)
            ax.plot(years, [values[y] for y in years], marker="o", color=COLORS[i % len(COLORS)], label=label)
        for i, (label, value) in enumerate(hl):
            ax.axhline(value, linestyle="--", linewidth=1, color=COLORS[(i + len(drawn)) % len(COLORS)], label=label)
        for i, (label, year, value) in enumerate(pts):
            ax.plot([year], [value], marker="*", markersize=12, linestyle="none", color=COLORS[(i + len(drawn) + len(hl)) % len(COLORS)], label=label)
        ax.set_title(title, loc="left")
        ax.set_ylabel(unit)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.6g}"))
        ax.legend(loc="best", fontsize=8, frameon=False)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "cms"})
    return buf.getvalue()


def _label(text) -> str:
    """Record text as a chart label: no mathtext ($), not hidden (leading _), invisible
    characters shown (⟨U+202E⟩, as everywhere on the site). matplotlib writes it as XML text."""
    return invisible.visible(str(text)).replace("\\", "\\\\").replace("$", r"\$").lstrip("_") or " "


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)

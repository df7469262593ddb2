"""Static SVG charts drawn at build time with matplotlib: emissions and intensity over the
years against baselines, benchmarks and targets.

The SVGs are byte-for-byte reproducible (no date, fixed id salt) and carry their text as
text (svg.fonttype none), so the browser draws Chinese labels with its own fonts and no
font is embedded. They are shown as <img>, where an SVG can run no script.

**Drawn once per data.** Drawing one chart costs matplotlib about 50 ms (layout, text metrics,
the SVG writer): 8.9 s for the 161 charts of a 4,160-record site, more than half of cms's own
Markdown stage (issue 19 win 5). A chart is a pure function of its arguments, this module's
code, matplotlib's version and the fonts it measures text with, so a build that caches
(`cms build` without --no-cache) keeps each SVG in this user's cache folder
(``$XDG_CACHE_HOME/cms-as-code/charts/``, outside the repository: a pull request cannot plant
one) under the SHA-256 of all of those, and draws only a chart whose key it has not seen.
The same inputs give the same bytes whether drawn or read (tests/site/test_charts.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import io
import json
import os
import warnings
from pathlib import Path

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


_CACHING: contextvars.ContextVar[bool] = contextvars.ContextVar("cms_chart_cache", default=False)
_ENVIRONMENT: list[str] = []  # this module's code, matplotlib's version and fonts: computed once


@contextlib.contextmanager
def caching(enabled: bool = True):
    """Within it, line_chart keeps and reuses SVGs in the user's chart cache (build_site)."""
    token = _CACHING.set(enabled)
    try:
        yield
    finally:
        _CACHING.reset(token)


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cms-as-code" / "charts"


def _environment() -> str:
    """What a chart's bytes depend on besides its arguments."""
    if not _ENVIRONMENT:
        import matplotlib
        from matplotlib import font_manager

        fonts = []
        for family in _RC["font.sans-serif"]:
            try:
                fonts.append(font_manager.findfont(family, fallback_to_default=False))
            except Exception:  # noqa: BLE001 - a family not installed: its absence is part of the key
                fonts.append(f"{family}: none")
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
        _ENVIRONMENT.append(json.dumps([code, matplotlib.__version__, fonts, sorted(_RC.items(), key=str)], default=str))
    return _ENVIRONMENT[0]


def _cached(key_args: list, draw) -> str | None:
    if not _CACHING.get():
        return draw()
    key = hashlib.sha256(json.dumps([_environment(), key_args], ensure_ascii=False, default=str).encode("utf-8")).hexdigest()
    path = cache_folder() / key[:2] / f"{key}.svg"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    svg = draw()
    if svg is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_name(f".{key}.{os.getpid()}.tmp")
            tmp.write_text(svg, encoding="utf-8")
            os.replace(tmp, path)
        except OSError:  # no writable cache folder: drawn, not kept
            pass
    return svg


def line_chart(title: str, unit: str, series: list[tuple[str, dict]], *, hlines=(), points=(), width: float = 7.0, height: float = 3.2) -> str | None:
    """An SVG (text) of values over the years.

    series: [(label, {year: value})]; hlines: [(label, value)] drawn dashed (baselines,
    benchmarks); points: [(label, year, value)] drawn as markers (targets at their deadline).
    None when there is nothing to draw.
    """
    if not available():
        return None
    drawn = [(_label(label), {int(y): float(v) for y, v in values.items() if _num(v)}) for label, values in series]
    drawn = [(label, values) for label, values in drawn if values]
    hl = [(_label(label), float(v)) for label, v in hlines if _num(v)]
    pts = [(_label(label), int(y), float(v)) for label, y, v in points if _num(v) and y is not None]
    title, unit = _label(title), _label(unit)
    if not drawn and not pts:
        return None
    key = [title, unit, [(label, sorted(values.items())) for label, values in drawn], hl, pts, float(width), float(height)]
    return _cached(key, lambda: _draw(title, unit, drawn, hl, pts, width, height))


def _draw(title: str, unit: str, drawn: list, hl: list, pts: list, width: float, height: float) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

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

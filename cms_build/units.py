"""Units for every figure the program computes with: one pint registry, built once, lazily.

Why a units library rather than hand-written conversion factors: the accounting formulas
of the standard (Annex F: E = AD x EF x GWP) multiply figures whose units come from many
records and many sources (t and 10^3 Nm3 of fuel, kJ/kg and kJ/Nm3 of heat, tC/TJ, tCO2/MWh,
万元 of output). A hand-written table of factors silently accepts "kWh x tCO2/GJ"; pint
carries the dimension through every product and refuses to add or convert things that
measure different quantities, so such a slip becomes an error with both units named.

The custom units live in ``_DEFINITIONS`` below, each with the reason it exists. The
important choices:

- CO2-equivalent mass is its own base dimension ``[co2e]``: ``tCO2e``, ``tCO2``,
  ``kgCO2e`` convert among themselves but never to plain ``t`` (a tonne of fuel is not a
  tonne of CO2).
- Carbon mass is its own base dimension ``[carbon]`` (``tC``). Carbon becomes CO2 only
  through :func:`carbon_to_co2` (x 44/12, the factor of Annex F), never implicitly.
- Normal cubic metres ``Nm3`` are their own dimension ``[normal_volume]``: a volume of gas
  at normal conditions is not interchangeable with an actual ``m3`` at line conditions.
- Currency ``CNY`` is its own dimension ``[currency]``; 万元 is 10^4 CNY.

Spellings the records use ("10^4 Nm3", "万Nm3", "万元", "kt", "tCO₂e") are rewritten to
registry names by :func:`parse_unit`; anything unknown raises :class:`UnitError` with a
hint listing close known spellings.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import threading
import time
from typing import TYPE_CHECKING

from .errors import CmsProblem

if TYPE_CHECKING:  # pint is imported on first use (registry()): importing it costs ~0.1 s,
    import pint  # which a run that converts nothing (a small repository's check) should not pay

__all__ = [
    "C_TO_CO2",
    "UnitError",
    "carbon_to_co2",
    "convert",
    "dimension_name",
    "magnitude_in",
    "parse_unit",
    "quantity",
    "registry",
    "same_dimension",
]

#: Mass of CO2 per mass of carbon, as the accounting guidelines and Annex F of the
#: standard use it (44/12, not the molar-mass ratio 44.0095/12.011).
C_TO_CO2 = 44.0 / 12.0

# One line per definition, in pint's definition syntax. Comments say why each exists.
_DEFINITIONS = """
# Chinese counting words as prefixes: 万 = 10^4, 亿 = 10^8 (万Nm3, 万元, 万t, 亿元).
# ASCII names wan_/yi_ so that the unit is also writable where CJK is awkward.
wan_- = 1e4 = 万-
yi_- = 1e8 = 亿-

# CO2-equivalent mass, a base dimension of its own so that it never converts to plain t.
# tCO2 is the same dimension: a tonne of CO2 is a tonne of CO2e (GWP 1).
tCO2e = [co2e]
tCO2 = tCO2e
kgCO2e = 1e-3 tCO2e
kgCO2 = kgCO2e
gCO2e = 1e-6 tCO2e
gCO2 = gCO2e

# Carbon mass (carbon content tC/TJ, material balance of Annex F.3). Own dimension:
# becomes CO2 only through carbon_to_co2() (x 44/12), never by unit conversion.
tC = [carbon]
kgC = 1e-3 tC

# Normal cubic metres of gas (0 degC, 101.325 kPa): own dimension, not convertible to an
# actual m3 measured at line conditions. Fuel gas activity data is in 10^3 or 10^4 Nm3.
Nm3 = [normal_volume]

# Tonne of coal equivalent (Chinese energy statistics, GB/T 2589): 1 kgce = 29307.6 kJ.
tce = 29.3076 GJ
kgce = 1e-3 tce
# gram of coal equivalent: coal rates of power plants are given in gce/kWh (供电煤耗).
gce = 1e-6 tce

# Currency for intensities per output value (tCO2/万元) and for carbon prices (CNY/t).
CNY = [currency] = 元 = yuan = RMB

# Chinese spelling of the tonne.
@alias metric_ton = 吨
"""

# Scale factors written as numbers in front of a unit ("10^4 Nm3", "1e4 Nm3") become
# prefixes, because a pint unit cannot carry a bare number.
_SCALE_PREFIX = {3: "kilo", 4: "wan_", 6: "mega", 8: "yi_", 9: "giga"}

# Record spellings that pint would read differently, or not at all.
_TOKEN_ALIASES = {
    "kt": "kilotonne",  # pint reads kt as the knot
    "m3": "m**3",
    "m2": "m**2",
    "tCO2eq": "tCO2e",
    "tCO2_eq": "tCO2e",
    "kgCO2eq": "kgCO2e",
}

_CHAR_REPLACEMENTS = {
    "³": "3",
    "²": "2",
    "₂": "2",
    "₄": "4",
    "₆": "6",
    "₃": "3",
    "·": "*",
    "⋅": "*",
    "×": "*",
    "／": "/",
    "（": "(",
    "）": ")",
    "％": "%",
    "－": "-",
    "\u00a0": " ",
    "\u3000": " ",
}

#: Spellings records are expected to use; the vocabulary of hints for unknown units.
KNOWN_SPELLINGS = (
    "1",
    "%",
    "t",
    "kt",
    "kg",
    "g",
    "Mt",
    "万t",
    "10^4 t",
    "J",
    "kJ",
    "MJ",
    "GJ",
    "TJ",
    "kWh",
    "MWh",
    "GWh",
    "tce",
    "kgce",
    "gce",
    "Nm3",
    "10^3 Nm3",
    "10^4 Nm3",
    "万Nm3",
    "m3",
    "L",
    "GJ/t",
    "kJ/kg",
    "kJ/Nm3",
    "GJ/10^4 Nm3",
    "MJ/kg",
    "tC",
    "kgC",
    "tC/TJ",
    "tC/t",
    "tCO2",
    "tCO2e",
    "kgCO2e",
    "ktCO2e",
    "tCO2/MWh",
    "tCO2/GJ",
    "tCO2/t",
    "tCO2e/t",
    "kgCO2/kWh",
    "tCO2/万元",
    "CNY",
    "10^4 CNY",
    "万元",
    "CNY/t",
    "CNY/tCO2e",
    "h",
    "a",
    "year",
    "day",
)

_KNOWN = frozenset(KNOWN_SPELLINGS)
_registry: pint.UnitRegistry | None = None
_lock = threading.Lock()


class UnitError(CmsProblem, ValueError):
    """A unit that cannot be read, or a conversion between different kinds of quantity."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, hint=hint)

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


def registry() -> pint.UnitRegistry:
    """The program's single unit registry, built on first use (about 0.2 s) and then reused.

    It is also made pint's application registry, so that code using
    ``pint.get_application_registry()`` shares it: quantities from two registries
    cannot be combined.
    """
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                pint = _import_pint()
                ureg = _default_registry(pint)
                for line in _DEFINITIONS.splitlines():
                    line = line.strip()
                    if line and not line.startswith("#"):
                        ureg.define(line)
                pint.set_application_registry(ureg)
                _registry = ureg
    return _registry


# What pint imports when it finds it, to work with its arrays and special functions: numpy and
# scipy, about 0.1 s of the 0.18 s of importing pint, in every run that converts a unit. Every
# figure the program converts is a Python int, float or Decimal (never an array), for which pint
# computes the same without them; pint is imported without them in every process alike (even
# one that imported numpy before, e.g. for a chart), so its behaviour does not depend on what
# ran first.
_PINT_WITHOUT = ("numpy", "scipy")
_ABSENT = object()


def _import_pint():
    """pint, imported (the first time) as if numpy and scipy were not installed."""
    import sys

    if "pint" in sys.modules:  # imported already (an organization's rule may import it)
        import pint

        return pint
    hidden = {name: sys.modules.get(name, _ABSENT) for name in _PINT_WITHOUT}
    try:
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
        import pint
    finally:
        for name, module in hidden.items():
            if module is _ABSENT:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module  # type: ignore[assignment]
    return pint


def _definitions_cache() -> str | None:
    """This user's folder for pint's parsed default definitions, or None when it cannot be
    trusted: pint keeps them pickled there (named by the definitions' content and pint's
    version), and unpickling runs code, so the folder must be this user's alone, like the
    cache key beside it (cms_build/cachefile.py)."""
    import stat

    from .cachefile import key_file

    path = key_file().parent / "pint"
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        return None
    return str(path)


def _default_registry(pint):
    """pint's registry of its default definitions. Parsing them is most of the cost of building
    the registry (about 0.3 s of every run that converts a unit); pint's own cache of the parsed
    definitions brings that to some 0.03 s and gives the same registry. A cache that cannot be
    used (no home, a damaged file) only costs the parse."""
    folder = _definitions_cache() if hasattr(os, "getuid") else None  # no getuid: Windows
    if folder is not None:
        try:
            with _alone_in(folder) as alone:
                if alone:
                    return pint.UnitRegistry(on_redefinition="raise", cache_folder=folder)
        except Exception:  # noqa: BLE001 - whatever a damaged cache file raises, parse afresh
            pass
    return pint.UnitRegistry(on_redefinition="raise")


LOCK_WAIT_S = 5.0  # far above the 0.3 s a registry takes to build; a stuck run costs others only the parse


@contextlib.contextmanager
def _alone_in(folder: str):
    """True while this process alone uses pint's cache folder (an exclusive lock on a file in it,
    held by the kernel, so a killed run never leaves it locked); False when no lock came within
    LOCK_WAIT_S. pint writes its cache file in place (opened for writing, then pickled into): two
    runs starting at once on a new machine, one writing while the other reads, would have the
    reader unpickle a part-written file."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no fcntl: no getuid either, no cache folder
        yield False
        return
    fd = os.open(os.path.join(folder, ".lock"), os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield False
                    return
                time.sleep(0.01)
        yield True
    finally:
        os.close(fd)


def __getattr__(name: str):  # ``units.ureg`` as a lazy module attribute
    if name == "ureg":
        return registry()
    raise AttributeError(name)


_SCALE_RE = re.compile(r"(?<![\w.])(?:10\s*(?:\^|\*\*)\s*(\d+)|1[eE]\+?(\d+))\s*(?=[A-Za-z_\u4e00-\u9fff(])")
_NAME_RE = re.compile(r"[A-Za-z_\u4e00-\u9fff][A-Za-z_0-9\u4e00-\u9fff]*")


def _normalize(text: str) -> str:
    s = "".join(_CHAR_REPLACEMENTS.get(ch, ch) for ch in text).strip()

    def scale(m: re.Match) -> str:
        power = int(m.group(1) or m.group(2))
        prefix = _SCALE_PREFIX.get(power)
        if prefix is None:
            raise UnitError(
                f"unsupported scale factor 10^{power} in unit {text!r}",
                "scale factors 10^3, 10^4 (万), 10^6, 10^8 (亿) and 10^9 are understood",
            )
        return prefix

    s = _SCALE_RE.sub(scale, s)
    s = _NAME_RE.sub(lambda m: _TOKEN_ALIASES.get(m.group(0), m.group(0)), s)
    return s


def _hint_for(text: str, unknown: tuple[str, ...] = ()) -> str:
    lowered = {k.lower(): k for k in KNOWN_SPELLINGS}
    close = difflib.get_close_matches(text.strip().lower(), list(lowered), n=5, cutoff=0.5)
    for name in unknown:
        close += difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.5)
    seen: list[str] = []
    for c in close:
        if lowered[c] not in seen:
            seen.append(lowered[c])
    if seen:
        return "close known spellings: " + ", ".join(seen) + " (units are case-sensitive: MJ is megajoule, mJ millijoule)"
    return "known spellings include: " + ", ".join(KNOWN_SPELLINGS[:24]) + ", ..."


# Units already read, by the text as written and as normalized: pint's parse_units costs about
# half a millisecond a call and a check of the example asks for a few spellings thousands of times.
# A pint Unit is immutable, so one object serves every caller. Failures are not kept (they raise
# anew, with their hint, each time). Both belong to the one registry above, built once.
_parsed: dict[str, pint.Unit] = {}
_parsed_normalized: dict[str, pint.Unit] = {}


# Units no registry reads, by the text as written, with the name pint reports undefined in it:
# the placeholder of every draft `cms init` and `cms new` write (scaffold.PLACEHOLDER). A fresh
# repository's activity data holds it as its unit, and building the registry (importing pint
# included, about 0.4 s of CPU, a third of that check before issue 19) only to learn that it is unknown is not worth it. tests/test_units.py asks pint
# for each entry and fails when it says anything else.
_UNDEFINED = {"待填写 to be completed": "待填写"}


def _unknown(text: str, names: tuple[str, ...]) -> UnitError:
    return UnitError(f"unknown unit {text!r}" + (f" ({', '.join(names)} is not defined)" if names else ""), _hint_for(text, names))


def parse_unit(text) -> pint.Unit:
    """Read a unit as records spell it ("10^4 Nm3", "万元", "tC/TJ", "%") into a pint Unit.

    Raises UnitError with a hint listing close known spellings when the unit is unknown.
    An empty string or "1" is dimensionless. A pint Unit passes through unchanged.
    """
    if isinstance(text, str):
        hit = _parsed.get(text)
        if hit is not None:
            return hit
        undefined = _UNDEFINED.get(text)
        if undefined is not None:  # what pint would say, without building the registry for it
            raise _unknown(text, (undefined,))
    ureg = registry()
    from pint import UndefinedUnitError  # already imported by registry(); pint is imported lazily

    if isinstance(text, ureg.Unit):
        return text
    if not isinstance(text, str):
        raise UnitError(f"a unit must be written as text, got {type(text).__name__} {text!r}", 'quote it in YAML, e.g. unit: "t"')
    normalized = _normalize(text)
    if normalized in ("", "1", "-"):
        _parsed[text] = ureg.dimensionless
        return ureg.dimensionless
    try:
        unit = _parsed_normalized.get(normalized)
        if unit is None:
            unit = _parsed_normalized[normalized] = ureg.parse_units(normalized)
        _parsed[text] = unit
        return unit
    except UndefinedUnitError as exc:
        names = tuple(getattr(exc, "unit_names", ()) or ())
        if isinstance(names, str):
            names = (names,)
        raise _unknown(text, names) from None
    except Exception as exc:  # noqa: BLE001 - pint's expression parser fails in many ways on malformed text
        detail = str(exc) if isinstance(exc, ValueError) and str(exc) else "not a well-formed unit expression"
        raise UnitError(f"cannot read unit {text!r}: {detail}", _hint_for(text)) from None


def quantity(value, unit) -> pint.Quantity:
    """A pint Quantity of value in unit (unit as records spell it, or a pint Unit)."""
    return registry().Quantity(value, parse_unit(unit))


# Reference units naming the kinds of quantity in error messages.
_NAMED_DIMENSIONS = (
    ("dimensionless", "1"),
    ("mass", "t"),
    ("energy", "J"),
    ("power", "W"),
    ("CO2-equivalent mass", "tCO2e"),
    ("carbon mass", "tC"),
    ("normal volume (Nm3)", "Nm3"),
    ("volume", "m**3"),
    ("area", "m**2"),
    ("length", "m"),
    ("time", "s"),
    ("currency", "CNY"),
    ("speed", "m/s"),
)
_dimension_names: list[tuple[object, str]] | None = None


def dimension_name(unit) -> str:
    """A readable name of what a unit measures: "energy", "energy per mass", ..."""
    global _dimension_names
    ureg = registry()
    if _dimension_names is None:
        _dimension_names = [(ureg.parse_units(u).dimensionality, n) for n, u in _NAMED_DIMENSIONS]
    dim = parse_unit(unit).dimensionality
    for d, n in _dimension_names:
        if dim == d:
            return n
    for d1, n1 in _dimension_names[1:]:
        for d2, n2 in _dimension_names[1:]:
            if dim == d1 / d2:
                return f"{n1} per {n2}"
    return _dimension_words(dim)


# Base dimensions in words, for a combination no reference unit names (never pint's "[mass]").
_BASE_WORDS = {
    "[mass]": "mass",
    "[length]": "length",
    "[time]": "time",
    "[carbon]": "carbon mass",
    "[co2e]": "CO2-equivalent mass",
    "[normal_volume]": "normal volume",
    "[currency]": "currency",
    "[temperature]": "temperature",
    "[substance]": "amount of substance",
    "[current]": "current",
    "[luminosity]": "luminosity",
}


def _dimension_words(dim) -> str:
    def part(items):
        return " × ".join(_BASE_WORDS.get(k, k.strip("[]")) + (f"^{abs(v):g}" if abs(v) != 1 else "") for k, v in items)

    num = [(k, v) for k, v in sorted(dict(dim).items()) if v > 0]
    den = [(k, v) for k, v in sorted(dict(dim).items()) if v < 0]
    if not num:
        return "1 per " + part(den)
    return part(num) + (" per " + part(den) if den else "")


def same_dimension(a, b) -> bool:
    """Whether units a and b measure the same kind of quantity (so one converts to the other).

    Raises UnitError if either unit is unknown.
    """
    return parse_unit(a).dimensionality == parse_unit(b).dimensionality


def _incompatible(from_unit, to_unit) -> UnitError:
    a, b = dimension_name(from_unit), dimension_name(to_unit)
    hint = ""
    if "carbon mass" in (a, b) and "CO2-equivalent mass" in (a, b):
        hint = "carbon becomes CO2 only explicitly: use units.carbon_to_co2() (x 44/12)"
    elif "normal volume (Nm3)" in (a, b) and "volume" in (a, b):
        hint = "Nm3 is gas at normal conditions; an actual m3 needs a temperature and pressure correction"
    elif {a, b} & {"CO2-equivalent mass"} and "mass" in (a, b):
        hint = "tCO2e is not a plain tonne: multiply by an emission factor or GWP (tCO2e/t)"
    return UnitError(f"cannot convert {from_unit} to {to_unit}: they measure different things ({a} vs {b})", hint)


def convert(value: float, from_unit, to_unit) -> float:
    """value expressed in from_unit, converted to to_unit (e.g. 20908 kJ/kg -> 20.908 GJ/t)."""
    if from_unit == to_unit and type(value) in (int, float) and isinstance(from_unit, str) and (from_unit in _parsed or from_unit in _KNOWN):
        # Nothing to convert, and the unit is one pint reads (already read, or a known spelling:
        # tests/test_units.py reads every one): the number as it is, without building the registry.
        return float(value)
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise _incompatible(from_unit, to_unit)
    return float(registry().Quantity(value, src).to(dst).magnitude)


def magnitude_in(q: pint.Quantity, unit) -> float:
    """The number q is in unit; UnitError when q measures something else."""
    dst = parse_unit(unit)
    if q.dimensionality != dst.dimensionality:
        raise _incompatible(f"{q.units:~}", unit)
    return float(q.to(dst).magnitude)


def carbon_to_co2(value: float, unit="tC", to_unit="tCO2") -> float:
    """Carbon mass to CO2 mass, explicitly: value (in unit, a carbon mass) x 44/12, in to_unit.

    Also accepts a pint Quantity as value (then unit is ignored) and returns a float.
    """
    ureg = registry()
    q = value if isinstance(value, ureg.Quantity) else quantity(value, unit)
    tc = magnitude_in(q, "tC")
    return convert(tc * C_TO_CO2, "tCO2", to_unit)

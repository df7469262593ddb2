"""Running an organization's (or a bundled) rule so that nothing it does ends or corrupts the run.

What it prints is captured, sys.exit and os._exit are caught, and it is stopped at a time
limit. The engine guards every check and computation call (engine.run), the rule loader
every module's import (rules.py). This guards against mistakes, not against hostile code: a
rule is Python running with the rights of the process (README, "Security model").
"""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .results import shape_error

DEFAULT_TIME_LIMIT = 60.0  # seconds; the settings schema documents the same default (checks.time_limit_seconds)


class RuleTimeout(BaseException):
    """Raised into a rule that ran past its time limit. A BaseException, so that a rule's
    own 'except Exception' does not swallow it."""


class RuleExit(BaseException):
    """What os._exit does while a rule runs: it would end the process with no output and
    the exit status the rule chose (0 would turn a failing gate green)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _refuse_exit(code=0):
    raise RuleExit(code)


@dataclass
class Outcome:
    value: object = None
    error: BaseException | None = None  # an exception, SystemExit, RuleExit or RuleTimeout
    output: str = ""  # what the rule wrote to sys.stdout / sys.stderr


class _Alarm:
    """A per-call time limit: SIGALRM (ITIMER_REAL) raising RuleTimeout into the running rule.

    Only in the main thread of a POSIX process (signals are delivered there); elsewhere (a
    thread of `cms serve`, Windows) rules run without a limit. The timer repeats every
    second after the limit, so a rule that catches the first RuleTimeout gets another.
    """

    usable = hasattr(signal, "setitimer")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.active = False
        self.armed = self.usable and seconds and seconds > 0 and threading.current_thread() is threading.main_thread()

    def _fire(self, signum, frame):
        if self.active:
            raise RuleTimeout()

    def __enter__(self):
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            self.active = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds, 1.0)
        return self

    def __exit__(self, *exc):
        if self.armed:
            self.active = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


class _Capture(io.StringIO):
    """sys.stdout and sys.stderr while a rule runs; a rule closing them closes nothing."""

    def close(self):
        pass


def text(exc: BaseException, limit: int = 300) -> str:
    """An exception's message, bounded, even when its __str__ fails."""
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - whatever the rule's exception does
        text = "(its message could not be read)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def guarded(fn, time_limit: float) -> Outcome:
    """Call rule code so that nothing it does can end or corrupt the run: what it prints is
    captured (a print() would corrupt --format json), sys.exit and os._exit are caught (a
    rule's exit(0) must never turn a failing gate green), and it is stopped at the time limit.

    This guards against mistakes, not against hostile code: a rule is Python running with
    the rights of the process (README, "Security model"); CI must run the base branch's rules.
    """
    out = _Capture()
    saved = sys.stdout, sys.stderr, os._exit
    sys.stdout = sys.stderr = out
    os._exit = _refuse_exit
    try:
        # a library's warning (DeprecationWarning, a parser's note) is not the rule printing
        with warnings.catch_warnings(record=True), _Alarm(time_limit):
            value = fn()
        return Outcome(value, None, out.getvalue())
    except (Exception, SystemExit, RuleExit, RuleTimeout) as exc:  # noqa: BLE001 - whatever a rule raises is its finding
        return Outcome(None, exc, out.getvalue())
    finally:
        sys.stdout, sys.stderr, os._exit = saved


class NotJSON(Exception):
    pass


def line_in(exc: BaseException, path: Path | None) -> int | None:
    """The last line of `path` in the exception's traceback: where the rule raised."""
    if path is None or exc.__traceback__ is None:
        return None
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == path]
    return lines[-1] if lines else None


def what_happened(exc: BaseException, limit: float) -> str:
    if isinstance(exc, RuleTimeout):
        return f"it did not finish within {limit:g} s (checks.time_limit_seconds in cms.yaml) and was stopped"
    if isinstance(exc, RuleExit):
        return f"it called os._exit({exc.code!r}), which would have ended cms with no report"
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r}), which would have ended cms with no report"
    if isinstance(exc, NotJSON):
        return f"its result is not JSON ({text(exc)}); return dicts, lists, strings, numbers, booleans, None"
    if isinstance(exc, ValidationError):  # a typed result (cms_build/results.py) of the wrong shape
        return shape_error(exc)
    return f"{type(exc).__name__}: {text(exc)}"

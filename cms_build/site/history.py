"""Revision history of record files from git: the evidence of version control (7.4.3).

One `git log` for the whole records folder, not one process per file, so that the cost
grows with the history, not with (files × history). The result is keyed by the record's
repository-relative path as the engine knows it (Record.rel). When the records folder is
not in a git repository, or git is missing, `available` is False and the site says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_RS, _US = "\x1e", "\x1f"


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: str  # author date, ISO 8601 with the author's offset
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def day(self) -> str:
        return self.date[:10]


@dataclass
class History:
    available: bool
    reason: str = ""
    by_file: dict = field(default_factory=dict)  # rel -> [Commit], newest first
    dirty: set = field(default_factory=set)  # rel of files changed since the last commit

    def of(self, rel: str) -> list:
        return self.by_file.get(rel, [])


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"LC_ALL": "C", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0"})
    return subprocess.run(["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", *args], cwd=cwd, capture_output=True, env=env, timeout=600)


def read_history(root: Path) -> History:
    """The commits that touched each file under root (the records repository)."""
    root = Path(root).resolve()
    if shutil.which("git") is None:
        return History(False, "git is not installed")
    top = _git(["rev-parse", "--show-toplevel"], root)
    if top.returncode != 0:
        return History(False, "not a git repository")
    toplevel = Path(top.stdout.decode("utf-8", "replace").strip()).resolve()
    try:
        prefix = root.relative_to(toplevel).as_posix()
    except ValueError:
        return History(False, "not a git repository")
    prefix = "" if prefix == "." else prefix + "/"
    # Without commits yet, 'git log' fails: an empty history, not an error.
    log = _git(["log", "--no-color", "--no-renames", "--date-order", f"--format={_RS}%H{_US}%an{_US}%aI{_US}%s", "--name-only", "--", "."], root)
    history = History(True)
    if log.returncode == 0:
        _parse_log(log.stdout.decode("utf-8", "replace"), prefix, history)
    status = _git(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."], root)
    if status.returncode == 0:
        for entry in status.stdout.decode("utf-8", "replace").split("\0"):
            if len(entry) > 3 and entry[3:].startswith(prefix):
                history.dirty.add(entry[3:][len(prefix) :])
    return history


def _parse_log(text: str, prefix: str, history: History) -> None:
    for chunk in text.split(_RS):
        if not chunk.strip():
            continue
        head, _, names = chunk.partition("\n")
        parts = head.split(_US)
        if len(parts) != 4:
            continue
        commit = Commit(*parts)
        for name in names.splitlines():
            name = name.strip()
            if name.startswith(prefix):
                history.by_file.setdefault(name[len(prefix) :], []).append(commit)

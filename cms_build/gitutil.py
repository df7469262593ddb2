"""The few git operations the workflow needs, with plain errors instead of tracebacks."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path
from .errors import CmsProblem


class GitError(CmsProblem):
    """git is missing or refused a command (its own message)."""


def _git(cwd: Path, *args: str, binary: bool = False):
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=120)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed")
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace")


def toplevel(path: Path) -> Path:
    return Path(_git(Path(path), "rev-parse", "--show-toplevel").strip())


def verify(root: Path, ref: str) -> str:
    if ref.startswith("-"):
        raise GitError(f"{ref!r} is not a revision")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
    except GitError:
        raise GitError(f"{ref!r} is not a revision of this repository (try a branch, a tag or a commit)") from None


def materialize(root: Path, ref: str, dest: Path) -> Path:
    """Write the records folder `root` as it was at `ref` into dest; returns its path there.

    Uses `git archive`, and refuses archive members that would land outside dest.
    """
    root = Path(root).resolve()
    top = toplevel(root)
    sha = verify(root, ref)
    rel = root.relative_to(top).as_posix()
    data = _git(top, "archive", "--format=tar", sha, *([rel] if rel != "." else []), binary=True)
    dest = Path(dest).resolve()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            target = (dest / member.name).resolve()
            if not target.is_relative_to(dest) or member.issym() or member.islnk():
                continue  # never follow a link or a path out of dest
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())
    out = dest / rel if rel != "." else dest
    out.mkdir(parents=True, exist_ok=True)
    return out


def changed_files(root: Path, ref: str) -> set[str]:
    """Files under root (root-relative, POSIX) changed since ref: commits, worktree, untracked."""
    root = Path(root).resolve()
    top = toplevel(root)
    verify(root, ref)
    rel = root.relative_to(top).as_posix()
    # -z: names as they are, NUL-separated; without it git quotes a name with non-ASCII bytes
    # ("policy/\346\226\271...") and a changed file with a Chinese name would not be seen
    out_diff = _git(top, "diff", "--name-only", "-z", ref, "--", rel, binary=True)
    out_new = _git(top, "ls-files", "-z", "--others", "--exclude-standard", "--", rel, binary=True)
    names = {os.fsdecode(n) for n in (out_diff + out_new).split(b"\0") if n}
    out = set()
    for name in names:
        path = top / name
        try:
            out.add(path.relative_to(root).as_posix())
        except ValueError:
            continue
    return out


def file_at(root: Path, ref: str, rel: str) -> str | None:
    """The text of root/rel at ref, or None when it did not exist there."""
    root = Path(root).resolve()
    top = toplevel(root)
    name = (root / rel).resolve().relative_to(top).as_posix()
    try:
        return _git(top, "show", f"{ref}:{name}")
    except GitError:
        return None

"""The README's install and first steps, run as written in a fresh virtual environment: the engine
installed from its git repository at the release tag (here a local clone of this checkout's
commit, tagged as the README's tag), `cms init`, `git init`, `cms check`, `cms todo` (issue 18).

Slow (a venv, a wheel built from git, the dependencies installed from pip's cache), but part of
the suite: it is what proves the README's install works. PIP_CONSTRAINT=constraints.txt gives the
locked versions, which pip's cache already holds after `.ci/run`'s own install."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cms_build import ENGINE_URL, RELEASE_TAG, requirement
from tests.conftest import REPO

pytestmark = pytest.mark.slow


def readme_block(heading: str) -> list[str]:
    """The commands of the first bash block under a heading of the README."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def git(*args, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_the_readme_installs_and_starts_an_organization(tmp_path):
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout: there is no repository to install from")
    commit = git("rev-parse", "HEAD", cwd=REPO)
    engine = tmp_path / "engine"  # the project's repository as an organization would reach it
    git("clone", "--quiet", "--no-checkout", str(REPO), str(engine), cwd=tmp_path)
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "tag", "-f", RELEASE_TAG, commit, cwd=engine)
    url = engine.as_uri()

    commands = readme_block("Starting an organization's repository")
    assert any("pip install" in c and requirement() in c for c in commands), commands  # the README's own line
    script = "\n".join(c.replace(ENGINE_URL, url) for c in commands)

    venv = tmp_path / "venv"
    # --upgrade-deps: a current pip (23.2 refuses "name @ git+file://...", the form of a local URL)
    subprocess.run([sys.executable, "-m", "venv", "--upgrade-deps", str(venv)], check=True, capture_output=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(
        PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        PIP_CONSTRAINT=str(REPO / "constraints.txt"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        NO_COLOR="1",
    )
    work = tmp_path / "work"
    work.mkdir()
    # one shell, as a person pastes the block: `cd` carries over, and any failing line stops it
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]

    # the engine that ran is the installed one, not this checkout
    where = subprocess.run([str(bindir / "python"), "-c", "import cms_build; print(cms_build.__file__)"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr
    org = tmp_path / "our-records"
    assert (org / "cms.yaml").is_file() and (org / ".git").is_dir()
    # requirements.txt installs the same engine the same way (the README's URL, at the release tag)
    assert requirement(url, RELEASE_TAG) in (org / "requirements.txt").read_text(encoding="utf-8")
    # cms check passed (exit 0 under bash -e) and cms todo listed the clauses still lacking
    assert re.search(r"^\s*4\.\d", proc.stdout, re.M), proc.stdout[-4000:]

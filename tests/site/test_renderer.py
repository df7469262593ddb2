"""The renderer: its notices reach the user of `cms build`, and the generated site also builds
with Zensical, the successor of mkdocs-material, from the same mkdocs.yml (issue 18, item 9)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

from cms_build.site import build as site_build
from tests.conftest import EXAMPLE, REPO

from .conftest import AS_OF, build, mini_org, read_tree

# What mkdocs-material prints when the `mkdocs` command imports its theme: the reference the
# build's output is compared with (the notice's words are the theme's, not ours).
THEME_AS_MKDOCS = "import sys; sys.argv[0] = '/usr/bin/mkdocs'\ntry:\n    import material.templates\nexcept ImportError:\n    pass\n"


def theme_notice(env: dict) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", THEME_AS_MKDOCS], capture_output=True, text=True, env=env)
    return site_build._plain(proc.stderr + proc.stdout)


def cms_build(root: Path, out: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cms_build.cli", "build", str(root), "--as-of", AS_OF.isoformat(), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
    )


def test_cms_build_shows_the_themes_notice(org, tmp_path):
    root = mini_org(org)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_MKDOCS_2_WARNING", "DISABLE_MKDOCS_2_WARNING")}
    expected = theme_notice(env)
    proc = cms_build(root, tmp_path / "site", env)
    assert proc.returncode == 0, proc.stderr
    shown = proc.stderr.splitlines()
    # every line the theme prints to a mkdocs user is printed by cms build, in order, without colour codes
    at = [shown.index(line) for line in expected]
    assert at == sorted(at) and "\x1b" not in proc.stderr
    locked = re.search(r"^mkdocs-material==(\S+)$", (REPO / "constraints.txt").read_text(encoding="utf-8"), re.M)
    if locked and version("mkdocs-material") == locked[1]:
        # the release the lock pins (9.8.2) announces its end of life: seen, not hidden
        assert any("end of life" in line for line in expected), expected
        assert any("end of life" in line for line in shown), proc.stderr

    # the theme's own opt-out is honoured: then cms build prints nothing of it
    quiet = cms_build(root, tmp_path / "site", {**env, "NO_MKDOCS_2_WARNING": "1"})
    assert quiet.returncode == 0 and not any("end of life" in line for line in quiet.stderr.splitlines())


def test_notices_are_plain_lines():
    printed = "\n\x1b[33m │  \x1b[1mEnd of life.\x1b[0m\n\x1b]8;;https://x\x07link\x1b]8;;\x07 \x07bell\n\n"
    assert site_build._plain(printed) == [" │  End of life.", "link bell"]


def test_loading_the_theme_leaves_the_environment_as_it_was(monkeypatch):
    monkeypatch.delenv("NO_MKDOCS_2_WARNING", raising=False)
    monkeypatch.delitem(sys.modules, "material.templates", raising=False)
    argv0 = sys.argv[0]
    site_build._load_theme_notice()
    assert "NO_MKDOCS_2_WARNING" not in os.environ and sys.argv[0] == argv0


def test_the_written_config_is_relative_to_its_folder(org, tmp_path):
    report = build(mini_org(org), tmp_path / "site", work=tmp_path / "work")
    config = yaml.safe_load((report.work / "mkdocs.yml").read_text(encoding="utf-8"))
    # folders inside the work folder: what Zensical accepts; mkdocs is given the real output folder
    assert config["docs_dir"] == "docs" and config["site_dir"] == "site"
    assert (report.out / "index.html").is_file() and not (report.work / "site").exists()


@pytest.mark.skipif(
    shutil.which("zensical") is None and not (Path(sys.executable).parent / "zensical").exists(),
    reason="zensical is not installed (pip install zensical; the [test] extra brings it)",
)
def test_the_example_site_builds_with_zensical(tmp_path):
    report = build(EXAMPLE, tmp_path / "site", work=tmp_path / "work")
    exe = shutil.which("zensical") or str(Path(sys.executable).parent / "zensical")
    proc = subprocess.run([exe, "build", "--strict", "-f", str(report.work / "mkdocs.yml")], capture_output=True, text=True, cwd=report.work, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not re.search(r"\bwarning\b|\berror\b", proc.stdout + proc.stderr, re.I), proc.stdout + proc.stderr
    zsite, msite = report.work / "site", report.out
    pages = {p for p in read_tree(msite) if p.endswith(".html")}
    # the same pages as the mkdocs build, each with the site's CSP and its title
    assert pages == {p for p in read_tree(zsite) if p.endswith(".html")} and len(pages) > 200
    for rel in ("index.html", "matrix.html", "findings/index.html"):
        text = (zsite / rel).read_text(encoding="utf-8")
        assert 'http-equiv="Content-Security-Policy"' in text and "滨江发电" in text

"""The installed package is self-contained: schemas, checks and site templates travel in the wheel,
so an organization's repository can pin the engine by version and hold only its records."""

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import EXAMPLE, EXAMPLE_AS_OF, REPO


def source_tree(dest):
    """The repository's files as a checkout holds them (tracked, and untracked but not ignored),
    copied to dest: setuptools builds in the source's build/ folder and reuses what it finds
    there, so a wheel built in place could hold files a stale build/ kept (a deleted module, a
    data file the package list no longer ships) and this test would pass on them."""
    listed = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], cwd=REPO, capture_output=True, timeout=120)
    if listed.returncode != 0:  # not a git checkout (an unpacked source archive): copy without build products
        shutil.copytree(REPO, dest, ignore=shutil.ignore_patterns("build", "dist", "*.egg-info", ".git", "__pycache__", ".cms-cache"), dirs_exist_ok=True)
        return dest
    for name in filter(None, listed.stdout.decode("utf-8").split("\0")):
        source = REPO / name
        if source.is_file():  # a file deleted in the work tree but still tracked is not part of it
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    src = source_tree(tmp_path_factory.mktemp("src"))
    assert not (src / "build").exists()
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:  # no build isolation needs setuptools and wheel installed; retry with isolation
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(src)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    [wheel] = list(out.glob("*.whl"))
    target = out / "site-packages"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        zf.extractall(target)
    return target, names


def test_wheel_holds_every_bundled_file(unpacked):
    _, names = unpacked
    for folder, prefix, suffixes in (
        ("schemas", "cms_build/bundled/schemas/", (".json",)),
        ("checks", "cms_build/bundled/checks/", (".py", ".yaml")),
        ("site", "cms_build/bundled/site/", None),
    ):
        expected = {
            p.relative_to(REPO / folder).as_posix()
            for p in (REPO / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and (suffixes is None or p.suffix in suffixes)
        }
        shipped = {n[len(prefix) :] for n in names if n.startswith(prefix)}
        assert expected <= shipped, (folder, sorted(expected - shipped))
    # the package list in pyproject is explicit: a new subpackage (cms_build/commands/) must be in it
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "cms_build").rglob("*.py") if "__pycache__" not in p.parts}
    assert modules <= set(names), sorted(modules - set(names))
    assert "cms_build/data/clauses.yaml" in names or not (REPO / "cms_build/data/clauses.yaml").exists()
    assert any(n.startswith("cms_build/workflow/templates/") for n in names)
    assert "cms_build/bundled/config/mkdocs.yml" in names
    assert not any(n.startswith("cms_build/bundled/config/") and n != "cms_build/bundled/config/mkdocs.yml" for n in names)


def test_the_unpacked_wheel_checks_the_example(unpacked, tmp_path):
    target, _ = unpacked
    env = dict(os.environ, PYTHONPATH=str(target))
    proc = subprocess.run(
        [sys.executable, "-c", "import cms_build.paths as p; print(p.bundled('schemas'))"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert proc.stdout.strip().startswith(str(target)), proc.stdout + proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "cms_build.cli", "check", str(EXAMPLE), "--as-of", EXAMPLE_AS_OF],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

"""cms-as-code: a carbon management system (T/CIECCPA 《碳管理体系 要求及使用指南》) kept as code.

The pipeline, one module per stage: load (yamlsafe, records) -> validate (schemas) ->
index (index) -> compute -> check (engine, api) -> render/build (site).
"""

__version__ = "0.1.0"
# Releases are tagged v<version> (v0.1.0); CHANGELOG.md lists what each one changed.
RELEASE_TAG = f"v{__version__}"
# Where the engine is installed from until it is on the package index: the repository at the
# release tag. `cms init --engine-url` writes another (a fork, a mirror, a local path).
ENGINE_URL = "https://github.com/OWNER/cms-as-code"  # placeholder: the project's own repository


def requirement(url: str = ENGINE_URL, ref: str = RELEASE_TAG) -> str:
    """The pip requirement that installs this engine from its repository at a tag or commit."""
    return f"cms-as-code @ git+{url}@{ref}"


def version_text() -> str:
    """`cms --version`: the release, and the git commit when running from a checkout that is not
    exactly at the release tag (a development copy must not pass for the release)."""
    import subprocess
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent
    if not (here / ".git").exists():
        return __version__
    try:
        run = lambda *a: subprocess.run(
            ["git", *a],
            cwd=here,
            capture_output=True,
            text=True,  # noqa: E731
            timeout=10,
            check=False,
        )
        commit = run("rev-parse", "--short=12", "HEAD").stdout.strip()
        at_tag = run("describe", "--tags", "--exact-match", "HEAD").stdout.strip() == RELEASE_TAG
        dirty = bool(run("status", "--porcelain", "--untracked-files=no").stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return __version__
    if not commit or (at_tag and not dirty):
        return __version__
    return f"{__version__}+g{commit}{'.dirty' if dirty else ''} (not a release: commit {commit})"

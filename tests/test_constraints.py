"""constraints.txt is the lock: it pins every package pyproject.toml asks for (and the [test]
extra), within the ranges asked, and the README's and CI's install commands use it (issue 18, item 9)."""

from __future__ import annotations

import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO


def pins() -> dict[str, Version]:
    found = {}
    for n, line in enumerate((REPO / "constraints.txt").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;#]+)", line.strip())
        assert m, f"constraints.txt:{n}: not a pin 'name==version': {line!r}"
        found[canonicalize_name(m[1])] = Version(m[2])
    return found


def test_every_requirement_is_pinned_within_its_range():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = pins()
    for spec in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is required but not in constraints.txt: run .ci/refresh-constraints"
        assert req.specifier.contains(locked[name], prereleases=True), f"constraints.txt pins {req.name}=={locked[name]}, outside pyproject's {req.specifier}"
    # a lock of the project itself would pin the engine under test
    assert "cms-as-code" not in locked


def test_ci_and_the_readme_install_with_the_constraints():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^python3 -m pip install -q -c constraints\.txt -e '\.\[test\]'$", ci, re.M)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    installs = re.findall(r"pip install [^&]*", block)
    assert len(installs) == 2 and all(i.startswith("pip install -c constraints.txt -e ") for i in installs), installs

"""Where the bundled schemas, checks and site templates are.

In a source checkout or an editable install they are the top-level folders of the project
(schemas/, checks/, site/); in an installed wheel they travel inside the package as
cms_build/bundled/<name> (see pyproject.toml).
"""
from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    for candidate in (_HERE / "bundled" / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the bundled folder {name!r} is missing from this installation")

"""Shared test fixtures: build a small organization repository in a temporary folder.

def test_something(org):
    org.settings(subsystems=["A"])
    org.add("policy/POL-1.yaml", org.record("policy", "POL-1", statement="...", issued_by="..."))
    result = org.run("2026-06-30")
    assert org.rules(result) == {...}
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "records"
EXAMPLE_AS_OF = "2026-06-30"


class OrgRepo:
    def __init__(self, root: Path):
        self.root = root
        self.settings()

    def settings(self, **overrides) -> "OrgRepo":
        data = {"organization": {"name": "测试组织 Test Org"}, "subsystems": ["A", "B", "C", "D"]}
        data.update(overrides)
        self.write("cms.yaml", data)
        return self

    def write(self, rel: str, content) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def add(self, rel: str, content) -> Path:
        return self.write(rel, content)

    @staticmethod
    def record(kind: str, id: str, **fields) -> dict:
        """A record with a complete, approved envelope (override any field)."""
        data = {
            "kind": kind,
            "id": id,
            "title": f"{kind} {id}",
            "doc_no": f"DOC-{id}",
            "version": "1.0",
            "author": "Author",
            "owner": "Owner",
            "status": "approved",
            "approved_by": "Approver",
            "approved_on": "2025-01-01",
            "effective": "2025-01-01",
            "next_review": "2099-12-31",
            "confidentiality": "internal",
        }
        data.update(fields)
        return data

    def copy_example(self) -> "OrgRepo":
        """Start from the shipped example (clean at EXAMPLE_AS_OF)."""
        import shutil

        shutil.rmtree(self.root, ignore_errors=True)
        shutil.copytree(EXAMPLE, self.root)
        return self

    def run(self, as_of: str = EXAMPLE_AS_OF, stages: str = "check"):
        from cms_build.engine import run

        return run(self.root, dt.date.fromisoformat(as_of), stages=stages)

    @staticmethod
    def rules(result) -> set[str]:
        return {f.rule for f in result.findings}

    @staticmethod
    def of(result, rule: str) -> list:
        return [f for f in result.findings if f.rule == rule]

    @staticmethod
    def engine_only(result):
        """Keep the engine's findings and the test's own org.* rules: a tiny fixture
        organization is rightly full of management-system findings that an engine test
        does not look at."""
        from cms_build.engine import ENGINE_RULES

        result.findings = [f for f in result.findings if f.rule in ENGINE_RULES or f.rule.startswith("org.")]
        return result


@pytest.fixture
def org(tmp_path) -> OrgRepo:
    return OrgRepo(tmp_path / "org")


# The test files whose tests take a minute or more together (a browser, a fresh virtual
# environment, the benchmarks' smoke run, whole-site builds): run first. The suite is spread over
# the cores file by file in collection order (addopts in pyproject.toml); one of these started
# last would run alone at the end while the other cores wait.
FIRST = (
    "tests/site/test_browser.py",
    "tests/benchmarks/test_run.py",
    "tests/site/test_incremental.py",
    "tests/test_install.py",
    "tests/site/test_build.py",
    "tests/site/test_renderer.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: n for n, name in enumerate(FIRST)}
    # stable: every file's tests stay together and in their order
    items.sort(key=lambda item: rank.get(Path(str(item.path)).relative_to(REPO).as_posix(), len(FIRST)))

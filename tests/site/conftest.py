"""Fixtures of the evidence-site tests: built sites of the example and of small organizations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, EXAMPLE_AS_OF

AS_OF = dt.date.fromisoformat(EXAMPLE_AS_OF)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's Chromium against a built site (tests/site/test_browser.py)")


def build(root: Path, out: Path, profile: str = "internal", as_of: dt.date = AS_OF, **kw):
    from cms_build.site.build import build_site

    return build_site(root, as_of, profile=profile, out=out, **kw)


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def example_sites(tmp_path_factory) -> dict[str, Path]:
    """The example organization's site in both profiles, built once per test session."""
    base = tmp_path_factory.mktemp("example-sites")
    return {profile: build(EXAMPLE, base / f"site-{profile}", profile).out for profile in ("internal", "public")}


MARKER_CONFIDENTIAL = "ZQX-CONFIDENTIAL-7731"  # text of a confidential record only
MARKER_FIELD = "ZQX-INTERNAL-FIELD-4402"  # value of an x-confidentiality: internal field of a public record
MARKER_LISTED = "ZQX-LISTED-FIELD-9150"  # value of a field a public record lists in confidential_fields
HOSTILE = '<script>window.__pwned=1</script> [点我](javascript:window.__pwned=2) <img src=x onerror="window.__pwned=3"> {{ 7*7 }} {% raw %}'


def mini_org(org) -> Path:
    """A small organization: public and confidential records, references both ways, hostile text."""
    org.settings(organization={"name": "测试发电有限公司", "name_en": "Test Power Co.", "profile": "ORG-1"}, subsystems=["A"], language="zh")
    org.add(
        "organization/ORG-1.yaml",
        org.record(
            "organization",
            "ORG-1",
            title="测试发电 组织概况",
            confidentiality="public",
            legal_name="测试发电有限公司",
            uscc="913211007545678X9Q",
            legal_representative=f"张三 {MARKER_FIELD}",
        ),
    )
    org.add(
        "policy/POL-SECRET.yaml",
        org.record(
            "policy",
            "POL-SECRET",
            title=f"保密方针 {MARKER_CONFIDENTIAL}",
            confidentiality="confidential",
            statement=f"保密内容 {MARKER_CONFIDENTIAL}",
            issued_by="总经理",
        ),
    )
    org.add(
        "policy/POL-1.yaml",
        org.record(
            "policy",
            "POL-1",
            title="碳管理方针",
            confidentiality="public",
            supersedes="POL-SECRET",
            statement="推进燃料清洁化，持续提升机组能效。\n第二行：脱硫石膏综合利用。",
            issued_by="总经理",
            last_reviewed="2025-12-18",
            available_to_interested_parties=True,
            communication=[{"date": "2025-01-15", "audience": "全体员工", "channel": f"内网 {MARKER_LISTED}"}],
            confidential_fields=["communication[0].channel"],
        ),
    )
    org.add(
        "policy/POL-HOSTILE.yaml",
        org.record("policy", "POL-HOSTILE", title="不可信文本", confidentiality="public", statement=HOSTILE, issued_by="<b>总经理</b>"),
    )
    org.add(
        "scope/SCOPE-1.yaml",
        org.record(
            "scope",
            "SCOPE-1",
            title="体系范围",
            confidentiality="public",
            organization="ORG-1",
            subsystems=["A"],
            organizational_boundary="测试发电有限公司",
            operational_boundary="燃煤发电",
            activities=["燃煤发电"],
        ),
    )
    # the organization's own rules: one finding to show, one that quotes a confidential field
    org.add(
        "checks/site_fixture.py",
        (
            "from cms_build.api import check\n\n"
            "@check('site.review-due', title='方针需评审 Policy review due', clauses=['5.2'], severity='warning', kinds=['policy'])\n"
            "def review(record, ctx):\n"
            "    if record.id == 'POL-1':\n"
            "        yield record.issue('statement', '方针内容需要在下次管理评审时复核')\n"
            "        yield record.issue('communication[0].channel', f\"channel {record.get('communication[0].channel')} is internal\")\n"
        ),
    )
    # a computation with a nested trace whose inputs come from a public and a confidential record
    org.add(
        "checks/site_trace.py",
        (
            "from cms_build.api import computation\n"
            "from cms_build.trace import Traced, record_source, library_source\n\n"
            "@computation('site-demo', title='演示计算 Demo computation', clauses=['6.1.2'])\n"
            "def demo(ctx):\n"
            "    pol, secret = ctx.get('POL-1'), ctx.get('POL-SECRET')\n"
            "    coal = Traced(2000.0, 'tCO2', label='燃煤排放 coal', formula='E = AD × EF')\n"
            "    coal.add('AD', '燃煤消耗量', 800.0, 't', record_source(pol, 'statement'))\n"
            "    coal.add('EF', '排放因子', 2.5, 'tCO2/t', library_source('coal.ef', '《指南》附录二'))\n"
            "    gas = Traced(500.0, 'tCO2', label='燃气排放 gas', formula='E = AD × EF')\n"
            "    gas.add('AD', '燃气消耗量', 250.0, '10^4 Nm3', record_source(secret, 'statement'))\n"
            "    gas.add('EF', '排放因子', 2.0, 'tCO2/10^4 Nm3', library_source('gas.ef', '《指南》附录二'))\n"
            "    total = Traced(2500.0, 'tCO2', label='合计排放 total', formula='E = Σ E_i').step(coal).step(gas)\n"
            "    total.notes.append('2000 + 500 = 2500')\n"
            "    return {'total': total.as_dict()}\n"
        ),
    )
    return org.root


# Breaks out of every HTML context a value could reach: text, a double- or single-quoted
# attribute, <title>, a <script> block, a URL; and a bidirectional override.
PAYLOAD = (
    "</title></script><script>alert('xss-1')</script>\"><img src=x onerror=alert('xss-2')>'><svg onload=alert('xss-3')>[x](javascript:alert('xss-4'))\u202e"
)


def hostile_org(org) -> Path:
    """mini_org with PAYLOAD in every value the site renders: cms.yaml's site.title and
    organization name, titles and fields of records (public ones too), an organization's rule
    (title, description, message), a computation (title, labels, formula, unit, notes),
    an organization's word for every navigation label, and git authors and messages."""
    import subprocess

    root = mini_org(org)
    org.settings(
        organization={"name": f"组织 {PAYLOAD}", "name_en": f"Org {PAYLOAD}", "profile": "ORG-1"},
        subsystems=["A"],
        language="zh",
        site={"title": f"站点 {PAYLOAD}"},
    )
    org.add(
        "policy/POL-X.yaml",
        org.record(
            "policy",
            "POL-X",
            title=f"标题 {PAYLOAD}",
            confidentiality="public",
            statement=f"内容 {PAYLOAD}",
            issued_by=PAYLOAD,
            author=PAYLOAD,
            owner=PAYLOAD,
            notes=f"备注\n{PAYLOAD}",
            attachments=[{"path": "evidence.pdf", "title": PAYLOAD}],
            communication=[{"date": "2025-01-15", "audience": PAYLOAD, "channel": PAYLOAD}],
        ),
    )
    # fields with a pattern: the record is invalid, and still shown (with its error) as text
    org.add(
        "policy/POL-Y.yaml",
        org.record(
            "policy",
            "POL-Y",
            title=PAYLOAD,
            confidentiality="public",
            statement=PAYLOAD,
            issued_by=PAYLOAD,
            doc_no=PAYLOAD,
            version=PAYLOAD,
            tags=[PAYLOAD],
            **{PAYLOAD[:60]: PAYLOAD},
        ),
    )
    org.add("policy/evidence.pdf", b"%PDF-1.4 evidence")
    org.add(
        "checks/hostile.py",
        (
            "from cms_build.api import check, computation\n"
            "from cms_build.trace import Traced, record_source\n"
            f"P = {PAYLOAD!r}\n\n"
            "def hostile(record, ctx):\n"
            "    if record.id == 'POL-X':\n"
            "        yield record.issue('statement', '发现 ' + P, hint='提示 ' + P)\n\n"
            "hostile.__doc__ = '说明 ' + P\n"
            "hostile = check('org.hostile', title='规则 ' + P, clauses=['5.2'], severity='warning',\n"
            "                kinds=['policy'])(hostile)\n\n"
            "@computation('hostile-calc', title='计算 ' + P, clauses=['6.1.2'])\n"
            "def calc(ctx):\n"
            "    pol = ctx.get('POL-X')\n"
            "    t = Traced(3.0, P, label='标签 ' + P, formula='F = ' + P)\n"
            "    t.add(P, P, 3.0, P, record_source(pol, 'statement'))\n"
            "    t.notes.append('注 ' + P)\n"
            "    return {'total': t.as_dict(), P: P}\n"
        ),
    )
    words = {"home", "matrix", "findings", "records", "computations", "emissions", "trading", "neutrality"}
    org.write("site/strings.yaml", {"zh": {w: f"{w} {PAYLOAD}" for w in words}})
    env = {
        "GIT_AUTHOR_NAME": PAYLOAD,
        "GIT_AUTHOR_EMAIL": "a@example.invalid",
        "GIT_COMMITTER_NAME": PAYLOAD,
        "GIT_COMMITTER_EMAIL": "a@example.invalid",
        "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
        "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
        "HOME": str(root),
        "PATH": "/usr/bin:/bin",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", f"提交 {PAYLOAD}"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)
    return root

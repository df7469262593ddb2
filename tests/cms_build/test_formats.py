"""CI formats: GitHub annotations escaped and capped, SARIF and JUnit read back by parsers."""

import json

from cms_build.formats import render
from cms_build.formats.github import escape_data, escape_property


def many_findings(org, n=25):
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="x"))
    org.add(
        "checks/many.py",
        (
            "from cms_build.api import check\n"
            f"@check('org.many', title='Many, with: punctuation', clauses=['7.4.2 a'], kinds=['policy'])\n"
            "def many(r, ctx):\n"
            f"    for i in range({n}):\n"
            "        yield r.issue('id', f'100% wrong #{i}\\nsecond line, with: colon', hint='fix it')\n"
            f"@check('org.warns', title='warns', clauses=['7.4.2'], severity='warning', kinds=['policy'])\n"
            "def warns(r, ctx):\n"
            "    for i in range(3):\n"
            "        yield r.issue('title', f'warning {i}')\n"
        ),
    )
    result = org.run()
    result.findings = [f for f in result.findings if f.rule.startswith("org.")]  # the formats, not the rules
    return result


def test_github_escaping():
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_github_annotations_are_capped_and_summarised(org, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = many_findings(org)
    out = render("github", result)
    errors = [l for l in out.splitlines() if l.startswith("::error ")]
    warnings = [l for l in out.splitlines() if l.startswith("::warning ")]
    assert len(errors) == 10 and len(warnings) == 3
    assert "::notice title=cms check::15 more findings are listed in the step summary" in out
    first = errors[0]
    assert ",line=" in first and "title=org.many [7.4.2 a]" in first
    assert "::100%25 wrong #" in first and "%0Asecond line, with: colon%0Ahint: fix it" in first
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### cms check: 25 errors, 3 warnings, 0 info")
    assert text.count("| error |") == 25


def test_sarif_is_read_back_by_a_sarif_parser(org, tmp_path):
    from sarif import loader

    result = many_findings(org, n=2)
    path = tmp_path / "out.sarif"
    path.write_text(render("sarif", result), encoding="utf-8")
    sarif = loader.load_sarif_file(str(path))
    assert sarif.get_result_count() == 5
    assert sarif.get_distinct_tool_names() == ["cms"]
    doc = json.loads(path.read_text(encoding="utf-8"))
    run = doc["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res in run["results"]:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    assert {r["level"] for r in run["results"]} == {"error", "warning"}
    assert doc["version"] == "2.1.0"


def test_junit_is_read_back_by_a_junit_parser(org, tmp_path):
    from junitparser import Failure, JUnitXml

    result = many_findings(org, n=2)
    path = tmp_path / "out.xml"
    path.write_text(render("junit", result, fail_on="error"), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    cases = {case.name: case for suite in xml for case in suite}
    many = cases["org.many"]
    assert any(isinstance(r, Failure) for r in many.result)
    assert "policy/P.yaml:" in many.result[0].text and "100% wrong #1" in many.result[0].text
    assert not cases["org.warns"].result  # below --fail-on: reported as output, not a failure
    assert "warning 0" in cases["org.warns"].system_out
    assert not cases["yaml.invalid"].result


def test_text_format_starts_every_finding_with_its_location(org):
    result = many_findings(org, n=2)
    lines = render("text", result).splitlines()
    # org.many places its issues at the id (line 2, col 5 of the dumped record), org.warns at the title (line 3)
    assert lines[:7] == [
        "policy/P.yaml:2:5: error org.many 100% wrong #0",
        "    second line, with: colon [7.4.2 a]",
        "    hint: fix it",
        "policy/P.yaml:2:5: error org.many 100% wrong #1",
        "    second line, with: colon [7.4.2 a]",
        "    hint: fix it",
        "policy/P.yaml:3:8: warning org.warns warning 0 [7.4.2]",
    ]
    assert lines[-1] == "FAIL: 2 at or above 'error'"


def test_text_format_from_another_folder_names_the_path_from_there(org, monkeypatch):
    result = many_findings(org, n=1)
    monkeypatch.chdir(org.root.parent)
    assert render("text", result).splitlines()[0] == "org/policy/P.yaml:2:5: error org.many 100% wrong #0"


def test_text_format_shows_control_characters_as_escapes(org):
    out = render("text", control_findings(org))
    assert out.splitlines()[0] == "policy/P.yaml:2:5: error org.ctl nul \\x00 esc \\x1b[2J lone \ufffd end [7.4.2]"
    assert out.splitlines()[1] == "    hint: bell \\x07"
    assert "\x1b" not in out and "\x00" not in out


def control_findings(org):
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="x"))
    org.add(
        "checks/ctl.py",
        (
            "from cms_build.api import check\n"
            "@check('org.ctl', title='title with \\x1b[31m', clauses=['7.4.2'], kinds=['policy'])\n"
            "def ctl(r, ctx):\n"
            "    yield r.issue('id', 'nul \\x00 esc \\x1b[2J lone \\ud800 end', hint='bell \\x07')\n"
        ),
    )
    result = org.run()
    result.findings = [f for f in result.findings if f.rule.startswith("org.")]
    assert result.findings and "\x00" in result.findings[0].message
    return result


def test_junit_stays_well_formed_whatever_the_messages_hold(org):
    from xml.etree import ElementTree as ET

    out = render("junit", control_findings(org), fail_on="error")
    root = ET.fromstring(out.split("\n", 1)[1])  # NUL and ESC are not XML 1.0 characters
    out.encode("utf-8")  # no lone surrogate left to fail the write
    failure = next(case for case in root.iter("testcase") if case.get("name") == "org.ctl").find("failure")
    assert "nul \\x00 esc \\x1b[2J lone \ufffd end" in failure.text
    assert "(hint: bell \\x07)" in failure.text


def test_sarif_and_github_can_be_written_whatever_the_messages_hold(org):
    result = control_findings(org)
    sarif = render("sarif", result)
    doc = json.loads(sarif.encode("utf-8"))
    assert doc["runs"][0]["results"][0]["message"]["text"].startswith("nul \x00 esc \x1b[2J lone \ufffd end")
    github = render("github", result)
    github.encode("utf-8")
    assert "lone \ufffd end" in github


def test_text_format_shows_bidi_and_zero_width_characters_as_escapes(org):
    org.add("policy/P.yaml", org.record("policy", "P", statement="s", issued_by="x"))
    org.add(
        "checks/bidi.py",
        (
            "from cms_build.api import check\n"
            "@check('org.bidi', title='bidi', clauses=['7.4.2'], kinds=['policy'])\n"
            "def bidi(r, ctx):\n"
            "    yield r.issue('id', 'abc\\u202edcba\\u200bz\\u2066')\n"
        ),
    )
    result = org.run()
    result.findings = [f for f in result.findings if f.rule.startswith("org.")]
    first = render("text", result).splitlines()[0]
    assert first == "policy/P.yaml:2:5: error org.bidi abc\\u202edcba\\u200bz\\u2066 [7.4.2]"


def test_text_format_keeps_a_file_name_with_a_newline_on_its_line(org):
    import dataclasses

    result = many_findings(org, n=1)
    result.findings = [dataclasses.replace(result.findings[0], file="policy/a\nb.yaml")]
    assert render("text", result).splitlines()[0] == "policy/a\\nb.yaml:2:5: error org.many 100% wrong #0"


def test_sarif_results_on_one_line_have_distinct_fingerprints_and_uris_are_encoded(org):
    """Issue 18 (6): 25 results share rule and line; code scanning tells them apart by
    partialFingerprints. A file name with a space and CJK is a percent-encoded URI reference."""
    result = many_findings(org)
    from dataclasses import replace

    result.findings = [replace(f, file="policy/方针 2025.yaml") if i == 0 else f for i, f in enumerate(result.findings)]
    doc = json.loads(render("sarif", result))
    results = doc["runs"][0]["results"]
    prints = [r["partialFingerprints"]["cmsFinding/v1"] for r in results]
    assert len(results) == 28 and len(set(prints)) == 28
    again = [r["partialFingerprints"]["cmsFinding/v1"] for r in json.loads(render("sarif", result))["runs"][0]["results"]]
    assert again == prints  # deterministic
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "policy/%E6%96%B9%E9%92%88%202025.yaml"

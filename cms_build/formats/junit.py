"""JUnit XML: one test case per rule, failing when the rule found something at or above --fail-on.

CI services (GitLab, Jenkins, Azure) show each rule as a test, its findings as the failure text.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from ..findings import at_or_above
from . import display_path, rule_table


# Characters XML 1.0 cannot hold at all, not even escaped: most control characters, lone
# surrogates, U+FFFE/U+FFFF. ElementTree writes them as they are, and no parser reads that back.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _visible(ch: str) -> str:
    if "\ud800" <= ch <= "\udfff":  # e.g. an undecodable byte in a file name: shown as on a terminal
        return "\ufffd"
    return ch.encode("unicode_escape").decode("ascii")  # \x1b, \x00, \ufffe


def xml_safe(text: str) -> str:
    """Text as XML 1.0 allows it: a control character is shown as its escape (\\x1b)."""
    return _NOT_XML.sub(lambda m: _visible(m.group()), text)


def _sanitize(root) -> None:
    for el in root.iter():
        if el.text:
            el.text = xml_safe(el.text)
        if el.tail:
            el.tail = xml_safe(el.tail)
        for key, value in list(el.attrib.items()):
            el.set(key, xml_safe(value))


def render(result, *, fail_on: str = "error", color: bool = False) -> str:
    rules = rule_table(result)
    by_rule: dict[str, list] = {rid: [] for rid in rules}
    for f in result.findings:
        by_rule.setdefault(f.rule, []).append(f)
    suite = ET.Element("testsuite", name="cms check", timestamp=result.as_of.isoformat() + "T00:00:00", tests=str(len(by_rule)), time="0")
    failures = 0
    for rid, findings in sorted(by_rule.items()):
        meta = rules.get(rid, {})
        case = ET.SubElement(suite, "testcase", classname=f"cms.{rid.split('.')[0]}", name=rid, time="0")
        failing = [f for f in findings if at_or_above(f.severity, fail_on)]
        if failing:
            failures += 1
            failure = ET.SubElement(case, "failure", type=failing[0].severity, message=f"{len(failing)} finding(s): {meta.get('title', '')}"[:1000])
            failure.text = "\n".join(
                f"{display_path(result, f.file)}:{f.line}:{f.col}: {f.severity}: {f.message}" + (f" (hint: {f.hint})" if f.hint else "") for f in failing
            )
        below = [f for f in findings if not at_or_above(f.severity, fail_on)]
        if below:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(f"{display_path(result, f.file)}:{f.line}:{f.col}: {f.severity}: {f.message}" for f in below)
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    root = ET.Element("testsuites", name="cms", tests=suite.get("tests"), failures=str(failures), errors="0")
    root.append(suite)
    _sanitize(root)  # messages may quote what a record or a check wrote, whatever it holds
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

"""The bundled rules read settings whose defaults live in the settings schemas, never inline.

Settings.get returns the schema's documented default before any inline default, so a second
argument to ctx.setting could never apply and would drift from the documentation
(cms_build/settings.py). Every key a rule reads literally must have its schema default,
or be listed here with why it has none.
"""

import re

from tests.conftest import REPO

NO_DEFAULT = {
    # a block of cms.yaml that an organization writes or leaves out (mrv.py reads 'absent' as none)
    "organization.profile",
    # deadlines the national originals could not be read for (issue 15 section 3): required in
    # cms.yaml when their kind is used, never guessed (checks/emissions/filing.py)
    "emissions.evidence_filing_due_days",
    "emissions.disclosure_due",
    "emissions.dqcp_review_months",
}
CALL = re.compile(r'\.setting\("([a-z0-9_.]+)"(,?)')


def _calls():
    for path in sorted((REPO / "checks").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for m in CALL.finditer(line):
                yield path.relative_to(REPO).as_posix(), n, m.group(1), m.group(2) == ","


def _defaults():
    # the loader the engine uses, with the bundled schemas
    from cms_build.rules import schema_folders
    from cms_build.schemas import SchemaSet
    from cms_build.settings import load_settings

    root = REPO / "records"
    settings, _ = load_settings(root, SchemaSet.load(schema_folders(root)))
    return settings.defaults


def test_no_rule_gives_an_inline_default():
    inline = [(f, n, k) for f, n, k, has_default in _calls() if has_default]
    assert inline == [], "the schema's default applies first: drop the second argument"


def test_every_setting_a_rule_reads_has_its_schema_default():
    defaults = _defaults()

    def has(key):
        node = defaults
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    keys = {k for _, _, k, _ in _calls()}
    assert keys, "the pattern found no ctx.setting call: it is out of date"
    assert sorted(k for k in keys - NO_DEFAULT if not has(k)) == []
    assert sorted(k for k in NO_DEFAULT if has(k)) == [], "listed as without a default, but the schema has one"

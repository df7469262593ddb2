"""Skeletons: cms init's drafts validate for every kind; cms new's templates list every field."""
import datetime as dt

import pytest

from cms_build.engine import run
from cms_build.scaffold import minimal_instance, render_skeleton
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def schemas():
    return run(EXAMPLE, dt.date(2026, 6, 30), stages="validate").schemas


def test_every_kind_has_a_valid_draft_skeleton(schemas):
    ids = {k: f"{(v.id_prefix or k.upper())}-001" for k, v in schemas.kinds.items()}
    for name, kind in sorted(schemas.kinds.items()):
        data = minimal_instance(schemas, name, ids[name], ids, "2026-11-24")
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in kind.validator.iter_errors(data)]
        assert errors == [], name
        assert data["status"] == "draft" and data["kind"] == name


def test_new_record_template_lists_required_and_optional_fields(schemas):
    for name, kind in sorted(schemas.kinds.items()):
        text = render_skeleton(schemas, name, "X-1", "en")
        assert f'kind: "{name}"' in text and "id: X-1" in text
        for required in kind.schema.get("required", []):
            assert f"\n{required}:" in text, (name, required)

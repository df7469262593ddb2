"""Whether a folder is a group's (its cms.yaml has a top-level 'group' key), apart from
cms_build/group.py: every `cms check` of an organization asks it, and group.py brings the group's
and the export's models with it (about a tenth of a fresh repository's check)."""

from __future__ import annotations

from pathlib import Path

from .records import SETTINGS_FILE


def is_group(root: Path) -> bool:
    """A folder is a group when its cms.yaml has a top-level 'group' key."""
    from .yamlsafe import LoadError, load_file

    path = Path(root) / SETTINGS_FILE
    if not path.is_file():
        return False
    try:
        doc = load_file(path, root=Path(root))
    except LoadError:
        return False
    return isinstance(doc.data, dict) and "group" in doc.data

"""Safe, bounded YAML loading that remembers where every value came from.

Records arrive through pull requests from many people, so the loader:
- uses PyYAML's *safe* composer (the C one where available): no Python tags, no code;
- builds plain JSON-compatible values itself from the node tree, so that every value,
  and every mapping key, keeps its line and column for findings;
- rejects what YAML would silently accept: duplicate keys (YAML keeps the last one),
  several documents in one file, merge keys, non-UTF-8 bytes, an empty file;
- bounds the file size and the number of nodes an alias expansion may produce, so that a
  "billion laughs" document fails fast instead of eating memory.

Dates stay ISO strings (``2025-03-01``): records are JSON data, and the schemas check
formats. Keys are always strings: ``2023:`` becomes the key ``"2023"``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:  # the C composer is several times faster; fall back to pure Python where absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000

Path_ = tuple  # a path into the data: ("targets", 0, "value")


@dataclass
class LoadError(Exception):
    """A problem with a file as YAML: where, what, and how to fix it."""

    message: str
    line: int = 1
    col: int = 1
    hint: str = ""

    def __str__(self) -> str:  # pragma: no cover - convenience
        return f"{self.line}:{self.col}: {self.message}"


@dataclass
class Document:
    data: object
    # (path) -> (line, col) of the value; keys -> (line, col) of the key itself
    positions: dict = field(default_factory=dict)
    key_positions: dict = field(default_factory=dict)

    def where(self, path) -> tuple[int, int]:
        """Line and column of the value at path, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def where_key(self, path) -> tuple[int, int]:
        path = tuple(path)
        return self.key_positions.get(path) or self.where(path)


_SCALAR_BOOL = {"true": True, "false": False}
_FLOAT_12 = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+$")


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _scalar(node):
    """Construct a JSON value from a resolved scalar node.

    Only the core schema: null, bool, int, float, str. Timestamps stay strings.
    """
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:str":
        # YAML 1.1 reads 1.5e3 (no sign in the exponent) as text; people mean a number
        if node.style in (None, "") and _FLOAT_12.match(value):
            return float(value)
        return value
    if tag == "tag:yaml.org,2002:timestamp":
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return _SCALAR_BOOL.get(value.lower(), value.lower() in ("yes", "on", "y"))
    if tag == "tag:yaml.org,2002:int":
        return _construct_int(value)
    if tag == "tag:yaml.org,2002:float":
        return _construct_float(value)
    line, col = _mark(node)
    raise LoadError(f"unsupported YAML tag {tag!r}", line, col,
                    "records hold plain data: remove the tag (the part starting with '!')")


def _construct_int(value: str) -> int:
    v = value.replace("_", "")
    sign = -1 if v.startswith("-") else 1
    v = v.lstrip("+-")
    if v == "0":
        return 0
    if v.startswith("0b"):
        return sign * int(v[2:], 2)
    if v.startswith("0x"):
        return sign * int(v[2:], 16)
    if v.startswith("0o"):
        return sign * int(v[2:], 8)
    if v.startswith("0"):
        return sign * int(v, 8)
    if ":" in v:  # sexagesimal, YAML 1.1
        total = 0
        for part in v.split(":"):
            total = total * 60 + int(part)
        return sign * total
    return sign * int(v)


def _construct_float(value: str) -> float:
    v = value.replace("_", "").lower()
    if v in (".inf", "+.inf"):
        return float("inf")
    if v == "-.inf":
        return float("-inf")
    if v == ".nan":
        return float("nan")
    if ":" in v:
        sign = -1.0 if v.startswith("-") else 1.0
        total = 0.0
        for part in v.lstrip("+-").split(":"):
            total = total * 60 + float(part)
        return sign * total
    return float(v)


class _Builder:
    """Walks the composed node graph into plain data, recording positions."""

    def __init__(self, max_nodes: int):
        self.max_nodes = max_nodes
        self.count = 0
        self.positions: dict = {}
        self.key_positions: dict = {}
        self._active: set[int] = set()  # nodes on the current path, to refuse recursive aliases

    def build(self, node, path: tuple):
        self.count += 1
        if self.count > self.max_nodes:
            line, col = _mark(node)
            raise LoadError(
                f"the document expands to more than {self.max_nodes} values "
                "(aliases that repeat aliases, as in a 'billion laughs' document)",
                line, col, "write the data out, or split it into several records")
        self.positions[path] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if node.tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            line, col = _mark(node)
            raise LoadError(f"unsupported YAML tag {node.tag!r}", line, col,
                            "records hold plain data: remove the tag (the part starting with '!')")
        if id(node) in self._active:
            line, col = _mark(node)
            raise LoadError("a recursive alias refers to its own parent", line, col,
                            "remove the alias ('*name') that points back into itself")
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
        finally:
            self._active.discard(id(node))
        line, col = _mark(node)  # pragma: no cover - composer yields only the three kinds
        raise LoadError("unsupported YAML node", line, col)

    def _mapping(self, node, path: tuple) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            kline, kcol = _mark(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise LoadError("merge keys ('<<:') are not supported", kline, kcol,
                                "write the fields out in full; each record should read on its own")
            if not isinstance(key_node, yaml.ScalarNode):
                raise LoadError("a mapping key must be a plain value, not a list or mapping",
                                kline, kcol, "use a simple name as the key")
            key = key_node.value if key_node.tag != "tag:yaml.org,2002:null" else ""
            if key in out:
                first = self.key_positions.get(path + (key,), (kline, kcol))
                raise LoadError(
                    f"duplicate key {key!r} (first at line {first[0]}); YAML would silently keep the last one",
                    kline, kcol, "remove or rename one of the two keys")
            self.key_positions[path + (key,)] = (kline, kcol)
            out[key] = self.build(value_node, path + (key,))
        return out


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8")) + 1  # characters, not bytes
        raise LoadError(f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)",
                        line, col, "save the file as UTF-8 (GBK and other encodings are not accepted)")
    return text[1:] if text.startswith("\ufeff") else text


def load_text(text: str, *, max_nodes: int = MAX_NODES) -> Document:
    """Parse one YAML document from text. Raises LoadError."""
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise LoadError("the file is empty", 1, 1, "add the record's fields, or delete the file")
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.composer.ComposerError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "single document" in str(exc.context):
            raise LoadError("the file holds more than one YAML document", line, col,
                            "keep one record per file: remove the '---' separator and move the rest to a new file")
        if "undefined alias" in str(exc.problem) or "found undefined alias" in str(exc.context):
            raise LoadError(f"malformed YAML: {exc.problem}", line, col,
                            "define the anchor ('&name') before the alias ('*name') that uses it")
        raise LoadError(f"malformed YAML: {exc.problem or exc.context}", line, col, _yaml_hint(exc))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "syntax error"
        hint = _yaml_hint(exc)
        lines = text.splitlines()
        if mark and line <= len(lines) and "\t" in lines[line - 1][: col]:
            what, hint = "a tab character in the indentation", "indent with spaces, not tabs"
        raise LoadError(f"malformed YAML: {what}", line, col, hint)
    except yaml.YAMLError as exc:
        raise LoadError(f"malformed YAML: {exc}", 1, 1, "check the file's indentation and quoting")
    if node is None:
        raise LoadError("the file is empty", 1, 1, "add the record's fields, or delete the file")
    builder = _Builder(max_nodes)
    data = builder.build(node, ())
    return Document(data, builder.positions, builder.key_positions)


def _yaml_hint(exc) -> str:
    text = f"{exc.problem or ''} {exc.context or ''}"
    if "tab" in text:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in text:
        return "a value that contains ': ' must be quoted"
    if "could not find expected ':'" in text or "simple key" in text:
        return "each line of a mapping needs 'key: value'; check the line above for a missing colon or quote"
    if "found character" in text and "cannot start any token" in text:
        return "quote the value: a value may not start with that character"
    if "expected <block end>" in text or "did not find expected" in text:
        return "check the indentation: items of one list or mapping must line up"
    return "check the file's indentation and quoting near this position"


def load_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES, max_nodes: int = MAX_NODES) -> Document:
    """Read and parse one YAML file. Raises LoadError (never a YAML or Unicode exception)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"cannot read the file: {exc.strerror}", 1, 1)
    if size > max_bytes:
        raise LoadError(f"the file is {size} bytes, more than the limit of {max_bytes}", 1, 1,
                        "move large tables into a CSV file referenced by the record, "
                        "or raise limits.max_file_bytes in the settings")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read the file: {exc.strerror}", 1, 1)
    return load_text(_decode(raw), max_nodes=max_nodes)

"""Safe, bounded YAML loading that remembers where every value came from.

Records arrive through pull requests from many people, so the loader:
- uses PyYAML's *safe* composer (the C one where available): no Python tags, no code;
- builds plain JSON-compatible values itself from the node tree, so that every value,
  and every mapping key, keeps its line and column for findings;
- rejects what YAML would silently accept: duplicate keys (YAML keeps the last one),
  several documents in one file, merge keys, non-UTF-8 bytes, an empty file;
- bounds the file size and the number of nodes an alias expansion may produce, so that a
  "billion laughs" document fails fast instead of eating memory; and, with a `Budget`, the bytes
  and values of all the files of one run (many files each under the limit add up);
- reads a file only through cms_build.paths (no link out of the repository, no FIFO or device);
- bounds the nesting depth, checked on the parser's event stream *before* composing (PyYAML's
  composer recurses: thousands of levels overflow the stack, tens of thousands crash Python);
- refuses numbers too long to convert and text holding control characters, which could
  not be shown or exported.

Dates stay ISO strings (``2025-03-01``): records are JSON data, and the schemas check
formats. Keys are always strings: ``2023:`` becomes the key ``"2023"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from .errors import CmsProblem

from .paths import UnsafeFile, read_repo_bytes

try:  # the C composer is several times faster; fall back to pure Python where absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 100  # lists and mappings inside each other; real records need about 10

# What YAML accepts as a character in a file (YAML 1.1 "printable"); the same is required of
# text that double-quoted escapes produce ("\0", "\e", "\x01" ...).
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Path_ = tuple  # a path into the data: ("targets", 0, "value")


@dataclass
class LoadError(CmsProblem):
    """A problem with a file as YAML: where, what, and how to fix it."""

    message: str
    line: int = 1
    col: int = 1
    hint: str = ""

    def __str__(self) -> str:  # pragma: no cover - convenience
        return f"{self.line}:{self.col}: {self.message}"


@dataclass
class Budget:
    """What one run may still read over all its YAML files: bytes and values (nodes).

    Each file is bounded on its own (max_file_bytes, max_nodes); this bounds their sum, so that
    a pull request of many files each just under the limit cannot make a run take minutes.
    Once spent, every further file is refused without being read, naming where it ran out.
    """

    bytes: int
    nodes: int
    spent_at: str = ""  # the file at which the budget ran out
    what: str = ""
    current: str = ""  # the file being read

    def refuse(self) -> None:
        if self.spent_at:
            raise LoadError(f"not read: the records of this run reached {self.what} at {self.spent_at}", 1, 1, _BUDGET_HINT)

    def take_bytes(self, n: int, rel: str) -> None:
        self.bytes -= n
        if self.bytes < 0:
            self.spent_at, self.what = rel, "the limit of limits.max_run_bytes"
            raise LoadError(
                "the records of this run together are larger than limits.max_run_bytes (this file and the ones after it are not read)", 1, 1, _BUDGET_HINT
            )


_BUDGET_HINT = "keep records small (move large tables into CSV files that records attach), or raise limits.max_run_bytes / limits.max_run_nodes in the settings"


@dataclass
class Document:
    data: object
    # (path) -> (line, col) of the value; keys -> (line, col) of the key itself
    positions: dict = field(default_factory=dict)
    key_positions: dict = field(default_factory=dict)
    count: int = 0  # the values it holds, as counted against max_nodes and the run's budget

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
            return _finite(float(value), node)
        return value
    if tag == "tag:yaml.org,2002:timestamp":
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return _SCALAR_BOOL.get(value.lower(), value.lower() in ("yes", "on", "y"))
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        try:
            number = _construct_int(value) if tag.endswith("int") else _construct_float(value)
        except ValueError:
            line, col = _mark(node)
            digits = sum(ch.isdigit() for ch in value)
            if digits > 100:
                raise LoadError(
                    f"number too long ({digits} digits)", line, col, "write a shorter number; if it is an identifier rather than a quantity, put it in quotes"
                ) from None
            raise LoadError(f"{value!r} cannot be read as a number", line, col, "correct the number, or put it in quotes if it is text") from None
        return number if "inf" in value.lower() else _finite(number, node)
    line, col = _mark(node)
    raise LoadError(f"unsupported YAML tag {tag!r}", line, col, "records hold plain data: remove the tag (the part starting with '!')")


def _finite(number, node):
    if number in (float("inf"), float("-inf")):
        line, col = _mark(node)
        raise LoadError("number too large: it would be read as infinity", line, col, "write a smaller number, or .inf if infinity is meant")
    return number


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

    def __init__(self, max_nodes: int, budget: "Budget | None" = None):
        self.max_nodes = max_nodes if budget is None else min(max_nodes, budget.nodes)
        self.budget = budget
        self.count = 0
        self.positions: dict = {}
        self.key_positions: dict = {}
        self._active: set[int] = set()  # nodes on the current path, to refuse recursive aliases

    def build(self, node, path: tuple):
        self.count += 1
        if self.count > self.max_nodes:
            line, col = _mark(node)
            _over_budget(self.budget, self.max_nodes, line, col)
            raise LoadError(
                f"the document expands to more than {self.max_nodes} values (aliases that repeat aliases, as in a 'billion laughs' document)",
                line,
                col,
                "write the data out, or split it into several records",
            )
        if len(path) > MAX_DEPTH:  # the text was checked; aliases repeating aliases nest deeper
            line, col = _mark(node)
            raise LoadError(
                f"the data is nested more than {MAX_DEPTH} levels deep once its aliases ('*name') are expanded",
                line,
                col,
                "write the data out instead of nesting aliases inside anchored values",
            )
        self.positions[path] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            _check_text(node)
            return _scalar(node)
        if node.tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            line, col = _mark(node)
            raise LoadError(f"unsupported YAML tag {node.tag!r}", line, col, "records hold plain data: remove the tag (the part starting with '!')")
        if id(node) in self._active:
            line, col = _mark(node)
            raise LoadError("a recursive alias refers to its own parent", line, col, "remove the alias ('*name') that points back into itself")
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
                raise LoadError("merge keys ('<<:') are not supported", kline, kcol, "write the fields out in full; each record should read on its own")
            if not isinstance(key_node, yaml.ScalarNode):
                raise LoadError("a mapping key must be a plain value, not a list or mapping", kline, kcol, "use a simple name as the key")
            _check_text(key_node)
            key = key_node.value if key_node.tag != "tag:yaml.org,2002:null" else ""
            if key in out:
                first = self.key_positions.get(path + (key,), (kline, kcol))
                raise LoadError(
                    f"duplicate key {key!r} (first at line {first[0]}); YAML would silently keep the last one",
                    kline,
                    kcol,
                    "remove or rename one of the two keys",
                )
            self.key_positions[path + (key,)] = (kline, kcol)
            out[key] = self.build(value_node, path + (key,))
        return out


def _over_budget(budget, max_nodes: int, line: int, col: int) -> None:
    """When it is the run's budget of values that ran out (not the file's own limit), say so."""
    if budget is not None and max_nodes == budget.nodes:
        budget.spent_at, budget.what = budget.current, "the limit of limits.max_run_nodes"
        budget.nodes = 0
        raise LoadError(
            "the records of this run together hold more values than limits.max_run_nodes (this file and the ones after it are not read)",
            line,
            col,
            _BUDGET_HINT,
        )


def _too_deep(line: int, col: int) -> tuple[str, int, int, str]:
    return (
        f"the data is nested more than {MAX_DEPTH} levels deep (lists and mappings inside each other)",
        line,
        col,
        "flatten the data: a record needs only a few levels of lists and mappings",
    )


def _char_name(ch: str) -> str:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "a control character"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate"
    else:
        kind = "a character YAML does not allow"
    return f"{kind} (U+{code:04X})"


def _check_text(node) -> None:
    """Text that escapes made unprintable (NUL, ESC, ...) is refused where it was written."""
    bad = _NOT_PRINTABLE.search(node.value)
    if bad:
        line, col = _mark(node)
        raise LoadError(
            f"the text holds {_char_name(bad.group())} at character {bad.start() + 1}",
            line,
            col,
            "remove it: such characters cannot be shown or exported (look for an escape like '\\0', '\\e' or '\\x1b' inside double quotes)",
        )


def _check_depth(loader, max_nodes: int = MAX_NODES, budget: "Budget | None" = None) -> None:
    """Walk the first document's events (no recursion) and refuse one nested too deep, before
    the composer recurses into it, or holding more values than allowed, before composing them
    (composing costs four times as much as this walk). Syntax errors surface here as they
    would when composing."""
    starts = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    values = (yaml.ScalarEvent, yaml.AliasEvent) + starts
    limit = max_nodes if budget is None else min(max_nodes, budget.nodes)
    count = 0
    # per open list or mapping: None for a list, else whether the mapping's key comes next
    # (keys are not values: counted as the builder counts, the two limits are one)
    open_: list[bool | None] = []
    while True:
        event = loader.get_event()
        if event is None or isinstance(event, (yaml.DocumentEndEvent, yaml.StreamEndEvent)):
            return
        if isinstance(event, ends):
            open_.pop()
            continue
        if not isinstance(event, values):
            continue
        is_key = bool(open_) and open_[-1] is True
        if open_ and open_[-1] is not None:
            open_[-1] = not open_[-1]
        if isinstance(event, starts):
            open_.append(True if isinstance(event, yaml.MappingStartEvent) else None)
            if len(open_) > MAX_DEPTH:
                raise LoadError(*_too_deep(event.start_mark.line + 1, event.start_mark.column + 1))
        if is_key:
            continue
        count += 1  # a value, an alias or a list or mapping
        if count > limit:
            line, col = event.start_mark.line + 1, event.start_mark.column + 1
            _over_budget(budget, limit, line, col)
            raise LoadError(
                f"the document holds more than {limit} values",
                line,
                col,
                "split it into several records, or move large tables into a CSV file the record attaches",
            )


def _reader_position(text: str, exc) -> tuple[int, int]:
    """Line and column of a character the YAML reader refused. The C reader counts UTF-8
    bytes, the Python one characters; the character itself tells which one it was."""
    ch = chr(exc.character) if isinstance(exc.character, int) else None
    index = -1
    if isinstance(exc.position, int):
        for candidate in (len(text.encode("utf-8", "surrogatepass")[: exc.position].decode("utf-8", "replace")), exc.position):
            if 0 <= candidate < len(text) and text[candidate] == ch:
                index = candidate
                break
    if index < 0 and ch is not None:
        index = text.find(ch)
    if index < 0:
        return 1, 1
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1  # characters, not bytes
        raise LoadError(
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)",
            line,
            col,
            "save the file as UTF-8 (GBK and other encodings are not accepted)",
        )
    return text[1:] if text.startswith("\ufeff") else text


def load_text(text: str, *, max_nodes: int = MAX_NODES, budget: Budget | None = None) -> Document:
    """Parse one YAML document from text. Raises LoadError."""
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise LoadError("the file is empty", 1, 1, "add the record's fields, or delete the file")
    try:
        bad = re.search("[\ud800-\udfff]", text)  # only from a str: decoded bytes cannot hold them
        if bad:
            line_start = text.rfind("\n", 0, bad.start()) + 1
            raise LoadError(
                f"the file holds {_char_name(bad.group())}",
                text.count("\n", 0, bad.start()) + 1,
                bad.start() - line_start + 1,
                "remove it: such characters cannot be shown or exported",
            )
        loader = _Loader(text)
        try:
            _check_depth(loader, max_nodes, budget)
        finally:
            loader.dispose()
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as exc:
        line, col = _reader_position(text, exc)
        what = _char_name(chr(exc.character)) if isinstance(exc.character, int) else "a character YAML does not allow"
        raise LoadError(
            f"the file holds {what}",
            line,
            col,
            "remove it: such characters cannot be shown or exported (editors often show it as a box, as '^' and a letter, or not at all)",
        )
    except yaml.composer.ComposerError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if "single document" in str(exc.context):
            raise LoadError(
                "the file holds more than one YAML document", line, col, "keep one record per file: remove the '---' separator and move the rest to a new file"
            )
        if "undefined alias" in str(exc.problem) or "found undefined alias" in str(exc.context):
            raise LoadError(f"malformed YAML: {exc.problem}", line, col, "define the anchor ('&name') before the alias ('*name') that uses it")
        raise LoadError(f"malformed YAML: {exc.problem or exc.context}", line, col, _yaml_hint(exc))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "syntax error"
        if "maximum nesting depth" in str(what):  # newer libyaml scans ahead and stops at its own limit
            raise LoadError(*_too_deep(line, col))
        hint = _yaml_hint(exc)
        lines = text.splitlines()
        if mark and line <= len(lines) and "\t" in lines[line - 1][:col]:
            what, hint = "a tab character in the indentation", "indent with spaces, not tabs"
        raise LoadError(f"malformed YAML: {what}", line, col, hint)
    except yaml.YAMLError as exc:
        raise LoadError(f"malformed YAML: {exc}", 1, 1, "check the file's indentation and quoting")
    if node is None:
        raise LoadError("the file is empty", 1, 1, "add the record's fields, or delete the file")
    builder = _Builder(max_nodes, budget)
    data = builder.build(node, ())
    if budget is not None:
        budget.nodes -= builder.count
    return Document(data, builder.positions, builder.key_positions, builder.count)


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


def load_file(
    path: Path, *, max_bytes: int = MAX_FILE_BYTES, max_nodes: int = MAX_NODES, root: Path | None = None, budget: Budget | None = None, rel: str = ""
) -> Document:
    """Read and parse one YAML file. Raises LoadError (never a YAML, Unicode or OS exception).

    The file is read through cms_build.paths.read_repo_bytes: no link out of `root` (default:
    the file's own folder), no FIFO, device or socket, never more than max_bytes read.
    """
    raw = read_file(path, max_bytes=max_bytes, root=root, budget=budget, rel=rel)
    return load_text(_decode(raw), max_nodes=max_nodes, budget=budget)


def read_file(path: Path, *, max_bytes: int = MAX_FILE_BYTES, root: Path | None = None, budget: Budget | None = None, rel: str = "") -> bytes:
    """The bytes of one YAML file, counted against the run's budget (the first half of load_file;
    cms_build/cache.py looks the bytes up before parsing them). Raises LoadError."""
    path = Path(path)
    if budget is not None:
        budget.refuse()
        budget.current = rel or path.name
    try:
        raw = read_repo_bytes(
            root if root is not None else path.parent,
            path,
            max_bytes,
            hint="move large tables into a CSV file referenced by the record, or raise limits.max_file_bytes in the settings",
        )
    except UnsafeFile as exc:
        raise LoadError(exc.message, 1, 1, exc.hint) from None
    if budget is not None:
        budget.take_bytes(len(raw), budget.current)
    return raw


def parse_bytes(raw: bytes, *, max_nodes: int = MAX_NODES, budget: Budget | None = None) -> Document:
    """Parse the bytes read by read_file (the second half of load_file). Raises LoadError."""
    return load_text(_decode(raw), max_nodes=max_nodes, budget=budget)

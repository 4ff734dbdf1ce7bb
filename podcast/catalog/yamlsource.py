"""YAML files read with line numbers, so every problem can name its line.

Parsing goes through ruamel.yaml's fast safe loader (libyaml); only when a problem has
to be located is the file parsed again with the round-trip loader, which
keeps the line of every key and item.

Before anything is parsed into objects, a file is bounded: at most
:data:`MAX_BYTES` long, and nested at most :data:`MAX_DEPTH` levels deep (counted
on the parser's event stream, which needs no recursion).  Building the objects
recurses once per level: 1,000 levels raise ``RecursionError``, 50,000 crash the
process; a catalog file needs a handful.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

Loc = Sequence[str | int]
MAX_BYTES = 1 << 20  # 1 MiB: a catalog file is a few KiB; media live in files of their own
MAX_DEPTH = 20  # show.yaml's deepest value is 4 levels down


class YamlSyntaxError(Exception):
    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message
        super().__init__(message)


class _TextTimestamps(SafeConstructor):
    """Dates stay text, so the models can say what is wrong with an impossible one."""


class _RoundTripTextTimestamps(RoundTripConstructor):
    pass


_TextTimestamps.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
_RoundTripTextTimestamps.add_constructor(
    "tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str
)


def _safe_loader(pure: bool) -> YAML:
    yaml = YAML(typ="safe", pure=pure)
    yaml.Constructor = _TextTimestamps
    yaml.allow_duplicate_keys = False
    return yaml


# libyaml's parser (ruamel.yaml.clib) is five times faster than the pure one, but
# stricter in places (e.g. "url: https://…" inside a {flow mapping}): when it
# refuses a file, the pure parser decides, and reports the error.
_SAFE = _safe_loader(pure=False)
_PURE = _safe_loader(pure=True)


def _error_line(error: YAMLError) -> int | None:
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        if mark is not None:
            return mark.line + 1
    return None


def _error_text(error: YAMLError) -> str:
    if isinstance(error, MarkedYAMLError):
        parts = [p for p in (error.context, error.problem) if p]
        if parts:
            return "invalid YAML: " + ", ".join(parts)
    return f"invalid YAML: {error}".splitlines()[0]


def _nesting_problem(yaml: YAML, text: str) -> YamlSyntaxError | None:
    """The error for ``text`` nested deeper than :data:`MAX_DEPTH`, found without recursion.

    Raises YAMLError for a syntax error before that depth (the loader reports it).
    """
    depth = 0
    for event in yaml.parse(text):
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else None
                return YamlSyntaxError(
                    line,
                    f"nested deeper than {MAX_DEPTH} levels (expected at most {MAX_DEPTH} "
                    "levels of mappings and lists)",
                )
        elif isinstance(event, MappingEndEvent | SequenceEndEvent):
            depth -= 1
    return None


def check_nesting(text: str) -> None:
    """Raise :class:`YamlSyntaxError` if ``text`` nests deeper than :data:`MAX_DEPTH`."""
    for yaml in (_SAFE, _PURE):
        try:
            problem = _nesting_problem(yaml, text)
        except YAMLError:
            continue  # libyaml refuses what the pure parser may take: let it count
        if problem is not None:
            raise problem
        return


class YamlSource:
    """One YAML file: its data and, on demand, the line of any location in it."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.text = text
        check_nesting(text)
        try:
            self.data: Any = _SAFE.load(text)
        except YAMLError:
            try:
                self.data = _PURE.load(text)
            except YAMLError as error:
                raise YamlSyntaxError(_error_line(error), _error_text(error)) from None

    @classmethod
    def read(cls, path: Path) -> YamlSource:
        """Read ``path``, refusing more than :data:`MAX_BYTES` before parsing anything."""
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            size = max(len(data), path.stat().st_size)
            raise YamlSyntaxError(
                None,
                f"is {size:,} bytes long (expected at most {MAX_BYTES:,} bytes: long texts "
                "belong in a transcript, media in files of their own)",
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise YamlSyntaxError(None, f"not UTF-8 text ({error.reason})") from None
        return cls(path, text)

    @cached_property
    def _tree(self) -> Any:
        yaml = YAML(typ="rt")
        yaml.Constructor = _RoundTripTextTimestamps
        yaml.allow_duplicate_keys = False
        try:
            return yaml.load(self.text)
        except YAMLError as error:
            raise YamlSyntaxError(_error_line(error), _error_text(error)) from None

    def line(self, loc: Loc, key: bool = False) -> int | None:
        """1-based line of the value at ``loc`` (of its key when ``key``).

        Walks as deep as the location exists, so a missing key is reported at
        the line of the mapping that lacks it.
        """
        node = self._tree
        line: int | None = 1
        for index, part in enumerate(loc):
            last = index == len(loc) - 1
            if isinstance(node, CommentedMap) and part in node:
                pos = node.lc.key(part) if (key and last) else node.lc.value(part)
                line = pos[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                if isinstance(node, CommentedMap | CommentedSeq) and node.lc.line is not None:
                    line = node.lc.line + 1
                break
        return line


def format_loc(loc: Loc) -> str:
    """('quotes', 1, 'start') -> 'quotes[1].start'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text

"""The catalog's YAML files written with ruamel.yaml: block style, Unicode as it is,
multi-line text as literal blocks, a comment on top saying where the file came from."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

#: keys written in quotes whatever they hold (times, dates, GUIDs)
QUOTED = {"start", "end", "date", "guid"}


def _prepare(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _prepare(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_prepare(v) for v in value]
    if isinstance(value, str):
        if "\n" in value:
            return LiteralScalarString(value.rstrip("\n") + "\n" if key else value)
        if key in QUOTED:
            return DoubleQuotedScalarString(value)
    return value


def dump(data: dict) -> str:
    yaml = YAML()
    yaml.width = 4096  # long lines stay whole (no folded plain scalars)
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(_prepare(data), out)
    return out.getvalue()


def write_yaml(path: Path, data: dict, comment: str) -> None:
    text = "".join(f"# {line}\n" for line in comment.splitlines()) + dump(data)
    path.write_text(text, encoding="utf-8")

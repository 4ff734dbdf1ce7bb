"""The catalog's YAML files written with ruamel.yaml: block style, Unicode as it is,
multi-line text as literal blocks, a comment on top saying where the file came from."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

#: keys written in quotes whatever they hold (times, dates, GUIDs)
QUOTED = {"start", "end", "date", "guid"}
#: what the catalog refuses in text (control characters, what XML cannot carry); feeds
#: decoded in the wrong encoding have C1 controls in them
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(value: Any) -> tuple[Any, int]:
    """``value`` (text, lists, mappings) without forbidden characters, and how many there were."""
    if isinstance(value, str):
        return FORBIDDEN.subn("", value)
    if isinstance(value, dict):
        pairs = {k: clean(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, sum(n for _, n in pairs.values())
    if isinstance(value, list | tuple):
        items = [clean(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    return value, 0


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


def write_yaml(path: Path, data: dict, comment: str) -> int:
    """Write ``data``; the number of forbidden characters left out (see :data:`FORBIDDEN`)."""
    cleaned, removed = clean(data)
    text = "".join(f"# {line}\n" for line in FORBIDDEN.sub("", comment).splitlines())
    path.write_text(text + dump(cleaned), encoding="utf-8")
    return removed

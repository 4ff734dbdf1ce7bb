"""Pydantic's validation errors turned into problems with file, line and field.

:func:`read_model` reads one YAML file and validates it against its model; every
error becomes a :class:`~podcast.problems.Problem` that names the line of the
offending key, says what was expected and what was found, and for an unknown key
suggests the closest known one.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from podcast.catalog.limits import check_texts
from podcast.catalog.models import UNION_TAGS
from podcast.catalog.yamlsource import YamlSource, YamlSyntaxError, format_loc
from podcast.problems import Problems


def _unwrap(annotation: Any) -> list[Any]:
    """The types an annotation may hold, with Annotated/Optional/containers opened."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model whose keys are valid at ``loc`` (for "did you mean")."""
    current: Any = model
    for part in loc:
        if part in UNION_TAGS or isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = None
        for candidate in _unwrap(info.annotation):
            origin = typing.get_origin(candidate)
            if origin in (tuple, list):
                candidate = _unwrap(typing.get_args(candidate)[0])[-1]
            elif origin is dict:
                candidate = _unwrap(typing.get_args(candidate)[1])[-1]
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                current = candidate
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def found(value: Any) -> str:
    """How a value found in YAML is named in a message."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _describe(model: type[BaseModel], error: Any) -> str:
    kind, loc, message = error["type"], error["loc"], error["msg"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        hint = ""
        if parent is not None:
            close = difflib.get_close_matches(str(loc[-1]), parent.model_fields, n=1, cutoff=0.6)
            if close:
                hint = f' (did you mean "{close[0]}"?)'
            else:
                hint = f" (expected one of: {', '.join(parent.model_fields)})"
        return f"unknown key{hint}"
    if message.startswith("Value error, "):
        return message.removeprefix("Value error, ")
    message = message.replace("Input should be", "expected")
    message = message.replace("String should", "expected text to")
    return f"{message}, found {found(error.get('input'))}"


def validate_model(model: type[BaseModel], source: YamlSource, problems: Problems) -> Any:
    """``source``'s data as ``model``, or None with every error added to ``problems``."""
    data = source.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.add(source.path, 1, "", f"expected a mapping of keys, found {found(data)}")
        return None
    reported = check_texts(source, problems)
    try:
        return model.model_validate(data)
    except ValidationError as errors:
        for error in errors.errors():
            loc = tuple(p for p in error["loc"] if p not in UNION_TAGS)
            if loc in reported:
                continue  # already said what is wrong with that text
            line = source.line(loc, key=error["type"] == "extra_forbidden")
            problems.add(source.path, line, format_loc(loc), _describe(model, error))
        return None


def read_model(
    path: Path, model: type[BaseModel], problems: Problems
) -> tuple[Any, YamlSource | None]:
    """Read and validate one YAML file: (model or None, source or None)."""
    try:
        source = YamlSource.read(path)
    except YamlSyntaxError as error:
        problems.add(path, error.line, "", error.message)
        return None, None
    except OSError as error:
        problems.add(path, None, "", f"cannot be read ({error.strerror})")
        return None, None
    return validate_model(model, source, problems), source

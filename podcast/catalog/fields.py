"""The building blocks of the catalog models: the base model and the common field types."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+\.[^\s]*$|^https?://localhost(:\d+)?(/\S*)?$", value):
        raise ValueError(f'"{value}" is not an absolute http(s) URL')
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
NonEmpty = Annotated[str, Field(min_length=1)]


def _email(value: str) -> str:
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        raise ValueError(f'"{value}" is not an e-mail address')
    return value


Email = Annotated[str, AfterValidator(_email)]


class Model(BaseModel):
    """Base of all catalog models: immutable, unknown keys forbidden."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

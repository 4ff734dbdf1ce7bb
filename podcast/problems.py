"""Problems found in the catalog, collected in one pass and reported together.

Every stage that inspects user input appends :class:`Problem` objects to a
:class:`Problems` collection instead of raising on the first one.  When the
pass is over, :meth:`Problems.raise_if_errors` aborts once with a
:class:`CatalogError` that carries all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input: where it is, and what is wrong."""

    file: str
    line: int | None
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        fieldpart = f" {self.field}:" if self.field else ""
        return f"{where}:{fieldpart} {prefix}{self.message}"


class PodcastError(Exception):
    """A user-facing error: printed as a message, never as a traceback."""


class CatalogError(PodcastError):
    """The catalog has errors; ``problems`` holds every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity is Severity.ERROR]
        super().__init__(f"{len(errors)} error(s) in the catalog")


@dataclass
class Problems:
    """An ordered collection of problems, with paths shown relative to ``base``."""

    base: Path | None = None
    items: list[Problem] = field(default_factory=list)

    def display(self, path: Path | str) -> str:
        path = Path(path)
        if self.base is not None:
            try:
                return str(path.resolve().relative_to(self.base.resolve()))
            except ValueError:
                pass
        return str(path)

    def add(
        self,
        file: Path | str,
        line: int | None,
        field: str,
        message: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.items.append(Problem(self.display(file), line, field, message, severity))

    def warn(self, file: Path | str, line: int | None, field: str, message: str) -> None:
        self.add(file, line, field, message, Severity.WARNING)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.file, p.line or 0, p.field, p.message))

    def raise_if_errors(self, strict: bool = False) -> None:
        if self.errors or (strict and self.warnings):
            raise CatalogError(self.sorted())

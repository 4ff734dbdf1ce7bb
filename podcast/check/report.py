"""What ``podcast check`` found: per file and per platform rule, worst first."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    """Ordered: the worst level sorts first."""

    ERROR = 0  # a listener (or a platform) hits it: non-zero exit
    WARNING = 1
    OK = 2

    @property
    def word(self) -> str:
        return {Level.ERROR: "FAIL", Level.WARNING: "warn", Level.OK: "ok"}[self]


@dataclass(frozen=True)
class Finding:
    level: Level
    message: str


@dataclass(frozen=True)
class ItemResult:
    """One fetched file (the feed, an enclosure, a transcript …) and what was wrong with it."""

    label: str
    url: str
    findings: tuple[Finding, ...]
    summary: str = ""  # what was seen when all went well, e.g. "206, 1,053,528 bytes, audio/mpeg"

    @property
    def level(self) -> Level:
        return min((finding.level for finding in self.findings), default=Level.OK)

    @property
    def detail(self) -> str:
        """The problems, worst first; what was seen when there are none."""
        ordered = sorted(self.findings, key=lambda finding: finding.level)
        problems = [finding.message for finding in ordered if finding.level is not Level.OK]
        return "; ".join(problems) if problems else self.summary


@dataclass(frozen=True)
class RuleResult:
    """A platform's feed rule and whether the feed follows it."""

    platforms: tuple[str, ...]
    rule: str
    level: Level
    message: str


@dataclass(frozen=True)
class CheckReport:
    feed_url: str
    items: tuple[ItemResult, ...]
    rules: tuple[RuleResult, ...]

    def sorted_items(self) -> list[ItemResult]:
        return sorted(self.items, key=lambda item: item.level)  # stable: feed order within

    def sorted_rules(self) -> list[RuleResult]:
        return sorted(self.rules, key=lambda rule: rule.level)

    def count(self, level: Level) -> int:
        return sum(item.level is level for item in self.items) + sum(
            rule.level is level for rule in self.rules
        )

    @property
    def failed(self) -> bool:
        return self.count(Level.ERROR) > 0

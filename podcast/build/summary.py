"""What a build tells its user: counts, warnings and each episode's loudness line.

Kept apart from the build's full result (:class:`~podcast.build.pipeline.BuildResult`):
a build that finds nothing changed (:mod:`podcast.build.skip`) gives the summary the
last build recorded, without loading the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from podcast.problems import Problem, Severity


@dataclass(frozen=True)
class AudioLine:
    """One episode's loudness report, as printed."""

    slug: str
    line: str
    notes: tuple[str, ...] = ()
    cached: bool = False


@dataclass(frozen=True)
class BuildSummary:
    built: int  # episodes in the build
    in_catalog: int  # episodes in the catalog (drafts and scheduled ones included)
    feed_url: str
    warnings: tuple[Problem, ...] = ()
    audio: tuple[AudioLine, ...] = ()
    #: nothing changed since the last build: the build folder was left as it was
    unchanged: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "built": self.built,
            "in_catalog": self.in_catalog,
            "feed_url": self.feed_url,
            "warnings": [
                [w.file, w.line, w.field, w.message, w.severity.value] for w in self.warnings
            ],
            "audio": [[a.slug, a.line, list(a.notes)] for a in self.audio],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], unchanged: bool) -> BuildSummary:
        """The summary :meth:`to_json` wrote; every episode's audio is then cached."""
        warnings = tuple(
            Problem(str(file), line, str(name), str(message), Severity(severity))
            for file, line, name, message, severity in data["warnings"]
        )
        audio = tuple(
            AudioLine(str(slug), str(line), tuple(notes), cached=True)
            for slug, line, notes in data["audio"]
        )
        return cls(
            int(data["built"]),
            int(data["in_catalog"]),
            str(data["feed_url"]),
            warnings,
            audio,
            unchanged,
        )

"""The files an entry names: artwork, masters, jingles, person images, transcripts.

Each must exist and be what it claims to be; a problem names the YAML file, line
and field that refers to the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from podcast.catalog.media import MediaError, check_artwork, probe_audio
from podcast.catalog.models import AudioInfo, EpisodeFile, Person
from podcast.catalog.names import EPISODE_FILE, TRANSCRIPT_NAMES
from podcast.catalog.transcript import TranscriptError, parse_transcript
from podcast.catalog.yamlsource import Loc, YamlSource, format_loc
from podcast.problems import Problems

MIN_SAMPLE_RATE = 22050


@dataclass(frozen=True)
class Assets:
    """Checks the files named in the catalog at ``root``, adding problems to ``problems``."""

    root: Path
    problems: Problems
    probe_media: bool = True

    def _add(self, source: YamlSource, loc: Loc, message: str) -> None:
        self.problems.add(source.path, source.line(loc), format_loc(loc), message)

    def artwork(self, path: Path, source: YamlSource, loc: Loc) -> Path | None:
        """A square RGB JPEG or PNG; None (with a problem) if it is missing or not one."""
        if not path.is_file():
            shown = self.problems.display(path)
            self._add(source, loc, f'file "{shown}" not found (expected a JPEG or PNG image)')
            return None
        if self.probe_media:
            try:
                check_artwork(path)
            except MediaError as error:
                self._add(source, loc, str(error))
                return None
        return path

    def jingle(self, path: Path, source: YamlSource, loc: Loc) -> None:
        """An intro or outro must exist and decode, like a master."""
        if not path.is_file():
            shown = self.problems.display(path)
            self._add(source, loc, f'file "{shown}" not found (expected an audio file)')
            return
        if self.probe_media:
            try:
                probe_audio(path)
            except MediaError as error:
                self._add(source, loc, str(error))

    def audio(self, path: Path, source: YamlSource) -> AudioInfo | None:
        """The episode's master, probed: None (with a problem) if it is not usable."""

        def problem(message: str) -> None:
            # the line is looked up only for a problem: it costs a second, round-trip parse
            self._add(source, ("audio",), message)

        if not path.is_file():
            problem(
                f'file "{path.name}" not found next to {EPISODE_FILE} (expected the audio master)'
            )
            return None
        if path.stat().st_size == 0:
            problem(f'"{path.name}" is empty (0 bytes)')
            return None
        try:
            info = probe_audio(path)
        except MediaError as error:
            problem(str(error))
            return None
        if info.sample_rate < MIN_SAMPLE_RATE:
            problem(
                f'"{path.name}" is sampled at {info.sample_rate} Hz '
                f"(expected at least {MIN_SAMPLE_RATE} Hz)"
            )
        return info

    def person_image(self, person: Person, folder: Path, source: YamlSource, loc: Loc) -> None:
        """A person's image is a URL or a file next to the YAML that names it."""
        if person.image and not person.image.startswith(("http://", "https://")):
            image = folder / person.image
            if not image.is_file():
                shown = self.problems.display(image)
                self._add(source, loc, f'file "{shown}" not found (expected an image or URL)')

    def transcript(self, folder: Path, meta: EpisodeFile, source: YamlSource) -> Path | None:
        """The episode's transcript (named, or found next to it), parsed; None if none."""
        if meta.transcript:
            path = folder / meta.transcript
            if not path.is_file():
                self._add(
                    source,
                    ("transcript",),
                    f'file "{meta.transcript}" not found (expected a .vtt or .srt transcript)',
                )
                return None
        else:
            path = next((folder / n for n in TRANSCRIPT_NAMES if (folder / n).is_file()), None)
            if path is None:
                return None
        try:
            parse_transcript(path)
        except TranscriptError as error:
            self.problems.add(path, error.line or None, "", str(error))
            return None
        except UnicodeDecodeError:
            self.problems.add(path, None, "", "not UTF-8 text")
            return None
        return path

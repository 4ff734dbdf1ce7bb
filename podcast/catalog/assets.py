"""The files an entry names: artwork, masters, jingles, person images, transcripts, the font.

Each must be inside the catalog folder, or inside a folder declared in show.yaml's
``media_roots:`` (symlinks followed: a link inside the catalog to a file outside
it is outside), because whatever the catalog names may end up published.  Each
must exist and be what it claims to be.  A problem names the YAML file, line and
field that refers to the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podcast.catalog.decode import DecodeCheck
from podcast.catalog.media import (
    MediaError,
    check_artwork,
    check_image,
    check_social_image,
    probe_audio,
)
from podcast.catalog.models import AudioInfo, EpisodeFile, Person, format_timestamp
from podcast.catalog.names import EPISODE_FILE, TRANSCRIPT_NAMES
from podcast.catalog.transcript import Cue, TranscriptError, parse_transcript
from podcast.catalog.yamlsource import Loc, YamlSource, format_loc
from podcast.problems import Problems

MIN_SAMPLE_RATE = 22050
CUE_TOLERANCE = 0.001  # s: cue times are written to the millisecond
CUE_PAST_END = 0.5  # s: a last cue may end a little after the master (rounded durations)


@dataclass(frozen=True)
class Assets:
    """Checks the files named in the catalog at ``root``, adding problems to ``problems``."""

    root: Path
    problems: Problems
    probe_media: bool = True
    media_roots: tuple[Path, ...] = ()  # resolved
    decoder: DecodeCheck | None = None  # decodes masters to the end (with probe_media)

    def _add(self, source: YamlSource, loc: Loc, message: str) -> None:
        self.problems.add(source.path, source.line(loc), format_loc(loc), message)

    def inside(self, path: Path, written: str, source: YamlSource, loc: Loc) -> bool:
        """Whether ``path`` (as ``written`` in the YAML) resolves inside the catalog or a root."""
        try:
            resolved = path.resolve()
        except ValueError:  # a NUL byte: already an error of the text itself
            return False
        except (OSError, RuntimeError):  # a symlink loop
            self._add(source, loc, f'"{written}" cannot be resolved (a symlink loop?)')
            return False
        allowed = (self.root.resolve(), *self.media_roots)
        if any(resolved.is_relative_to(folder) for folder in allowed):
            return True
        self._add(
            source,
            loc,
            f'"{written}" is outside the catalog: it is {resolved} (expected a file inside '
            f"{self.problems.display(self.root)}/, or in a folder listed under media_roots: "
            "in show.yaml)",
        )
        return False

    def _image(
        self,
        path: Path,
        written: str,
        source: YamlSource,
        loc: Loc,
        expected: str,
        check: Callable[[Path], object],
    ) -> Path | None:
        """``path`` if it is inside, there and passes ``check``; else None, with a problem."""
        if not self.inside(path, written, source, loc):
            return None
        if not path.is_file():
            shown = self.problems.display(path)
            self._add(source, loc, f'file "{shown}" not found (expected {expected})')
            return None
        if self.probe_media:
            try:
                check(path)
            except MediaError as error:
                self._add(source, loc, str(error))
                return None
        return path

    def artwork(self, path: Path, written: str, source: YamlSource, loc: Loc) -> Path | None:
        """A square RGB JPEG or PNG; None (with a problem) if it is missing or not one."""
        return self._image(path, written, source, loc, "a JPEG or PNG image", check_artwork)

    def social_image(self, path: Path, written: str, source: YamlSource, loc: Loc) -> Path | None:
        """A 16:9 JPEG or PNG (``podcast:image``); None (with a problem) if it is not one."""
        return self._image(path, written, source, loc, "a 16:9 JPEG or PNG", check_social_image)

    def jingle(self, path: Path, written: str, source: YamlSource, loc: Loc) -> None:
        """An intro or outro must exist and decode, like a master."""
        if not self.inside(path, written, source, loc):
            return
        if not path.is_file():
            shown = self.problems.display(path)
            self._add(source, loc, f'file "{shown}" not found (expected an audio file)')
            return
        if self.probe_media:
            try:
                probe_audio(path)
            except MediaError as error:
                self._add(source, loc, str(error))

    def audio(self, path: Path, written: str, source: YamlSource) -> AudioInfo | None:
        """The episode's master, probed: None (with a problem) if it is not usable."""

        def problem(message: str) -> None:
            # the line is looked up only for a problem: it costs a second, round-trip parse
            self._add(source, ("audio",), message)

        if not self.inside(path, written, source, ("audio",)):
            return None
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
        if self.decoder is not None:
            self.decoder.later(path, info, problem)  # (decoded while the catalog loads)
        return info

    def person_image(self, person: Person, folder: Path, source: YamlSource, loc: Loc) -> None:
        """A person's image is a URL, or a JPEG/PNG file next to the YAML that names it."""
        if not person.image or person.image.startswith(("http://", "https://")):
            return
        image = folder / person.image
        self._image(image, person.image, source, loc, "an image or URL", check_image)

    def font(self, path: Path, written: str, source: YamlSource, loc: Loc) -> bool:
        """Whether a font file may be used (it is embedded in cards and slide decks)."""
        return self.inside(path, written, source, loc)

    def transcript(
        self, folder: Path, meta: EpisodeFile, source: YamlSource, duration: float | None
    ) -> Path | None:
        """The episode's transcript (named, or found next to it), parsed; None if none.

        Cues out of order, overlapping or past the end of the audio are warnings.
        """
        loc = ("transcript",)
        path: Path | None
        if meta.transcript:
            path = folder / meta.transcript
            if not self.inside(path, meta.transcript, source, loc):
                return None
            if not path.is_file():
                self._add(
                    source,
                    loc,
                    f'file "{meta.transcript}" not found '
                    "(expected a .vtt, .srt or .json transcript)",
                )
                return None
        else:
            path = next((folder / n for n in TRANSCRIPT_NAMES if (folder / n).is_file()), None)
            if path is None or not self.inside(path, path.name, source, loc):
                return None
        try:
            cues = parse_transcript(path)
        except TranscriptError as error:
            self.problems.add(path, error.line or None, "", str(error))
            return None
        except UnicodeDecodeError:
            self.problems.add(path, None, "", "not UTF-8 text")
            return None
        self.check_cues(path, cues, duration)
        return path

    def check_cues(self, path: Path, cues: list[Cue], duration: float | None) -> None:
        """Warn about cues that start before the previous one ends, or end past the audio."""
        previous: Cue | None = None
        for cue in cues:
            if previous is not None and cue.start < previous.end - CUE_TOLERANCE:
                self.problems.warn(
                    path,
                    cue.line,
                    "",
                    f"cue starts at {format_timestamp(cue.start)}, before the previous cue "
                    f"ends ({format_timestamp(previous.end)}) (expected cues in order, "
                    "one after the other)",
                )
            if duration is not None and cue.end > duration + CUE_PAST_END:
                self.problems.warn(
                    path,
                    cue.line,
                    "",
                    f"cue ends at {format_timestamp(cue.end)}, past the end of the audio "
                    f"({format_timestamp(duration)})",
                )
            previous = cue if previous is None or cue.end > previous.end else previous

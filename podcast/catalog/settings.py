"""show.yaml's settings for the stages: how audio is processed, how cards look, how quotes
are found in transcripts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from podcast.catalog.cardstyle import check_colour
from podcast.catalog.fields import Model

_OFF = BeforeValidator(lambda value: "off" if value is False else value)
Switch = Annotated[Literal["off", "speech"], _OFF]


class AudioSettings(Model):
    """How episode audio is normalized and encoded."""

    loudness: float = Field(-16.0, le=-5, ge=-40, description="Target LUFS for stereo output")
    loudness_mono: float = Field(
        -19.0,
        le=-5,
        ge=-40,
        description="Target LUFS for mono output (as loud as -16 stereo)",
    )
    true_peak: float = Field(-1.0, le=0, ge=-10, description="True-peak ceiling in dBTP")
    bitrate_stereo: int = Field(128, ge=32, le=320, description="MP3 kbit/s for stereo masters")
    bitrate_mono: int = Field(64, ge=32, le=320, description="MP3 kbit/s for mono masters")
    when_too_loud: Literal["limit", "lower"] = Field(
        "limit",
        description="If the target cannot be reached linearly within the true-peak ceiling: "
        "'limit' peaks harder, or 'lower' the target",
    )
    intro: str | None = Field(None, description="Jingle prepended to every episode (file path)")
    outro: str | None = Field(None, description="Jingle appended to every episode (file path)")
    crossfade: float = Field(0.0, ge=0, le=10, description="Crossfade in seconds for intro/outro")
    opus: bool = Field(
        False,
        description="Also publish each episode as speech-tuned Opus (32 kbit/s mono, 48 stereo), "
        "announced as podcast:alternateEnclosure next to the MP3",
    )
    leveler: Switch = Field("off", description="'speech': even out speakers before loudness")
    highpass: int = Field(0, ge=0, le=300, description="High-pass for rumble, in Hz (0: off)")
    denoise: Annotated[Literal["off", "light"], _OFF] = Field("off", description="'light': hiss")


Colour = Annotated[
    str, AfterValidator(check_colour), Field(description="A CSS colour, e.g. #1d3557 or navy")
]


class CardStyle(Model):
    """Look of quote cards and takeaway slides."""

    background: Colour = "#1d3557"
    foreground: Colour = "#ffffff"
    accent: Colour = "#f4a261"
    font: str | None = Field(None, description="A .ttf/.otf file next to show.yaml")
    heading: str | None = Field(
        None, description="Heading of every card; default: the show title up to its first '. '"
    )
    video: bool = Field(
        False, description="Also make a video (MP4, 16:9 and 9:16) of every quote in the build"
    )


class QuoteSettings(Model):
    """How quotes without times are found in the episode's transcript."""

    margin: float = Field(
        0.25, ge=0, le=5, description="Seconds of audio added before and after a found quote"
    )
    min_match: float = Field(
        0.7,
        gt=0,
        le=1,
        description="Share of a quote's words a passage must match for its times to be found",
    )

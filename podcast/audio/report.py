"""What normalization did to one file: measured figures only, written as JSON into the build."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from podcast.audio.loudness import Loudness

SPREAD_GATE = 20.0  # LU under the integrated loudness: quieter 3-s windows are not speech
FLOOR_BLOCK = 0.4  # s: the noise floor is the loudness of the quietest such blocks ...
FLOOR_PERCENTILE = 5  # ... their 5th percentile (pauses), digital silence left out
SILENCE = -100.0  # LUFS: a block this quiet is digital silence, not room tone


def speech_spread(loudness: Loudness) -> float:
    """The spread of short-term (3 s) loudness over speech: its 90th less its 10th
    percentile, over the windows within SPREAD_GATE LU of the integrated loudness (LU)."""
    values = np.array(loudness.short_term, dtype=float)
    if math.isnan(loudness.integrated) or math.isinf(loudness.integrated) or not len(values):
        return math.nan
    gated = values[values > max(-70.0, loudness.integrated - SPREAD_GATE)]
    if len(gated) < 2:
        return math.nan
    return round(float(np.percentile(gated, 90) - np.percentile(gated, 10)), 2)


def noise_floor(loudness: Loudness) -> float:
    """The noise floor in the pauses: the FLOOR_PERCENTILE-th percentile of the loudness of
    FLOOR_BLOCK-s blocks (K-weighted, as LUFS), digital silence left out."""
    energy = loudness.sub_energy
    sub_length = loudness.duration / len(energy) if len(energy) else 0.0
    if not sub_length:
        return math.nan
    per_block = max(1, round(FLOOR_BLOCK / sub_length))
    n = len(energy) // per_block * per_block
    if not n:
        return math.nan
    # each sub-block's energy is its share of a 100 ms segment's mean square
    blocks = energy[:n].reshape(-1, per_block).sum(axis=1) * (loudness.sub_per_segment / per_block)
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(blocks)
    levels = levels[levels > SILENCE]
    if not len(levels):
        return math.nan
    return round(float(np.percentile(levels, FLOOR_PERCENTILE)), 2)


@dataclass(frozen=True)
class Summary:
    integrated: float
    lra: float
    true_peak: float

    @classmethod
    def of(cls, loudness: Loudness) -> Summary:
        return cls(
            round(loudness.integrated, 2), round(loudness.lra, 2), round(loudness.true_peak, 2)
        )


@dataclass(frozen=True)
class LoudnessReport:
    """The input as measured on the master, the output as measured on the final MP3.

    ``limited_by``, ``limited_seconds`` and ``limited_share`` are what the true-peak limiter
    did (it counts the samples it turned down); ``lowered_by`` is how far the target was
    lowered to stay linear (``when_too_loud: lower``), from the MP3's measured loudness.
    """

    file: str
    target: float
    true_peak_limit: float
    input: Summary
    output: Summary  # measured on the MP3 as it was encoded
    gain: float  # dB applied before the limiter
    mode: str  # "linear", "limited" (peaks limited to reach the target) or "lowered"
    limited_by: float  # dB the loudest peak was turned down by the limiter (0: none)
    limited_seconds: float  # seconds of the programme turned down by more than 1 dB
    limited_share: float  # the same, in % of the programme
    lowered_by: float  # LU the output stays under the target ("lowered"; else 0)
    passes: int  # encodes needed (1 normally, 2 with the one correction)
    duration: float
    notes: tuple[str, ...] = ()
    short_term_input: tuple[float, ...] = field(default=(), repr=False)
    short_term_output: tuple[float, ...] = field(default=(), repr=False)
    # leveler and clean-up (podcast.audio.leveler) in words; "" when none was on
    processing: str = ""
    # LU between the 10th and 90th percentile of 3-s loudness over speech (see speech_spread)
    speech_spread_input: float = math.nan
    speech_spread_output: float = math.nan
    # LUFS of the pauses (see noise_floor), in the master and in the MP3
    noise_floor_input: float = math.nan
    noise_floor_output: float = math.nan

    @property
    def noise_floor_raised(self) -> float:
        """dB the pauses rose beyond the programme's own change in loudness: what the
        processing did to the room tone (the normalization's gain moves both alike)."""
        rise = self.noise_floor_output - self.noise_floor_input
        return round(rise - (self.output.integrated - self.input.integrated), 2)

    @property
    def on_target(self) -> bool:
        return abs(self.output.integrated - self.target) <= 0.5

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> LoudnessReport:
        known = {f.name for f in fields(cls)}
        data = {key: value for key, value in data.items() if key in known}
        data["input"] = Summary(**data["input"])
        data["output"] = Summary(**data["output"])
        for key in ("notes", "short_term_input", "short_term_output"):
            data[key] = tuple(data.get(key, ()))
        return cls(**data)

    def line(self) -> str:
        i, o = self.input, self.output
        text = (
            f"in {i.integrated:6.1f} LUFS LRA {i.lra:4.1f} TP {i.true_peak:5.1f} → "
            f"out {o.integrated:6.1f} LUFS LRA {o.lra:4.1f} TP {o.true_peak:5.1f} dBTP "
            f"(measured on the MP3), gain {self.gain:+.1f} dB, "
        )
        text += self.what_was_done()
        if self.processing:
            text += (
                f"; {self.processing}: LRA {i.lra:.1f} → {o.lra:.1f} LU, speech spread "
                f"{self.speech_spread_input:.1f} → {self.speech_spread_output:.1f} LU, "
                f"noise floor {self.noise_floor_input:.1f} → {self.noise_floor_output:.1f} LUFS "
                f"({self.noise_floor_raised:+.1f} dB against the programme)"
            )
        return text

    def what_was_done(self) -> str:
        """The mode in words."""
        if self.mode == "lowered":
            return (
                f"lowered: kept linear, {self.lowered_by:.1f} LU under the "
                f"{self.target:.0f} LUFS target"
            )
        if self.mode == "limited":
            return (
                f"limited: peaks turned down by up to {self.limited_by:.1f} dB; "
                f"{self.limited_seconds:.1f} s ({self.limited_share:.1f} % of the programme) "
                "by more than 1 dB"
            )
        return "linear (no peak limited)"

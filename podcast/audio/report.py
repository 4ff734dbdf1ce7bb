"""What normalization did to one file: measured figures only, written as JSON into the build."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from podcast.audio.loudness import Loudness


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
        return text + self.what_was_done()

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

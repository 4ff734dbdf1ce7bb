"""The speech leveler and optional clean-up: ffmpeg filters run before loudness normalization.

The leveler evens out speakers (a guest on a call 8-12 dB under the host) so that the
linear loudness normalization after it has one programme level to work with.  It is
ffmpeg's ``dynaudnorm`` (present in ffmpeg 5.1 and the imageio-ffmpeg wheel's build), set
for speech:

* ``f=200:g=15``: 200 ms frames, gain smoothed by a Gaussian over 15 frames (3 s).  The
  filter looks ahead by half its window, so the gain turns *before* a louder speaker starts:
  no pumping on onsets.  A 3 s window follows speaker turns of a few seconds; longer windows
  (g=21) left 1.6 LU between speakers 8 dB apart, shorter frames pumped within a sentence.
* ``r=0.1``: each frame's gain aims its RMS at -20 dBFS (speakers matched by RMS, not by
  peaks, which depend on the voice); ``p=0.9``: never a peak over -0.9 dBFS from the
  leveler (the true-peak limiter after it holds the ceiling).
* ``m=10``: at most +20 dB; ``t=0.003``: frames whose peak is under -50 dBFS (room tone,
  digital silence) are not raised, so the room tone in pauses stays where it was.

Figures that decided it (the filter alone, ffmpeg 5.1, on a 60 s espeak-ng dialogue with
5-8 s turns and room tone at -60 dBFS RMS; speaker difference by ffmpeg's ebur128 on each
speaker's cut passages, LRA, and the rise of the pauses' noise floor less the programme's
rise in loudness)::

    master                               guest  diff in  diff out  LRA in  LRA out  floor
    dynaudnorm f=200:g=15:r=0.1:t=0.003  -0 dB     -0.3       0.1     3.3      2.7  +0.6
                                          8 dB      7.7       0.7     9.5      3.3  +0.3
                                         12 dB     11.7       1.1    13.4      3.9  +0.9
    dynaudnorm f=200:g=21 (6 s window)    8 dB      7.7       1.6     9.5      4.6  -0.1
    dynaudnorm f=300:g=11 t=0.01         12 dB     11.7       1.5    13.4      4.9  +0.8
    speechnorm e=4:r=0.0005:l=1           8 dB      7.7      -0.1     9.5      2.7  +9.8
    speechnorm e=8:c=2 (stronger)         8 dB      7.7      -0.4     9.5      2.4 +12.6

The price of a 3 s window: on masters whose speakers are even already, it follows the
sentences too and can widen the LRA.  On the demo show's espeak masters (through
``podcast normalize``, measured on the MP3) the LRA went 3.5 → 4.7 (folge-15) and
3.6 → 5.2 LU (folge-11); a 6 s window (``f=400:g=15``) kept folge-11 at 3.7 LU but left
3.7 LU between speakers 8 dB apart.  So the leveler is for uneven speakers, and off by
default (and in the demo show).

``speechnorm`` evens speakers as well, but it works per half-cycle and raises the room tone
in every pause by 10-13 dB; ``dynaudnorm`` with a threshold leaves it within 1 dB.  Being
an ffmpeg filter, the leveler runs inside the decoder that already joins and gains the
source (no extra process, no extra copy of the PCM); see ``bench/normalize.py --leveler``.

Clean-up, each off by default: ``highpass`` (Hz, a 2-pole high-pass for rumble) and
``denoise: light`` (``afftdn`` with 10 dB of reduction at a -50 dB noise floor: a light
broadband reduction for a constant hiss).
"""

from __future__ import annotations

from dataclasses import dataclass

SPEECH = "dynaudnorm=f=200:g=15:p=0.9:m=10:r=0.1:t=0.003"
LIGHT_DENOISE = "afftdn=nr=10:nf=-50"
LEVELERS = ("off", "speech")
DENOISERS = ("off", "light")


@dataclass(frozen=True)
class Processing:
    """What is done to the source before loudness normalization (all off by default)."""

    leveler: str = "off"  # "off" or "speech"
    highpass: int = 0  # Hz; 0: none
    denoise: str = "off"  # "off" or "light"

    def __post_init__(self) -> None:
        if self.leveler not in LEVELERS:
            raise ValueError(f"leveler: expected one of {LEVELERS}, found {self.leveler!r}")
        if self.denoise not in DENOISERS:
            raise ValueError(f"denoise: expected one of {DENOISERS}, found {self.denoise!r}")
        if self.highpass < 0:
            raise ValueError(f"highpass: expected a frequency in Hz, found {self.highpass}")

    @property
    def active(self) -> bool:
        return self.chain != ""

    @property
    def levelled(self) -> bool:
        return self.leveler == "speech"

    @property
    def chain(self) -> str:
        """The ffmpeg filters, comma-separated ("" when nothing is on): clean-up first, so
        that the leveler does not raise rumble or hiss."""
        filters = []
        if self.highpass:
            filters.append(f"highpass=f={self.highpass}:p=2")
        if self.denoise == "light":
            filters.append(LIGHT_DENOISE)
        if self.leveler == "speech":
            filters.append(SPEECH)
        return ",".join(filters)

    def describe(self) -> str:
        """In words, for the report ("" when nothing is on)."""
        parts = []
        if self.leveler == "speech":
            parts.append("speech leveler (dynaudnorm)")
        if self.highpass:
            parts.append(f"high-pass at {self.highpass} Hz")
        if self.denoise == "light":
            parts.append("light noise reduction (afftdn)")
        return ", ".join(parts)

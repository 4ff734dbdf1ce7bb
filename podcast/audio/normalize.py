"""Loudness normalization with a true-peak limit: measure, one encode, measured result.

1. **Measure** the master (BS.1770 integrated loudness, LRA, true peak) by streaming
   decoded PCM through :mod:`podcast.audio.loudness`; a long PCM/FLAC master in two
   halves on two cores.  With ``leveler: speech`` the leveler's gain curve is computed from
   that measurement (:mod:`podcast.audio.leveler`), and the levelled source's loudness
   and peaks from the same energies: the steps below plan on the levelled source.
2. **Decide** one gain: the target less the master's loudness, plus what the MP3 encoder
   takes (a first guess; see step 4).  If the master's true peak at that gain would stay
   under the ceiling, the encode is linear.  If not, the show's ``when_too_loud`` decides:
   ``limit`` (the look-ahead true-peak limiter of :mod:`podcast.audio.limiter` turns down
   only the peaks over the ceiling; the gain includes the little loudness it is predicted
   to take from them) or ``lower`` (a smaller gain, still linear: the target is missed and
   the report says by how much).
3. **Encode** once (:mod:`podcast.audio.pipeline`) and measure the MP3 *while it is
   written*: its integrated loudness, LRA and true peak are measured on the encoded
   stream on the other core.  The report states only these measured output figures.
4. **Correct** at most once: if the MP3 misses the target by more than
   :data:`TOLERANCE` or its true peak is over the ceiling, it is encoded again with the
   gain (and the limiter's ceiling) adjusted by the measured error.

Intro and outro jingles are joined to the master inside the same ffmpeg graph
(concatenated, or cross-faded), so the whole episode is measured and normalized.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from podcast.audio.leveler import Processing, levelled, speech_gain
from podcast.audio.loudness import Loudness, measure_command, measure_split
from podcast.audio.pipeline import EncodePlan, EncodeResult, cutoff, encode_pass
from podcast.audio.report import LoudnessReport, Summary, noise_floor, speech_spread
from podcast.audio.source import AudioError, Source, check_source, stream_info
from podcast.ffmpeg import FfmpegError, StreamInfo
from podcast.progress import PassProgress, PhaseProgress

__all__ = ["AudioError", "LoudnessReport", "LoudnessTarget", "Source", "normalize"]

# LU that MP3 encoding takes from the integrated loudness of the band it encodes (the gain is
# planned on the master low-passed as LAME low-passes it): only the first guess, which
# depends a little on the programme and the LAME build (measured 0.3-0.45 at 64-128 kbit/s
# with both ffmpeg 5.1 and 9); the MP3 is measured, and one more encode corrects a guess
# that was off by more than TOLERANCE.
CODEC_LOSS = 0.4
TOLERANCE = 0.2  # LU: an MP3 further than this from the target is encoded once more
# dB under the ceiling the limiter aims: what MP3 encoding adds to the peaks it held, with
# the same low-pass before the limiter as in LAME (measured at 128 kbit/s stereo: -0.4 to
# +0.1 dB; at 64 kbit/s mono, where LAME's noise is higher: -0.6 to +1.1 dB)
PEAK_ALLOWANCE = 0.1
LOW_BITRATE = 96  # kbit/s and less: the limiter aims LOW_BITRATE_ALLOWANCE under the ceiling
LOW_BITRATE_ALLOWANCE = 0.8
# an overshoot need not shrink as the limiter's ceiling comes down: on pink noise raised by 25 dB
# (tests/audio/test_normalize.py, loudness range), wheel ffmpeg 9's MP3 was 0.04-0.17 dB over
# the limiter's ceiling at -1.1 dBTP and 0.26-0.43 dB over it at -1.5 (Debian's 5.1: under it)
RETRY_FACTOR = 2.5
RETRY_MARGIN = 0.1  # dB under the ceiling the corrective encode aims for an MP3 that was over
SPLIT_MINIMUM = 60.0  # s: longer masters are measured in two halves in parallel


@dataclass(frozen=True)
class LoudnessTarget:
    """What the output should be."""

    loudness: float = -16.0
    true_peak: float = -1.0
    bitrate: int = 128
    channels: int = 2
    when_too_loud: str = "limit"  # or "lower"
    # leveler and clean-up before the gain (podcast.audio.leveler; all off by default)
    processing: Processing = field(default_factory=Processing)


def measure_source(
    source: Source,
    channels: int,
    progress: PassProgress | None = None,
    rate: int | None = None,
    band: int | None = None,
    known: Mapping[Path, StreamInfo] | None = None,
    chain: str = "",
) -> Loudness:
    """The loudness of the (joined) source, through the ffmpeg filters ``chain`` if given.

    A long PCM or FLAC master on its own, at its own rate and without ``chain``, is measured
    in two halves in parallel (seeking in those formats is sample-exact; a filter such as
    ``afftdn`` depends on what came before, so a filtered source is measured in one pass)."""
    graph, joined_rate = source.graph(channels, chain)
    info = stream_info(source.master, known or {})
    rate = joined_rate or rate or info.sample_rate
    # (ffmpeg's codec names, or mutagen's file types when the catalog probed the master)
    splittable = info.codec.startswith("pcm_") or info.codec in ("flac", "wave", "aiff")
    alone = len(source.files) == 1 and rate == info.sample_rate and not chain
    try:
        if alone and splittable and info.duration >= SPLIT_MINIMUM:
            frames = round(info.duration * rate)
            return measure_split(source.master, channels, rate, frames, progress, band)
        return measure_command(
            source.input_args(), graph, rate, channels, progress=progress, band=band
        )
    except FfmpegError as error:
        raise AudioError(f"{source.master}: does not decode ({error})") from None


def peak_allowance(target: LoudnessTarget) -> float:
    return LOW_BITRATE_ALLOWANCE if target.bitrate <= LOW_BITRATE else PEAK_ALLOWANCE


def plan_gain(measured: Loudness, target: LoudnessTarget) -> tuple[EncodePlan, str, list[str]]:
    """The first encode's plan, the mode and the notes."""
    # the gain is planned on the master low-passed as the encoder will have it (the input's
    # loudness in the report is that of the master itself)
    basis = measured.band_integrated
    if math.isnan(basis):
        basis = measured.integrated
    gain = target.loudness + CODEC_LOSS - basis
    aim = target.true_peak - peak_allowance(target)
    linear = EncodePlan(gain, aim, target.channels, target.bitrate, target.processing.chain)
    if measured.true_peak + gain <= aim:
        return linear, "linear", []
    over = measured.true_peak + gain - aim
    reason = (
        f"{target.loudness:.1f} LUFS is not reachable linearly: the input's true peak "
        f"{measured.true_peak:.1f} dBTP at {gain:+.1f} dB gain would be {over:.1f} dB over "
        f"the {target.true_peak:.1f} dBTP ceiling"
    )
    if target.when_too_loud == "lower":
        lowered = EncodePlan(
            aim - measured.true_peak, None, target.channels, target.bitrate,
            target.processing.chain,
        )  # fmt: skip
        return lowered, "lowered", [reason + "; kept linear (show setting when_too_loud: lower)"]
    # the gain includes the loudness the limiter is predicted to take from the peaks (tenths
    # of a LU), so that the target is met in one encode
    taken = basis + gain - measured.predict_limited(gain, aim)
    plan = EncodePlan(gain + taken, aim, target.channels, target.bitrate, target.processing.chain)
    return plan, "limited", [reason + "; peaks limited (show setting when_too_loud: limit)"]


def _correction(
    plan: EncodePlan, result: EncodeResult, target: LoudnessTarget, mode: str
) -> EncodePlan | None:
    """The plan of the one corrective encode, or None if the MP3 is right: within TOLERANCE
    of the target (unless lowered) and its true peak under the ceiling."""
    output = result.loudness
    over = output.true_peak - target.true_peak
    miss = target.loudness - output.integrated
    if over <= 0 and (mode == "lowered" or abs(miss) <= TOLERANCE):
        return None
    gain, ceiling = plan.gain, plan.ceiling
    if mode == "lowered":
        gain -= max(0.0, over) + 0.1
    else:
        gain += miss
    if ceiling is not None and over > 0:
        # the MP3's peaks came out over the ceiling: the limiter aims lower by more than the
        # overshoot (MP3 noise on broadband bursts does not shrink with the peaks), as there
        # is no third encode
        ceiling -= RETRY_FACTOR * (output.true_peak - (target.true_peak - RETRY_MARGIN))
    return replace(plan, gain=gain, ceiling=ceiling)


def normalize(
    source: Source,
    out: Path,
    target: LoudnessTarget,
    progress: PhaseProgress | None = None,
    known: Mapping[Path, StreamInfo] | None = None,
) -> LoudnessReport:
    """Normalize ``source`` into the MP3 ``out``; return the report (output measured on it).

    ``known``: files the catalog has probed and checked already (they are not probed again).
    """
    known = known or {}
    check_source(source, known)

    def phase(name: str, total: float) -> PassProgress | None:
        if progress is None:
            return None
        return lambda done: progress(name, done, total)

    expected = sum(stream_info(p, known).duration for p in source.files)
    band = cutoff(target.bitrate)
    chain = target.processing.chain
    if chain:
        # the master (for the report) and what the decoder will give the encoder (the basis
        # of the gain: the cleaned-up source), measured at the same time on the two cores
        with ThreadPoolExecutor(max_workers=1) as pool:
            master = pool.submit(measure_source, source, target.channels, None, known=known)
            measured = measure_source(
                source, target.channels, phase("measure", expected), band=band, known=known,
                chain=chain,
            )  # fmt: skip
            unprocessed = master.result()
    else:
        measured = measure_source(
            source, target.channels, phase("measure", expected), band=band, known=known
        )
        unprocessed = measured
    name = source.master
    if measured.duration <= 0:
        raise AudioError(f"{name}: has no audio (zero length)")
    if measured.silent:
        raise AudioError(f"{name}: contains only silence (nothing to normalize)")
    levels = None
    if target.processing.levelled:
        # the leveler's gain from the measurement, and the levelled source's loudness from
        # the same energies (no second pass over the source)
        levels = speech_gain(measured, target.loudness, target.true_peak)
        measured = levelled(measured, levels)
    plan, mode, notes = plan_gain(measured, target)
    plan = replace(plan, levels=levels)
    tmp = out.with_name(f"{out.stem}.{os.getpid()}.{threading.get_ident()}.part.mp3")
    passes = 1
    try:
        result = encode_pass(source, tmp, plan, phase("encode", expected))
        again = _correction(plan, result, target, mode)
        if again is not None:
            output = result.loudness
            notes.append(
                f"first encode measured {output.integrated:.2f} LUFS, {output.true_peak:.2f} "
                f"dBTP; encoded once more with the gain corrected by {again.gain - plan.gain:+.2f}"
                " dB"
            )
            plan, passes = again, 2
            result = encode_pass(source, tmp, plan, phase("encode", expected))
        output = result.loudness
        if output.true_peak > target.true_peak:
            raise AudioError(
                f"{name}: true peak {output.true_peak:.2f} dBTP after encoding is over the "
                f"{target.true_peak:.1f} dBTP ceiling even after {passes} passes"
            )
        if mode != "lowered" and abs(output.integrated - target.loudness) > TOLERANCE:
            notes.append(f"output {output.integrated:.2f} LUFS misses the target")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    if mode == "limited" and result.limited_by == 0:
        mode = "linear"  # no peak came over the limiter's ceiling: nothing was limited
    elif mode == "linear" and result.limited_by > 0:
        mode = "limited"
    duration = output.duration
    return LoudnessReport(
        file=str(source.master.name),
        target=target.loudness,
        true_peak_limit=target.true_peak,
        input=Summary.of(unprocessed),
        output=Summary.of(output),
        gain=round(plan.gain, 2),
        mode=mode,
        limited_by=round(result.limited_by, 2),
        limited_seconds=round(result.limited_seconds, 2),
        limited_share=round(100 * result.limited_seconds / duration, 2) if duration else 0.0,
        lowered_by=round(max(0.0, target.loudness - output.integrated), 2)
        if mode == "lowered"
        else 0.0,
        passes=passes,
        duration=round(duration, 3),
        notes=tuple(notes),
        short_term_input=unprocessed.short_term,
        short_term_output=output.short_term,
        processing=target.processing.describe(),
        speech_spread_input=speech_spread(unprocessed),
        speech_spread_output=speech_spread(output),
        noise_floor_input=noise_floor(unprocessed),
        noise_floor_output=noise_floor(output),
    )

"""``podcast normalize``: one audio file normalized to a loudness target and encoded."""

from __future__ import annotations

import json
from pathlib import Path

import click

from podcast.cli.common import QUIET_OPTION


@click.command()
@click.argument("master", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The MP3 to write.",
)
@click.option(
    "--target",
    "-t",
    type=float,
    default=None,
    help="Integrated loudness in LUFS.  [default: -16 stereo, -19 mono: a mono file is "
    "played on both speakers, which sounds 3 LU louder]",
)
@click.option("--true-peak", type=float, default=-1.0, show_default=True, help="Ceiling in dBTP.")
@click.option(
    "--bitrate",
    "-b",
    type=int,
    default=None,
    help="MP3 kbit/s.  [default: 128 stereo, 64 mono]",
)
@click.option(
    "--when-too-loud",
    type=click.Choice(["limit", "lower"]),
    default="limit",
    show_default=True,
    help="If the target needs more gain than the true-peak ceiling allows: limit the peaks, "
    "or lower the target.",
)
@click.option(
    "--leveler",
    type=click.Choice(["off", "speech"]),
    default="off",
    show_default=True,
    help="'speech': even out the speakers' levels first (a quiet guest as loud as the host).",
)
@click.option(
    "--highpass",
    type=click.IntRange(0, 300),
    default=0,
    show_default=True,
    help="High-pass for rumble, Hz (0: off).",
)
@click.option(
    "--denoise",
    type=click.Choice(["off", "light"]),
    default="off",
    show_default=True,
    help="'light': a light broadband noise reduction for a constant hiss.",
)
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the report here.")
@QUIET_OPTION
def normalize(
    master: Path,
    output: Path,
    target: float | None,
    true_peak: float,
    bitrate: int | None,
    when_too_loud: str,
    leveler: str,
    highpass: int,
    denoise: str,
    json_out: Path | None,
    quiet: bool,
) -> None:
    """Normalize one audio file to a loudness target and encode it to MP3.

    Linear gain (the loudness range is kept); a true-peak-safe limiter only when the
    target cannot be reached otherwise, which the report then says.  --leveler speech
    evens out the speakers before that (the report then gives LRA, speech spread and the
    pauses' noise floor, before and after).  Mono stays mono.
    The report's output figures are measured on the MP3 as it is written.
    """  # fmt: skip
    from podcast.audio.leveler import Processing
    from podcast.audio.normalize import LoudnessTarget
    from podcast.audio.normalize import normalize as run_normalize
    from podcast.audio.source import Source, check_source
    from podcast.ffmpeg import probe
    from podcast.progress import audio_progress, progress_wanted

    check_source(Source(master))  # names the file if it is missing, empty or unreadable
    info = probe(master)
    channels = 1 if info.channels == 1 else 2
    mono = channels == 1
    goal = LoudnessTarget(
        loudness=target if target is not None else (-19.0 if mono else -16.0),
        true_peak=true_peak,
        bitrate=bitrate or (64 if mono else 128),
        channels=channels,
        when_too_loud=when_too_loud,
        processing=Processing(leveler, highpass, denoise),
    )
    with audio_progress(progress_wanted(quiet), 1) as progress:
        step = (
            (lambda phase, done, total: progress(master.name, phase, done, total))
            if progress
            else None
        )
        report = run_normalize(Source(master), output, goal, step, known={master: info})
    if json_out:
        json_out.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    click.echo(f"{output}: {report.line()}")
    for note in report.notes:
        click.secho(f"  note: {note}", fg="yellow")

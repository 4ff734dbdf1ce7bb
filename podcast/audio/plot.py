"""A small PNG of an episode's short-term loudness over time, before and after."""

from __future__ import annotations

import io

from podcast.audio.report import LoudnessReport


def draw_plot(report: LoudnessReport, title: str) -> bytes:
    """Short-term loudness (3 s) of input and output, with the target line; PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 2.2), dpi=100)
    axes = figure.add_subplot()
    for values, label, colour in (
        (report.short_term_input, f"master ({report.input.integrated:.1f} LUFS)", "#9aa5b1"),
        (
            report.short_term_output,
            f"MP3{', levelled' if report.processing.startswith('speech') else ''} "
            f"({report.output.integrated:.1f} LUFS)",
            "#1d3557",
        ),
    ):
        minutes = [(i + 3) / 60 for i in range(len(values))]
        axes.plot(minutes, values, label=label, color=colour, linewidth=0.8)
    axes.axhline(report.target, color="#e76f51", linewidth=0.8, linestyle="--", label="target")
    axes.set_ylim(max(-60.0, report.target - 30), report.target + 10)
    axes.set_xlabel("minutes")
    axes.set_ylabel("LUFS (short-term)")
    axes.set_title(title, fontsize=9)
    axes.legend(fontsize=7, loc="lower right")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

"""How many episodes are encoded at once by default.

Each normalize runs about two busy processes at a time (the ffmpeg decoder feeding the
loudness meter, and the ffmpeg encoder; the measuring pass likewise), so one job per core
oversubscribes the machine: on 2 cores, 6 masters of 1.5 min took 22.9 s with 2 jobs and
18.7 s with 1 (bench in the report of issue 12). The default is one job per two cores.
"""

from __future__ import annotations

import os

PROCESSES_PER_JOB = 2  # busy processes of one normalize


def default_jobs() -> int:
    """Episodes encoded in parallel unless ``--jobs`` says otherwise: one per two cores."""
    return max(1, (os.cpu_count() or 1) // PROCESSES_PER_JOB)

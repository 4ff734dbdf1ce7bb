"""How many episodes are encoded at once by default: one per core.

A normalize keeps about one and a half cores busy (its measurement pass two, its encode pass
LAME's core and part of another for the decoder, the meter of the MP3 and the limiter), so one
job per core leaves no core idle, and the little oversubscription costs less than idle cores
did: on 2 cores, 6 masters of 30 min (bench/parallel.py, ffmpeg 5.1) were built in 97.7 s with
2 jobs and in 124.1 s with 1 (CPU 191 and 178 s); 100 episodes of 20 s (bench/catalog.py) were
first published in 56.0 s with 2 jobs and in 65.9 s with 1.
"""

from __future__ import annotations

import os


def default_jobs() -> int:
    """Episodes encoded in parallel unless ``--jobs`` says otherwise: one per core."""
    return max(1, os.cpu_count() or 1)

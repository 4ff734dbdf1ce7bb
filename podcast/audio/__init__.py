"""The audio stage: each master measured, normalized to the show's loudness and encoded.

:mod:`.loudness` is the BS.1770 meter (integrated loudness, LRA, true peak),
:mod:`.normalize` turns one master into an MP3 at a loudness target,
:mod:`.encode` does that for every episode with a cache, :mod:`.plot` draws the
loudness report, and :mod:`.timeline` moves catalog times onto the published
timeline when the show has an intro.
"""

from podcast.audio.encode import EncodedAudio, encode_all

# (the function normalize is not re-exported: it would hide the module podcast.audio.normalize)
from podcast.audio.normalize import LoudnessTarget
from podcast.audio.report import LoudnessReport
from podcast.audio.source import Source

__all__ = ["EncodedAudio", "LoudnessReport", "LoudnessTarget", "Source", "encode_all"]

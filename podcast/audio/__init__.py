"""The audio stage: each master measured, normalized to the show's loudness and encoded.

:mod:`.loudness` is the BS.1770 meter (integrated loudness, LRA, true peak),
:mod:`.normalize` turns one master into an MP3 at a loudness target,
:mod:`.encode` does that for every episode with a cache, :mod:`.plot` draws the
loudness report, and :mod:`.timeline` moves catalog times onto the published
timeline when the show has an intro.

Nothing is imported here: ``podcast normalize`` needs only :mod:`.normalize` and what it
imports (not the catalog, mutagen or matplotlib), so import the modules themselves.
"""

"""feedgen extensions for what feedgen itself does not write.

* :mod:`podcast.feed.ext.itunes` — feedgen's iTunes extension with ``itunes:explicit`` as
  ``true``/``false`` (Apple's current values; feedgen knows only yes/no/clean).
* :mod:`podcast.feed.ext.podcastindex` — the Podcast Index ``podcast:`` namespace.
* :mod:`podcast.feed.ext.psc` — Podlove Simple Chapters.

Each is registered on a :class:`feedgen.feed.FeedGenerator` with its ``register(fg)``.
"""
